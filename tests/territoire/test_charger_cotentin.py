"""Le territoire réel (`manage.py charger_cotentin`) : les trois fichiers livrés avec le code,
puis de petits dossiers qui exercent chaque règle (codes en texte, manques, mauvais fichiers)."""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

import territoire
from socle.models import Evenement
from territoire.geometrie import centre, contient
from territoire.importeurs.cotentin import ANNEE_POPULATION
from territoire.models import Commune, ImportFichier, PoleDeProximite, StatutImport, TypeImport
from territoire.rapport import Rapport
from tests.territoire.factories import CommuneFactory, PoleFactory

pytestmark = pytest.mark.django_db

DONNEES = territoire.DOSSIER_COTENTIN


def charger(dossier: Path | None = None) -> str:
    sortie = io.StringIO()
    options = {"dossier": str(dossier)} if dossier else {}
    call_command("charger_cotentin", stdout=sortie, **options)
    return sortie.getvalue()


def refus(dossier: Path) -> str:
    with pytest.raises(CommandError) as erreur:
        charger(dossier)
    assert not Commune.objects.exists()
    return str(erreur.value)


def rapport() -> Rapport:
    return Rapport.depuis_json(ImportFichier.objects.latest("cree_le", "id").rapport)


def carre(x: float, y: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]],
    }


def dossier_de(
    tmp_path: Path,
    communes: str = "code_insee,nom,population,codes_postaux\n"
    "01001,L'Abergement-Clémenciat,859,01400\n2A004,Ajaccio,73000,20000;20090\n",
    poles: str = "code_insee,pole\n01001,Dombes\n2A004,Pays ajaccien\n",
    contours: dict | None = None,
) -> Path:
    if contours is None:
        contours = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"code_insee": "01001"}, "geometry": carre(4.9, 46.1)},
                {"type": "Feature", "properties": {"code_insee": "2A004"}, "geometry": carre(8.7, 41.9)},
            ],
        }
    (tmp_path / "cotentin_communes.csv").write_text(communes, encoding="utf-8")
    (tmp_path / "cotentin_poles.csv").write_text(poles, encoding="utf-8")
    (tmp_path / "cotentin_communes.geojson").write_text(json.dumps(contours), encoding="utf-8")
    return tmp_path


def test_les_129_communes_reelles_avec_leurs_contours_et_leurs_onze_poles():
    sortie = charger()

    assert Commune.objects.count() == 129
    assert sum(Commune.objects.values_list("population", flat=True)) == 179_231
    assert set(Commune.objects.values_list("annee_population", flat=True)) == {ANNEE_POPULATION}
    assert not Commune.objects.filter(contour__isnull=True).exists()
    assert not Commune.objects.filter(pole__isnull=True).exists()
    assert {p.nom: p.communes.count() for p in PoleDeProximite.objects.all()} == {
        "Cherbourg-en-Cotentin": 1,
        "La Hague": 1,
        "Cœur du Cotentin": 19,
        "Montebourg": 22,
        "La Vallée de l'Ouve": 16,
        "Les Pieux": 15,
        "Val de Saire": 15,
        "La Côte des Isles": 14,
        "Saint-Pierre-Église": 14,
        "Douve et Divette": 9,
        "La Saire": 3,
    }
    # Du plus peuplé au moins peuplé.
    assert PoleDeProximite.objects.values_list("nom", flat=True)[0] == "Cherbourg-en-Cotentin"
    cherbourg = Commune.objects.get(code_insee="50129")
    assert (cherbourg.nom, cherbourg.population) == ("Cherbourg-en-Cotentin", 78_258)
    assert Commune.objects.get(code_insee="50461").nom == "Saint-Cyr-Bocage"  # le nom du COG 2026
    # Saint-Vaast-la-Hougue et l'île de Tatihou.
    assert (Commune.objects.get(code_insee="50562").contour or {})["type"] == "MultiPolygon"
    assert "129 créés" in sortie and "0 rejeté" in sortie
    import_fichier = ImportFichier.objects.get()
    assert (import_fichier.type, import_fichier.statut) == (TypeImport.COTENTIN, StatutImport.TERMINE)
    assert Evenement.objects.filter(verbe="territoire.import.demande").exists()
    assert rapport().rejetes == 0


