"""Formulaires du programme d'une rencontre (hors de l'administration) : la rencontre, ses
activités et ses questions, sans script (des lignes vides pour en ajouter, une case pour en
supprimer). Les règles (capacités sous les places prises, suppressions refusées) sont dans
`rencontres.services.programme` ; leurs refus reviennent en tête des lignes, la saisie reste."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from conseil.forms import DateHeureInput
from rencontres.models import Activite, DemandeDeSoutien, Question, Rencontre, TypeQuestion
from rencontres.services import SaisieActivite, SaisieQuestion
from rencontres.services.programme import CHAMPS_DE_LA_RENCONTRE
from rencontres.services.soutien import CHAMPS_DE_LA_DEMANDE
from territoire.models import Commune, Structure

LIGNES_EN_PLUS = 3


class RencontreForm(forms.ModelForm):
    delai_heures = forms.IntegerField(
        label=_("Délai pour confirmer une place libérée (heures)"), min_value=1, max_value=24 * 14, initial=48
    )
    alarme_heures = forms.IntegerField(
        label=_("Alarme de l'agenda, avant le début (heures)"), min_value=0, max_value=24 * 14, initial=24
    )

    class Meta:
        model = Rencontre
        # Les délais se saisissent en heures (delai_heures, alarme_heures), pas en durées.
        fields = [
            nom
            for nom in CHAMPS_DE_LA_RENCONTRE
            if nom not in ("delai_de_confirmation", "rappel_dans_l_agenda")
        ]
        widgets = {
            "debut": DateHeureInput,
            "fin": DateHeureInput,
            "inscriptions_du": DateHeureInput,
            "inscriptions_au": DateHeureInput,
            "description": forms.Textarea(attrs={"rows": 5}),
            # Un champ texte au clavier décimal : « 3,5 » à la française (un champ number le refuse).
            "heures_par_demi_journee": forms.TextInput(attrs={"inputmode": "decimal"}),
        }

    def __init__(self, *args: Any, organisateur_modifiable: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.defer("contour").order_by("nom")  # type: ignore[attr-defined]
        self.fields["organisateur"].queryset = Structure.objects.order_by("nom")  # type: ignore[attr-defined]
        self.fields["heures_par_demi_journee"].initial = Decimal("3.5")
        # Une virgule décimale, à la française : « 3,5 ».
        self.fields["heures_par_demi_journee"].localize = True
        self.fields["heures_par_demi_journee"].widget.is_localized = True
        if not organisateur_modifiable:
            self.fields["organisateur"].disabled = True
        if self.instance.pk:
            self.fields["delai_heures"].initial = int(
                self.instance.delai_de_confirmation.total_seconds() // 3600
            )
            self.fields["alarme_heures"].initial = int(
                self.instance.rappel_dans_l_agenda.total_seconds() // 3600
            )

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", _("La fin de la rencontre doit suivre son début."))
        du, au = donnees.get("inscriptions_du"), donnees.get("inscriptions_au")
        if du and au and au < du:
            self.add_error("inscriptions_au", _("La clôture des inscriptions doit suivre leur ouverture."))
        return donnees

    def champs(self) -> dict[str, Any]:
        donnees = dict(self.cleaned_data)
        donnees["delai_de_confirmation"] = timedelta(hours=donnees.pop("delai_heures"))
        donnees["rappel_dans_l_agenda"] = timedelta(hours=donnees.pop("alarme_heures"))
        return donnees


class ActiviteForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    titre = forms.CharField(label=_("Activité"), max_length=200, required=False)
    debut = forms.DateTimeField(label=_("Début"), widget=DateHeureInput, required=False)
    fin = forms.DateTimeField(label=_("Fin"), widget=DateHeureInput, required=False)
    lieu = forms.CharField(label=_("Lieu"), max_length=255, required=False)
    capacite = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Vide : sans limite.")
    )
    supprimer = forms.BooleanField(label=_("Supprimer"), required=False)

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        if donnees.get("titre") and not (donnees.get("debut") and donnees.get("fin")):
            raise forms.ValidationError(
                _("Donnez le début et la fin de « %(a)s ».") % {"a": donnees["titre"]}
            )
        if not donnees.get("titre") and donnees.get("pk") and not donnees.get("supprimer"):
            self.add_error("titre", _("Donnez un titre à l'activité, ou cochez « Supprimer »."))
        return donnees

    def saisie(self) -> SaisieActivite | None:
        donnees = self.cleaned_data
        if not donnees.get("titre") and not donnees.get("pk"):
            return None  # ligne laissée vide
        return SaisieActivite(
            pk=donnees.get("pk"),
            titre=donnees.get("titre") or "",
            debut=donnees["debut"],
            fin=donnees["fin"],
            lieu=donnees.get("lieu") or "",
            capacite=donnees.get("capacite"),
            supprimer=bool(donnees.get("supprimer")),
        )


class QuestionForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    libelle = forms.CharField(label=_("Question"), max_length=255, required=False)
    type = forms.ChoiceField(label=_("Réponse"), choices=TypeQuestion.choices, initial=TypeQuestion.TEXTE)
    choix = forms.CharField(
        label=_("Choix proposés"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Un par ligne, pour une réponse à choisir."),
    )
    obligatoire = forms.BooleanField(label=_("Obligatoire"), required=False, initial=True)
    supprimer = forms.BooleanField(label=_("Supprimer"), required=False)

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        choix = [ligne.strip() for ligne in (donnees.get("choix") or "").splitlines() if ligne.strip()]
        donnees["liste_de_choix"] = choix
        if donnees.get("libelle") and donnees.get("type") == TypeQuestion.CHOIX and len(choix) < 2:
            self.add_error("choix", _("Proposez au moins deux choix, un par ligne."))
        return donnees

    def saisie(self) -> SaisieQuestion | None:
        donnees = self.cleaned_data
        if not donnees.get("libelle") and not donnees.get("pk"):
            return None
        return SaisieQuestion(
            pk=donnees.get("pk"),
            libelle=donnees.get("libelle") or "",
            type=donnees["type"],
            choix=donnees["liste_de_choix"],
            obligatoire=bool(donnees.get("obligatoire")),
            supprimer=bool(donnees.get("supprimer")) or not donnees.get("libelle"),
        )


def _libeller(formset: Any, etiquette: str) -> None:
    # Des étiquettes qui disent de quelle ligne il s'agit (lecteurs d'écran, messages d'erreur).
    for rang, formulaire in enumerate(formset.forms, start=1):
        for nom, champ in formulaire.fields.items():
            if nom != "pk":
                champ.label = f"{champ.label} ({etiquette} {rang})"


def activites_formset(rencontre: Rencontre | None, data: Any = None) -> Any:
    existantes = list(Activite.objects.filter(rencontre=rencontre)) if rencontre is not None else []
    classe = forms.formset_factory(ActiviteForm, extra=LIGNES_EN_PLUS)
    initial = [
        {"pk": a.pk, "titre": a.titre, "debut": a.debut, "fin": a.fin, "lieu": a.lieu, "capacite": a.capacite}
        for a in existantes
    ]
    formset = classe(data, prefix="activites", initial=initial)
    _libeller(formset, str(_("activité")))
    return formset


def questions_formset(rencontre: Rencontre | None, data: Any = None) -> Any:
    existantes = list(Question.objects.filter(rencontre=rencontre)) if rencontre is not None else []
    classe = forms.formset_factory(QuestionForm, extra=LIGNES_EN_PLUS)
    initial = [
        {
            "pk": q.pk,
            "libelle": q.libelle,
            "type": q.type,
            "choix": "\n".join(q.choix),
            "obligatoire": q.obligatoire,
        }
        for q in existantes
    ]
    formset = classe(data, prefix="questions", initial=initial)
    _libeller(formset, str(_("question")))
    return formset


def saisies(formset: Any) -> list[Any]:
    return [s for f in formset.forms if (s := f.saisie()) is not None]


class AnnulationForm(forms.Form):
    motif = forms.CharField(
        label=_("Motif de l'annulation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il est écrit aux personnes inscrites avec l'annulation."),
    )


class OrganisateurForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse du compte à qui confier la rencontre"),
        help_text=_("La personne doit avoir un compte sur le portail (invitez-la d'abord sinon)."),
    )


class SoutienForm(forms.ModelForm):
    class Meta:
        model = DemandeDeSoutien
        fields = list(CHAMPS_DE_LA_DEMANDE)
        widgets = {
            "debut": DateHeureInput,
            "fin": DateHeureInput,
            "description": forms.Textarea(attrs={"rows": 5}),
            "besoin_logistique": forms.Textarea(attrs={"rows": 3}),
            "montant_demande": forms.TextInput(attrs={"inputmode": "decimal"}),
        }

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and "montant_demande" in data:
            # « 1 500,00 » : les espaces (ordinaires ou insécables) séparent les milliers.
            data = data.copy()
            data["montant_demande"] = "".join(data["montant_demande"].split()).replace("\u202f", "")
        super().__init__(data, *args, **kwargs)
        self.fields["structure"].queryset = Structure.objects.order_by("nom")  # type: ignore[attr-defined]
        self.fields["commune"].queryset = Commune.objects.defer("contour").order_by("nom")  # type: ignore[attr-defined]
        # Une virgule décimale, à la française : « 2 500,00 ».
        self.fields["montant_demande"].localize = True
        self.fields["montant_demande"].widget.is_localized = True

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", _("La fin doit suivre le début."))
        return donnees


class DecisionSoutienForm(forms.Form):
    montant_accorde = forms.DecimalField(
        label=_("Montant accordé (€)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    motif = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un refus ; il est écrit à l'organisme."),
    )
