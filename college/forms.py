"""Formulaires du Collège. Ils lisent et vérifient la saisie ; les règles sont dans
`college.services`, dont les refus (`ValidationError`) reviennent sur les champs."""

from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from college.models import MOTIVATION_MAX, Candidature, Choix, Scrutin, Texte, TypeScrutin
from comptes.models import Utilisateur
from conseil.forms import DateHeureInput
from conseil.models import Instance, PointOrdreDuJour, Reunion, StatutReunion
from socle.francais import date_longue

# --- Secrétariat : préparer un scrutin --------------------------------------------------------

SECRET_SELON_L_INSTANCE = ""
MODE_SECRET = "secret"  # noqa: S105 (un mode de scrutin, pas un mot de passe)
MODE_NOMINATIF = "nominatif"
STATUTS_DE_SEANCE_POUR_UN_SCRUTIN = (StatutReunion.PLANIFIEE, StatutReunion.CONVOQUEE, StatutReunion.TENUE)


def _vers_secret(valeur: str) -> bool | None:
    return {MODE_SECRET: True, MODE_NOMINATIF: False}.get(valeur)


class SeanceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Reunion) -> str:
        debut = date_longue(obj.debut)
        return f"{obj.instance} — {obj.titre} ({debut})"


def prochaine_heure() -> datetime:
    return (timezone.localtime() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)


