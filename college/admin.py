"""L'administration du Collège : textes, scrutins, candidatures, intérêts déclarés, corps
électoral, procurations, émargement, discussions.

Un scrutin se crée, s'ouvre, se clôt et s'annule sur les pages du portail, qui appliquent les
règles et écrivent le journal : ici, on ne le crée pas, et on ne corrige que ce qui se
prépare encore (titre, question, séance, sièges, secret, dates) tant qu'il n'est pas ouvert.
Ensuite, tout est en lecture seule. Le corps électoral, les procurations et l'émargement
sont des registres : lecture seule. Les discussions se modèrent sur le portail (masquage
avec un motif, tracé au journal) : lecture seule aussi.

L'urne (`Bulletin`) n'est pas enregistrée ici, et ce n'est pas un oubli : avant la clôture,
les résultats sont scellés (personne, secrétariat compris, ne voit les choix), et après, la
page du scrutin publie l'urne avec ses codes de reçu et son recomptage. Une liste de
l'administration l'ouvrirait pendant le vote et, triée ou filtrée, donnerait une prise sur
l'ordre des bulletins ; elle permettrait aussi de les modifier.

Comme pour le Conseil : ni listes à recherche (select2) ni sous-formulaires en tableau, qui
ne passent pas axe ; des identifiants avec loupe (`raw_id_fields`) et des sous-formulaires
empilés.
"""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from college.models import (
    Candidature,
    Commentaire,
    DeclarationInteret,
    Discussion,
    Electeur,
    Emargement,
    ProcurationVote,
    Scrutin,
    StatutScrutin,
    Texte,
    TypeScrutin,
    VersionCommentaire,
)
from college.services import interet_declarer, participation_en_direct, scrutin_modifier
from conseil.admin import LectureSeule, _lien_portail
from conseil.models import PointOrdreDuJour

# --- Textes ------------------------------------------------------------------------------


@admin.register(Texte)
class TexteAdmin(admin.ModelAdmin):
    list_display = ["titre", "instance", "cree_par", "cree_le"]
    list_filter = ["instance"]
    list_select_related = ["instance", "cree_par"]
    search_fields = ["titre", "corps"]
    fields = ["lien_portail", "instance", "titre", "corps", "cree_par", "cree_le"]
    readonly_fields = ["lien_portail", "cree_par", "cree_le"]
    list_per_page = 50

    @admin.display(description=_("sur le portail"))
    def lien_portail(self, obj: Texte | None) -> SafeString | str:
        return _lien_portail(obj, _("Ouvrir le texte sur le portail"))

    def save_model(self, request: HttpRequest, obj: Texte, form: Any, change: bool) -> None:
        if not change:
            obj.cree_par = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Un texte mis aux voix ou en discussion reste : le résultat et les échanges y renvoient.
        if obj is not None:
            type_texte = ContentType.objects.get_for_model(Texte)
            for modele in (Scrutin, Discussion):
                if modele.objects.filter(objet_type=type_texte, objet_id=str(obj.pk)).exists():
                    return False
        return super().has_delete_permission(request, obj)


# --- Scrutins ----------------------------------------------------------------------------

# Ce que le secrétariat corrige encore tant que le scrutin se prépare.
CHAMPS_PREPARATION = ["titre", "question", "reunion", "sieges", "secret", "ouverture", "cloture"]
CHAMPS_FIGES = [
    "statut",
    "ouvert_le",
    "clos_le",
    "motif_cloture_anticipee",
    "quorum_part",
    "quorum_compte_procurations",
    "base_majorite",
    "abstentions_exprimees",
    "procurations_autorisees",
    "procurations_max_par_membre",
    "departage",
]


