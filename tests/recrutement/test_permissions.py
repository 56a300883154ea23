"""La matrice des droits du recrutement : (persona, URL, méthode) → statut attendu.

Personas : le public, le recruteur du CHPC, celui de la Polyclinique (qui ne touche pas aux
offres du CHPC : 404, comme pour une offre qui n'existe pas), le modérateur du GCS et un agent
de l'agglomération (qui modère sans recruter)."""

import pytest

from recrutement import services
from recrutement.jetons import candidature_jeton, espace_jeton
from recrutement.models import Offre, StatutOffre
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import client_connecte
from tests.outils import donnees_du_module
from tests.recrutement import factories as f
from tests.territoire.factories import ProfessionFactory

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

MATRICE = [
    ("get", "/offres/", PUBLIC),
    ("get", "/offres/?type_contrat=mixte&page=1", PUBLIC),
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
    ("get", "/admin/recrutement/offre/", ADMIN),
    ("get", "/admin/recrutement/offre/{publiee}/change/", ADMIN),
    ("get", "/admin/recrutement/recruteur/", ADMIN),
]


@donnees_du_module
def monde() -> tuple[dict, dict]:
    g = f.gcs_et_recruteurs()
    comptes = {CH: g.recruteur_chpc, PC: g.recruteur_pcc, MO: g.moderateur, AG: g.agent}
    cles = {statut: f.offre(g, statut).pk for statut in ("brouillon", "soumise", "publiee", "pourvue")}
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


# --- Le côté candidat ---------------------------------------------------------------------
#
# Une personne de plus : CA, une candidate avec son compte (candidature confiée au CHPC). Une
# autre candidate (B, visiteuse) a confié la sienne à la Polyclinique : personne d'autre
# qu'elle, par son lien, ne retire son consentement. Sans fiche de candidat, l'espace mène à la
# demande du lien (302).
CA = "candidate"
PERSONAS_CANDIDAT = [*PERSONAS, CA]


def pour_tous(statut: int, **exceptions: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS_CANDIDAT, statut) | exceptions


MATRICE_CANDIDAT = [
    ("get", "/offres/{publiee}/postuler/", pour_tous(200)),
    ("post", "/offres/{publiee}/postuler/", pour_tous(200)),  # saisie vide : la page revient
    ("get", "/offres/{publiee}/postuler/{jeton}/", pour_tous(302, anonyme=200)),
    ("get", "/offres/{publiee}/postuler/altere/", pour_tous(302, anonyme=400)),
    ("get", "/offres/{publiee}/postuler/envoyee/", pour_tous(404, candidate=200)),
    ("get", "/offres/{pourvue}/postuler/", pour_tous(410)),
    ("post", "/offres/{pourvue}/postuler/", pour_tous(410)),
    ("get", "/offres/{pourvue}/postuler/{jeton_pourvue}/", pour_tous(410)),
    ("post", "/offres/{pourvue}/postuler/{jeton_pourvue}/", pour_tous(410)),
    ("get", "/offres/{brouillon}/postuler/", pour_tous(404)),
    ("get", "/recrutement/mon-espace/", pour_tous(302, candidate=200)),
    ("get", "/recrutement/mon-espace/acces/", pour_tous(200)),
    ("post", "/recrutement/mon-espace/acces/", pour_tous(200)),
    ("get", "/recrutement/mon-espace/{jeton_espace_b}x/", pour_tous(400)),
    ("get", "/recrutement/mon-espace/effacer/", pour_tous(302, candidate=200)),
    ("post", "/recrutement/mon-espace/mes-donnees/", pour_tous(302, candidate=200)),
    ("get", "/recrutement/mon-espace/mes-donnees/", pour_tous(405)),
    (
        "post",
        "/recrutement/mon-espace/consentements/{consentement_b}/retirer/",
        pour_tous(302, candidate=404),
    ),
    ("post", "/recrutement/mon-espace/candidatures/{candidature_b}/retirer/", pour_tous(302, candidate=404)),
    ("get", "/recrutement/mon-espace/consentements/{consentement_b}/retirer/", pour_tous(405)),
    ("post", "/recrutement/mon-espace/vivier/quitter/", pour_tous(302)),
    ("get", "/offres/alertes/", pour_tous(200)),
    ("get", "/offres/alertes/{alerte}/confirmer/", pour_tous(200)),
    ("get", "/offres/alertes/{alerte}/supprimer/", pour_tous(200)),
    ("get", "/offres/alertes/inconnue/supprimer/", pour_tous(404)),
    # Le tableau des recruteurs : la candidature de B, confiée à la Polyclinique seulement.
    ("get", "/recrutement/candidatures/{candidature_b}/", pour_tous(404, anonyme=302, recruteur_pcc=200)),
]


@donnees_du_module
def monde_candidat() -> tuple[dict, dict]:
    g = f.gcs_et_recruteurs()
    candidate = UtilisateurFactory(email="candidate@exemple.fr")
    comptes = {CH: g.recruteur_chpc, PC: g.recruteur_pcc, MO: g.moderateur, AG: g.agent, CA: candidate}
    publiee = f.offre(g, "publiee")
    pourvue = f.offre(g, "pourvue")
    f.candidature(publiee, compte=candidate)
    b = f.candidature(publiee, [g.chpc, g.pcc], email="b@exemple.fr")
    services.consentement_retirer(consentement=b.consentements.get(employeur=g.chpc))
    alerte = services.alerte_creer(email="alerte@exemple.fr", profession=ProfessionFactory(), pole=None)
    cles = {
        "publiee": publiee.pk,
        "pourvue": pourvue.pk,
        "brouillon": f.offre(g, "brouillon").pk,
        "jeton": candidature_jeton(publiee.pk, "visiteur@exemple.fr"),
        "jeton_pourvue": candidature_jeton(pourvue.pk, "visiteur@exemple.fr"),
        "jeton_espace_b": espace_jeton(b.candidat),
        "consentement_b": b.consentements.get(employeur=g.pcc).pk,
        "candidature_b": b.pk,
        "alerte": alerte.cle,
    }
    return comptes, cles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS_CANDIDAT)
@pytest.mark.parametrize(
    ("methode", "modele", "attendus"), MATRICE_CANDIDAT, ids=[f"{m} {u}" for m, u, _ in MATRICE_CANDIDAT]
)
def test_matrice_des_droits_du_cote_candidat(monde_candidat, persona, methode, modele, attendus):
    comptes, cles = monde_candidat
    reponse = getattr(client_connecte(comptes.get(persona)), methode)(modele.format(**cles))
    assert reponse.status_code == attendus[persona]
