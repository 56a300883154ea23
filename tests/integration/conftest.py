"""Le vrai worker Celery des tests d'intégration, sur le vrai Redis et la base de test
(tests/travailleur.py)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.travailleur import attendre, url_base_de_test, worker_celery

__all__ = ["attendre", "url_base_de_test", "worker"]


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Path]:
    """Démarre `celery worker` dans un processus à part ; rend le dossier des courriels."""
    with worker_celery(tmp_path) as demarre:
        yield demarre.courriels
