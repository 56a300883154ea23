"""Les indicateurs du territoire : calculs sur un petit territoire fait main, page et CSV."""

import csv
import io
import re
from datetime import date

import pytest
from django.utils import timezone

from territoire import indicateurs
from territoire.indicateurs import GENERALISTES, SPECIALITES_MEDECINE_GENERALE
from territoire.models import ImportFichier, ReleveEffectifs, StatutImport, TypeImport
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

NBSP = "\u00a0"


@pytest.fixture
def territoire():
    """Deux pôles, une commune sans pôle ; 30 000 habitants.

    Médecins : M1 (généraliste, deux lieux dans le pôle de la Hague), M2 (généraliste, un lieu
    dans chaque pôle), M3 (cardiologue, commune sans pôle), M4 (généraliste qui n'exerce plus).
    Infirmiers : I1 (Val de Saire), I2 (Val de Saire et commune sans pôle).
    """
    hague = PoleFactory(nom="Pôle de la Hague", ordre=1)
    saire = PoleFactory(nom="Pôle du Val de Saire", ordre=2)
    a1 = CommuneFactory(code_insee="50001", nom="Beaumont", population=10_000, pole=hague)
    a2 = CommuneFactory(code_insee="50002", nom="Flamanville", population=5_000, pole=hague)
    b1 = CommuneFactory(code_insee="50003", nom="Saint-Vaast", population=5_000, pole=saire)
    sans_pole = CommuneFactory(code_insee="50004", nom="Cherbourg", population=10_000, pole=None)
    medecin = ProfessionFactory(code="10", libelle="Médecin")
    infirmier = ProfessionFactory(code="60", libelle="Infirmier")
    sm54 = SpecialiteFactory(code="SM54", libelle="Médecine générale")
    sm53 = SpecialiteFactory(code="SM53", libelle="Spécialiste en médecine générale")
    cardio = SpecialiteFactory(code="SM04", libelle="Cardiologie")

    def pro(profession, specialite=None, communes=(), actif=True):
        personne = ProfessionnelFactory(profession=profession, specialite=specialite, actif=actif)
        for commune in communes:
            LieuExerciceFactory(professionnel=personne, commune=commune)
        return personne

    pro(medecin, sm54, [a1, a2])
    pro(medecin, sm53, [a1, b1])
    pro(medecin, cardio, [sans_pole])
    pro(medecin, sm54, [a1], actif=False)
    pro(infirmier, None, [b1])
    pro(infirmier, None, [b1, sans_pole])
    return {"hague": hague, "saire": saire, "a1": a1, "medecin": medecin, "infirmier": infirmier}


def _densites(donnees, cle):
    ligne = donnees.ligne(cle)
    assert ligne is not None, cle
    return [d.pour_10000 for d in ligne.poles], ligne.territoire.pour_10000, [d.effectif for d in ligne.poles]


# --- Densité ------------------------------------------------------------------------------------


def test_specialites_de_medecine_generale():
    assert frozenset({"SM26", "SM53", "SM54"}) == SPECIALITES_MEDECINE_GENERALE


def test_densite_par_profession_et_par_pole(territoire):
    donnees = indicateurs.densites()
    assert [p.nom for p in donnees.poles] == ["Pôle de la Hague", "Pôle du Val de Saire"]
    assert [p.population for p in donnees.poles] == [15_000, 5_000]
    assert donnees.territoire.population == 30_000
    assert [p.libelle for p in donnees.professions] == ["Infirmier", "Médecin", "Médecins généralistes"]

    # Médecins : M1 et M2 dans la Hague (M1 une fois malgré ses deux lieux), M2 au Val de
    # Saire ; sur le territoire M1, M2, M3 — M2 une seule fois, M4 (inactif) jamais.
    poles, tout, effectifs = _densites(donnees, "10")
    assert effectifs == [2, 1]
    assert poles == pytest.approx([2 * 10_000 / 15_000, 1 * 10_000 / 5_000])
    assert donnees.ligne("10").territoire.effectif == 3
    assert tout == pytest.approx(1.0)

    poles, tout, effectifs = _densites(donnees, GENERALISTES)
    assert effectifs == [2, 1]
    assert donnees.ligne(GENERALISTES).territoire.effectif == 2
    assert tout == pytest.approx(2 * 10_000 / 30_000)

    poles, tout, effectifs = _densites(donnees, "60")
    assert effectifs == [0, 2]
    assert poles == pytest.approx([0.0, 4.0])
    assert tout == pytest.approx(2 * 10_000 / 30_000)
    assert not donnees.demo


