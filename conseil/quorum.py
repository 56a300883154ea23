"""Le quorum d'une séance : calculé d'après les présences et les procurations, ou figé à sa
clôture. Lu par les services (présences, procès-verbal), le workflow des séances (qui le fige)
et les pages du secrétariat."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils import timezone

from conseil.models import ROLES_DELIBERATIFS, Presence, Reunion, RoleMandat


@dataclass(frozen=True)
class Quorum:
    membres: int
    presents: int
    representes: int
    requis: int
    compte_procurations: bool

    @property
    def comptes(self) -> int:
        return self.presents + (self.representes if self.compte_procurations else 0)

    @property
    def atteint(self) -> bool:
        return self.comptes >= self.requis


def quorum_requis(*, membres: int, part: Decimal) -> int:
    """« La moitié au moins des membres » : l'arrondi se fait vers le haut (5 sur 9 pour 0,50)."""
    return int((Decimal(membres) * part).to_integral_value(rounding=ROUND_CEILING))


def quorum_calculer(*, reunion: Reunion) -> Quorum:
    """Le quorum d'une séance d'après les présences relevées et les procurations.

    Comptent les sièges à voix délibérative (co-présidents, titulaires) en cours le jour de
    la séance. Un siège est présent si son titulaire l'est, ou à défaut son suppléant ; il
    est représenté si son titulaire a donné procuration à un membre présent. Trois requêtes,
    quel que soit le nombre de membres.
    """
    jour = timezone.localdate(reunion.debut)
    instance = reunion.instance
    mandats = list(instance.mandats.en_cours(jour))
    presents_ids = set(
        reunion.participations.filter(presence=Presence.PRESENT).values_list("personne_id", flat=True)
    )
    procurations = dict(reunion.procurations.values_list("mandant_id", "mandataire_id"))
    suppleants = {m.siege: m.personne_id for m in mandats if m.role == RoleMandat.SUPPLEANT}
    membres = presents = representes = 0
    for mandat in mandats:
        if mandat.role not in ROLES_DELIBERATIFS:
            continue
        membres += 1
        if mandat.personne_id in presents_ids:
            presents += 1
        elif mandat.siege is not None and suppleants.get(mandat.siege) in presents_ids:
            presents += 1
        elif procurations.get(mandat.personne_id) in presents_ids:
            representes += 1
    return Quorum(
        membres=membres,
        presents=presents,
        representes=representes,
        requis=quorum_requis(membres=membres, part=instance.quorum_part),
        compte_procurations=instance.quorum_compte_procurations,
    )


def quorum_de(reunion: Reunion) -> Quorum:
    """Le quorum figé d'une séance close, calculé en direct sinon."""
    if reunion.quorum_fige:
        return Quorum(
            membres=reunion.quorum_membres or 0,
            presents=reunion.quorum_presents or 0,
            representes=reunion.quorum_representes or 0,
            requis=reunion.quorum_requis or 0,
            # La règle de la séance, figée avec elle : changer l'instance ensuite ne la réécrit pas.
            compte_procurations=bool(reunion.quorum_compte_procurations),
        )
    return quorum_calculer(reunion=reunion)
