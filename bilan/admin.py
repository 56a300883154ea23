"""Administration du bilan : en lecture seule. Les versions naissent d'une génération et
avancent par le workflow (pages du bilan) ; une version adoptée est figée."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bilan.models import BilanAnnuel, VersionBilan


class VersionBilanInline(admin.StackedInline):
    model = VersionBilan
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("numero", "statut", "etat", "demandee_par", "demandee_le", "pages", "empreinte")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BilanAnnuel)
class BilanAnnuelAdmin(admin.ModelAdmin):
    list_display = ("annee", "cree_le")
    readonly_fields = ("annee", "cree_le", "demo")
    inlines = [VersionBilanInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(VersionBilan)
class VersionBilanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "statut", "etat", "demandee_par", "demandee_le", "pages")
    list_filter = ("statut", "etat", "bilan__annee")
    readonly_fields = tuple(
        f.name for f in VersionBilan._meta.get_fields() if f.concrete and not f.auto_created
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
