"""La section « Le Conseil de santé » du bilan annuel : séances, présences et quorum,
décisions, programme de travail, groupes de travail et livrables.

`donnees_conseil(annee)` lit la base en huit requêtes, quel que soit le nombre de séances,
de points, d'objectifs ou de livrables (agrégats de PostgreSQL), et rend des dataclasses
déjà calculées : le gabarit ne touche plus la base.

Une séance est « tenue » quand son statut est Tenue ou Close (close : tenue, présences
relevées et quorum figé) et qu'elle a commencé dans l'année (heure de Paris) ; planifiées,
convoquées et annulées ne comptent pas. Les séances plénières sont celles du Conseil et du
Collège ; les réunions des groupes de travail sont comptées avec leur groupe.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from conseil.models import (
    GroupeDeTravail,
    Livrable,
    NaturePoint,
    ObjectifProgramme,
    PointOrdreDuJour,
    ProcesVerbal,
    ProgrammeDeTravail,
    Reunion,
    StatutProcesVerbal,
    StatutProgramme,
    StatutReunion,
    TypeInstance,
)
from conseil.selectors import BaseProgression
from socle.bilan import ChiffreCle, ContenuSection, bornes_de_l_annee, jour_local
from socle.francais import POUR_CENT, TIRET_CADRATIN, date_longue, nombre, pourcentage
from socle.graphiques import Cellule, Entete, GraphiqueBarres, Ligne, Tableau, graphique_barres
from territoire.models import Axe

STATUTS_TENUE = (StatutReunion.TENUE, StatutReunion.CLOSE)
TYPES_PLENIERS = (TypeInstance.CONSEIL, TypeInstance.COLLEGE)
STATUTS_PV_ADOPTE = (StatutProcesVerbal.ADOPTE, StatutProcesVerbal.ARCHIVE)


def moyenne_arrondie(somme: int, effectif: int) -> int:
    """La moyenne arrondie au point le plus proche (0,5 vers le haut), comme la page du
    programme de travail ; 0 sans valeur."""
    if not effectif:
        return 0
    return int((Decimal(somme) / Decimal(effectif)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


# --- Les données de la section ------------------------------------------------------------


@dataclass(frozen=True)
class SeanceTenue:
    jour: date
    titre: str
    instance: str
    convoques: int
    presents: int
    representes: int
    close: bool  # quorum figé
    quorum_membres: int | None
    quorum_requis: int | None
    quorum_atteint: bool | None

    @property
    def taux_presence(self) -> float | None:
        """Présents sur convoqués (les représentés ne sont pas présents)."""
        return self.presents / self.convoques if self.convoques else None

    @property
    def quorum_texte(self) -> str:
        if self.quorum_atteint is None:
            return _("non figé")
        return _("oui") if self.quorum_atteint else _("non")


@dataclass(frozen=True)
class Decision:
    titre: str
    seance: str
    jour: date
    suite: str


@dataclass(frozen=True)
class ProcesVerbalAdopte:
    seance: str
    jour_seance: date
    adopte_en: str
    adopte_le: date


@dataclass(frozen=True)
class Programme:
    titre: str
    adopte: bool
    adopte_le: date | None
    adopte_en: str


@dataclass(frozen=True)
class Objectif:
    ordre: int
    intitule: str
    groupe: str
    avancement: int  # en %
    livres: int
    livrables: int
    base: BaseProgression


@dataclass(frozen=True)
class LivrableDuGroupe:
    titre: str
    echeance: date
    avancement: int
    livre_le: date | None


@dataclass(frozen=True)
class Groupe:
    nom: str
    axe: str
    copilotes: tuple[str, ...]
    reunions_tenues: int
    livrables: tuple[LivrableDuGroupe, ...]

    @property
    def livres(self) -> int:
        return sum(1 for livrable in self.livrables if livrable.livre_le is not None)


@dataclass(frozen=True)
class DonneesConseil:
    annee: int
    seances: tuple[SeanceTenue, ...]
    decisions: tuple[Decision, ...]
    proces_verbaux: tuple[ProcesVerbalAdopte, ...]
    programme: Programme | None
    objectifs: tuple[Objectif, ...]
    groupes: tuple[Groupe, ...]

    @property
    def avec_quorum(self) -> int:
        return sum(1 for seance in self.seances if seance.quorum_atteint)

    @property
    def taux_presence_moyen(self) -> float | None:
        """La moyenne des taux des séances (chaque séance pèse autant)."""
        taux = [s.taux_presence for s in self.seances if s.taux_presence is not None]
        return sum(taux) / len(taux) if taux else None

    @property
    def avancement_moyen(self) -> int | None:
        """La moyenne des avancements des objectifs du programme adopté."""
        if not self.objectifs:
            return None
        return moyenne_arrondie(sum(o.avancement for o in self.objectifs), len(self.objectifs))


def _seances(debut: datetime, fin: datetime) -> tuple[SeanceTenue, ...]:
    lignes = (
        Reunion.objects.filter(
            instance__type_instance__in=TYPES_PLENIERS,
            statut__in=STATUTS_TENUE,
            debut__gte=debut,
            debut__lt=fin,
        )
        .annotate(
            convoques=Count("participations"),
            presents=Count("participations", filter=Q(participations__presence="present")),
            representes=Count("participations", filter=Q(participations__presence="represente")),
        )
        .order_by("debut", "id")
        .values(
            "debut",
            "titre",
            "statut",
            "instance__nom",
            "convoques",
            "presents",
            "representes",
            "quorum_membres",
            "quorum_requis",
            "quorum_atteint",
        )
    )
    return tuple(
        SeanceTenue(
            jour=jour_local(ligne["debut"]),
            titre=ligne["titre"],
            instance=ligne["instance__nom"],
            convoques=ligne["convoques"],
            presents=ligne["presents"],
            representes=ligne["representes"],
            close=ligne["statut"] == StatutReunion.CLOSE,
            quorum_membres=ligne["quorum_membres"],
            quorum_requis=ligne["quorum_requis"],
            quorum_atteint=ligne["quorum_atteint"],
        )
        for ligne in lignes
    )


def _decisions(debut: datetime, fin: datetime) -> tuple[Decision, ...]:
    lignes = (
        PointOrdreDuJour.objects.filter(
            nature=NaturePoint.DECISION,
            reunion__instance__type_instance__in=TYPES_PLENIERS,
            reunion__statut__in=STATUTS_TENUE,
            reunion__debut__gte=debut,
            reunion__debut__lt=fin,
        )
        .order_by("reunion__debut", "reunion_id", "ordre")
        .values("titre", "resultat", "reunion__titre", "reunion__debut")
    )
    return tuple(
        Decision(
            titre=ligne["titre"],
            seance=ligne["reunion__titre"],
            jour=jour_local(ligne["reunion__debut"]),
            suite=ligne["resultat"],
        )
        for ligne in lignes
    )


def _proces_verbaux(debut: datetime, fin: datetime) -> tuple[ProcesVerbalAdopte, ...]:
    lignes = (
        ProcesVerbal.objects.filter(
            statut__in=STATUTS_PV_ADOPTE,
            reunion__instance__type_instance__in=TYPES_PLENIERS,
            adopte_le__gte=debut,
            adopte_le__lt=fin,
        )
        .order_by("adopte_le", "id")
        .values_list("reunion__titre", "reunion__debut", "adopte_en__titre", "adopte_le")
    )
    return tuple(
        ProcesVerbalAdopte(
            seance=seance,
            jour_seance=jour_local(debut_seance),
            adopte_en=adopte_en,
            adopte_le=jour_local(adopte_le),
        )
        for seance, debut_seance, adopte_en, adopte_le in lignes
        if adopte_le is not None  # toujours vrai (filtré sur la date), mais le type l'ignore
    )


def _programme(annee: int) -> Programme | None:
    ligne = (
        ProgrammeDeTravail.objects.filter(annee=annee)
        .values("titre", "statut", "adopte_le", "adopte_en__titre", "adopte_en__debut")
        .first()
    )
    if ligne is None:
        return None
    seance = ""
    if ligne["adopte_en__titre"]:
        seance = f"{ligne['adopte_en__titre']}, {date_longue(jour_local(ligne['adopte_en__debut']))}"
    return Programme(
        titre=ligne["titre"] or _("Programme de travail %(annee)s") % {"annee": annee},
        adopte=ligne["statut"] == StatutProgramme.ADOPTE,
        adopte_le=jour_local(ligne["adopte_le"]) if ligne["adopte_le"] else None,
        adopte_en=seance,
    )


def _objectifs(annee: int) -> tuple[Objectif, ...]:
    """Les objectifs du programme adopté de l'année. L'avancement suit la règle de la page du
    programme (conseil.selectors.progression_des_objectifs) : la moyenne des livrables
    rattachés à l'objectif, à défaut celle des livrables de son groupe à échéance dans
    l'année, sinon 0. Deux requêtes."""
    du_programme = ObjectifProgramme.objects.filter(
        programme__annee=annee, programme__statut=StatutProgramme.ADOPTE
    )
    lignes = (
        du_programme.annotate(
            nb=Count("livrables"),
            somme=Sum("livrables__avancement"),
            nb_livres=Count("livrables", filter=Q(livrables__livre_le__isnull=False)),
        )
        .order_by("ordre", "id")
        .values("ordre", "intitule", "groupe_id", "groupe__instance__nom", "nb", "somme", "nb_livres")
    )
    par_groupe = {
        ligne["groupe_id"]: ligne
        for ligne in Livrable.objects.filter(
            groupe_id__in=du_programme.values("groupe_id"), echeance__year=annee
        )
        .order_by()
        .values("groupe_id")
        .annotate(
            nb=Count("id"), somme=Sum("avancement"), nb_livres=Count("id", filter=Q(livre_le__isnull=False))
        )
    }
    objectifs = []
    agregat: Mapping[str, Any]
    for ligne in lignes:
        if ligne["nb"]:
            base, agregat = BaseProgression.OBJECTIF, ligne
        elif ligne["groupe_id"] in par_groupe:
            base, agregat = BaseProgression.GROUPE, par_groupe[ligne["groupe_id"]]
        else:
            base, agregat = BaseProgression.AUCUN, {"nb": 0, "somme": 0, "nb_livres": 0}
        objectifs.append(
            Objectif(
                ordre=ligne["ordre"],
                intitule=ligne["intitule"],
                groupe=ligne["groupe__instance__nom"],
                avancement=moyenne_arrondie(agregat["somme"] or 0, agregat["nb"]),
                livres=agregat["nb_livres"],
                livrables=agregat["nb"],
                base=base,
            )
        )
    return tuple(objectifs)


