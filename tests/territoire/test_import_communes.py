"""Import des communes (COG, composition des EPCI, populations, pôles) : chaque règle, sur
les petits fichiers aux formats officiels de tests/data."""

import csv
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from territoire.importeurs.base import communes_du_territoire
from territoire.models import Commune, ImportFichier, PoleDeProximite, StatutImport, TypeImport
from territoire.services import import_demander
from tests.data import fabriquer_epci
from tests.territoire.factories import CommuneFactory, PoleFactory

pytestmark = pytest.mark.django_db

DONNEES = Path(__file__).resolve().parents[1] / "data"
COG = DONNEES / "cog_communes.csv"
EPCI = DONNEES / "epci_composition.xlsx"
POPULATIONS = DONNEES / "populations.csv"
POLES = DONNEES / "poles.csv"
TERRITOIRE = {"50041", "50082", "50129", "50402", "50615"}


def importer(*fichiers: Path, **options: object) -> str:
    sortie = io.StringIO()
    call_command("importer_communes", *(str(f) for f in fichiers), stdout=sortie, **options)
    return sortie.getvalue()


def refus(*fichiers: Path, **options: object) -> str:
    with pytest.raises(CommandError) as erreur:
        importer(*fichiers, **options)
    assert not ImportFichier.objects.exists()
    assert not Commune.objects.exists()
    return str(erreur.value)


def ecrire(chemin: Path, texte: str, encodage: str = "utf-8") -> Path:
    chemin.write_bytes(texte.encode(encodage))
    return chemin


def cog_modifie(tmp_path: Path, remplacer: tuple[str, str] | None = None, encodage: str = "utf-8") -> Path:
    texte = COG.read_text(encoding="utf-8")
    if remplacer:
        texte = texte.replace(*remplacer)
    return ecrire(tmp_path / "v_commune_2026.csv", texte, encodage)


def test_les_communes_de_l_agglomeration_sont_creees_avec_leurs_anciens_codes():
    sortie = importer(COG, EPCI)

    communes = {c.code_insee: c for c in Commune.objects.all()}
    assert set(communes) == TERRITOIRE
    assert communes["50129"].nom == "Cherbourg-en-Cotentin"
    assert communes["50041"].nom == "La Hague"
    assert communes["50402"].nom == "Les Pieux"
    # Communes déléguées (COMD) et associées (COMA), sans le code de la commune elle-même.
    assert communes["50129"].codes_anciens == ["50173", "50203", "50416", "50602"]
    assert communes["50041"].codes_anciens == ["50001", "50257", "50647"]
    assert communes["50082"].codes_anciens == ["50398", "50418"]
    assert communes["50615"].codes_anciens == ["50005"]
    assert communes["50402"].codes_anciens == []
    # Caen, Épron, Saint-Lô (dans la Manche mais hors de l'agglomération), Paris et son
    # arrondissement sont ignorés ; Octeville-l'Avenel, citée par le classeur mais absente
    # du COG, est rejetée avec sa ligne du classeur.
    assert (
        "23 lignes lues : 5 créés, 0 mis à jour, 0 inchangé, 5 ignorés (hors du territoire), 1 rejeté."
        in sortie
    )
    assert "Ligne 12 rejetée : Classeur des EPCI, ligne 12 : la commune 50384 (Octeville-l'Avenel)" in sortie
    import_fichier = ImportFichier.objects.get()
    assert import_fichier.type == TypeImport.COMMUNES
    assert import_fichier.statut == StatutImport.TERMINE
    assert import_fichier.rapport["rejets"][0]["ligne"] == 12


def test_les_anciens_codes_menent_a_la_commune_actuelle():
    importer(COG, EPCI)

    codes = communes_du_territoire()
    cherbourg = Commune.objects.get(code_insee="50129").pk
    assert codes["50602"] == cherbourg  # Tourlaville
    assert codes["50129"] == cherbourg
    assert codes["50005"] == Commune.objects.get(code_insee="50615").pk  # Alleaume (COMA)
    assert "50502" not in codes and "14118" not in codes


def test_un_second_import_ne_duplique_rien():
    importer(COG, EPCI, populations=POPULATIONS)
    ids = dict(Commune.objects.values_list("code_insee", "pk"))

    sortie = importer(COG, EPCI, populations=POPULATIONS)

    assert "0 créé, 0 mis à jour, 5 inchangés" in sortie
    assert dict(Commune.objects.values_list("code_insee", "pk")) == ids
    assert ImportFichier.objects.filter(statut=StatutImport.TERMINE).count() == 2


