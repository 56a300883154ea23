"""Un territoire de démonstration plausible, chargé par les vrais importeurs.

Les communes sont les vraies : les 129 communes de l'agglomération, leurs contours et leurs
pôles, chargés par `charger_cotentin` depuis les données ouvertes livrées avec le code
(territoire/donnees_cotentin/) ; elles ne sont pas marquées `demo`.

Le reste est inventé : `manage.py demo` écrit des fichiers aux formats officiels (extraction
RPPS de l'Annuaire Santé, extraction FINESS d'etalab, fuites) puis les importe avec les
commandes `importer_*` : la démonstration passe par le même chemin que les données réelles.
Tout ce qui en sort est marqué `demo` (et affiché comme tel). Les personnes sont fictives
(noms tirés au sort, numéros RPPS de la série 1000…, clés valides), réparties sur les vraies
communes selon leur population ; les établissements sont placés près du centre de leur
commune, dedans. Tout est tiré avec des graines fixes : deux chargements donnent la même
démonstration. Les mêmes générateurs servent à bench/ : territoire ×10 et fichier RPPS national.
"""

import csv
import json
import random
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from io import StringIO
from pathlib import Path
from typing import IO, Any

from django.core.management import call_command
from django.db import transaction
from pyproj import Transformer
from stdnum import luhn

from comptes.models import Utilisateur
from territoire import DOSSIER_COTENTIN
from territoire.geometrie import centre, contient
from territoire.importeurs.cotentin import FICHIER_COMMUNES, FICHIER_CONTOURS, FICHIER_POLES
from territoire.models import (
    Appartenance,
    Axe,
    BesoinTerritoire,
    Commune,
    Fuite,
    ImportFichier,
    PoleDeProximite,
    Profession,
    Professionnel,
    Projet,
    Structure,
    TypeImport,
    TypeStructure,
)

# ---------------------------------------------------------------------------------------
# Les communes et leurs pôles de proximité : les vraies (territoire/donnees_cotentin/)


@dataclass(frozen=True)
class CommuneDemo:
    code: str
    nom: str
    population: int
    codes_postaux: tuple[str, ...]
    pole: str
    # Un point dans la commune (territoire.geometrie.centre de son contour).
    latitude: float
    longitude: float
    # Communes déléguées (code, nom, code postal) : les registres citent encore ces anciens codes.
    deleguees: tuple[tuple[str, str, str], ...] = ()


# Les communes déléguées que les fichiers de démonstration citent : elles ne sont pas dans les
# données ouvertes copiées (le COG de l'INSEE les donne, par `importer_communes`).
DELEGUEES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "50129": (
        ("50129", "Cherbourg-Octeville", "50100"),
        ("50173", "Équeurdreville-Hainneville", "50120"),
        ("50203", "La Glacerie", "50470"),
        ("50416", "Querqueville", "50460"),
        ("50602", "Tourlaville", "50110"),
    ),
    "50041": (
        ("50041", "Beaumont-Hague", "50440"),
        ("50220", "Gréville-Hague", "50440"),
        ("50257", "Jobourg", "50440"),
        ("50386", "Omonville-la-Rogue", "50440"),
        ("50623", "Vauville", "50440"),
    ),
}


@cache
def communes() -> tuple[CommuneDemo, ...]:
    """Les 129 communes réelles de l'agglomération, lues dans les fichiers que charge
    `charger_cotentin` (sans la base : bench/ écrit ses fichiers nationaux avec)."""
    with (DOSSIER_COTENTIN / FICHIER_POLES).open(encoding="utf-8", newline="") as fichier:
        poles = {ligne["code_insee"]: ligne["pole"] for ligne in csv.DictReader(fichier)}
    centres = {code: centre(geometrie) for code, geometrie in contours().items()}
    resultat = []
    with (DOSSIER_COTENTIN / FICHIER_COMMUNES).open(encoding="utf-8", newline="") as fichier:
        for ligne in csv.DictReader(fichier):
            code = ligne["code_insee"]
            latitude, longitude = centres[code] or (0.0, 0.0)
            resultat.append(
                CommuneDemo(
                    code=code,
                    nom=ligne["nom"],
                    population=int(ligne["population"]),
                    codes_postaux=tuple(ligne["codes_postaux"].split(";")),
                    pole=poles[code],
                    latitude=latitude,
                    longitude=longitude,
                    deleguees=DELEGUEES.get(code, ()),
                )
            )
    return tuple(resultat)


@cache
def contours() -> dict[str, dict[str, Any]]:
    """Code INSEE → géométrie du contour (pour placer les établissements dans leur commune)."""
    donnees = json.loads((DOSSIER_COTENTIN / FICHIER_CONTOURS).read_text(encoding="utf-8"))
    return {objet["properties"]["code_insee"]: objet["geometry"] for objet in donnees["features"]}


@cache
def _par_code() -> dict[str, CommuneDemo]:
    return {c.code: c for c in communes()}


def _commune_de(code: str) -> CommuneDemo | None:
    """La commune d'un code cité par un fichier : le sien, ou celui d'une de ses communes déléguées."""
    par_code = _par_code()
    if code in par_code:
        return par_code[code]
    return next((c for c in communes() if any(d[0] == code for d in c.deleguees)), None)


def importer_les_communes(dossier: Path | None = None) -> None:
    """Les 129 communes réelles, leurs contours et leurs pôles, par `charger_cotentin` ; puis
    les codes des communes déléguées que citent les fichiers de démonstration. `dossier` (où
    l'on écrivait autrefois des fichiers de l'INSEE inventés) ne sert plus : bench/ le passe encore."""
    call_command("charger_cotentin", stdout=StringIO())
    for code, deleguees in DELEGUEES.items():
        Commune.objects.filter(code_insee=code).update(
            codes_anciens=sorted(d[0] for d in deleguees if d[0] != code)
        )


# ---------------------------------------------------------------------------------------
# Établissements (FINESS)


def finess(numero: int) -> str:
    corps = f"50{numero:06d}"
    return corps + luhn.calc_check_digit(corps)


def siret(numero: int) -> str:
    corps = f"{numero:013d}"
    return corps + luhn.calc_check_digit(corps)


