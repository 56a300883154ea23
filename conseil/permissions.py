"""Qui peut voir et faire quoi au Conseil.

Les prédicats sans objet ne lisent que les rôles (calculés une fois par requête) ; ceux qui
portent sur un objet s'appuient sur ce que les sélecteurs ont déjà chargé.
"""

from typing import Any

from django.utils import timezone

from comptes.roles import Role, a_role, roles_de
from conseil.models import Mandat, RoleMandat, TypeInstance

# Pseudo-rôle : la personne a un mandat en cours dans au moins une instance.
MEMBRE_D_UNE_INSTANCE = "conseil.membre"


def roles_des_mandats(utilisateur: Any) -> set[str]:
    """Les rôles que donnent les mandats en cours : co-présider le Conseil, siéger au Collège."""
    aujourd_hui = timezone.localdate()
    roles: set[str] = set()
    mandats = (
        Mandat.objects.filter(personne=utilisateur, instance__active=True)
        .en_cours(aujourd_hui)
        .values_list("instance__type_instance", "role")
    )
    for type_instance, role in mandats:
        roles.add(MEMBRE_D_UNE_INSTANCE)
        if type_instance == TypeInstance.CONSEIL and role == RoleMandat.COPRESIDENT:
            roles.add(Role.COPRESIDENT)
        if type_instance == TypeInstance.COLLEGE:
            roles.add(Role.MEMBRE_COLLEGE)
    return roles


def _connecte(utilisateur: Any) -> bool:
    return bool(utilisateur is not None and utilisateur.is_authenticated and utilisateur.is_active)


def est_gestionnaire(utilisateur: Any) -> bool:
    """Secrétariat du Conseil et agents : préparent les séances, convoquent, tiennent le registre."""
    return _connecte(utilisateur) and utilisateur.has_perm("conseil.change_reunion")


def voit_tout_le_conseil(utilisateur: Any) -> bool:
    """Le personnel et les co-présidents voient toutes les instances et toutes les séances."""
    return est_gestionnaire(utilisateur) or (_connecte(utilisateur) and a_role(utilisateur, Role.COPRESIDENT))


def peut_voir_espace_conseil(utilisateur: Any) -> bool:
    if not _connecte(utilisateur):
        return False
    return voit_tout_le_conseil(utilisateur) or MEMBRE_D_UNE_INSTANCE in roles_de(utilisateur)


def hors_espace_conseil(utilisateur: Any) -> bool:
    """Le public et les personnes sans mandat : le menu leur donne les pages publiques du Conseil."""
    return not peut_voir_espace_conseil(utilisateur)


def peut_modifier_livrable(utilisateur: Any, groupe: Any) -> bool:
    """Les co-pilotes tiennent l'avancement de leurs livrables ; le secrétariat aussi."""
    if not _connecte(utilisateur):
        return False
    return est_gestionnaire(utilisateur) or utilisateur.pk in (
        groupe.copilote_agglomeration_id,
        groupe.copilote_professionnel_id,
    )
