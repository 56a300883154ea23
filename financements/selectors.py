"""Lectures des demandes, toujours à travers le contrôle d'accès."""

from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404

from college.permissions import est_membre_du_college
from financements.models import (
    CoPorteur,
    DemandeFinancement,
    Financeur,
    LigneDepense,
    LigneFinancement,
    StatutCoPorteur,
    StatutDemande,
)
from financements.permissions import (
    est_porteur,
    invitation_en_attente,
    peut_voir_demande,
    voit_toutes_les_demandes,
)


def demandes_visibles_par(utilisateur: Any) -> QuerySet[DemandeFinancement]:
    """L'agglomération voit tout (sauf les brouillons) ; un porteur ses demandes ; un co-porteur
    invité celles où il est attendu ; un membre du Collège celles soumises à son avis."""
    tout = DemandeFinancement.objects.all()
    if not (utilisateur and utilisateur.is_authenticated and utilisateur.is_active):
        return tout.none()
    siennes = (
        Q(porteur=utilisateur)
        | Q(coporteurs__compte=utilisateur, coporteurs__statut=StatutCoPorteur.CONFIRME)
        | Q(coporteurs__email__iexact=utilisateur.email, coporteurs__statut=StatutCoPorteur.INVITE)
    )
    if voit_toutes_les_demandes(utilisateur):
        filtre = ~Q(statut=StatutDemande.BROUILLON) | siennes
    elif est_membre_du_college(utilisateur):
        filtre = Q(scrutin__isnull=False) | siennes
    else:
        filtre = siennes
    ids = tout.filter(filtre).values("pk")
    return tout.filter(pk__in=ids)


def avec_montants(demandes: QuerySet[DemandeFinancement]) -> QuerySet[DemandeFinancement]:
    """Ajoute le montant demandé à l'agglomération et le total des dépenses."""
    agglomeration = LigneFinancement.objects.filter(
        demande=OuterRef("pk"), financeur=Financeur.AGGLOMERATION
    ).values("montant")[:1]
    depenses = (
        LigneDepense.objects.filter(demande=OuterRef("pk"))
        .values("demande")
        .annotate(total=Sum("montant"))
        .values("total")[:1]
    )
    return demandes.annotate(montant_demande=Subquery(agglomeration), total_depenses=Subquery(depenses))


def get_demande_pour(utilisateur: Any, pk: int) -> DemandeFinancement:
    """La demande, si `utilisateur` a le droit de la voir ; sinon 404 (jamais 403 : on ne dit
    pas qu'elle existe)."""
    demande = (
        DemandeFinancement.objects.select_related(
            "porteur",
            "instructeur",
            "commune__pole",
            "projet",
            "scrutin",
            "recepisse",
            "courrier_decision",
            "convention",
            "convention_signee",
        )
        .prefetch_related(Prefetch("coporteurs", queryset=CoPorteur.objects.select_related("compte")))
        .filter(pk=pk)
        .first()
    )
    if demande is None or not peut_voir_demande(utilisateur, demande):
        raise Http404
    # Un brouillon n'est qu'à ses porteurs (et à qui est invité à le porter).
    if demande.statut == StatutDemande.BROUILLON and not (
        est_porteur(utilisateur, demande) or invitation_en_attente(utilisateur, demande) is not None
    ):
        raise Http404
    return demande


def demandes_portees_par(utilisateur: Any) -> QuerySet[DemandeFinancement]:
    """Les demandes que `utilisateur` porte (principal ou co-porteur qui a confirmé), quel que
    soit son rôle par ailleurs (un membre du Collège ne voit ici que les siennes)."""
    ids = DemandeFinancement.objects.filter(
        Q(porteur=utilisateur)
        | Q(coporteurs__compte=utilisateur, coporteurs__statut=StatutCoPorteur.CONFIRME)
    ).values("pk")
    return DemandeFinancement.objects.filter(pk__in=ids)


def invitations_en_attente_de(utilisateur: Any) -> QuerySet[CoPorteur]:
    """Les invitations de co-porteur adressées à l'adresse du compte, pas encore répondues."""
    return (
        CoPorteur.objects.filter(email__iexact=utilisateur.email, statut=StatutCoPorteur.INVITE)
        .select_related("demande__porteur", "demande__commune")
        .defer("demande__commune__contour")
    )
