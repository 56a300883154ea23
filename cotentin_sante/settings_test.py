"""Réglages des tests : ceux de la production, avec quelques valeurs posées pour la suite.

Les services restent réels : PostgreSQL (DATABASE_URL) et Redis (REDIS_URL).
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("PORTAIL_URL", "http://testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFESTE", "0")
os.environ.setdefault("CACHE_PREFIXE", "tests")
os.environ.setdefault("CELERY_FILE", "tests")

from cotentin_sante.settings import *  # noqa: E402, F403
from cotentin_sante.settings import BASE_DIR, STORAGES  # noqa: E402

# Hachage rapide : la suite crée beaucoup de comptes ; la production garde PBKDF2/Argon.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Cookies non sécurisés : le serveur de test des navigateurs parle en http.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("DOCUMENTS_ROOT", str(BASE_DIR / "var" / "tests" / "documents")),
            "base_url": None,
        },
    },
}
