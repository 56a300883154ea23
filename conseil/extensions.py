"""Ce que d'autres applications rattachent aux points de l'ordre du jour : les scrutins et
les discussions du Collège, plus tard les demandes de financement soumises à l'avis.

Le Conseil ne connaît pas ces applications : chacune enregistre ici, dans son `ready()`,
une fonction (utilisateur, points) → {point.pk: [Lien, …]}, qui ne doit coûter qu'un nombre
fixe de requêtes quel que soit le nombre de points.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Lien:
    libelle: str
    url: str
    # Une action (ouvrir un scrutin, une discussion) plutôt qu'un objet existant.
    action: bool = False


Fournisseur = Callable[[Any, Sequence[Any]], dict[int, list[Lien]]]
_FOURNISSEURS: list[Fournisseur] = []


def ajouter_liens_des_points(fournisseur: Fournisseur) -> None:
    if fournisseur not in _FOURNISSEURS:
        _FOURNISSEURS.append(fournisseur)


def liens_des_points(utilisateur: Any, points: Sequence[Any]) -> dict[int, list[Lien]]:
    liens: dict[int, list[Lien]] = {}
    if not points:
        return liens
    for fournisseur in _FOURNISSEURS:
        for pk, ajouts in fournisseur(utilisateur, points).items():
            liens.setdefault(pk, []).extend(ajouts)
    return liens
