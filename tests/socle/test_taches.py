"""La boîte d'envoi des tâches (socle/taches.py) : ce qu'un service demande est écrit dans sa
transaction, part après validation, et n'est pas perdu quand le broker ne répond pas.

Le broker arrêté est réel : Celery vise un port où rien n'écoute (`broker_arrete`)."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from socle import taches
from socle.models import EntreeDeCacheDeSecours, Notification, TacheDemandee
from socle.services import apres_validation, notifier
from socle.tasks import envoyer_notification, relancer_les_taches
from tests.comptes.factories import UtilisateurFactory
from tests.outils import VERBE_ESSAI, broker_arrete

pytestmark = pytest.mark.django_db


def _notifier(destinataires: list) -> list[Notification]:
    return notifier(
        destinataires=destinataires,
        verbe=VERBE_ESSAI,
        titre="Essai",
        gabarit="comptes/notifications/invitation_acceptee.txt",
        url="/",
    )


@pytest.fixture
def personne():
    return UtilisateurFactory(frequence_notifications="immediate")


def test_la_demande_est_ecrite_dans_la_transaction_et_part_apres_validation(
    personne, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        [notification] = _notifier([personne])
        demande = TacheDemandee.objects.get()
        assert (demande.nom, demande.arguments) == ("socle.tasks.envoyer_notification", [notification.pk])
        assert demande.envoyee_le is None and mailoutbox == []
    assert len(rappels) == 1
    demande = TacheDemandee.objects.get(pk=demande.pk)
    # Le worker (ici, dans le processus) l'a commencée puis faite : les signaux de Celery.
    assert demande.envois == 1
    assert demande.envoyee_le and demande.commencee_le and demande.faite_le
    assert demande.derniere_erreur == ""
    assert len(mailoutbox) == 1


def test_des_envois_retenus_attendent_la_decision_du_bloc(
    personne, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        with taches.envois_retenus() as retenues:
            _notifier([personne, UtilisateurFactory(frequence_notifications="immediate")])
    assert rappels == [] and mailoutbox == []
    assert sorted(retenues) == sorted(TacheDemandee.objects.values_list("pk", flat=True))
    # Hors du bloc, l'envoi redevient immédiat ; les retenues partent quand on les envoie.
    assert len(taches.envoyer_toutes(retenues)) == 2
    assert len(mailoutbox) == 2


def test_une_transaction_annulee_n_envoie_rien(personne, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        try:
            with transaction.atomic():
                _notifier([personne])
                raise RuntimeError("annulée")
        except RuntimeError:
            pass
    assert rappels == []
    assert not TacheDemandee.objects.exists()
    assert mailoutbox == []


def test_plusieurs_destinataires_une_seule_ecriture(django_assert_num_queries):
    personnes = UtilisateurFactory.create_batch(5, frequence_notifications="immediate")
    with django_assert_num_queries(2):  # les notifications, les demandes : quel que soit leur nombre
        _notifier(personnes)
    assert TacheDemandee.objects.count() == 5


def test_broker_arrete_tout_le_lot_attend_et_un_seul_essai_de_connexion(
    django_capture_on_commit_callbacks, mailoutbox, caplog
):
    personnes = UtilisateurFactory.create_batch(5, frequence_notifications="immediate")
    with broker_arrete(), django_capture_on_commit_callbacks(execute=True):
        _notifier(personnes)
    demandes = list(TacheDemandee.objects.all())
    assert len(demandes) == 5
    assert all(d.envois == 1 and d.envoyee_le is None for d in demandes)
    assert all("Broker indisponible" in d.derniere_erreur for d in demandes)
    # Un essai, un avertissement : le reste du lot n'attend pas chacun son délai de connexion.
    [avertissement] = [r for r in caplog.records if r.name == "socle.taches"]
    assert "le reste du lot attend (4)" in avertissement.getMessage()
    assert mailoutbox == []


def test_l_envoi_d_un_lot_au_vrai_broker_ne_coute_pas_une_requete_par_tache(django_assert_num_queries):
    """Hors du mode « eager » (le vrai Redis des tests) : une lecture et une écriture pour le
    lot, qu'il compte une tâche ou vingt."""
    from cotentin_sante.celery import app

    personnes = UtilisateurFactory.create_batch(20, frequence_notifications="immediate")
    with transaction.atomic():
        _notifier(personnes[:1])
        _notifier(personnes)
    une, vingt = (
        [d.pk for d in TacheDemandee.objects.order_by("demandee_le", "pk")][:1],
        [d.pk for d in TacheDemandee.objects.order_by("demandee_le", "pk")][1:],
    )
    avant = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with django_assert_num_queries(2):
            assert taches.envoyer_toutes(une) == set(une)
        with django_assert_num_queries(2):
            assert taches.envoyer_toutes(vingt) == set(vingt)
    finally:
        app.conf.task_always_eager = avant
        app.control.purge()  # personne ne les attend : la file de ce processus est vidée
    assert TacheDemandee.objects.filter(envois=1, envoyee_le__isnull=False).count() == 21
    # Déjà parties et pas encore faites : un second envoi les renverrait (le balayage, lui, ne
    # renvoie qu'après DELAI_DE_DEMARRAGE) ; les faites ne repartent jamais.
    TacheDemandee.objects.filter(pk__in=vingt).update(faite_le=timezone.now())
    with django_assert_num_queries(1):
        assert taches.envoyer_toutes(vingt) == set()


