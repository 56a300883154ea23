"""Le menu suit les rôles : chaque application y ajoute ses entrées dans ready()."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class Entree:
    libelle: Any
    nom_url: str
    visible: Callable[[Any], bool]
    ordre: int = 100


_ENTREES: list[Entree] = []


def ajouter(entree: Entree) -> None:
    if entree not in _ENTREES:
        _ENTREES.append(entree)
        _ENTREES.sort(key=lambda e: e.ordre)


def menu_pour(utilisateur: Any, chemin: str) -> list[dict[str, Any]]:
    menu = []
    for entree in _ENTREES:
        if entree.visible(utilisateur):
            url = reverse(entree.nom_url)
            menu.append({"libelle": entree.libelle, "url": url, "actif": chemin.startswith(url)})
    return menu
