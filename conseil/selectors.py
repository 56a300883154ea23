"""Lectures du Conseil qui dépendent de qui demande. Un objet absent et un objet qu'on
n'a pas le droit de voir donnent la même réponse : 404."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, TextChoices
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conseil.models import (
    GroupeDeTravail,
    Instance,
    Livrable,
    Mandat,
    ObjectifProgramme,
    Participation,
    PointOrdreDuJour,
    ProcesVerbal,
    Procuration,
    ProgrammeDeTravail,
    Reunion,
    StatutProgramme,
    StatutReunion,
    TypeInstance,
    mandat_en_cours,
)
from conseil.permissions import voit_tout_le_conseil
from socle.models import Document


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
        mandat_en_cours(OuterRef("debut__date")), instance=OuterRef("instance"), personne=utilisateur
    )
    convoque = Participation.objects.filter(reunion=OuterRef("pk"), personne=utilisateur)
    return Reunion.objects.exclude(statut=StatutReunion.PLANIFIEE).filter(
        Exists(mandat_le_jour) | Exists(convoque)
    )


def peut_voir_document_de_reunion(utilisateur: Any, reunion: Reunion) -> bool:
    """Règle d'accès des documents d'une séance (socle.documents) : ceux qui voient la séance."""
    return reunions_visibles_par(utilisateur).filter(pk=reunion.pk).exists()


def peut_voir_document_de_point(utilisateur: Any, point: PointOrdreDuJour) -> bool:
    """Règle d'accès des documents d'un point : ceux qui voient la séance du point."""
    return reunions_visibles_par(utilisateur).filter(pk=point.reunion_id).exists()


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
        instance.mandats.en_cours(jour)
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


# --- Groupes de travail et programme de travail ---------------------------------------


@dataclass(frozen=True)
class EtatDesLivrables:
    """Où en est un ensemble de livrables : combien sont livrés, en retard, et leur avancement
    moyen (0 quand il n'y en a aucun)."""

    total: int
    livres: int
    en_retard: int
    avancement_moyen: int


def _moyenne(valeurs: list[int]) -> int:
    """Moyenne arrondie au point le plus proche (0,5 vers le haut)."""
    if not valeurs:
        return 0
    return int(Decimal(sum(valeurs)) / Decimal(len(valeurs)) + Decimal("0.5"))


def etat_des_livrables(livrables: Iterable[Livrable], jour: date) -> EtatDesLivrables:
    liste = list(livrables)
    return EtatDesLivrables(
        total=len(liste),
        livres=sum(1 for livrable in liste if livrable.livre_le is not None),
        en_retard=sum(1 for livrable in liste if livrable.en_retard_le(jour)),
        avancement_moyen=_moyenne([livrable.avancement for livrable in liste]),
    )


def groupes_pour_liste(utilisateur: Any, jour: date) -> QuerySet[GroupeDeTravail]:
    """Les groupes visibles avec `nombre_membres` (mandats en cours le `jour`) ; leurs
    livrables sont préchargés : deux requêtes, quel que soit le nombre de groupes."""
    en_cours = mandat_en_cours(jour, "instance__mandats__")
    return groupes_visibles_par(utilisateur).annotate(
        nombre_membres=Count("instance__mandats", filter=en_cours, distinct=True)
    )


def prochaine_reunion_par_instance(utilisateur: Any, instance_ids: Iterable[int]) -> dict[int, Reunion]:
    """La prochaine séance (non annulée) que `utilisateur` peut voir, pour chaque instance
    donnée : une requête (DISTINCT ON)."""
    reunions = (
        prochaines_reunions(reunions_visibles_par(utilisateur).filter(instance_id__in=list(instance_ids)))
        .order_by("instance_id", "debut", "id")
        .distinct("instance_id")
    )
    return {reunion.instance_id: reunion for reunion in reunions}


class BaseProgression(TextChoices):
    OBJECTIF = "objectif", _("livrables rattachés à l'objectif")
    GROUPE = "groupe", _("livrables du groupe à échéance dans l'année")
    AUCUN = "aucun", _("aucun livrable")


@dataclass(frozen=True)
class ProgressionObjectif:
    objectif: ObjectifProgramme
    avancement: int
    base: BaseProgression
    livrables: int

    @property
    def libelle_base(self) -> str:
        return str(self.base.label)


def progression_des_objectifs(programme: ProgrammeDeTravail) -> list[ProgressionObjectif]:
    """Les objectifs du programme dans l'ordre, chacun avec son avancement : la moyenne des
    livrables qui lui sont rattachés, ou à défaut celle des livrables de son groupe à
    échéance dans l'année du programme, ou 0 sans aucun livrable. Trois requêtes."""
    objectifs = list(programme.objectifs.select_related("groupe__instance").order_by("ordre", "id"))
    if not objectifs:
        return []
    rattaches: dict[int, list[int]] = {}
    for objectif_id, avancement in Livrable.objects.filter(
        objectif_id__in=[objectif.pk for objectif in objectifs]
    ).values_list("objectif_id", "avancement"):
        rattaches.setdefault(objectif_id, []).append(avancement)
    du_groupe: dict[int, list[int]] = {}
    for groupe_id, avancement in Livrable.objects.filter(
        groupe_id__in={objectif.groupe_id for objectif in objectifs}, echeance__year=programme.annee
    ).values_list("groupe_id", "avancement"):
        du_groupe.setdefault(groupe_id, []).append(avancement)
    progressions = []
    for objectif in objectifs:
        if objectif.pk in rattaches:
            valeurs, base = rattaches[objectif.pk], BaseProgression.OBJECTIF
        elif objectif.groupe_id in du_groupe:
            valeurs, base = du_groupe[objectif.groupe_id], BaseProgression.GROUPE
        else:
            valeurs, base = [], BaseProgression.AUCUN
        progressions.append(
            ProgressionObjectif(
                objectif=objectif, avancement=_moyenne(valeurs), base=base, livrables=len(valeurs)
            )
        )
    return progressions


def seances_pouvant_adopter_programme() -> QuerySet[Reunion]:
    """Les séances plénières du Conseil convoquées, tenues ou closes : celles où le programme
    de travail peut être adopté."""
    return (
        Reunion.objects.filter(
            instance__type_instance=TypeInstance.CONSEIL,
            statut__in=(StatutReunion.CONVOQUEE, StatutReunion.TENUE, StatutReunion.CLOSE),
        )
        .select_related("instance")
        .order_by("-debut", "-id")
    )


def get_livrable_pour(utilisateur: Any, pk: int) -> Livrable:
    """Un livrable d'un groupe que `utilisateur` peut voir, avec son groupe."""
    try:
        return (
            Livrable.objects.filter(groupe__in=groupes_visibles_par(utilisateur).values("pk"))
            .select_related("groupe__instance")
            .get(pk=pk)
        )
    except Livrable.DoesNotExist:
        raise Http404 from None
