"""La section « L'offre de santé du territoire » du bilan annuel : les indicateurs de l'année
(densité, évolution des relevés jusqu'au 31 décembre, fuites de l'année) égalent ce que la
base contient, une autre année ne prend pas les fuites ni les relevés d'après, une année
sans données se lit, le nombre de requêtes ne dépend pas du volume, et le gabarit se rend
sans requête en disant de quand datent les chiffres."""

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socle.bilan import ContenuSection, Section, sections
from territoire import ATTRIBUTION_COMMUNES, ATTRIBUTION_CONTOURS, ATTRIBUTION_POLES
from territoire.bilan import DonneesTerritoire, donnees_territoire
from territoire.indicateurs import GENERALISTES
from territoire.models import Commune, Fuite, ImportFichier, ReleveEffectifs, StatutImport, TypeImport
from tests.territoire.factories import (
    CommuneFactory,
    FuiteFactory,
    LieuExerciceFactory,
    PoleFactory,
    ProfessionFactory,
    ProfessionnelFactory,
    SpecialiteFactory,
)

pytestmark = pytest.mark.django_db

ANNEE = 2025
NBSP = "\u00a0"
PARIS = timezone.get_default_timezone()
# Densités (4), évolution (2), fuites (2), dernier import RPPS, millésimes des populations,
# communes de la carte (contours et effectif des généralistes dans chacune).
REQUETES = 11


def section_territoire() -> Section:
    [section] = [s for s in sections() if s.cle == "territoire"]
    return section


def compter(annee: int = ANNEE) -> tuple[int, ContenuSection]:
    with CaptureQueriesContext(connection) as requetes:
        contenu = donnees_territoire(annee)
    return len(requetes), contenu


def rendre(contenu: ContenuSection, annee: int = ANNEE) -> str:
    section = section_territoire()
    with CaptureQueriesContext(connection) as requetes:
        html = render_to_string(section.gabarit, {**contenu.contexte, "annee": annee, "section": section})
    assert len(requetes) == 0, [q["sql"] for q in requetes.captured_queries]
    return unescape(html)


def _import(jour: dt.date) -> ImportFichier:
    return ImportFichier.objects.create(
        type=TypeImport.RPPS,
        statut=StatutImport.TERMINE,
        date_extraction=jour,
        termine_le=dt.datetime(jour.year, jour.month, jour.day, 20, tzinfo=PARIS),
    )


@pytest.fixture
def territoire() -> dict[str, Any]:
    """Deux pôles et une commune sans pôle : 20 000 habitants (INSEE 2022).

    Généralistes en activité : G1 (Beaumont), G2 (Beaumont et Saint-Vaast), G3 (Cherbourg,
    sans pôle) ; G4 n'exerce plus. Une infirmière à Saint-Vaast.
    Relevés RPPS du 31 décembre 2024, du 30 juin 2025, du 31 décembre 2025 et du 1er mars
    2026 (le dernier import : l'annuaire du portail est à cette date).
    Fuites : 2025 (Cardiologie 250 sur 1 000, Pédiatrie 20 sur 200), 2024 (Cardiologie 450
    sur 900)."""
    hague = PoleFactory(nom="Pôle de la Hague", ordre=1)
    saire = PoleFactory(nom="Pôle du Val de Saire", ordre=2)
    beaumont = CommuneFactory(
        code_insee="50801", nom="Beaumont", population=10_000, annee_population=2022, pole=hague
    )
    vaast = CommuneFactory(
        code_insee="50802", nom="Saint-Vaast", population=5_000, annee_population=2022, pole=saire
    )
    cherbourg = CommuneFactory(
        code_insee="50803", nom="Cherbourg", population=5_000, annee_population=2022, pole=None
    )
    medecin = ProfessionFactory(code="10", libelle="Médecin")
    infirmier = ProfessionFactory(code="60", libelle="Infirmier")
    sm54 = SpecialiteFactory(code="SM54", libelle="Médecine générale")

    def pro(profession: Any, specialite: Any, communes: list[Any], actif: bool = True) -> None:
        personne = ProfessionnelFactory(profession=profession, specialite=specialite, actif=actif)
        for commune in communes:
            LieuExerciceFactory(professionnel=personne, commune=commune)

    pro(medecin, sm54, [beaumont])
    pro(medecin, sm54, [beaumont, vaast])
    pro(medecin, sm54, [cherbourg])
    pro(medecin, sm54, [beaumont], actif=False)
    pro(infirmier, None, [vaast])

    for jour, (medecins, generalistes, infirmiers, hague_generalistes) in [
        (dt.date(ANNEE - 1, 12, 31), (40, 30, 100, 20)),
        (dt.date(ANNEE, 6, 30), (42, 31, 104, 21)),
        (dt.date(ANNEE, 12, 31), (45, 33, 110, 22)),
        (dt.date(ANNEE + 1, 3, 1), (50, 36, 120, 25)),
    ]:
        releve = _import(jour)
        for profession, specialite, pole, effectif in [
            (medecin, None, None, medecins),
            (medecin, sm54, None, generalistes),
            (infirmier, None, None, infirmiers),
            (medecin, sm54, hague, hague_generalistes),
        ]:
            ReleveEffectifs.objects.create(
                import_fichier=releve,
                date=jour,
                profession=profession,
                specialite=specialite,
                pole=pole,
                effectif=effectif,
            )

    FuiteFactory(
        annee=ANNEE,
        specialite="Cardiologie",
        patients=1000,
        patients_hors_territoire=250,
        destination_principale="CHU de Caen",
    )
    FuiteFactory(annee=ANNEE, specialite="Pédiatrie", patients=200, patients_hors_territoire=20)
    FuiteFactory(annee=ANNEE - 1, specialite="Cardiologie", patients=900, patients_hors_territoire=450)
    return {"hague": hague, "saire": saire}


