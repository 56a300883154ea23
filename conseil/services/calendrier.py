"""Les jetons des flux iCalendar privés."""

from typing import Any

from django.db import transaction

from conseil.models import (
    JetonCalendrier,
    nouveau_jeton,
)
from socle.services import evenement_enregistrer

# --- Calendrier ------------------------------------------------------------------------


def jeton_calendrier_de(*, utilisateur: Any) -> JetonCalendrier:
    jeton, _cree = JetonCalendrier.objects.get_or_create(utilisateur=utilisateur)
    return jeton


def jeton_calendrier_renouveler(*, utilisateur: Any) -> JetonCalendrier:
    """Une nouvelle adresse privée ; l'ancienne cesse aussitôt de répondre."""
    with transaction.atomic():
        jeton, _cree = JetonCalendrier.objects.select_for_update().get_or_create(utilisateur=utilisateur)
        jeton.jeton = nouveau_jeton()
        jeton.save(update_fields=["jeton"])
        evenement_enregistrer(verbe="conseil.calendrier.jeton_renouvele", acteur=utilisateur, cible=None)
    return jeton