def test_population_manquante(territoire):
    CommuneFactory(code_insee="50005", nom="Omonville", population=None, pole=territoire["hague"])
    donnees = indicateurs.densites()
    assert [p.population for p in donnees.poles] == [None, 5_000]
    assert donnees.territoire.population is None
    poles, tout, effectifs = _densites(donnees, "10")
    assert poles[0] is None and tout is None
    assert poles[1] == pytest.approx(2.0)
    assert effectifs == [2, 1]
    tableau = indicateurs.tableau_densite(donnees, donnees.ligne("10").profession)
    medecins = next(ligne for ligne in tableau.lignes if ligne.cellules[0].texte == "Médecin")
    assert [c.texte for c in medecins.cellules] == ["Médecin", "—", "2,0", "—"]
    assert any("population inconnue" in note for note in tableau.notes)
    # Un pôle sans commune : pas de population, pas de division par zéro.
    PoleFactory(nom="Pôle vide", ordre=3)
    assert indicateurs.densites().poles[-1].population is None


def test_territoire_sans_donnees():
    donnees = indicateurs.densites()
    assert donnees.lignes == ()
    assert donnees.territoire.population is None
    assert indicateurs.choisir_profession(donnees.professions, "10") is None


def test_choix_de_la_profession(territoire):
    professions = indicateurs.densites().professions
    assert indicateurs.choisir_profession(professions, None).cle == GENERALISTES
    assert indicateurs.choisir_profession(professions, "60").cle == "60"
    assert indicateurs.choisir_profession(professions, "inconnue").cle == GENERALISTES
    sans_generalistes = tuple(p for p in professions if p.cle != GENERALISTES)
    assert indicateurs.choisir_profession(sans_generalistes, None).cle == "60"


# --- Évolution ------------------------------------------------------------------------------------


def _import(jour, demo=False):
    return ImportFichier.objects.create(
        type=TypeImport.RPPS,
        statut=StatutImport.TERMINE,
        date_extraction=jour,
        demo=demo,
    )


def _releve(import_fichier, profession, effectif, specialite=None, pole=None):
    ReleveEffectifs.objects.create(
        import_fichier=import_fichier,
        date=import_fichier.date_extraction,
        profession=profession,
        specialite=specialite,
        pole=pole,
        effectif=effectif,
    )


AVANT, APRES = date(2025, 6, 1), date(2026, 11, 23)


@pytest.fixture
def releves(territoire):
    medecin, infirmier = territoire["medecin"], territoire["infirmier"]
    hague, saire = territoire["hague"], territoire["saire"]
    sm54 = SpecialiteFactory(code="SM54")
    sm53 = SpecialiteFactory(code="SM53")
    sm26 = SpecialiteFactory(code="SM26", libelle="Qualifié en médecine générale")
    cardio = SpecialiteFactory(code="SM04")
    for jour, valeurs in [
        (AVANT, (100, 60, 5, 1, 10, 200, 30, 2, 20, 80)),
        (APRES, (110, 63, 6, 1, 10, 190, 32, 3, 21, 75)),
    ]:
        releve = _import(jour)
        tout, g54, g53, g26, card, inf, h54, h53, s54, h_inf = valeurs
        _releve(releve, medecin, tout)
        _releve(releve, medecin, g54, sm54)
        _releve(releve, medecin, g53, sm53)
        _releve(releve, medecin, g26, sm26)
        _releve(releve, medecin, card, cardio)
        _releve(releve, infirmier, inf)
        _releve(releve, medecin, h54, sm54, hague)
        _releve(releve, medecin, h53, sm53, hague)
        _releve(releve, medecin, s54, sm54, saire)
        _releve(releve, infirmier, h_inf, None, hague)
    return territoire


def _ligne(lignes, cle):
    return next(ligne for ligne in lignes if ligne.profession.cle == cle)


