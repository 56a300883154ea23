"""La section « Les demandes de financement » du bilan annuel : demandes reçues, décidées,
payées ; montants demandés, accordés et versés par type, par pôle et par financeur ; délai
du dépôt à la décision.

`donnees_financements(annee)` lit la base en sept requêtes, quel que soit le nombre de
demandes, de lignes du plan de financement ou de tranches (agrégats de PostgreSQL), et rend
des dataclasses déjà calculées : le gabarit ne touche plus la base. Les montants restent des
`Decimal` jusqu'à leur mise en forme (`euros`) ; seuls les graphiques, qui veulent des
nombres, les reçoivent en flottants, au dernier moment.

Choix de lecture (les brouillons ne comptent jamais) :
- une demande est « reçue » l'année de son dépôt, « décidée » l'année de sa décision
  (accordée, refusée ou classée sans suite ; une demande accordée puis conventionnée, payée
  ou soldée reste une demande accordée), « retirée » l'année où le journal d'audit a
  enregistré son retrait, « payée » si au moins une tranche a été versée dans l'année,
  « soldée » l'année de son solde ; les jours sont ceux de Paris ;
- le montant demandé est celui demandé à l'agglomération dans le plan de financement des
  demandes reçues ; le montant accordé, celui des décisions de l'année ; le montant versé,
  celui des tranches versées dans l'année ;
- les autres financeurs : le montant sollicité dans les demandes reçues, et ce qu'ils ont
  engagé (accordé ou versé) par une décision datée de l'année ; le portail ne connaît pas la
  date de leurs versements ;
- la situation au 31 décembre est l'état de chaque demande déposée ce jour-là, relu dans le
  journal d'audit (dernière transition avant le 1er janvier suivant) ; sans trace dans le
  journal (données reprises), l'état actuel.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    Avg,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from financements.models import (
    STATUTS_FINANCES,
    DemandeFinancement,
    Financeur,
    LigneFinancement,
    StatutDemande,
    StatutEngagement,
    StatutTranche,
    Tranche,
    TypeDemande,
)
from financements.selectors import avec_montants
from socle.bilan import ChiffreCle, ContenuSection, bornes_de_l_annee
from socle.francais import ESPACE_INSECABLE, date_longue, euros, jours, nombre
from socle.graphiques import Cellule, Entete, GraphiqueBarres, Ligne, Tableau, graphique_barres
from socle.models import Evenement
from territoire.models import PoleDeProximite

ZERO = Decimal("0.00")
SUFFIXE_EUROS = f"{ESPACE_INSECABLE}€"
ENGAGEMENTS = (StatutEngagement.ACCORDE, StatutEngagement.VERSE)
# L'ordre des états dans le tableau de la situation : celui du workflow.
ORDRE_DES_ETATS = tuple(statut for statut in StatutDemande if statut != StatutDemande.BROUILLON)


class Mediane(Aggregate):
    """La médiane (interpolée) de PostgreSQL : percentile_cont(0.5)."""

    function = "PERCENTILE_CONT"
    name = "Mediane"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    output_field = FloatField()


def _jours_entre(debut: str, fin: str) -> Func:
    """Le nombre de jours du calendrier (heure de Paris) entre deux horodatages."""
    fuseau = timezone.get_default_timezone()
    return Func(
        TruncDate(fin, tzinfo=fuseau),
        TruncDate(debut, tzinfo=fuseau),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )


def _evenements_de_la_demande() -> Any:
    """Les lignes du journal d'audit de la demande courante (OuterRef)."""
    return Evenement.objects.filter(
        cible_type__app_label="financements",
        cible_type__model="demandefinancement",
        cible_id=Cast(OuterRef("pk"), CharField()),
    )


# --- Les données de la section ------------------------------------------------------------


@dataclass(frozen=True)
class LigneMontants:
    """Une ligne des tableaux par type de demande ou par pôle de proximité."""

    libelle: str
    recues: int
    demande: Decimal  # à l'agglomération, dans les demandes reçues
    accordees: int
    accorde: Decimal  # par les décisions de l'année
    payees: int
    verse: Decimal  # tranches versées dans l'année

    @property
    def vide(self) -> bool:
        return not (self.recues or self.accordees or self.payees)


