"""Les agents tiennent ici les données du territoire.

Les listes déroulantes à recherche (select2 : `autocomplete_fields`) et les sous-formulaires
en tableau (`TabularInline`) de l'administration ne passent pas axe (champs sans étiquette) :
des identifiants avec loupe (`raw_id_fields`) pour les longues listes, et des
sous-formulaires empilés.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from territoire import admin_imports  # noqa: F401  (enregistre l'administration des imports)
from territoire.models import (
    Appartenance,
    BesoinTerritoire,
    Commune,
    Fuite,
    LieuExercice,
    PoleDeProximite,
    Profession,
    Professionnel,
    Projet,
    ReleveEffectifs,
    Site,
    Specialite,
    Structure,
)
from territoire.services import pole_definir_communes


class PoleForm(forms.ModelForm):
    communes = forms.ModelMultipleChoiceField(
        label=_("communes du pôle"),
        queryset=Commune.objects.defer("contour").order_by("nom"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Une commune n'appartient qu'à un pôle : la cocher ici la retire de son pôle actuel."),
    )

    class Meta:
        model = PoleDeProximite
        fields = ["nom", "ordre", "communes", "demo"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["communes"].initial = list(self.instance.communes.values_list("pk", flat=True))


@admin.register(PoleDeProximite)
class PoleDeProximiteAdmin(admin.ModelAdmin):
    form = PoleForm
    list_display = ["nom", "ordre", "nombre_communes", "demo"]
    search_fields = ["nom"]
    list_filter = ["demo"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PoleDeProximite]:
        return super().get_queryset(request).annotate(_nombre_communes=Count("communes"))

    @admin.display(description=_("communes"), ordering="_nombre_communes")
    def nombre_communes(self, obj: Any) -> int:
        return obj._nombre_communes

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        pole_definir_communes(pole=form.instance, communes=form.cleaned_data["communes"], acteur=request.user)


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["nom", "code_insee", "pole", "population", "annee_population", "demo"]
    list_filter = ["pole", "demo"]
    list_select_related = ["pole"]
    search_fields = ["nom", "code_insee"]
    list_per_page = 50
    # Le contour vient de `charger_cotentin` : quelques milliers de coordonnées, illisibles et
    # trop faciles à abîmer dans une zone de texte.
    exclude = ["contour"]


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin):
    list_display = ["libelle", "code"]
    search_fields = ["libelle", "code"]


@admin.register(Specialite)
class SpecialiteAdmin(admin.ModelAdmin):
    list_display = ["libelle", "code"]
    search_fields = ["libelle", "code"]


class AppartenanceEnLigne(admin.StackedInline):
    model = Appartenance
    fk_name = "groupement"
    raw_id_fields = ["membre"]
    extra = 0
    verbose_name = _("membre du groupement")
    verbose_name_plural = _("membres du groupement")


class SiteEnLigne(admin.StackedInline):
    model = Site
    extra = 0


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "commune", "finess", "siret", "demo"]
    list_filter = ["type", "commune__pole", "demo"]
    list_select_related = ["commune"]
    search_fields = ["nom", "nom_long", "finess", "finess_juridique", "siret"]
    inlines = [AppartenanceEnLigne, SiteEnLigne]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["nom", "nom_long", "type", "demo"]}),
        (
            _("Identifiants"),
            {
                "fields": [
                    "finess",
                    "finess_juridique",
                    "categorie_finess",
                    "libelle_categorie_finess",
                    "siret",
                ]
            },
        ),
        (
            _("Adresse et contact"),
            {
                "fields": [
                    "adresse",
                    "complement_adresse",
                    "code_postal",
                    "commune",
                    "telephone",
                    "courriel",
                    "site_web",
                ]
            },
        ),
        (
            _("Localisation"),
            {"fields": ["x_lambert93", "y_lambert93", "latitude", "longitude", "date_ouverture"]},
        ),
    ]


class LieuExerciceEnLigne(admin.StackedInline):
    model = LieuExercice
    raw_id_fields = ["structure"]
    extra = 0


@admin.register(Professionnel)
class ProfessionnelAdmin(admin.ModelAdmin):
    list_display = ["nom", "prenom", "rpps", "profession", "specialite", "mode_exercice", "actif", "demo"]
    list_filter = ["profession", "mode_exercice", "actif", "lieux__commune__pole", "demo"]
    list_select_related = ["profession", "specialite"]
    search_fields = ["nom", "prenom", "rpps"]
    raw_id_fields = ["compte"]
    inlines = [LieuExerciceEnLigne]
    list_per_page = 50
    readonly_fields = ["cree_le", "modifie_le"]


@admin.register(Projet)
class ProjetAdmin(admin.ModelAdmin):
    list_display = ["nom", "axe", "nature", "debut", "fin", "demo"]
    list_filter = ["axe", "nature", "demo"]
    search_fields = ["nom", "description"]
    raw_id_fields = ["porteurs", "structures_porteuses"]


@admin.register(BesoinTerritoire)
class BesoinTerritoireAdmin(admin.ModelAdmin):
    """Les besoins du diagnostic local de santé, que les demandes de financement citent."""

    list_display = ["libelle", "annee_diagnostic", "actif", "ordre", "demo"]
    list_filter = ["actif", "annee_diagnostic", "poles", "demo"]
    search_fields = ["libelle", "description"]
    raw_id_fields = ["communes", "professions"]


@admin.register(Fuite)
class FuiteAdmin(admin.ModelAdmin):
    list_display = ["specialite", "annee", "patients", "patients_hors_territoire", "part_affichee", "demo"]
    list_filter = ["annee", "demo"]
    search_fields = ["specialite", "destination_principale"]

    @admin.display(description=_("part hors territoire"))
    def part_affichee(self, obj: Fuite) -> str:
        return f"{obj.part * 100:.1f} %".replace(".", ",")


@admin.register(ReleveEffectifs)
class ReleveEffectifsAdmin(admin.ModelAdmin):
    list_display = ["date", "profession", "specialite", "pole", "effectif"]
    list_filter = ["date", "profession", "pole"]
    list_select_related = ["profession", "specialite", "pole"]
    search_fields = ["profession__libelle", "specialite__libelle"]

    # Les relevés sont écrits par l'import RPPS : ils font foi pour l'évolution.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