def test_evolution_et_variation(releves):
    donnees = indicateurs.evolution(indicateurs.ProfessionSuivie(GENERALISTES, "Médecins généralistes"))
    assert donnees.dates == (AVANT, APRES)
    assert [ligne.profession.libelle for ligne in donnees.territoire] == [
        "Infirmier",
        "Médecin",
        "Médecins généralistes",
    ]
    medecins = _ligne(donnees.territoire, "10")
    assert medecins.effectifs == (100, 110)
    assert medecins.variation == 10
    assert medecins.variation_relative == pytest.approx(0.10)
    generalistes = _ligne(donnees.territoire, GENERALISTES)
    assert generalistes.effectifs == (66, 70)  # SM54 + SM53 + SM26, sans la cardiologie
    assert generalistes.variation == 4
    assert generalistes.variation_relative == pytest.approx(4 / 66)
    infirmiers = _ligne(donnees.territoire, "60")
    assert infirmiers.variation == -10
    assert infirmiers.variation_relative == pytest.approx(-0.05)
    # Par pôle, la profession choisie : les généralistes.
    assert [(ligne.perimetre, ligne.effectifs) for ligne in donnees.poles] == [
        ("Pôle de la Hague", (32, 35)),
        ("Pôle du Val de Saire", (20, 21)),
    ]
    par_pole_infirmiers = indicateurs.evolution(indicateurs.ProfessionSuivie("60", "Infirmier")).poles
    assert [(ligne.perimetre, ligne.effectifs) for ligne in par_pole_infirmiers] == [
        ("Pôle de la Hague", (80, 75))
    ]
    assert not donnees.demo


def test_evolution_un_seul_releve_et_import_relance(territoire):
    premier = _import(APRES)
    _releve(premier, territoire["medecin"], 40)
    donnees = indicateurs.evolution(None)
    assert donnees.dates == (APRES,)
    assert donnees.territoire[0].effectifs == (40,)
    assert donnees.territoire[0].variation is None
    assert donnees.poles == ()
    # Un import relancé le même jour remplace le premier pour cette date.
    relance = _import(APRES)
    _releve(relance, territoire["medecin"], 42)
    assert indicateurs.evolution(None).territoire[0].effectifs == (42,)


def test_variation_depuis_zero_et_releve_absent(territoire):
    _releve(_import(AVANT), territoire["medecin"], 5)
    _releve(_import(APRES), territoire["infirmier"], 3)
    donnees = indicateurs.evolution(None)
    infirmiers = _ligne(donnees.territoire, "60")
    assert infirmiers.effectifs == (0, 3)
    assert infirmiers.variation == 3
    assert infirmiers.variation_relative is None
    assert _ligne(donnees.territoire, "10").effectifs == (5, 0)


def test_releve_de_demonstration(territoire):
    _releve(_import(APRES, demo=True), territoire["medecin"], 5)
    assert indicateurs.evolution(None).demo


# --- Fuites ---------------------------------------------------------------------------------------


@pytest.fixture
def des_fuites(db):
    FuiteFactory(
        annee=2024,
        specialite="Cardiologie",
        patients=1000,
        patients_hors_territoire=300,
        destination_principale="CHU de Caen",
    )
    FuiteFactory(
        annee=2024,
        specialite="Ophtalmologie",
        patients=500,
        patients_hors_territoire=250,
        destination_principale="Saint-Lô",
    )
    FuiteFactory(annee=2024, specialite="Pédiatrie", patients=200, patients_hors_territoire=20)
    FuiteFactory(annee=2023, specialite="Cardiologie", patients=900, patients_hors_territoire=450)


def test_fuites_triees_et_part_d_ensemble(des_fuites):
    donnees = indicateurs.fuites(None)
    assert donnees.annee == 2024
    assert donnees.annees == (2024, 2023)
    assert [ligne.specialite for ligne in donnees.lignes] == ["Ophtalmologie", "Cardiologie", "Pédiatrie"]
    assert [ligne.part for ligne in donnees.lignes] == pytest.approx([0.5, 0.3, 0.1])
    assert donnees.lignes[0].destination == "Saint-Lô"
    assert donnees.patients == 1700 and donnees.hors_territoire == 570
    assert donnees.part == pytest.approx(570 / 1700)  # et non la moyenne des parts (0,3)
    assert indicateurs.fuites(2023).lignes[0].part == pytest.approx(0.5)
    assert indicateurs.fuites(1999).annee == 2024  # année absente : la plus récente
    assert not donnees.demo


