"""Les états d'un scrutin : en préparation → ouvert → clos ; annulé avant la clôture."""

from typing import Any

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from college.models import StatutScrutin
from conseil.permissions import est_gestionnaire
from socle.verbes import Verbe
from socle.workflows import Transition, Workflow

# Les actions que ce module écrit au journal d'audit.
SCRUTIN_ANNULE = Verbe("college.scrutin.annule", gettext_lazy("Scrutin annulé"))
SCRUTIN_CLOS = Verbe("college.scrutin.clos", gettext_lazy("Scrutin clos, résultat publié"))
SCRUTIN_OUVERT = Verbe("college.scrutin.ouvert", gettext_lazy("Scrutin ouvert"))


def _gestionnaire(acteur: Any, objet: Any) -> bool:
    return est_gestionnaire(acteur)


def _gestionnaire_ou_systeme(acteur: Any, objet: Any) -> bool:
    """La clôture à l'heure dite est faite par la tâche périodique (acteur None)."""
    return acteur is None or est_gestionnaire(acteur)


SCRUTIN = Workflow(
    modele="college.Scrutin",
    transitions=(
        Transition(
            depuis=(StatutScrutin.PREPARATION,),
            vers=StatutScrutin.OUVERT,
            verbe=SCRUTIN_OUVERT,
            libelle=_("Ouvrir le scrutin"),
            autorise=_gestionnaire,
        ),
        Transition(
            depuis=(StatutScrutin.OUVERT,),
            vers=StatutScrutin.CLOS,
            verbe=SCRUTIN_CLOS,
            libelle=_("Clore le scrutin"),
            autorise=_gestionnaire_ou_systeme,
        ),
        Transition(
            depuis=(StatutScrutin.PREPARATION, StatutScrutin.OUVERT),
            vers=StatutScrutin.ANNULE,
            verbe=SCRUTIN_ANNULE,
            libelle=_("Annuler le scrutin"),
            autorise=_gestionnaire,
            motif_requis=True,
        ),
    ),
)
