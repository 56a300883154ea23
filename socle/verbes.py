"""Libellés lisibles des actions du journal (« comptes.invitation.acceptee » → « Invitation acceptée »).

Chaque application ajoute les siens dans son AppConfig.ready() ; un verbe sans libellé
s'affiche tel quel.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

_LIBELLES: dict[str, Any] = {
    "socle.document.depose": _("Document déposé"),
}


def declarer(libelles: dict[str, Any]) -> None:
    _LIBELLES.update(libelles)


def libelle(verbe: str) -> str:
    return str(_LIBELLES.get(verbe, verbe))
