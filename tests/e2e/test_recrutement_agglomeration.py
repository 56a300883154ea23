"""L'agglomération et le vivier dans un vrai navigateur : l'agent trouve sur l'accueil les
demandes d'aide à l'installation, en prend une en charge, la retrouve parmi les prises en
charge, puis lit le tableau de bord (aucun nom de candidat) ; un candidat du vivier ouvre le
lien de son courriel et reste deux ans de plus. axe sur chaque page ; ni la page des demandes
ni le tableau de bord ne défilent de côté, sur un téléphone comme sur un portable."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recrutement.jetons import vivier_jeton
from recrutement.models import Candidat, Consentement, ObjetConsentement, StatutOffre
from territoire.models import Commune, Fuite
from tests.e2e.conftest import Onglet, connecter
from tests.e2e.test_recrutement import DEPASSENT
from tests.recrutement import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_l_agent_prend_en_charge_une_demande_d_aide_et_lit_le_tableau_de_bord(nouvel_onglet) -> None:
    g = f.gcs_et_recruteurs()
    offre = f.offre(g, StatutOffre.PUBLIEE)
    f.candidature(
        offre,
        nom="Benali",
        prenom="Amina",
        email="amina.benali@exemple.fr",
        aide_emploi_conjoint=True,
        aide_precisions="Mon conjoint est ingénieur.",
    )
    Fuite.objects.create(annee=2024, specialite="Neurochirurgie", patients=100, patients_hors_territoire=85)
    agent: Onglet = nouvel_onglet()
    connecter(agent, g.agent)
    page = agent.page

    agent.aller("/")
    page.get_by_role("link", name="1 demande d'aide à l'installation à traiter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Les demandes d'aide à l'installation des candidats"
    )
    expect(page.get_by_text("Mon conjoint est ingénieur.")).to_be_visible()
    agent.verifier_accessibilite()
    page.get_by_role("button", name="Prise en charge — Amina Benali").click()
    expect(page.get_by_text("La demande d'aide de Amina Benali est prise en charge.")).to_be_visible()
    expect(page.get_by_role("heading", name="Aucune demande à traiter")).to_be_visible()
    agent.verifier_accessibilite()
    page.get_by_role("link", name="Prises en charge").click()
    expect(page.get_by_role("heading", name="1 demande prise en charge")).to_be_visible()
    agent.verifier_accessibilite()

    page.get_by_role("link", name="Le tableau de bord du recrutement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Le recrutement commun du GCS : tableau de bord"
    )
    expect(page.get_by_role("heading", name="Les offres en face des fuites de patients")).to_be_visible()
    expect(page.get_by_text("Amina")).to_have_count(0)
    agent.verifier_accessibilite()

    for chemin in ("/recrutement/tableau-de-bord/", "/recrutement/demandes-d-aide/?etat=prises"):
        for largeur in (375, 1280):
            page.set_viewport_size({"width": largeur, "height": 900})
            agent.aller(chemin)
            largeurs = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert largeurs[0] <= largeurs[1], (chemin, largeur, largeurs, page.evaluate(DEPASSENT))


def test_le_candidat_reste_au_vivier_par_le_lien_du_courriel(nouvel_onglet) -> None:
    g = f.gcs_et_recruteurs()
    candidature = f.candidature(f.offre(g, StatutOffre.PUBLIEE), vivier=True)
    candidat = Candidat.objects.get(pk=candidature.candidat_id)
    vivier = Consentement.objects.filter(candidat=candidat, objet=ObjetConsentement.VIVIER)
    vivier.update(echeance=timezone.now() + timedelta(days=20), renouvellement_demande_le=timezone.now())

    public: Onglet = nouvel_onglet()
    page = public.aller(f"/recrutement/vivier/{vivier_jeton(candidat)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Le vivier des candidats du GCS")
    public.verifier_accessibilite()
    page.get_by_role("button", name="Rester deux ans de plus").click()
    expect(page.get_by_text("Merci : vous restez dans le vivier deux ans de plus.")).to_be_visible()
    public.verifier_accessibilite()
    echeance = vivier.get().echeance
    assert echeance is not None and echeance > timezone.now() + timedelta(days=700)
    page.get_by_role("button", name="Quitter le vivier").click()
    expect(page.get_by_text("Vous n'êtes plus dans le vivier")).to_be_visible()
    public.verifier_accessibilite()


def test_la_liste_charge_la_carte_des_offres(nouvel_onglet) -> None:
    """La liste publique charge la carte après elle (htmx) ; une commune mène à la liste filtrée.
    La page de la carte seule (sans script) aussi ; ni l'une ni l'autre ne défile de côté."""
    g = f.gcs_et_recruteurs()
    carre = [[-1.6, 49.6], [-1.5, 49.6], [-1.5, 49.65], [-1.6, 49.65], [-1.6, 49.6]]
    Commune.objects.filter(pk=g.chpc.commune_id).update(contour={"type": "Polygon", "coordinates": [carre]})
    f.offre(g, StatutOffre.PUBLIEE, titre="Médecin urgentiste")
    public: Onglet = nouvel_onglet()
    page = public.aller("/offres/")
    expect(page.get_by_role("heading", name="Les offres sur la carte du Cotentin")).to_be_visible()
    public.verifier_accessibilite()
    page.locator(f'svg a[href="/offres/?commune={g.chpc.commune_id}"]').click()
    expect(page).to_have_url(re.compile(rf"/offres/\?commune={g.chpc.commune_id}$"))
    expect(page.get_by_role("link", name="Médecin urgentiste")).to_be_visible()
    page = public.aller("/offres/carte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les offres d'emploi sur la carte du Cotentin")
    public.verifier_accessibilite()
    for chemin in ("/offres/", "/offres/carte/"):
        for largeur in (375, 1280):
            page.set_viewport_size({"width": largeur, "height": 900})
            public.aller(chemin)
            expect(page.get_by_role("heading", name="Les offres sur la carte du Cotentin")).to_be_visible()
            largeurs = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert largeurs[0] <= largeurs[1], (chemin, largeur, largeurs, page.evaluate(DEPASSENT))
