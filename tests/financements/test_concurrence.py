"""Deux agents agissent en même temps sur la même demande, depuis la même page (même version) :
de vrais fils d'exécution, chacun sa connexion à PostgreSQL, lâchés ensemble par une barrière.
Un seul l'emporte ; l'autre reçoit « la demande a changé », et le journal n'a qu'une ligne."""

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from financements import services
from financements.models import DemandeFinancement, StatutDemande
from socle.models import Evenement
from socle.workflows import TransitionRefusee
from tests.college.factories import membres_votants
from tests.conseil.factories import CollegeFactory
from tests.financements import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def en_meme_temps(taches: Sequence[Callable[[], Any]]) -> list[Any]:
    """Chaque tâche dans son fil ; renvoie sa valeur ou l'exception (ValidationError) levée."""
    barriere = threading.Barrier(len(taches))

    def executer(tache: Callable[[], Any]) -> Any:
        try:
            barriere.wait(timeout=60)
            return tache()
        except ValidationError as erreur:
            return erreur
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(taches)) as executeur:
        return list(executeur.map(executer, taches))


def _evenements(demande: DemandeFinancement, verbe: str) -> int:
    return Evenement.objects.filter(cible_id=str(demande.pk), verbe=verbe).count()


def _un_seul_l_emporte(resultats: list[Any]) -> TransitionRefusee:
    gagnants = [r for r in resultats if isinstance(r, DemandeFinancement)]
    refus = [r for r in resultats if isinstance(r, ValidationError)]
    assert len(gagnants) == 1 and len(refus) == 1, resultats
    assert isinstance(refus[0], TransitionRefusee)
    return refus[0]


@pytest.mark.parametrize("essai", range(3))
def test_deux_agents_designent_l_instructeur_en_meme_temps(agent, secretariat, essai):
    demande = f.deposee()
    version = demande.version

    resultats = en_meme_temps(
        [
            lambda: services.instructeur_designer(
                demande=demande, acteur=agent, instructeur=agent, version=version
            ),
            lambda: services.instructeur_designer(
                demande=demande, acteur=secretariat, instructeur=secretariat, version=version
            ),
        ]
    )

    refus = _un_seul_l_emporte(resultats)
    assert refus.code == "page_perimee"
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_INSTRUCTION
    assert demande.instructeur in (agent, secretariat)
    assert demande.version == version + 2  # la désignation, puis le passage en instruction
    assert _evenements(demande, "financements.demande.instructeur") == 1
    assert _evenements(demande, "financements.demande.instruction") == 1


@pytest.mark.parametrize("essai", range(3))
def test_des_complements_et_l_avis_en_meme_temps(agent, secretariat, essai):
    membres_votants(CollegeFactory(), 3)
    demande = f.en_instruction(agent)
    version = demande.version

    resultats = en_meme_temps(
        [
            lambda: services.demande_transition(
                demande=demande,
                vers=StatutDemande.COMPLEMENTS,
                acteur=agent,
                version=version,
                motif="Le devis détaillé du bureau d'études.",
            ),
            lambda: services.avis_demander(demande=demande, acteur=secretariat, version=version),
        ]
    )

    _un_seul_l_emporte(resultats)
    demande.refresh_from_db()
    assert demande.version == version + 1
    complements = _evenements(demande, "financements.demande.complements_demandes")
    avis = _evenements(demande, "financements.demande.avis_demande")
    assert complements + avis == 1
    if demande.statut == StatutDemande.COMPLEMENTS:
        # L'avis refusé n'a laissé ni scrutin ni discussion derrière lui.
        assert demande.scrutin is None and demande.discussion is None
    else:
        assert demande.statut == StatutDemande.AVIS and demande.scrutin is not None
