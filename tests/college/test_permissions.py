"""La matrice des droits du Collège : (persona, URL, méthode) → statut attendu.

Aux personas du portail s'ajoutent ceux d'un scrutin : `hors_corps`, membre suppléant du
Collège (il siège, mais ne vote pas), et `mandataire`, électeur qui détient la procuration
d'un autre. Le membre du Collège est électeur ; le professionnel n'a aucun mandat ; le
co-président voit tout sans rien préparer.
"""

import pytest

from college import services
from college.models import TypeScrutin
from conseil.models import RoleMandat
from tests.college.factories import DiscussionFactory, ScrutinFactory, TexteFactory, membres_votants
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import PERSONAS, client_connecte, personas
from tests.conseil.factories import CollegeFactory, MandatFactory
from tests.outils import donnees_du_module

A, P, M, C, S, G, SU = PERSONAS
HC, MD = "hors_corps", "mandataire"
TOUS = [*PERSONAS, HC, MD]
MEMBRES = (M, HC, MD)
PERSONNEL = (S, G, SU)


def regle(
    anonyme: int, professionnel: int, membres: int, copresident: int, personnel: int, **exceptions: int
) -> dict:
    attendus = {A: anonyme, P: professionnel, C: copresident}
    attendus |= dict.fromkeys(MEMBRES, membres) | dict.fromkeys(PERSONNEL, personnel)
    return attendus | exceptions


# L'espace du Conseil : qui siège quelque part, les co-présidents et le personnel.
ESPACE = regle(302, 403, 200, 200, 200)
# Un objet du Collège : invisible (404) pour qui n'y siège pas.
VISIBLE = regle(302, 404, 200, 200, 200)
# Le travail du secrétariat sur un scrutin visible.
GESTION = regle(302, 404, 403, 403, 200)
CREER = regle(302, 403, 403, 403, 200)
POST_SEULEMENT = regle(302, 405, 405, 405, 405)
ADMIN = regle(302, 302, 302, 302, 200)

MATRICE = [
    ("get", "/college/scrutins/", ESPACE),
    ("get", "/college/scrutins/{ouvert}/", VISIBLE),
    ("get", "/college/scrutins/{preparation}/", VISIBLE),
    ("get", "/college/scrutins/{clos}/", VISIBLE),
    ("get", "/college/scrutins/987654/", regle(302, 404, 404, 404, 404)),
    ("get", "/college/scrutins/{ouvert}/voter/", POST_SEULEMENT),
    # Voter sans rien choisir : la page revient avec l'erreur (200) pour un électeur ; un
    # membre hors du corps électoral et le personnel, non électeurs, sont refusés sur la page.
    ("post", "/college/scrutins/{ouvert}/voter/", VISIBLE),
    # Voter pour son mandant : seul le mandataire le peut ; les autres reçoivent le refus.
    ("post", "/college/scrutins/{ouvert}/voter/?pour=1", VISIBLE),
    # Se porter candidat (électeurs : accepté, retour à la page ; le suppléant ne vote pas,
    # sa candidature revient refusée sur la page).
    # Effacer son reçu de secours : retour à la page du scrutin pour qui le voit.
    ("get", "/college/scrutins/{ouvert}/recu/oublier/", POST_SEULEMENT),
    ("post", "/college/scrutins/{ouvert}/recu/oublier/", regle(302, 404, 302, 302, 302)),
    ("post", "/college/scrutins/{preparation}/candidature/", VISIBLE | {M: 302, MD: 302}),
    ("post", "/college/scrutins/{preparation}/procuration/", VISIBLE),
    ("post", "/college/scrutins/{ouvert}/interet/", VISIBLE),
    # L'urne : scellée jusqu'à la clôture pour tout le monde, publiée ensuite.
    ("get", "/college/scrutins/{ouvert}/urne/", VISIBLE),
    ("get", "/college/scrutins/{clos}/urne/", VISIBLE),
    ("get", "/college/scrutins/{clos}/urne/?recu=AAAA-BBBB-CCCC", VISIBLE),
    ("get", "/college/scrutins/{clos}/resultat.csv", VISIBLE),
    ("get", "/college/scrutins/{clos}/resultat.pdf", VISIBLE),
    ("get", "/college/scrutins/{ouvert}/resultat.csv", regle(302, 404, 404, 404, 404)),
    ("get", "/college/scrutins/{ouvert}/resultat.pdf", regle(302, 404, 404, 404, 404)),
    # Le secrétariat.
    ("get", "/college/scrutins/nouveau/", CREER),
    ("post", "/college/scrutins/nouveau/", CREER),
    ("get", "/college/scrutins/{preparation}/modifier/", GESTION),
    # Les actions du secrétariat reviennent à la page du scrutin avec leur message (ici des
    # refus : déjà ouvert, motif manquant).
    ("post", "/college/scrutins/{ouvert}/ouvrir/", GESTION | dict.fromkeys(PERSONNEL, 302)),
    ("post", "/college/scrutins/{ouvert}/clore/", GESTION | dict.fromkeys(PERSONNEL, 302)),
    ("post", "/college/scrutins/{preparation}/annuler/", GESTION | dict.fromkeys(PERSONNEL, 302)),
    ("get", "/college/scrutins/{ouvert}/participation/", GESTION),
    ("get", "/college/textes/{texte}/", VISIBLE),
    # Les discussions.
    ("get", "/college/discussions/", ESPACE),
    ("get", "/college/discussions/nouvelle/", ESPACE),
    ("get", "/college/discussions/{discussion}/", VISIBLE),
    ("post", "/college/discussions/{discussion}/suivre/", regle(302, 404, 302, 302, 302)),
    ("get", "/college/commentaires/{commentaire}/historique/", VISIBLE),
    # Seul l'auteur (le membre du Collège) modifie son commentaire.
    (
        "get",
        "/college/commentaires/{commentaire}/modifier/",
        regle(302, 404, 403, 403, 403, membre_college=200),
    ),
    ("post", "/college/commentaires/{commentaire}/masquer/", GESTION | dict.fromkeys(PERSONNEL, 302)),
    # L'administration ; l'urne n'y est pas.
    ("get", "/admin/college/scrutin/", ADMIN),
    ("get", "/admin/college/scrutin/{ouvert}/change/", ADMIN),
    ("get", "/admin/college/scrutin/add/", regle(302, 302, 302, 302, 403)),
    ("get", "/admin/college/declarationinteret/", ADMIN),
    ("get", "/admin/college/emargement/", ADMIN),
    ("get", "/admin/college/bulletin/", regle(302, 302, 302, 302, 404)),
]


