"""Import des professionnels de santé depuis l'extraction de l'Annuaire Santé (RPPS).

`PS_LibreAcces_Personne_activite_<AAAAMMJJhhmm>.txt` : UTF-8, séparateur « | », une ligne
d'en-tête, un « | » final sur chaque ligne, une ligne par activité, environ deux millions de
lignes (700 Mo) pour la France, dont 1 % sur le territoire.

La lecture est faite pour ce volume : chaque ligne est lue en octets et seul le champ de la
commune en est d'abord extrait (découpage borné), comparé à l'ensemble des codes du
territoire ; seules les lignes gardées sont décodées et analysées. L'écriture compare avec
la base chargée d'un coup et écrit par lots, dans une seule transaction, sans requête par
ligne ; elle finit par le relevé daté des effectifs (ReleveEffectifs).
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socle.francais import date_longue
from territoire.importeurs.base import (
    ETAPE_ECRITURE,
    ETAPE_LECTURE,
    FichierRefuse,
    Fichiers,
    Flux,
    Suivi,
    communes_du_territoire,
    debut_en_texte,
    decoder,
    enregistrer,
    formater_telephone,
    taille,
)
from territoire.models import (
    ImportFichier,
    LieuExercice,
    ModeExercice,
    Profession,
    Professionnel,
    ReleveEffectifs,
    Specialite,
    Structure,
    TypeImport,
)
from territoire.rapport import Rapport
from territoire.validateurs import rpps_valide

# Les colonnes lues, par leur nom officiel ; elles sont retrouvées par leur nom normalisé
# (casse, espaces, « d' ») car les éditions du fichier varient un peu.
COLONNES = {
    "type_identifiant": "Type d'identifiant PP",
    "identifiant": "Identifiant PP",
    "civilite_exercice": "Libellé civilité d'exercice",
    "civilite": "Libellé civilité",
    "nom": "Nom d'exercice",
    "prenom": "Prénom d'exercice",
    "code_profession": "Code profession",
    "profession": "Libellé profession",
    "type_savoir_faire": "Code type savoir-faire",
    "code_savoir_faire": "Code savoir-faire",
    "savoir_faire": "Libellé savoir-faire",
    "mode": "Code mode exercice",
    "siret": "Numéro SIRET site",
    "finess": "Numéro FINESS site",
    "structure": "Identifiant technique de la structure",
    "raison_sociale": "Raison sociale site",
    "enseigne": "Enseigne commerciale site",
    "complement_destinataire": "Complément destinataire (coord. structure)",
    "complement_geographique": "Complément point géographique (coord. structure)",
    "numero_voie": "Numéro Voie (coord. structure)",
    "indice_repetition": "Indice répétition voie (coord. structure)",
    "type_voie": "Libellé type de voie (coord. structure)",
    "voie": "Libellé Voie (coord. structure)",
    "code_postal": "Code postal (coord. structure)",
    "commune": "Code commune (coord. structure)",
    "telephone": "Téléphone (coord. structure)",
    "courriel": "Adresse e-mail (coord. structure)",
    "code_secteur": "Code secteur d'activité",
    "secteur": "Libellé secteur d'activité",
}
TYPE_RPPS = "8"
TYPE_ADELI = "0"
# Type de savoir-faire « S » : la spécialité ordinale, préférée aux autres (DES, capacités…).
SAVOIR_FAIRE_SPECIALITE = "S"
MODES = {LieuExercice.Mode.LIBERAL, LieuExercice.Mode.SALARIE, LieuExercice.Mode.BENEVOLE}
LOT = 2000
# L'avancement de la lecture est signalé toutes les PAS lignes.
PAS = 100_000
# Verrou de PostgreSQL qui empêche deux imports RPPS d'écrire en même temps.
VERROU_IMPORT_RPPS = 7_301_002
# Champs d'un lieu d'exercice comparés d'un import à l'autre (la clé est à part).
CHAMPS_LIEU = (
    "structure_id",
    "secteur",
    "raison_sociale",
    "enseigne",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune_id",
    "telephone",
    "courriel",
    "finess_site",
    "siret_site",
)


def prenom_usuel(prenom: str) -> str:
    """Le RPPS écrit les prénoms en capitales (« JEAN-PIERRE ») ; l'annuaire les montre comme on
    les écrit (« Jean-Pierre »). Un prénom déjà en minuscules et capitales est gardé tel quel."""
    return prenom.title() if prenom.isupper() else prenom


CHAMPS_PROFESSIONNEL = ("civilite", "nom", "prenom", "profession_id", "specialite_id", "mode_exercice")


def _attendu() -> str:
    return _(
        "le fichier d'extraction « PS_LibreAcces_Personne_activite » de l'Annuaire Santé (.txt en "
        "UTF-8, champs séparés par « | », première ligne « Type d'identifiant PP|Identifiant PP|… »)"
    )


def normaliser(nom: str) -> str:
    """« Libellé civilité d'exercice » et « libellé  civilité exercice » donnent le même nom."""
    nom = unicodedata.normalize("NFC", nom).replace("\u2019", "'").lower()
    nom = re.sub(r"\bd'", " ", nom)
    nom = re.sub(r"\s*([()])\s*", r" \1", nom)
    return " ".join(nom.split()).replace("( ", "(")


