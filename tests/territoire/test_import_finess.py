"""L'import de l'extraction FINESS d'etalab (importer_finess), sur de petits fichiers au format
officiel : Latin-1, points-virgules, ligne de métadonnées, lignes structureet et geolocalisation."""

import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyproj import Transformer

from territoire.importeurs.base import FichierRefuse, Fichiers, formater_telephone, importeur_pour, sans_suivi
from territoire.importeurs.finess import CHAMPS_STRUCTUREET, type_depuis_categorie
from territoire.models import ImportFichier, StatutImport, Structure, TypeImport, TypeStructure
from territoire.services import import_depuis_commande
from tests.territoire.factories import CommuneFactory, StructureFactory, finess

DONNEES = Path(__file__).resolve().parent.parent / "data"
FICHIER = DONNEES / "finess_etalab.csv"
FICHIER_SUIVANT = DONNEES / "finess_etalab_2.csv"

CHPC = "500000013"
POLYCLINIQUE = "500000419"
GCS = "500021506"
MSP_LA_HAGUE = "500030101"
EHPAD_VALOGNES = "500040209"
PHARMACIE_LES_PIEUX = "500050307"
CENTRE_DE_SANTE_LES_PIEUX = "500080601"
SSIAD_VALOGNES = "500060405"
SOURCE_LAMBERT_93 = "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93"

RESUME_PREMIER_IMPORT = (
    "24 lignes lues : 7 créés, 0 mis à jour, 0 inchangé, 3 ignorés (hors du territoire), 5 rejetés."
)


@pytest.fixture
def territoire(db):
    """Quelques communes de l'agglomération, avec les codes des communes déléguées de
    Cherbourg-en-Cotentin (Équeurdreville-Hainneville, La Glacerie, Querqueville, Tourlaville)."""
    return {
        "cherbourg": CommuneFactory(
            code_insee="50129",
            nom="Cherbourg-en-Cotentin",
            codes_anciens=["50173", "50203", "50416", "50602"],
        ),
        "valognes": CommuneFactory(code_insee="50615", nom="Valognes"),
        "la_hague": CommuneFactory(code_insee="50041", nom="La Hague"),
        "les_pieux": CommuneFactory(code_insee="50402", nom="Les Pieux"),
    }


def structureet(**valeurs: str) -> str:
    """Une ligne structureet de 32 champs, vides sauf ceux donnés."""
    valeurs = {"structureet": "structureet", "departement": "50", "libdepartement": "MANCHE", **valeurs}
    return ";".join(valeurs.get(champ, "") for champ in CHAMPS_STRUCTUREET)


def geolocalisation(numero: str, x: str, y: str, source: str = SOURCE_LAMBERT_93) -> str:
    return f"geolocalisation;{numero};{x};{y};{source};2026-01-04"


def ecrire(
    dossier: Path, lignes: list[str], nom: str = "etalab-cs1100507-stock.csv", encodage="latin-1"
) -> Path:
    chemin = dossier / nom
    chemin.write_bytes(("\n".join(lignes) + "\n").encode(encodage))
    return chemin


def importer(chemin: Path) -> ImportFichier:
    return import_depuis_commande(type_import=TypeImport.FINESS, chemins={"fichier": chemin})


def commande(chemin: Path) -> list[str]:
    sortie = io.StringIO()
    call_command("importer_finess", str(chemin), stdout=sortie)
    return sortie.getvalue().splitlines()


# La commande : résumé, remarques et lignes rejetées


def test_la_commande_affiche_le_resume_les_remarques_et_les_rejets(territoire):
    sortie = commande(FICHIER)

    assert sortie[0] == RESUME_PREMIER_IMPORT
    assert (
        "Ligne 10 : SIRET « 12345678901234 » incorrect pour PHARMACIE DES PIEUX (FINESS 500050307) : "
        "laissé vide." in sortie
    )
    assert sortie[-5:] == [
        "Ligne 5 rejetée : ligne « structureet » de 31 champs, 32 attendus",
        "Ligne 8 rejetée : numéro FINESS « 500060406 » incorrect (9 caractères avec une clé)",
        "Ligne 11 rejetée : raison sociale (rs) vide pour le FINESS 500090709",
        "Ligne 13 rejetée : FINESS 500000013 déjà lu ligne 3",
        "Ligne 22 rejetée : ligne « geolocalisation » de 5 champs, 6 attendus",
    ]


