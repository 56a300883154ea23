"""Contrôle d'un fichier déposé par son contenu, jamais par son nom seul.

Le type est reconnu par les premiers octets, puis `socle.inspection` regarde dedans (contenu
actif, polyglottes, macros, liens externes, bombes de décompression : docs/televersements.md).
"""

import io
from collections.abc import Collection
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from socle import inspection

# Type reconnu par les premiers octets → extensions acceptées pour ce type.
TYPES_ACCEPTES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
}
LIBELLE_TYPES = "PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX"


def verifier_fichier(fichier: UploadedFile, *, types_acceptes: Collection[str] | None = None) -> str:
    """Renvoie le type MIME reconnu, ou lève `ValidationError` avec un message en français.

    `types_acceptes` : les types permis pour ce dépôt-là (la convention signée : un PDF),
    parmi `TYPES_ACCEPTES` ; tous par défaut."""
    taille = fichier.size or 0
    if taille == 0:
        raise ValidationError(_("Le fichier est vide."), code="vide")
    if taille > settings.DOCUMENTS_TAILLE_MAX:
        raise ValidationError(
            _("Le fichier pèse %(taille)s ; la taille maximale est de %(max)s.")
            % {
                "taille": filesizeformat(taille),
                "max": filesizeformat(settings.DOCUMENTS_TAILLE_MAX),
            },
            code="trop_gros",
        )
    fichier.seek(0)
    contenu = fichier.read()
    fichier.seek(0)
    reconnu = filetype.guess(contenu[:8192])
    type_mime = reconnu.mime if reconnu else ""
    if type_mime not in TYPES_ACCEPTES:
        raise ValidationError(
            _("Ce type de fichier n'est pas accepté. Formats acceptés : %(types)s.")
            % {"types": LIBELLE_TYPES},
            code="type",
        )
    if types_acceptes is not None and type_mime not in types_acceptes:
        raise ValidationError(
            _("Ici, seuls les fichiers %(types)s sont acceptés ; ce fichier est un %(type)s.")
            % {"types": ", ".join(_libelle(t) for t in types_acceptes), "type": _libelle(type_mime)},
            code="type",
        )
    extension = PurePath(fichier.name or "").suffix.lower()
    if extension not in TYPES_ACCEPTES[type_mime]:
        raise ValidationError(
            _(
                "Le contenu du fichier ne correspond pas à son extension « %(extension)s » : "
                "c'est un fichier %(attendu)s."
            )
            % {
                "extension": extension or _("aucune"),
                "attendu": _libelle(type_mime),
            },
            code="extension",
        )
    inspection.verifier_eicar(contenu)
    match type_mime:
        case "application/pdf":
            _verifier_pdf(contenu)
        case "image/png":
            inspection.verifier_png(contenu)
        case "image/jpeg":
            inspection.verifier_jpeg(contenu)
        case _:
            inspection.verifier_archive_bureautique(contenu, type_mime)
    return type_mime


def _libelle(type_mime: str) -> str:
    return TYPES_ACCEPTES[type_mime][0].lstrip(".").upper()


def _verifier_pdf(contenu: bytes) -> None:
    # Import local : pypdf ne se charge qu'au premier PDF déposé (voir socle/inspection.py).
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    inspection.verifier_pdf_brut(contenu)
    try:
        lecteur = PdfReader(io.BytesIO(contenu), strict=False)
        if lecteur.is_encrypted:
            raise ValidationError(
                _("Le PDF est protégé par un mot de passe : déposez une version sans protection."),
                code="pdf_chiffre",
            )
        if len(lecteur.pages) == 0:
            raise ValidationError(_("Le PDF ne contient aucune page."), code="pdf_vide")
        inspection.verifier_pdf_structure(lecteur)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as erreur:
        raise ValidationError(
            _("Le fichier PDF est illisible ou endommagé : il ne s'ouvre pas."), code="pdf_illisible"
        ) from erreur
