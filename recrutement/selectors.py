"""Lectures du recrutement, toujours à travers le contrôle d'accès (et la date du jour) : les
offres, les candidatures et le tableau partagé des recruteurs, l'espace candidat, les demandes
d'aide de l'agglomération, la carte de la liste publique."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from recrutement.jetons import candidat_si_cle
from recrutement.models import (
    STATUTS_CLOS,
    Alerte,
    Candidat,
    Candidature,
    Consentement,
    ConsultationPiece,
    EtapeCandidature,
    NoteCandidature,
    ObjetConsentement,
    Offre,
    PartOffre,
    PieceCandidature,
    PorteeNote,
    StatutOffre,
)
from recrutement.permissions import (
    est_moderateur,
    peut_voir_l_offre_en_gestion,
    recrutements_de,
    suit_le_recrutement,
)
from territoire.models import Appartenance, Commune, Structure


def _avec_tout(offres: QuerySet[Offre]) -> QuerySet[Offre]:
    """Ce que montrent la liste, la page d'une offre et son JSON-LD : quatre requêtes en tout,
    quel que soit le nombre d'offres (employeur et profession jointes, lieux et parts préchargés)."""
    return (
        offres.select_related("profession", "specialite", "employeur__commune__pole")
        # Le contour d'une commune (sa géométrie) ne sert qu'à la carte : pas à une offre.
        .defer("employeur__commune__contour")
        .prefetch_related(
            Prefetch(
                "structures",
                queryset=Structure.objects.select_related("commune")
                .defer("commune__contour")
                .order_by("nom"),
            ),
            Prefetch("communes", queryset=Commune.objects.defer("contour")),
            Prefetch("parts", queryset=PartOffre.objects.select_related("employeur")),
        )
    )


def offres_en_ligne(jour: date) -> QuerySet[Offre]:
    """Les offres publiques du jour : publiées et pas échues."""
    return _avec_tout(Offre.objects.en_ligne(jour)).order_by("-publiee_le", "-id")


def offre_publique(pk: int) -> Offre:
    """L'offre telle que le public la voit, en ligne ou partie (la vue répond alors 410) ; 404
    pour un brouillon ou une offre en modération, comme pour une offre qui n'existe pas."""
    offre = _avec_tout(
        Offre.objects.filter(pk=pk).exclude(statut__in=[StatutOffre.BROUILLON, StatutOffre.SOUMISE])
    ).first()
    if offre is None:
        raise Http404
    return offre


def offres_similaires(offre: Offre, jour: date, nombre: int = 5) -> list[Offre]:
    """Les offres en ligne de la même profession (de la même spécialité d'abord)."""
    return list(
        Offre.objects.en_ligne(jour)
        .filter(profession=offre.profession_id)
        .exclude(pk=offre.pk)
        .select_related("employeur")
        .order_by("-publiee_le", "-id")[:nombre]
    )


def offres_gerees_par(utilisateur: Any) -> QuerySet[Offre]:
    """Les offres des structures pour lesquelles `utilisateur` recrute (toutes, brouillons compris)."""
    structures = recrutements_de(utilisateur).au_nom_de
    return (
        Offre.objects.filter(employeur__in=structures)
        .select_related("employeur", "profession")
        .order_by("statut", "date_limite", "-id")
    )


def structures_du_recruteur(utilisateur: Any) -> QuerySet[Structure]:
    """Celles pour lesquelles `utilisateur` recrute : les siennes et leurs groupements."""
    return (
        Structure.objects.filter(pk__in=recrutements_de(utilisateur).au_nom_de)
        .select_related("commune")
        .defer("commune__contour")
        .order_by("nom")
    )


def offres_a_moderer(utilisateur: Any) -> QuerySet[Offre]:
    if not est_moderateur(utilisateur):
        return Offre.objects.none()
    return (
        Offre.objects.filter(statut=StatutOffre.SOUMISE)
        .select_related("employeur", "profession", "specialite")
        .order_by("soumise_le", "id")
    )