def test_seuls_les_etablissements_du_territoire_sont_gardes(territoire):
    commande(FICHIER)

    assert set(Structure.objects.values_list("finess", flat=True)) == {
        CHPC,
        POLYCLINIQUE,
        GCS,
        MSP_LA_HAGUE,
        EHPAD_VALOGNES,
        PHARMACIE_LES_PIEUX,
        CENTRE_DE_SANTE_LES_PIEUX,
    }
    # Ni l'Ain, ni Saint-Lô (dans la Manche mais hors de l'agglomération), ni la Guadeloupe.
    assert not Structure.objects.filter(finess__in=["010000024", "500502000", "970100012"]).exists()


def test_les_champs_d_un_etablissement(territoire):
    commande(FICHIER)

    chpc = Structure.objects.get(finess=CHPC)
    assert chpc.nom == "CH PUBLIC DU COTENTIN"
    assert chpc.nom_long == "CENTRE HOSPITALIER PUBLIC DU COTENTIN"
    assert chpc.type == TypeStructure.CENTRE_HOSPITALIER
    assert chpc.finess_juridique == "500000021"
    assert (chpc.categorie_finess, chpc.libelle_categorie_finess) == ("355", "Centre Hospitalier (C.H.)")
    assert chpc.siret == "26500001800019"
    assert chpc.adresse == "46 RUE DU VAL DE SAIRE"
    assert chpc.complement_adresse == "BP 208"
    assert chpc.code_postal == "50100"
    assert chpc.commune == territoire["cherbourg"]
    assert chpc.telephone == "02 33 20 70 00"
    assert chpc.date_ouverture == date(1998, 1, 1)
    assert chpc.demo is False

    msp = Structure.objects.get(finess=MSP_LA_HAGUE)
    # Numéro, indice de répétition (bis), type de voie développé, voie.
    assert msp.adresse == "12 B ROUTE DE LA HAGUE"
    assert msp.complement_adresse == "BEAUMONT-HAGUE"
    assert msp.commune == territoire["la_hague"]


def test_l_ancien_code_d_une_commune_deleguee_mene_a_la_commune_nouvelle(territoire):
    """La Polyclinique du Cotentin est citée avec le code d'Équeurdreville-Hainneville (50173)."""
    commande(FICHIER)

    polyclinique = Structure.objects.get(finess=POLYCLINIQUE)
    assert polyclinique.commune == territoire["cherbourg"]
    assert polyclinique.code_postal == "50120"
    # Le fichier est en Latin-1 : les lettres accentuées sont lues telles quelles.
    assert polyclinique.complement_adresse == "ÉQUEURDREVILLE-HAINNEVILLE"
    assert Structure.objects.get(finess=EHPAD_VALOGNES).adresse == "5 RUE DES RÉSISTANTS"


def test_le_zero_initial_perdu_du_telephone_est_remis(territoire):
    commande(FICHIER)

    assert Structure.objects.get(finess=POLYCLINIQUE).telephone == "02 33 78 28 28"


def test_le_type_vient_de_la_categorie(territoire):
    commande(FICHIER)

    types = dict(Structure.objects.values_list("finess", "type"))
    assert types == {
        CHPC: TypeStructure.CENTRE_HOSPITALIER,
        POLYCLINIQUE: TypeStructure.CLINIQUE,
        GCS: TypeStructure.GCS,
        MSP_LA_HAGUE: TypeStructure.MSP,
        EHPAD_VALOGNES: TypeStructure.MEDICO_SOCIAL,
        PHARMACIE_LES_PIEUX: TypeStructure.OFFICINE,
        CENTRE_DE_SANTE_LES_PIEUX: TypeStructure.CENTRE_DE_SANTE,
    }


