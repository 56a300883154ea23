"""Tâche Celery du bilan : elle prend un identifiant et se rejoue sans dommage."""

from celery import shared_task
from django.conf import settings

from bilan.services import version_generer


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    # Au-delà, la génération est arrêtée (échouée, relançable) : un bilan chargé se fait en
    # moins d'une minute (bench/bilan_annuel.py). La boîte d'envoi (socle/taches.py) relit
    # cette durée pour voir un worker mort en route.
    soft_time_limit=settings.BILAN_DUREE_MAX_MINUTES * 60,
    time_limit=settings.BILAN_DUREE_MAX_MINUTES * 60 + 30,
)
def generer_version(version_id: int) -> None:
    """Génère le PDF d'une version du bilan. Acquittée une fois finie seulement : un worker
    tué en route laisse la tâche à refaire (la version reprend depuis le début)."""
    version_generer(version_id)
