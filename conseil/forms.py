"""Formulaires du Conseil. Ils lisent et vérifient la saisie ; les règles sont dans
`conseil.services`, dont les refus (`ValidationError`) reviennent sur les champs."""

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptes.models import Utilisateur
from conseil.models import (
    Instance,
    NaturePoint,
    Presence,
    ProcesVerbal,
    Reponse,
    Reunion,
    StatutReunion,
)
from socle.francais import date_longue

FORMAT_DATE_HEURE = "%Y-%m-%dT%H:%M"


class DateHeureInput(forms.DateTimeInput):
    """Le sélecteur natif du navigateur, accessible, au format qu'il attend."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=FORMAT_DATE_HEURE)


class ReunionForm(forms.Form):
    """La date, le lieu et le titre d'une séance."""

    titre = forms.CharField(
        label=_("Titre"),
        max_length=200,
        help_text=_("Par exemple : « Séance plénière de printemps »."),
    )
    debut = forms.DateTimeField(label=_("Début"), widget=DateHeureInput)
    fin = forms.DateTimeField(label=_("Fin (facultative)"), required=False, widget=DateHeureInput)
    lieu = forms.CharField(
        label=_("Lieu"),
        max_length=255,
        required=False,
        help_text=_("Un lieu ou un lien de visioconférence, ou les deux."),
    )
    lien_visio = forms.URLField(
        label=_("Lien de visioconférence"),
        max_length=500,
        required=False,
        assume_scheme="https",
    )
    # N'apparaît que si la date surprend (passée, ou lointaine) : une faute de frappe sur l'année
    # (2020 pour 2026) ne doit pas passer sans que le secrétariat la voie.
    confirmer_date = forms.BooleanField(
        label=_("Je confirme cette date"),
        required=False,
        widget=forms.HiddenInput,
    )

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        debut = donnees.get("debut")
        confirmee = donnees.pop("confirmer_date", False)
        if debut is None or "debut" not in self.changed_data:
            return donnees
        maintenant = timezone.now()
        if debut < maintenant - timedelta(days=1):
            avertissement = _(
                "Cette date est passée (%(date)s) : cochez « Je confirme cette date » pour enregistrer "
                "une séance qui a déjà eu lieu, ou corrigez l'année."
            )
        elif debut > maintenant + timedelta(days=2 * 365):
            avertissement = _(
                "Cette date est dans plus de deux ans (%(date)s) : cochez « Je confirme cette date », "
                "ou corrigez l'année."
            )
        else:
            return donnees
        if not confirmee:
            self.fields["confirmer_date"].widget = forms.CheckboxInput()
            self.add_error("debut", avertissement % {"date": date_longue(debut)})
        return donnees

    @property
    def changed_data(self) -> list[str]:
        return [nom for nom in super().changed_data if nom != "confirmer_date"]


class ReunionCreationForm(ReunionForm):
    instance = forms.ModelChoiceField(
        label=_("Instance"),
        queryset=Instance.objects.filter(active=True),
        empty_label=_("Choisissez l'instance qui se réunit"),
    )

    field_order = ["instance", "titre", "debut", "confirmer_date", "fin", "lieu", "lien_visio"]