def test_un_siret_incorrect_est_laisse_vide_sans_rejeter_l_etablissement(territoire):
    commande(FICHIER)

    pharmacie = Structure.objects.get(finess=PHARMACIE_LES_PIEUX)
    assert pharmacie.siret == ""
    assert pharmacie.nom == "PHARMACIE DES PIEUX"


@pytest.mark.parametrize(
    ("categorie", "libelle", "nom", "attendu"),
    [
        ("355", "Centre Hospitalier (C.H.)", "CH PUBLIC DU COTENTIN", TypeStructure.CENTRE_HOSPITALIER),
        ("101", "Centre Hospitalier Régional (C.H.R.)", "CHU", TypeStructure.CENTRE_HOSPITALIER),
        ("106", "Centre hospitalier, ex Hôpital local", "CH DE VALOGNES", TypeStructure.CENTRE_HOSPITALIER),
        (
            "292",
            "Centre Hospitalier Spécialisé lutte Maladies Mentales",
            "CHS",
            TypeStructure.CENTRE_HOSPITALIER,
        ),
        ("365", "Etablissement de Soins Pluridisciplinaire", "POLYCLINIQUE", TypeStructure.CLINIQUE),
        ("128", "Etablissement de Soins Chirurgicaux", "CLINIQUE", TypeStructure.CLINIQUE),
        ("109", "Etablissement de santé privé autorisé en SSR", "SSR", TypeStructure.CLINIQUE),
        ("124", "Centre de Santé", "CENTRE DE SANTE", TypeStructure.CENTRE_DE_SANTE),
        ("603", "Maison de santé (L.6223-3)", "MSP", TypeStructure.MSP),
        (
            "500",
            "Etablissement d'hébergement pour personnes âgées dépendantes",
            "EHPAD",
            TypeStructure.MEDICO_SOCIAL,
        ),
        ("202", "Résidence autonomie", "RESIDENCE", TypeStructure.MEDICO_SOCIAL),
        ("354", "Service de Soins Infirmiers A Domicile", "SSIAD", TypeStructure.MEDICO_SOCIAL),
        ("209", "SPASAD", "SPASAD", TypeStructure.MEDICO_SOCIAL),
        ("183", "Institut Médico-Educatif (I.M.E.)", "IME", TypeStructure.MEDICO_SOCIAL),
        ("255", "Maison d'Accueil Spécialisée (M.A.S.)", "MAS", TypeStructure.MEDICO_SOCIAL),
        ("246", "Etablissement et Service d'Aide par le Travail", "ESAT", TypeStructure.MEDICO_SOCIAL),
        ("620", "Pharmacie d'Officine", "PHARMACIE", TypeStructure.OFFICINE),
        # Les autres catégories : les mots du libellé, puis ceux de la raison sociale.
        ("696", "Groupement de coopération sanitaire de moyens", "PARTENAIRES", TypeStructure.GCS),
        ("999", "Autre catégorie", "GCS PARTENAIRES SANTE DU COTENTIN", TypeStructure.GCS),
        ("999", "Centre hospitalier universitaire", "CHU", TypeStructure.CENTRE_HOSPITALIER),
        ("999", "Maison de santé", "MAISON MEDICALE", TypeStructure.MSP),
        ("999", "Maison de Santé pour Maladies Mentales", "CLINIQUE DU PARC", TypeStructure.AUTRE),
        ("999", "Dispositif d'appui à la coordination", "APPUI 50", TypeStructure.DAC),
        ("", "", "DAC DU COTENTIN", TypeStructure.DAC),
        ("", "", "PTA NORD COTENTIN", TypeStructure.DAC),
        ("999", "Foyer de Vie pour Adultes Handicapés", "FOYER", TypeStructure.MEDICO_SOCIAL),
        ("999", "Etablissement pour personnes âgées", "FOYER", TypeStructure.MEDICO_SOCIAL),
        ("999", "Service de soins infirmiers à domicile", "SERVICE", TypeStructure.MEDICO_SOCIAL),
        ("628", "Cabinet de radiologie", "IMAGERIE DU PORT", TypeStructure.AUTRE),
        # « pta » ou « dac » au milieu d'un mot ne comptent pas.
        ("999", "Autre", "ADAPTATION DACIER", TypeStructure.AUTRE),
    ],
)
def test_type_depuis_categorie(categorie, libelle, nom, attendu):
    assert type_depuis_categorie(categorie, libelle, nom) == attendu


