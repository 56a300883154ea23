"""Les transitions d'une invitation."""

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from comptes.models import Invitation, StatutInvitation
from comptes.permissions import est_l_invite, peut_gerer_invitation
from socle.verbes import Verbe
from socle.workflows import Transition, Workflow, systeme

# Les actions que ce module écrit au journal d'audit.
INVITATION_ACCEPTEE = Verbe("comptes.invitation.acceptee", gettext_lazy("Invitation acceptée, compte créé"))
INVITATION_EXPIREE = Verbe("comptes.invitation.expiree", gettext_lazy("Invitation expirée"))
INVITATION_RELANCEE = Verbe("comptes.invitation.relancee", gettext_lazy("Invitation relancée"))
INVITATION_REVOQUEE = Verbe("comptes.invitation.revoquee", gettext_lazy("Invitation révoquée"))


def _pas_expiree(invitation: Invitation) -> str | None:
    if invitation.est_expiree:
        return str(_("Cette invitation a expiré : demandez à la personne qui vous a invité de la renvoyer."))
    return None


def _acceptation(invitation: Invitation, acteur: Any) -> Iterable[str]:
    invitation.acceptee_le = timezone.now()
    invitation.compte = acteur
    return ["acceptee_le", "compte"]


def _relance(invitation: Invitation, acteur: Any) -> Iterable[str]:
    return invitation.renouveler_lien()


def _l_invitant(invitation: Invitation, acteur: Any) -> Iterable[Any]:
    return [invitation.invite_par] if invitation.invite_par else []


INVITATION = Workflow(
    modele="comptes.Invitation",
    transitions=(
        Transition(
            depuis=(StatutInvitation.ENVOYEE,),
            vers=StatutInvitation.ACCEPTEE,
            verbe=INVITATION_ACCEPTEE,
            libelle=_("Accepter"),
            autorise=est_l_invite,
            garde=_pas_expiree,
            effet=_acceptation,
            destinataires=_l_invitant,
            titre_notification=_("%(acteur)s a accepté votre invitation"),
            gabarit_notification="comptes/notifications/invitation_acceptee.txt",
        ),
        Transition(
            depuis=(StatutInvitation.ENVOYEE,),
            vers=StatutInvitation.REVOQUEE,
            verbe=INVITATION_REVOQUEE,
            libelle=_("Révoquer"),
            autorise=peut_gerer_invitation,
        ),
        Transition(
            depuis=(StatutInvitation.ENVOYEE,),
            vers=StatutInvitation.EXPIREE,
            verbe=INVITATION_EXPIREE,
            libelle=_("Expirer"),
            autorise=systeme,
        ),
        Transition(
            depuis=(StatutInvitation.EXPIREE, StatutInvitation.REVOQUEE),
            vers=StatutInvitation.ENVOYEE,
            verbe=INVITATION_RELANCEE,
            libelle=_("Renvoyer"),
            autorise=peut_gerer_invitation,
            effet=_relance,
        ),
    ),
)
