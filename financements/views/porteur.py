"""Les pages du porteur : brouillon, équipe, budget, pièces, co-porteurs, dépôt, suivi."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from financements.selectors import get_demande_pour


def demande_detail(request: HttpRequest, pk: int) -> HttpResponse:  # remplacée par la vraie page
    get_demande_pour(request.user, pk)
    return HttpResponse("")


urlpatterns: list = [  # type: ignore[type-arg]
    path("financements/demandes/<int:pk>/", demande_detail, name="demande"),
]
