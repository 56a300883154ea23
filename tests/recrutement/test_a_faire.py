"""Ce que le recrutement met sur l'accueil (recrutement/a_faire.py) : au recruteur, ses offres à
soumettre, à reprendre après un refus, à confirmer avant qu'elles n'expirent ; au modérateur (GCS,
agent), les offres soumises ; rien à qui n'est ni l'un ni l'autre ; autant de requêtes pour six
offres que pour une."""

from datetime import timedelta

import pytest
from django.utils import timezone

from recrutement import services
from recrutement.models import StatutOffre
from recrutement.tasks import DELAI_DE_REPONSE
from socle.a_faire import nouveautes_de, taches_de
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import client_connecte
from tests.outils import compter_requetes
from tests.recrutement import factories as f
from tests.socle.test_accueil import _a_faire, _nouveautes

pytestmark = pytest.mark.django_db


@pytest.fixture
def g():
    return f.gcs_et_recruteurs()


def _titres(utilisateur) -> list[str]:
    return [
        str(t.titre) for t in taches_de(utilisateur, timezone.now()) if str(t.categorie) == "Offres d'emploi"
    ]


def test_le_recruteur_voit_ses_offres_a_soumettre_reprendre_et_confirmer(g):
    f.offre(g, titre="Médecin urgentiste")
    refusee = f.offre(g, StatutOffre.SOUMISE, titre="Pédiatre")
    services.offre_transition(
        offre=refusee, vers=StatutOffre.BROUILLON, acteur=g.moderateur, motif="Précisez la quotité."
    )
    publiee = f.offre(g, StatutOffre.PUBLIEE, titre="Anesthésiste")
    demandee_le = timezone.now() - timedelta(days=3)
    assert services.offre_demander_confirmation(offre_id=publiee.pk, maintenant=demandee_le)
    f.offre(g, StatutOffre.SOUMISE, titre="Sage-femme")  # attend la modération : rien pour lui

    taches = {str(t.titre): t for t in taches_de(g.recruteur_chpc, timezone.now())}
    assert set(_titres(g.recruteur_chpc)) == {
        "Soumettre l'offre à la modération : Médecin urgentiste",
        "Reprendre l'offre refusée : Pédiatre",
        "Dire si le poste est toujours ouvert : Anesthésiste",
    }
    assert str(taches["Reprendre l'offre refusée : Pédiatre"].detail) == (
        "Motif de la modération : Précisez la quotité."
    )
    a_confirmer = taches["Dire si le poste est toujours ouvert : Anesthésiste"]
    assert a_confirmer.echeance == demandee_le + DELAI_DE_REPONSE
    assert a_confirmer.lien == publiee.get_absolute_url()
    # Le recruteur de la Polyclinique ne voit rien des offres du CHPC.
    assert _titres(g.recruteur_pcc) == []


def test_le_moderateur_et_l_agent_voient_les_offres_soumises(g):
    f.offre(g, StatutOffre.SOUMISE, titre="Sage-femme")
    f.offre(g, StatutOffre.SOUMISE, titre="Kinésithérapeute", employeur=g.pcc)
    f.offre(g, titre="Brouillon du CHPC")  # pas encore soumis : pas pour le modérateur
    attendu = ["Modérer l'offre : Sage-femme", "Modérer l'offre : Kinésithérapeute"]
    assert _titres(g.agent) == attendu
    assert _titres(g.moderateur) == attendu
    # Sur la page : le modérateur lit la tâche, avec la date limite de l'offre pour échéance.
    page = _a_faire(client_connecte(g.moderateur))
    assert "Modérer l'offre : Sage-femme Avant le " in page
    assert "Proposée par CH public du Cotentin." in page


def test_rien_pour_qui_n_est_ni_recruteur_ni_moderateur(g):
    f.offre(g, StatutOffre.SOUMISE, titre="Sage-femme")
    assert _titres(UtilisateurFactory()) == []


def test_l_offre_publiee_est_une_nouveaute_pour_ses_recruteurs(g):
    depuis = timezone.now() - timedelta(minutes=1)
    publiee = f.offre(g, StatutOffre.PUBLIEE, titre="Anesthésiste")
    [nouveaute] = [n for n in nouveautes_de(g.recruteur_chpc, depuis, timezone.now()) if n.lien]
    assert (str(nouveaute.titre), nouveaute.lien) == ("Offre publiée : Anesthésiste", publiee.url_publique())
    assert nouveautes_de(g.recruteur_pcc, depuis, timezone.now()) == []
    assert "Offre publiée : Anesthésiste" in _nouveautes(client_connecte(g.recruteur_chpc))


def test_l_accueil_du_recruteur_ne_grandit_pas_avec_ses_offres(g):
    client = client_connecte(g.recruteur_chpc)
    client.get("/")  # la première visite de la session retient « depuis »
    f.offre(g, titre="Brouillon 0")
    f.offre(g, StatutOffre.PUBLIEE, titre="Publiée 0")
    une = compter_requetes(client, "/")
    for numero in range(1, 6):
        f.offre(g, titre=f"Brouillon {numero}")
        f.offre(g, StatutOffre.PUBLIEE, titre=f"Publiée {numero}")
    assert _a_faire(client).count("Soumettre l'offre") == 6
    assert compter_requetes(client, "/") == une


def test_les_candidatures_recues_a_etudier(g):
    offre = f.offre(g, StatutOffre.PUBLIEE)
    c = f.candidature(offre, [g.chpc, g.pcc])
    f.candidature(offre, [g.chpc], email="autre@exemple.fr")
    recruteur_chpc = {str(t.titre): t for t in taches_de(g.recruteur_chpc, timezone.now())}
    tache = recruteur_chpc["2 candidatures reçues à étudier"]
    assert tache.lien == "/recrutement/candidatures/?etape=recue"
    assert "1 candidature reçue à étudier" in {
        str(t.titre) for t in taches_de(g.recruteur_pcc, timezone.now())
    }
    services.candidature_etape_changer(candidature=c, vers="en_etude", acteur=g.recruteur_pcc)
    assert not any("à étudier" in str(t.titre) for t in taches_de(g.recruteur_pcc, timezone.now()))
    assert not any("à étudier" in str(t.titre) for t in taches_de(g.agent, timezone.now()))


def test_l_accueil_du_recruteur_ne_grandit_pas_avec_les_candidatures(g):
    client = client_connecte(g.recruteur_chpc)
    client.get("/")
    offre = f.offre(g, StatutOffre.PUBLIEE)
    f.candidature(offre)
    une = compter_requetes(client, "/")
    for rang in range(6):
        f.candidature(f.offre(g, StatutOffre.PUBLIEE), email=f"c{rang}@exemple.fr")
    assert "7 candidatures reçues à étudier" in _a_faire(client)
    assert compter_requetes(client, "/") == une
