"""L'administration des imports : dépôt d'un fichier, refus sur le bon champ, page de suivi
en lecture seule avec son rapport, bloc d'état pour htmx, droits et requêtes."""

from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from territoire.models import Commune, ImportFichier, StatutImport, TypeImport
from tests.outils import compter_requetes

pytestmark = pytest.mark.django_db

DONNEES = Path(__file__).resolve().parents[1] / "data"
COG = DONNEES / "cog_communes.csv"
EPCI = DONNEES / "epci_composition.xlsx"
POPULATIONS = DONNEES / "populations.csv"
LISTE = "/admin/territoire/importfichier/"
AJOUT = "/admin/territoire/importfichier/add/"


def page(pk: int) -> str:
    return f"/admin/territoire/importfichier/{pk}/change/"


def etat(pk: int) -> str:
    return f"/admin/territoire/importfichier/{pk}/etat/"


def fichier(chemin: Path, nom: str | None = None, contenu: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(nom or chemin.name, chemin.read_bytes() if contenu is None else contenu)


def depot_communes(**fichiers: object) -> dict[str, object]:
    donnees: dict[str, object] = {
        "type": TypeImport.COMMUNES,
        "fichier": fichier(COG, "v_commune_2026.csv"),
        "fichier_epci": fichier(EPCI, "Intercommunalite_Metropole_au_01-01-2026.xlsx"),
        "fichier_populations": fichier(POPULATIONS),
        "date_extraction": "",
        "_save": "Enregistrer",
    }
    donnees.update(fichiers)
    return {cle: valeur for cle, valeur in donnees.items() if valeur is not None}


def fichiers_stockes() -> set[Path]:
    racine = Path(storages["documents"].location)
    return {chemin for chemin in racine.rglob("*") if chemin.is_file()}


@pytest.fixture
def import_termine(agent, client_de, django_capture_on_commit_callbacks) -> ImportFichier:
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_de("agent").post(AJOUT, depot_communes())
    assert reponse.status_code == 302, reponse.context["adminform"].form.errors
    return ImportFichier.objects.get()


def test_la_page_d_ajout_propose_le_type_et_les_fichiers(client_de):
    reponse = client_de("agent").get(AJOUT)

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    for champ in ("id_type", "id_fichier", "id_fichier_epci", "id_fichier_populations", "id_date_extraction"):
        assert f'id="{champ}"' in contenu
    assert 'enctype="multipart/form-data"' in contenu
    assert "Import des communes seulement, obligatoire" in contenu
    assert "Import des communes seulement, facultatif" in contenu
    assert 'type="date"' in contenu


@pytest.mark.parametrize(
    ("fichiers", "champ", "message"),
    [
        ({"fichier": fichier(EPCI, "v_commune_2026.csv")}, "fichier", "est un classeur ou une archive (zip)"),
        (
            {"fichier": fichier(COG, contenu=COG.read_text(encoding="utf-8").encode("latin-1"))},
            "fichier",
            "n'est pas encodé en UTF-8",
        ),
        ({"fichier_epci": fichier(COG, "epci.xlsx")}, "fichier_epci", "n'est pas un classeur Excel (.xlsx)"),
        ({"fichier_epci": None}, "fichier_epci", "Le classeur de composition des EPCI manque"),
        (
            {"fichier_populations": fichier(POPULATIONS, contenu=b"CODGEO;PMUN\n50129;77634\n")},
            "fichier_populations",
            "séparé par des points-virgules",
        ),
        (
            {"type": TypeImport.RPPS, "fichier": fichier(COG), "fichier_populations": None},
            "fichier_epci",
            "Ce fichier ne sert qu'à l'import des communes.",
        ),
        (
            {"fichier": fichier(COG, contenu=COG.read_text(encoding="utf-8").encode("utf-16"))},
            "fichier",
            "Ce fichier est encodé en UTF-16 (« Texte Unicode » d'un tableur), pas en UTF-8",
        ),
        (
            {"fichier": fichier(COG, contenu=COG.read_text(encoding="utf-8").encode("utf-16-le"))},
            "fichier",
            "Ce fichier est encodé en UTF-16",
        ),
        (
            {
                "type": TypeImport.FINESS,
                "fichier": fichier(DONNEES / "finess_etalab.csv", contenu="finess;etalab".encode("utf-16")),
                "fichier_epci": None,
                "fichier_populations": None,
            },
            "fichier",
            "Ce fichier est encodé en UTF-16",
        ),
    ],
    ids=[
        "classeur-pour-cog",
        "cog-latin-1",
        "csv-pour-epci",
        "epci-manquant",
        "populations-;",
        "epci-pour-rpps",
        "cog-utf-16",
        "cog-utf-16-sans-marque",
        "finess-utf-16",
    ],
)
def test_un_mauvais_fichier_est_refuse_sur_son_champ_et_rien_n_est_garde(
    client_de, fichiers, champ, message, django_capture_on_commit_callbacks
):
    avant = fichiers_stockes()
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        reponse = client_de("agent").post(AJOUT, depot_communes(**fichiers))

    assert reponse.status_code == 200
    erreurs = reponse.context["adminform"].form.errors
    assert list(erreurs) == [champ]
    assert message in erreurs[champ][0]
    assert escape(message) in reponse.content.decode()
    assert not ImportFichier.objects.exists()
    assert not rappels
    assert fichiers_stockes() == avant


def test_un_fichier_est_obligatoire(client_de):
    reponse = client_de("agent").post(AJOUT, depot_communes(fichier=None))

    assert reponse.status_code == 200
    assert list(reponse.context["adminform"].form.errors) == ["fichier"]
    assert not ImportFichier.objects.exists()


def test_un_depot_valide_cree_l_import_le_lance_et_mene_a_sa_page(
    agent, client_de, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        reponse = client_de("agent").post(AJOUT, depot_communes(date_extraction="2026-01-01"))

    import_fichier = ImportFichier.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == page(import_fichier.pk)
    assert len(rappels) >= 1  # la tâche (Celery « eager » dans les tests) après validation
    assert import_fichier.statut == StatutImport.TERMINE
    assert import_fichier.lance_par == agent
    assert import_fichier.nom_fichier == "v_commune_2026.csv"
    assert import_fichier.date_extraction.isoformat() == "2026-01-01"
    assert Commune.objects.count() == 5
    assert Commune.objects.get(code_insee="50129").population == 77634


def test_la_page_de_l_import_montre_le_rapport_en_lecture_seule(client_de, import_termine):
    reponse = client_de("agent").get(page(import_termine.pk))

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "<caption>Rapport de l'import</caption>" in contenu
    assert '<th scope="row">Créés</th><td>5</td>' in contenu
    assert '<th scope="row">Ignorés (hors du territoire)</th><td>5</td>' in contenu
    assert '<th scope="row">Rejetés</th><td>1</td>' in contenu
    assert "1 ligne rejetée" in contenu
    assert (
        "<td>12</td><td>Classeur des EPCI, ligne 12 : la commune 50384 (Octeville-l&#x27;Avenel)" in contenu
    )
    assert "Fichier des populations : 1 ligne hors du territoire ignorée." in contenu
    # Fini : plus d'interrogation périodique ni de barre d'avancement ; rien à modifier.
    assert "hx-get" not in contenu
    assert "<progress" not in contenu
    assert 'name="_save"' not in contenu
    assert "/delete/" in contenu  # un import fini peut être supprimé


def test_la_page_d_un_import_en_cours_se_rafraichit(client_de, agent):
    import_fichier = ImportFichier.objects.create(
        type=TypeImport.RPPS,
        nom_fichier="PS_LibreAcces_Personne_activite_202611230845.txt",
        statut=StatutImport.EN_COURS,
        etape="lecture",
        progression=42,
        lignes_lues=840_000,
        lance_par=agent,
    )

    contenu = client_de("agent").get(page(import_fichier.pk)).content.decode()

    assert f'hx-get="{etat(import_fichier.pk)}"' in contenu
    assert 'hx-trigger="every 2s"' in contenu
    assert 'hx-swap="outerHTML"' in contenu
    assert '<progress id="progression-import" value="42" max="100">' in contenu
    assert '<label for="progression-import">Avancement</label>' in contenu
    assert "Lecture du fichier" in contenu
    assert "vendor/htmx-2.0.11/htmx.min.js" in contenu
    assert "/delete/" not in contenu  # pas de suppression d'un import qui tourne
    assert client_de("agent").get(f"{LISTE}{import_fichier.pk}/delete/").status_code == 403


def test_le_bloc_d_etat_arrete_l_interrogation_une_fois_fini(client_de, agent):
    import_fichier = ImportFichier.objects.create(
        type=TypeImport.RPPS, statut=StatutImport.EN_COURS, etape="ecriture", progression=99, lance_par=agent
    )
    client = client_de("agent")

    en_cours = client.get(etat(import_fichier.pk))
    assert en_cours.status_code == 200
    assert en_cours.content.decode().lstrip().startswith('<section id="etat-import"')
    assert 'hx-trigger="every 2s"' in en_cours.content.decode()
    assert "Enregistrement dans la base" in en_cours.content.decode()
    assert "<html" not in en_cours.content.decode()

    ImportFichier.objects.filter(pk=import_fichier.pk).update(
        statut=StatutImport.ECHOUE, erreur="Le fichier n'est pas celui attendu.", progression=0
    )
    fini = client.get(etat(import_fichier.pk)).content.decode()
    assert "hx-get" not in fini and "hx-trigger" not in fini
    assert '<p class="errornote">Le fichier n&#x27;est pas celui attendu.</p>' in fini


def test_le_bloc_d_etat_d_un_import_inconnu_repond_404(client_de):
    assert client_de("agent").get(etat(999_999)).status_code == 404


def test_les_rejets_au_dela_du_detail_sont_signales(client_de, agent):
    rejets = [{"ligne": n, "motif": "Mode d'exercice inconnu"} for n in range(2, 502)]
    import_fichier = ImportFichier.objects.create(
        type=TypeImport.RPPS,
        statut=StatutImport.TERMINE,
        rapport={"lignes": 2000, "rejetes": 1200, "rejets": rejets},
        lance_par=agent,
    )

    contenu = client_de("agent").get(page(import_fichier.pk)).content.decode()

    assert "1200 lignes rejetées" in contenu
    assert "Seuls les 500 premiers rejets sont détaillés, sur 1200." in contenu
    assert contenu.count("Mode d&#x27;exercice inconnu") == 500


def test_la_liste_des_imports(client_de, import_termine):
    reponse = client_de("agent").get(LISTE)

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "v_commune_2026.csv" in contenu
    assert "23 lignes lues : 5 créés" in contenu
    assert "agent@exemple.fr" in contenu or str(import_termine.lance_par) in contenu
    assert "delete_selected" not in contenu  # pas de suppression en masse


# --- Droits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "liste", "ajout", "page_import", "bloc_etat"),
    [
        ("anonyme", 302, 302, 302, 302),
        ("professionnel", 302, 302, 302, 302),
        ("membre_college", 302, 302, 302, 302),
        ("secretariat", 200, 403, 200, 200),
        ("agent", 200, 200, 200, 200),
        ("superutilisateur", 200, 200, 200, 200),
    ],
)
def test_droits_sur_les_imports(client_de, agent, persona, liste, ajout, page_import, bloc_etat):
    import_fichier = ImportFichier.objects.create(type=TypeImport.RPPS, lance_par=agent)
    client = client_de(persona)

    assert client.get(LISTE).status_code == liste
    assert client.get(AJOUT).status_code == ajout
    assert client.get(page(import_fichier.pk)).status_code == page_import
    assert client.get(etat(import_fichier.pk)).status_code == bloc_etat


def test_le_secretariat_ne_peut_pas_deposer(client_de):
    reponse = client_de("secretariat").post(AJOUT, depot_communes())

    assert reponse.status_code == 403
    assert not ImportFichier.objects.exists()


def test_un_professionnel_est_renvoye_vers_la_connexion(client_de, agent):
    import_fichier = ImportFichier.objects.create(type=TypeImport.RPPS, lance_par=agent)

    reponse = client_de("professionnel").get(etat(import_fichier.pk))

    assert reponse.status_code == 302
    assert "/admin/login/" in reponse["Location"]


def test_sans_droit_de_voir_les_imports_le_bloc_d_etat_est_refuse(client_de, agent):
    import_fichier = ImportFichier.objects.create(type=TypeImport.RPPS, lance_par=agent)
    agent.groups.clear()  # membre du personnel, mais sans le droit territoire.view_importfichier

    assert client_de("agent").get(etat(import_fichier.pk)).status_code == 403


# --- Requêtes --------------------------------------------------------------------------------


def _imports(agent, nombre: int) -> list[ImportFichier]:
    return [
        ImportFichier.objects.create(
            type=TypeImport.RPPS,
            statut=StatutImport.TERMINE,
            nom_fichier=f"PS_LibreAcces_Personne_activite_2026110{n % 9}0800.txt",
            rapport={"lignes": 10, "crees": 3, "rejets": [{"ligne": 4, "motif": "Nom vide"}], "rejetes": 1},
            lance_par=agent,
        )
        for n in range(nombre)
    ]


# Session, utilisateur, double authentification, droits (de l'utilisateur, de ses groupes),
# puis la page elle-même : sur la liste, le compte et la page de résultats (avec lance_par).
def test_requetes_de_la_liste_des_imports(client_de, agent):
    client = client_de("agent")
    _imports(agent, 1)
    une = compter_requetes(client, LISTE)
    _imports(agent, 30)

    assert compter_requetes(client, LISTE) == une == 8


def test_requetes_de_la_page_et_du_bloc_d_etat(client_de, agent):
    client = client_de("agent")
    (import_fichier,) = _imports(agent, 1)

    # Le rapport (rejets compris) est dans la ligne de l'import : une seule requête pour lui.
    assert compter_requetes(client, page(import_fichier.pk)) == 7
    assert compter_requetes(client, etat(import_fichier.pk)) == 6
