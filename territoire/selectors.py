"""Lectures du territoire qui dépendent de qui demande : l'annuaire et ses recherches."""

import datetime
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramStrictWordSimilarity,
    TrigramWordSimilarity,
)
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.http import Http404

from territoire.models import (
    CONFIG_RECHERCHE,
    Appartenance,
    Commune,
    LieuExercice,
    PoleDeProximite,
    Profession,
    Professionnel,
    SansAccents,
    Site,
    Structure,
)
from territoire.permissions import peut_voir_annuaire, peut_voir_inactifs

PAR_PAGE = 25

# Seuil de `word_similarity` (pg_trgm) au-dessous duquel un nom n'est plus retenu.
# Le défaut de PostgreSQL (0,6) manque des fautes courantes ; valeurs mesurées :
#   « lefebvre » → « helene lefevre »                          0,545 (6/11)
#   « hopital »  → « centre hospitalier public du cotentin »   0,455 (5/11)
#   « lecoc »    → « jean lecoq »                              0,667
#   « lefebvre » → « pierre lefranc » (à ne pas trouver)       0,444
# Les valeurs sont des fractions de petits entiers : sur 20 000 noms tirés par Faker
# (fr_FR), « martin » retient 395 noms à 0,6, 566 à 0,5, 567 à 0,45 mais 2 155 à 0,4 ;
# « lefebvre » 40, 99, 99 et 101. 0,45 trouve donc « hôpital » pour le prix de 0,5, bien
# au-dessus du déluge de 0,4.
SEUIL_TRIGRAMMES = 0.45

# Les mots d'une ou deux lettres (« de », « Le ») ressemblent à trop de noms : la recherche
# par trigrammes les ignore, sauf s'ils sont tout ce qui a été tapé. Chaque mot ajoute une
# condition : au-delà de quelques mots, les suivants n'apportent plus rien.
_LONGUEUR_MIN_MOT = 3
_MOTS_MAX = 6


def _normalise(texte: str) -> SansAccents:
    """Le texte cherché, normalisé en SQL comme les colonnes `nom_normalise`."""
    return SansAccents(Lower(Value(texte)))


def _mots(texte: str) -> list[str]:
    mots = re.findall(r"\w+", texte)
    longs = [mot for mot in mots if len(mot) >= _LONGUEUR_MIN_MOT]
    return (longs or mots)[:_MOTS_MAX]


# Les clés du classement après le rang plein texte : la ressemblance de trigrammes
# (word_similarity), puis sa variante stricte, qui départage les ex aequo en préférant les
# mots entiers (« lecoc » : « Lecoq » 0,5 avant « Lecomte » 0,4, tous deux à 0,667).
# (Les annotations de django-stubs n'admettent qu'un texte ; Django accepte une expression.)
def _ressemblance(texte: str) -> TrigramWordSimilarity:
    return TrigramWordSimilarity(_normalise(texte), "nom_normalise")  # type: ignore[arg-type]


def _ressemblance_stricte(texte: str) -> TrigramStrictWordSimilarity:
    return TrigramStrictWordSimilarity(_normalise(texte), "nom_normalise")  # type: ignore[arg-type]


def _requete_plein_texte(texte: str) -> SearchQuery:
    return SearchQuery(texte, config=CONFIG_RECHERCHE, search_type="websearch")


# --- Professionnels --------------------------------------------------------------


def professionnels_visibles_par(utilisateur: Any) -> QuerySet[Professionnel]:
    """Les professionnels de l'annuaire ; ceux qui n'exercent plus sur le territoire ne
    restent visibles que du personnel."""
    if not peut_voir_annuaire(utilisateur):
        return Professionnel.objects.none()
    professionnels = Professionnel.objects.all()
    if not peut_voir_inactifs(utilisateur):
        professionnels = professionnels.filter(actif=True)
    return professionnels


def professionnels_pour_liste(professionnels: QuerySet[Professionnel]) -> QuerySet[Professionnel]:
    """Ce qu'affiche une ligne de l'annuaire : la page, puis les lieux et leurs communes en une
    requête (les communes d'exercice de chaque ligne), quelle que soit la taille de la page."""
    return (
        professionnels.select_related("profession", "specialite")
        .prefetch_related(
            Prefetch(
                "lieux",
                queryset=LieuExercice.objects.select_related("commune")
                .defer("commune__contour")
                .order_by("commune__nom", "pk"),
            )
        )
        .order_by("nom", "prenom", "pk")
    )