def test_le_centre_de_chaque_commune_est_dans_la_commune():
    charger()

    for commune in Commune.objects.all():
        latitude, longitude = commune.centre
        assert contient(commune.contour, latitude, longitude), commune
        assert 49.2 < latitude < 49.8 and -2.0 < longitude < -1.1, commune


def test_le_centre_d_une_commune_en_croissant_est_dedans():
    # Un « U » : son centre de gravité tombe dans l'échancrure.
    u = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]],
    }
    assert not contient(u, 1.6, 1.5)
    latitude, longitude = centre(u)
    assert contient(u, latitude, longitude)
    assert centre(None) is None
    assert centre({"type": "Point", "coordinates": [0, 0]}) is None


def test_un_second_chargement_ne_change_rien():
    charger()
    sortie = charger()

    assert "0 créé, 0 mis à jour, 129 inchangés" in sortie
    assert Commune.objects.count() == 129
    assert PoleDeProximite.objects.count() == 11


def test_un_pole_modifie_dans_l_administration_n_est_ni_renomme_ni_supprime():
    charger()
    saire = PoleDeProximite.objects.get(nom="La Saire")
    saire.ordre = 42
    saire.save()
    PoleDeProximite.objects.filter(nom="La Hague").update(nom="Pôle de la Hague")
    autre = PoleFactory(nom="Pôle ajouté à la main")

    sortie = charger()

    assert PoleDeProximite.objects.get(nom="La Saire").ordre == 42
    assert PoleDeProximite.objects.filter(pk=autre.pk).exists()
    # Le pôle renommé reste ; celui du fichier est recréé et La Hague y revient.
    assert PoleDeProximite.objects.filter(nom="Pôle de la Hague").exists()
    assert Commune.objects.get(code_insee="50041").pole.nom == "La Hague"
    assert "1 pôle de proximité créé : La Hague." in sortie


def test_une_commune_existante_est_mise_a_jour_et_une_autre_gardee():
    CommuneFactory(code_insee="50129", nom="Cherbourg", population=1, pole=None)
    CommuneFactory(code_insee="50999", nom="Commune partie")

    sortie = charger()

    cherbourg = Commune.objects.get(code_insee="50129")
    assert (cherbourg.nom, cherbourg.population, cherbourg.pole.nom) == (
        "Cherbourg-en-Cotentin",
        78_258,
        "Cherbourg-en-Cotentin",
    )
    assert "128 créés, 1 mis à jour" in sortie
    assert "Commune partie (50999)" in sortie and "elle est gardée" in sortie
    assert Commune.objects.filter(code_insee="50999").exists()


def test_les_codes_insee_restent_du_texte(tmp_path):
    charger(dossier_de(tmp_path))

    assert set(Commune.objects.values_list("code_insee", flat=True)) == {"01001", "2A004"}
    ajaccio = Commune.objects.get(code_insee="2A004")
    assert (ajaccio.nom, ajaccio.population, ajaccio.pole.nom) == ("Ajaccio", 73_000, "Pays ajaccien")
    assert ajaccio.contour == carre(8.7, 41.9)


def test_un_code_perdu_par_un_tableur_retrouve_son_zero(tmp_path):
    charger(dossier_de(tmp_path, poles="code_insee,pole\n1001,Dombes\n2A004,Pays ajaccien\n"))

    assert Commune.objects.get(code_insee="01001").pole.nom == "Dombes"


def test_une_commune_sans_contour_est_signalee(tmp_path):
    contours = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code_insee": "2A004"}, "geometry": carre(8.7, 41.9)}
        ],
    }

    sortie = charger(dossier_de(tmp_path, contours=contours))

    assert "1 commune n'a pas de contour dans le fichier des contours : 01001." in sortie
    assert Commune.objects.get(code_insee="01001").contour is None
    assert Commune.objects.count() == 2