@pytest.mark.parametrize(
    ("brut", "attendu"),
    [
        ("0233207000", "02 33 20 70 00"),
        ("233207000", "02 33 20 70 00"),
        ("02.33.20.70.00", "02 33 20 70 00"),
        ("", ""),
        ("3624", "3624"),
    ],
)
def test_formater_telephone(brut, attendu):
    assert formater_telephone(brut) == attendu


# Par le service : rapport, date d'extraction, second passage


def test_le_service_termine_l_import_avec_son_rapport(territoire):
    import_fichier = importer(FICHIER)

    assert import_fichier.statut == StatutImport.TERMINE
    rapport = import_fichier.rapport
    assert {
        cle: rapport[cle] for cle in ("lignes", "crees", "mis_a_jour", "inchanges", "ignores", "rejetes")
    } == {
        "lignes": 24,
        "crees": 7,
        "mis_a_jour": 0,
        "inchanges": 0,
        "ignores": 3,
        "rejetes": 5,
    }
    assert [r["ligne"] for r in rapport["rejets"]] == [5, 8, 11, 13, 22]
    assert import_fichier.resume == RESUME_PREMIER_IMPORT
    # Le nom du fichier ne porte pas de date : c'est celle de la ligne de métadonnées.
    assert import_fichier.date_extraction == date(2026, 11, 2)


def test_la_date_du_nom_du_fichier_est_gardee(territoire, tmp_path):
    chemin = tmp_path / "etalab-cs1100507-stock-20261101-0337.csv"
    shutil.copy(FICHIER, chemin)

    assert importer(chemin).date_extraction == date(2026, 11, 1)


def test_un_second_passage_du_meme_fichier_ne_change_rien(territoire):
    importer(FICHIER)
    avant = {s.finess: (s.pk, s.modifie_le) for s in Structure.objects.all()}

    import_fichier = importer(FICHIER)

    rapport = import_fichier.rapport
    assert (rapport["crees"], rapport["mis_a_jour"], rapport["inchanges"]) == (0, 0, 7)
    assert {s.finess: (s.pk, s.modifie_le) for s in Structure.objects.all()} == avant
    assert commande(FICHIER)[0] == (
        "24 lignes lues : 0 créé, 0 mis à jour, 7 inchangés, 3 ignorés (hors du territoire), 5 rejetés."
    )


def test_un_fichier_plus_recent_met_a_jour_cree_et_signale_les_absents(territoire):
    commande(FICHIER)

    sortie = commande(FICHIER_SUIVANT)

    assert sortie[0] == (
        "17 lignes lues : 1 créé, 4 mis à jour, 2 inchangés, 2 ignorés (hors du territoire), 0 rejeté."
    )
    assert (
        "1 établissement du territoire absent de ce fichier (fermé ?) : il reste dans l'annuaire." in sortie
    )
    assert Structure.objects.count() == 8
    # Le GCS n'est plus dans le fichier : il n'est pas supprimé (d'autres lignes peuvent le citer).
    assert Structure.objects.filter(finess=GCS).exists()
    assert Structure.objects.get(finess=CHPC).telephone == "02 33 20 71 00"
    assert Structure.objects.get(finess=EHPAD_VALOGNES).nom == "EHPAD DU GRAND JARDIN"
    ssiad = Structure.objects.get(finess=SSIAD_VALOGNES)
    assert (ssiad.type, ssiad.commune) == (TypeStructure.MEDICO_SOCIAL, territoire["valognes"])


def test_les_absents_sont_comptes(territoire):
    commande(FICHIER)
    StructureFactory(finess=finess(900), commune=territoire["valognes"])
    StructureFactory(finess=finess(901), commune=territoire["valognes"])
    # Hors du territoire (sans commune de l'agglomération) : pas compté.
    StructureFactory(finess=finess(902, departement="14"), commune=None)

    import_fichier = importer(FICHIER)

    assert import_fichier.rapport["remarques"][-1] == (
        "2 établissements du territoire absents de ce fichier (fermés ?) : ils restent dans l'annuaire."
    )


