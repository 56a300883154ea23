# Portail du Conseil de santé du Cotentin : les tâches courantes.
# Chaque cible installe d'abord les dépendances exactes de uv.lock (uv sync --locked).

UV ?= uv
# --no-sync : `install` vient de synchroniser l'environnement, avec --locked.
UV_RUN := $(UV) run --no-sync
LANCEUR := $(UV_RUN) python -m cotentin_sante.lanceur
# Arguments passés à pytest : make test ARGS="-k invitation -x"
ARGS ?=
# Processus de pytest-xdist : un par cœur (auto) ; PROCESSUS=0 pour tout dans un seul (pdb).
# --dist loadgroup : les tests de la démonstration (tests/demonstration.py) vont au même
# processus, qui la construit une seule fois.
PROCESSUS ?= auto
PYTEST := pytest -n $(PROCESSUS) --dist loadgroup

# Un gabarit ne charge rien d'un autre hôte (CSP sans exception, vie privée des usagers).
RESSOURCE_EXTERNE := (src|srcset|poster)=[\"'](https?:)?//|<link[^>]+href=[\"'](https?:)?//

.DEFAULT_GOAL := help
.PHONY: help install run test test-rapide lint check-deploy bench pluriels

help:
	@echo "make run           le portail sur http://127.0.0.1:8000 (PostgreSQL et Redis embarqués si"
	@echo "                   DATABASE_URL / REDIS_URL ne sont pas posées) ; Ctrl-C arrête tout"
	@echo "make test          la suite de tests, en parallèle (make test ARGS='-k motif' pour en choisir)"
	@echo "make test-rapide   la suite sans les parcours dans le navigateur ni le vrai worker Celery"
	@echo "make lint          ruff, mypy, règles du projet, migrations à jour, gabarits sans ressource externe"
	@echo "make check-deploy  manage.py check --deploy avec des réglages de production"
	@echo "make bench         les mesures de bench/"
	@echo "make install       installe les dépendances de uv.lock"
	@echo "make pluriels      réécrit le catalogue des pluriels français (après un ngettext ajouté)"

install:
	$(UV) sync --locked

run: install
	$(LANCEUR) run

test: install
	$(LANCEUR) exec -- $(PYTEST) $(ARGS)

test-rapide: install
	$(LANCEUR) exec -- $(PYTEST) -m "not e2e and not integration" $(ARGS)

lint: install
	$(UV_RUN) ruff check .
	$(UV_RUN) ruff format --check .
	$(UV_RUN) mypy .
	$(UV_RUN) python -m cotentin_sante.regles
	DJANGO_SETTINGS_MODULE=cotentin_sante.settings_test \
	    $(LANCEUR) exec -- python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cotentin_sante.settings_test $(UV_RUN) python manage.py pluriels --check
	@if grep -rnE --include='*.html' "$(RESSOURCE_EXTERNE)" templates */templates; then \
	    echo "Ces gabarits chargent une ressource d'un autre hôte : servez-la depuis static/."; \
	    exit 1; \
	fi

# Réglages de production seulement (env -i) : rien du shell courant ne masque un défaut.
# Les valeurs sont jetables ; la clé secrète est tirée à chaque fois. Seule la base est
# réelle (DATABASE_URL, sinon le PostgreSQL embarqué du lanceur) : les contrôles des colonnes
# générées (GeneratedField) demandent sa version au serveur.
check-deploy: install
	$(LANCEUR) exec -- sh -c 'exec env -i PATH="$$PATH" HOME="$$HOME" LANG=C.UTF-8 \
	    DJANGO_SETTINGS_MODULE=cotentin_sante.settings \
	    DJANGO_DEBUG=0 \
	    SECRET_KEY="$$(python -c "import secrets; print(secrets.token_urlsafe(64))")" \
	    SCRUTINS_CLE_MAITRE="$$(python -c "import secrets; print(secrets.token_urlsafe(48))")" \
	    ALLOWED_HOSTS=sante.exemple.fr \
	    PORTAIL_URL=https://sante.exemple.fr \
	    DEFAULT_FROM_EMAIL="Conseil de santé du Cotentin <ne-pas-repondre@sante.exemple.fr>" \
	    EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
	    DATABASE_URL="$$DATABASE_URL" \
	    REDIS_URL=redis://redis:6379/0 \
	    DERRIERE_PROXY_HTTPS=1 \
	    SECURE_HSTS_PRELOAD=1 \
	    python manage.py check --deploy --fail-level WARNING'

# Chaque script de bench/ (sauf les modules _*.py), avec une base à part (var/bench).
bench: install
	@scripts="$$(find bench -maxdepth 1 -name '*.py' ! -name '_*' | sort)"; \
	if [ -z "$$scripts" ]; then echo "bench/ ne contient encore aucun script de mesure."; exit 0; fi; \
	$(LANCEUR) exec --donnees var/bench -- \
	    sh -c 'set -e; for script in "$$@"; do echo "== $$script"; python "$$script"; done' bench $$scripts

# Le catalogue des pluriels français (locale/fr) : à refaire quand une chaîne à pluriel change.
pluriels: install
	DJANGO_SETTINGS_MODULE=cotentin_sante.settings_test $(UV_RUN) python manage.py pluriels
