"""Des bulletins simultanés sur le vrai PostgreSQL : de vrais fils d'exécution, chacun avec
sa connexion, lâchés ensemble par une barrière.

PostgreSQL accepte 100 connexions : 40 fils au plus, chacun la sienne, plus celle du test.
"""

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from college import services
from college.models import Bulletin, BulletinScelle, Choix, Emargement, Scrutin, StatutScrutin
from comptes.models import Utilisateur
from socle.models import FrequenceNotifications
from tests.college.factories import ScrutinFactory, membres_votants, urne_ouverte
from tests.conseil.factories import CollegeFactory

pytestmark = pytest.mark.django_db(transaction=True)

FILS = 40
DEJA_VOTE = "Un bulletin a déjà été déposé pour {} dans ce scrutin : il ne peut être ni remplacé ni modifié."


def scrutin_ouvert(electeurs: int, secretariat: Utilisateur) -> tuple[Scrutin, list[Utilisateur]]:
    college = CollegeFactory()
    # Pas de courriel à l'ouverture : le test porte sur l'urne, pas sur la messagerie.
    membres = membres_votants(
        college, electeurs, personne__frequence_notifications=FrequenceNotifications.AUCUNE
    )
    scrutin = services.scrutin_ouvrir(scrutin=ScrutinFactory(instance=college), acteur=secretariat)
    return scrutin, membres


def en_meme_temps(taches: Sequence[Callable[[], Any]]) -> list[Any]:
    """Répartit `taches` entre au plus FILS fils, qui démarrent ensemble. Renvoie, pour
    chaque tâche, sa valeur ou l'exception levée."""
    lots = [taches[i::FILS] for i in range(min(FILS, len(taches)))]
    barriere = threading.Barrier(len(lots))

    def executer(lot: Sequence[Callable[[], Any]]) -> list[Any]:
        resultats: list[Any] = []
        try:
            barriere.wait(timeout=60)
            for tache in lot:
                try:
                    resultats.append(tache())
                except ValidationError as erreur:
                    resultats.append(erreur)
        finally:
            connection.close()
        return resultats

    with ThreadPoolExecutor(max_workers=len(lots)) as executeur:
        return [r for resultats in executeur.map(executer, lots) for r in resultats]


def test_deux_cents_votants_en_meme_temps(secretariat):
    scrutin, membres = scrutin_ouvert(200, secretariat)
    choix = [Choix.POUR, Choix.CONTRE, Choix.ABSTENTION]

    def voter(rang: int, votant: Utilisateur) -> Callable[[], str]:
        return lambda: services.bulletin_deposer(scrutin=scrutin, votant=votant, choix=choix[rang % 3])

    recus = en_meme_temps([voter(rang, membre) for rang, membre in enumerate(membres)])

    assert [r for r in recus if not isinstance(r, str)] == []
    assert BulletinScelle.objects.filter(scrutin=scrutin).count() == 200
    assert Emargement.objects.filter(scrutin=scrutin).count() == 200
    assert set(Emargement.objects.values_list("personne", flat=True)) == {m.pk for m in membres}
    assert {b.recu for b in urne_ouverte(scrutin)} == set(recus)
    scrutin = services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Tous ont voté.")
    assert scrutin.resultat is not None
    assert scrutin.resultat["votants"] == 200
    assert scrutin.resultat["decompte"] == {"pour": 67, "contre": 67, "abstention": 66}


def test_un_votant_envoie_vingt_bulletins_a_la_fois(secretariat):
    scrutin, membres = scrutin_ouvert(3, secretariat)
    votant = membres[0]
    reponses = en_meme_temps(
        [
            lambda: services.bulletin_deposer(scrutin=scrutin, votant=votant, choix=Choix.POUR)
            for _ in range(20)
        ]
    )

    acceptes = [r for r in reponses if isinstance(r, str)]
    refuses = [r for r in reponses if isinstance(r, ValidationError)]
    assert len(acceptes) == 1
    assert len(refuses) == 19
    assert {r.code for r in refuses} == {"deja_vote"}
    assert {" ".join(r.messages) for r in refuses} == {DEJA_VOTE.format(votant)}
    assert [b.recu for b in urne_ouverte(scrutin)] == acceptes
    assert Emargement.objects.filter(scrutin=scrutin, personne=votant).count() == 1


def test_un_mandataire_et_son_mandant_en_meme_temps(secretariat):
    """Le mandataire vote pour son mandant pendant que le mandant essaie de voter lui-même :
    un seul bulletin pour le mandant, quel que soit l'ordre."""
    scrutin, membres = scrutin_ouvert(3, secretariat)
    mandant, mandataire = membres[:2]
    services.procuration_vote_donner(scrutin=scrutin, mandant=mandant, mandataire=mandataire, acteur=mandant)
    reponses = en_meme_temps(
        [
            lambda: services.bulletin_deposer(
                scrutin=scrutin, votant=mandataire, choix=Choix.POUR, pour=mandant
            )
            for _ in range(10)
        ]
        + [
            lambda: services.bulletin_deposer(scrutin=scrutin, votant=mandant, choix=Choix.CONTRE)
            for _ in range(10)
        ]
    )
    assert len([r for r in reponses if isinstance(r, str)]) == 1
    assert Emargement.objects.filter(scrutin=scrutin, personne=mandant).count() == 1
    assert len(urne_ouverte(scrutin)) == 1


def test_la_cloture_pendant_que_l_on_vote(secretariat):
    """Chaque bulletin est soit compté dans le résultat figé, soit refusé parce que le
    scrutin n'est plus ouvert : aucun n'entre dans l'urne après le dépouillement."""
    scrutin, membres = scrutin_ouvert(120, secretariat)
    premiers_bulletins = threading.Event()
    deposes = 0
    verrou = threading.Lock()

    def voter(votant: Utilisateur) -> Callable[[], str]:
        def tache() -> str:
            nonlocal deposes
            recu = services.bulletin_deposer(scrutin=scrutin, votant=votant, choix=Choix.POUR)
            with verrou:
                deposes += 1
                if deposes >= 20:
                    premiers_bulletins.set()
            return recu

        return tache

    def clore() -> str:
        # Clôt dès que des bulletins sont entrés, pendant que d'autres arrivent.
        assert premiers_bulletins.wait(timeout=60)
        services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Clôture pendant le vote.")
        return "clos"

    taches: list[Callable[[], str]] = [voter(m) for m in membres]
    taches.insert(FILS * 2 - 1, clore)  # le dernier fil : le 2e de son lot, après un bulletin
    reponses = en_meme_temps(taches)

    assert "clos" in reponses
    acceptes = [r for r in reponses if isinstance(r, str) and r != "clos"]
    refuses = [r for r in reponses if isinstance(r, ValidationError)]
    assert len(acceptes) + len(refuses) == 120
    assert {" ".join(r.messages) for r in refuses} <= {
        "Le scrutin n'est pas ouvert : aucun bulletin n'est accepté."
    }
    scrutin.refresh_from_db()
    assert scrutin.statut == StatutScrutin.CLOS
    assert scrutin.resultat is not None
    assert Bulletin.objects.filter(scrutin=scrutin).count() == scrutin.resultat["votants"] == len(acceptes)
    assert Emargement.objects.filter(scrutin=scrutin).count() == len(acceptes)
    assert set(Bulletin.objects.values_list("recu", flat=True)) == set(acceptes)
    assert scrutin.resultat["decompte"]["pour"] == len(acceptes)