@dataclass(frozen=True)
class EtablissementDemo:
    numero: int
    nom: str
    nom_long: str
    categorie: str
    libelle_categorie: str
    code_commune: str  # code INSEE cité par le fichier (parfois celui d'une commune déléguée)
    adresse: tuple[str, str, str]  # numéro, type de voie, voie
    telephone: str
    ouverture: str
    juridique: int | None = None

    @property
    def finess(self) -> str:
        return finess(self.numero)

    @property
    def finess_juridique(self) -> str:
        return finess(self.juridique if self.juridique is not None else self.numero + 500)


# fmt: off
ETABLISSEMENTS: tuple[EtablissementDemo, ...] = (
    EtablissementDemo(1, "CH PUBLIC DU COTENTIN", "CENTRE HOSPITALIER PUBLIC DU COTENTIN", "355", "Centre Hospitalier (C.H.)",
                      "50129", ("46", "RUE", "DU VAL DE SAIRE"), "0233207000", "1978-01-01", juridique=1000),
    EtablissementDemo(2, "CHPC SITE DE VALOGNES", "CENTRE HOSPITALIER PUBLIC DU COTENTIN - SITE DE VALOGNES", "355", "Centre Hospitalier (C.H.)",
                      "50615", ("1", "AV", "DU 8 MAI 1945"), "0233952000", "1978-01-01", juridique=1000),
    EtablissementDemo(3, "POLYCLINIQUE DU COTENTIN", "POLYCLINIQUE DU COTENTIN", "365", "Etablissement de Soins Pluridisciplinaire",
                      "50173", ("1", "RUE", "JEAN BART"), "0233553300", "1990-01-01", juridique=1001),
    EtablissementDemo(4, "GCS PARTENAIRES SANTE DU COTENTIN", "GROUPEMENT DE COOPERATION SANITAIRE PARTENAIRES SANTE DU COTENTIN", "696", "Groupement de coopération sanitaire de moyens",
                      "50129", ("46", "RUE", "DU VAL DE SAIRE"), "0233207001", "2017-10-12", juridique=1002),
    EtablissementDemo(5, "MSP DE LA HAGUE", "MAISON DE SANTE PLURIPROFESSIONNELLE DE LA HAGUE", "603", "Maison de santé (L.6223-3)",
                      "50041", ("2", "RUE", "DES TOHAGUES"), "0233527000", "2014-09-01"),
    EtablissementDemo(6, "PSLA DES PIEUX", "POLE DE SANTE LIBERAL ET AMBULATOIRE DES PIEUX", "603", "Maison de santé (L.6223-3)",
                      "50402", ("5", "RUE", "CENTRALE"), "0233529000", "2016-03-01"),
    EtablissementDemo(7, "MSP DU VAL DE SAIRE", "MAISON DE SANTE PLURIPROFESSIONNELLE DU VAL DE SAIRE", "603", "Maison de santé (L.6223-3)",
                      "50417", ("3", "RTE", "DE VALOGNES"), "0233431200", "2018-01-15"),
    EtablissementDemo(8, "MSP DE BRICQUEBEC", "MAISON DE SANTE PLURIPROFESSIONNELLE DE BRICQUEBEC-EN-COTENTIN", "603", "Maison de santé (L.6223-3)",
                      "50082", ("12", "RUE", "DU CHATEAU"), "0233521000", "2019-06-01"),
    EtablissementDemo(9, "CENTRE DE SANTE DE CHERBOURG", "CENTRE DE SANTE MUNICIPAL DE CHERBOURG-EN-COTENTIN", "124", "Centre de Santé",
                      "50602", ("8", "RUE", "DE LA PAIX"), "0233881000", "2021-04-01"),
    EtablissementDemo(10, "EHPAD LES JARDINS DE VALOGNES", "EHPAD LES JARDINS DE VALOGNES", "500", "Etablissement d'hébergement pour personnes âgées dépendantes",
                      "50615", ("14", "RUE", "DES CAPUCINS"), "0233401500", "2004-01-01"),
    EtablissementDemo(11, "EHPAD LE GRAND JARDIN", "EHPAD LE GRAND JARDIN", "500", "Etablissement d'hébergement pour personnes âgées dépendantes",
                      "50203", ("2", "RUE", "DU BOCAGE"), "0233443400", "2008-01-01"),
    EtablissementDemo(12, "EHPAD DU VAL DE SAIRE", "EHPAD DU VAL DE SAIRE", "500", "Etablissement d'hébergement pour personnes âgées dépendantes",
                      "50562", ("1", "RUE", "DE LA HOUGUE"), "0233545400", "2001-01-01"),
    EtablissementDemo(13, "SSIAD DU COTENTIN", "SERVICE DE SOINS INFIRMIERS A DOMICILE DU COTENTIN", "354", "Service de Soins Infirmiers A Domicile (S.S.I.A.D)",
                      "50129", ("20", "RUE", "DES TOURELLES"), "0233887700", "1995-01-01"),
    EtablissementDemo(14, "PHARMACIE DU PORT", "PHARMACIE DU PORT", "620", "Pharmacie d'Officine",
                      "50129", ("3", "QUAI", "DE CALIGNY"), "0233430001", "1960-01-01"),
    EtablissementDemo(15, "PHARMACIE DE LA HAGUE", "PHARMACIE DE LA HAGUE", "620", "Pharmacie d'Officine",
                      "50041", ("1", "PL", "DE LA MAIRIE"), "0233527711", "1975-01-01"),
    EtablissementDemo(16, "PHARMACIE DES PIEUX", "PHARMACIE DES PIEUX", "620", "Pharmacie d'Officine",
                      "50402", ("9", "RUE", "CENTRALE"), "0233527799", "1980-01-01"),
    EtablissementDemo(17, "PHARMACIE CENTRALE DE VALOGNES", "PHARMACIE CENTRALE DE VALOGNES", "620", "Pharmacie d'Officine",
                      "50615", ("2", "RUE", "DES RALLIERS"), "0233401122", "1970-01-01"),
    EtablissementDemo(18, "PHARMACIE DES ISLES", "PHARMACIE DES ISLES", "620", "Pharmacie d'Officine",
                      "50031", ("4", "RUE", "DU PORT"), "0233535511", "1985-01-01"),
    EtablissementDemo(19, "PHARMACIE DU VAL DE SAIRE", "PHARMACIE DU VAL DE SAIRE", "620", "Pharmacie d'Officine",
                      "50539", ("1", "PL", "DE L EGLISE"), "0233544411", "1978-01-01"),
    EtablissementDemo(20, "PHARMACIE DE L OUVE", "PHARMACIE DE L OUVE", "620", "Pharmacie d'Officine",
                      "50551", ("6", "RUE", "DU VIEUX CHATEAU"), "0233416611", "1982-01-01"),
    EtablissementDemo(21, "EHPAD LES POMMIERS", "EHPAD LES POMMIERS", "500", "Etablissement d'hébergement pour personnes âgées dépendantes",
                      "50341", ("3", "RUE", "DES POMMIERS"), "0233411900", "2006-01-01"),
)
# fmt: on
# Les mêmes lignes du fichier national, hors du territoire : ignorées par l'import.
# fmt: off
ETABLISSEMENTS_HORS = (
    EtablissementDemo(900, "CHU CAEN NORMANDIE", "CENTRE HOSPITALIER UNIVERSITAIRE DE CAEN NORMANDIE", "101", "Centre Hospitalier Régional (C.H.R.)",
                      "14118", ("", "AV", "DE LA COTE DE NACRE"), "0231064444", "1975-01-01"),
    EtablissementDemo(901, "CH MEMORIAL SAINT-LO", "CENTRE HOSPITALIER MEMORIAL FRANCE ETATS-UNIS", "355", "Centre Hospitalier (C.H.)",
                      "50502", ("715", "RUE", "HENRI DUNANT"), "0233063300", "1970-01-01"),
)
# fmt: on