@dataclass(frozen=True)
class LigneFinanceur:
    financeur: str
    libelle: str
    sollicitations: int  # demandes reçues dans l'année qui le sollicitent
    sollicite: Decimal
    accorde: Decimal
    verse: Decimal


@dataclass(frozen=True)
class Etat:
    statut: str
    libelle: str
    demandes: int


@dataclass(frozen=True)
class Delai:
    """Du dépôt à la décision, en jours, pour les demandes décidées dans l'année."""

    decisions: int
    mediane: float | None
    moyenne: float | None
    minimum: int | None
    maximum: int | None


@dataclass(frozen=True)
class DonneesFinancements:
    annee: int
    arrete_au: date  # la date de la situation : le 31 décembre, ou aujourd'hui pour l'année en cours
    recues: int
    decidees: int
    accordees: int
    refusees: int
    classees: int
    retirees: int
    conventionnees: int
    payees: int
    soldees: int
    par_type: tuple[LigneMontants, ...]
    par_pole: tuple[LigneMontants, ...]
    par_financeur: tuple[LigneFinanceur, ...]
    situation: tuple[Etat, ...]
    delai: Delai
    demo: bool

    @property
    def montant_demande(self) -> Decimal:
        return sum((ligne.demande for ligne in self.par_type), ZERO)

    @property
    def montant_accorde(self) -> Decimal:
        return sum((ligne.accorde for ligne in self.par_type), ZERO)

    @property
    def montant_verse(self) -> Decimal:
        return sum((ligne.verse for ligne in self.par_type), ZERO)

    @property
    def decisions_texte(self) -> str:
        """« 2 accordées, 1 refusée, 0 classée sans suite »."""
        return ", ".join(
            (
                ngettext("%(n)s accordée", "%(n)s accordées", self.accordees) % {"n": nombre(self.accordees)},
                ngettext("%(n)s refusée", "%(n)s refusées", self.refusees) % {"n": nombre(self.refusees)},
                ngettext("%(n)s classée sans suite", "%(n)s classées sans suite", self.classees)
                % {"n": nombre(self.classees)},
            )
        )

    @property
    def en_cours(self) -> int:
        """Demandes déposées et pas encore closes à la date de la situation."""
        clos = {StatutDemande.REFUSEE, StatutDemande.CLASSEE, StatutDemande.RETIREE, StatutDemande.SOLDEE}
        return sum(etat.demandes for etat in self.situation if etat.statut not in clos)

    @property
    def vide(self) -> bool:
        return not (self.recues or self.decidees or self.retirees or self.conventionnees or self.payees)


def _lignes_montants(
    cles: Iterable[tuple[Any, str]],
    recues: Mapping[Any, dict[str, Any]],
    accordees: Mapping[Any, dict[str, Any]],
    versees: Mapping[Any, dict[str, Any]],
    *,
    garder_vides: bool = True,
) -> tuple[LigneMontants, ...]:
    lignes = []
    for cle, libelle in cles:
        recu, accorde, verse = recues.get(cle, {}), accordees.get(cle, {}), versees.get(cle, {})
        ligne = LigneMontants(
            libelle=libelle,
            recues=recu.get("demandes", 0),
            demande=recu.get("montant", ZERO),
            accordees=accorde.get("demandes", 0),
            accorde=accorde.get("montant", ZERO),
            payees=verse.get("demandes", 0),
            verse=verse.get("montant", ZERO),
        )
        if garder_vides or not ligne.vide:
            lignes.append(ligne)
    return tuple(lignes)


def _par(rangs: Iterable[Mapping[str, Any]], champ: str) -> dict[Any, dict[str, Any]]:
    """Additionne des rangs (type, pôle) → {demandes, montant} selon un de leurs champs."""
    totaux: dict[Any, dict[str, Any]] = defaultdict(lambda: {"demandes": 0, "montant": ZERO})
    for rang in rangs:
        total = totaux[rang[champ]]
        total["demandes"] += rang["demandes"]
        total["montant"] += rang["montant"] or ZERO
    return totaux


