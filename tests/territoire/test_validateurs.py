"""Les identifiants des registres nationaux et leur clé de contrôle."""

import pytest
from django.core.exceptions import ValidationError

from territoire.validateurs import (
    finess_valide,
    rpps_valide,
    siret_valide,
    valider_code_insee,
    valider_finess,
    valider_rpps,
    valider_siren,
    valider_siret,
)


def code_erreur(validateur, valeur: str) -> str | None:
    try:
        validateur(valeur)
    except ValidationError as erreur:
        return erreur.code
    return None


@pytest.mark.parametrize("valeur", ["10001045367", "10000000017", "10000000025"])
def test_rpps_valides(valeur):
    assert rpps_valide(valeur)
    assert code_erreur(valider_rpps, valeur) is None


@pytest.mark.parametrize(
    ("valeur", "code"),
    [
        ("10001045368", "rpps_cle"),  # dernier chiffre faux
        ("10001045376", "rpps_cle"),  # deux chiffres inversés
        ("1000104536", "rpps_format"),  # 10 chiffres
        ("100010453670", "rpps_format"),  # 12 chiffres
        ("1000104536A", "rpps_format"),
        ("810001045367", "rpps_format"),  # l'identification nationale (8 + RPPS) n'est pas le RPPS
        ("", "rpps_format"),
    ],
)
def test_rpps_invalides(valeur, code):
    assert not rpps_valide(valeur)
    assert code_erreur(valider_rpps, valeur) == code


def test_le_message_rpps_dit_ce_qui_est_attendu():
    with pytest.raises(ValidationError, match="Un numéro RPPS compte 11 chiffres"):
        valider_rpps("123")
    with pytest.raises(ValidationError, match="sa clé de contrôle ne correspond pas"):
        valider_rpps("10001045368")


@pytest.mark.parametrize("valeur", ["500000013", "500000021", "2A0000018", "2B0000026"])
def test_finess_valides(valeur):
    assert finess_valide(valeur)
    assert code_erreur(valider_finess, valeur) is None


@pytest.mark.parametrize(
    ("valeur", "code"),
    [
        ("500000014", "finess_cle"),
        ("2A0000019", "finess_cle"),
        ("2B0000027", "finess_cle"),
        ("50000001", "finess_format"),
        ("5000000130", "finess_format"),
        ("2C0000018", "finess_format"),
        ("2a0000018", "finess_format"),  # un formulaire nettoie (majuscules) avant de valider
        ("50000001A", "finess_format"),
    ],
)
def test_finess_invalides(valeur, code):
    assert not finess_valide(valeur)
    assert code_erreur(valider_finess, valeur) == code


@pytest.mark.parametrize(
    "valeur",
    [
        "85131528300016",
        "73282932000074",
        # La Poste : SIRET dont la clé suit une règle particulière (somme des chiffres).
        "35600000049837",
    ],
)
def test_siret_valides(valeur):
    assert siret_valide(valeur)
    assert code_erreur(valider_siret, valeur) is None


@pytest.mark.parametrize(
    "valeur", ["85131528300017", "8513152830001", "851315283000160", "8513152830001A", ""]
)
def test_siret_invalides(valeur):
    assert not siret_valide(valeur)
    assert code_erreur(valider_siret, valeur) == "siret"


@pytest.mark.parametrize("valeur", ["200067205", "851315283", "732829320"])
def test_siren_valides(valeur):
    assert code_erreur(valider_siren, valeur) is None


@pytest.mark.parametrize("valeur", ["200067206", "85131528", "8513152830", "85131528A", ""])
def test_siren_invalides(valeur):
    assert code_erreur(valider_siren, valeur) == "siren"


@pytest.mark.parametrize("valeur", ["50129", "01001", "2A004", "2B033", "97411"])
def test_codes_insee_valides(valeur):
    assert code_erreur(valider_code_insee, valeur) is None


@pytest.mark.parametrize("valeur", ["5012", "501290", "2C004", "2a004", "ABCDE", "50 12", ""])
def test_codes_insee_invalides(valeur):
    assert code_erreur(valider_code_insee, valeur) == "code_insee"
