"""Le vrai worker Celery des tests d'intégration, sur le vrai Redis et la base de test."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.storage import storages
from django.db import connection

from cotentin_sante.celery import app as celery_app

RACINE = Path(__file__).resolve().parents[2]


def url_base_de_test() -> str:
    reglages = connection.settings_dict
    hote = quote(reglages["HOST"] or "", safe="")  # un dossier de socket s'encode
    identite = quote(reglages["USER"] or "postgres", safe="")
    if reglages["PASSWORD"]:
        identite += ":" + quote(reglages["PASSWORD"], safe="")
    port = f":{reglages['PORT']}" if reglages["PORT"] else ""
    return f"postgres://{identite}@{hote}{port}/{reglages['NAME']}"


def attendre(condition: Callable[[], object], delai: float = 45.0) -> object:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if resultat := condition():
            return resultat
        time.sleep(0.2)
    raise AssertionError("délai dépassé")


def _reglages_du_worker(dossier: Path) -> str:
    """Un module de réglages pour le worker : ceux des tests, avec le stockage privé des
    documents de ce processus de test (cotentin_sante.settings_test en crée un neuf par
    processus), pour que le worker lise les fichiers que le test y dépose."""
    documents = storages["documents"].location
    (dossier / "reglages_worker.py").write_text(
        "from cotentin_sante.settings_test import *  # noqa: F403\n"
        "from cotentin_sante.settings_test import STORAGES\n\n"
        "STORAGES = {\n"
        "    **STORAGES,\n"
        f"    'documents': {{**STORAGES['documents'], 'OPTIONS': {{'location': {str(documents)!r}}}}},\n"
        "}\n"
    )
    return "reglages_worker"


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Path]:
    """Démarre `celery worker` dans un processus à part ; rend le dossier des courriels."""
    courriels = tmp_path / "courriels"
    file = celery_app.conf.task_default_queue
    with celery_app.connection_for_write() as connexion:
        connexion.default_channel.queue_purge(file)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": _reglages_du_worker(tmp_path),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(tmp_path), str(RACINE), os.environ.get("PYTHONPATH")])
        ),
        "DATABASE_URL": url_base_de_test(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(courriels),
    }
    journal = (tmp_path / "worker.log").open("w")
    processus = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cotentin_sante",
            "worker",
            "--pool",
            "solo",
            "-Q",
            file,
            "-n",
            f"tests-{os.getpid()}@%h",
            "-l",
            "info",
        ],
        cwd=RACINE,
        env=env,
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    celery_app.conf.task_always_eager = False
    try:
        attendre(lambda: processus.poll() is not None or celery_app.control.ping(timeout=0.5), delai=60)
        assert processus.poll() is None, (tmp_path / "worker.log").read_text()
        yield courriels
    finally:
        processus.send_signal(signal.SIGTERM)
        processus.wait(timeout=30)
        journal.close()
