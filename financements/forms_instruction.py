"""Formulaires de l'agglomération sur une demande : instruction, avis, décision, convention,
versements, engagements des autres financeurs, notes.

Les montants restent du texte tel que tapé (`services.montant_lu` les lit à la française) et
les règles sont dans `financements.services`. La version de la page n'est pas un champ de ces
formulaires : le gabarit écrit celle de la demande affichée (voir `views.instruction`)."""

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conseil.forms import DateHeureInput
from financements.models import ConditionTranche, StatutDemande, StatutEngagement

VOIES_RECOURS_PAR_DEFAUT = _(
    "La présente décision peut faire l'objet d'un recours gracieux auprès du Président de la "
    "Communauté d'agglomération du Cotentin ou d'un recours contentieux devant le tribunal "
    "administratif de Caen dans un délai de deux mois à compter de sa notification."
)


def instructeurs_possibles() -> QuerySet[Any]:
    """Les comptes actifs qui ont le droit d'instruire, par un groupe ou en propre."""
    droit = {"codename": "instruire_demandefinancement", "content_type__app_label": "financements"}
    par_groupe = Q(**{f"groups__permissions__{cle}": valeur for cle, valeur in droit.items()})
    en_propre = Q(**{f"user_permissions__{cle}": valeur for cle, valeur in droit.items()})
    ids = get_user_model().objects.filter(par_groupe | en_propre, is_active=True).values("pk")
    return get_user_model().objects.filter(pk__in=ids).order_by("nom", "prenom", "email")


