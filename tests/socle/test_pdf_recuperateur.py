"""Le récupérateur d'URL de WeasyPrint (issue 16 §3, défense en profondeur) : il ne lit que les
URI `data:` et les fichiers statiques du portail ; ni réseau ni autre fichier local, même si un
texte d'usager glisse une balise dans une page à imprimer."""

import base64
import io
import socket
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from socle.pdf import pdf_simple, recuperateur


def _images(contenu: bytes) -> int:
    return len(PdfReader(io.BytesIO(contenu)).pages[0].images)


@pytest.fixture
def statiques(settings, tmp_path: Path) -> Path:
    """Un dossier statique de plus, avec une image ; la même image hors des statiques."""
    dossier = tmp_path / "static"
    dossier.mkdir()
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, dossier]
    for chemin in (dossier / "logo.png", tmp_path / "prive.png"):
        Image.new("RGB", (20, 20), (0, 90, 160)).save(chemin)
    return dossier


def test_une_image_des_fichiers_statiques_est_chargee(statiques: Path) -> None:
    contenu = pdf_simple(f'<p>Logo</p><img src="{(statiques / "logo.png").as_uri()}">')
    assert _images(contenu) == 1


def test_une_image_hors_des_fichiers_statiques_n_est_pas_chargee(statiques: Path, caplog) -> None:
    prive = statiques.parent / "prive.png"
    detour = f"file://{statiques}/../prive.png"
    contenu = pdf_simple(f'<img src="{prive.as_uri()}"><img src="{detour}">')
    assert _images(contenu) == 0
    assert "hors des fichiers statiques du portail" in caplog.text


def test_file_etc_passwd_n_est_pas_lu(caplog) -> None:
    with pytest.raises(ValueError, match="hors des fichiers statiques"):
        recuperateur().fetch("file:///etc/passwd")
    contenu = pdf_simple(
        '<link rel="stylesheet" href="file:///etc/passwd"><img src="file:///etc/passwd"><p>Texte</p>'
    )
    assert contenu.startswith(b"%PDF-")
    assert b"root:" not in contenu
    assert caplog.text.count("file:///etc/passwd") >= 2


def test_une_adresse_http_n_est_jamais_contactee(caplog) -> None:
    ecoute = socket.socket()
    ecoute.bind(("127.0.0.1", 0))
    ecoute.listen()
    ecoute.setblocking(False)
    port = ecoute.getsockname()[1]
    try:
        pdf_simple(
            f'<img src="http://127.0.0.1:{port}/pisteur.png">'
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css"><p>Texte</p>'
        )
        with pytest.raises(BlockingIOError):
            ecoute.accept()  # personne n'a frappé
    finally:
        ecoute.close()
    assert f"http://127.0.0.1:{port}/pisteur.png" in caplog.text


def test_les_uri_data_restent_permises() -> None:
    image = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(image, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(image.getvalue()).decode()
    assert _images(pdf_simple(f'<img src="{uri}">')) == 1