def _groupes(annee: int, debut: datetime, fin: datetime) -> tuple[Groupe, ...]:
    """Les groupes actifs, et ceux qui ne le sont plus mais ont travaillé dans l'année
    (réunion tenue, livrable à échéance ou livré). Deux requêtes."""
    livrables: dict[int, list[LivrableDuGroupe]] = {}
    for ligne in (
        Livrable.objects.filter(Q(echeance__year=annee) | Q(livre_le__year=annee))
        .order_by("groupe_id", "echeance", "id")
        .values("groupe_id", "titre", "echeance", "avancement", "livre_le")
    ):
        livrables.setdefault(ligne["groupe_id"], []).append(
            LivrableDuGroupe(
                titre=ligne["titre"],
                echeance=ligne["echeance"],
                avancement=ligne["avancement"],
                livre_le=ligne["livre_le"],
            )
        )
    groupes = (
        GroupeDeTravail.objects.select_related("instance", "copilote_agglomeration", "copilote_professionnel")
        .annotate(
            reunions_tenues=Count(
                "instance__reunions",
                filter=Q(
                    instance__reunions__statut__in=STATUTS_TENUE,
                    instance__reunions__debut__gte=debut,
                    instance__reunions__debut__lt=fin,
                ),
            )
        )
        .order_by("axe", "instance__nom")
    )
    resultat = []
    for groupe in groupes:
        siens = livrables.get(groupe.pk, [])
        if not (groupe.instance.active or groupe.reunions_tenues or siens):
            continue
        resultat.append(
            Groupe(
                nom=groupe.instance.nom,
                axe=str(Axe(groupe.axe).label),
                copilotes=tuple(
                    str(personne)
                    for personne in (groupe.copilote_agglomeration, groupe.copilote_professionnel)
                    if personne is not None
                ),
                reunions_tenues=groupe.reunions_tenues,
                livrables=tuple(siens),
            )
        )
    return tuple(resultat)


