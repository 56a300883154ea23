"""Fichiers d'essai fabriqués à la volée, aux vrais formats."""

import io
import zipfile
from pathlib import Path

from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image
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
    tampon = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 90, 160, 255)).save(tampon, "PNG")
    return tampon.getvalue()


def jpeg() -> bytes:
    tampon = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 90, 160)).save(tampon, "JPEG")
    return tampon.getvalue()


TYPES_OOXML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    "{surcharges}</Types>"
)
RELATIONS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{relations}</Relationships>"
)
DOCUMENT_WORD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{texte}</w:t></w:r></w:p></w:body></w:document>"
)


def relation(rid: str, genre: str, cible: str, externe: bool = False) -> str:
    mode = ' TargetMode="External"' if externe else ""
    return (
        f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{genre}" Target="{cible}"{mode}/>'
    )


def docx(
    texte: str = "Budget prévisionnel",
    *,
    entrees: dict[str, bytes | str] | None = None,
    relations_du_document: str = "",
    surcharges: str = "",
) -> bytes:
    """Un DOCX minimal valide (Word l'ouvre) ; `entrees` ajoute ou remplace des entrées."""
    contenu: dict[str, bytes | str] = {
        "[Content_Types].xml": TYPES_OOXML.format(
            surcharges='<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' + surcharges
        ),
        "_rels/.rels": RELATIONS.format(relations=relation("rId1", "officeDocument", "word/document.xml")),
        "word/document.xml": DOCUMENT_WORD.format(texte=texte),
        "word/_rels/document.xml.rels": RELATIONS.format(relations=relations_du_document),
    }
    contenu.update(entrees or {})
    return archive(contenu)


def xlsx() -> bytes:
    classeur = Workbook()
    feuille = classeur.active
    assert feuille is not None
    feuille.append(["Poste", "Montant"])
    feuille.append(["Matériel", 1200])
    feuille["C2"] = "=B2*2"
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def odf(
    mimetype: str, corps: str, *, entrees: dict[str, bytes | str] | None = None, manifeste: str = ""
) -> bytes:
    """Un document OpenDocument minimal valide : `mimetype` non compressé en premier."""
    contenu: dict[str, bytes | str] = {
        "mimetype": mimetype,
        "content.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
            'xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" office:version="1.3">'
            f"<office:scripts/><office:body>{corps}</office:body></office:document-content>"
        ),
        "META-INF/manifest.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.3">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            f"{manifeste}</manifest:manifest>"
        ),
    }
    contenu.update(entrees or {})
    return archive(contenu)


def odt(corps: str = "<office:text><text:p>Projet de santé</text:p></office:text>", **options) -> bytes:
    return odf("application/vnd.oasis.opendocument.text", corps, **options)


def ods(**options) -> bytes:
    corps = (
        '<office:spreadsheet><table:table table:name="Budget"><table:table-row>'
        "<table:table-cell><text:p>Matériel</text:p></table:table-cell>"
        "</table:table-row></table:table></office:spreadsheet>"
    )
    return odf("application/vnd.oasis.opendocument.spreadsheet", corps, **options)


def archive(entrees: dict[str, bytes | str]) -> bytes:
    """Une archive ZIP aux entrées données, dans l'ordre (`mimetype` n'est pas compressé)."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as fichier_zip:
        for nom, donnees in entrees.items():
            methode = zipfile.ZIP_STORED if nom == "mimetype" else zipfile.ZIP_DEFLATED
            fichier_zip.writestr(nom, donnees, compress_type=methode)
    return tampon.getvalue()


def fichier(nom: str, contenu: bytes, type_annonce: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, contenu, content_type=type_annonce)


def stockes() -> set[Path]:
    """Les fichiers présents dans le stockage des documents (pour vérifier qu'un échec n'en
    laisse aucun derrière lui)."""
    return {p for p in Path(storages["documents"].location).rglob("*") if p.is_file()}
