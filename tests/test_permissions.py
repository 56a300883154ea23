"""La matrice des droits : (persona, URL, méthode) → statut attendu.

Une ligne par page du portail ; toute nouvelle page y entre avec sa règle.
"""

import pytest

from comptes.jetons import invitation_jeton
from socle.services import document_deposer
from tests.comptes.factories import InvitationFactory
from tests.conftest import PERSONAS, client_connecte, personas
from tests.outils import donnees_du_module
from tests.socle import fichiers

A, P, M, C, S, G, SU = (
    PERSONAS  # anonyme, professionnel, membre, co-président, secrétariat, agent, superutilisateur
)
TOUS = dict.fromkeys(PERSONAS, 200)
CONNECTES = {A: 302} | dict.fromkeys(PERSONAS[1:], 200)
PERSONNEL = {A: 302, P: 403, M: 403, C: 403, S: 200, G: 200, SU: 200}
ADMIN = {A: 302, P: 302, M: 302, C: 302, S: 200, G: 200, SU: 200}

MATRICE = [
    ("get", "/", TOUS),
    ("get", "/accessibilite/", TOUS),
    ("get", "/mentions-legales/", TOUS),
    ("get", "/donnees-personnelles/", TOUS),
    ("get", "/plan-du-site/", TOUS),
    ("get", "/comptes/login/", {A: 200} | dict.fromkeys(PERSONAS[1:], 302)),
    ("get", "/comptes/signup/", {A: 200} | dict.fromkeys(PERSONAS[1:], 302)),
    ("get", "/comptes/2fa/", CONNECTES),
    ("get", "/notifications/", CONNECTES),
    ("post", "/notifications/", {A: 302} | dict.fromkeys(PERSONAS[1:], 405)),
    ("post", "/notifications/tout-lire/", dict.fromkeys(PERSONAS, 302)),
    ("get", "/notifications/tout-lire/", {A: 302} | dict.fromkeys(PERSONAS[1:], 405)),
    ("get", "/mon-compte/", CONNECTES),
    ("get", "/mon-compte/preferences/", CONNECTES),
    ("get", "/mon-compte/mes-donnees/", CONNECTES),
    ("post", "/mon-compte/mes-donnees/", CONNECTES),
    ("get", "/mon-compte/invitations/", PERSONNEL),
    ("get", "/mon-compte/invitations/nouvelle/", PERSONNEL),
    (
        "get",
        "/mon-compte/invitations/{invitation}/",
        {A: 302, P: 404, M: 404, C: 404, S: 200, G: 200, SU: 200},
    ),
    (
        "post",
        "/mon-compte/invitations/{invitation}/revoquer/",
        {A: 302, P: 404, M: 404, C: 404, S: 302, G: 302, SU: 302},
    ),
    (
        "post",
        "/mon-compte/invitations/{invitation}/renvoyer/",
        {A: 302, P: 404, M: 404, C: 404, S: 302, G: 302, SU: 302},
    ),
    (
        "get",
        "/mon-compte/invitations/{invitation}/revoquer/",
        {A: 302, P: 405, M: 405, C: 405, S: 405, G: 405, SU: 405},
    ),
    ("get", "/invitation/{jeton}/", TOUS),
    ("get", "/documents/{document}/", {A: 302, P: 200, M: 404, C: 404, S: 200, G: 200, SU: 200}),
    # Les offres d'emploi publiques (les pages des recruteurs : tests/recrutement/test_permissions.py).
    ("get", "/offres/", TOUS),
    ("get", "/offres/carte/", TOUS),
    ("get", "/offres/flux.atom", TOUS),
    ("get", "/offres/remplacements.ics", TOUS),
    ("get", "/offres/alertes/", TOUS),
    ("get", "/recrutement/mon-espace/acces/", TOUS),
    # Sans fiche de candidat, l'espace mène à la demande de son lien.
    ("get", "/recrutement/mon-espace/", dict.fromkeys(PERSONAS, 302)),
    ("get", "/recrutement/mes-offres/", {A: 302} | dict.fromkeys(PERSONAS[1:], 404)),
    ("get", "/recrutement/moderation/", {A: 302, P: 404, M: 404, C: 404, S: 404, G: 200, SU: 200}),
    # Le suivi du recrutement par l'agglomération : chiffres et demandes d'aide, aux agents seuls.
    ("get", "/recrutement/tableau-de-bord/", {A: 302, P: 404, M: 404, C: 404, S: 404, G: 200, SU: 200}),
    ("get", "/recrutement/demandes-d-aide/", {A: 302, P: 404, M: 404, C: 404, S: 404, G: 200, SU: 200}),
    # Le renouvellement au vivier : par le lien signé du courriel seulement (404 sans lui).
    ("get", "/recrutement/vivier/faux/", dict.fromkeys(PERSONAS, 404)),
    # Les rencontres (les pages d'une rencontre et de ses organisateurs : tests/rencontres/).
    ("get", "/rencontres/", TOUS),
    ("get", "/rencontres/attestations/verifier/", TOUS),
    ("get", "/rencontres/agenda/faux.ics", dict.fromkeys(PERSONAS, 404)),
    ("get", "/rencontres/soutien/", CONNECTES),
    ("get", "/rencontres/organisation/", {A: 302, P: 404, M: 404, C: 404, S: 404, G: 200, SU: 200}),
    ("get", "/rencontres/organisation/nouvelle/", {A: 302, P: 404, M: 404, C: 404, S: 404, G: 200, SU: 200}),
    ("get", "/rencontres/attractivite/", {A: 302, P: 404, M: 404, C: 404, S: 404, G: 200, SU: 200}),
    ("get", "/admin/", ADMIN),
    ("get", "/admin/login/", {A: 302, P: 403, M: 403, C: 403, S: 302, G: 302, SU: 302}),
    ("get", "/admin/comptes/utilisateur/", ADMIN),
    ("get", "/admin/comptes/invitation/", ADMIN),
    ("get", "/admin/socle/evenement/", ADMIN),
    ("get", "/admin/socle/document/", ADMIN),
    ("get", "/admin/auth/group/", ADMIN | {S: 403}),
    ("get", "/admin/socle/notification/", ADMIN | {S: 403}),
]


@donnees_du_module
def monde() -> tuple[dict, dict]:
    """Les comptes, une invitation et un document, écrits une fois pour tout le module."""
    comptes = personas()
    invitation = InvitationFactory(invite_par=comptes[G])
    document = document_deposer(fichier=fichiers.fichier("note.pdf", fichiers.pdf()), acteur=comptes[P])
    cles = {"invitation": invitation.pk, "jeton": invitation_jeton(invitation), "document": document.pk}
    return comptes, cles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("methode", "modele", "attendus"), MATRICE, ids=[f"{m} {u}" for m, u, _ in MATRICE])
def test_matrice_des_droits(monde, persona, methode, modele, attendus):
    comptes, cles = monde
    reponse = getattr(client_connecte(comptes.get(persona)), methode)(modele.format(**cles))
    assert reponse.status_code == attendus[persona]
