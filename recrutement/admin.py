from django.contrib import admin

from recrutement.models import Offre, PartOffre, Recruteur


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
