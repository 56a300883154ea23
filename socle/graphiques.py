"""Graphiques dessinés côté serveur en SVG, et le tableau de leurs chiffres.

Ce module ne fait que des données simples : coordonnées, graduations « rondes », libellés
au format français. `socle/graphiques.html` les dessine (partiels `barres`, `courbes`,
`tableau`) ; les pages comme le bilan annuel en PDF (WeasyPrint) s'en servent.

Aucune bibliothèque de graphiques : celles qui existent (pygal…) glissent du <style> ou du
<script> dans le SVG, que la CSP (sans 'unsafe-inline') refuse ; pour la même raison, pas
d'attribut style="…" : des attributs de présentation SVG (fill, stroke…) et des classes de
static/css/graphiques.css.

Accessibilité (RGAA) : chaque SVG a role="img", un <title> et une <desc>, et s'accompagne du
tableau de ses chiffres. Les couleurs ont un contraste d'au moins 3:1 sur blanc (4,5:1 pour
le texte) et chaque série se distingue aussi par son marqueur et ses tirets.
"""

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from socle.exports import Nombre, Valeur
from socle.francais import date_courte, date_longue, euros, nombre, pourcentage, variation

# Couleurs des séries (contraste sur blanc entre parenthèses, WCAG 2.1) : toutes ≥ 4,5:1, ce
# qui vaut pour les traits (3:1 suffit) comme pour le texte de la légende.
COULEURS = (
    "#124a7c",  # bleu du portail (9,3:1)
    "#a3440b",  # orange brûlé (5,9:1)
    "#2b6a2e",  # vert (6,6:1)
    "#6b2d8f",  # violet (8,8:1)
    "#a1134f",  # framboise (7,6:1)
    "#00616b",  # bleu canard (6,9:1)
)
# … et ce qui les distingue sans la couleur (lecteurs daltoniens, impression en gris).
FORMES = ("cercle", "carre", "triangle", "losange", "triangle_bas", "croix")
TIRETS = ("", "9 4", "2 3", "9 3 2 3", "14 5", "5 5")
COULEUR_TEXTE = "#212529"  # 15,4:1
COULEUR_TEXTE_SECONDAIRE = "#495057"  # 8,2:1
COULEUR_AXE = "#6c757d"  # 4,7:1
COULEUR_GRILLE = "#dee2e6"  # décorative
COULEUR_BARRE = COULEURS[0]
COULEUR_REFERENCE = COULEUR_TEXTE
AUCUNE_DONNEE = _("Aucune donnée à représenter.")

# Géométrie (unités du viewBox ; le SVG s'étire ensuite à la largeur de son conteneur).
LARGEUR = 720
TAILLE_POLICE = 13
LARGEUR_CARACTERE = 7.2  # moyenne pour une police sans empattement de 13 px
HAUTEUR_BARRE = 20
PAS_BARRE = 30
MARGE_LIBELLES_MAX = 250
MARGE_VALEURS = 78
HAUTEUR_COURBES = 300
ECART_MIN_DATES = 96  # entre deux dates écrites sous l'axe
RAYON_MARQUEUR = 4.5


# --- Échelles ----------------------------------------------------------------------------


def graduations_nettes(maximum: float, nombre_vise: int = 5, entiers: bool = False) -> list[float]:
    """Les graduations de 0 à un maximum « rond » au moins égal à `maximum`, par pas de 1, 2,
    2,5 ou 5 × 10ⁿ (pas entier si `entiers`), environ `nombre_vise` intervalles."""
    if maximum <= 0 or not math.isfinite(maximum):
        return [0.0, 1.0]
    pas_brut = maximum / nombre_vise
    base = 10.0 ** math.floor(math.log10(pas_brut))
    candidats = [m * base for m in (1.0, 2.0, 2.5, 5.0, 10.0)]
    if entiers:
        # Des effectifs : pas de graduation « 2,5 professionnels ».
        candidats = [max(1.0, c) for c in candidats if c >= 1 and c == int(c)] or [1.0]
    pas = next((c for c in candidats if pas_brut <= c * (1 + 1e-9)), candidats[-1])
    intervalles = math.ceil(maximum / pas - 1e-9)
    return [round(i * pas, 10) for i in range(intervalles + 1)]


