"""La carte des communes, dessinée côté serveur en SVG, et le tableau de ses chiffres.

Un seul composant pour tout le portail (DESIGN.md, « The commune map ») : les communes
dessinées d'après leurs contours (GeoJSON Polygon ou MultiPolygon en WGS84, tels que
`Commune.contour`), coloriées par classes de valeurs, chacune un lien quand elle en a un ; les
limites des pôles de proximité en trait épais ; des repères (structures, rencontres, offres)
en marqueurs. `socle/carte.html` la dessine, `{% carte … %}` (`{% load socle %}`) la pose avec
son tableau et la liste des communes qu'elle ne montre pas ; le même SVG va dans les PDF.

Ni tuiles, ni script, ni requête vers un autre site. Comme les graphiques (socle/graphiques.py),
les couleurs sont des attributs de présentation SVG (fill, stroke) plutôt que des classes d'une
feuille de style : la CSP refuse style="…" mais pas ces attributs, qui voyagent avec le SVG
jusque dans un PDF dont le gabarit n'a pas chargé static/css/graphiques.css. Cette feuille ne
fait que l'interaction (la commune qui a le focus, le survol).

Projection équirectangulaire corrigée du cosinus de la latitude moyenne : à l'échelle du
Cotentin (une cinquantaine de kilomètres), l'écart avec le Lambert-93 ne se voit pas.
Coordonnées arrondies au dixième d'unité du viewBox (moins de 10 m), en déplacements relatifs :
moins de 100 Ko pour les 129 communes. Les limites de pôle sont les arêtes qu'une commune ne
partage avec aucune commune de son pôle : les contours partagent leurs sommets (simplification
« snap » de mapshaper), et l'arrondi au dixième rattrape la plupart des écarts plus petits.

Accessibilité (RGAA) : <svg role="group"> nommé par son <title> et décrit par sa <desc> (pas
role="img" : ses liens resteraient hors d'atteinte), chaque commune un <a> focalisable avec son
<title> (« Valognes : 12,3 pour 10 000 habitants »), et toujours, à côté, le tableau des
chiffres et la liste des communes sans contour ou sans donnée : la carte n'est jamais le seul
moyen de lire un chiffre.
"""

import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from django.utils.translation import gettext, ngettext

from socle.exports import Nombre
from socle.francais import nombre
from socle.graphiques import (
    COULEUR_TEXTE,
    COULEURS,
    FORMES,
    LARGEUR_CARACTERE,
    Cellule,
    Entete,
    Ligne,
    Tableau,
    chemin_marqueur,
)

LARGEUR = 720
MARGE = 8
LATITUDE_DE_REFERENCE = 49.5  # si aucun contour ne la donne (une carte de repères seuls)