def _acheminement(code: str) -> tuple[str, str]:
    """Le code postal et le nom d'une commune (ou d'une commune déléguée) du fichier."""
    commune = _commune_de(code)
    if commune is not None:
        for delegue, nom, code_postal in commune.deleguees:
            if delegue == code:
                return code_postal, nom
        return commune.codes_postaux[0], commune.nom
    hors = {"14118": ("14000", "Caen"), "50502": ("50000", "Saint-Lô")}
    return hors.get(code, ("75001", "Paris"))


def _position(commune: CommuneDemo, rang: int) -> tuple[float, float]:
    """Un point tiré (graine : le rang) à un kilomètre environ du centre de la commune, et dedans."""
    hasard = random.Random(rang)
    contour = contours()[commune.code]
    for _essai in range(20):
        latitude = commune.latitude + hasard.uniform(-0.01, 0.01)
        longitude = commune.longitude + hasard.uniform(-0.015, 0.015)
        if contient(contour, latitude, longitude):
            return latitude, longitude
    return commune.latitude, commune.longitude


def _lambert93(latitude: float, longitude: float) -> tuple[float, float]:
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(longitude, latitude)
    return round(x, 1), round(y, 1)


def ecrire_finess(chemin: Path, extraction: date) -> None:
    """L'extraction FINESS d'etalab (`etalab-cs1100507-stock-AAAAMMJJ-hhmm.csv`, Latin-1)."""
    geolocalisations = []
    with chemin.open("w", encoding="latin-1", newline="") as sortie:
        ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\n")
        ecrivain.writerow(["finess", "etalab", "100", extraction.isoformat()])
        for rang, etab in enumerate(ETABLISSEMENTS + ETABLISSEMENTS_HORS):
            departement, commune = etab.code_commune[:2], etab.code_commune[2:]
            numero, type_voie, voie = etab.adresse
            code_postal, nom_commune = _acheminement(etab.code_commune)
            ecrivain.writerow(
                [
                    "structureet",
                    etab.finess,
                    etab.finess_juridique,
                    etab.nom,
                    etab.nom_long,
                    "",
                    "",
                    numero,
                    type_voie,
                    voie,
                    "",
                    "",
                    commune,
                    departement,
                    "MANCHE" if departement == "50" else "CALVADOS",
                    f"{code_postal} {nom_commune.upper()}",
                    etab.telephone[1:],  # le fichier perd souvent le 0 initial
                    "",
                    etab.categorie,
                    etab.libelle_categorie,
                    "",
                    "",
                    siret(26_500_000_000 + rang),
                    "8610Z",
                    "",
                    "",
                    "",
                    "",
                    etab.ouverture,
                    etab.ouverture,
                    extraction.isoformat(),
                    "",
                ]
            )
            commune_demo = _commune_de(etab.code_commune)
            if commune_demo is not None:
                x, y = _lambert93(*_position(commune_demo, rang))
                geolocalisations.append(
                    [
                        "geolocalisation",
                        etab.finess,
                        f"{x}",
                        f"{y}",
                        "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93",
                        extraction.isoformat(),
                    ]
                )
        for ligne in geolocalisations:
            ecrivain.writerow(ligne)


# ---------------------------------------------------------------------------------------
# Professionnels (RPPS)

COLONNES_RPPS = (
    "Type d'identifiant PP",
    "Identifiant PP",
    "Identification nationale PP",
    "Code civilité d'exercice",
    "Libellé civilité d'exercice",
    "Code civilité",
    "Libellé civilité",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Code profession",
    "Libellé profession",
    "Code catégorie professionnelle",
    "Libellé catégorie professionnelle",
    "Code type savoir-faire",
    "Libellé type savoir-faire",
    "Code savoir-faire",
    "Libellé savoir-faire",
    "Code mode exercice",
    "Libellé mode exercice",
    "Numéro SIRET site",
    "Numéro SIREN site",
    "Numéro FINESS site",
    "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure",
    "Raison sociale site",
    "Enseigne commerciale site",
    "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)",
    "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)",
    "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)",
    "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)",
    "Bureau cedex (coord. structure)",
    "Code postal (coord. structure)",
    "Code commune (coord. structure)",
    "Libellé commune (coord. structure)",
    "Code pays (coord. structure)",
    "Libellé pays (coord. structure)",
    "Téléphone (coord. structure)",
    "Téléphone 2 (coord. structure)",
    "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)",
    "Code Département (structure)",
    "Libellé Département (structure)",
    "Ancien identifiant de la structure",
    "Autorité d'enregistrement",
    "Code secteur d'activité",
    "Libellé secteur d'activité",
    "Code section tableau pharmaciens",
    "Libellé section tableau pharmaciens",
)
_INDEX_RPPS = {nom: i for i, nom in enumerate(COLONNES_RPPS)}
ENTETE_RPPS = "|".join(COLONNES_RPPS) + "|\n"


