"""Le registre de la page d'accueil : ce qu'une personne a à faire, et ce qui a changé pour elle.

Le registre est dans le socle, au rez-de-chaussée (DESIGN.md §3), comme celui des sections du
bilan (`socle/bilan.py`) : une application y inscrit ses fonctions sans que le socle la
connaisse. Chacune déclare, dans un module `a_faire.py` que son `AppConfig.ready()` importe :

- `@fournisseur("college")` une fonction (utilisateur, maintenant) → list[Tache] : ce que la
  personne doit faire elle-même (voter, répondre à une convocation, fournir des compléments…),
  avec son échéance quand il y en a une ;
- `@nouveautes("college")` une fonction (utilisateur, depuis, maintenant) → list[Nouveaute] :
  ce qui a changé pour elle entre sa visite précédente de l'accueil et maintenant.

Chaque fonction lit ses données en un nombre **fixe** de requêtes, quel que soit le nombre de
tâches (une requête par sorte de tâche, jamais une par objet) : la page d'accueil en fait
autant pour une personne qui a trente choses à faire que pour celle qui n'en a qu'une
(tests/test_requetes.py). Une fonction qui n'a rien pour cette personne (le prédicat de son
rôle, lu dans les rôles déjà chargés, dit non) rend une liste vide sans requête.

Une `Tache` n'est pas une `TacheDemandee` (socle/taches.py, le travail confié à Celery) : c'est
une chose à faire par une personne, avec le lien de la page où elle la fait.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

# Les nouveautés d'une application, au plus : l'accueil en montre un aperçu, pas un journal.
NOUVEAUTES_PAR_APPLICATION = 10


@dataclass(frozen=True)
class Tache:
    """« Voter : Avis sur la demande FIN-2026-00012 » — avant le 3 mars 2026 à 18 h."""

    titre: str | Promise
    lien: str
    echeance: datetime | date | None = None
    detail: str | Promise = ""  # « Vous votez aussi pour Dr Durand (procuration). »
    categorie: str | Promise = ""  # « Collège », « Demandes de financement »

    @property
    def avec_heure(self) -> bool:
        return isinstance(self.echeance, datetime)

    @property
    def instant(self) -> datetime | None:
        """L'échéance comme un instant (une date seule : à la fin de ce jour-là, à Paris)."""
        if self.echeance is None or isinstance(self.echeance, datetime):
            return self.echeance
        return datetime.combine(self.echeance, time.max, tzinfo=timezone.get_default_timezone())


@dataclass(frozen=True)
class Nouveaute:
    """« Scrutin ouvert : Avis sur la demande FIN-2026-00012 », le 1er mars 2026 à 9 h."""

    titre: str | Promise
    lien: str
    quand: datetime
    detail: str | Promise = ""
    categorie: str | Promise = ""


FournisseurDeTaches = Callable[[Any, datetime], list[Tache]]
FournisseurDeNouveautes = Callable[[Any, datetime, datetime], list[Nouveaute]]

_TACHES: dict[str, FournisseurDeTaches] = {}
_NOUVEAUTES: dict[str, FournisseurDeNouveautes] = {}


def fournisseur(cle: str) -> Callable[[FournisseurDeTaches], FournisseurDeTaches]:
    """Inscrit (ou remplace, par sa clé) les tâches d'une application."""

    def enregistrer(fonction: FournisseurDeTaches) -> FournisseurDeTaches:
        _TACHES[cle] = fonction
        return fonction

    return enregistrer


def nouveautes(cle: str) -> Callable[[FournisseurDeNouveautes], FournisseurDeNouveautes]:
    """Inscrit (ou remplace, par sa clé) les nouveautés d'une application."""

    def enregistrer(fonction: FournisseurDeNouveautes) -> FournisseurDeNouveautes:
        _NOUVEAUTES[cle] = fonction
        return fonction

    return enregistrer


def cles_inscrites() -> tuple[list[str], list[str]]:
    return sorted(_TACHES), sorted(_NOUVEAUTES)


def taches_de(utilisateur: Any, maintenant: datetime) -> list[Tache]:
    """Toutes les tâches de la personne, la plus proche échéance d'abord, celles sans échéance
    à la fin (dans l'ordre où leurs applications les donnent)."""
    taches = [t for _cle, fonction in sorted(_TACHES.items()) for t in fonction(utilisateur, maintenant)]
    # sorted est stable : à échéance égale (ou sans échéance), l'ordre des applications reste.
    return sorted(taches, key=lambda t: (t.instant is None, t.instant or maintenant))


def nouveautes_de(utilisateur: Any, depuis: datetime, maintenant: datetime) -> list[Nouveaute]:
    """Ce qui a changé pour la personne entre `depuis` (exclu) et `maintenant`, le plus récent
    d'abord."""
    trouvees = [
        n
        for _cle, fonction in sorted(_NOUVEAUTES.items())
        for n in fonction(utilisateur, depuis, maintenant)[:NOUVEAUTES_PAR_APPLICATION]
    ]
    return sorted(trouvees, key=lambda n: n.quand, reverse=True)
