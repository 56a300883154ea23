"""Qui recrute pour quelle structure, et qui modère.

Un recruteur agit pour la structure à laquelle il est rattaché (`Recruteur`) et, si elle est
membre d'un groupement (GCS) à la date du jour (`territoire.Appartenance`), au nom de ce
groupement. Modèrent : les modérateurs du GCS (rôle `moderateur` d'un `Recruteur` sur une
structure de type GCS) et les agents de l'agglomération (droit `recrutement.moderer_offre`,
donné au groupe des agents). Ce qu'il faut savoir d'un compte est lu une fois par objet
utilisateur (donc par requête), en une requête.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from recrutement.models import Recruteur, RoleRecruteur, StatutOffre
from territoire.models import Appartenance, TypeStructure


@dataclass(frozen=True)
class Recrutements:
    structures: frozenset[int]  # celles où le compte est rattaché
    au_nom_de: frozenset[int]  # celles-ci et les groupements dont l'une est membre aujourd'hui
    moderateur_gcs: bool


AUCUN = Recrutements(frozenset(), frozenset(), False)


def _connecte(utilisateur: Any) -> bool:
    return bool(utilisateur is not None and utilisateur.is_authenticated and utilisateur.is_active)


def recrutements_de(utilisateur: Any) -> Recrutements:
    if not _connecte(utilisateur):
        return AUCUN
    cache = getattr(utilisateur, "_recrutements", None)
    if cache is None:
        jour = timezone.localdate()
        lignes = list(
            Recruteur.objects.filter(compte=utilisateur).values_list(
                "structure_id", "role", "structure__type"
            )
        )
        structures = frozenset(structure for structure, _role, _type in lignes)
        groupements: frozenset[int] = frozenset()
        if structures:
            groupements = frozenset(
                Appartenance.objects.filter(membre__in=structures, debut__lte=jour)
                .filter(Q(fin__isnull=True) | Q(fin__gte=jour))
                .values_list("groupement_id", flat=True)
            )
        cache = Recrutements(
            structures=structures,
            au_nom_de=structures | groupements,
            moderateur_gcs=any(
                role == RoleRecruteur.MODERATEUR and type_ == TypeStructure.GCS for _s, role, type_ in lignes
            ),
        )
        utilisateur._recrutements = cache
    return cache


def est_recruteur(utilisateur: Any) -> bool:
    return bool(recrutements_de(utilisateur).structures)


def est_agent_moderateur(utilisateur: Any) -> bool:
    return _connecte(utilisateur) and utilisateur.has_perm("recrutement.moderer_offre")


def est_moderateur(utilisateur: Any) -> bool:
    return recrutements_de(utilisateur).moderateur_gcs or est_agent_moderateur(utilisateur)


def peut_recruter_pour(utilisateur: Any, structure_id: int | None) -> bool:
    return structure_id is not None and structure_id in recrutements_de(utilisateur).au_nom_de


def gere_l_offre(utilisateur: Any, offre: Any) -> bool:
    """Les recruteurs de l'employeur (ou d'un membre du groupement employeur)."""
    return peut_recruter_pour(utilisateur, offre.employeur_id)


def peut_voir_l_offre_en_gestion(utilisateur: Any, offre: Any) -> bool:
    """Ses recruteurs toujours ; les modérateurs dès qu'elle est soumise (pas ses brouillons)."""
    return gere_l_offre(utilisateur, offre) or (
        offre.statut != StatutOffre.BROUILLON and est_moderateur(utilisateur)
    )


def peut_modifier_l_offre(utilisateur: Any, offre: Any) -> bool:
    return offre.statut == StatutOffre.BROUILLON and gere_l_offre(utilisateur, offre)


# --- Candidatures ------------------------------------------------------------------------
#
# Une candidature n'est vue que des recruteurs des employeurs auxquels le candidat l'a confiée
# (un `Consentement` actif) : un recruteur voit ce qui est confié à sa structure et aux
# groupements au nom desquels il recrute (le texte du consentement à un groupement le dit).
# Ni les modérateurs en tant que tels, ni les agents de l'agglomération : ceux-ci n'ont que des
# chiffres et les demandes d'aide (`suivre_recrutement`).


def employeurs_consentis(candidature: Any) -> frozenset[int]:
    """Les employeurs auxquels la candidature est confiée aujourd'hui. Lit les consentements
    préchargés quand ils le sont (le tableau partagé), sinon une requête."""
    cache = getattr(candidature, "_prefetched_objects_cache", {})
    if "consentements" in cache:
        return frozenset(c.employeur_id for c in cache["consentements"] if c.retire_le is None)
    return frozenset(
        candidature.consentements.filter(retire_le__isnull=True).values_list("employeur_id", flat=True)
    )


def peut_voir_la_candidature(utilisateur: Any, candidature: Any) -> bool:
    if candidature.anonymisee_le is not None:
        return False
    return bool(recrutements_de(utilisateur).au_nom_de & employeurs_consentis(candidature))


def structures_pour_la_candidature(utilisateur: Any, candidature: Any) -> list[int]:
    """Les structures du recruteur (rattachement direct) au nom desquelles il voit la
    candidature : celle où il écrit une note réservée, ouvre une pièce."""
    recrutements = recrutements_de(utilisateur)
    confiees = employeurs_consentis(candidature)
    directes = sorted(recrutements.structures & confiees)
    if directes:
        return directes
    # Confiée à un groupement dont sa structure est membre : il agit pour sa structure.
    return sorted(recrutements.structures) if recrutements.au_nom_de & confiees else []


def suit_le_recrutement(utilisateur: Any) -> bool:
    """Les agents de l'agglomération : tableau de bord et demandes d'aide."""
    return _connecte(utilisateur) and utilisateur.has_perm("recrutement.suivre_recrutement")
