"""Les filtres de la liste des demandes de l'agglomération (django-filter), que les exports
reprennent tels quels."""

from typing import Any

import django_filters  # type: ignore[import-untyped]
from django import forms
from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from financements.forms_instruction import instructeurs_possibles
from financements.models import DemandeFinancement, StatutDemande, TypeDemande
from territoire.filtres import ListeDeroulante
from territoire.models import PoleDeProximite

LONGUEUR_MAX_RECHERCHE = 100

STATUTS_DEPOSES = [(valeur, libelle) for valeur, libelle in StatutDemande.choices if valeur != "brouillon"]


def annees_de_depot() -> list[tuple[int, str]]:
    """Les années où des demandes ont été déposées, la plus récente d'abord."""
    annees = (
        DemandeFinancement.objects.filter(deposee_le__isnull=False)
        .annotate(annee=ExtractYear("deposee_le"))
        .values_list("annee", flat=True)
        .distinct()
        .order_by("-annee")
    )
    return [(annee, str(annee)) for annee in annees]


class FiltresDemandes(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Numéro ou intitulé"),
        method="chercher",
        max_length=LONGUEUR_MAX_RECHERCHE,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    statut = django_filters.ChoiceFilter(
        label=_("État"), choices=STATUTS_DEPOSES, empty_label=_("Tous les états"), widget=ListeDeroulante
    )
    type_demande = django_filters.ChoiceFilter(
        label=_("Type"), choices=TypeDemande.choices, empty_label=_("Tous les types"), widget=ListeDeroulante
    )
    pole = django_filters.ModelChoiceFilter(
        label=_("Pôle de proximité"),
        field_name="commune__pole",
        queryset=PoleDeProximite.objects.all(),
        empty_label=_("Tous les pôles"),
        widget=ListeDeroulante,
    )
    instructeur = django_filters.ModelChoiceFilter(
        label=_("Instructeur"),
        queryset=lambda request: instructeurs_possibles(),
        empty_label=_("Tous les instructeurs"),
        widget=ListeDeroulante,
    )
    annee = django_filters.ChoiceFilter(
        label=_("Année de dépôt"),
        choices=annees_de_depot,
        method="filtrer_annee",
        empty_label=_("Toutes les années"),
        widget=ListeDeroulante,
    )

    class Meta:
        model = DemandeFinancement
        fields: list[str] = []

    def chercher(
        self, queryset: QuerySet[DemandeFinancement], name: str, value: str
    ) -> QuerySet[DemandeFinancement]:
        texte = value.strip()
        if not texte:
            return queryset
        return queryset.filter(Q(numero__icontains=texte) | Q(intitule__icontains=texte))

    def filtrer_annee(
        self, queryset: QuerySet[DemandeFinancement], name: str, value: Any
    ) -> QuerySet[DemandeFinancement]:
        return queryset.filter(deposee_le__year=int(value))