def lire_financements(annee: int) -> DonneesFinancements:
    """Les chiffres de l'année, en sept requêtes."""
    debut, fin = bornes_de_l_annee(annee)
    premier_jour, lendemain = date(annee, 1, 1), date(annee + 1, 1, 1)
    demandes = DemandeFinancement.objects.exclude(statut=StatutDemande.BROUILLON)
    deposee = Q(deposee_le__gte=debut, deposee_le__lt=fin)
    decidee = Q(decidee_le__gte=debut, decidee_le__lt=fin)
    accordee = decidee & Q(statut__in=STATUTS_FINANCES)
    retrait = _evenements_de_la_demande().filter(
        etat_apres=StatutDemande.RETIREE, cree_le__gte=debut, cree_le__lt=fin
    )
    delai = _jours_entre("deposee_le", "decidee_le")

    # 1. Les comptes de l'année et le délai de décision.
    comptes = demandes.aggregate(
        recues=Count("pk", filter=deposee),
        decidees=Count("pk", filter=decidee),
        accordees=Count("pk", filter=accordee),
        refusees=Count("pk", filter=decidee & Q(statut=StatutDemande.REFUSEE)),
        classees=Count("pk", filter=decidee & Q(statut=StatutDemande.CLASSEE)),
        retirees=Count("pk", filter=Q(statut=StatutDemande.RETIREE) & Q(Exists(retrait))),
        conventionnees=Count(
            "pk", filter=Q(conventionnee_le__gte=premier_jour, conventionnee_le__lt=lendemain)
        ),
        soldees=Count("pk", filter=Q(soldee_le__gte=debut, soldee_le__lt=fin)),
        demo=Count(
            "pk", filter=Q(demo=True) & (deposee | decidee | Q(soldee_le__gte=debut, soldee_le__lt=fin))
        ),
        delai_mediane=Mediane(delai, filter=decidee),
        delai_moyenne=Avg(delai, filter=decidee),
        delai_min=Min(delai, filter=decidee),
        delai_max=Max(delai, filter=decidee),
    )

    # 2. La situation au 31 décembre : le dernier état inscrit au journal avant le 1er janvier.
    etat_au_31 = Subquery(
        _evenements_de_la_demande()
        .filter(cree_le__lt=fin)
        .exclude(etat_apres="")
        .order_by("-cree_le", "-pk")
        .values("etat_apres")[:1]
    )
    situation = {
        rang["etat"]: rang["demandes"]
        for rang in demandes.filter(deposee_le__lt=fin)
        .annotate(etat=Coalesce(etat_au_31, F("statut")))
        .values("etat")
        .annotate(demandes=Count("pk"))
        .order_by()
    }

    # 3, 4, 5. Demandé, accordé, versé, par type et par pôle.
    groupes = ("type_demande", "commune__pole_id")
    recues = list(
        avec_montants(demandes.filter(deposee))
        .values(*groupes)
        .annotate(demandes=Count("pk"), montant=Sum("montant_demande"))
        .order_by()
    )
    accordees = list(
        demandes.filter(accordee)
        .values(*groupes)
        .annotate(demandes=Count("pk"), montant=Sum("montant_accorde"))
        .order_by()
    )
    versees = [
        {"type_demande": rang["demande__type_demande"], "commune__pole_id": rang["demande__commune__pole_id"]}
        | rang
        for rang in Tranche.objects.exclude(demande__statut=StatutDemande.BROUILLON)
        .filter(statut=StatutTranche.VERSEE, versee_le__gte=premier_jour, versee_le__lt=lendemain)
        .values("demande__type_demande", "demande__commune__pole_id")
        .annotate(demandes=Count("demande", distinct=True), montant=Sum("montant"))
        .order_by()
    ]

    # 6. Chaque financeur : sollicité dans les demandes reçues, engagé par une décision de l'année.
    engage = Q(decide_le__gte=premier_jour, decide_le__lt=lendemain, statut_engagement__in=ENGAGEMENTS)
    sollicite = Q(demande__deposee_le__gte=debut, demande__deposee_le__lt=fin)
    financeurs: dict[str, Mapping[str, Any]] = {
        rang["financeur"]: rang
        for rang in LigneFinancement.objects.exclude(demande__statut=StatutDemande.BROUILLON)
        .filter(sollicite | engage)
        .values("financeur")
        .annotate(
            sollicitations=Count("pk", filter=sollicite & Q(montant__gt=0)),
            sollicite=Sum("montant", filter=sollicite),
            accorde=Sum("montant_decide", filter=engage),
            verse=Sum("montant_decide", filter=engage & Q(statut_engagement=StatutEngagement.VERSE)),
        )
        .order_by()
    }

    # 7. Les pôles, dans leur ordre d'affichage.
    poles: list[tuple[Any, str]] = list(
        PoleDeProximite.objects.order_by("ordre", "nom").values_list("pk", "nom")
    )

    par_poles = [_par(rangs, "commune__pole_id") for rangs in (recues, accordees, versees)]
    # Toujours chaque pôle (à zéro s'il le faut) ; « Sans pôle » seulement s'il a des chiffres.
    par_pole = _lignes_montants(poles, *par_poles) + _lignes_montants(
        [(None, _("Sans pôle"))], *par_poles, garder_vides=False
    )
    par_type = _lignes_montants(
        [(choix.value, str(choix.label)) for choix in TypeDemande],
        _par(recues, "type_demande"),
        _par(accordees, "type_demande"),
        _par(versees, "type_demande"),
    )

    total_accorde = sum((ligne.accorde for ligne in par_type), ZERO)
    total_verse = sum((ligne.verse for ligne in par_type), ZERO)
    lignes_financeurs = []
    for choix in Financeur:
        rang: Mapping[str, Any] = financeurs.get(choix.value, {})
        agglomeration = choix == Financeur.AGGLOMERATION
        lignes_financeurs.append(
            LigneFinanceur(
                financeur=choix.value,
                libelle=str(choix.label),
                sollicitations=rang.get("sollicitations", 0),
                sollicite=rang.get("sollicite") or ZERO,
                # L'agglomération : ses décisions et ses tranches, qui font foi.
                accorde=total_accorde if agglomeration else rang.get("accorde") or ZERO,
                verse=total_verse if agglomeration else rang.get("verse") or ZERO,
            )
        )

    aujourd_hui = timezone.localdate()
    return DonneesFinancements(
        annee=annee,
        arrete_au=min(lendemain - timedelta(days=1), aujourd_hui),
        recues=comptes["recues"],
        decidees=comptes["decidees"],
        accordees=comptes["accordees"],
        refusees=comptes["refusees"],
        classees=comptes["classees"],
        retirees=comptes["retirees"],
        conventionnees=comptes["conventionnees"],
        payees=sum(ligne.payees for ligne in par_type),
        soldees=comptes["soldees"],
        par_type=par_type,
        par_pole=par_pole,
        par_financeur=tuple(lignes_financeurs),
        situation=tuple(
            Etat(statut=statut.value, libelle=str(statut.label), demandes=situation[statut.value])
            for statut in ORDRE_DES_ETATS
            if situation.get(statut.value)
        ),
        delai=Delai(
            decisions=comptes["decidees"],
            mediane=comptes["delai_mediane"],
            moyenne=comptes["delai_moyenne"],
            minimum=comptes["delai_min"],
            maximum=comptes["delai_max"],
        ),
        demo=bool(comptes["demo"]),
    )


