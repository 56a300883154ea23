"""Les pages de l'administration du Collège passent axe-core sans aucune violation (RGAA),
avec des données sur chaque page : listes, scrutin en préparation (modifiable), ouvert et
clos (en lecture seule), ajout d'une déclaration d'intérêt, registres, discussions."""

import pytest

from college import services
from college.models import Commentaire, Discussion, Electeur, ProcurationVote, TypeScrutin
from comptes.roles import Role
from tests.college.factories import ScrutinFactory, TexteFactory, membres_votants
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory
from tests.e2e.conftest import connecter

pytestmark = pytest.mark.django_db(transaction=True)


def _donnees() -> dict[str, object]:
    agent = UtilisateurFactory(
        email="agent@exemple.fr", prenom="Claire", roles=(Role.AGENT,), is_staff=True, totp=True
    )
    college = CollegeFactory()
    membres = membres_votants(college, 4)
    texte = TexteFactory(instance=college, titre="Charte d'engagement des membres du Collège")
    election = ScrutinFactory(
        instance=college, type_scrutin=TypeScrutin.ELECTION, titre="Élection du représentant"
    )
    services.candidature_declarer(
        scrutin=election, personne=membres[0], acteur=agent, presentation="Médecin généraliste."
    )
    ouverte = ScrutinFactory(instance=college, titre="Adoption de la charte", objet=texte)
    interet = services.interet_declarer(
        personne=membres[3], objet=texte, nature="A rédigé la charte", acteur=agent
    )
    services.procuration_vote_donner(scrutin=ouverte, mandant=membres[2], mandataire=membres[1], acteur=agent)
    services.scrutin_ouvrir(scrutin=ouverte, acteur=agent)
    services.bulletin_deposer(scrutin=ouverte, votant=membres[0], choix="pour")
    close = ScrutinFactory(instance=college, titre="Règlement intérieur")
    services.scrutin_ouvrir(scrutin=close, acteur=agent)
    services.bulletin_deposer(scrutin=close, votant=membres[1], choix="contre")
    services.scrutin_clore(scrutin=close, acteur=agent, motif="Tous les électeurs ont voté")
    discussion = Discussion.objects.create(instance=college, titre="Charte : vos remarques", cree_par=agent)
    commentaire = Commentaire.objects.create(discussion=discussion, auteur=membres[0], texte="D'accord.")
    return {
        "agent": agent,
        "texte": texte.pk,
        "election": election.pk,
        "candidature": election.candidatures.get().pk,
        "ouverte": ouverte.pk,
        "close": close.pk,
        "interet": interet.pk,
        "electeur": Electeur.objects.filter(scrutin=ouverte).first().pk,
        "procuration": ProcurationVote.objects.get(scrutin=ouverte).pk,
        "emargement": ouverte.emargements.get().pk,
        "discussion": discussion.pk,
        "commentaire": commentaire.pk,
    }


PAGES = [
    "/admin/college/",
    "/admin/college/texte/",
    "/admin/college/texte/add/",
    "/admin/college/texte/{texte}/change/",
    "/admin/college/scrutin/",
    "/admin/college/scrutin/{election}/change/",
    "/admin/college/scrutin/{ouverte}/change/",
    "/admin/college/scrutin/{close}/change/",
    "/admin/college/candidature/",
    "/admin/college/declarationinteret/",
    "/admin/college/declarationinteret/add/",
    "/admin/college/declarationinteret/{interet}/change/",
    "/admin/college/electeur/",
    "/admin/college/procurationvote/",
    "/admin/college/emargement/",
    "/admin/college/discussion/",
    "/admin/college/discussion/{discussion}/change/",
    "/admin/college/commentaire/",
    "/admin/college/commentaire/{commentaire}/change/",
]


@pytest.mark.parametrize("modele", PAGES)
def test_page_de_l_administration_du_college_sans_violation(onglet, modele):
    donnees = _donnees()
    connecter(onglet, donnees["agent"])
    onglet.aller(modele.format(**donnees))
    onglet.verifier_accessibilite()


def test_une_preparation_refusee_reste_accessible(onglet):
    """Le formulaire d'un scrutin en préparation, renvoyé avec une erreur, passe axe."""
    donnees = _donnees()
    connecter(onglet, donnees["agent"])
    page = onglet.aller(f"/admin/college/scrutin/{donnees['election']}/change/")
    page.locator("#id_sieges").fill("0")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()
    assert page.get_by_text("Au moins un siège est à pourvoir.").is_visible()
    onglet.verifier_accessibilite()
