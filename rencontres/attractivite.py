"""L'attractivité des rencontres mesurée : de l'inscription à l'installation, rencontre par
rencontre (les rencontres de promotion, et toutes celles qui proposent le vivier).

- inscrits : les inscriptions actives ou pointées (une par personne titulaire, son foyer n'y
  compte pas) ;
- présents : celles dont l'arrivée a été pointée ;
- accords : celles dont l'accord pour le vivier est donné et pas retiré ;
- ont candidaté : parmi ces seuls accords, celles dont la personne a déposé ensuite, pendant
  les deux ans de l'accord, une candidature au recrutement (même adresse, sans tenir compte
  des majuscules, ou même compte) ;
- installés : celles dont une telle candidature a été retenue.

Sans accord, ou l'accord retiré, personne n'est suivi : les candidatures ne se relient qu'aux
inscriptions qui y consentent. Des nombres seulement, jamais de noms. Deux requêtes, quel que
soit le nombre de rencontres et d'inscriptions.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from recrutement.models import Candidature, EtapeCandidature
from rencontres.models import ETATS_ACTIFS, Inscription, Rencontre, StatutRencontre, TypeRencontre
from rencontres.services import DUREE_ACCORD_VIVIER_ANS

DUREE_DE_L_ACCORD = timedelta(days=365 * DUREE_ACCORD_VIVIER_ANS)


def _taux(part: int, base: int) -> float | None:
    """La part, entre 0 et 1 (filtre `pourcentage`) ; aucune sans base."""
    return part / base if base else None


@dataclass(frozen=True)
class Entonnoir:
    inscrits: int = 0
    presents: int = 0
    accords: int = 0
    candidats: int = 0
    installes: int = 0

    @property
    def taux_presents(self) -> float | None:
        return _taux(self.presents, self.inscrits)

    @property
    def taux_accords(self) -> float | None:
        return _taux(self.accords, self.inscrits)

    @property
    def taux_candidats(self) -> float | None:
        """Parmi les accords : les autres ne sont pas suivis."""
        return _taux(self.candidats, self.accords)

    @property
    def taux_installes(self) -> float | None:
        return _taux(self.installes, self.candidats)

    def __add__(self, autre: "Entonnoir") -> "Entonnoir":
        return Entonnoir(
            inscrits=self.inscrits + autre.inscrits,
            presents=self.presents + autre.presents,
            accords=self.accords + autre.accords,
            candidats=self.candidats + autre.candidats,
            installes=self.installes + autre.installes,
        )


@dataclass(frozen=True)
class LigneAttractivite:
    rencontre: Rencontre
    entonnoir: Entonnoir


@dataclass(frozen=True)
class Attractivite:
    lignes: list[LigneAttractivite]
    total: Entonnoir = field(default_factory=Entonnoir)


def rencontres_suivies() -> QuerySet[Rencontre]:
    """Les rencontres dont on mesure l'attractivité : de promotion, ou qui proposent le vivier ;
    publiées (une rencontre annulée n'attire personne, un brouillon pas encore)."""
    return Rencontre.objects.filter(
        Q(type=TypeRencontre.PROMOTION) | Q(propose_le_vivier=True), statut=StatutRencontre.PUBLIEE
    )


def _candidatures_apres() -> QuerySet[Candidature]:
    """Les candidatures de la même personne (adresse sans majuscules, ou compte), déposées après
    l'inscription et pendant la durée de son accord (deux ans)."""
    return Candidature.objects.filter(
        Q(candidat__email__iexact=OuterRef("email")) | Q(candidat__compte=OuterRef("compte")),
        deposee_le__gt=OuterRef("cree_le"),
        deposee_le__lte=OuterRef("accord_vivier_le") + DUREE_DE_L_ACCORD,
    )


def entonnoirs(rencontres: Iterable[int]) -> dict[int, Entonnoir]:
    """L'entonnoir de chaque rencontre, en une requête (les rencontres sans inscription n'y sont
    pas : un entonnoir vide)."""
    accord = Q(accord_vivier_le__isnull=False, accord_vivier_retire_le__isnull=True)
    candidatures = _candidatures_apres()
    lignes = (
        Inscription.objects.filter(rencontre__in=list(rencontres))
        .filter(Q(etat__in=ETATS_ACTIFS) | Q(arrivee_le__isnull=False))
        .values("rencontre")
        .annotate(
            inscrits=Count("pk"),
            presents=Count("pk", filter=Q(arrivee_le__isnull=False)),
            accords=Count("pk", filter=accord),
            candidats=Count("pk", filter=accord & Q(Exists(candidatures))),
            installes=Count(
                "pk", filter=accord & Q(Exists(candidatures.filter(etape=EtapeCandidature.RETENUE)))
            ),
        )
        .order_by()
    )
    return {
        ligne["rencontre"]: Entonnoir(
            inscrits=ligne["inscrits"],
            presents=ligne["presents"],
            accords=ligne["accords"],
            candidats=ligne["candidats"],
            installes=ligne["installes"],
        )
        for ligne in lignes
    }


def attractivite(*, debut: datetime | None = None, fin: datetime | None = None) -> Attractivite:
    """Une ligne par rencontre suivie (les plus récentes d'abord), bornée à `[debut, fin[` si
    donné, et le total."""
    rencontres = rencontres_suivies()
    if debut is not None:
        rencontres = rencontres.filter(debut__gte=debut)
    if fin is not None:
        rencontres = rencontres.filter(debut__lt=fin)
    rencontres = rencontres.select_related("commune").defer("commune__contour").order_by("-debut", "-pk")
    liste = list(rencontres)
    par_rencontre = entonnoirs(r.pk for r in liste)
    lignes = [LigneAttractivite(r, par_rencontre.get(r.pk, Entonnoir())) for r in liste]
    total = sum((ligne.entonnoir for ligne in lignes), Entonnoir())
    return Attractivite(lignes=lignes, total=total)
