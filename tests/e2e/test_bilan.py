"""Le bilan annuel dans un vrai navigateur, écrit par un vrai worker Celery : le secrétariat
ouvre « Bilan annuel », demande le bilan de l'année passée, voit la génération avancer
(rafraîchie par htmx) puis finir, télécharge le PDF et le relit ; il l'adopte en séance ; un
visiteur sans compte le trouve sur la page publique et le télécharge. axe sur chaque page,
console sans erreur (CSP comprise).

Le live_server et le worker partagent la base de test (tests transactionnels) ; le worker
marque une pause entre les étapes pour qu'on voie l'avancement."""

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from bilan.models import EtatGeneration, StatutBilan, VersionBilan
from comptes.models import Utilisateur
from tests.bilan.factories import seance_du_conseil
from tests.e2e.conftest import Onglet, connecter
from tests.travailleur import Worker, worker_celery

pytestmark = pytest.mark.django_db(transaction=True)

# Assez longue pour voir une étape et passer axe pendant la génération.
PAUSE = "BILAN_PAUSE_ENTRE_ETAPES = 0.8\n"
GENERATION = 90_000  # ms : le démarrage du worker, puis la génération


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    with worker_celery(tmp_path, reglages_en_plus=PAUSE, nom="e2e-bilan") as demarre:
        yield demarre


def relire(chemin: str | Path, annee: int) -> PdfReader:
    """Le PDF téléchargé : un PDF/A balisé, en français, qui porte le titre du bilan."""
    lecteur = PdfReader(io.BytesIO(Path(chemin).read_bytes()))
    assert lecteur.metadata is not None
    assert lecteur.metadata.title == f"Bilan annuel {annee} du Conseil de santé du Cotentin"
    racine: Any = lecteur.trailer["/Root"]
    assert racine["/Lang"] == "fr"
    assert racine["/MarkInfo"]["/Marked"]
    texte = "\n".join(page.extract_text() for page in lecteur.pages[:3])
    assert "Sommaire" in texte
    assert str(annee) in texte
    return lecteur


def avancement(page: Page) -> Any:
    return page.locator("#avancement-1")


def test_le_secretariat_genere_le_bilan_l_adopte_et_le_public_le_telecharge(
    onglet: Onglet, nouvel_onglet: Any, secretariat: Utilisateur, worker: Worker
) -> None:
    annee = timezone.localdate().year - 1
    seance = seance_du_conseil(titre="Séance plénière d'hiver")
    connecter(onglet, secretariat)
    page = onglet.page

    # 1. « Bilan annuel » dans le menu : la page de gestion.
    onglet.aller("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Bilan annuel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilan annuel")
    expect(page.get_by_text("Aucun bilan n'a encore été généré.")).to_be_visible()
    onglet.verifier_accessibilite()

    # 2. Le bilan de l'année passée (l'année proposée par défaut) est demandé.
    expect(page.get_by_label("Année du bilan")).to_have_value(str(annee))
    page.get_by_role("button", name="Générer le bilan").click()
    expect(page).to_have_url(re.compile(rf"/bilans/{annee}/#version-1$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bilan annuel {annee} du Conseil de santé")
    expect(
        page.get_by_text("La génération de la version 1 est demandée : suivez son avancement ci-dessous.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Générer une nouvelle version")).to_be_disabled()

    # 3. L'avancement, rafraîchi par htmx : en attente du worker ou une étape et son pourcentage.
    statut = avancement(page).get_by_role("status")
    expect(statut).to_have_text(re.compile(r"En attente du worker…|.+ — \d+\s%"))
    expect(avancement(page).locator("progress")).to_be_visible()
    onglet.verifier_accessibilite()
    expect(statut).to_have_text(re.compile(r"^(?!En attente).+ — \d+\s%$"), timeout=GENERATION)
    etapes = VersionBilan.objects.get(bilan__annee=annee, numero=1)
    assert etapes.etat in (EtatGeneration.EN_COURS, EtatGeneration.PRETE)

    # 4. Finie : la page se recharge d'elle-même (HX-Refresh), avec le PDF.
    expect(statut).to_have_text(re.compile(r"^Prête : \d+ pages, générée le "), timeout=GENERATION)
    version = VersionBilan.objects.select_related("document").get(bilan__annee=annee, numero=1)
    assert version.etat == EtatGeneration.PRETE, version.erreur
    assert version.pages and version.pages > 1
    expect(page.locator("progress")).to_have_count(0)
    expect(page.get_by_role("button", name="Générer une nouvelle version")).to_be_enabled()
    expect(page.get_by_text(version.empreinte)).to_be_visible()
    onglet.verifier_accessibilite()

    # 5. Le PDF téléchargé et relu.
    with page.expect_download() as attente:
        page.get_by_role("link", name=f"Télécharger la version 1 (PDF/A, {version.pages} pages)").click()
    fichier = attente.value
    assert fichier.suggested_filename == f"bilan-conseil-sante-cotentin-{annee}-v1.pdf"
    assert len(relire(fichier.path(), annee).pages) == version.pages

    # 6. L'adoption en séance : la séance du Conseil tenue, son point, sa date.
    page.get_by_label("Séance du Conseil qui a adopté le bilan").select_option(label=str(seance))
    page.get_by_label("Point de l'ordre du jour (délibération)").select_option(index=1)
    le = timezone.localtime(seance.debut).date()
    page.get_by_label("Date de l'adoption").fill(le.isoformat())
    page.get_by_role("button", name="Adopter et publier cette version").click()
    expect(page.get_by_text("La version est adoptée et publiée ; elle est désormais figée.")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 1 — Adopté en séance")).to_be_visible()
    expect(page.get_by_role("heading", name="Transmission au Conseil communautaire")).to_be_visible()
    version.refresh_from_db()
    assert (version.statut, version.reunion_id, version.adopte_le) == (StatutBilan.ADOPTE, seance.pk, le)
    onglet.verifier_accessibilite()

    # 7. Un visiteur sans compte : la page publique, le bilan adopté, son PDF.
    visiteur = nouvel_onglet()
    page_publique = visiteur.aller("/bilans/")
    expect(page_publique.get_by_role("heading", level=1)).to_have_text("Bilans annuels du Conseil de santé")
    ligne = page_publique.get_by_role("row").filter(has_text=f"Bilan {annee}")
    expect(ligne).to_contain_text("Séance plénière d'hiver")
    expect(ligne).to_contain_text("à venir")
    visiteur.verifier_accessibilite()
    with page_publique.expect_download() as attente:
        ligne.get_by_role("link", name=f"Télécharger le bilan {annee} (PDF, {version.pages} pages)").click()
    assert attente.value.suggested_filename == f"bilan-conseil-sante-cotentin-{annee}-v1.pdf"
    relire(attente.value.path(), annee)

    # La page de l'année, vue du public : la version adoptée, sans rien de la gestion.
    ligne.get_by_role("link", name=f"Bilan {annee}", exact=True).click()
    expect(page_publique.get_by_role("heading", name="Version 1 — Adopté en séance")).to_be_visible()
    expect(page_publique.get_by_role("button")).to_have_count(0)
    visiteur.verifier_accessibilite()
    assert "bilan.tasks.generer_version" in worker.lire_journal()
