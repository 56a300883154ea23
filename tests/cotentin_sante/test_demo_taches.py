"""Les tâches que demande la démonstration : les courriels de ses notifications, datées d'un
passé raconté, sont soldés sans être écrits ; le reste (récépissés, courriers, convocations,
procès-verbaux) est fait comme le ferait le worker."""

from django.db.models import F

from socle.models import Notification, TacheDemandee
from socle.tasks import envoyer_notification


def test_la_demonstration_ne_laisse_pas_de_courriels_de_notification_au_worker(demonstration):
    notifications = TacheDemandee.objects.filter(nom=envoyer_notification.name)
    assert notifications.count() > 100
    assert not notifications.filter(faite_le__isnull=True).exists()
    immediates = Notification.objects.filter(
        pk__in=[a[0] for a in notifications.values_list("arguments", flat=True)]
    )
    assert immediates.count() == notifications.count()
    assert not immediates.exclude(envoyee_le=F("creee_le")).exists()
    # Les autres tâches de la démonstration ont été faites (ici par le mode « eager »).
    autres = TacheDemandee.objects.exclude(nom=envoyer_notification.name)
    assert autres.filter(nom="financements.tasks.produire_recepisse").exists()
    assert not autres.filter(faite_le__isnull=True).exists()
