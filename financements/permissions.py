"""Qui peut voir et faire quoi sur une demande de financement.

Les prédicats sur une demande s'appuient sur ce que `selectors.get_demande_pour` a chargé
(co-porteurs préchargés) : aucune requête de plus.
"""

from typing import Any

from college.permissions import est_membre_du_college
from financements.models import PIECES_POUR_L_AVIS, DemandeFinancement, StatutCoPorteur


def _connecte(utilisateur: Any) -> bool:
    return bool(utilisateur is not None and utilisateur.is_authenticated and utilisateur.is_active)


def est_instructeur(utilisateur: Any) -> bool:
    """Les agents de la Direction de la Santé et le secrétariat instruisent les demandes."""
    return _connecte(utilisateur) and utilisateur.has_perm("financements.instruire_demandefinancement")


def voit_toutes_les_demandes(utilisateur: Any) -> bool:
    return _connecte(utilisateur) and (
        utilisateur.has_perm("financements.view_demandefinancement") or est_instructeur(utilisateur)
    )


def est_porteur(utilisateur: Any, demande: Any) -> bool:
    """Porteur principal, ou co-porteur qui a confirmé."""
    if not _connecte(utilisateur):
        return False
    if demande.porteur_id == utilisateur.pk:
        return True
    return any(
        c.compte_id == utilisateur.pk and c.statut == StatutCoPorteur.CONFIRME
        for c in demande.coporteurs.all()
    )


def est_porteur_principal(utilisateur: Any, demande: Any) -> bool:
    return _connecte(utilisateur) and demande.porteur_id == utilisateur.pk


def invitation_en_attente(utilisateur: Any, demande: Any) -> Any:
    """L'invitation de co-porteur adressée à ce compte et pas encore répondue, ou None."""
    if not _connecte(utilisateur):
        return None
    email = utilisateur.email.lower()
    for coporteur in demande.coporteurs.all():
        if coporteur.statut == StatutCoPorteur.INVITE and coporteur.email.lower() == email:
            return coporteur
    return None


def peut_voir_demande(utilisateur: Any, demande: Any) -> bool:
    return bool(
        voit_toutes_les_demandes(utilisateur)
        or est_porteur(utilisateur, demande)
        or invitation_en_attente(utilisateur, demande) is not None
        or (demande.scrutin_id is not None and est_membre_du_college(utilisateur))
    )


def voit_le_dossier_complet(utilisateur: Any, demande: Any) -> bool:
    """Les porteurs et l'agglomération voient toutes les pièces et les messages ; un membre du
    Collège ne voit que ce qu'il faut pour rendre son avis."""
    return voit_toutes_les_demandes(utilisateur) or est_porteur(utilisateur, demande)


def peut_voir_document_de_demande(utilisateur: Any, demande: Any) -> bool:
    """Règle des documents rattachés à une demande (récépissé, courriers, convention)."""
    demande = DemandeFinancement.objects.prefetch_related("coporteurs").filter(pk=demande.pk).first()
    return demande is not None and voit_le_dossier_complet(utilisateur, demande)


def peut_voir_piece(utilisateur: Any, piece: Any) -> bool:
    """Règle des pièces : le dossier complet, ou, pour un membre du Collège appelé à rendre son
    avis, le projet de santé, le budget et les devis (jamais le RIB ni les statuts)."""
    demande = DemandeFinancement.objects.prefetch_related("coporteurs").filter(pk=piece.demande_id).first()
    if demande is None:
        return False
    if voit_le_dossier_complet(utilisateur, demande):
        return True
    return (
        demande.scrutin_id is not None
        and piece.nature in PIECES_POUR_L_AVIS
        and est_membre_du_college(utilisateur)
    )
