"""Tâches du recrutement : elles prennent des identifiants (ou rien) et sont idempotentes.
Les offres échues et leur reconfirmation ; les courriels des candidats (liens signés,
accusé de réception) et des alertes aux nouvelles offres, demandés par les services.
Les courriels aux candidats (décision, offre proposée par le vivier) écrivent au journal une
fois partis : la tâche rejouée trouve la ligne et n'envoie rien de plus.

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
from typing import Any

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from recrutement.jetons import VALIDITE, candidature_jeton, cle_de_l_adresse, espace_jeton, vivier_jeton
from recrutement.models import (
    Alerte,
    Candidat,
    Candidature,
    Consentement,
    EtapeCandidature,
    ObjetConsentement,
    Offre,
    PropositionVivier,
    SourceCandidature,
    StatutOffre,
)
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
    # Import local : les services demandent les tâches de ce module (import circulaire).

    maintenant = maintenant or timezone.now()
    ids = Offre.objects.filter(
        statut=StatutOffre.PUBLIEE,
        confirmation_demandee_le__isnull=True,
        confirmee_le__lte=maintenant - RECONFIRMATION,
    ).values_list("pk", flat=True)
    # Import local : les services demandent les tâches de ce module (cercle services ↔ tasks).
    from recrutement.services import offre_demander_confirmation

    return sum(offre_demander_confirmation(offre_id=pk, maintenant=maintenant) for pk in list(ids))


@shared_task
def expirer_les_offres() -> int:
    return expirer()


@shared_task
def demander_les_confirmations() -> int:
    return demander_confirmations()


# --- Courriels des candidats et des alertes -----------------------------------------------
#
# Rejouées, elles renvoient le même courriel : sans dommage (un lien de plus, valable 48 h).


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_lien_de_candidature(offre_id: int, cle: str) -> None:
    """Le lien signé qui ouvre le formulaire de candidature, à l'adresse que le service a
    laissée dans le cache sous `cle` ; effacée une fois le courriel parti (rejouée, la tâche
    n'envoie rien de plus)."""
    email = cache.get(cle_de_l_adresse(cle))
    offre = Offre.objects.filter(pk=offre_id).first()
    if offre is None or not email:
        return
    chemin = reverse(
        "recrutement:postuler_lien", kwargs={"pk": offre.pk, "jeton": candidature_jeton(offre.pk, email)}
    )
    courriel_construire(
        gabarit="recrutement/courriels/lien_de_candidature",
        sujet=_("Votre candidature : %(o)s") % {"o": offre.titre},
        destinataire=email,
        contexte={
            "offre": offre,
            "lien": lien_absolu(chemin),
            "heures": int(VALIDITE.total_seconds() // 3600),
        },
    ).send()
    cache.delete(cle_de_l_adresse(cle))


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_lien_de_l_espace(candidat_id: int) -> None:
    """Le lien signé de l'espace candidat (fiche ni effacée ni fusionnée)."""
    candidat = Candidat.objects.filter(
        pk=candidat_id, anonymise_le__isnull=True, fusionne_dans__isnull=True
    ).first()
    if candidat is None:
        return
    chemin = reverse("recrutement:espace_lien", kwargs={"jeton": espace_jeton(candidat)})
    courriel_construire(
        gabarit="recrutement/courriels/lien_de_l_espace",
        sujet=_("Votre espace candidat"),
        destinataire=candidat.email,
        contexte={
            "candidat": candidat,
            "lien": lien_absolu(chemin),
            "heures": int(VALIDITE.total_seconds() // 3600),
        },
    ).send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_confirmation_de_candidature(candidature_id: int) -> None:
    """L'accusé de réception d'une candidature, avec le lien de l'espace candidat."""
    candidature = (
        Candidature.objects.select_related("offre__employeur", "candidat")
        .filter(pk=candidature_id, anonymisee_le__isnull=True)
        .first()
    )
    if candidature is None or candidature.candidat.anonymise_le is not None:
        return
    candidat = candidature.candidat
    if candidat.compte_id is not None:
        chemin = reverse("recrutement:espace")
    else:
        chemin = reverse("recrutement:espace_lien", kwargs={"jeton": espace_jeton(candidat)})
    courriel_construire(
        gabarit="recrutement/courriels/candidature_recue",
        sujet=_("Candidature reçue : %(o)s") % {"o": candidature.offre.titre},
        destinataire=candidat.email,
        contexte={
            "candidature": candidature,
            "lien": lien_absolu(chemin),
            "avec_compte": candidat.compte_id is not None,
            "acces": lien_absolu(reverse("recrutement:espace_acces")),
            "heures": int(VALIDITE.total_seconds() // 3600),
        },
    ).send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_confirmation_d_alerte(alerte_id: int) -> None:
    """Le lien qui confirme une alerte (pas encore confirmée)."""
    alerte = (
        Alerte.objects.select_related("profession", "pole")
        .filter(pk=alerte_id, confirmee_le__isnull=True)
        .first()
    )
    if alerte is None:
        return
    courriel_construire(
        gabarit="recrutement/courriels/alerte_a_confirmer",
        sujet=_("Confirmez votre alerte : %(p)s") % {"p": alerte.profession.libelle},
        destinataire=alerte.email,
        contexte={
            "alerte": alerte,
            "lien": lien_absolu(reverse("recrutement:alerte_confirmer", kwargs={"cle": alerte.cle})),
            "suppression": lien_absolu(reverse("recrutement:alerte_supprimer", kwargs={"cle": alerte.cle})),
        },
    ).send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_les_alertes(offre_id: int) -> int:
    """Envoie une offre qui vient d'être publiée aux alertes qui la demandent (une fois chacune)."""
    # Import local : les services demandent les tâches de ce module (import circulaire).
    from recrutement.services import offre_envoyer_aux_alertes

    return offre_envoyer_aux_alertes(offre_id=offre_id)


# --- Conservation des candidatures (chaque nuit) ------------------------------------------


def conserver(*, maintenant: datetime | None = None) -> dict[str, int]:
    """Applique les durées de conservation des candidatures : les viviers échus d'abord, puis
    les demandes de renouvellement, puis les fiches que rien ne retient plus. Rend ce qui a été
    fait ; rejouée, ne fait rien de plus."""
    # Import local : les services demandent les tâches de ce module (cercle services ↔ tasks).
    from recrutement.services import conservation

    maintenant = maintenant or timezone.now()
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


# --- Courriels aux candidats ----------------------------------------------------------------


def _deja_fait(verbe: Verbe, cible: Any) -> bool:
    return Evenement.objects.filter(
        verbe=verbe.code, cible_type=ContentType.objects.get_for_model(cible), cible_id=str(cible.pk)
    ).exists()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def annoncer_la_decision(candidature_id: int) -> None:
    """Annonce au candidat la décision sur sa candidature (retenue, non retenue), en termes
    neutres, une seule fois pour une même décision même si la tâche est rejouée."""
    # Import local : les services demandent les tâches de ce module (cercle services ↔ tasks).
    from recrutement.services.tableau import CLOTURE_ANNONCEE, ETAPES_ANNONCEES

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
    # Import local : les services demandent les tâches de ce module (cercle services ↔ tasks).
    from recrutement.services.tableau import PROPOSITION_ENVOYEE

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
