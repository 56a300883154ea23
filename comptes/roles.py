"""Les rôles sont des données : l'appartenance à un groupe (modifiable dans
l'administration) et, plus tard, les mandats d'une instance du Conseil."""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent de la Direction de la Santé")
    SECRETARIAT = "secretariat", _("Secrétariat du Conseil")
    COPRESIDENT = "copresident", _("Co-président du Conseil")
    MEMBRE_COLLEGE = "membre_college", _("Membre du Collège des professionnels")


# Nom du groupe Django qui porte chaque rôle (créé par la migration 0002).
GROUPES: dict[str, str] = {
    Role.AGENT: "Agents de la Direction de la Santé",
    Role.SECRETARIAT: "Secrétariat du Conseil",
    Role.COPRESIDENT: "Co-présidents du Conseil",
    Role.MEMBRE_COLLEGE: "Membres du Collège des professionnels",
}
ROLE_DU_GROUPE = {nom: role for role, nom in GROUPES.items()}

# Rôles qui donnent accès à l'administration du portail.
ROLES_PERSONNEL = frozenset({Role.AGENT, Role.SECRETARIAT})
# Agents, secrétariat et officiers du Conseil : double authentification exigée.
ROLES_AVEC_MFA = frozenset({Role.AGENT, Role.SECRETARIAT, Role.COPRESIDENT})

# Les applications qui connaissent d'autres sources de rôles (les mandats du Conseil)
# ajoutent ici une fonction utilisateur → rôles.
_FOURNISSEURS: list[Callable[[Any], set[str]]] = []


def ajouter_fournisseur(fournisseur: Callable[[Any], set[str]]) -> None:
    if fournisseur not in _FOURNISSEURS:
        _FOURNISSEURS.append(fournisseur)


def roles_de(utilisateur: Any) -> frozenset[str]:
    """Les rôles d'un utilisateur, calculés une fois par objet (donc par requête)."""
    if utilisateur is None or not utilisateur.is_authenticated:
        return frozenset()
    cache = getattr(utilisateur, "_roles_portail", None)
    if cache is None:
        roles = {
            ROLE_DU_GROUPE[nom]
            for nom in utilisateur.groups.values_list("name", flat=True)
            if nom in ROLE_DU_GROUPE
        }
        for fournisseur in _FOURNISSEURS:
            roles |= fournisseur(utilisateur)
        cache = frozenset(roles)
        utilisateur._roles_portail = cache
    return cache


def a_role(utilisateur: Any, *roles: str) -> bool:
    return bool(roles_de(utilisateur) & set(roles))


def mfa_requise(utilisateur: Any) -> bool:
    if utilisateur is None or not utilisateur.is_authenticated:
        return False
    return bool(utilisateur.is_staff or utilisateur.is_superuser or roles_de(utilisateur) & ROLES_AVEC_MFA)
