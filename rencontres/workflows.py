"""La vie d'une rencontre, transition par transition.

brouillon → publiée (un agent de l'agglomération : la rencontre a au moins une activité et sa
période d'inscription finit avant sa fin) → annulée (un agent, motif obligatoire ; les personnes
inscrites reçoivent l'annulation avec son fichier d'agenda). Un brouillon peut aussi être annulé.
Publiée, une rencontre ne revient pas au brouillon : ses inscrits ont un agenda qui la contient.
"""

from typing import Any

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from rencontres.models import Rencontre, StatutRencontre
from rencontres.permissions import peut_publier
from socle.verbes import Verbe
from socle.workflows import Transition, Workflow

RENCONTRE_PUBLIEE = Verbe("rencontres.rencontre.publiee", gettext_lazy("Rencontre publiée"))
RENCONTRE_ANNULEE = Verbe("rencontres.rencontre.annulee", gettext_lazy("Rencontre annulée"))


def _agent(acteur: Any, rencontre: Rencontre) -> bool:
    return peut_publier(acteur, rencontre)


def manquements(rencontre: Rencontre) -> list[str]:
    """Ce qui empêche de publier la rencontre (vide si elle est prête)."""
    erreurs = []
    if not rencontre.activites.exists():
        erreurs.append(_g("Ajoutez au moins une activité au programme."))
    if rencontre.inscriptions_au > rencontre.fin:
        erreurs.append(_g("Les inscriptions doivent se clore avant la fin de la rencontre."))
    return erreurs


def _prete(rencontre: Rencontre) -> str | None:
    return " ".join(manquements(rencontre)) or None


def _nouvelle_version(rencontre: Rencontre, acteur: Any) -> list[str]:
    # Les agendas des inscrits remplacent la rencontre par son annulation.
    rencontre.sequence += 1
    return ["sequence"]


RENCONTRE = Workflow(
    modele="rencontres.Rencontre",
    transitions=(
        Transition(
            depuis=(StatutRencontre.BROUILLON,),
            vers=StatutRencontre.PUBLIEE,
            verbe=RENCONTRE_PUBLIEE,
            libelle=_("Publier"),
            autorise=_agent,
            garde=_prete,
        ),
        Transition(
            depuis=(StatutRencontre.BROUILLON, StatutRencontre.PUBLIEE),
            vers=StatutRencontre.ANNULEE,
            verbe=RENCONTRE_ANNULEE,
            libelle=_("Annuler la rencontre"),
            autorise=_agent,
            motif_requis=True,
            effet=_nouvelle_version,
        ),
    ),
)
