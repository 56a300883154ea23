"""Le cadre commun des imports des registres nationaux.

Un importeur :
1. `verifier(fichiers)` lit le début de chaque fichier et lève `FichierRefuse` (message en
   français qui dit ce qui était attendu) si ce n'est pas le bon fichier : mauvais format,
   mauvais encodage, colonnes manquantes. Rien n'est encore écrit ; les flux sont rembobinés.
2. `importer(fichiers, import_fichier=…, suivi=…)` lit le fichier en flux, sans rien
   écrire, en signalant l'avancement à `suivi` ; puis, après `suivi(etape=ETAPE_ECRITURE…)`,
   écrit tout dans **une seule transaction** : un échec ne laisse rien à moitié importé.
   Il rend un `Rapport` : créés, mis à jour, inchangés, ignorés (hors du territoire),
   rejetés (numéro de ligne et motif), retirés.

Les importeurs s'enregistrent dans `IMPORTEURS` (par type d'import) ; le service
`territoire.services.import_executer` les fait tourner, pour Celery comme pour les commandes.
"""

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territoire.models import Commune, ImportFichier
from territoire.rapport import Rapport

ETAPE_LECTURE = "lecture"
ETAPE_ECRITURE = "ecriture"
ETAPES = {
    ETAPE_LECTURE: gettext_lazy("Lecture du fichier"),
    ETAPE_ECRITURE: gettext_lazy("Enregistrement dans la base"),
}

Flux = IO[bytes]


class FichierRefuse(Exception):
    """Ce n'est pas le fichier attendu : il est refusé en entier, rien n'est importé.

    `champ` nomme le fichier en cause quand un import en prend plusieurs
    (« fichier », « fichier_epci », « fichier_populations », « fichier_poles », « fichier_contours »).
    """

    def __init__(self, message: str, *, champ: str = "fichier", rapport: "Rapport | None" = None) -> None:
        super().__init__(message)
        self.message = message
        self.champ = champ
        # Ce que la lecture a déjà appris (les lignes rejetées et leurs motifs) : la page de
        # l'import le montre sous le refus, pour qu'on sache quoi corriger.
        self.rapport = rapport


class Suivi(Protocol):
    """Reçoit l'avancement : `fait` sur `total` (en octets lus, ou en lignes écrites)."""

    def __call__(self, *, etape: str, fait: int = 0, total: int = 0, lignes: int = 0) -> None: ...


def sans_suivi(*, etape: str, fait: int = 0, total: int = 0, lignes: int = 0) -> None:
    return None


@dataclass
class Fichiers:
    """Les fichiers d'un import, ouverts en binaire. `nom` sert aux messages et à la date
    d'extraction (les fichiers nationaux la portent dans leur nom)."""

    principal: Flux
    nom: str = ""
    epci: Flux | None = None
    populations: Flux | None = None
    poles: Flux | None = None
    contours: Flux | None = None


class Importeur(Protocol):
    def verifier(self, fichiers: Fichiers) -> None: ...

    def importer(self, fichiers: Fichiers, *, import_fichier: ImportFichier, suivi: Suivi) -> Rapport: ...


IMPORTEURS: dict[str, Importeur] = {}


def enregistrer(type_import: str, importeur: Importeur) -> Importeur:
    IMPORTEURS[type_import] = importeur
    return importeur


# Un tableur qui enregistre en « Texte Unicode » écrit de l'UTF-16 : reconnu à sa marque (BOM)
# ou, sans marque, à ses octets nuls un sur deux.
MARQUES_UTF16 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def refuser_l_utf16(fichiers: Fichiers) -> None:
    """Refuse un fichier texte en UTF-16 ou UTF-32 en nommant son encodage : décodé comme de
    l'UTF-8 ou du Latin-1, il ne donnerait que des caractères illisibles dans les messages."""
    for champ, flux in [
        ("fichier", fichiers.principal),
        ("fichier_epci", fichiers.epci),
        ("fichier_populations", fichiers.populations),
        ("fichier_poles", fichiers.poles),
        ("fichier_contours", fichiers.contours),
    ]:
        if flux is None:
            continue
        debut = lire_debut(flux, 4096)
        sans_marque = len(debut) >= 8 and debut[1::2].count(0) + debut[0::2].count(0) >= len(debut) // 2 - 1
        if debut.startswith(MARQUES_UTF16) or sans_marque:
            raise FichierRefuse(
                _(
                    "Ce fichier est encodé en UTF-16 (« Texte Unicode » d'un tableur), pas en UTF-8 : "
                    "enregistrez-le au format « CSV UTF-8 », ou importez le fichier d'origine."
                ),
                champ=champ,
            )


def importeur_pour(type_import: str) -> Importeur:
    # Les modules s'enregistrent en s'important (territoire/importeurs/__init__.py).
    import territoire.importeurs  # noqa: F401

    return IMPORTEURS[type_import]


def taille(flux: Flux) -> int:
    """La taille du flux en octets (pour l'avancement) ; le flux revient à son début."""
    flux.seek(0, 2)
    total = flux.tell()
    flux.seek(0)
    return total


