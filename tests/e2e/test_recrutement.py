"""Le parcours d'une offre dans un vrai navigateur : la recruteuse du CHPC la rédige (une date
limite passée est refusée, sa saisie gardée), la soumet ; le modérateur du GCS la publie ; le
public la lit, avec son JSON-LD. axe sur chaque page."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from recrutement import services
from recrutement.models import Offre, StatutOffre
from tests.e2e.conftest import Onglet, connecter
from tests.recrutement import factories as f
from tests.territoire.factories import ProfessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def champ(page: Page, libelle: str) -> Locator:
    return page.get_by_label(re.compile(rf"^\s*{re.escape(libelle)}\s*\*?\s*$"))


CHPC = "CH public du Cotentin (Cherbourg-en-Cotentin)"


def test_une_offre_redigee_soumise_publiee_puis_lue_par_le_public(nouvel_onglet) -> None:
    g = f.gcs_et_recruteurs()
    ProfessionFactory(code="10", libelle="Médecin")
    recruteuse: Onglet = nouvel_onglet()
    connecter(recruteuse, g.recruteur_chpc)
    page = recruteuse.page

    # 1. La recruteuse rédige l'offre ; une date limite passée est refusée, rien n'est perdu.
    recruteuse.aller("/offres/")
    recruteuse.verifier_accessibilite()
    page.get_by_role("link", name="Mes offres d'emploi (recruteur)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes offres d'emploi")
    recruteuse.verifier_accessibilite()
    page.get_by_role("link", name="Rédiger une nouvelle offre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle offre d'emploi")
    recruteuse.verifier_accessibilite()
    champ(page, "Intitulé du poste").fill("Médecin urgentiste — temps plein")
    champ(page, "Employeur").select_option(label=CHPC)
    champ(page, "Profession").select_option(label="Médecin")
    champ(page, "Type de contrat").select_option(label="Salarié")
    champ(page, "Date limite de candidature").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    champ(page, "Établissements où exercer").select_option(
        label="CH public du Cotentin (Cherbourg-en-Cotentin)"
    )
    champ(page, "Description du poste").fill("Urgences du site de Cherbourg, SMUR.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("La date limite de candidature est déjà passée.")).to_be_visible()
    expect(champ(page, "Intitulé du poste")).to_have_value("Médecin urgentiste — temps plein")
    expect(champ(page, "Description du poste")).to_have_value("Urgences du site de Cherbourg, SMUR.")
    recruteuse.verifier_accessibilite()
    limite = timezone.localdate() + timedelta(days=45)
    champ(page, "Date limite de candidature").fill(limite.isoformat())
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Le brouillon de l'offre est enregistré.")).to_be_visible()
    offre = Offre.objects.get()
    recruteuse.verifier_accessibilite()

    # 2. Elle la soumet à la modération.
    page.get_by_role("button", name="Soumettre à la modération").click()
    expect(page.get_by_text("L'offre est maintenant : Soumise à la modération.")).to_be_visible()
    recruteuse.verifier_accessibilite()

    # 3. Le modérateur du GCS la trouve dans sa file et la publie.
    moderateur: Onglet = nouvel_onglet()
    connecter(moderateur, g.moderateur)
    page_m = moderateur.page
    moderateur.aller("/offres/")
    page_m.get_by_role("link", name="Offres à modérer").first.click()
    expect(page_m.get_by_role("heading", level=1)).to_have_text("Offres à modérer")
    moderateur.verifier_accessibilite()
    page_m.get_by_role("link", name="Médecin urgentiste — temps plein").click()
    moderateur.verifier_accessibilite()
    page_m.get_by_role("button", name="Publier", exact=True).click()
    expect(page_m.get_by_text("L'offre est maintenant : Publiée.")).to_be_visible()
    moderateur.verifier_accessibilite()
    offre.refresh_from_db()
    assert offre.statut == StatutOffre.PUBLIEE

    # 4. Le public la lit, et les moteurs de recherche son JSON-LD.
    public: Onglet = nouvel_onglet()
    page_p = public.page
    public.aller("/offres/")
    public.verifier_accessibilite()
    page_p.get_by_role("link", name="Médecin urgentiste — temps plein").click()
    expect(page_p.get_by_role("heading", level=1)).to_have_text("Médecin urgentiste — temps plein")
    public.verifier_accessibilite()
    donnees = json.loads(page_p.locator('script[type="application/ld+json"]').text_content() or "")
    assert donnees["title"] == "Médecin urgentiste — temps plein"
    assert donnees["hiringOrganization"]["identifier"]["value"] == g.chpc.finess
    assert donnees["validThrough"].startswith(limite.isoformat())


def test_offre_mixte_confirmation_et_offre_partie(nouvel_onglet) -> None:
    """La page d'une offre mixte, la reconfirmation demandée à la recruteuse, puis la page 410
    d'une offre pourvue, qui mène aux offres semblables."""
    g = f.gcs_et_recruteurs()
    mixte = f.offre(g, StatutOffre.PUBLIEE, **{"type_contrat": "mixte", "parts": f.saisie_mixte(g).parts})
    pourvue = f.offre(g, StatutOffre.POURVUE, titre="Urgentiste de nuit")
    services.offre_demander_confirmation(offre_id=mixte.pk, maintenant=timezone.now())

    public: Onglet = nouvel_onglet()
    page = public.page
    public.aller(f"/offres/{mixte.pk}/")
    expect(page.get_by_text("50 % en salarié — CH public du Cotentin")).to_be_visible()
    expect(page.get_by_text("50 % en libéral — MSP de la Hague")).to_be_visible()
    public.verifier_accessibilite()
    public.aller(f"/offres/{pourvue.pk}/", statut=410)
    expect(page.get_by_role("heading", level=1)).to_have_text("Cette offre n'est plus en ligne")
    public.verifier_accessibilite()
    page.get_by_role("link", name=mixte.titre).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(mixte.titre)

    recruteuse: Onglet = nouvel_onglet()
    connecter(recruteuse, g.recruteur_chpc)
    page_r = recruteuse.page
    recruteuse.aller("/recrutement/mes-offres/")
    expect(page_r.get_by_text("confirmation attendue")).to_be_visible()
    recruteuse.verifier_accessibilite()
    page_r.get_by_role("link", name=mixte.titre).click()
    recruteuse.verifier_accessibilite()
    page_r.get_by_role("button", name="Le poste est toujours ouvert").click()
    expect(page_r.get_by_text("Merci : l'offre reste en ligne.")).to_be_visible()
    recruteuse.verifier_accessibilite()
    mixte.refresh_from_db()
    assert mixte.confirmation_demandee_le is None


