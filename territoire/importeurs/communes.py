"""Import des communes de l'agglomération depuis les fichiers de l'INSEE.

- Le code officiel géographique (COG) des communes, `v_commune_AAAA.csv` : UTF-8, virgules,
  une ligne par commune (TYPECOM « COM »), commune associée (« COMA »), commune déléguée
  (« COMD ») ou arrondissement municipal (« ARM ») ; COMPARENT donne la commune de
  rattachement des communes associées et déléguées.
- La composition communale des EPCI, `Intercommunalite_Metropole_au_01-01-AAAA.xlsx` :
  feuille « Composition_communale », cinq lignes de titre, l'en-tête en ligne 6
  (CODGEO, LIBGEO, EPCI, LIBEPCI, DEP, REG), les données ensuite.
- Facultatifs : les populations (`code_insee,population[,annee]`) et, en commande
  seulement, les pôles de proximité (`code_insee,pole`).

Les communes du territoire sont celles de l'EPCI de l'agglomération (SIREN 200067205).
Une commune n'est jamais supprimée (structures, lieux d'exercice et projets y renvoient) :
celle qui a quitté l'agglomération est signalée dans le rapport.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from territoire.importeurs.base import (
    ETAPE_ECRITURE,
    FichierRefuse,
    Fichiers,
    Flux,
    Suivi,
    debut_en_texte,
    decoder,
    enregistrer,
    lignes_suivies,
    lire_debut,
    taille,
)
from territoire.models import SIREN_AGGLOMERATION, Commune, ImportFichier, PoleDeProximite, TypeImport
from territoire.rapport import Rapport
from territoire.validateurs import code_insee_valide

COLONNES_COG = "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT"
# Seules les colonnes lues sont exigées : les éditions du COG en ont ajouté (CTCD) au fil des ans.
COLONNES_COG_LUES = ("TYPECOM", "COM", "LIBELLE", "COMPARENT")
FEUILLE_EPCI = "Composition_communale"
LIGNE_ENTETE_EPCI = 6
COLONNES_EPCI = ("CODGEO", "LIBGEO", "EPCI", "LIBEPCI", "DEP", "REG")
COLONNES_EPCI_LUES = ("CODGEO", "EPCI")
COLONNES_POPULATIONS = ("code_insee", "population")
COLONNES_POLES = ("code_insee", "pole")
# Verrou de PostgreSQL qui empêche deux imports de communes d'écrire en même temps.
VERROU_IMPORT_COMMUNES = 7_301_001


def communes_enregistrer(
    valeurs_par_code: dict[str, dict[str, Any]], existantes: dict[str, Commune], rapport: Rapport
) -> None:
    """Crée les communes absentes et met à jour, champ par champ, celles qui changent : une
    écriture groupée de chaque sorte, quel que soit leur nombre, et le décompte au rapport
    (créées, mises à jour, inchangées). Commun aux imports de l'INSEE et du Cotentin."""
    a_creer: list[Commune] = []
    a_modifier: list[Commune] = []
    champs_modifies: set[str] = set()
    for code, valeurs in valeurs_par_code.items():
        commune = existantes.get(code)
        if commune is None:
            a_creer.append(Commune(code_insee=code, **valeurs))
            rapport.crees += 1
            continue
        modifies = [nom_champ for nom_champ, v in valeurs.items() if getattr(commune, nom_champ) != v]
        if not modifies:
            rapport.inchanges += 1
            continue
        for nom_champ in modifies:
            setattr(commune, nom_champ, valeurs[nom_champ])
        champs_modifies.update(modifies)
        a_modifier.append(commune)
        rapport.mis_a_jour += 1
    if a_modifier:
        Commune.objects.bulk_update(a_modifier, sorted(champs_modifies), batch_size=500)
    Commune.objects.bulk_create(a_creer, batch_size=500)


_ESPACES = re.compile(r"[\s\u00a0\u202f]")


def _attendu_cog() -> str:
    return _(
        "le fichier des communes du code officiel géographique de l'INSEE (v_commune_AAAA.csv), "
        "en UTF-8, séparé par des virgules, dont la première ligne est %(colonnes)s"
    ) % {"colonnes": COLONNES_COG}


