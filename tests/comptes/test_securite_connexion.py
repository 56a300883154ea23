import pytest
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt

from comptes.roles import Role, mfa_requise
from tests.comptes.factories import MOT_DE_PASSE, UtilisateurFactory
from tests.conftest import code_totp

pytestmark = pytest.mark.django_db


def _connexion(client, email, mot_de_passe=MOT_DE_PASSE):
    return client.post("/comptes/login/", {"login": email, "password": mot_de_passe})


@pytest.mark.parametrize(
    ("persona", "requise"),
    [
        ("professionnel", False),
        ("membre_college", False),
        ("copresident", True),
        ("secretariat", True),
        ("agent", True),
        ("superutilisateur", True),
    ],
)
def test_mfa_requise_pour_le_personnel_et_les_officiers(request, persona, requise):
    assert mfa_requise(request.getfixturevalue(persona)) is requise


def test_connexion_avec_totp_en_deux_etapes(client, agent):
    etape1 = _connexion(client, agent.email)
    assert etape1["Location"] == "/comptes/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    faux = client.post("/comptes/2fa/authenticate/", {"code": "000000"})
    assert faux.status_code == 200
    assert "Code incorrect." in faux.content.decode()
    etape2 = client.post("/comptes/2fa/authenticate/", {"code": code_totp()})
    assert etape2["Location"] == "/"
    assert client.session["_auth_user_id"] == str(agent.pk)


def test_agent_sans_double_authentification_est_conduit_a_l_activer(client):
    agent = UtilisateurFactory(roles=(Role.AGENT,), is_staff=True)
    _connexion(client, agent.email)
    for chemin in ["/", "/admin/", "/mon-compte/", "/notifications/"]:
        reponse = client.get(chemin)
        assert reponse.status_code == 302, chemin
        assert reponse["Location"] == "/comptes/2fa/"
    page = client.get("/comptes/2fa/", follow=True)
    assert "Votre rôle exige la double authentification" in page.content.decode()
    # L'activation reste ouverte (après confirmation du mot de passe, exigée par allauth).
    activation = client.get("/comptes/2fa/totp/activate/")
    assert activation["Location"] == "/comptes/reauthenticate/?next=%2Fcomptes%2F2fa%2Ftotp%2Factivate%2F"
    confirmation = client.post(activation["Location"], {"password": MOT_DE_PASSE})
    assert confirmation["Location"] == "/comptes/2fa/totp/activate/"
    assert client.get("/comptes/2fa/totp/activate/").status_code == 200
    graine = client.session["mfa.totp.secret"]
    activee = client.post("/comptes/2fa/totp/activate/", {"code": code_totp(graine)})
    assert activee.status_code == 302
    assert Authenticator.objects.filter(user=agent, type=Authenticator.Type.TOTP).exists()
    assert client.get("/").status_code == 200


def test_copresident_sans_totp_aussi(client):
    copresident = UtilisateurFactory(roles=(Role.COPRESIDENT,))
    _connexion(client, copresident.email)
    assert client.get("/")["Location"] == "/comptes/2fa/"


def test_membre_du_college_n_y_est_pas_oblige(client, membre_college):
    _connexion(client, membre_college.email)
    assert client.get("/").status_code == 200


def test_administration_passe_par_la_connexion_du_portail(client, agent):
    reponse = client.get("/admin/")
    assert reponse["Location"] == "/admin/login/?next=/admin/"
    connexion = client.get("/admin/login/?next=/admin/")
    assert connexion["Location"].startswith("/comptes/login/?next=")
    _connexion(client, agent.email)
    client.post("/comptes/2fa/authenticate/", {"code": code_totp()})
    assert client.get("/admin/").status_code == 200


def test_non_personnel_refuse_dans_l_administration(client, professionnel):
    _connexion(client, professionnel.email)
    assert client.get("/admin/login/").status_code == 403


def test_verrouillage_apres_cinq_echecs_meme_avec_le_bon_mot_de_passe(client, professionnel):
    for _ in range(5):
        reponse = _connexion(client, professionnel.email, "mauvais-mot-de-passe")
    assert reponse.status_code == 429
    contenu = reponse.content.decode()
    assert "Connexion temporairement bloquée" in contenu
    assert "Réinitialiser mon mot de passe" in contenu
    assert AccessAttempt.objects.filter(username=professionnel.email).exists()
    # Le bon mot de passe ne passe plus : allauth (limite par compte) puis axes refusent.
    bloque = _connexion(client, professionnel.email).content.decode()
    assert "Trop de tentatives de connexion échouées" in bloque or "temporairement bloquée" in bloque
    assert "_auth_user_id" not in client.session


def test_le_verrouillage_vise_le_couple_compte_adresse_ip(client, professionnel, membre_college):
    for _ in range(5):
        _connexion(client, professionnel.email, "mauvais-mot-de-passe")
    # Un autre compte depuis la même adresse n'est pas bloqué par les échecs du premier.
    assert _connexion(client, membre_college.email)["Location"] == "/"


def test_les_codes_de_secours_ne_sont_pas_exposes(agent):
    assert Authenticator.objects.filter(user=agent, type=Authenticator.Type.TOTP).exists()


def test_x_forwarded_for_ignore_sans_mandataire(client, professionnel, settings):
    """Sans nginx devant, un client ne change pas d'adresse en inventant l'en-tête."""
    for numero in range(5):
        client.post(
            "/comptes/login/",
            {"login": professionnel.email, "password": "mauvais"},
            headers={"X-Forwarded-For": f"198.51.100.{numero}"},
        )
    assert AccessAttempt.objects.filter(username=professionnel.email).count() == 1
    assert AccessAttempt.objects.get(username=professionnel.email).ip_address == "127.0.0.1"


@pytest.mark.parametrize(
    "url",
    ["/comptes/login/", "/comptes/signup/", "/comptes/password/reset/", "/comptes/password/reset/done/"],
)
def test_un_seul_vocabulaire_adresse_electronique_et_courriel(client, url):
    """Le portail dit « adresse électronique » et « courriel », allauth « adresse e-mail » et
    « e-mail » : le catalogue du projet réécrit ses textes (manage.py pluriels)."""
    import re

    reponse = client.get(url)
    assert reponse.status_code == 200
    visible = re.sub(r"<[^>]+>", " ", reponse.content.decode())
    assert "e-mail" not in visible.lower()


def test_le_vocabulaire_du_portail():
    from socle.management.commands.pluriels import au_vocabulaire

    assert au_vocabulaire("Indiquez votre adresse e-mail et nous vous enverrons un e-mail.") == (
        "Indiquez votre adresse électronique et nous vous enverrons un courriel."
    )
    assert au_vocabulaire("Changer d'e-mail ; l'e-mail ; Adresses e-mail ; E-mail") == (
        "Changer de courriel ; le courriel ; Adresses électroniques ; Courriel"
    )
