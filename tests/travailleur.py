"""Un vrai worker Celery pour les tests, sur le vrai Redis et la base de test.

`worker_celery(...)` le démarre dans un processus à part (réglages des tests, stockage des
documents de ce processus de test, courriels écrits dans un dossier) et l'arrête à la
sortie. Les fixtures `worker` (tests/integration) et celles des parcours dans le navigateur
s'en servent.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.core.files.storage import storages
from django.db import connection

from cotentin_sante.celery import app as celery_app

RACINE = Path(__file__).resolve().parents[1]


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


def _reglages_du_worker(dossier: Path, en_plus: str) -> str:
    """Un module de réglages pour le worker : ceux des tests, avec le stockage privé des
    documents de ce processus de test (cotentin_sante.settings_test en crée un neuf par
    processus), pour que le worker lise les fichiers que le test y dépose ; `en_plus` :
    des lignes Python ajoutées à la fin (BILAN_PAUSE_ENTRE_ETAPES = 0.5…)."""
    documents = storages["documents"].location
    (dossier / "reglages_worker.py").write_text(
        "from cotentin_sante.settings_test import *  # noqa: F403\n"
        "from cotentin_sante.settings_test import STORAGES\n\n"
        "STORAGES = {\n"
        "    **STORAGES,\n"
        f"    'documents': {{**STORAGES['documents'], 'OPTIONS': {{'location': {str(documents)!r}}}}},\n"
        "}\n" + en_plus
    )
    return "reglages_worker"


@dataclass
class Worker:
    processus: subprocess.Popen[bytes]
    courriels: Path
    journal: Path

    def lire_journal(self) -> str:
        return self.journal.read_text() if self.journal.exists() else ""


def purger_la_file() -> None:
    with celery_app.connection_for_write() as connexion:
        connexion.default_channel.queue_purge(celery_app.conf.task_default_queue)


@contextmanager
def worker_celery(
    dossier: Path, *, pool: str = "solo", reglages_en_plus: str = "", purger: bool = True, nom: str = "tests"
) -> Iterator[Worker]:
    """Démarre `celery worker` (pool `solo`, ou `prefork` à un processus enfant) et attend
    qu'il réponde ; l'arrête (SIGTERM) à la sortie."""
    dossier.mkdir(parents=True, exist_ok=True)
    courriels = dossier / "courriels"
    if purger:
        purger_la_file()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": _reglages_du_worker(dossier, reglages_en_plus),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(dossier), str(RACINE), os.environ.get("PYTHONPATH")])
        ),
        "DATABASE_URL": url_base_de_test(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(courriels),
    }
    options = ["--pool", pool] + (["--concurrency", "1"] if pool == "prefork" else [])
    chemin_journal = dossier / "worker.log"
    journal = chemin_journal.open("w")
    processus = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cotentin_sante",
            "worker",
            *options,
            "-Q",
            celery_app.conf.task_default_queue,
            "-n",
            f"{nom}-{os.getpid()}-{time.monotonic_ns()}@%h",
            "-l",
            "info",
        ],
        cwd=RACINE,
        env=env,
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    celery_app.conf.task_always_eager = False
    worker = Worker(processus=processus, courriels=courriels, journal=chemin_journal)
    try:
        attendre(lambda: processus.poll() is not None or celery_app.control.ping(timeout=0.5), delai=60)
        assert processus.poll() is None, worker.lire_journal()
        yield worker
    finally:
        if processus.poll() is None:
            processus.send_signal(signal.SIGTERM)
            try:
                processus.wait(timeout=30)
            except subprocess.TimeoutExpired:
                processus.kill()
                processus.wait(timeout=10)
        journal.close()
