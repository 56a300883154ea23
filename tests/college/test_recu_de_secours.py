"""Le reçu de secours (college/recu_de_secours.py) : un bulletin déposé dont la page du reçu
n'est pas arrivée redonne son code sur la page du scrutin, un quart d'heure, à ce navigateur
seulement ; la base (table des sessions comprise) ne le garde jamais en clair."""

import base64
import datetime as dt
import html
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from college import recu_de_secours
from college.models import Choix, ProcurationVote
from tests.college.factories import ScrutinFactory, urne_ouverte
from tests.college.test_scrutins_membres import client_pour, clore, ouvrir
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory, MandatFactory

pytestmark = pytest.mark.django_db

RECU = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")


@pytest.fixture
def membres():
    college = CollegeFactory()
    return college, [
        MandatFactory(instance=college, personne=UtilisateurFactory(prenom=p, nom=n)).personne
        for p, n in (("Anne", "Aubert"), ("Bruno", "Bernard"))
    ]


@pytest.fixture
def scrutin(membres, secretariat):
    college, _ = membres
    return ouvrir(ScrutinFactory(instance=college, titre="Charte", secret=True), secretariat)


def url(nom: str, scrutin) -> str:
    return reverse(f"college:{nom}", kwargs={"pk": scrutin.pk})


def page(client: Client, scrutin) -> str:
    return html.unescape(client.get(url("scrutin_detail", scrutin)).content.decode())


def tout_ce_que_la_base_garde_des_sessions() -> str:
    """Les sessions telles qu'un lecteur de la base les lit : décodées (elles sont signées,
    non chiffrées), plus leurs octets bruts."""
    lu = [s.get_decoded() for s in Session.objects.all()]
    with connection.cursor() as curseur:
        curseur.execute("SELECT session_key, session_data, expire_date::text FROM django_session")
        lu.append(curseur.fetchall())
    return repr(lu)


def test_la_page_du_recu_echoue_et_la_page_du_scrutin_redonne_le_code(membres, scrutin, monkeypatch):
    _, (anne, _) = membres
    client = client_pour(anne)
    client.raise_request_exception = False
    client.get(url("scrutin_detail", scrutin))  # la clé est posée avant le vote
    assert recu_de_secours.COOKIE in client.cookies

    def page_qui_echoue(*args, **kwargs):
        raise RuntimeError("le gabarit du reçu ne se compose pas")

    monkeypatch.setattr("college.views.scrutins.render", page_qui_echoue)
    reponse = client.post(url("voter", scrutin), {"choix": Choix.POUR})
    assert reponse.status_code == 500
    monkeypatch.undo()

    [bulletin] = urne_ouverte(scrutin)  # le bulletin est dans l'urne
    contenu = page(client, scrutin)
    assert "Votre code de reçu" in contenu
    assert RECU.findall(contenu) == [bulletin.recu]
    assert "puis plus jamais" in contenu

    # Ni la base (sessions comprises) ni le cookie seul ne le portent en clair.
    assert bulletin.recu not in tout_ce_que_la_base_garde_des_sessions()
    assert bulletin.recu not in client.cookies[recu_de_secours.COOKIE].value
    cle = base64.urlsafe_b64decode(client.cookies[recu_de_secours.COOKIE].value)
    assert cle.hex() not in tout_ce_que_la_base_garde_des_sessions()
    assert base64.b64encode(cle).decode() not in tout_ce_que_la_base_garde_des_sessions()


def test_le_recu_de_secours_n_est_lu_que_par_ce_navigateur(membres, scrutin):
    _, (anne, _) = membres
    client = client_pour(anne)
    client.get(url("scrutin_detail", scrutin))
    recu = RECU.search(html.unescape(client.post(url("voter", scrutin), {"choix": "pour"}).content.decode()))
    assert recu is not None
    assert recu.group() in page(client, scrutin)

    # Même session, clé perdue ou changée (autre navigateur qui aurait volé le cookie de session).
    client.cookies[recu_de_secours.COOKIE] = base64.urlsafe_b64encode(b"x" * 32).decode()
    assert recu.group() not in page(client, scrutin)
    del client.cookies[recu_de_secours.COOKIE]
    assert recu.group() not in page(client, scrutin)


