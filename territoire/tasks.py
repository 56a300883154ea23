"""Tâches Celery du territoire : elles prennent des identifiants et sont idempotentes."""

from celery import shared_task

from territoire.services import import_executer


@shared_task
def executer_import(import_id: int) -> None:
    """Fait tourner un import déposé dans l'administration (refait si le worker meurt en route)."""
    import_executer(import_id=import_id)
