"""Importeur FINESS : l'extraction etalab des établissements sanitaires et médico-sociaux.

Le fichier (« etalab-cs1100507-stock-AAAAMMJJ-hhmm.csv » sur data.gouv.fr) est en Latin-1
(ISO-8859-1), ses champs sont séparés par des points-virgules, sans guillemets ni ligne
d'en-tête :

- ligne 1, des métadonnées : ``finess;etalab;<version>;<AAAA-MM-JJ>`` ;
- puis une ligne ``structureet`` de 32 champs par établissement (voir `CHAMPS_STRUCTUREET`) ;
- puis une ligne ``geolocalisation`` de 6 champs par établissement :
  ``geolocalisation;nofinesset;coordxet;coordyet;sourcecoordet;datemaj``, où `sourcecoordet`
  nomme la projection (LAMBERT_93 en métropole, UTM outre-mer).

Seuls les établissements des communes du territoire sont gardés (le code INSEE est
`departement` + `commune`, ancien code d'une commune déléguée compris). Un établissement
s'identifie par son numéro FINESS : un nouvel import met à jour, sans doublon ni suppression
(un établissement absent du fichier peut être cité ailleurs : il est seulement signalé).
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pyproj import Transformer

from territoire.importeurs.base import (
    ETAPE_ECRITURE,
    FichierRefuse,
    Fichiers,
    Flux,
    Suivi,
    communes_du_territoire,
    enregistrer,
    formater_telephone,
    lignes_suivies,
    lire_debut,
    taille,
)
from territoire.models import ImportFichier, Structure, TypeImport, TypeStructure
from territoire.rapport import Rapport
from territoire.validateurs import finess_valide, siret_valide

ENCODAGE = "latin-1"
BOM_UTF8 = b"\xef\xbb\xbf"
SEPARATEUR = ";"
ENTETE_ATTENDUE = "finess;etalab;<version>;<AAAA-MM-JJ>"
NOM_DU_FICHIER = "etalab-cs1100507-stock-AAAAMMJJ-hhmm.csv"

CHAMPS_STRUCTUREET = (
    "structureet",
    "nofinesset",
    "nofinessej",
    "rs",
    "rslongue",
    "complrs",
    "compldistrib",
    "numvoie",
    "typvoie",
    "voie",
    "compvoie",
    "lieuditbp",
    "commune",
    "departement",
    "libdepartement",
    "ligneacheminement",
    "telephone",
    "telecopie",
    "categetab",
    "libcategetab",
    "categagretab",
    "libcategagretab",
    "siret",
    "codeape",
    "codemft",
    "libmft",
    "codesph",
    "libsph",
    "dateouv",
    "dateautor",
    "datemaj",
    "numuai",
)
_I = {nom: i for i, nom in enumerate(CHAMPS_STRUCTUREET)}
CHAMPS_GEOLOCALISATION = 6

# Au-delà, les remarques sur les numéros écartés sont résumées par leur nombre.
MAX_REMARQUES_DETAILLEES = 50
TAILLE_LOT = 500

# Catégories d'établissement FINESS (categetab) dont le type ne fait pas de doute.
TYPES_PAR_CATEGORIE: dict[str, TypeStructure] = {
    "101": TypeStructure.CENTRE_HOSPITALIER,  # Centre Hospitalier Régional (C.H.R.)
    "106": TypeStructure.CENTRE_HOSPITALIER,  # Centre hospitalier, ex Hôpital local
    "292": TypeStructure.CENTRE_HOSPITALIER,  # Centre Hospitalier Spécialisé lutte Maladies Mentales
    "355": TypeStructure.CENTRE_HOSPITALIER,  # Centre Hospitalier (C.H.)
    "109": TypeStructure.CLINIQUE,  # Établissement de santé privé autorisé en SSR
    "128": TypeStructure.CLINIQUE,  # Établissement de Soins Chirurgicaux
    "365": TypeStructure.CLINIQUE,  # Établissement de Soins Pluridisciplinaire
    "124": TypeStructure.CENTRE_DE_SANTE,  # Centre de Santé
    "603": TypeStructure.MSP,  # Maison de santé (L.6223-3)
    "500": TypeStructure.MEDICO_SOCIAL,  # EHPAD
    "202": TypeStructure.MEDICO_SOCIAL,  # Résidence autonomie
    "354": TypeStructure.MEDICO_SOCIAL,  # SSIAD
    "209": TypeStructure.MEDICO_SOCIAL,  # SPASAD
    "183": TypeStructure.MEDICO_SOCIAL,  # Institut médico-éducatif (IME)
    "255": TypeStructure.MEDICO_SOCIAL,  # Maison d'accueil spécialisée (MAS)
    "246": TypeStructure.MEDICO_SOCIAL,  # ESAT
    "620": TypeStructure.OFFICINE,  # Pharmacie d'Officine
}

# Pour les autres catégories, des mots du libellé de la catégorie, puis de la raison sociale
# (textes en minuscules, sans accents). L'ordre compte : un GCS porté par un centre
# hospitalier est un GCS.
REGLES_PAR_MOTS: tuple[tuple[re.Pattern[str], TypeStructure], ...] = (
    (re.compile(r"groupement de cooperation sanitaire|\bgcs\b"), TypeStructure.GCS),
    (re.compile(r"centre hospitalier"), TypeStructure.CENTRE_HOSPITALIER),
    # « Maison de santé pour maladies mentales » est une clinique psychiatrique, pas une MSP.
    (re.compile(r"maison de sante(?! pour maladies mentales)"), TypeStructure.MSP),
    (re.compile(r"dispositif d'appui|\bdac\b|\bpta\b"), TypeStructure.DAC),
    (
        re.compile(r"personnes agees|handicap|soins infirmiers a domicile"),
        TypeStructure.MEDICO_SOCIAL,
    ),
)

# Abréviations des types de voie du FINESS (celles de La Poste) ; les autres restent telles quelles.
TYPES_DE_VOIE = {
    "ALL": "ALLEE",
    "AV": "AVENUE",
    "BD": "BOULEVARD",
    "CHE": "CHEMIN",
    "CRS": "COURS",
    "IMP": "IMPASSE",
    "PL": "PLACE",
    "QUA": "QUAI",
    "R": "RUE",
    "RES": "RESIDENCE",
    "RTE": "ROUTE",
    "SQ": "SQUARE",
}

# Les champs que le FINESS fait autorité : un import les remplace. Le reste (courriel, site
# web, groupements…) appartient aux agents.
CHAMPS_FINESS = (
    "nom",
    "nom_long",
    "type",
    "finess_juridique",
    "categorie_finess",
    "libelle_categorie_finess",
    "siret",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune_id",
    "telephone",
    "date_ouverture",
    "demo",
)
CHAMPS_COORDONNEES = ("x_lambert93", "y_lambert93", "latitude", "longitude")


def _sans_accents(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte.replace("’", "'"))
    return "".join(c for c in decompose if not unicodedata.combining(c)).lower()


def type_depuis_categorie(categorie: str, libelle_categorie: str, nom: str) -> TypeStructure:
    """Le type d'une structure d'après sa catégorie FINESS, à défaut d'après les mots du
    libellé de la catégorie puis de sa raison sociale."""
    if categorie in TYPES_PAR_CATEGORIE:
        return TYPES_PAR_CATEGORIE[categorie]
    for texte in (libelle_categorie, nom):
        normalise = _sans_accents(texte)
        for motif, type_structure in REGLES_PAR_MOTS:
            if motif.search(normalise):
                return type_structure
    return TypeStructure.AUTRE


def _date(valeur: str) -> date | None:
    try:
        return date.fromisoformat(valeur) if valeur else None
    except ValueError:
        return None


def _joindre(*morceaux: str, separateur: str = " ") -> str:
    return separateur.join(m for m in (m.strip() for m in morceaux) if m)


@dataclass
class _Etablissement:
    ligne: int
    valeurs: dict[str, Any]
    coordonnees: dict[str, float] = field(default_factory=dict)


# Vérification du fichier


def _message_premiere_ligne(premiere: str) -> str:
    # Un fichier binaire (classeur .xlsx, archive) donnerait des caractères de contrôle.
    apercu = "".join(c if c.isprintable() else "?" for c in premiere[:60]) + (
        "…" if len(premiere) > 60 else ""
    )
    minuscule = premiere.lower()
    for separateur, nom in ((",", "« , »"), ("\t", "la tabulation"), ("|", "« | »")):
        if minuscule.startswith(f"finess{separateur}"):
            return _(
                "Les champs de ce fichier sont séparés par %(separateur)s : l'extraction FINESS "
                "d'etalab les sépare par des points-virgules (« ; »). Le fichier a-t-il été "
                "réenregistré par un tableur ? Importez le fichier d'origine (%(nom)s)."
            ) % {"separateur": nom, "nom": NOM_DU_FICHIER}
    if "nofinesset" in minuscule:
        return _(
            "Ce fichier commence par une ligne d'en-tête (« %(apercu)s ») : l'extraction FINESS "
            "d'etalab n'en a pas, sa première ligne est « %(entete)s ». Importez le fichier "
            "d'origine (%(nom)s)."
        ) % {"apercu": apercu, "entete": ENTETE_ATTENDUE, "nom": NOM_DU_FICHIER}
    return _(
        "Ce n'est pas l'extraction FINESS d'etalab : sa première ligne doit être « %(entete)s », "
        "celle de ce fichier commence par « %(apercu)s ». Le fichier attendu est %(nom)s "
        "(établissements FINESS, Latin-1, champs séparés par des points-virgules)."
    ) % {"entete": ENTETE_ATTENDUE, "apercu": apercu, "nom": NOM_DU_FICHIER}


def _lire_metadonnees(premiere: str) -> date | None:
    """Vérifie la ligne « finess;etalab;<version>;<date> » et rend la date de l'extraction."""
    champs = premiere.strip().split(SEPARATEUR)
    if len(champs) < 2 or champs[0].strip().lower() != "finess" or champs[1].strip().lower() != "etalab":
        raise FichierRefuse(_message_premiere_ligne(premiere.strip()))
    return _date(champs[3].strip()) if len(champs) > 3 else None


