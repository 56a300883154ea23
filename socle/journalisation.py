"""Chaque requête a un identifiant, écrit dans toutes les lignes du journal qu'elle produit,
renvoyé dans l'en-tête `X-Request-ID` et affiché sur les pages d'erreur : l'usager le cite,
l'exploitant retrouve la ligne (et le courriel aux `ADMINS` en production)."""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_identifiant_courant: ContextVar[str] = ContextVar("identifiant_de_requete", default="-")
# Un identifiant posé par le mandataire inverse (nginx `$request_id`) est repris s'il est sage.
IDENTIFIANT_VALIDE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def identifiant_courant() -> str:
    return _identifiant_courant.get()


class IdentifiantDeRequeteMiddleware:
    """Le premier middleware : tout ce que la requête journalise porte son identifiant."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        recu = request.headers.get("X-Request-ID", "")
        identifiant = recu if IDENTIFIANT_VALIDE.match(recu) else uuid.uuid4().hex[:16]
        request.identifiant = identifiant  # type: ignore[attr-defined]
        jeton = _identifiant_courant.set(identifiant)
        try:
            reponse = self.get_response(request)
        finally:
            _identifiant_courant.reset(jeton)
        reponse["X-Request-ID"] = identifiant
        return reponse


class FiltreIdentifiantDeRequete(logging.Filter):
    """Ajoute `request_id` à chaque ligne du journal (« - » hors requête : worker, commande)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _identifiant_courant.get()
        return True
