"""Ce que les services du Collège partagent."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from college.models import Scrutin, StatutScrutin

Acteur = Any


def en_preparation(scrutin: Scrutin) -> None:
    """Refuse de toucher à un scrutin ouvert : ses règles et son corps électoral sont figés."""
    if scrutin.statut != StatutScrutin.PREPARATION:
        raise ValidationError(_("Le scrutin est ouvert : sa préparation ne peut plus changer."))
