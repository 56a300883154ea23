"""La section « L'offre de santé du territoire » du bilan annuel : densité de professionnels
par profession et par pôle, évolution des effectifs relevés jusqu'au 31 décembre, fuites de
patients de l'année.

Les chiffres, tableaux et graphiques sont ceux de la page des indicateurs
(`territoire.indicateurs`), pour l'année du bilan, plus la carte de la densité des
généralistes commune par commune. `donnees_territoire(annee)` lit la base en onze requêtes,
quel que soit le nombre de professionnels, de relevés ou de spécialités, et ne donne au
gabarit que des dataclasses déjà calculées.

De quand datent les chiffres :
- la densité décrit l'annuaire des professionnels tel que le portail le tient, c'est-à-dire
  au dernier import de l'Annuaire Santé (RPPS) ; le portail ne garde pas l'annuaire d'une
  date passée, seulement les effectifs relevés à chaque import : le gabarit dit la date de
  l'import et prévient quand elle est postérieure à l'année du bilan ;
- l'évolution ne prend que les relevés datés du 31 décembre de l'année ou d'avant ;
- les fuites sont celles de l'année du bilan, sinon rien (pas celles d'une autre année).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socle.bilan import ChiffreCle, ContenuSection
from socle.francais import TIRET_CADRATIN, date_longue, nombre, pourcentage
from territoire.indicateurs import (
    GENERALISTES,
    CommuneSuivie,
    Densites,
    Evolution,
    Fuites,
    ProfessionSuivie,
    carte_densite,
    choisir_profession,
    communes_de_la_carte,
    densites,
    evolution,
    fuites,
    graphique_densite,
    graphique_evolution,
    graphique_fuites,
    sources_des_cartes,
    tableau_densite,
    tableau_evolution,
    tableau_fuites,
)
from territoire.models import Commune, ImportFichier, StatutImport, TypeImport


@dataclass(frozen=True)
class DonneesTerritoire:
    annee: int
    densites: Densites
    profession: ProfessionSuivie | None  # celle du graphique de densité et du détail par pôle
    evolution: Evolution
    fuites: Fuites  # vide si l'année n'a pas de relevé des fuites
    annuaire_au: date | None  # date du dernier import RPPS terminé
    population_de: int | None  # millésimes des populations municipales (INSEE)
    population_a: int | None
    communes: tuple[CommuneSuivie, ...] = ()  # leurs contours et la densité de la profession

    @property
    def fin_d_annee(self) -> date:
        return date(self.annee, 12, 31)

    @property
    def annuaire_posterieur(self) -> bool:
        return self.annuaire_au is not None and self.annuaire_au > self.fin_d_annee

    @property
    def population_texte(self) -> str:
        if self.population_de is None or self.population_a is None:
            return ""
        if self.population_de == self.population_a:
            return str(self.population_a)
        return _("%(de)s à %(a)s") % {"de": self.population_de, "a": self.population_a}

    @property
    def releves_de_l_annee(self) -> int:
        return sum(1 for jour in self.evolution.dates if jour.year == self.annee)

    @property
    def fuites_annees_texte(self) -> str:
        """Les années de fuites importées, la plus récente d'abord."""
        return ", ".join(str(annee) for annee in self.fuites.annees)

    @property
    def generalistes_pour_10000(self) -> float | None:
        ligne = self.densites.ligne(GENERALISTES)
        return ligne.territoire.pour_10000 if ligne else None

    @property
    def generalistes(self) -> int:
        ligne = self.densites.ligne(GENERALISTES)
        return ligne.territoire.effectif if ligne else 0

    @property
    def demo(self) -> bool:
        return self.densites.demo or self.evolution.demo or self.fuites.demo

    @property
    def sources(self) -> tuple[str, ...]:
        return sources_des_cartes()