def test_la_section_est_enregistree() -> None:
    section = section_territoire()
    assert section.ordre == 40
    assert str(section.titre) == "L'offre de santé du territoire"
    assert section.gabarit == "territoire/bilan_section.html"


def test_les_indicateurs_de_l_annee(territoire: dict[str, Any]) -> None:
    requetes, contenu = compter()
    assert requetes == REQUETES
    donnees: DonneesTerritoire = contenu.contexte["territoire"]

    # Densité : 3 généralistes pour 20 000 habitants ; 2 dans la Hague (10 000), 1 dans le
    # Val de Saire (5 000).
    generalistes = donnees.densites.ligne(GENERALISTES)
    assert generalistes is not None
    assert generalistes.territoire.effectif == 3
    assert donnees.generalistes_pour_10000 == pytest.approx(1.5)
    assert [d.pour_10000 for d in generalistes.poles] == [pytest.approx(2.0), pytest.approx(2.0)]
    assert donnees.profession is not None and donnees.profession.cle == GENERALISTES
    assert donnees.annuaire_au == dt.date(ANNEE + 1, 3, 1)
    assert donnees.annuaire_posterieur
    assert donnees.population_texte == "2022"

    # Évolution : les relevés jusqu'au 31 décembre 2025, pas celui de mars 2026.
    assert donnees.evolution.dates == (
        dt.date(ANNEE - 1, 12, 31),
        dt.date(ANNEE, 6, 30),
        dt.date(ANNEE, 12, 31),
    )
    assert donnees.releves_de_l_annee == 2
    [ligne] = [ligne for ligne in donnees.evolution.territoire if ligne.profession.cle == GENERALISTES]
    assert ligne.effectifs == (30, 31, 33)
    [hague] = donnees.evolution.poles
    assert (hague.perimetre, hague.effectifs) == ("Pôle de la Hague", (20, 21, 22))

    # Fuites de 2025 : 270 patients sur 1 200.
    assert donnees.fuites.annee == ANNEE
    assert [ligne.specialite for ligne in donnees.fuites.lignes] == ["Cardiologie", "Pédiatrie"]
    assert donnees.fuites.part == pytest.approx(270 / 1200)

    chiffres = {str(c.libelle): c for c in contenu.chiffres_cles}
    assert chiffres["Médecins généralistes pour 10 000 habitants"].valeur == "1,5"
    assert str(chiffres["Médecins généralistes pour 10 000 habitants"].precision) == (
        "3 généralistes en activité selon l'annuaire du 1er mars 2026, postérieur à 2025"
    )
    assert chiffres["Patients soignés hors du territoire"].valeur == f"22,5{NBSP}%"


def test_le_gabarit_dit_de_quand_datent_les_chiffres(territoire: dict[str, Any]) -> None:
    _requetes, contenu = compter()
    html = rendre(contenu)
    assert "dernier import de l'Annuaire Santé (RPPS) : le 1er mars 2026" in html
    assert "postérieur au 31 décembre 2025" in html
    assert "Populations municipales de l'INSEE (millésime 2022)" in html
    assert "du 31 décembre 2024 au 31 décembre 2025" in html
    assert "2 relevés datent de 2025." in html
    assert "1er mars 2026</th>" not in html  # pas de colonne pour le relevé de 2026
    assert f"En 2025, 22,5{NBSP}% des patients du territoire" in html
    assert "CHU de Caen" in html
    assert f"25,0{NBSP}%" in html  # la cardiologie
    assert html.count('role="img"') == 3  # densité, évolution, fuites
    assert "style=" not in html and "<script" not in html


