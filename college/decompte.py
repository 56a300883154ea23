"""Le dépouillement : l'arithmétique du quorum et des majorités, sans base de données.

Fonctions pures, testées par tables : le résultat d'un scrutin ne dépend que des règles
figées à son ouverture et du contenu de l'urne. N'importe qui peut refaire ce calcul à
partir de l'urne publiée.
"""

import hashlib
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Protocol

from conseil.models import BaseMajorite, Departage


class BulletinPublie(Protocol):
    """Ce que l'urne publiée montre d'un bulletin (college.models.Bulletin)."""

    recu: str
    choix: str
    candidats: list[int]


def graine_du_tirage(bulletins: Iterable[BulletinPublie]) -> str:
    """La graine d'un éventuel tirage au sort : l'empreinte de l'urne publiée, inconnue de
    tous avant la clôture et recalculable par chacun après."""
    lignes = sorted(f"{b.recu}:{b.choix}:{','.join(map(str, sorted(b.candidats)))}" for b in bulletins)
    return hashlib.sha256("\n".join(lignes).encode()).hexdigest()


class Issue:
    ADOPTE = "adopte"
    REJETE = "rejete"
    QUORUM_NON_ATTEINT = "quorum_non_atteint"
    FAVORABLE = "favorable"
    RESERVE = "reserve"
    DEFAVORABLE = "defavorable"
    SANS_MAJORITE = "sans_majorite"
    ELUS = "elus"


@dataclass(frozen=True)
class Regles:
    quorum_part: Decimal
    base_majorite: str
    abstentions_exprimees: bool
    sieges: int = 1
    departage: str = Departage.AGE
    quorum_compte_procurations: bool = True


@dataclass(frozen=True)
class Candidat:
    id: int
    nom: str
    date_naissance: date | None = None


@dataclass
class Resultat:
    electeurs: int  # corps électoral, écartés pour intérêt non compris
    votants: int  # bulletins dans l'urne (procurations comprises)
    quorum_requis: int
    quorum_atteint: bool
    decompte: dict[str, int]
    exprimes: int
    majorite_requise: int
    issue: str
    elus: list[int] = field(default_factory=list)
    voix_par_candidat: dict[int, int] = field(default_factory=dict)
    departage: str = ""

    def en_json(self) -> dict[str, object]:
        return {
            "electeurs": self.electeurs,
            "votants": self.votants,
            "quorum_requis": self.quorum_requis,
            "quorum_atteint": self.quorum_atteint,
            "decompte": self.decompte,
            "exprimes": self.exprimes,
            "majorite_requise": self.majorite_requise,
            "issue": self.issue,
            "elus": self.elus,
            "voix_par_candidat": {str(k): v for k, v in self.voix_par_candidat.items()},
            "departage": self.departage,
        }


def quorum_requis(electeurs: int, part: Decimal) -> int:
    return int((Decimal(electeurs) * part).to_integral_value(rounding=ROUND_CEILING))


def _quorum(regles: Regles, *, electeurs: int, votants: int, procurations: int) -> tuple[int, bool]:
    """Le quorum requis et s'il est atteint : les bulletins déposés par procuration ne comptent
    que si la règle de l'instance le dit."""
    requis = quorum_requis(electeurs, regles.quorum_part)
    comptes = votants if regles.quorum_compte_procurations else votants - procurations
    return requis, comptes >= requis