@dataclass(frozen=True)
class ProfessionDemo:
    code: str
    libelle: str
    poids: float  # pour 10 000 habitants, ordre de grandeur d'un territoire sous-doté
    savoir_faire: tuple[tuple[str, str, float], ...] = ()
    part_liberale: float = 0.7


PROFESSIONS: tuple[ProfessionDemo, ...] = (
    ProfessionDemo(
        "10",
        "Médecin",
        24.0,
        (
            ("SM54", "Médecine générale", 0.45),
            ("SM02", "Anesthésie-réanimation", 0.06),
            ("SM04", "Cardiologie et maladies vasculaires", 0.06),
            ("SM20", "Gynécologie-obstétrique", 0.05),
            ("SM40", "Pédiatrie", 0.05),
            ("SM42", "Psychiatrie", 0.07),
            ("SM44", "Radio-diagnostic et imagerie médicale", 0.05),
            ("SM12", "Chirurgie orthopédique et traumatologie", 0.04),
            ("SM38", "Ophtalmologie", 0.04),
            ("SM28", "Médecine d'urgence", 0.08),
            ("SM49", "Santé publique et médecine sociale", 0.05),
        ),
        part_liberale=0.55,
    ),
    ProfessionDemo("60", "Infirmier", 95.0, part_liberale=0.3),
    ProfessionDemo("70", "Masseur-Kinésithérapeute", 9.0, part_liberale=0.85),
    ProfessionDemo("21", "Pharmacien", 9.5, part_liberale=0.75),
    ProfessionDemo("40", "Chirurgien-Dentiste", 4.5, part_liberale=0.9),
    ProfessionDemo("50", "Sage-Femme", 3.0, part_liberale=0.35),
    ProfessionDemo("91", "Orthophoniste", 2.5, part_liberale=0.85),
    ProfessionDemo("80", "Pédicure-Podologue", 1.5, part_liberale=0.95),
    ProfessionDemo("92", "Orthoptiste", 0.6, part_liberale=0.7),
    ProfessionDemo("95", "Psychomotricien", 0.8, part_liberale=0.4),
    ProfessionDemo("94", "Ergothérapeute", 0.9, part_liberale=0.2),
)

# fmt: off
NOMS = (
    "MARTIN", "LEFEVRE", "LECOQ", "GUERIN", "LEMARCHAND", "HAMEL", "MARIE", "LEBRETON", "LEROUX",
    "DUVAL", "LEMOINE", "LECLERC", "LEBLOND", "HEBERT", "LECONTE", "LEGRAND", "MAUGER", "PIGNOT",
    "DESCHAMPS", "LEPETIT", "POISSON", "ROBINE", "GOSSELIN", "LAISNEY", "LESAGE", "LEGOUPIL", "MOUCHEL",
    "ENGUEHARD", "FOLLIOT", "LEFRANCOIS", "LEMIERE", "DUBOST", "HUET", "JEANNE", "LECHEVALIER", "LEMAITRE",
    "BURNOUF", "CASTEL", "ONFROY", "LEBOISSELIER", "VASSELIN", "TOSTAIN", "RENOUF", "LECACHEUX", "GIRARD",
    "FONTAINE", "BERNARD", "PETIT", "DUBOIS", "MOREAU", "LAURENT", "SIMON", "MICHEL", "DAVID",
    "BERTRAND", "ROUX", "VINCENT", "FOURNIER", "MOREL", "GIRAUD", "ANDRE", "MERCIER", "BLANC",
    "GUERIN", "BOYER", "GARNIER", "CHEVALIER", "FRANCOIS", "LEGRIS", "GAUTIER", "PERRIN", "ROBIN",
    "CLEMENT", "MORIN", "NICOLAS",
)
# fmt: on
# fmt: off
PRENOMS = (
    ("M", "ERIC"), ("M", "THOMAS"), ("M", "NICOLAS"), ("M", "JULIEN"), ("M", "ANTOINE"), ("M", "PIERRE"),
    ("M", "MATHIEU"), ("M", "VINCENT"), ("M", "GUILLAUME"), ("M", "FRANCOIS"), ("M", "OLIVIER"), ("M", "MARC"),
    ("M", "PHILIPPE"), ("M", "LUC"), ("M", "HUGO"), ("M", "LOUIS"), ("M", "ARTHUR"), ("M", "BAPTISTE"),
    ("MME", "HELENE"), ("MME", "SOPHIE"), ("MME", "CLAIRE"), ("MME", "ANNE"), ("MME", "CAMILLE"), ("MME", "JULIE"),
    ("MME", "MARIE"), ("MME", "CELINE"), ("MME", "AURELIE"), ("MME", "LAURE"), ("MME", "EMILIE"), ("MME", "PAULINE"),
    ("MME", "MANON"), ("MME", "LEA"), ("MME", "CHLOE"), ("MME", "ISABELLE"), ("MME", "NATHALIE"), ("MME", "VALERIE"),
    ("MME", "SANDRINE"), ("MME", "INES"),
)
# fmt: on
# fmt: off
VOIES = (
    ("RUE", "Rue", "DE LA PAIX"), ("RUE", "Rue", "GAMBETTA"), ("AV", "Avenue", "DE PARIS"),
    ("PL", "Place", "DE LA REPUBLIQUE"), ("RUE", "Rue", "DU MARECHAL FOCH"), ("RTE", "Route", "DE VALOGNES"),
    ("RUE", "Rue", "DES CARRIERES"), ("BD", "Boulevard", "SCHUMAN"), ("RUE", "Rue", "DU BOCAGE"),
)
# fmt: on


