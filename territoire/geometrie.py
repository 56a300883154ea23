"""Un peu de géométrie sur les contours GeoJSON des communes (WGS84), sans dépendance.

À l'échelle d'une commune, on calcule à plat en longitude et latitude : l'écart avec un calcul
sur l'ellipsoïde est bien plus petit que la précision des contours simplifiés.
"""

from typing import Any

Point = tuple[float, float]  # (longitude, latitude), l'ordre du GeoJSON
Anneau = list[list[float]]


def _polygones(geometrie: dict[str, Any] | None) -> list[list[Anneau]]:
    if not geometrie:
        return []
    if geometrie.get("type") == "Polygon":
        return [geometrie["coordinates"]]
    if geometrie.get("type") == "MultiPolygon":
        return list(geometrie["coordinates"])
    return []


def _aire_et_centre(anneau: Anneau) -> tuple[float, float, float]:
    """Aire signée et centre de gravité d'un anneau (formule du lacet)."""
    aire = cx = cy = 0.0
    for (x0, y0, *_a), (x1, y1, *_b) in zip(anneau, anneau[1:] + anneau[:1], strict=True):
        produit = x0 * y1 - x1 * y0
        aire += produit
        cx += (x0 + x1) * produit
        cy += (y0 + y1) * produit
    aire /= 2
    if aire == 0:
        return 0.0, 0.0, 0.0
    return aire, cx / (6 * aire), cy / (6 * aire)


def _dans_anneau(anneau: Anneau, x: float, y: float) -> bool:
    dedans = False
    for (x0, y0, *_a), (x1, y1, *_b) in zip(anneau, anneau[1:] + anneau[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            dedans = not dedans
    return dedans


def contient(geometrie: dict[str, Any] | None, latitude: float, longitude: float) -> bool:
    """Le point est-il dans la commune (dans un de ses polygones, hors de leurs trous) ?"""
    return any(
        _dans_anneau(anneaux[0], longitude, latitude)
        and not any(_dans_anneau(trou, longitude, latitude) for trou in anneaux[1:])
        for anneaux in _polygones(geometrie)
    )


def centre(geometrie: dict[str, Any] | None) -> tuple[float, float] | None:
    """(latitude, longitude) d'un point où placer la commune sur une carte : le centre de gravité
    du contour quand il tombe dedans, sinon (commune en croissant, presqu'île) le milieu du plus
    large segment intérieur sur le parallèle de ce centre. `None` sans contour."""
    somme = sx = sy = 0.0
    for anneaux in _polygones(geometrie):
        for rang, anneau in enumerate(anneaux):
            aire, cx, cy = _aire_et_centre(anneau)
            # L'extérieur compte en plus, les trous en moins, quel que soit le sens de l'anneau.
            aire = abs(aire) if rang == 0 else -abs(aire)
            somme, sx, sy = somme + aire, sx + aire * cx, sy + aire * cy
    if somme <= 0:
        return None
    x, y = sx / somme, sy / somme
    if contient(geometrie, y, x):
        return y, x
    segment = _plus_large_segment(geometrie, y)
    return (y, segment) if segment is not None else (y, x)


def _plus_large_segment(geometrie: dict[str, Any] | None, y: float) -> float | None:
    """La longitude du milieu du plus large segment du parallèle `y` intérieur à la commune."""
    croisements: list[float] = []
    for anneaux in _polygones(geometrie):
        for anneau in anneaux:
            for (x0, y0, *_a), (x1, y1, *_b) in zip(anneau, anneau[1:] + anneau[:1], strict=True):
                if (y0 > y) != (y1 > y):
                    croisements.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    croisements.sort()
    # Règle pair-impair : les segments intérieurs vont du 1er au 2e croisement, du 3e au 4e…
    segments = list(zip(croisements[::2], croisements[1::2], strict=False))
    if not segments:
        return None
    debut, fin = max(segments, key=lambda s: s[1] - s[0])
    return (debut + fin) / 2
