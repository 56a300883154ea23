"""La démonstration, construite une seule fois par session de tests.

`manage.py demo` passe par les services de toutes les applications : une demi-minute, que
chaque test de la démonstration payait autrefois. Ici, la fixture de session la construit une
fois, par les mêmes étapes que la commande (cotentin_sante/demo.py), dans une base à part : un
clone de la base de test migrée (`CREATE DATABASE … TEMPLATE`). Après chaque étape, un clone de
plus garde la démonstration telle qu'elle est à ce moment-là : le test du Conseil de
démonstration lit la base juste après l'étape du Conseil, sans ce que le Collège et les
financements y ajoutent ensuite.

Un test qui en a besoin demande la fixture `demonstration` (en premier argument) et, pour
s'arrêter après une étape, porte la marque `@pytest.mark.demonstration("conseil")`. Sa
connexion bascule sur la base voulue le temps du test, dans une transaction annulée à la fin
comme partout ailleurs : la démonstration reste intacte. Les tests transactionnels (qui vident
la base) ne peuvent pas s'en servir.

Avec pytest-xdist, ces tests vont tous au même processus (groupe `demonstration`, `--dist
loadgroup`) : la démonstration n'est construite qu'une fois pour toute la suite.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import override_settings

from cotentin_sante import demo
from tests.outils import celery_en_mode_eager

GROUPE_XDIST = "demonstration"


@dataclass
class Demonstration:
    base: str  # la démonstration complète
    sortie: str = ""  # ce que les étapes ont écrit, comme `manage.py demo` à l'écran
    chargees: dict[str, bool] = field(default_factory=dict)  # étape → a chargé ses données
    courriels: dict[str, list[mail.EmailMessage]] = field(default_factory=dict)  # partis à l'étape
    bases_des_etapes: dict[str, str] = field(default_factory=dict)  # étape → base juste après elle


@contextmanager
def sur_la_base(nom: str) -> Iterator[None]:
    """La connexion de Django pointe sur la base `nom` le temps du bloc."""
    ancienne = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = nom
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = ancienne


def _cloner(source: str, cible: str) -> None:
    """`cible`, copie de `source` (qu'aucune connexion ne doit tenir ouverte)."""
    connection.close()
    nom_source, nom_cible = connection.ops.quote_name(source), connection.ops.quote_name(cible)
    with connection._nodb_cursor() as curseur:
        curseur.execute(f"DROP DATABASE IF EXISTS {nom_cible} WITH (FORCE)")
        try:
            curseur.execute(f"CREATE DATABASE {nom_cible} TEMPLATE {nom_source}")
        except Exception as erreur:
            if not isinstance(erreur.__cause__, psycopg.errors.ObjectInUse):
                raise
            # Ces bases n'appartiennent qu'à ce processus : une connexion encore ouverte sur
            # l'une d'elles vient d'un de ses fils (serveur des tests dans le navigateur).
            curseur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [source],
            )
            curseur.execute(f"CREATE DATABASE {nom_cible} TEMPLATE {nom_source}")


def _supprimer(nom: str) -> None:
    connection.close()
    with connection._nodb_cursor() as curseur:
        curseur.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(nom)} WITH (FORCE)")


def _construire(resultat: Demonstration) -> None:
    sortie = io.StringIO()
    for etape in demo.ETAPES:
        with sur_la_base(resultat.base):
            mail.outbox = []
            # Une transaction par étape : les tâches mises en file pendant l'étape (courriels,
            # PDF) s'exécutent à sa validation, comme le worker de `make run` les prend après
            # la commande ; on relève les courriels de l'étape.
            with transaction.atomic():
                resultat.chargees[etape.cle] = demo.charger_etape(
                    etape, afficher=lambda texte: sortie.write(f"{texte}\n")
                )
            resultat.courriels[etape.cle] = list(mail.outbox)
        if etape is not demo.ETAPES[-1]:
            resultat.bases_des_etapes[etape.cle] = f"{resultat.base}_{etape.cle}"
            _cloner(resultat.base, resultat.bases_des_etapes[etape.cle])
    resultat.bases_des_etapes[demo.ETAPES[-1].cle] = resultat.base
    resultat.sortie = sortie.getvalue()


@pytest.fixture(scope="session")
def _base_de_demonstration(django_db_setup, django_db_blocker) -> Iterator[Demonstration]:
    with django_db_blocker.unblock():
        resultat = Demonstration(base=f"{connection.settings_dict['NAME']}_demonstration")
        _cloner(connection.settings_dict["NAME"], resultat.base)
        try:
            with override_settings(DEBUG=True), celery_en_mode_eager():
                _construire(resultat)
            yield resultat
        finally:
            for nom in {resultat.base, *resultat.bases_des_etapes.values()}:
                _supprimer(nom)


@pytest.fixture
def _sur_la_base_de_demonstration(
    _base_de_demonstration: Demonstration, request: pytest.FixtureRequest
) -> Iterator[None]:
    if connection.in_atomic_block:
        raise pytest.UsageError(
            "La transaction du test est déjà ouverte sur la base de test : demandez la fixture "
            "`demonstration` en premier argument, avant toute fixture qui touche la base."
        )
    marque = request.node.get_closest_marker("demonstration")
    base = _base_de_demonstration.base
    if marque is not None:
        [etape] = marque.args
        base = _base_de_demonstration.bases_des_etapes[etape]
    with sur_la_base(base):
        yield


@pytest.fixture
def demonstration(
    _sur_la_base_de_demonstration: None, db: None, _base_de_demonstration: Demonstration
) -> Demonstration:
    """La démonstration (complète, ou arrêtée après l'étape de la marque `demonstration`) : le
    test tourne dans sa base, dans une transaction annulée à la fin.

    La connexion bascule sur la base de la démonstration avant que `db` n'ouvre la transaction
    du test (d'où l'ordre des arguments) ; un test qui s'en sert ne porte pas la marque
    `django_db`, qui l'ouvrirait avant."""
    return _base_de_demonstration


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    etapes = {etape.cle for etape in demo.ETAPES}
    for item in items:
        if "demonstration" not in getattr(item, "fixturenames", ()):
            continue
        if item.get_closest_marker("django_db") is not None:
            # La marque ouvrirait la transaction du test sur la base de test, avant la bascule.
            raise pytest.UsageError(f"{item.nodeid} : la fixture demonstration se passe de django_db.")
        marque = item.get_closest_marker("demonstration")
        if marque is not None and (len(marque.args) != 1 or marque.args[0] not in etapes):
            raise pytest.UsageError(f"{item.nodeid} : étape de démonstration inconnue {marque.args}.")
        item.add_marker(pytest.mark.xdist_group(GROUPE_XDIST))
