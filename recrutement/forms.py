"""Formulaires du recrutement. Les règles sont dans `recrutement.services`, dont les refus
reviennent sur les champs (la saisie reste dans le formulaire)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from recrutement.models import ModePart, PeriodeRemuneration, TypeContrat
from recrutement.services import Part, SaisieOffre
from territoire.models import Commune, Profession, Specialite, Structure, TypeStructure

# Les structures où l'on exerce (et qui emploient) : pas les institutions, ni les écoles.
TYPES_EMPLOYEURS = (
    TypeStructure.CENTRE_HOSPITALIER,
    TypeStructure.CLINIQUE,
    TypeStructure.GCS,
    TypeStructure.MSP,
    TypeStructure.CENTRE_DE_SANTE,
    TypeStructure.MEDICO_SOCIAL,
    TypeStructure.OFFICINE,
    TypeStructure.CPTS,
    TypeStructure.AUTRE,
)
PARTS_MAX = 3


def structures_d_exercice() -> QuerySet[Structure]:
    return (
        Structure.objects.filter(type__in=TYPES_EMPLOYEURS)
        .select_related("commune")
        .defer("commune__contour")
        .order_by("nom")
    )


class StructureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Structure) -> str:
        return f"{obj.nom} ({obj.commune.nom})" if obj.commune else obj.nom


class StructuresField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Structure) -> str:
        return f"{obj.nom} ({obj.commune.nom})" if obj.commune else obj.nom


class CommunesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Commune) -> str:
        return f"{obj.nom} ({obj.code_insee})"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class OffreForm(forms.Form):
    titre = forms.CharField(
        label=_("Intitulé du poste"),
        max_length=200,
        help_text=_("Par exemple : « Médecin urgentiste — temps plein »."),
    )
    employeur = StructureChoiceField(label=_("Employeur"), queryset=Structure.objects.all(), empty_label=None)
    profession = forms.ModelChoiceField(
        label=_("Profession"), queryset=Profession.objects.order_by("libelle"), empty_label=_("Choisissez")
    )
    specialite = forms.ModelChoiceField(
        label=_("Spécialité"),
        queryset=Specialite.objects.order_by("libelle"),
        required=False,
        empty_label=_("Sans spécialité"),
    )
    type_contrat = forms.ChoiceField(label=_("Type de contrat"), choices=TypeContrat.choices)
    quotite = forms.IntegerField(
        label=_("Temps de travail (%)"),
        min_value=1,
        max_value=100,
        initial=100,
        help_text=_("100 pour un temps plein."),
    )
    debut = forms.DateField(
        label=_("Prise de poste (ou début du remplacement)"), required=False, widget=DateInput()
    )
    fin = forms.DateField(label=_("Fin du remplacement"), required=False, widget=DateInput())
    date_limite = forms.DateField(label=_("Date limite de candidature"), widget=DateInput())
    structures = StructuresField(
        label=_("Établissements où exercer"),
        queryset=structures_d_exercice(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    communes = CommunesField(
        label=_("Communes où exercer"),
        queryset=Commune.objects.defer("contour").order_by("nom"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Pour un cabinet sans fiche dans l'annuaire, ou plusieurs communes."),
    )
    remuneration_min = forms.DecimalField(
        label=_("Rémunération minimale (€)"), required=False, max_digits=10, decimal_places=2, localize=True
    )
    remuneration_max = forms.DecimalField(
        label=_("Rémunération maximale (€)"), required=False, max_digits=10, decimal_places=2, localize=True
    )
    remuneration_periode = forms.ChoiceField(
        label=_("Rémunération exprimée"),
        choices=PeriodeRemuneration.choices,
        initial=PeriodeRemuneration.MOIS,
    )
    description = forms.CharField(label=_("Description du poste"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, structures_du_recruteur: QuerySet[Structure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # La liste ne propose que les structures du recruteur ; une autre, envoyée quand même,
        # arrive au service, qui la refuse avec son message.
        self.fields["employeur"].widget.choices = [
            (s.pk, StructureChoiceField.label_from_instance(self.fields["employeur"], s))  # type: ignore[arg-type]
            for s in structures_du_recruteur
        ]


class PartForm(forms.Form):
    employeur = StructureChoiceField(
        label=_("Employeur de la part"),
        queryset=structures_d_exercice(),
        required=False,
        empty_label=_("Aucune"),
    )
    mode = forms.ChoiceField(label=_("Mode d'exercice"), choices=ModePart.choices, required=False)
    quotite = forms.IntegerField(label=_("Part du temps (%)"), min_value=1, max_value=100, required=False)

    def part(self) -> Part | None:
        donnees = self.cleaned_data
        if not donnees.get("employeur"):
            return None
        return Part(
            employeur=donnees["employeur"],
            mode=donnees.get("mode") or ModePart.SALARIE,
            quotite=donnees.get("quotite") or 0,
        )


PartsFormSet = forms.formset_factory(PartForm, extra=PARTS_MAX, max_num=PARTS_MAX, absolute_max=PARTS_MAX)


def saisie_de(form: OffreForm, parts: Any) -> SaisieOffre:
    donnees = form.cleaned_data
    return SaisieOffre(
        titre=donnees["titre"],
        profession=donnees["profession"],
        specialite=donnees["specialite"],
        employeur=donnees["employeur"],
        type_contrat=donnees["type_contrat"],
        quotite=donnees["quotite"],
        date_limite=donnees["date_limite"],
        description=donnees["description"],
        debut=donnees["debut"],
        fin=donnees["fin"],
        remuneration_min=donnees["remuneration_min"],
        remuneration_max=donnees["remuneration_max"],
        remuneration_periode=donnees["remuneration_periode"],
        structures=list(donnees["structures"]),
        communes=list(donnees["communes"]),
        parts=[p for f in parts.forms if (p := f.part()) is not None],
    )


class MotifForm(forms.Form):
    motif = forms.CharField(label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
