"""L'attractivité d'une rencontre de promotion dans un vrai navigateur : une interne s'inscrit
et coche l'accord pour le vivier (sa page d'inscription le montre, avec le bouton pour le
retirer et l'abonnement à son agenda) ; elle postule ensuite à une offre du recrutement ;
l'agente de l'agglomération ouvre, depuis « Organiser les rencontres », la page de
l'attractivité : des nombres, pas de nom. axe sur chaque page."""

import re

import pytest
from playwright.sync_api import expect

from recrutement.models import StatutOffre
from rencontres.models import Inscription
from tests.e2e.conftest import Onglet, connecter
from tests.e2e.test_rencontres import champ
from tests.recrutement.factories import candidature, gcs_et_recruteurs, offre
from tests.rencontres.factories import rencontre

pytestmark = pytest.mark.django_db(transaction=True)


def test_une_interne_consent_et_l_agente_lit_l_entonnoir(nouvel_onglet, agent) -> None:
    r = rencontre(capacites=(20,), foyer_max=1, propose_le_vivier=True)
    interne: Onglet = nouvel_onglet()
    page = interne.page
    interne.aller(f"/rencontres/{r.pk}/inscription/")
    case = page.get_by_label(re.compile(r"J'accepte que l'agglomération du Cotentin et le GCS"))
    expect(case).not_to_be_checked()
    interne.verifier_accessibilite()
    champ(page, "Nom").fill("Martin")
    champ(page, "Prénom").fill("Léa")
    champ(page, "Adresse électronique").fill("Lea.Martin@exemple.fr")
    case.check()
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mon inscription")
    expect(page.get_by_role("heading", name="Mon accord pour le vivier du recrutement")).to_be_visible()
    expect(page.get_by_text("pendant 2 ans")).to_be_visible()
    expect(page.get_by_role("button", name="Retirer mon accord")).to_be_visible()
    abonnement = page.get_by_role("link", name="Abonner mon agenda à toutes mes rencontres")
    expect(abonnement).to_have_attribute("href", re.compile(r"^webcal://.+/rencontres/agenda/.+\.ics$"))
    interne.verifier_accessibilite()
    # Sur un téléphone, la page (accord, adresse du flux) tient dans la largeur.
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    inscription = Inscription.objects.get()
    assert inscription.accord_vivier_le is not None and "pendant 2 ans" in inscription.accord_vivier_texte

    # Elle postule ensuite à une offre du GCS, de la même adresse écrite autrement.
    g = gcs_et_recruteurs()
    candidature(offre(g, StatutOffre.PUBLIEE), email="lea.martin@exemple.fr")

    agente: Onglet = nouvel_onglet()
    connecter(agente, agent)
    agente.aller("/rencontres/organisation/")
    agente.page.get_by_role("link", name=re.compile("Attractivité des rencontres")).click()
    expect(agente.page.get_by_role("heading", level=1)).to_have_text("Attractivité des rencontres")
    ligne = agente.page.get_by_role("row", name=re.compile("Les Paradis du Cotentin"))
    expect(ligne.get_by_role("cell")).to_have_text(
        [
            re.compile(".+"),
            "1",
            re.compile(r"^0 "),
            re.compile(r"^1 \(100,0"),
            re.compile(r"^1 \(100,0"),
            re.compile(r"^0 "),
        ]
    )
    expect(agente.page.get_by_text("Martin")).to_have_count(0)
    agente.verifier_accessibilite()