def test_le_type_change_par_un_agent_est_garde(territoire):
    commande(FICHIER)
    # Le centre de santé des Pieux est en fait le PSLA du secteur : un agent le classe en MSP.
    Structure.objects.filter(finess=CENTRE_DE_SANTE_LES_PIEUX).update(type=TypeStructure.MSP)

    commande(FICHIER_SUIVANT)

    centre = Structure.objects.get(finess=CENTRE_DE_SANTE_LES_PIEUX)
    assert centre.telephone == "02 33 52 02 02"
    assert centre.type == TypeStructure.MSP
    # Sans retouche d'un agent, le type suit la nouvelle catégorie (603 → 124).
    msp = Structure.objects.get(finess=MSP_LA_HAGUE)
    assert (msp.categorie_finess, msp.type) == ("124", TypeStructure.CENTRE_DE_SANTE)


def test_les_champs_des_agents_ne_sont_pas_touches(territoire):
    commande(FICHIER)
    Structure.objects.filter(finess=CHPC).update(
        courriel="contact@ch-cotentin.fr", site_web="https://ch-cotentin.fr"
    )

    commande(FICHIER_SUIVANT)

    chpc = Structure.objects.get(finess=CHPC)
    assert (chpc.courriel, chpc.site_web) == ("contact@ch-cotentin.fr", "https://ch-cotentin.fr")


# Coordonnées


def test_les_coordonnees_lambert_93_sont_converties_en_wgs_84(territoire):
    commande(FICHIER)

    chpc = Structure.objects.get(finess=CHPC)
    assert (chpc.x_lambert93, chpc.y_lambert93) == (365877.3, 6956430.2)
    longitude, latitude = Transformer.from_crs(2154, 4326, always_xy=True).transform(365877.3, 6956430.2)
    assert chpc.latitude == pytest.approx(latitude, abs=1e-4)
    assert chpc.longitude == pytest.approx(longitude, abs=1e-4)
    # Valeur de référence : le CHPC, à Cherbourg.
    assert chpc.latitude == pytest.approx(49.61898, abs=1e-4)
    assert chpc.longitude == pytest.approx(-1.62399, abs=1e-4)
    # Pas de géolocalisation lisible pour la pharmacie (ligne rejetée).
    pharmacie = Structure.objects.get(finess=PHARMACIE_LES_PIEUX)
    assert (pharmacie.x_lambert93, pharmacie.latitude) == (None, None)


def test_des_points_de_reference(territoire, tmp_path):
    origine, paris = finess(101), finess(102)
    chemin = ecrire(
        tmp_path,
        [
            "finess;etalab;100;2026-11-02",
            structureet(nofinesset=origine, rs="ORIGINE", commune="129"),
            structureet(nofinesset=paris, rs="PARIS", commune="129"),
            # L'origine de la projection Lambert-93 : 3° E, 46,5° N par définition.
            geolocalisation(origine, "700000.0", "6600000.0"),
            geolocalisation(paris, "652000", "6862000"),
        ],
    )

    commande(chemin)

    point = Structure.objects.get(finess=origine)
    assert (point.longitude, point.latitude) == pytest.approx((3.0, 46.5), abs=1e-6)
    point = Structure.objects.get(finess=paris)
    assert (point.longitude, point.latitude) == pytest.approx((2.35, 48.85), abs=0.01)


def test_des_coordonnees_hors_lambert_93_ne_sont_pas_reprises(territoire, tmp_path):
    numero = finess(103)
    chemin = ecrire(
        tmp_path,
        [
            "finess;etalab;100;2026-11-02",
            structureet(nofinesset=numero, rs="UTM", commune="129"),
            geolocalisation(
                numero, "651234.5", "1795432.1", source="3,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N20"
            ),
        ],
    )

    commande(chemin)

    structure = Structure.objects.get(finess=numero)
    assert (structure.x_lambert93, structure.latitude, structure.longitude) == (None, None, None)