def lire(annee: int) -> DonneesConseil:
    """Les chiffres de l'année : huit requêtes, toujours (aucune ne dépend d'une autre)."""
    debut, fin = bornes_de_l_annee(annee)
    return DonneesConseil(
        annee=annee,
        seances=_seances(debut, fin),
        decisions=_decisions(debut, fin),
        proces_verbaux=_proces_verbaux(debut, fin),
        programme=_programme(annee),
        objectifs=_objectifs(annee),
        groupes=_groupes(annee, debut, fin),
    )


# --- Graphiques et tableaux -------------------------------------------------------------------


def graphique_presence(donnees: DonneesConseil) -> GraphiqueBarres:
    return graphique_barres(
        identifiant="graphique-conseil-presence",
        titre=_("Taux de présence par séance plénière, %(annee)s") % {"annee": donnees.annee},
        description=_(
            "Barres horizontales : pour chaque séance tenue, la part des membres convoqués qui "
            "étaient présents. Les chiffres sont dans le tableau qui suit."
        ),
        valeurs=[
            (
                f"{date_longue(seance.jour)} · {seance.instance}",
                None if seance.taux_presence is None else seance.taux_presence * 100,
            )
            for seance in donnees.seances
        ],
        decimales=1,
        suffixe=POUR_CENT,
        message_vide=_("Aucune séance tenue en %(annee)s.") % {"annee": donnees.annee},
    )