class ScrutinForm(forms.Form):
    """Un scrutin qui se prépare : sa question, sa fenêtre de vote et son sujet. `instance`
    restreint les séances et les sujets proposés à ceux de l'instance (toutes les instances
    actives sinon) ; `scrutin` est celui qu'on modifie."""

    type_scrutin = forms.ChoiceField(label=_("Type de scrutin"), choices=TypeScrutin.choices)
    titre = forms.CharField(
        label=_("Titre"),
        max_length=255,
        help_text=_("Par exemple : « Élection du représentant du Collège au Conseil »."),
    )
    question = forms.CharField(
        label=_("Question posée"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que les électeurs lisent au moment de voter."),
    )
    ouverture = forms.DateTimeField(
        label=_("Ouverture du vote"), widget=DateHeureInput, help_text=_("Heure de Paris.")
    )
    cloture = forms.DateTimeField(
        label=_("Clôture du vote"),
        widget=DateHeureInput,
        help_text=_("Heure de Paris. À cette heure, le scrutin est clos et dépouillé automatiquement."),
    )
    sieges = forms.IntegerField(
        label=_("Sièges à pourvoir"),
        min_value=1,
        max_value=99,
        initial=1,
        help_text=_("Pour une élection, le nombre de personnes à élire ; 1 pour un autre scrutin."),
    )
    secret = forms.TypedChoiceField(
        label=_("Mode de scrutin"),
        coerce=_vers_secret,
        empty_value=None,
        required=False,
        help_text=_(
            "Secret : l'urne ne dit pas qui a voté quoi. Nominatif : le choix de chacun est publié "
            "avec le résultat."
        ),
    )
    reunion = SeanceChoiceField(
        label=_("Séance"),
        queryset=Reunion.objects.none(),
        required=False,
        empty_label=_("Aucune : consultation écrite entre les séances"),
        help_text=_("Le procès-verbal de cette séance reprendra le résultat."),
    )
    objet = forms.ChoiceField(
        label=_("Sujet"),
        required=False,
        help_text=_("Un point de l'ordre du jour de la séance, un texte soumis à l'instance, ou aucun."),
    )

    def __init__(
        self,
        *args: Any,
        instance: Instance | None = None,
        scrutin: Scrutin | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance_fixe = instance
        instances = (
            Instance.objects.filter(pk=instance.pk) if instance else Instance.objects.filter(active=True)
        )
        seances = Q(instance__in=instances, statut__in=STATUTS_DE_SEANCE_POUR_UN_SCRUTIN)
        if scrutin is not None and scrutin.reunion_id:
            seances |= Q(pk=scrutin.reunion_id)
        champ_seance = cast(SeanceChoiceField, self.fields["reunion"])
        champ_seance.queryset = Reunion.objects.filter(seances).select_related("instance").order_by("debut")
        self._objets: dict[str, Any] = {}
        points = [
            (f"point-{p.pk}", p)
            for p in PointOrdreDuJour.objects.filter(reunion__in=champ_seance.queryset)
            .select_related("reunion__instance")
            .order_by("reunion__debut", "reunion_id", "ordre")
        ]
        textes = [
            (f"texte-{t.pk}", t)
            for t in Texte.objects.filter(instance__in=instances).select_related("instance")
        ]
        self._objets.update(points)
        self._objets.update(textes)
        choix: list[Any] = [("", _("Aucun : le scrutin porte sur sa seule question"))]
        if scrutin is not None and scrutin.objet_type_id and self.cle_objet(scrutin) not in self._objets:
            # Un sujet d'une autre nature (ou d'une séance passée) reste choisi tel quel.
            self._objets["actuel"] = scrutin.objet
            choix.append(("actuel", str(scrutin.objet)))
        if points:
            choix.append(
                (
                    _("Points de l'ordre du jour"),
                    [(cle, f"{p.reunion.titre} — {p.ordre}. {p.titre}") for cle, p in points],
                )
            )
        if textes:
            choix.append(
                (
                    _("Textes soumis à l'instance"),
                    [(cle, t.titre if instance else f"{t.instance} — {t.titre}") for cle, t in textes],
                )
            )
        cast(forms.ChoiceField, self.fields["objet"]).choices = choix
        champ_secret = cast(forms.TypedChoiceField, self.fields["secret"])
        if scrutin is None:
            regle = ""
            if instance is not None:
                regle = f" ({_('secret') if instance.vote_secret else _('nominatif')})"
            champ_secret.choices = [
                (SECRET_SELON_L_INSTANCE, _("Selon la règle de l'instance") + regle),
                (MODE_SECRET, _("Secret")),
                (MODE_NOMINATIF, _("Nominatif")),
            ]
        else:
            champ_secret.required = True
            champ_secret.choices = [(MODE_SECRET, _("Secret")), (MODE_NOMINATIF, _("Nominatif"))]

    @staticmethod
    def cle_objet(scrutin: Scrutin) -> str:
        """La valeur du champ « Sujet » pour le sujet actuel du scrutin."""
        if not scrutin.objet_type_id:
            return ""
        modele = scrutin.objet_type.model_class() if scrutin.objet_type else None
        if modele is PointOrdreDuJour:
            return f"point-{scrutin.objet_id}"
        if modele is Texte:
            return f"texte-{scrutin.objet_id}"
        return "actuel"

    @classmethod
    def initial_de(cls, scrutin: Scrutin) -> dict[str, Any]:
        return {
            "type_scrutin": scrutin.type_scrutin,
            "titre": scrutin.titre,
            "question": scrutin.question,
            "ouverture": timezone.localtime(scrutin.ouverture),
            "cloture": timezone.localtime(scrutin.cloture),
            "sieges": scrutin.sieges,
            "secret": MODE_SECRET if scrutin.secret else MODE_NOMINATIF,
            "reunion": scrutin.reunion_id,
            "objet": cls.cle_objet(scrutin),
        }

    def clean_objet(self) -> Any:
        return self._objets.get(self.cleaned_data["objet"]) if self.cleaned_data["objet"] else None

    def instance_choisie(self) -> Instance | None:
        return self.instance_fixe

    def clean(self) -> dict[str, Any]:
        super().clean()
        donnees = self.cleaned_data
        objet = donnees.get("objet")
        seance = donnees.get("reunion")
        instance = self.instance_choisie()
        if isinstance(objet, PointOrdreDuJour):
            if seance is None and "reunion" not in self.errors:
                donnees["reunion"] = objet.reunion
            elif seance is not None and seance.pk != objet.reunion_id:
                self.add_error(
                    "objet",
                    _("Ce point est à l'ordre du jour d'une autre séance que celle du scrutin."),
                )
        elif isinstance(objet, Texte) and instance is not None and objet.instance_id != instance.pk:
            self.add_error("objet", _("Ce texte est soumis à une autre instance."))
        return donnees


class ScrutinCreationForm(ScrutinForm):
    instance = forms.ModelChoiceField(
        label=_("Instance"),
        queryset=Instance.objects.filter(active=True),
        empty_label=_("Choisissez l'instance qui vote"),
    )

    field_order = ["instance"]

    def instance_choisie(self) -> Instance | None:
        return self.cleaned_data.get("instance")


# --- Membres : voter, se porter candidat, déclarer un intérêt, donner procuration ---------


class BulletinForm(forms.Form):
    """Un bulletin : une réponse (délibération, avis) ou des candidats (élection, aucun coché :
    vote blanc). `pour` porte le mandant quand le membre vote par procuration ; chaque
    bulletin de la page a ses propres identifiants (`auto_id`), les noms restent ceux que la
    vue `voter` lit."""

    choix = forms.ChoiceField(
        label=_("Votre vote"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choisissez l'une des réponses proposées.")},
    )
    motivation = forms.CharField(
        label=_("Motivation (facultative)"),
        required=False,
        max_length=MOTIVATION_MAX,
        error_messages={
            "max_length": _("La motivation compte %(show_value)d caractères : %(limit_value)d au plus.")
        },
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Publiée avec le bulletin dans l'urne, sans votre nom si le scrutin est secret."),
    )
    candidats = forms.TypedMultipleChoiceField(
        label=_("Vos candidats"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": _("Ce bulletin cite une personne qui n'est pas candidate.")},
    )
    pour = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        scrutin: Scrutin,
        candidatures: list[Candidature] | None = None,
        mandant: Utilisateur | None = None,
        **kwargs: Any,
    ) -> None:
        self.cle = f"pour{mandant.pk}" if mandant is not None else "moi"
        kwargs.setdefault("auto_id", f"id_bulletin_{self.cle}_%s")
        if mandant is not None:
            kwargs["initial"] = {**kwargs.get("initial", {}), "pour": mandant.pk}
        super().__init__(*args, **kwargs)
        self.scrutin = scrutin
        self.mandant = mandant
        if scrutin.type_scrutin == TypeScrutin.ELECTION:
            del self.fields["choix"], self.fields["motivation"]
            champ = cast(forms.TypedMultipleChoiceField, self.fields["candidats"])
            champ.choices = [(c.pk, str(c.personne)) for c in candidatures or []]
            champ.help_text = ngettext(
                "Cochez au plus %(n)s candidat. Si vous n'en cochez aucun, votre bulletin est blanc.",
                "Cochez au plus %(n)s candidats. Si vous n'en cochez aucun, votre bulletin est blanc.",
                scrutin.sieges,
            ) % {"n": scrutin.sieges}
        else:
            del self.fields["candidats"]
            cast(forms.ChoiceField, self.fields["choix"]).choices = [
                (valeur, Choix(valeur).label) for valeur in scrutin.choix_possibles
            ]
            if scrutin.type_scrutin != TypeScrutin.AVIS:
                del self.fields["motivation"]

    def clean_candidats(self) -> list[int]:
        choisis: list[int] = self.cleaned_data.get("candidats") or []
        if len(choisis) > self.scrutin.sieges:
            raise forms.ValidationError(
                ngettext(
                    "Choisissez au plus %(n)s candidat.",
                    "Choisissez au plus %(n)s candidats.",
                    self.scrutin.sieges,
                )
                % {"n": self.scrutin.sieges}
            )
        return choisis


class InteretForm(forms.Form):
    nature = forms.CharField(
        label=_("Nature de l'intérêt"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_(
            "Par exemple : « je porte le projet », « la structure que je dirige est concernée ». "
            "Vous ne prendrez pas part au vote, et le résultat le dira."
        ),
        error_messages={"required": _("Dites en quelques mots la nature de l'intérêt.")},
    )


class ProcurationVoteForm(forms.Form):
    """Le membre à qui l'on confie son vote. La liste ne propose que les électeurs, mais tout
    compte actif est accepté à la saisie : le refus du service dit alors pourquoi, mieux
    qu'un « choix invalide »."""

    mandataire = forms.ModelChoiceField(
        label=_("Je confie mon vote à"),
        queryset=Utilisateur.objects.filter(is_active=True),
        empty_label=_("Choisissez un membre"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": _("Choisissez le membre qui votera pour vous."),
            "invalid_choice": _("Choisissez dans la liste le membre qui votera pour vous."),
        },
    )

    def __init__(self, *args: Any, mandataires: list[Utilisateur], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champ = cast(forms.ModelChoiceField, self.fields["mandataire"])
        champ.widget.choices = [("", champ.empty_label), *((p.pk, str(p)) for p in mandataires)]


class CandidatureForm(forms.Form):
    presentation = forms.CharField(
        label=_("Votre présentation (facultative)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("Les électeurs la lisent sur la page du scrutin."),
    )
    date_naissance = forms.DateField(
        label=_("Date de naissance (facultative)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text=_(
            "Elle sert seulement à départager une égalité de voix, quand la règle de l'instance "
            "donne le siège au plus âgé ; elle n'est pas affichée."
        ),
        error_messages={"invalid": _("Saisissez une date valide, par exemple 14/07/1975.")},
    )
