"""L'administration du Conseil : instances, mandats, groupes de travail et programmes.

Ce qui change l'état d'une séance, d'un procès-verbal ou d'un programme (convocation,
présences, clôture, adoption) passe par les pages du portail, qui appliquent les règles et
écrivent le journal : ici, ces champs sont en lecture seule. Les mandats s'enregistrent par
`services.mandat_enregistrer` (vérification des chevauchements, journal).

Comme pour le territoire, ni listes à recherche (select2) ni sous-formulaires en tableau,
qui ne passent pas axe : des identifiants avec loupe (`raw_id_fields`) et des
sous-formulaires empilés. Les jetons de calendrier (des secrets) ne sont pas exposés.
"""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conseil.models import (
    GroupeDeTravail,
    Instance,
    Livrable,
    Mandat,
    ObjectifProgramme,
    Participation,
    PointOrdreDuJour,
    ProcesVerbal,
    Procuration,
    ProgrammeDeTravail,
    Reunion,
    RoleMandat,
    StatutProgramme,
    StatutReunion,
)
from conseil.services import CHAMPS_REUNION, mandat_enregistrer, mandat_verifier, reunion_modifier


class LectureSeule:
    """Une page de consultation : ni ajout, ni modification, ni suppression."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _lien_portail(obj: Any, libelle: Any) -> SafeString | str:
    if obj is None or obj.pk is None:
        return "—"
    return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), libelle)


# --- Sous-formulaires sans une requête par ligne --------------------------------------------


class LoupeSansRequete(ForeignKeyRawIdWidget):
    """L'identifiant avec loupe (`raw_id_fields`) de Django relit l'objet choisi pour afficher
    son nom : une requête par sous-formulaire. Celui-ci reprend l'objet déjà chargé avec la
    ligne (`objet`, posé par le formset) quand c'est bien lui que le champ affiche ; sinon
    (saisie renvoyée avec une erreur), il le relit comme Django."""

    objet: Any = None

    def label_and_url_for_value(self, value: Any) -> tuple[str, str]:
        objet = self.objet
        if objet is None or str(objet.pk) != str(value):
            return super().label_and_url_for_value(value)
        try:
            url = reverse(
                f"{self.admin_site.name}:{objet._meta.app_label}_{objet._meta.model_name}_change",
                args=(objet.pk,),
            )
        except NoReverseMatch:
            url = ""
        return Truncator(objet).words(14), url


class ChoixLusUneFois(BaseInlineFormSet):
    """Les listes déroulantes des sous-formulaires (`champs_a_choix`) lues une fois pour
    toutes les lignes du formset (et la ligne vierge), au premier affichage : Django relit
    sinon la liste pour chaque ligne. La validation d'un envoi relit toujours le choix
    dans la base."""

    champs_a_choix: tuple[str, ...] = ()

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        lectures: dict[str, Callable[[], list[Any]]] = self.__dict__.setdefault("_choix_partages", {})
        for nom in self.champs_a_choix:
            champ = form.fields.get(nom)
            if champ is None:
                continue
            if nom not in lectures:
                lectures[nom] = _lus_une_fois(champ.choices)
            champ.choices = lectures[nom]


def _lus_une_fois(choix: Iterable[Any]) -> Callable[[], list[Any]]:
    """Des choix lus au premier appel, puis gardés. Parcourus sans len() : list() demanderait
    d'abord un COUNT à l'itérateur des choix d'un modèle."""
    lus: list[Any] | None = None

    def lire() -> list[Any]:
        nonlocal lus
        if lus is None:
            lus = list(iter(choix))
        return lus

    return lire


# --- Mandats ----------------------------------------------------------------------------


def _se_chevauchent(debut_a: date, fin_a: date | None, debut_b: date, fin_b: date | None) -> bool:
    return (fin_b is None or debut_a <= fin_b) and (fin_a is None or debut_b <= fin_a)


