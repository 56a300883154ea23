"""Le chemin d'un import déposé : demande (fichiers vérifiés puis gardés dans le stockage
privé), tâche Celery après validation, exécution idempotente, avancement, rapport, journal,
notification, fichiers supprimés ensuite."""

import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from socle.models import Evenement, Notification
from territoire import services
from territoire.importeurs.base import ETAPE_ECRITURE, ETAPE_LECTURE
from territoire.importeurs.rpps import ImporteurRpps
from territoire.models import Commune, ImportFichier, Professionnel, StatutImport, TypeImport
from territoire.rapport import Rapport
from territoire.services import import_demander, import_executer

pytestmark = pytest.mark.django_db

DONNEES = Path(__file__).resolve().parents[1] / "data"
OCTOBRE = DONNEES / "rpps_PS_LibreAcces_Personne_activite_202610010800.txt"


@pytest.fixture
def territoire(db) -> None:
    call_command(
        "importer_communes",
        str(DONNEES / "cog_communes.csv"),
        str(DONNEES / "epci_composition.xlsx"),
        poles=str(DONNEES / "poles.csv"),
        stdout=io.StringIO(),
    )


def depot(chemin: Path, nom: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(nom or chemin.name, chemin.read_bytes())


def demander_rpps(acteur, contenu: bytes | None = None) -> ImportFichier:
    fichier = SimpleUploadedFile(OCTOBRE.name, contenu if contenu is not None else OCTOBRE.read_bytes())
    return import_demander(acteur=acteur, type_import=TypeImport.RPPS, fichier=fichier)


def verbes(import_fichier: ImportFichier) -> list[str]:
    return list(
        Evenement.objects.filter(cible_id=str(import_fichier.pk), verbe__startswith="territoire.import.")
        .order_by("pk")
        .values_list("verbe", flat=True)
    )


def test_la_demande_garde_les_fichiers_et_met_la_tache_en_file_apres_validation(
    agent, territoire, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        import_fichier = demander_rpps(agent)

    assert len(rappels) == 1  # la tâche, pas avant la validation
    import_fichier.refresh_from_db()
    assert import_fichier.statut == StatutImport.EN_ATTENTE
    assert import_fichier.lance_par == agent
    assert import_fichier.nom_fichier == OCTOBRE.name
    assert (
        import_fichier.date_extraction is not None
        and import_fichier.date_extraction.isoformat() == "2026-10-01"
    )
    assert storages["documents"].exists(import_fichier.fichier.name)
    assert verbes(import_fichier) == ["territoire.import.demande"]
    assert not Professionnel.objects.exists()


def test_la_tache_execute_l_import_ecrit_le_rapport_et_supprime_les_fichiers(
    agent, territoire, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_fichier = demander_rpps(agent)
    nom_stocke = import_fichier.fichier.name  # l'objet rendu par la demande, avant l'import

    import_fichier.refresh_from_db()
    assert import_fichier.statut == StatutImport.TERMINE
    assert import_fichier.rapport["crees"] == 9
    assert import_fichier.rapport["rejetes"] == 6
    assert (import_fichier.progression, import_fichier.etape, import_fichier.lignes_lues) == (100, "", 25)
    assert import_fichier.debute_le is not None and import_fichier.termine_le is not None
    assert import_fichier.debute_le <= import_fichier.termine_le
    assert Professionnel.objects.count() == 9
    # Les fichiers déposés ne sont pas gardés (docs/rgpd.md) ; le rapport et le nom restent.
    assert not import_fichier.fichier
    assert nom_stocke and not storages["documents"].exists(nom_stocke)
    assert verbes(import_fichier) == [
        "territoire.import.demande",
        "territoire.import.commence",
        "territoire.import.termine",
    ]
    notification = Notification.objects.get(destinataire=agent, verbe="territoire.import.termine")
    assert notification.titre.startswith("Import terminé : Professionnels de santé")
    assert "9 créés" in notification.message
    assert notification.url == f"/admin/territoire/importfichier/{import_fichier.pk}/change/"
    assert any("agent@exemple.fr" in m.to for m in mail.outbox)


def test_un_import_termine_n_est_pas_refait(agent, territoire, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_fichier = demander_rpps(agent)
    Professionnel.objects.filter(rpps="10001045367").update(nom="MODIFIÉ À LA MAIN")

    relance = import_executer(import_id=import_fichier.pk)  # tâche rejouée par Celery

    assert relance.statut == StatutImport.TERMINE
    assert Professionnel.objects.get(rpps="10001045367").nom == "MODIFIÉ À LA MAIN"
    assert verbes(import_fichier).count("territoire.import.commence") == 1


def test_un_import_reste_en_cours_est_refait_depuis_le_debut(
    agent, territoire, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        import_fichier = demander_rpps(agent)
    # Un worker mort en route : l'import est « en cours », ses écritures ont été annulées.
    ImportFichier.objects.filter(pk=import_fichier.pk).update(
        statut=StatutImport.EN_COURS, etape=ETAPE_ECRITURE, progression=60, lignes_lues=12
    )

    import_executer(import_id=import_fichier.pk)

    import_fichier.refresh_from_db()
    assert import_fichier.statut == StatutImport.TERMINE
    assert import_fichier.rapport["crees"] == 9
    assert (import_fichier.progression, import_fichier.lignes_lues) == (100, 25)
    assert Professionnel.objects.count() == 9


def test_l_avancement_est_ecrit_pendant_la_lecture_puis_l_ecriture(
    agent, territoire, django_capture_on_commit_callbacks, monkeypatch
):
    vus: list[tuple[str, int, int]] = []
    original = services.SuiviEnBase.__call__

    def espion(self, *, etape, fait=0, total=0, lignes=0):
        original(self, etape=etape, fait=fait, total=total, lignes=lignes)
        ligne = ImportFichier.objects.get(pk=self.import_id)
        vus.append((ligne.etape, ligne.progression, ligne.lignes_lues))

    monkeypatch.setattr(services.SuiviEnBase, "__call__", espion)
    with django_capture_on_commit_callbacks(execute=True):
        demander_rpps(agent)

    assert vus[0][0] == ETAPE_LECTURE
    assert vus[-1] == (ETAPE_ECRITURE, 0, 25)
    assert all(0 <= progression <= 99 for _etape, progression, _lignes in vus)


def test_un_fichier_refuse_en_route_fait_echouer_l_import_et_previent_qui_l_a_lance(
    agent, territoire, client_de, django_capture_on_commit_callbacks
):
    lignes = OCTOBRE.read_text(encoding="utf-8").splitlines(keepends=True)
    # Des lignes hors du territoire, et deux du territoire abîmées (un champ de trop) : rejetées.
    abimees = [ligne.rstrip("\r\n") + "|en trop\n" for ligne in lignes[1:] if "|14118|" not in ligne][:2]
    lignes_hors = [ligne for ligne in lignes if "|14118|" in ligne] + abimees
    hors_du_territoire = lignes[0] + "".join(lignes_hors)

    with django_capture_on_commit_callbacks(execute=True):
        import_fichier = demander_rpps(agent, hors_du_territoire.encode())

    import_fichier.refresh_from_db()
    assert import_fichier.statut == StatutImport.ECHOUE
    assert import_fichier.erreur.startswith("Aucune ligne valide de ce fichier n'est sur le territoire")
    # Ce que la lecture a appris reste : combien de lignes, et pourquoi chacune a été écartée.
    rapport = Rapport.depuis_json(import_fichier.rapport)
    assert rapport.lignes == len(lignes_hors) and rapport.ignores + rapport.rejetes == len(lignes_hors)
    assert [rejet.ligne for rejet in rapport.rejets] == [len(lignes_hors), len(lignes_hors) + 1]
    assert all("champ" in rejet.motif for rejet in rapport.rejets)
    assert "2 rejetées" in import_fichier.erreur
    # La page de l'import les montre sous le refus.
    page = client_de("agent").get(f"/admin/territoire/importfichier/{import_fichier.pk}/change/")
    contenu = page.content.decode()
    assert "2 lignes rejetées" in contenu and rapport.rejets[0].motif in contenu.replace("&#x27;", "'")
    assert not import_fichier.fichier
    assert verbes(import_fichier) == [
        "territoire.import.demande",
        "territoire.import.commence",
        "territoire.import.echoue",
    ]
    echec = Evenement.objects.get(cible_id=str(import_fichier.pk), verbe="territoire.import.echoue")
    assert echec.motif == import_fichier.erreur
    notification = Notification.objects.get(destinataire=agent, verbe="territoire.import.echoue")
    assert "a échoué : rien n'a été enregistré" in notification.message
    assert "Aucune ligne valide" in notification.message


def test_une_erreur_inattendue_n_ecrit_rien_et_renvoie_au_journal(
    agent, territoire, django_capture_on_commit_callbacks, monkeypatch
):
    def panne(self, *args, **kwargs):
        raise RuntimeError("disque plein")

    # La dernière étape de l'écriture tombe en panne : tout ce qui précède est annulé.
    monkeypatch.setattr(ImporteurRpps, "_releve", panne)
    with django_capture_on_commit_callbacks(execute=True):
        import_fichier = demander_rpps(agent)

    import_fichier.refresh_from_db()
    assert import_fichier.statut == StatutImport.ECHOUE
    assert import_fichier.erreur == (
        "L'import s'est arrêté sur une erreur inattendue : rien n'a été enregistré. "
        f"Le détail est dans le journal du serveur (import n° {import_fichier.pk})."
    )
    assert "disque plein" not in import_fichier.erreur
    assert not Professionnel.objects.exists()


def test_l_import_des_communes_lit_ses_trois_fichiers_deposes(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_fichier = import_demander(
            acteur=agent,
            type_import=TypeImport.COMMUNES,
            fichier=depot(DONNEES / "cog_communes.csv", "v_commune_2026.csv"),
            fichier_epci=depot(
                DONNEES / "epci_composition.xlsx", "Intercommunalite_Metropole_au_01-01-2026.xlsx"
            ),
            fichier_populations=depot(DONNEES / "populations.csv"),
        )

    import_fichier.refresh_from_db()
    assert import_fichier.statut == StatutImport.TERMINE, import_fichier.erreur
    assert import_fichier.rapport["crees"] == 5
    assert Commune.objects.get(code_insee="50129").population == 77634
    assert not (import_fichier.fichier or import_fichier.fichier_epci or import_fichier.fichier_populations)


def fichiers_stockes() -> set[str]:
    racine = Path(storages["documents"].location)
    return {str(chemin.relative_to(racine)) for chemin in racine.rglob("*") if chemin.is_file()}


def test_un_fichier_refuse_a_la_demande_ne_laisse_ni_import_ni_fichier(agent, territoire):
    avant = fichiers_stockes()

    with pytest.raises(ValidationError, match="n'est pas encodé en UTF-8") as erreur:
        demander_rpps(agent, OCTOBRE.read_text(encoding="utf-8").encode("latin-1"))

    assert list(erreur.value.message_dict) == ["fichier"]
    assert not ImportFichier.objects.filter(type=TypeImport.RPPS).exists()
    assert fichiers_stockes() == avant
