"""Les chiffres du tableau de bord de l'agglomération (recrutement/views/agglomeration.py) : des
nombres agrégés, jamais un candidat. Les candidatures anonymisées comptent (les statistiques
survivent à l'effacement des personnes, docs/rgpd.md §14).

Chaque tableau est un `socle.graphiques.Tableau` : la page le montre, l'export (CSV ou XLSX)
en écrit les mêmes lignes. Le nombre de requêtes ne dépend pas du nombre d'offres ni de
candidatures : une par tableau (deux pour les pôles et pour les fuites).
"""

import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q
from django.utils.translation import gettext as _

from recrutement.models import Candidature, Offre, SourceCandidature, StatutOffre, TypeContrat
from socle.graphiques import Cellule, Entete, GraphiqueBarres, Ligne, Tableau, graphique_barres
from territoire.indicateurs import fuites
from territoire.models import PoleDeProximite


class Mediane(Aggregate):
    """La médiane (PostgreSQL : percentile_cont, qui accepte un intervalle)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _en_ligne(jour: date) -> Q:
    return Q(statut=StatutOffre.PUBLIEE, date_limite__gte=jour)


POURVUE = Q(statut=StatutOffre.POURVUE)


def _cle(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold().strip()


# Les premiers mots qui ne disent pas la spécialité à eux seuls : « Chirurgie cardiaque » et
# « Chirurgie orthopédique » sont deux spécialités, « Cardiologie interventionnelle » et
# « Cardiologie et maladies vasculaires » une seule.
MOTS_GENERIQUES = {"chirurgie", "medecine", "maladies"}


def rapprochement(libelle: str) -> str:
    """La clé qui rapproche un libellé des fuites (texte libre de l'étude PMSI) d'une
    spécialité RPPS des offres : le premier mot, ou les deux premiers s'il est générique."""
    mots = _cle(libelle).split()
    if not mots:
        return ""
    return " ".join(mots[:2]) if mots[0] in MOTS_GENERIQUES else mots[0]


def _ligne(*cellules: Cellule) -> Ligne:
    return Ligne(cellules=tuple(cellules))


def tableau_par_profession(jour: date) -> Tableau:
    lignes = (
        Offre.objects.filter(_en_ligne(jour) | POURVUE)
        .values("profession__libelle")
        .annotate(en_ligne=Count("pk", filter=_en_ligne(jour)), pourvues=Count("pk", filter=POURVUE))
        .order_by("-en_ligne", "-pourvues", "profession__libelle")
    )
    return Tableau(
        identifiant="tableau-professions",
        legende=_("Offres en ligne et postes pourvus, par profession"),
        entetes=(Entete(_("Profession")), Entete(_("En ligne"), True), Entete(_("Pourvues"), True)),
        lignes=tuple(
            _ligne(
                Cellule.libelle(ligne["profession__libelle"], entete=True),
                Cellule.nombre(ligne["en_ligne"]),
                Cellule.nombre(ligne["pourvues"]),
            )
            for ligne in lignes
        ),
        message_vide=_("Aucune offre en ligne ni pourvue."),
    )


def tableau_par_pole(jour: date) -> Tableau:
    """Une offre compte dans chaque pôle où elle fait exercer (ses communes, ses établissements,
    sinon la commune de son employeur) : une fois par pôle, quel que soit son nombre de lieux."""
    lieux: dict[int, set[int | None]] = defaultdict(set)
    employeurs: dict[int, int | None] = {}
    etats: dict[int, str] = {}
    lignes = (
        Offre.objects.filter(_en_ligne(jour) | POURVUE)
        .values_list(
            "pk", "statut", "communes__pole", "structures__commune__pole", "employeur__commune__pole"
        )
        .order_by()
    )
    for pk, statut, pole_commune, pole_structure, pole_employeur in lignes:
        etats[pk] = statut
        lieux[pk].update(p for p in (pole_commune, pole_structure) if p is not None)
        employeurs[pk] = pole_employeur
    compte: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for pk, statut in etats.items():
        for pole in lieux[pk] or {employeurs[pk]}:
            compte[pole][0 if statut == StatutOffre.PUBLIEE else 1] += 1
    noms = dict(PoleDeProximite.objects.order_by("nom").values_list("pk", "nom"))
    ordre = [*noms, None] if None in compte else list(noms)
    return Tableau(
        identifiant="tableau-poles",
        legende=_("Offres en ligne et postes pourvus, par pôle de proximité où exercer"),
        entetes=(Entete(_("Pôle de proximité")), Entete(_("En ligne"), True), Entete(_("Pourvues"), True)),
        lignes=tuple(
            _ligne(
                Cellule.libelle(noms[pole] if pole is not None else _("Sans pôle connu"), entete=True),
                Cellule.nombre(compte[pole][0]),
                Cellule.nombre(compte[pole][1]),
            )
            for pole in ordre
        ),
        notes=(_("Une offre qui fait exercer dans plusieurs pôles compte dans chacun."),),
        message_vide=_("Aucun pôle de proximité n'est connu."),
    )


def tableau_des_delais() -> Tableau:
    """Le délai de publication à « pourvue », médian, par profession."""
    duree = ExpressionWrapper(F("cloturee_le") - F("publiee_le"), output_field=DurationField())
    lignes = (
        Offre.objects.filter(POURVUE, publiee_le__isnull=False, cloturee_le__isnull=False)
        .values("profession__libelle")
        .annotate(pourvues=Count("pk"), mediane=Mediane(duree, output_field=DurationField()))
        .order_by("profession__libelle")
    )

    def jours(duree: timedelta | None) -> float | None:
        return None if duree is None else duree.total_seconds() / 86400

    return Tableau(
        identifiant="tableau-delais",
        legende=_("Délai pour pourvoir un poste, de la publication de l'offre à « pourvue », par profession"),
        entetes=(
            Entete(_("Profession")),
            Entete(_("Postes pourvus"), True),
            Entete(_("Délai médian (jours)"), True),
        ),
        lignes=tuple(
            _ligne(
                Cellule.libelle(ligne["profession__libelle"], entete=True),
                Cellule.nombre(ligne["pourvues"]),
                Cellule.nombre(jours(ligne["mediane"]), 1),
            )
            for ligne in lignes
        ),
        message_vide=_("Aucun poste pourvu par une offre du portail."),
    )


@dataclass(frozen=True)
class Sources:
    tableau: Tableau
    graphique: GraphiqueBarres


def sources_des_candidatures() -> Sources:
    """Comment les candidats ont connu l'offre : toutes les candidatures, anonymisées comprises."""
    comptes = dict(Candidature.objects.values_list("source").annotate(n=Count("pk")).order_by())
    total = sum(comptes.values())
    lignes = [(source.label, comptes.get(source.value, 0)) for source in SourceCandidature]
    tableau = Tableau(
        identifiant="tableau-sources",
        legende=_("Comment les candidats ont connu l'offre (toutes les candidatures reçues)"),
        entetes=(Entete(_("Source")), Entete(_("Candidatures"), True), Entete(_("Part (%)"), True)),
        lignes=tuple(
            _ligne(
                Cellule.libelle(str(libelle), entete=True),
                Cellule.nombre(n),
                Cellule.pourcentage(n / total if total else None),
            )
            for libelle, n in lignes
        ),
        pied=(
            _ligne(
                Cellule.libelle(_("Toutes"), entete=True), Cellule.nombre(total), Cellule.pourcentage(1.0)
            ),
        )
        if total
        else (),
        message_vide=_("Aucune candidature reçue."),
    )
    graphique = graphique_barres(
        identifiant="graphique-sources",
        titre=_("Candidatures reçues selon la façon dont le candidat a connu l'offre"),
        description=_(
            "Barres horizontales : pour chaque source, le nombre de candidatures reçues. "
            "Les chiffres sont dans le tableau qui suit."
        ),
        valeurs=[(str(libelle), float(n)) for libelle, n in lignes] if total else [],
        message_vide=_("Aucune candidature reçue."),
    )
    return Sources(tableau=tableau, graphique=graphique)


def tableau_des_offres_mixtes(jour: date) -> Tableau:
    mixte = Q(type_contrat=TypeContrat.MIXTE)
    totaux = Offre.objects.aggregate(
        en_ligne=Count("pk", filter=_en_ligne(jour)),
        pourvues=Count("pk", filter=POURVUE),
        publiees=Count("pk", filter=Q(publiee_le__isnull=False)),
        mixtes_en_ligne=Count("pk", filter=_en_ligne(jour) & mixte),
        mixtes_pourvues=Count("pk", filter=POURVUE & mixte),
        mixtes_publiees=Count("pk", filter=Q(publiee_le__isnull=False) & mixte),
    )

    def ligne(libelle: str, cle: str) -> Ligne:
        tous, mixtes = totaux[cle], totaux[f"mixtes_{cle}"]
        return _ligne(
            Cellule.libelle(libelle, entete=True),
            Cellule.nombre(mixtes),
            Cellule.nombre(tous),
            Cellule.pourcentage(mixtes / tous if tous else None),
        )

    return Tableau(
        identifiant="tableau-mixtes",
        legende=_("Les offres d'exercice mixte (salarié et libéral) parmi toutes les offres"),
        entetes=(
            Entete(_("Offres")),
            Entete(_("D'exercice mixte"), True),
            Entete(_("Toutes"), True),
            Entete(_("Part mixte (%)"), True),
        ),
        lignes=(
            ligne(_("En ligne aujourd'hui"), "en_ligne"),
            ligne(_("Postes pourvus"), "pourvues"),
            ligne(_("Publiées depuis l'ouverture du portail"), "publiees"),
        ),
    )


def tableau_des_fuites(jour: date) -> Tableau:
    """Les spécialités où les patients du territoire se font soigner ailleurs (dernière année
    importée), la plus forte fuite d'abord, en face des offres de la même spécialité : une
    spécialité qui fuit sans aucune offre saute aux yeux."""
    donnees = fuites(None)
    offres: dict[str, list[Any]] = defaultdict(lambda: [set(), 0, 0])
    for libelle, en_ligne, pourvues in (
        Offre.objects.filter(_en_ligne(jour) | POURVUE, specialite__isnull=False)
        .values_list("specialite__libelle")
        .annotate(en_ligne=Count("pk", filter=_en_ligne(jour)), pourvues=Count("pk", filter=POURVUE))
        .order_by("specialite__libelle")
    ):
        compte = offres[rapprochement(libelle)]
        compte[0].add(libelle)
        compte[1] += en_ligne
        compte[2] += pourvues
    lignes = []
    for fuite in donnees.lignes:
        libelles, en_ligne, pourvues = offres.get(rapprochement(fuite.specialite), (set(), 0, 0))
        lignes.append(
            Ligne(
                cellules=(
                    Cellule.libelle(fuite.specialite, entete=True),
                    Cellule.pourcentage(fuite.part),
                    Cellule.libelle(", ".join(sorted(libelles)) or "—"),
                    Cellule.nombre(en_ligne),
                    Cellule.nombre(pourvues),
                ),
                mise_en_avant=not en_ligne,
            )
        )
    return Tableau(
        identifiant="tableau-fuites-offres",
        legende=_("Fuites de patients hors du territoire en %(annee)s et offres de la spécialité")
        % {"annee": donnees.annee},
        entetes=(
            Entete(_("Spécialité (étude des fuites)")),
            Entete(_("Part hors territoire (%)"), True),
            Entete(_("Spécialité des offres")),
            Entete(_("Offres en ligne"), True),
            Entete(_("Postes pourvus"), True),
        ),
        lignes=tuple(lignes),
        notes=(
            _(
                "Une spécialité de l'étude des fuites est rapprochée des spécialités des offres par "
                "son premier mot (les deux premiers pour « chirurgie » ou « médecine »)."
            ),
        ),
        note_mise_en_avant=_("aucune offre en ligne"),
        message_vide=_("Aucune donnée de fuites n'est importée."),
    )


@dataclass(frozen=True)
class TableauDeBord:
    professions: Tableau
    poles: Tableau
    delais: Tableau
    sources: Sources
    mixtes: Tableau
    fuites: Tableau


def tableau_de_bord(jour: date) -> TableauDeBord:
    return TableauDeBord(
        professions=tableau_par_profession(jour),
        poles=tableau_par_pole(jour),
        delais=tableau_des_delais(),
        sources=sources_des_candidatures(),
        mixtes=tableau_des_offres_mixtes(jour),
        fuites=tableau_des_fuites(jour),
    )


# Les tableaux qu'on exporte, par leur nom dans l'adresse.
TABLEAUX: dict[str, Callable[[date], Tableau]] = {
    "professions": tableau_par_profession,
    "poles": tableau_par_pole,
    "delais": lambda jour: tableau_des_delais(),
    "sources": lambda jour: sources_des_candidatures().tableau,
    "mixtes": tableau_des_offres_mixtes,
    "fuites": tableau_des_fuites,
}
