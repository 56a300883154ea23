"""Les pages en texte partent compressées (gzip) à qui l'accepte ; les fichiers déjà
compressés ou binaires (PDF, images, documents déposés) partent tels quels."""

import gzip

import pytest
from django.urls import reverse

from tests.territoire.test_cartes_indicateurs import cotentin  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_la_carte_publique_pese_bien_moins_compressee(client, cotentin):  # noqa: F811
    brute = client.get(reverse("territoire:carte_offre"))
    compressee = client.get(reverse("territoire:carte_offre"), HTTP_ACCEPT_ENCODING="gzip, br")
    assert "Content-Encoding" not in brute
    assert compressee["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressee["Vary"]
    assert gzip.decompress(compressee.content).decode().count("<path") == brute.content.decode().count(
        "<path"
    )
    # Les 129 communes et leurs contours (131 Ko) : quatre fois moins lourd (32 Ko).
    assert len(compressee.content) * 3.5 < len(brute.content)


def test_un_pdf_part_tel_quel(client):
    from socle.middleware import TYPES_COMPRESSES

    assert "application/pdf" not in TYPES_COMPRESSES
    reponse = client.get(reverse("sante"), HTTP_ACCEPT_ENCODING="gzip")
    # La sonde de santé, courte : Django ne compresse pas sous 200 octets.
    assert "Content-Encoding" not in reponse
