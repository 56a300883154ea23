"""La matrice des droits du bilan annuel : (persona, URL, méthode) → statut attendu.

Les versions publiées (adoptées en séance) sont à tout le monde, sans compte ; les brouillons
(et la page de gestion) au secrétariat, aux co-présidents et au superutilisateur : pour les
autres, ils n'existent pas (404). Les actions sont au secrétariat seul (et au
superutilisateur) : le co-président, qui lit les brouillons, reçoit 403, comme quiconque sur
une version publiée ; les autres, 404 sur un brouillon. Sans compte, les pages de travail et
les actions renvoient vers la connexion.

Les versions sont fabriquées sans WeasyPrint (tests/bilan/factories.py) :
- 2024 : version 1 transmise au Conseil communautaire, version 2 adoptée (publiées),
  version 3 prête, brouillon ;
- 2025 : version 1 échouée, brouillon (une année que le public ne voit pas).
"""

import pytest

from bilan.models import EtatGeneration
from tests.bilan import factories as b
from tests.conftest import PERSONAS, client_connecte, personas
from tests.outils import donnees_du_module

A, P, M, C, S, G, SU = (
    PERSONAS  # anonyme, professionnel, membre, co-président, secrétariat, agent, superutilisateur
)
LECTEURS_DES_BROUILLONS = (C, S, SU)

TOUS = dict.fromkeys(PERSONAS, 200)
PERSONNE = dict.fromkeys(PERSONAS, 404)
# Un brouillon : il n'existe que pour qui lit les brouillons.
BROUILLON = PERSONNE | dict.fromkeys(LECTEURS_DES_BROUILLONS, 200)
# La page de gestion : une page de travail (connexion d'abord), puis la même règle.
GESTION = BROUILLON | {A: 302}
# Une action sur un brouillon : 404 à qui ne le voit pas, 403 au co-président qui le lit ;
# `secretariat` : la réponse au secrétariat et au superutilisateur.


def action_sur_brouillon(secretariat: int) -> dict[str, int]:
    return {A: 302, P: 404, M: 404, C: 403, G: 404, S: secretariat, SU: secretariat}


def action_sur_publiee(secretariat: int) -> dict[str, int]:
    """La version publiée se lit par tous : l'action est interdite (403) à qui n'est pas le
    secrétariat."""
    return {A: 302} | dict.fromkeys((P, M, C, G), 403) | {S: secretariat, SU: secretariat}


POST_SEULEMENT = {A: 302} | dict.fromkeys(PERSONAS[1:], 405)
ADMIN = {A: 302, P: 302, M: 302, C: 302, S: 200, G: 403, SU: 200}
ADMIN_SANS_AJOUT = ADMIN | {S: 403, SU: 403}

V = "/bilans/{annee}/versions/{numero}/"
PUBLIEE = V.format(annee=2024, numero=2)
TRANSMISE = V.format(annee=2024, numero=1)
BROUILLON_PRET = V.format(annee=2024, numero=3)
ECHOUEE = V.format(annee=2025, numero=1)

