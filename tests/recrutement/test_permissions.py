"""La matrice des droits du recrutement : (persona, URL, méthode) → statut attendu.

Personas : le public, le recruteur du CHPC, celui de la Polyclinique (qui ne touche pas aux
offres du CHPC : 404, comme pour une offre qui n'existe pas), le modérateur du GCS et un agent
de l'agglomération (qui modère sans recruter)."""

import pytest

from recrutement.models import Offre, StatutOffre
from tests.conftest import client_connecte
from tests.outils import donnees_du_module
from tests.recrutement import factories as f

A, CH, PC, MO, AG = "anonyme", "recruteur_chpc", "recruteur_pcc", "moderateur", "agent"
PERSONAS = [A, CH, PC, MO, AG]


def regle(anonyme: int, chpc: int, pcc: int, moderateur: int, agent: int) -> dict[str, int]:
    return {A: anonyme, CH: chpc, PC: pcc, MO: moderateur, AG: agent}


PUBLIC = regle(200, 200, 200, 200, 200)
RECRUTEURS = regle(302, 200, 200, 200, 404)  # le modérateur du GCS est recruteur du GCS
MODERATION = regle(302, 404, 404, 200, 200)
BROUILLON_CHPC = regle(302, 200, 404, 404, 404)
SOUMISE_CHPC = regle(302, 200, 404, 200, 200)
# Une action refusée par le workflow revient sur la page avec son message (302).
POST_SOUMISE = regle(302, 302, 404, 302, 302)
ADMIN = regle(302, 302, 302, 302, 200)
# Le suivi de l'agglomération : ni les recruteurs ni les modérateurs du GCS.
AGGLOMERATION = regle(302, 404, 404, 404, 200)

MATRICE = [
    ("get", "/offres/", PUBLIC),
    ("get", "/offres/?type_contrat=mixte&page=1", PUBLIC),
    ("get", "/offres/carte/", PUBLIC),
    ("get", "/offres/flux.atom", PUBLIC),
    ("get", "/offres/remplacements.ics", PUBLIC),
    ("get", "/offres/{publiee}/", PUBLIC),
    ("get", "/offres/{pourvue}/", regle(410, 410, 410, 410, 410)),
    ("get", "/offres/{brouillon}/", regle(404, 404, 404, 404, 404)),
    ("get", "/offres/{soumise}/", regle(404, 404, 404, 404, 404)),
    ("post", "/offres/", regle(405, 405, 405, 405, 405)),
    ("get", "/recrutement/mes-offres/", RECRUTEURS),
    ("get", "/recrutement/offres/nouvelle/", RECRUTEURS),
    ("post", "/recrutement/offres/nouvelle/", RECRUTEURS),  # formulaire vide : la page revient
    ("get", "/recrutement/offres/987654/", regle(302, 404, 404, 404, 404)),
    ("get", "/recrutement/offres/{brouillon}/", BROUILLON_CHPC),
    ("get", "/recrutement/offres/{brouillon}/modifier/", BROUILLON_CHPC),
    ("post", "/recrutement/offres/{brouillon}/modifier/", BROUILLON_CHPC),
    ("post", "/recrutement/offres/{brouillon}/soumise/", regle(302, 302, 404, 404, 404)),
    ("get", "/recrutement/offres/{brouillon}/soumise/", regle(302, 405, 405, 405, 405)),
    ("get", "/recrutement/offres/{soumise}/", SOUMISE_CHPC),
    ("get", "/recrutement/offres/{soumise}/modifier/", regle(302, 404, 404, 404, 404)),
    ("post", "/recrutement/offres/{soumise}/publiee/", POST_SOUMISE),
    ("post", "/recrutement/offres/{soumise}/brouillon/", POST_SOUMISE),
    ("get", "/recrutement/offres/{publiee}/", SOUMISE_CHPC),
    ("post", "/recrutement/offres/{publiee}/confirmer/", regle(302, 302, 404, 302, 302)),
    ("post", "/recrutement/offres/{publiee}/pourvue/", regle(302, 302, 404, 302, 302)),
    ("post", "/recrutement/offres/{publiee}/inconnu/", regle(302, 404, 404, 404, 404)),
    ("get", "/recrutement/moderation/", MODERATION),
    ("get", "/recrutement/tableau-de-bord/", AGGLOMERATION),
    ("get", "/recrutement/tableau-de-bord/sources.csv", AGGLOMERATION),
    ("get", "/recrutement/tableau-de-bord/fuites.xlsx", AGGLOMERATION),
    ("get", "/recrutement/tableau-de-bord/inconnu.csv", regle(302, 404, 404, 404, 404)),
    ("post", "/recrutement/tableau-de-bord/", regle(302, 405, 405, 405, 405)),
    ("get", "/recrutement/demandes-d-aide/", AGGLOMERATION),
    ("get", "/recrutement/demandes-d-aide/?etat=prises", AGGLOMERATION),
    ("post", "/recrutement/demandes-d-aide/{aide}/prise-en-charge/", regle(302, 404, 404, 404, 302)),
    ("get", "/recrutement/demandes-d-aide/{aide}/prise-en-charge/", regle(302, 405, 405, 405, 405)),
    ("post", "/recrutement/demandes-d-aide/987654/prise-en-charge/", regle(302, 404, 404, 404, 404)),
    # Le renouvellement au vivier : un lien signé, sans connexion ; faux, 404 pour tous.
    ("get", "/recrutement/vivier/faux/", regle(404, 404, 404, 404, 404)),
    ("post", "/recrutement/vivier/faux/", regle(404, 404, 404, 404, 404)),
    ("get", "/admin/recrutement/offre/", ADMIN),
    ("get", "/admin/recrutement/offre/{publiee}/change/", ADMIN),
    ("get", "/admin/recrutement/recruteur/", ADMIN),
]


@donnees_du_module
def monde() -> tuple[dict, dict]:
    g = f.gcs_et_recruteurs()
    comptes = {CH: g.recruteur_chpc, PC: g.recruteur_pcc, MO: g.moderateur, AG: g.agent}
    cles = {statut: f.offre(g, statut).pk for statut in ("brouillon", "soumise", "publiee", "pourvue")}
    cles["aide"] = f.candidature(Offre.objects.get(pk=cles["publiee"]), aide_logement=True).pk
    return comptes, cles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("methode", "modele", "attendus"), MATRICE, ids=[f"{m} {u}" for m, u, _ in MATRICE])
def test_matrice_des_droits(monde, persona, methode, modele, attendus):
    comptes, cles = monde
    reponse = getattr(client_connecte(comptes.get(persona)), methode)(modele.format(**cles))
    assert reponse.status_code == attendus[persona]


@pytest.mark.django_db
def test_le_recruteur_de_la_polyclinique_ne_modifie_pas_une_offre_du_chpc(monde):
    comptes, cles = monde
    client = client_connecte(comptes[PC])
    reponse = client.post(f"/recrutement/offres/{cles['brouillon']}/modifier/", {"titre": "Détournée"})
    assert reponse.status_code == 404
    assert Offre.objects.get(pk=cles["brouillon"]).titre == "Médecin urgentiste"
    assert Offre.objects.get(pk=cles["brouillon"]).statut == StatutOffre.BROUILLON
