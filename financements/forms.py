"""Formulaires des pages du porteur. Ils lisent la saisie telle qu'elle a été tapée (les montants
restent du texte : `services.montant_lu` les lit à la française) ; les règles sont dans
`financements.services`, dont les refus reviennent sur les champs."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from financements.models import Financeur, NaturePiece, TypeDemande
from financements.services import besoins_proposes
from territoire.models import BesoinTerritoire, Commune

# Lignes de dépenses vides toujours proposées : sans script, on ajoute une ligne en la remplissant.
LIGNES_VIDES = 3


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Commune) -> str:
        return f"{obj.nom} ({obj.code_insee})"


def _communes() -> Any:
    # Une liste de choix : les contours des 129 communes (la carte) n'y servent pas.
    return Commune.objects.defer("contour").order_by("nom", "code_insee")


class DemandeCreerForm(forms.Form):
    intitule = forms.CharField(
        label=_("Intitulé du projet"),
        max_length=255,
        help_text=_("Par exemple : « Étude de faisabilité d'une maison de santé à Beaumont-Hague »."),
    )
    type_demande = forms.ChoiceField(label=_("Type de demande"), choices=TypeDemande.choices)
    description = forms.CharField(
        label=_("Description du projet"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    commune = CommuneChoiceField(
        label=_("Commune d'implantation"),
        queryset=_communes(),
        required=False,
        empty_label=_("Choisissez la commune"),
    )


class BrouillonForm(forms.Form):
    """La partie générale du brouillon ; les dépenses et le plan sont lus à part (lignes en
    nombre variable, montants gardés tels que tapés)."""

    intitule = forms.CharField(label=_("Intitulé du projet"), max_length=255)
    type_demande = forms.ChoiceField(label=_("Type de demande"), choices=TypeDemande.choices)
    description = forms.CharField(
        label=_("Description du projet"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    commune = CommuneChoiceField(
        label=_("Commune d'implantation"),
        queryset=_communes(),
        required=False,
        empty_label=_("Choisissez la commune"),
    )
    besoins = forms.ModelMultipleChoiceField(
        label=_("Besoins du territoire auxquels le projet répond"),
        queryset=BesoinTerritoire.objects.none(),
        required=False,
    )
    engagement_stages = forms.BooleanField(
        label=_("L'équipe s'engage à accueillir des stagiaires"), required=False
    )
    engagement_stages_detail = forms.CharField(
        label=_("Accueil de stagiaires : précisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Professions des stagiaires, nombre par an, maîtres de stage."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["besoins"]).queryset = besoins_proposes()


def lignes_depenses_saisies(donnees: Any) -> list[tuple[str, str]]:
    """Les lignes (libellé, montant) telles que tapées, dans l'ordre de la page."""
    libelles = donnees.getlist("depense_libelle")
    montants = donnees.getlist("depense_montant")
    nombre = max(len(libelles), len(montants))
    libelles += [""] * (nombre - len(libelles))
    montants += [""] * (nombre - len(montants))
    return [(libelle.strip(), montant.strip()) for libelle, montant in zip(libelles, montants, strict=True)]


def montants_du_plan_saisis(donnees: Any) -> dict[str, str]:
    """Le montant tapé pour chaque financeur (vide : pas sollicité)."""
    return {code: donnees.get(f"financement_{code}", "").strip() for code in Financeur.values}


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse électronique du co-porteur"),
        help_text=_("Il confirmera depuis son compte sur le portail, ouvert avec cette adresse."),
    )


class PieceForm(forms.Form):
    nature = forms.ChoiceField(label=_("Nature de la pièce"), choices=NaturePiece.choices)
    fichier = forms.FileField(
        label=_("Fichier"), help_text=_("PDF, bureautique ou image ; le contenu du fichier est contrôlé.")
    )


class RetraitForm(forms.Form):
    motif = forms.CharField(
        label=_("Motif du retrait (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MessageForm(forms.Form):
    texte = forms.CharField(
        label=_("Votre message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
