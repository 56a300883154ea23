"""Lectures des rencontres, à travers le contrôle d'accès."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from rencontres.models import Activite, Rencontre, StatutRencontre
from rencontres.services import places_occupees


def rencontres_publiques() -> QuerySet[Rencontre]:
    return (
        Rencontre.objects.filter(statut__in=[StatutRencontre.PUBLIEE, StatutRencontre.ANNULEE])
        .select_related("commune", "organisateur")
        .defer("commune__contour")
    )


def rencontre_publique(pk: int) -> Rencontre:
    """Une rencontre publiée (ou annulée, qui le dit) ; 404 pour un brouillon."""
    rencontre = (
        rencontres_publiques()
        .prefetch_related(Prefetch("activites", queryset=Activite.objects.order_by("debut", "ordre", "pk")))
        .filter(pk=pk)
        .first()
    )
    if rencontre is None:
        raise Http404
    return rencontre


def places_restantes(rencontre: Rencontre) -> dict[int, int | None]:
    """Par activité : les places restantes (None : sans limite)."""
    activites = list(rencontre.activites.all())
    occupees = places_occupees([a.pk for a in activites])
    return {a.pk: (None if a.capacite is None else max(a.capacite - occupees[a.pk], 0)) for a in activites}


def peut_organiser(utilisateur: Any) -> bool:
    return bool(
        utilisateur.is_authenticated
        and utilisateur.is_active
        and utilisateur.has_perm("rencontres.organiser_rencontre")
    )


def rencontres_a_venir(maintenant: Any) -> QuerySet[Rencontre]:
    """Les rencontres publiées qui ne sont pas finies, les plus proches d'abord."""
    return (
        rencontres_publiques()
        .filter(statut=StatutRencontre.PUBLIEE, fin__gte=maintenant)
        .order_by("debut", "pk")
    )