def tableau_presence(donnees: DonneesConseil) -> Tableau:
    def quorum_requis(seance: SeanceTenue) -> Cellule:
        if seance.quorum_requis is None:
            return Cellule.libelle(TIRET_CADRATIN)
        return Cellule(
            texte=_("%(requis)s sur %(membres)s")
            % {"requis": nombre(seance.quorum_requis), "membres": nombre(seance.quorum_membres or 0)},
            csv=str(seance.quorum_requis),
            numerique=True,
        )

    return Tableau(
        identifiant="tableau-conseil-presence",
        legende=_("Présences et quorum des séances plénières tenues en %(annee)s") % {"annee": donnees.annee},
        entetes=(
            Entete(_("Séance")),
            Entete(_("Instance")),
            Entete(_("Convoqués"), numerique=True),
            Entete(_("Présents"), numerique=True),
            Entete(_("Représentés"), numerique=True),
            Entete(_("Taux de présence"), numerique=True),
            Entete(_("Quorum requis"), numerique=True),
            Entete(_("Quorum atteint")),
        ),
        lignes=tuple(
            Ligne(
                cellules=(
                    Cellule.libelle(f"{date_longue(seance.jour)} — {seance.titre}", entete=True),
                    Cellule.libelle(seance.instance),
                    Cellule.nombre(seance.convoques),
                    Cellule.nombre(seance.presents),
                    Cellule.nombre(seance.representes),
                    Cellule.pourcentage(seance.taux_presence),
                    quorum_requis(seance),
                    Cellule.libelle(seance.quorum_texte),
                )
            )
            for seance in donnees.seances
        ),
        notes=(
            _(
                "Taux de présence : membres présents sur membres convoqués ; un membre représenté "
                "par procuration n'est pas compté présent. Quorum : sièges à voix délibérative "
                "présents ou représentés requis sur le nombre de ces sièges, figé à la clôture de "
                "la séance (« non figé » : séance tenue mais pas encore close)."
            ),
        ),
        message_vide=_("Aucune séance tenue en %(annee)s.") % {"annee": donnees.annee},
    )


