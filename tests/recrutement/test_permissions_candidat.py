"""La matrice des droits des pages du côté candidat : (persona, URL, méthode) → statut attendu.

Les personas des recruteurs (tests/recrutement/test_permissions.py) et une de plus : CA, une
candidate avec son compte (candidature confiée au CHPC). Une autre candidate (B, visiteuse) a
confié la sienne à la Polyclinique : personne d'autre qu'elle, par son lien, ne retire son
consentement. Sans fiche de candidat, l'espace mène à la demande du lien (302)."""

import pytest

from recrutement import services
from recrutement.jetons import candidature_jeton, espace_jeton
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import client_connecte
from tests.outils import donnees_du_module
from tests.recrutement import factories as f
from tests.recrutement.test_permissions import AG, CH, MO, PC, PERSONAS
from tests.territoire.factories import ProfessionFactory

A = "anonyme"

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
