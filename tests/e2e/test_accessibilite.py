"""Chaque page atteignable du portail passe axe-core sans aucune violation (RGAA)."""

import pytest

from comptes.jetons import invitation_jeton
from comptes.roles import Role
from comptes.services import INVITATION_ENVOYEE
from socle.services import evenement_enregistrer, notifier
from tests.comptes.factories import InvitationFactory, UtilisateurFactory
from tests.e2e.conftest import connecter
from tests.outils import VERBE_ESSAI

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    ("anonyme", "/", 200),
    ("anonyme", "/accessibilite/", 200),
    ("anonyme", "/mentions-legales/", 200),
    ("anonyme", "/donnees-personnelles/", 200),
    ("anonyme", "/plan-du-site/", 200),
    ("anonyme", "/comptes/login/", 200),
    ("anonyme", "/comptes/signup/", 200),
    ("anonyme", "/comptes/password/reset/", 200),
    ("anonyme", "/invitation/{jeton}/", 200),
    ("anonyme", "/invitation/lien-incomplet/", 404),
    ("anonyme", "/page-qui-n-existe-pas/", 404),
    ("professionnel", "/", 200),
    ("professionnel", "/notifications/", 200),
    ("professionnel", "/mon-compte/", 200),
    ("professionnel", "/mon-compte/preferences/", 200),
    ("professionnel", "/mon-compte/mes-donnees/", 200),
    ("professionnel", "/comptes/email/", 200),
    ("professionnel", "/comptes/password/change/", 200),
    ("professionnel", "/comptes/2fa/", 200),
    ("professionnel", "/plan-du-site/", 200),
    ("professionnel", "/mon-compte/invitations/", 403),
    ("professionnel", "/invitation/{jeton}/", 200),
    ("agent", "/", 200),
    ("agent", "/mon-compte/invitations/", 200),
    ("agent", "/mon-compte/invitations/nouvelle/", 200),
    ("agent", "/mon-compte/invitations/{invitation}/", 200),
    ("agent", "/comptes/2fa/", 200),
    ("agent", "/admin/", 200),
    ("agent", "/admin/comptes/utilisateur/", 200),
    ("agent", "/admin/comptes/utilisateur/{agent}/change/", 200),
    ("agent", "/admin/comptes/invitation/", 200),
    ("agent", "/admin/comptes/invitation/{invitation}/change/", 200),
    ("agent", "/admin/socle/evenement/", 200),
    ("agent", "/admin/socle/document/add/", 200),
]


@pytest.mark.parametrize(("persona", "modele", "statut"), PAGES, ids=[f"{p} {u}" for p, u, _ in PAGES])
def test_page_sans_violation(onglet, persona, modele, statut):
    agent = UtilisateurFactory(
        email="agent@exemple.fr", prenom="Claire", roles=(Role.AGENT,), is_staff=True, totp=True
    )
    professionnel = UtilisateurFactory(email="pro@exemple.fr", prenom="Sophie")
    invitation = InvitationFactory(invite_par=agent, email="camille@exemple.fr")
    evenement_enregistrer(verbe=INVITATION_ENVOYEE, acteur=agent, cible=invitation, etat_apres="envoyee")
    notifier(
        destinataires=[professionnel, agent],
        verbe=VERBE_ESSAI,
        titre="Une notification d'essai",
        gabarit="comptes/notifications/invitation_acceptee.txt",
        contexte={"acteur": "Camille", "objet": invitation},
        url="/mon-compte/",
    )
    if persona != "anonyme":
        connecter(onglet, {"agent": agent, "professionnel": professionnel}[persona])
    url = modele.format(jeton=invitation_jeton(invitation), invitation=invitation.pk, agent=agent.pk)
    onglet.aller(url, statut=None if statut == 200 else statut)
    onglet.verifier_accessibilite()


@pytest.mark.parametrize("largeur", [320, 1024, 1280, 1440])
def test_le_menu_le_plus_long_ne_deborde_pas(onglet, superutilisateur, largeur):
    """Le superutilisateur voit toutes les entrées du menu : à chaque largeur d'écran, elles
    passent à la ligne (ou dans le menu replié) sans élargir la page (RGAA 10.11)."""
    connecter(onglet, superutilisateur)
    page = onglet.page
    page.set_viewport_size({"width": largeur, "height": 800})
    onglet.aller("/")
    entrees = page.locator("#navigation .nav-link")
    assert entrees.count() >= 10  # 8 entrées, les notifications, le menu du compte
    assert page.evaluate("document.documentElement.scrollWidth") <= largeur
    if largeur >= 992:  # menu déplié : chaque entrée est visible, à l'intérieur de l'écran
        for i in range(entrees.count()):
            boite = entrees.nth(i).bounding_box()
            assert boite is not None and boite["x"] >= 0 and boite["x"] + boite["width"] <= largeur
