"""Formulaires des candidats : postuler, demander un lien par courriel, les alertes. Les règles
(employeur obligatoire, fichiers contrôlés par leur contenu, offre close, déjà candidat) sont
dans `recrutement.services`, dont les refus reviennent sur les champs."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from recrutement.models import TYPES_PIECES, NaturePiece, SourceCandidature
from recrutement.services import SaisieCandidature, texte_consentement_vivier
from territoire.models import PoleDeProximite, Profession, Structure
from territoire.validateurs import valider_rpps

FORMATS = ",".join((".pdf", ".docx", ".odt", *TYPES_PIECES))
AIDE_FICHIERS = _("PDF, DOCX ou ODT.")


class _PlusieursFichiers(forms.FileInput):
    allow_multiple_selected = True


class PlusieursFichiersField(forms.FileField):
    """Un champ qui reçoit plusieurs fichiers (un `<input type="file" multiple>`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _PlusieursFichiers(attrs={"accept": FORMATS}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        un = super().clean
        if isinstance(data, list | tuple):
            return [un(d, initial) for d in data if d]
        return [un(data, initial)] if data else []


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CandidatureForm(forms.Form):
    """Le formulaire de candidature à une offre. `employeurs` : les employeurs proposés, chacun
    (structure, obligatoire, texte exact du consentement), tels que `employeurs_et_textes`."""

    nom = forms.CharField(
        label=_("Nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    prenom = forms.CharField(
        label=_("Prénom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    telephone = forms.CharField(
        label=_("Téléphone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    rpps = forms.CharField(
        label=_("Numéro RPPS"),
        max_length=11,
        required=False,
        validators=[valider_rpps],
        help_text=_("Facultatif : les 11 chiffres de votre carte CPS, si vous en avez un."),
    )
    message = forms.CharField(
        label=_("Message aux recruteurs"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    source = forms.ChoiceField(
        label=_("Comment avez-vous connu l'offre ?"),
        choices=SourceCandidature.choices,
        initial=SourceCandidature.PORTAIL,
    )
    cv = forms.FileField(
        label=_("Votre CV"),
        help_text=AIDE_FICHIERS,
        error_messages={"required": _("Joignez votre CV (PDF, DOCX ou ODT).")},
        widget=forms.FileInput(attrs={"accept": FORMATS}),
    )
    lettre = forms.FileField(
        label=_("Lettre de motivation"),
        required=False,
        help_text=_("Facultative. PDF, DOCX ou ODT."),
        widget=forms.FileInput(attrs={"accept": FORMATS}),
    )
    diplomes = PlusieursFichiersField(
        label=_("Diplômes et autres documents"),
        required=False,
        help_text=_("Facultatifs ; vous pouvez en choisir plusieurs à la fois. PDF, DOCX ou ODT."),
    )
    employeurs = forms.MultipleChoiceField(label=_("À qui confier votre candidature"), required=False)
    vivier = forms.BooleanField(label=_("Rester dans le vivier du GCS"), required=False)
    poles_souhaites = forms.ModelMultipleChoiceField(
        label=_("Pôles de proximité où vous aimeriez exercer"),
        queryset=PoleDeProximite.objects.order_by("ordre", "nom"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun : tout le Cotentin."),
    )
    aide_emploi_conjoint = forms.BooleanField(label=_("Un emploi pour mon conjoint"), required=False)
    aide_logement = forms.BooleanField(label=_("Un logement"), required=False)
    aide_precisions = forms.CharField(
        label=_("Précisions sur l'aide demandée"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, employeurs: Sequence[tuple[Structure, bool, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposes = list(employeurs)
        choix = cast(forms.MultipleChoiceField, self.fields["employeurs"])
        choix.choices = [(str(s.pk), s.nom) for s, _o, _t in self.proposes]
        self.fields["employeurs"].initial = [str(s.pk) for s, obligatoire, _t in self.proposes if obligatoire]
        self.fields["vivier"].help_text = texte_consentement_vivier()

    def employeurs_affiches(self) -> list[dict[str, Any]]:
        """Pour le gabarit : chaque employeur proposé, coché ou non (saisie gardée), avec son texte."""
        coches = {str(v) for v in (self["employeurs"].value() or [])}
        return [
            {"structure": s, "obligatoire": obligatoire, "texte": texte, "coche": str(s.pk) in coches}
            for s, obligatoire, texte in self.proposes
        ]

    def saisie(self, email: str) -> SaisieCandidature:
        donnees = self.cleaned_data
        par_pk = {str(s.pk): s for s, _o, _t in self.proposes}
        autres: list[tuple[str, UploadedFile]] = []
        if donnees.get("lettre"):
            autres.append((NaturePiece.LETTRE.value, donnees["lettre"]))
        autres += [(NaturePiece.DIPLOME.value, f) for f in donnees.get("diplomes") or []]
        return SaisieCandidature(
            nom=donnees["nom"],
            prenom=donnees["prenom"],
            email=email,
            cv=donnees.get("cv"),
            employeurs=[par_pk[pk] for pk in donnees["employeurs"] if pk in par_pk],
            telephone=donnees["telephone"],
            rpps=donnees["rpps"],
            message=donnees["message"],
            source=donnees["source"],
            autres_pieces=autres,
            vivier=donnees["vivier"],
            poles_souhaites=list(donnees["poles_souhaites"]),
            aide_emploi_conjoint=donnees["aide_emploi_conjoint"],
            aide_logement=donnees["aide_logement"],
            aide_precisions=donnees["aide_precisions"],
        )

    def champ_du_fichier(self, message: str) -> str | None:
        """Le champ d'un refus du service sur une autre pièce (« lettre.pdf : … ») ; rien si le
        message ne nomme aucun des fichiers envoyés."""
        lettre = self.cleaned_data.get("lettre")
        if lettre is not None and message.startswith(f"{lettre.name} :"):
            return "lettre"
        if any(message.startswith(f"{f.name} :") for f in self.cleaned_data.get("diplomes") or []):
            return "diplomes"
        return None


class AlerteForm(forms.Form):
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    profession = forms.ModelChoiceField(
        label=_("Profession"), queryset=Profession.objects.order_by("libelle"), empty_label=_("Choisissez")
    )
    pole = forms.ModelChoiceField(
        label=_("Pôle de proximité"),
        queryset=PoleDeProximite.objects.order_by("ordre", "nom"),
        required=False,
        empty_label=_("Tout le Cotentin"),
    )
