from typing import Any, cast

from allauth.account.forms import SignupForm
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from comptes.models import Utilisateur
from comptes.permissions import peut_attribuer_roles_personnel
from comptes.roles import GROUPES, ROLES_PERSONNEL


class InscriptionForm(SignupForm):
    prenom = forms.CharField(
        label=_("Prénom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    nom = forms.CharField(
        label=_("Nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )

    field_order = ["prenom", "nom", "email", "password1", "password2"]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"))
    prenom = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    nom = forms.CharField(label=_("Nom"), max_length=150, required=False)
    groupes = forms.ModelMultipleChoiceField(
        label=_("Rôles"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Donnés à la personne quand elle crée son compte."),
    )
    message = forms.CharField(
        label=_("Message personnel"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif : repris dans le courriel d'invitation."),
    )

    def __init__(self, *args: Any, acteur: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        noms = set(GROUPES.values())
        if not peut_attribuer_roles_personnel(acteur):
            noms -= {GROUPES[role] for role in ROLES_PERSONNEL}
        groupes = cast(forms.ModelMultipleChoiceField, self.fields["groupes"])
        groupes.queryset = Group.objects.filter(name__in=noms).order_by("name")


class AcceptationInvitationForm(forms.Form):
    prenom = forms.CharField(
        label=_("Prénom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    nom = forms.CharField(
        label=_("Nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    mot_de_passe = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    confirmation = forms.CharField(
        label=_("Mot de passe (confirmation)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        mot_de_passe = donnees.get("mot_de_passe")
        if mot_de_passe and mot_de_passe != donnees.get("confirmation"):
            self.add_error("confirmation", _("Les deux mots de passe ne sont pas identiques."))
        elif mot_de_passe:
            candidat = Utilisateur(
                email=self.email, prenom=donnees.get("prenom", ""), nom=donnees.get("nom", "")
            )
            try:
                password_validation.validate_password(mot_de_passe, candidat)
            except forms.ValidationError as erreur:
                self.add_error("mot_de_passe", erreur)
        return donnees


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Utilisateur
        fields = ["prenom", "nom", "frequence_notifications"]
        widgets = {"frequence_notifications": forms.RadioSelect}


class MotifForm(forms.Form):
    motif = forms.CharField(
        label=_("Motif de la révocation (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
