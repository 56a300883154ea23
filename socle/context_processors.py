from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from socle.navigation import menu_pour
from socle.selectors import PLAFOND_NON_LUES, nombre_notifications_non_lues


def _compteur(utilisateur: Any) -> str:
    nombre = nombre_notifications_non_lues(utilisateur)
    if nombre >= PLAFOND_NON_LUES:
        return f"{PLAFOND_NON_LUES - 1}+"
    return str(nombre) if nombre else ""


def portail(request: HttpRequest) -> dict[str, Any]:
    utilisateur = getattr(request, "user", None)
    # Paresseux : l'administration et les fragments htmx, qui n'affichent pas le menu, ne
    # lisent pas les droits et les rôles que ses entrées demandent.
    menu = SimpleLazyObject(lambda: menu_pour(utilisateur, request.path) if utilisateur else [])
    if utilisateur is None or not utilisateur.is_authenticated:
        return {"menu": menu}
    return {
        "menu": menu,
        # Paresseux : seules les pages qui affichent le compteur font la requête.
        "notifications_non_lues": SimpleLazyObject(lambda: _compteur(utilisateur)),
    }
