"""Les pages des recruteurs : la saisie refusée revient avec son message en français, sans rien
perdre de ce qui a été tapé ; soumettre, publier, refuser depuis les boutons."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comptes.donnees import donnees_de
from recrutement import services
from recrutement.models import Offre, StatutOffre
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import client_connecte
from tests.recrutement import factories as f
from tests.territoire.factories import ProfessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def g() -> f.Gcs:
    return f.gcs_et_recruteurs()


def formulaire(g: f.Gcs, **champs) -> dict:
    donnees = {
        "titre": "Pédiatre — temps plein",
        "employeur": g.chpc.pk,
        "profession": ProfessionFactory().pk,
        "type_contrat": "salarie",
        "quotite": "100",
        "date_limite": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "structures": [g.chpc.pk],
        "remuneration_periode": "mois",
        "description": "Service de pédiatrie, douze lits.",
        "parts-TOTAL_FORMS": "3",
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "3",
    }
    donnees.update(champs)
    return donnees


REFUS = [
    (
        "date passée",
        {"date_limite": (timezone.localdate() - timedelta(days=2)).isoformat()},
        "La date limite de candidature est déjà passée.",
    ),
    (
        "parts qui ne font pas le temps",
        {
            "type_contrat": "mixte",
            "parts-0-employeur": "chpc",
            "parts-0-mode": "salarie",
            "parts-0-quotite": "50",
            "parts-1-employeur": "msp",
            "parts-1-mode": "liberal",
            "parts-1-quotite": "30",
        },
        "Les parts font 80 % en tout ; elles doivent faire le temps de travail de l&#x27;offre (100 %).",
    ),
    ("une autre structure", {"employeur": "pcc"}, "Vous ne recrutez pas pour « Polyclinique du Cotentin »"),
]


@pytest.mark.parametrize(("cas", "champs", "message"), REFUS, ids=[r[0] for r in REFUS])
def test_une_saisie_refusee_revient_avec_son_message_et_sa_saisie(g, cas, champs, message):
    champs = {cle: str(getattr(g, v).pk) if v in ("chpc", "msp", "pcc") else v for cle, v in champs.items()}
    reponse = client_connecte(g.recruteur_chpc).post("/recrutement/offres/nouvelle/", formulaire(g, **champs))
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert message in page
    assert 'value="Pédiatre — temps plein"' in page
    assert "Service de pédiatrie, douze lits." in page
    assert not Offre.objects.exists()


def test_le_recruteur_cree_soumet_et_le_moderateur_publie(g):
    recruteur = client_connecte(g.recruteur_chpc)
    reponse = recruteur.post(
        "/recrutement/offres/nouvelle/",
        formulaire(
            g,
            type_contrat="mixte",
            **{
                "parts-0-employeur": str(g.chpc.pk),
                "parts-0-mode": "salarie",
                "parts-0-quotite": "50",
                "parts-1-employeur": str(g.msp.pk),
                "parts-1-mode": "liberal",
                "parts-1-quotite": "50",
            },
        ),
    )
    offre = Offre.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == f"/recrutement/offres/{offre.pk}/"
    assert offre.parts.count() == 2
    assert "Soumettre à la modération" in recruteur.get(reponse["Location"]).content.decode()
    recruteur.post(f"/recrutement/offres/{offre.pk}/soumise/")
    moderateur = client_connecte(g.moderateur)
    assert offre.titre in moderateur.get("/recrutement/moderation/").content.decode()
    reponse = moderateur.post(f"/recrutement/offres/{offre.pk}/brouillon/", {"motif": ""}, follow=True)
    assert "Indiquez le motif de cette action." in reponse.content.decode()
    moderateur.post(f"/recrutement/offres/{offre.pk}/publiee/")
    offre.refresh_from_db()
    assert offre.statut == StatutOffre.PUBLIEE
    assert offre.titre in client_connecte(None).get("/offres/").content.decode()


def test_modifier_un_brouillon_reprend_ce_qui_est_enregistre(g):
    offre = f.offre(g, **{"type_contrat": "mixte", "parts": f.saisie_mixte(g).parts})
    page = client_connecte(g.recruteur_chpc).get(f"/recrutement/offres/{offre.pk}/modifier/").content.decode()
    assert 'value="Médecin urgentiste"' in page
    assert 'name="parts-0-quotite" value="50"' in page


@pytest.mark.parametrize(
    "url", ["/recrutement/mes-offres/", "/recrutement/offres/nouvelle/", "/recrutement/offres/{offre}/"]
)
def test_l_espace_des_recruteurs_exige_la_double_authentification(g, url):
    offre = f.offre(g)
    sans_mfa = UtilisateurFactory(email="recrutement2@chpc.exemple.fr")
    services.recruteur_ajouter(structure=g.chpc, compte=sans_mfa, acteur=None)
    reponse = client_connecte(sans_mfa).get(url.format(offre=offre.pk), follow=True)
    assert reponse.redirect_chain[-1][0] == "/comptes/2fa/"
    assert "L&#x27;espace des recruteurs exige la double authentification." in reponse.content.decode()
    # Le public, lui, lit toujours les offres sans compte.
    assert client_connecte(sans_mfa).get("/offres/").status_code == 200


def test_la_page_de_gestion_montre_la_chronologie(g):
    offre = f.offre(g, StatutOffre.SOUMISE)
    page = client_connecte(g.moderateur).get(f"/recrutement/offres/{offre.pk}/").content.decode()
    assert "Chronologie" in page
    assert "Offre soumise à la modération" in page and "Offre créée" in page


def test_mes_donnees_disent_les_rattachements_et_les_offres_creees(g):
    f.offre(g)
    donnees = donnees_de(g.recruteur_chpc)["recrutement"]
    assert donnees["recruteur_pour"][0]["structure"] == "CH public du Cotentin"
    assert donnees["offres_creees"] == [
        {"titre": "Médecin urgentiste", "employeur": "CH public du Cotentin", "etat": "Brouillon"}
    ]