def graphique_programme(donnees: DonneesConseil) -> GraphiqueBarres:
    return graphique_barres(
        identifiant="graphique-conseil-programme",
        titre=_("Avancement des objectifs du programme de travail %(annee)s") % {"annee": donnees.annee},
        description=_(
            "Barres horizontales : pour chaque objectif du programme, son avancement en pour cent. "
            "Les chiffres sont dans le tableau qui suit."
        ),
        valeurs=[(f"{o.ordre}. {o.intitule}", float(o.avancement)) for o in donnees.objectifs],
        suffixe=POUR_CENT,
        message_vide=_("Le programme ne compte aucun objectif."),
    )


def tableau_programme(donnees: DonneesConseil) -> Tableau:
    return Tableau(
        identifiant="tableau-conseil-programme",
        legende=_("Avancement des objectifs du programme de travail %(annee)s") % {"annee": donnees.annee},
        entetes=(
            Entete(_("Objectif")),
            Entete(_("Groupe de travail")),
            Entete(_("Avancement"), numerique=True),
            Entete(_("Livrables livrés"), numerique=True),
            Entete(_("Base du calcul")),
        ),
        lignes=tuple(
            Ligne(
                cellules=(
                    Cellule.libelle(f"{o.ordre}. {o.intitule}", entete=True),
                    Cellule.libelle(o.groupe),
                    Cellule.pourcentage(o.avancement / 100, 0),
                    Cellule(
                        texte=_("%(livres)s sur %(total)s")
                        % {"livres": nombre(o.livres), "total": nombre(o.livrables)},
                        csv=str(o.livres),
                        numerique=True,
                    ),
                    Cellule.libelle(str(o.base.label)),
                )
            )
            for o in donnees.objectifs
        ),
        notes=(
            _(
                "L'avancement d'un objectif est la moyenne de celui des livrables qui lui sont "
                "rattachés ; à défaut, celle des livrables de son groupe de travail à échéance "
                "dans l'année."
            ),
        ),
        message_vide=_("Le programme ne compte aucun objectif."),
    )


def chiffres_cles(donnees: DonneesConseil) -> list[ChiffreCle]:
    seances = len(donnees.seances)
    avancement = donnees.avancement_moyen
    return [
        ChiffreCle(
            libelle=_("Séances plénières tenues"),
            valeur=nombre(seances),
            precision=_("dont %(n)s avec quorum atteint") % {"n": nombre(donnees.avec_quorum)}
            if seances
            else "",
        ),
        ChiffreCle(
            libelle=_("Taux de présence moyen"),
            valeur=pourcentage(donnees.taux_presence_moyen),
            precision=_("moyenne des séances tenues") if seances else "",
        ),
        ChiffreCle(libelle=_("Décisions"), valeur=nombre(len(donnees.decisions))),
        ChiffreCle(
            libelle=_("Avancement moyen du programme"),
            valeur=pourcentage(None if avancement is None else avancement / 100, 0),
            precision=(
                _("%(n)s objectifs") % {"n": nombre(len(donnees.objectifs))}
                if donnees.objectifs
                else _("aucun programme adopté")
                if donnees.programme is None or not donnees.programme.adopte
                else _("aucun objectif")
            ),
        ),
    ]


def donnees_conseil(annee: int) -> ContenuSection:
    """La section « Le Conseil de santé » du bilan de `annee` (huit requêtes)."""
    donnees = lire(annee)
    return ContenuSection(
        contexte={
            "conseil": donnees,
            "graphique_presence": graphique_presence(donnees),
            "tableau_presence": tableau_presence(donnees),
            "graphique_programme": graphique_programme(donnees),
            "tableau_programme": tableau_programme(donnees),
        },
        chiffres_cles=chiffres_cles(donnees),
    )
