"""Les indicateurs de l'offre de santé du territoire."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from socle.exports import export, reponse_csv
from socle.types import RequetePortail
from territoire import indicateurs as calculs
from territoire.permissions import peut_voir_annuaire, peut_voir_indicateurs


@require_safe
def indicateurs(request: RequetePortail) -> HttpResponse:
    if not peut_voir_indicateurs(request.user):
        raise PermissionDenied
    page = calculs.page_indicateurs(profession=request.GET.get("profession"), annee=request.GET.get("annee"))
    return render(request, "territoire/indicateurs.html", {"page": page})


@require_safe
@export
def indicateurs_csv(request: RequetePortail, tableau: str) -> HttpResponse:
    if tableau not in calculs.TABLEAUX:
        raise Http404
    if not peut_voir_indicateurs(request.user):
        raise PermissionDenied
    donnees = calculs.tableau_a_exporter(
        tableau, profession=request.GET.get("profession"), annee=request.GET.get("annee")
    )
    nom = f"cotentin-{tableau}-{timezone.localdate():%Y-%m-%d}.csv"
    return reponse_csv(request, nom, donnees.entetes_csv(), donnees.lignes_csv())


@login_not_required  # des chiffres agrégés de données ouvertes, sans nom : la carte est publique
@require_safe
def carte_offre(request: RequetePortail) -> HttpResponse:
    """« La carte de l'offre de soins » : ce que le public lit d'abord (DESIGN.md §2)."""
    page = calculs.page_carte_publique(
        profession=request.GET.get("profession"), liens=peut_voir_annuaire(request.user)
    )
    return render(request, "territoire/carte_offre.html", {"page": page})
