"""Les parcours des utilisateurs du socle, dans un vrai navigateur."""

import json
import re

import pytest
from django.core import mail
from playwright.sync_api import Locator, Page, expect

from comptes.models import Invitation, Utilisateur
from comptes.roles import Role
from tests.comptes.factories import MOT_DE_PASSE, UtilisateurFactory
from tests.conftest import code_totp
from tests.e2e.conftest import connecter

pytestmark = pytest.mark.django_db(transaction=True)


def champ(page: Page, libelle: str) -> Locator:
    """Le champ dont l'étiquette est `libelle` (suivie ou non de l'astérisque des champs requis)."""
    # Playwright compare l'expression au texte brut de l'étiquette, blancs compris.
    return page.get_by_label(re.compile(rf"^\s*{re.escape(libelle)}\s*\*?\s*$"))


def _lien(courriel, motif: str) -> str:
    return re.search(rf"https?://[^/\s]+({motif}[^\s]*)", courriel.body).group(1)


def test_inscription_verification_puis_connexion(onglet):
    page = onglet.aller("/")
    onglet.verifier_accessibilite()
    page.get_by_role("link", name="Créer un compte").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    onglet.verifier_accessibilite()
    champ(page, "Prénom").fill("Inès")
    champ(page, "Nom").fill("Lefèvre")
    champ(page, "Courriel").fill("ines@exemple.fr")
    champ(page, "Mot de passe").fill(MOT_DE_PASSE)
    champ(page, "Mot de passe (confirmation)").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page).to_have_url(re.compile(r"/comptes/confirm-email/$"))
    onglet.verifier_accessibilite()

    lien = _lien(mail.outbox[-1], "/comptes/confirm-email/")
    onglet.aller(lien)
    onglet.verifier_accessibilite()
    page.get_by_role("button", name="Confirmer").click()

    onglet.aller("/comptes/login/")
    champ(page, "Courriel").fill("ines@exemple.fr")
    champ(page, "Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_text("Bonjour Inès.")).to_be_visible()
    onglet.verifier_accessibilite()


def test_connexion_avec_code_totp(onglet):
    UtilisateurFactory(
        email="agent@exemple.fr", prenom="Claire", roles=(Role.AGENT,), is_staff=True, totp=True
    )
    page = onglet.aller("/comptes/login/")
    champ(page, "Courriel").fill("agent@exemple.fr")
    champ(page, "Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Connexion").click()
    expect(page).to_have_url(re.compile(r"/comptes/2fa/authenticate/$"))
    onglet.verifier_accessibilite()
    champ(page, "Code").fill("000000")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Code incorrect.")).to_be_visible()
    onglet.verifier_accessibilite()
    champ(page, "Code").fill(code_totp())
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Bonjour Claire.")).to_be_visible()
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link", name="Invitations")).to_be_visible()


def test_invitation_envoyee_puis_acceptee(nouvel_onglet):
    agent = UtilisateurFactory(
        email="agent@exemple.fr", prenom="Claire", roles=(Role.AGENT,), is_staff=True, totp=True
    )
    secretariat = nouvel_onglet()
    connecter(secretariat, agent)
    page = secretariat.aller("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Invitations").click()
    secretariat.verifier_accessibilite()
    page.get_by_role("link", name="Inviter une personne").click()
    secretariat.verifier_accessibilite()
    champ(page, "Adresse électronique").fill("marc.guerin@exemple.fr")
    champ(page, "Prénom").fill("Marc")
    champ(page, "Nom").fill("Guérin")
    champ(page, "Membres du Collège des professionnels").check()
    champ(page, "Message personnel").fill("Bienvenue au Collège.")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("L'invitation est envoyée à marc.guerin@exemple.fr.")).to_be_visible()
    expect(page.get_by_text("Invitation envoyée")).to_be_visible()
    secretariat.verifier_accessibilite()

    courriel = next(m for m in mail.outbox if m.to == ["marc.guerin@exemple.fr"])
    invite = nouvel_onglet()
    page_invite = invite.aller(_lien(courriel, "/invitation/"))
    invite.verifier_accessibilite()
    expect(champ(page_invite, "Prénom")).to_have_value("Marc")
    champ(page_invite, "Mot de passe").fill(MOT_DE_PASSE)
    champ(page_invite, "Mot de passe (confirmation)").fill("pas-le-meme-mot-de-passe")
    page_invite.get_by_role("button", name="Créer mon compte").click()
    expect(page_invite.get_by_text("Les deux mots de passe ne sont pas identiques.")).to_be_visible()
    expect(champ(page_invite, "Nom")).to_have_value("Guérin")
    invite.verifier_accessibilite()
    champ(page_invite, "Mot de passe").fill(MOT_DE_PASSE)
    champ(page_invite, "Mot de passe (confirmation)").fill(MOT_DE_PASSE)
    page_invite.get_by_role("button", name="Créer mon compte").click()
    expect(page_invite.get_by_text("Bienvenue ! Votre compte est créé.")).to_be_visible()
    marc = Utilisateur.objects.get(email="marc.guerin@exemple.fr")
    assert list(marc.groups.values_list("name", flat=True)) == ["Membres du Collège des professionnels"]
    assert Invitation.objects.get().statut == "acceptee"

    page.get_by_role("link", name=re.compile("Notifications")).click()
    expect(page.get_by_text("Marc Guérin a accepté votre invitation")).to_be_visible()
    secretariat.verifier_accessibilite()


