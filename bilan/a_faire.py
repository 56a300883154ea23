"""Ce que le bilan annuel met sur la page d'accueil (registre du socle, socle/a_faire.py).

À faire, d'après la dernière version de chaque année (une requête) :
- le secrétariat : faire adopter en séance une version prête, relancer une génération
  échouée, transmettre une version adoptée au Conseil communautaire puis au Conseil de
  développement ;
- les co-présidents : lire le projet prêt avant son adoption.
Nouveautés (une requête, au journal) : les bilans adoptés, pour tous ; les versions générées
(et, pour le secrétariat, échouées), pour qui lit les brouillons.
"""

from datetime import datetime
from typing import Any

from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _

from bilan.models import EtatGeneration, StatutBilan, VersionBilan
from bilan.permissions import peut_generer, peut_voir_brouillons
from bilan.services import VERSION_ECHOUEE, VERSION_PRETE
from bilan.workflows import VERSION_ADOPTEE
from socle.a_faire import NOUVEAUTES_PAR_APPLICATION, Nouveaute, Tache, fournisseur, nouveautes
from socle.models import Evenement


def _categorie() -> str:
    return _("Bilan annuel")


def _ce_qu_il_faut_faire(version: VersionBilan, secretariat: bool) -> str | None:
    if version.etat == EtatGeneration.PRETE and version.statut == StatutBilan.BROUILLON:
        if secretariat:
            return _("Faire adopter en séance le bilan %(annee)s (version %(numero)s)")
        return _("Lire le projet de bilan %(annee)s (version %(numero)s) avant son adoption")
    if not secretariat:
        return None
    if version.etat == EtatGeneration.ECHOUEE or version.interrompue:
        return _("Relancer la génération du bilan %(annee)s (version %(numero)s)")
    if version.statut == StatutBilan.ADOPTE:
        return _("Transmettre le bilan %(annee)s au Conseil communautaire")
    if version.statut == StatutBilan.TRANSMIS_CC:
        return _("Transmettre le bilan %(annee)s au Conseil de développement")
    return None


@fournisseur("bilan")
def versions_a_suivre(utilisateur: Any, maintenant: datetime) -> list[Tache]:
    if not peut_voir_brouillons(utilisateur):
        return []
    secretariat = peut_generer(utilisateur)
    # La dernière version de chaque année (DISTINCT ON de PostgreSQL) : les précédentes sont
    # dépassées.
    dernieres = (
        VersionBilan.objects.select_related("bilan")
        .order_by("bilan__annee", "-numero")
        .distinct("bilan__annee")
    )
    taches = []
    for version in dernieres:
        titre = _ce_qu_il_faut_faire(version, secretariat)
        if titre is not None:
            taches.append(
                Tache(
                    titre=titre % {"annee": version.bilan.annee, "numero": version.numero},
                    lien=version.get_absolute_url(),
                    categorie=_categorie(),
                )
            )
    return taches


@nouveautes("bilan")
def bilans_adoptes_ou_generes(utilisateur: Any, depuis: datetime, maintenant: datetime) -> list[Nouveaute]:
    verbes = [VERSION_ADOPTEE.code]
    if peut_voir_brouillons(utilisateur):
        verbes.append(VERSION_PRETE.code)
    if peut_generer(utilisateur):
        verbes.append(VERSION_ECHOUEE.code)
    version = VersionBilan.objects.filter(pk=Cast(OuterRef("cible_id"), IntegerField()))
    evenements = (
        Evenement.objects.filter(
            verbe__in=verbes,
            cible_type__app_label="bilan",
            cible_type__model="versionbilan",
            cree_le__gt=depuis,
            cree_le__lte=maintenant,
        )
        .annotate(
            annee=Subquery(version.values("bilan__annee")[:1]),
            numero=Subquery(version.values("numero")[:1]),
        )
        .order_by("-cree_le", "-pk")[:NOUVEAUTES_PAR_APPLICATION]
    )
    return [
        Nouveaute(
            titre=f"{evenement.libelle} : {evenement.cible_libelle}",
            lien=reverse("bilan:bilan", kwargs={"annee": evenement.annee}) + f"#version-{evenement.numero}",
            quand=evenement.cree_le,
            categorie=_categorie(),
        )
        for evenement in evenements
        if evenement.annee is not None
    ]