def _refuser_si_utf8(octets: bytes, numero: int | None = None) -> None:
    """Une lettre accentuée en UTF-8 s'écrit sur plusieurs octets qui, lus en Latin-1, donnent
    « Ã© » : un fichier dont les lignes non ASCII se lisent en UTF-8 n'est pas l'original."""
    if not octets.startswith(BOM_UTF8):
        if octets.isascii():
            return
        try:
            octets.decode("utf-8")
        except UnicodeDecodeError:
            return
    ou = _(" (ligne %(numero)s)") % {"numero": numero} if numero else ""
    raise FichierRefuse(
        _(
            "Ce fichier est encodé en UTF-8%(ou)s : ses lettres accentuées, lues en Latin-1, "
            "deviendraient « Ã© », « Ã¨ »… L'extraction FINESS d'etalab est en Latin-1 "
            "(ISO-8859-1) ; ce fichier a sans doute été converti ou réenregistré par un "
            "tableur. Importez le fichier d'origine (%(nom)s)."
        )
        % {"ou": ou, "nom": NOM_DU_FICHIER}
    )


class ImporteurFiness:
    def verifier(self, fichiers: Fichiers) -> None:
        debut = lire_debut(fichiers.principal)
        if not debut.strip():
            raise FichierRefuse(
                _("Le fichier est vide : l'extraction FINESS d'etalab (%(nom)s) est attendue.")
                % {"nom": NOM_DU_FICHIER}
            )
        # Le morceau lu peut couper une ligne, et une lettre accentuée, en deux.
        complet = debut if len(debut) < 65536 else debut[: debut.rfind(b"\n") + 1] or debut
        if complet.startswith(BOM_UTF8):
            _refuser_si_utf8(complet)
        lignes = complet.decode(ENCODAGE).splitlines()
        # La première ligne d'abord : pour un tout autre fichier (RPPS…), c'est ce qu'il faut dire.
        _lire_metadonnees(lignes[0])
        _refuser_si_utf8(complet)
        suivante = next(((n, ligne) for n, ligne in enumerate(lignes[1:], start=2) if ligne.strip()), None)
        if suivante is not None:
            numero, ligne = suivante
            genre = ligne.split(SEPARATEUR, 1)[0].strip()
            if genre not in ("structureet", "geolocalisation"):
                raise FichierRefuse(
                    _(
                        "La ligne %(numero)s de ce fichier est une ligne « %(genre)s » : l'extraction "
                        "des établissements (lignes « structureet » puis « geolocalisation ») est "
                        "attendue, fichier %(nom)s."
                    )
                    % {"numero": numero, "genre": genre[:40], "nom": NOM_DU_FICHIER}
                )

    def importer(self, fichiers: Fichiers, *, import_fichier: ImportFichier, suivi: Suivi) -> Rapport:
        lecture = _Lecture(communes_du_territoire())
        if not lecture.communes:
            raise FichierRefuse(
                _(
                    "Aucune commune du territoire n'est enregistrée : importez d'abord les communes "
                    "(importer_communes), puis ce fichier."
                )
            )
        lecture.lire(fichiers.principal, suivi)
        lecture.geolocaliser()
        rapport = lecture.rapport
        suivi(etape=ETAPE_ECRITURE, fait=0, total=len(lecture.etablissements), lignes=rapport.lignes)
        with transaction.atomic():
            _ecrire(lecture.etablissements, rapport)
            if lecture.date_extraction and import_fichier.date_extraction is None:
                ImportFichier.objects.filter(pk=import_fichier.pk, date_extraction__isnull=True).update(
                    date_extraction=lecture.date_extraction
                )
        absents = len(lecture.connus_du_territoire - lecture.vus)
        if absents:
            rapport.remarques.append(
                ngettext(
                    "%(n)s établissement du territoire absent de ce fichier (fermé ?) : "
                    "il reste dans l'annuaire.",
                    "%(n)s établissements du territoire absents de ce fichier (fermés ?) : "
                    "ils restent dans l'annuaire.",
                    absents,
                )
                % {"n": absents}
            )
        suivi(
            etape=ETAPE_ECRITURE,
            fait=len(lecture.etablissements),
            total=len(lecture.etablissements),
            lignes=rapport.lignes,
        )
        return rapport


