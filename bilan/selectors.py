"""Lectures du bilan annuel, toujours au travers des droits de la personne qui lit."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from bilan.models import STATUTS_PUBLIES, BilanAnnuel, EtatGeneration, VersionBilan
from bilan.permissions import peut_voir_brouillons


def versions_visibles_par(utilisateur: Any) -> QuerySet[VersionBilan]:
    versions = VersionBilan.objects.select_related("bilan", "document", "demandee_par", "reunion", "point")
    if peut_voir_brouillons(utilisateur):
        return versions
    return versions.filter(statut__in=STATUTS_PUBLIES, etat=EtatGeneration.PRETE)


def bilans_visibles_par(utilisateur: Any) -> QuerySet[BilanAnnuel]:
    """Les bilans dont la personne voit au moins une version, avec ces versions."""
    versions = versions_visibles_par(utilisateur)
    bilans = BilanAnnuel.objects.prefetch_related(Prefetch("versions", queryset=versions.order_by("-numero")))
    if peut_voir_brouillons(utilisateur):
        return bilans
    return bilans.filter(versions__in=versions).distinct()


def get_bilan_pour(utilisateur: Any, annee: int) -> BilanAnnuel:
    bilan = bilans_visibles_par(utilisateur).filter(annee=annee).first()
    if bilan is None:
        raise Http404
    return bilan


def get_version_pour(utilisateur: Any, annee: int, numero: int) -> VersionBilan:
    version = versions_visibles_par(utilisateur).filter(bilan__annee=annee, numero=numero).first()
    if version is None:
        raise Http404
    return version
