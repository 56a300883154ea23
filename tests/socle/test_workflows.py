import threading

import pytest
from django.core import mail
from django.db import connection

from comptes.models import Invitation, StatutInvitation
from comptes.roles import Role
from comptes.workflows import INVITATION, INVITATION_REVOQUEE
from socle.models import Evenement, Notification
from socle.workflows import Transition, TransitionRefusee, Workflow, transition
from tests.comptes.factories import InvitationFactory, UtilisateurFactory
from tests.outils import VERBE_ESSAI

pytestmark = pytest.mark.django_db


def test_transition_enregistre_l_etat_les_effets_et_l_audit(agent):
    invitation = InvitationFactory(invite_par=agent)
    resultat = transition(invitation, vers=StatutInvitation.REVOQUEE, acteur=agent, motif="Erreur d'adresse")
    assert resultat.statut == invitation.statut == StatutInvitation.REVOQUEE
    assert Invitation.objects.get(pk=invitation.pk).statut == StatutInvitation.REVOQUEE
    evenement = Evenement.objects.get(verbe="comptes.invitation.revoquee")
    assert evenement.acteur == agent
    assert evenement.cible == invitation
    assert (evenement.etat_avant, evenement.etat_apres) == ("envoyee", "revoquee")
    assert evenement.motif == "Erreur d'adresse"


def test_transition_absente_du_tableau_est_refusee_en_francais(agent):
    invitation = InvitationFactory(invite_par=agent, statut=StatutInvitation.REVOQUEE)
    with pytest.raises(TransitionRefusee) as erreur:
        transition(invitation, vers=StatutInvitation.ACCEPTEE, acteur=agent)
    assert erreur.value.messages == ["Impossible de passer de « Révoquée » à « Acceptée »."]
    assert not Evenement.objects.exists()


def test_transition_refusee_a_qui_n_y_a_pas_droit(professionnel):
    invitation = InvitationFactory()
    with pytest.raises(TransitionRefusee, match="pas le droit"):
        transition(invitation, vers=StatutInvitation.REVOQUEE, acteur=professionnel)
    invitation.refresh_from_db()
    assert invitation.statut == StatutInvitation.ENVOYEE


def test_transition_reservee_au_systeme(agent):
    invitation = InvitationFactory(invite_par=agent)
    with pytest.raises(TransitionRefusee):
        transition(invitation, vers=StatutInvitation.EXPIREE, acteur=agent)
    transition(invitation, vers=StatutInvitation.EXPIREE, acteur=None)
    assert Evenement.objects.get(verbe="comptes.invitation.expiree").acteur is None


def test_la_garde_refuse_avec_son_message_et_rien_n_est_ecrit():
    invitation = InvitationFactory(email="camille@exemple.fr")
    Invitation.objects.filter(pk=invitation.pk).update(expire_le="2020-01-01T00:00:00Z")
    invitation.refresh_from_db()
    invitee = UtilisateurFactory(email="camille@exemple.fr")
    with pytest.raises(TransitionRefusee, match="a expiré"):
        transition(invitation, vers=StatutInvitation.ACCEPTEE, acteur=invitee)
    assert Invitation.objects.get(pk=invitation.pk).statut == StatutInvitation.ENVOYEE
    assert not Evenement.objects.exists()


def test_motif_requis(agent):
    exigeant = Workflow(
        modele="tests.motif_requis",
        transitions=(
            Transition(
                depuis=(StatutInvitation.ENVOYEE,),
                vers=StatutInvitation.REVOQUEE,
                verbe=INVITATION_REVOQUEE,
                libelle="Révoquer",
                autorise=lambda acteur, objet: True,
                motif_requis=True,
            ),
        ),
    )
    invitation = InvitationFactory()
    with pytest.raises(TransitionRefusee, match="motif"):
        transition(invitation, vers=StatutInvitation.REVOQUEE, acteur=agent, motif="  ", workflow=exigeant)
    transition(invitation, vers=StatutInvitation.REVOQUEE, acteur=agent, motif="Doublon", workflow=exigeant)


def test_un_tableau_ne_peut_pas_declarer_deux_fois_la_meme_transition():
    t = Transition(depuis=("a",), vers="b", verbe=VERBE_ESSAI, libelle="x", autorise=lambda a, o: True)
    with pytest.raises(ValueError, match="en double"):
        Workflow(modele="tests.double", transitions=(t, t))


def test_transitions_possibles_selon_l_acteur(agent, professionnel):
    invitation = InvitationFactory(invite_par=agent)
    assert [t.vers for t in INVITATION.possibles(invitation, agent)] == [StatutInvitation.REVOQUEE]
    assert INVITATION.possibles(invitation, professionnel) == []


def test_notifications_creees_et_courriel_envoye_apres_validation(django_capture_on_commit_callbacks):
    inviteur = UtilisateurFactory(email="inviteur@exemple.fr")
    invitation = InvitationFactory(email="camille@exemple.fr", invite_par=inviteur)
    invitee = UtilisateurFactory(email="camille@exemple.fr", prenom="Camille", nom="Leblond")
    with django_capture_on_commit_callbacks() as rappels:
        transition(invitation, vers=StatutInvitation.ACCEPTEE, acteur=invitee)
        # Rien ne part avant la validation de la transaction.
        assert mail.outbox == []
    notification = Notification.objects.get(destinataire=inviteur)
    assert notification.titre == "Camille Leblond a accepté votre invitation"
    assert "camille@exemple.fr" in notification.message
    assert len(rappels) == 1
    for rappel in rappels:
        rappel()
    assert [m.to for m in mail.outbox] == [["inviteur@exemple.fr"]]


@pytest.mark.django_db(transaction=True)
def test_deux_transitions_simultanees_une_seule_passe():
    """Le verrou de ligne : deux agents révoquent et renvoient en même temps."""
    agent = UtilisateurFactory(roles=(Role.AGENT,), is_staff=True)
    invitation = InvitationFactory(invite_par=agent)
    barriere = threading.Barrier(2)
    resultats: list[str] = []

    def revoquer() -> None:
        try:
            barriere.wait()
            transition(Invitation.objects.get(pk=invitation.pk), vers=StatutInvitation.REVOQUEE, acteur=agent)
            resultats.append("ok")
        except TransitionRefusee:
            resultats.append("refusée")
        finally:
            connection.close()

    fils = [threading.Thread(target=revoquer) for _ in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    assert sorted(resultats) == ["ok", "refusée"]
    assert Evenement.objects.filter(verbe="comptes.invitation.revoquee").count() == 1
