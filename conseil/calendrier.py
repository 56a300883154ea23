"""Les séances au format iCalendar (RFC 5545), pour les agendas des membres."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from conseil.models import Reunion, StatutReunion
from socle.calendrier import calendrier_vide, evenement_vide, texte, uid
from socle.courriels import lien_absolu


def uid_de(reunion: Reunion) -> str:
    return uid("reunion", reunion.pk)


def calendrier(reunions: Iterable[Reunion], *, nom: str) -> bytes:
    """Un calendrier des séances données ; une séance annulée y reste, marquée annulée,
    pour que les agendas abonnés la retirent."""
    cal = calendrier_vide(produit="Conseil de santé", nom=nom)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for reunion in reunions:
        evenement = evenement_vide()
        evenement.add("uid", uid_de(reunion))
        evenement.add("dtstamp", timezone.now())
        evenement.add("dtstart", reunion.debut)
        evenement.add("dtend", reunion.fin or reunion.debut + timedelta(hours=2))
        evenement.add("summary", f"{reunion.instance} — {reunion.titre}")
        lieu = reunion.lieu or reunion.lien_visio
        if lieu:
            evenement.add("location", texte(lieu))
        description = [str(point) for point in getattr(reunion, "points_du_calendrier", [])]
        if reunion.lien_visio:
            description.append(reunion.lien_visio)
        if description:
            evenement.add("description", "\n".join(description))
        evenement.add("url", lien_absolu(reunion.get_absolute_url()))
        evenement.add("status", "CANCELLED" if reunion.statut == StatutReunion.ANNULEE else "CONFIRMED")
        # SEQUENCE augmente quand la séance change d'état : les agendas prennent la mise à jour.
        evenement.add("sequence", list(StatutReunion.values).index(reunion.statut))
        cal.add_component(evenement)
    return cal.to_ical()
