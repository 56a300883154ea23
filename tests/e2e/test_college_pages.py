"""Les pages du Collège que les parcours ne visitent pas passent axe-core sans aucune
violation (RGAA) : élection en préparation (candidature, procuration, intérêt), scrutin clos
et son résultat, urne scellée, texte soumis, formulaire de modification du secrétariat,
discussion créée depuis un sujet."""

import pytest

from college import services
from college.models import TypeScrutin
from comptes.roles import Role
from tests.college.factories import ScrutinFactory, TexteFactory, membres_votants
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory
from tests.e2e.conftest import connecter

pytestmark = pytest.mark.django_db(transaction=True)


def _donnees() -> dict[str, object]:
    secretariat = UtilisateurFactory(
        email="secretariat@exemple.fr", roles=(Role.SECRETARIAT,), is_staff=True, totp=True
    )
    college = CollegeFactory()
    membre, autre, *_reste = membres_votants(college, 4)
    texte = TexteFactory(instance=college, titre="Charte d'engagement des membres du Collège")
    election = ScrutinFactory(
        instance=college, type_scrutin=TypeScrutin.ELECTION, titre="Élection du représentant"
    )
    services.candidature_declarer(
        scrutin=election, personne=autre, acteur=autre, presentation="Infirmière libérale."
    )
    ouverte = ScrutinFactory(instance=college, titre="Adoption de la charte", objet=texte)
    services.scrutin_ouvrir(scrutin=ouverte, acteur=secretariat)
    close = ScrutinFactory(
        instance=college, type_scrutin=TypeScrutin.AVIS, titre="Avis sur le projet de santé"
    )
    services.scrutin_ouvrir(scrutin=close, acteur=secretariat)
    services.bulletin_deposer(scrutin=close, votant=membre, choix="favorable", motivation="Projet attendu.")
    services.bulletin_deposer(scrutin=close, votant=autre, choix="reserve")
    services.scrutin_clore(scrutin=close, acteur=secretariat, motif="Tous les électeurs ont voté")
    return {
        "membre": membre,
        "secretariat": secretariat,
        "texte": texte.pk,
        "election": election.pk,
        "ouverte": ouverte.pk,
        "close": close.pk,
    }


PAGES = [
    ("membre", "/college/scrutins/"),
    ("membre", "/college/scrutins/{election}/"),
    ("membre", "/college/scrutins/{ouverte}/"),
    ("membre", "/college/scrutins/{ouverte}/urne/"),
    ("membre", "/college/scrutins/{close}/"),
    ("membre", "/college/scrutins/{close}/urne/"),
    ("membre", "/college/textes/{texte}/"),
    ("membre", "/college/discussions/nouvelle/?objet=college.texte:{texte}"),
    ("secretariat", "/college/scrutins/{election}/"),
    ("secretariat", "/college/scrutins/{election}/modifier/"),
    ("secretariat", "/college/scrutins/{ouverte}/"),
    ("secretariat", "/college/scrutins/{close}/"),
]


@pytest.mark.parametrize(("persona", "modele"), PAGES, ids=[f"{p} {u}" for p, u in PAGES])
def test_page_du_college_sans_violation(onglet, persona, modele):
    donnees = _donnees()
    connecter(onglet, donnees[persona])
    onglet.aller(modele.format(**donnees))
    onglet.verifier_accessibilite()