# --- Tableaux et graphiques ---------------------------------------------------------------


def _entetes_montants(premiere: str) -> tuple[Entete, ...]:
    return (
        Entete(premiere),
        Entete(_("Demandes reçues"), numerique=True),
        Entete(_("Montant demandé"), numerique=True),
        Entete(_("Demandes accordées"), numerique=True),
        Entete(_("Montant accordé"), numerique=True),
        Entete(_("Demandes payées"), numerique=True),
        Entete(_("Montant versé"), numerique=True),
    )


def _ligne_montants(ligne: LigneMontants, entete: bool = True) -> Ligne:
    return Ligne(
        cellules=(
            Cellule.libelle(ligne.libelle, entete=entete),
            Cellule.nombre(ligne.recues),
            Cellule.euros(ligne.demande),
            Cellule.nombre(ligne.accordees),
            Cellule.euros(ligne.accorde),
            Cellule.nombre(ligne.payees),
            Cellule.euros(ligne.verse),
        )
    )


def _total(lignes: tuple[LigneMontants, ...]) -> LigneMontants:
    return LigneMontants(
        libelle=_("Ensemble"),
        recues=sum(ligne.recues for ligne in lignes),
        demande=sum((ligne.demande for ligne in lignes), ZERO),
        accordees=sum(ligne.accordees for ligne in lignes),
        accorde=sum((ligne.accorde for ligne in lignes), ZERO),
        payees=sum(ligne.payees for ligne in lignes),
        verse=sum((ligne.verse for ligne in lignes), ZERO),
    )


