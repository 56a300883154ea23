"""La boîte d'envoi des tâches : ce qu'un service demande à un worker ne se perd pas.

Un service appelle `demander(tache, *arguments)` dans sa transaction : la demande est écrite
dans PostgreSQL (`TacheDemandee`) avec ce que le service a écrit, et n'est envoyée au broker
(Redis) qu'une fois la transaction validée. Si le broker ne répond pas, rien n'est levé :
l'action de l'usager est faite et le dit ; la tâche part au balayage suivant
(`socle.tasks.relancer_les_taches`, chaque minute), quand Redis est revenu.

Le worker marque la demande commencée puis faite (signaux de Celery, `enregistrer_les_signaux`).
Le balayage renvoie aussi une tâche envoyée mais jamais commencée (un Redis redémarré perd ses
files) et une tâche commencée mais pas finie dans sa durée maximale (un worker mort) ; après
`ENVOIS_MAX` envois, elle est abandonnée et l'erreur va aux exploitants (journal `ERROR`,
courriel aux `ADMINS` en production). Une tâche peut donc s'exécuter plus d'une fois : toutes
sont idempotentes (elles prennent des identifiants et vérifient ce qui reste à faire).

Anchors : le motif « transactional outbox » ; django-celery-outbox, healthchecks (un travail
qui ne se signale pas est en retard).
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from functools import partial
from typing import Any

from celery import current_app
from celery.signals import task_failure, task_prerun, task_success
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from kombu.exceptions import OperationalError as ErreurDuBroker

from socle.models import TacheDemandee

journal = logging.getLogger(__name__)

# Une demande que l'envoi après validation n'a pas fait partir (broker arrêté) est renvoyée
# par le balayage après ce délai ; puis de plus en plus rarement (`_attente_avant_l_essai_suivant`).
DELAI_AVANT_RELANCE = timedelta(minutes=1)
# Envoyée mais pas commencée après ce délai : le message est perdu (Redis redémarré).
DELAI_DE_DEMARRAGE = timedelta(minutes=5)
# Commencée mais pas finie après sa durée maximale (`time_limit` de la tâche, sinon celle-ci) :
# le worker est mort. Les tâches longues (le bilan) déclarent la leur.
DUREE_MAX_PAR_DEFAUT = timedelta(minutes=15)
ENVOIS_MAX = 10
LOT_DU_BALAYAGE = 500
# Une demande faite n'est plus utile que pour comprendre un incident récent.
CONSERVATION_DES_FAITES = timedelta(days=30)

# Ce que lève l'envoi quand le broker ne répond pas : kombu enveloppe les erreurs de connexion
# de redis-py dans OperationalError ; une socket refusée peut remonter en OSError.
ERREURS_DU_BROKER = (ErreurDuBroker, OSError)


# Les demandes écrites sous `envois_retenus` : elles attendent la décision du bloc au lieu de
# partir au broker à la validation.
_RETENUES: ContextVar[list[Any] | None] = ContextVar("envois_retenus", default=None)


@contextmanager
def envois_retenus() -> Iterator[list[Any]]:
    """Les demandes écrites dans le bloc sont enregistrées comme d'habitude mais ne partent pas
    au broker à la validation : le bloc reçoit leurs identifiants et décide (la démonstration
    solde les courriels de notifications datées du passé et confie le reste au worker,
    cotentin_sante/demo.py). Rien n'est perdu : une demande oubliée repart au balayage."""
    retenues: list[Any] = []
    jeton = _RETENUES.set(retenues)
    try:
        yield retenues
    finally:
        _RETENUES.reset(jeton)


def _apres_validation(pks: list[Any]) -> None:
    retenues = _RETENUES.get()
    if retenues is not None:
        retenues.extend(pks)
    else:
        transaction.on_commit(partial(envoyer_toutes, pks))


def demander(tache: Any, *arguments: Any) -> TacheDemandee:
    """Écrit la demande dans la transaction en cours et l'envoie au broker après validation.
    Les arguments sont des identifiants (JSON) : le worker relit la base."""
    demande = TacheDemandee.objects.create(nom=tache.name, arguments=list(arguments))
    _apres_validation([demande.pk])
    return demande


