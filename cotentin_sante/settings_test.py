"""Réglages des tests : ceux de la production, avec quelques valeurs posées pour la suite.

Les services restent réels : PostgreSQL (DATABASE_URL) et Redis (REDIS_URL).
"""

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("SECRET_KEY", "tests-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("PORTAIL_URL", "http://testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFESTE", "0")
# Base Redis distincte de celle du développement : les tests vident le cache.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")


def _isoler_le_processus_xdist() -> None:
    """Chaque processus de pytest-xdist (gw0, gw1…) a sa base PostgreSQL (pytest-django ajoute
    le suffixe), sa base Redis (la suivante de REDIS_URL : gw0 → 2 si REDIS_URL vise 1), son
    préfixe de cache et sa file Celery. Les commandes diffusées aux workers Celery (ping de la
    sonde de santé, arrêt) restent dans la base Redis d'un processus : le worker d'un test ne
    répond pas à la place de celui d'un autre.

    Les valeurs partent de celles du processus qui a lancé pytest, gardées dans `*_DES_TESTS` :
    un worker Celery lancé par un test relit ces réglages et retombe sur les mêmes."""
    processus = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not processus:
        os.environ.setdefault("CACHE_PREFIXE", "tests")
        os.environ.setdefault("CELERY_FILE", "tests")
        return
    base = urlsplit(os.environ.setdefault("REDIS_URL_DES_TESTS", os.environ["REDIS_URL"]))
    numero = int(base.path.strip("/") or 0) + 1 + int(processus.removeprefix("gw"))
    if numero > 15:
        raise ImproperlyConfigured(
            f"Pas de base Redis n° {numero} pour le processus {processus} : lancez moins de "
            "processus (pytest -n) ou visez une base plus basse dans REDIS_URL."
        )
    os.environ["REDIS_URL"] = urlunsplit(base._replace(path=f"/{numero}"))
    os.environ["CACHE_PREFIXE"] = f"tests-{processus}"
    os.environ["CELERY_FILE"] = f"tests-{processus}"


_isoler_le_processus_xdist()

from cotentin_sante.settings import *  # noqa: E402, F403
from cotentin_sante.settings import DATABASES, STORAGES  # noqa: E402

# Une validation n'attend pas que le WAL soit écrit sur le disque : la suite valide des milliers
# de transactions (tests transactionnels, vrai worker) ; une coupure de la machine perdrait
# les dernières, ce qui n'importe pas pour une base de test jetable.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"

# Hachage rapide : la suite crée beaucoup de comptes ; la production garde PBKDF2/Argon.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Cookies non sécurisés : le serveur de test des navigateurs parle en http.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "documents": {
        "BACKEND": "socle.stockage.StockagePrive",
        "OPTIONS": {
            # Un dossier neuf par session de tests : rien ne traîne d'une session à l'autre.
            "location": tempfile.mkdtemp(prefix="cotentin-documents-"),
        },
    },
}
