"""Les actions du journal d'audit (et des notifications) : un code pointé et son libellé français,
déclarés ensemble, là où l'action s'écrit.

    DEPOSEE = Verbe("financements.demande.deposee", gettext_lazy("Demande déposée"))
    evenement_enregistrer(verbe=DEPOSEE, acteur=…, cible=…)

`evenement_enregistrer`, `notifier` et les transitions des workflows ne prennent qu'un `Verbe`
(mypy le vérifie) : une action ne s'écrit plus sans son libellé, que la chronologie d'un objet
affiche. Le registre sert à relire le libellé d'une ligne du journal déjà écrite ; chaque
application importe dans son `ready()` les modules qui déclarent ses verbes.
"""

import re
from dataclasses import dataclass

from django.utils.functional import Promise

FORME_DU_CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")

_REGISTRE: dict[str, "Verbe"] = {}


@dataclass(frozen=True)
class Verbe:
    code: str  # « application.objet.action »
    libelle: str | Promise  # « Demande déposée » (paresseux : traduit à l'affichage)
    # La donnée de l'événement qui le distingue des autres du même verbe, montrée après le
    # libellé dans la chronologie (« Document déposé : devis.pdf ») : une clé de `donnees`.
    precision: str = ""

    def __post_init__(self) -> None:
        if not FORME_DU_CODE.fullmatch(self.code):
            raise ValueError(f"Verbe mal formé : {self.code!r} (attendu : application.objet.action).")
        if self.code in _REGISTRE:
            raise ValueError(f"Verbe déclaré deux fois : {self.code!r} ; importez la première déclaration.")
        _REGISTRE[self.code] = self

    def __str__(self) -> str:
        return self.code


def libelle(code: str) -> str:
    """Le libellé d'une action du journal ; son code tel quel si aucun module ne la déclare."""
    verbe = _REGISTRE.get(code)
    return str(verbe.libelle) if verbe is not None else code


def precision(code: str, donnees: dict[str, object] | None) -> str:
    """Ce qui distingue cet événement des autres du même verbe (« devis.pdf »), ou rien."""
    verbe = _REGISTRE.get(code)
    if verbe is None or not verbe.precision or not donnees:
        return ""
    valeur = donnees.get(verbe.precision)
    return str(valeur) if valeur not in (None, "") else ""


def verbes_declares() -> list[Verbe]:
    return sorted(_REGISTRE.values(), key=lambda verbe: verbe.code)