def _note_montants() -> str:
    return _(
        "Montant demandé : l'aide demandée à l'agglomération par les demandes déposées dans l'année ; "
        "montant accordé : les décisions de l'année ; montant versé : les tranches versées dans l'année, "
        "quelle que soit l'année de la décision."
    )


def tableau_par_type(donnees: DonneesFinancements) -> Tableau:
    return Tableau(
        identifiant="financements-tableau-type",
        legende=_("Demandes et montants de l'agglomération en %(annee)s, par type de demande")
        % {"annee": donnees.annee},
        entetes=_entetes_montants(_("Type de demande")),
        lignes=tuple(_ligne_montants(ligne) for ligne in donnees.par_type),
        pied=(_ligne_montants(_total(donnees.par_type)),),
        notes=(_note_montants(),),
    )


def tableau_par_pole(donnees: DonneesFinancements) -> Tableau:
    return Tableau(
        identifiant="financements-tableau-pole",
        legende=_("Demandes et montants de l'agglomération en %(annee)s, par pôle de proximité")
        % {"annee": donnees.annee},
        entetes=_entetes_montants(_("Pôle de proximité")),
        lignes=tuple(_ligne_montants(ligne) for ligne in donnees.par_pole),
        pied=(_ligne_montants(_total(donnees.par_pole)),),
        notes=(
            _("Le pôle est celui de la commune où le projet s'implante."),
            _note_montants(),
        ),
        message_vide=_("Aucun pôle de proximité n'est enregistré."),
    )


def graphique_par_pole(donnees: DonneesFinancements) -> GraphiqueBarres:
    return graphique_barres(
        identifiant="financements-graphique-pole",
        titre=_("Aides accordées par l'agglomération en %(annee)s, par pôle de proximité")
        % {"annee": donnees.annee},
        description=_(
            "Barres horizontales : pour chaque pôle de proximité, le montant des aides accordées "
            "par l'agglomération en %(annee)s, en euros ; au total %(total)s. "
            "Les chiffres sont dans le tableau qui suit."
        )
        % {"annee": donnees.annee, "total": euros(donnees.montant_accorde)},
        # Les graphiques veulent des nombres : la conversion se fait ici, au dernier moment.
        # Aucune aide : pas de barres à zéro, le message « aucune aide accordée ».
        valeurs=[(ligne.libelle, float(ligne.accorde)) for ligne in donnees.par_pole]
        if donnees.montant_accorde
        else [],
        suffixe=SUFFIXE_EUROS,
        message_vide=_("Aucune aide accordée en %(annee)s.") % {"annee": donnees.annee},
    )


def tableau_par_financeur(donnees: DonneesFinancements) -> Tableau:
    lignes = donnees.par_financeur
    return Tableau(
        identifiant="financements-tableau-financeur",
        legende=_("Plans de financement en %(annee)s : ce que chaque financeur a été sollicité et a engagé")
        % {"annee": donnees.annee},
        entetes=(
            Entete(_("Financeur")),
            Entete(_("Demandes qui le sollicitent"), numerique=True),
            Entete(_("Montant sollicité"), numerique=True),
            Entete(_("Montant accordé"), numerique=True),
            Entete(_("Montant versé"), numerique=True),
        ),
        lignes=tuple(
            Ligne(
                cellules=(
                    Cellule.libelle(ligne.libelle, entete=True),
                    Cellule.nombre(ligne.sollicitations),
                    Cellule.euros(ligne.sollicite),
                    Cellule.euros(ligne.accorde),
                    Cellule.euros(ligne.verse),
                ),
                mise_en_avant=ligne.financeur == Financeur.AGGLOMERATION,
            )
            for ligne in lignes
        ),
        pied=(
            Ligne(
                cellules=(
                    Cellule.libelle(_("Tous financeurs"), entete=True),
                    Cellule.libelle(""),
                    Cellule.euros(sum((ligne.sollicite for ligne in lignes), ZERO)),
                    Cellule.euros(sum((ligne.accorde for ligne in lignes), ZERO)),
                    Cellule.euros(sum((ligne.verse for ligne in lignes), ZERO)),
                )
            ),
        ),
        notes=(
            _("Montant sollicité : le plan de financement des demandes déposées dans l'année."),
            _(
                "Agglomération : les aides accordées par les décisions de l'année et les tranches "
                "versées dans l'année."
            ),
            _(
                "Autres financeurs : leurs engagements (accordés ou versés) décidés dans l'année, "
                "tels que l'agglomération les a enregistrés ; « versé » compte ceux qu'elle sait "
                "versés, le portail ne connaissant pas la date de leurs versements."
            ),
        ),
    )