# Séquentielles, du clair au foncé (ColorBrewer « YlGnBu », lisibles par les daltoniens et
# encore ordonnées en gris à l'impression) ; chaque classe se lit aussi dans le tableau.
PALETTES = {
    1: ("#41b6c4",),
    2: ("#a1dab4", "#225ea8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
}
# Zéro à part (`zero_a_part`) : les valeurs négatives en rouge, les positives en bleu, de la
# plus faible près de zéro à la plus forte, zéro seul en gris clair (ColorBrewer « RdBu »,
# lisible par les daltoniens) ; jamais une classe à cheval sur zéro.
BAISSES = ("#67001f", "#b2182b", "#d6604d", "#f4a582")  # de la plus forte à la plus faible
HAUSSES = ("#92c5de", "#4393c3", "#2166ac", "#053061")  # de la plus faible à la plus forte
COULEUR_ZERO = "#f7f7f7"
COULEUR_SANS_DONNEE = "#f1f3f5"  # sous des hachures grises
COULEUR_HACHURES = "#868e96"
COULEUR_LIMITE_COMMUNE = "#6c757d"
COULEUR_LIMITE_POLE = COULEUR_TEXTE
# Les repères : d'autres couleurs que celles des classes (le bleu du portail se perdrait sur
# les classes foncées), cernées de blanc.
COULEURS_REPERES = COULEURS[1:] + COULEURS[:1]
RAYON_REPERE = 5.0

TAILLE_POLICE = 13
PAS_LEGENDE = 22
CASE_LEGENDE = 16

Methode = Literal["quantiles", "egales"]


# --- Les données d'entrée -----------------------------------------------------------------


@dataclass(frozen=True)
class ValeurCommune:
    """Ce que la carte dit d'une commune : `texte` est la valeur déjà écrite à la française
    (« 12,3 »), sans l'unité, que la carte ajoute ; « — » ou « » quand `valeur` est None."""

    nom: str
    valeur: float | None
    texte: str = ""
    lien: str | None = None
    pole: str = ""


@dataclass(frozen=True)
class Repere:
    """Un point sur la carte (une structure, une rencontre, une offre) ; `genre` (« Maison de
    santé ») choisit sa forme et sa couleur et s'écrit dans la légende."""

    latitude: float
    longitude: float
    libelle: str
    lien: str | None = None
    genre: str = ""


# --- Les classes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Classe:
    minimum: float
    maximum: float
    texte: str  # « de 12,3 à moins de 15 »
    couleur: str
    effectif: int = 0
    fermee: bool = False  # la borne haute en est, même si la classe n'est pas la dernière

    def contient(self, valeur: float, derniere: bool) -> bool:
        return self.minimum <= valeur < self.maximum or ((derniere or self.fermee) and valeur == self.maximum)


def _quantile(triees: Sequence[float], p: float) -> float:
    position = p * (len(triees) - 1)
    bas = math.floor(position)
    haut = min(bas + 1, len(triees) - 1)
    return triees[bas] + (triees[haut] - triees[bas]) * (position - bas)


def classes(
    valeurs: Iterable[float | None], n: int = 5, methode: Methode = "quantiles", decimales: int = 1
) -> tuple[Classe, ...]:
    """Au plus `n` classes (1 à 7) couvrant les valeurs connues, bornes arrondies à `decimales` :
    par quantiles (autant de communes dans chaque classe) ou d'égale amplitude. Les bornes
    arrondies sont celles qui classent, de sorte que la légende dit vrai ; des bornes qui se
    confondent donnent moins de classes. Aucune classe sans valeur connue."""
    if not 1 <= n <= max(PALETTES):
        raise ValueError(f"De 1 à {max(PALETTES)} classes, pas {n}")
    connues = sorted(float(v) for v in valeurs if v is not None and math.isfinite(float(v)))
    if not connues:
        return ()
    minimum, maximum = connues[0], connues[-1]
    if methode == "quantiles":
        interieures = [_quantile(connues, i / n) for i in range(1, n)]
    else:
        interieures = [minimum + (maximum - minimum) * i / n for i in range(1, n)]
    bornes = [minimum]
    for borne in (round(b, decimales) for b in interieures):
        if bornes[-1] < borne < maximum:
            bornes.append(borne)
    bornes.append(maximum)
    if len(bornes) == 2 and minimum == maximum:
        bornes = [minimum]
    palette = PALETTES[max(1, len(bornes) - 1)]
    if len(bornes) == 1:
        return (Classe(minimum, maximum, nombre(minimum, decimales), palette[0], len(connues)),)
    resultat = []
    for i, (bas, haut) in enumerate(zip(bornes, bornes[1:], strict=False)):
        derniere = i == len(bornes) - 2
        texte = (
            gettext("de %(bas)s à %(haut)s") if derniere else gettext("de %(bas)s à moins de %(haut)s")
        ) % {"bas": nombre(bas, decimales), "haut": nombre(haut, decimales)}
        provisoire = Classe(bas, haut, texte, palette[i])
        effectif = sum(1 for v in connues if provisoire.contient(v, derniere))
        resultat.append(Classe(bas, haut, texte, palette[i], effectif))
    return tuple(resultat)


def classes_autour_de_zero(
    valeurs: Iterable[float | None], n: int = 5, methode: Methode = "quantiles", decimales: int = 1
) -> tuple[Classe, ...]:
    """Zéro seul dans sa classe, les valeurs négatives et positives dans des classes à part,
    chaque côté classé comme par `classes` : pour une variation (baisses et hausses), ou un
    compte où zéro est fréquent (les quantiles d'une densité nulle dans la plupart des
    communes se confondraient en une seule classe). Au plus `n - 1` classes d'un côté quand
    l'autre est vide, `n // 2` de chaque côté sinon, et jamais plus de quatre ; les couleurs
    foncent en s'éloignant de zéro."""
    connues = [float(v) for v in valeurs if v is not None and math.isfinite(float(v))]
    negatives = [v for v in connues if v < 0]
    positives = [v for v in connues if v > 0]
    par_cote = max(1, min(len(HAUSSES), n // 2 if negatives and positives else n - 1))
    # Des bornes arrondies peuvent laisser une classe vide (des entiers : 1, 2, 2, 4) : sans elle.
    baisses = [c for c in classes(negatives, par_cote, methode, decimales) if c.effectif]
    hausses = [c for c in classes(positives, par_cote, methode, decimales) if c.effectif]
    zeros = sum(1 for v in connues if v == 0)
    resultat = [
        replace(c, couleur=couleur, fermee=i == len(baisses) - 1)
        for i, (c, couleur) in enumerate(zip(baisses, BAISSES[len(BAISSES) - len(baisses) :], strict=True))
    ]
    if zeros:
        resultat.append(Classe(0.0, 0.0, nombre(0, decimales), COULEUR_ZERO, zeros, fermee=True))
    resultat += [replace(c, couleur=couleur) for c, couleur in zip(hausses, HAUSSES, strict=False)]
    return tuple(resultat)


def classe_de(valeur: float | None, les_classes: Sequence[Classe]) -> Classe | None:
    if valeur is None:
        return None
    for i, classe in enumerate(les_classes):
        if classe.contient(valeur, i == len(les_classes) - 1):
            return classe
    return None


# --- La projection --------------------------------------------------------------------------


def _anneaux(geometrie: Mapping[str, Any] | None) -> list[list[tuple[float, float]]]:
    """Les anneaux (extérieurs et trous) d'un Polygon ou d'un MultiPolygon GeoJSON, en (lon, lat)."""
    if not geometrie:
        return []
    coordonnees = geometrie.get("coordinates") or []
    if geometrie.get("type") == "Polygon":
        polygones = [coordonnees]
    elif geometrie.get("type") == "MultiPolygon":
        polygones = coordonnees
    else:
        return []
    return [[(float(p[0]), float(p[1])) for p in anneau] for polygone in polygones for anneau in polygone]


@dataclass(frozen=True)
class Projection:
    """(lon, lat) → (x, y) en dixièmes d'unité du viewBox (des entiers : les arêtes communes à
    deux contours s'y reconnaissent exactement)."""

    ouest: float
    nord: float
    cosinus: float
    echelle: float  # unités du viewBox par degré de longitude corrigée

    def dixiemes(self, longitude: float, latitude: float) -> tuple[int, int]:
        x = MARGE + (longitude - self.ouest) * self.cosinus * self.echelle
        y = MARGE + (self.nord - latitude) * self.echelle
        return round(x * 10), round(y * 10)


def projection(
    anneaux: Iterable[Sequence[tuple[float, float]]], largeur: float = LARGEUR
) -> tuple[Projection, float]:
    """La projection qui fait tenir ces anneaux dans `largeur`, et la hauteur qu'ils occupent."""
    points = [p for anneau in anneaux for p in anneau]
    if not points:
        return Projection(0.0, 0.0, math.cos(math.radians(LATITUDE_DE_REFERENCE)), 1.0), 0.0
    ouest, est = min(p[0] for p in points), max(p[0] for p in points)
    sud, nord = min(p[1] for p in points), max(p[1] for p in points)
    cosinus = math.cos(math.radians((sud + nord) / 2))
    etendue = max((est - ouest) * cosinus, (nord - sud) * 0.2, 1e-6)
    echelle = (largeur - 2 * MARGE) / etendue
    return Projection(ouest, nord, cosinus, echelle), round((nord - sud) * echelle + 2 * MARGE, 1)


def _dixieme(v: int) -> str:
    return f"{v / 10:g}"


def _chemin(anneaux: Sequence[Sequence[tuple[int, int]]]) -> str:
    """L'attribut d d'anneaux déjà projetés : un M absolu, puis des déplacements relatifs."""
    morceaux = []
    for anneau in anneaux:
        pas = " ".join(
            f"{_dixieme(x - xp)} {_dixieme(y - yp)}"
            for (x, y), (xp, yp) in zip(anneau[1:], anneau, strict=False)
        )
        morceaux.append(f"M{_dixieme(anneau[0][0])} {_dixieme(anneau[0][1])}l{pas}z")
    return "".join(morceaux)


def _traits(segments: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> str:
    """L'attribut d de segments, enchaînés tant que chacun part de la fin du précédent."""
    morceaux, fin = [], None
    for debut, arrivee in segments:
        if debut != fin:
            morceaux.append(f"M{_dixieme(debut[0])} {_dixieme(debut[1])}")
        morceaux.append(f"l{_dixieme(arrivee[0] - debut[0])} {_dixieme(arrivee[1] - debut[1])}")
        fin = arrivee
    return "".join(morceaux)


def _anneau_projete(anneau: Sequence[tuple[float, float]], proj: Projection) -> list[tuple[int, int]]:
    """L'anneau projeté sans sommets répétés (l'arrondi en confond) ni point de fermeture."""
    points: list[tuple[int, int]] = []
    for longitude, latitude in anneau:
        point = proj.dixiemes(longitude, latitude)
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points if len(points) >= 3 else []


def _limites_des_poles(
    anneaux: Mapping[str, Sequence[Sequence[tuple[int, int]]]], poles: Mapping[str, str]
) -> str:
    """Les arêtes qui bordent un pôle : celles d'une seule commune (le bord du territoire) ou
    de deux communes de pôles différents, chacune une fois, dans l'ordre des contours."""
    proprietaires: defaultdict[tuple[tuple[int, int], tuple[int, int]], set[str]] = defaultdict(set)

    def aretes(anneau: Sequence[tuple[int, int]]) -> Iterable[tuple[tuple[int, int], tuple[int, int]]]:
        return zip(anneau, [*anneau[1:], anneau[0]], strict=True)

    for code, liste in anneaux.items():
        for anneau in liste:
            for a, b in aretes(anneau):
                proprietaires[(min(a, b), max(a, b))].add(code)
    segments, vues = [], set()
    for liste in anneaux.values():
        for anneau in liste:
            for a, b in aretes(anneau):
                cle = (min(a, b), max(a, b))
                codes = proprietaires[cle]
                if cle in vues or (len(codes) > 1 and len({poles.get(c, "") for c in codes}) == 1):
                    continue
                vues.add(cle)
                segments.append((a, b))
    return _traits(segments)


# --- La carte -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneDessinee:
    code: str
    nom: str
    chemin: str
    remplissage: str  # une couleur, ou les hachures de « pas de donnée »
    titre: str  # « Valognes : 12,3 pour 10 000 habitants »
    lien: str | None


@dataclass(frozen=True)
class RepereDessine:
    chemin: str
    couleur: str
    titre: str
    lien: str | None


NatureDeLegende = Literal["classe", "sans_donnee", "pole", "repere"]


@dataclass(frozen=True)
class ElementDeLegende:
    nature: NatureDeLegende
    texte: str
    x: float
    y: float  # milieu de la ligne
    couleur: str = ""
    chemin: str = ""  # le marqueur d'un repère

    @property
    def y_case(self) -> float:
        return self.y - CASE_LEGENDE / 2

    @property
    def x_fin_trait(self) -> float:
        return self.x + CASE_LEGENDE

    @property
    def x_texte(self) -> float:
        return self.x + CASE_LEGENDE + 6


@dataclass(frozen=True)
class Carte:
    identifiant: str
    titre: str
    description: str
    largeur: float
    hauteur: float
    communes: tuple[CommuneDessinee, ...]
    limites_poles: str  # attribut d, vide sans pôles
    reperes: tuple[RepereDessine, ...]
    classes: tuple[Classe, ...]
    legende_titre: str
    legende_y: float
    legende: tuple[ElementDeLegende, ...]
    tableau: Tableau
    liste_reperes: tuple[Repere, ...]  # par genre puis par libellé, avec leurs liens
    sans_contour: tuple[str, ...]  # noms, dans l'ordre alphabétique
    sans_donnee: tuple[str, ...]
    reperes_hors_carte: tuple[str, ...]
    couleur_sans_donnee: str = COULEUR_SANS_DONNEE
    couleur_hachures: str = COULEUR_HACHURES
    couleur_limite_commune: str = COULEUR_LIMITE_COMMUNE
    couleur_limite_pole: str = COULEUR_LIMITE_POLE

    @property
    def vide(self) -> bool:
        return not self.communes and not self.reperes

    @property
    def hachures(self) -> str:
        return f"{self.identifiant}-hachures"

    @property
    def communes_omises(self) -> list[tuple[str, str]]:
        """(nom, raison) des communes que la carte ne montre pas ou ne colorie pas."""
        omises = [(nom, gettext("pas de contour, absente de la carte")) for nom in self.sans_contour]
        omises += [(nom, gettext("pas de donnée")) for nom in self.sans_donnee]
        return sorted(omises, key=lambda o: cle_alphabetique(o[0]))


def cle_alphabetique(texte: str) -> str:
    """Pour trier des noms à la française : « Éculleville » entre « Digulleville » et « Flottemanville »."""
    decompose = unicodedata.normalize("NFKD", texte.replace("Œ", "Oe").replace("œ", "oe"))
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()


def carte(
    *,
    identifiant: str,
    titre: str,
    contours: Mapping[str, Mapping[str, Any] | None],
    valeurs: Mapping[str, ValeurCommune],
    unite: str = "",
    libelle_valeur: str = "",
    description: str = "",
    reperes: Sequence[Repere] = (),
    nombre_classes: int = 5,
    methode: Methode = "quantiles",
    decimales: int = 1,
    zero_a_part: bool = False,
    largeur: float = LARGEUR,
) -> Carte:
    """La carte des communes de `contours` (code INSEE → géométrie GeoJSON en WGS84) coloriées
    selon `valeurs` (code INSEE → ValeurCommune), en `nombre_classes` classes, avec `reperes`.

    `unite` suit la valeur dans les titres et la légende (« pour 10 000 habitants ») ;
    `libelle_valeur` titre la colonne du tableau (« Médecins pour 10 000 habitants »).
    Une commune des valeurs sans contour, une commune sans valeur (ou dont le contour n'a pas
    de valeur) et un repère hors du cadre sont nommés sous la carte, jamais omis en silence.
    `zero_a_part` : zéro dans sa classe, des classes de part et d'autre (`classes_autour_de_zero`)."""
    valeurs_connues = [v.valeur for v in valeurs.values()]
    choisir_classes = classes_autour_de_zero if zero_a_part else classes
    les_classes = choisir_classes(valeurs_connues, n=nombre_classes, methode=methode, decimales=decimales)
    anneaux_geo = {code: _anneaux(geometrie) for code, geometrie in contours.items()}
    proj, hauteur_carte = projection(
        [a for liste in anneaux_geo.values() for a in liste]
        or [[(r.longitude, r.latitude) for r in reperes]],
        largeur,
    )
    anneaux = {
        code: [a for a in (_anneau_projete(a, proj) for a in liste) if a]
        for code, liste in anneaux_geo.items()
    }
    anneaux = {code: liste for code, liste in anneaux.items() if liste}
    hachures = f"url(#{identifiant}-hachures)"

    communes, sans_donnee = [], []
    for code, liste in anneaux.items():
        donnee = valeurs.get(code)
        nom = donnee.nom if donnee else gettext("Commune %(code)s") % {"code": code}
        classe = classe_de(donnee.valeur, les_classes) if donnee else None
        if donnee is None or donnee.valeur is None or classe is None:
            sans_donnee.append(nom)
            texte = gettext("pas de donnée")
        else:
            texte = " ".join(t for t in (donnee.texte or nombre(donnee.valeur, decimales), unite) if t)
        communes.append(
            CommuneDessinee(
                code=code,
                nom=nom,
                chemin=_chemin(liste),
                remplissage=classe.couleur if classe else hachures,
                titre=gettext("%(nom)s : %(valeur)s") % {"nom": nom, "valeur": texte},
                lien=donnee.lien if donnee else None,
            )
        )
    sans_contour = [v.nom for code, v in valeurs.items() if code not in anneaux]

    poles = {code: v.pole for code, v in valeurs.items() if v.pole}
    limites = _limites_des_poles(anneaux, poles) if poles else ""

    # Les repères : une forme et une couleur par genre, dans l'ordre où ils paraissent.
    genres: dict[str, int] = {}
    dessines, hors_carte = [], []
    for repere in reperes:
        rx, ry = proj.dixiemes(repere.longitude, repere.latitude)
        if not (0 <= rx <= largeur * 10 and 0 <= ry <= hauteur_carte * 10):
            hors_carte.append(repere.libelle)
            continue
        rang = genres.setdefault(repere.genre, len(genres)) % len(FORMES)
        dessines.append(
            RepereDessine(
                chemin=chemin_marqueur(FORMES[rang], rx / 10, ry / 10, RAYON_REPERE),
                couleur=COULEURS_REPERES[rang],
                titre=gettext("%(libelle)s (%(genre)s)") % {"libelle": repere.libelle, "genre": repere.genre}
                if repere.genre
                else repere.libelle,
                lien=repere.lien,
            )
        )

    # La légende, sous la carte : les classes, « pas de donnée », la limite des pôles, les
    # genres de repères, posés en lignes comme celle des courbes (socle/graphiques.py).
    elements: list[tuple[NatureDeLegende, str, str, str]] = [
        (
            "classe",
            ngettext("%(classe)s (%(n)s commune)", "%(classe)s (%(n)s communes)", c.effectif)
            % {"classe": c.texte, "n": c.effectif},
            c.couleur,
            "",
        )
        for c in les_classes
    ]
    if sans_donnee:
        elements.append(("sans_donnee", gettext("Pas de donnée"), hachures, ""))
    if limites:
        elements.append(("pole", gettext("Limite de pôle de proximité"), COULEUR_LIMITE_POLE, ""))
    elements += [
        (
            "repere",
            genre or gettext("Repère"),
            COULEURS_REPERES[rang % len(FORMES)],
            FORMES[rang % len(FORMES)],
        )
        for genre, rang in genres.items()
    ]
    legende_titre = gettext("Légende") + (f" ({unite})" if unite else "")
    legende_y = hauteur_carte + 22
    x, y = float(MARGE), legende_y + PAS_LEGENDE
    legende = []
    for nature, texte, couleur, forme in elements:
        largeur_element = CASE_LEGENDE + 6 + len(texte) * LARGEUR_CARACTERE + 20
        if x > MARGE and x + largeur_element > largeur:
            x, y = float(MARGE), y + PAS_LEGENDE
        legende.append(
            ElementDeLegende(
                nature=nature,
                texte=texte,
                x=round(x, 1),
                y=round(y, 1),
                couleur=couleur,
                chemin=chemin_marqueur(forme, x + CASE_LEGENDE / 2, y, RAYON_REPERE) if forme else "",
            )
        )
        x += largeur_element

    return Carte(
        identifiant=identifiant,
        titre=titre,
        description=description
        or gettext(
            "Carte de %(n)s communes. Les chiffres de chaque commune sont dans le tableau qui suit la carte."
        )
        % {"n": nombre(len(communes))},
        largeur=largeur,
        hauteur=round(y + PAS_LEGENDE / 2 + MARGE, 1),
        communes=tuple(communes),
        limites_poles=limites,
        reperes=tuple(dessines),
        classes=les_classes,
        legende_titre=legende_titre,
        legende_y=legende_y,
        legende=tuple(legende),
        tableau=_tableau(identifiant, titre, valeurs, libelle_valeur or unite, decimales),
        liste_reperes=tuple(
            sorted(reperes, key=lambda r: (cle_alphabetique(r.genre), cle_alphabetique(r.libelle)))
        ),
        sans_contour=tuple(sorted(sans_contour, key=cle_alphabetique)),
        sans_donnee=tuple(sorted(sans_donnee, key=cle_alphabetique)),
        reperes_hors_carte=tuple(hors_carte),
    )


def _tableau(
    identifiant: str, titre: str, valeurs: Mapping[str, ValeurCommune], libelle_valeur: str, decimales: int
) -> Tableau:
    avec_poles = any(v.pole for v in valeurs.values())
    entetes = [Entete(gettext("Commune"))]
    if avec_poles:
        entetes.append(Entete(gettext("Pôle de proximité")))
    entetes.append(Entete(libelle_valeur or gettext("Valeur"), numerique=True))
    lignes = []
    for v in sorted(valeurs.values(), key=lambda v: cle_alphabetique(v.nom)):
        cellules = [Cellule.libelle(v.nom, entete=True)]
        if avec_poles:
            cellules.append(Cellule.libelle(v.pole))
        texte = (v.texte or nombre(v.valeur, decimales)) if v.valeur is not None else nombre(None)
        cellules.append(Cellule(texte=texte, csv=Nombre(v.valeur, decimales), numerique=True))
        lignes.append(Ligne(cellules=tuple(cellules)))
    return Tableau(
        identifiant=f"{identifiant}-tableau",
        legende=gettext("%(titre)s : les chiffres de la carte") % {"titre": titre},
        entetes=tuple(entetes),
        lignes=tuple(lignes),
    )