def _attendu_epci() -> str:
    return _(
        "le classeur de l'INSEE sur la composition communale des EPCI "
        "(Intercommunalite_Metropole_au_01-01-AAAA.xlsx), feuille « %(feuille)s », "
        "en-tête en ligne %(ligne)s : %(colonnes)s"
    ) % {"feuille": FEUILLE_EPCI, "ligne": LIGNE_ENTETE_EPCI, "colonnes": ", ".join(COLONNES_EPCI)}


def _attendu_table(colonnes: tuple[str, ...], facultative: str = "") -> str:
    entete = ",".join(colonnes)
    if facultative:
        return _(
            "un tableau CSV en UTF-8, séparé par des virgules, dont la première ligne est "
            "« %(entete)s » (colonne « %(facultative)s » facultative)"
        ) % {"entete": entete, "facultative": facultative}
    return _(
        "un tableau CSV en UTF-8, séparé par des virgules, dont la première ligne est « %(entete)s »"
    ) % {"entete": entete}


def entete_csv(
    texte: str, *, colonnes_lues: tuple[str, ...], majuscules: bool, champ: str, quel: str, attendu: str
) -> dict[str, int]:
    """Les positions des colonnes lues dans la première ligne (séparateur : la virgule)."""
    premiere = texte.splitlines()[0]
    noms = [nom.strip() for nom in next(csv.reader([premiere]))]
    noms = [nom.upper() if majuscules else nom.lower() for nom in noms]
    positions = {nom: i for i, nom in reversed(list(enumerate(noms)))}
    manquantes = [nom for nom in colonnes_lues if nom not in positions]
    if not manquantes:
        return positions
    if len(noms) == 1 and (";" in premiere or "\t" in premiere):
        separateur = _("des points-virgules") if ";" in premiere else _("des tabulations")
        raise FichierRefuse(
            _("%(quel)s est séparé par %(separateur)s au lieu de virgules : %(attendu)s est attendu.")
            % {"quel": quel, "separateur": separateur, "attendu": attendu},
            champ=champ,
        )
    raise FichierRefuse(
        ngettext(
            "%(quel)s n'a pas la colonne %(manquantes)s : %(attendu)s est attendu.",
            "%(quel)s n'a pas les colonnes %(manquantes)s : %(attendu)s est attendu.",
            len(manquantes),
        )
        % {"quel": quel, "manquantes": ", ".join(manquantes), "attendu": attendu},
        champ=champ,
    )


def _texte_cellule(valeur: Any) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    return str(valeur).strip()


def _code_cellule(valeur: Any) -> str:
    code = _texte_cellule(valeur).upper()
    # Un code saisi comme nombre par un tableur a perdu son zéro de tête (01001 → 1001).
    return code.zfill(5) if code.isdigit() else code


def _epci_requis(fichiers: Fichiers) -> Flux:
    if fichiers.epci is None:
        raise FichierRefuse(
            _("Le classeur de composition des EPCI manque : %(attendu)s est attendu.")
            % {"attendu": _attendu_epci()},
            champ="fichier_epci",
        )
    return fichiers.epci


@dataclass
class _LigneCog:
    ligne: int
    nom: str


@dataclass
class _Lecture:
    rapport: Rapport = field(default_factory=Rapport)
    # Les communes de l'EPCI : code → (ligne du classeur, libellé du classeur).
    epci: dict[str, tuple[int, str]] = field(default_factory=dict)
    communes: dict[str, _LigneCog] = field(default_factory=dict)
    anciens: dict[str, set[str]] = field(default_factory=dict)
    populations: dict[str, tuple[int, int | None]] | None = None
    poles: dict[str, str] | None = None


