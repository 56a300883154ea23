"""Prédicats d'accès de l'application comptes."""

from typing import Any

from comptes.models import Invitation


def peut_inviter(utilisateur: Any) -> bool:
    return bool(utilisateur.is_authenticated and utilisateur.has_perm("comptes.add_invitation"))


def peut_attribuer_roles_personnel(utilisateur: Any) -> bool:
    return bool(utilisateur.is_authenticated and utilisateur.has_perm("comptes.attribuer_roles_personnel"))


def peut_voir_invitation(utilisateur: Any, invitation: Invitation) -> bool:
    return bool(
        utilisateur.is_authenticated
        and (utilisateur.has_perm("comptes.view_invitation") or invitation.invite_par_id == utilisateur.pk)
    )


def peut_gerer_invitation(utilisateur: Any, invitation: Invitation) -> bool:
    """Révoquer ou renvoyer : qui a le droit de modifier les invitations, ou qui l'a envoyée."""
    return bool(
        utilisateur is not None
        and utilisateur.is_authenticated
        and (utilisateur.has_perm("comptes.change_invitation") or invitation.invite_par_id == utilisateur.pk)
    )


def est_l_invite(utilisateur: Any, invitation: Invitation) -> bool:
    return bool(
        utilisateur is not None
        and utilisateur.is_authenticated
        and utilisateur.email.lower() == invitation.email.lower()
    )
