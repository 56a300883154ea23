# syntax=docker/dockerfile:1
# Image de production du portail : gunicorn (service web), Celery (worker, beat).
# nginx (service proxy) sert les fichiers statiques et les documents privés à côté.

ARG UV_VERSION=0.13.9
FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv

FROM python:3.13-slim

# Pango pour WeasyPrint (PDF du bilan annuel) ; DejaVu pour qu'il ait des polices à rendre.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY --from=uv /uv /uvx /usr/local/bin/

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app

# Les dépendances d'abord, sans celles du développement : cette couche ne change qu'avec uv.lock.
COPY pyproject.toml uv.lock .python-version ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-install-project

COPY . .

# Fichiers statiques compilés dans l'image (noms avec empreinte, manifeste de whitenoise).
# Réglages jetables, le temps que settings.py se charge : ils ne restent pas dans l'image.
RUN DJANGO_DEBUG=0 \
    SECRET_KEY=collectstatic-seulement-cette-cle-ne-sert-a-rien-d-autre-0123456789 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

# Le code reste à root, en lecture seule pour le portail ; seuls ses dossiers de travail
# et les points de montage des volumes (documents, copie des statiques pour nginx) lui
# appartiennent.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home portail \
    && mkdir -p /app/var/celery /srv/documents /srv/statiques \
    && chown -R portail:portail /app/var /srv/documents /srv/statiques
USER portail

# gunicorn lit GUNICORN_CMD_ARGS, que le fichier .env peut remplacer. Seul nginx atteint
# le port 8000 (réseau interne de docker compose) : ses en-têtes X-Forwarded-* sont crus.
# 180 s : le dépôt d'une extraction RPPS nationale (~700 Mo) est lu puis recopié dans le
# stockage privé pendant la requête ; l'import lui-même tourne dans Celery.
ENV GUNICORN_CMD_ARGS="--bind=0.0.0.0:8000 --workers=3 --timeout=180 --forwarded-allow-ips=* --worker-tmp-dir=/dev/shm"
EXPOSE 8000
CMD ["gunicorn", "cotentin_sante.wsgi:application"]
