"""Les pages des rencontres. Pour l'instant la page publique d'une rencontre (programme et
places restantes), vers laquelle mènent les courriels et les fichiers d'agenda ; l'inscription
en ligne, l'accueil et les listes de l'organisation suivent (issue 19)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from rencontres.selectors import places_restantes, rencontre_publique


@login_not_required
@require_safe
def rencontre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rencontre = rencontre_publique(pk)
    restantes = places_restantes(rencontre)
    activites = [(a, restantes[a.pk]) for a in rencontre.activites.all()]
    return render(
        request, "rencontres/rencontre_detail.html", {"rencontre": rencontre, "activites": activites}
    )