def rpps(numero: int) -> str:
    """Le numéro RPPS de rang `numero` (série 10…, clé de Luhn valide)."""
    corps = f"1{numero:09d}"
    return corps + luhn.calc_check_digit(corps)


def ligne_rpps(valeurs: dict[str, str]) -> str:
    champs = [""] * len(COLONNES_RPPS)
    for nom, valeur in valeurs.items():
        champs[_INDEX_RPPS[nom]] = valeur
    return "|".join(champs) + "|\n"


@dataclass
class PersonneDemo:
    rang: int
    nom: str
    prenom: str
    civilite: str
    profession: ProfessionDemo
    savoir_faire: tuple[str, str] | None
    activites: list[tuple[str, str, EtablissementDemo | None]] = field(default_factory=list)
    # (mode L/S, code INSEE cité, établissement ou cabinet)


def _tirer(hasard: random.Random, choix: Sequence[Any], poids: Sequence[float]) -> Any:
    return hasard.choices(choix, weights=poids, k=1)[0]


def personnes(nombre: int, *, graine: int = 2026, premier_rang: int = 1) -> list[PersonneDemo]:
    """`nombre` professionnels fictifs répartis sur les communes du territoire selon leur
    population, avec une ou deux activités (libérale, salariée, ou les deux)."""
    hasard = random.Random(graine)
    poids_professions = [p.poids for p in PROFESSIONS]
    toutes = list(communes())
    poids_communes = [c.population for c in toutes]
    etablissements_salaries = [
        e for e in ETABLISSEMENTS if e.categorie in {"355", "365", "500", "354", "124"}
    ]
    maisons = [e for e in ETABLISSEMENTS if e.categorie == "603"]
    officines = [e for e in ETABLISSEMENTS if e.categorie == "620"]
    resultat = []
    for rang in range(premier_rang, premier_rang + nombre):
        profession: ProfessionDemo = _tirer(hasard, PROFESSIONS, poids_professions)
        civilite, prenom = hasard.choice(PRENOMS)
        savoir_faire = None
        if profession.savoir_faire:
            code, libelle, _p = _tirer(
                hasard, profession.savoir_faire, [s[2] for s in profession.savoir_faire]
            )
            savoir_faire = (code, libelle)
        personne = PersonneDemo(rang, hasard.choice(NOMS), prenom, civilite, profession, savoir_faire)
        liberal = hasard.random() < profession.part_liberale
        if profession.code == "21":
            personne.activites.append(("L" if liberal else "S", "", hasard.choice(officines)))
        elif liberal:
            if hasard.random() < 0.3:
                maison = hasard.choice(maisons)
                personne.activites.append(("L", maison.code_commune, maison))
            else:
                commune = _tirer(hasard, toutes, poids_communes)
                personne.activites.append(("L", commune.code, None))
            if hasard.random() < 0.12:  # exercice mixte : une vacation à l'hôpital ou à la clinique
                personne.activites.append(("S", "", hasard.choice(etablissements_salaries[:3])))
        else:
            personne.activites.append(("S", "", hasard.choice(etablissements_salaries)))
        resultat.append(personne)
    return resultat


def lignes_de(personne: PersonneDemo, hasard: random.Random) -> Iterator[str]:
    for mode, code_commune, etablissement in personne.activites:
        code = etablissement.code_commune if etablissement else code_commune
        code_postal, libelle_commune = _acheminement(code)
        if etablissement is not None:
            identifiant = f"F{etablissement.finess}"
            raison_sociale = etablissement.nom
            numero, type_voie, voie = etablissement.adresse
            libelle_type = {"RUE": "Rue", "AV": "Avenue", "PL": "Place", "RTE": "Route", "QUAI": "Quai"}.get(
                type_voie, type_voie
            )
            telephone = etablissement.telephone
            secteur = {
                "355": ("SA01", "Etablissement public de santé"),
                "365": ("SA02", "Etablissement privé non PSPH"),
                "500": ("SA25", "Etablissement pour personnes âgées"),
                "620": ("SA33", "Pharmacie d'officine"),
                "603": ("SA08", "Cabinet de groupe"),
            }.get(etablissement.categorie, ("SA17", "Centre de santé"))
            finess_site = etablissement.finess
        else:
            identifiant = f"C{personne.rang:012d}"
            raison_sociale = f"CABINET {personne.prenom[0]}. {personne.nom}"
            type_voie, libelle_type, voie = hasard.choice(VOIES)
            numero = str(hasard.randint(1, 80))
            telephone = f"02334{hasard.randint(10000, 99999)}"
            secteur = ("SA07", "Cabinet individuel")
            finess_site = ""
        valeurs = {
            "Type d'identifiant PP": "8",
            "Identifiant PP": rpps(personne.rang),
            "Identification nationale PP": "8" + rpps(personne.rang),
            "Code civilité": personne.civilite,
            "Libellé civilité": "Madame" if personne.civilite == "MME" else "Monsieur",
            "Nom d'exercice": personne.nom,
            "Prénom d'exercice": personne.prenom,
            "Code profession": personne.profession.code,
            "Libellé profession": personne.profession.libelle,
            "Code catégorie professionnelle": "C",
            "Libellé catégorie professionnelle": "Civil",
            "Code mode exercice": mode,
            "Libellé mode exercice": "Libéral" if mode == "L" else "Salarié",
            "Numéro FINESS site": finess_site,
            "Identifiant technique de la structure": identifiant,
            "Raison sociale site": raison_sociale,
            "Numéro Voie (coord. structure)": numero,
            "Code type de voie (coord. structure)": type_voie,
            "Libellé type de voie (coord. structure)": libelle_type,
            "Libellé Voie (coord. structure)": voie,
            "Code postal (coord. structure)": code_postal,
            "Code commune (coord. structure)": code,
            "Libellé commune (coord. structure)": libelle_commune,
            "Code pays (coord. structure)": "99000",
            "Libellé pays (coord. structure)": "France",
            "Téléphone (coord. structure)": telephone,
            "Code Département (structure)": "50",
            "Libellé Département (structure)": "Manche",
            "Autorité d'enregistrement": "ARS/CPAM/CPAM",
            "Code secteur d'activité": secteur[0],
            "Libellé secteur d'activité": secteur[1],
        }
        if personne.profession.code == "10":
            valeurs["Code civilité d'exercice"] = "DR"
            valeurs["Libellé civilité d'exercice"] = "Docteur"
        if personne.savoir_faire:
            valeurs["Code type savoir-faire"] = "S"
            valeurs["Libellé type savoir-faire"] = "Spécialité ordinale"
            valeurs["Code savoir-faire"], valeurs["Libellé savoir-faire"] = personne.savoir_faire
        yield ligne_rpps(valeurs)