def test_une_geolocalisation_avant_son_etablissement_et_des_fins_de_ligne_windows(territoire, tmp_path):
    numero = finess(104)
    chemin = tmp_path / "etalab.csv"
    chemin.write_bytes(
        "\r\n".join(
            [
                "finess;etalab;100;2026-11-02",
                geolocalisation(numero, "365877.3", "6956430.2"),
                structureet(nofinesset=numero, rs="CLINIQUE", commune="129", telephone="0233000000"),
                "",
            ]
        ).encode("latin-1")
    )

    commande(chemin)

    structure = Structure.objects.get(finess=numero)
    assert structure.y_lambert93 == 6956430.2
    assert structure.telephone == "02 33 00 00 00"


def test_des_coordonnees_illisibles_sont_rejetees(territoire, tmp_path):
    numero = finess(105)
    chemin = ecrire(
        tmp_path,
        [
            "finess;etalab;100;2026-11-02",
            structureet(nofinesset=numero, rs="CLINIQUE", commune="129"),
            geolocalisation(numero, "abc", "6956430.2"),
        ],
    )

    sortie = commande(chemin)

    assert f"Ligne 3 rejetée : coordonnées « abc ; 6956430.2 » illisibles pour le FINESS {numero}" in sortie
    assert Structure.objects.get(finess=numero).latitude is None


# Fichiers refusés tout de suite


FICHIER_RPPS = (
    "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code civilité d'exercice|"
    "Libellé civilité d'exercice|\n8|10001234567|810001234567|DR|Docteur|\n"
).encode()
ENTETE_CSV = ";".join(CHAMPS_STRUCTUREET[1:])


def _contenu_utf8() -> bytes:
    return FICHIER.read_bytes().decode("latin-1").encode("utf-8")


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        pytest.param(b"", "Le fichier est vide", id="vide"),
        pytest.param(FICHIER_RPPS, "Ce n'est pas l'extraction FINESS d'etalab", id="rpps"),
        pytest.param(
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
            "celle de ce fichier commence par « PK???",
            id="classeur-xlsx",
        ),
        pytest.param(
            (ENTETE_CSV + "\n" + "500000013;500000021;CH\n").encode("latin-1"),
            "Ce fichier commence par une ligne d'en-tête",
            id="en-tete",
        ),
        pytest.param(_contenu_utf8(), "Ce fichier est encodé en UTF-8", id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + _contenu_utf8(), "Ce fichier est encodé en UTF-8", id="utf-8-bom"),
        pytest.param(
            FICHIER.read_bytes().replace(b";", b","),
            "Les champs de ce fichier sont séparés par « , »",
            id="virgules",
        ),
        pytest.param(
            b"finess;etalab;100;2026-11-02\nstructureej;500000021;CH PUBLIC DU COTENTIN\n",
            "La ligne 2 de ce fichier est une ligne « structureej »",
            id="entites-juridiques",
        ),
    ],
)
def test_un_mauvais_fichier_est_refuse_tout_de_suite(territoire, tmp_path, contenu, message):
    chemin = tmp_path / "finess.csv"
    chemin.write_bytes(contenu)

    with pytest.raises(FichierRefuse) as refus:
        importer(chemin)
    assert message in refus.value.message
    with pytest.raises(CommandError) as erreur:
        call_command("importer_finess", str(chemin), stdout=io.StringIO())
    assert message in str(erreur.value)

    assert not ImportFichier.objects.exists()
    assert not Structure.objects.exists()


def test_les_messages_de_refus_disent_ce_qui_est_attendu(territoire, tmp_path):
    chemin = tmp_path / "finess.csv"
    chemin.write_bytes(_contenu_utf8())
    with pytest.raises(FichierRefuse) as refus:
        importer(chemin)
    assert "L'extraction FINESS d'etalab est en Latin-1 (ISO-8859-1)" in refus.value.message

    chemin.write_bytes(FICHIER_RPPS)
    with pytest.raises(FichierRefuse) as refus:
        importer(chemin)
    assert "sa première ligne doit être « finess;etalab;<version>;<AAAA-MM-JJ> »" in refus.value.message
    assert "« Type d'identifiant PP|Identifiant PP|" in refus.value.message