def test_nom_et_codes_changes_sont_mis_a_jour_et_une_commune_partie_est_gardee():
    pole = PoleFactory(nom="La Hague")
    CommuneFactory(code_insee="50041", nom="Beaumont-Hague", codes_anciens=[], pole=pole, population=100)
    CommuneFactory(code_insee="50615", nom="Valognes", codes_anciens=["50005"], pole=None, population=None)
    partie = CommuneFactory(code_insee="50500", nom="Saint-Ancien", pole=None)

    sortie = importer(COG, EPCI)

    assert "3 créés, 1 mis à jour, 1 inchangé" in sortie
    la_hague = Commune.objects.get(code_insee="50041")
    assert la_hague.nom == "La Hague"
    assert la_hague.codes_anciens == ["50001", "50257", "50647"]
    # Sans fichier de populations ni de pôles, population et pôle restent ceux d'avant.
    assert la_hague.population == 100
    assert la_hague.pole_id == pole.pk
    assert Commune.objects.filter(pk=partie.pk).exists()
    assert "Saint-Ancien (50500) n'est plus dans la composition de l'agglomération" in sortie
    assert "Saint-Ancien (50500)" in " ".join(ImportFichier.objects.get().rapport["remarques"])


def test_les_populations_sont_posees_et_les_autres_codes_ignores():
    sortie = importer(COG, EPCI, populations=POPULATIONS)

    cherbourg = Commune.objects.get(code_insee="50129")
    assert (cherbourg.population, cherbourg.annee_population) == (77634, 2023)
    assert Commune.objects.get(code_insee="50402").population == 3490
    assert "Fichier des populations : 1 ligne hors du territoire ignorée." in sortie


def test_population_invalide_rejetee_avec_son_numero_de_ligne(tmp_path):
    populations = ecrire(
        tmp_path / "populations.csv",
        "\ufeffcode_insee,population\n50041,11 498\n50129,beaucoup\n50615,6805\n",
    )

    sortie = importer(COG, EPCI, populations=populations)

    assert (
        "Ligne 3 rejetée : Fichier des populations : la population « beaucoup » de la commune 50129" in sortie
    )
    assert Commune.objects.get(code_insee="50041").population == 11498
    cherbourg = Commune.objects.get(code_insee="50129")
    assert cherbourg.population is None
    # Sans colonne « annee », l'année est inconnue.
    assert Commune.objects.get(code_insee="50615").annee_population is None
    assert "n'ont pas de population dans le fichier des populations : 50082, 50129, 50402" in sortie


def test_les_poles_sont_crees_et_les_communes_rattachees():
    sortie = importer(COG, EPCI, poles=POLES)

    assert set(PoleDeProximite.objects.values_list("nom", flat=True)) == {
        "Cherbourg-en-Cotentin",
        "La Hague",
        "Les Pieux",
        "Cœur du Cotentin",
    }
    assert Commune.objects.get(code_insee="50615").pole.nom == "Cœur du Cotentin"
    assert Commune.objects.get(code_insee="50082").pole.nom == "Cœur du Cotentin"
    assert "Fichier des pôles : 1 ligne hors du territoire ignorée." in sortie
    assert "rattachée" not in sortie


def test_sans_fichier_des_poles_les_rattachements_sont_gardes():
    importer(COG, EPCI, poles=POLES)
    valognes = Commune.objects.get(code_insee="50615")
    autre = PoleFactory(nom="Pôle choisi dans l'administration")
    Commune.objects.filter(pk=valognes.pk).update(pole=autre)

    sortie = importer(COG, EPCI)

    assert "5 inchangés" in sortie
    assert Commune.objects.get(pk=valognes.pk).pole_id == autre.pk


def test_les_communes_sans_pole_sont_signalees():
    sortie = importer(COG, EPCI)

    assert "5 communes du territoire ne sont rattachées à aucun pôle de proximité" in sortie


def test_un_classeur_aux_codes_numeriques_est_lu(tmp_path):
    communes = [[int(c) if c.isdigit() else c for c in ligne] for ligne in fabriquer_epci.COMMUNES]
    epci = fabriquer_epci.fabriquer(tmp_path / "epci.xlsx", communes=communes)

    importer(COG, epci)

    assert set(Commune.objects.values_list("code_insee", flat=True)) == TERRITOIRE


def test_un_cog_ancien_en_minuscules_est_lu(tmp_path):
    cog = cog_modifie(tmp_path, (COG.read_text().splitlines()[0], COG.read_text().splitlines()[0].lower()))

    importer(cog, EPCI)

    assert Commune.objects.count() == 5


# --- Mauvais fichiers : refusés tout de suite, rien n'est écrit ---------------------------


def test_un_cog_en_latin_1_est_refuse(tmp_path):
    message = refus(cog_modifie(tmp_path, encodage="latin-1"), EPCI)

    assert "Le fichier des communes (COG) n'est pas encodé en UTF-8" in message
    assert "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT" in message


def test_un_cog_separe_par_des_points_virgules_est_refuse(tmp_path):
    texte = COG.read_text(encoding="utf-8").replace(",", ";")

    message = refus(ecrire(tmp_path / "cog.csv", texte), EPCI)

    assert "est séparé par des points-virgules au lieu de virgules" in message


def test_un_cog_sans_ses_colonnes_est_refuse_en_les_nommant(tmp_path):
    lignes = list(csv.reader(COG.read_text(encoding="utf-8").splitlines()))
    sortie = io.StringIO()
    csv.writer(sortie, lineterminator="\n").writerows([ligne[:9] for ligne in lignes])

    message = refus(ecrire(tmp_path / "cog.csv", sortie.getvalue()), EPCI)

    assert "n'a pas les colonnes LIBELLE, COMPARENT" in message


