"""Les formulaires de recherche de l'annuaire (django-filter)."""

from typing import Any

import django_filters  # type: ignore[import-untyped]
from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from territoire.models import (
    Commune,
    ModeExercice,
    PoleDeProximite,
    Professionnel,
    Structure,
    TypeStructure,
)
from territoire.selectors import (
    au_moins_un_lieu,
    professions_representees,
    rechercher_professionnels,
    rechercher_structures,
)


class ListeDeroulante(forms.Select):
    """Une liste déroulante rendue en Python, au même balisage que celle de Django.

    Le gabarit de Django rend chaque option l'une après l'autre : pour les 129 communes de
    l'agglomération, c'était la moitié du temps de la page.
    """

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
                for _groupe, choix, _index in widget["optgroups"]
                for option in choix
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


# Au-delà, une recherche n'est plus un nom : elle est refusée (message sous le champ).
LONGUEUR_MAX_RECHERCHE = 100


def _champ_de_recherche(aide: Any) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("Nom"),
        method="chercher",
        help_text=aide,
        max_length=LONGUEUR_MAX_RECHERCHE,
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class FiltresProfessionnels(django_filters.FilterSet):
    q = _champ_de_recherche(_("Nom ou prénom, même approximatif."))
    profession = django_filters.ModelChoiceFilter(
        label=_("Profession"),
        queryset=lambda request: professions_representees(),
        empty_label=_("Toutes les professions"),
        widget=ListeDeroulante,
    )
    pole = django_filters.ModelChoiceFilter(
        label=_("Pôle de proximité"),
        queryset=PoleDeProximite.objects.all(),
        method="filtrer_lieux",
        empty_label=_("Tous les pôles"),
        widget=ListeDeroulante,
    )
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune d'exercice"),
        queryset=Commune.objects.defer("contour"),
        method="filtrer_lieux",
        empty_label=_("Toutes les communes"),
        widget=ListeDeroulante,
    )
    mode = django_filters.ChoiceFilter(
        label=_("Mode d'exercice"),
        field_name="mode_exercice",
        choices=ModeExercice.choices,
        empty_label=_("Tous les modes"),
        widget=ListeDeroulante,
    )

    class Meta:
        model = Professionnel
        fields: list[str] = []

    def chercher(self, queryset: QuerySet[Professionnel], name: str, value: str) -> QuerySet[Professionnel]:
        return rechercher_professionnels(queryset, value)

    def filtrer_lieux(
        self, queryset: QuerySet[Professionnel], name: str, value: Any
    ) -> QuerySet[Professionnel]:
        # Un lieu d'exercice au moins dans le pôle ou la commune : EXISTS, pas de jointure,
        # pour qu'un professionnel qui y a deux lieux ne compte qu'une fois.
        condition = {"commune__pole": value} if name == "pole" else {"commune": value}
        return queryset.filter(au_moins_un_lieu(**condition))


class FiltresStructures(django_filters.FilterSet):
    q = _champ_de_recherche(_("Nom de la structure, éventuellement avec sa commune."))
    type = django_filters.ChoiceFilter(
        label=_("Type de structure"),
        choices=TypeStructure.choices,
        empty_label=_("Tous les types"),
        widget=ListeDeroulante,
    )
    pole = django_filters.ModelChoiceFilter(
        label=_("Pôle de proximité"),
        field_name="commune__pole",
        queryset=PoleDeProximite.objects.all(),
        empty_label=_("Tous les pôles"),
        widget=ListeDeroulante,
    )
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune"),
        queryset=Commune.objects.defer("contour"),
        empty_label=_("Toutes les communes"),
        widget=ListeDeroulante,
    )

    class Meta:
        model = Structure
        fields: list[str] = []

    def chercher(self, queryset: QuerySet[Structure], name: str, value: str) -> QuerySet[Structure]:
        return rechercher_structures(queryset, value)