class Formulaire(forms.Form):
    """Des id propres à chaque formulaire : la page d'une demande en porte plusieurs (et ceux
    du porteur), où reviennent les mêmes noms de champs (motif, texte…)."""

    nom_id = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.nom_id}_%s")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    """Le sélecteur de date natif du navigateur."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class InstructeurForm(Formulaire):
    nom_id = "instructeur"

    instructeur = forms.ModelChoiceField(
        label=_("Instructeur"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Choisissez l'instructeur"),
        error_messages={
            "required": _("Choisissez l'instructeur."),
            "invalid_choice": _("Choisissez l'instructeur."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champ = self.fields["instructeur"]
        if isinstance(champ, forms.ModelChoiceField):
            champ.queryset = instructeurs_possibles()


class ComplementsForm(Formulaire):
    nom_id = "complements"

    motif = forms.CharField(
        label=_("Compléments demandés au porteur"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que le porteur doit fournir ou préciser ; il le reçoit par courriel."),
        error_messages={"required": _("Dites au porteur ce que vous lui demandez.")},
    )


def cloture_par_defaut() -> datetime:
    maintenant = timezone.localtime().replace(second=0, microsecond=0)
    return maintenant + timedelta(days=settings.FINANCEMENTS_DUREE_AVIS_JOURS)


class AvisForm(Formulaire):
    nom_id = "avis"

    cloture = forms.DateTimeField(
        label=_("Clôture du vote du Collège"),
        widget=DateHeureInput,
        help_text=_("Heure de Paris. À cette heure, le scrutin d'avis est clos et dépouillé."),
        error_messages={
            "required": _("Indiquez la date de clôture du vote."),
            "invalid": _("Indiquez une date et une heure valides."),
        },
    )
    question = forms.CharField(
        label=_("Question posée au Collège (facultative)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sans question, le Collège est invité à rendre son avis sur la demande."),
    )


class DecisionForm(Formulaire):
    nom_id = "decision"

    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            (StatutDemande.ACCORDEE.value, _("Accorder l'aide")),
            (StatutDemande.REFUSEE.value, _("Refuser l'aide")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la décision.")},
    )
    montant_accorde = forms.CharField(
        label=_("Montant accordé (€)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("En cas d'accord. Par exemple « 10 000,00 »."),
    )
    conditions = forms.CharField(
        label=_("Conditions de l'aide"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    motifs_refus = forms.CharField(
        label=_("Motifs du refus"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En cas de refus : ils figurent dans le courrier adressé au porteur."),
    )
    voies_recours = forms.CharField(
        label=_("Voies et délais de recours"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("voies_recours", VOIES_RECOURS_PAR_DEFAUT)
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        decision = donnees.get("decision")
        if decision == StatutDemande.ACCORDEE and not donnees.get("montant_accorde", "").strip():
            self.add_error("montant_accorde", _("Indiquez le montant accordé."))
        if decision == StatutDemande.REFUSEE:
            if not donnees.get("motifs_refus", "").strip():
                self.add_error("motifs_refus", _("Un refus doit être motivé : indiquez ses motifs."))
            if not donnees.get("voies_recours", "").strip():
                self.add_error("voies_recours", _("Indiquez les voies et délais de recours."))
        return donnees


class ClassementForm(Formulaire):
    nom_id = "classement"

    motif = forms.CharField(
        label=_("Motif du classement sans suite"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez le motif du classement sans suite.")},
    )


class ConventionSigneeForm(Formulaire):
    nom_id = "convention"

    fichier = forms.FileField(
        label=_("Convention signée"),
        help_text=_("Le PDF de la convention signée par le porteur ; son contenu est contrôlé."),
        error_messages={"required": _("Joignez la convention signée.")},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    signee_le = forms.DateField(
        label=_("Signée le"),
        widget=DateInput,
        error_messages={
            "required": _("Indiquez la date de signature."),
            "invalid": _("Indiquez une date valide."),
        },
    )


class TrancheForm(forms.Form):
    """Une ligne de l'échéancier ; une ligne laissée vide est ignorée."""

    libelle = forms.CharField(
        label=_("Tranche"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    montant = forms.CharField(
        label=_("Montant (€)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "class": "form-control"}
        ),
    )
    condition = forms.ChoiceField(
        label=_("Condition"),
        required=False,
        choices=[("", "—"), *ConditionTranche.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    condition_detail = forms.CharField(
        label=_("Condition : précisions"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def ligne(self) -> dict[str, Any] | None:
        """La ligne saisie (formulaire validé), ou None si elle est restée vide."""
        donnees = self.cleaned_data
        if not any(
            str(donnees.get(champ) or "").strip() for champ in ("libelle", "montant", "condition_detail")
        ):
            return None
        return {champ: donnees.get(champ) or "" for champ in self.fields}


TranchesFormSet = forms.formset_factory(TrancheForm, extra=1, max_num=20, absolute_max=20)


def tranches_initiales(tranches: Any) -> list[dict[str, Any]]:
    return [
        {
            "libelle": t.libelle,
            "montant": f"{t.montant:.2f}".replace(".", ","),
            "condition": t.condition,
            "condition_detail": t.condition_detail,
        }
        for t in tranches
    ]


class VersementForm(Formulaire):
    nom_id = "versement"

    versee_le = forms.DateField(
        label=_("Versée le"),
        widget=DateInput,
        error_messages={
            "required": _("Indiquez la date du versement."),
            "invalid": _("Indiquez une date valide."),
        },
    )
    reference_mandat = forms.CharField(
        label=_("Référence du mandat de paiement"),
        required=False,
        max_length=60,
        help_text=_("Le numéro du mandat émis par la direction des finances."),
    )


class EngagementForm(Formulaire):
    nom_id = "engagement"

    statut_engagement = forms.ChoiceField(label=_("Engagement"), choices=StatutEngagement.choices)
    montant_decide = forms.CharField(
        label=_("Montant engagé (€)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    decide_le = forms.DateField(
        label=_("Date de la décision du financeur"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": _("Indiquez une date valide.")},
    )
    commentaire = forms.CharField(label=_("Commentaire"), required=False, max_length=255)


def engagement_initial(ligne: Any) -> dict[str, Any]:
    return {
        "statut_engagement": ligne.statut_engagement,
        "montant_decide": ""
        if ligne.montant_decide is None
        else f"{ligne.montant_decide:.2f}".replace(".", ","),
        "decide_le": ligne.decide_le,
        "commentaire": ligne.commentaire,
    }


class NoteForm(Formulaire):
    nom_id = "note"

    texte = forms.CharField(
        label=_("Note d'instruction"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible des seuls agents de l'agglomération : jamais des porteurs ni du Collège."),
        error_messages={"required": _("Écrivez la note.")},
    )
