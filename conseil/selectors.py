"""Lectures du Conseil qui dépendent de qui demande. Un objet absent et un objet qu'on
n'a pas le droit de voir donnent la même réponse : 404."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from conseil.models import (
    GroupeDeTravail,
    Instance,
    Livrable,
    Mandat,
    Participation,
    PointOrdreDuJour,
    ProcesVerbal,
    Procuration,
    ProgrammeDeTravail,
    Reunion,
    StatutProgramme,
    StatutReunion,
)
from conseil.permissions import voit_tout_le_conseil
from socle.models import Document


def mandats_en_cours_le(jour: date) -> Q:
    return Q(debut__lte=jour) & (Q(fin__isnull=True) | Q(fin__gte=jour))


def instances_visibles_par(utilisateur: Any) -> QuerySet[Instance]:
    if voit_tout_le_conseil(utilisateur):
        return Instance.objects.all()
    if not utilisateur.is_authenticated:
        return Instance.objects.none()
    return Instance.objects.filter(
        Exists(Mandat.objects.filter(instance=OuterRef("pk"), personne=utilisateur))
    )


def get_instance_pour(utilisateur: Any, pk: int) -> Instance:
    try:
        return instances_visibles_par(utilisateur).get(pk=pk)
    except Instance.DoesNotExist:
        raise Http404 from None


def reunions_visibles_par(utilisateur: Any) -> QuerySet[Reunion]:
    """Le personnel et les co-présidents voient tout ; un membre voit les séances convoquées
    de ses instances (un mandat couvrant le jour de la séance) et celles où il a été convoqué."""
    if voit_tout_le_conseil(utilisateur):
        return Reunion.objects.all()
    if not utilisateur.is_authenticated:
        return Reunion.objects.none()
    mandat_le_jour = Mandat.objects.filter(
        instance=OuterRef("instance"),
        personne=utilisateur,
        debut__lte=OuterRef("debut__date"),
    ).filter(Q(fin__isnull=True) | Q(fin__gte=OuterRef("debut__date")))
    convoque = Participation.objects.filter(reunion=OuterRef("pk"), personne=utilisateur)
    return Reunion.objects.exclude(statut=StatutReunion.PLANIFIEE).filter(
        Exists(mandat_le_jour) | Exists(convoque)
    )


def get_reunion_pour(utilisateur: Any, pk: int) -> Reunion:
    try:
        return reunions_visibles_par(utilisateur).select_related("instance").get(pk=pk)
    except Reunion.DoesNotExist:
        raise Http404 from None


def reunions_publiques() -> QuerySet[Reunion]:
    """Le calendrier public : les séances convoquées (ou passées) des instances publiques."""
    return (
        Reunion.objects.filter(instance__calendrier_public=True)
        .exclude(statut=StatutReunion.PLANIFIEE)
        .select_related("instance")
    )


def points_avec_documents(reunion: Reunion) -> list[PointOrdreDuJour]:
    """Les points de l'ordre du jour, chacun avec `documents` : deux requêtes en tout."""
    points = list(reunion.points.all())
    if not points:
        return points
    from django.contrib.contenttypes.models import ContentType

    documents: dict[str, list[Document]] = {}
    for document in Document.objects.filter(
        objet_type=ContentType.objects.get_for_model(PointOrdreDuJour),
        objet_id__in=[str(p.pk) for p in points],
    ).order_by("depose_le", "id"):
        documents.setdefault(document.objet_id, []).append(document)
    for point in points:
        point.documents = documents.get(str(point.pk), [])  # type: ignore[attr-defined]
    return points


def membres_de(instance: Instance, jour: date) -> QuerySet[Mandat]:
    """Les mandats en cours le `jour` dans l'instance, avec la personne."""
    return (
        instance.mandats.filter(mandats_en_cours_le(jour))
        .select_related("personne", "structure")
        .order_by("siege", "role", "personne__nom", "personne__prenom")
    )


def participations_de(reunion: Reunion) -> QuerySet[Participation]:
    return reunion.participations.select_related("personne", "mandat").order_by(
        "personne__nom", "personne__prenom"
    )


def procurations_de(reunion: Reunion) -> QuerySet[Procuration]:
    return reunion.procurations.select_related("mandant", "mandataire")


def proces_verbal_de(reunion: Reunion) -> ProcesVerbal | None:
    try:
        return ProcesVerbal.objects.select_related("adopte_en", "document").get(reunion=reunion)
    except ProcesVerbal.DoesNotExist:
        return None


def groupes_visibles_par(utilisateur: Any) -> QuerySet[GroupeDeTravail]:
    """Les groupes de travail et leur avancement sont connus de toute personne connectée
    qui participe au Conseil ; leurs réunions restent réservées à leurs membres."""
    return GroupeDeTravail.objects.select_related(
        "instance", "copilote_agglomeration", "copilote_professionnel"
    ).prefetch_related(Prefetch("livrables", queryset=Livrable.objects.order_by("echeance", "id")))


def get_groupe_pour(utilisateur: Any, pk: int) -> GroupeDeTravail:
    try:
        return groupes_visibles_par(utilisateur).get(pk=pk)
    except GroupeDeTravail.DoesNotExist:
        raise Http404 from None


def programmes_visibles_par(utilisateur: Any) -> QuerySet[ProgrammeDeTravail]:
    """Les programmes adoptés sont publics ; les projets, pour le personnel et les co-présidents."""
    if voit_tout_le_conseil(utilisateur):
        return ProgrammeDeTravail.objects.all()
    return ProgrammeDeTravail.objects.filter(statut=StatutProgramme.ADOPTE)


def get_programme_pour(utilisateur: Any, annee: int) -> ProgrammeDeTravail:
    try:
        return programmes_visibles_par(utilisateur).select_related("adopte_en").get(annee=annee)
    except ProgrammeDeTravail.DoesNotExist:
        raise Http404 from None


def prochaines_reunions(reunions: QuerySet[Reunion]) -> QuerySet[Reunion]:
    return (
        reunions.filter(debut__gte=timezone.now() - timedelta(hours=12))
        .exclude(statut=StatutReunion.ANNULEE)
        .select_related("instance")
        .order_by("debut", "id")
    )
