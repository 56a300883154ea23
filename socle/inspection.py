"""Inspection en profondeur d'un fichier déposé, une fois son type reconnu (issue 16 §3).

`socle.documents.verifier_fichier` reconnaît le type par les premiers octets ; ce module
regarde ensuite dedans : contenu actif et fichiers joints des PDF, polyglottes (un PDF, un PNG
ou un JPEG qui est aussi une page HTML ou une archive ZIP), macros, liens externes, objets
incorporés et entrées étrangères des documents bureautiques, bombes de décompression, fichier
de test EICAR. Chaque refus est une `ValidationError` au message en français et au `code`
stable ; rien n'est écrit avant que tout soit passé. Les limites sont dites dans
docs/televersements.md.
"""

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    # pypdf ne se charge qu'au premier PDF contrôlé : son import coûte un demi-seconde à chaque
    # démarrage de Django (serveur, worker, beat, migrate), qui n'en a pas besoin.
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

# --- Commun ---------------------------------------------------------------------------------

# Le fichier de test des antivirus (eicar.org), tel que tous les antivirus le reconnaissent.
# C'est la seule « signature » cherchée : une vraie analyse antivirale (ClamAV) reste une
# option de la production (docs/televersements.md).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

# Ce qui ferait d'une image ou d'un PDF une page web pour un navigateur qui devine le type.
MARQUEURS_HTML = re.compile(rb"<(?:html|script|!doctype|svg|body|iframe|\?php)\b", re.IGNORECASE)
SIGNATURES_ZIP = (b"PK\x03\x04", b"PK\x05\x06")

CONSEIL_PDF = gettext_lazy(
    "Imprimez-le en PDF (« Imprimer » puis « Enregistrer au format PDF ») pour n'en garder que "
    "les pages, puis déposez cette copie."
)