def test_un_contour_ou_un_pole_d_une_commune_inconnue_est_rejete(tmp_path):
    contours = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code_insee": "01001"}, "geometry": carre(4.9, 46.1)},
            {"type": "Feature", "properties": {"code_insee": "2A004"}, "geometry": carre(8.7, 41.9)},
            {"type": "Feature", "properties": {"code_insee": "75056"}, "geometry": carre(2.3, 48.8)},
            {"type": "Feature", "properties": {"nom": "Sans code"}, "geometry": carre(0, 0)},
        ],
    }
    poles = "code_insee,pole\n01001,Dombes\n2A004,Pays ajaccien\n14118,Caen la mer\n"

    sortie = charger(dossier_de(tmp_path, poles=poles, contours=contours))

    motifs = {r.motif for r in rapport().rejets}
    assert motifs == {
        "Fichier des pôles, ligne 4 : la commune 14118 n'est pas dans le fichier des communes.",
        "Fichier des contours, objet n° 3 : la commune 75056 n'est pas dans le fichier des communes.",
        "Fichier des contours, objet n° 4 : pas de propriété « code_insee ».",
    }
    assert "3 rejetés" in sortie
    assert not PoleDeProximite.objects.filter(nom="Caen la mer").exists()


def test_une_ligne_invalide_du_fichier_des_communes_est_rejetee(tmp_path):
    communes = (
        "code_insee,nom,population\n01001,L'Abergement-Clémenciat,859\n2A004,Ajaccio,beaucoup\n"
        "5O12,Lettre O au lieu du zéro,10\n"
    )

    charger(dossier_de(tmp_path, communes=communes))

    # La ligne des pôles et le contour d'une commune rejetée sont rejetés à leur tour, en le disant.
    assert [(r.ligne, r.motif) for r in rapport().rejets] == [
        (
            3,
            "Fichier des communes : la population « beaucoup » de la commune 2A004 "
            "n'est pas un nombre entier.",
        ),
        (4, "Fichier des communes : code commune « 5O12 » invalide."),
        (3, "Fichier des pôles, ligne 3 : la commune 2A004 n'est pas dans le fichier des communes."),
        (2, "Fichier des contours, objet n° 2 : la commune 2A004 n'est pas dans le fichier des communes."),
    ]
    assert list(Commune.objects.values_list("code_insee", flat=True)) == ["01001"]


def test_un_fichier_des_communes_sans_sa_colonne_est_refuse(tmp_path):
    message = refus(dossier_de(tmp_path, communes="code_insee,nom\n01001,L'Abergement-Clémenciat\n"))

    assert message.startswith("Le fichier des communes n'a pas la colonne population")


def test_un_fichier_des_poles_sans_sa_colonne_est_refuse(tmp_path):
    message = refus(dossier_de(tmp_path, poles="code_insee,epci\n01001,Dombes\n"))

    assert message.startswith("Le fichier des pôles n'a pas la colonne pole")


def test_un_fichier_des_contours_illisible_est_refuse(tmp_path):
    dossier = dossier_de(tmp_path)
    (dossier / "cotentin_communes.geojson").write_text("{pas du json", encoding="utf-8")
    assert refus(dossier).startswith("Le fichier des contours n'est pas du JSON lisible")

    (dossier / "cotentin_communes.geojson").write_text('{"type": "Feature"}', encoding="utf-8")
    assert refus(dossier).startswith("Le fichier des contours n'est pas une FeatureCollection GeoJSON")


def test_un_fichier_manquant_est_nomme(tmp_path):
    shutil.copytree(DONNEES, tmp_path / "cotentin")
    (tmp_path / "cotentin" / "cotentin_poles.csv").unlink()

    with pytest.raises(CommandError, match="Fichier introuvable : .*cotentin_poles.csv"):
        charger(tmp_path / "cotentin")
    assert not ImportFichier.objects.exists()


def test_le_chargement_ne_se_depose_pas_dans_l_administration(client_de):
    # Trois fichiers livrés avec le code, sans champ pour deux d'entre eux : par la commande seulement.
    reponse = client_de("agent").post(
        "/admin/territoire/importfichier/add/",
        {
            "type": TypeImport.COTENTIN,
            "fichier": SimpleUploadedFile(
                "cotentin_communes.csv", (DONNEES / "cotentin_communes.csv").read_bytes()
            ),
            "_save": "Enregistrer",
        },
    )

    assert reponse.status_code == 200
    assert "type" in reponse.context["adminform"].form.errors
    assert not ImportFichier.objects.exists()
