"""La matrice des droits des financements : (persona, URL, méthode) → statut attendu.

Aux personas du portail s'ajoutent ceux d'une demande : `porteur` (porteur principal) et
`coporteur` (co-porteur qui a confirmé). Le `professionnel` est un autre professionnel : toute
demande d'autrui lui répond 404, comme au membre du Collège tant qu'elle n'est pas soumise à
son avis. L'agglomération (secrétariat, agent, superutilisateur) ne voit pas les brouillons.
"""

import pytest
from django.test import TestCase

from financements import services
from financements.models import NaturePiece
from tests.college.factories import membres_votants
from tests.conftest import PERSONAS, client_connecte, personas
from tests.conseil.factories import CollegeFactory, MandatFactory
from tests.financements import factories as f
from tests.outils import donnees_du_module

A, P, M, C, S, G, SU = PERSONAS
PO, CO = "porteur", "coporteur"
TOUS = [*PERSONAS, PO, CO]
PERSONNEL = (S, G, SU)


def regle(
    anonyme: int, autres: int, porteurs: int, college: int, personnel: int, **exceptions: int
) -> dict[str, int]:
    """`autres` : le professionnel sans lien avec la demande ; `college` : membre et co-président."""
    attendus = {A: anonyme, P: autres, M: college, C: college}
    attendus |= dict.fromkeys((PO, CO), porteurs) | dict.fromkeys(PERSONNEL, personnel)
    return attendus | exceptions


CONNECTES = regle(302, 200, 200, 200, 200)
AGGLOMERATION = regle(302, 404, 404, 404, 200)
BROUILLON = regle(302, 404, 200, 404, 404)
DEMANDE = regle(302, 404, 200, 404, 200)
# Soumise à l'avis du Collège : ses membres la lisent ; les porteurs de la matrice n'en sont pas.
AVIS = regle(302, 404, 404, 200, 200)
# Les actions de l'agglomération : 404 à qui n'instruit pas ; formulaire vide → la page revient
# avec l'erreur (200).
INSTRUIRE = regle(302, 404, 404, 404, 200)
POST_SEULEMENT = regle(302, 405, 405, 405, 405)
ADMIN = regle(302, 302, 302, 302, 200)

MATRICE = [
    ("get", "/financements/mes-demandes/", CONNECTES),
    ("get", "/financements/demandes/nouvelle/", CONNECTES),
    ("get", "/financements/demandes/", AGGLOMERATION),
    ("get", "/financements/demandes/export.csv", AGGLOMERATION),
    ("get", "/financements/demandes/export.xlsx", AGGLOMERATION),
    ("get", "/financements/demandes/987654/", regle(302, 404, 404, 404, 404)),
    # Le brouillon : ses porteurs seulement.
    ("get", "/financements/demandes/{brouillon}/", BROUILLON),
    ("get", "/financements/demandes/{brouillon}/brouillon/", BROUILLON),
    ("get", "/financements/demandes/{brouillon}/equipe/chercher/?q=ma", BROUILLON),
    ("post", "/financements/demandes/{brouillon}/brouillon/enregistrer/", BROUILLON),
    # Sans professionnel choisi : retour au brouillon avec le message.
    ("post", "/financements/demandes/{brouillon}/equipe/ajouter/", regle(302, 404, 302, 404, 404)),
    ("post", "/financements/demandes/{brouillon}/pieces/", BROUILLON),
    ("post", "/financements/demandes/{brouillon}/co-porteurs/inviter/", BROUILLON),
    ("get", "/financements/demandes/{brouillon}/deposer/", POST_SEULEMENT | {P: 405}),
    # Déposée et instruite : porteurs et agglomération.
    ("get", "/financements/demandes/{instruite}/", DEMANDE),
    ("post", "/financements/demandes/{instruite}/messages/", DEMANDE),
    ("post", "/financements/demandes/{instruite}/retirer/", regle(302, 404, 302, 404, 404)),
    ("post", "/financements/demandes/{instruite}/instructeur/", INSTRUIRE),
    ("post", "/financements/demandes/{instruite}/complements/demander/", INSTRUIRE),
    ("post", "/financements/demandes/{instruite}/avis/", INSTRUIRE),
    ("post", "/financements/demandes/{instruite}/classer/", INSTRUIRE),
    ("post", "/financements/demandes/{instruite}/notes/", INSTRUIRE),
    # Soumise à l'avis : le Collège lit la demande et les pièces utiles à l'avis, jamais le RIB.
    ("get", "/financements/demandes/{avis}/", AVIS),
    ("post", "/financements/demandes/{avis}/messages/", regle(302, 404, 404, 404, 200)),
    ("post", "/financements/demandes/{avis}/decision/", INSTRUIRE),
    ("get", "/documents/{projet_de_sante}/", regle(302, 404, 404, 200, 200)),
    ("get", "/documents/{rib}/", regle(302, 404, 404, 404, 200)),
    ("get", "/documents/{recepisse}/", DEMANDE),
    # L'administration.
    ("get", "/admin/financements/demandefinancement/", ADMIN),
    ("get", "/admin/financements/modelecourrier/", ADMIN),
    ("get", "/admin/territoire/besointerritoire/", ADMIN),
]


@donnees_du_module
def monde() -> tuple[dict, dict]:
    """Les comptes et les demandes de la matrice, écrits une fois pour tout le module."""
    comptes = personas()
    college = CollegeFactory()
    for personne in (comptes[M], comptes[C]):
        MandatFactory(instance=college, personne=personne)
    membres_votants(college, 2)

    porteur = comptes[PO] = f.porteur_liberal(email="porteur@exemple.fr")
    coporteur = comptes[CO] = f.porteur_liberal(email="coporteur@exemple.fr")

    def avec_coporteur(demande):
        invitation = services.coporteur_inviter(demande=demande, acteur=porteur, email=coporteur.email)
        services.coporteur_repondre(coporteur=invitation, acteur=coporteur, accepte=True)
        return demande

    agent = comptes[G]
    brouillon = avec_coporteur(f.brouillon(porteur))
    instruite = avec_coporteur(f.brouillon_complet(porteur, intitule="Pôle de santé de Valognes"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        instruite = services.demande_deposer(demande=instruite, acteur=porteur, version=instruite.version)
    instruite = services.instructeur_designer(
        demande=instruite, acteur=agent, instructeur=agent, version=instruite.version
    )
    instruite.refresh_from_db()
    avis = f.soumise_a_l_avis(agent, intitule="Centre de santé de la Hague")
    pieces = {p.nature: p.document_id for p in avis.pieces.all()}
    cles = {
        "brouillon": brouillon.pk,
        "instruite": instruite.pk,
        "avis": avis.pk,
        "projet_de_sante": pieces[NaturePiece.PROJET_SANTE],
        "rib": pieces[NaturePiece.RIB],
        "recepisse": instruite.recepisse_id,
    }
    return comptes, cles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", TOUS)
@pytest.mark.parametrize(("methode", "modele", "attendus"), MATRICE, ids=[f"{m} {u}" for m, u, _ in MATRICE])
def test_matrice_des_droits_des_financements(monde, persona, methode, modele, attendus):
    comptes, cles = monde
    client = client_connecte(comptes.get(persona))
    reponse = getattr(client, methode)(modele.format(**cles))
    assert reponse.status_code == attendus[persona]
    if reponse.status_code == 302 and persona == A:
        assert reponse["Location"].startswith(("/comptes/login/", "/admin/login/"))