def test_de_l_utf_8_loin_dans_le_fichier_fait_echouer_l_import_sans_rien_ecrire(territoire, tmp_path):
    """La vérification ne lit que le début : un fichier converti dont les accents n'arrivent
    qu'après est arrêté à la lecture, avant toute écriture."""
    lignes = ["finess;etalab;100;2026-11-02"]
    lignes += [
        structureet(
            nofinesset=finess(n, departement="01"), rs=f"ETABLISSEMENT {n}", commune="451", departement="01"
        )
        for n in range(1000)
    ]
    lignes.append(structureet(nofinesset=finess(106), rs="CLINIQUE DE L'ÉTANG", commune="129"))
    chemin = tmp_path / "finess.csv"
    chemin.write_bytes(("\n".join(lignes) + "\n").encode("utf-8"))
    assert chemin.stat().st_size > 65536

    import_fichier = importer(chemin)

    assert import_fichier.statut == StatutImport.ECHOUE
    assert "Ce fichier est encodé en UTF-8 (ligne 1002)" in import_fichier.erreur
    assert not Structure.objects.exists()
    with pytest.raises(CommandError, match=r"encodé en UTF-8 \(ligne 1002\)"):
        call_command("importer_finess", str(chemin), stdout=io.StringIO())


def test_sans_communes_du_territoire_l_import_echoue(db):
    import_fichier = importer(FICHIER)

    assert import_fichier.statut == StatutImport.ECHOUE
    assert "importez d'abord les communes" in import_fichier.erreur
    assert not Structure.objects.exists()


# Une seule transaction, des requêtes en nombre fixe


def test_un_echec_a_l_ecriture_ne_laisse_rien_a_moitie_importe(territoire, monkeypatch):
    commande(FICHIER)
    avant = {s.finess: (s.nom, s.telephone, s.modifie_le) for s in Structure.objects.all()}

    def panne(*args, **kwargs):
        raise RuntimeError("panne de la base au milieu de l'écriture")

    # Les créations (bulk_create) sont faites, puis la mise à jour échoue.
    monkeypatch.setattr(Structure.objects, "bulk_update", panne)
    import_fichier = importer(FICHIER_SUIVANT)

    assert import_fichier.statut == StatutImport.ECHOUE
    assert "rien n'a été enregistré" in import_fichier.erreur
    assert not Structure.objects.filter(finess=SSIAD_VALOGNES).exists()
    assert {s.finess: (s.nom, s.telephone, s.modifie_le) for s in Structure.objects.all()} == avant
    with pytest.raises(CommandError, match="erreur inattendue"):
        call_command("importer_finess", str(FICHIER_SUIVANT), stdout=io.StringIO())
    assert not Structure.objects.filter(finess=SSIAD_VALOGNES).exists()


def _requetes_pour(dossier: Path, numeros: range) -> int:
    lignes = ["finess;etalab;100;2026-11-02"]
    lignes += [structureet(nofinesset=finess(n), rs=f"CABINET {n}", commune="129") for n in numeros]
    lignes += [geolocalisation(finess(n), "365877.3", "6956430.2") for n in numeros]
    chemin = ecrire(dossier, lignes, nom=f"finess-{numeros.start}.csv")
    import_fichier = ImportFichier.objects.create(type=TypeImport.FINESS)
    with chemin.open("rb") as flux, CaptureQueriesContext(connection) as requetes:
        rapport = importeur_pour(TypeImport.FINESS).importer(
            Fichiers(principal=flux, nom=chemin.name), import_fichier=import_fichier, suivi=sans_suivi
        )
    assert rapport.crees + rapport.mis_a_jour == len(numeros)
    return len(requetes)


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_d_etablissements(territoire, tmp_path):
    peu, beaucoup = range(1000, 1003), range(2000, 2060)
    assert _requetes_pour(tmp_path, peu) == _requetes_pour(tmp_path, beaucoup)
    # Puis des mises à jour : les noms ont changé depuis.
    Structure.objects.update(nom="ANCIEN NOM")
    assert _requetes_pour(tmp_path, peu) == _requetes_pour(tmp_path, beaucoup)