_NORMALISES = {cle: normaliser(officiel) for cle, officiel in COLONNES.items()}


LONGUEUR_CODE_PROFESSION = int(Profession._meta.get_field("code").max_length or 0)
LONGUEUR_CODE_SPECIALITE = int(Specialite._meta.get_field("code").max_length or 0)


@dataclass(slots=True)
class _Entete:
    positions: dict[str, int]
    champs: int  # le nombre de champs d'une ligne, le vide d'après le « | » final compris


@dataclass(slots=True)
class _Lieu:
    identifiant_structure: str
    mode: str
    code_secteur: str
    secteur: str
    raison_sociale: str
    enseigne: str
    adresse: str
    complement_adresse: str
    code_postal: str
    commune_id: int
    telephone: str
    courriel: str
    finess_site: str
    siret_site: str

    @property
    def cle(self) -> tuple[str, str, str]:
        return (self.identifiant_structure, self.mode, self.code_secteur)

    def completer(self, autre: "_Lieu") -> None:
        """Deux lignes de la même activité : les champs vides de la première sont complétés."""
        for nom in self.__slots__:
            if not getattr(self, nom):
                setattr(self, nom, getattr(autre, nom))


@dataclass(slots=True)
class _Personne:
    civilite: str
    nom: str
    prenom: str
    profession: tuple[str, str]
    specialite: tuple[str, str] | None = None
    specialite_ordinale: bool = False
    modes: set[str] = field(default_factory=set)
    lieux: dict[tuple[str, str, str], _Lieu] = field(default_factory=dict)

    @property
    def mode_exercice(self) -> str:
        liberal = LieuExercice.Mode.LIBERAL in self.modes
        if liberal and len(self.modes) > 1:
            return ModeExercice.MIXTE
        return ModeExercice.LIBERAL if liberal else ModeExercice.SALARIE


@dataclass(slots=True)
class _Lecture:
    entete: _Entete
    rapport: Rapport
    attendu: str
    personnes: dict[str, _Personne] = field(default_factory=dict)
    partages: dict[str, str] = field(default_factory=dict)
    courriels_valides: set[str] = field(default_factory=set)


def _flux_brut(flux: Flux) -> Flux:
    """Le fichier sous-jacent d'un `File` de Django : on itère ses lignes en C, et une fin de
    ligne ne s'y trouve qu'à « \\n » (l'itération de `File` coupe aussi sur « \\r »)."""
    while isinstance(flux, File) and flux.file is not None:
        flux = flux.file
    return flux


def _filtre_departements(codes: dict[bytes, int], position: int) -> Callable[[bytes], object]:
    """Une recherche en C qui ne laisse passer que les lignes où « |<département> » paraît,
    pour un département du territoire : le champ commune d'une ligne du territoire commence
    ainsi, donc aucune ligne du territoire n'est écartée."""
    departements = b"|".join(re.escape(d) for d in sorted({code[:2] for code in codes}))
    debut = rb"^" if position == 0 else rb"\|"
    return re.compile(debut + rb"(?:" + departements + rb")").search


def _territoire_connu() -> dict[str, int]:
    codes = communes_du_territoire()
    if not codes:
        raise FichierRefuse(
            _(
                "Aucune commune du territoire n'est encore enregistrée : importez d'abord les communes "
                "(COG et composition des EPCI de l'INSEE), puis ce fichier."
            )
        )
    return codes


