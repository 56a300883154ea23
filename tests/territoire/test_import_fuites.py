"""L'import des fuites de patients (importer_fuites) : notre tableau CSV en UTF-8."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from territoire.importeurs.base import FichierRefuse
from territoire.models import Fuite, ImportFichier, StatutImport, TypeImport
from territoire.services import import_depuis_commande
from tests.territoire.factories import FuiteFactory

DONNEES = Path(__file__).resolve().parent.parent / "data"
FICHIER = DONNEES / "fuites.csv"
FICHIER_A_VIRGULES = DONNEES / "fuites_2.csv"
ENTETE = "annee;specialite;patients;patients_hors_territoire;destination_principale"


def ecrire(dossier: Path, texte: str, encodage: str = "utf-8") -> Path:
    chemin = dossier / "fuites.csv"
    chemin.write_bytes(texte.encode(encodage))
    return chemin


def importer(chemin: Path) -> ImportFichier:
    return import_depuis_commande(type_import=TypeImport.FUITES, chemins={"fichier": chemin})


def commande(chemin: Path) -> list[str]:
    sortie = io.StringIO()
    call_command("importer_fuites", str(chemin), stdout=sortie)
    return sortie.getvalue().splitlines()


def fuites() -> dict[tuple[int, str], tuple[int, int, str]]:
    return {
        (f.annee, f.specialite): (f.patients, f.patients_hors_territoire, f.destination_principale)
        for f in Fuite.objects.all()
    }


@pytest.mark.django_db
def test_la_commande_affiche_le_resume_et_les_lignes_rejetees():
    sortie = commande(FICHIER)

    attendue = f"une année de quatre chiffres entre 2000 et {timezone.localdate().year + 1} est attendue"
    assert sortie == [
        "14 lignes lues : 7 créés, 0 mis à jour, 0 inchangé, 0 ignoré (hors du territoire), 7 rejetés.",
        f"Ligne 8 rejetée : année « 1999 » : {attendue}",
        f"Ligne 9 rejetée : année « 24 » : {attendue}",
        "Ligne 10 rejetée : patients « 12,5 » : un nombre entier est attendu",
        "Ligne 11 rejetée : patients_hors_territoire « -4 » : un nombre positif ou nul est attendu",
        "Ligne 12 rejetée : patients_hors_territoire (650) dépasse patients (500), dont ils sont une partie",
        "Ligne 13 rejetée : spécialité vide",
        "Ligne 14 rejetée : Cardiologie en 2024 déjà donnée ligne 2",
    ]


@pytest.mark.django_db
def test_les_chiffres_et_les_parts():
    commande(FICHIER)

    assert fuites() == {
        (2024, "Cardiologie"): (4210, 1180, "CHU de Caen"),
        (2024, "Chirurgie orthopédique et traumatologie"): (3120, 540, "Clinique Saint-Martin, Caen"),
        (2024, "Obstétrique"): (1650, 95, ""),
        (2024, "Ophtalmologie"): (2890, 1305, "Centre hospitalier Mémorial de Saint-Lô"),
        (2024, "Oncologie"): (1420, 610, "Centre François Baclesse, Caen"),
        (2023, "Cardiologie"): (4105, 1240, "CHU de Caen"),
        # « 1 250 » : le séparateur de milliers d'un tableur.
        (2024, "Néphrologie"): (1250, 310, "CHU de Caen"),
    }
    parts = {(f.annee, f.specialite): round(f.part, 4) for f in Fuite.objects.all()}
    assert parts[(2024, "Cardiologie")] == 0.2803
    assert parts[(2024, "Ophtalmologie")] == 0.4516
    assert parts[(2023, "Cardiologie")] == 0.3021


@pytest.mark.django_db
def test_le_service_termine_l_import_avec_son_rapport():
    import_fichier = importer(FICHIER)

    assert import_fichier.statut == StatutImport.TERMINE
    assert import_fichier.type == TypeImport.FUITES
    rapport = import_fichier.rapport
    assert (rapport["lignes"], rapport["crees"], rapport["rejetes"]) == (14, 7, 7)
    assert [r["ligne"] for r in rapport["rejets"]] == [8, 9, 10, 11, 12, 13, 14]


@pytest.mark.django_db
def test_un_second_passage_ne_change_rien():
    commande(FICHIER)
    avant = dict(Fuite.objects.values_list("pk", "patients_hors_territoire"))

    import_fichier = importer(FICHIER)

    rapport = import_fichier.rapport
    assert (rapport["crees"], rapport["mis_a_jour"], rapport["inchanges"]) == (0, 0, 7)
    assert dict(Fuite.objects.values_list("pk", "patients_hors_territoire")) == avant


@pytest.mark.django_db
def test_un_fichier_a_virgules_met_a_jour_et_cree():
    """Colonnes dans un autre ordre, virgules, une spécialité entre guillemets qui en contient une."""
    commande(FICHIER)

    sortie = commande(FICHIER_A_VIRGULES)

    assert sortie == [
        "3 lignes lues : 1 créé, 1 mis à jour, 1 inchangé, 0 ignoré (hors du territoire), 0 rejeté."
    ]
    assert fuites()[(2024, "Cardiologie")] == (4210, 1100, "CHU de Caen")
    assert fuites()[(2024, "Gastro-entérologie, hépatologie")] == (1980, 420, "CHU de Caen")
    assert Fuite.objects.count() == 8


@pytest.mark.django_db
def test_sans_la_colonne_destination_la_destination_connue_est_gardee(tmp_path):
    commande(FICHIER)

    commande(
        ecrire(tmp_path, "annee;specialite;patients;patients_hors_territoire\n2024;Cardiologie;4210;1000\n")
    )

    assert fuites()[(2024, "Cardiologie")] == (4210, 1000, "CHU de Caen")


@pytest.mark.django_db
def test_un_en_tete_avec_accents_et_majuscules(tmp_path):
    chemin = ecrire(tmp_path, "Année,Spécialité,Patients,Patients hors territoire\n2025,Pédiatrie,900,120\n")

    commande(chemin)

    assert fuites() == {(2025, "Pédiatrie"): (900, 120, "")}


@pytest.mark.django_db
def test_les_annees_acceptees(tmp_path):
    prochaine = timezone.localdate().year + 1
    chemin = ecrire(
        tmp_path,
        f"{ENTETE}\n2000;Cardiologie;10;1;\n{prochaine};Cardiologie;10;1;\n"
        f"{prochaine + 1};Cardiologie;10;1;\n",
    )

    sortie = commande(chemin)

    assert set(Fuite.objects.values_list("annee", flat=True)) == {2000, prochaine}
    assert sortie[-1] == (
        f"Ligne 4 rejetée : année « {prochaine + 1} » : une année de quatre chiffres entre 2000 et "
        f"{prochaine} est attendue"
    )


@pytest.mark.django_db
def test_des_donnees_de_demonstration_deviennent_reelles():
    FuiteFactory(
        annee=2024,
        specialite="Cardiologie",
        patients=4210,
        patients_hors_territoire=1180,
        destination_principale="CHU de Caen",
        demo=True,
    )

    import_fichier = importer(FICHIER)

    assert import_fichier.rapport["mis_a_jour"] == 1
    assert not Fuite.objects.filter(demo=True).exists()


# Fichiers refusés tout de suite


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        pytest.param(b"", "Le fichier est vide", id="vide"),
        pytest.param(b"\xef\xbb\xbf\r\n", "Le fichier est vide", id="bom-seul"),
        pytest.param(
            b"annee;specialite;patients\n2024;Cardiologie;4210\n",
            "Colonnes manquantes : patients_hors_territoire.",
            id="colonne-manquante",
        ),
        pytest.param(
            b"annee,discipline,effectif,hors_territoire\n2024,Cardiologie,4210,1180\n",
            "Colonnes manquantes : specialite, patients, patients_hors_territoire.",
            id="colonnes-manquantes",
        ),
        pytest.param(
            f"{ENTETE}\n2024;Obstétrique;1650;95;\n".encode("latin-1"),
            "Ce fichier n'est pas en UTF-8",
            id="latin-1",
        ),
        pytest.param(
            b"annee\tspecialite\tpatients\tpatients_hors_territoire\n",
            "L'en-tête de ce fichier n'a ni point-virgule ni virgule",
            id="tabulations",
        ),
    ],
)
@pytest.mark.django_db
def test_un_mauvais_fichier_est_refuse_tout_de_suite(tmp_path, contenu, message):
    chemin = tmp_path / "fuites.csv"
    chemin.write_bytes(contenu)

    with pytest.raises(FichierRefuse) as refus:
        importer(chemin)
    assert message in refus.value.message
    with pytest.raises(CommandError) as erreur:
        call_command("importer_fuites", str(chemin), stdout=io.StringIO())
    assert message in str(erreur.value)

    assert not ImportFichier.objects.exists()
    assert not Fuite.objects.exists()


@pytest.mark.django_db
def test_le_message_dit_l_en_tete_attendu(tmp_path):
    with pytest.raises(FichierRefuse) as refus:
        importer(ecrire(tmp_path, "annee;specialite\n"))

    assert refus.value.message == (
        "Colonnes manquantes : patients, patients_hors_territoire. L'en-tête attendu est "
        "« annee;specialite;patients;patients_hors_territoire;destination_principale » "
        "(destination_principale facultative), colonnes séparées par des points-virgules ou des virgules."
    )


@pytest.mark.django_db
def test_un_octet_hors_utf_8_loin_dans_le_fichier_fait_echouer_l_import_sans_rien_ecrire(tmp_path):
    lignes = [ENTETE] + [f"2024;Spécialité {n};100;10;" for n in range(3000)]
    contenu = ("\n".join(lignes) + "\n").encode() + "2024;Obstétrique;1650;95;\n".encode("latin-1")
    chemin = tmp_path / "fuites.csv"
    chemin.write_bytes(contenu)
    assert len(contenu) > 65536

    import_fichier = importer(chemin)

    assert import_fichier.statut == StatutImport.ECHOUE
    assert "La ligne 3002 n'est pas lisible en UTF-8" in import_fichier.erreur
    assert not Fuite.objects.exists()


@pytest.mark.django_db
def test_un_echec_a_l_ecriture_ne_laisse_rien_a_moitie_importe(monkeypatch):
    commande(FICHIER)
    avant = fuites()

    def panne(*args, **kwargs):
        raise RuntimeError("panne de la base au milieu de l'écriture")

    # La fuite nouvelle est créée (bulk_create), puis la mise à jour échoue.
    monkeypatch.setattr(Fuite.objects, "bulk_update", panne)
    import_fichier = importer(FICHIER_A_VIRGULES)

    assert import_fichier.statut == StatutImport.ECHOUE
    assert "rien n'a été enregistré" in import_fichier.erreur
    assert fuites() == avant
    with pytest.raises(CommandError, match="erreur inattendue"):
        call_command("importer_fuites", str(FICHIER_A_VIRGULES), stdout=io.StringIO())
    assert fuites() == avant


@pytest.mark.django_db
def test_le_rapport_compte_les_lignes_de_donnees_sans_l_en_tete(tmp_path):
    """« 3 lignes lues » pour un tableau de 3 lignes : ni l'en-tête ni les lignes vides."""
    from territoire.rapport import Rapport

    donnees = [ligne for ligne in FICHIER.read_text(encoding="utf-8-sig").splitlines()[1:] if ligne.strip()][
        :3
    ]
    import_fichier = importer(ecrire(tmp_path, "\n".join([ENTETE, *donnees, "", ";;;;"]) + "\n"))
    assert import_fichier.statut == StatutImport.TERMINE
    assert Rapport.depuis_json(import_fichier.rapport).lignes == 3