def majorite_requise(base: str, *, exprimes: int, electeurs: int) -> int:
    """Le nombre de voix qu'il faut atteindre : « majorité absolue » = plus de la moitié
    (6 sur 10, 6 sur 11) ; « deux tiers » = au moins les deux tiers (7 sur 10)."""
    if base == BaseMajorite.MEMBRES:
        return electeurs // 2 + 1
    if base == BaseMajorite.DEUX_TIERS:
        return int(-(-Fraction(2 * exprimes, 3) // 1))  # plafond exact, sans flottant
    return exprimes // 2 + 1


def _exprimes(decompte: Counter[str], abstentions_exprimees: bool, choix_exprimes: Iterable[str]) -> int:
    total = sum(decompte[c] for c in choix_exprimes)
    if abstentions_exprimees:
        total += decompte["abstention"]
    return total


def deliberation(regles: Regles, *, electeurs: int, choix: Sequence[str], procurations: int = 0) -> Resultat:
    """Pour / contre / abstention. Adopté si les « pour » atteignent la majorité requise ;
    l'égalité rejette."""
    decompte = Counter(choix)
    exprimes = _exprimes(decompte, regles.abstentions_exprimees, ("pour", "contre"))
    requis_q, quorum = _quorum(regles, electeurs=electeurs, votants=len(choix), procurations=procurations)
    requis_m = majorite_requise(regles.base_majorite, exprimes=exprimes, electeurs=electeurs)
    if not quorum:
        issue = Issue.QUORUM_NON_ATTEINT
    elif decompte["pour"] >= requis_m and decompte["pour"] > 0:
        issue = Issue.ADOPTE
    else:
        issue = Issue.REJETE
    return Resultat(
        electeurs=electeurs,
        votants=len(choix),
        quorum_requis=requis_q,
        quorum_atteint=quorum,
        decompte={c: decompte[c] for c in ("pour", "contre", "abstention")},
        exprimes=exprimes,
        majorite_requise=requis_m,
        issue=issue,
    )


def avis(regles: Regles, *, electeurs: int, choix: Sequence[str], procurations: int = 0) -> Resultat:
    """Favorable / réservé / défavorable : l'avis est celui qui atteint la majorité requise ;
    si aucun ne l'atteint, le Collège n'a pas dégagé de majorité (et le résultat le dit)."""
    options = ("favorable", "reserve", "defavorable")
    decompte = Counter(choix)
    exprimes = _exprimes(decompte, regles.abstentions_exprimees, options)
    requis_q, quorum = _quorum(regles, electeurs=electeurs, votants=len(choix), procurations=procurations)
    requis_m = majorite_requise(regles.base_majorite, exprimes=exprimes, electeurs=electeurs)
    issue = Issue.QUORUM_NON_ATTEINT if not quorum else Issue.SANS_MAJORITE
    if quorum:
        for option in options:
            if decompte[option] >= requis_m and decompte[option] > 0:
                issue = option
    return Resultat(
        electeurs=electeurs,
        votants=len(choix),
        quorum_requis=requis_q,
        quorum_atteint=quorum,
        decompte={c: decompte[c] for c in (*options, "abstention")},
        exprimes=exprimes,
        majorite_requise=requis_m,
        issue=issue,
    )


def election(
    regles: Regles,
    *,
    electeurs: int,
    bulletins: Sequence[Sequence[int]],
    candidats: Sequence[Candidat],
    graine: str,
    procurations: int = 0,
) -> Resultat:
    """Scrutin plurinominal à un tour : chaque bulletin choisit au plus `sieges` candidats
    (vide : bulletin blanc, non exprimé). Sont élus les `sieges` candidats qui ont le plus
    de voix, s'ils en ont au moins une. Une égalité pour le dernier siège se départage par
    la règle de l'instance : le plus âgé (date de naissance déclarée), sinon un tirage au
    sort dont la graine (publiée avec le résultat) permet à chacun de le refaire."""
    voix: Counter[int] = Counter()
    for bulletin in bulletins:
        voix.update(set(bulletin))
    exprimes = sum(1 for b in bulletins if b)
    requis_q, quorum = _quorum(regles, electeurs=electeurs, votants=len(bulletins), procurations=procurations)
    par_id = {c.id: c for c in candidats}
    voix_par_candidat = {c.id: voix[c.id] for c in candidats}
    elus: list[int] = []
    departage = ""
    if quorum:
        tirage = random.Random(graine)  # noqa: S311  (tirage public et reproductible, pas un secret)
        ordre_du_tirage = {cid: tirage.random() for cid in sorted(par_id)}
        # L'âge ne départage que des candidats à égalité qui ont tous déclaré leur date de
        # naissance ; s'il en manque une, le sort tranche entre tous (et le résultat le dit).
        voix_sans_date = {voix_par_candidat[c.id] for c in candidats if c.date_naissance is None}

        def cle(cid: int) -> tuple[int, object, float]:
            naissance = par_id[cid].date_naissance
            par_age = regles.departage == Departage.AGE and voix_par_candidat[cid] not in voix_sans_date
            rang_age: object = naissance.toordinal() if (par_age and naissance) else 10**9
            return (-voix_par_candidat[cid], rang_age, ordre_du_tirage[cid])

        classes = sorted((cid for cid in par_id if voix_par_candidat[cid] > 0), key=cle)
        elus = classes[: regles.sieges]
        if len(classes) > regles.sieges:
            dernier, premier_non_elu = classes[regles.sieges - 1], classes[regles.sieges]
            if voix_par_candidat[dernier] == voix_par_candidat[premier_non_elu]:
                age = (
                    regles.departage == Departage.AGE
                    and voix_par_candidat[dernier] not in voix_sans_date
                    and par_id[dernier].date_naissance
                    and par_id[premier_non_elu].date_naissance
                    and par_id[dernier].date_naissance != par_id[premier_non_elu].date_naissance
                )
                departage = Departage.AGE if age else Departage.TIRAGE
    return Resultat(
        electeurs=electeurs,
        votants=len(bulletins),
        quorum_requis=requis_q,
        quorum_atteint=quorum,
        decompte={"exprimes": exprimes, "blancs": len(bulletins) - exprimes},
        exprimes=exprimes,
        majorite_requise=0,
        issue=Issue.ELUS if quorum else Issue.QUORUM_NON_ATTEINT,
        elus=elus,
        voix_par_candidat=voix_par_candidat,
        departage=departage,
    )