def test_sans_cle_dans_le_navigateur_rien_n_est_garde(membres, scrutin):
    _, (anne, _) = membres
    client = client_pour(anne)  # vote sans avoir ouvert la page (cookies refusés)
    reponse = client.post(url("voter", scrutin), {"choix": "pour"})
    assert "ne sera plus jamais affiché" in html.unescape(reponse.content.decode())
    assert recu_de_secours.CLE_SESSION not in client.session


def test_le_recu_de_secours_s_efface_apres_un_quart_d_heure(membres, scrutin, monkeypatch):
    _, (anne, _) = membres
    client = client_pour(anne)
    client.get(url("scrutin_detail", scrutin))
    reponse = client.post(url("voter", scrutin), {"choix": "contre"})
    recu = RECU.search(html.unescape(reponse.content.decode())).group()
    assert "la page du scrutin le redonnera sur cet appareil jusqu" in html.unescape(reponse.content.decode())
    dans_14_minutes = timezone.now() + dt.timedelta(minutes=14)
    monkeypatch.setattr(timezone, "now", lambda: dans_14_minutes)
    assert recu in page(client, scrutin)
    dans_16_minutes = dans_14_minutes + dt.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: dans_16_minutes)
    assert recu not in page(client, scrutin)
    assert recu_de_secours.CLE_SESSION not in client.session  # oublié


def test_effacer_le_recu_de_secours(membres, scrutin):
    _, (anne, _) = membres
    client = client_pour(anne)
    client.get(url("scrutin_detail", scrutin))
    recu = RECU.search(
        html.unescape(client.post(url("voter", scrutin), {"choix": "pour"}).content.decode())
    ).group()
    reponse = client.post(url("recu_oublier", scrutin), follow=True)
    contenu = html.unescape(reponse.content.decode())
    assert "n'est plus gardé sur cet appareil" in contenu
    assert recu not in contenu
    assert recu_de_secours.CLE_SESSION not in client.session


def test_procuration_deux_recus_de_secours_chacun_nomme(membres, scrutin, secretariat):
    _, (anne, bruno) = membres
    client_pour(bruno).post(url("procuration", scrutin), {"mandataire": anne.pk})
    assert ProcurationVote.objects.get(scrutin=scrutin, mandant=bruno).mandataire == anne
    client = client_pour(anne)
    client.get(url("scrutin_detail", scrutin))
    client.post(url("voter", scrutin), {"choix": "pour"})
    client.post(url("voter", scrutin), {"choix": "contre", "pour": bruno.pk})
    contenu = page(client, scrutin)
    recus = {b.recu for b in urne_ouverte(scrutin)}
    assert set(RECU.findall(contenu)) == recus and len(recus) == 2
    assert "Bulletin de Bruno Bernard (procuration)" in contenu
    # À la clôture, le reçu de secours mène à l'urne publiée, où il se vérifie.
    clore(scrutin, secretariat)
    assert set(RECU.findall(page(client, scrutin))) == recus


def test_la_cle_du_navigateur_est_un_cookie_strict_et_http_only(membres, scrutin):
    _, (anne, _) = membres
    client = client_pour(anne)
    reponse = client.get(url("scrutin_detail", scrutin))
    cookie = reponse.cookies[recu_de_secours.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == reverse("college:scrutin_liste")
    assert len(base64.urlsafe_b64decode(cookie.value)) == 32
    assert "no-store" in reponse["Cache-Control"]
    # Une seconde visite garde la même clé (un reçu déjà chiffré resterait lisible).
    assert recu_de_secours.COOKIE not in client.get(url("scrutin_detail", scrutin)).cookies
