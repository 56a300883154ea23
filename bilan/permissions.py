"""Qui voit et fait quoi pour le bilan annuel.

Le secrétariat génère le bilan, le fait adopter et le transmet ; les co-présidents lisent les
brouillons ; tout le monde, sans compte, lit les versions adoptées (publiées).
"""

from typing import Any

from comptes.roles import Role, a_role


def _connecte(utilisateur: Any) -> bool:
    return bool(utilisateur is not None and utilisateur.is_authenticated and utilisateur.is_active)


def peut_generer(utilisateur: Any) -> bool:
    return _connecte(utilisateur) and utilisateur.has_perm("bilan.generer_bilanannuel")


def peut_voir_brouillons(utilisateur: Any) -> bool:
    return peut_generer(utilisateur) or (_connecte(utilisateur) and a_role(utilisateur, Role.COPRESIDENT))


def ne_voit_que_les_publies(utilisateur: Any) -> bool:
    return not peut_voir_brouillons(utilisateur)


def peut_voir_version(utilisateur: Any, version: Any) -> bool:
    return version.publiee or peut_voir_brouillons(utilisateur)