def refus(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def verifier_eicar(donnees: bytes) -> None:
    if EICAR in donnees:
        raise refus(
            _(
                "Le fichier contient la signature d'un virus (fichier de test EICAR) : "
                "il est refusé et n'a pas été enregistré."
            ),
            "virus",
        )


def _polyglotte(detail: str) -> ValidationError:
    return refus(
        _("Le fichier est aussi un fichier d'un autre type (%(detail)s) : il est refusé.")
        % {"detail": detail},
        "polyglotte",
    )


def _est_une_archive_zip(contenu: bytes) -> bool:
    """Vrai si un lecteur ZIP ouvrirait ce fichier (répertoire central lisible à la fin)."""
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
        return False


def _sans_html_ni_zip(hors_donnees: bytes, contenu: bytes) -> None:
    """`hors_donnees` : les parties du fichier qui ne sont pas des données compressées (où une
    signature ZIP ne peut pas être un hasard)."""
    if MARQUEURS_HTML.search(hors_donnees):
        raise _polyglotte(_("il contient une page HTML ou un script"))
    if any(signature in hors_donnees for signature in SIGNATURES_ZIP) or _est_une_archive_zip(contenu):
        raise _polyglotte(_("il contient une archive ZIP"))


# --- PDF ------------------------------------------------------------------------------------

_DEBUT_DE_FLUX = re.compile(rb"(?<!end)stream\r?\n")
_BLANCS = b" \t\r\n\f\x00"
PDF_OBJETS_MAX = 250_000

# Actions qui exécutent du code, lancent un programme, ouvrent un autre fichier ou envoient des
# données ; /URI (un lien) et /GoTo (aller à une page) restent permis dans une annotation.
ACTIONS_REFUSEES = {
    "/JavaScript": gettext_lazy("du JavaScript"),
    "/Launch": gettext_lazy("une action qui lance un programme"),
    "/SubmitForm": gettext_lazy("un formulaire qui envoie des données"),
    "/ImportData": gettext_lazy("une action qui importe des données"),
    "/GoToR": gettext_lazy("une action qui ouvre un autre fichier"),
    "/GoToE": gettext_lazy("une action qui ouvre un fichier joint"),
    "/RichMediaExecute": gettext_lazy("du multimédia interactif"),
    "/Rendition": gettext_lazy("du multimédia interactif"),
    "/Movie": gettext_lazy("du multimédia interactif"),
    "/Sound": gettext_lazy("du multimédia interactif"),
}
SOUS_TYPES_ACTIFS = {"/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
SCHEMAS_DE_LIEN_REFUSES = ("javascript:", "vbscript:", "file:", "data:", "\\\\")


def verifier_pdf_brut(contenu: bytes) -> None:
    """Ce qui se voit sans lire la structure : en-tête à l'octet 0, rien après le dernier
    %%EOF, ni HTML ni ZIP hors des flux."""
    if not contenu.startswith(b"%PDF-"):
        raise _polyglotte(_("des octets précèdent l'en-tête « %PDF- »"))
    fin = contenu.rfind(b"%%EOF")
    if fin == -1:
        raise refus(_("Le fichier PDF est illisible ou endommagé : il ne s'ouvre pas."), "pdf_illisible")
    if contenu[fin + len(b"%%EOF") :].strip(_BLANCS):
        raise _polyglotte(_("des données suivent la fin du PDF"))
    _sans_html_ni_zip(_hors_des_flux(contenu), contenu)


def _hors_des_flux(contenu: bytes) -> bytes:
    """Le PDF sans le contenu de ses flux (`stream` … `endstream`), où les octets sont libres."""
    morceaux = []
    position = 0
    while (debut := _DEBUT_DE_FLUX.search(contenu, position)) is not None:
        fin = contenu.find(b"endstream", debut.end())
        if fin == -1:
            break
        morceaux.append(contenu[position : debut.end()])
        position = fin
    morceaux.append(contenu[position:])
    return b"".join(morceaux)


def verifier_pdf_structure(lecteur: "PdfReader") -> None:
    """Parcourt tout ce qui est atteignable depuis le trailer (catalogue, pages, annotations,
    champs de formulaire, arbres de noms) et refuse le contenu actif et les fichiers joints."""
    # Import local : module lourd chargé à la demande (en-tête du module).
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    a_voir: list[Any] = [lecteur.trailer]
    vus: set[tuple[int, int]] = set()
    while a_voir:
        objet = a_voir.pop()
        if isinstance(objet, IndirectObject):
            cle = (objet.idnum, objet.generation)
            if cle in vus:
                continue
            vus.add(cle)
            if len(vus) > PDF_OBJETS_MAX:
                raise refus(
                    _(
                        "Le PDF compte trop d'objets pour être contrôlé : imprimez-le en PDF et "
                        "déposez cette copie."
                    ),
                    "pdf_trop_complexe",
                )
            objet = objet.get_object()
        if isinstance(objet, DictionaryObject):  # les flux aussi (leur dictionnaire)
            _examiner_dictionnaire_pdf(objet)
            a_voir.extend(objet.values())
        elif isinstance(objet, ArrayObject):
            a_voir.extend(objet)


def _valeur(dictionnaire: "DictionaryObject", cle: str) -> Any:
    # Import local : module lourd chargé à la demande (en-tête du module).
    from pypdf.generic import IndirectObject

    valeur = dictionnaire.get(cle)
    return valeur.get_object() if isinstance(valeur, IndirectObject) else valeur


def _pdf_actif(ce_qu_il_contient: Any) -> ValidationError:
    return refus(
        _("Le PDF contient %(quoi)s : ce contenu actif n'est pas accepté. %(conseil)s")
        % {"quoi": ce_qu_il_contient, "conseil": CONSEIL_PDF},
        "pdf_actif",
    )


def _examiner_dictionnaire_pdf(dictionnaire: "DictionaryObject") -> None:
    # Import local : module lourd chargé à la demande (en-tête du module).
    from pypdf.generic import DictionaryObject

    action = _valeur(dictionnaire, "/S")
    if "/JS" in dictionnaire or "/JavaScript" in dictionnaire:
        raise _pdf_actif(ACTIONS_REFUSEES["/JavaScript"])
    if action in ACTIONS_REFUSEES:
        raise _pdf_actif(ACTIONS_REFUSEES[str(action)])
    if "/AA" in dictionnaire:
        raise _pdf_actif(_("des actions qui se déclenchent toutes seules (ouverture, survol, impression)"))
    if "/OpenAction" in dictionnaire:
        ouverture = _valeur(dictionnaire, "/OpenAction")
        # Une destination (« ouvrir à la page 1 ») est permise ; une action, seulement GoTo
        # (une action nommée pourrait imprimer toute seule).
        if isinstance(ouverture, DictionaryObject) and _valeur(ouverture, "/S") != "/GoTo":
            raise _pdf_actif(_("une action qui se déclenche à l'ouverture"))
    if "/XFA" in dictionnaire:
        raise _pdf_actif(_("un formulaire XFA, qui peut exécuter des scripts"))
    if _valeur(dictionnaire, "/Subtype") in SOUS_TYPES_ACTIFS or "/RichMediaContent" in dictionnaire:
        raise _pdf_actif(_("du multimédia ou de la 3D interactifs"))
    if action == "/URI":
        cible = str(_valeur(dictionnaire, "/URI") or "").strip().lower()
        if cible.startswith(SCHEMAS_DE_LIEN_REFUSES):
            raise _pdf_actif(_("un lien qui exécute du code ou ouvre un fichier local"))
    if (
        "/EmbeddedFiles" in dictionnaire
        or "/EF" in dictionnaire
        or _valeur(dictionnaire, "/Type") == "/EmbeddedFile"
        or _valeur(dictionnaire, "/Subtype") == "/FileAttachment"
    ):
        raise refus(
            _(
                "Le PDF contient des fichiers joints : ils ne sont pas acceptés. Déposez chaque "
                "pièce séparément, dans un format accepté."
            ),
            "pdf_fichier_joint",
        )


# --- Images ---------------------------------------------------------------------------------


def _image_illisible() -> ValidationError:
    return refus(_("L'image est illisible ou endommagée : elle ne s'ouvre pas."), "image_illisible")


def verifier_png(contenu: bytes) -> None:
    """Parcourt les blocs (chunks) jusqu'à IEND : rien ne doit le suivre."""
    position = 8
    hors_image = []
    while True:
        if position + 12 > len(contenu):
            raise _image_illisible()
        longueur, genre = struct.unpack(">I4s", contenu[position : position + 8])
        suivant = position + 12 + longueur
        if suivant > len(contenu):
            raise _image_illisible()
        if genre not in (b"IDAT", b"fdAT"):
            hors_image.append(contenu[position + 8 : position + 8 + longueur])
        position = suivant
        if genre == b"IEND":
            break
    if contenu[position:]:
        raise _polyglotte(_("des données suivent la fin de l'image"))
    if MARQUEURS_HTML.search(contenu):
        raise _polyglotte(_("il contient une page HTML ou un script"))
    _sans_html_ni_zip(b"".join(hors_image), contenu)


def verifier_jpeg(contenu: bytes) -> None:
    """Parcourt les segments jusqu'au marqueur de fin (EOI) ; après lui, seulement des zéros
    de bourrage, ou une autre image JPEG (les photos « multi-images » des téléphones)."""
    hors_image: list[bytes] = []
    position = _fin_d_une_image_jpeg(contenu, 0, hors_image)
    while True:
        while position < len(contenu) and contenu[position] == 0:
            position += 1
        if position == len(contenu):
            break
        if not contenu.startswith(b"\xff\xd8\xff", position):
            raise _polyglotte(_("des données suivent la fin de l'image"))
        position = _fin_d_une_image_jpeg(contenu, position, hors_image)
    if MARQUEURS_HTML.search(contenu):
        raise _polyglotte(_("il contient une page HTML ou un script"))
    _sans_html_ni_zip(b"".join(hors_image), contenu)


def _fin_d_une_image_jpeg(contenu: bytes, debut: int, hors_image: list[bytes]) -> int:
    """La position qui suit le marqueur EOI de l'image qui commence à `debut` ; les segments
    hors données compressées vont dans `hors_image`."""
    taille = len(contenu)
    if contenu[debut : debut + 2] != b"\xff\xd8":
        raise _image_illisible()
    position = debut + 2
    while True:
        if position >= taille or contenu[position] != 0xFF:
            raise _image_illisible()
        while position < taille and contenu[position] == 0xFF:
            position += 1
        if position >= taille:
            raise _image_illisible()
        marqueur = contenu[position]
        position += 1
        if marqueur == 0xD9:
            return position
        if 0xD0 <= marqueur <= 0xD7 or marqueur == 0x01:
            continue
        if position + 2 > taille:
            raise _image_illisible()
        (longueur,) = struct.unpack(">H", contenu[position : position + 2])
        if longueur < 2 or position + longueur > taille:
            raise _image_illisible()
        if marqueur != 0xDA:
            hors_image.append(contenu[position + 2 : position + longueur])
        position += longueur
        if marqueur == 0xDA:
            # Données compressées jusqu'au prochain marqueur (0xFF suivi ni de 0 ni d'un RSTn).
            while True:
                position = contenu.find(b"\xff", position)
                if position == -1 or position + 1 >= taille:
                    raise _image_illisible()
                suivant = contenu[position + 1]
                if suivant == 0 or 0xD0 <= suivant <= 0xD7:
                    position += 2
                elif suivant == 0xFF:
                    position += 1
                else:
                    break


# --- Documents bureautiques (archives ZIP : OOXML et OpenDocument) ----------------------------

ARCHIVE_ENTREES_MAX = 10_000
# En dessous de cette taille décompressée, un taux de compression élevé n'est pas un danger
# (un petit XML très répétitif) ; au-dessus, il signale une bombe.
ARCHIVE_TAUX_SEUIL = 1024 * 1024
_LECTURE = 64 * 1024
_STRUCTURE_MAX = 4 * 1024 * 1024

EXECUTABLES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"#!")
ARCHIVES = (b"PK\x03\x04", b"PK\x05\x06", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"BZh", b"MSCF", b"\xfd7zXZ")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

IMAGES = r"(?:png|jpe?g|jfif|gif|bmp|tiff?|emf|wmf|svg|wdp|svm)"


def _archive_illisible() -> ValidationError:
    return refus(
        _("Le document est illisible ou endommagé : l'archive qui le contient ne s'ouvre pas."),
        "archive_illisible",
    )


def _macro(format_: str) -> ValidationError:
    return refus(
        _(
            "Le document contient des macros : les fichiers à macros ne sont pas acceptés. "
            "Enregistrez-le au format %(format)s sans macros, puis déposez-le."
        )
        % {"format": format_},
        "macro",
    )


def _lien_externe(quoi: Any) -> ValidationError:
    return refus(
        _(
            "Le document contient %(quoi)s, qui irait chercher un contenu hors du fichier à son "
            "ouverture : il est refusé. Supprimez ce lien (ou collez le contenu lui-même), puis "
            "déposez-le de nouveau."
        )
        % {"quoi": quoi},
        "lien_externe",
    )


def _objet_incorpore() -> ValidationError:
    return refus(
        _(
            "Le document contient un objet incorporé (OLE, ActiveX, autre document ou programme) : "
            "il est refusé. Remplacez l'objet par une image ou déposez-le comme une pièce à part."
        ),
        "objet_incorpore",
    )


def _entree_interdite(nom: str, format_: str) -> ValidationError:
    return refus(
        _("Le document contient un élément qui n'a pas sa place dans un fichier %(format)s : « %(nom)s ».")
        % {"nom": nom[:80], "format": format_},
        "entree_interdite",
    )


_ENTITES = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class Motif:
    """Ce qu'on cherche dans le contenu décompressé des entrées XML."""

    expression: re.Pattern[bytes]
    erreur: Callable[[], ValidationError]


@dataclass(frozen=True)
class FormatBureautique:
    nom: str
    permises: re.Pattern[str]
    macros: re.Pattern[str]
    liens_externes: re.Pattern[str]
    objets: re.Pattern[str]
    motifs: tuple[Motif, ...]


def _ooxml(nom: str, dossier: str, motifs: tuple[Motif, ...] = ()) -> FormatBureautique:
    return FormatBureautique(
        nom=nom,
        permises=re.compile(
            r"\[Content_Types\]\.xml"
            r"|_rels/\.rels"
            rf"|docProps/[^/]+\.xml|docProps/thumbnail\.{IMAGES}"
            r"|docMetadata/[^/]+\.xml"
            r"|customXml/(?:_rels/)?[^/]+\.(?:xml|rels)"
            r"|_xmlsignatures/(?:_rels/)?[^/]+\.(?:xml|rels|sigs)"
            rf"|{dossier}/(?:[^/]+/)*[^/]+\.(?:xml|rels)"
            rf"|{dossier}/media/[^/]+\.{IMAGES}"
            rf"|{dossier}/fonts/[^/]+\.odttf"
            # Les réglages d'imprimante qu'Excel et Word enregistrent (une structure DEVMODE).
            rf"|{dossier}/printerSettings/printerSettings\d+\.bin",
            re.IGNORECASE,
        ),
        macros=re.compile(r"(?:^|/)vbaProject\.bin$|(?:^|/)vbaData\.xml$|/macrosheets/|/dialogsheets/", re.I),
        liens_externes=re.compile(r"/externalLinks/", re.IGNORECASE),
        objets=re.compile(r"/(?:activeX|embeddings)/", re.IGNORECASE),
        motifs=(Motif(_ENTITES, partial(_entree_interdite, "<!ENTITY>", nom)), *motifs),
    )


DOCX = _ooxml(
    "DOCX",
    "word",
    (
        # Un champ DDE lance un autre programme à l'ouverture (attaque connue de Word).
        Motif(
            re.compile(rb"(?:instrText[^>]{0,200}>|w:instr=\")\s*DDE", re.IGNORECASE),
            partial(_lien_externe, gettext_lazy("un champ DDE")),
        ),
    ),
)
XLSX = _ooxml("XLSX", "xl")


def _odf(nom: str) -> FormatBureautique:
    return FormatBureautique(
        nom=nom,
        permises=re.compile(
            r"mimetype|content\.xml|styles\.xml|meta\.xml|settings\.xml|manifest\.rdf"
            r"|META-INF/manifest\.xml|META-INF/documentsignatures\.xml"
            r"|Thumbnails/thumbnail\.png"
            rf"|(?:Object \d+/)?Pictures/[^/]+\.{IMAGES}"
            r"|Configurations2/(?:[^/]+/)*[^/]+\.xml"
            r"|layout-cache"
            r"|Object \d+/(?:content|styles|meta|settings)\.xml"
            r"|ObjectReplacements/Object \d+"
        ),
        macros=re.compile(r"^(?:Basic|Scripts)/|^META-INF/macrosignatures\.xml$"),
        liens_externes=re.compile(r"(?!)"),
        objets=re.compile(r"(?!)"),
        motifs=(
            Motif(_ENTITES, partial(_entree_interdite, "<!ENTITY>", nom)),
            Motif(
                re.compile(rb"vnd\.sun\.star\.script:|macro://|<script:event-listener", re.IGNORECASE),
                partial(_macro, nom),
            ),
            Motif(
                re.compile(
                    rb"<(?:table:table-source|text:section-source|office:dde-source|table:dde-link"
                    rb"|text:dde-connection)\b"
                    rb"|<draw:(?:image|object|object-ole|floating-frame)\b[^>]{0,2000}?"
                    rb"xlink:href=\"(?:[a-z][a-z0-9+.\-]*:|\.\./|/)",
                    re.IGNORECASE,
                ),
                partial(_lien_externe, gettext_lazy("un lien vers un fichier ou une adresse extérieurs")),
            ),
            Motif(re.compile(rb"<draw:(?:applet|plugin)\b", re.IGNORECASE), _objet_incorpore),
        ),
    )


FORMATS_BUREAUTIQUES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": XLSX,
    "application/vnd.oasis.opendocument.text": _odf("ODT"),
    "application/vnd.oasis.opendocument.spreadsheet": _odf("ODS"),
}

