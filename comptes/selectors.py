"""Lectures de l'application comptes qui appliquent les règles de visibilité."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from comptes.models import Invitation
from comptes.permissions import peut_voir_invitation


def invitations_visibles_par(utilisateur: Any) -> QuerySet[Invitation]:
    invitations = Invitation.objects.select_related("invite_par", "compte").prefetch_related("groupes")
    if utilisateur.has_perm("comptes.view_invitation"):
        return invitations
    return invitations.filter(invite_par=utilisateur)


def get_invitation_pour(utilisateur: Any, pk: int) -> Invitation:
    invitation = invitations_visibles_par(utilisateur).filter(pk=pk).first()
    if invitation is None or not peut_voir_invitation(utilisateur, invitation):
        raise Http404
    return invitation
