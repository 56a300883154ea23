"""Le programme et les demandes de soutien dans un vrai navigateur : un agent crée une rencontre
(une saisie refusée garde ce qui a été tapé), la publie et la confie à un partenaire ; une URPS
demande un soutien pour son congrès, l'agent l'accorde et la rencontre naît ; la carte des
rencontres mène à la liste d'une commune. axe sur chaque page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from rencontres.models import (
    DemandeDeSoutien,
    Organisateur,
    Rencontre,
    StatutDemandeDeSoutien,
    StatutRencontre,
)
from territoire.models import Commune
from tests.comptes.factories import UtilisateurFactory
from tests.e2e.conftest import Onglet, connecter
from tests.rencontres.factories import rencontre
from tests.territoire.factories import CommuneFactory, StructureFactory

pytestmark = pytest.mark.django_db(transaction=True)

FORMAT = "%Y-%m-%dT%H:%M"


def champ(page: Page, libelle: str) -> Locator:
    return page.get_by_label(re.compile(rf"^\s*{re.escape(libelle)}\s*\*?\s*$"))


def test_un_agent_cree_publie_et_confie_une_rencontre(onglet: Onglet, agent) -> None:
    partenaire = UtilisateurFactory(email="urps@exemple.fr")
    debut = timezone.localtime() + timedelta(days=40)
    page = onglet.page
    connecter(onglet, agent)
    onglet.aller("/rencontres/organisation/")
    page.get_by_role("link", name="Nouvelle rencontre").click()
    onglet.verifier_accessibilite()
    champ(page, "Titre").fill("Soirée d'accueil des internes")
    champ(page, "Genre de rencontre").select_option(label="Promotion du territoire")
    champ(page, "Présentation publique").fill("Rencontrer les structures du territoire.")
    champ(page, "Public visé").fill("Internes du semestre")
    champ(page, "Début").first.fill(debut.strftime(FORMAT))
    champ(page, "Fin").first.fill((debut - timedelta(hours=1)).strftime(FORMAT))
    champ(page, "Inscriptions ouvertes du").fill(timezone.localtime().strftime(FORMAT))
    champ(page, "Inscriptions closes le").fill((debut - timedelta(days=1)).strftime(FORMAT))
    champ(page, "Activité (activité 1)").fill("Apéritif dînatoire")
    champ(page, "Début (activité 1)").fill(debut.strftime(FORMAT))
    champ(page, "Fin (activité 1)").fill((debut + timedelta(hours=2)).strftime(FORMAT))
    champ(page, "Places (activité 1)").fill("60")
    page.get_by_role("button", name="Créer le brouillon").click()
    # La fin avant le début : refus, et la saisie reste.
    expect(page.get_by_text("La fin de la rencontre doit suivre son début.")).to_be_visible()
    expect(champ(page, "Activité (activité 1)")).to_have_value("Apéritif dînatoire")
    onglet.verifier_accessibilite()
    champ(page, "Fin").first.fill((debut + timedelta(hours=3)).strftime(FORMAT))
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.get_by_text("La rencontre est créée en brouillon")).to_be_visible()
    onglet.verifier_accessibilite()
    page.get_by_role("button", name="Publier la rencontre").click()
    expect(page.get_by_text("La rencontre est publiée")).to_be_visible()
    r = Rencontre.objects.get(titre="Soirée d'accueil des internes")
    assert r.statut == StatutRencontre.PUBLIEE and r.activites.get().capacite == 60
    page.get_by_role("link", name="Organisateurs").click()
    onglet.verifier_accessibilite()
    champ(page, "Adresse du compte à qui confier la rencontre").fill("urps@exemple.fr")
    page.get_by_role("button", name="Confier la rencontre").click()
    expect(page.get_by_text("La rencontre est confiée à ce compte")).to_be_visible()
    assert Organisateur.objects.filter(rencontre=r, compte=partenaire).exists()
    onglet.verifier_accessibilite()


def test_une_urps_demande_un_soutien_et_l_agent_l_accorde(nouvel_onglet, professionnel, agent) -> None:
    structure = StructureFactory(nom="URPS infirmiers de Normandie")
    debut = timezone.localtime() + timedelta(days=60)
    demandeur = nouvel_onglet()
    page = demandeur.page
    connecter(demandeur, professionnel)
    demandeur.aller("/rencontres/")
    page.get_by_role("link", name="Demander le soutien de l'agglomération").click()
    demandeur.verifier_accessibilite()
    champ(page, "Organisme demandeur").select_option(label=str(structure))
    champ(page, "Titre du congrès ou de la journée").fill("Journée des infirmiers libéraux")
    champ(page, "Présentation").fill("Coordination ville-hôpital.")
    champ(page, "Public visé").fill("Infirmiers libéraux")
    champ(page, "Début").fill(debut.strftime(FORMAT))
    champ(page, "Fin").fill((debut + timedelta(hours=8)).strftime(FORMAT))
    champ(page, "Participants attendus").fill("120")
    champ(page, "Montant demandé (€)").fill("1 500")
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page.get_by_text("Votre demande est déposée")).to_be_visible()
    demandeur.verifier_accessibilite()
    demande = DemandeDeSoutien.objects.get()
    instructeur = nouvel_onglet()
    connecter(instructeur, agent)
    instructeur.aller(demande.get_absolute_url())
    instructeur.page.get_by_role("button", name="Prendre en charge").click()
    expect(instructeur.page.get_by_role("button", name="Accorder le soutien")).to_be_visible()
    instructeur.verifier_accessibilite()
    instructeur.page.get_by_role("button", name="Accorder le soutien").click()
    expect(instructeur.page.get_by_text("Soutien accordé : la rencontre est créée")).to_be_visible()
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeDeSoutien.ACCORDEE and demande.rencontre is not None
    # Le demandeur prépare le programme de la rencontre qui lui est confiée.
    demandeur.aller(demande.get_absolute_url())
    page.get_by_role("link", name="Préparer le programme et les inscriptions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Journée des infirmiers libéraux")
    demandeur.verifier_accessibilite()


def test_la_carte_des_rencontres(nouvel_onglet) -> None:
    commune = CommuneFactory(nom="Cherbourg-en-Cotentin", code_insee="50129")
    carre = [[-1.6, 49.6], [-1.5, 49.6], [-1.5, 49.65], [-1.6, 49.65], [-1.6, 49.6]]
    Commune.objects.filter(pk=commune.pk).update(contour={"type": "Polygon", "coordinates": [carre]})
    rencontre(commune=commune, titre="Les Paradis du Cotentin")
    rencontre(titre="Formation à la télésanté")
    public: Onglet = nouvel_onglet()
    page = public.aller("/rencontres/")
    expect(page.get_by_role("heading", name="Les rencontres sur la carte du Cotentin")).to_be_visible()
    public.verifier_accessibilite()
    page.locator(f'svg a[href="/rencontres/?commune={commune.pk}"]').click()
    expect(page).to_have_url(re.compile(rf"/rencontres/\?commune={commune.pk}$"))
    expect(page.get_by_role("link", name="Les Paradis du Cotentin")).to_be_visible()
    expect(page.get_by_role("link", name="Formation à la télésanté")).to_have_count(0)
    for chemin in ("/rencontres/", "/rencontres/carte/"):
        for largeur in (375, 1280):
            page.set_viewport_size({"width": largeur, "height": 900})
            public.aller(chemin)
            expect(
                page.get_by_role("heading", name="Les rencontres sur la carte du Cotentin")
            ).to_be_visible()
            public.verifier_accessibilite()
            largeurs = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert largeurs[0] <= largeurs[1], (chemin, largeur, largeurs)
