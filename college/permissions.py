"""Qui peut faire quoi dans un scrutin. Les prédicats s'appuient sur la `Situation` que le
sélecteur a chargée (college.selectors.situation_de) : aucune requête de plus. Les services
vérifient tout à nouveau sous verrou ; ces prédicats décident seulement des formulaires
proposés."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from college.models import Scrutin, StatutScrutin, TypeScrutin
from college.selectors import Situation
from comptes.roles import Role, a_role


def vote_en_cours(scrutin: Scrutin, maintenant: datetime | None = None) -> bool:
    """Ouvert, et dans la fenêtre de vote."""
    maintenant = maintenant or timezone.now()
    return scrutin.statut == StatutScrutin.OUVERT and scrutin.ouverture <= maintenant < scrutin.cloture


def urne_publiee(scrutin: Scrutin) -> bool:
    """L'urne est scellée jusqu'à la clôture, pour tous, secrétariat compris ; celle d'un
    scrutin annulé ne s'ouvre jamais."""
    return scrutin.statut == StatutScrutin.CLOS


def peut_voter(utilisateur: Any, scrutin: Scrutin, situation: Situation) -> bool:
    """Voter pour soi : électeur non écarté, pas encore émargé, sans procuration donnée."""
    return (
        utilisateur.is_authenticated
        and vote_en_cours(scrutin)
        and situation.electeur is not None
        and not situation.exclu
        and not situation.a_vote
        and situation.procuration_donnee is None
    )


def procurations_a_exercer(scrutin: Scrutin, situation: Situation) -> list[Any]:
    """Les procurations détenues dont le mandant n'a pas encore voté."""
    if not vote_en_cours(scrutin):
        return []
    return [p for p in situation.procurations_detenues if not p.a_vote]


def preparation_ou_vote(scrutin: Scrutin) -> bool:
    return scrutin.statut in (StatutScrutin.PREPARATION, StatutScrutin.OUVERT)


def peut_declarer_interet(utilisateur: Any, scrutin: Scrutin, situation: Situation, *, membre: bool) -> bool:
    return (
        utilisateur.is_authenticated and membre and preparation_ou_vote(scrutin) and situation.interet is None
    )


def peut_donner_procuration(scrutin: Scrutin, situation: Situation, *, votant: bool) -> bool:
    """`votant` : membre à voix délibérative (en préparation) ou électeur non écarté (ouvert)."""
    if not preparation_ou_vote(scrutin):
        return False
    if scrutin.statut == StatutScrutin.OUVERT:
        autorisees = bool(scrutin.procurations_autorisees) and vote_en_cours(scrutin)
        votant = situation.electeur is not None and not situation.exclu
    else:
        autorisees = scrutin.instance.procurations_autorisees
    return autorisees and votant and not situation.a_vote and not situation.procurations_detenues


def peut_se_porter_candidat(scrutin: Scrutin, *, votant: bool) -> bool:
    return (
        scrutin.type_scrutin == TypeScrutin.ELECTION
        and scrutin.statut == StatutScrutin.PREPARATION
        and votant
    )


def est_membre_du_college(utilisateur: Any) -> bool:
    """Un membre du Collège (ou un co-président) : il lit ce qui est soumis à l'avis du Collège
    (demandes de financement, demandes de soutien à un congrès)."""
    return bool(
        utilisateur is not None
        and utilisateur.is_authenticated
        and utilisateur.is_active
        and a_role(utilisateur, Role.MEMBRE_COLLEGE, Role.COPRESIDENT)
    )