def _libelle_court(ligne: LigneFinanceur) -> str:
    """Le nom de l'agglomération, trop long pour la marge du graphique (le tableau le donne entier)."""
    return _("Agglomération du Cotentin") if ligne.financeur == Financeur.AGGLOMERATION else ligne.libelle


def graphique_par_financeur(donnees: DonneesFinancements) -> GraphiqueBarres:
    total = sum((ligne.accorde for ligne in donnees.par_financeur), ZERO)
    return graphique_barres(
        identifiant="financements-graphique-financeur",
        titre=_("Montants accordés en %(annee)s, par financeur") % {"annee": donnees.annee},
        description=_(
            "Barres horizontales : pour chaque financeur, le montant accordé par ses décisions de "
            "%(annee)s, en euros ; au total %(total)s. Les chiffres sont dans le tableau qui suit."
        )
        % {"annee": donnees.annee, "total": euros(total)},
        valeurs=[(_libelle_court(ligne), float(ligne.accorde)) for ligne in donnees.par_financeur]
        if total
        else [],
        suffixe=SUFFIXE_EUROS,
        message_vide=_("Aucun montant accordé en %(annee)s.") % {"annee": donnees.annee},
    )


def tableau_situation(donnees: DonneesFinancements) -> Tableau:
    return Tableau(
        identifiant="financements-tableau-situation",
        legende=_("État des demandes déposées, au %(jour)s") % {"jour": date_longue(donnees.arrete_au)},
        entetes=(Entete(_("État")), Entete(_("Demandes"), numerique=True)),
        lignes=tuple(
            Ligne(cellules=(Cellule.libelle(etat.libelle, entete=True), Cellule.nombre(etat.demandes)))
            for etat in donnees.situation
        ),
        pied=(
            Ligne(
                cellules=(
                    Cellule.libelle(_("Ensemble"), entete=True),
                    Cellule.nombre(sum(etat.demandes for etat in donnees.situation)),
                )
            ),
        ),
        notes=(_("Toutes les demandes déposées depuis l'ouverture du portail, brouillons exclus."),),
        message_vide=_("Aucune demande déposée au %(jour)s.") % {"jour": date_longue(donnees.arrete_au)},
    )


def chiffres_cles(donnees: DonneesFinancements) -> list[ChiffreCle]:
    return [
        ChiffreCle(
            _("Demandes de financement reçues"),
            nombre(donnees.recues),
            ngettext("%(n)s décidée dans l'année", "%(n)s décidées dans l'année", donnees.decidees)
            % {"n": nombre(donnees.decidees)},
        ),
        ChiffreCle(
            _("Aides accordées par l'agglomération"),
            euros(donnees.montant_accorde),
            ngettext("%(n)s demande accordée", "%(n)s demandes accordées", donnees.accordees)
            % {"n": nombre(donnees.accordees)},
        ),
        ChiffreCle(
            _("Montants versés"),
            euros(donnees.montant_verse),
            ngettext("à %(n)s demande", "à %(n)s demandes", donnees.payees) % {"n": nombre(donnees.payees)},
        ),
        ChiffreCle(
            _("Délai médian de décision"),
            jours(donnees.delai.mediane),
            _("du dépôt à la décision"),
        ),
    ]


def donnees_financements(annee: int) -> ContenuSection:
    """La section du bilan : ses chiffres, ses tableaux et graphiques, ses chiffres clés."""
    donnees = lire_financements(annee)
    return ContenuSection(
        contexte={
            "financements": donnees,
            "tableau_type": tableau_par_type(donnees),
            "graphique_pole": graphique_par_pole(donnees),
            "tableau_pole": tableau_par_pole(donnees),
            "graphique_financeur": graphique_par_financeur(donnees),
            "tableau_financeur": tableau_par_financeur(donnees),
            "tableau_situation": tableau_situation(donnees),
        },
        chiffres_cles=chiffres_cles(donnees),
    )
