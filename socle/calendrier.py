"""Les calendriers iCalendar (RFC 5545) du portail : l'en-tête commun et des UID stables.

Les séances du Conseil (`conseil/calendrier.py`) et les remplacements proposés
(`recrutement`) s'en servent ; un agenda qui s'y abonne reconnaît chaque événement d'une
version à l'autre par son UID, qui ne dépend que de l'objet et de l'adresse du portail.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    # icalendar ne se charge qu'au premier calendrier servi : pas à chaque démarrage de Django.
    from icalendar import Calendar, Event

EDITEUR = "Communauté d'agglomération du Cotentin"


def calendrier_vide(*, produit: str, nom: str) -> "Calendar":
    """Un calendrier publié, à remplir d'événements : « -//éditeur//produit//FR », son nom."""
    # Import local : module lourd chargé à la demande (en-tête du module).
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", f"-//{EDITEUR}//{produit}//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", nom)
    return cal


def evenement_vide() -> "Event":
    """Un événement (VEVENT) à remplir et à ajouter au calendrier."""
    # Import local : module lourd chargé à la demande (en-tête du module).
    from icalendar import Event

    return Event()


def texte(valeur: str) -> Any:
    """Une valeur de texte iCalendar (LOCATION, DESCRIPTION…), échappée comme le veut la RFC."""
    # Import local : module lourd chargé à la demande (en-tête du module).
    from icalendar import vText

    return vText(valeur)


def uid(genre: str, pk: int) -> str:
    """« reunion-12@sante.lecotentin.fr » : le genre d'objet, son numéro, l'hôte du portail."""
    hote = (settings.PORTAIL_URL.split("://", 1)[-1] or "cotentin-sante").split("/", 1)[0]
    return f"{genre}-{pk}@{hote}"
