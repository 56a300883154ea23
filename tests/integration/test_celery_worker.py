"""Un vrai worker Celery, sur le vrai Redis et la base de test : le courriel d'une
notification part bien par le worker, après validation de la transaction."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from comptes.services import invitation_accepter
from cotentin_sante.celery import app as celery_app
from socle.models import Notification
from tests.comptes.factories import MOT_DE_PASSE, InvitationFactory, UtilisateurFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
RACINE = Path(__file__).resolve().parents[2]


def _url_base_de_test() -> str:
    reglages = connection.settings_dict
    hote = quote(reglages["HOST"] or "", safe="")  # un dossier de socket s'encode
    identite = quote(reglages["USER"] or "postgres", safe="")
    if reglages["PASSWORD"]:
        identite += ":" + quote(reglages["PASSWORD"], safe="")
    port = f":{reglages['PORT']}" if reglages["PORT"] else ""
    return f"postgres://{identite}@{hote}{port}/{reglages['NAME']}"


def _attendre(condition: Callable[[], object], delai: float = 45.0) -> object:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if resultat := condition():
            return resultat
        time.sleep(0.2)
    raise AssertionError("délai dépassé")


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Path]:
    """Démarre `celery worker` dans un processus à part ; rend le dossier des courriels."""
    courriels = tmp_path / "courriels"
    file = celery_app.conf.task_default_queue
    with celery_app.connection_for_write() as connexion:
        connexion.default_channel.queue_purge(file)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cotentin_sante.settings_test",
        "DATABASE_URL": _url_base_de_test(),
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
        _attendre(lambda: processus.poll() is not None or celery_app.control.ping(timeout=0.5), delai=60)
        assert processus.poll() is None, (tmp_path / "worker.log").read_text()
        yield courriels
    finally:
        processus.send_signal(signal.SIGTERM)
        processus.wait(timeout=30)
        journal.close()


def test_le_courriel_de_notification_part_par_le_worker(worker: Path):
    inviteur = UtilisateurFactory(email="inviteur@exemple.fr", prenom="Claire")
    invitation = InvitationFactory(email="camille@exemple.fr", invite_par=inviteur)

    invitation_accepter(invitation=invitation, prenom="Camille", nom="Leblond", mot_de_passe=MOT_DE_PASSE)

    def courriel_ecrit() -> str | None:
        for fichier in worker.glob("*.log") if worker.exists() else []:
            contenu = fichier.read_text()
            if "To: inviteur@exemple.fr" in contenu:
                return contenu
        return None

    contenu = str(_attendre(courriel_ecrit))
    assert "Camille Leblond a accept" in contenu
    assert "Content-Type: text/html" in contenu
    notification = Notification.objects.get(destinataire=inviteur)
    _attendre(lambda: Notification.objects.filter(pk=notification.pk, envoyee_le__isnull=False).exists())


def test_la_sonde_de_sante_repond_200_quand_tout_repond(worker: Path, client):
    reponse = client.get("/sante/")
    assert reponse.status_code == 200
    assert reponse.json() == {"postgresql": "ok", "redis": "ok", "celery": "ok"}


def test_la_sonde_de_sante_repond_503_sans_worker(client):
    celery_app.conf.task_always_eager = False
    reponse = client.get("/sante/")
    assert reponse.status_code == 503
    assert reponse.json()["celery"] == "erreur : aucun worker ne répond"
    assert reponse.json()["postgresql"] == "ok"