def get_offre_pour(utilisateur: Any, pk: int) -> Offre:
    """L'offre, si `utilisateur` la gère ou la modère ; sinon 404 (jamais 403)."""
    offre = _avec_tout(Offre.objects.filter(pk=pk)).select_related("cree_par").first()
    if offre is None or not peut_voir_l_offre_en_gestion(utilisateur, offre):
        raise Http404
    return offre


def remplacements_en_ligne(jour: date) -> QuerySet[Offre]:
    """Les remplacements publiés pas échus, pour le calendrier des périodes de remplacement."""
    return _avec_tout(
        Offre.objects.en_ligne(jour).filter(
            type_contrat="remplacement", debut__isnull=False, fin__isnull=False
        )
    ).order_by("debut", "id")


def est_close_ou_echue(offre: Offre, jour: date) -> bool:
    return offre.statut in STATUTS_CLOS or (offre.statut == StatutOffre.PUBLIEE and offre.date_limite < jour)


# --- Candidatures ------------------------------------------------------------------------


def candidatures_visibles_par(utilisateur: Any) -> QuerySet[Candidature]:
    """Les candidatures confiées (consentement actif) à une structure au nom de laquelle
    `utilisateur` recrute ; aucune pour qui ne recrute pas. Un `Exists` et non une jointure :
    pas de doublon quand plusieurs de ses structures sont choisies, pas de DISTINCT."""
    structures = recrutements_de(utilisateur).au_nom_de
    if not structures:
        return Candidature.objects.none()
    # Sans `objet=employeur` : un consentement qui nomme un employeur l'est (contrainte
    # `consentement_forme`), et la condition de plus empêchait de lire l'index partiel
    # `consentement_actif_employeur` seul (la table pour chaque ligne, à 50 000 candidatures).
    confiee = Consentement.objects.filter(
        candidature=OuterRef("pk"),
        retire_le__isnull=True,
        employeur__in=structures,
    )
    return Candidature.objects.filter(Exists(confiee), anonymisee_le__isnull=True)


def get_candidature_pour(utilisateur: Any, pk: int) -> Candidature:
    """La candidature, si elle est confiée à l'une des structures de `utilisateur` ; 404 sinon,
    qu'elle n'existe pas ou ne lui soit pas confiée."""
    candidature = (
        candidatures_visibles_par(utilisateur)
        .select_related("candidat", "offre__employeur", "offre__profession")
        .defer("offre__employeur__commune__contour")
        .filter(pk=pk)
        .first()
    )
    if candidature is None:
        raise Http404
    return candidature


def employeurs_a_choisir(offre: Offre, jour: date) -> tuple[list[Structure], list[Structure]]:
    """Les employeurs auxquels une candidature à `offre` peut être confiée : ceux de l'offre
    (son employeur et ceux de ses parts, obligatoires : ils recrutent) puis, au choix du
    candidat, les groupements dont l'employeur est membre et leurs autres membres."""
    obligatoires_ids = list(dict.fromkeys([offre.employeur_id, *(p.employeur_id for p in offre.parts.all())]))
    en_cours = Q(debut__lte=jour) & (Q(fin__isnull=True) | Q(fin__gte=jour))
    lues = Structure.objects.in_bulk(obligatoires_ids)
    obligatoires = [lues[s] for s in obligatoires_ids if s in lues]
    groupements = {s.pk for s in obligatoires if s.est_groupement} | set(
        Appartenance.objects.filter(en_cours, membre__in=obligatoires_ids).values_list(
            "groupement_id", flat=True
        )
    )
    membres = set(
        Appartenance.objects.filter(en_cours, groupement__in=groupements).values_list("membre_id", flat=True)
    )
    facultatifs = sorted(
        Structure.objects.filter(pk__in=(groupements | membres) - set(obligatoires_ids)),
        key=lambda s: s.nom,
    )
    return obligatoires, facultatifs


# --- L'espace candidat -------------------------------------------------------------------
#
# Un candidat y entre connecté (la fiche de son compte) ou par le lien signé reçu par courriel,
# que la session retient (la fiche et sa clé : effacer ses données change la clé, et la session
# n'ouvre plus rien). Tout ce que montre l'espace se lit à partir de cette fiche, jamais d'un
# identifiant reçu seul.