# La partie principale attendue d'un document OOXML, par type reconnu.
PARTIES_PRINCIPALES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    ),
}
TYPES_DE_CONTENU_MACROS = re.compile(r"macroEnabled|vbaProject|vbaData|macrosheet|dialogsheet", re.I)
TYPES_DE_CONTENU_OBJETS = re.compile(r"activeX|oleObject|\.package$|embeddings", re.IGNORECASE)

NS_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
NS_RELATIONS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_MANIFESTE = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"


def verifier_archive_bureautique(contenu: bytes, type_mime: str) -> None:
    """Contrôle un document OOXML ou OpenDocument : d'abord son répertoire central (tailles,
    taux de compression, noms des entrées) sans rien décompresser, puis chaque entrée lue en
    flux (bornée par la taille annoncée), puis sa structure (types de contenu, relations,
    manifeste)."""
    format_ = FORMATS_BUREAUTIQUES[type_mime]
    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error) as e:
        raise _archive_illisible() from e
    with archive:
        entrees = archive.infolist()
        _verifier_repertoire_central(entrees, format_)
        structure = _lire_les_entrees(archive, entrees, format_)
    if format_ in (DOCX, XLSX):
        _verifier_ooxml(structure, entrees, type_mime, format_)
    else:
        _verifier_manifeste_odf(structure.get("META-INF/manifest.xml"), format_)


