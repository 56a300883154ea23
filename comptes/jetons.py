"""Liens d'invitation signés."""

from django.core import signing
from django.utils.crypto import constant_time_compare

from comptes.models import Invitation

SEL_INVITATION = "comptes.invitation"


def invitation_jeton(invitation: Invitation) -> str:
    """Le jeton du lien d'invitation, signé : il ne se devine pas et ne se fabrique pas."""
    return signing.dumps({"i": invitation.pk, "c": invitation.cle}, salt=SEL_INVITATION)


def invitation_depuis_jeton(jeton: str) -> Invitation | None:
    try:
        contenu = signing.loads(jeton, salt=SEL_INVITATION)
    except signing.BadSignature:
        return None
    invitation = Invitation.objects.filter(pk=contenu.get("i")).first()
    if invitation is None or not constant_time_compare(invitation.cle, str(contenu.get("c"))):
        return None
    return invitation
