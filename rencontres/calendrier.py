"""Les fichiers d'agenda (RFC 5545) des rencontres : celui qui accompagne chaque courriel
d'inscription, et le flux privé des rencontres d'une personne.

L'UID d'une rencontre ne change jamais (`socle.calendrier.uid`) ; sa SEQUENCE est la somme de
la version de la rencontre (date, lieu, annulation) et de celle de l'inscription (annulée par
la personne) : elle ne fait que monter, et l'agenda remplace l'ancienne version. Une
inscription annulée, ou une rencontre annulée, part en METHOD:CANCEL / STATUS:CANCELLED.
L'alarme (VALARM) sonne `Rencontre.rappel_dans_l_agenda` avant le début.
"""

from collections.abc import Iterable

from django.utils import timezone

from rencontres.models import EtatInscription, Inscription, StatutRencontre
from socle.calendrier import calendrier_vide, evenement_vide, texte, uid
from socle.courriels import lien_absolu


def uid_de(inscription: Inscription) -> str:
    return uid("rencontre", inscription.rencontre_id)


def est_annulee(inscription: Inscription) -> bool:
    return (
        inscription.etat == EtatInscription.ANNULEE or inscription.rencontre.statut == StatutRencontre.ANNULEE
    )


def _evenement(inscription: Inscription):  # type: ignore[no-untyped-def]
    # Import local : icalendar ne se charge qu'au premier agenda écrit (socle/calendrier.py).
    from icalendar import Alarm

    rencontre = inscription.rencontre
    evenement = evenement_vide()
    evenement.add("uid", uid_de(inscription))
    evenement.add("sequence", rencontre.sequence + inscription.sequence)
    evenement.add("dtstamp", timezone.now())
    evenement.add("dtstart", rencontre.debut)
    evenement.add("dtend", rencontre.fin)
    evenement.add("summary", rencontre.titre)
    lieu = ", ".join(x for x in (rencontre.lieu, str(rencontre.commune or "")) if x)
    if lieu:
        evenement.add("location", texte(lieu))
    evenement.add("url", lien_absolu(rencontre.get_absolute_url()))
    evenement.add("description", texte(rencontre.description))
    if est_annulee(inscription):
        evenement.add("status", "CANCELLED")
    else:
        evenement.add("status", "CONFIRMED" if inscription.etat == EtatInscription.CONFIRMEE else "TENTATIVE")
        alarme = Alarm()
        alarme.add("action", "DISPLAY")
        alarme.add("description", texte(rencontre.titre))
        alarme.add("trigger", -rencontre.rappel_dans_l_agenda)
        evenement.add_component(alarme)
    return evenement


def ics_inscription(inscription: Inscription) -> bytes:
    """Le fichier joint au courriel : la rencontre de cette inscription, ou son annulation."""
    cal = calendrier_vide(produit="Rencontres", nom=inscription.rencontre.titre)
    cal["method"] = "CANCEL" if est_annulee(inscription) else "PUBLISH"
    cal.add_component(_evenement(inscription))
    return bytes(cal.to_ical())


def ics_flux(inscriptions: Iterable[Inscription], *, nom: str) -> bytes:
    """Le flux privé d'une personne : ses rencontres, les annulées marquées annulées (un agenda
    abonné les retire)."""
    cal = calendrier_vide(produit="Rencontres", nom=nom)
    for inscription in inscriptions:
        cal.add_component(_evenement(inscription))
    return bytes(cal.to_ical())
