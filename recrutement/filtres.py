"""Les filtres de la liste publique des offres (django-filter)."""

import django_filters  # type: ignore[import-untyped]
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from recrutement.models import Offre, StatutOffre, TypeContrat
from territoire.filtres import ListeDeroulante
from territoire.models import Commune, PoleDeProximite, Profession, Specialite, Structure


def _publiees(champ: str) -> QuerySet[Offre]:
    """Les valeurs de `champ` des offres publiées : les listes des filtres ne proposent que ce
    qui mène à au moins une offre. Une sous-requête plutôt qu'une jointure et un DISTINCT, qui
    trieraient toutes les offres (et, pour une structure, ses colonnes de recherche)."""
    return Offre.objects.filter(statut=StatutOffre.PUBLIEE).values(champ)


class FiltresOffres(django_filters.FilterSet):
    profession = django_filters.ModelChoiceFilter(
        label=_("Profession"),
        queryset=Profession.objects.filter(pk__in=_publiees("profession")).order_by("libelle"),
        empty_label=_("Toutes les professions"),
        widget=ListeDeroulante,
    )
    specialite = django_filters.ModelChoiceFilter(
        label=_("Spécialité"),
        queryset=Specialite.objects.filter(pk__in=_publiees("specialite")).order_by("libelle"),
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
        queryset=Commune.objects.only("pk", "nom").order_by("nom"),
        method="filtrer_commune",
        empty_label=_("Toutes les communes"),
        widget=ListeDeroulante,
    )
    employeur = django_filters.ModelChoiceFilter(
        label=_("Employeur"),
        queryset=Structure.objects.filter(pk__in=_publiees("employeur")).only("pk", "nom").order_by("nom"),
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