class _Lecture:
    """La lecture du fichier, sans rien écrire : les établissements du territoire par FINESS."""

    def __init__(self, communes: dict[str, int]) -> None:
        self.communes = communes
        self.departements = {code[:2] for code in communes}
        self.rapport = Rapport()
        self.etablissements: dict[str, _Etablissement] = {}
        # FINESS → (ligne, x, y, source), pour les établissements des départements du territoire.
        self.geolocalisations: dict[str, tuple[int, str, str, str]] = {}
        self.date_extraction: date | None = None
        # Structures FINESS déjà connues sur le territoire, et celles que le fichier cite.
        self.connus_du_territoire = set(
            Structure.objects.filter(finess__isnull=False, commune__isnull=False).values_list(
                "finess", flat=True
            )
        )
        self.vus: set[str] = set()
        self.remarques_numeros = 0

    def lire(self, flux: Flux, suivi: Suivi) -> None:
        for numero, octets in lignes_suivies(flux, suivi=suivi, total=taille(flux)):
            self.rapport.lignes = numero
            _refuser_si_utf8(octets, numero)
            texte = octets.decode(ENCODAGE).rstrip("\r\n")
            if numero == 1:
                self.date_extraction = _lire_metadonnees(texte)
                continue
            if not texte.strip():
                continue
            champs = texte.split(SEPARATEUR)
            genre = champs[0]
            if genre == "structureet":
                self._structureet(numero, champs)
            elif genre == "geolocalisation":
                self._geolocalisation(numero, champs)
            else:
                self.rapport.rejeter(
                    numero,
                    _("type de ligne « %(genre)s » inconnu (« structureet » ou « geolocalisation » attendu)")
                    % {"genre": genre[:40]},
                )

    def _structureet(self, numero: int, champs: list[str]) -> None:
        if len(champs) != len(CHAMPS_STRUCTUREET):
            self.rapport.rejeter(
                numero,
                _("ligne « structureet » de %(n)s champs, %(attendu)s attendus")
                % {"n": len(champs), "attendu": len(CHAMPS_STRUCTUREET)},
            )
            return

        def v(nom: str) -> str:
            return champs[_I[nom]].strip()

        commune = self.communes.get(v("departement") + v("commune"))
        finess = v("nofinesset")
        if commune is None:
            self.rapport.ignores += 1
            return
        if finess in self.connus_du_territoire:
            self.vus.add(finess)
        if not finess_valide(finess):
            self.rapport.rejeter(
                numero,
                _("numéro FINESS « %(finess)s » incorrect (9 caractères avec une clé)") % {"finess": finess},
            )
            return
        if not v("rs"):
            self.rapport.rejeter(
                numero, _("raison sociale (rs) vide pour le FINESS %(finess)s") % {"finess": finess}
            )
            return
        if finess in self.etablissements:
            self.rapport.rejeter(
                numero,
                _("FINESS %(finess)s déjà lu ligne %(ligne)s")
                % {"finess": finess, "ligne": self.etablissements[finess].ligne},
            )
            return
        siret = v("siret")
        if siret and not siret_valide(siret):
            self._remarquer(
                numero,
                _("SIRET « %(siret)s » incorrect pour %(nom)s (FINESS %(finess)s) : laissé vide.")
                % {"siret": siret, "nom": v("rs"), "finess": finess},
            )
            siret = ""
        finess_juridique = v("nofinessej")
        if finess_juridique and not finess_valide(finess_juridique):
            self._remarquer(
                numero,
                _("FINESS juridique « %(ej)s » incorrect pour %(nom)s (FINESS %(finess)s) : laissé vide.")
                % {"ej": finess_juridique, "nom": v("rs"), "finess": finess},
            )
            finess_juridique = ""
        acheminement = v("ligneacheminement")
        code_postal = acheminement[:5] if acheminement[:5].isdigit() else ""
        type_voie = TYPES_DE_VOIE.get(v("typvoie").upper(), v("typvoie"))
        self.etablissements[finess] = _Etablissement(
            ligne=numero,
            valeurs={
                "nom": v("rs")[:255],
                "nom_long": v("rslongue")[:255],
                "type": type_depuis_categorie(v("categetab"), v("libcategetab"), v("rs")),
                "finess_juridique": finess_juridique,
                "categorie_finess": v("categetab")[:4],
                "libelle_categorie_finess": v("libcategetab")[:120],
                "siret": siret,
                # compvoie est l'indice de répétition du numéro (B pour bis, T pour ter…).
                "adresse": _joindre(v("numvoie"), v("compvoie"), type_voie, v("voie"))[:255],
                "complement_adresse": _joindre(
                    v("complrs"), v("compldistrib"), v("lieuditbp"), separateur=", "
                )[:255],
                "code_postal": code_postal,
                "commune_id": commune,
                "telephone": formater_telephone(v("telephone")),
                "date_ouverture": _date(v("dateouv")),
                "demo": False,
            },
        )

    def _remarquer(self, numero: int, remarque: str) -> None:
        self.remarques_numeros += 1
        if self.remarques_numeros <= MAX_REMARQUES_DETAILLEES:
            self.rapport.remarques.append(
                _("Ligne %(ligne)s : %(remarque)s") % {"ligne": numero, "remarque": remarque}
            )
        elif self.remarques_numeros == MAX_REMARQUES_DETAILLEES + 1:
            self.rapport.remarques.append(
                _("D'autres numéros SIRET ou FINESS juridiques incorrects ont été laissés vides.")
            )

    def _geolocalisation(self, numero: int, champs: list[str]) -> None:
        if len(champs) != CHAMPS_GEOLOCALISATION:
            self.rapport.rejeter(
                numero,
                _("ligne « geolocalisation » de %(n)s champs, %(attendu)s attendus")
                % {"n": len(champs), "attendu": CHAMPS_GEOLOCALISATION},
            )
            return
        finess = champs[1].strip()
        # Les lignes de géolocalisation suivent les établissements ; on garde aussi celles des
        # départements du territoire, au cas où un fichier les donnerait avant.
        if finess in self.etablissements or finess[:2] in self.departements:
            self.geolocalisations[finess] = (numero, champs[2].strip(), champs[3].strip(), champs[4])

    def geolocaliser(self) -> None:
        """Ajoute les coordonnées Lambert-93 des établissements gardés, et leur conversion en WGS 84."""
        transformateur: Transformer | None = None
        for finess, (numero, x_texte, y_texte, source) in self.geolocalisations.items():
            etablissement = self.etablissements.get(finess)
            # Outre-mer, les coordonnées sont en UTM : elles ne sont pas reprises.
            if etablissement is None or "LAMBERT_93" not in source.upper() or not (x_texte or y_texte):
                continue
            try:
                x, y = float(x_texte.replace(",", ".")), float(y_texte.replace(",", "."))
            except ValueError:
                x = y = math.nan
            if not (math.isfinite(x) and math.isfinite(y)):
                self.rapport.rejeter(
                    numero,
                    _("coordonnées « %(x)s ; %(y)s » illisibles pour le FINESS %(finess)s")
                    % {"x": x_texte, "y": y_texte, "finess": finess},
                )
                continue
            if transformateur is None:
                transformateur = Transformer.from_crs(2154, 4326, always_xy=True)
            longitude, latitude = transformateur.transform(x, y)
            etablissement.coordonnees = {
                "x_lambert93": x,
                "y_lambert93": y,
                "latitude": latitude,
                "longitude": longitude,
            }