def decimales_du_pas(graduations: Sequence[float]) -> int:
    """Le nombre de décimales qu'il faut pour écrire ces graduations (0 pour 10, 1 pour 2,5)."""
    if len(graduations) < 2:
        return 0
    pas = graduations[1] - graduations[0]
    for decimales in range(6):
        if abs(round(pas, decimales) - pas) < 1e-9:
            return decimales
    return 6


@dataclass(frozen=True)
class Graduation:
    valeur: float
    texte: str
    position: float  # x (barres) ou y (courbes)


def _arrondi(valeur: float) -> float:
    return round(valeur, 1)


def _tronquer(texte: str, largeur: float) -> str:
    caracteres = max(4, int(largeur / LARGEUR_CARACTERE))
    return texte if len(texte) <= caracteres else texte[: caracteres - 1].rstrip() + "…"


# --- Barres horizontales -------------------------------------------------------------------


@dataclass(frozen=True)
class Barre:
    libelle: str
    libelle_affiche: str  # tronqué s'il est trop long (le tableau le donne en entier)
    valeur: float | None
    texte: str
    y: float
    largeur: float
    y_texte: float
    x_texte: float


@dataclass(frozen=True)
class Reference:
    """Une valeur de comparaison (tout le territoire…), tracée en trait vertical tireté."""

    texte: str
    valeur: float
    x: float
    y_haut: float
    y_bas: float
    y_texte: float
    ancre: str  # text-anchor


@dataclass(frozen=True)
class GraphiqueBarres:
    identifiant: str
    titre: str
    description: str
    largeur: float
    hauteur: float
    gauche: float  # bord gauche de la zone des barres (les libellés sont à sa gauche)
    droite: float
    haut: float
    bas: float
    hauteur_barre: float
    barres: tuple[Barre, ...]
    graduations: tuple[Graduation, ...]
    reference: Reference | None
    message_vide: str
    couleur: str = COULEUR_BARRE
    y_graduations: float = 0.0
    x_libelles: float = 0.0

    @property
    def vide(self) -> bool:
        return not any(barre.valeur is not None for barre in self.barres)


def graphique_barres(
    *,
    identifiant: str,
    titre: str,
    description: str,
    valeurs: Sequence[tuple[str, float | None]],
    decimales: int = 0,
    suffixe: str = "",
    reference: tuple[str, float | None] | None = None,
    message_vide: str | Promise = AUCUNE_DONNEE,
) -> GraphiqueBarres:
    """Des barres horizontales, une par (libellé, valeur) ; une valeur absente s'écrit « — »
    sans barre. `reference` (libellé, valeur) ajoute un trait vertical légendé."""
    valeur_reference = reference[1] if reference else None
    connues = [v for _, v in valeurs if v is not None]
    if valeur_reference is not None:
        connues.append(valeur_reference)
    graduations = graduations_nettes(max(connues, default=0.0), entiers=decimales == 0)
    maximum = graduations[-1]
    decimales_graduations = decimales_du_pas(graduations)

    plus_long = max((len(libelle) for libelle, _ in valeurs), default=0)
    gauche = _arrondi(min(MARGE_LIBELLES_MAX, 16 + plus_long * LARGEUR_CARACTERE))
    droite = LARGEUR - MARGE_VALEURS
    haut = 30.0 if valeur_reference is not None else 8.0
    bas = haut + len(valeurs) * PAS_BARRE
    hauteur = bas + 30

    def x_de(valeur: float) -> float:
        return _arrondi(gauche + (droite - gauche) * valeur / maximum)

    barres = []
    for i, (libelle, valeur) in enumerate(valeurs):
        y = haut + i * PAS_BARRE + (PAS_BARRE - HAUTEUR_BARRE) / 2
        largeur = x_de(valeur) - gauche if valeur is not None else 0.0
        barres.append(
            Barre(
                libelle=libelle,
                libelle_affiche=_tronquer(libelle, gauche - 12),
                valeur=valeur,
                texte=nombre(valeur, decimales) + (suffixe if valeur is not None else ""),
                y=_arrondi(y),
                largeur=_arrondi(largeur),
                y_texte=_arrondi(y + HAUTEUR_BARRE / 2 + TAILLE_POLICE * 0.35),
                x_texte=_arrondi(gauche + largeur + 6),
            )
        )
    trait = None
    if reference is not None and valeur_reference is not None:
        x = x_de(valeur_reference)
        trait = Reference(
            texte=gettext("%(libelle)s : %(valeur)s")
            % {"libelle": reference[0], "valeur": nombre(valeur_reference, decimales) + suffixe},
            valeur=valeur_reference,
            x=x,
            y_haut=haut - 8,
            y_bas=bas,
            y_texte=haut - 13,
            # Le libellé part vers l'intérieur du graphique pour ne pas déborder du cadre.
            ancre="start" if x < (gauche + droite) / 2 else "end",
        )
    return GraphiqueBarres(
        identifiant=identifiant,
        titre=titre,
        description=description,
        largeur=LARGEUR,
        hauteur=hauteur,
        gauche=gauche,
        droite=droite,
        haut=haut,
        bas=bas,
        hauteur_barre=HAUTEUR_BARRE,
        barres=tuple(barres),
        graduations=tuple(
            Graduation(valeur=g, texte=nombre(g, decimales_graduations) + suffixe, position=x_de(g))
            for g in graduations
        ),
        reference=trait,
        message_vide=str(message_vide),
        y_graduations=bas + 18,
        x_libelles=gauche - 8,
    )


