"""Tâches du recrutement : elles prennent des identifiants (ou rien) et sont idempotentes.

Délais choisis (constantes, à revoir avec le GCS) :
- `RECONFIRMATION` : quatre semaines après sa publication ou sa dernière confirmation, les
  recruteurs d'une offre publiée sont priés de dire si le poste est toujours ouvert ;
- `DELAI_DE_REPONSE` : deux semaines sans réponse, et l'offre expire.
Une offre dont la date limite est passée expire à la première tâche ; elle avait déjà quitté
les listes (les sélecteurs filtrent par date) et sa page répondait déjà 410.

La conservation des candidatures (CNIL, docs/rgpd.md §14), chaque nuit : les règles et leurs
délais sont dans `recrutement.services.conservation`.
"""

from datetime import datetime, timedelta

from celery import shared_task
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

# Le paquet, non ses noms : `services.conservation` demande une tâche de ce module.
from recrutement import services
from recrutement.jetons import vivier_jeton
from recrutement.models import Consentement, ObjetConsentement, Offre, StatutOffre
from socle.courriels import courriel_construire, lien_absolu
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
    return sum(services.offre_demander_confirmation(offre_id=pk, maintenant=maintenant) for pk in list(ids))


@shared_task
def expirer_les_offres() -> int:
    return expirer()


@shared_task
def demander_les_confirmations() -> int:
    return demander_confirmations()


def conserver(*, maintenant: datetime | None = None) -> dict[str, int]:
    """Applique les durées de conservation des candidatures : les viviers échus d'abord, puis
    les demandes de renouvellement, puis les fiches que rien ne retient plus. Rend ce qui a été
    fait ; rejouée, ne fait rien de plus."""
    maintenant = maintenant or timezone.now()
    conservation = services.conservation
    return {
        "viviers_echus": sum(
            conservation.vivier_echoir(consentement_id=pk, maintenant=maintenant)
            for pk in conservation.viviers_echus(maintenant)
        ),
        "renouvellements_demandes": sum(
            conservation.vivier_demander_renouvellement(consentement_id=pk, maintenant=maintenant)
            for pk in conservation.viviers_a_renouveler(maintenant)
        ),
        "anonymises": sum(
            conservation.candidat_conserver(candidat_id=pk, maintenant=maintenant)
            for pk in conservation.candidats_a_anonymiser(maintenant)
        ),
    }


@shared_task
def appliquer_la_conservation() -> dict[str, int]:
    return conserver()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_renouvellement_vivier(consentement_id: int) -> bool:
    """Le courriel du renouvellement : rien si le candidat a quitté le vivier ou été effacé
    entre-temps."""
    consentement = (
        Consentement.objects.select_related("candidat")
        .filter(
            pk=consentement_id,
            objet=ObjetConsentement.VIVIER,
            retire_le__isnull=True,
            renouvellement_demande_le__isnull=False,
            candidat__anonymise_le__isnull=True,
        )
        .first()
    )
    if consentement is None:
        return False
    candidat = consentement.candidat
    courriel_construire(
        gabarit="recrutement/courriels/renouvellement_vivier",
        sujet=_("Rester dans le vivier du GCS Partenaires Santé du Cotentin ?"),
        destinataire=candidat.email,
        contexte={
            "candidat": candidat,
            "echeance": timezone.localdate(consentement.echeance),
            "lien": lien_absolu(reverse("recrutement:vivier", kwargs={"jeton": vivier_jeton(candidat)})),
        },
    ).send()
    return True
