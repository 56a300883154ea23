"""Tâches du recrutement : elles prennent des identifiants (ou rien) et sont idempotentes.
Les courriels aux candidats (décision, offre proposée par le vivier) écrivent au journal une
fois partis : la tâche rejouée trouve la ligne et n'envoie rien de plus.

Délais choisis (constantes, à revoir avec le GCS) :
- `RECONFIRMATION` : quatre semaines après sa publication ou sa dernière confirmation, les
  recruteurs d'une offre publiée sont priés de dire si le poste est toujours ouvert ;
- `DELAI_DE_REPONSE` : deux semaines sans réponse, et l'offre expire.
Une offre dont la date limite est passée expire à la première tâche ; elle avait déjà quitté
les listes (les sélecteurs filtrent par date) et sa page répondait déjà 410.
"""

from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from recrutement.models import (
    Candidature,
    EtapeCandidature,
    Offre,
    PropositionVivier,
    SourceCandidature,
    StatutOffre,
)
from recrutement.services import offre_demander_confirmation
from recrutement.services.tableau import CLOTURE_ANNONCEE, ETAPES_ANNONCEES, PROPOSITION_ENVOYEE
from socle.courriels import courriel_construire, lien_absolu
from socle.models import Evenement
from socle.services import evenement_enregistrer
from socle.verbes import Verbe
from socle.workflows import TransitionRefusee, transition

RECONFIRMATION = timedelta(weeks=4)
DELAI_DE_REPONSE = timedelta(weeks=2)


def offres_a_expirer(maintenant: datetime) -> list[int]:
    """Les offres publiées échues, ou dont la confirmation demandée est restée sans réponse."""
    jour = timezone.localdate(maintenant)
    return list(
        Offre.objects.filter(statut=StatutOffre.PUBLIEE)
        .filter(Q(date_limite__lt=jour) | Q(confirmation_demandee_le__lte=maintenant - DELAI_DE_REPONSE))
        .values_list("pk", flat=True)
    )


def expirer(*, maintenant: datetime | None = None) -> int:
    """Expire ce qui doit l'être ; rend le nombre d'offres expirées. Rejouée, ne fait rien de plus."""
    maintenant = maintenant or timezone.now()
    jour = timezone.localdate(maintenant)
    expirees = 0
    for pk in offres_a_expirer(maintenant):
        offre = Offre.objects.filter(pk=pk).first()
        if offre is None:
            continue
        motif = (
            _("Date limite de candidature passée.")
            if offre.date_limite < jour
            else _("Aucune réponse à la demande de confirmation.")
        )
        try:
            transition(offre, vers=StatutOffre.EXPIREE, acteur=None, motif=motif)
        except TransitionRefusee:
            continue  # déjà close entre-temps (pourvue, retirée, expirée par une autre tâche)
        expirees += 1
    return expirees


def demander_confirmations(*, maintenant: datetime | None = None) -> int:
    """Demande aux recruteurs des offres publiées depuis `RECONFIRMATION` sans confirmation si
    le poste est toujours ouvert ; rend le nombre de demandes faites."""
    maintenant = maintenant or timezone.now()
    ids = Offre.objects.filter(
        statut=StatutOffre.PUBLIEE,
        confirmation_demandee_le__isnull=True,
        confirmee_le__lte=maintenant - RECONFIRMATION,
    ).values_list("pk", flat=True)
    return sum(offre_demander_confirmation(offre_id=pk, maintenant=maintenant) for pk in list(ids))


@shared_task
def expirer_les_offres() -> int:
    return expirer()


@shared_task
def demander_les_confirmations() -> int:
    return demander_confirmations()


# --- Courriels aux candidats ----------------------------------------------------------------


def _deja_fait(verbe: Verbe, cible: Any) -> bool:
    return Evenement.objects.filter(
        verbe=verbe.code, cible_type=ContentType.objects.get_for_model(cible), cible_id=str(cible.pk)
    ).exists()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def annoncer_la_decision(candidature_id: int) -> None:
    """Annonce au candidat la décision sur sa candidature (retenue, non retenue), en termes
    neutres, une seule fois pour une même décision même si la tâche est rejouée."""
    with transaction.atomic():
        candidature = (
            Candidature.objects.select_for_update(of=("self",))
            .select_related("candidat", "offre__employeur")
            .defer("offre__employeur__commune__contour")
            .filter(pk=candidature_id, anonymisee_le__isnull=True, etape__in=ETAPES_ANNONCEES)
            .first()
        )
        if candidature is None or candidature.candidat.est_anonymise:
            return
        deja = Evenement.objects.filter(
            verbe=CLOTURE_ANNONCEE.code,
            cible_type=ContentType.objects.get_for_model(candidature),
            cible_id=str(candidature.pk),
            etat_apres=candidature.etape,
        )
        if deja.exists():
            return
        retenue = candidature.etape == EtapeCandidature.RETENUE
        courriel_construire(
            gabarit="recrutement/courriels/decision",
            sujet=_("Votre candidature : %(o)s") % {"o": candidature.offre.titre},
            destinataire=candidature.candidat.email,
            contexte={"candidature": candidature, "retenue": retenue},
        ).send()
        # L'envoi précède l'écriture (comme socle.tasks.envoyer_notification).
        evenement_enregistrer(verbe=CLOTURE_ANNONCEE, cible=candidature, etat_apres=candidature.etape)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_la_proposition(proposition_id: int) -> None:
    """Envoie au candidat du vivier l'offre qu'un recruteur lui propose, une seule fois."""
    with transaction.atomic():
        proposition = (
            PropositionVivier.objects.select_for_update(of=("self",))
            .select_related("candidat", "offre__employeur")
            .defer("offre__employeur__commune__contour")
            .filter(pk=proposition_id, candidat__anonymise_le__isnull=True)
            .first()
        )
        if proposition is None or _deja_fait(PROPOSITION_ENVOYEE, proposition):
            return
        lien = lien_absolu(f"{proposition.offre.url_publique()}?source={SourceCandidature.VIVIER.value}")
        courriel_construire(
            gabarit="recrutement/courriels/proposition_vivier",
            sujet=_("Une offre pour vous : %(o)s") % {"o": proposition.offre.titre},
            destinataire=proposition.candidat.email,
            contexte={"proposition": proposition, "offre": proposition.offre, "lien": lien},
        ).send()
        evenement_enregistrer(verbe=PROPOSITION_ENVOYEE, cible=proposition)
