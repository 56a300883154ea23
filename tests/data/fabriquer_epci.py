"""Fabrique `epci_composition.xlsx`, réduction du classeur de l'INSEE
« Intercommunalite_Metropole_au_01-01-AAAA.xlsx » : feuilles « EPCI » et
« Composition_communale », cinq lignes de titre, l'en-tête en ligne 6, les données ensuite.

    uv run python tests/data/fabriquer_epci.py

Les tests s'en servent aussi pour fabriquer des classeurs abîmés (en-tête déplacé, feuille
absente).
"""

from pathlib import Path

from openpyxl import Workbook

TITRES = [
    ["Intercommunalité - Métropole au 1er janvier 2026"],
    ["Composition communale des EPCI à fiscalité propre"],
    ["Source : Insee, Code officiel géographique ; DGCL, Banatic"],
    [],
    [],
]
ENTETE = ["CODGEO", "LIBGEO", "EPCI", "LIBEPCI", "DEP", "REG"]
CA_COTENTIN = ("200067205", "CA du Cotentin")
COMMUNES = [
    ["14118", "Caen", "241400415", "CU Caen la Mer", "14", "28"],
    ["14341", "Épron", "241400415", "CU Caen la Mer", "14", "28"],
    ["50041", "La Hague", *CA_COTENTIN, "50", "28"],
    ["50082", "Bricquebec-en-Cotentin", *CA_COTENTIN, "50", "28"],
    ["50129", "Cherbourg-en-Cotentin", *CA_COTENTIN, "50", "28"],
    # Citée par le classeur, absente du fichier des communes : rejetée (millésimes différents).
    ["50384", "Octeville-l'Avenel", *CA_COTENTIN, "50", "28"],
    ["50402", "Les Pieux", *CA_COTENTIN, "50", "28"],
    ["50502", "Saint-Lô", "200066959", "CA Saint-Lô Agglo", "50", "28"],
    ["50615", "Valognes", *CA_COTENTIN, "50", "28"],
    ["75056", "Paris", "200054781", "Métropole du Grand Paris", "75", "11"],
]
EPCI = [
    ["EPCI", "LIBEPCI", "NATURE_EPCI", "NB_COM"],
    ["200054781", "Métropole du Grand Paris", "ME", 131],
    ["200066959", "CA Saint-Lô Agglo", "CA", 61],
    ["200067205", "CA du Cotentin", "CA", 129],
    ["241400415", "CU Caen la Mer", "CU", 48],
]


def fabriquer(
    chemin: Path,
    *,
    titres: list[list[str]] = TITRES,
    entete: list[str] = ENTETE,
    communes: list[list[str]] = COMMUNES,
    feuille: str = "Composition_communale",
) -> Path:
    classeur = Workbook()
    epci = classeur.active
    assert epci is not None
    epci.title = "EPCI"
    for ligne in [*TITRES, *EPCI]:
        epci.append(ligne)
    composition = classeur.create_sheet(feuille)
    for ligne in [*titres, entete, *communes]:
        composition.append(ligne)
    classeur.save(chemin)
    return chemin


if __name__ == "__main__":
    print(fabriquer(Path(__file__).with_name("epci_composition.xlsx")))
