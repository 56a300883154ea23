"""Réglages des tests : ceux de la production, avec quelques valeurs posées pour la suite.

Les services restent réels : PostgreSQL (DATABASE_URL) et Redis (REDIS_URL).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("PORTAIL_URL", "http://testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFESTE", "0")
os.environ.setdefault("CACHE_PREFIXE", "tests")
os.environ.setdefault("CELERY_FILE", "tests")
# Base Redis distincte de celle du développement : les tests vident le cache.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")

from cotentin_sante.settings import *  # noqa: E402, F403
from cotentin_sante.settings import STORAGES  # noqa: E402

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
