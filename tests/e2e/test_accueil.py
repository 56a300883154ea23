"""La page d'accueil dans un vrai navigateur, sur un portable (1 280 px) et un téléphone
(375 px) : le membre du Collège et l'agent trouvent « À faire » en premier, chaque tâche mène
à sa page, la page ne défile pas de côté, axe ne relève rien. Les captures
(/tmp/accueil-*.png) servent à relire la mise en page."""

import datetime as dt
import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from college import services as college_services
from territoire.models import Commune
from tests.college.factories import ScrutinFactory
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory, MandatFactory, seance_convoquee
from tests.e2e.conftest import Onglet, connecter
from tests.financements.factories import deposee, en_instruction
from tests.territoire.factories import (
    LieuExerciceFactory,
    ProfessionFactory,
    ProfessionnelFactory,
    SpecialiteFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

LARGEURS = (1280, 375)
CAPTURES = Path(tempfile.gettempdir())


def _verifier_l_accueil(onglet: Onglet, nom: str) -> None:
    for largeur in LARGEURS:
        onglet.page.set_viewport_size({"width": largeur, "height": 900})
        page = onglet.aller("/")
        titres = page.get_by_role("heading", level=2).all_inner_texts()
        assert titres[0].startswith("À faire"), titres
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), largeur
        page.screenshot(path=CAPTURES / f"accueil-{nom}-{largeur}.png", full_page=True)
        onglet.verifier_accessibilite()


def test_le_membre_du_college_trouve_son_vote_et_sa_convocation(
    onglet, secretariat, django_capture_on_commit_callbacks
):
    college = CollegeFactory(nom="Collège des professionnels de santé")
    marc, delphine, _paul = (
        MandatFactory(instance=college, personne=UtilisateurFactory(prenom=prenom, nom=nom)).personne
        for prenom, nom in (("Marc", "Guérin"), ("Delphine", "Savary"), ("Paul", "Quesnel"))
    )
    scrutin = college_services.scrutin_ouvrir(
        scrutin=ScrutinFactory(
            instance=college,
            titre="Avis du Collège sur « Coopération ville–hôpital : restitution de l'état des lieux »",
            cloture=timezone.now() + dt.timedelta(days=3),
        ),
        acteur=secretariat,
    )
    college_services.procuration_vote_donner(
        scrutin=scrutin, mandant=delphine, mandataire=marc, acteur=delphine
    )
    with django_capture_on_commit_callbacks(execute=True):
        seance_convoquee(
            instance=college,
            acteur=secretariat,
            titre="Séance plénière de décembre",
            debut=timezone.now() + dt.timedelta(days=17),
        )

    connecter(onglet, marc)
    _verifier_l_accueil(onglet, "membre")

    a_faire = onglet.page.locator("#a-faire")
    expect(a_faire.get_by_role("listitem")).to_have_count(2)
    expect(a_faire).to_contain_text("Vous votez aussi pour Delphine Savary (procuration).")
    a_faire.get_by_role("link", name="Répondre à la convocation : Séance plénière de décembre").click()
    expect(onglet.page.get_by_role("heading", name="Votre réponse à la convocation")).to_be_visible()


def test_l_agent_trouve_les_demandes_a_instruire(onglet, agent):
    deposee(intitule="Cabinet pluriprofessionnel de Saint-Vaast-la-Hougue : étude")
    a_instruire = en_instruction(agent, intitule="Rééducation de proximité à Bricquebec-en-Cotentin")

    connecter(onglet, agent)
    _verifier_l_accueil(onglet, "agent")

    a_faire = onglet.page.locator("#a-faire")
    expect(a_faire.get_by_role("listitem")).to_have_count(2)
    a_faire.get_by_role("link", name=f"Instruire : {a_instruire}").click()
    expect(onglet.page.get_by_role("heading", level=1)).to_contain_text(a_instruire.intitule)


def test_le_public_lit_ce_que_le_portail_lui_offre(onglet):
    for largeur in LARGEURS:
        onglet.page.set_viewport_size({"width": largeur, "height": 900})
        page = onglet.aller("/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), largeur
        page.screenshot(path=CAPTURES / f"accueil-public-{largeur}.png", full_page=True)
        onglet.verifier_accessibilite()
    onglet.page.locator("main").get_by_role("link", name="Les bilans annuels").click()
    expect(onglet.page).to_have_url(f"{onglet.base}/bilans/")


def test_le_public_ouvre_la_carte_de_l_offre_de_soins(onglet):
    """Depuis l'accueil, sans compte : la carte des 129 communes, lisible au téléphone."""
    call_command("charger_cotentin", stdout=io.StringIO())
    medecin = ProfessionFactory(code="10", libelle="Médecin")
    generaliste = SpecialiteFactory(code="SM54", libelle="Médecine générale")
    valognes = Commune.objects.get(nom="Valognes")
    for _ in range(3):
        LieuExerciceFactory(
            professionnel=ProfessionnelFactory(profession=medecin, specialite=generaliste), commune=valognes
        )
    onglet.aller("/").locator("main").get_by_role("link", name="La carte de l'offre de soins").click()
    page = onglet.page
    expect(page.get_by_role("heading", level=1)).to_have_text("La carte de l'offre de soins")
    for largeur in LARGEURS:
        page.set_viewport_size({"width": largeur, "height": 900})
        page.reload()
        expect(page.locator("svg .carte-communes path")).to_have_count(129)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), largeur
        page.screenshot(path=CAPTURES / f"carte-offre-{largeur}.png", full_page=True)
        onglet.verifier_accessibilite()