def test_fuites_sans_donnees():
    donnees = indicateurs.fuites(None)
    assert donnees.annee is None and donnees.lignes == () and donnees.part is None


# --- La page ---------------------------------------------------------------------------------------


def _page(client, **parametres):
    reponse = client.get("/indicateurs/", parametres)
    assert reponse.status_code == 200
    return reponse.content.decode()


def test_page_graphiques_et_tableaux(client, professionnel, releves, des_fuites):
    client.force_login(professionnel)
    html = _page(client)
    assert "<h1>Indicateurs de l'offre de santé</h1>" in html
    assert html.count('role="img"') == 3
    assert html.count("<table") == 4  # densité, carte des communes, évolution, fuites
    for identifiant in ("graphique-densite", "graphique-evolution", "graphique-fuites"):
        assert f'aria-labelledby="{identifiant}-titre {identifiant}-desc"' in html
    # Densité : les généralistes par défaut, le territoire en référence.
    assert "Médecins généralistes pour 10 000 habitants, par pôle de proximité" in html
    assert "Territoire : 0,7" in html
    assert re.search(r'<option value="generalistes" selected>Médecins généralistes</option>', html)
    # Les nombres et les dates à la française.
    assert '<td class="text-end">1,3</td>' in html  # 2 généralistes pour 15 000 habitants
    assert f"15{NBSP}000" in html
    assert "23 novembre 2026" in html and "1er juin 2025" in html
    assert f"33,5{NBSP}%" in html  # fuites, toutes spécialités
    assert "+10,0" in html  # variation des médecins
    # Les liens CSV gardent les choix de la page.
    assert 'href="/indicateurs/densite.csv?profession=generalistes&amp;annee=2024"' in html
    assert 'href="/indicateurs/fuites.csv?profession=generalistes&amp;annee=2024"' in html
    assert html.count("Télécharger en CSV") == 3
    assert "données de démonstration" not in html
    assert 'style="' not in html


def test_page_profession_et_annee_choisies(client, professionnel, releves, des_fuites):
    client.force_login(professionnel)
    html = _page(client, profession="60", annee="2023")
    assert "Infirmier pour 10 000 habitants, par pôle de proximité" in html
    assert '<option value="60" selected>Infirmier</option>' in html
    assert '<option value="2023" selected>2023</option>' in html
    assert "en 2023, par spécialité" in html
    # La ligne des infirmiers est celle que montre le graphique.
    assert re.search(r'<tr class="ligne-mise-en-avant">\s*<th scope="row">Infirmier<span', html)
    # Par pôle, l'évolution des infirmiers.
    assert re.search(r"Pôle de la Hague</th>\s*<th scope=\"row\">Infirmier</th>", html)


def test_le_graphique_d_evolution_suit_la_profession_choisie(releves):
    infirmiers = indicateurs.ProfessionSuivie("60", "Infirmier")
    graphique = indicateurs.graphique_evolution(indicateurs.evolution(infirmiers))
    # Une seule courbe : celle de la profession choisie, pas les médecins ni les généralistes.
    assert graphique.titre == "Infirmier sur le territoire, à chaque relevé"
    assert [serie.libelle for serie in graphique.series] == ["Infirmier"]
    assert [point.valeur for point in graphique.series[0].points] == [200, 190]
    assert "de 200 à 190" in graphique.description


def test_page_sans_aucune_donnee(client, professionnel):
    client.force_login(professionnel)
    html = _page(client)
    assert "<svg" not in html
    assert "Aucun professionnel en activité n&#x27;est enregistré." in html
    assert "Aucun relevé des effectifs" in html
    assert "Aucune donnée de fuites n&#x27;est importée." in html
    assert "Télécharger en CSV" not in html
    assert "<form" not in html.split('id="contenu"')[1]


