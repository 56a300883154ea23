"""Ce que les rencontres mettent sur la page d'accueil (registre du socle, socle/a_faire.py) :
pour qui organise, les rencontres dont des inscriptions attendent d'être validées (une ligne
par rencontre, avec leur nombre). Une requête, seulement pour les organisateurs."""

from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from college.models import StatutScrutin
from rencontres.models import (
    DemandeDeChangement,
    DemandeDeSoutien,
    EtatInscription,
    Rencontre,
    StatutDemandeDeChangement,
    StatutDemandeDeSoutien,
)
from rencontres.permissions import est_agent_organisateur, peut_organiser
from socle.a_faire import Tache, fournisseur

CATEGORIE = gettext_lazy("Rencontres")


@fournisseur("rencontres")
def inscriptions_a_valider(utilisateur: Any, maintenant: datetime) -> list[Tache]:
    if not peut_organiser(utilisateur):
        return []
    rencontres = (
        Rencontre.objects.filter(fin__gte=maintenant)
        .annotate(
            a_valider=Count(
                "inscriptions", filter=Q(inscriptions__etat=EtatInscription.EN_ATTENTE_DE_VALIDATION)
            )
        )
        .filter(a_valider__gt=0)
        .only("pk", "titre", "debut")
        .order_by("debut", "pk")
    )
    return [
        Tache(
            titre=ngettext(
                "Valider %(n)s inscription : %(titre)s", "Valider %(n)s inscriptions : %(titre)s", r.a_valider
            )
            % {"n": r.a_valider, "titre": r.titre},
            lien=reverse("rencontres:inscriptions", args=[r.pk])
            + "?etat="
            + EtatInscription.EN_ATTENTE_DE_VALIDATION,
            echeance=r.debut,
            detail=gettext_lazy("Chaque inscription garde sa place en attendant votre validation."),
            categorie=CATEGORIE,
        )
        for r in rencontres
    ]


@fournisseur("rencontres.soutiens")
def soutiens_a_instruire(utilisateur: Any, maintenant: datetime) -> list[Tache]:
    """Pour les agents : les demandes de soutien déposées que personne n'a encore prises, et
    celles dont l'avis du Collège est rendu, qui attendent la décision ; les demandes de
    changement de chambre ou de navette en attente (le lien mène à la première rencontre)."""
    if not est_agent_organisateur(utilisateur):
        return []
    nombres = DemandeDeSoutien.objects.aggregate(
        deposees=Count("pk", filter=Q(statut=StatutDemandeDeSoutien.DEPOSEE)),
        avis_rendus=Count(
            "pk", filter=Q(statut=StatutDemandeDeSoutien.AVIS, scrutin__statut=StatutScrutin.CLOS)
        ),
    )
    taches = []
    if nombres["deposees"]:
        taches.append(
            Tache(
                titre=ngettext(
                    "Instruire %(n)s demande de soutien à un congrès",
                    "Instruire %(n)s demandes de soutien à un congrès",
                    nombres["deposees"],
                )
                % {"n": nombres["deposees"]},
                lien=reverse("rencontres:soutiens") + "?statut=" + StatutDemandeDeSoutien.DEPOSEE,
                categorie=CATEGORIE,
            )
        )
    if nombres["avis_rendus"]:
        taches.append(
            Tache(
                titre=ngettext(
                    "Décider %(n)s demande de soutien : le Collège a rendu son avis",
                    "Décider %(n)s demandes de soutien : le Collège a rendu son avis",
                    nombres["avis_rendus"],
                )
                % {"n": nombres["avis_rendus"]},
                lien=reverse("rencontres:soutiens") + "?statut=" + StatutDemandeDeSoutien.AVIS,
                categorie=CATEGORIE,
            )
        )
    changements = DemandeDeChangement.objects.filter(
        statut=StatutDemandeDeChangement.EN_ATTENTE, participant__inscription__rencontre__fin__gte=maintenant
    ).aggregate(n=Count("pk"), rencontre=Min("participant__inscription__rencontre"))
    if changements["n"]:
        taches.append(
            Tache(
                titre=ngettext(
                    "Décider %(n)s demande de changement de chambre ou de navette",
                    "Décider %(n)s demandes de changement de chambre ou de navette",
                    changements["n"],
                )
                % {"n": changements["n"]},
                lien=reverse("rencontres:hebergement", args=[changements["rencontre"]]) + "#titre-demandes",
                detail=gettext_lazy("Les chambres et navettes réservées ne changent que par votre décision."),
                categorie=CATEGORIE,
            )
        )
    return taches
