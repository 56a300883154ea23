"""La section « Les rencontres » du bilan annuel : rencontres tenues dans l'année, par genre,
inscriptions confirmées, présences, foyers venus ensemble, heures de formation (celles des
séances, et celles suivies par les stagiaires : demi-journées émargées × heures par
demi-journée), attestations ; l'attractivité des rencontres de promotion (inscrits, présents,
accords pour le vivier, candidatures, installations : `rencontres.attractivite`).
Trois requêtes, quel que soit le nombre de rencontres et d'inscriptions."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rencontres.attractivite import Entonnoir, entonnoirs
from rencontres.models import EtatInscription, Participant, Rencontre, StatutRencontre, TypeRencontre
from socle.bilan import ChiffreCle, ContenuSection, bornes_de_l_annee
from socle.francais import nombre

FORMATIONS = (TypeRencontre.FORMATION, TypeRencontre.FORMATION_TELESANTE, TypeRencontre.SERVICE_SANITAIRE)


@dataclass(frozen=True)
class LigneRencontre:
    titre: str
    genre: str
    genre_libelle: str
    debut: object
    confirmees: int
    presentes: int
    personnes_presentes: int
    heures: float
    # Les heures suivies : demi-journées émargées (toutes personnes) × heures par demi-journée.
    heures_suivies: float


@dataclass(frozen=True)
class DonneesRencontres:
    annee: int
    lignes: list[LigneRencontre]
    foyers: int
    demo: bool
    # L'entonnoir des rencontres de promotion (ou qui proposent le vivier) de l'année, cumulé.
    attractivite: Entonnoir = field(default_factory=Entonnoir)
    rencontres_suivies: int = 0

    @property
    def tenues(self) -> int:
        return len(self.lignes)

    @property
    def presentes(self) -> int:
        return sum(ligne.presentes for ligne in self.lignes)

    @property
    def personnes(self) -> int:
        return sum(ligne.personnes_presentes for ligne in self.lignes)

    @property
    def heures_de_formation(self) -> float:
        return sum(ligne.heures for ligne in self.lignes if ligne.genre in FORMATIONS)

    @property
    def heures_suivies(self) -> float:
        """Les heures de formation suivies par les stagiaires, sommées sur les personnes."""
        return sum(ligne.heures_suivies for ligne in self.lignes if ligne.genre in FORMATIONS)

    @property
    def attestations(self) -> int:
        # Une attestation par inscription pointée (seules celles-là en obtiennent une).
        return self.presentes


def lire_rencontres(annee: int) -> DonneesRencontres:
    debut, fin = bornes_de_l_annee(annee)
    confirmee = Q(inscriptions__etat=EtatInscription.CONFIRMEE)
    presente = confirmee & Q(inscriptions__arrivee_le__isnull=False)
    rencontres = (
        Rencontre.objects.filter(debut__gte=debut, debut__lt=fin, statut=StatutRencontre.PUBLIEE)
        .annotate(
            confirmees=Count("inscriptions", filter=confirmee, distinct=True),
            presentes=Count("inscriptions", filter=presente, distinct=True),
            personnes_presentes=Count("inscriptions__participants", filter=presente, distinct=True),
            emargements=Count("inscriptions__emargements", filter=confirmee, distinct=True),
        )
        .order_by("debut", "pk")
    )
    lignes = [
        LigneRencontre(
            titre=r.titre,
            genre=r.type,
            genre_libelle=r.get_type_display(),
            debut=r.debut,
            confirmees=r.confirmees,
            presentes=r.presentes,
            personnes_presentes=r.personnes_presentes,
            heures=round((r.fin - r.debut).total_seconds() / 3600, 1),
            heures_suivies=float(r.emargements * r.heures_par_demi_journee),
        )
        for r in rencontres
    ]
    accompagnee = Participant.objects.filter(
        inscription=OuterRef("inscriptions__pk"), lien__in=["conjoint", "enfant", "autre"]
    )
    foyers = (
        Rencontre.objects.filter(debut__gte=debut, debut__lt=fin, statut=StatutRencontre.PUBLIEE)
        .filter(inscriptions__etat=EtatInscription.CONFIRMEE, inscriptions__arrivee_le__isnull=False)
        .filter(Exists(accompagnee))
        .values("inscriptions__pk")
        .distinct()
        .count()
    )
    suivies = [r.pk for r in rencontres if r.type == TypeRencontre.PROMOTION or r.propose_le_vivier]
    par_rencontre = entonnoirs(suivies) if suivies else {}
    return DonneesRencontres(
        annee=annee,
        lignes=lignes,
        foyers=foyers,
        demo=any(r.demo for r in rencontres),
        attractivite=sum(par_rencontre.values(), Entonnoir()),
        rencontres_suivies=len(suivies),
    )


def donnees_rencontres(annee: int) -> ContenuSection:
    donnees = lire_rencontres(annee)
    return ContenuSection(
        contexte={"rencontres": donnees},
        chiffres_cles=[
            ChiffreCle(
                _("Rencontres tenues"),
                nombre(donnees.tenues),
                ngettext("%(n)s personne présente", "%(n)s personnes présentes", donnees.personnes)
                % {"n": nombre(donnees.personnes)},
            ),
        ],
    )
