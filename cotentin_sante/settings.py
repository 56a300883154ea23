"""Réglages du portail, lus uniquement dans l'environnement.

Les valeurs par défaut sont celles de la production (DEBUG éteint, cookies sécurisés,
HSTS) ; `make run` et les tests posent leurs propres variables. Les configurations
incohérentes sont signalées par les contrôles système de `socle/checks.py`.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP

from cotentin_sante import env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.booleen("DJANGO_DEBUG", False)

# Clé de développement : refusée par les contrôles système dès que DEBUG est éteint.
CLE_DE_DEVELOPPEMENT = "dev-non-secrete-cotentin-sante-ne-jamais-utiliser-en-production"
# Vide en production si la variable manque : `check --deploy` (lancé avant gunicorn) le
# refuse (cotentin.E000) et Django refuse toute signature ; les commandes qui n'en ont pas
# besoin (makemigrations) restent possibles.
SECRET_KEY = env.chaine("SECRET_KEY") or (CLE_DE_DEVELOPPEMENT if DEBUG else "")

ALLOWED_HOSTS = env.liste("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env.liste("CSRF_TRUSTED_ORIGINS")

# Adresse publique du portail : les courriels envoyés par Celery n'ont pas de requête
# sous la main pour construire des liens absolus.
PORTAIL_URL = env.chaine("PORTAIL_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "socle",
    "comptes",
    "territoire",
    "conseil",
    "college",
    "financements",
    "recrutement",
    "rencontres",
    "bilan",
    # Le projet lui-même, pour la commande `demo` qui enchaîne les démonstrations de toutes
    # les applications (cotentin_sante/demo.py).
    "cotentin_sante",
]

MIDDLEWARE = [
    # Le premier : tout ce que la requête journalise porte son identifiant.
    "socle.journalisation.IdentifiantDeRequeteMiddleware",
    # Un octet nul dans l'adresse ou un formulaire répond 400 (PostgreSQL ne le lirait pas).
    "socle.middleware.OctetNulMiddleware",
    # Compresse en dernier ce que les suivants ont écrit (pages, CSV, calendriers, cartes SVG).
    "socle.middleware.CompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "comptes.middleware.MFAObligatoireMiddleware",
    # Axes doit rester le dernier : il transforme un verrouillage en réponse 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cotentin_sante.urls"
WSGI_APPLICATION = "cotentin_sante.wsgi.application"
ASGI_APPLICATION = "cotentin_sante.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "socle.context_processors.portail",
            ],
        },
    },
    # Les gabarits de texte brut (messages des notifications, partie texte des courriels) :
    # rien n'y est échappé pour le HTML. Le texte rendu est stocké ou envoyé tel quel, et
    # c'est la page ou la partie HTML du courriel qui l'échappe, une seule fois, en
    # l'affichant (sinon « l&#x27;état » et « &amp; » ; socle.courriels.texte_rendre).
    {
        "NAME": "texte",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Base de données : PostgreSQL uniquement (recherche plein texte, contraintes).
DATABASES = {
    "default": dj_database_url.parse(
        env.chaine("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cotentin_sante"),
        conn_max_age=env.entier("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.chaine("REDIS_URL", "redis://127.0.0.1:6379/0")
# Redis, et la base de données quand il ne répond pas (socle/cache.py) : les limites de
# connexion d'allauth tiennent pendant une panne de Redis, sans empêcher de se connecter.
CACHES = {
    "default": {
        "BACKEND": "socle.cache.CacheRedisAvecSecours",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.chaine("CACHE_PREFIXE", "cotentin"),
        # Un Redis arrêté se voit vite (connexion refusée) ; un Redis figé, en une seconde.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

AUTH_USER_MODEL = "comptes.Utilisateur"
AUTHENTICATION_BACKENDS = [
    # Axes en premier : il refuse l'authentification d'un compte verrouillé.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 12 caractères : recommandation de la CNIL pour un mot de passe seul.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accueil"

# --- django-allauth -----------------------------------------------------------------
ACCOUNT_ADAPTER = "comptes.adapters.AdaptateurComptes"
ACCOUNT_FORMS = {"signup": "comptes.forms.InscriptionForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Conseil de santé du Cotentin] "
ACCOUNT_LOGOUT_REDIRECT_URL = "accueil"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PORTAIL_URL.startswith("https://") or not PORTAIL_URL else "http"

MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Conseil de santé du Cotentin"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# --- django-axes : limite des tentatives de connexion (site et administration) ------
AXES_ENABLED = env.booleen("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env.entier("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.entier("AXES_COOLOFF_MINUTES", 15) / 60  # en heures
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "comptes.adapters.identifiant_pour_axes"
AXES_LOCKOUT_TEMPLATE = "comptes/verrouillage.html"
AXES_RESET_ON_SUCCESS = True
# Derrière nginx, qui écrase X-Forwarded-For avec l'adresse du client (deploy/nginx.conf),
# cet en-tête est sûr ; sans mandataire, un client pourrait l'inventer pour échapper au
# verrouillage : seule REMOTE_ADDR compte alors.
DERRIERE_PROXY = env.booleen("DERRIERE_PROXY_HTTPS", False)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if DERRIERE_PROXY else ["REMOTE_ADDR"]
)

# --- Langue, fuseau ---------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Fichiers statiques et documents privés ---------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.chaine("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BASE_DIR / "var" / "media")},
    },
    "documents": {
        "BACKEND": "socle.stockage.StockagePrive",
        # Pas d'URL publique : un document ne se sert que par la vue qui contrôle l'accès.
        "OPTIONS": {"location": env.chaine("DOCUMENTS_ROOT", str(BASE_DIR / "var" / "documents"))},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.booleen("STATIC_MANIFESTE", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
DOCUMENTS_TAILLE_MAX = env.entier("DOCUMENTS_TAILLE_MAX_MO", 20) * 1024 * 1024
# Un document bureautique (une archive ZIP) décompressé : taille totale et taux de compression
# d'une entrée au-delà desquels c'est une bombe de décompression (docs/televersements.md).
DOCUMENTS_ARCHIVE_TAILLE_MAX = env.entier("DOCUMENTS_ARCHIVE_TAILLE_MAX_MO", 100) * 1024 * 1024
DOCUMENTS_ARCHIVE_TAUX_MAX = env.entier("DOCUMENTS_ARCHIVE_TAUX_MAX", 100)
# En production, nginx sert le fichier après le contrôle d'accès de la vue.
DOCUMENTS_X_ACCEL_PREFIXE = env.chaine("DOCUMENTS_X_ACCEL_PREFIXE")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Conseil de santé --------------------------------------------------------------
# Une convocation part au moins N jours avant la séance ; plus tard, le secrétariat doit
# en donner le motif, qui est gardé.
CONSEIL_DELAI_CONVOCATION_JOURS = env.entier("CONSEIL_DELAI_CONVOCATION_JOURS", 5)

# --- Courriel (MAILERS de Django 6.1) -------------------------------------------
COURRIEL_BACKEND = env.chaine(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_OPTIONS_COURRIEL: dict[str, dict[str, object]] = {
    "django.core.mail.backends.smtp.EmailBackend": {
        "host": env.chaine("EMAIL_HOST", "localhost"),
        "port": env.entier("EMAIL_PORT", 25),
        "username": env.chaine("EMAIL_HOST_USER"),
        "password": env.chaine("EMAIL_HOST_PASSWORD"),
        "use_tls": env.booleen("EMAIL_USE_TLS", False),
        "timeout": 30,
    },
    "django.core.mail.backends.filebased.EmailBackend": {
        "file_path": env.chaine("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "courriels")),
    },
}
MAILERS = {
    "default": {"BACKEND": COURRIEL_BACKEND, "OPTIONS": _OPTIONS_COURRIEL.get(COURRIEL_BACKEND, {})},
}
DEFAULT_FROM_EMAIL = env.chaine(
    "DEFAULT_FROM_EMAIL", "Conseil de santé du Cotentin <ne-pas-repondre@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Sécurité -------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.booleen("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env.entier("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.booleen("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.booleen("SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if DERRIERE_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # data: pour les icônes SVG de Bootstrap et le QR code du TOTP.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    # Les clés d'accès (WebAuthn) restent permises sur le portail lui-même.
    "publickey-credentials-get": ["self"],
    "publickey-credentials-create": ["self"],
}

# --- Formulaires ----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery ---------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
# Une tâche n'est acquittée qu'une fois finie : un worker tué la laisse à refaire.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.chaine("CELERY_FILE", "cotentin")
# Un envoi au broker arrêté échoue vite (une nouvelle tentative, en moins d'une seconde) au lieu
# de faire attendre l'usager : la demande reste dans la boîte d'envoi (socle/taches.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # La boîte d'envoi (socle/taches.py) : ce qui n'est pas parti, ou pas fini, repart.
    "taches-a-relancer": {
        "task": "socle.tasks.relancer_les_taches",
        "schedule": crontab(minute="*"),
    },
    "resumes-quotidiens-notifications": {
        "task": "socle.tasks.envoyer_resumes_quotidiens",
        "schedule": crontab(hour=env.entier("NOTIFICATIONS_HEURE_RESUME", 7), minute=0),
    },
    "durees-de-conservation": {
        "task": "comptes.tasks.appliquer_durees_conservation",
        "schedule": crontab(hour=3, minute=30),
    },
    "invitations-expirees": {
        "task": "comptes.tasks.expirer_invitations",
        "schedule": crontab(minute=15),
    },
    # Un scrutin se clôt à l'heure dite, à la minute près.
    "scrutins-echus": {
        "task": "college.tasks.clore_scrutins_echus",
        "schedule": crontab(minute="*"),
    },
    "scrutins-rappels": {
        "task": "college.tasks.rappeler_les_non_votants",
        "schedule": crontab(minute=5),
    },
    # Une offre échue a déjà quitté les listes (filtre par date) : la tâche l'expire et prévient
    # ses recruteurs. Chaque heure, pour que l'état suive la date de près.
    "offres-echues": {
        "task": "recrutement.tasks.expirer_les_offres",
        "schedule": crontab(minute=20),
    },
    "offres-a-reconfirmer": {
        "task": "recrutement.tasks.demander_les_confirmations",
        "schedule": crontab(hour=6, minute=45),
    },
    # Une place libérée et pas confirmée à temps passe au suivant de la liste d'attente.
    "rencontres-places-proposees": {
        "task": "rencontres.tasks.expirer_les_places",
        "schedule": crontab(minute="*/10"),
    },
    "rencontres-rappels": {
        "task": "rencontres.tasks.envoyer_les_rappels",
        "schedule": crontab(minute=10),
    },
    "rencontres-conservation": {
        "task": "rencontres.tasks.appliquer_la_conservation",
        "schedule": crontab(hour=3, minute=50),
    },
    # Les durées de conservation des candidatures (CNIL) : viviers échus, demandes de
    # renouvellement, fiches anonymisées trois mois après la fin de leurs recrutements.
    "candidatures-conservation": {
        "task": "recrutement.tasks.appliquer_la_conservation",
        "schedule": crontab(hour=3, minute=40),
    },
}
# Les électeurs qui n'ont pas voté sont rappelés quand il reste moins de tant d'heures.
COLLEGE_RAPPEL_HEURES = env.entier("COLLEGE_RAPPEL_HEURES", 24)
# La clé maîtresse des scrutins secrets (docs/scrutin-secret.md) : elle enveloppe la clé privée
# de chaque scrutin ouvert ; elle ne doit se trouver ni dans la base ni dans ses sauvegardes.
# Obligatoire en production (cotentin.E004) ; vide en développement et dans les tests, une
# clé dérivée de SECRET_KEY la remplace (college.chiffrement.cle_maitre).
SCRUTINS_CLE_MAITRE = env.chaine("SCRUTINS_CLE_MAITRE")

# --- Financements ----------------------------------------------------------------
# Plafond de l'aide de l'agglomération pour une demande (euros, décimal : jamais un flottant).
FINANCEMENTS_PLAFOND_AGGLOMERATION = env.chaine("FINANCEMENTS_PLAFOND_AGGLOMERATION", "30000.00")
# Part de l'aide versée en avance à la signature de la convention ; le solde sur le rapport final.
FINANCEMENTS_PART_AVANCE = env.chaine("FINANCEMENTS_PART_AVANCE", "0.30")
# Durée du scrutin d'avis du Collège, en jours, proposée à l'instructeur.
FINANCEMENTS_DUREE_AVIS_JOURS = env.entier("FINANCEMENTS_DUREE_AVIS_JOURS", 7)

# --- Rencontres -------------------------------------------------------------------
# À partir de ce montant (euros), une demande de soutien à un congrès passe par l'avis du Collège.
RENCONTRES_SEUIL_AVIS_SOUTIEN = env.chaine("RENCONTRES_SEUIL_AVIS_SOUTIEN", "3000.00")
# Durée du scrutin d'avis du Collège sur une demande de soutien, en jours.
RENCONTRES_DUREE_AVIS_JOURS = env.entier("RENCONTRES_DUREE_AVIS_JOURS", 7)

# --- Bilan annuel ------------------------------------------------------------------
# Au-delà de cette durée, une génération « en cours » est tenue pour interrompue (worker mort
# sans reprise) : la page la montre échouée et la relance est possible.
BILAN_DUREE_MAX_MINUTES = env.entier("BILAN_DUREE_MAX_MINUTES", 5)
# Une version encore « en attente » après ce délai n'a pas été prise par un worker (Redis ou
# worker arrêté) : la page le dit et propose de la relancer.
BILAN_ATTENTE_MAX_MINUTES = env.entier("BILAN_ATTENTE_MAX_MINUTES", 2)
# Pause entre deux étapes de la génération, en secondes (0 en production) : les tests
# d'interruption s'en servent pour tuer le worker au milieu d'une génération.
BILAN_PAUSE_ENTRE_ETAPES = float(env.chaine("BILAN_PAUSE_ENTRE_ETAPES", "0"))

# --- Portail --------------------------------------------------------------------
INVITATION_DUREE_JOURS = env.entier("INVITATION_DUREE_JOURS", 14)

# Les erreurs des pages (500, 503) et les tâches abandonnées vont aussi par courriel à ces
# adresses en production : ADMINS="exploitation@exemple.fr,astreinte@exemple.fr".
ADMINS = env.liste("ADMINS")
SERVER_EMAIL = env.chaine("SERVER_EMAIL", "ne-pas-repondre@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "identifiant_de_requete": {"()": "socle.journalisation.FiltreIdentifiantDeRequete"},
        "hors_debug": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "simple": {"format": "{asctime} {levelname} {name} [{request_id}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "simple",
            "filters": ["identifiant_de_requete"],
        },
        "exploitants": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["hors_debug", "identifiant_de_requete"],
            "formatter": "simple",
        },
    },
    "root": {"handlers": ["console"], "level": env.chaine("LOG_LEVEL", "INFO")},
    "loggers": {
        # Les pages en erreur (500, 503) et les tâches que la boîte d'envoi abandonne.
        "django.request": {"handlers": ["console", "exploitants"], "level": "WARNING", "propagate": False},
        "socle.taches": {"handlers": ["console", "exploitants"], "level": "INFO", "propagate": False},
        # Les requêtes refusées citent des chemins et des adresses : pas plus que WARNING.
        "django.security": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint raconte chaque page mise en page (INFO) : seulement ses avertissements.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
