"""L'écriture à la française (socle/francais.py) et ses filtres de gabarit ({% load francais %})."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from socle import francais

NBSP = "\u00a0"
UTC = dt.UTC
PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("montant", "attendu"),
    [
        (Decimal("12500"), f"12{NBSP}500,00{NBSP}€"),
        (Decimal("0.5"), f"0,50{NBSP}€"),
        (1234567.891, f"1{NBSP}234{NBSP}567,89{NBSP}€"),
        (None, "—"),
    ],
)
def test_euros(montant, attendu):
    assert francais.euros(montant) == attendu


def test_nombres_et_parts():
    assert francais.nombre(1234) == f"1{NBSP}234"
    assert francais.nombre(-0.01, 1) == "0,0"  # jamais « -0,0 »
    assert francais.pourcentage(0.253) == f"25,3{NBSP}%"
    assert francais.pour_cent(65) == f"65{NBSP}%"
    assert francais.variation(3) == "+3" and francais.variation(-2) == "-2"
    assert francais.nombre_csv(Decimal("12500.5"), 2) == "12500,50"
    assert [francais.jours(v) for v in (1, 12, 12.5, None)] == ["1 jour", "12 jours", "12,5 jours", "—"]


def test_le_premier_du_mois_s_ecrit_1er():
    assert francais.date_longue(dt.date(2026, 3, 1)) == "1er mars 2026"
    assert francais.date_longue(dt.date(2026, 3, 2)) == "2 mars 2026"
    assert francais.date_courte(dt.date(2026, 11, 1)) == "1er nov. 2026"
    assert [francais.date_courte(dt.date(2026, mois, 7)) for mois in (1, 2, 7, 9, 12)] == [
        "7 janv. 2026",
        "7 févr. 2026",
        "7 juil. 2026",
        "7 sept. 2026",
        "7 déc. 2026",
    ]
    assert francais.jour_et_date(dt.date(2026, 3, 1)) == "dimanche 1er mars 2026"


def test_l_heure_a_la_francaise_et_a_l_heure_de_paris():
    # 13 h 30 UTC le 1er mars : 14 h 30 à Paris (heure d'hiver).
    moment = dt.datetime(2026, 3, 1, 13, 30, tzinfo=UTC)
    assert francais.heure(moment) == f"14{NBSP}h{NBSP}30"
    assert francais.heure(dt.time(9, 0)) == f"9{NBSP}h"
    assert francais.date_et_heure(moment) == f"1er mars 2026 à 14{NBSP}h{NBSP}30"
    assert francais.jour_date_et_heure(moment) == f"dimanche 1er mars 2026 à 14{NBSP}h{NBSP}30"


def test_un_instant_tard_le_soir_en_utc_est_le_lendemain_a_paris():
    """23 h 30 UTC le 31 mai : 1 h 30 le 1er juin à Paris (heure d'été) ; la date suit l'heure."""
    moment = dt.datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    assert francais.date_longue(moment) == "1er juin 2026"
    assert francais.date_et_heure(moment) == f"1er juin 2026 à 1{NBSP}h{NBSP}30"


def test_sans_valeur():
    assert francais.date_longue(None) == "" and francais.heure(None) == ""
    assert francais.euros(None) == francais.nombre(None) == "—"


def _rendre(gabarit: str, **contexte) -> str:
    return Template("{% load francais %}" + gabarit).render(Context(contexte))


def test_les_filtres_ecrivent_comme_le_code():
    moment = dt.datetime(2026, 3, 1, 14, 30, tzinfo=PARIS)
    assert _rendre("{{ m|date_et_heure }}", m=moment) == francais.date_et_heure(moment)
    assert _rendre("{{ m|jour_date_et_heure }}", m=moment) == francais.jour_date_et_heure(moment)
    assert _rendre("{{ m|date_longue }}", m=moment) == "1er mars 2026"
    assert _rendre("{{ m|heure }}", m=moment) == f"14{NBSP}h{NBSP}30"
    assert _rendre("{{ x|euros }}", x=Decimal("12500")) == f"12{NBSP}500,00{NBSP}€"
    assert _rendre("{{ x|pourcentage:0 }}", x=0.5) == f"50{NBSP}%"
    assert _rendre("{{ x|pour_cent }}", x=65) == f"65{NBSP}%"
    assert _rendre("{{ x|nombre }}", x=20000) == f"20{NBSP}000"
    assert _rendre("{{ x|jours }}", x=3) == "3 jours"


def test_un_filtre_de_date_sans_date_n_ecrit_rien():
    """Comme `date` de Django : une variable absente ou vide ne fait pas tomber la page."""
    gabarit = "[{{ absent|date_longue }}][{{ vide|date_et_heure }}][{{ vide|heure }}]"
    assert _rendre(gabarit, vide="") == "[][][]"
    assert _rendre('{{ absent|date_longue|default:"—" }}') == "—"
