from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AdaptateurComptes(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.prenom = form.cleaned_data.get("prenom", "")
        user.nom = form.cleaned_data.get("nom", "")
        if commit:
            user.save()
        return user


def identifiant_pour_axes(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """L'identifiant que compte django-axes : allauth passe `email`, l'administration `username`."""
    credentials = credentials or {}
    identifiant = credentials.get("email") or credentials.get("username")
    if not identifiant and request is not None:
        identifiant = request.POST.get("login") or request.POST.get("username")
    return identifiant.strip().lower() if identifiant else None