class ImporteurCommunes:
    """Le COG des communes, la composition des EPCI, et en option populations et pôles."""

    def verifier(self, fichiers: Fichiers) -> None:
        self._entete_cog(fichiers.principal)
        epci = _epci_requis(fichiers)
        classeur, feuille = self._ouvrir_epci(epci)
        try:
            self._entete_epci(feuille)
        finally:
            classeur.close()
            epci.seek(0)
        if fichiers.populations is not None:
            self._entete_table(
                fichiers.populations,
                COLONNES_POPULATIONS,
                champ="fichier_populations",
                quel=_("Le fichier des populations"),
                facultative="annee",
            )
        if fichiers.poles is not None:
            self._entete_table(
                fichiers.poles, COLONNES_POLES, champ="fichier_poles", quel=_("Le fichier des pôles")
            )

    def importer(self, fichiers: Fichiers, *, import_fichier: ImportFichier, suivi: Suivi) -> Rapport:
        lecture = _Lecture()
        lecture.epci = self._lire_epci(_epci_requis(fichiers))
        self._lire_cog(fichiers.principal, lecture, suivi)
        territoire = self._territoire(lecture)
        if fichiers.populations is not None:
            lecture.populations = self._lire_populations(fichiers.populations, lecture.rapport, territoire)
        if fichiers.poles is not None:
            lecture.poles = self._lire_poles(fichiers.poles, lecture.rapport, territoire)
        suivi(etape=ETAPE_ECRITURE, fait=0, total=len(territoire), lignes=lecture.rapport.lignes)
        self._ecrire(lecture, territoire)
        return lecture.rapport

    # --- Vérifications --------------------------------------------------------------------

    def _entete_cog(self, flux: Flux) -> dict[str, int]:
        quel = _("Le fichier des communes (COG)")
        texte = debut_en_texte(flux, champ="fichier", quel=quel, attendu=_attendu_cog())
        return entete_csv(
            texte,
            colonnes_lues=COLONNES_COG_LUES,
            majuscules=True,
            champ="fichier",
            quel=quel,
            attendu=_attendu_cog(),
        )

    def _entete_table(
        self, flux: Flux, colonnes: tuple[str, ...], *, champ: str, quel: str, facultative: str = ""
    ) -> dict[str, int]:
        attendu = _attendu_table(colonnes, facultative)
        texte = debut_en_texte(flux, champ=champ, quel=quel, attendu=attendu)
        return entete_csv(
            texte, colonnes_lues=colonnes, majuscules=False, champ=champ, quel=quel, attendu=attendu
        )

    def _ouvrir_epci(self, flux: Flux) -> tuple[Any, Any]:
        refus = _(
            "Le classeur des EPCI n'est pas un classeur Excel (.xlsx) lisible : %(attendu)s est attendu."
        ) % {"attendu": _attendu_epci()}
        if not lire_debut(flux, 4).startswith(b"PK\x03\x04"):
            raise FichierRefuse(refus, champ="fichier_epci")
        try:
            from openpyxl import load_workbook  # import local : voir socle/exports.py

            classeur = load_workbook(flux, read_only=True, data_only=True)
        except Exception as erreur:  # zip qui n'est pas un classeur, classeur abîmé : même réponse
            flux.seek(0)
            raise FichierRefuse(refus, champ="fichier_epci") from erreur
        if FEUILLE_EPCI not in classeur.sheetnames:
            feuilles = ", ".join(classeur.sheetnames)
            classeur.close()
            flux.seek(0)
            raise FichierRefuse(
                _(
                    "Le classeur des EPCI n'a pas de feuille « %(feuille)s » "
                    "(feuilles trouvées : %(feuilles)s) : %(attendu)s est attendu."
                )
                % {"feuille": FEUILLE_EPCI, "feuilles": feuilles, "attendu": _attendu_epci()},
                champ="fichier_epci",
            )
        feuille = classeur[FEUILLE_EPCI]
        # Certains logiciels écrivent des dimensions fausses (A1:A1) : on lit toutes les lignes.
        feuille.reset_dimensions()
        return classeur, feuille

    def _entete_epci(self, feuille: Any) -> dict[str, int]:
        lignes = list(feuille.iter_rows(min_row=1, max_row=LIGNE_ENTETE_EPCI + 6, values_only=True))
        entetes = [[_texte_cellule(v).upper() for v in ligne] for ligne in lignes]
        if len(entetes) >= LIGNE_ENTETE_EPCI:
            positions = {nom: i for i, nom in reversed(list(enumerate(entetes[LIGNE_ENTETE_EPCI - 1])))}
            manquantes = [nom for nom in COLONNES_EPCI_LUES if nom not in positions]
            if not manquantes:
                return positions
        else:
            manquantes = list(COLONNES_EPCI_LUES)
        for numero, noms in enumerate(entetes, start=1):
            if all(nom in noms for nom in COLONNES_EPCI_LUES):
                raise FichierRefuse(
                    _(
                        "L'en-tête du classeur des EPCI est en ligne %(numero)s "
                        "au lieu de la ligne %(ligne)s (après les cinq lignes de titre de l'INSEE) : "
                        "%(attendu)s est attendu."
                    )
                    % {"numero": numero, "ligne": LIGNE_ENTETE_EPCI, "attendu": _attendu_epci()},
                    champ="fichier_epci",
                )
        raise FichierRefuse(
            ngettext(
                "La ligne %(ligne)s du classeur des EPCI n'a pas la colonne %(manquantes)s : "
                "%(attendu)s est attendu.",
                "La ligne %(ligne)s du classeur des EPCI n'a pas les colonnes %(manquantes)s : "
                "%(attendu)s est attendu.",
                len(manquantes),
            )
            % {"ligne": LIGNE_ENTETE_EPCI, "manquantes": ", ".join(manquantes), "attendu": _attendu_epci()},
            champ="fichier_epci",
        )

    # --- Lecture --------------------------------------------------------------------------

    def _lire_epci(self, flux: Flux) -> dict[str, tuple[int, str]]:
        classeur, feuille = self._ouvrir_epci(flux)
        try:
            positions = self._entete_epci(feuille)
            i_code, i_epci = positions["CODGEO"], positions["EPCI"]
            i_nom = positions.get("LIBGEO")
            communes: dict[str, tuple[int, str]] = {}
            lignes = feuille.iter_rows(min_row=LIGNE_ENTETE_EPCI + 1, values_only=True)
            for numero, valeurs in enumerate(lignes, start=LIGNE_ENTETE_EPCI + 1):
                if len(valeurs) <= max(i_code, i_epci):
                    continue
                if _code_cellule(valeurs[i_epci]) != SIREN_AGGLOMERATION:
                    continue
                nom = _texte_cellule(valeurs[i_nom]) if i_nom is not None and i_nom < len(valeurs) else ""
                communes.setdefault(_code_cellule(valeurs[i_code]), (numero, nom))
        finally:
            classeur.close()
            flux.seek(0)
        if not communes:
            raise FichierRefuse(
                _(
                    "Le classeur des EPCI ne cite aucune commune de la Communauté d'agglomération "
                    "du Cotentin (EPCI %(siren)s) : %(attendu)s est attendu."
                )
                % {"siren": SIREN_AGGLOMERATION, "attendu": _attendu_epci()},
                champ="fichier_epci",
            )
        return communes

    def _lignes_texte(self, flux: Flux, suivi: Suivi, attendu: str) -> Iterator[str]:
        for numero, ligne in lignes_suivies(flux, suivi=suivi, total=taille(flux)):
            texte = decoder(ligne, encodage="utf-8", numero=numero, attendu=attendu)
            yield texte.removeprefix("\ufeff") if numero == 1 else texte

    def _lire_cog(self, flux: Flux, lecture: _Lecture, suivi: Suivi) -> None:
        positions = self._entete_cog(flux)
        rapport = lecture.rapport
        lecteur = csv.reader(self._lignes_texte(flux, suivi, _attendu_cog()))
        entete = next(lecteur)
        i_type, i_code = positions["TYPECOM"], positions["COM"]
        i_nom, i_parent = positions["LIBELLE"], positions["COMPARENT"]
        for valeurs in lecteur:
            if not valeurs:
                continue
            rapport.lignes += 1
            numero = lecteur.line_num
            if len(valeurs) != len(entete):
                rapport.rejeter(
                    numero,
                    _("Fichier des communes : la ligne compte %(n)s champs au lieu de %(attendus)s.")
                    % {"n": len(valeurs), "attendus": len(entete)},
                )
                continue
            type_commune = valeurs[i_type].strip().upper()
            code = valeurs[i_code].strip().upper()
            if type_commune == "COM":
                if code not in lecture.epci:
                    rapport.ignores += 1
                    continue
                nom = valeurs[i_nom].strip()
                if not nom:
                    rapport.rejeter(
                        numero,
                        _("Fichier des communes : la commune %(code)s n'a pas de nom.") % {"code": code},
                    )
                    continue
                if not code_insee_valide(code):
                    rapport.rejeter(
                        numero,
                        _("Fichier des communes : code commune « %(code)s » invalide.") % {"code": code},
                    )
                    continue
                lecture.communes[code] = _LigneCog(ligne=numero, nom=nom)
            elif type_commune in {"COMD", "COMA"}:
                parent = valeurs[i_parent].strip().upper()
                if parent in lecture.epci:
                    lecture.anciens.setdefault(parent, set()).add(code)
                else:
                    rapport.ignores += 1
            else:
                # Arrondissements municipaux (Paris, Lyon, Marseille) : hors du territoire.
                rapport.ignores += 1

    def _territoire(self, lecture: _Lecture) -> dict[str, tuple[str, list[str]]]:
        """Code → (nom, codes anciens) des communes de l'EPCI présentes dans le COG."""
        territoire: dict[str, tuple[str, list[str]]] = {}
        for code, (numero, nom_classeur) in sorted(lecture.epci.items(), key=lambda e: e[1][0]):
            commune = lecture.communes.get(code)
            if commune is None:
                lecture.rapport.rejeter(
                    numero,
                    _(
                        "Classeur des EPCI, ligne %(numero)s : la commune %(code)s (%(nom)s) n'est pas "
                        "une commune (TYPECOM COM) du fichier des communes du COG ; les deux fichiers "
                        "sont-ils du même millésime ?"
                    )
                    % {"numero": numero, "code": code, "nom": nom_classeur or "?"},
                )
                continue
            anciens = sorted(lecture.anciens.get(code, set()) - {code})
            territoire[code] = (commune.nom, anciens)
        return territoire

    def _table(
        self, flux: Flux, colonnes: tuple[str, ...], *, champ: str, quel: str, facultative: str = ""
    ) -> Iterator[tuple[int, dict[str, int], list[str]]]:
        positions = self._entete_table(flux, colonnes, champ=champ, quel=quel, facultative=facultative)
        attendu = _attendu_table(colonnes, facultative)
        lecteur = csv.reader(
            decoder(ligne, encodage="utf-8", numero=numero, attendu=attendu).removeprefix("\ufeff")
            for numero, ligne in enumerate(flux, start=1)
        )
        entete = next(lecteur)
        for valeurs in lecteur:
            if not valeurs or not any(v.strip() for v in valeurs):
                continue
            if len(valeurs) != len(entete):
                yield lecteur.line_num, positions, []
                continue
            yield lecteur.line_num, positions, valeurs
        flux.seek(0)

    def _lire_populations(
        self, flux: Flux, rapport: Rapport, territoire: dict[str, tuple[str, list[str]]]
    ) -> dict[str, tuple[int, int | None]]:
        populations: dict[str, tuple[int, int | None]] = {}
        hors = 0
        lignes = self._table(
            flux,
            COLONNES_POPULATIONS,
            champ="fichier_populations",
            quel=_("Le fichier des populations"),
            facultative="annee",
        )
        for numero, positions, valeurs in lignes:
            if not valeurs:
                rapport.rejeter(
                    numero,
                    _("Fichier des populations : la ligne n'a pas le nombre de colonnes de l'en-tête."),
                )
                continue
            code = _code_cellule(valeurs[positions["code_insee"]])
            if code not in territoire:
                hors += 1
                continue
            brute = valeurs[positions["population"]]
            population = _ESPACES.sub("", brute)
            if not population.isdigit():
                rapport.rejeter(
                    numero,
                    _(
                        "Fichier des populations : la population « %(valeur)s » de la commune %(code)s "
                        "n'est pas un nombre entier."
                    )
                    % {"valeur": brute.strip(), "code": code},
                )
                continue
            annee: int | None = None
            if "annee" in positions:
                brute_annee = valeurs[positions["annee"]].strip()
                if brute_annee:
                    if not (brute_annee.isdigit() and 1800 <= int(brute_annee) <= 2200):
                        rapport.rejeter(
                            numero,
                            _(
                                "Fichier des populations : l'année « %(valeur)s » de la commune %(code)s "
                                "n'est pas une année."
                            )
                            % {"valeur": brute_annee, "code": code},
                        )
                        continue
                    annee = int(brute_annee)
            populations[code] = (int(population), annee)
        if hors:
            rapport.remarques.append(
                ngettext(
                    "Fichier des populations : %(n)s ligne hors du territoire ignorée.",
                    "Fichier des populations : %(n)s lignes hors du territoire ignorées.",
                    hors,
                )
                % {"n": hors}
            )
        return populations

    def _lire_poles(
        self, flux: Flux, rapport: Rapport, territoire: dict[str, tuple[str, list[str]]]
    ) -> dict[str, str]:
        poles: dict[str, str] = {}
        hors = 0
        for numero, positions, valeurs in self._table(
            flux, COLONNES_POLES, champ="fichier_poles", quel=_("Le fichier des pôles")
        ):
            if not valeurs:
                rapport.rejeter(
                    numero, _("Fichier des pôles : la ligne n'a pas le nombre de colonnes de l'en-tête.")
                )
                continue
            code = _code_cellule(valeurs[positions["code_insee"]])
            pole = " ".join(valeurs[positions["pole"]].split())
            if code not in territoire:
                hors += 1
                continue
            if not pole:
                rapport.rejeter(
                    numero, _("Fichier des pôles : la commune %(code)s n'a pas de pôle.") % {"code": code}
                )
                continue
            poles[code] = pole[: PoleDeProximite._meta.get_field("nom").max_length]
        if hors:
            rapport.remarques.append(
                ngettext(
                    "Fichier des pôles : %(n)s ligne hors du territoire ignorée.",
                    "Fichier des pôles : %(n)s lignes hors du territoire ignorées.",
                    hors,
                )
                % {"n": hors}
            )
        return poles

    # --- Écriture -------------------------------------------------------------------------

    def _ecrire(self, lecture: _Lecture, territoire: dict[str, tuple[str, list[str]]]) -> None:
        rapport = lecture.rapport
        with transaction.atomic():
            with connection.cursor() as curseur:
                # Deux imports de communes en même temps écriraient les mêmes lignes.
                curseur.execute("SELECT pg_advisory_xact_lock(%s)", [VERROU_IMPORT_COMMUNES])
            existantes = {c.code_insee: c for c in Commune.objects.select_for_update().order_by("code_insee")}
            pole_ids = self._poles(lecture.poles) if lecture.poles is not None else {}
            valeurs_par_code: dict[str, dict[str, Any]] = {}
            for code, (nom, anciens) in territoire.items():
                valeurs: dict[str, Any] = {"nom": nom, "codes_anciens": anciens}
                if lecture.populations is not None:
                    population = lecture.populations.get(code)
                    if population is not None:
                        valeurs["population"], valeurs["annee_population"] = population
                if lecture.poles is not None and code in lecture.poles:
                    valeurs["pole_id"] = pole_ids[lecture.poles[code]]
                valeurs_par_code[code] = valeurs
            communes_enregistrer(valeurs_par_code, existantes, rapport)
        self._remarques(lecture, territoire, existantes)

    def _poles(self, poles: dict[str, str]) -> dict[str, int]:
        """Les pôles cités, créés au besoin (dans l'ordre de leur première apparition)."""
        noms = list(dict.fromkeys(poles.values()))
        existants = dict(PoleDeProximite.objects.filter(nom__in=noms).values_list("nom", "pk"))
        nouveaux = [
            PoleDeProximite(nom=nom, ordre=rang)
            for rang, nom in enumerate(noms, start=1)
            if nom not in existants
        ]
        for pole in PoleDeProximite.objects.bulk_create(nouveaux):
            existants[pole.nom] = pole.pk
        return existants

    def _remarques(
        self, lecture: _Lecture, territoire: dict[str, tuple[str, list[str]]], existantes: dict[str, Commune]
    ) -> None:
        rapport = lecture.rapport
        parties = [c for code, c in existantes.items() if code not in territoire]
        for commune in parties:
            rapport.remarques.append(
                _(
                    "%(nom)s (%(code)s) n'est plus dans la composition de l'agglomération : la commune est "
                    "gardée (des structures ou des lieux d'exercice peuvent y renvoyer), à vérifier dans "
                    "l'administration."
                )
                % {"nom": commune.nom, "code": commune.code_insee}
            )
        if lecture.populations is not None:
            sans = [code for code in territoire if code not in lecture.populations]
            if sans:
                rapport.remarques.append(
                    ngettext(
                        "%(n)s commune du territoire n'a pas de population dans le fichier des "
                        "populations : %(codes)s.",
                        "%(n)s communes du territoire n'ont pas de population dans le fichier des "
                        "populations : %(codes)s.",
                        len(sans),
                    )
                    % {"n": len(sans), "codes": ", ".join(sans)}
                )
        sans_pole = Commune.objects.filter(code_insee__in=list(territoire), pole__isnull=True).count()
        if sans_pole:
            rapport.remarques.append(
                ngettext(
                    "%(n)s commune du territoire n'est rattachée à aucun pôle de proximité : "
                    "à rattacher dans l'administration.",
                    "%(n)s communes du territoire ne sont rattachées à aucun pôle de proximité : "
                    "à rattacher dans l'administration.",
                    sans_pole,
                )
                % {"n": sans_pole}
            )


enregistrer(TypeImport.COMMUNES, ImporteurCommunes())
