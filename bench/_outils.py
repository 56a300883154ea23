"""Outils communs des mesures : base de test à part, durées en alternance avec une référence."""

import os
import statistics
import sys
import time
import urllib.parse
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotentin_sante.settings_test")
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

REPETITIONS = 40


@contextmanager
def base_de_mesure() -> Iterator[str]:
    """Une base de test neuve (migrations comprises), détruite à la fin ; rend son nom."""
    setup_test_environment()
    nom_base = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield nom_base
    finally:
        connection.creation.destroy_test_db(nom_base, verbosity=0)


def duree_page(client: Client, url: str) -> float:
    debut = time.perf_counter()
    reponse = client.get(url)
    duree = time.perf_counter() - debut
    assert reponse.status_code == 200, (url, reponse.status_code)
    return duree


def rapport(client: Client, url: str, reference: tuple[Client, str], repetitions: int = REPETITIONS) -> float:
    """Médiane des rapports page / page de référence, mesurées en alternance : une
    variation de charge de la machine touche les deux mesures d'une même paire."""
    duree_page(client, url)  # chauffe : gabarits compilés, connexion ouverte
    duree_page(*reference)
    return statistics.median(duree_page(client, url) / duree_page(*reference) for _ in range(repetitions))


def client_agent() -> Client:
    """Un client connecté en agent (superutilisateur, double authentification active)."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from comptes.models import Utilisateur
    from comptes.roles import GROUPES, Role

    agent = Utilisateur.objects.create_user("agent-bench@exemple.fr", "x", is_staff=True, is_superuser=True)
    agent.groups.add(Group.objects.get(name=GROUPES[Role.AGENT]))
    TOTP.activate(agent, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(agent)
    return client


def url_de_la_base(nom_base: str) -> str:
    """La DATABASE_URL de la base de mesure : celle du script, avec le nom de la base changé
    (socket Unix du PostgreSQL embarqué de `make bench` comprise)."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cotentin_sante")
    return urllib.parse.urlsplit(url)._replace(path=f"/{nom_base}").geturl()
