"""Tâches des rencontres : elles prennent des identifiants (ou rien) et sont idempotentes.

- `envoyer_courriel_inscription` : le courriel d'un changement d'état d'une inscription, avec
  son fichier d'agenda ;
- `expirer_les_places` (toutes les dix minutes) : une place libérée proposée et pas confirmée à
  temps passe au suivant de la liste d'attente ;
- `appliquer_la_conservation` (chaque nuit) : les personnes des inscriptions anciennes sont
  effacées, les nombres restent ;
- `envoyer_courriel_changement` : la réponse à une demande de changement de chambre ou de
  navette ;
- `envoyer_les_rappels` (chaque heure) : J-7 et la veille, aux seules personnes inscrites avant
  que le rappel ne soit dû (une personne inscrite à J-5 n'a pas le rappel de J-7).
"""

from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencontres.calendrier import est_annulee, ics_inscription
from rencontres.jetons import jeton_de, liens_du_flux
from rencontres.models import (
    ETATS_ACTIFS,
    DemandeDeChangement,
    EtatInscription,
    GenreRappel,
    Inscription,
    MessageAuxInscrits,
    RappelEnvoye,
    Rencontre,
    StatutDemandeDeChangement,
    StatutRencontre,
)
from rencontres.services import (
    anonymiser_les_inscriptions,
    destinataires_du_message,
    expirer_les_places_proposees,
)
from rencontres.workflows import RENCONTRE_ANNULEE
from socle.courriels import courriel_construire, lien_absolu
from socle.francais import date_longue
from socle.selectors import evenements_de

RAPPELS = {GenreRappel.J_MOINS_7: timedelta(days=7), GenreRappel.J_MOINS_1: timedelta(days=1)}

SUJETS = {
    EtatInscription.CONFIRMEE: gettext_lazy("Inscription confirmée : %(r)s"),
    EtatInscription.EN_ATTENTE_DE_VALIDATION: gettext_lazy(
        "Inscription reçue, en attente de validation : %(r)s"
    ),
    EtatInscription.LISTE_D_ATTENTE: gettext_lazy("Liste d'attente : %(r)s"),
    EtatInscription.PLACE_PROPOSEE: gettext_lazy("Une place s'est libérée : %(r)s"),
    EtatInscription.ANNULEE: gettext_lazy("Inscription annulée : %(r)s"),
}


def _courriel(inscription: Inscription, gabarit: str, sujet: str, **contexte: Any) -> EmailMultiAlternatives:
    message = courriel_construire(
        gabarit=gabarit,
        sujet=sujet,
        destinataire=inscription.email,
        contexte={
            **contexte,
            "inscription": inscription,
            "rencontre": inscription.rencontre,
            "lien": lien_absolu(reverse("rencontres:inscription", kwargs={"jeton": jeton_de(inscription)})),
            "flux": liens_du_flux(inscription.email),
        },
    )
    methode = "CANCEL" if est_annulee(inscription) else "PUBLISH"
    message.attach(
        "rencontre.ics", ics_inscription(inscription), f"text/calendar; method={methode}; charset=utf-8"
    )
    return message


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_courriel_inscription(inscription_id: int, etat: str) -> None:
    """Le courriel de l'état `etat` d'une inscription, s'il est encore le sien (une annulation
    arrivée entre-temps rend caduc le courriel de confirmation)."""
    inscription = Inscription.objects.select_related("rencontre__commune").filter(pk=inscription_id).first()
    if inscription is None or inscription.etat != etat:
        return
    sujet = str(SUJETS[EtatInscription(etat)]) % {"r": inscription.rencontre.titre}
    _courriel(inscription, "rencontres/courriels/inscription", sujet).send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_changement_de_rencontre(rencontre_id: int, sequence: int) -> int:
    """Aux personnes inscrites (celles qui tiennent une place ou attendent) : la rencontre a
    changé (date, horaire, lieu) ou est annulée, avec le fichier d'agenda qui remplace l'ancien.
    Une version plus récente rend celle-ci caduque : elle enverra la sienne. Une reprise après
    une erreur SMTP renvoie le lot : un destinataire peut, au pire, le recevoir deux fois."""
    rencontre = Rencontre.objects.filter(pk=rencontre_id).first()
    if rencontre is None or rencontre.sequence != sequence:
        return 0
    annulee = rencontre.statut == StatutRencontre.ANNULEE
    sujet = (_("Rencontre annulée : %(r)s") if annulee else _("La rencontre a changé : %(r)s")) % {
        "r": rencontre.titre
    }
    inscriptions = (
        Inscription.objects.filter(rencontre=rencontre, etat__in=ETATS_ACTIFS)
        .exclude(email="")
        .select_related("rencontre__commune")
        .order_by("pk")
    )
    motif = ""
    if annulee:
        # Le motif est celui de l'annulation écrite au journal (socle.Evenement).
        motif = (
            evenements_de(rencontre)
            .filter(verbe=RENCONTRE_ANNULEE.code)
            .order_by("-cree_le")
            .values_list("motif", flat=True)
            .first()
            or ""
        )
    courriels = [
        _courriel(inscription, "rencontres/courriels/changement", sujet, motif=motif)
        for inscription in inscriptions
    ]
    for courriel in courriels:
        courriel.send()
    return len(courriels)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_courriel_changement(demande_id: int) -> None:
    """La réponse à une demande de changement de chambre ou de navette, à la personne inscrite
    (décidée : sinon rien)."""
    demande = (
        DemandeDeChangement.objects.select_related("participant__inscription__rencontre", "souhait")
        .filter(pk=demande_id)
        .first()
    )
    if demande is None or demande.statut == StatutDemandeDeChangement.EN_ATTENTE:
        return
    inscription = demande.participant.inscription
    if not inscription.email:
        return
    sujet = (
        _("Votre demande de changement est acceptée : %(r)s")
        if demande.statut == StatutDemandeDeChangement.ACCEPTEE
        else _("Votre demande de changement n'est pas acceptée : %(r)s")
    ) % {"r": inscription.rencontre.titre}
    courriel_construire(
        gabarit="rencontres/courriels/hebergement_changement",
        sujet=sujet,
        destinataire=inscription.email,
        contexte={
            "demande": demande,
            "inscription": inscription,
            "rencontre": inscription.rencontre,
            "lien": lien_absolu(reverse("rencontres:inscription", kwargs={"jeton": jeton_de(inscription)})),
        },
    ).send()