SESSION_CANDIDAT = "recrutement_candidat"


def candidat_retenir(request: Any, candidat: Candidat) -> None:
    """La session ouvre désormais l'espace de ce candidat (lien reçu par courriel)."""
    request.session[SESSION_CANDIDAT] = {"c": candidat.pk, "k": candidat.cle}
    request.session.cycle_key()


def candidat_oublier(request: Any) -> None:
    request.session.pop(SESSION_CANDIDAT, None)


def candidat_de_la_requete(request: Any) -> Candidat | None:
    """Le candidat dont la requête ouvre l'espace : celui du compte connecté, sinon celui que la
    session retient ; rien si ni l'un ni l'autre (ou la fiche effacée, fusionnée, la clé changée)."""
    if hasattr(request, "_candidat"):
        return request._candidat
    candidat = None
    utilisateur = getattr(request, "user", None)
    if utilisateur is not None and utilisateur.is_authenticated:
        candidat = Candidat.objects.filter(
            compte=utilisateur, anonymise_le__isnull=True, fusionne_dans__isnull=True
        ).first()
    if candidat is None:
        retenu = request.session.get(SESSION_CANDIDAT)
        if isinstance(retenu, dict):
            candidat = candidat_si_cle(retenu.get("c"), retenu.get("k"))
    request._candidat = candidat
    return candidat


def candidatures_du_candidat(candidat: Candidat) -> list[Candidature]:
    """Ses candidatures, chacune avec son offre, son employeur et ses consentements (les
    employeurs à qui elle est confiée) : trois requêtes, quel qu'en soit le nombre."""
    return list(
        Candidature.objects.filter(candidat=candidat)
        .select_related("offre__employeur")
        .defer("offre__employeur__commune__contour")
        .prefetch_related(
            Prefetch(
                "consentements",
                queryset=Consentement.objects.filter(objet=ObjetConsentement.EMPLOYEUR)
                .select_related("employeur")
                .order_by("employeur__nom", "-donne_le"),
            )
        )
        .order_by("-deposee_le", "-id")
    )


def vivier_du_candidat(candidat: Candidat) -> Consentement | None:
    """Le consentement au vivier en cours du candidat, s'il en a un (son espace, et la page du
    renouvellement ouverte par son lien signé)."""
    return Consentement.objects.filter(
        candidat=candidat, objet=ObjetConsentement.VIVIER, retire_le__isnull=True
    ).first()


def consultations_du_candidat(candidat: Candidat) -> list[ConsultationPiece]:
    """Qui a ouvert ses pièces : la structure et la date (jamais le nom du recruteur)."""
    return list(
        ConsultationPiece.objects.filter(piece__candidature__candidat=candidat)
        .select_related("structure", "piece__document", "piece__candidature__offre")
        .order_by("-le", "-id")[:200]
    )


def get_consentement_du_candidat(candidat: Candidat, pk: int) -> Consentement:
    consentement = (
        Consentement.objects.filter(candidat=candidat, pk=pk, objet=ObjetConsentement.EMPLOYEUR)
        .select_related("employeur")
        .first()
    )
    if consentement is None:
        raise Http404
    return consentement


def get_candidature_du_candidat(candidat: Candidat, pk: int) -> Candidature:
    candidature = Candidature.objects.filter(candidat=candidat, pk=pk).select_related("offre").first()
    if candidature is None:
        raise Http404
    return candidature


# --- Les demandes d'aide à l'installation (agents de l'agglomération) ----------------------


