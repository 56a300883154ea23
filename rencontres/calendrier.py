"""Les fichiers d'agenda (RFC 5545) des rencontres : celui qui accompagne chaque courriel
d'inscription, et le flux privé des rencontres d'une personne.

L'UID d'une rencontre ne change jamais (`socle.calendrier.uid`) ; sa SEQUENCE est la somme de
la version de la rencontre (date, lieu, annulation) et de celle de l'inscription (annulée par
la personne) : elle ne fait que monter, et l'agenda remplace l'ancienne version. Une
inscription annulée, ou une rencontre annulée, part en METHOD:CANCEL / STATUS:CANCELLED.
L'alarme (VALARM) sonne `Rencontre.rappel_dans_l_agenda` avant le début.
"""

from collections.abc import Iterable
from datetime import timedelta

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


def _evenement(inscription: Inscription, *, sequence: int | None = None):  # type: ignore[no-untyped-def]
    # Import local : icalendar ne se charge qu'au premier agenda écrit (socle/calendrier.py).
    from icalendar import Alarm

    rencontre = inscription.rencontre
    evenement = evenement_vide()
    evenement.add("uid", uid_de(inscription))
    evenement.add("sequence", rencontre.sequence + inscription.sequence if sequence is None else sequence)
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
    """Le flux privé d'une personne : un événement par rencontre (son UID), les annulées
    marquées annulées (un agenda abonné les retire), la liste d'attente provisoire (TENTATIVE).

    Une personne qui a annulé puis s'est réinscrite a deux inscriptions à la même rencontre :
    l'événement est celui de l'inscription en cours (sinon la dernière), et sa SEQUENCE compte
    les versions de la rencontre, celles de chaque inscription et chaque réinscription, pour ne
    jamais redescendre. Les inscriptions viennent avec leur rencontre (`select_related`) : pas
    de requête ici."""
    # Import local : icalendar ne se charge qu'au premier agenda écrit (socle/calendrier.py).
    from icalendar import vDuration

    cal = calendrier_vide(produit="Rencontres", nom=nom)
    # Les agendas abonnés relisent le flux toutes les six heures (RFC 7986 et l'usage d'Outlook).
    cal.add("refresh-interval", vDuration(timedelta(hours=6)), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(timedelta(hours=6)))
    par_rencontre: dict[int, list[Inscription]] = {}
    for inscription in inscriptions:
        par_rencontre.setdefault(inscription.rencontre_id, []).append(inscription)
    groupes = sorted(par_rencontre.values(), key=lambda g: (g[0].rencontre.debut, g[0].rencontre_id))
    for groupe in groupes:
        retenue = max(groupe, key=lambda i: (i.etat != EtatInscription.ANNULEE, i.cree_le, i.pk))
        sequence = retenue.rencontre.sequence + sum(i.sequence for i in groupe) + len(groupe) - 1
        cal.add_component(_evenement(retenue, sequence=sequence))
    return bytes(cal.to_ical())
