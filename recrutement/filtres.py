"""Les filtres de la liste publique des offres (django-filter)."""

import django_filters  # type: ignore[import-untyped]
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from recrutement.forms import structures_d_exercice
from recrutement.models import Offre, TypeContrat
from territoire.filtres import ListeDeroulante
from territoire.models import Commune, PoleDeProximite, Profession, Specialite


class FiltresOffres(django_filters.FilterSet):
    profession = django_filters.ModelChoiceFilter(
        label=_("Profession"),
        queryset=Profession.objects.filter(offres__statut="publiee").distinct().order_by("libelle"),
        empty_label=_("Toutes les professions"),
        widget=ListeDeroulante,
    )
    specialite = django_filters.ModelChoiceFilter(
        label=_("Spécialité"),
        queryset=Specialite.objects.filter(offres__statut="publiee").distinct().order_by("libelle"),
        empty_label=_("Toutes les spécialités"),
        widget=ListeDeroulante,
    )
    type_contrat = django_filters.ChoiceFilter(
        label=_("Type de contrat"),
        choices=TypeContrat.choices,
        empty_label=_("Tous les contrats"),
        widget=ListeDeroulante,
    )
    pole = django_filters.ModelChoiceFilter(
        label=_("Pôle de proximité"),
        queryset=PoleDeProximite.objects.all(),
        method="filtrer_pole",
        empty_label=_("Tous les pôles"),
        widget=ListeDeroulante,
    )
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune"),
        queryset=Commune.objects.order_by("nom"),
        method="filtrer_commune",
        empty_label=_("Toutes les communes"),
        widget=ListeDeroulante,
    )
    employeur = django_filters.ModelChoiceFilter(
        label=_("Employeur"),
        queryset=structures_d_exercice().filter(offres__statut="publiee").distinct(),
        empty_label=_("Tous les employeurs"),
        widget=ListeDeroulante,
    )

    class Meta:
        model = Offre
        fields: list[str] = []

    def _lieux(self, queryset: QuerySet[Offre], condition: Q) -> QuerySet[Offre]:
        return queryset.filter(pk__in=Offre.objects.filter(condition).values("pk"))

    def filtrer_pole(self, queryset: QuerySet[Offre], name: str, value: PoleDeProximite) -> QuerySet[Offre]:
        return self._lieux(queryset, Q(communes__pole=value) | Q(structures__commune__pole=value))

    def filtrer_commune(self, queryset: QuerySet[Offre], name: str, value: Commune) -> QuerySet[Offre]:
        return self._lieux(queryset, Q(communes=value) | Q(structures__commune=value))