def demander_en_lot(tache: Any, lot: list[tuple[Any, ...]]) -> list[TacheDemandee]:
    """Comme `demander`, pour plusieurs appels de la même tâche (une notification par
    destinataire) : une seule écriture, quel que soit leur nombre."""
    demandes = TacheDemandee.objects.bulk_create(
        [TacheDemandee(nom=tache.name, arguments=list(arguments)) for arguments in lot]
    )
    if demandes:
        _apres_validation([demande.pk for demande in demandes])
    return demandes


def envoyer_toutes(pks: list[Any]) -> set[Any]:
    """Envoie des demandes au broker ; ne lève jamais pour un broker absent (ce qui n'est pas
    parti reste à faire et le balayage le renverra). Rend les identifiants partis.

    Une lecture et une écriture pour tout le lot, quel qu'en soit le nombre (une notification
    par destinataire d'une convocation en fait des dizaines) ; au premier refus du broker, le
    reste du lot n'est pas essayé (chaque essai attendrait le même délai de connexion)."""
    demandes = list(
        TacheDemandee.objects.filter(pk__in=pks, faite_le__isnull=True, abandonnee_le__isnull=True).order_by(
            "demandee_le", "pk"
        )
    )
    if not demandes:
        return set()
    if current_app.conf.task_always_eager:
        return {demande.pk for demande in demandes if _executer_ici(demande)}
    parties: list[Any] = []
    erreur: BaseException | None = None
    for demande in demandes:
        try:
            current_app.tasks[demande.nom].apply_async(
                args=demande.arguments, task_id=str(demande.pk), retry=False
            )
        except ERREURS_DU_BROKER as refus:
            erreur = refus
            break
        parties.append(demande.pk)
    if parties:
        TacheDemandee.objects.filter(pk__in=parties).update(envois=F("envois") + 1, envoyee_le=Now())
    if erreur is not None:
        restees = [demande.pk for demande in demandes[len(parties) :]]
        premiere = demandes[len(parties)]
        journal.warning(
            "Tâche %s (%s) non envoyée, broker indisponible : %s ; le reste du lot attend (%s)",
            premiere.nom,
            premiere.pk,
            erreur,
            len(restees) - 1,
        )
        TacheDemandee.objects.filter(pk__in=restees).update(
            envois=F("envois") + 1, derniere_erreur=f"Broker indisponible : {erreur}"[:2000]
        )
    return set(parties)


def _executer_ici(demande: TacheDemandee) -> bool:
    """Tests : la tâche s'exécute ici même, et ses erreurs remontent au test (le mode « eager »
    qui propage ne passe pas par le signal d'échec : on note l'erreur ici)."""
    TacheDemandee.objects.filter(pk=demande.pk).update(envois=F("envois") + 1)
    try:
        current_app.tasks[demande.nom].apply_async(args=demande.arguments, task_id=str(demande.pk))
    except Exception as erreur:
        _echouee(task_id=str(demande.pk), exception=erreur)
        raise
    TacheDemandee.objects.filter(pk=demande.pk).update(envoyee_le=Now())
    return True


def envoyer(pk: Any) -> bool:
    """Envoie une demande au broker (voir `envoyer_toutes`). Rend vrai si elle est partie."""
    return bool(envoyer_toutes([pk]))


def _duree_max(nom: str) -> timedelta:
    tache = current_app.tasks.get(nom)
    limite = getattr(tache, "time_limit", None)
    return timedelta(seconds=limite) + DELAI_AVANT_RELANCE if limite else DUREE_MAX_PAR_DEFAUT


