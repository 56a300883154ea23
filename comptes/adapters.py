from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string


class AdaptateurComptes(DefaultAccountAdapter):
    def render_mail(
        self, template_prefix: str, email: str, context: dict[str, Any], headers: Any = None
    ) -> Any:
        """Les courriels d'allauth n'ont qu'une version texte : on leur donne aussi une
        version HTML, mise en page comme ceux du portail."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if not getattr(message, "alternatives", None):
            html = render_to_string(
                "courriels/texte_en_html.html",
                {"texte": message.body, "sujet": message.subject, "portail_url": settings.PORTAIL_URL},
            )
            message.attach_alternative(html, "text/html")
        return message

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
