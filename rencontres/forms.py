"""Formulaires des rencontres. Les règles (places, foyer, fenêtre d'inscription, réponses) sont
dans `rencontres.services` ; leurs refus reviennent sur les champs, la saisie reste."""

from typing import Any

from django import forms
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from rencontres.models import (
    Activite,
    EtatInscription,
    GenreRessource,
    Inscription,
    LienFoyer,
    Participant,
    Question,
    Rencontre,
    Ressource,
    TypeQuestion,
)
from rencontres.selectors import participants_sans
from rencontres.services import Membre, SaisieInscription, texte_accord_vivier
from socle.francais import nombre


def _libelle_activite(activite: Any, restantes: int | None) -> str:
    if restantes is None:
        return str(activite.titre)
    if restantes == 0:
        return str(_("%(a)s — complet, liste d'attente") % {"a": activite.titre})
    return str(_("%(a)s — %(n)s places restantes") % {"a": activite.titre, "n": nombre(restantes)})


class InscriptionForm(forms.Form):
    nom = forms.CharField(label=_("Nom"), max_length=150)
    prenom = forms.CharField(label=_("Prénom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse électronique"), help_text=_("La confirmation et son code y arrivent.")
    )
    telephone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    profession = forms.CharField(
        label=_("Profession ou année d'études"),
        max_length=150,
        required=False,
        help_text=_("Elle figure sur votre badge : « Interne en médecine générale », « Infirmière »…"),
    )
    structure = forms.CharField(label=_("Structure, faculté ou école"), max_length=150, required=False)
    activites = forms.MultipleChoiceField(
        label=_("Activités"), widget=forms.CheckboxSelectMultiple, required=False
    )
    liste_d_attente_acceptee = forms.BooleanField(
        label=_("Si une activité est complète, m'inscrire sur la liste d'attente (tout mon foyer ensemble)"),
        required=False,
        initial=True,
    )

    def __init__(
        self, *args: Any, rencontre: Rencontre, restantes: dict[int, int | None], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rencontre = rencontre
        self.activites_par_pk = {str(a.pk): a for a in rencontre.activites.all()}
        self.fields["activites"].choices = [  # type: ignore[attr-defined]
            (pk, _libelle_activite(a, restantes.get(a.pk))) for pk, a in self.activites_par_pk.items()
        ]
        if not self.is_bound:
            self.initial.setdefault("activites", list(self.activites_par_pk))
        self.questions = list(Question.objects.filter(rencontre=rencontre))
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = self._champ(question)
        if rencontre.propose_le_vivier:
            # Facultative, jamais cochée d'avance : le texte de la case est celui qui est gardé.
            self.fields["accord_vivier"] = forms.BooleanField(
                label=texte_accord_vivier(),
                required=False,
                initial=False,
                help_text=_("Facultatif : votre inscription ne dépend pas de cet accord."),
            )

    @staticmethod
    def _champ(question: Question) -> forms.Field:
        commun: dict[str, Any] = {"label": question.libelle, "required": False}
        if question.type == TypeQuestion.CHOIX:
            return forms.ChoiceField(choices=[("", "—"), *((c, c) for c in question.choix)], **commun)
        if question.type == TypeQuestion.OUI_NON:
            return forms.ChoiceField(choices=[("", "—"), ("oui", _("Oui")), ("non", _("Non"))], **commun)
        if question.type == TypeQuestion.NOMBRE:
            return forms.CharField(
                max_length=6, widget=forms.TextInput(attrs={"inputmode": "numeric"}), **commun
            )
        return forms.CharField(max_length=500, **commun)

    def saisie(self, foyer: list[Membre]) -> SaisieInscription:
        donnees = self.cleaned_data
        return SaisieInscription(
            nom=donnees["nom"],
            prenom=donnees["prenom"],
            email=donnees["email"],
            telephone=donnees.get("telephone", ""),
            profession=donnees.get("profession", ""),
            structure=donnees.get("structure", ""),
            activites=[
                self.activites_par_pk[pk] for pk in donnees["activites"] if pk in self.activites_par_pk
            ],
            foyer=foyer,
            reponses={q.pk: donnees.get(f"question_{q.pk}", "") for q in self.questions},
            liste_d_attente_acceptee=donnees.get("liste_d_attente_acceptee", False),
            accord_vivier=bool(donnees.get("accord_vivier", False)),
        )


class MembreForm(forms.Form):
    prenom = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    nom = forms.CharField(label=_("Nom"), max_length=150, required=False)
    lien = forms.ChoiceField(
        label=_("Lien"),
        choices=[(v, label) for v, label in LienFoyer.choices if v != LienFoyer.TITULAIRE],
        initial=LienFoyer.CONJOINT,
    )

    def membre(self) -> Membre | None:
        donnees = self.cleaned_data
        if not (donnees.get("prenom") or donnees.get("nom")):
            return None  # ligne laissée vide
        return Membre(nom=donnees.get("nom", ""), prenom=donnees.get("prenom", ""), lien=donnees["lien"])


def foyer_formset(rencontre: Rencontre, data: Any = None) -> Any:
    """Autant de lignes que de membres possibles du foyer (sans script : les lignes vides sont
    ignorées)."""
    places = max(rencontre.foyer_max - 1, 0)
    classe = forms.formset_factory(MembreForm, extra=places, max_num=places, validate_max=True)
    formset = classe(data, prefix="foyer")
    # Des étiquettes qui disent de quelle ligne il s'agit (lecteurs d'écran, messages d'erreur).
    for rang, formulaire in enumerate(formset.forms, start=2):
        formulaire.fields["prenom"].label = _("Prénom de la personne %(n)s") % {"n": rang}
        formulaire.fields["nom"].label = _("Nom de la personne %(n)s") % {"n": rang}
        formulaire.fields["lien"].label = _("Lien de la personne %(n)s avec vous") % {"n": rang}
    return formset


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code d'accueil"), max_length=20)


class SurPlaceForm(forms.Form):
    """Une personne venue sans inscription, inscrite à l'entrée (toutes les activités)."""

    prenom = forms.CharField(label=_("Prénom"), max_length=150)
    nom = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(label=_("Adresse électronique"), required=False)
    accompagnants = forms.IntegerField(
        label=_("Personnes qui l'accompagnent"), min_value=0, max_value=20, initial=0, required=False
    )

    def saisie(self, rencontre: Rencontre) -> SaisieInscription:
        donnees = self.cleaned_data
        nom, prenom = donnees["nom"], donnees["prenom"]
        return SaisieInscription(
            nom=nom,
            prenom=prenom,
            email=donnees.get("email") or "",
            activites=list(rencontre.activites.all()),
            foyer=[
                Membre(nom=nom, prenom=str(_("Accompagnant %(n)s") % {"n": rang}))
                for rang in range(1, (donnees.get("accompagnants") or 0) + 1)
            ],
            liste_d_attente_acceptee=False,
        )


class MessageForm(forms.Form):
    etat = forms.ChoiceField(label=_("À qui"), required=False)
    activite = forms.ModelChoiceField(
        label=_("Seulement les inscrits de l'activité"), queryset=Activite.objects.none(), required=False
    )
    sujet = forms.CharField(label=_("Sujet"), max_length=200)
    texte = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, rencontre: Rencontre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["etat"].choices = [  # type: ignore[attr-defined]
            ("", _("Toutes les inscriptions non annulées")),
            *((v, label) for v, label in EtatInscription.choices if v != EtatInscription.ANNULEE),
        ]
        self.fields["activite"].queryset = rencontre.activites.all()  # type: ignore[attr-defined]


# --- Chambres et navettes (services/hebergement.py) ------------------------------------------


class RessourceForm(forms.Form):
    genre = forms.ChoiceField(label=_("Chambre ou navette"), choices=GenreRessource.choices)
    libelle = forms.CharField(
        label=_("Libellé"),
        max_length=150,
        help_text=_("Par exemple : Hôtel de la Plage, chambre 12 ; navette de 18 h."),
    )
    capacite = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)


