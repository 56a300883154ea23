"""Le registre des sections du bilan annuel : chaque application apporte la sienne.

Le registre est dans le socle, au rez-de-chaussée (DESIGN.md §3) : une application s'y
enregistre sans importer l'application `bilan/`, qui rassemble les sections sans connaître
les applications. Chacune enregistre, dans son `AppConfig.ready()`, une `Section` : une
fonction année → `ContenuSection` (ses chiffres de l'année, lus en un nombre **fixe** de
requêtes, quel que soit le nombre de lignes : des agrégats de PostgreSQL, jamais une requête
par objet) et le gabarit qui les met en page. Les applications à venir (recrutement,
formation, coopération, prévention) ajouteront la leur de la même façon.

Le gabarit d'une section est un fragment HTML rendu avec le contexte de la section, plus
`annee` et `section` ; le bilan l'entoure de `<section>` et de son titre de niveau 1. Il
n'utilise que du HTML sémantique (h2, h3, p, ul, table avec caption et th scope, dl) et les
partiels de `socle/graphiques.html` ; la feuille d'impression du bilan les met en forme.
Chaque graphique est suivi du tableau de ses chiffres.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise


@dataclass(frozen=True)
class ChiffreCle:
    """Un chiffre de la synthèse en tête du bilan : « Séances tenues » — « 4 »."""

    libelle: str | Promise
    valeur: str  # déjà écrit à la française (socle.graphiques.nombre, euros…)
    precision: str | Promise = ""  # « dont 2 avec quorum »


@dataclass
class ContenuSection:
    contexte: dict[str, Any]
    chiffres_cles: list[ChiffreCle] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    cle: str  # « conseil » : ancre dans le PDF, identifiant dans les tests
    titre: str | Promise
    ordre: int
    gabarit: str
    donnees: Callable[[int], ContenuSection]


_SECTIONS: dict[str, Section] = {}


def ajouter_section(section: Section) -> None:
    """Enregistre (ou remplace, par sa clé) la section d'une application."""
    _SECTIONS[section.cle] = section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.ordre, s.cle))


# --- Ce que les sections partagent ------------------------------------------------------


def bornes_de_l_annee(annee: int) -> tuple[datetime, datetime]:
    """Du 1er janvier 0 h au 1er janvier suivant 0 h, à l'heure de Paris (fuseau du projet) :
    un événement du 31 décembre à 23 h 30 compte dans l'année, même s'il est 22 h 30 en UTC."""
    fuseau = timezone.get_default_timezone()
    return datetime(annee, 1, 1, tzinfo=fuseau), datetime(annee + 1, 1, 1, tzinfo=fuseau)


def jour_local(moment: datetime) -> date:
    """Le jour, à Paris, d'un instant enregistré en UTC."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()