def lire_debut(flux: Flux, octets: int = 65536) -> bytes:
    """Les premiers octets du flux, qui revient ensuite à son début."""
    flux.seek(0)
    debut = flux.read(octets)
    flux.seek(0)
    return debut


def lignes_suivies(
    flux: Flux, *, suivi: Suivi, total: int, pas: int = 100_000
) -> Iterator[tuple[int, bytes]]:
    """Les lignes du flux (octets, fin de ligne comprise), numérotées à partir de 1, en
    signalant l'avancement toutes les `pas` lignes. Lecture en flux : la mémoire ne dépend
    pas de la taille du fichier."""
    lus = 0
    numero = 0
    for numero, ligne in enumerate(flux, start=1):
        lus += len(ligne)
        if numero % pas == 0:
            suivi(etape=ETAPE_LECTURE, fait=lus, total=total, lignes=numero)
        yield numero, ligne
    suivi(etape=ETAPE_LECTURE, fait=total, total=total, lignes=numero)


def decoder(ligne: bytes, *, encodage: str, numero: int, attendu: str) -> str:
    """Décode une ligne ; un octet invalide refuse tout le fichier (c'est l'encodage du
    fichier qui est en cause, pas la ligne)."""
    try:
        return ligne.decode(encodage)
    except UnicodeDecodeError as erreur:
        raise FichierRefuse(
            _(
                "La ligne %(numero)s n'est pas lisible en %(encodage)s : %(attendu)s "
                "est attendu dans cet encodage. Le fichier a-t-il été ouvert puis réenregistré "
                "par un tableur ? Importez le fichier d'origine."
            )
            % {"numero": numero, "encodage": encodage.upper(), "attendu": attendu}
        ) from erreur


_DATE_DANS_LE_NOM = re.compile(r"(?<!\d)(20\d{2})[-_]?(\d{2})[-_]?(\d{2})(?:\d{4})?(?!\d)")


def date_dans_le_nom(nom: str) -> date | None:
    """La date d'extraction que portent les noms des fichiers nationaux
    (« PS_LibreAcces_Personne_activite_202611230845.txt », « etalab-cs1100507-stock-20261101-0337.csv »)."""
    for annee, mois, jour in _DATE_DANS_LE_NOM.findall(nom):
        try:
            return date(int(annee), int(mois), int(jour))
        except ValueError:
            continue
    return None


def communes_du_territoire() -> dict[str, int]:
    """Code INSEE → identifiant de la commune, pour les communes du territoire et les codes
    de leurs communes déléguées ou associées (les registres citent encore l'ancien code)."""
    communes = list(Commune.objects.values_list("pk", "code_insee", "codes_anciens"))
    codes: dict[str, int] = {}
    for pk, _code, anciens in communes:
        for ancien in anciens or []:
            codes.setdefault(ancien, pk)
    # Le code d'une commune en vigueur l'emporte sur un ancien code identique.
    for pk, code, _anciens in communes:
        codes[code] = pk
    return codes


def formater_telephone(valeur: str) -> str:
    """« 0233207000 » → « 02 33 20 70 00 », comme on l'écrit en France ; le FINESS perd parfois
    le 0 initial : il est remis. Un numéro d'un autre format est gardé tel quel."""
    chiffres = re.sub(r"\D", "", valeur)
    if len(chiffres) == 9 and not chiffres.startswith("0"):
        chiffres = "0" + chiffres
    if len(chiffres) == 10 and chiffres.startswith("0"):
        return " ".join(chiffres[i : i + 2] for i in range(0, 10, 2))
    return valeur.strip()[:30]


def debut_en_texte(flux: Flux, *, champ: str, quel: str, attendu: str) -> str:
    """Le début du fichier décodé en UTF-8 (BOM toléré), ou un refus qui dit ce qui était attendu."""
    debut = lire_debut(flux)
    if debut.startswith(b"PK\x03\x04"):
        raise FichierRefuse(
            _(
                "%(quel)s est un classeur ou une archive (zip), pas un fichier texte : "
                "%(attendu)s est attendu."
            )
            % {"quel": quel, "attendu": attendu},
            champ=champ,
        )
    if debut.startswith(codecs.BOM_UTF8):
        debut = debut[len(codecs.BOM_UTF8) :]
    try:
        # Décodeur incrémental : un caractère coupé à la fin du début lu n'est pas une erreur.
        texte = codecs.getincrementaldecoder("utf-8")().decode(debut, final=False)
    except UnicodeDecodeError as erreur:
        raise FichierRefuse(
            _(
                "%(quel)s n'est pas encodé en UTF-8 (Latin-1 ou Windows-1252 ? un tableur l'a peut-être "
                "réenregistré) : %(attendu)s est attendu. Importez le fichier d'origine."
            )
            % {"quel": quel, "attendu": attendu},
            champ=champ,
        ) from erreur
    if not texte.strip():
        raise FichierRefuse(
            _("%(quel)s est vide : %(attendu)s est attendu.") % {"quel": quel, "attendu": attendu},
            champ=champ,
        )
    return texte