MATRICE = [
    # Le public : la liste, l'année publiée, ses versions, leur PDF.
    ("get", "/bilans/", {}, TOUS),
    ("head", "/bilans/", {}, TOUS),
    ("post", "/bilans/", {}, POST_SEULEMENT | {A: 405}),
    ("get", "/bilans/2024/", {}, TOUS),
    ("get", PUBLIEE + "avancement/", {}, TOUS),
    ("get", PUBLIEE + "pdf/", {}, TOUS),
    ("get", TRANSMISE + "pdf/", {}, TOUS),
    ("get", "/documents/{document_publie}/", {}, TOUS | {A: 302}),
    # Ce qui n'existe pas.
    ("get", "/bilans/2031/", {}, PERSONNE),
    ("get", V.format(annee=2024, numero=9) + "pdf/", {}, PERSONNE),
    ("get", V.format(annee=2024, numero=9) + "avancement/", {}, PERSONNE),
    # Les brouillons : l'année qui n'a qu'un brouillon, la version, son avancement, son PDF.
    ("get", "/bilans/2025/", {}, BROUILLON),
    ("get", ECHOUEE + "avancement/", {}, BROUILLON),
    ("get", BROUILLON_PRET + "avancement/", {}, BROUILLON),
    ("get", BROUILLON_PRET + "pdf/", {}, BROUILLON),
    ("get", ECHOUEE + "pdf/", {}, PERSONNE),  # pas de PDF
    # Par le lien des documents du socle, la même règle : l'agent, qui lit les autres
    # documents du portail (socle.view_document), ne lit pas un brouillon du bilan.
    ("get", "/documents/{document_brouillon}/", {}, BROUILLON | {A: 302}),
    # La gestion et la demande d'une génération.
    ("get", "/bilans/gestion/", {}, GESTION),
    ("get", "/bilans/generer/", {}, POST_SEULEMENT),
    ("post", "/bilans/generer/", {"annee": "2025"}, action_sur_brouillon(302) | {A: 302}),
    # Sans année choisie : la page revient avec l'erreur (400).
    ("post", "/bilans/generer/", {}, action_sur_brouillon(400) | {C: 400}),
    # Les actions sur une version brouillon ; un formulaire vide revient avec ses erreurs (400).
    ("post", ECHOUEE + "relancer/", {}, action_sur_brouillon(302)),
    ("post", BROUILLON_PRET + "relancer/", {}, action_sur_brouillon(302)),  # refusée : message
    ("post", BROUILLON_PRET + "adopter/", {}, action_sur_brouillon(400)),
    ("get", BROUILLON_PRET + "adopter/", {}, POST_SEULEMENT),
    ("post", BROUILLON_PRET + "transmettre-conseil-communautaire/", {}, action_sur_brouillon(400)),
    # Les actions sur une version publiée.
    ("post", PUBLIEE + "transmettre-conseil-communautaire/", {}, action_sur_publiee(400)),
    ("post", PUBLIEE + "adopter/", {}, action_sur_publiee(400)),
    ("post", TRANSMISE + "transmettre-conseil-developpement/", {}, action_sur_publiee(400)),
    ("get", TRANSMISE + "transmettre-conseil-developpement/", {}, POST_SEULEMENT),
    ("get", TRANSMISE + "relancer/", {}, POST_SEULEMENT),
    # L'administration, en lecture seule.
    ("get", "/admin/bilan/versionbilan/", {}, ADMIN),
    ("get", "/admin/bilan/versionbilan/{brouillon}/change/", {}, ADMIN),
    ("get", "/admin/bilan/versionbilan/add/", {}, ADMIN_SANS_AJOUT),
    ("get", "/admin/bilan/bilanannuel/", {}, ADMIN),
    ("get", "/admin/bilan/bilanannuel/add/", {}, ADMIN_SANS_AJOUT),
]


@donnees_du_module
def monde() -> tuple[dict, dict]:
    """Les comptes et les versions du bilan de la matrice, écrits une fois pour tout le module."""
    comptes = personas()
    seance = b.seance_du_conseil()
    transmise = b.transmise_cc(2024, reunion=seance)
    b.adoptee(2024, reunion=seance)
    brouillon = b.version_prete(2024)
    b.version(2025, etat=EtatGeneration.ECHOUEE)
    cles = {
        "document_publie": transmise.document_id,
        "document_brouillon": brouillon.document_id,
        "brouillon": brouillon.pk,
    }
    return comptes, cles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("methode", "modele", "donnees", "attendus"),
    MATRICE,
    ids=[f"{m} {u}{' ' + '&'.join(d) if d else ''}" for m, u, d, _ in MATRICE],
)
def test_matrice_des_droits_du_bilan(monde, persona, methode, modele, donnees, attendus):
    comptes, cles = monde
    url = modele.format(**cles)
    client = client_connecte(comptes.get(persona))
    reponse = getattr(client, methode)(url, donnees) if methode == "post" else getattr(client, methode)(url)
    assert reponse.status_code == attendus[persona]
    if reponse.status_code == 302 and persona == A:
        # Vers la connexion du portail, ou celle de l'administration.
        assert reponse["Location"].startswith(("/comptes/login/", "/admin/login/"))
