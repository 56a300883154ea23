import pytest
from django.template.loader import render_to_string
from django.test import Client


def test_la_page_500_se_rend_sans_contexte_ni_base():
    html = render_to_string("500.html")
    assert '<html lang="fr">' in html
    assert "Le portail a rencontré une erreur" in html


@pytest.mark.django_db
def test_page_404_en_francais(client):
    reponse = client.get("/nulle-part/")
    assert reponse.status_code == 404
    assert "Page introuvable" in reponse.content.decode()


@pytest.mark.django_db
def test_page_403_en_francais(client_de):
    reponse = client_de("professionnel").get("/mon-compte/invitations/")
    assert reponse.status_code == 403
    assert "Accès refusé" in reponse.content.decode()


@pytest.mark.django_db
def test_formulaire_sans_jeton_csrf_explique_en_francais():
    client = Client(enforce_csrf_checks=True)
    reponse = client.post("/comptes/login/", {"login": "x@exemple.fr", "password": "y"})
    assert reponse.status_code == 403
    assert "Ce formulaire a expiré" in reponse.content.decode()