# --- Courbes dans le temps ------------------------------------------------------------------


def chemin_marqueur(forme: str, x: float, y: float, r: float = RAYON_MARQUEUR) -> str:
    """Le tracé SVG (attribut d) d'un marqueur centré en (x, y)."""

    def f(v: float) -> str:
        return f"{round(v, 2):g}"

    if forme == "cercle":
        return f"M{f(x - r)} {f(y)}a{f(r)} {f(r)} 0 1 0 {f(2 * r)} 0a{f(r)} {f(r)} 0 1 0 {f(-2 * r)} 0Z"
    if forme == "carre":
        c = r * 0.9
        return f"M{f(x - c)} {f(y - c)}h{f(2 * c)}v{f(2 * c)}h{f(-2 * c)}Z"
    if forme == "triangle":
        return (
            f"M{f(x)} {f(y - r * 1.2)}L{f(x + r * 1.15)} {f(y + r * 0.9)}L{f(x - r * 1.15)} {f(y + r * 0.9)}Z"
        )
    if forme == "triangle_bas":
        return (
            f"M{f(x)} {f(y + r * 1.2)}L{f(x + r * 1.15)} {f(y - r * 0.9)}L{f(x - r * 1.15)} {f(y - r * 0.9)}Z"
        )
    if forme == "losange":
        c = r * 1.3
        return f"M{f(x)} {f(y - c)}L{f(x + c)} {f(y)}L{f(x)} {f(y + c)}L{f(x - c)} {f(y)}Z"
    if forme == "croix":
        c, e = r * 1.1, r * 0.4
        return (
            f"M{f(x - e)} {f(y - c)}h{f(2 * e)}v{f(c - e)}h{f(c - e)}v{f(2 * e)}h{f(e - c)}"
            f"v{f(c - e)}h{f(-2 * e)}v{f(e - c)}h{f(e - c)}v{f(-2 * e)}h{f(c - e)}Z"
        )
    raise ValueError(forme)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    valeur: float
    texte: str
    date_texte: str
    marqueur: str


@dataclass(frozen=True)
class Serie:
    libelle: str
    couleur: str
    forme: str
    tirets: str
    points: tuple[Point, ...]
    chemin: str  # la ligne brisée ; vide avec un seul point (le marqueur suffit)
    legende_x: float
    legende_y: float
    legende_marqueur: str

    @property
    def legende_x_fin(self) -> float:
        return self.legende_x + 34

    @property
    def legende_x_texte(self) -> float:
        return self.legende_x + 42