def lire_territoire(annee: int) -> DonneesTerritoire:
    """Les indicateurs de l'année, en onze requêtes."""
    donnees_densites = densites()  # 4 requêtes
    profession = choisir_profession(donnees_densites.professions, GENERALISTES)
    donnees_evolution = evolution(profession, jusqu_au=date(annee, 12, 31))  # 2
    donnees_fuites = fuites(annee)  # 2
    if donnees_fuites.annee != annee:
        # `fuites` se rabat sur l'année la plus récente : le bilan de l'année n'en veut pas.
        donnees_fuites = Fuites(annee=annee, annees=donnees_fuites.annees, lignes=())
    dernier_import = (
        ImportFichier.objects.filter(type=TypeImport.RPPS, statut=StatutImport.TERMINE)
        .order_by("-termine_le", "-pk")
        .values("date_extraction", "termine_le")
        .first()
    )
    annuaire_au = None
    if dernier_import is not None:
        termine = dernier_import["termine_le"]
        # Le relevé d'un import est daté comme lui : la date d'extraction, sinon le jour de l'import.
        annuaire_au = dernier_import["date_extraction"] or (timezone.localdate(termine) if termine else None)
    populations = Commune.objects.aggregate(de=Min("annee_population"), a=Max("annee_population"))
    communes = communes_de_la_carte(profession)  # 1
    return DonneesTerritoire(
        annee=annee,
        densites=donnees_densites,
        profession=profession,
        evolution=donnees_evolution,
        fuites=donnees_fuites,
        annuaire_au=annuaire_au,
        population_de=populations["de"],
        population_a=populations["a"],
        communes=communes,
    )


def chiffres_cles(donnees: DonneesTerritoire) -> list[ChiffreCle]:
    generalistes = donnees.generalistes_pour_10000
    annuaire_apres = donnees.annuaire_au is not None and donnees.annuaire_au.year > donnees.annee
    precision_densite = (
        # L'annuaire est celui du jour où il a été relevé : pour le bilan d'une année passée, il
        # peut être postérieur ; la synthèse le dit au lieu de le laisser croire de l'année.
        ngettext(
            "%(n)s généraliste en activité selon l'annuaire du %(date)s, postérieur à %(annee)s",
            "%(n)s généralistes en activité selon l'annuaire du %(date)s, postérieur à %(annee)s",
            donnees.generalistes,
        )
        % {
            "n": nombre(donnees.generalistes),
            "date": date_longue(donnees.annuaire_au),
            "annee": donnees.annee,
        }
        if annuaire_apres
        else ngettext(
            "%(n)s généraliste en activité, annuaire du %(date)s",
            "%(n)s généralistes en activité, annuaire du %(date)s",
            donnees.generalistes,
        )
        % {"n": nombre(donnees.generalistes), "date": date_longue(donnees.annuaire_au)}
        if donnees.annuaire_au
        else ngettext("%(n)s généraliste en activité", "%(n)s généralistes en activité", donnees.generalistes)
        % {"n": nombre(donnees.generalistes)}
    )
    return [
        ChiffreCle(
            _("Médecins généralistes pour 10 000 habitants"),
            nombre(generalistes, 1) if generalistes is not None else TIRET_CADRATIN,
            precision_densite,
        ),
        ChiffreCle(
            _("Patients soignés hors du territoire"),
            pourcentage(donnees.fuites.part) if donnees.fuites.lignes else TIRET_CADRATIN,
            _("toutes spécialités, en %(annee)s") % {"annee": donnees.annee}
            if donnees.fuites.lignes
            else _("pas de relevé des fuites pour %(annee)s") % {"annee": donnees.annee},
        ),
    ]


def donnees_territoire(annee: int) -> ContenuSection:
    """La section du bilan : les indicateurs de l'année, leurs tableaux et graphiques."""
    donnees = lire_territoire(annee)
    return ContenuSection(
        contexte={
            "territoire": donnees,
            "graphique_densite": graphique_densite(donnees.densites, donnees.profession),
            "tableau_densite": tableau_densite(donnees.densites, donnees.profession),
            # Sans liens : ceux de la page mèneraient, dans le PDF, à une adresse relative.
            "carte_densite": carte_densite(donnees.communes, donnees.profession, liens=False),
            "graphique_evolution": graphique_evolution(donnees.evolution),
            "tableau_evolution": tableau_evolution(donnees.evolution),
            "graphique_fuites": graphique_fuites(donnees.fuites),
            "tableau_fuites": tableau_fuites(donnees.fuites),
        },
        chiffres_cles=chiffres_cles(donnees),
    )
