import contextlib
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.safestring import SafeString

from socle.carte import Carte
from socle.selectors import evenements_de
from socle.texte_saisi import texte_avec_liens
from socle.workflows import workflow_ou_rien

register = template.Library()


@register.filter
def avec_liens(texte: str | None) -> SafeString:
    """`{{ message.texte|avec_liens }}` : le texte tapé par quelqu'un, échappé, ses retours à la
    ligne gardés et ses adresses http(s) devenues des liens (socle/texte_saisi.py)."""
    return texte_avec_liens(texte)


# Une chronologie affiche les événements les plus récents ; le journal complet reste
# consultable dans l'administration.
LONGUEUR_CHRONOLOGIE = 50


def _libelles_etats(objet: models.Model) -> dict[str, str]:
    workflow = workflow_ou_rien(objet)
    try:
        champ = objet._meta.get_field(workflow.champ if workflow else "statut")
    except FieldDoesNotExist:
        return {}
    return {str(valeur): str(libelle) for valeur, libelle in (getattr(champ, "choices", None) or [])}


def _champs_modifies(objet: models.Model, donnees: dict[str, Any]) -> str:
    """« titre, lieu » : les champs qu'une modification a changés, par leur nom à l'écran."""
    modifications = donnees.get("modifications") or {}
    modele: Any = type(objet)
    if donnees.get("modele"):
        with contextlib.suppress(LookupError, ValueError):
            modele = apps.get_model(donnees["modele"])
    noms = []
    for nom in modifications:
        try:
            champ = modele._meta.get_field(nom)
        except FieldDoesNotExist:
            noms.append(nom.replace("_", " "))
            continue
        if hasattr(champ, "verbose_name"):
            noms.append(str(champ.verbose_name))
        else:  # une relation inverse (les lignes de dépenses d'une demande)
            noms.append(str(champ.related_model._meta.verbose_name_plural))
    return ", ".join(noms)


@register.inclusion_tag("socle/partials.html#chronologie")
def chronologie(objet: models.Model, titre: str = "") -> dict[str, Any]:
    """La chronologie d'un objet (journal d'audit), en une requête bornée."""
    libelles = _libelles_etats(objet)
    evenements = list(evenements_de(objet)[: LONGUEUR_CHRONOLOGIE + 1])
    lignes = [
        (
            e,
            libelles.get(e.etat_avant, e.etat_avant),
            libelles.get(e.etat_apres, e.etat_apres),
            _champs_modifies(objet, e.donnees or {}),
        )
        for e in evenements[:LONGUEUR_CHRONOLOGIE]
    ]
    return {
        "lignes": lignes,
        "titre": titre,
        "tronquee": len(evenements) > LONGUEUR_CHRONOLOGIE,
        "longueur": LONGUEUR_CHRONOLOGIE,
    }


@register.inclusion_tag("socle/carte.html#carte")
def carte(carte: Carte) -> dict[str, Any]:
    """La carte des communes (socle/carte.py), son tableau et les communes qu'elle ne montre pas."""
    return {"carte": carte}