@dataclass(frozen=True)
class GraphiqueCourbes:
    identifiant: str
    titre: str
    description: str
    largeur: float
    hauteur: float
    gauche: float
    droite: float
    haut: float
    bas: float
    series: tuple[Serie, ...]
    graduations: tuple[Graduation, ...]  # axe des valeurs (position = y)
    dates: tuple[Graduation, ...]  # axe du temps (position = x)
    message_vide: str
    y_dates: float = 0.0
    x_graduations: float = 0.0

    @property
    def y_reperes(self) -> float:
        return self.bas + 5

    @property
    def vide(self) -> bool:
        return not any(serie.points for serie in self.series)


def _positions_des_dates(dates: Sequence[date], gauche: float, droite: float) -> list[float]:
    if not dates:
        return []
    if dates[0] == dates[-1]:
        return [_arrondi((gauche + droite) / 2)] * len(dates)
    debut, etendue = dates[0].toordinal(), dates[-1].toordinal() - dates[0].toordinal()
    return [_arrondi(gauche + (droite - gauche) * (d.toordinal() - debut) / etendue) for d in dates]


def _dates_lisibles(positions: Sequence[float]) -> list[int]:
    """Les indices des dates à écrire sous l'axe sans qu'elles se chevauchent : la première et
    la dernière toujours, les autres si la place le permet."""
    if not positions:
        return []
    gardees = [0]
    for i in range(1, len(positions)):
        if positions[i] - positions[gardees[-1]] >= ECART_MIN_DATES:
            gardees.append(i)
    dernier = len(positions) - 1
    if gardees[-1] != dernier:
        if len(gardees) > 1 and positions[dernier] - positions[gardees[-1]] < ECART_MIN_DATES:
            gardees.pop()
        gardees.append(dernier)
    return gardees


def graphique_courbes(
    *,
    identifiant: str,
    titre: str,
    description: str,
    dates: Sequence[date],
    series: Sequence[tuple[str, Sequence[float | None]]],
    decimales: int = 0,
    message_vide: str | Promise = AUCUNE_DONNEE,
) -> GraphiqueCourbes:
    """Une courbe par série (libellé, valeurs alignées sur `dates`, triées) ; une valeur absente
    interrompt la ligne. Légende sous le graphique ; couleurs, marqueurs et tirets par série."""
    series = list(series)[: len(COULEURS)]
    connues = [v for _, valeurs in series for v in valeurs if v is not None]
    graduations = graduations_nettes(max(connues, default=0.0), entiers=decimales == 0)
    decimales_graduations = decimales_du_pas(graduations)
    largeur_graduations = max((len(nombre(g, decimales_graduations)) for g in graduations), default=1)
    gauche = _arrondi(14 + largeur_graduations * LARGEUR_CARACTERE)
    droite = LARGEUR - 40.0
    haut = 14.0
    bas = haut + HAUTEUR_COURBES
    xs = _positions_des_dates(dates, gauche, droite)

    def y_de(valeur: float) -> float:
        return _arrondi(bas - (bas - haut) * valeur / graduations[-1])

    # Légende : des éléments (échantillon du trait + libellé) posés en lignes sous l'axe.
    legende_haut = bas + 44
    x, y = gauche, legende_haut
    resultat = []
    for i, (libelle, valeurs) in enumerate(series):
        largeur_element = 46 + len(libelle) * LARGEUR_CARACTERE + 24
        if x > gauche and x + largeur_element > LARGEUR:
            x, y = gauche, y + 24
        forme, couleur = FORMES[i], COULEURS[i]
        points = [
            Point(
                x=xs[j],
                y=y_de(valeur),
                valeur=valeur,
                texte=nombre(valeur, decimales),
                date_texte=date_longue(dates[j]),
                marqueur=chemin_marqueur(forme, xs[j], y_de(valeur)),
            )
            for j, valeur in enumerate(valeurs[: len(dates)])
            if valeur is not None
        ]
        morceaux, precedent = [], None
        for j, valeur in enumerate(valeurs[: len(dates)]):
            if valeur is None:
                precedent = None
                continue
            morceaux.append(f"{'L' if precedent is not None else 'M'}{xs[j]:g} {y_de(valeur):g}")
            precedent = j
        chemin = "".join(morceaux) if len(points) > 1 else ""
        resultat.append(
            Serie(
                libelle=libelle,
                couleur=couleur,
                forme=forme,
                tirets=TIRETS[i],
                points=tuple(points),
                chemin=chemin,
                legende_x=_arrondi(x),
                legende_y=_arrondi(y),
                legende_marqueur=chemin_marqueur(forme, x + 17, y),
            )
        )
        x += largeur_element
    indices = _dates_lisibles(xs)
    return GraphiqueCourbes(
        identifiant=identifiant,
        titre=titre,
        description=description,
        largeur=LARGEUR,
        hauteur=_arrondi(y + 18),
        gauche=gauche,
        droite=droite,
        haut=haut,
        bas=bas,
        series=tuple(resultat),
        graduations=tuple(
            Graduation(valeur=g, texte=nombre(g, decimales_graduations), position=y_de(g))
            for g in graduations
        ),
        dates=tuple(Graduation(valeur=i, texte=date_courte(dates[i]), position=xs[i]) for i in indices),
        message_vide=str(message_vide),
        y_dates=bas + 20,
        x_graduations=gauche - 8,
    )


