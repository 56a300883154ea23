"""Fixtures communes : les personas du portail (DESIGN.md §2) et les services réels.

PostgreSQL et Redis sont ceux de DATABASE_URL / REDIS_URL ; les tâches Celery s'exécutent
en mode « eager » (le vrai code de la tâche, dans le processus du test) sauf dans
tests/integration, qui démarre un vrai worker.
"""

import importlib
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


@pytest.fixture(autouse=True)
def _groupes_des_roles(request: pytest.FixtureRequest) -> None:
    """Les tests transactionnels vident la base après chaque test, groupes des rôles
    compris (créés par une migration de données) : on les recrée avant chacun.

    (serialized_rollback ne convient pas ici : une fois Playwright lancé, asgiref voit une
    boucle asyncio et Django sert une autre connexion, sans la copie sérialisée.)
    """
    marqueur = request.node.get_closest_marker("django_db")
    if not marqueur or not marqueur.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    importlib.import_module("comptes.migrations.0002_groupes_des_roles").creer_groupes(apps, None)
    importlib.import_module("territoire.migrations.0002_droits_des_roles").donner_droits(apps, None)
    importlib.import_module("conseil.migrations.0002_droits_des_roles").donner_droits(apps, None)
    importlib.import_module("college.migrations.0002_droits_des_roles").donner_droits(apps, None)
    importlib.import_module("financements.migrations.0002_droits_des_roles").donner_droits(apps, None)
    importlib.import_module("bilan.migrations.0002_droits_des_roles").donner_droits(apps, None)


def code_totp(graine: str = GRAINE_TOTP) -> str:
    return format_hotp_value(hotp_value(graine, int(time.time()) // 30))


@pytest.fixture
def professionnel(db) -> Utilisateur:
    return UtilisateurFactory(email="pro@exemple.fr", prenom="Sophie", nom="Marie")


@pytest.fixture
def membre_college(db) -> Utilisateur:
    return UtilisateurFactory(email="membre@exemple.fr", roles=(Role.MEMBRE_COLLEGE,))


@pytest.fixture
def copresident(db) -> Utilisateur:
    return UtilisateurFactory(
        email="copresident@exemple.fr", roles=(Role.COPRESIDENT, Role.MEMBRE_COLLEGE), totp=True
    )


@pytest.fixture
def secretariat(db) -> Utilisateur:
    return UtilisateurFactory(
        email="secretariat@exemple.fr", roles=(Role.SECRETARIAT,), is_staff=True, totp=True
    )


@pytest.fixture
def agent(db) -> Utilisateur:
    return UtilisateurFactory(email="agent@exemple.fr", roles=(Role.AGENT,), is_staff=True, totp=True)


@pytest.fixture
def superutilisateur(db) -> Utilisateur:
    return UtilisateurFactory(email="admin@exemple.fr", is_staff=True, is_superuser=True, totp=True)


PERSONAS = [
    "anonyme",
    "professionnel",
    "membre_college",
    "copresident",
    "secretariat",
    "agent",
    "superutilisateur",
]


@pytest.fixture
def client_de(request, db):
    """client_de("agent") → un client connecté avec ce persona (ou anonyme)."""

    def fabriquer(persona: str) -> Client:
        client = Client()
        if persona != "anonyme":
            client.force_login(request.getfixturevalue(persona))
        return client

    return fabriquer