def ecrire_rpps(chemin: Path, lignes: Iterator[str] | Sequence[str]) -> None:
    with chemin.open("w", encoding="utf-8", newline="") as sortie:
        sortie.write(ENTETE_RPPS)
        sortie.writelines(lignes)


def lignes_territoire(liste: Sequence[PersonneDemo], *, graine: int = 7) -> Iterator[str]:
    hasard = random.Random(graine)
    for personne in liste:
        yield from lignes_de(personne, hasard)


def ecrire_rpps_national(
    sortie: IO[str], *, lignes: int, part_territoire: float = 0.01, graine: int = 42
) -> int:
    """Une extraction RPPS à l'échelle nationale (en-tête compris) : `lignes` activités dont
    environ `part_territoire` sur le territoire. Rend le nombre de lignes du territoire."""
    hasard = random.Random(graine)
    sortie.write(ENTETE_RPPS)
    dans_le_territoire = int(lignes * part_territoire)
    locaux = personnes(dans_le_territoire, graine=graine)
    # Ailleurs en France : des codes de communes de tous les départements sauf la Manche.
    departements = [f"{d:02d}" for d in range(1, 96) if d not in (20, 50)]
    ecrits = 0
    rang = len(locaux) + 1
    lignes_locales = lignes_territoire(locaux, graine=graine)
    pas = max(1, round(1 / part_territoire)) if part_territoire else 0
    for numero in range(lignes):
        if pas and numero % pas == 0:
            ligne = next(lignes_locales, None)
            if ligne is not None:
                sortie.write(ligne)
                ecrits += 1
                continue
        departement = hasard.choice(departements)
        profession = PROFESSIONS[numero % len(PROFESSIONS)]
        civilite, prenom = PRENOMS[numero % len(PRENOMS)]
        sortie.write(
            ligne_rpps(
                {
                    "Type d'identifiant PP": "8",
                    "Identifiant PP": rpps(rang),
                    "Identification nationale PP": "8" + rpps(rang),
                    "Code civilité": civilite,
                    "Libellé civilité": "Madame" if civilite == "MME" else "Monsieur",
                    "Nom d'exercice": NOMS[numero % len(NOMS)],
                    "Prénom d'exercice": prenom,
                    "Code profession": profession.code,
                    "Libellé profession": profession.libelle,
                    "Code catégorie professionnelle": "C",
                    "Libellé catégorie professionnelle": "Civil",
                    "Code mode exercice": "L",
                    "Libellé mode exercice": "Libéral",
                    "Identifiant technique de la structure": f"C{rang:012d}",
                    "Raison sociale site": "CABINET",
                    "Numéro Voie (coord. structure)": str(numero % 90 + 1),
                    "Code type de voie (coord. structure)": "RUE",
                    "Libellé type de voie (coord. structure)": "Rue",
                    "Libellé Voie (coord. structure)": "DE LA REPUBLIQUE",
                    "Code postal (coord. structure)": f"{departement}000",
                    "Code commune (coord. structure)": f"{departement}{hasard.randint(1, 600):03d}",
                    "Libellé commune (coord. structure)": "SAINT-GERMAIN-EN-LAYE",
                    "Code pays (coord. structure)": "99000",
                    "Libellé pays (coord. structure)": "France",
                    "Téléphone (coord. structure)": f"0{numero % 5 + 1}{numero:08d}"[:10],
                    "Adresse e-mail (coord. structure)": f"cabinet{rang}@exemple.fr",
                    "Code Département (structure)": departement,
                    "Libellé Département (structure)": "Département",
                    "Ancien identifiant de la structure": f"4{rang:012d}",
                    "Autorité d'enregistrement": "ARS/CPAM/CPAM",
                    "Code secteur d'activité": "SA07",
                    "Libellé secteur d'activité": "Cabinet individuel",
                }
            )
        )
        rang += 1
    # Les personnes à deux activités ont quelques lignes de plus que les places réservées.
    for ligne in lignes_locales:
        sortie.write(ligne)
        ecrits += 1
    return ecrits


# ---------------------------------------------------------------------------------------
# Fuites


FUITES = (
    # Spécialité, part hors territoire (les spécialités où la coopération CHPC-PCC est la
    # meilleure sont aussi celles où l'on se soigne le plus sur place), destination.
    ("Chirurgie cardiaque", 0.92, "CHU de Caen Normandie"),
    ("Neurochirurgie", 0.85, "CHU de Caen Normandie"),
    ("Cardiologie interventionnelle", 0.41, "CHU de Caen Normandie"),
    ("Chirurgie orthopédique", 0.33, "CHU de Caen Normandie"),
    ("Ophtalmologie", 0.31, "Clinique de la Miséricorde, Caen"),
    ("Chirurgie digestive", 0.27, "CHU de Caen Normandie"),
    ("ORL et chirurgie cervico-faciale", 0.26, "CHU de Caen Normandie"),
    ("Oncologie", 0.16, "Centre François Baclesse, Caen"),
    ("Uro-néphrologie", 0.14, "CHU de Caen Normandie"),
    ("Gynécologie-obstétrique", 0.09, "CH Mémorial de Saint-Lô"),
)


def ecrire_fuites(chemin: Path, annees: Sequence[int] = (2022, 2023, 2024, 2025)) -> None:
    hasard = random.Random(17)
    with chemin.open("w", encoding="utf-8", newline="") as sortie:
        ecrivain = csv.writer(sortie, delimiter=";")
        ecrivain.writerow(
            ["annee", "specialite", "patients", "patients_hors_territoire", "destination_principale"]
        )
        for annee in annees:
            for specialite, part, destination in FUITES:
                patients = hasard.randint(400, 3000)
                evolution = 1 - 0.03 * (annee - annees[0])  # la coopération rapatrie un peu chaque année
                hors = min(patients, round(patients * part * evolution))
                ecrivain.writerow([annee, specialite, patients, hors, destination])


