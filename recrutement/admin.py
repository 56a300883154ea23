from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from recrutement.models import Candidature, Offre, PartOffre, Recruteur


@admin.register(Recruteur)
class RecruteurAdmin(admin.ModelAdmin):
    list_display = ["compte", "structure", "role", "cree_le"]
    list_filter = ["role"]
    list_select_related = ["compte", "structure"]
    search_fields = ["compte__email", "compte__nom", "structure__nom"]
    autocomplete_fields = ["compte", "structure"]


class PartOffreInline(admin.TabularInline):
    model = PartOffre
    extra = 0
    autocomplete_fields = ["employeur"]


@admin.register(Offre)
class OffreAdmin(admin.ModelAdmin):
    """Lecture et corrections : les changements d'état passent par les pages du portail (le
    workflow et son journal), d'où le statut en lecture seule."""

    list_display = ["titre", "employeur", "profession", "type_contrat", "statut", "date_limite", "publiee_le"]
    list_filter = ["statut", "type_contrat"]
    list_select_related = ["employeur", "profession"]
    search_fields = ["titre", "employeur__nom"]
    readonly_fields = [
        "statut",
        "soumise_le",
        "publiee_le",
        "cloturee_le",
        "confirmee_le",
        "confirmation_demandee_le",
    ]
    autocomplete_fields = ["employeur", "profession", "specialite", "structures", "communes", "cree_par"]
    inlines = [PartOffreInline]


@admin.register(Candidature)
class CandidatureAdmin(admin.ModelAdmin):
    """Lecture seule, pour les seuls superutilisateurs : une candidature ne se lit que par les
    employeurs auxquels le candidat l'a confiée (le tableau partagé) ; ses étapes passent par
    le portail (le workflow et son journal)."""

    list_display = ["candidat", "offre", "etape", "source", "deposee_le"]
    list_filter = ["etape", "source"]
    list_select_related = ["candidat", "offre"]
    readonly_fields = [f.name for f in Candidature._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
