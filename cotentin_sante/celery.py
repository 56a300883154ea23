"""Application Celery du portail : les réglages viennent de Django (préfixe CELERY_)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotentin_sante.settings")

app = Celery("cotentin_sante")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
