from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from socle.selectors import evenements_de
from socle.workflows import workflow_ou_rien

register = template.Library()


def _libelles_etats(objet: models.Model) -> dict[str, str]:
    workflow = workflow_ou_rien(objet)
    try:
        champ = objet._meta.get_field(workflow.champ if workflow else "statut")
    except FieldDoesNotExist:
        return {}
    return {str(valeur): str(libelle) for valeur, libelle in (champ.choices or [])}


# Une chronologie affiche les événements les plus récents ; le journal complet reste
# consultable dans l'administration.
LONGUEUR_CHRONOLOGIE = 50


@register.inclusion_tag("socle/partials.html#chronologie")
def chronologie(objet: models.Model, titre: str = "") -> dict[str, Any]:
    """La chronologie d'un objet (journal d'audit), en une requête bornée."""
    libelles = _libelles_etats(objet)
    evenements = list(evenements_de(objet)[: LONGUEUR_CHRONOLOGIE + 1])
    tronquee = len(evenements) > LONGUEUR_CHRONOLOGIE
    evenements = evenements[:LONGUEUR_CHRONOLOGIE]
    for evenement in evenements:
        evenement.etat_avant_libelle = libelles.get(evenement.etat_avant, evenement.etat_avant)
        evenement.etat_apres_libelle = libelles.get(evenement.etat_apres, evenement.etat_apres)
    return {"evenements": evenements, "titre": titre, "tronquee": tronquee, "longueur": LONGUEUR_CHRONOLOGIE}