def _verifier_repertoire_central(entrees: list[zipfile.ZipInfo], format_: FormatBureautique) -> None:
    taille_max = settings.DOCUMENTS_ARCHIVE_TAILLE_MAX
    taux_max = settings.DOCUMENTS_ARCHIVE_TAUX_MAX
    if len(entrees) > ARCHIVE_ENTREES_MAX:
        raise refus(
            _("Le document contient plus de %(n)s éléments : il est refusé.") % {"n": ARCHIVE_ENTREES_MAX},
            "archive_trop_grosse",
        )
    total = sum(entree.file_size for entree in entrees)
    if total > taille_max:
        raise refus(
            _(
                "Une fois décompressé, le document pèserait %(taille)s ; la limite est de %(max)s "
                "(une « bombe de décompression » ?) : il est refusé."
            )
            % {"taille": filesizeformat(total), "max": filesizeformat(taille_max)},
            "archive_trop_grosse",
        )
    noms: set[str] = set()
    for entree in entrees:
        nom = entree.filename
        chemin = PurePosixPath(nom)
        if nom.startswith("/") or "\\" in nom or "\x00" in nom or ".." in chemin.parts or ":" in nom:
            raise _entree_interdite(nom, format_.nom)
        if nom.lower() in noms:
            raise _entree_interdite(nom, format_.nom)
        noms.add(nom.lower())
        if entree.flag_bits & 0x1:
            raise refus(
                _("Le document est protégé par un mot de passe : déposez une version sans protection."),
                "archive_chiffree",
            )
        if entree.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _archive_illisible()
        if entree.file_size > ARCHIVE_TAUX_SEUIL and entree.file_size > taux_max * max(
            entree.compress_size, 1
        ):
            raise refus(
                _(
                    "Un élément du document se décompresse plus de %(max)s fois plus gros que sa "
                    "taille dans le fichier (une « bombe de décompression » ?) : il est refusé."
                )
                % {"max": taux_max},
                "archive_trop_grosse",
            )
        _verifier_nom_d_entree(nom, format_)