def demandes_d_aide_pour(utilisateur: Any, *, prises_en_charge: bool = False) -> QuerySet[Candidature]:
    """Les candidatures dont le candidat demande une aide (emploi du conjoint, logement), à
    traiter ou déjà prises en charge ; aucune pour qui ne suit pas le recrutement. Ni le CV ni
    le message aux recruteurs : la page ne montre que la personne, l'offre et la demande."""
    if not suit_le_recrutement(utilisateur):
        return Candidature.objects.none()
    demandes = (
        Candidature.objects.filter(Q(aide_emploi_conjoint=True) | Q(aide_logement=True))
        .filter(anonymisee_le__isnull=True, aide_prise_en_charge_le__isnull=not prises_en_charge)
        .select_related("candidat", "offre__employeur", "aide_prise_en_charge_par")
        .only(
            "pk",
            "deposee_le",
            "aide_emploi_conjoint",
            "aide_logement",
            "aide_precisions",
            "aide_prise_en_charge_le",
            "candidat__nom",
            "candidat__prenom",
            "candidat__email",
            "candidat__telephone",
            "candidat__anonymise_le",
            "offre__titre",
            "offre__employeur__nom",
            "aide_prise_en_charge_par__prenom",
            "aide_prise_en_charge_par__nom",
            "aide_prise_en_charge_par__email",
        )
    )
    if prises_en_charge:
        return demandes.order_by("-aide_prise_en_charge_le", "-pk")
    return demandes.order_by("deposee_le", "pk")


def get_demande_d_aide_pour(utilisateur: Any, pk: int) -> Candidature:
    """La demande d'aide à traiter, pour un agent qui suit le recrutement ; 404 sinon."""
    candidature = demandes_d_aide_pour(utilisateur).filter(pk=pk).first()
    if candidature is None:
        raise Http404
    return candidature


def get_alerte_par_cle(cle: str) -> Alerte:
    """L'alerte dont le courriel porte cette clé (qui la tient la gère) ; 404 sinon."""
    alerte = Alerte.objects.select_related("profession", "pole").filter(cle=cle).first()
    if alerte is None:
        raise Http404
    return alerte


# --- La carte de la liste publique ----------------------------------------------------------


def offres_en_ligne_par_commune(jour: date) -> dict[int, int]:
    """Le nombre d'offres en ligne dans chaque commune (pk) où elles font exercer : leurs
    communes et celles de leurs établissements, la règle du filtre par commune
    (recrutement/filtres.py ; une offre n'est publiée qu'avec au moins un lieu). Une offre compte
    une fois par commune. Une requête qui rend une ligne par commune, quel que soit le nombre
    d'offres : l'union des deux sortes de lieux n'a pas d'équivalent dans l'ORM."""
    communes = Offre.communes.through._meta
    structures = Offre.structures.through._meta
    sql = f"""
        SELECT lieu.commune_id, COUNT(DISTINCT lieu.offre_id)
        FROM (
            SELECT {communes.get_field("offre").column} AS offre_id,
                   {communes.get_field("commune").column} AS commune_id
            FROM {communes.db_table}
            UNION ALL
            SELECT os.{structures.get_field("offre").column}, s.{Structure._meta.get_field("commune").column}
            FROM {structures.db_table} os
            JOIN {Structure._meta.db_table} s ON s.id = os.{structures.get_field("structure").column}
        ) lieu
        JOIN {Offre._meta.db_table} o ON o.id = lieu.offre_id
        WHERE o.statut = %s AND o.date_limite >= %s AND lieu.commune_id IS NOT NULL
        GROUP BY lieu.commune_id
    """  # noqa: S608 — noms de tables et de colonnes lus des modèles ; les valeurs sont des paramètres
    with connection.cursor() as curseur:
        curseur.execute(sql, [StatutOffre.PUBLIEE, jour])
        return {commune: nombre for commune, nombre in curseur.fetchall()}


# --- Le tableau partagé des recruteurs -------------------------------------------------------


# L'ordre des colonnes du tableau : la vie d'une candidature.
ORDRE_DES_ETAPES = [
    EtapeCandidature.RECUE,
    EtapeCandidature.EN_ETUDE,
    EtapeCandidature.ENTRETIEN,
    EtapeCandidature.RETENUE,
    EtapeCandidature.NON_RETENUE,
    EtapeCandidature.RETIREE,
]

RANG_DE_L_ETAPE = Case(
    *(When(etape=etape, then=Value(rang)) for rang, etape in enumerate(ORDRE_DES_ETAPES)),
    output_field=IntegerField(),
)


