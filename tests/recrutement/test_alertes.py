"""Les alertes aux nouvelles offres : confirmées par le lien reçu (d'emblée pour un compte à sa
propre adresse), supprimées sans connexion, et une offre publiée envoyée une fois à chaque
alerte qui la demande (même profession ; pôle vide, ou celui d'un lieu de l'offre)."""

import re

import pytest
from django.core import mail

from recrutement import services
from recrutement.models import Alerte, EnvoiAlerte, StatutOffre
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import client_connecte
from tests.recrutement import factories as f
from tests.territoire.factories import CommuneFactory, PoleFactory, ProfessionFactory

pytestmark = pytest.mark.django_db

EMAIL = "alerte@exemple.fr"


@pytest.fixture
def g() -> f.Gcs:
    return f.gcs_et_recruteurs()


def lien(courriel: mail.EmailMessage, motif: str) -> str:
    trouve = re.search(rf"http://testserver({motif}\S*)", str(courriel.body))
    assert trouve, courriel.body
    return trouve.group(1)


def test_une_visiteuse_confirme_par_le_lien_puis_se_desabonne(client, django_capture_on_commit_callbacks):
    medecin = ProfessionFactory()
    assert "Recevoir les nouvelles offres par courriel" in client.get("/offres/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post("/offres/alertes/", {"email": EMAIL, "profession": medecin.pk})
    assert "Confirmez votre alerte" in reponse.content.decode()
    alerte = Alerte.objects.get()
    assert alerte.confirmee_le is None
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    confirmer = lien(mail.outbox[0], "/offres/alertes/")
    assert confirmer == f"/offres/alertes/{alerte.cle}/confirmer/"
    # Ouvrir le lien ne confirme rien (un antivirus l'ouvre aussi) : le bouton, si.
    assert "Confirmer mon alerte" in client.get(confirmer).content.decode()
    alerte.refresh_from_db()
    assert alerte.confirmee_le is None
    client.post(confirmer)
    assert Alerte.objects.filter(pk=alerte.pk, confirmee_le__isnull=False).exists()
    supprimer = f"/offres/alertes/{alerte.cle}/supprimer/"
    assert "Supprimer mon alerte" in client.get(supprimer).content.decode()
    assert Alerte.objects.exists()
    assert "Alerte supprimée" in client.post(supprimer).content.decode()
    assert not Alerte.objects.exists()
    assert client.get(supprimer).status_code == 404


def test_un_compte_a_sa_propre_adresse_est_confirme_d_emblee(django_capture_on_commit_callbacks):
    compte = UtilisateurFactory(email="ines@exemple.fr")
    client = client_connecte(compte)
    assert 'value="ines@exemple.fr"' in client.get("/offres/alertes/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            "/offres/alertes/", {"email": "INES@exemple.fr", "profession": ProfessionFactory().pk}
        )
    assert "Votre alerte est active" in reponse.content.decode()
    assert Alerte.objects.get().confirmee_le is not None
    assert mail.outbox == []


def test_redemander_la_meme_alerte_ne_la_double_pas(django_capture_on_commit_callbacks):
    medecin = ProfessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        premiere = services.alerte_creer(email=EMAIL, profession=medecin, pole=None)
        seconde = services.alerte_creer(email=EMAIL.upper(), profession=medecin, pole=None)
    assert premiere.pk == seconde.pk
    assert len(mail.outbox) == 2  # le lien est renvoyé, l'alerte n'est pas doublée


def alerte_confirmee(profession, pole=None, email=EMAIL) -> Alerte:
    alerte = services.alerte_creer(email=email, profession=profession, pole=pole)
    return services.alerte_confirmer(alerte=alerte)


@pytest.mark.parametrize(
    ("cas", "recue"),
    [
        ("tout le Cotentin", True),
        ("pôle de l'employeur", True),
        ("pôle d'une commune de l'offre", True),
        ("autre pôle", False),
        ("autre profession", False),
        ("pas confirmée", False),
    ],
)
def test_une_offre_publiee_va_aux_alertes_qui_la_demandent(g, django_capture_on_commit_callbacks, cas, recue):
    medecin = ProfessionFactory()
    la_hague = CommuneFactory(code_insee="50200", nom="Vauville", pole=PoleFactory(nom="La Hague"))
    alerte = {
        "tout le Cotentin": lambda: alerte_confirmee(medecin),
        "pôle de l'employeur": lambda: alerte_confirmee(medecin, g.chpc.commune.pole),
        "pôle d'une commune de l'offre": lambda: alerte_confirmee(medecin, la_hague.pole),
        "autre pôle": lambda: alerte_confirmee(medecin, PoleFactory(nom="Val de Saire")),
        "autre profession": lambda: alerte_confirmee(ProfessionFactory(code="60", libelle="Infirmier")),
        "pas confirmée": lambda: services.alerte_creer(email=EMAIL, profession=medecin, pole=None),
    }[cas]()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        offre = f.offre(g, StatutOffre.PUBLIEE, profession=medecin, communes=[la_hague])
    courriels = [m for m in mail.outbox if m.to == [EMAIL]]
    assert len(courriels) == (1 if recue else 0)
    assert EnvoiAlerte.objects.filter(alerte=alerte, offre=offre).exists() is recue
    if recue:
        assert offre.titre in courriels[0].subject
        assert f"/offres/alertes/{alerte.cle}/supprimer/" in str(courriels[0].body)
        # Rejouée, la tâche n'envoie rien de plus.
        assert services.offre_envoyer_aux_alertes(offre_id=offre.pk) == 0
        assert len([m for m in mail.outbox if m.to == [EMAIL]]) == 1


def test_une_offre_close_ne_part_pas(g):
    medecin = ProfessionFactory()
    alerte_confirmee(medecin)
    offre = f.offre(g, StatutOffre.POURVUE, profession=medecin)
    assert services.offre_envoyer_aux_alertes(offre_id=offre.pk) == 0
    assert not EnvoiAlerte.objects.exists()


def test_effacer_ses_donnees_supprime_ses_alertes(g):
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE), email=EMAIL)
    alerte_confirmee(ProfessionFactory())
    services.candidat_anonymiser(candidat=c.candidat, motif=services.Motif.DEMANDE)
    assert not Alerte.objects.exists()


def test_une_cle_inconnue_repond_404(client):
    assert client.get("/offres/alertes/inconnue/confirmer/").status_code == 404
    assert client.post("/offres/alertes/inconnue/supprimer/").status_code == 404
