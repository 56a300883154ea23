"""Les pages des recruteurs sur les candidatures qui leur sont confiées : le tableau partagé
et la page d'une candidature. Toute candidature se lit par `get_candidature_pour` (404 pour
un recruteur d'un employeur que le candidat n'a pas choisi)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from recrutement.selectors import get_candidature_pour
from socle.types import RequetePortail


@require_safe
def candidature_detail(request: RequetePortail, pk: int) -> HttpResponse:
    candidature = get_candidature_pour(request.user, pk)
    return render(request, "recrutement/candidature_detail.html", {"candidature": candidature})
