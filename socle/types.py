"""Types partagés pour les vues."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from comptes.models import Utilisateur


class RequetePortail(HttpRequest):
    """Une requête sur une page protégée : LoginRequiredMiddleware garantit l'utilisateur."""

    user: "Utilisateur"
    htmx: "HtmxDetails"