class RessourceModifForm(forms.Form):
    libelle = forms.CharField(label=_("Libellé"), max_length=150)
    capacite = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=500,
        help_text=_("Pas moins que les places déjà attribuées ; réservée (gelée), elle ne change plus."),
    )


class _RessourceChoix(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(
            _("%(r)s — %(o)s/%(c)s") % {"r": obj.libelle, "o": getattr(obj, "occupees", 0), "c": obj.capacite}
        )


class AttributionForm(forms.Form):
    """Placer une personne dans une chambre (ou une navette) non gelée de la rencontre."""

    participant = forms.ModelChoiceField(label=_("Personne"), queryset=Participant.objects.none())
    ressource = _RessourceChoix(label=_("Où"), queryset=Ressource.objects.none())

    def __init__(self, *args: Any, rencontre: Rencontre, genre: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", genre)
        super().__init__(*args, **kwargs)
        self.genre = genre
        self.fields["participant"].queryset = participants_sans(rencontre, genre)  # type: ignore[attr-defined]
        self.fields["ressource"].queryset = (  # type: ignore[attr-defined]
            Ressource.objects.filter(rencontre=rencontre, genre=genre, reservee_le__isnull=True)
            .annotate(occupees=Count("attributions"))
            .order_by("ordre", "pk")
        )
        self.fields["ressource"].label = _("Chambre") if genre == GenreRessource.CHAMBRE else _("Navette")


class DecisionForm(forms.Form):
    reponse = forms.CharField(
        label=_("Réponse à la personne"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un refus."),
    )


class _SouhaitChoix(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_genre_display()} — {obj.libelle}"


class DemandeDeChangementForm(forms.Form):
    """Changer de chambre ou de navette réservée : depuis la page de son inscription (ses
    participants), ou par un organisateur (les participants de la rencontre)."""

    participant = forms.ModelChoiceField(label=_("Pour qui"), queryset=Participant.objects.none())
    genre = forms.ChoiceField(label=_("Chambre ou navette"), choices=GenreRessource.choices)
    souhait = _SouhaitChoix(
        label=_("Celle que vous souhaitez"),
        queryset=Ressource.objects.none(),
        required=False,
        empty_label=_("Aucune : ne plus en avoir"),
    )
    motif = forms.CharField(
        label=_("Motif de la demande"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Dites pourquoi vous demandez ce changement.")},
    )

    def __init__(
        self,
        *args: Any,
        rencontre_id: int,
        participants: QuerySet[Participant],
        seul: Participant | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "changement")
        super().__init__(*args, **kwargs)
        champ = self.fields["participant"]
        champ.queryset = participants  # type: ignore[attr-defined]
        if seul is not None:
            # Une inscription d'une seule personne : pas de choix à faire.
            champ.widget = forms.HiddenInput()
            champ.initial = seul.pk
        self.fields["souhait"].queryset = Ressource.objects.filter(  # type: ignore[attr-defined]
            rencontre=rencontre_id
        ).order_by("genre", "ordre", "pk")

    @classmethod
    def pour_l_inscription(
        cls, inscription: Inscription, participants: list[Participant], *args: Any
    ) -> "DemandeDeChangementForm":
        return cls(
            *args,
            rencontre_id=inscription.rencontre_id,
            participants=Participant.objects.filter(inscription=inscription),
            seul=participants[0] if len(participants) == 1 else None,
        )