# ---------------------------------------------------------------------------------------
# Chargement


# Les personnes des comptes de démonstration (comptes/demo.py), rattachées à leur fiche.
# fmt: off
PERSONNES_DES_COMPTES = (
    # (adresse du compte, rang RPPS, nom, prénom, civilité, profession, savoir-faire, activités :
    #  mode, code commune d"un cabinet, numéro d"un établissement de ETABLISSEMENTS)
    ("professionnel@demo.cotentin.fr", 990001, "MARIE", "SOPHIE", "MME", "60", None, (("L", "50402", None),)),
    ("membre.college@demo.cotentin.fr", 990002, "GUERIN", "MARC", "M", "10", ("SM54", "Médecine générale"), (("L", "50615", None), ("S", "", 2))),
    ("copresident@demo.cotentin.fr", 990003, "LECOQ", "ANNE", "MME", "10", ("SM54", "Médecine générale"), (("L", "", 5),)),
)
# fmt: on

# Des structures sans numéro FINESS : coordination, institutions, formation.
STRUCTURES_SANS_FINESS = (
    ("DAC Manche – antenne du Cotentin", "dac", "50129"),
    ("CPTS du Cotentin", "cpts", "50129"),
    ("CLIC du Cotentin", "clic", "50615"),
    ("MAIA Nord-Cotentin", "maia", "50129"),
    ("IFSI du Centre hospitalier public du Cotentin", "formation", "50129"),
    ("Lycée Victor-Grignard", "etablissement_scolaire", "50129"),
    ("ARS Normandie – délégation départementale de la Manche", "institution", None),
    ("CPAM de la Manche", "institution", None),
    ("URML Normandie", "institution", None),
)

# Trois relevés RPPS, un par an : le territoire perd un peu plus de praticiens qu'il n'en accueille.
RELEVES = (date(2024, 11, 4), date(2025, 11, 3), date(2026, 11, 2))


def _personnes_des_comptes() -> list[PersonneDemo]:
    par_numero = {e.numero: e for e in ETABLISSEMENTS}
    professions = {p.code: p for p in PROFESSIONS}
    resultat = []
    for _email, rang, nom, prenom, civilite, code, savoir_faire, activites in PERSONNES_DES_COMPTES:
        personne = PersonneDemo(rang, nom, prenom, civilite, professions[code], savoir_faire)
        for mode, commune, numero in activites:
            personne.activites.append((mode, commune, par_numero[numero] if numero else None))
        resultat.append(personne)
    return resultat


