"""Les indicateurs de l'offre de santé du territoire."""

from django.http import Http404, HttpResponse

from socle.types import RequetePortail


def indicateurs(request: RequetePortail) -> HttpResponse:
    raise Http404


def indicateurs_csv(request: RequetePortail, tableau: str) -> HttpResponse:
    raise Http404
