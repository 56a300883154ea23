"""Contrôle d'un fichier déposé par son contenu, jamais par son nom seul."""

from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

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


def verifier_fichier(fichier: UploadedFile) -> str:
    """Renvoie le type MIME reconnu, ou lève `ValidationError` avec un message en français."""
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
    entete = fichier.read(8192)
    fichier.seek(0)
    reconnu = filetype.guess(entete)
    type_mime = reconnu.mime if reconnu else ""
    if type_mime not in TYPES_ACCEPTES:
        raise ValidationError(
            _("Ce type de fichier n'est pas accepté. Formats acceptés : %(types)s.")
            % {"types": LIBELLE_TYPES},
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
                "attendu": TYPES_ACCEPTES[type_mime][0].lstrip(".").upper(),
            },
            code="extension",
        )
    if type_mime == "application/pdf":
        _verifier_pdf(fichier)
    return type_mime


def _verifier_pdf(fichier: UploadedFile) -> None:
    try:
        lecteur = PdfReader(fichier, strict=False)
        if lecteur.is_encrypted:
            raise ValidationError(
                _("Le PDF est protégé par un mot de passe : déposez une version sans protection."),
                code="pdf_chiffre",
            )
        if len(lecteur.pages) == 0:
            raise ValidationError(_("Le PDF ne contient aucune page."), code="pdf_vide")
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as erreur:
        raise ValidationError(
            _("Le fichier PDF est illisible ou endommagé : il ne s'ouvre pas."), code="pdf_illisible"
        ) from erreur
    finally:
        fichier.seek(0)
