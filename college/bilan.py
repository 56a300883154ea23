"""La section « Le Collège des professionnels » du bilan annuel : composition par catégorie,
désignations, scrutins (participation, résultat), avis rendus, discussions.

`donnees_college(annee)` lit la base en quatre requêtes, quel que soit le nombre de mandats,
de scrutins, d'électeurs ou de discussions (agrégats et sous-requêtes de PostgreSQL), et rend
des dataclasses déjà calculées : le gabarit ne touche plus la base.

Choix de lecture :
- la composition est celle du 31 décembre de l'année (ou d'aujourd'hui pour l'année en
  cours) : les mandats de membre (co-président, titulaire, suppléant) du Collège en cours ce
  jour-là ;
- les désignations sont les mandats commencés dans l'année, dans toute instance (le Collège
  désigne son représentant et les membres des groupes de travail), secrétariat excepté ;
- un scrutin compte pour l'année de sa clôture (`clos_le`, heure de Paris) ; les inscrits
  sont le corps électoral photographié à l'ouverture, moins les membres écartés pour intérêt
  déclaré ; les votants sont les émargements. Aucun nom de votant n'apparaît.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db.models import BigIntegerField, Case, CharField, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from college.models import Discussion, Electeur, Emargement, Scrutin, StatutScrutin, Texte, TypeScrutin
from college.proces_verbal import issue_en_mots
from conseil.models import CategorieCollege, Mandat, PointOrdreDuJour, RoleMandat, TypeInstance
from socle.bilan import ChiffreCle, ContenuSection, bornes_de_l_annee, jour_local
from socle.francais import POUR_CENT, date_longue, nombre, pourcentage
from socle.graphiques import Cellule, Entete, GraphiqueBarres, Ligne, Tableau, graphique_barres

ROLES_MEMBRES = (RoleMandat.COPRESIDENT, RoleMandat.TITULAIRE, RoleMandat.SUPPLEANT)
AVIS_RENDUS = ("favorable", "reserve", "defavorable")


# --- Les données de la section ------------------------------------------------------------


@dataclass(frozen=True)
class Categorie:
    libelle: str
    titulaires: int
    suppleants: int
    ensemble: int  # co-présidents compris


@dataclass(frozen=True)
class Designation:
    personne: str
    role: str
    instance: str
    categorie: str
    debut: date
    designation: str


@dataclass(frozen=True)
class ScrutinClos:
    type_scrutin: str
    type_texte: str
    titre: str
    instance: str
    secret: bool
    clos_le: date
    inscrits: int
    votants: int
    issue: str  # le code écrit par college.decompte (« adopte », « favorable », « elus »…)
    resultat_texte: str
    sujet: str  # ce sur quoi porte le scrutin (un avis : la demande de financement…)

    @property
    def participation(self) -> float | None:
        return self.votants / self.inscrits if self.inscrits else None

    @property
    def avis_rendu(self) -> bool:
        return self.type_scrutin == TypeScrutin.AVIS and self.issue in AVIS_RENDUS


@dataclass(frozen=True)
class DiscussionOuverte:
    titre: str
    instance: str
    ouverte_le: date
    commentaires: int


@dataclass(frozen=True)
class DonneesCollege:
    annee: int
    jour_composition: date
    composition: tuple[Categorie, ...]
    designations: tuple[Designation, ...]
    scrutins: tuple[ScrutinClos, ...]
    discussions: tuple[DiscussionOuverte, ...]

    @property
    def membres(self) -> int:
        return sum(categorie.ensemble for categorie in self.composition)

    @property
    def avis(self) -> tuple[ScrutinClos, ...]:
        return tuple(s for s in self.scrutins if s.type_scrutin == TypeScrutin.AVIS)

    @property
    def avis_rendus(self) -> int:
        return sum(1 for s in self.avis if s.avis_rendu)

    @property
    def participation_moyenne(self) -> float | None:
        """La moyenne des participations des scrutins (chaque scrutin pèse autant)."""
        parts = [s.participation for s in self.scrutins if s.participation is not None]
        return sum(parts) / len(parts) if parts else None


def _composition(jour: date) -> tuple[Categorie, ...]:
    comptes: dict[tuple[str, str], int] = {
        (ligne["categorie"], ligne["role"]): ligne["n"]
        for ligne in Mandat.objects.filter(
            instance__type_instance=TypeInstance.COLLEGE, role__in=ROLES_MEMBRES
        )
        .en_cours(jour)
        .order_by()
        .values("categorie", "role")
        .annotate(n=Count("id"))
    }
    libelles = [(str(valeur), str(libelle)) for valeur, libelle in CategorieCollege.choices]
    if any(categorie == "" for categorie, _role in comptes):
        libelles.append(("", _("Sans catégorie (co-présidence…)")))
    return tuple(
        Categorie(
            libelle=libelle,
            titulaires=comptes.get((valeur, RoleMandat.TITULAIRE), 0),
            suppleants=comptes.get((valeur, RoleMandat.SUPPLEANT), 0),
            ensemble=sum(n for (categorie, _role), n in comptes.items() if categorie == valeur),
        )
        for valeur, libelle in libelles
    )


def _designations(annee: int) -> tuple[Designation, ...]:
    mandats = (
        Mandat.objects.filter(debut__year=annee)
        .exclude(role=RoleMandat.SECRETARIAT)
        .select_related("personne", "instance")
        .order_by("debut", "instance__nom", "id")
    )
    return tuple(
        Designation(
            personne=str(mandat.personne),
            role=mandat.get_role_display(),
            instance=mandat.instance.nom,
            categorie=mandat.get_categorie_display() if mandat.categorie else "",
            debut=mandat.debut,
            designation=mandat.designation,
        )
        for mandat in mandats
    )


def _libelle_du_sujet(app_label: str, modele: str, queryset: Any, champ: str) -> Case:
    """Le `champ` du sujet (clé générique) quand il est de ce modèle : une sous-requête par
    ligne évaluée par PostgreSQL, au lieu d'une requête par scrutin."""
    return Case(
        When(
            objet_type__app_label=app_label,
            objet_type__model=modele,
            then=Subquery(
                queryset.filter(pk=Cast(OuterRef("objet_id"), BigIntegerField())).order_by().values(champ)[:1]
            ),
        ),
        default=Value(""),
        output_field=CharField(),
    )


