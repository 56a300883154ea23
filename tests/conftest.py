"""Fixtures communes : les personas du portail (DESIGN.md §2) et les services réels.

PostgreSQL et Redis sont ceux de DATABASE_URL / REDIS_URL ; les tâches Celery s'exécutent
en mode « eager » (le vrai code de la tâche, dans le processus du test) sauf dans
tests/integration, qui démarre un vrai worker.
"""

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from comptes.models import Utilisateur
from comptes.roles import Role
from tests.comptes.factories import GRAINE_TOTP, UtilisateurFactory
from tests.outils import celery_en_mode_eager

# La démonstration complète, construite une fois par session (fixture `demonstration`).
pytest_plugins = ["tests.demonstration"]


@pytest.fixture(autouse=True)
def _celery_eager() -> Iterator[None]:
    with celery_en_mode_eager():
        yield


def vider_le_cache() -> None:
    """Efface les clés du cache de ce processus de tests, et seulement elles : `cache.clear()`
    viderait toute la base Redis, donc le cache et la file Celery des autres processus de
    pytest-xdist qui la partagent."""
    client = cache._cache.get_client(write=True)
    cles = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
    if cles:
        client.delete(*cles)


@pytest.fixture(autouse=True)
def _cache_vide() -> Iterator[None]:
    # Les limites de tentatives d'allauth vivent dans le cache Redis : chaque test repart de zéro.
    vider_le_cache()
    yield


# Tables que `flush` vide et que post_migrate remplit de nouveau aussitôt, ou qu'il ne vide pas.
TABLES_REFAITES = {"django_content_type", "auth_permission", "django_migrations"}


@pytest.fixture(scope="session")
def _groupes_apres_migrations(django_db_setup, django_db_blocker) -> dict[str, list[tuple[str, str]]]:
    """Les groupes des rôles et leurs droits, tels que les migrations de données les laissent
    (par clés naturelles : `flush` recrée les droits sous d'autres identifiants).

    Vérifie au passage que ces groupes sont les seules lignes que les migrations écrivent : une
    migration de données qui écrirait ailleurs doit être ajoutée à `_groupes_des_roles`."""
    from django.contrib.auth.models import Group
    from django.db import connection

    with django_db_blocker.unblock():
        with connection.cursor() as curseur:
            tables = [t for t in connection.introspection.django_table_names(only_existing=True)]
            curseur.execute(
                " UNION ALL ".join(
                    # Noms de tables lus dans la base et cités : rien d'extérieur dans la requête.
                    f"SELECT %s, EXISTS (SELECT 1 FROM {connection.ops.quote_name(t)})"  # noqa: S608
                    for t in tables
                ),
                tables,
            )
            remplies = {table for table, rempli in curseur.fetchall() if rempli}
        inconnues = remplies - TABLES_REFAITES - {"auth_group", "auth_group_permissions"}
        assert not inconnues, f"Des migrations de données écrivent dans {sorted(inconnues)}."
        return {
            groupe.name: [(p.content_type.app_label, p.codename) for p in groupe.permissions.all()]
            for groupe in Group.objects.prefetch_related("permissions__content_type")
        }


@pytest.fixture(autouse=True)
def _groupes_des_roles(request: pytest.FixtureRequest) -> None:
    """Les tests transactionnels vident la base après chaque test, groupes des rôles compris
    (créés par des migrations de données) : on les remet avant chacun, en quatre requêtes.

    (serialized_rollback ne convient pas ici : une fois Playwright lancé, asgiref voit une
    boucle asyncio et Django sert une autre connexion, sans la copie sérialisée. Rejouer les
    migrations de données coûtait une seconde par test.)
    """
    marqueur = request.node.get_closest_marker("django_db")
    if not marqueur or not marqueur.kwargs.get("transaction"):
        return
    groupes = request.getfixturevalue("_groupes_apres_migrations")
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group, Permission

    if Group.objects.filter(name__in=groupes).count() == len(groupes):
        return  # le premier test transactionnel trouve la base telle que migrée
    droits = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    crees = Group.objects.bulk_create([Group(name=nom) for nom in groupes])
    Group.permissions.through.objects.bulk_create(
        Group.permissions.through(group_id=groupe.pk, permission_id=droits[cle])
        for groupe in crees
        for cle in groupes[groupe.name]
    )


def code_totp(graine: str = GRAINE_TOTP) -> str:
    return format_hotp_value(hotp_value(graine, int(time.time()) // 30))


# Les personas du portail (DESIGN.md §2) : des fixtures de test, et `personas()` pour les données
# d'un module (tests/outils.donnees_du_module).
FABRIQUES_DES_PERSONAS: dict[str, Callable[[], Any]] = {
    "professionnel": lambda: UtilisateurFactory(email="pro@exemple.fr", prenom="Sophie", nom="Marie"),
    "membre_college": lambda: UtilisateurFactory(email="membre@exemple.fr", roles=(Role.MEMBRE_COLLEGE,)),
    "copresident": lambda: UtilisateurFactory(
        email="copresident@exemple.fr", roles=(Role.COPRESIDENT, Role.MEMBRE_COLLEGE), totp=True
    ),
    "secretariat": lambda: UtilisateurFactory(
        email="secretariat@exemple.fr", roles=(Role.SECRETARIAT,), is_staff=True, totp=True
    ),
    "agent": lambda: UtilisateurFactory(
        email="agent@exemple.fr", roles=(Role.AGENT,), is_staff=True, totp=True
    ),
    "superutilisateur": lambda: UtilisateurFactory(
        email="admin@exemple.fr", is_staff=True, is_superuser=True, totp=True
    ),
}


def personas() -> dict[str, Any]:
    """Un compte pour chaque persona connecté (les mêmes que les fixtures ci-dessous)."""
    return {nom: fabrique() for nom, fabrique in FABRIQUES_DES_PERSONAS.items()}


@pytest.fixture
def professionnel(db) -> Utilisateur:
    return FABRIQUES_DES_PERSONAS["professionnel"]()


@pytest.fixture
def membre_college(db) -> Utilisateur:
    return FABRIQUES_DES_PERSONAS["membre_college"]()


@pytest.fixture
def copresident(db) -> Utilisateur:
    return FABRIQUES_DES_PERSONAS["copresident"]()


@pytest.fixture
def secretariat(db) -> Utilisateur:
    return FABRIQUES_DES_PERSONAS["secretariat"]()


@pytest.fixture
def agent(db) -> Utilisateur:
    return FABRIQUES_DES_PERSONAS["agent"]()


@pytest.fixture
def superutilisateur(db) -> Utilisateur:
    return FABRIQUES_DES_PERSONAS["superutilisateur"]()


PERSONAS = [
    "anonyme",
    "professionnel",
    "membre_college",
    "copresident",
    "secretariat",
    "agent",
    "superutilisateur",
]


def client_connecte(utilisateur: Utilisateur | None) -> Client:
    """Un client connecté avec ce compte (anonyme sans compte)."""
    client = Client()
    if utilisateur is not None:
        client.force_login(utilisateur)
    return client


@pytest.fixture
def client_de(request, db):
    """client_de("agent") → un client connecté avec ce persona (ou anonyme)."""

    def fabriquer(persona: str) -> Client:
        client = Client()
        if persona != "anonyme":
            client.force_login(request.getfixturevalue(persona))
        return client

    return fabriquer
