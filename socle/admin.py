from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from socle import taches
from socle.documents import verifier_fichier
from socle.models import Document, Evenement, Notification, TacheDemandee
from socle.services import document_deposer


@admin.register(Evenement)
class EvenementAdmin(admin.ModelAdmin):
    list_display = ["cree_le", "verbe", "cible_libelle", "acteur", "etat_avant", "etat_apres"]
    list_filter = ["verbe", "cible_type"]
    search_fields = ["verbe", "cible_libelle", "acteur__email", "motif"]
    date_hierarchy = "cree_le"
    list_select_related = ["acteur"]
    readonly_fields = [f.name for f in Evenement._meta.fields if f.name != "id"]

    # Le journal d'audit ne s'écrit que par le code et ne se corrige jamais.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["creee_le", "destinataire", "titre", "lue_le", "envoyee_le"]
    list_filter = ["verbe"]
    search_fields = ["titre", "destinataire__email"]
    list_select_related = ["destinataire"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DocumentAjoutForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["titre", "fichier"]
        # Le widget de l'administration met le champ seul dans un fieldset sans étiquette
        # (signalé par axe) ; le champ simple garde son <label>.
        widgets = {"fichier": forms.FileInput}

    def clean_fichier(self) -> Any:
        fichier = self.cleaned_data["fichier"]
        verifier_fichier(fichier)
        return fichier


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["titre", "nom_fichier", "type_mime", "taille", "depose_par", "depose_le"]
    search_fields = ["titre", "nom_fichier"]
    list_select_related = ["depose_par"]
    readonly_fields = ["nom_fichier", "type_mime", "taille", "empreinte", "depose_par", "depose_le", "lien"]
    fields = ["titre", "lien", "nom_fichier", "type_mime", "taille", "empreinte", "depose_par", "depose_le"]

    @admin.display(description=_("fichier"))
    def lien(self, obj: Document) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Télécharger"))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = DocumentAjoutForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["titre", "fichier"] if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Document, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # Le dépôt passe par le service : contrôle du contenu, empreinte, journal.
        depose = document_deposer(
            fichier=form.cleaned_data["fichier"], acteur=request.user, titre=form.cleaned_data["titre"]
        )
        obj.pk = depose.pk
        obj.refresh_from_db()
        obj._state.adding = False


class EtatDeLaTache(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "etat"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("a_envoyer", _("pas encore envoyée")),
            ("en_route", _("envoyée, pas finie")),
            ("faite", _("faite")),
            ("abandonnee", _("abandonnée")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[TacheDemandee]) -> QuerySet[TacheDemandee]:
        en_cours = queryset.filter(faite_le__isnull=True, abandonnee_le__isnull=True)
        match self.value():
            case "a_envoyer":
                return en_cours.filter(envoyee_le__isnull=True)
            case "en_route":
                return en_cours.filter(envoyee_le__isnull=False)
            case "faite":
                return queryset.filter(faite_le__isnull=False)
            case "abandonnee":
                return queryset.filter(abandonnee_le__isnull=False)
        return queryset


@admin.register(TacheDemandee)
class TacheDemandeeAdmin(admin.ModelAdmin):
    """Ce que les exploitants regardent quand Redis ou le worker a eu un problème : la boîte
    d'envoi ne s'écrit que par le code ; on peut seulement y relancer une tâche."""

    list_display = ["demandee_le", "nom", "arguments", "envois", "envoyee_le", "faite_le", "abandonnee_le"]
    list_filter = [EtatDeLaTache, "nom"]
    search_fields = ["nom", "derniere_erreur"]
    date_hierarchy = "demandee_le"
    readonly_fields = [f.name for f in TacheDemandee._meta.fields]
    actions = ["relancer"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Relancer maintenant les tâches choisies"), permissions=["view"])
    def relancer(self, request: HttpRequest, queryset: QuerySet[TacheDemandee]) -> None:
        parties = sum(
            taches.relancer_maintenant(demande) for demande in queryset.filter(faite_le__isnull=True)
        )
        message = ngettext(
            "%(parties)s tâche envoyée au worker (%(choisies)s choisies).",
            "%(parties)s tâches envoyées au worker (%(choisies)s choisies).",
            parties,
        ) % {"parties": parties, "choisies": queryset.count()}
        self.message_user(request, message, messages.SUCCESS if parties else messages.WARNING)