def releves(nombre: int, *, graine: int = 2026) -> list[list[PersonneDemo]]:
    """Les professionnels de chaque relevé de RELEVES : des arrivées et des départs chaque année."""
    presents = personnes(nombre, graine=graine)
    partis = personnes(nombre // 8, graine=graine + 1, premier_rang=nombre + 1)
    arrivees = nombre // 25
    par_releve = []
    for annee in range(len(RELEVES)):
        # Plus on remonte, moins d'arrivées récentes et plus de partants encore là.
        recul = len(RELEVES) - 1 - annee
        par_releve.append(
            presents[: nombre - recul * arrivees]
            + partis[: recul * len(partis) // 2]
            + _personnes_des_comptes()
        )
    return par_releve


def charger(*, nombre: int = 900, afficher: Any = print) -> bool:
    """Charge le territoire de démonstration par les importeurs ; ne fait rien s'il est déjà là."""
    if Professionnel.objects.filter(demo=True).exists():
        return False
    # Les rapports des importeurs ne disent rien d'utile ici : seul le résumé final s'affiche.
    commande = partial(call_command, stdout=StringIO())
    with tempfile.TemporaryDirectory(prefix="cotentin-demo-") as nom_dossier, transaction.atomic():
        dossier = Path(nom_dossier)
        importer_les_communes(dossier)
        fichier_finess = dossier / "etalab-cs1100507-stock-20261102-0337.csv"
        ecrire_finess(fichier_finess, date(2026, 11, 2))
        commande("importer_finess", str(fichier_finess))
        for jour, presents in zip(RELEVES, releves(nombre), strict=True):
            fichier_rpps = dossier / f"PS_LibreAcces_Personne_activite_{jour:%Y%m%d}0845.txt"
            ecrire_rpps(fichier_rpps, lignes_territoire(presents))
            commande("importer_rpps", str(fichier_rpps))
        fichier_fuites = dossier / "fuites_gcs_2022_2025.csv"
        ecrire_fuites(fichier_fuites)
        commande("importer_fuites", str(fichier_fuites))

        # Les communes, leurs contours et leurs pôles sont les vrais : pas des données de démonstration.
        for modele in (Structure, Professionnel, Fuite):
            modele.objects.update(demo=True)
        ImportFichier.objects.exclude(type=TypeImport.COTENTIN).update(demo=True)
        par_finess = {s.finess: s for s in Structure.objects.filter(finess__isnull=False)}
        gcs = par_finess[finess(4)]
        gcs.type = TypeStructure.GCS
        gcs.save(update_fields=["type"])
        for membre in (par_finess[finess(1)], par_finess[finess(3)]):
            Appartenance.objects.create(
                groupement=gcs, membre=membre, debut=date(2017, 10, 12), role="Membre fondateur"
            )
        communes = {c.code_insee: c for c in Commune.objects.all()}
        for nom, type_structure, code in STRUCTURES_SANS_FINESS:
            Structure.objects.create(
                nom=nom, type=type_structure, commune=communes.get(code) if code else None, demo=True
            )
        for email, rang, *_reste in PERSONNES_DES_COMPTES:
            compte = Utilisateur.objects.filter(email=email).first()
            if compte is not None:
                Professionnel.objects.filter(rpps=rpps(rang)).update(compte=compte)
        _projets(communes)
    actifs = Professionnel.objects.filter(actif=True).count()
    afficher(
        f"Territoire de démonstration chargé : {Commune.objects.count()} communes, "
        f"{Structure.objects.count()} structures, {actifs} professionnels."
    )
    return True


def _projets(communes: dict[str, Any]) -> None:
    porteurs = list(
        Professionnel.objects.filter(actif=True, lieux__commune__code_insee="50539").distinct()[:3]
    )
    psla = Projet.objects.create(
        nom="PSLA de Saint-Pierre-Église — étude de faisabilité",
        description="Regrouper médecins, infirmiers et kinésithérapeutes du nord-est du Cotentin "
        "dans un pôle de santé libéral et ambulatoire.",
        axe=Axe.DEMOGRAPHIE,
        nature=Projet.Nature.PSLA,
        debut=date(2026, 1, 1),
        demo=True,
    )
    psla.porteurs.set(porteurs)
    psla.communes.set([communes[code] for code in ("50539", "50178") if code in communes])
    teleexpertise = Projet.objects.create(
        nom="Télé-expertise en dermatologie ville–hôpital",
        description="Les médecins généralistes adressent des photographies au service de dermatologie "
        "du CHPC.",
        axe=Axe.COOPERATION,
        nature=Projet.Nature.COOPERATION,
        debut=date(2025, 9, 1),
        demo=True,
    )
    teleexpertise.structures_porteuses.set(Structure.objects.filter(finess=finess(1)))
    prevention = Projet.objects.create(
        nom="Prévention bucco-dentaire dans les écoles de La Hague",
        axe=Axe.PREVENTION,
        nature=Projet.Nature.PREVENTION,
        debut=date(2026, 3, 1),
        demo=True,
    )
    prevention.communes.set([communes[code] for code in ("50041",) if code in communes])


# ---------------------------------------------------------------------------------------
# Les besoins du diagnostic local de santé (DLS), que citent les demandes de financement

# (libellé, description, pôles, communes, professions : codes RPPS). L'axe II du plan
# d'action : une offre de premier recours à renforcer, des regroupements pluriprofessionnels
# (PSLA), l'accueil des stagiaires pour préparer les installations.
# fmt: off
BESOINS = (
    ("Médecins généralistes : remplacer les départs à la retraite dans les pôles ruraux",
     "Le diagnostic relève une densité de médecins généralistes inférieure à la moyenne régionale et "
     "une part élevée de praticiens de plus de 60 ans, surtout hors de Cherbourg-en-Cotentin.",
     ("Les Pieux", "La Côte des Isles", "La Vallée de l'Ouve", "Val de Saire", "Saint-Pierre-Église"), (), ("10",)),
    ("Exercice coordonné : regrouper les professionnels en pôles de santé libéraux et ambulatoires",
     "Les professionnels isolés peinent à assurer la continuité des soins ; les regroupements "
     "pluriprofessionnels (PSLA, maisons de santé) attirent les jeunes praticiens.",
     (), (), ("10", "60", "70", "21")),
    ("Masseurs-kinésithérapeutes : des délais de prise en charge trop longs",
     "Plusieurs semaines d'attente pour une rééducation après une hospitalisation, en particulier dans "
     "le centre et le sud du territoire.",
     ("Cœur du Cotentin", "La Côte des Isles", "La Vallée de l'Ouve"), (), ("70",)),
    ("Infirmiers libéraux : soins à domicile et sorties d'hospitalisation",
     "Le vieillissement de la population augmente les soins à domicile ; les sorties d'hospitalisation "
     "du vendredi sont difficiles à organiser.",
     ("La Hague", "Les Pieux", "Douve et Divette"), (), ("60",)),
    ("Orthophonistes : les enfants attendent plus d'un an",
     "Les listes d'attente des cabinets d'orthophonie dépassent souvent douze mois pour un bilan.",
     (), ("50129", "50615"), ("91",)),
    ("Santé mentale : accès aux consultations de psychiatrie et de psychomotricité",
     "Peu de psychiatres libéraux hors de Cherbourg-en-Cotentin ; les médecins traitants manquent "
     "d'avis spécialisés et de relais pour les enfants.",
     (), (), ("10", "95")),
    ("Santé des femmes : suivi gynécologique et périnatal de proximité",
     "Les sages-femmes libérales sont peu nombreuses dans les pôles ruraux ; le suivi de grossesse "
     "impose de longs trajets.",
     ("Val de Saire", "Montebourg", "Saint-Pierre-Église"), (), ("50",)),
    ("Soins bucco-dentaires : des cabinets à reprendre",
     "Des cabinets dentaires ferment faute de repreneur ; la prévention dans les écoles est à renforcer.",
     ("La Hague", "La Vallée de l'Ouve"), (), ("40",)),
    ("Accueillir des stagiaires pour préparer les installations de demain",
     "La connaissance du territoire pendant les études décide souvent d'une installation : il faut plus "
     "de maîtres de stage et de solutions de logement pour les étudiants.",
     (), (), ("10", "60", "70", "50")),
)
# fmt: on


def charger_besoins(*, annee: int = 2025) -> int:
    """Les besoins du diagnostic local de santé de démonstration (marqués `demo`), rattachés aux
    pôles, communes et professions du territoire de démonstration ; ne fait rien s'ils sont
    déjà là. Renvoie le nombre de besoins créés."""
    if BesoinTerritoire.objects.filter(demo=True).exists():
        return 0
    poles = {p.nom: p for p in PoleDeProximite.objects.all()}
    communes = {c.code_insee: c for c in Commune.objects.all()}
    professions = {p.code: p for p in Profession.objects.all()}
    with transaction.atomic():
        for ordre, (libelle, description, noms_poles, codes_communes, codes_professions) in enumerate(
            BESOINS, start=1
        ):
            besoin = BesoinTerritoire.objects.create(
                libelle=libelle, description=description, annee_diagnostic=annee, ordre=ordre, demo=True
            )
            besoin.poles.set([poles[nom] for nom in noms_poles if nom in poles])
            besoin.communes.set([communes[code] for code in codes_communes if code in communes])
            besoin.professions.set([professions[code] for code in codes_professions if code in professions])
    return len(BESOINS)
