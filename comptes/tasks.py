"""Tâches de l'application comptes : courriel d'invitation, échéances, durées de conservation."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessLog
from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from comptes.jetons import invitation_jeton
from comptes.models import Invitation, StatutInvitation, Utilisateur
from socle.courriels import courriel_construire, lien_absolu
from socle.models import Evenement, Notification
from socle.workflows import TransitionRefusee, transition

# Durées de conservation, reprises dans docs/rgpd.md.
COMPTE_NON_VERIFIE = timedelta(days=30)
NOTIFICATION_LUE = timedelta(days=365)
NOTIFICATION = timedelta(days=2 * 365)
INVITATION_TERMINEE = timedelta(days=365)
JOURNAL_CONNEXIONS = timedelta(days=183)
EVENEMENTS_COMPTES = timedelta(days=5 * 365)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_invitation(invitation_id: int) -> None:
    """Envoie (ou renvoie) le courriel d'une invitation encore utilisable."""
    invitation = Invitation.objects.select_related("invite_par").filter(pk=invitation_id).first()
    if invitation is None or not invitation.est_utilisable:
        return
    lien = lien_absolu(reverse("invitation_accepter", kwargs={"jeton": invitation_jeton(invitation)}))
    courriel_construire(
        gabarit="comptes/courriels/invitation",
        sujet=_("Invitation au portail du Conseil de santé du Cotentin"),
        destinataire=invitation.email,
        contexte={"invitation": invitation, "lien": lien, "roles": list(invitation.groupes.all())},
    ).send()


@shared_task
def expirer_invitations() -> int:
    """Passe à « expirée » les invitations dont l'échéance est dépassée."""
    nombre = 0
    for invitation in Invitation.objects.filter(
        statut=StatutInvitation.ENVOYEE, expire_le__lte=timezone.now()
    ):
        try:
            transition(invitation, vers=StatutInvitation.EXPIREE, acteur=None)
            nombre += 1
        except TransitionRefusee:
            # Acceptée ou révoquée entre la lecture et le verrou : rien à faire.
            continue
    return nombre


@shared_task
def appliquer_durees_conservation() -> dict[str, int]:
    """Supprime ce qui a dépassé sa durée de conservation (registre : docs/rgpd.md)."""
    maintenant = timezone.now()
    supprimes: dict[str, int] = {}
    supprimes["comptes_non_verifies"], _detail = (
        Utilisateur.objects.filter(
            is_staff=False,
            is_superuser=False,
            last_login__isnull=True,
            date_joined__lt=maintenant - COMPTE_NON_VERIFIE,
        )
        .exclude(emailaddress__verified=True)
        .delete()
    )
    supprimes["notifications"], _detail = Notification.objects.filter(
        creee_le__lt=maintenant - NOTIFICATION
    ).delete()
    supprimes["notifications_lues"], _detail = Notification.objects.filter(
        lue_le__lt=maintenant - NOTIFICATION_LUE
    ).delete()
    supprimes["invitations"], _detail = (
        Invitation.objects.exclude(statut=StatutInvitation.ENVOYEE)
        .filter(expire_le__lt=maintenant - INVITATION_TERMINEE)
        .delete()
    )
    supprimes["journal_connexions"], _detail = AccessLog.objects.filter(
        attempt_time__lt=maintenant - JOURNAL_CONNEXIONS
    ).delete()
    supprimes["tentatives_connexion"], _detail = AccessAttempt.objects.filter(
        attempt_time__lt=maintenant - JOURNAL_CONNEXIONS
    ).delete()
    supprimes["evenements_comptes"], _detail = Evenement.objects.filter(
        verbe__startswith="comptes.", cree_le__lt=maintenant - EVENEMENTS_COMPTES
    ).delete()
    return supprimes
