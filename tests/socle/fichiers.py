"""Fichiers d'essai fabriqués à la volée, aux vrais formats."""

import io
import zipfile
from pathlib import Path

from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter


def pdf(pages: int = 1, mot_de_passe: str | None = None) -> bytes:
    ecrivain = PdfWriter()
    for _ in range(pages):
        ecrivain.add_blank_page(width=595, height=842)
    if mot_de_passe:
        ecrivain.encrypt(mot_de_passe)
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    return tampon.getvalue()


def png() -> bytes:
    return bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )


def docx() -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<w:document/>")
    return tampon.getvalue()


def fichier(nom: str, contenu: bytes, type_annonce: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, contenu, content_type=type_annonce)


def stockes() -> set[Path]:
    """Les fichiers présents dans le stockage des documents (pour vérifier qu'un échec n'en
    laisse aucun derrière lui)."""
    return {p for p in Path(storages["documents"].location).rglob("*") if p.is_file()}
