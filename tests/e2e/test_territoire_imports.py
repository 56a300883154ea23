"""Un agent importe les communes depuis l'administration et lit le rapport, dans un vrai
navigateur ; axe sur la page de dépôt et sur celle du rapport."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from comptes.roles import Role
from territoire.models import Commune, ImportFichier, StatutImport
from tests.comptes.factories import UtilisateurFactory
from tests.e2e.conftest import connecter

pytestmark = pytest.mark.django_db(transaction=True)

DONNEES = Path(__file__).resolve().parents[1] / "data"


def test_un_agent_importe_les_communes_et_lit_le_rapport(onglet):
    agent = UtilisateurFactory(
        email="agent@exemple.fr", prenom="Claire", roles=(Role.AGENT,), is_staff=True, totp=True
    )
    connecter(onglet, agent)
    page = onglet.aller("/admin/")
    page.get_by_role("link", name="Imports de fichiers").click()
    page.get_by_role("link", name=re.compile(r"^Ajouter import")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lancer un import")
    onglet.verifier_accessibilite()

    # D'abord les fichiers échangés : le COG à la place du classeur des EPCI.
    page.get_by_label("Type d'import").select_option(label="Communes (INSEE : COG et composition des EPCI)")
    page.locator("#id_fichier").set_input_files(DONNEES / "cog_communes.csv")
    page.locator("#id_fichier_epci").set_input_files(DONNEES / "cog_communes.csv")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    erreur = page.locator(".field-fichier_epci .errorlist")
    expect(erreur).to_contain_text("Le classeur des EPCI n'est pas un classeur Excel (.xlsx) lisible")
    assert not ImportFichier.objects.exists()
    onglet.verifier_accessibilite()

    # Puis les bons fichiers (un fichier choisi ne survit pas à la page d'erreur : on les redonne).
    page.locator("#id_fichier").set_input_files(DONNEES / "cog_communes.csv")
    page.locator("#id_fichier_epci").set_input_files(DONNEES / "epci_composition.xlsx")
    page.locator("#id_fichier_populations").set_input_files(DONNEES / "populations.csv")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    import_fichier = ImportFichier.objects.get()
    expect(page).to_have_url(re.compile(rf"/admin/territoire/importfichier/{import_fichier.pk}/change/$"))
    expect(page.get_by_text("Le fichier est accepté")).to_be_visible()
    etat = page.locator("#etat-import")
    expect(etat).to_contain_text("Terminé")
    rapport = page.get_by_role("table", name="Rapport de l'import")
    expect(rapport.get_by_role("row", name="Créés")).to_contain_text("5")
    expect(rapport.get_by_role("row", name="Ignorés (hors du territoire)")).to_contain_text("5")
    expect(rapport.get_by_role("row", name="Rejetés")).to_contain_text("1")
    rejets = page.get_by_role("table", name="1 ligne rejetée")
    expect(rejets).to_contain_text("la commune 50384 (Octeville-l'Avenel)")
    expect(etat).to_contain_text("Fichier des populations : 1 ligne hors du territoire ignorée.")
    onglet.verifier_accessibilite()

    assert ImportFichier.objects.get().statut == StatutImport.TERMINE
    assert Commune.objects.get(code_insee="50129").population == 77634


def test_la_page_d_un_import_en_cours_suit_l_avancement(onglet):
    agent = UtilisateurFactory(email="agent@exemple.fr", roles=(Role.AGENT,), is_staff=True, totp=True)
    import_fichier = ImportFichier.objects.create(
        type="rpps",
        nom_fichier="PS_LibreAcces_Personne_activite_202611230845.txt",
        statut=StatutImport.EN_COURS,
        etape="lecture",
        progression=30,
        lignes_lues=600_000,
        lance_par=agent,
    )
    connecter(onglet, agent)
    page = onglet.aller(f"/admin/territoire/importfichier/{import_fichier.pk}/change/")
    expect(page.get_by_role("progressbar", name="Avancement")).to_have_attribute("value", "30")
    onglet.verifier_accessibilite()

    # Le worker avance puis termine : le bloc se met à jour tout seul, puis cesse d'interroger.
    ImportFichier.objects.filter(pk=import_fichier.pk).update(etape="ecriture", progression=99)
    expect(page.locator("#etat-import")).to_contain_text("Enregistrement dans la base", timeout=10_000)
    ImportFichier.objects.filter(pk=import_fichier.pk).update(
        statut=StatutImport.TERMINE,
        etape="",
        progression=100,
        rapport={"lignes": 2_000_000, "crees": 12, "inchanges": 3, "ignores": 1_999_985},
    )
    expect(page.get_by_role("table", name="Rapport de l'import")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    expect(page.locator("#etat-import[hx-get]")).to_have_count(0)
    onglet.verifier_accessibilite()