class PointForm(forms.Form):
    """Un point de l'ordre du jour. `champs` retient ceux qui peuvent encore changer :
    tout tant que la séance se prépare, la seule suite donnée une fois tenue."""

    titre = forms.CharField(label=_("Titre du point"), max_length=255)
    expose = forms.CharField(
        label=_("Exposé"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que les membres doivent savoir avant la séance."),
    )
    nature = forms.ChoiceField(
        label=_("Nature"), choices=NaturePoint.choices, initial=NaturePoint.INFORMATION
    )
    resultat = forms.CharField(
        label=_("Suite donnée"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce qui a été dit ou décidé : repris au procès-verbal."),
    )

    def __init__(self, *args: Any, champs: tuple[str, ...] = ("titre", "expose", "nature"), **kwargs: Any):
        super().__init__(*args, **kwargs)
        for nom in list(self.fields):
            if nom not in champs:
                del self.fields[nom]


def champs_de_point_modifiables(reunion: Reunion) -> tuple[str, ...]:
    if reunion.statut in (StatutReunion.PLANIFIEE, StatutReunion.CONVOQUEE):
        return ("titre", "expose", "nature", "resultat")
    if reunion.statut == StatutReunion.TENUE:
        return ("resultat",)
    return ()


class DocumentForm(forms.Form):
    fichier = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, PNG, JPEG, ODT, ODS, DOCX ou XLSX."),
        error_messages={"required": _("Choisissez le fichier à joindre.")},
    )
    titre = forms.CharField(
        label=_("Titre du document (facultatif)"),
        max_length=255,
        required=False,
        help_text=_("Par défaut, le nom du fichier."),
    )


class ConvocationForm(forms.Form):
    motif_retard = forms.CharField(
        label=_("Motif de la convocation tardive"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Gardé au registre de la séance et au journal."),
    )

    def __init__(self, *args: Any, tardive: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tardive:
            self.fields["motif_retard"].required = True
            self.fields["motif_retard"].error_messages["required"] = _(
                "Indiquez le motif de cette convocation tardive."
            )
        else:
            del self.fields["motif_retard"]


STATUTS_PAR_LE_SECRETARIAT = (StatutReunion.TENUE, StatutReunion.CLOSE, StatutReunion.ANNULEE)


class StatutForm(forms.Form):
    vers = forms.ChoiceField(
        choices=[(s.value, s.label) for s in STATUTS_PAR_LE_SECRETARIAT], widget=forms.HiddenInput
    )
    motif = forms.CharField(label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LignePresenceForm(forms.Form):
    """Une ligne du registre des présences : un membre convoqué."""

    presence = forms.ChoiceField(label=_("Présence"), choices=Presence.choices, required=False)
    mandataire = forms.TypedChoiceField(
        label=_("Représenté par"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, mandataires: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["mandataire"]).choices = [("", "—"), *mandataires]
        for champ in self.fields.values():
            champ.widget.attrs["class"] = "form-select form-select-sm champ-presence"

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        # Un lecteur d'écran lit l'erreur de la ligne avec chacun de ses champs.
        for champ in self.fields.values():
            champ.widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"{self.prefix}-erreur"})

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        if donnees.get("presence") != Presence.REPRESENTE:
            donnees["mandataire"] = None
        return donnees


class ProcesVerbalForm(forms.Form):
    texte = forms.CharField(
        label=_("Texte du procès-verbal"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("Une ligne vide sépare deux paragraphes."),
        error_messages={"required": _("Le procès-verbal ne peut pas être vide.")},
    )


class AdoptionForm(forms.Form):
    """La séance qui adopte le procès-verbal. La liste ne propose que les séances suivantes
    convoquées ou tenues, mais toute séance de l'instance est acceptée à la saisie : le refus
    du workflow dit alors pourquoi, mieux qu'un « choix invalide »."""

    adopte_en = forms.ModelChoiceField(
        label=_("Séance qui adopte le procès-verbal"),
        queryset=Reunion.objects.none(),
        empty_label=_("Choisissez la séance"),
        error_messages={
            "required": _("Choisissez la séance qui adopte le procès-verbal."),
            "invalid_choice": _("Choisissez dans la liste une séance suivante de la même instance."),
        },
    )

    def __init__(self, *args: Any, pv: ProcesVerbal, seances: list[Reunion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champ = cast(forms.ModelChoiceField, self.fields["adopte_en"])
        champ.queryset = Reunion.objects.filter(instance=pv.reunion.instance_id).exclude(pk=pv.reunion_id)
        champ.widget.choices = [("", champ.empty_label), *((s.pk, str(s)) for s in seances)]
        self.seances = seances


class ReponseForm(forms.Form):
    """La réponse d'un membre à sa convocation ; donner procuration passe par `ProcurationForm`."""

    reponse = forms.ChoiceField(
        label=_("Serez-vous présent à la séance ?"),
        choices=[(r.value, r.label) for r in (Reponse.PRESENT, Reponse.EXCUSE)],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Indiquez si vous serez présent ou excusé.")},
    )


class ProcurationForm(forms.Form):
    """Le membre à qui l'on donne procuration. La liste ne propose que ceux qui peuvent la
    recevoir, mais tout compte actif est accepté à la saisie : le refus du service (pas
    membre, procuration déjà détenue…) dit alors pourquoi, mieux qu'un « choix invalide »."""

    mandataire = forms.ModelChoiceField(
        label=_("Je donne procuration à"),
        queryset=Utilisateur.objects.filter(is_active=True),
        empty_label=_("Choisissez un membre"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": _("Choisissez le membre qui vous représentera."),
            "invalid_choice": _("Choisissez le membre qui vous représentera dans la liste."),
        },
    )

    def __init__(self, *args: Any, mandataires: list[Utilisateur], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champ = cast(forms.ModelChoiceField, self.fields["mandataire"])
        champ.widget.choices = [("", champ.empty_label), *((p.pk, str(p)) for p in mandataires)]