def _compte(modele: Any, **filtres: Any) -> Coalesce:
    return Coalesce(
        Subquery(
            modele.objects.filter(scrutin=OuterRef("pk"), **filtres)
            .order_by()
            .values("scrutin")
            .annotate(n=Count("id"))
            .values("n")
        ),
        0,
    )


def _sujet(ligne: dict[str, Any]) -> str:
    if ligne["demande_intitule"]:
        if ligne["demande_numero"]:
            return f"{ligne['demande_numero']} — {ligne['demande_intitule']}"
        return str(ligne["demande_intitule"])
    return str(ligne["texte_titre"] or ligne["point_titre"] or "")


def _detail(type_scrutin: str, resultat: dict[str, Any]) -> str:
    """Le décompte publié, à la suite de l'issue : « 4 pour, 1 contre, 0 abstention » (le
    pluriel choisi par le nombre : en français, 0 et 1 sont au singulier)."""
    d: dict[str, int] = resultat.get("decompte", {})
    a = d.get("abstention", 0)
    abstentions = ngettext("%(n)s abstention", "%(n)s abstentions", a) % {"n": nombre(a)}
    if type_scrutin == TypeScrutin.DELIBERATION:
        return _("%(pour)s pour, %(contre)s contre, %(abstentions)s") % {
            "pour": nombre(d.get("pour", 0)),
            "contre": nombre(d.get("contre", 0)),
            "abstentions": abstentions,
        }
    if type_scrutin == TypeScrutin.AVIS:
        f, r, v = d.get("favorable", 0), d.get("reserve", 0), d.get("defavorable", 0)
        return ", ".join(
            [
                ngettext("%(n)s favorable", "%(n)s favorables", f) % {"n": nombre(f)},
                ngettext("%(n)s réservé", "%(n)s réservés", r) % {"n": nombre(r)},
                ngettext("%(n)s défavorable", "%(n)s défavorables", v) % {"n": nombre(v)},
                abstentions,
            ]
        )
    b = d.get("blancs", 0)
    return ngettext("%(n)s bulletin blanc", "%(n)s bulletins blancs", b) % {"n": nombre(b)} if b else ""