def consentements_employeurs() -> Prefetch:
    """Les consentements actifs aux employeurs d'une candidature, avec l'employeur : ce que
    `employeurs_consentis` relit sans requête."""
    return Prefetch(
        "consentements",
        queryset=Consentement.objects.filter(objet=ObjetConsentement.EMPLOYEUR, retire_le__isnull=True)
        .select_related("employeur")
        .only("pk", "candidature_id", "employeur_id", "employeur__nom", "donne_le", "retire_le", "objet")
        .order_by("employeur__nom", "pk"),
    )


def tableau_des_candidatures(utilisateur: Any) -> QuerySet[Candidature]:
    """Les candidatures du tableau partagé de `utilisateur`, rangées par étape puis de la plus
    récente à la plus ancienne ; trois requêtes par page quel que soit le nombre de lignes
    (candidatures jointes à leur candidat et à leur offre, consentements, pièces)."""
    return (
        candidatures_visibles_par(utilisateur)
        .select_related("candidat", "offre__employeur")
        .only(
            "pk",
            "etape",
            "deposee_le",
            "etape_le",
            "source",
            "aide_emploi_conjoint",
            "aide_logement",
            "anonymisee_le",
            "candidat__id",
            "candidat__nom",
            "candidat__prenom",
            "candidat__anonymise_le",
            "offre__id",
            "offre__titre",
            "offre__employeur__id",
            "offre__employeur__nom",
        )
        .prefetch_related(
            consentements_employeurs(),
            Prefetch(
                "pieces",
                queryset=PieceCandidature.objects.select_related("document").only(
                    "pk", "candidature_id", "nature", "document__id", "document__nom_fichier"
                ),
            ),
        )
        .alias(rang=RANG_DE_L_ETAPE)
        .order_by("rang", "-deposee_le", "-pk")
    )


def nombre_par_etape(candidatures: QuerySet[Candidature]) -> dict[str, int]:
    """Combien de candidatures à chaque étape (toutes les étapes, zéro compris), en une requête."""
    comptes = dict(
        candidatures.order_by()
        .values_list("etape")
        .annotate(nombre=Count("pk"))
        .values_list("etape", "nombre")
    )
    return {etape: comptes.get(etape, 0) for etape in ORDRE_DES_ETAPES}


def offres_du_tableau(utilisateur: Any, choisie: int | None = None) -> QuerySet[Offre]:
    """Les offres que propose le filtre du tableau : celles des structures de `utilisateur`
    (sorties de la modération), et l'offre choisie si l'une de ses candidatures lui est confiée
    (une offre d'un autre employeur, atteinte par un lien). Jamais toutes les offres des
    candidatures visibles : à 5 000 offres, la liste coûtait plus que le tableau lui-même."""
    a_lui = Q(employeur__in=recrutements_de(utilisateur).au_nom_de) & ~Q(
        statut__in=[StatutOffre.BROUILLON, StatutOffre.SOUMISE]
    )
    if choisie is not None:
        a_lui |= Q(Exists(candidatures_visibles_par(utilisateur).filter(offre=OuterRef("pk"))), pk=choisie)
    return Offre.objects.filter(a_lui).only("pk", "titre").order_by("titre", "pk")


def employeurs_du_tableau(utilisateur: Any, choisi: int | None = None) -> QuerySet[Structure]:
    """Les employeurs que propose le filtre du tableau : les structures au nom desquelles
    `utilisateur` recrute, les membres d'aujourd'hui de ses groupements, et celui choisi."""
    au_nom_de = recrutements_de(utilisateur).au_nom_de
    jour = timezone.localdate()
    membres = Appartenance.objects.filter(groupement__in=au_nom_de, debut__lte=jour).filter(
        Q(fin__isnull=True) | Q(fin__gte=jour)
    )
    condition = Q(pk__in=au_nom_de) | Q(pk__in=membres.values("membre_id"))
    if choisi is not None:
        condition |= Q(pk=choisi)
    return Structure.objects.filter(condition).only("pk", "nom").order_by("nom", "pk")