@donnees_du_module
def monde() -> tuple[dict, dict]:
    """Les comptes, scrutins et discussions de la matrice, écrits une fois pour tout le module."""
    comptes = personas()
    college = CollegeFactory()
    secretariat, membre = comptes[S], comptes[M]
    comptes[HC] = MandatFactory(instance=college, role=RoleMandat.SUPPLEANT, siege=1).personne
    mandataire = comptes[MD] = MandatFactory(instance=college, role=RoleMandat.TITULAIRE, siege=2).personne
    MandatFactory(instance=college, personne=membre, role=RoleMandat.TITULAIRE, siege=3)
    mandant = UtilisateurFactory()
    MandatFactory(instance=college, personne=mandant, role=RoleMandat.TITULAIRE, siege=4)
    membres_votants(college, 2)

    ouvert = ScrutinFactory(instance=college)
    services.procuration_vote_donner(scrutin=ouvert, mandant=mandant, mandataire=mandataire, acteur=mandant)
    services.scrutin_ouvrir(scrutin=ouvert, acteur=secretariat)
    preparation = ScrutinFactory(instance=college, type_scrutin=TypeScrutin.ELECTION)
    clos = ScrutinFactory(instance=college)
    services.scrutin_ouvrir(scrutin=clos, acteur=secretariat)
    services.bulletin_deposer(scrutin=clos, votant=membre, choix="pour")
    services.scrutin_clore(scrutin=clos, acteur=secretariat, motif="Séance levée")
    discussion = DiscussionFactory(instance=college)
    commentaire = services.commentaire_publier(discussion=discussion, auteur=membre, texte="Bonjour")
    cles = {
        "ouvert": ouvert.pk,
        "preparation": preparation.pk,
        "clos": clos.pk,
        "texte": TexteFactory(instance=college).pk,
        "discussion": discussion.pk,
        "commentaire": commentaire.pk,
        "mandant": mandant.pk,
    }
    return comptes, cles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", TOUS)
@pytest.mark.parametrize(("methode", "modele", "attendus"), MATRICE, ids=[f"{m} {u}" for m, u, _ in MATRICE])
def test_matrice_des_droits_du_college(monde, persona, methode, modele, attendus):
    comptes, cles = monde
    url = modele.format(**cles).replace("?pour=1", "")
    donnees = {"pour": str(cles["mandant"])} if "?pour=1" in modele else {}

    client = client_connecte(comptes.get(persona))
    reponse = getattr(client, methode)(url, donnees) if methode == "post" else getattr(client, methode)(url)
    assert reponse.status_code == attendus[persona]
    if reponse.status_code == 302 and persona == A:
        assert reponse["Location"].startswith(("/comptes/login/", "/admin/login/"))