def rechercher_professionnels(professionnels: QuerySet[Professionnel], texte: str) -> QuerySet[Professionnel]:
    """Recherche par nom : plein texte français (sans accents, racines), ou ressemblance de
    trigrammes de chaque mot tapé pour les fautes de frappe ; les mieux classés d'abord.

    `recherche @@ …` et `nom_normalise %> …` (word_similarity, au seuil posé par `page_de`)
    se servent chacun de leur index GIN : PostgreSQL les combine (BitmapOr) sans lire la
    table ; EXPLAIN ANALYZE sur 20 000 professionnels : environ 1 ms pour « lefebvre ».
    """
    texte = texte.strip()
    if not texte:
        return professionnels
    requete = _requete_plein_texte(texte)
    ressemble = Q()
    for mot in _mots(texte):
        ressemble &= Q(nom_normalise__trigram_word_similar=_normalise(mot))
    return (
        professionnels.filter(Q(recherche=requete) | ressemble)
        .annotate(
            rang=SearchRank(F("recherche"), requete),
            ressemblance=_ressemblance(texte),
            ressemblance_stricte=_ressemblance_stricte(texte),
        )
        .order_by("-rang", "-ressemblance", "-ressemblance_stricte", "nom", "prenom", "pk")
    )


def au_moins_un_lieu(**conditions: Any) -> Exists:
    """Le professionnel a au moins un lieu d'exercice qui remplit `conditions` (sans jointure
    qui multiplierait ses lignes)."""
    return Exists(LieuExercice.objects.filter(professionnel=OuterRef("pk"), **conditions))


def professions_representees() -> QuerySet[Profession]:
    """Les professions qui ont au moins un professionnel en exercice (choix du filtre)."""
    return Profession.objects.filter(
        Exists(Professionnel.objects.filter(profession=OuterRef("pk"), actif=True))
    )


def get_professionnel_pour(utilisateur: Any, pk: int) -> Professionnel:
    """Le professionnel et ce qu'affiche sa fiche ; 404 s'il n'existe pas ou n'est pas visible."""
    professionnel = (
        professionnels_visibles_par(utilisateur)
        .select_related("profession", "specialite")
        .prefetch_related(
            Prefetch(
                "lieux",
                queryset=LieuExercice.objects.select_related("commune__pole", "structure")
                .defer("commune__contour")
                .order_by("commune__nom", "pk"),
            ),
            "projets",
        )
        .filter(pk=pk)
        .first()
    )
    if professionnel is None:
        raise Http404
    return professionnel


# --- Structures ------------------------------------------------------------------


def structures_visibles_par(utilisateur: Any) -> QuerySet[Structure]:
    """Toutes les structures sont visibles de toute personne connectée."""
    if not peut_voir_annuaire(utilisateur):
        return Structure.objects.none()
    return Structure.objects.all()


def structures_pour_liste(structures: QuerySet[Structure]) -> QuerySet[Structure]:
    return structures.select_related("commune__pole").defer("commune__contour").order_by("nom", "pk")


def rechercher_structures(structures: QuerySet[Structure], texte: str) -> QuerySet[Structure]:
    """Recherche par nom, comme pour les professionnels ; un mot peut aussi désigner la
    commune (« cherbour hopital » trouve le centre hospitalier de Cherbourg-en-Cotentin)."""
    texte = texte.strip()
    if not texte:
        return structures
    requete = _requete_plein_texte(texte)
    ressemble = Q()
    for mot in _mots(texte):
        communes = Commune.objects.alias(nom_normalise=SansAccents(Lower("nom"))).filter(
            nom_normalise__trigram_word_similar=_normalise(mot)
        )
        ressemble &= Q(nom_normalise__trigram_word_similar=_normalise(mot)) | Q(commune__in=communes)
    return (
        structures.filter(Q(recherche=requete) | ressemble)
        .annotate(
            rang=SearchRank(F("recherche"), requete),
            ressemblance=_ressemblance(texte),
            ressemblance_stricte=_ressemblance_stricte(texte),
        )
        .order_by("-rang", "-ressemblance", "-ressemblance_stricte", "nom", "pk")
    )


