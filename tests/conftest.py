"""Fixtures communes : les personas du portail (DESIGN.md §2) et les services réels.

PostgreSQL et Redis sont ceux de DATABASE_URL / REDIS_URL ; les tâches Celery s'exécutent
en mode « eager » (le vrai code de la tâche, dans le processus du test) sauf dans
tests/integration, qui démarre un vrai worker.
"""

import time
from collections.abc import Iterator

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client

from comptes.models import Utilisateur
from comptes.roles import Role
from cotentin_sante.celery import app as celery_app
from tests.comptes.factories import GRAINE_TOTP, UtilisateurFactory


@pytest.fixture(autouse=True)
def _celery_eager() -> Iterator[None]:
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _cache_vide() -> Iterator[None]:
    # Les limites de tentatives d'allauth vivent dans le cache Redis : chaque test repart de zéro.
    cache.clear()
    yield


def code_totp(graine: str = GRAINE_TOTP) -> str:
    return format_hotp_value(hotp_value(graine, int(time.time()) // 30))


@pytest.fixture
def professionnel(db) -> Utilisateur:  # type: ignore[no-untyped-def]
    return UtilisateurFactory(email="pro@exemple.fr", prenom="Sophie", nom="Marie")


@pytest.fixture
def membre_college(db) -> Utilisateur:  # type: ignore[no-untyped-def]
    return UtilisateurFactory(email="membre@exemple.fr", roles=(Role.MEMBRE_COLLEGE,))


@pytest.fixture
def copresident(db) -> Utilisateur:  # type: ignore[no-untyped-def]
    return UtilisateurFactory(
        email="copresident@exemple.fr", roles=(Role.COPRESIDENT, Role.MEMBRE_COLLEGE), totp=True
    )


@pytest.fixture
def secretariat(db) -> Utilisateur:  # type: ignore[no-untyped-def]
    return UtilisateurFactory(
        email="secretariat@exemple.fr", roles=(Role.SECRETARIAT,), is_staff=True, totp=True
    )


@pytest.fixture
def agent(db) -> Utilisateur:  # type: ignore[no-untyped-def]
    return UtilisateurFactory(email="agent@exemple.fr", roles=(Role.AGENT,), is_staff=True, totp=True)


@pytest.fixture
def superutilisateur(db) -> Utilisateur:  # type: ignore[no-untyped-def]
    return UtilisateurFactory(email="admin@exemple.fr", is_staff=True, is_superuser=True, totp=True)


PERSONAS = ["anonyme", "professionnel", "membre_college", "copresident", "secretariat", "agent", "superutilisateur"]


@pytest.fixture
def client_de(request, db):  # type: ignore[no-untyped-def]
    """client_de("agent") → un client connecté avec ce persona (ou anonyme)."""

    def fabriquer(persona: str) -> Client:
        client = Client()
        if persona != "anonyme":
            client.force_login(request.getfixturevalue(persona))
        return client

    return fabriquer
