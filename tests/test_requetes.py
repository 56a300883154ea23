"""Nombre de requêtes SQL de chaque page, épinglé, et qui ne grandit pas avec les lignes."""

import pytest

from comptes.jetons import invitation_jeton
from comptes.services import INVITATION_ENVOYEE, INVITATION_RENVOYEE
from socle.services import evenement_enregistrer, notifier
from tests.comptes.factories import InvitationFactory
from tests.outils import VERBE_ESSAI, compter_requetes

pytestmark = pytest.mark.django_db

GABARIT = "comptes/notifications/invitation_acceptee.txt"

# (persona, url) → requêtes. Connecté : session, utilisateur, rôles (groupes, puis mandats
# en cours dans les instances du Conseil), droits
# (utilisateur et groupes, pour le menu) et le compteur de notifications non lues ; le
# personnel ajoute la vérification de sa double authentification. Les rôles de l'agent ne
# servent qu'au menu : l'entrée du bilan dépend de ce qu'il lit les brouillons (co-présidents).
PAGES = [
    ("anonyme", "/", 0),
    ("anonyme", "/accessibilite/", 0),
    ("anonyme", "/mentions-legales/", 0),
    ("anonyme", "/donnees-personnelles/", 0),
    ("anonyme", "/plan-du-site/", 0),
    ("anonyme", "/comptes/login/", 0),
    ("anonyme", "/comptes/signup/", 0),
    ("anonyme", "/comptes/password/reset/", 0),
    # La liste des offres d'emploi, vide : la pagination dans sa transaction (point de
    # sauvegarde, seuil, compte, libération) et les cinq listes des filtres ; avec des offres,
    # tests/recrutement/test_requetes.py. La carte qu'elle charge : offres par commune, contours.
    ("anonyme", "/offres/", 9),
    ("anonyme", "/offres/carte/", 2),
    # L'accueil, première visite de la session : les tâches et les nouveautés de chaque
    # application (socle/a_faire.py, une requête par sorte de tâche, celles d'un rôle qu'on n'a
    # pas en moins), les notifications, la visite retenue et la session réécrite (« depuis ») ;
    # le recrutement lit une fois les rôles de recruteur de chacun, et l'agent, modérateur des
    # offres, les offres soumises (recrutement/a_faire.py) ; l'agent, qui organise les
    # rencontres, leurs inscriptions à valider (rencontres/a_faire.py).
    ("professionnel", "/", 17),
    ("membre_college", "/", 17),
    ("copresident", "/", 26),
    ("secretariat", "/", 27),
    ("professionnel", "/plan-du-site/", 7),
    ("professionnel", "/notifications/", 8),
    ("professionnel", "/mon-compte/", 7),
    ("professionnel", "/mon-compte/preferences/", 7),
    ("professionnel", "/mon-compte/mes-donnees/", 7),
    # Chemin libre de la double authentification : les rôles ne sont lus que pour le menu.
    ("professionnel", "/comptes/2fa/", 9),
    ("professionnel", "/comptes/email/", 9),
    ("professionnel", "/comptes/password/change/", 7),
    # L'agent compte aussi les demandes d'aide à l'installation à traiter (recrutement/a_faire.py).
    ("agent", "/", 33),
    ("agent", "/mon-compte/invitations/", 11),
    ("agent", "/mon-compte/invitations/nouvelle/", 9),
    ("agent", "/mon-compte/invitations/{invitation}/", 12),
    ("agent", "/invitation/{jeton}/", 9),
]


@pytest.mark.parametrize(("persona", "modele", "attendu"), PAGES, ids=[f"{p} {u}" for p, u, _ in PAGES])
def test_requetes_par_page(request, client_de, persona, modele, attendu):
    agent = request.getfixturevalue("agent")
    invitation = InvitationFactory(invite_par=agent)
    url = modele.format(invitation=invitation.pk, jeton=invitation_jeton(invitation))
    assert compter_requetes(client_de(persona), url) == attendu


def _notifications(personne, nombre: int) -> None:
    for i in range(nombre):
        notifier(
            destinataires=[personne], verbe=VERBE_ESSAI, titre=f"n{i}", gabarit=GABARIT, contexte={}, url="/"
        )


@pytest.mark.parametrize("url", ["/", "/notifications/"])
def test_les_notifications_ne_multiplient_pas_les_requetes(client, professionnel, url):
    client.force_login(professionnel)
    _notifications(professionnel, 1)
    client.get(url)  # l'accueil retient dans la session, à la première visite, d'où il part
    une = compter_requetes(client, url)
    _notifications(professionnel, 40)
    assert compter_requetes(client, url) == une


def test_la_liste_des_invitations_ne_grandit_pas(client_de, agent):
    client = client_de("agent")
    InvitationFactory(invite_par=agent)
    une = compter_requetes(client, "/mon-compte/invitations/")
    for _ in range(30):
        InvitationFactory(invite_par=agent).groupes.set([1, 2])
    assert compter_requetes(client, "/mon-compte/invitations/") == une


def test_la_chronologie_ne_grandit_pas(client_de, agent):
    client = client_de("agent")
    invitation = InvitationFactory(invite_par=agent)
    evenement_enregistrer(verbe=INVITATION_ENVOYEE, acteur=agent, cible=invitation)
    url = f"/mon-compte/invitations/{invitation.pk}/"
    une = compter_requetes(client, url)
    for _ in range(25):
        evenement_enregistrer(verbe=INVITATION_RENVOYEE, acteur=agent, cible=invitation)
    assert compter_requetes(client, url) == une


@pytest.mark.parametrize(
    "url", ["/admin/socle/evenement/", "/admin/comptes/invitation/", "/admin/comptes/utilisateur/"]
)
def test_listes_de_l_administration_ne_grandissent_pas(client_de, agent, url):
    client = client_de("agent")
    evenement_enregistrer(verbe=VERBE_ESSAI, acteur=agent, cible=InvitationFactory(invite_par=agent))
    une = compter_requetes(client, url)
    for _ in range(20):
        evenement_enregistrer(verbe=VERBE_ESSAI, acteur=agent, cible=InvitationFactory(invite_par=agent))
    assert compter_requetes(client, url) == une
