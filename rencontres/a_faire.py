"""Ce que les rencontres mettent sur la page d'accueil (registre du socle, socle/a_faire.py) :
pour qui organise, les rencontres dont des inscriptions attendent d'être validées (une ligne
par rencontre, avec leur nombre). Une requête, seulement pour les organisateurs."""

from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from rencontres.models import EtatInscription, Rencontre
from rencontres.permissions import peut_organiser
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
