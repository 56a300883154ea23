"""L'écrivain des exports : formules neutralisées dans le CSV comme dans le classeur, nombres
passés comme nombres laissés tels quels."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from socle.exports import Colonne, Nombre, case_csv, classeur, ecrire_csv

FORMULES = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "＝1+1",
    "＠A1",
    "－1",
    "＋1",
]


@pytest.mark.parametrize("texte", FORMULES)
def test_un_texte_qui_commence_comme_une_formule_est_precede_d_une_apostrophe(texte):
    assert case_csv(texte) == "'" + texte


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (Decimal("-1250.50"), "-1250,50"),
        (-3, "-3"),
        (Nombre(Decimal("-7.25"), 1), "-7,2"),
        (Nombre(12.5, 1, signe=True), "+12,5"),
        (Nombre(None), ""),
        (date(2026, 3, 1), "01/03/2026"),
        (None, ""),
        ("Pôle ; Nord", "Pôle ; Nord"),
        ("a\x00b", "ab"),
    ],
)
def test_nombres_dates_et_textes_ordinaires(valeur, attendu):
    assert case_csv(valeur) == attendu


def test_le_csv_pour_un_tableur_francais():
    sortie = io.StringIO()
    ecrire_csv(["Nom", "Montant (€)"], [["=1+1", Decimal("-5.00")], ["-5", None]], sortie)
    texte = sortie.getvalue()
    assert texte.startswith("\ufeff") and "\r\n" in texte
    assert list(csv.reader(io.StringIO(texte[1:]), delimiter=";")) == [
        ["Nom", "Montant (€)"],
        ["'=1+1", "-5,00"],
        ["'-5", ""],
    ]


def test_le_classeur_n_a_aucune_formule():
    contenu = classeur(
        [Colonne("Nom", 30), "Montant"],
        [[texte, Nombre(Decimal("-12.50"), 2, format_xlsx="0.00")] for texte in FORMULES],
        feuille="Essai",
    )
    feuille = load_workbook(io.BytesIO(contenu)).active
    rangees = list(feuille.iter_rows(min_row=2))
    assert len(rangees) == len(FORMULES)
    for (nom, montant), texte in zip(rangees, FORMULES, strict=True):
        # Le XML du classeur relit un retour chariot comme un saut de ligne.
        assert nom.data_type == "s" and nom.value == texte.replace("\r", "\n") and nom.quotePrefix
        assert montant.data_type == "n" and montant.value == -12.5 and montant.number_format == "0.00"
    assert feuille.column_dimensions["A"].width == 30


def test_les_caracteres_interdits_sont_ceux_d_openpyxl():
    """`socle.exports` recopie la liste d'openpyxl pour ne l'importer qu'au premier classeur."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from socle.exports import CARACTERES_INTERDITS

    assert CARACTERES_INTERDITS.pattern == ILLEGAL_CHARACTERS_RE.pattern