@pytest.mark.parametrize("source", ["commune", "professionnel", "fuite"])
def test_mention_des_donnees_de_demonstration(client, professionnel, territoire, source):
    client.force_login(professionnel)
    assert "Ces chiffres incluent des données de démonstration." not in _page(client)
    if source == "commune":
        territoire["a1"].demo = True
        territoire["a1"].save()
    elif source == "professionnel":
        LieuExerciceFactory(
            professionnel__demo=True,
            professionnel__profession=territoire["infirmier"],
            commune=territoire["a1"],
        )
    else:
        FuiteFactory(demo=True)
    assert "Ces chiffres incluent des données de démonstration." in _page(client)


# --- Les CSV --------------------------------------------------------------------------------------


def _csv(client, tableau, **parametres):
    reponse = client.get(f"/indicateurs/{tableau}.csv", parametres)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    aujourd_hui = timezone.localdate().isoformat()
    assert reponse["Content-Disposition"] == f'attachment; filename="cotentin-{tableau}-{aujourd_hui}.csv"'
    contenu = reponse.content
    assert contenu.startswith(b"\xef\xbb\xbf")  # BOM : Excel lit de l'UTF-8
    return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def _decimal(texte: str) -> float:
    assert "." not in texte
    return float(texte.replace(",", "."))


def test_csv_densite(client, professionnel, territoire):
    client.force_login(professionnel)
    lignes = _csv(client, "densite")
    assert lignes[0] == ["Profession", "Pôle de la Hague", "Pôle du Val de Saire", "Territoire"]
    assert [ligne[0] for ligne in lignes[1:]] == [
        "Infirmier",
        "Médecin",
        "Médecins généralistes",
        "Population municipale",
    ]
    donnees = indicateurs.densites()
    for ligne, calcul in zip(lignes[1:4], donnees.lignes, strict=True):
        attendu = [d.pour_10000 for d in (*calcul.poles, calcul.territoire)]
        assert [_decimal(v) for v in ligne[1:]] == pytest.approx(attendu, abs=0.05)
    assert lignes[3][1:] == ["1,3", "2,0", "0,7"]
    assert lignes[4] == ["Population municipale", "15000", "5000", "30000"]


def test_csv_evolution(client, professionnel, releves):
    client.force_login(professionnel)
    lignes = _csv(client, "evolution", profession="60")
    assert lignes[0] == [
        "Périmètre",
        "Profession",
        "1er juin 2025",
        "23 novembre 2026",
        "Variation (nombre)",
        "Variation (%)",
    ]
    assert lignes[1:] == [
        ["Territoire", "Infirmier", "200", "190", "-10", "-5,0"],
        ["Territoire", "Médecin", "100", "110", "+10", "+10,0"],
        ["Territoire", "Médecins généralistes", "66", "70", "+4", "+6,1"],
        ["Pôle de la Hague", "Infirmier", "80", "75", "-5", "-6,2"],
    ]
    generalistes = _ligne(indicateurs.evolution(None).territoire, GENERALISTES)
    assert _decimal(lignes[3][5]) == pytest.approx(generalistes.variation_relative * 100, abs=0.05)


def test_csv_fuites(client, professionnel, des_fuites):
    client.force_login(professionnel)
    lignes = _csv(client, "fuites")
    assert lignes[0] == [
        "Spécialité",
        "Patients du territoire",
        "Soignés hors du territoire",
        "Part hors territoire (%)",
        "Premier lieu de soins hors territoire",
    ]
    assert lignes[1:] == [
        ["Ophtalmologie", "500", "250", "50,0", "Saint-Lô"],
        ["Cardiologie", "1000", "300", "30,0", "CHU de Caen"],
        ["Pédiatrie", "200", "20", "10,0", ""],
        ["Toutes spécialités", "1700", "570", "33,5", ""],
    ]
    assert _csv(client, "fuites", annee="2023")[1] == ["Cardiologie", "900", "450", "50,0", ""]


def test_csv_tableau_inconnu(client, professionnel):
    client.force_login(professionnel)
    assert client.get("/indicateurs/inconnu.csv").status_code == 404
    assert client.get("/indicateurs/densite.xlsx").status_code == 404
