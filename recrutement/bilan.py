"""La section « Le recrutement commun du GCS » du bilan annuel : offres publiées et pourvues
dans l'année, dont les offres d'exercice mixte, par profession ; candidatures reçues dans
l'année (anonymisées comprises : les chiffres survivent à l'effacement des personnes), dont
les demandes d'aide à l'installation ; candidats au vivier à la fin de l'année. Quatre
requêtes, quel que soit le nombre d'offres et de candidatures."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recrutement.models import Candidature, Consentement, ObjetConsentement, Offre, StatutOffre, TypeContrat
from socle.bilan import ChiffreCle, ContenuSection, bornes_de_l_annee
from socle.francais import nombre


@dataclass(frozen=True)
class LigneProfession:
    profession: str
    publiees: int
    pourvues: int


@dataclass(frozen=True)
class DonneesRecrutement:
    annee: int
    publiees: int
    pourvues: int
    mixtes: int
    remplacements: int
    par_profession: list[LigneProfession]
    demo: bool
    candidatures: int = 0
    demandes_d_aide: int = 0
    vivier: int = 0  # candidats au vivier le dernier jour de l'année

    @property
    def vide(self) -> bool:
        return not (self.publiees or self.pourvues)

    @property
    def sans_candidature(self) -> bool:
        return not (self.candidatures or self.vivier)


def lire_recrutement(annee: int) -> DonneesRecrutement:
    debut, fin = bornes_de_l_annee(annee)
    publiee = Q(publiee_le__gte=debut, publiee_le__lt=fin)
    pourvue = Q(statut=StatutOffre.POURVUE, cloturee_le__gte=debut, cloturee_le__lt=fin)
    totaux = Offre.objects.aggregate(
        publiees=Count("pk", filter=publiee),
        pourvues=Count("pk", filter=pourvue),
        mixtes=Count("pk", filter=publiee & Q(type_contrat=TypeContrat.MIXTE)),
        remplacements=Count("pk", filter=publiee & Q(type_contrat=TypeContrat.REMPLACEMENT)),
        demo=Count("pk", filter=(publiee | pourvue) & Q(demo=True)),
    )
    lignes = (
        Offre.objects.filter(publiee | pourvue)
        .values("profession__libelle")
        .annotate(publiees=Count("pk", filter=publiee), pourvues=Count("pk", filter=pourvue))
        .order_by("-publiees", "profession__libelle")
    )
    deposee = Q(deposee_le__gte=debut, deposee_le__lt=fin)
    candidatures = Candidature.objects.filter(deposee).aggregate(
        recues=Count("pk"),
        aides=Count("pk", filter=Q(aide_emploi_conjoint=True) | Q(aide_logement=True)),
        demo=Count("pk", filter=Q(demo=True)),
    )
    # Au vivier le dernier jour de l'année : entré avant la fin, pas encore sorti.
    vivier = Consentement.objects.filter(
        Q(retire_le__isnull=True) | Q(retire_le__gte=fin),
        objet=ObjetConsentement.VIVIER,
        donne_le__lt=fin,
    ).count()
    return DonneesRecrutement(
        annee=annee,
        publiees=totaux["publiees"],
        pourvues=totaux["pourvues"],
        mixtes=totaux["mixtes"],
        remplacements=totaux["remplacements"],
        par_profession=[
            LigneProfession(ligne["profession__libelle"], ligne["publiees"], ligne["pourvues"])
            for ligne in lignes
        ],
        demo=bool(totaux["demo"] or candidatures["demo"]),
        candidatures=candidatures["recues"],
        demandes_d_aide=candidatures["aides"],
        vivier=vivier,
    )


def donnees_recrutement(annee: int) -> ContenuSection:
    donnees = lire_recrutement(annee)
    return ContenuSection(
        contexte={"recrutement": donnees},
        chiffres_cles=[
            ChiffreCle(
                _("Offres d'emploi publiées"),
                nombre(donnees.publiees),
                ngettext("%(n)s d'exercice mixte", "%(n)s d'exercice mixte", donnees.mixtes)
                % {"n": nombre(donnees.mixtes)},
            ),
            ChiffreCle(_("Postes pourvus"), nombre(donnees.pourvues), _("par les offres du portail")),
            ChiffreCle(
                _("Candidatures reçues"),
                nombre(donnees.candidatures),
                _("vivier au 31 décembre : %(n)s") % {"n": nombre(donnees.vivier)},
            ),
        ],
    )