def get_structure_pour(utilisateur: Any, pk: int) -> Structure:
    """La structure et ce qu'affiche sa fiche ; 404 si elle n'existe pas ou n'est pas visible."""
    structure = (
        structures_visibles_par(utilisateur)
        .select_related("commune__pole")
        .defer("commune__contour")
        .prefetch_related(
            Prefetch(
                "sites",
                queryset=Site.objects.select_related("commune")
                .defer("commune__contour")
                .order_by("nom", "pk"),
            ),
            Prefetch(
                "appartenances",
                queryset=Appartenance.objects.select_related("groupement").order_by("debut", "pk"),
            ),
            Prefetch(
                "appartenances_membres",
                queryset=Appartenance.objects.select_related("membre__commune")
                .defer("membre__commune__contour")
                .order_by("membre__nom", "debut", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if structure is None:
        raise Http404
    return structure


def membres_actuels_et_anciens(
    structure: Structure, jour: datetime.date
) -> tuple[list[Appartenance], list[Appartenance]]:
    """Les appartenances au groupement (déjà chargées) : en cours à `jour`, puis terminées."""
    actuels: list[Appartenance] = []
    anciens: list[Appartenance] = []
    for appartenance in structure.appartenances_membres.all():
        (anciens if appartenance.fin and appartenance.fin < jour else actuels).append(appartenance)
    return actuels, anciens


def etablissements_de_la_meme_entite(structure: Structure) -> QuerySet[Structure]:
    """Les autres établissements du même gestionnaire (même FINESS juridique)."""
    if not structure.finess_juridique:
        return Structure.objects.none()
    return (
        Structure.objects.filter(finess_juridique=structure.finess_juridique)
        .exclude(pk=structure.pk)
        .select_related("commune")
        .defer("commune__contour")
    )


def professionnels_exercant_a(structure: Structure) -> QuerySet[Professionnel]:
    """Les professionnels en exercice qui ont un lieu d'exercice dans la structure."""
    return (
        Professionnel.objects.filter(au_moins_un_lieu(structure=structure), actif=True)
        .select_related("profession", "specialite")
        .order_by("nom", "prenom", "pk")
    )


# --- Pagination ------------------------------------------------------------------


def page_de(objets: QuerySet[Any], numero: Any, par_page: int = PAR_PAGE) -> Page:
    """La page `numero` de `objets`, lue entièrement (total, lignes et préchargements).

    Le seuil des trigrammes (SEUIL_TRIGRAMMES) est posé pour la seule transaction
    (`set_config(…, true)`, l'équivalent de SET LOCAL) : il ne fuit pas vers les autres
    requêtes servies par la même connexion persistante.
    """
    with seuil_des_trigrammes():
        page = Paginator(objets, par_page).get_page(numero)
        page.object_list = list(page.object_list)
    return page


@contextmanager
def seuil_des_trigrammes() -> Iterator[None]:
    """Une transaction où les recherches par trigrammes retiennent au seuil SEUIL_TRIGRAMMES."""
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(SEUIL_TRIGRAMMES)]
        )
        yield


# --- La carte d'un pôle ----------------------------------------------------------


def communes_du_pole(pole: PoleDeProximite) -> list[Mapping[str, Any]]:
    """Les communes du pôle et leurs contours (pk, code_insee, nom, contour), en une requête."""
    return list(
        Commune.objects.filter(pole=pole).order_by("nom").values("pk", "code_insee", "nom", "contour")
    )


def structures_pour_carte(structures: QuerySet[Structure]) -> list[Mapping[str, Any]]:
    """Toutes les structures de la recherche (pas seulement la page), ce que la carte en montre,
    en une requête, lues au même seuil de trigrammes que la liste."""
    with seuil_des_trigrammes():
        return list(
            structures.order_by("nom", "pk").values(
                "pk", "nom", "type", "latitude", "longitude", "commune_id"
            )
        )


def communes_pour_la_carte() -> list[dict[str, Any]]:
    """Les communes, leur contour et leur pôle, pour une carte de comptes par commune (les offres
    en ligne, les rencontres à venir) : la seule lecture des contours de la page."""
    return [
        dict(c)
        for c in Commune.objects.order_by("nom").values("pk", "code_insee", "nom", "contour", "pole__nom")
    ]