class ImporteurRpps:
    """L'extraction « Personne activité » de l'Annuaire Santé, restreinte au territoire."""

    def verifier(self, fichiers: Fichiers) -> None:
        self._entete(fichiers.principal)
        _territoire_connu()

    def importer(self, fichiers: Fichiers, *, import_fichier: ImportFichier, suivi: Suivi) -> Rapport:
        flux = _flux_brut(fichiers.principal)
        entete = self._entete(flux)
        codes = _territoire_connu()
        rapport = Rapport()
        lecture = self._lire(flux, entete, codes, rapport, suivi)
        personnes = lecture.personnes
        if rapport.lignes == 0:
            raise FichierRefuse(
                _("Le fichier ne contient aucune ligne d'activité : %(attendu)s est attendu.")
                % {"attendu": _attendu()}
            )
        if not personnes:
            # Tout le monde serait retiré : c'est le fichier qui est en cause.
            hors = ngettext(
                "%(n)s ligne hors du territoire", "%(n)s lignes hors du territoire", rapport.ignores
            ) % {"n": rapport.ignores}
            rejetees = ngettext("%(n)s rejetée", "%(n)s rejetées", rapport.rejetes) % {"n": rapport.rejetes}
            raise FichierRefuse(
                _(
                    "Aucune ligne valide de ce fichier n'est sur le territoire (%(hors)s, %(rejetees)s) : "
                    "rien n'a été changé. L'extraction nationale complète est attendue."
                )
                % {"hors": hors, "rejetees": rejetees},
                rapport=rapport,
            )
        suivi(etape=ETAPE_ECRITURE, fait=0, total=len(personnes), lignes=rapport.lignes)
        self._ecrire(lecture, import_fichier)
        return rapport

    # --- Vérification ---------------------------------------------------------------------

    def _entete(self, flux: Flux) -> _Entete:
        texte = debut_en_texte(flux, champ="fichier", quel=_("Ce fichier"), attendu=_attendu())
        premiere = texte.split("\n", 1)[0].rstrip("\r")
        if not premiere.strip():
            raise FichierRefuse(_("Ce fichier est vide : %(attendu)s est attendu.") % {"attendu": _attendu()})
        if "|" not in premiere:
            separateur = next((s for s in (";", "\t", ",") if s in premiere), "")
            raise FichierRefuse(
                (
                    _(
                        "Ce fichier est séparé par « %(separateur)s » et non par « | » : "
                        "%(attendu)s est attendu."
                    )
                    if separateur
                    else _("Ce fichier n'est pas séparé par « | » : %(attendu)s est attendu.")
                )
                % {"separateur": "tabulation" if separateur == "\t" else separateur, "attendu": _attendu()}
            )
        noms = premiere.split("|")
        trouves: dict[str, int] = {}
        for position, nom in enumerate(noms):
            trouves.setdefault(normaliser(nom), position)
        positions = {cle: trouves[norme] for cle, norme in _NORMALISES.items() if norme in trouves}
        manquantes = [COLONNES[cle] for cle in COLONNES if cle not in positions]
        if manquantes:
            raise FichierRefuse(
                ngettext(
                    "Il manque à ce fichier la colonne %(manquantes)s : %(attendu)s est attendu.",
                    "Il manque à ce fichier les colonnes %(manquantes)s : %(attendu)s est attendu.",
                    len(manquantes),
                )
                % {"manquantes": ", ".join(f"« {nom} »" for nom in manquantes), "attendu": _attendu()}
            )
        return _Entete(positions=positions, champs=len(noms))

    # --- Lecture --------------------------------------------------------------------------

    def _lire(
        self, flux: Flux, entete: _Entete, codes: dict[str, int], rapport: Rapport, suivi: Suivi
    ) -> "_Lecture":
        codes_octets = {code.encode(): pk for code, pk in codes.items()}
        i_commune = entete.positions["commune"]
        candidate = _filtre_departements(codes_octets, i_commune)
        coupe = i_commune + 1
        lecture = _Lecture(entete=entete, rapport=rapport, attendu=_attendu())
        gardees = 0
        total = taille(flux)
        flux.readline()  # l'en-tête, lu par _entete
        numero = 1
        # La boucle chaude : deux millions de passages, par lots de PAS lignes (l'avancement
        # est signalé entre deux lots, pas à chaque ligne). Rien n'est décodé ni construit tant
        # que la commune de la ligne n'est pas du territoire, et le filtre en C écarte d'abord
        # presque toutes les lignes sans rien découper.
        while True:
            debut = numero + 1
            for numero, ligne in enumerate(islice(flux, PAS), start=debut):
                if candidate(ligne) is None:
                    continue
                try:
                    commune = codes_octets.get(ligne.split(b"|", coupe)[i_commune])
                except IndexError:
                    # Ligne tronquée qui cite le département : elle pourrait être du territoire.
                    rapport.rejeter(numero, _motif_champs(ligne.count(b"|") + 1, entete.champs))
                    continue
                if commune is not None and self._activite(lecture, numero, ligne, commune):
                    gardees += 1
            suivi(etape=ETAPE_LECTURE, fait=flux.tell(), total=total, lignes=numero - 1)
            if numero < debut:
                break
        rapport.lignes = numero - 1
        rapport.ignores = rapport.lignes - gardees - rapport.rejetes
        return lecture

    def _activite(self, lecture: "_Lecture", numero: int, ligne: bytes, commune: int) -> bool:
        """Analyse une ligne du territoire ; rend faux si elle est rejetée."""
        texte = decoder(ligne.rstrip(b"\r\n"), encodage="utf-8", numero=numero, attendu=lecture.attendu)
        champs = texte.split("|")
        if len(champs) != lecture.entete.champs:
            lecture.rapport.rejeter(numero, _motif_champs(len(champs), lecture.entete.champs))
            return False
        p = lecture.entete.positions
        # Les collègues d'un même site ont les mêmes adresse, secteur, téléphone… : une seule
        # chaîne en mémoire pour chaque valeur répétée.
        partage = lecture.partages.setdefault

        def v(cle: str) -> str:
            valeur = champs[p[cle]].strip()
            return partage(valeur, valeur)

        identifiant = champs[p["identifiant"]].strip()
        motif = self._motif_rejet(
            v("type_identifiant"), identifiant, champs[p["nom"]].strip(), v("mode"), v("code_profession")
        )
        if motif:
            lecture.rapport.rejeter(numero, motif)
            return False
        personne = lecture.personnes.get(identifiant)
        if personne is None:
            personne = lecture.personnes[identifiant] = _Personne(
                civilite=(v("civilite_exercice") or v("civilite"))[:30],
                nom=champs[p["nom"]].strip()[:150],
                prenom=prenom_usuel(v("prenom"))[:150],
                profession=(v("code_profession"), v("profession")[:120] or v("code_profession")),
            )
        code_savoir_faire = v("code_savoir_faire")
        if code_savoir_faire and len(code_savoir_faire) <= LONGUEUR_CODE_SPECIALITE:
            ordinale = v("type_savoir_faire").upper() == SAVOIR_FAIRE_SPECIALITE
            if personne.specialite is None or (ordinale and not personne.specialite_ordinale):
                personne.specialite = (code_savoir_faire, v("savoir_faire")[:200] or code_savoir_faire)
                personne.specialite_ordinale = ordinale
        mode = v("mode").upper()
        personne.modes.add(mode)
        courriel = v("courriel")
        if courriel and courriel not in lecture.courriels_valides:
            try:
                validate_email(courriel)
            except ValidationError:
                courriel = ""
            else:
                lecture.courriels_valides.add(courriel)
        finess, siret = v("finess"), v("siret")
        voie = " ".join(m for m in (v("numero_voie"), v("indice_repetition"), v("type_voie"), v("voie")) if m)
        complement = ", ".join(m for m in (v("complement_destinataire"), v("complement_geographique")) if m)
        lieu = _Lieu(
            identifiant_structure=v("structure")[:40],
            mode=mode,
            code_secteur=v("code_secteur")[:10],
            secteur=v("secteur")[:150],
            raison_sociale=v("raison_sociale")[:255],
            enseigne=v("enseigne")[:255],
            adresse=partage(voie, voie)[:255],
            complement_adresse=partage(complement, complement)[:255],
            code_postal=v("code_postal")[:5],
            commune_id=commune,
            telephone=formater_telephone(v("telephone")),
            courriel=courriel[:254],
            finess_site=finess if len(finess) == 9 else "",
            siret_site=siret if len(siret) == 14 else "",
        )
        deja = personne.lieux.get(lieu.cle)
        if deja is None:
            personne.lieux[lieu.cle] = lieu
        else:
            deja.completer(lieu)
        return True

    def _motif_rejet(
        self, type_identifiant: str, identifiant: str, nom: str, mode: str, profession: str
    ) -> str:
        if type_identifiant == TYPE_ADELI:
            return _(
                "Identifiant ADELI %(identifiant)s (type 0) : seuls les professionnels inscrits au RPPS "
                "(type 8) sont gardés."
            ) % {"identifiant": identifiant}
        if type_identifiant != TYPE_RPPS:
            return _("Type d'identifiant « %(type)s » inconnu : 8 (RPPS) est attendu.") % {
                "type": type_identifiant
            }
        if not rpps_valide(identifiant):
            return _(
                "Numéro RPPS « %(rpps)s » invalide : 11 chiffres dont une clé de contrôle sont attendus."
            ) % {"rpps": identifiant}
        if not nom:
            return _("Le nom d'exercice du RPPS %(rpps)s est vide.") % {"rpps": identifiant}
        if mode.upper() not in MODES:
            return _(
                "Mode d'exercice « %(mode)s » inconnu : L (libéral), S (salarié) ou B (bénévole) est attendu."
            ) % {"mode": mode}
        if not profession or len(profession) > LONGUEUR_CODE_PROFESSION:
            return _("Code profession « %(code)s » absent ou invalide pour le RPPS %(rpps)s.") % {
                "code": profession,
                "rpps": identifiant,
            }
        return ""

    # --- Écriture -------------------------------------------------------------------------

    def _ecrire(self, lecture: "_Lecture", import_fichier: ImportFichier) -> None:
        personnes, rapport = lecture.personnes, lecture.rapport
        with transaction.atomic():
            with connection.cursor() as curseur:
                # Deux imports RPPS en même temps (deux dépôts) se disputeraient les mêmes lignes.
                curseur.execute("SELECT pg_advisory_xact_lock(%s)", [VERROU_IMPORT_RPPS])
            professions = self._referentiel(Profession, {p.profession for p in personnes.values()})
            specialites = self._referentiel(
                Specialite, {p.specialite for p in personnes.values() if p.specialite is not None}
            )
            ecrits = self._professionnels(personnes, professions, specialites, rapport)
            lieux_changes = self._lieux(personnes, ecrits, lecture.partages)
            for rpps, (_pk, cree, change) in ecrits.items():
                if cree:
                    rapport.crees += 1
                elif change or rpps in lieux_changes:
                    rapport.mis_a_jour += 1
                else:
                    rapport.inchanges += 1
            self._releve(import_fichier, rapport)

    def _referentiel(self, modele: Any, valeurs: set[tuple[str, str]]) -> dict[str, int]:
        """Professions ou spécialités citées : créées, ou libellé mis à jour ; rend code → id."""
        libelles = dict(sorted(valeurs))
        existants = {
            code: (pk, libelle) for pk, code, libelle in modele.objects.values_list("pk", "code", "libelle")
        }
        a_creer = [
            modele(code=code, libelle=libelle) for code, libelle in libelles.items() if code not in existants
        ]
        a_modifier = [
            modele(pk=existants[code][0], code=code, libelle=libelle)
            for code, libelle in libelles.items()
            if code in existants and existants[code][1] != libelle
        ]
        ids = {code: pk for code, (pk, _libelle) in existants.items()}
        for objet in modele.objects.bulk_create(a_creer, batch_size=LOT):
            ids[objet.code] = objet.pk
        if a_modifier:
            modele.objects.bulk_update(a_modifier, ["libelle"], batch_size=LOT)
        return ids

    def _professionnels(
        self,
        personnes: dict[str, _Personne],
        professions: dict[str, int],
        specialites: dict[str, int],
        rapport: Rapport,
    ) -> dict[str, tuple[int, bool, bool]]:
        """Écrit les professionnels du fichier, retire les absents ; rend RPPS → (id, créé, modifié)."""
        existants = {
            rpps: (pk, tuple(valeurs), actif)
            for rpps, pk, actif, *valeurs in Professionnel.objects.values_list(
                "rpps", "pk", "actif", *CHAMPS_PROFESSIONNEL
            ).iterator(chunk_size=LOT)
        }
        maintenant = timezone.now()
        a_creer: list[Professionnel] = []
        a_modifier: list[Professionnel] = []
        ecrits: dict[str, tuple[int, bool, bool]] = {}

        # Par lots : la mémoire ne garde jamais tous les objets à écrire à la fois.
        def creer() -> None:
            for professionnel in Professionnel.objects.bulk_create(a_creer):
                ecrits[professionnel.rpps] = (professionnel.pk, True, True)
            a_creer.clear()

        def modifier() -> None:
            Professionnel.objects.bulk_update(a_modifier, [*CHAMPS_PROFESSIONNEL, "actif", "modifie_le"])
            a_modifier.clear()

        for rpps, personne in personnes.items():
            valeurs = (
                personne.civilite,
                personne.nom,
                personne.prenom,
                professions[personne.profession[0]],
                specialites[personne.specialite[0]] if personne.specialite else None,
                personne.mode_exercice,
            )
            champs = dict(zip(CHAMPS_PROFESSIONNEL, valeurs, strict=True))
            existant = existants.get(rpps)
            if existant is None:
                a_creer.append(Professionnel(rpps=rpps, actif=True, **champs))
                if len(a_creer) == LOT:
                    creer()
                continue
            pk, anciennes, actif = existant
            # Un professionnel qui revient sur le territoire est réactivé.
            change = anciennes != valeurs or not actif
            ecrits[rpps] = (pk, False, change)
            if change:
                a_modifier.append(
                    Professionnel(pk=pk, rpps=rpps, actif=True, modifie_le=maintenant, **champs)
                )
                if len(a_modifier) == LOT:
                    modifier()
        if a_creer:
            creer()
        if a_modifier:
            modifier()
        retires = [pk for rpps, (pk, _valeurs, actif) in existants.items() if actif and rpps not in personnes]
        for debut in range(0, len(retires), LOT):
            Professionnel.objects.filter(pk__in=retires[debut : debut + LOT]).update(
                actif=False, modifie_le=maintenant
            )
        rapport.retires = len(retires)
        if retires:
            rapport.remarques.append(
                ngettext(
                    "%(n)s professionnel n'est plus cité sur le territoire : il est marqué comme n'y "
                    "exerçant plus (sa fiche est gardée).",
                    "%(n)s professionnels ne sont plus cités sur le territoire : ils sont marqués comme "
                    "n'y exerçant plus (leurs fiches sont gardées).",
                    len(retires),
                )
                % {"n": len(retires)}
            )
        return ecrits

    def _structures(self, personnes: dict[str, _Personne]) -> tuple[dict[str, int], dict[str, int]]:
        """Les structures connues des lieux, par FINESS du site et par SIRET du site."""
        lieux = [lieu for personne in personnes.values() for lieu in personne.lieux.values()]
        finess = {lieu.finess_site for lieu in lieux if lieu.finess_site}
        sirets = {lieu.siret_site for lieu in lieux if lieu.siret_site}
        par_finess: dict[str, int] = {}
        if finess:
            par_finess = {
                numero: pk
                for numero, pk in Structure.objects.filter(finess__in=finess).values_list("finess", "pk")
                if numero
            }
        par_siret: dict[str, int] = {}
        if sirets:
            for siret, pk in (
                Structure.objects.filter(siret__in=sirets).order_by("pk").values_list("siret", "pk")
            ):
                par_siret.setdefault(siret, pk)
        return par_finess, par_siret

    def _lieux(
        self,
        personnes: dict[str, _Personne],
        ecrits: dict[str, tuple[int, bool, bool]],
        partages: dict[str, str],
    ) -> set[str]:
        """Remplace l'ensemble des lieux de chaque professionnel du fichier (créés, modifiés,
        supprimés) ; rend les RPPS dont les lieux ont changé."""
        par_finess, par_siret = self._structures(personnes)
        deja_la = {pk for pk, cree, _change in ecrits.values() if not cree}
        anciens_lieux: dict[int, dict[tuple[str, str, str], tuple[int, tuple[Any, ...]]]] = {}
        colonnes = ("pk", "professionnel_id", "identifiant_structure", "mode", "code_secteur", *CHAMPS_LIEU)
        for pk, professionnel_id, identifiant, mode, secteur, *valeurs in LieuExercice.objects.values_list(
            *colonnes
        ).iterator(chunk_size=LOT):
            if professionnel_id in deja_la:
                anciens_lieux.setdefault(professionnel_id, {})[(identifiant, mode, secteur)] = (
                    pk,
                    tuple(valeurs),
                )
        a_creer: list[LieuExercice] = []
        a_modifier: list[LieuExercice] = []
        a_supprimer: list[int] = []
        changes: set[str] = set()

        def ecrire(tout: bool = False) -> None:
            if a_supprimer and (tout or len(a_supprimer) >= LOT):
                LieuExercice.objects.filter(pk__in=a_supprimer).delete()
                a_supprimer.clear()
            if a_modifier and (tout or len(a_modifier) >= LOT):
                LieuExercice.objects.bulk_update(a_modifier, list(CHAMPS_LIEU))
                a_modifier.clear()
            if a_creer and (tout or len(a_creer) >= LOT):
                LieuExercice.objects.bulk_create(a_creer)
                a_creer.clear()

        for rpps, personne in personnes.items():
            professionnel_id = ecrits[rpps][0]
            anciens = anciens_lieux.pop(professionnel_id, {})
            disparus = [pk for cle, (pk, _valeurs) in anciens.items() if cle not in personne.lieux]
            if disparus:
                a_supprimer.extend(disparus)
                changes.add(rpps)
            for cle, lieu in personne.lieux.items():
                valeurs = (
                    par_finess.get(lieu.finess_site) or par_siret.get(lieu.siret_site),
                    lieu.secteur,
                    lieu.raison_sociale,
                    lieu.enseigne,
                    lieu.adresse,
                    lieu.complement_adresse,
                    lieu.code_postal,
                    lieu.commune_id,
                    lieu.telephone,
                    lieu.courriel,
                    lieu.finess_site,
                    lieu.siret_site,
                )
                champs = dict(zip(CHAMPS_LIEU, valeurs, strict=True))
                ancien = anciens.get(cle)
                if ancien is None:
                    a_creer.append(
                        LieuExercice(
                            professionnel_id=professionnel_id,
                            identifiant_structure=lieu.identifiant_structure,
                            mode=lieu.mode,
                            code_secteur=lieu.code_secteur,
                            **champs,
                        )
                    )
                    changes.add(rpps)
                elif ancien[1] != valeurs:
                    a_modifier.append(LieuExercice(pk=ancien[0], **champs))
                    changes.add(rpps)
            ecrire()
        ecrire(tout=True)
        return changes

    def _releve(self, import_fichier: ImportFichier, rapport: Rapport) -> None:
        """Le relevé daté des effectifs : professionnels actifs distincts par profession (et par
        spécialité), par pôle et sur tout le territoire, comptés par PostgreSQL."""
        date_releve = import_fichier.date_extraction or timezone.localdate()
        actifs = Professionnel.objects.filter(actif=True).order_by()
        specialistes = actifs.filter(specialite__isnull=False)
        pole = "lieux__commune__pole_id"
        groupes = [
            # Par pôle : un professionnel qui exerce dans deux pôles compte dans chacun.
            actifs.filter(lieux__commune__pole__isnull=False).values("profession_id", pole),
            # Tout le territoire : chacun une fois.
            actifs.values("profession_id"),
            specialistes.filter(lieux__commune__pole__isnull=False).values(
                "profession_id", "specialite_id", pole
            ),
            specialistes.values("profession_id", "specialite_id"),
        ]
        releves = [
            ReleveEffectifs(
                import_fichier=import_fichier,
                date=date_releve,
                profession_id=ligne["profession_id"],
                specialite_id=ligne.get("specialite_id"),
                pole_id=ligne.get(pole),
                effectif=ligne["effectif"],
            )
            for groupe in groupes
            for ligne in groupe.annotate(effectif=Count("pk", distinct=True))
        ]
        # Le relevé d'une date est celui du dernier import de cette date : un fichier importé
        # deux fois ne compte pas deux fois dans l'évolution des effectifs.
        ReleveEffectifs.objects.filter(date=date_releve).exclude(import_fichier=import_fichier).delete()
        ReleveEffectifs.objects.bulk_create(releves, batch_size=LOT)
        rapport.remarques.append(
            _("Relevé des effectifs du %(date)s enregistré.") % {"date": date_longue(date_releve)}
        )


def _motif_champs(trouves: int, attendus: int) -> str:
    return _("La ligne compte %(trouves)s champs au lieu de %(attendus)s (séparés par « | »).") % {
        "trouves": trouves,
        "attendus": attendus,
    }


enregistrer(TypeImport.RPPS, ImporteurRpps())
