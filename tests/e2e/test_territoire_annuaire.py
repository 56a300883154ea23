"""L'annuaire dans un vrai navigateur : un membre du Collège cherche une personne avec une
faute de frappe et la trouve ; axe sur chaque page de l'annuaire, vue d'un membre puis d'un
agent (qui voit en plus les coordonnées)."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Locator, Page, expect

from comptes.roles import Role
from territoire.models import Commune, PoleDeProximite, TypeStructure
from tests.comptes.factories import UtilisateurFactory
from tests.e2e.conftest import connecter
from tests.e2e.test_territoire_indicateurs import verifier_aux_deux_largeurs
from tests.territoire.factories import (
    AppartenanceFactory,
    CommuneFactory,
    LieuExerciceFactory,
    PoleFactory,
    ProfessionFactory,
    ProfessionnelFactory,
    SpecialiteFactory,
    StructureFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

TELEPHONE = "02 33 44 55 66"


def champ(page: Page, libelle: str) -> Locator:
    return page.get_by_label(re.compile(rf"^\s*{re.escape(libelle)}\s*$"))


def _territoire():
    pole = PoleFactory(nom="Pôle de Cherbourg")
    cherbourg = CommuneFactory(code_insee="50129", nom="Cherbourg-en-Cotentin", pole=pole)
    medecin = ProfessionFactory(code="10", libelle="Médecin")
    hopital = StructureFactory(
        nom="Centre hospitalier public du Cotentin",
        type=TypeStructure.CENTRE_HOSPITALIER,
        commune=cherbourg,
        finess_juridique="500000054",
    )
    StructureFactory(
        nom="Centre hospitalier public du Cotentin — site de Valognes", finess_juridique="500000054"
    )
    gcs = StructureFactory(
        nom="Partenaires Santé du Cotentin", type=TypeStructure.GCS, finess=None, demo=True
    )
    AppartenanceFactory(groupement=gcs, membre=hopital, debut=datetime.date(2017, 10, 12))
    AppartenanceFactory(
        groupement=gcs,
        membre=StructureFactory(nom="Clinique des Dunes", type=TypeStructure.CLINIQUE),
        debut=datetime.date(2015, 3, 2),
        fin=datetime.date(2019, 6, 30),
    )
    lefevre = ProfessionnelFactory(
        nom="Lefèvre", prenom="Hélène", profession=medecin, specialite=SpecialiteFactory()
    )
    LieuExerciceFactory(professionnel=lefevre, commune=cherbourg, structure=hopital, telephone=TELEPHONE)
    for nom in ["Lecoq", "Guérin", "Martin"]:
        LieuExerciceFactory(
            professionnel=ProfessionnelFactory(nom=nom, profession=medecin, demo=True), commune=cherbourg
        )
    return lefevre, hopital, gcs


def test_un_membre_trouve_une_personne_malgre_une_faute(onglet):
    lefevre, hopital, gcs = _territoire()
    membre = UtilisateurFactory(email="membre@exemple.fr", prenom="Yves", roles=(Role.MEMBRE_COLLEGE,))
    connecter(onglet, membre)
    page = onglet.aller("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Annuaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des acteurs de santé")
    expect(page.get_by_role("heading", name="4 professionnels trouvés")).to_be_visible()
    onglet.verifier_accessibilite()

    champ(page, "Nom").fill("Lefebvre")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name="1 professionnel trouvé")).to_be_visible()
    expect(champ(page, "Nom")).to_have_value("Lefebvre")
    onglet.verifier_accessibilite()

    page.get_by_role("link", name="Hélène Lefèvre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Docteur Hélène Lefèvre")
    expect(page.get_by_text("réservés au personnel de l'agglomération")).to_be_visible()
    expect(page.get_by_text(TELEPHONE)).to_have_count(0)
    onglet.verifier_accessibilite()

    page.get_by_role("link", name="Centre hospitalier public du Cotentin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Centre hospitalier public du Cotentin")
    expect(page.get_by_text("membre depuis le 12 octobre 2017")).to_be_visible()
    onglet.verifier_accessibilite()

    page.get_by_role("link", name="Annuaire des structures").click()
    champ(page, "Nom").fill("cherbour hopital")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name="1 structure trouvée")).to_be_visible()
    onglet.verifier_accessibilite()

    champ(page, "Nom").fill("Zyxwvu")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("Aucune structure ne correspond à votre recherche.")).to_be_visible()
    onglet.verifier_accessibilite()
    page.get_by_role("link", name="Professionnels").click()
    expect(page.get_by_text("Aucun professionnel ne correspond à votre recherche.")).to_be_visible()
    expect(champ(page, "Nom")).to_have_value("Zyxwvu")
    onglet.verifier_accessibilite()


def test_un_agent_voit_les_coordonnees_et_les_membres_du_groupement(onglet):
    lefevre, hopital, gcs = _territoire()
    agent = UtilisateurFactory(
        email="agent@exemple.fr", prenom="Claire", roles=(Role.AGENT,), is_staff=True, totp=True
    )
    connecter(onglet, agent)
    page = onglet.aller(f"/annuaire/professionnels/{lefevre.pk}/")
    expect(page.get_by_role("link", name=TELEPHONE)).to_be_visible()
    onglet.verifier_accessibilite()

    page = onglet.aller(f"/annuaire/structures/{gcs.pk}/")
    expect(page.get_by_role("heading", name="Anciens membres")).to_be_visible()
    expect(page.get_by_text("membre du 2 mars 2015 au 30 juin 2019")).to_be_visible()
    expect(page.locator(".badge", has_text="démo")).to_be_visible()
    onglet.verifier_accessibilite()


def test_la_carte_d_un_pole(onglet):
    """Les structures du pôle Cœur du Cotentin sur la carte de ses 19 communes (vraies) : une
    sans coordonnées au centre de sa commune ; un repère mène à la fiche de la structure."""
    call_command("charger_cotentin", stdout=io.StringIO())
    valognes = Commune.objects.get(nom="Valognes")
    StructureFactory(
        nom="Hôpital de Valognes",
        type=TypeStructure.CENTRE_HOSPITALIER,
        commune=valognes,
        latitude=49.5085,
        longitude=-1.4702,
    )
    StructureFactory(nom="EHPAD des Tilleuls", type=TypeStructure.MEDICO_SOCIAL, commune=valognes)
    StructureFactory(
        nom="MSP de Bricquebec",
        type=TypeStructure.MSP,
        commune=Commune.objects.get(nom="Bricquebec-en-Cotentin"),
        latitude=49.47,
        longitude=-1.633,
    )
    pole = PoleDeProximite.objects.get(nom="Cœur du Cotentin")
    connecter(onglet, UtilisateurFactory(email="membre@exemple.fr", roles=(Role.MEMBRE_COLLEGE,)))
    verifier_aux_deux_largeurs(onglet, f"/annuaire/?onglet=structures&pole={pole.pk}", "annuaire", cartes=1)

    page = onglet.page
    page.set_viewport_size({"width": 1280, "height": 900})
    carte = page.get_by_role("group", name="Les structures trouvées dans le pôle Cœur du Cotentin")
    expect(carte.locator(".carte-communes a")).to_have_count(19)
    expect(carte.locator(".carte-reperes a")).to_have_count(3)
    au_centre = "EHPAD des Tilleuls, placée au centre de sa commune (pas de coordonnées)"
    expect(carte.locator(".carte-reperes a title", has_text=au_centre)).to_have_count(1)
    carte.locator(".carte-reperes a", has=page.locator("title", has_text="MSP de Bricquebec")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("MSP de Bricquebec")
