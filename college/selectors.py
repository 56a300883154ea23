"""Lectures du Collège qui dépendent de qui demande. Un scrutin absent et un scrutin qu'on n'a
pas le droit de voir donnent la même réponse : 404."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from college import decompte
from college.models import (
    Bulletin,
    Commentaire,
    DeclarationInteret,
    Discussion,
    Electeur,
    Emargement,
    ProcurationVote,
    Scrutin,
    Texte,
    TypeScrutin,
)
from conseil.models import Instance, Mandat, PointOrdreDuJour
from conseil.permissions import voit_tout_le_conseil
from conseil.selectors import reunions_visibles_par


def scrutins_visibles_par(utilisateur: Any) -> QuerySet[Scrutin]:
    """Le personnel et les co-présidents voient tous les scrutins. Un membre voit ceux des
    instances où il a (ou a eu) un mandat, quel qu'il soit, et ceux dont il est électeur.

    Les scrutins en préparation sont visibles des membres de l'instance : c'est avant
    l'ouverture qu'ils se portent candidats, déclarent un intérêt (qui ne les écarte que du
    corps électoral photographié à l'ouverture) et donnent procuration — les services le
    prévoient. Le secrétariat seul les crée et les modifie."""
    if voit_tout_le_conseil(utilisateur):
        return Scrutin.objects.all()
    if not utilisateur.is_authenticated:
        return Scrutin.objects.none()
    mandat = Mandat.objects.filter(instance=OuterRef("instance"), personne=utilisateur)
    electeur = Electeur.objects.filter(scrutin=OuterRef("pk"), personne=utilisateur)
    return Scrutin.objects.filter(Exists(mandat) | Exists(electeur))


def get_scrutin_pour(utilisateur: Any, pk: int) -> Scrutin:
    try:
        return scrutins_visibles_par(utilisateur).select_related("instance", "reunion").get(pk=pk)
    except Scrutin.DoesNotExist:
        raise Http404 from None


def textes_visibles_par(utilisateur: Any) -> QuerySet[Texte]:
    """Le personnel et les co-présidents voient tous les textes ; un membre, ceux des
    instances où il a (ou a eu) un mandat."""
    if voit_tout_le_conseil(utilisateur):
        return Texte.objects.all()
    if not utilisateur.is_authenticated:
        return Texte.objects.none()
    return Texte.objects.filter(
        Exists(Mandat.objects.filter(instance=OuterRef("instance"), personne=utilisateur))
    )


def get_texte_pour(utilisateur: Any, pk: int) -> Texte:
    try:
        return textes_visibles_par(utilisateur).select_related("instance", "cree_par").get(pk=pk)
    except Texte.DoesNotExist:
        raise Http404 from None


def scrutins_de_l_objet(utilisateur: Any, objet: Any) -> QuerySet[Scrutin]:
    return scrutins_visibles_par(utilisateur).filter(
        objet_type=ContentType.objects.get_for_model(objet), objet_id=str(objet.pk)
    )


def discussions_de_l_objet(objet: Any) -> QuerySet[Discussion]:
    return Discussion.objects.filter(
        objet_type=ContentType.objects.get_for_model(objet), objet_id=str(objet.pk)
    ).select_related("cree_par")


def est_membre_de_l_instance(utilisateur: Any, scrutin: Scrutin) -> bool:
    """Un mandat en cours dans l'instance du scrutin, quel que soit son rôle."""
    return (
        Mandat.objects.filter(instance_id=scrutin.instance_id, personne=utilisateur)
        .en_cours(timezone.localdate())
        .exists()
    )


# --- Ce qui concerne le membre qui lit la page d'un scrutin ------------------------------


@dataclass
class ProcurationDetenue:
    """Une procuration que le membre détient à ce scrutin, et si le mandant a déjà voté."""

    procuration: ProcurationVote
    a_vote: bool

    @property
    def mandant(self) -> Any:
        return self.procuration.mandant


@dataclass
class Situation:
    """La place du membre dans un scrutin : électeur ou non, écarté, a voté (lui-même ou par
    son mandataire), la procuration qu'il a donnée et celles qu'il détient."""

    electeur: Electeur | None = None
    emargement: Emargement | None = None
    procuration_donnee: ProcurationVote | None = None
    procurations_detenues: list[ProcurationDetenue] = field(default_factory=list)
    interet: DeclarationInteret | None = None

    @property
    def a_vote(self) -> bool:
        return self.emargement is not None

    @property
    def exclu(self) -> bool:
        return self.electeur is not None and self.electeur.exclu_pour_interet


def situations_de(utilisateur: Any, scrutins: list[Scrutin]) -> dict[int, Situation]:
    """La situation de `utilisateur` dans chacun des `scrutins` : trois requêtes pour toute
    la liste (sans les intérêts déclarés)."""
    if not utilisateur.is_authenticated or not scrutins:
        return {}
    ids = [s.pk for s in scrutins]
    electeurs = {e.scrutin_id: e for e in Electeur.objects.filter(scrutin__in=ids, personne=utilisateur)}
    procurations = list(
        ProcurationVote.objects.filter(scrutin__in=ids)
        .filter(Q(mandant=utilisateur) | Q(mandataire=utilisateur))
        .select_related("mandant", "mandataire")
        .order_by("mandant__nom", "mandant__prenom", "pk")
    )
    personnes = {utilisateur.pk, *(p.mandant_id for p in procurations if p.mandataire_id == utilisateur.pk)}
    emargements = {
        (e.scrutin_id, e.personne_id): e
        for e in Emargement.objects.filter(scrutin__in=ids, personne_id__in=personnes).select_related(
            "vote_par"
        )
    }
    situations = {}
    for scrutin_id in ids:
        les_siennes = [p for p in procurations if p.scrutin_id == scrutin_id]
        situations[scrutin_id] = Situation(
            electeur=electeurs.get(scrutin_id),
            emargement=emargements.get((scrutin_id, utilisateur.pk)),
            procuration_donnee=next((p for p in les_siennes if p.mandant_id == utilisateur.pk), None),
            procurations_detenues=[
                ProcurationDetenue(p, (scrutin_id, p.mandant_id) in emargements)
                for p in les_siennes
                if p.mandataire_id == utilisateur.pk
            ],
        )
    return situations


def situation_de(utilisateur: Any, scrutin: Scrutin) -> Situation:
    """Quatre requêtes, quel que soit le nombre de procurations détenues."""
    situation = situations_de(utilisateur, [scrutin]).get(scrutin.pk, Situation())
    if utilisateur.is_authenticated:
        situation.interet = interet_declare(utilisateur, scrutin)
    return situation


def interet_declare(utilisateur: Any, scrutin: Scrutin) -> DeclarationInteret | None:
    sujets = Q(objet_type=ContentType.objects.get_for_model(Scrutin), objet_id=str(scrutin.pk))
    if scrutin.objet_type_id:
        sujets |= Q(objet_type_id=scrutin.objet_type_id, objet_id=scrutin.objet_id)
    return DeclarationInteret.objects.filter(sujets, personne=utilisateur).first()


# --- L'urne publiée --------------------------------------------------------------------


def urne_de(scrutin: Scrutin) -> list[Bulletin]:
    """Les bulletins dans l'ordre des codes de reçu (aucun ordre d'arrivée n'existe)."""
    return list(
        Bulletin.objects.filter(scrutin=scrutin).select_related("personne", "vote_par").order_by("recu")
    )


def regles_figees(scrutin: Scrutin) -> decompte.Regles:
    """Les règles copiées dans le scrutin à son ouverture (un scrutin clos a été ouvert)."""
    return decompte.Regles(
        quorum_part=scrutin.quorum_part if scrutin.quorum_part is not None else scrutin.instance.quorum_part,
        base_majorite=scrutin.base_majorite or scrutin.instance.vote_base_majorite,
        abstentions_exprimees=bool(scrutin.abstentions_exprimees),
        sieges=scrutin.sieges,
        departage=scrutin.departage or scrutin.instance.vote_departage,
        quorum_compte_procurations=scrutin.quorum_compte_procurations is not False,
    )


def recompter(scrutin: Scrutin, bulletins: list[Bulletin]) -> dict[str, Any]:
    """Le résultat refait à partir des seuls bulletins publiés (et du corps électoral publié
    dans le résultat) : ce que chacun peut refaire à la main ou avec un tableur."""

    publie: dict[str, Any] = scrutin.resultat or {}
    electeurs = int(publie.get("electeurs", 0))
    procurations = int(publie.get("procurations", 0))
    regles = regles_figees(scrutin)
    if scrutin.type_scrutin == TypeScrutin.ELECTION:
        noms = publie.get("noms", {})
        dates = dict(scrutin.candidatures.values_list("pk", "date_naissance"))
        candidats = [decompte.Candidat(int(cid), nom, dates.get(int(cid))) for cid, nom in noms.items()]
        resultat = decompte.election(
            regles,
            electeurs=electeurs,
            bulletins=[b.candidats for b in bulletins],
            candidats=candidats,
            graine=decompte.graine_du_tirage(bulletins),
            procurations=procurations,
        )
        return resultat.en_json() | {"graine": decompte.graine_du_tirage(bulletins)}
    choix = [b.choix for b in bulletins]
    if scrutin.type_scrutin == TypeScrutin.AVIS:
        return decompte.avis(regles, electeurs=electeurs, choix=choix, procurations=procurations).en_json()
    return decompte.deliberation(
        regles, electeurs=electeurs, choix=choix, procurations=procurations
    ).en_json()


# --- Discussions --------------------------------------------------------------------------

# Les sujets qu'une discussion peut suivre, et comment savoir si l'on peut les voir.
SUJETS_DE_DISCUSSION = ("conseil.pointordredujour", "college.texte", "college.scrutin")


def _mandat_dans_l_instance(utilisateur: Any) -> Exists:
    """Un mandat en cours ou passé de `utilisateur` dans l'instance de la ligne."""
    return Exists(
        Mandat.objects.filter(instance=OuterRef("instance"), personne=utilisateur).commences(
            timezone.localdate()
        )
    )


def discussions_visibles_par(utilisateur: Any) -> QuerySet[Discussion]:
    """Le secrétariat et les co-présidents lisent toutes les discussions ; un membre, celles
    des instances où il a (ou a eu) un mandat."""
    if voit_tout_le_conseil(utilisateur):
        return Discussion.objects.all()
    if not utilisateur.is_authenticated:
        return Discussion.objects.none()
    return Discussion.objects.filter(_mandat_dans_l_instance(utilisateur))


def instances_de_discussion(utilisateur: Any) -> QuerySet[Instance]:
    """Les instances actives où `utilisateur` peut ouvrir une discussion."""
    instances = Instance.objects.filter(active=True).order_by("nom")
    if voit_tout_le_conseil(utilisateur):
        return instances
    if not utilisateur.is_authenticated:
        return instances.none()
    return instances.filter(
        Exists(
            Mandat.objects.filter(instance=OuterRef("pk"), personne=utilisateur).commences(
                timezone.localdate()
            )
        )
    )


def _prefetch_des_sujets() -> GenericPrefetch:
    return GenericPrefetch(
        "objet",
        [PointOrdreDuJour.objects.select_related("reunion"), Texte.objects.all(), Scrutin.objects.all()],
    )


def discussions_pour_liste(utilisateur: Any) -> QuerySet[Discussion]:
    """Les discussions visibles, la plus récemment active d'abord, avec `nb_commentaires` et
    `derniere_activite` (le dernier commentaire, ou l'ouverture) : trois requêtes en tout."""
    return (
        discussions_visibles_par(utilisateur)
        .select_related("instance", "cree_par")
        .prefetch_related(_prefetch_des_sujets())
        .annotate(
            nb_commentaires=Count("commentaires"),
            derniere_activite=Coalesce(Max("commentaires__cree_le"), "cree_le"),
        )
        .order_by("-derniere_activite", "-id")
    )


def get_discussion_pour(utilisateur: Any, pk: int) -> Discussion:
    try:
        return (
            discussions_visibles_par(utilisateur)
            .select_related("instance", "cree_par")
            .prefetch_related(_prefetch_des_sujets())
            .get(pk=pk)
        )
    except Discussion.DoesNotExist:
        raise Http404 from None


def get_commentaire_pour(utilisateur: Any, pk: int) -> Commentaire:
    try:
        return Commentaire.objects.select_related("discussion__instance", "auteur", "masque_par").get(
            pk=pk, discussion__in=discussions_visibles_par(utilisateur)
        )
    except Commentaire.DoesNotExist:
        raise Http404 from None


def commentaires_de(discussion: Discussion) -> list[Commentaire]:
    """Les commentaires de premier niveau, chacun avec ses réponses (`reponses.all`), dans
    l'ordre de publication : deux requêtes, quel que soit leur nombre."""
    return list(
        discussion.commentaires.filter(parent__isnull=True)
        .select_related("auteur", "masque_par")
        .prefetch_related(
            Prefetch(
                "reponses",
                queryset=Commentaire.objects.select_related("auteur", "masque_par").order_by("cree_le", "id"),
            )
        )
        .order_by("cree_le", "id")
    )


def sujet_pour(utilisateur: Any, reference: str) -> Any:
    """Le sujet désigné par `app_label.modele:pk` (un point de l'ordre du jour, un texte, un
    scrutin), si `utilisateur` peut le voir ; 404 sinon."""
    nom, _, pk = reference.partition(":")
    if nom not in SUJETS_DE_DISCUSSION or not pk.isdigit():
        raise Http404
    if nom == "conseil.pointordredujour":
        points = PointOrdreDuJour.objects.filter(reunion__in=reunions_visibles_par(utilisateur))
        try:
            return points.select_related("reunion__instance").get(pk=int(pk))
        except PointOrdreDuJour.DoesNotExist:
            raise Http404 from None
    if nom == "college.texte":
        return get_texte_pour(utilisateur, int(pk))
    return get_scrutin_pour(utilisateur, int(pk))


def reference_du_sujet(objet: Any) -> str:
    """`app_label.modele:pk`, l'inverse de `sujet_pour`."""
    return f"{objet._meta.label_lower}:{objet.pk}"