def test_telecharger_mes_donnees(onglet):
    personne = UtilisateurFactory(email="sophie@exemple.fr", prenom="Sophie", nom="Marie")
    connecter(onglet, personne)
    page = onglet.aller("/")
    page.get_by_role("button", name="Sophie").click()
    page.get_by_role("link", name="Mes données").click()
    onglet.verifier_accessibilite()
    with page.expect_download() as attente:
        page.get_by_role("button", name="Télécharger mes données (JSON)").click()
    telechargement = attente.value
    assert telechargement.suggested_filename.startswith("mes-donnees-conseil-sante-cotentin-")
    donnees = json.loads(open(telechargement.path(), encoding="utf-8").read())
    assert donnees["compte"]["email"] == "sophie@exemple.fr"
    assert donnees["compte"]["nom"] == "Marie"


def test_cle_d_acces_ajoutee_puis_connexion_sans_mot_de_passe(onglet, settings):
    """WebAuthn avec l'authentificateur virtuel de Chromium (une clé d'accès « interne »)."""
    # Le serveur de test parle en http : l'origine n'est pas en https.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    personne = UtilisateurFactory(email="sophie@exemple.fr", prenom="Sophie")
    cdp = onglet.contexte.new_cdp_session(onglet.page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    connecter(onglet, personne)
    page = onglet.aller("/comptes/2fa/webauthn/add/")
    # allauth demande de confirmer le mot de passe avant d'ajouter une clé.
    champ(page, "Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1, name="Ajouter une clé")).to_be_visible()
    onglet.verifier_accessibilite()
    champ(page, "Nom de la clé").fill("Ordinateur du cabinet")
    page.get_by_label(re.compile("Clé d'accès : permettre de se connecter")).check()
    page.get_by_role("button", name="Ajouter la clé").click()
    page.wait_for_url(lambda url: "/add/" not in url)
    assert personne.authenticator_set.filter(type="webauthn").count() == 1

    page.goto(onglet.base + "/comptes/logout/")
    page.get_by_role("button", name=re.compile("Se déconnecter|Déconnexion")).last.click()
    onglet.aller("/comptes/login/")
    page.get_by_role("button", name="Se connecter avec une clé d'accès").click()
    expect(page.get_by_text("Bonjour Sophie.")).to_be_visible()


def test_agent_sans_double_authentification_l_active_avant_tout(onglet):
    UtilisateurFactory(email="nouvel.agent@exemple.fr", prenom="Paul", roles=(Role.AGENT,), is_staff=True)
    page = onglet.aller("/comptes/login/")
    champ(page, "Courriel").fill("nouvel.agent@exemple.fr")
    champ(page, "Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Connexion").click()
    # Toute page mène à la double authentification tant qu'elle n'est pas activée.
    onglet.aller("/mon-compte/invitations/")
    expect(page).to_have_url(re.compile(r"/comptes/2fa/$"))
    expect(page.get_by_text("Votre rôle exige la double authentification")).to_be_visible()
    onglet.verifier_accessibilite()
    page.get_by_role("link", name="Activer une application d'authentification").click()
    champ(page, "Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer une application d'authentification")
    onglet.verifier_accessibilite()
    graine = champ(page, "Clé secrète").input_value()
    champ(page, "Code de l'authentificateur").fill(code_totp(graine))
    page.get_by_role("button", name="Activer").click()
    onglet.verifier_accessibilite()
    onglet.aller("/mon-compte/invitations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations")