MOT_LONG = "Anticonstitutionnellement" * 12  # 300 caractères sans espace
DEPASSENT = """[...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName + '.' + e.className).slice(0, 8)"""


def test_les_pages_des_offres_tiennent_dans_l_ecran(nouvel_onglet) -> None:
    """Un très long mot dans l'intitulé et la description ne fait défiler aucune page de côté,
    sur un téléphone comme sur un portable (RGAA 10.11)."""
    g = f.gcs_et_recruteurs()
    offre = f.offre(
        g,
        StatutOffre.PUBLIEE,
        titre=f"Médecin {MOT_LONG[:150]}",
        description=f"Une description avec {MOT_LONG}.",
        **{"type_contrat": "mixte", "parts": f.saisie_mixte(g).parts},
    )
    public: Onglet = nouvel_onglet()
    recruteuse: Onglet = nouvel_onglet()
    connecter(recruteuse, g.recruteur_chpc)
    for onglet, chemin in (
        (public, "/offres/"),
        (public, f"/offres/{offre.pk}/"),
        (recruteuse, "/recrutement/mes-offres/"),
        (recruteuse, f"/recrutement/offres/{offre.pk}/"),
        (recruteuse, "/recrutement/offres/nouvelle/"),
    ):
        for largeur in (375, 1280):
            onglet.page.set_viewport_size({"width": largeur, "height": 900})
            page = onglet.aller(chemin)
            largeurs = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            # Ce qui dépasse, pour le dire si la page défile.
            larges = page.evaluate(DEPASSENT)
            assert largeurs[0] <= largeurs[1], (chemin, largeur, largeurs, larges)
