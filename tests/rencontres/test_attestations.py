"""L'attestation de présence : seulement pour qui a été pointé, un vrai PDF/A relu, et son code
vérifiable par tous."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from rencontres import services
from rencontres.jetons import jeton_de
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db


def test_pas_d_attestation_sans_presence(client):
    inscription = inscrire(rencontre())
    assert (
        client.get(reverse("rencontres:attestation", kwargs={"jeton": jeton_de(inscription)})).status_code
        == 404
    )
    page = client.get(reverse("rencontres:verifier"), {"code": inscription.code}).content.decode()
    assert "Aucune attestation" in page


def test_attestation_relue_et_verifiee(client):
    r = rencontre(titre="Formation à la télésanté — pôle de Valognes")
    inscription = inscrire(r, nom="Martin", prenom="Léa")
    services.pointer(rencontre=r, code=inscription.code, acteur=None)
    reponse = client.get(reverse("rencontres:attestation", kwargs={"jeton": jeton_de(inscription)}))
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
    lecteur = PdfReader(io.BytesIO(reponse.content))
    texte = " ".join(page.extract_text() for page in lecteur.pages)
    assert "Léa Martin" in texte and "Formation à la télésanté" in texte and inscription.code in texte
    assert lecteur.xmp_metadata is not None and lecteur.xmp_metadata.pdfaid_part == "3"
    page = client.get(reverse("rencontres:verifier"), {"code": inscription.code.lower()}).content.decode()
    assert "Attestation authentique" in page and "Léa Martin" in page.replace("\xa0", " ")
    assert (
        "Aucune attestation"
        in client.get(reverse("rencontres:verifier"), {"code": "ABCDEFGHJK"}).content.decode()
    )
