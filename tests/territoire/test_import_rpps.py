"""Import RPPS (extraction « PS_LibreAcces_Personne_activite » de l'Annuaire Santé) : chaque
règle, sur les deux petits fichiers au format officiel de tests/data."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from territoire.models import (
    Commune,
    ImportFichier,
    LieuExercice,
    ModeExercice,
    Profession,
    Professionnel,
    ReleveEffectifs,
    Specialite,
    StatutImport,
    TypeImport,
)
from tests.territoire.factories import StructureFactory, finess, rpps

pytestmark = pytest.mark.django_db

DONNEES = Path(__file__).resolve().parents[1] / "data"
OCTOBRE = DONNEES / "rpps_PS_LibreAcces_Personne_activite_202610010800.txt"
NOVEMBRE = DONNEES / "rpps_PS_LibreAcces_Personne_activite_202611010800.txt"

GUIGNARD = "10001045367"
LEFEBVRE, MARIE, DUBOIS, HEBERT, GUERIN, ROBERT, PETIT, MOREAU = (rpps(n) for n in range(1, 9))
LEROY = rpps(16)  # seulement dans le fichier de novembre


@pytest.fixture
def territoire(db) -> dict[str, Commune]:
    """Les communes et pôles de l'agglomération, importés des fichiers de l'INSEE ; le CHPC
    (connu par son FINESS) et un laboratoire (connu par son SIRET)."""
    call_command(
        "importer_communes",
        str(DONNEES / "cog_communes.csv"),
        str(DONNEES / "epci_composition.xlsx"),
        poles=str(DONNEES / "poles.csv"),
        stdout=io.StringIO(),
    )
    return {c.code_insee: c for c in Commune.objects.all()}


@pytest.fixture
def chpc(territoire):
    assert finess(1) == "500000013"
    return StructureFactory(nom="CHPC", finess=finess(1), commune=territoire["50129"])


@pytest.fixture
def laboratoire(territoire):
    return StructureFactory(
        nom="Laboratoire", finess=None, siret="85131528300016", commune=territoire["50129"]
    )


def importer(fichier: Path, **options: object) -> str:
    sortie = io.StringIO()
    call_command("importer_rpps", str(fichier), stdout=sortie, **options)
    return sortie.getvalue()


def refus(fichier: Path) -> str:
    with pytest.raises(CommandError) as erreur:
        importer(fichier)
    assert not ImportFichier.objects.filter(type=TypeImport.RPPS).exists()
    assert not Professionnel.objects.exists()
    return str(erreur.value)


def pro(numero: str) -> Professionnel:
    return Professionnel.objects.select_related("profession", "specialite").get(rpps=numero)


def lieux(numero: str) -> list[LieuExercice]:
    return list(
        LieuExercice.objects.filter(professionnel__rpps=numero).order_by("identifiant_structure", "mode")
    )


def contraindre(table: str, condition: str) -> None:
    with connection.cursor() as curseur:
        # Les clés étrangères différées des écritures précédentes doivent passer avant l'ALTER.
        curseur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        curseur.execute(f"ALTER TABLE {table} ADD CONSTRAINT test_echec CHECK ({condition})")
        curseur.execute("SET CONSTRAINTS ALL DEFERRED")


def test_premier_import_du_territoire(territoire, chpc, laboratoire):
    sortie = importer(OCTOBRE)

    assert (
        "25 lignes lues : 9 créés, 0 mis à jour, 0 inchangé, 6 ignorés (hors du territoire), 6 rejetés."
        in sortie
    )
    assert set(Professionnel.objects.values_list("rpps", flat=True)) == {
        GUIGNARD,
        LEFEBVRE,
        MARIE,
        DUBOIS,
        HEBERT,
        GUERIN,
        ROBERT,
        PETIT,
        MOREAU,
    }
    assert not Professionnel.objects.filter(actif=False).exists()
    import_fichier = ImportFichier.objects.get(type=TypeImport.RPPS)
    assert import_fichier.statut == StatutImport.TERMINE
    assert import_fichier.date_extraction == date(2026, 10, 1)


def test_les_lignes_mal_formees_sont_rejetees_avec_leur_numero_et_leur_motif(territoire):
    sortie = importer(OCTOBRE)

    rejets = {
        r["ligne"]: r["motif"] for r in ImportFichier.objects.get(type=TypeImport.RPPS).rapport["rejets"]
    }
    assert rejets == {
        21: "La ligne compte 50 champs au lieu de 53 (séparés par « | »).",
        22: "Numéro RPPS « 10000000141 » invalide : 11 chiffres dont une clé de contrôle sont attendus.",
        23: "Le nom d'exercice du RPPS 10000000157 est vide.",
        24: "Mode d'exercice « X » inconnu : L (libéral), S (salarié) ou B (bénévole) est attendu.",
        25: "Identifiant ADELI 509876543 (type 0) : seuls les professionnels inscrits au RPPS (type 8) "
        "sont gardés.",
        26: "La ligne compte 36 champs au lieu de 53 (séparés par « | »).",
    }
    assert "Ligne 25 rejetée : Identifiant ADELI 509876543" in sortie
    # La ligne mal formée de Caen (20) est hors du territoire : ignorée, pas rejetée.
    assert 20 not in rejets


def test_la_fiche_suit_les_colonnes_du_fichier(territoire, laboratoire):
    importer(OCTOBRE)

    guignard = pro(GUIGNARD)
    # Le prénom, en capitales dans le RPPS, s'écrit comme un prénom ; le nom garde ses capitales.
    assert (guignard.civilite, guignard.nom, guignard.prenom) == ("Docteur", "GUIGNARD", "Eric")
    assert (guignard.profession.code, guignard.profession.libelle) == ("10", "Médecin")
    assert (guignard.specialite.code, guignard.specialite.libelle) == (
        "SM49",
        "Santé publique et médecine sociale",
    )
    assert guignard.mode_exercice == ModeExercice.SALARIE
    (lieu,) = lieux(GUIGNARD)
    assert lieu.structure == laboratoire  # trouvée par le SIRET du site
    assert lieu.identifiant_structure == "R10100000328372"
    assert (lieu.mode, lieu.code_secteur, lieu.secteur) == ("S", "SA32", "Fab. Exploit. Import. Méd. DM")
    assert lieu.raison_sociale == "LABORATOIRE DU COTENTIN"
    assert lieu.adresse == "12 Rue DES CARRIÈRES"
    assert (lieu.code_postal, lieu.commune) == ("50100", territoire["50129"])
    # Le numéro s'écrit comme en France, par paires de chiffres.
    assert (lieu.telephone, lieu.courriel) == ("02 33 00 00 01", "contact@labo-cotentin.fr")
    assert (lieu.siret_site, lieu.finess_site) == ("85131528300016", "")


def test_liberal_et_salarie_donnent_mixte_et_deux_lieux(territoire, chpc):
    importer(OCTOBRE)

    lefebvre = pro(LEFEBVRE)
    assert lefebvre.mode_exercice == ModeExercice.MIXTE
    assert lefebvre.civilite == "Docteur"
    hopital, cabinet = lieux(LEFEBVRE)  # par identifiant de structure : le CHPC d'abord
    assert (cabinet.mode, cabinet.commune, cabinet.structure) == ("L", territoire["50615"], None)
    assert cabinet.adresse == "3 B Rue DU CASTELET"
    assert cabinet.courriel == ""  # adresse invalide : laissée vide, la ligne n'est pas rejetée
    assert (hopital.mode, hopital.structure, hopital.finess_site) == ("S", chpc, "500000013")
    # Son activité de Caen est hors du territoire.
    assert len(lieux(LEFEBVRE)) == 2
    assert pro(MOREAU).mode_exercice == ModeExercice.SALARIE
    assert lieux(MOREAU)[0].structure == chpc


def test_un_ancien_code_de_commune_mene_a_la_commune_actuelle(territoire):
    importer(OCTOBRE)

    (lieu,) = lieux(MARIE)  # Jobourg, commune déléguée de La Hague
    assert lieu.commune == territoire["50041"]
    tourlaville = next(lieu for lieu in lieux(GUERIN) if lieu.identifiant_structure == "R10000000000089")
    assert tourlaville.commune == territoire["50129"]


def test_civilite_d_exercice_sinon_civilite(territoire):
    importer(OCTOBRE)

    assert pro(PETIT).civilite == "Professeur"
    assert pro(MARIE).civilite == "Madame"
    assert pro(DUBOIS).civilite == "Monsieur"


def test_specialite_ordinale_sinon_premier_savoir_faire(territoire):
    importer(OCTOBRE)

    assert pro(GUERIN).specialite.code == "SM26"  # la spécialité ordinale, citée en second
    assert pro(ROBERT).specialite.code == "C12"  # une compétence seulement
    assert pro(HEBERT).specialite is None
    assert pro(MARIE).specialite is None
    assert set(Specialite.objects.values_list("code", flat=True)) == {"SM49", "SM54", "SM26", "SM40", "C12"}
    assert dict(Profession.objects.values_list("code", "libelle")) == {
        "10": "Médecin",
        "21": "Pharmacien",
        "50": "Sage-Femme",
        "60": "Infirmier",
        "70": "Masseur-Kinésithérapeute",
    }


def test_benevole_seulement_compte_comme_salarie(territoire):
    importer(OCTOBRE)

    assert pro(ROBERT).mode_exercice == ModeExercice.SALARIE
    assert [lieu.mode for lieu in lieux(ROBERT)] == ["B"]


def test_deux_lignes_de_la_meme_activite_se_fondent(territoire):
    importer(OCTOBRE)

    (lieu,) = lieux(DUBOIS)
    assert (lieu.telephone, lieu.courriel) == ("02 33 52 34 56", "kine.lespieux@exemple.fr")
    assert lieu.adresse == "5 Avenue DE LA GARE"


def test_complements_et_enseigne(territoire):
    importer(OCTOBRE)

    (lieu,) = lieux(HEBERT)
    assert lieu.complement_adresse == "SERVICE OFFICINE, RÉSIDENCE LES TILLEULS"
    assert lieu.enseigne == "PHARMACIE DU DONJON"
    assert lieu.adresse == "2 Place SAINTE-ANNE"


def test_un_second_import_du_meme_fichier_ne_change_rien(territoire, chpc):
    importer(OCTOBRE)
    professionnels = dict(Professionnel.objects.values_list("rpps", "pk"))
    lieux_avant = set(
        LieuExercice.objects.values_list("pk", "professionnel_id", "identifiant_structure", "mode")
    )

    sortie = importer(OCTOBRE)

    assert "0 créé, 0 mis à jour, 9 inchangés, 6 ignorés (hors du territoire), 6 rejetés." in sortie
    assert dict(Professionnel.objects.values_list("rpps", "pk")) == professionnels
    assert set(
        LieuExercice.objects.values_list("pk", "professionnel_id", "identifiant_structure", "mode")
    ) == (lieux_avant)


def test_le_fichier_suivant_met_a_jour_cree_et_retire(territoire):
    importer(OCTOBRE)

    sortie = importer(NOVEMBRE)

    assert "1 créé, 1 mis à jour, 7 inchangés, 6 ignorés (hors du territoire), 6 rejetés, 1 retiré." in sortie
    assert "1 professionnel n'est plus cité sur le territoire" in sortie
    assert lieux(MARIE)[0].adresse == "9 Rue DU NEZ"
    assert pro(ROBERT).actif is False  # gardée, mais n'exerce plus sur le territoire
    assert lieux(ROBERT)  # ses lieux restent pour l'historique
    leroy = pro(LEROY)
    assert (leroy.nom, leroy.actif, leroy.specialite.code) == ("LEROY", True, "SM54")
    assert Professionnel.objects.count() == 10


def test_un_professionnel_qui_revient_est_reactive(territoire):
    importer(OCTOBRE)
    importer(NOVEMBRE)

    sortie = importer(OCTOBRE)

    assert "0 créé, 2 mis à jour, 7 inchangés, 6 ignorés (hors du territoire), 6 rejetés, 1 retiré." in sortie
    assert pro(ROBERT).actif is True
    assert pro(LEROY).actif is False


def test_un_lieu_disparu_est_supprime_et_le_professionnel_mis_a_jour(territoire, tmp_path):
    importer(OCTOBRE)
    lignes = OCTOBRE.read_text(encoding="utf-8").splitlines(keepends=True)
    sans_valognes = [ligne for ligne in lignes if "CABINET DE PEDIATRIE DE VALOGNES" not in ligne]
    fichier = tmp_path / "PS_LibreAcces_Personne_activite_202610150800.txt"
    fichier.write_text("".join(sans_valognes), encoding="utf-8")

    sortie = importer(fichier)

    assert "0 créé, 1 mis à jour, 8 inchangés" in sortie
    assert [lieu.commune.code_insee for lieu in lieux(PETIT)] == ["50129"]


# --- Relevé des effectifs -----------------------------------------------------------------


def releve(jour: date) -> dict[tuple[str, str | None, str | None], int]:
    return {
        (
            r.profession.code,
            r.specialite.code if r.specialite else None,
            r.pole.nom if r.pole else None,
        ): r.effectif
        for r in ReleveEffectifs.objects.filter(date=jour).select_related("profession", "specialite", "pole")
    }


def test_le_releve_des_effectifs_compte_par_pole_et_pour_tout_le_territoire(territoire):
    importer(OCTOBRE)

    cherbourg, coeur, hague, pieux = "Cherbourg-en-Cotentin", "Cœur du Cotentin", "La Hague", "Les Pieux"
    assert releve(date(2026, 10, 1)) == {
        # Toutes spécialités : par pôle (la pédiatre de Cherbourg et Valognes compte dans les
        # deux pôles) et pour le territoire (elle n'y compte qu'une fois).
        ("10", None, cherbourg): 4,
        ("10", None, coeur): 2,
        ("10", None, None): 4,
        ("60", None, cherbourg): 1,
        ("60", None, hague): 1,
        ("60", None, None): 2,
        ("70", None, pieux): 1,
        ("70", None, None): 1,
        ("21", None, coeur): 1,
        ("21", None, None): 1,
        ("50", None, coeur): 1,
        ("50", None, None): 1,
        # Par spécialité.
        ("10", "SM49", cherbourg): 1,
        ("10", "SM49", None): 1,
        ("10", "SM54", cherbourg): 1,
        ("10", "SM54", coeur): 1,
        ("10", "SM54", None): 1,
        ("10", "SM26", cherbourg): 1,
        ("10", "SM26", None): 1,
        ("10", "SM40", cherbourg): 1,
        ("10", "SM40", coeur): 1,
        ("10", "SM40", None): 1,
        ("50", "C12", coeur): 1,
        ("50", "C12", None): 1,
    }
    assert set(ReleveEffectifs.objects.values_list("import_fichier__type", flat=True)) == {TypeImport.RPPS}


def test_chaque_import_garde_son_releve_date_et_seuls_les_actifs_comptent(territoire):
    importer(OCTOBRE)
    importer(NOVEMBRE)

    octobre, novembre = releve(date(2026, 10, 1)), releve(date(2026, 11, 1))
    assert octobre[("50", None, None)] == 1
    assert ("50", None, None) not in novembre  # la sage-femme est retirée
    assert ("10", None, "Les Pieux") not in octobre
    assert novembre[("10", None, "Les Pieux")] == 1
    assert novembre[("10", None, None)] == 5
    assert novembre[("10", "SM54", None)] == 2


def test_un_fichier_reimporte_remplace_le_releve_de_sa_date(territoire):
    importer(OCTOBRE)
    importer(OCTOBRE)

    dernier = ImportFichier.objects.filter(type=TypeImport.RPPS).latest("pk")
    assert set(ReleveEffectifs.objects.values_list("import_fichier", flat=True)) == {dernier.pk}
    assert len(releve(date(2026, 10, 1))) == 24


def test_la_date_donnee_a_la_commande_date_le_releve(territoire):
    importer(OCTOBRE, date_extraction=date(2026, 12, 31))

    assert set(ReleveEffectifs.objects.values_list("date", flat=True)) == {date(2026, 12, 31)}


# --- Variantes du format ------------------------------------------------------------------


def test_les_variantes_d_en_tete_et_les_colonnes_ajoutees_sont_acceptees(territoire, tmp_path):
    entete, *lignes = OCTOBRE.read_text(encoding="utf-8").splitlines()
    entete = entete.replace("Libellé civilité d'exercice", "Libellé civilité exercice")
    entete = entete.replace("(coord. structure)", "(coord. Structure)").replace(
        "Code profession", "code  profession"
    )
    entete += "Code rôle|Libellé rôle|Code genre activité|Libellé genre activité|"
    lignes = [ligne + "FON|Fonction|GENR01|Activité standard|" for ligne in lignes]
    fichier = tmp_path / "PS_LibreAcces_Personne_activite_202610010800.txt"
    fichier.write_text("\ufeff" + "\r\n".join([entete, *lignes]) + "\r\n", encoding="utf-8")

    sortie = importer(fichier)

    assert "9 créés" in sortie
    assert pro(PETIT).civilite == "Professeur"
    assert lieux(MARIE)[0].commune == territoire["50041"]


# --- Mauvais fichiers : refusés tout de suite, rien n'est écrit ---------------------------


def test_un_fichier_en_latin_1_est_refuse(territoire, tmp_path):
    fichier = tmp_path / "rpps.txt"
    fichier.write_bytes(OCTOBRE.read_text(encoding="utf-8").encode("latin-1"))

    message = refus(fichier)

    assert "Ce fichier n'est pas encodé en UTF-8" in message
    assert "PS_LibreAcces_Personne_activite" in message


def test_un_fichier_finess_est_refuse(territoire, tmp_path):
    fichier = tmp_path / "etalab.csv"
    fichier.write_text("finess;etalab;95;2026-11-01\nstructureet;500000013;...\n", encoding="utf-8")

    message = refus(fichier)

    assert "Ce fichier est séparé par « ; » et non par « | »" in message


def test_les_colonnes_manquantes_sont_nommees(territoire, tmp_path):
    entete, *lignes = OCTOBRE.read_text(encoding="utf-8").splitlines(keepends=True)
    entete = entete.replace("|Code commune (coord. structure)|", "|Commune|").replace(
        "|Nom d'exercice|", "|Nom|"
    )
    fichier = tmp_path / "rpps.txt"
    fichier.write_text(entete + "".join(lignes), encoding="utf-8")

    message = refus(fichier)

    assert (
        "Il manque à ce fichier les colonnes « Nom d'exercice », « Code commune (coord. structure) »"
        in message
    )


def test_un_classeur_est_refuse(territoire):
    message = refus(DONNEES / "epci_composition.xlsx")

    assert "Ce fichier est un classeur ou une archive (zip)" in message


def test_sans_communes_l_import_est_refuse():
    message = refus(OCTOBRE)

    assert "importez d'abord les communes" in message


def test_un_fichier_sans_ligne_du_territoire_echoue_sans_rien_retirer(territoire, tmp_path):
    importer(OCTOBRE)
    lignes = OCTOBRE.read_text(encoding="utf-8").splitlines(keepends=True)
    fichier = tmp_path / "PS_LibreAcces_Personne_activite_202612010800.txt"
    fichier.write_text(lignes[0] + "".join(ligne for ligne in lignes if "|14118|" in ligne), encoding="utf-8")

    with pytest.raises(CommandError, match="Aucune ligne valide de ce fichier n'est sur le territoire"):
        importer(fichier)

    assert not Professionnel.objects.filter(actif=False).exists()
    assert ImportFichier.objects.filter(statut=StatutImport.ECHOUE).count() == 1


def test_un_echec_au_milieu_de_l_ecriture_ne_laisse_rien_a_moitie_importe(territoire):
    importer(OCTOBRE)
    avant = {
        "professionnels": set(Professionnel.objects.values_list("rpps", "actif", "modifie_le")),
        "lieux": set(LieuExercice.objects.values_list("pk", "adresse")),
        "releves": ReleveEffectifs.objects.count(),
    }
    # Le lieu du nouveau venu de novembre viole la contrainte : professionnels, retraits et
    # lieux déjà écrits dans la transaction doivent être annulés avec lui.
    contraindre("territoire_lieuexercice", "raison_sociale <> 'MAISON DE SANTE DES PIEUX'")

    with pytest.raises(CommandError, match="erreur inattendue : rien n'a été enregistré"):
        importer(NOVEMBRE)

    assert set(Professionnel.objects.values_list("rpps", "actif", "modifie_le")) == avant["professionnels"]
    assert set(LieuExercice.objects.values_list("pk", "adresse")) == avant["lieux"]
    assert ReleveEffectifs.objects.count() == avant["releves"]
    assert not ReleveEffectifs.objects.filter(date=date(2026, 11, 1)).exists()
    assert ImportFichier.objects.filter(type=TypeImport.RPPS).latest("pk").statut == StatutImport.ECHOUE


# --- Pas de requête par ligne ---------------------------------------------------------------


def _fichier_de(tmp_path: Path, personnes: int, variante: str = "") -> Path:
    entete, modele = OCTOBRE.read_text(encoding="utf-8").splitlines()[:2]
    modele = modele.replace("GUIGNARD", "GUIGNARD" + variante).replace(
        "DES CARRIÈRES", "DES CARRIÈRES" + variante
    )
    lignes = [entete]
    for n in range(personnes):
        ligne = modele.replace(GUIGNARD, rpps(1000 + n)).replace("R10100000328372", f"R{n:014d}")
        lignes.append(ligne.replace("|50129|", "|50615|" if n % 2 else "|50602|"))
    fichier = tmp_path / f"PS_LibreAcces_Personne_activite_{personnes}{variante}.txt"
    fichier.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    return fichier


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_lignes(territoire, tmp_path):
    def requetes(fichier: Path) -> int:
        with CaptureQueriesContext(connection) as capture:
            importer(fichier)
        return len(capture)

    def mesurer(personnes: int) -> tuple[int, int, int]:
        ReleveEffectifs.objects.all().delete()
        Professionnel.objects.all().delete()
        Profession.objects.all().delete()
        Specialite.objects.all().delete()
        creation = requetes(_fichier_de(tmp_path, personnes))
        mise_a_jour = requetes(_fichier_de(tmp_path, personnes, variante="-BIS"))
        sans_changement = requetes(_fichier_de(tmp_path, personnes, variante="-BIS"))
        assert Professionnel.objects.filter(nom="GUIGNARD-BIS").count() == personnes
        return creation, mise_a_jour, sans_changement

    assert mesurer(5) == mesurer(60)


@pytest.mark.parametrize(
    ("dans_le_fichier", "affiche"),
    [
        ("ERIC", "Eric"),
        ("JEAN-PIERRE", "Jean-Pierre"),
        ("MARIE-HÉLÈNE", "Marie-Hélène"),
        ("Zoé", "Zoé"),
        ("", ""),
    ],
)
def test_prenom_usuel(dans_le_fichier, affiche):
    from territoire.importeurs.rpps import prenom_usuel

    assert prenom_usuel(dans_le_fichier) == affiche