@shared_task
def expirer_les_places() -> int:
    return expirer_les_places_proposees()


@shared_task
def appliquer_la_conservation() -> int:
    """Chaque nuit : les inscriptions dont la durée de conservation est passée (docs/rgpd.md)."""
    return anonymiser_les_inscriptions()


def rappels_dus(maintenant: datetime) -> list[tuple[int, str]]:
    """(inscription, genre) des rappels dus maintenant et pas encore partis : la rencontre
    commence dans moins que le délai du rappel, et l'inscription est antérieure au moment où
    le rappel était dû."""
    dus: list[tuple[int, str]] = []
    for genre, avance in RAPPELS.items():
        inscriptions = Inscription.objects.filter(
            etat=EtatInscription.CONFIRMEE,
            rencontre__statut=StatutRencontre.PUBLIEE,
            rencontre__debut__gt=maintenant,
            rencontre__debut__lte=maintenant + avance,
        ).exclude(rappels__genre=genre)
        for pk, debut, inscrite_le in inscriptions.values_list("pk", "rencontre__debut", "cree_le"):
            if inscrite_le <= debut - avance:
                dus.append((pk, genre))
    return dus


@shared_task
def envoyer_les_rappels(maintenant: datetime | None = None) -> int:
    maintenant = maintenant or timezone.now()
    envoyes = 0
    for pk, genre in rappels_dus(maintenant):
        inscription = Inscription.objects.select_related("rencontre__commune").get(pk=pk)
        try:
            with transaction.atomic():
                RappelEnvoye.objects.create(inscription=inscription, genre=genre)
                sujet = _("Rappel : %(r)s, le %(d)s") % {
                    "r": inscription.rencontre.titre,
                    "d": date_longue(inscription.rencontre.debut),
                }
                _courriel(inscription, "rencontres/courriels/rappel", sujet).send()
        except IntegrityError:
            continue  # déjà parti (tâche rejouée en même temps)
        envoyes += 1
    return envoyes


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_message_aux_inscrits(message_id: int) -> int:
    """Un courriel par inscription visée et inscrite avant l'envoi du message. Une reprise après
    une erreur SMTP renvoie le lot : un destinataire peut, au pire, le recevoir deux fois."""
    message = MessageAuxInscrits.objects.select_related("rencontre", "activite").filter(pk=message_id).first()
    if message is None:
        return 0
    inscriptions = destinataires_du_message(
        message.rencontre, etat=message.etat, activite=message.activite
    ).filter(cree_le__lte=message.envoye_le)
    courriels = [
        courriel_construire(
            gabarit="rencontres/courriels/message",
            sujet=message.sujet,
            destinataire=inscription.email,
            contexte={
                "message": message,
                "inscription": inscription,
                "rencontre": message.rencontre,
                "lien": lien_absolu(
                    reverse("rencontres:inscription", kwargs={"jeton": jeton_de(inscription)})
                ),
            },
        )
        for inscription in inscriptions
    ]
    for courriel in courriels:
        courriel.send()
    return len(courriels)
