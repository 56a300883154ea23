"""Le rapport d'un import : ce qu'il a créé, mis à jour, laissé, ignoré, rejeté ou retiré.

Gardé en JSON sur l'import (`ImportFichier.rapport`) et dit en une phrase française ; écrit par
les importeurs (territoire/importeurs/), lu par le modèle, l'administration et les commandes.
"""

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socle.francais import nombre

# Au-delà, le rapport garde le compte exact des rejets mais pas le détail de chacun.
MAX_REJETS_DETAILLES = 500


@dataclass
class Rejet:
    ligne: int
    motif: str


@dataclass
class Rapport:
    lignes: int = 0
    crees: int = 0
    mis_a_jour: int = 0
    inchanges: int = 0
    ignores: int = 0
    rejetes: int = 0
    retires: int = 0
    rejets: list[Rejet] = field(default_factory=list)
    # Remarques pour la personne qui lit le rapport (« 3 communes sans population »).
    remarques: list[str] = field(default_factory=list)

    def rejeter(self, ligne: int, motif: str) -> None:
        self.rejetes += 1
        if len(self.rejets) < MAX_REJETS_DETAILLES:
            self.rejets.append(Rejet(ligne=ligne, motif=motif))

    @property
    def rejets_tronques(self) -> bool:
        return self.rejetes > len(self.rejets)

    def en_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def depuis_json(cls, donnees: dict[str, Any]) -> "Rapport":
        donnees = dict(donnees)
        rejets = [Rejet(**r) for r in donnees.pop("rejets", [])]
        connus = {f for f in cls.__dataclass_fields__ if f != "rejets"}
        return cls(rejets=rejets, **{k: v for k, v in donnees.items() if k in connus})

    def resume(self) -> str:
        """Une phrase en français : « 1 234 lignes lues : 12 créés, … »."""

        def n(valeur: int) -> str:
            return nombre(valeur)

        parties = [
            ngettext("%(n)s créé", "%(n)s créés", self.crees) % {"n": n(self.crees)},
            ngettext("%(n)s mis à jour", "%(n)s mis à jour", self.mis_a_jour) % {"n": n(self.mis_a_jour)},
            ngettext("%(n)s inchangé", "%(n)s inchangés", self.inchanges) % {"n": n(self.inchanges)},
            ngettext("%(n)s ignoré (hors du territoire)", "%(n)s ignorés (hors du territoire)", self.ignores)
            % {"n": n(self.ignores)},
            ngettext("%(n)s rejeté", "%(n)s rejetés", self.rejetes) % {"n": n(self.rejetes)},
        ]
        if self.retires:
            parties.append(ngettext("%(n)s retiré", "%(n)s retirés", self.retires) % {"n": n(self.retires)})
        return _("%(lignes)s lues : %(detail)s.") % {
            "lignes": ngettext("%(n)s ligne", "%(n)s lignes", self.lignes) % {"n": n(self.lignes)},
            "detail": ", ".join(parties),
        }