def _verifier_nom_d_entree(nom: str, format_: FormatBureautique) -> None:
    if format_.macros.search(nom):
        raise _macro(format_.nom)
    if format_.liens_externes.search(nom):
        raise _lien_externe(_("une liaison vers un autre classeur"))
    if format_.objets.search(nom):
        raise _objet_incorpore()
    if nom.endswith("/"):
        return  # un dossier : vide par construction (taille vérifiée à la lecture)
    if not format_.permises.fullmatch(nom):
        raise _entree_interdite(nom, format_.nom)


def _lire_les_entrees(
    archive: zipfile.ZipFile, entrees: Iterable[zipfile.ZipInfo], format_: FormatBureautique
) -> dict[str, bytes]:
    """Lit chaque entrée en flux : premiers octets (programme, archive, objet OLE), EICAR et
    motifs interdits dans le XML. Rend le contenu des entrées de structure (types de contenu,
    relations, manifeste)."""
    structure: dict[str, bytes] = {}
    recouvrement = max(len(EICAR), 256)
    for entree in entrees:
        nom = entree.filename
        est_xml = nom.lower().endswith((".xml", ".rels"))
        est_structure = (
            nom == "[Content_Types].xml" or nom.lower().endswith(".rels") or nom == "META-INF/manifest.xml"
        )
        gardes: list[bytes] = []
        try:
            with archive.open(entree) as flux:
                precedent = b""
                premier = True
                while morceau := flux.read(_LECTURE):
                    if nom.endswith("/"):
                        raise _entree_interdite(nom, format_.nom)
                    if premier and not nom.lower().endswith(".odttf"):  # police masquée : octets brouillés
                        _verifier_debut_d_entree(morceau, nom, format_)
                    premier = False
                    fenetre = precedent + morceau
                    verifier_eicar(fenetre)
                    if est_xml:
                        for motif in format_.motifs:
                            if motif.expression.search(fenetre):
                                raise motif.erreur()
                    if est_structure:
                        gardes.append(morceau)
                        if sum(map(len, gardes)) > _STRUCTURE_MAX:
                            raise _archive_illisible()
                    precedent = fenetre[-recouvrement:]
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as e:
            raise _archive_illisible() from e
        if est_structure:
            structure[nom] = b"".join(gardes)
    return structure


