"""Outils de test partagés."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def compter_requetes(client: Client, url: str, methode: str = "get", **kwargs: Any) -> int:
    """Le nombre de requêtes SQL d'une page ; la page doit répondre sans erreur.

    Le cache des types de contenu est vidé d'abord : sinon le compte dépendrait de
    l'ordre des tests.
    """
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as requetes:
        reponse = getattr(client, methode)(url, **kwargs)
    assert reponse.status_code in {200, 302}, (url, reponse.status_code)
    return len(requetes)