def nombre_de_candidatures_par_offre(utilisateur: Any, offres: list[int]) -> dict[int, int]:
    """Pour « Mes offres » et la gestion d'une offre : combien de candidatures de chacune
    `utilisateur` voit, en une requête."""
    return dict(
        candidatures_visibles_par(utilisateur)
        .filter(offre_id__in=offres)
        .order_by()
        .values_list("offre_id")
        .annotate(nombre=Count("pk"))
        .values_list("offre_id", "nombre")
    )


def get_candidature_detaillee_pour(utilisateur: Any, pk: int) -> Candidature:
    """La candidature de la page d'une candidature : `get_candidature_pour`, avec ses
    consentements (actifs ou retirés, datés), ses pièces et qui les a ouvertes."""
    candidature = (
        candidatures_visibles_par(utilisateur)
        .select_related(
            "candidat__profession", "candidat__specialite", "offre__employeur", "offre__profession"
        )
        .defer("offre__employeur__commune__contour")
        .prefetch_related(
            Prefetch(
                "consentements",
                queryset=Consentement.objects.select_related("employeur")
                .only(
                    "pk", "candidature_id", "employeur_id", "employeur__nom", "donne_le", "retire_le", "objet"
                )
                .order_by("donne_le", "employeur__nom", "pk"),
            ),
            Prefetch(
                "pieces",
                queryset=PieceCandidature.objects.select_related("document").order_by("nature", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if candidature is None:
        raise Http404
    return candidature


def consultations_de(candidature: Candidature) -> QuerySet[ConsultationPiece]:
    """Qui a ouvert les pièces de la candidature, pour quelle structure, et quand."""
    return (
        ConsultationPiece.objects.filter(piece__candidature=candidature)
        .select_related("piece", "compte", "structure")
        .only(
            "pk",
            "le",
            "piece__id",
            "piece__nature",
            "compte__id",
            "compte__email",
            "compte__prenom",
            "compte__nom",
            "structure__id",
            "structure__nom",
        )
        .order_by("-le", "-pk")
    )


def notes_visibles(candidature: Candidature, utilisateur: Any) -> QuerySet[NoteCandidature]:
    """Les notes partagées, et les notes réservées écrites pour une structure à laquelle
    `utilisateur` est rattaché (pas celles d'un autre employeur, ni d'un groupement)."""
    structures = recrutements_de(utilisateur).structures
    return (
        NoteCandidature.objects.filter(candidature=candidature)
        .filter(Q(portee=PorteeNote.PARTAGEE) | Q(portee=PorteeNote.EMPLOYEUR, structure__in=structures))
        .select_related("auteur", "structure")
        .only(
            "pk",
            "texte",
            "portee",
            "ecrite_le",
            "auteur__id",
            "auteur__email",
            "auteur__prenom",
            "auteur__nom",
            "structure__id",
            "structure__nom",
        )
        .order_by("ecrite_le", "pk")
    )


SEUIL_NOMS_SEMBLABLES = 0.6


def chiffres_du_telephone(telephone: str) -> str:
    """Le numéro réduit à ses chiffres, à la française : « +33 6 12… » et « 0033 6… » → « 06… »."""
    chiffres = re.sub(r"\D", "", telephone or "")
    if chiffres.startswith("0033"):
        chiffres = chiffres[4:]
        return f"0{chiffres}"
    if chiffres.startswith("33") and len(chiffres) == 11:
        return f"0{chiffres[2:]}"
    return chiffres


def _chiffres_du_telephone_en_base() -> Case:
    """`chiffres_du_telephone` écrit en SQL, pour comparer dans la base."""
    chiffres = Func(
        F("telephone"),
        Value(r"\D"),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=CharField(),
    )
    return Case(
        When(
            Q(telephone__regex=r"^\D*0\D*0\D*3\D*3"),
            then=Concat(Value("0"), Substr(chiffres, 5), output_field=CharField()),
        ),
        When(
            Q(telephone__regex=r"^\D*3\D*3") & Q(telephone__regex=r"^(\D*\d){11}\D*$"),
            then=Concat(Value("0"), Substr(chiffres, 3), output_field=CharField()),
        ),
        default=chiffres,
        output_field=CharField(),
    )


def candidats_visibles_par(utilisateur: Any) -> QuerySet[Candidat]:
    """Les candidats dont `utilisateur` voit au moins une candidature (pas les fiches effacées
    ni celles déjà fusionnées dans une autre)."""
    return Candidat.objects.filter(
        pk__in=candidatures_visibles_par(utilisateur).values("candidat_id"),
        anonymise_le__isnull=True,
        fusionne_dans__isnull=True,
    )


def get_candidat_pour(utilisateur: Any, pk: int) -> Candidat:
    candidat = candidats_visibles_par(utilisateur).select_related("profession").filter(pk=pk).first()
    if candidat is None:
        raise Http404
    return candidat


@dataclass(frozen=True)
class Doublon:
    candidat: Candidat
    raisons: list[str]


def doublons_possibles(candidat: Candidat, utilisateur: Any, nombre: int = 10) -> list[Doublon]:
    """Les fiches que `utilisateur` voit et qui pourraient désigner la même personne que
    `candidat` : même adresse (sans la casse), même téléphone (chiffres seuls, +33 → 0), même
    RPPS, ou nom semblable (trigrammes de « prénom nom » à `SEUIL_NOMS_SEMBLABLES` au moins).
    Une requête ; chaque doublon dit pourquoi. Rien n'est fusionné ici."""
    if candidat.est_anonymise:
        return []
    telephone = chiffres_du_telephone(candidat.telephone)
    nom_complet = f"{candidat.prenom} {candidat.nom}"
    conditions = Q(email__iexact=candidat.email) | Q(similarite__gte=SEUIL_NOMS_SEMBLABLES)
    if len(telephone) >= 6:
        conditions |= Q(chiffres=telephone)
    if candidat.rpps:
        conditions |= Q(rpps=candidat.rpps)
    trouves = (
        candidats_visibles_par(utilisateur)
        .exclude(pk=candidat.pk)
        .annotate(
            chiffres=_chiffres_du_telephone_en_base(),
            similarite=TrigramSimilarity(
                Concat("prenom", Value(" "), "nom", output_field=CharField()), nom_complet
            ),
        )
        .filter(conditions)
        .only("pk", "nom", "prenom", "email", "telephone", "rpps", "cree_le", "anonymise_le")
        .order_by("-similarite", "pk")[:nombre]
    )
    doublons = []
    for autre in trouves:
        raisons = []
        if autre.email.lower() == candidat.email.lower():
            raisons.append(_("même adresse électronique"))
        if len(telephone) >= 6 and autre.chiffres == telephone:
            raisons.append(_("même téléphone"))
        if candidat.rpps and autre.rpps == candidat.rpps:
            raisons.append(_("même numéro RPPS"))
        if autre.similarite >= SEUIL_NOMS_SEMBLABLES:
            raisons.append(_("nom semblable"))
        doublons.append(Doublon(autre, raisons))
    return doublons


def candidats_du_vivier_pour(offre: Offre, maintenant: datetime) -> QuerySet[Candidat]:
    """Les candidats du vivier à qui l'offre peut être proposée : consentement au vivier actif
    et pas échu, fiche ni effacée ni fusionnée, même profession que l'offre, et aucun pôle
    souhaité (tout le Cotentin) ou celui de la commune de l'employeur. Ceux qui ont déjà
    postulé à l'offre n'y sont pas."""
    au_vivier = Consentement.objects.filter(
        candidat=OuterRef("pk"),
        objet=ObjetConsentement.VIVIER,
        retire_le__isnull=True,
        echeance__gt=maintenant,
    )
    pole = Structure.objects.filter(pk=offre.employeur_id).values("commune__pole")[:1]
    poles = Candidat.poles_souhaites.through.objects.filter(candidat=OuterRef("pk"))
    return (
        Candidat.objects.filter(
            Exists(au_vivier),
            anonymise_le__isnull=True,
            fusionne_dans__isnull=True,
            profession=offre.profession_id,
        )
        .filter(~Exists(poles) | Exists(poles.filter(poledeproximite=Subquery(pole))))
        .exclude(pk__in=Candidature.objects.filter(offre=offre).values("candidat_id"))
    )
