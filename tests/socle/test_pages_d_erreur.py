import io
import re

import pytest
from django.core import mail
from django.db import connection
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


IDENTIFIANT = re.compile(r"<code>([0-9a-f]{16})</code>")


@pytest.fixture
def exploitants(settings):
    settings.ADMINS = ["exploitation@exemple.fr"]
    mail.outbox = []


def test_base_injoignable_503_en_francais_et_les_exploitants_prevenus(django_db_blocker, exploitants):
    """PostgreSQL ne répond pas (un vrai port fermé) : 503, une page qui le dit, la référence
    de la requête sur la page, dans l'en-tête, dans le journal et le courriel aux ADMINS."""
    from tests.outils import port_ferme

    client = Client(raise_request_exception=False)
    with django_db_blocker.unblock():
        connection.close()
        port = connection.settings_dict["PORT"]
        connection.settings_dict["PORT"] = str(port_ferme())
        try:
            reponse = client.get("/bilans/")
        finally:
            connection.close()
            connection.settings_dict["PORT"] = port
    assert reponse.status_code == 503
    assert reponse["Retry-After"] == "60"
    page = reponse.content.decode()
    assert "Le portail est momentanément indisponible" in page
    assert "Réessayez dans une minute" in page
    [identifiant] = IDENTIFIANT.findall(page)
    assert reponse["X-Request-ID"] == identifiant
    [courriel] = mail.outbox
    assert courriel.to == ["exploitation@exemple.fr"]
    assert "/bilans/" in courriel.subject
    assert f"[{identifiant}]" in courriel.body
    assert "OperationalError" in courriel.body


@pytest.mark.django_db
@pytest.mark.urls("tests.socle.urls_erreurs")
def test_erreur_du_code_500_avec_sa_reference(exploitants):
    reponse = Client(raise_request_exception=False).get("/essai/boum/")
    assert reponse.status_code == 500
    page = reponse.content.decode()
    assert "Le portail a rencontré une erreur" in page
    [identifiant] = IDENTIFIANT.findall(page)
    assert reponse["X-Request-ID"] == identifiant
    [courriel] = mail.outbox
    assert f"[{identifiant}]" in courriel.body and "RuntimeError" in courriel.body


@pytest.mark.django_db
def test_l_identifiant_du_mandataire_est_repris_s_il_est_sage(client):
    assert client.get("/", HTTP_X_REQUEST_ID="nginx-1234abcd")["X-Request-ID"] == "nginx-1234abcd"
    for douteux in ["court", "a b c d e f g h", "x" * 65, "<script>alert(1)</script>"]:
        repris = client.get("/", HTTP_X_REQUEST_ID=douteux)["X-Request-ID"]
        assert repris != douteux and re.fullmatch(r"[0-9a-f]{16}", repris)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("methode", "adresse", "donnees"),
    [
        ("get", "/conseil/calendrier/abc%00def.ics", {}),
        ("get", "/bilans/", {"annee": "\x00"}),
        ("get", "/bilans/", {"cle\x00": "1"}),
        ("post", "/comptes/login/", {"login": "x\x00@exemple.fr", "password": "y"}),
    ],
)
def test_un_octet_nul_repond_400_en_francais(methode, adresse, donnees):
    """PostgreSQL refuse un octet nul dans un texte : la requête est refusée avant d'y aller."""
    reponse = getattr(Client(raise_request_exception=False), methode)(adresse, donnees)
    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert "Le portail ne peut pas lire cette demande" in page
    [identifiant] = IDENTIFIANT.findall(page)
    assert reponse["X-Request-ID"] == identifiant


@pytest.mark.django_db
def test_un_fichier_depose_peut_contenir_un_octet_nul():
    """Seuls les champs texte sont contrôlés : un fichier (PDF…) porte souvent des octets nuls."""
    fichier = io.BytesIO(b"%PDF-1.4\x00\x00")
    fichier.name = "piece.pdf"
    reponse = Client().post("/comptes/login/", {"login": "x@exemple.fr", "password": "y", "piece": fichier})
    assert reponse.status_code == 200


@pytest.mark.django_db
@pytest.mark.urls("tests.socle.urls_erreurs")
def test_une_valeur_que_la_base_refuse_repond_400(exploitants):
    """Le filet : une DataError (valeur hors limites qu'aucun contrôle n'a arrêtée) n'est pas
    une panne du portail ; les exploitants sont prévenus, l'usager lit une page 400."""
    reponse = Client(raise_request_exception=False).get("/essai/illisible/")
    assert reponse.status_code == 400
    assert "Le portail ne peut pas lire cette demande" in reponse.content.decode()
    [courriel] = mail.outbox
    assert "DataError" in courriel.body