def _scrutins(debut: datetime, fin: datetime) -> tuple[ScrutinClos, ...]:
    demandes: Any = None
    if apps.is_installed("financements"):
        # Sans importer financements (qui dépend du Collège) : le modèle par le registre.
        demandes = apps.get_model("financements", "DemandeFinancement")._default_manager.all()
    annotations: dict[str, Any] = {
        "inscrits": _compte(Electeur, exclu_pour_interet=False),
        "votants": _compte(Emargement),
        "texte_titre": _libelle_du_sujet("college", "texte", Texte.objects.all(), "titre"),
        "point_titre": _libelle_du_sujet(
            "conseil", "pointordredujour", PointOrdreDuJour.objects.all(), "titre"
        ),
        "demande_numero": Value(""),
        "demande_intitule": Value(""),
    }
    if demandes is not None:
        annotations["demande_numero"] = _libelle_du_sujet(
            "financements", "demandefinancement", demandes, "numero"
        )
        annotations["demande_intitule"] = _libelle_du_sujet(
            "financements", "demandefinancement", demandes, "intitule"
        )
    lignes = (
        Scrutin.objects.filter(statut=StatutScrutin.CLOS, clos_le__gte=debut, clos_le__lt=fin)
        .annotate(**annotations)
        .order_by("clos_le", "id")
        .values(
            "type_scrutin",
            "titre",
            "instance__nom",
            "secret",
            "clos_le",
            "resultat",
            *annotations,
        )
    )
    scrutins = []
    for ligne in lignes:
        resultat: dict[str, Any] = ligne["resultat"] or {}
        # Un scrutin non enregistré, seulement pour dire l'issue comme la page du scrutin.
        issue = issue_en_mots(
            Scrutin(type_scrutin=ligne["type_scrutin"], statut=StatutScrutin.CLOS, resultat=resultat)
        )
        detail = _detail(ligne["type_scrutin"], resultat)
        if detail and resultat.get("issue") != "quorum_non_atteint":
            issue = f"{issue} ({detail})"
        scrutins.append(
            ScrutinClos(
                type_scrutin=ligne["type_scrutin"],
                type_texte=str(TypeScrutin(ligne["type_scrutin"]).label),
                titre=ligne["titre"],
                instance=ligne["instance__nom"],
                secret=ligne["secret"],
                clos_le=jour_local(ligne["clos_le"]),
                inscrits=ligne["inscrits"],
                votants=ligne["votants"],
                issue=str(resultat.get("issue", "")),
                resultat_texte=issue,
                sujet=_sujet(ligne),
            )
        )
    return tuple(scrutins)


def _discussions(debut: datetime, fin: datetime) -> tuple[DiscussionOuverte, ...]:
    lignes = (
        Discussion.objects.filter(cree_le__gte=debut, cree_le__lt=fin)
        .annotate(nb=Count("commentaires", filter=Q(commentaires__masque_le__isnull=True)))
        .order_by("cree_le", "id")
        .values("titre", "instance__nom", "cree_le", "nb")
    )
    return tuple(
        DiscussionOuverte(
            titre=ligne["titre"],
            instance=ligne["instance__nom"],
            ouverte_le=jour_local(ligne["cree_le"]),
            commentaires=ligne["nb"],
        )
        for ligne in lignes
    )


def lire(annee: int) -> DonneesCollege:
    """Les chiffres de l'année : quatre requêtes, toujours."""
    debut, fin = bornes_de_l_annee(annee)
    jour = min(date(annee, 12, 31), timezone.localdate())
    return DonneesCollege(
        annee=annee,
        jour_composition=jour,
        composition=_composition(jour),
        designations=_designations(annee),
        scrutins=_scrutins(debut, fin),
        discussions=_discussions(debut, fin),
    )


# --- Graphiques et tableaux -------------------------------------------------------------------


def graphique_composition(donnees: DonneesCollege) -> GraphiqueBarres:
    return graphique_barres(
        identifiant="graphique-college-composition",
        titre=_("Membres du Collège par catégorie au %(jour)s")
        % {"jour": date_longue(donnees.jour_composition)},
        description=_(
            "Barres horizontales : pour chaque catégorie du Collège, le nombre de membres (titulaires, "
            "suppléants, co-présidents) dont le mandat est en cours. Les chiffres sont dans le tableau "
            "qui suit."
        ),
        valeurs=[(c.libelle, float(c.ensemble)) for c in donnees.composition],
        message_vide=_("Aucun membre du Collège."),
    )


