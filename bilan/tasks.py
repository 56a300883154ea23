"""Tâche Celery du bilan : elle prend un identifiant et se rejoue sans dommage."""

from celery import shared_task

from bilan.services import version_generer


@shared_task(acks_late=True, reject_on_worker_lost=True)
def generer_version(version_id: int) -> None:
    """Génère le PDF d'une version du bilan. Acquittée une fois finie seulement : un worker
    tué en route laisse la tâche à refaire (la version reprend depuis le début)."""
    version_generer(version_id)
