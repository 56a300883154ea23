"""Outils de test partagés."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from socle.verbes import Verbe

# Des actions d'essai, pour le journal et les notifications des tests du socle.
VERBE_ESSAI = Verbe("tests.essai", "Action d'essai")
VERBE_AUTRE = Verbe("tests.autre", "Autre action d'essai")


def compter_requetes(client: Client, url: str, methode: str = "get", **kwargs: Any) -> int:
    """Le nombre de requêtes SQL d'une page ; la page doit répondre sans erreur.

    Le cache des types de contenu est vidé d'abord : sinon le compte dépendrait de
    l'ordre des tests.
    """
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as requetes:
        reponse = getattr(client, methode)(url, **kwargs)
    assert reponse.status_code in {200, 302}, (url, reponse.status_code)
    return len(requetes)


@contextmanager
def celery_en_mode_eager() -> Iterator[None]:
    """Les tâches Celery s'exécutent dans le processus, au moment où elles sont mises en file."""
    from cotentin_sante.celery import app

    avant = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = avant


def port_ferme() -> int:
    """Un port local où rien n'écoute : une connexion y est refusée aussitôt."""
    import socket  # import local : seul outil de ce module qui en a besoin

    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return int(prise.getsockname()[1])


@contextmanager
def broker_arrete() -> Iterator[None]:
    """Celery parle à un broker qui refuse toute connexion (comme un Redis arrêté), hors du
    mode « eager » : c'est le vrai envoi de kombu qui échoue, sans simulacre."""
    from cotentin_sante.celery import app

    def oublier_les_connexions() -> None:
        # Les pools de connexions et de producteurs gardent l'adresse du broker : on les lâche,
        # le prochain envoi en refait avec l'adresse en vigueur.
        app._pool = None
        app.amqp._producer_pool = None

    avant = app.conf.broker_url, app.conf.task_always_eager
    oublier_les_connexions()
    app.conf.broker_url = f"redis://127.0.0.1:{port_ferme()}/0"
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        oublier_les_connexions()
        app.conf.broker_url, app.conf.task_always_eager = avant


def donnees_du_module(fabrique: Callable[[], Any]) -> Any:
    """Fait de `fabrique` une fixture de module : les données qu'elle écrit le sont une fois pour
    tous les tests du module, comme `TestCase.setUpTestData`.

    Elle s'exécute dans une transaction ouverte pour tout le module et annulée à la fin ; chaque
    test (`django_db`, non transactionnel) tourne dans un point de sauvegarde à l'intérieur, annulé
    après lui : ce qu'un test écrit ne se voit pas dans le suivant. Les objets rendus sont
    partagés : un test les lit (clés, comptes) et relit la base s'il lui faut leur état. Les
    tâches que la fabrique met en file après validation s'exécutent à la fin de la fabrique,
    dans le processus (Celery en mode « eager », comme pour chaque test).
    """

    @pytest.fixture(scope="module", name=fabrique.__name__)
    def fixture(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
        with django_db_blocker.unblock():
            bloc = transaction.atomic()
            bloc.__enter__()
            try:
                with celery_en_mode_eager(), TestCase.captureOnCommitCallbacks(execute=True):
                    donnees = fabrique()
                yield donnees
            finally:
                transaction.set_rollback(True)
                bloc.__exit__(None, None, None)

    fixture.__doc__ = fabrique.__doc__
    return fixture