def tableau_composition(donnees: DonneesCollege) -> Tableau:
    return Tableau(
        identifiant="tableau-college-composition",
        legende=_("Composition du Collège par catégorie au %(jour)s")
        % {"jour": date_longue(donnees.jour_composition)},
        entetes=(
            Entete(_("Catégorie")),
            Entete(_("Titulaires"), numerique=True),
            Entete(_("Suppléants"), numerique=True),
            Entete(_("Ensemble"), numerique=True),
        ),
        lignes=tuple(
            Ligne(
                cellules=(
                    Cellule.libelle(c.libelle, entete=True),
                    Cellule.nombre(c.titulaires),
                    Cellule.nombre(c.suppleants),
                    Cellule.nombre(c.ensemble),
                )
            )
            for c in donnees.composition
        ),
        pied=(
            Ligne(
                cellules=(
                    Cellule.libelle(_("Ensemble du Collège"), entete=True),
                    Cellule.nombre(sum(c.titulaires for c in donnees.composition)),
                    Cellule.nombre(sum(c.suppleants for c in donnees.composition)),
                    Cellule.nombre(donnees.membres),
                )
            ),
        ),
        notes=(_("« Ensemble » compte aussi les co-présidents."),),
        message_vide=_("Aucun membre du Collège."),
    )


def graphique_participation(donnees: DonneesCollege) -> GraphiqueBarres:
    return graphique_barres(
        identifiant="graphique-college-participation",
        titre=_("Participation aux scrutins clos en %(annee)s") % {"annee": donnees.annee},
        description=_(
            "Barres horizontales : pour chaque scrutin clos dans l'année, la part des électeurs "
            "inscrits qui ont voté. Les chiffres sont dans le tableau qui suit."
        ),
        valeurs=[
            (s.titre, None if s.participation is None else s.participation * 100) for s in donnees.scrutins
        ],
        decimales=1,
        suffixe=POUR_CENT,
        message_vide=_("Aucun scrutin clos en %(annee)s.") % {"annee": donnees.annee},
    )


def tableau_scrutins(donnees: DonneesCollege) -> Tableau:
    return Tableau(
        identifiant="tableau-college-scrutins",
        legende=_("Scrutins clos en %(annee)s : participation et résultat") % {"annee": donnees.annee},
        entetes=(
            Entete(_("Scrutin")),
            Entete(_("Type")),
            Entete(_("Clos le")),
            Entete(_("Inscrits"), numerique=True),
            Entete(_("Votants"), numerique=True),
            Entete(_("Participation"), numerique=True),
            Entete(_("Résultat")),
        ),
        lignes=tuple(
            Ligne(
                cellules=(
                    Cellule.libelle(s.titre, entete=True),
                    Cellule.libelle(f"{s.type_texte}, {_('secret') if s.secret else _('nominatif')}"),
                    Cellule.libelle(date_longue(s.clos_le)),
                    Cellule.nombre(s.inscrits),
                    Cellule.nombre(s.votants),
                    Cellule.pourcentage(s.participation),
                    Cellule.libelle(s.resultat_texte),
                )
            )
            for s in donnees.scrutins
        ),
        notes=(
            _(
                "Inscrits : le corps électoral arrêté à l'ouverture du scrutin, sans les membres écartés "
                "pour un intérêt déclaré. Votants : les électeurs qui ont voté, eux-mêmes ou par procuration."
            ),
        ),
        message_vide=_("Aucun scrutin clos en %(annee)s.") % {"annee": donnees.annee},
    )


def chiffres_cles(donnees: DonneesCollege) -> list[ChiffreCle]:
    scrutins = len(donnees.scrutins)
    avis = len(donnees.avis)
    return [
        ChiffreCle(
            libelle=_("Membres du Collège"),
            valeur=nombre(donnees.membres),
            precision=_("au %(jour)s") % {"jour": date_longue(donnees.jour_composition)},
        ),
        ChiffreCle(libelle=_("Scrutins tenus"), valeur=nombre(scrutins)),
        ChiffreCle(
            libelle=_("Participation moyenne"),
            valeur=pourcentage(donnees.participation_moyenne),
            precision=_("moyenne des scrutins") if scrutins else "",
        ),
        ChiffreCle(
            libelle=_("Avis rendus"),
            valeur=nombre(donnees.avis_rendus),
            precision=(
                ngettext("sur %(n)s scrutin d'avis", "sur %(n)s scrutins d'avis", avis) % {"n": nombre(avis)}
                if avis
                else ""
            ),
        ),
    ]


def donnees_college(annee: int) -> ContenuSection:
    """La section « Le Collège des professionnels » du bilan de `annee` (quatre requêtes)."""
    donnees = lire(annee)
    return ContenuSection(
        contexte={
            "college": donnees,
            "graphique_composition": graphique_composition(donnees),
            "tableau_composition": tableau_composition(donnees),
            "graphique_participation": graphique_participation(donnees),
            "tableau_scrutins": tableau_scrutins(donnees),
        },
        chiffres_cles=chiffres_cles(donnees),
    )
