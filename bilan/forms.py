"""Formulaires du bilan : demander une génération, adopter, transmettre."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bilan.services import annees_possibles
from conseil.models import PointOrdreDuJour, Reunion, StatutReunion, TypeInstance


class GenererForm(forms.Form):
    annee = forms.TypedChoiceField(label=_("Année du bilan"), coerce=int, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        annees = annees_possibles()
        self.fields["annee"].choices = [(a, str(a)) for a in annees]  # type: ignore[attr-defined]
        # Par défaut l'année écoulée : le bilan se fait au début de l'année suivante.
        self.fields["annee"].initial = annees[1] if len(annees) > 1 else annees[0]


def _libelle_point(point: PointOrdreDuJour) -> str:
    debut = timezone.localtime(point.reunion.debut)
    return f"{debut:%d/%m/%Y} — {point.ordre}. {point.titre}"


class AdoptionForm(forms.Form):
    reunion = forms.ModelChoiceField(
        label=_("Séance du Conseil qui a adopté le bilan"),
        queryset=Reunion.objects.none(),
        empty_label=_("— choisir la séance —"),
    )
    point = forms.ModelChoiceField(
        label=_("Point de l'ordre du jour (délibération)"),
        queryset=PointOrdreDuJour.objects.none(),
        required=False,
        empty_label=_("— aucun point précis —"),
        help_text=_("Le point de décision qui porte l'adoption du bilan, s'il figure à l'ordre du jour."),
    )
    adopte_le = forms.DateField(
        label=_("Date de l'adoption"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reunions = (
            Reunion.objects.filter(
                instance__type_instance=TypeInstance.CONSEIL,
                statut__in=(StatutReunion.TENUE, StatutReunion.CLOSE),
            )
            .select_related("instance")
            .order_by("-debut")
        )
        self.fields["reunion"].queryset = reunions  # type: ignore[attr-defined]
        self.fields["point"].queryset = (  # type: ignore[attr-defined]
            PointOrdreDuJour.objects.filter(reunion__in=reunions)
            .select_related("reunion")
            .order_by("-reunion__debut", "ordre")
        )
        self.fields["point"].label_from_instance = _libelle_point  # type: ignore[attr-defined]


class TransmissionCCForm(forms.Form):
    le = forms.DateField(
        label=_("Date du Conseil communautaire"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deliberation = forms.CharField(
        label=_("Numéro de la délibération"), max_length=50, help_text=_("Par exemple DEL2026_045.")
    )
    pris_acte = forms.BooleanField(label=_("Le Conseil communautaire a pris acte du bilan"), required=True)


class TransmissionCDForm(forms.Form):
    le = forms.DateField(
        label=_("Date de transmission au Conseil de développement"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