def _attente_avant_l_essai_suivant(envois: int) -> timedelta:
    """Depuis la demande : 1 min après le premier envoi manqué, puis 3, 6, 10… (le délai
    grandit d'une minute à chaque essai) ; `ENVOIS_MAX` essais couvrent donc près d'une heure
    d'arrêt du broker avant l'abandon."""
    essais = max(1, envois)
    return DELAI_AVANT_RELANCE * (essais * (essais + 1) // 2)


def a_relancer(maintenant: Any = None) -> list[TacheDemandee]:
    """Les demandes ni faites ni abandonnées que le balayage doit renvoyer maintenant."""
    maintenant = maintenant or timezone.now()
    candidates = TacheDemandee.objects.filter(faite_le__isnull=True, abandonnee_le__isnull=True).filter(
        Q(envoyee_le__isnull=True, demandee_le__lte=maintenant - DELAI_AVANT_RELANCE)
        | Q(envoyee_le__isnull=False)
    )
    choisies = []
    for demande in candidates.order_by("demandee_le")[:LOT_DU_BALAYAGE]:
        if demande.envoyee_le is None:
            due = demande.demandee_le + _attente_avant_l_essai_suivant(demande.envois) <= maintenant
        elif demande.commencee_le is None:
            due = demande.envoyee_le + DELAI_DE_DEMARRAGE <= maintenant
        else:
            due = demande.commencee_le + _duree_max(demande.nom) <= maintenant
        if due:
            choisies.append(demande)
    return choisies


def relancer(maintenant: Any = None) -> dict[str, int]:
    """Le balayage : renvoie ce qui doit l'être, abandonne ce qui a été envoyé `ENVOIS_MAX` fois."""
    bilan = {"renvoyees": 0, "abandonnees": 0}
    for demande in a_relancer(maintenant):
        if demande.envois >= ENVOIS_MAX:
            TacheDemandee.objects.filter(pk=demande.pk).update(abandonnee_le=Now())
            journal.error(
                "Tâche %s (%s) abandonnée après %s envois : %s",
                demande.nom,
                demande.pk,
                demande.envois,
                demande.derniere_erreur or "jamais finie",
            )
            bilan["abandonnees"] += 1
            continue
        # Renvoyée : elle repart de zéro (envoyée, pas commencée).
        TacheDemandee.objects.filter(pk=demande.pk).update(commencee_le=None)
        if envoyer(demande.pk):
            bilan["renvoyees"] += 1
    return bilan


def effacer_les_anciennes(maintenant: Any = None) -> int:
    """Efface les demandes faites depuis plus de `CONSERVATION_DES_FAITES` (les abandonnées
    restent : un exploitant doit les voir)."""
    maintenant = maintenant or timezone.now()
    effacees, _ = TacheDemandee.objects.filter(faite_le__lt=maintenant - CONSERVATION_DES_FAITES).delete()
    return effacees


def relancer_maintenant(demande: TacheDemandee) -> bool:
    """Renvoie une demande tout de suite (bouton « Relancer » d'une page) ; une abandonnée repart."""
    TacheDemandee.objects.filter(pk=demande.pk, faite_le__isnull=True).update(
        abandonnee_le=None, commencee_le=None, envois=0
    )
    return envoyer(demande.pk)


def derniere_demande(nom: str, *arguments: Any) -> TacheDemandee | None:
    """La dernière demande de la tâche `nom` pour ces arguments (l'état d'un travail sur sa
    page) ; par son nom, pour qu'un modèle la lise sans importer le module de ses tâches."""
    return TacheDemandee.objects.filter(nom=nom, arguments=list(arguments)).order_by("-demandee_le").first()


# --- Ce que le worker dit de ses tâches ----------------------------------------------------


def _commencee(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        TacheDemandee.objects.filter(pk=task_id).update(commencee_le=Now())


def _faite(sender: Any = None, **_: Any) -> None:
    task_id = getattr(getattr(sender, "request", None), "id", None)
    if task_id:
        TacheDemandee.objects.filter(pk=task_id).update(faite_le=Now(), derniere_erreur="")


def _echouee(task_id: str | None = None, exception: BaseException | None = None, **_: Any) -> None:
    if task_id:
        TacheDemandee.objects.filter(pk=task_id).update(derniere_erreur=repr(exception)[:2000])


def enregistrer_les_signaux() -> None:
    """Appelé par `SocleConfig.ready()` : dans le worker comme dans les tests en mode eager."""
    task_prerun.connect(_commencee, weak=False, dispatch_uid="socle.taches.commencee")
    task_success.connect(_faite, weak=False, dispatch_uid="socle.taches.faite")
    task_failure.connect(_echouee, weak=False, dispatch_uid="socle.taches.echouee")
