"""Les exports du portail en CSV et en XLSX : un seul écrivain, qui neutralise les formules.

Un tableur prend pour une formule une case qui commence par « = », « + », « - », « @ » (ou
leur forme pleine chasse « ＝ ＋ － ＠ »), une tabulation ou un retour chariot :
`=HYPERLINK(…)` saisi comme prénom ou comme motif deviendrait un lien actif à l'ouverture
(injection de formules, OWASP « CSV Injection »). Ici, une valeur passée comme texte qui
commence ainsi est précédée d'une apostrophe dans le CSV, et marquée « préfixe apostrophe »
dans le classeur (où elle est de toute façon écrite comme texte, jamais comme formule). Un
nombre passé comme nombre (`int`, `Decimal`, `float`, `Nombre`) reste un nombre, même
négatif : c'est le type de la valeur qui décide, jamais son allure (« -2 » saisi comme texte
est préfixé).

Le CSV est celui qu'un tableur réglé en français ouvre : UTF-8 avec BOM (sans lui, Excel lit
du Windows-1252), séparateur « ; » (la virgule est le séparateur décimal), fins de ligne
CRLF. Le classeur XLSX garde les vrais nombres et les vraies dates.

Chaque vue qui exporte se déclare par `@export` et répond par `reponse_csv` ou
`reponse_xlsx`, qui refusent de servir une vue non déclarée ; tests/test_exports.py
télécharge chaque export déclaré avec des formules dans tous les textes libres, et échoue
quand une vue déclarée manque à sa liste."""

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from socle.francais import nombre_csv

# Ce par quoi une case devient une formule dans Excel, LibreOffice ou Google Sheets.
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
FORMAT_DATE = "DD/MM/YYYY"
TYPE_CSV = "text/csv; charset=utf-8"
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Nombre:
    """Un nombre et sa façon de s'écrire : `decimales` dans le CSV (virgule décimale, sans
    séparateur de milliers), `signe` pour écrire « + » devant une variation positive,
    `format_xlsx` pour la case du classeur (« # ##0,00 € »…). Vide sans valeur."""

    valeur: int | float | Decimal | None
    decimales: int = 0
    signe: bool = False
    format_xlsx: str = ""

    def csv(self) -> str:
        texte = nombre_csv(self.valeur, self.decimales)
        if self.signe and self.valeur is not None and round(float(self.valeur), self.decimales) > 0:
            return "+" + texte
        return texte


type Valeur = str | int | float | Decimal | date | Nombre | None


@dataclass(frozen=True)
class Colonne:
    titre: str
    largeur: int = 16  # dans le classeur, en caractères


# Les caractères de contrôle qu'un classeur refuse : ceux d'openpyxl (`ILLEGAL_CHARACTERS_RE`),
# recopiés pour que l'import d'openpyxl attende le premier classeur écrit (un test les compare).
CARACTERES_INTERDITS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def texte_sur(texte: str) -> str:
    """Le texte sans les caractères de contrôle qu'un classeur refuse, et précédé d'une
    apostrophe s'il commence comme une formule."""
    texte = CARACTERES_INTERDITS.sub("", texte)
    return "'" + texte if texte.startswith(DEBUTS_DE_FORMULE) else texte


def case_csv(valeur: Valeur) -> str:
    """La case telle que le CSV l'écrit : nombres à la française, dates JJ/MM/AAAA, texte
    neutralisé."""
    if valeur is None:
        return ""
    if isinstance(valeur, Nombre):
        return valeur.csv()
    if isinstance(valeur, bool):
        raise TypeError("Un booléen s'exporte en toutes lettres (« oui », « non »).")
    if isinstance(valeur, int):
        return str(valeur)
    if isinstance(valeur, Decimal):
        return f"{valeur:f}".replace(".", ",")
    if isinstance(valeur, float):
        return str(valeur).replace(".", ",")
    if isinstance(valeur, date):
        return valeur.strftime("%d/%m/%Y")
    return texte_sur(str(valeur))


class Ecrivable(Protocol):
    def write(self, texte: str, /) -> object: ...


def _titre(colonne: str | Colonne) -> str:
    return colonne.titre if isinstance(colonne, Colonne) else colonne


def ecrire_csv(
    colonnes: Sequence[str | Colonne], lignes: Iterable[Sequence[Valeur]], sortie: Ecrivable
) -> None:
    sortie.write("\ufeff")
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow([case_csv(_titre(c)) for c in colonnes])
    ecrivain.writerows([case_csv(valeur) for valeur in ligne] for ligne in lignes)


