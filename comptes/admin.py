from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptes.models import Invitation, Utilisateur
from comptes.services import invitation_renvoyer, invitation_revoquer


class UtilisateurCreationForm(AdminUserCreationForm):
    class Meta:
        model = Utilisateur
        fields = ("email",)


class UtilisateurModificationForm(UserChangeForm):
    class Meta:
        model = Utilisateur
        fields = "__all__"


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    form = UtilisateurModificationForm
    add_form = UtilisateurCreationForm
    list_display = ["email", "nom", "prenom", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "nom", "prenom"]
    ordering = ["nom", "prenom", "email"]
    # Le double sélecteur filtrant de l'administration pose des aria-label interdits
    # (signalés par axe) : des listes à choix multiples simples, accessibles.
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("prenom", "nom")}),
        (_("Préférences"), {"fields": ("frequence_notifications",)}),
        (
            _("Rôles et droits"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "nom", "prenom", "statut", "invite_par", "creee_le", "expire_le"]
    list_filter = ["statut", "groupes"]
    search_fields = ["email", "nom", "prenom"]
    list_select_related = ["invite_par"]
    readonly_fields = [
        "email",
        "prenom",
        "nom",
        "message",
        "groupes",
        "invite_par",
        "statut",
        "creee_le",
        "expire_le",
        "acceptee_le",
        "compte",
    ]
    actions = ["revoquer", "renvoyer"]

    # Les invitations se créent sur le portail (page « Invitations ») pour passer par le
    # service qui envoie le courriel ; ici on les consulte, révoque ou renvoie.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Révoquer les invitations choisies"), permissions=["change"])
    def revoquer(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        acteur = cast(Utilisateur, request.user)
        self._appliquer(request, queryset, lambda i: invitation_revoquer(invitation=i, acteur=acteur))

    @admin.action(description=_("Renvoyer les invitations choisies (nouveau lien)"), permissions=["change"])
    def renvoyer(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        acteur = cast(Utilisateur, request.user)
        self._appliquer(request, queryset, lambda i: invitation_renvoyer(invitation=i, acteur=acteur))

    def _appliquer(self, request: HttpRequest, queryset: QuerySet[Invitation], action: Any) -> None:
        reussies = 0
        for invitation in queryset:
            try:
                action(invitation)
                reussies += 1
            except ValidationError as erreur:
                self.message_user(
                    request, f"{invitation.email} : {' '.join(erreur.messages)}", messages.ERROR
                )
        if reussies:
            self.message_user(
                request,
                ngettext("%(n)d invitation traitée.", "%(n)d invitations traitées.", reussies)
                % {"n": reussies},
                messages.SUCCESS,
            )