def _verifier_debut_d_entree(debut: bytes, nom: str, format_: FormatBureautique) -> None:
    if debut.startswith(EXECUTABLES):
        raise _entree_interdite(nom, format_.nom)
    if debut.startswith(ARCHIVES):
        raise refus(
            _("Le document contient une autre archive (« %(nom)s ») : elle est refusée.") % {"nom": nom[:80]},
            "archive_imbriquee",
        )
    if debut.startswith(OLE) and not nom.lower().endswith(".bin"):
        raise _objet_incorpore()


def _xml(contenu: bytes | None) -> ElementTree.Element:
    if not contenu:
        raise _archive_illisible()
    try:
        return ElementTree.fromstring(contenu)  # noqa: S314 (pas de <!ENTITY> : refusé à la lecture)
    except ElementTree.ParseError as e:
        raise _archive_illisible() from e


def _verifier_ooxml(
    structure: dict[str, bytes], entrees: list[zipfile.ZipInfo], type_mime: str, format_: FormatBureautique
) -> None:
    types = _xml(structure.get("[Content_Types].xml"))
    par_extension = {
        element.get("Extension", "").lower(): element.get("ContentType", "")
        for element in types.iter(f"{NS_TYPES}Default")
    }
    par_partie = {
        element.get("PartName", "").lower(): element.get("ContentType", "")
        for element in types.iter(f"{NS_TYPES}Override")
    }
    for type_de_contenu in (*par_extension.values(), *par_partie.values()):
        if TYPES_DE_CONTENU_MACROS.search(type_de_contenu):
            raise _macro(format_.nom)
        if TYPES_DE_CONTENU_OBJETS.search(type_de_contenu):
            raise _objet_incorpore()
    for entree in entrees:
        nom = entree.filename
        if nom.endswith("/") or nom == "[Content_Types].xml":
            continue
        # « _rels/.rels » : pour OOXML, l'extension est « rels » (pathlib n'en voit aucune).
        extension = PurePosixPath(nom).name.rpartition(".")[2].lower()
        if par_partie.get(f"/{nom.lower()}") is None and extension not in par_extension:
            raise _entree_interdite(nom, format_.nom)
    if not set(par_partie.values()) & set(PARTIES_PRINCIPALES[type_mime]):
        raise refus(
            _("Le fichier n'a pas la structure d'un document %(format)s : il ne s'ouvre pas.")
            % {"format": format_.nom},
            "archive_illisible",
        )
    for nom, contenu in structure.items():
        if nom.lower().endswith(".rels"):
            _verifier_relations(_xml(contenu), format_)