class ScrutinForm(forms.ModelForm):
    class Meta:
        model = Scrutin
        fields = CHAMPS_PREPARATION

    def clean(self) -> dict[str, Any]:
        super().clean()
        donnees = self.cleaned_data
        scrutin = self.instance
        # La page d'administration enregistre dans une transaction : le verrou tient jusqu'à
        # l'enregistrement, et une ouverture faite entre-temps sur le portail l'emporte.
        statut = Scrutin.objects.select_for_update().values_list("statut", flat=True).get(pk=scrutin.pk)
        if statut != StatutScrutin.PREPARATION:
            raise ValidationError(
                gettext("Le scrutin a été ouvert ou annulé entre-temps : sa préparation ne change plus.")
            )
        ouverture, cloture = donnees.get("ouverture"), donnees.get("cloture")
        if ouverture is not None and cloture is not None and cloture <= ouverture:
            self.add_error("cloture", gettext("La clôture du vote doit suivre son ouverture."))
        sieges = donnees.get("sieges")
        if sieges is not None and sieges < 1:
            self.add_error("sieges", gettext("Au moins un siège est à pourvoir."))
        elif sieges is not None and sieges != 1 and scrutin.type_scrutin != TypeScrutin.ELECTION:
            self.add_error("sieges", gettext("Seule une élection pourvoit plusieurs sièges."))
        reunion = donnees.get("reunion")
        if reunion is not None and reunion.instance_id != scrutin.instance_id:
            self.add_error("reunion", gettext("La séance doit être une séance de la même instance."))
        return donnees


class CandidatureEnLigne(LectureSeule, admin.StackedInline):
    """Les candidatures se déclarent sur le portail (membre ou secrétariat, avant l'ouverture)."""

    model = Candidature
    extra = 0
    fields = readonly_fields = ("personne", "date_naissance", "presentation", "declaree_le")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Candidature]:
        return super().get_queryset(request).select_related("personne")


@admin.register(Scrutin)
class ScrutinAdmin(admin.ModelAdmin):
    form = ScrutinForm
    list_display = ["titre", "instance", "type_scrutin", "statut", "ouverture", "cloture", "secret"]
    list_filter = ["instance", "type_scrutin", "statut", "ouverture"]
    list_select_related = ["instance"]
    search_fields = ["titre", "question"]
    raw_id_fields = ["reunion"]
    inlines = [CandidatureEnLigne]
    list_per_page = 50
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "lien_portail",
                    "instance",
                    "type_scrutin",
                    "sujet",
                    "titre",
                    "question",
                    "reunion",
                    "sieges",
                    "secret",
                    "ouverture",
                    "cloture",
                ]
            },
        ),
        (_("État (changé sur le portail)"), {"fields": ["statut", "ouvert_le", "clos_le", "participation"]}),
        (
            _("Règles figées à l'ouverture"),
            {
                "fields": [
                    "quorum_part",
                    "quorum_compte_procurations",
                    "base_majorite",
                    "abstentions_exprimees",
                    "procurations_autorisees",
                    "procurations_max_par_membre",
                    "departage",
                ]
            },
        ),
        (_("Résultat figé à la clôture"), {"fields": ["motif_cloture_anticipee", "resultat_publie"]}),
        (_("Création"), {"fields": ["cree_par", "cree_le"]}),
    ]

    @admin.display(description=_("sur le portail"))
    def lien_portail(self, obj: Scrutin | None) -> SafeString | str:
        return _lien_portail(obj, _("Ouvrir le scrutin sur le portail"))

    @admin.display(description=_("sujet"))
    def sujet(self, obj: Scrutin | None) -> SafeString | str:
        if obj is None or not obj.objet_type_id:
            return gettext("Aucun (consultation écrite)")
        try:
            objet = obj.objet
        except ObjectDoesNotExist:
            objet = None
        if objet is None:
            return "—"
        url = getattr(objet, "get_absolute_url", None)
        return format_html('<a href="{}">{}</a>', url(), objet) if url else str(objet)

    @admin.display(description=_("participation"))
    def participation(self, obj: Scrutin | None) -> str:
        # Combien ont voté, jamais quoi (comme la page de suivi du secrétariat).
        if obj is None or obj.statut not in (StatutScrutin.OUVERT, StatutScrutin.CLOS):
            return "—"
        chiffres = participation_en_direct(obj)
        votants = ngettext("%(votants)s votant", "%(votants)s votants", chiffres["votants"]) % chiffres
        electeurs = (
            ngettext("%(electeurs)s électeur", "%(electeurs)s électeurs", chiffres["electeurs"]) % chiffres
        )
        return gettext("%(votants)s sur %(electeurs)s") % {"votants": votants, "electeurs": electeurs}

    @admin.display(description=_("résultat"))
    def resultat_publie(self, obj: Scrutin | None) -> SafeString | str:
        # Scellé jusqu'à la clôture : le champ est vide tant que le scrutin est ouvert.
        if obj is None or obj.statut != StatutScrutin.CLOS or obj.resultat is None:
            return "—"
        return format_html("<pre>{}</pre>", json.dumps(obj.resultat, ensure_ascii=False, indent=2))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        champs = [
            "lien_portail",
            "instance",
            "type_scrutin",
            "sujet",
            *CHAMPS_FIGES,
            "participation",
            "resultat_publie",
            "cree_par",
            "cree_le",
        ]
        if obj is None or obj.statut != StatutScrutin.PREPARATION:
            champs += CHAMPS_PREPARATION
        return champs

    # Un scrutin se prépare sur le portail (le service trace sa création et son auteur).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.statut != StatutScrutin.PREPARATION:
            return False
        return super().has_change_permission(request, obj)

    # On n'efface pas un scrutin : il s'annule sur le portail, avec un motif.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Scrutin, form: Any, change: bool) -> None:
        # Par le service, comme la page de préparation du portail : il revérifie sous verrou
        # que le scrutin se prépare encore et garde au journal l'ancienne et la nouvelle valeur.
        champs = {nom: form.cleaned_data[nom] for nom in form.changed_data if nom in CHAMPS_PREPARATION}
        if champs:
            scrutin_modifier(scrutin=obj, acteur=request.user, **champs)


