from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from comptes.roles import mfa_requise


class MFAObligatoireMiddleware:
    """Agents, secrétariat et officiers du Conseil n'utilisent le portail qu'après avoir
    activé la double authentification : tant qu'elle manque, on les y conduit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        utilisateur = request.user
        if (
            utilisateur.is_authenticated
            and not self._chemin_libre(request.path)
            and mfa_requise(utilisateur)
            and not is_mfa_enabled(utilisateur)
        ):
            messages.warning(
                request,
                _(
                    "Votre rôle exige la double authentification. Activez-la pour continuer : "
                    "une application d'authentification ou une clé d'accès."
                ),
            )
            return redirect("mfa_index")
        return self.get_response(request)

    @staticmethod
    def _chemin_libre(chemin: str) -> bool:
        libres = (
            reverse("mfa_index"),
            "/comptes/2fa/",
            "/comptes/reauthenticate/",
            reverse("account_logout"),
            reverse("accessibilite"),
            reverse("mentions_legales"),
            reverse("donnees_personnelles"),
            reverse("sante"),
            settings.STATIC_URL,
        )
        return chemin.startswith(libres)
