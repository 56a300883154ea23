import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from comptes.jetons import invitation_jeton
from comptes.models import Invitation, StatutInvitation, Utilisateur
from comptes.roles import GROUPES, Role
from comptes.services import invitation_accepter, invitation_creer, invitation_renvoyer
from comptes.tasks import expirer_invitations
from socle.models import Evenement, Notification
from tests.comptes.factories import MOT_DE_PASSE, InvitationFactory

pytestmark = pytest.mark.django_db


def _groupe(role: str) -> Group:
    return Group.objects.get(name=GROUPES[role])


def _lien(courriel) -> str:
    return re.search(r"http://testserver(/invitation/[^\s]+/)", courriel.body).group(1)


def test_creer_une_invitation_envoie_le_courriel_apres_validation(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_creer(
            email=" Camille.Leblond@Exemple.fr ",
            prenom="Camille",
            acteur=agent,
            groupes=[_groupe(Role.MEMBRE_COLLEGE)],
            message="Bienvenue au Collège !",
        )
        assert mail.outbox == []
    assert invitation.email == "camille.leblond@exemple.fr"
    courriel = mail.outbox[0]
    assert courriel.to == ["camille.leblond@exemple.fr"]
    assert (
        courriel.subject
        == "[Conseil de santé du Cotentin] Invitation au portail du Conseil de santé du Cotentin"
    )
    assert "Bienvenue au Collège !" in courriel.body
    assert "Membres du Collège des professionnels" in courriel.body
    assert courriel.alternatives[0][1] == "text/html"
    assert invitation_depuis_lien(_lien(courriel)) == invitation
    evenement = Evenement.objects.get(verbe="comptes.invitation.envoyee")
    assert evenement.donnees == {"roles": ["Membres du Collège des professionnels"]}
    # Le jeton n'est jamais écrit dans le journal.
    assert invitation_jeton(invitation) not in str(evenement.donnees)


def invitation_depuis_lien(lien: str) -> Invitation | None:
    from comptes.jetons import invitation_depuis_jeton

    return invitation_depuis_jeton(lien.split("/")[2])


def test_une_seule_invitation_en_cours_par_adresse(agent):
    invitation_creer(email="a@exemple.fr", acteur=agent)
    with pytest.raises(ValidationError, match="déjà en cours"):
        invitation_creer(email="A@exemple.fr", acteur=agent)


def test_pas_d_invitation_pour_un_compte_existant(agent, professionnel):
    with pytest.raises(ValidationError, match="Un compte existe déjà"):
        invitation_creer(email=professionnel.email.upper(), acteur=agent)


def test_parcours_complet_par_les_pages(client_de, client, django_capture_on_commit_callbacks):
    agent = client_de("agent")
    with django_capture_on_commit_callbacks(execute=True):
        reponse = agent.post(
            "/mon-compte/invitations/nouvelle/",
            {
                "email": "camille@exemple.fr",
                "prenom": "Camille",
                "nom": "Leblond",
                "groupes": [_groupe(Role.SECRETARIAT).pk],
            },
        )
    invitation = Invitation.objects.get()
    assert reponse["Location"] == f"/mon-compte/invitations/{invitation.pk}/"
    lien = _lien(mail.outbox[0])

    page = client.get(lien)
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "camille@exemple.fr" in contenu and 'value="Camille"' in contenu

    erreur = client.post(
        lien, {"prenom": "Camille", "nom": "Leblond", "mot_de_passe": MOT_DE_PASSE, "confirmation": "autre"}
    )
    assert "Les deux mots de passe ne sont pas identiques." in erreur.content.decode()
    assert 'value="Leblond"' in erreur.content.decode()
    assert not Utilisateur.objects.filter(email="camille@exemple.fr").exists()

    with django_capture_on_commit_callbacks(execute=True):
        cree = client.post(
            lien,
            {
                "prenom": "Camille",
                "nom": "Leblond",
                "mot_de_passe": MOT_DE_PASSE,
                "confirmation": MOT_DE_PASSE,
            },
        )
    assert cree["Location"] == "/"
    camille = Utilisateur.objects.get(email="camille@exemple.fr")
    assert client.session["_auth_user_id"] == str(camille.pk)
    assert camille.is_staff  # le secrétariat a accès à l'administration
    assert list(camille.groups.values_list("name", flat=True)) == ["Secrétariat du Conseil"]
    assert EmailAddress.objects.get(user=camille).verified
    invitation.refresh_from_db()
    assert invitation.statut == StatutInvitation.ACCEPTEE and invitation.compte == camille
    # Le secrétariat doit activer la double authentification avant toute chose.
    assert client.get("/")["Location"] == "/comptes/2fa/"
    # L'invitant est notifié, sur le portail et par courriel.
    notification = Notification.objects.get(verbe="comptes.invitation.acceptee")
    assert notification.destinataire.email == "agent@exemple.fr"
    assert mail.outbox[-1].to == ["agent@exemple.fr"]
    # Le lien ne sert qu'une fois.
    deja = client_de("anonyme").get(lien)
    assert deja.status_code == 410
    assert "Cette invitation a déjà servi" in deja.content.decode()


def test_un_lien_trafique_repond_404(client):
    invitation = InvitationFactory()
    jeton = invitation_jeton(invitation)
    assert client.get(f"/invitation/{jeton[:-2]}xx/").status_code == 404
    assert client.get("/invitation/nimporte-quoi/").status_code == 404


def test_lien_revoque_ou_expire(client, agent):
    invitation = InvitationFactory(invite_par=agent)
    lien = f"/invitation/{invitation_jeton(invitation)}/"
    Invitation.objects.filter(pk=invitation.pk).update(expire_le=timezone.now() - timedelta(minutes=1))
    expiree = client.get(lien)
    assert expiree.status_code == 410
    assert "expiré ou a été révoquée" in expiree.content.decode()
    assert expirer_invitations() == 1
    assert Invitation.objects.get(pk=invitation.pk).statut == StatutInvitation.EXPIREE
    assert Evenement.objects.filter(verbe="comptes.invitation.expiree", acteur=None).count() == 1


def test_renvoyer_rend_l_ancien_lien_caduc(agent, client, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(invite_par=agent)
    ancien = f"/invitation/{invitation_jeton(invitation)}/"
    with django_capture_on_commit_callbacks(execute=True):
        invitation_renvoyer(invitation=invitation, acteur=agent)
    assert client.get(ancien).status_code == 404
    assert client.get(_lien(mail.outbox[0])).status_code == 200
    assert Evenement.objects.filter(verbe="comptes.invitation.renvoyee").exists()


def test_relancer_une_invitation_expiree(agent, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(invite_par=agent, statut=StatutInvitation.EXPIREE)
    with django_capture_on_commit_callbacks(execute=True):
        relancee = invitation_renvoyer(invitation=invitation, acteur=agent)
    assert relancee.statut == StatutInvitation.ENVOYEE
    assert relancee.expire_le > timezone.now() + timedelta(days=13)
    assert len(mail.outbox) == 1


def test_revoquer_par_la_page_avec_motif(client_de, agent):
    invitation = InvitationFactory(invite_par=agent)
    client = client_de("secretariat")
    reponse = client.post(
        f"/mon-compte/invitations/{invitation.pk}/revoquer/", {"motif": "Mauvaise adresse"}, follow=True
    )
    assert "L&#x27;invitation est révoquée" in reponse.content.decode()
    assert "Motif : Mauvaise adresse" in reponse.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).statut == StatutInvitation.REVOQUEE


def test_accepter_deux_fois_en_meme_temps_ne_cree_qu_un_compte():
    invitation = InvitationFactory(email="double@exemple.fr")
    invitation_accepter(invitation=invitation, prenom="A", nom="B", mot_de_passe=MOT_DE_PASSE)
    with pytest.raises(ValidationError, match="Un compte existe déjà"):
        invitation_accepter(invitation=invitation, prenom="A", nom="B", mot_de_passe=MOT_DE_PASSE)
    assert Utilisateur.objects.filter(email="double@exemple.fr").count() == 1


def test_deja_connecte_avec_un_autre_compte(client, professionnel):
    invitation = InvitationFactory()
    client.force_login(professionnel)
    reponse = client.get(f"/invitation/{invitation_jeton(invitation)}/")
    assert "Vous êtes déjà connecté" in reponse.content.decode()


def test_le_secretariat_ne_peut_pas_donner_les_roles_du_personnel(client_de):
    page = client_de("secretariat").get("/mon-compte/invitations/nouvelle/").content.decode()
    assert "Membres du Collège des professionnels" in page
    assert "Agents de la Direction de la Santé" not in page
    refuse = client_de("secretariat").post(
        "/mon-compte/invitations/nouvelle/", {"email": "x@exemple.fr", "groupes": [_groupe(Role.AGENT).pk]}
    )
    assert refuse.status_code == 200
    assert not Invitation.objects.exists()
    assert (
        "Agents de la Direction de la Santé"
        in client_de("agent").get("/mon-compte/invitations/nouvelle/").content.decode()
    )


def test_formulaire_invalide_garde_la_saisie(client_de, professionnel):
    reponse = client_de("agent").post(
        "/mon-compte/invitations/nouvelle/",
        {"email": professionnel.email, "prenom": "Sophie", "message": "Bonjour"},
    )
    contenu = reponse.content.decode()
    assert "Un compte existe déjà pour cette adresse" in contenu
    assert 'value="Sophie"' in contenu and "Bonjour</textarea>" in contenu


def test_admin_revoque_et_renvoie(client_de, agent):
    invitations = [
        InvitationFactory(invite_par=agent),
        InvitationFactory(invite_par=agent, statut=StatutInvitation.ACCEPTEE, acceptee_le=timezone.now()),
    ]
    client = client_de("agent")
    reponse = client.post(
        "/admin/comptes/invitation/",
        {"action": "revoquer", "_selected_action": [i.pk for i in invitations]},
        follow=True,
    )
    contenu = reponse.content.decode()
    assert "1 invitation traitée." in contenu
    assert "Impossible de passer de « Acceptée » à « Révoquée »." in contenu
    assert Invitation.objects.get(pk=invitations[0].pk).statut == StatutInvitation.REVOQUEE
    assert client.get("/admin/comptes/invitation/add/").status_code == 403


def test_le_service_refuse_qui_n_a_pas_le_droit(professionnel, secretariat, agent):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        invitation_creer(email="x@exemple.fr", acteur=professionnel)
    with pytest.raises(ValidationError, match="Seuls les agents"):
        invitation_creer(email="x@exemple.fr", acteur=secretariat, groupes=[_groupe(Role.AGENT)])
    invitation = InvitationFactory(invite_par=agent)
    with pytest.raises(PermissionDenied):
        invitation_renvoyer(invitation=invitation, acteur=professionnel)
    assert not Invitation.objects.filter(email="x@exemple.fr").exists()