def test_le_classeur_a_la_place_du_cog_est_refuse():
    message = refus(EPCI, EPCI)

    assert "Le fichier des communes (COG) est un classeur ou une archive (zip)" in message


def test_un_csv_a_la_place_du_classeur_est_refuse():
    message = refus(COG, COG)

    assert "Le classeur des EPCI n'est pas un classeur Excel (.xlsx) lisible" in message
    assert "Composition_communale" in message


def test_un_classeur_sans_la_feuille_de_composition_est_refuse(tmp_path):
    epci = fabriquer_epci.fabriquer(tmp_path / "epci.xlsx", feuille="Feuil1")

    message = refus(COG, epci)

    assert "n'a pas de feuille « Composition_communale » (feuilles trouvées : EPCI, Feuil1)" in message


def test_un_classeur_a_l_entete_deplace_est_refuse(tmp_path):
    epci = fabriquer_epci.fabriquer(tmp_path / "epci.xlsx", titres=fabriquer_epci.TITRES[:4])

    message = refus(COG, epci)

    assert "L'en-tête du classeur des EPCI est en ligne 5 au lieu de la ligne 6" in message


def test_un_classeur_sans_la_colonne_epci_est_refuse(tmp_path):
    entete = ["CODGEO", "LIBGEO", "SIREN", "LIBEPCI", "DEP", "REG"]
    epci = fabriquer_epci.fabriquer(tmp_path / "epci.xlsx", entete=entete)

    message = refus(COG, epci)

    assert "La ligne 6 du classeur des EPCI n'a pas la colonne EPCI" in message


def test_des_populations_au_mauvais_format_sont_refusees(tmp_path):
    populations = ecrire(tmp_path / "pop.csv", "CODGEO;PMUN\n50129;77634\n")

    message = refus(COG, EPCI, populations=populations)

    assert "Le fichier des populations est séparé par des points-virgules" in message
    assert "code_insee,population" in message


def test_des_poles_sans_leurs_colonnes_sont_refuses(tmp_path):
    poles = ecrire(tmp_path / "poles.csv", "commune,nom\n50129,Cherbourg\n")

    message = refus(COG, EPCI, poles=poles)

    assert "Le fichier des pôles n'a pas les colonnes code_insee, pole" in message


def test_le_service_rattache_le_refus_au_bon_fichier(agent):
    with pytest.raises(ValidationError) as erreur:
        import_demander(
            acteur=agent,
            type_import=TypeImport.COMMUNES,
            fichier=SimpleUploadedFile("v_commune_2026.csv", COG.read_bytes()),
            fichier_epci=SimpleUploadedFile("epci.xlsx", COG.read_bytes()),
        )
    assert list(erreur.value.message_dict) == ["fichier_epci"]
    assert not ImportFichier.objects.exists()

    with pytest.raises(ValidationError) as erreur:
        import_demander(
            acteur=agent,
            type_import=TypeImport.COMMUNES,
            fichier=SimpleUploadedFile("v_commune_2026.csv", COG.read_bytes()),
        )
    assert "Le classeur de composition des EPCI manque" in erreur.value.message_dict["fichier_epci"][0]


def test_un_cog_qui_devient_illisible_plus_loin_fait_echouer_l_import_sans_rien_ecrire(tmp_path):
    # Le début lu par la vérification (64 Kio) est en UTF-8 ; une ligne plus loin ne l'est pas.
    bourrage = "".join(
        f"COM,14{n:03d},28,14,14D,141,0,COMMUNE,Commune,Commune du Calvados,1499,\n" for n in range(1000)
    )
    ecluse = "COM,50999,28,50,50D,502,0,ECLUSE,Écluse,Écluse,5099,\n".encode("latin-1")
    cog = tmp_path / "v_commune_2026.csv"
    cog.write_bytes(COG.read_bytes() + bourrage.encode() + ecluse)

    with pytest.raises(CommandError, match="La ligne 1025 n'est pas lisible en UTF-8"):
        importer(cog, EPCI)

    assert not Commune.objects.exists()
    assert ImportFichier.objects.get().statut == StatutImport.ECHOUE


def test_un_echec_au_milieu_de_l_ecriture_ne_laisse_rien_a_moitie_importe():
    with connection.cursor() as curseur:
        # Une contrainte que la dernière commune écrite viole : les mises à jour déjà faites
        # dans la même transaction doivent être annulées avec elle.
        curseur.execute(
            "ALTER TABLE territoire_commune ADD CONSTRAINT test_pas_valognes CHECK (nom <> 'Valognes')"
        )
    CommuneFactory(code_insee="50041", nom="Beaumont-Hague", codes_anciens=[], pole=None)

    with pytest.raises(CommandError, match="erreur inattendue : rien n'a été enregistré"):
        importer(COG, EPCI, poles=POLES)

    assert list(Commune.objects.values_list("code_insee", "nom")) == [("50041", "Beaumont-Hague")]
    assert not PoleDeProximite.objects.exists()
    assert ImportFichier.objects.get().statut == StatutImport.ECHOUE