def test_broker_arrete_l_action_aboutit_et_la_tache_attend(
    personne, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    with broker_arrete(), django_capture_on_commit_callbacks(execute=True):
        [notification] = _notifier([personne])
    demande = TacheDemandee.objects.get()
    assert demande.envoyee_le is None and demande.faite_le is None
    assert demande.envois == 1
    assert "Broker indisponible" in demande.derniere_erreur
    assert "non envoyée, broker indisponible" in caplog.text
    assert Notification.objects.filter(pk=notification.pk).exists()
    assert mailoutbox == []

    # Trop tôt : le balayage attend DELAI_AVANT_RELANCE.
    assert taches.a_relancer() == []
    # Redis revenu, une minute plus tard : le balayage l'envoie, elle est faite.
    plus_tard = timezone.now() + taches.DELAI_AVANT_RELANCE + timedelta(seconds=1)
    assert taches.relancer(plus_tard) == {"renvoyees": 1, "abandonnees": 0}
    demande = TacheDemandee.objects.get(pk=demande.pk)
    assert demande.faite_le is not None and demande.envois == 2
    assert len(mailoutbox) == 1
    # Faite : le balayage ne la renvoie plus.
    assert taches.a_relancer(plus_tard + timedelta(hours=1)) == []


def test_le_balayage_espace_ses_essais_puis_abandonne_et_le_dit(caplog):
    # Le premier envoi, après validation, a échoué (broker arrêté).
    demande = TacheDemandee.objects.create(nom=envoyer_notification.name, arguments=[0], envois=1)
    debut = demande.demandee_le
    with broker_arrete():
        for essais in range(1, taches.ENVOIS_MAX):
            # Le balayage attend 1, 3, 6, 10… minutes depuis la demande.
            echeance = debut + taches.DELAI_AVANT_RELANCE * (essais * (essais + 1) // 2)
            assert taches.a_relancer(echeance - timedelta(seconds=1)) == []
            assert taches.relancer(echeance) == {"renvoyees": 0, "abandonnees": 0}
            demande = TacheDemandee.objects.get(pk=demande.pk)
            assert demande.envois == essais + 1
    with caplog.at_level(logging.ERROR, logger="socle.taches"):
        assert taches.relancer(debut + timedelta(hours=1)) == {"renvoyees": 0, "abandonnees": 1}
    demande = TacheDemandee.objects.get(pk=demande.pk)
    assert demande.abandonnee_le is not None
    assert "abandonnée après 10 envois" in caplog.text
    assert taches.a_relancer(debut + timedelta(days=1)) == []
    # Un exploitant la relance à la main (administration) : elle repart de zéro, et se fait
    # (la notification 0 n'existe pas : la tâche n'a rien à faire, elle est faite).
    assert taches.relancer_maintenant(demande) is True
    demande = TacheDemandee.objects.get(pk=demande.pk)
    assert demande.abandonnee_le is None and demande.faite_le is not None


def test_envoyee_mais_jamais_commencee_est_renvoyee(personne, mailoutbox):
    """Un Redis redémarré sans persistance perd ses files : le message n'arrive jamais."""
    [notification] = Notification.objects.bulk_create(
        [Notification(destinataire=personne, verbe=VERBE_ESSAI.code, titre="Essai", message="m", url="/")]
    )
    demande = TacheDemandee.objects.create(
        nom=envoyer_notification.name, arguments=[notification.pk], envoyee_le=timezone.now(), envois=1
    )
    assert taches.a_relancer(timezone.now() + timedelta(minutes=1)) == []
    plus_tard = timezone.now() + taches.DELAI_DE_DEMARRAGE + timedelta(seconds=1)
    assert taches.a_relancer(plus_tard) == [demande]
    taches.relancer(plus_tard)
    demande = TacheDemandee.objects.get(pk=demande.pk)
    assert demande.faite_le is not None
    assert len(mailoutbox) == 1


def test_commencee_mais_pas_finie_est_renvoyee_apres_sa_duree_maximale():
    """Le worker est mort en route : la durée maximale est celle de la tâche (`time_limit`)."""
    from bilan.tasks import generer_version

    maintenant = timezone.now()
    demande = TacheDemandee.objects.create(
        nom=generer_version.name, arguments=[0], envoyee_le=maintenant, commencee_le=maintenant, envois=1
    )
    duree = timedelta(seconds=generer_version.time_limit)
    assert taches.a_relancer(maintenant + duree) == []
    assert taches.a_relancer(maintenant + duree + taches.DELAI_AVANT_RELANCE + timedelta(seconds=1)) == [
        demande
    ]
    ordinaire = TacheDemandee.objects.create(
        nom=envoyer_notification.name, arguments=[0], envoyee_le=maintenant, commencee_le=maintenant, envois=1
    )
    assert ordinaire not in taches.a_relancer(maintenant + taches.DUREE_MAX_PAR_DEFAUT - timedelta(seconds=1))
    assert ordinaire in taches.a_relancer(maintenant + taches.DUREE_MAX_PAR_DEFAUT + timedelta(seconds=1))


def test_une_tache_en_echec_garde_son_erreur_et_reste_a_faire(personne):
    """Le courriel n'est pas parti (SMTP) : la tâche échoue, la demande le dit et sera renvoyée."""
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            demande = apres_validation(_tache_qui_echoue, 1)
            taches.envoyer(demande.pk)
    # L'échec a annulé le point de sauvegarde : on rejoue hors transaction englobante.
    demande = TacheDemandee.objects.create(nom=_tache_qui_echoue.name, arguments=[1])
    with pytest.raises(ZeroDivisionError):
        taches.envoyer(demande.pk)
    demande = TacheDemandee.objects.get(pk=demande.pk)
    assert demande.faite_le is None and demande.commencee_le is not None
    assert "ZeroDivisionError" in demande.derniere_erreur


def test_le_balayage_efface_les_demandes_faites_depuis_longtemps_et_le_cache_echu():
    ancienne = timezone.now() - taches.CONSERVATION_DES_FAITES - timedelta(days=1)
    TacheDemandee.objects.create(nom="x", faite_le=ancienne)
    recente = TacheDemandee.objects.create(nom="x", faite_le=timezone.now())
    abandonnee = TacheDemandee.objects.create(nom="x", abandonnee_le=ancienne)
    EntreeDeCacheDeSecours.objects.create(cache_key="echue", value="", expires=ancienne)
    valable = EntreeDeCacheDeSecours.objects.create(
        cache_key="valable", value="", expires=timezone.now() + timedelta(minutes=5)
    )
    assert relancer_les_taches() == {"renvoyees": 0, "abandonnees": 0, "effacees": 1, "cache_efface": 1}
    assert set(TacheDemandee.objects.all()) == {recente, abandonnee}
    assert list(EntreeDeCacheDeSecours.objects.all()) == [valable]


def test_le_balayage_passe_chaque_minute():
    from django.conf import settings

    [entree] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == relancer_les_taches.name]
    assert entree["schedule"].minute == set(range(60))


def test_l_administration_montre_les_taches_et_les_relance(client_de, mailoutbox):
    from django.urls import reverse

    personne = UtilisateurFactory(frequence_notifications="immediate")
    [notification] = Notification.objects.bulk_create(
        [Notification(destinataire=personne, verbe=VERBE_ESSAI.code, titre="Essai", message="m", url="/")]
    )
    demande = TacheDemandee.objects.create(nom=envoyer_notification.name, arguments=[notification.pk])
    client = client_de("superutilisateur")
    liste = client.get(reverse("admin:socle_tachedemandee_changelist") + "?etat=a_envoyer")
    assert liste.status_code == 200
    assert "socle.tasks.envoyer_notification" in liste.content.decode()
    reponse = client.post(
        reverse("admin:socle_tachedemandee_changelist"),
        {"action": "relancer", "_selected_action": [demande.pk]},
        follow=True,
    )
    assert "1 tâche envoyée au worker" in reponse.content.decode()
    demande = TacheDemandee.objects.get(pk=demande.pk)
    assert demande.faite_le is not None
    assert len(mailoutbox) == 1


from celery import shared_task  # noqa: E402


@shared_task(name="tests.socle.tache_qui_echoue")
def _tache_qui_echoue(valeur: int) -> float:
    return valeur / 0