# --- Le tableau des chiffres -----------------------------------------------------------------


@dataclass(frozen=True)
class Cellule:
    """Une case : son texte à l'écran et sa valeur dans les exports (socle.exports : un
    `Nombre` s'y écrit sans espace des milliers, un texte y est neutralisé)."""

    texte: str
    csv: Valeur
    entete: bool = False  # <th scope="row">
    numerique: bool = False

    @classmethod
    def libelle(cls, texte: str, entete: bool = False) -> "Cellule":
        return cls(texte=texte, csv=texte, entete=entete)

    @classmethod
    def nombre(cls, valeur: float | None, decimales: int = 0) -> "Cellule":
        return cls(texte=nombre(valeur, decimales), csv=Nombre(valeur, decimales), numerique=True)

    @classmethod
    def euros(cls, montant: Decimal) -> "Cellule":
        """Écrit « 12 500,00 € » ; le CSV garde « 12500,00 » (l'en-tête dit « (€) »)."""
        return cls(texte=euros(montant), csv=Nombre(montant, 2), numerique=True)

    @classmethod
    def pourcentage(cls, part: float | None, decimales: int = 1) -> "Cellule":
        """Écrit « 25,3 % » ; le CSV garde « 25,3 » (l'en-tête de la colonne dit « (%) »)."""
        valeur = None if part is None else part * 100
        return cls(texte=pourcentage(part, decimales), csv=Nombre(valeur, decimales), numerique=True)

    @classmethod
    def variation(cls, valeur: float | None, decimales: int = 0, suffixe: str = "") -> "Cellule":
        return cls(
            texte=variation(valeur, decimales, suffixe),
            csv=Nombre(valeur, decimales, signe=True),
            numerique=True,
        )


@dataclass(frozen=True)
class Entete:
    texte: str
    numerique: bool = False


@dataclass(frozen=True)
class Ligne:
    cellules: tuple[Cellule, ...]
    mise_en_avant: bool = False  # la ligne que montre le graphique
    premiere_du_groupe: bool = False  # un trait la sépare de la précédente


@dataclass(frozen=True)
class Tableau:
    identifiant: str
    legende: str  # <caption>
    entetes: tuple[Entete, ...]
    lignes: tuple[Ligne, ...]
    pied: tuple[Ligne, ...] = ()  # <tfoot> : ensemble, population…
    notes: tuple[str, ...] = ()
    message_vide: str = field(default_factory=lambda: gettext("Aucune donnée."))
    note_mise_en_avant: str = ""  # dit aux lecteurs d'écran ce qu'est la ligne mise en avant

    @property
    def vide(self) -> bool:
        return not self.lignes

    def entetes_csv(self) -> list[str]:
        return [entete.texte for entete in self.entetes]

    def lignes_csv(self) -> Iterator[list[Valeur]]:
        """Une ligne par ligne du tableau affiché, dans le même ordre (socle.exports les écrit)."""
        for ligne in (*self.lignes, *self.pied):
            yield [cellule.csv for cellule in ligne.cellules]