def _ecrire(etablissements: dict[str, _Etablissement], rapport: Rapport) -> None:
    """Crée ou met à jour les structures, en quelques requêtes quel que soit leur nombre."""
    existants = {s.finess: s for s in Structure.objects.filter(finess__in=list(etablissements))}
    a_creer: list[Structure] = []
    a_modifier: list[Structure] = []
    maintenant = timezone.now()
    for finess, etablissement in etablissements.items():
        valeurs = {**etablissement.valeurs, **etablissement.coordonnees}
        structure = existants.get(finess)
        if structure is None:
            a_creer.append(Structure(finess=finess, **valeurs))
            continue
        # Un type qui n'est plus celui que donnait la catégorie précédente a été choisi par un
        # agent : il est gardé.
        type_precedent = type_depuis_categorie(
            structure.categorie_finess, structure.libelle_categorie_finess, structure.nom
        )
        if structure.type != type_precedent:
            valeurs["type"] = structure.type
        modifies = [nom for nom, valeur in valeurs.items() if getattr(structure, nom) != valeur]
        if not modifies:
            rapport.inchanges += 1
            continue
        for nom in modifies:
            setattr(structure, nom, valeurs[nom])
        structure.modifie_le = maintenant
        a_modifier.append(structure)
    Structure.objects.bulk_create(a_creer, batch_size=TAILLE_LOT)
    if a_modifier:
        # bulk_update prend les noms des champs (« commune ») et non des colonnes (« commune_id »).
        champs = [nom.removesuffix("_id") for nom in (*CHAMPS_FINESS, *CHAMPS_COORDONNEES)]
        Structure.objects.bulk_update(a_modifier, [*champs, "modifie_le"], batch_size=TAILLE_LOT)
    rapport.crees += len(a_creer)
    rapport.mis_a_jour += len(a_modifier)


enregistrer(TypeImport.FINESS, ImporteurFiness())
