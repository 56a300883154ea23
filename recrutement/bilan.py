"""La section « Le recrutement commun du GCS » du bilan annuel : offres publiées et pourvues
dans l'année, dont les offres d'exercice mixte, par profession. Deux requêtes, quel que soit le
nombre d'offres. (Candidatures et vivier viendront avec la seconde partie de l'issue 18.)"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recrutement.models import Offre, StatutOffre, TypeContrat
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

    @property
    def vide(self) -> bool:
        return not (self.publiees or self.pourvues)


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
        demo=bool(totaux["demo"]),
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
        ],
    )