@admin.register(Candidature)
class CandidatureAdmin(LectureSeule, admin.ModelAdmin):
    """Une candidature se déclare et se retire sur le portail (avant l'ouverture, tracé)."""

    list_display = ["personne", "scrutin", "declaree_le"]
    list_filter = ["scrutin__instance", "scrutin__statut"]
    list_select_related = ["personne", "scrutin"]
    search_fields = ["personne__nom", "personne__prenom", "scrutin__titre"]
    list_per_page = 50


# --- Intérêts déclarés -------------------------------------------------------------------

# Les sujets sur lesquels un intérêt se déclare (plus tard : les demandes de financement).
SUJETS_D_INTERET = (PointOrdreDuJour, Texte, Scrutin)


class ChoixDeSujet(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        modele = obj.model_class()
        return capfirst(str(modele._meta.verbose_name)) if modele else str(obj)


class DeclarationInteretForm(forms.ModelForm):
    class Meta:
        model = DeclarationInteret
        fields = ["personne", "objet_type", "objet_id", "nature"]
        help_texts = {
            "objet_id": _("Le numéro du point, du texte ou du scrutin (dans l'adresse de sa page)."),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        donnees = self.cleaned_data
        type_objet, objet_id = donnees.get("objet_type"), (donnees.get("objet_id") or "").strip()
        if type_objet is None or not objet_id:
            return donnees
        try:
            self.objet = type_objet.get_object_for_this_type(pk=objet_id)
        except (ObjectDoesNotExist, ValueError, ValidationError):
            self.add_error(
                "objet_id",
                gettext("Aucun « %(type)s » ne porte le numéro %(id)s.")
                % {"type": type_objet.model_class()._meta.verbose_name, "id": objet_id},
            )
            return donnees
        donnees["objet_id"] = str(self.objet.pk)
        personne = donnees.get("personne")
        if (
            personne is not None
            and DeclarationInteret.objects.filter(
                personne=personne, objet_type=type_objet, objet_id=str(self.objet.pk)
            ).exists()
        ):
            self.add_error("objet_id", gettext("Cet intérêt est déjà déclaré."))
        return donnees


@admin.register(DeclarationInteret)
class DeclarationInteretAdmin(admin.ModelAdmin):
    """Le secrétariat enregistre l'intérêt déclaré par un membre ; l'enregistrement passe par
    `services.interet_declarer` (journal). Une déclaration enregistrée ne se modifie ni ne
    s'efface : le corps électoral des scrutins ouverts depuis en dépend."""

    form = DeclarationInteretForm
    list_display = ["personne", "sujet", "declaree_par", "declaree_le"]
    list_filter = [("objet_type", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["personne", "objet_type", "declaree_par"]
    search_fields = ["personne__nom", "personne__prenom", "personne__email", "nature"]
    raw_id_fields = ["personne"]
    list_per_page = 50

    @admin.display(description=_("sujet"))
    def sujet(self, obj: DeclarationInteret | None) -> SafeString | str:
        if obj is None or obj.pk is None:
            return "—"
        try:
            objet = obj.objet
        except ObjectDoesNotExist:
            objet = None
        if objet is None:
            return "—"
        url = getattr(objet, "get_absolute_url", None)
        return format_html('<a href="{}">{}</a>', url(), objet) if url else str(objet)

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeclarationInteret]:
        # Les sujets de la liste, lus en une requête par type (et non une par ligne).
        return super().get_queryset(request).prefetch_related("objet")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is None:
            return ["personne", "objet_type", "objet_id", "nature"]
        return ["personne", "sujet", "objet_type", "objet_id", "nature", "declaree_par", "declaree_le"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is None:
            return []
        return self.get_fields(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "objet_type":
            types = ContentType.objects.get_for_models(*SUJETS_D_INTERET).values()
            kwargs["queryset"] = ContentType.objects.filter(pk__in=[t.pk for t in types])
            kwargs["form_class"] = ChoixDeSujet
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: DeclarationInteret, form: Any, change: bool) -> None:
        declaration = interet_declarer(
            personne=form.cleaned_data["personne"],
            objet=form.objet,
            nature=form.cleaned_data["nature"],
            acteur=request.user,
        )
        obj.pk = declaration.pk
        obj.refresh_from_db()


# --- Registres : corps électoral, procurations, émargement -------------------------------


@admin.register(Electeur)
class ElecteurAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["personne", "scrutin", "mandat", "exclu_pour_interet", "rappele_le"]
    list_filter = ["scrutin__instance", "exclu_pour_interet"]
    list_select_related = ["personne", "scrutin", "mandat__personne", "mandat__instance"]
    search_fields = ["personne__nom", "personne__prenom", "scrutin__titre"]
    list_per_page = 50


@admin.register(ProcurationVote)
class ProcurationVoteAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["mandant", "mandataire", "scrutin", "de_la_seance", "donnee_le"]
    list_filter = ["scrutin__instance", "de_la_seance"]
    list_select_related = ["mandant", "mandataire", "scrutin"]
    search_fields = ["mandant__nom", "mandataire__nom", "scrutin__titre"]
    list_per_page = 50


@admin.register(Emargement)
class EmargementAdmin(LectureSeule, admin.ModelAdmin):
    """Qui a voté (pas quoi). Rangé par nom, jamais par ordre d'arrivée."""

    list_display = ["personne", "scrutin", "vote_par"]
    list_filter = ["scrutin__instance"]
    list_select_related = ["personne", "scrutin", "vote_par"]
    search_fields = ["personne__nom", "personne__prenom", "scrutin__titre"]
    ordering = ["scrutin", "personne__nom", "personne__prenom"]
    sortable_by = ["personne", "scrutin"]
    list_per_page = 50


# --- Discussions -------------------------------------------------------------------------


@admin.register(Discussion)
class DiscussionAdmin(LectureSeule, admin.ModelAdmin):
    """Les discussions s'ouvrent et se modèrent sur le portail."""

    list_display = ["titre", "instance", "cree_par", "cree_le"]
    list_filter = ["instance"]
    list_select_related = ["instance", "cree_par"]
    search_fields = ["titre"]
    fields = readonly_fields = ("lien_portail", "instance", "titre", "cree_par", "cree_le")
    list_per_page = 50

    @admin.display(description=_("sur le portail"))
    def lien_portail(self, obj: Discussion | None) -> SafeString | str:
        return _lien_portail(obj, _("Ouvrir la discussion sur le portail"))


class VersionEnLigne(LectureSeule, admin.StackedInline):
    model = VersionCommentaire
    extra = 0
    fields = readonly_fields = ("texte", "remplace_le")


@admin.register(Commentaire)
class CommentaireAdmin(LectureSeule, admin.ModelAdmin):
    """Un commentaire se masque sur le portail, avec un motif gardé au journal."""

    list_display = ["auteur", "discussion", "cree_le", "modifie_le", "masque_le"]
    list_filter = ["discussion__instance", ("masque_le", admin.EmptyFieldListFilter)]
    list_select_related = ["auteur", "discussion"]
    search_fields = ["texte", "auteur__nom", "auteur__prenom", "discussion__titre"]
    fields = readonly_fields = (
        "lien_portail",
        "discussion",
        "parent",
        "auteur",
        "texte",
        "cree_le",
        "modifie_le",
        "masque_le",
        "masque_par",
        "motif_masquage",
    )
    inlines = [VersionEnLigne]
    list_per_page = 50

    @admin.display(description=_("sur le portail"))
    def lien_portail(self, obj: Commentaire | None) -> SafeString | str:
        return _lien_portail(obj, _("Ouvrir le commentaire sur le portail"))
