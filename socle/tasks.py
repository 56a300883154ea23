"""Tâches Celery du socle : elles prennent des identifiants et sont idempotentes."""

from collections import defaultdict

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socle import taches
from socle.courriels import courriel_construire, lien_absolu
from socle.models import EntreeDeCacheDeSecours, FrequenceNotifications, Notification


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_notification(notification_id: int) -> None:
    """Envoie le courriel d'une notification, une seule fois même si la tâche est rejouée."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("destinataire")
            .filter(pk=notification_id, envoyee_le__isnull=True)
            .first()
        )
        if notification is None:
            return
        courriel_construire(
            gabarit="socle/courriels/notification",
            sujet=notification.titre,
            destinataire=notification.destinataire.email,
            contexte={"notification": notification, "lien": lien_absolu(notification.url)},
        ).send()
        # L'envoi précède l'écriture : en cas d'échec SMTP, la tâche est rejouée ; si le
        # worker meurt entre les deux, le destinataire recevra au pire un doublon.
        notification.envoyee_le = timezone.now()
        notification.save(update_fields=["envoyee_le"])


@shared_task
def envoyer_resumes_quotidiens() -> int:
    """Un courriel par destinataire au rythme quotidien, reprenant ce qu'il n'a pas reçu."""
    en_attente = (
        Notification.objects.filter(
            envoyee_le__isnull=True,
            destinataire__is_active=True,
            destinataire__frequence_notifications=FrequenceNotifications.QUOTIDIENNE,
        )
        .select_related("destinataire")
        .order_by("destinataire_id", "creee_le")
    )
    par_destinataire: dict[int, list[Notification]] = defaultdict(list)
    for notification in en_attente:
        par_destinataire[notification.destinataire_id].append(notification)
    for notifications in par_destinataire.values():
        taches.demander(envoyer_resume, [n.pk for n in notifications])
    return len(par_destinataire)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_resume(notification_ids: list[int]) -> None:
    with transaction.atomic():
        notifications = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("destinataire")
            .filter(pk__in=notification_ids, envoyee_le__isnull=True)
            .order_by("creee_le")
        )
        if not notifications:
            return
        destinataire = notifications[0].destinataire
        sujet = ngettext(
            "Votre résumé du jour : %(nombre)d notification",
            "Votre résumé du jour : %(nombre)d notifications",
            len(notifications),
        ) % {"nombre": len(notifications)}
        courriel_construire(
            gabarit="socle/courriels/resume_quotidien",
            sujet=sujet,
            destinataire=destinataire.email,
            contexte={
                "destinataire": destinataire,
                "notifications": [(n, lien_absolu(n.url)) for n in notifications],
                "lien_liste": lien_absolu(reverse("socle:notifications")),
                "intro": _("Voici ce qui s'est passé sur le portail depuis votre dernier résumé."),
            },
        ).send()
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(envoyee_le=timezone.now())


@shared_task
def relancer_les_taches() -> dict[str, int]:
    """Le balayage de la boîte d'envoi (chaque minute, Celery beat) : renvoie au broker les
    tâches demandées qui ne sont pas parties (Redis arrêté), perdues (Redis redémarré) ou
    restées en route (worker mort), abandonne celles qui échouent sans fin, et efface les
    demandes faites depuis plus de `taches.CONSERVATION_DES_FAITES` et les entrées échues du
    cache de secours (socle/cache.py : des clés qui citent une adresse IP)."""
    bilan = taches.relancer()
    bilan["effacees"] = taches.effacer_les_anciennes()
    bilan["cache_efface"] = EntreeDeCacheDeSecours.objects.filter(expires__lt=timezone.now()).delete()[0]
    return bilan
