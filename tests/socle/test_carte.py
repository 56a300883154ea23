"""La carte des communes (socle/carte.py) : classes, dessin des 129 communes du Cotentin d'après
leurs vrais contours, limites des pôles, accessibilité, échappement, omissions nommées, PDF."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from typing import cast

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from socle.carte import (
    BAISSES,
    COULEUR_ZERO,
    HAUSSES,
    PALETTES,
    Repere,
    ValeurCommune,
    carte,
    classe_de,
    classes,
    classes_autour_de_zero,
)
from socle.pdf import pdf_simple
from territoire import DOSSIER_COTENTIN

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"
DONNEES = DOSSIER_COTENTIN  # la copie du projet, territoire/donnees_cotentin/


@pytest.fixture(autouse=True)
def _francais():
    with translation.override("fr"):
        yield


@pytest.fixture(scope="module")
def cotentin() -> dict[str, tuple[str, dict, str]]:
    """code INSEE → (nom, contour, pôle) : les 129 communes, telles que charger_cotentin les lit."""
    communes = json.loads((DONNEES / "cotentin_communes.geojson").read_text(encoding="utf-8"))["features"]
    with (DONNEES / "cotentin_poles.csv").open(encoding="utf-8") as fichier:
        poles = {ligne["code_insee"]: ligne["pole"] for ligne in csv.DictReader(fichier)}
    return {
        f["properties"]["code_insee"]: (
            f["properties"]["nom"],
            f["geometry"],
            poles[f["properties"]["code_insee"]],
        )
        for f in communes
    }


def _valeurs(cotentin, avec_poles=True):
    """Une valeur par commune (son rang, pour qu'elles soient toutes différentes), un lien chacune."""
    return {
        code: ValeurCommune(
            nom=nom,
            valeur=float(rang),
            texte=f"{rang},0",
            lien=f"/territoire/communes/{code}/",
            pole=pole if avec_poles else "",
        )
        for rang, (code, (nom, _, pole)) in enumerate(sorted(cotentin.items()))
    }


def _carte(cotentin, **kwargs):
    parametres = {
        "identifiant": "carte-essai",
        "titre": "Médecins généralistes",
        "contours": {code: contour for code, (_, contour, _) in cotentin.items()},
        "valeurs": _valeurs(cotentin),
        "unite": "pour 10 000 habitants",
    }
    return carte(**(parametres | kwargs))


def _svg(html: str) -> ET.Element:
    morceau = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert morceau, html
    return ET.fromstring(morceau.group(0))  # noqa: S314 (notre propre gabarit, pas une entrée extérieure)


def _rendu(k) -> str:
    return Template("{% load socle %}{% carte k %}").render(Context({"k": k}))


def _points(d: str) -> list[tuple[float, float]]:
    """Les sommets absolus d'un attribut d fait de M absolus et de l relatifs."""
    points: list[tuple[float, float]] = []
    for commande, arguments in re.findall(r"([MlZz])([^MlZz]*)", d):
        nombres = [float(n) for n in arguments.split()]
        couples = list(zip(nombres[::2], nombres[1::2], strict=True))
        for i, (x, y) in enumerate(couples):
            if commande == "M" and i == 0:
                points.append((x, y))
            else:
                points.append((points[-1][0] + x, points[-1][1] + y))
    return points


# --- Classes ---------------------------------------------------------------------------------


def test_classes_par_quantiles_egales_en_effectif():
    les_classes = classes(range(1, 101), n=5, decimales=1)
    assert [c.effectif for c in les_classes] == [20, 20, 20, 20, 20]
    assert [c.couleur for c in les_classes] == list(PALETTES[5])
    assert les_classes[0].texte == "de 1,0 à moins de 20,8"
    assert les_classes[-1].texte == "de 80,2 à 100,0"  # la dernière comprend son maximum
    # Arrondies à l'unité, les bornes classent : la légende dit vrai, quitte à déséquilibrer.
    arrondies = classes(range(1, 101), n=5, decimales=0)
    assert [c.texte for c in arrondies][2] == "de 41 à moins de 60"
    assert [c.effectif for c in arrondies] == [20, 20, 19, 20, 21]


def test_classes_d_egale_amplitude_et_bornes_a_la_francaise():
    les_classes = classes([0, 1.5, 2.5, 9, 10000.0, None], n=4, methode="egales", decimales=1)
    assert [(c.minimum, c.maximum) for c in les_classes] == [
        (0, 2500.0),
        (2500.0, 5000.0),
        (5000.0, 7500.0),
        (7500.0, 10000.0),
    ]
    assert les_classes[0].texte == f"de 0,0 à moins de 2{NBSP}500,0"
    assert [c.effectif for c in les_classes] == [4, 0, 0, 1]


def test_une_valeur_sur_une_borne_va_dans_la_classe_du_dessus():
    les_classes = classes([0, 10, 20, 30], n=3, methode="egales", decimales=0)
    assert classe_de(10, les_classes) is les_classes[1]
    assert classe_de(30, les_classes) is les_classes[-1]
    assert classe_de(None, les_classes) is None
    assert classe_de(31, les_classes) is None


def test_zero_a_part_baisses_et_hausses_de_part_et_d_autre():
    les_classes = classes_autour_de_zero([-4, -3, -1, 0, 0, 0, 2, 5, None], n=5, decimales=0)
    assert [c.texte for c in les_classes] == [
        "de -4 à moins de -3",
        "de -3 à -1",
        "0",
        "de 2 à moins de 4",
        "de 4 à 5",
    ]
    assert [c.effectif for c in les_classes] == [1, 2, 3, 1, 1]
    # Les baisses en rouge, du plus foncé au plus clair près de zéro ; les hausses en bleu.
    assert [c.couleur for c in les_classes] == [
        BAISSES[-2],
        BAISSES[-1],
        COULEUR_ZERO,
        HAUSSES[0],
        HAUSSES[1],
    ]
    # Aucune classe à cheval sur zéro ; chaque valeur dans la sienne, même -1, borne haute
    # d'une classe qui n'est pas la dernière.
    assert all(c.maximum <= 0 or c.minimum >= 0 for c in les_classes)
    for valeur, rang in [(-4, 0), (-3, 1), (-1, 1), (0, 2), (2, 3), (4, 4), (5, 4)]:
        assert classe_de(valeur, les_classes) is les_classes[rang], valeur
    assert classe_de(1, les_classes) is None


def test_zero_a_part_d_un_seul_cote_prend_toutes_les_classes():
    """Une densité nulle dans la plupart des communes : zéro à part, les autres en quatre classes
    (par quantiles, elles se confondraient sinon en une seule)."""
    valeurs = [0.0] * 100 + [float(v) for v in range(1, 21)]
    assert len(classes(valeurs, n=5)) == 1
    les_classes = classes_autour_de_zero(valeurs, n=5)
    assert [c.effectif for c in les_classes] == [100, 5, 5, 5, 5]
    assert [c.couleur for c in les_classes] == [COULEUR_ZERO, *HAUSSES]
    # Des entiers : les bornes arrondies laisseraient une classe vide (« de 2 à moins de 3 »).
    comptes = classes_autour_de_zero([0] * 17 + [1, 4], n=5, decimales=0)
    assert [(c.texte, c.effectif) for c in comptes] == [("0", 17), ("de 1 à moins de 2", 1), ("de 3 à 4", 1)]


def test_bornes_arrondies_confondues_moins_de_classes():
    les_classes = classes([1, 1, 1, 1, 2], n=5)
    assert len(les_classes) == 2
    assert sum(c.effectif for c in les_classes) == 5
    (seule,) = classes([7.5, 7.5], n=5)
    assert (seule.texte, seule.effectif) == ("7,5", 2)
    assert classes([None, None]) == ()
    with pytest.raises(ValueError):
        classes([1, 2], n=8)


# --- Les 129 communes ------------------------------------------------------------------------


def test_une_commune_un_lien_un_titre(cotentin):
    k = _carte(cotentin)
    svg = _svg(_rendu(k))
    liens = svg.findall(f".//{SVG}g[@class='carte-communes']/{SVG}a")
    assert len(liens) == len(cotentin) == 129
    valognes = next(a for a in liens if a.get("href") == "/territoire/communes/50615/")
    assert (
        valognes.find(f"{SVG}title").text
        == f"Valognes : {_valeurs(cotentin)['50615'].texte} pour 10 000 habitants"
    )
    assert len(valognes.findall(f"{SVG}path")) == 1
    assert all(a.find(f"{SVG}title") is not None for a in liens)
    # Saint-Vaast-la-Hougue et l'île Tatihou : un seul chemin, deux anneaux.
    saint_vaast = next(a for a in liens if a.get("href") == "/territoire/communes/50562/")
    assert saint_vaast.find(f"{SVG}path").get("d").count("M") == 2


def test_svg_accessible_et_sans_style(cotentin):
    k = _carte(cotentin)
    html = _rendu(k)
    svg = _svg(html)
    assert svg.get("role") == "group"  # role="img" rendrait ses liens inatteignables
    assert svg.get("aria-labelledby") == "carte-essai-titre"
    assert svg.get("aria-describedby") == "carte-essai-desc"
    assert svg.find(f"{SVG}title").text == "Médecins généralistes"
    assert "129 communes" in svg.findtext(f"{SVG}desc", "")
    assert "style=" not in html and "<script" not in html and "<style" not in html
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_taille_et_cadre(cotentin):
    k = _carte(cotentin)
    svg = render_to_string("socle/carte.html#svg", {"carte": k})
    assert len(svg.encode()) < 120_000, len(svg.encode())
    hauteur_carte = k.legende_y - 22
    xs, ys = [], []
    for commune in k.communes:
        points = _points(commune.chemin)
        xs += [x for x, _ in points]
        ys += [y for _, y in points]
    # Arrondis au dixième, les sommets restent dans le cadre, qu'ils remplissent en largeur.
    assert min(xs) == pytest.approx(8, abs=0.2) and max(xs) == pytest.approx(k.largeur - 8, abs=0.2)
    assert min(ys) == pytest.approx(8, abs=0.2) and max(ys) == pytest.approx(hauteur_carte - 8, abs=0.2)
    assert all(re.fullmatch(r"[-\d. MlzZ]+", c.chemin) for c in k.communes)  # ni virgule ni exposant


def _aretes(points):
    return Counter(frozenset(p) for p in zip(points, [*points[1:], points[0]], strict=True))


def test_limites_des_poles(cotentin):
    """Un seul pôle : sa limite est le bord du territoire (les arêtes d'une seule commune) ;
    un pôle par commune : toutes les arêtes, chacune une fois ; les vrais pôles : entre les deux."""
    contours = {code: contour for code, (_, contour, _) in cotentin.items()}
    toutes: Counter = Counter()
    for commune in _carte(cotentin).communes:
        for anneau in re.findall(r"M[^M]*", commune.chemin):
            toutes += _aretes([(round(x, 1), round(y, 1)) for x, y in _points(anneau)])
    bord = sum(1 for n in toutes.values() if n == 1)
    assert set(toutes.values()) == {1, 2}  # les contours partagent exactement leurs sommets

    def segments(poles):
        valeurs = {c: ValeurCommune(nom=c, valeur=1.0, pole=poles(c)) for c in contours}
        return _carte(cotentin, valeurs=valeurs).limites_poles.count("l")

    assert segments(lambda code: "Cotentin") == bord
    assert segments(lambda code: code) == len(toutes)
    vrais = _carte(cotentin).limites_poles.count("l")
    assert bord < vrais < len(toutes)
    assert _carte(cotentin, valeurs=_valeurs(cotentin, avec_poles=False)).limites_poles == ""


def test_tableau_egal_aux_chiffres(cotentin):
    valeurs = _valeurs(cotentin)
    k = _carte(cotentin, valeurs=valeurs, libelle_valeur="Médecins pour 10 000 habitants")
    assert [e.texte for e in k.tableau.entetes] == [
        "Commune",
        "Pôle de proximité",
        "Médecins pour 10 000 habitants",
    ]
    lignes = {ligne.cellules[0].texte: ligne for ligne in k.tableau.lignes}
    assert len(lignes) == 129
    for v in valeurs.values():
        assert [c.texte for c in lignes[v.nom].cellules] == [v.nom, v.pole, v.texte]
    noms = [ligne.cellules[0].texte for ligne in k.tableau.lignes]
    # Dans l'ordre alphabétique, les accents n'y changeant rien.
    assert noms.index("Digosville") < noms.index("Écausseville") < noms.index("Fermanville")
    html = _rendu(k)
    assert html.count("<tr") == 1 + 129
    assert f'<th scope="row">{valeurs["50615"].nom}</th>' in html


def test_echappement(cotentin):
    contours = {code: contour for code, (_, contour, _) in cotentin.items()}
    valeurs = {
        "50615": ValeurCommune(
            nom='<Sainte & "Mère">', valeur=1.5, texte="1,5", lien='/communes/?a=1&b="2"', pole="<Pôle>"
        )
    }
    html = _rendu(carte(identifiant="e", titre="A & B <c>", contours=contours, valeurs=valeurs))
    assert "<Sainte" not in html and "<Pôle>" not in html and "<c>" not in html
    svg = _svg(html)
    lien = svg.find(f".//{SVG}a")
    assert lien.get("href") == '/communes/?a=1&b="2"'
    assert lien.find(f"{SVG}title").text == '<Sainte & "Mère"> : 1,5'
    assert svg.find(f"{SVG}title").text == "A & B <c>"


def test_aucune_commune_omise_en_silence(cotentin):
    contours = {code: contour for code, (_, contour, _) in cotentin.items()}
    contours["50129"] = None  # Cherbourg-en-Cotentin sans contour
    valeurs = _valeurs(cotentin)
    valeurs["50615"] = ValeurCommune(nom="Valognes", valeur=None, lien="/v/")
    del valeurs["50041"]  # La Hague : un contour sans valeur
    k = _carte(cotentin, contours=contours, valeurs=valeurs)
    assert k.sans_contour == ("Cherbourg-en-Cotentin",)
    assert k.sans_donnee == ("Commune 50041", "Valognes")
    html = _rendu(k)
    assert "Communes sans contour ou sans donnée" in html
    assert "<li>Cherbourg-en-Cotentin (pas de contour, absente de la carte)</li>" in html
    assert "<li>Valognes (pas de donnée)</li>" in html
    svg = _svg(html)
    hachures = "url(#carte-essai-hachures)"
    assert svg.find(f".//{SVG}pattern").get("id") == "carte-essai-hachures"
    valognes = next(a for a in svg.iter(f"{SVG}a") if a.get("href") == "/v/")
    assert valognes.find(f"{SVG}path").get("fill") == hachures
    assert valognes.find(f"{SVG}title").text == "Valognes : pas de donnée"
    assert len(svg.findall(f".//{SVG}g[@class='carte-communes']/{SVG}path")) == 1  # La Hague, sans lien
    assert "Pas de donnée" in [t.text for t in svg.iter(f"{SVG}text")]
    # Cherbourg n'est pas sur la carte mais reste au tableau, avec sa valeur.
    assert "Cherbourg-en-Cotentin" in [ligne.cellules[0].texte for ligne in k.tableau.lignes]


def test_legende(cotentin):
    k = _carte(cotentin, nombre_classes=4, decimales=0)
    textes = [t.text for t in _svg(_rendu(k)).iter(f"{SVG}text")]
    assert textes[0] == "Légende (pour 10 000 habitants)"
    assert "de 0 à moins de 32 (32 communes)" in textes
    assert "Limite de pôle de proximité" in textes
    assert "Pas de donnée" not in textes
    assert sum(c.effectif for c in k.classes) == 129


def test_reperes(cotentin):
    reperes = [
        Repere(49.6386, -1.6163, "CHPC", "/structures/1/", "Centre hospitalier"),
        Repere(49.5089, -1.4702, "MSP de Valognes & co", None, "Maison de santé"),
        Repere(48.8566, 2.3522, "Paris", None, "Maison de santé"),
    ]
    k = _carte(cotentin, reperes=reperes)
    assert k.reperes_hors_carte == ("Paris",)
    html = _rendu(k)
    svg = _svg(html)
    groupe = svg.find(f".//{SVG}g[@class='carte-reperes']")
    chpc = groupe.find(f"{SVG}a")
    assert chpc.get("href") == "/structures/1/"
    assert chpc.find(f"{SVG}title").text == "CHPC (Centre hospitalier)"
    assert groupe.find(f"{SVG}path/{SVG}title").text == "MSP de Valognes & co (Maison de santé)"
    # Deux genres : deux couleurs et deux formes (un cercle en arcs, un carré en h et v).
    assert len({p.get("fill") for p in groupe.iter(f"{SVG}path")}) == 2
    assert {re.sub(r"[-\d. ]", "", p.get("d", "")) for p in groupe.iter(f"{SVG}path")} == {"MaaZ", "MhvhZ"}
    textes = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Centre hospitalier" in textes and "Maison de santé" in textes
    # Le repère de Cherbourg tombe dans Cherbourg-en-Cotentin (le nord de la carte).
    x, y = map(float, re.match(r"M([\d.]+) ([\d.]+)a", chpc.find(f"{SVG}path").get("d")).groups())
    assert 300 < x < 420 and y < 200
    assert '<a href="/structures/1/">CHPC</a> (Centre hospitalier)' in html
    assert "Hors du cadre de la carte : Paris" in html


def test_deux_cartes_sur_une_page_des_identifiants_distincts(cotentin):
    html = _rendu(_carte(cotentin, identifiant="a")) + _rendu(_carte(cotentin, identifiant="b"))
    identifiants = re.findall(r'\bid="([^"]+)"', html)
    assert len(identifiants) == len(set(identifiants))


def test_carte_vide():
    k = carte(identifiant="v", titre="Rien", contours={}, valeurs={})
    assert k.vide
    html = _rendu(k)
    assert "<svg" not in html and "Aucune commune à représenter." in html


# --- PDF --------------------------------------------------------------------------------------


def test_la_meme_carte_dans_un_pdf(cotentin):
    """WeasyPrint dessine le SVG : la légende se relit dans le PDF, les classes y sont peintes
    de leurs couleurs et les hachures y sont un motif."""
    valeurs = _valeurs(cotentin)
    valeurs["50615"] = ValeurCommune(nom="Valognes", valeur=None)
    k = _carte(cotentin, valeurs=valeurs)
    svg = render_to_string("socle/carte.html#svg", {"carte": k})
    contenu = pdf_simple(f'<html lang="fr"><body><h1>Essai</h1>{svg}</body></html>')
    page = PdfReader(io.BytesIO(contenu)).pages[0]
    texte = page.extract_text()
    assert "Légende (pour 10 000 habitants)" in texte
    assert "Pas de donnée" in texte
    assert "Limite de pôle de proximité" in texte
    flux = page.get_contents().get_data().decode("latin-1")

    def rg(couleur: str) -> str:
        return " ".join(f"{int(couleur[i : i + 2], 16) / 255:.6f}".rstrip("0").rstrip(".") for i in (1, 3, 5))

    peintes = Counter(re.findall(r"([\d.]+ [\d.]+ [\d.]+) rg", flux))
    for classe in k.classes:  # chaque commune de la classe, plus sa case de légende
        assert peintes[rg(classe.couleur)] == classe.effectif + 1, classe
    assert "/Pattern" in cast(DictionaryObject, page["/Resources"])