def test_une_annee_sans_fuites_ni_releve(territoire: dict[str, Any]) -> None:
    requetes, contenu = compter(ANNEE - 2)
    assert requetes == REQUETES
    donnees: DonneesTerritoire = contenu.contexte["territoire"]
    assert not donnees.fuites.lignes and not donnees.evolution.dates
    html = rendre(contenu, ANNEE - 2)
    assert "Pas de relevé des fuites pour 2023." in html
    assert "Années disponibles : 2025, 2024." in html
    assert "Aucun relevé des effectifs au 31 décembre 2023" in html
    assert "Cardiologie" not in html
    chiffres = {str(c.libelle): c for c in contenu.chiffres_cles}
    assert chiffres["Patients soignés hors du territoire"].valeur == "—"
    assert (
        str(chiffres["Patients soignés hors du territoire"].precision) == "pas de relevé des fuites pour 2023"
    )


def test_l_annee_precedente(territoire: dict[str, Any]) -> None:
    donnees: DonneesTerritoire = donnees_territoire(ANNEE - 1).contexte["territoire"]
    assert donnees.evolution.dates == (dt.date(ANNEE - 1, 12, 31),)
    assert donnees.fuites.annee == ANNEE - 1 and donnees.fuites.part == pytest.approx(0.5)


def test_une_base_vide_se_lit() -> None:
    requetes, contenu = compter()
    # Sans profession, l'évolution n'a pas de détail par pôle à lire ; sans fuites, une seule
    # requête pour les fuites.
    assert requetes == REQUETES - 2
    html = rendre(contenu)
    assert "Aucun professionnel en activité n'est enregistré." in html
    assert "aucun import de l'Annuaire Santé n'est enregistré" in html
    assert "Aucun relevé des effectifs au 31 décembre 2025" in html
    assert "Pas de relevé des fuites pour 2025." in html
    assert {str(c.libelle): c.valeur for c in contenu.chiffres_cles} == {
        "Médecins généralistes pour 10 000 habitants": "—",
        "Patients soignés hors du territoire": "—",
    }


@pytest.mark.parametrize("nombre", [3, 30])
def test_le_nombre_de_requetes_ne_depend_pas_du_volume(territoire: dict[str, Any], nombre: int) -> None:
    sm54 = SpecialiteFactory(code="SM54")
    medecin = ProfessionFactory(code="10")
    for i in range(nombre):
        LieuExerciceFactory(
            professionnel=ProfessionnelFactory(profession=medecin, specialite=sm54),
            commune=CommuneFactory(code_insee=f"509{i:02d}", pole=territoire["saire"]),
        )
    Fuite.objects.bulk_create(
        Fuite(annee=ANNEE, specialite=f"Spécialité {i}", patients=100, patients_hors_territoire=i)
        for i in range(nombre)
    )
    requetes, contenu = compter()
    assert requetes == REQUETES
    donnees: DonneesTerritoire = contenu.contexte["territoire"]
    assert donnees.generalistes == 3 + nombre
    assert len(donnees.fuites.lignes) == 2 + nombre
    rendre(contenu)


def _carre(x: float, y: float) -> dict[str, Any]:
    """Un carré d'un centième de degré au sud-est de (x, y) : un contour GeoJSON."""
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y - 0.01], [x, y - 0.01], [x, y]]],
    }


def test_la_carte_des_densites_par_commune(territoire: dict[str, Any]) -> None:
    """La carte des généralistes, commune par commune, en SVG seul et sans liens (un PDF) ; la
    commune sans contour nommée sous la carte ; les sources citées, l'ODbL des pôles comprise."""
    for rang, nom in enumerate(["Beaumont", "Saint-Vaast"]):
        Commune.objects.filter(nom=nom).update(contour=_carre(-1.6 + rang * 0.01, 49.6))
    requetes, contenu = compter()
    assert requetes == REQUETES
    html = rendre(contenu)
    assert "<h3>Médecins généralistes pour 10 000 habitants, par commune</h3>" in html
    [svg] = re.findall(r"<svg\b.*?</svg>", html[html.index("par commune</h3>") :], re.S)[:1]
    assert "<a " not in svg  # pas de lien dans le PDF
    # G1 et G2 à Beaumont (10 000 habitants), G2 à Saint-Vaast (5 000).
    assert re.findall(r"<title>([^<]*)</title>", svg) == [
        "Beaumont : 2,0 pour 10 000 habitants",
        "Saint-Vaast : 2,0 pour 10 000 habitants",
    ]
    assert svg.count("<path") == 2 + 1  # deux communes, la limite des pôles
    assert "Cherbourg (pas de contour, absente de la carte)" in html
    for mention in (ATTRIBUTION_COMMUNES, ATTRIBUTION_CONTOURS, ATTRIBUTION_POLES):
        assert str(mention) in html


def test_sans_contour_pas_de_carte_mais_les_sources(territoire: dict[str, Any]) -> None:
    html = rendre(compter()[1])
    assert "par commune</h3>" not in html and "<svg" in html  # les graphiques, pas la carte
    assert str(ATTRIBUTION_POLES) in html
