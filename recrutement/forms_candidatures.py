"""Formulaires du tableau partagé des recruteurs : les filtres du tableau, l'étape d'une
candidature, une note, le choix de la fiche gardée d'une fusion. Les règles sont dans
`recrutement.services.tableau`, dont les refus reviennent sur les champs."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from recrutement.models import EtapeCandidature, Offre, PorteeNote
from territoire.filtres import ListeDeroulante
from territoire.models import Structure


class FiltresTableau(forms.Form):
    offre = forms.ModelChoiceField(
        label=_("Offre"),
        queryset=Offre.objects.none(),
        required=False,
        empty_label=_("Toutes les offres"),
        widget=ListeDeroulante,
    )
    etape = forms.ChoiceField(
        label=_("Étape"),
        choices=[("", _("Toutes les étapes")), *EtapeCandidature.choices],
        required=False,
        widget=ListeDeroulante,
    )
    employeur = forms.ModelChoiceField(
        label=_("Employeur de l'offre"),
        queryset=Structure.objects.none(),
        required=False,
        empty_label=_("Tous les employeurs"),
        widget=ListeDeroulante,
    )
    aide = forms.BooleanField(
        label=_("Avec une demande d'aide (emploi du conjoint, logement)"), required=False
    )

    def __init__(
        self, *args: Any, offres: QuerySet[Offre], employeurs: QuerySet[Structure], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offre"].queryset = offres  # type: ignore[attr-defined]
        self.fields["employeur"].queryset = employeurs  # type: ignore[attr-defined]


class EtapeForm(forms.Form):
    vers = forms.ChoiceField(choices=EtapeCandidature.choices)
    motif = forms.CharField(label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    texte = forms.CharField(label=_("Votre note"), widget=forms.Textarea(attrs={"rows": 4}))
    portee = forms.ChoiceField(
        label=_("Qui la lit ?"),
        choices=PorteeNote.choices,
        initial=PorteeNote.EMPLOYEUR,
        widget=forms.RadioSelect,
    )
    structure = forms.TypedChoiceField(label=_("J'écris pour"), coerce=int, required=False)

    def __init__(self, *args: Any, structures: list[Structure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(structures) > 1:
            self.fields["structure"].choices = [(s.pk, s.nom) for s in structures]  # type: ignore[attr-defined]
            self.fields["structure"].required = True
        else:
            del self.fields["structure"]


class FusionForm(forms.Form):
    garde = forms.TypedChoiceField(label=_("Fiche gardée"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args: Any, fiches: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["garde"].choices = fiches  # type: ignore[attr-defined]
