"""L'annuaire des acteurs de santé du territoire."""

from django.http import Http404, HttpResponse

from socle.types import RequetePortail


def annuaire(request: RequetePortail) -> HttpResponse:
    raise Http404


def professionnel_detail(request: RequetePortail, pk: int) -> HttpResponse:
    raise Http404


def structure_detail(request: RequetePortail, pk: int) -> HttpResponse:
    raise Http404