def classeur(colonnes: Sequence[str | Colonne], lignes: Iterable[Sequence[Valeur]], feuille: str) -> bytes:
    """Le classeur XLSX d'une feuille : en-tête en gras et figé, filtre automatique, nombres
    en nombres, dates en dates, texte en texte (jamais une formule)."""
    # Import local : openpyxl coûte un tiers de seconde à chaque démarrage de Django.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    livre = Workbook()
    onglet: Any = livre.active
    onglet.title = feuille[:31]
    gras = Font(bold=True)
    for numero, colonne in enumerate(colonnes, start=1):
        case = onglet.cell(row=1, column=numero)
        _ecrire_case(case, _titre(colonne))
        case.font = gras
        if isinstance(colonne, Colonne):
            onglet.column_dimensions[get_column_letter(numero)].width = colonne.largeur
    rang = 1
    for rang, ligne in enumerate(lignes, start=2):
        for numero, valeur in enumerate(ligne, start=1):
            _ecrire_case(onglet.cell(row=rang, column=numero), valeur)
    onglet.freeze_panes = "A2"
    onglet.auto_filter.ref = f"A1:{get_column_letter(max(len(colonnes), 1))}{rang}"
    sortie = BytesIO()
    livre.save(sortie)
    return sortie.getvalue()


def _ecrire_case(case: Any, valeur: Valeur) -> None:
    if valeur is None:
        return
    if isinstance(valeur, Nombre):
        case.value = valeur.valeur
        if valeur.format_xlsx:
            case.number_format = valeur.format_xlsx
    elif isinstance(valeur, bool):
        raise TypeError("Un booléen s'exporte en toutes lettres (« oui », « non »).")
    elif isinstance(valeur, int | float | Decimal):
        case.value = valeur
    elif isinstance(valeur, date):
        case.value = valeur
        case.number_format = FORMAT_DATE
    else:
        texte = CARACTERES_INTERDITS.sub("", str(valeur))
        # openpyxl prend pour une formule tout texte qui commence par « = » : on force le type.
        case.value = texte
        case.data_type = "s"
        # Ce que fait Excel quand on tape « '=… » : la case affiche le texte tel quel et le
        # reste si on la modifie.
        case.quotePrefix = texte.startswith(DEBUTS_DE_FORMULE)


# --- Les vues qui exportent ----------------------------------------------------------------

EXPORTS: set[Callable[..., HttpResponse]] = set()


def export[V: Callable[..., HttpResponse]](vue: V) -> V:
    """Déclare une vue qui exporte (à placer au plus près de la fonction). Le test des
    exports (tests/test_exports.py) les trouve dans l'URLconf par cette marque."""
    vue.export_du_portail = True  # type: ignore[attr-defined]
    EXPORTS.add(vue)
    return vue


def est_un_export(vue: object) -> bool:
    """La vue (éventuellement enveloppée par des décorateurs qui copient ses attributs,
    comme `require_safe`) est-elle déclarée par `@export` ?"""
    return bool(getattr(vue, "export_du_portail", False))


def _verifier_la_vue(request: HttpRequest) -> None:
    correspondance = request.resolver_match
    if correspondance is None or not est_un_export(correspondance.func):
        raise ImproperlyConfigured(
            "Une vue qui exporte se déclare par @export (socle.exports) : tests/test_exports.py "
            "la télécharge avec des formules dans ses textes."
        )


def reponse_csv(
    request: HttpRequest,
    nom_fichier: str,
    colonnes: Sequence[str | Colonne],
    lignes: Iterable[Sequence[Valeur]],
) -> HttpResponse:
    _verifier_la_vue(request)
    reponse = HttpResponse(
        content_type=TYPE_CSV,
        headers={"Content-Disposition": content_disposition_header(as_attachment=True, filename=nom_fichier)},
    )
    ecrire_csv(colonnes, lignes, reponse)
    return reponse


def reponse_xlsx(
    request: HttpRequest,
    nom_fichier: str,
    colonnes: Sequence[str | Colonne],
    lignes: Iterable[Sequence[Valeur]],
    *,
    feuille: str,
) -> HttpResponse:
    _verifier_la_vue(request)
    return HttpResponse(
        classeur(colonnes, lignes, feuille),
        content_type=TYPE_XLSX,
        headers={"Content-Disposition": content_disposition_header(as_attachment=True, filename=nom_fichier)},
    )