class MandatForm(forms.ModelForm):
    """Refuse, avec le message du service, un mandat qui en chevauche un autre (même
    personne dans l'instance, ou même siège au même titre)."""

    class Meta:
        model = Mandat
        fields = [
            "instance",
            "personne",
            "role",
            "categorie",
            "siege",
            "structure",
            "debut",
            "fin",
            "designation",
            "demo",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        donnees = self.cleaned_data
        instance = donnees.get("instance")
        personne = donnees.get("personne")
        debut = donnees.get("debut")
        role = donnees.get("role")
        if instance is None or instance.pk is None or personne is None or debut is None or not role:
            return donnees
        candidat = Mandat(
            pk=self.instance.pk,
            instance=instance,
            personne=personne,
            role=role,
            categorie=donnees.get("categorie") or "",
            siege=donnees.get("siege"),
            debut=debut,
            fin=donnees.get("fin"),
        )
        try:
            mandat_verifier(candidat)
        except ValidationError as erreur:
            self.add_error(None, erreur)
        return donnees


class MandatsFormSet(BaseInlineFormSet):
    """Les mandats d'une même soumission ne se chevauchent pas non plus entre eux."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        # La personne et la structure, chargées avec les mandats (MandatEnLigne.get_queryset).
        for nom in ("personne", "structure"):
            widget = form.fields[nom].widget
            champ = Mandat._meta.get_field(nom)
            if isinstance(widget, LoupeSansRequete) and isinstance(champ, ForeignKey):
                widget.objet = champ.get_cached_value(form.instance, None)

    def clean(self) -> None:
        super().clean()
        lignes = [
            form
            for form in self.forms
            if form.cleaned_data and not form.errors and not form.cleaned_data.get("DELETE")
        ]
        for rang, form in enumerate(lignes):
            donnees = form.cleaned_data
            for precedent in lignes[:rang]:
                autre = precedent.cleaned_data
                if not _se_chevauchent(
                    donnees["debut"], donnees.get("fin"), autre["debut"], autre.get("fin")
                ):
                    continue
                if donnees["personne"] == autre["personne"]:
                    form.add_error(
                        "debut",
                        gettext(
                            "%(personne)s figure deux fois parmi les mandats de cette instance, pour des "
                            "périodes qui se chevauchent. Terminez le premier mandat avant d'ouvrir l'autre."
                        )
                        % {"personne": donnees["personne"]},
                    )
                    break
                if (
                    donnees.get("siege") is not None
                    and donnees.get("siege") == autre.get("siege")
                    and donnees["role"] == autre["role"]
                ):
                    form.add_error(
                        "siege",
                        gettext(
                            "Le siège n°%(siege)s a deux mandats de %(role)s pour des périodes qui se "
                            "chevauchent : %(autre)s et %(personne)s."
                        )
                        % {
                            "siege": donnees["siege"],
                            "role": RoleMandat(donnees["role"]).label.lower(),
                            "autre": autre["personne"],
                            "personne": donnees["personne"],
                        },
                    )
                    break


class MandatEnLigne(admin.StackedInline):
    model = Mandat
    form = MandatForm
    formset = MandatsFormSet
    # L'instance est celle de la page (le sous-formulaire la reçoit du formset).
    fields = ["personne", "role", "categorie", "siege", "structure", "debut", "fin", "designation", "demo"]
    raw_id_fields = ["personne", "structure"]
    extra = 0
    verbose_name = _("mandat")
    verbose_name_plural = _("mandats")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mandat]:
        # Le titre de chaque ligne (Mandat.__str__ : personne, instance) et ses loupes.
        return super().get_queryset(request).select_related("personne", "instance", "structure")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in self.raw_id_fields:
            kwargs["widget"] = LoupeSansRequete(
                db_field.remote_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _enregistrer_mandats(request: HttpRequest, formset: Any) -> None:
    mandats = formset.save(commit=False)
    for supprime in formset.deleted_objects:
        supprime.delete()
    # Les mandats modifiés passent avant les nouveaux (ordre de `save(commit=False)`) : un
    # mandat raccourci libère le siège que le nouveau prend.
    for mandat in mandats:
        mandat_enregistrer(mandat=mandat, acteur=request.user)
    formset.save_m2m()


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin):
    list_display = ["nom", "type_instance", "active", "calendrier_public", "demo"]
    list_filter = ["type_instance", "active", "demo"]
    search_fields = ["nom"]
    inlines = [MandatEnLigne]
    readonly_fields = ["lien_portail"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "nom",
                    "type_instance",
                    "description",
                    "active",
                    "calendrier_public",
                    "demo",
                    "lien_portail",
                ]
            },
        ),
        (
            _("Séances : quorum et procurations"),
            {
                "fields": [
                    "quorum_part",
                    "quorum_compte_procurations",
                    "procurations_autorisees",
                    "procurations_max_par_membre",
                ]
            },
        ),
        (
            _("Scrutins : règles figées à l'ouverture de chaque vote"),
            {"fields": ["vote_base_majorite", "vote_abstentions_exprimees", "vote_secret", "vote_departage"]},
        ),
    ]

    @admin.display(description=_("sur le portail"))
    def lien_portail(self, obj: Instance | None) -> SafeString | str:
        return _lien_portail(obj, _("Ouvrir l'instance sur le portail"))

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # Les mandats se vérifient contre ceux déjà enregistrés : l'instance d'abord.
        if obj is None:
            return []
        return super().get_inline_instances(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Mandat:
            _enregistrer_mandats(request, formset)
        else:
            super().save_formset(request, form, formset, change)


@admin.register(Mandat)
class MandatAdmin(admin.ModelAdmin):
    form = MandatForm
    list_display = ["personne", "instance", "role", "categorie", "siege", "debut", "fin", "demo"]
    list_filter = ["instance", "role", "categorie", "demo"]
    list_select_related = ["personne", "instance"]
    search_fields = ["personne__nom", "personne__prenom", "personne__email"]
    raw_id_fields = ["personne", "structure"]
    list_per_page = 50

    def save_model(self, request: HttpRequest, obj: Mandat, form: Any, change: bool) -> None:
        mandat_enregistrer(mandat=obj, acteur=request.user)


# --- Séances -------------------------------------------------------------------------------


class PointEnLigne(LectureSeule, admin.StackedInline):
    """L'ordre du jour se prépare sur la page de la séance (documents, ordre, convocation)."""

    model = PointOrdreDuJour
    extra = 0
    fields = readonly_fields = ("ordre", "titre", "nature", "expose", "resultat")


class ReunionForm(forms.ModelForm):
    class Meta:
        model = Reunion
        fields = ["instance", "titre", "debut", "fin", "lieu", "lien_visio", "demo"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        donnees = self.cleaned_data
        lieu, visio = donnees.get("lieu", ""), donnees.get("lien_visio", "")
        if "lieu" in donnees and "lien_visio" in donnees and not lieu.strip() and not visio.strip():
            self.add_error("lieu", gettext("Indiquez un lieu ou un lien de visioconférence."))
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut is not None and fin is not None and fin <= debut:
            self.add_error("fin", gettext("La fin de la séance doit suivre son début."))
        return donnees


CHAMPS_ETAT_REUNION = [
    "statut",
    "convoquee_le",
    "convocation_motif_retard",
    "quorum_membres",
    "quorum_presents",
    "quorum_representes",
    "quorum_requis",
    "quorum_atteint",
    "cree_par",
    "cree_le",
]


@admin.register(Reunion)
class ReunionAdmin(admin.ModelAdmin):
    form = ReunionForm
    list_display = ["titre", "instance", "debut", "statut", "quorum_atteint", "demo"]
    list_filter = ["instance", "statut", "debut", "demo"]
    list_select_related = ["instance"]
    search_fields = ["titre", "lieu"]
    inlines = [PointEnLigne]
    list_per_page = 50
    fieldsets = [
        (
            None,
            {"fields": ["lien_portail", "instance", "titre", "debut", "fin", "lieu", "lien_visio", "demo"]},
        ),
        (
            _("État (changé sur le portail)"),
            {"fields": ["statut", "convoquee_le", "convocation_motif_retard"]},
        ),
        (
            _("Quorum figé à la clôture"),
            {
                "fields": [
                    "quorum_membres",
                    "quorum_presents",
                    "quorum_representes",
                    "quorum_requis",
                    "quorum_atteint",
                ]
            },
        ),
        (_("Création"), {"fields": ["cree_par", "cree_le"]}),
    ]

    @admin.display(description=_("sur le portail"))
    def lien_portail(self, obj: Reunion | None) -> SafeString | str:
        return _lien_portail(obj, _("Ouvrir la séance sur le portail"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        champs = ["lien_portail", *CHAMPS_ETAT_REUNION]
        if obj is not None:
            # L'instance d'une séance ne change pas ; une séance tenue, close ou annulée non plus.
            champs.append("instance")
            if obj.statut not in (StatutReunion.PLANIFIEE, StatutReunion.CONVOQUEE):
                champs += ["titre", "debut", "fin", "lieu", "lien_visio", "demo"]
        return champs

    # Une séance se planifie sur le portail (le service trace sa création et son auteur).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.statut != StatutReunion.PLANIFIEE:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Reunion, form: Any, change: bool) -> None:
        champs = {nom: form.cleaned_data[nom] for nom in form.changed_data if nom in CHAMPS_REUNION}
        if champs:
            reunion_modifier(reunion=obj, acteur=request.user, **champs)
        if "demo" in form.changed_data:
            obj.save(update_fields=["demo"])


@admin.register(Participation)
class ParticipationAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["personne", "reunion", "convoque_le", "reponse", "presence"]
    list_filter = ["reunion__instance", "reponse", "presence"]
    list_select_related = ["personne", "reunion"]
    search_fields = ["personne__nom", "personne__prenom", "personne__email", "reunion__titre"]
    list_per_page = 50


@admin.register(Procuration)
class ProcurationAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["mandant", "mandataire", "reunion", "donnee_le", "enregistree_par"]
    list_filter = ["reunion__instance"]
    list_select_related = ["mandant", "mandataire", "reunion", "enregistree_par"]
    search_fields = ["mandant__nom", "mandataire__nom", "reunion__titre"]
    list_per_page = 50


@admin.register(ProcesVerbal)
class ProcesVerbalAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["reunion", "statut", "adopte_en", "adopte_le", "document"]
    list_filter = ["statut", "reunion__instance"]
    list_select_related = ["reunion", "adopte_en", "document"]
    search_fields = ["reunion__titre", "texte"]
    fields = readonly_fields = (
        "lien_portail",
        "reunion",
        "statut",
        "texte",
        "redige_par",
        "modifie_le",
        "adopte_en",
        "adopte_le",
        "document",
        "erreur_archivage",
    )

    @admin.display(description=_("sur le portail"))
    def lien_portail(self, obj: ProcesVerbal | None) -> SafeString | str:
        return _lien_portail(obj, _("Ouvrir le procès-verbal sur le portail"))


# --- Groupes de travail et programme ------------------------------------------------------


class LivrablesFormSet(ChoixLusUneFois):
    champs_a_choix = ("objectif",)


class LivrableEnLigne(admin.StackedInline):
    """L'avancement se tient sur la page du groupe (journal des mises à jour)."""

    model = Livrable
    formset = LivrablesFormSet
    extra = 0
    fields = ["titre", "description", "objectif", "echeance", "avancement", "livre_le", "demo"]
    readonly_fields = ["avancement", "livre_le"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "objectif":
            kwargs["queryset"] = ObjectifProgramme.objects.select_related("programme").order_by(
                "-programme__annee", "ordre"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(GroupeDeTravail)
class GroupeDeTravailAdmin(admin.ModelAdmin):
    list_display = ["__str__", "axe", "copilote_agglomeration", "copilote_professionnel"]
    list_filter = ["axe"]
    list_select_related = ["instance", "copilote_agglomeration", "copilote_professionnel"]
    search_fields = ["instance__nom", "mission"]
    raw_id_fields = ["copilote_agglomeration", "copilote_professionnel"]
    readonly_fields = ["lien_portail"]
    fields = [
        "lien_portail",
        "instance",
        "axe",
        "mission",
        "copilote_agglomeration",
        "copilote_professionnel",
    ]
    inlines = [LivrableEnLigne]

    @admin.display(description=_("sur le portail"))
    def lien_portail(self, obj: GroupeDeTravail | None) -> SafeString | str:
        return _lien_portail(obj, _("Ouvrir le groupe sur le portail"))


class ObjectifsFormSet(ChoixLusUneFois):
    champs_a_choix = ("groupe",)


class ObjectifEnLigne(admin.StackedInline):
    model = ObjectifProgramme
    formset = ObjectifsFormSet
    extra = 0
    fields = ["ordre", "intitule", "description", "groupe"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ObjectifProgramme]:
        # Un programme adopté affiche le groupe de chaque objectif en lecture seule.
        return super().get_queryset(request).select_related("groupe__instance")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groupe":
            kwargs["queryset"] = GroupeDeTravail.objects.select_related("instance")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Un programme adopté ne change plus : ses objectifs sont ceux que le Conseil a votés.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _programme_modifiable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _programme_modifiable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _programme_modifiable(obj) and super().has_delete_permission(request, obj)


def _programme_modifiable(programme: ProgrammeDeTravail | None) -> bool:
    return programme is None or programme.statut == StatutProgramme.BROUILLON


@admin.register(ProgrammeDeTravail)
class ProgrammeDeTravailAdmin(admin.ModelAdmin):
    list_display = ["annee", "__str__", "statut", "adopte_le", "demo"]
    list_filter = ["statut", "demo"]
    search_fields = ["titre", "presentation"]
    fields = ["lien_portail", "annee", "titre", "presentation", "statut", "adopte_en", "adopte_le", "demo"]
    inlines = [ObjectifEnLigne]

    @admin.display(description=_("sur le portail"))
    def lien_portail(self, obj: ProgrammeDeTravail | None) -> SafeString | str:
        return _lien_portail(obj, _("Ouvrir le programme sur le portail (adoption)"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        champs = ["lien_portail", "statut", "adopte_en", "adopte_le"]
        if not _programme_modifiable(obj):
            champs += ["annee", "titre", "presentation", "demo"]
        return champs

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _programme_modifiable(obj) and super().has_delete_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgrammeDeTravail]:
        return super().get_queryset(request).select_related("adopte_en")
