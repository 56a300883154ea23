"""Qui peut voir et faire quoi dans le territoire (prédicats, sans requête propre)."""

from typing import Any

from comptes.roles import Role, a_role


def peut_voir_annuaire(utilisateur: Any) -> bool:
    """L'annuaire est ouvert à toute personne connectée."""
    return bool(utilisateur is not None and utilisateur.is_authenticated and utilisateur.is_active)


def peut_voir_indicateurs(utilisateur: Any) -> bool:
    return peut_voir_annuaire(utilisateur)


def peut_voir_coordonnees(utilisateur: Any) -> bool:
    """Téléphones et adresses électroniques des lieux d'exercice : le personnel de
    l'agglomération et les officiers du Conseil seulement (RGPD, docs/rgpd.md §8)."""
    if not peut_voir_annuaire(utilisateur):
        return False
    return bool(utilisateur.is_staff or a_role(utilisateur, Role.AGENT, Role.SECRETARIAT, Role.COPRESIDENT))


def peut_voir_inactifs(utilisateur: Any) -> bool:
    """Les professionnels qui n'exercent plus sur le territoire restent visibles du personnel."""
    return bool(peut_voir_annuaire(utilisateur) and utilisateur.is_staff)


def peut_importer(utilisateur: Any) -> bool:
    return bool(peut_voir_annuaire(utilisateur) and utilisateur.has_perm("territoire.add_importfichier"))