def _verifier_relations(relations: ElementTree.Element, format_: FormatBureautique) -> None:
    """Un lien hypertexte (qu'on clique) peut viser l'extérieur ; toute autre relation externe
    (modèle attaché, image liée, données, objet) serait chargée toute seule : refusée."""
    for relation in relations.iter(f"{NS_RELATIONS}Relationship"):
        genre = relation.get("Type", "")
        if genre.endswith(("/vbaProject", "/vbaProjectSignature", "/wordVbaData")):
            raise _macro(format_.nom)
        if relation.get("TargetMode", "").lower() == "external" and not genre.endswith("/hyperlink"):
            quoi = genre.rsplit("/", 1)[-1]
            raise _lien_externe(_("une relation externe « %(type)s »") % {"type": quoi[:40]})
        if genre.endswith(("/oleObject", "/package", "/control", "/activeXControlBinary")):
            raise _objet_incorpore()


def _verifier_manifeste_odf(contenu: bytes | None, format_: FormatBureautique) -> None:
    manifeste = _xml(contenu)
    for entree in manifeste.iter(f"{NS_MANIFESTE}file-entry"):
        chemin = entree.get(f"{NS_MANIFESTE}full-path", "")
        genre = entree.get(f"{NS_MANIFESTE}media-type", "")
        if chemin.startswith(("Basic/", "Scripts/")) or "basic" in genre or "script" in genre:
            raise _macro(format_.nom)
        if "oleobject" in genre.lower():
            raise _objet_incorpore()
        if entree.find(f"{NS_MANIFESTE}encryption-data") is not None:
            raise refus(
                _("Le document est protégé par un mot de passe : déposez une version sans protection."),
                "archive_chiffree",
            )
