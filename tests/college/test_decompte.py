"""Le dépouillement, par tables : quorum, majorités, égalités, abstentions, avis et
élections (départage par l'âge, puis par un tirage reproductible)."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pytest

from college import decompte
from college.decompte import Candidat, Issue, Regles
from conseil.models import BaseMajorite, Departage

EXPRIMES, MEMBRES, DEUX_TIERS = BaseMajorite.SUFFRAGES_EXPRIMES, BaseMajorite.MEMBRES, BaseMajorite.DEUX_TIERS


def regles(
    base: str = EXPRIMES,
    *,
    quorum: str = "0.50",
    abstentions: bool = False,
    sieges: int = 1,
    departage: str = Departage.AGE,
) -> Regles:
    return Regles(
        quorum_part=Decimal(quorum),
        base_majorite=base,
        abstentions_exprimees=abstentions,
        sieges=sieges,
        departage=departage,
    )


def urne(**voix: int) -> list[str]:
    """urne(pour=6, contre=4) → la liste des choix déposés."""
    return [choix for choix, nombre in voix.items() for _ in range(nombre)]


# --- Quorum -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("electeurs", "part", "requis"),
    [
        pytest.param(10, "0.50", 5, id="la moitié de 10 : 5"),
        pytest.param(11, "0.50", 6, id="la moitié de 11 : 5,5 arrondi à 6"),
        pytest.param(9, "0.34", 4, id="un tiers de 9 à peine dépassé : 3,06 arrondi à 4"),
        pytest.param(3, "0.67", 3, id="deux tiers de 3 : 2,01 arrondi à 3"),
        pytest.param(12, "0.25", 3, id="un quart de 12 : 3 tout rond"),
        pytest.param(1, "0.50", 1, id="un seul électeur"),
        pytest.param(0, "0.50", 0, id="aucun électeur"),
        pytest.param(10, "0", 0, id="part nulle : pas de quorum"),
        pytest.param(10, "1", 10, id="tous les électeurs"),
    ],
)
def test_quorum_requis_arrondi_vers_le_haut(electeurs, part, requis):
    assert decompte.quorum_requis(electeurs, Decimal(part)) == requis


@pytest.mark.parametrize(
    ("electeurs", "votants", "atteint"),
    [
        pytest.param(10, 4, False, id="4 sur 10 : quorum de 5 manqué"),
        pytest.param(10, 5, True, id="5 sur 10 : quorum de 5 atteint"),
        pytest.param(11, 5, False, id="5 sur 11 : quorum de 6 manqué"),
        pytest.param(11, 6, True, id="6 sur 11 : quorum de 6 atteint"),
    ],
)
def test_quorum_atteint_ou_non(electeurs, votants, atteint):
    resultat = decompte.deliberation(regles(), electeurs=electeurs, choix=urne(pour=votants))
    assert resultat.quorum_atteint is atteint
    assert resultat.issue == (Issue.ADOPTE if atteint else Issue.QUORUM_NON_ATTEINT)


def test_quorum_non_atteint_l_emporte_meme_sur_l_unanimite():
    resultat = decompte.deliberation(regles(quorum="0.50"), electeurs=20, choix=urne(pour=9))
    assert (resultat.quorum_requis, resultat.votants, resultat.issue) == (10, 9, Issue.QUORUM_NON_ATTEINT)


def test_les_abstentions_et_les_blancs_comptent_pour_le_quorum():
    delib = decompte.deliberation(regles(), electeurs=10, choix=urne(pour=1, abstention=4))
    assert delib.quorum_atteint
    assert delib.issue == Issue.ADOPTE  # 1 pour, 0 contre : majorité des exprimés (1)
    election = decompte.election(
        regles(), electeurs=10, bulletins=[[1], [], [], [], []], candidats=[Candidat(1, "A")], graine="g"
    )
    assert election.quorum_atteint
    assert election.elus == [1]


# --- Majorité requise -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "exprimes", "electeurs", "requis"),
    [
        pytest.param(EXPRIMES, 10, 20, 6, id="exprimés : 6 sur 10"),
        pytest.param(EXPRIMES, 11, 20, 6, id="exprimés : 6 sur 11"),
        pytest.param(EXPRIMES, 1, 20, 1, id="exprimés : 1 sur 1"),
        pytest.param(EXPRIMES, 0, 20, 1, id="exprimés : aucun suffrage, 1 voix resterait requise"),
        pytest.param(MEMBRES, 5, 10, 6, id="membres : 6 sur un corps de 10, quels que soient les exprimés"),
        pytest.param(MEMBRES, 5, 11, 6, id="membres : 6 sur un corps de 11"),
        pytest.param(MEMBRES, 5, 12, 7, id="membres : 7 sur un corps de 12"),
        pytest.param(DEUX_TIERS, 10, 20, 7, id="deux tiers : 7 sur 10 (6,67 arrondi)"),
        pytest.param(DEUX_TIERS, 12, 20, 8, id="deux tiers : 8 sur 12 (tout rond)"),
        pytest.param(DEUX_TIERS, 3, 20, 2, id="deux tiers : 2 sur 3"),
        pytest.param(DEUX_TIERS, 11, 20, 8, id="deux tiers : 8 sur 11 (7,33 arrondi)"),
        pytest.param(DEUX_TIERS, 0, 20, 0, id="deux tiers : aucun suffrage"),
    ],
)
def test_majorite_requise(base, exprimes, electeurs, requis):
    assert decompte.majorite_requise(base, exprimes=exprimes, electeurs=electeurs) == requis


@pytest.mark.parametrize(
    ("base", "abstentions_exprimees", "voix", "electeurs", "exprimes", "requis", "issue"),
    [
        # Majorité absolue des suffrages exprimés.
        pytest.param(EXPRIMES, False, {"pour": 6, "contre": 4}, 10, 10, 6, Issue.ADOPTE, id="6 pour sur 10"),
        pytest.param(EXPRIMES, False, {"pour": 5, "contre": 5}, 10, 10, 6, Issue.REJETE, id="égalité 5-5"),
        pytest.param(EXPRIMES, False, {"pour": 6, "contre": 5}, 11, 11, 6, Issue.ADOPTE, id="6 pour sur 11"),
        pytest.param(EXPRIMES, False, {"pour": 5, "contre": 6}, 11, 11, 6, Issue.REJETE, id="5 pour sur 11"),
        pytest.param(
            EXPRIMES,
            False,
            {"pour": 4, "contre": 3, "abstention": 3},
            10,
            7,
            4,
            Issue.ADOPTE,
            id="abstentions non exprimées : 4 pour sur 7 exprimés",
        ),
        pytest.param(
            EXPRIMES,
            True,
            {"pour": 4, "contre": 3, "abstention": 3},
            10,
            10,
            6,
            Issue.REJETE,
            id="abstentions exprimées : 4 pour sur 10 ne suffisent plus",
        ),
        pytest.param(
            EXPRIMES,
            False,
            {"pour": 3, "contre": 3, "abstention": 4},
            10,
            6,
            4,
            Issue.REJETE,
            id="égalité 3-3 avec abstentions",
        ),
        pytest.param(
            EXPRIMES,
            False,
            {"abstention": 6},
            10,
            0,
            1,
            Issue.REJETE,
            id="rien que des abstentions : rejeté",
        ),
        # Majorité absolue des membres du corps électoral.
        pytest.param(
            MEMBRES, False, {"pour": 6, "contre": 0}, 10, 6, 6, Issue.ADOPTE, id="membres : 6 sur 10"
        ),
        pytest.param(
            MEMBRES,
            False,
            {"pour": 5, "contre": 0},
            10,
            5,
            6,
            Issue.REJETE,
            id="membres : 5 pour, unanimes, sur 10",
        ),
        pytest.param(
            MEMBRES,
            True,
            {"pour": 6, "abstention": 4},
            11,
            10,
            6,
            Issue.ADOPTE,
            id="membres : 6 sur 11, abstentions sans effet",
        ),
        pytest.param(MEMBRES, False, {"pour": 5, "contre": 1}, 9, 6, 5, Issue.ADOPTE, id="membres : 5 sur 9"),
        # Deux tiers des suffrages exprimés.
        pytest.param(
            DEUX_TIERS, False, {"pour": 7, "contre": 3}, 10, 10, 7, Issue.ADOPTE, id="2/3 : 7 sur 10"
        ),
        pytest.param(
            DEUX_TIERS, False, {"pour": 6, "contre": 4}, 10, 10, 7, Issue.REJETE, id="2/3 : 6 sur 10"
        ),
        pytest.param(
            DEUX_TIERS, False, {"pour": 8, "contre": 4}, 12, 12, 8, Issue.ADOPTE, id="2/3 : 8 sur 12"
        ),
        pytest.param(
            DEUX_TIERS, False, {"pour": 7, "contre": 5}, 12, 12, 8, Issue.REJETE, id="2/3 : 7 sur 12"
        ),
        pytest.param(DEUX_TIERS, False, {"pour": 2, "contre": 1}, 3, 3, 2, Issue.ADOPTE, id="2/3 : 2 sur 3"),
        pytest.param(
            DEUX_TIERS,
            False,
            {"pour": 8, "contre": 4, "abstention": 3},
            15,
            12,
            8,
            Issue.ADOPTE,
            id="2/3 : 8 sur 12 exprimés, abstentions à part",
        ),
        pytest.param(
            DEUX_TIERS,
            True,
            {"pour": 8, "contre": 4, "abstention": 3},
            15,
            15,
            10,
            Issue.REJETE,
            id="2/3 : 8 sur 15 quand les abstentions comptent",
        ),
    ],
)
def test_deliberation(base, abstentions_exprimees, voix, electeurs, exprimes, requis, issue):
    resultat = decompte.deliberation(
        regles(base, quorum="0", abstentions=abstentions_exprimees), electeurs=electeurs, choix=urne(**voix)
    )
    assert resultat.exprimes == exprimes
    assert resultat.majorite_requise == requis
    assert resultat.issue == issue
    assert resultat.decompte == {c: voix.get(c, 0) for c in ("pour", "contre", "abstention")}
    assert resultat.votants == sum(voix.values())


@pytest.mark.parametrize("base", [EXPRIMES, MEMBRES, DEUX_TIERS])
@pytest.mark.parametrize("abstentions", [False, True])
@pytest.mark.parametrize("n", [0, 1, 3, 5])
def test_l_egalite_des_pour_et_des_contre_rejette(base, abstentions, n):
    resultat = decompte.deliberation(
        regles(base, quorum="0", abstentions=abstentions), electeurs=2 * n + 1, choix=urne(pour=n, contre=n)
    )
    assert resultat.issue == Issue.REJETE


@pytest.mark.parametrize("base", [EXPRIMES, MEMBRES, DEUX_TIERS])
def test_urne_vide(base):
    sans_quorum = decompte.deliberation(regles(base, quorum="0"), electeurs=10, choix=[])
    assert (sans_quorum.votants, sans_quorum.exprimes, sans_quorum.issue) == (0, 0, Issue.REJETE)
    assert sans_quorum.quorum_atteint

    avec_quorum = decompte.deliberation(regles(base), electeurs=10, choix=[])
    assert avec_quorum.issue == Issue.QUORUM_NON_ATTEINT

    avis = decompte.avis(regles(base, quorum="0"), electeurs=10, choix=[])
    assert avis.issue == Issue.SANS_MAJORITE


def test_resultat_en_json():
    resultat = decompte.deliberation(regles(), electeurs=10, choix=urne(pour=6, contre=2))
    assert resultat.en_json() == {
        "electeurs": 10,
        "votants": 8,
        "quorum_requis": 5,
        "quorum_atteint": True,
        "decompte": {"pour": 6, "contre": 2, "abstention": 0},
        "exprimes": 8,
        "majorite_requise": 5,
        "issue": Issue.ADOPTE,
        "elus": [],
        "voix_par_candidat": {},
        "departage": "",
    }


# --- Avis -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "abstentions", "voix", "electeurs", "issue"),
    [
        pytest.param(
            EXPRIMES, False, {"favorable": 6, "defavorable": 4}, 10, Issue.FAVORABLE, id="favorable 6/10"
        ),
        pytest.param(EXPRIMES, False, {"reserve": 6, "favorable": 4}, 10, Issue.RESERVE, id="réservé 6/10"),
        pytest.param(
            EXPRIMES, False, {"defavorable": 6, "reserve": 5}, 11, Issue.DEFAVORABLE, id="défavorable 6/11"
        ),
        pytest.param(
            EXPRIMES,
            False,
            {"favorable": 4, "reserve": 3, "defavorable": 3},
            10,
            Issue.SANS_MAJORITE,
            id="4-3-3 : personne n'a la majorité",
        ),
        pytest.param(
            EXPRIMES, False, {"favorable": 5, "defavorable": 5}, 10, Issue.SANS_MAJORITE, id="égalité 5-5"
        ),
        pytest.param(
            EXPRIMES,
            False,
            {"favorable": 4, "reserve": 3, "abstention": 3},
            10,
            Issue.FAVORABLE,
            id="abstentions non exprimées : 4 sur 7",
        ),
        pytest.param(
            EXPRIMES,
            True,
            {"favorable": 4, "reserve": 3, "abstention": 3},
            10,
            Issue.SANS_MAJORITE,
            id="abstentions exprimées : 4 sur 10",
        ),
        pytest.param(
            EXPRIMES, False, {"abstention": 5}, 10, Issue.SANS_MAJORITE, id="rien que des abstentions"
        ),
        pytest.param(
            MEMBRES, False, {"favorable": 6}, 10, Issue.FAVORABLE, id="membres : 6 sur un corps de 10"
        ),
        pytest.param(
            MEMBRES, False, {"favorable": 5, "reserve": 1}, 10, Issue.SANS_MAJORITE, id="membres : 5 sur 10"
        ),
        pytest.param(
            DEUX_TIERS, False, {"defavorable": 7, "favorable": 3}, 10, Issue.DEFAVORABLE, id="2/3 : 7 sur 10"
        ),
        pytest.param(
            DEUX_TIERS,
            False,
            {"defavorable": 6, "favorable": 4},
            10,
            Issue.SANS_MAJORITE,
            id="2/3 : 6 sur 10",
        ),
    ],
)
def test_avis(base, abstentions, voix, electeurs, issue):
    resultat = decompte.avis(
        regles(base, quorum="0", abstentions=abstentions), electeurs=electeurs, choix=urne(**voix)
    )
    assert resultat.issue == issue
    assert resultat.decompte == {
        c: voix.get(c, 0) for c in ("favorable", "reserve", "defavorable", "abstention")
    }


def test_avis_sans_quorum():
    resultat = decompte.avis(regles(quorum="0.50"), electeurs=10, choix=urne(favorable=4))
    assert resultat.issue == Issue.QUORUM_NON_ATTEINT


# --- Élections --------------------------------------------------------------------------

A, B, C, D = 1, 2, 3, 4


def candidats(*naissances: dt.date | None) -> list[Candidat]:
    return [Candidat(i, f"Candidat {i}", naissance) for i, naissance in enumerate(naissances, start=1)]


def elire(
    bulletins: Sequence[Sequence[int]],
    liste: Sequence[Candidat],
    *,
    sieges: int = 1,
    electeurs: int | None = None,
    departage: str = Departage.AGE,
    graine: str = "graine",
    quorum: str = "0",
) -> decompte.Resultat:
    return decompte.election(
        regles(sieges=sieges, departage=departage, quorum=quorum),
        electeurs=len(bulletins) if electeurs is None else electeurs,
        bulletins=bulletins,
        candidats=liste,
        graine=graine,
    )


@pytest.mark.parametrize(
    ("bulletins", "sieges", "elus", "voix"),
    [
        pytest.param([[A], [A], [B]], 1, [A], {A: 2, B: 1, C: 0}, id="un siège"),
        pytest.param([[A, B], [A, C], [B], [A]], 2, [A, B], {A: 3, B: 2, C: 1}, id="deux sièges"),
        pytest.param([[C, B, A], [C], [B, C]], 3, [C, B, A], {A: 1, B: 2, C: 3}, id="trois sièges, rangés"),
        pytest.param([[A], [], []], 1, [A], {A: 1, B: 0, C: 0}, id="blancs majoritaires : A élu d'une voix"),
        pytest.param(
            [[A, A, A], [B], [B]], 1, [B], {A: 1, B: 2, C: 0}, id="un nom répété ne compte qu'une fois"
        ),
    ],
)
def test_election(bulletins, sieges, elus, voix):
    resultat = elire(bulletins, candidats(None, None, None), sieges=sieges)
    assert resultat.voix_par_candidat == voix
    assert resultat.elus == elus
    assert resultat.departage == ""
    assert resultat.issue == Issue.ELUS


def test_election_sans_egalite_departage_vide():
    resultat = elire([[A], [A], [B]], candidats(None, None))
    assert (resultat.elus, resultat.departage) == ([A], "")


def test_bulletins_blancs_ne_sont_pas_exprimes():
    resultat = elire([[A], [], [], [B, A]], candidats(None, None), sieges=2)
    assert resultat.decompte == {"exprimes": 2, "blancs": 2}
    assert resultat.exprimes == 2
    assert resultat.votants == 4


def test_urne_vide_personne_n_est_elu():
    resultat = elire([], candidats(None, None), electeurs=10)
    assert (resultat.elus, resultat.votants, resultat.issue) == ([], 0, Issue.ELUS)
    sans_quorum = elire([], candidats(None, None), electeurs=10, quorum="0.50")
    assert (sans_quorum.elus, sans_quorum.issue) == ([], Issue.QUORUM_NON_ATTEINT)


def test_election_sans_quorum_n_elit_personne():
    resultat = elire([[A], [A]], candidats(None, None), electeurs=10, quorum="0.50")
    assert resultat.issue == Issue.QUORUM_NON_ATTEINT
    assert resultat.elus == []
    assert resultat.voix_par_candidat == {A: 2, B: 0}


def test_un_candidat_sans_voix_n_est_jamais_elu():
    resultat = elire([[A], [A], []], candidats(None, None, None), sieges=3)
    assert resultat.elus == [A]
    assert resultat.departage == ""


def test_plus_de_sieges_que_de_candidats_ayant_des_voix():
    resultat = elire([[A, B], [B]], candidats(None, None, None, None), sieges=4)
    assert resultat.elus == [B, A]
    assert resultat.departage == ""


def test_que_des_blancs_personne_n_est_elu():
    resultat = elire([[], [], []], candidats(dt.date(1950, 1, 1), dt.date(1960, 1, 1)), sieges=2)
    assert resultat.elus == []
    assert resultat.departage == ""


@pytest.mark.parametrize(
    ("naissance_a", "naissance_b", "elu"),
    [
        pytest.param(dt.date(1960, 5, 1), dt.date(1970, 5, 1), A, id="A plus âgé"),
        pytest.param(dt.date(1980, 5, 1), dt.date(1970, 5, 1), B, id="B plus âgé"),
        pytest.param(dt.date(1970, 5, 2), dt.date(1970, 5, 1), B, id="B plus âgé d'un jour"),
    ],
)
def test_egalite_departagee_par_l_age(naissance_a, naissance_b, elu):
    for graine in ("une", "autre", "graine", "encore"):
        resultat = elire([[A], [B], [A, B]], candidats(naissance_a, naissance_b), graine=graine)
        assert resultat.elus == [elu]
        assert resultat.departage == Departage.AGE


def test_egalite_pour_le_dernier_siege_seulement():
    # A a 3 voix ; B et C 2 chacun pour le second siège : C, plus âgé, l'emporte.
    liste = candidats(dt.date(1990, 1, 1), dt.date(1980, 1, 1), dt.date(1950, 1, 1))
    resultat = elire([[A, B], [A, C], [A, B, C]], liste, sieges=2)
    assert resultat.elus == [A, C]
    assert resultat.departage == Departage.AGE


def test_egalite_au_dela_des_sieges_sans_departage():
    # A et B (2 voix) sont élus tous deux ; l'égalité de C et D (1 voix) ne compte pas.
    resultat = elire([[A, B, C], [A, B, D]], candidats(None, None, None, None), sieges=2)
    assert sorted(resultat.elus) == [A, B]
    assert resultat.departage == ""


def _elus_selon_la_graine(liste: list[Candidat], departage: str = Departage.AGE) -> dict[str, list[int]]:
    return {
        graine: elire([[A], [B]], liste, departage=departage, graine=graine).elus
        for graine in (f"graine-{n}" for n in range(40))
    }


@pytest.mark.parametrize(
    ("naissances", "departage"),
    [
        pytest.param((None, None), Departage.AGE, id="dates inconnues"),
        pytest.param((dt.date(1970, 1, 1), None), Departage.AGE, id="une seule date connue"),
        pytest.param((None, dt.date(1970, 1, 1)), Departage.AGE, id="une seule date connue (l'autre)"),
        pytest.param((dt.date(1970, 1, 1), dt.date(1970, 1, 1)), Departage.AGE, id="nés le même jour"),
        pytest.param((dt.date(1950, 1, 1), dt.date(1990, 1, 1)), Departage.TIRAGE, id="règle du tirage"),
    ],
)
def test_egalite_tiree_au_sort_reproductible(naissances, departage):
    liste = candidats(*naissances)
    premier = _elus_selon_la_graine(liste, departage)
    # La même graine redonne le même élu : chacun peut refaire le tirage.
    assert _elus_selon_la_graine(liste, departage) == premier
    for graine, elus in premier.items():
        resultat = elire([[A], [B]], liste, departage=departage, graine=graine)
        assert resultat.departage == Departage.TIRAGE
        assert elus in ([A], [B])
    # Une autre graine peut donner l'autre candidat : c'est bien le sort qui tranche.
    assert {tuple(elus) for elus in premier.values()} == {(A,), (B,)}


def test_tirage_ne_depend_pas_de_l_ordre_des_candidats_ni_des_bulletins():
    liste = candidats(None, None, None)
    for n in range(20):
        graine = f"g{n}"
        une = elire([[A], [B], [C]], liste, graine=graine).elus
        autre = elire([[C], [A], [B]], list(reversed(liste)), graine=graine).elus
        assert une == autre


@pytest.mark.parametrize(
    ("compte_procurations", "quorum_atteint"),
    [(True, True), (False, False)],
    ids=["procurations comptées", "procurations non comptées"],
)
def test_le_quorum_compte_les_procurations_selon_la_regle(compte_procurations, quorum_atteint):
    # 10 électeurs, quorum 5 ; 5 bulletins dont 2 par procuration.
    r = Regles(
        quorum_part=Decimal("0.50"),
        base_majorite=EXPRIMES,
        abstentions_exprimees=False,
        quorum_compte_procurations=compte_procurations,
    )
    for resultat in (
        decompte.deliberation(r, electeurs=10, choix=urne(pour=4, contre=1), procurations=2),
        decompte.avis(r, electeurs=10, choix=["favorable"] * 5, procurations=2),
        decompte.election(
            r, electeurs=10, bulletins=[[1]] * 5, candidats=[Candidat(1, "A")], graine="g", procurations=2
        ),
    ):
        assert resultat.quorum_requis == 5
        assert resultat.quorum_atteint is quorum_atteint
