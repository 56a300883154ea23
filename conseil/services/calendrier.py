"""Les jetons des flux iCalendar privés."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from conseil.models import (
    JetonCalendrier,
    nouveau_jeton,
)
from socle.services import evenement_enregistrer
from socle.verbes import Verbe

# Les actions que ce module écrit au journal d'audit.
CALENDRIER_JETON_RENOUVELE = Verbe(
    "conseil.calendrier.jeton_renouvele", gettext_lazy("Adresse du calendrier renouvelée")
)

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
        evenement_enregistrer(verbe=CALENDRIER_JETON_RENOUVELE, acteur=utilisateur, cible=None)
    return jeton
