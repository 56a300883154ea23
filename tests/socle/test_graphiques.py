"""Les graphiques SVG du socle : échelles, format français, géométrie, accessibilité."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from socle import graphiques
from socle.exports import ecrire_csv
from socle.francais import date_longue, nombre, nombre_csv, pourcentage, variation
from socle.graphiques import (
    COULEURS,
    FORMES,
    TIRETS,
    Cellule,
    Entete,
    Ligne,
    Tableau,
    chemin_marqueur,
    decimales_du_pas,
    graduations_nettes,
    graphique_barres,
    graphique_courbes,
)

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _francais():
    with translation.override("fr"):
        yield


def _svg(html: str) -> ET.Element:
    """Le SVG du fragment, lu comme du XML (il doit être bien formé)."""
    morceau = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert morceau, html
    return ET.fromstring(morceau.group(0))  # noqa: S314 (notre propre gabarit, pas une entrée extérieure)


# --- Format français ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "decimales", "attendu"),
    [
        (1234, 0, f"1{NBSP}234"),
        (1234567, 0, f"1{NBSP}234{NBSP}567"),
        (12.5, 1, "12,5"),
        (12.54, 1, "12,5"),
        (0.666666, 1, "0,7"),
        (999.96, 1, f"1{NBSP}000,0"),
        (-3, 0, "-3"),
        (-0.01, 1, "0,0"),
        (None, 1, "—"),
    ],
)
def test_nombre_au_format_francais(valeur, decimales, attendu):
    assert nombre(valeur, decimales) == attendu


def test_pourcentage_variation_et_csv():
    assert pourcentage(0.253) == f"25,3{NBSP}%"
    assert pourcentage(1) == f"100,0{NBSP}%"
    assert pourcentage(None) == "—"
    assert variation(3) == "+3"
    assert variation(-2) == "-2"
    assert variation(0) == "0"
    assert variation(12.5, 1, f"{NBSP}%") == f"+12,5{NBSP}%"
    assert nombre_csv(1234) == "1234"
    assert nombre_csv(12.345, 1) == "12,3"
    assert nombre_csv(None) == ""


def test_dates_en_francais():
    assert date_longue(date(2026, 11, 23)) == "23 novembre 2026"
    assert date_longue(date(2026, 3, 1)) == "1er mars 2026"
    assert graphiques.date_courte(date(2026, 11, 23)) == "23 nov. 2026"
    assert graphiques.date_courte(date(2025, 6, 1)) == "1er juin 2025"


# --- Échelles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "entiers", "attendu"),
    [
        (37, False, [0, 10, 20, 30, 40]),
        (100, False, [0, 20, 40, 60, 80, 100]),
        (12.5, False, [0, 2.5, 5, 7.5, 10, 12.5]),
        (0.3, False, [0, 0.1, 0.2, 0.3]),
        (3, True, [0, 1, 2, 3]),
        (12, True, [0, 5, 10, 15]),
        (120, True, [0, 25, 50, 75, 100, 125]),
        (0.4, True, [0, 1]),
        (0, False, [0, 1]),
    ],
)
def test_graduations_nettes(maximum, entiers, attendu):
    assert graduations_nettes(maximum, entiers=entiers) == pytest.approx(attendu)


def test_les_graduations_couvrent_toujours_le_maximum():
    for maximum in [0.07, 1, 7.3, 19, 99.9, 101, 4321, 98765]:
        graduations = graduations_nettes(maximum)
        assert graduations[0] == 0
        assert graduations[-1] >= maximum
        assert 3 <= len(graduations) <= 11


def test_decimales_des_graduations():
    assert decimales_du_pas([0, 10, 20]) == 0
    assert decimales_du_pas([0, 2.5, 5]) == 1
    assert decimales_du_pas([0, 0.25, 0.5]) == 2


# --- Barres ---------------------------------------------------------------------------------


def _barres(**kwargs):
    parametres = {
        "identifiant": "essai",
        "titre": "Densité",
        "description": "Des barres.",
        "valeurs": [("Pôle A", 10.0), ("Pôle B", 25.0), ("Pôle C", 40.0)],
        "decimales": 1,
    }
    return graphique_barres(**(parametres | kwargs))


def test_largeur_des_barres_proportionnelle_aux_valeurs():
    graphique = _barres()
    assert [g.valeur for g in graphique.graduations] == [0, 10, 20, 30, 40]
    utile = graphique.droite - graphique.gauche
    largeurs = [barre.largeur for barre in graphique.barres]
    assert largeurs == pytest.approx([utile / 4, utile * 25 / 40, utile], abs=0.1)
    assert [barre.texte for barre in graphique.barres] == ["10,0", "25,0", "40,0"]
    # La dernière graduation tombe au bout de la plus longue barre.
    assert graphique.graduations[-1].position == pytest.approx(graphique.gauche + largeurs[-1], abs=0.1)


def test_ligne_de_reference_placee_a_sa_valeur():
    graphique = _barres(reference=("Territoire", 30.0))
    reference = graphique.reference
    assert reference is not None
    attendu = graphique.gauche + (graphique.droite - graphique.gauche) * 30 / 40
    assert reference.x == pytest.approx(attendu, abs=0.1)
    assert reference.texte == "Territoire : 30,0"
    assert reference.ancre == "end"  # à droite du milieu : le libellé part vers la gauche
    assert reference.y_haut < graphique.barres[0].y and reference.y_bas >= graphique.barres[-1].y


def test_la_reference_compte_dans_l_echelle():
    graphique = _barres(valeurs=[("A", 5.0)], reference=("Territoire", 18.0))
    assert graphique.graduations[-1].valeur >= 18
    assert graphique.reference.x <= graphique.droite


def test_valeur_absente_sans_barre():
    graphique = _barres(valeurs=[("A", None), ("B", 2.0)])
    assert graphique.barres[0].largeur == 0
    assert graphique.barres[0].texte == "—"
    assert not graphique.vide
    html = render_to_string("socle/graphiques.html#barres", {"graphique": graphique})
    assert len(_svg(html).findall(f".//{SVG}rect")) == 1


def test_une_seule_valeur():
    graphique = _barres(valeurs=[("Seul", 7.0)])
    assert len(graphique.barres) == 1
    assert graphique.barres[0].largeur > 0
    html = render_to_string("socle/graphiques.html#barres", {"graphique": graphique})
    assert len(_svg(html).findall(f".//{SVG}rect")) == 1


def test_barres_vides_message_sans_svg():
    for valeurs in ([], [("A", None)]):
        graphique = _barres(valeurs=valeurs, message_vide="Rien à montrer.")
        assert graphique.vide
        html = render_to_string("socle/graphiques.html#barres", {"graphique": graphique})
        assert "<svg" not in html
        assert "Rien à montrer." in html


def test_svg_des_barres_accessible_et_bien_forme():
    graphique = _barres(titre="Densité & co", reference=("Territoire", 12.5), suffixe=f"{NBSP}%")
    with translation.override("fr"):
        html = render_to_string("socle/graphiques.html#barres", {"graphique": graphique})
    svg = _svg(html)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "essai-titre essai-desc"
    assert svg.find(f"{SVG}title").text == "Densité & co"
    assert svg.find(f"{SVG}title").get("id") == "essai-titre"
    assert svg.find(f"{SVG}desc").get("id") == "essai-desc"
    assert svg.get("viewBox") == f"0 0 {graphique.largeur} {graphique.hauteur}"
    assert "style" not in html
    # Coordonnées non localisées : un point décimal, jamais de virgule.
    for rect in svg.iter(f"{SVG}rect"):
        float(rect.get("width"))
    textes = [t.text for t in svg.iter(f"{SVG}text")]
    assert f"40,0{NBSP}%" in textes
    assert f"Territoire : 12,5{NBSP}%" in textes


def test_libelle_trop_long_tronque_dans_le_dessin():
    long = "Chirurgie orthopédique et traumatologique de l'enfant et de l'adulte"
    graphique = _barres(valeurs=[(long, 1.0)])
    assert graphique.barres[0].libelle == long
    assert graphique.barres[0].libelle_affiche.endswith("…")
    assert len(graphique.barres[0].libelle_affiche) < len(long)


# --- Courbes --------------------------------------------------------------------------------

DATES = [date(2025, 1, 1), date(2025, 7, 1), date(2026, 1, 1)]


def _courbes(**kwargs):
    parametres = {
        "identifiant": "evol",
        "titre": "Évolution",
        "description": "Des courbes.",
        "dates": DATES,
        "series": [("Infirmiers", [100, 110, 120]), ("Médecins", [50, None, 40])],
    }
    return graphique_courbes(**(parametres | kwargs))


def test_courbes_positions_dans_le_temps_et_valeurs():
    graphique = _courbes()
    infirmiers, medecins = graphique.series
    xs = [p.x for p in infirmiers.points]
    assert xs[0] == graphique.gauche and xs[-1] == graphique.droite
    # Le 1er juillet est à 181 jours sur 365 du début.
    assert xs[1] == pytest.approx(
        graphique.gauche + (graphique.droite - graphique.gauche) * 181 / 365, abs=0.1
    )
    assert [g.valeur for g in graphique.graduations] == [0, 25, 50, 75, 100, 125]
    hauteur = graphique.bas - graphique.haut
    assert infirmiers.points[-1].y == pytest.approx(graphique.bas - hauteur * 120 / 125, abs=0.1)
    assert infirmiers.points[0].y == pytest.approx(graphique.bas - hauteur * 100 / 125, abs=0.1)
    # Une valeur absente coupe la ligne : deux morceaux, deux marqueurs.
    assert len(medecins.points) == 2
    assert medecins.chemin.count("M") == 2 and "L" not in medecins.chemin
    assert infirmiers.points[1].texte == "110"
    assert infirmiers.points[1].date_texte == "1er juillet 2025"


def test_series_distinctes_sans_la_couleur():
    graphique = _courbes(series=[(f"S{i}", [i, i + 1, i + 2]) for i in range(8)])
    assert len(graphique.series) == len(COULEURS)  # au-delà, illisible : le tableau suffit
    assert len({s.forme for s in graphique.series}) == len(graphique.series)
    assert len({s.tirets for s in graphique.series}) == len(graphique.series)
    assert len(FORMES) == len(TIRETS) == len(COULEURS)


def test_courbe_d_un_seul_releve():
    graphique = _courbes(dates=[date(2026, 11, 23)], series=[("Médecins", [42])])
    serie = graphique.series[0]
    assert len(serie.points) == 1
    assert serie.chemin == ""  # le marqueur seul
    assert serie.points[0].x == pytest.approx((graphique.gauche + graphique.droite) / 2, abs=0.1)
    assert [d.texte for d in graphique.dates] == ["23 nov. 2026"]
    html = render_to_string("socle/graphiques.html#courbes", {"graphique": graphique})
    svg = _svg(html)
    assert svg.get("role") == "img"


def test_courbes_vides():
    graphique = _courbes(dates=[], series=[], message_vide="Aucun relevé.")
    assert graphique.vide
    html = render_to_string("socle/graphiques.html#courbes", {"graphique": graphique})
    assert "<svg" not in html and "Aucun relevé." in html


def test_dates_proches_non_superposees():
    dates = [date(2026, 1, d) for d in range(1, 29)]
    graphique = _courbes(dates=dates, series=[("A", list(range(28)))])
    positions = [d.position for d in graphique.dates]
    assert positions[0] == graphique.gauche and positions[-1] == graphique.droite
    assert all(b - a >= graphiques.ECART_MIN_DATES for a, b in zip(positions, positions[1:], strict=False))


def test_svg_des_courbes_accessible_et_bien_forme():
    html = render_to_string("socle/graphiques.html#courbes", {"graphique": _courbes()})
    svg = _svg(html)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "evol-titre evol-desc"
    assert svg.find(f"{SVG}title").text == "Évolution"
    assert svg.find(f"{SVG}desc").text == "Des courbes."
    assert "style=" not in html
    textes = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Infirmiers" in textes and "Médecins" in textes  # légende
    tirets = [p.get("stroke-dasharray") for p in svg.iter(f"{SVG}path") if p.get("fill") == "none"]
    assert tirets == [None, TIRETS[1]]


@pytest.mark.parametrize("forme", FORMES)
def test_marqueurs(forme):
    chemin = chemin_marqueur(forme, 100, 50)
    assert chemin.startswith("M") and chemin.endswith("Z")
    with pytest.raises(ValueError):
        chemin_marqueur("étoile", 0, 0)


def _luminance(couleur: str) -> float:
    def canal(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(couleur[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * canal(r) + 0.7152 * canal(g) + 0.0722 * canal(b)


def _contraste_sur_blanc(couleur: str) -> float:
    return 1.05 / (_luminance(couleur) + 0.05)


def test_contrastes_sur_blanc():
    # Traits : 3:1 ; les séries nomment aussi leur légende, donc 4,5:1 comme du texte.
    for couleur in COULEURS:
        assert _contraste_sur_blanc(couleur) >= 4.5, couleur
    for couleur in (graphiques.COULEUR_TEXTE, graphiques.COULEUR_TEXTE_SECONDAIRE, graphiques.COULEUR_AXE):
        assert _contraste_sur_blanc(couleur) >= 4.5, couleur
    html = render_to_string("socle/graphiques.html#courbes", {"graphique": _courbes()})
    html += render_to_string("socle/graphiques.html#barres", {"graphique": _barres(reference=("T", 1.0))})
    for couleur in set(re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{6})"', html)) - {"#ffffff", "#dee2e6"}:
        assert _contraste_sur_blanc(couleur) >= 3, couleur


# --- Tableau et CSV ----------------------------------------------------------------------------


def _tableau() -> Tableau:
    return Tableau(
        identifiant="t",
        legende="Des chiffres",
        entetes=(Entete("Pôle"), Entete("Effectif", numerique=True), Entete("Part (%)", numerique=True)),
        lignes=(
            Ligne((Cellule.libelle("Pôle A", entete=True), Cellule.nombre(1234), Cellule.pourcentage(0.253))),
            Ligne((Cellule.libelle("Pôle; B", entete=True), Cellule.nombre(None), Cellule.pourcentage(None))),
        ),
        pied=(
            Ligne(
                (Cellule.libelle("Ensemble", entete=True), Cellule.nombre(1234), Cellule.variation(-2.5, 1))
            ),
        ),
    )


def test_tableau_html():
    html = render_to_string("socle/graphiques.html#tableau", {"tableau": _tableau()})
    assert "<caption" in html and "Des chiffres" in html
    assert html.count('scope="col"') == 3
    assert html.count('scope="row"') == 3
    assert f"1{NBSP}234" in html
    assert f"25,3{NBSP}%" in html
    assert "<tfoot>" in html


def test_csv_du_tableau():
    sortie = io.StringIO()
    tableau = _tableau()
    ecrire_csv(tableau.entetes_csv(), tableau.lignes_csv(), sortie)
    texte = sortie.getvalue()
    assert texte.startswith("\ufeff")
    lignes = list(csv.reader(io.StringIO(texte[1:]), delimiter=";"))
    assert lignes == [
        ["Pôle", "Effectif", "Part (%)"],
        ["Pôle A", "1234", "25,3"],
        ["Pôle; B", "", ""],
        ["Ensemble", "1234", "-2,5"],
    ]
