"""L'annuaire dans un vrai navigateur : un membre du Collège cherche une personne avec une
faute de frappe et la trouve ; axe sur chaque page de l'annuaire, vue d'un membre puis d'un
agent (qui voit en plus les coordonnées)."""

import datetime
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from comptes.roles import Role
from territoire.models import TypeStructure
from tests.comptes.factories import UtilisateurFactory
from tests.e2e.conftest import connecter
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
