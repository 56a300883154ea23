"""Identifiants des registres nationaux, contrôlés avec leur clé.

RPPS : 11 chiffres, le dernier est une clé de Luhn sur les dix premiers.
FINESS : 9 caractères, département (2 chiffres, ou 2A / 2B), 6 chiffres, clé de Luhn.
SIRET / SIREN : python-stdnum (clé de Luhn, et la règle particulière de La Poste).
Code INSEE de commune : 5 caractères (2A / 2B pour la Corse).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as ErreurStdnum
from stdnum.fr import siren, siret

_CHIFFRES = re.compile(r"^\d+$")
_FINESS = re.compile(r"^(\d{2}|2A|2B)\d{7}$")
_CODE_INSEE = re.compile(r"^(\d{2}|2A|2B)\d{3}$")


def rpps_valide(valeur: str) -> bool:
    return len(valeur) == 11 and bool(_CHIFFRES.match(valeur)) and luhn.is_valid(valeur)


def valider_rpps(valeur: str) -> None:
    if len(valeur) != 11 or not _CHIFFRES.match(valeur):
        raise ValidationError(
            _("Un numéro RPPS compte 11 chiffres (reçu : « %(valeur)s »).") % {"valeur": valeur},
            code="rpps_format",
        )
    if not luhn.is_valid(valeur):
        raise ValidationError(
            _("Le numéro RPPS « %(valeur)s » est incorrect : sa clé de contrôle ne correspond pas.")
            % {"valeur": valeur},
            code="rpps_cle",
        )


def finess_valide(valeur: str) -> bool:
    if not _FINESS.match(valeur):
        return False
    # Corse : la clé ne porte que sur les chiffres qui suivent le département.
    return luhn.is_valid(valeur if valeur[:2].isdigit() else valeur[2:])


def valider_finess(valeur: str) -> None:
    if not _FINESS.match(valeur):
        raise ValidationError(
            _(
                "Un numéro FINESS compte 9 caractères : le département (2 chiffres, 2A ou 2B) "
                "puis 7 chiffres (reçu : « %(valeur)s »)."
            )
            % {"valeur": valeur},
            code="finess_format",
        )
    if not finess_valide(valeur):
        raise ValidationError(
            _("Le numéro FINESS « %(valeur)s » est incorrect : sa clé de contrôle ne correspond pas.")
            % {"valeur": valeur},
            code="finess_cle",
        )


def valider_siret(valeur: str) -> None:
    try:
        siret.validate(valeur)
    except ErreurStdnum as erreur:
        raise ValidationError(
            _("Le numéro SIRET « %(valeur)s » est incorrect (14 chiffres avec une clé de contrôle).")
            % {"valeur": valeur},
            code="siret",
        ) from erreur


def valider_siren(valeur: str) -> None:
    try:
        siren.validate(valeur)
    except ErreurStdnum as erreur:
        raise ValidationError(
            _("Le numéro SIREN « %(valeur)s » est incorrect (9 chiffres avec une clé de contrôle).")
            % {"valeur": valeur},
            code="siren",
        ) from erreur


def siret_valide(valeur: str) -> bool:
    return siret.is_valid(valeur)


def code_insee_valide(valeur: str) -> bool:
    return bool(_CODE_INSEE.match(valeur or ""))


def valider_code_insee(valeur: str) -> None:
    if not code_insee_valide(valeur):
        raise ValidationError(
            _("Un code INSEE de commune compte 5 caractères, par exemple 50129 (reçu : « %(valeur)s »).")
            % {"valeur": valeur},
            code="code_insee",
        )
