"""La carte des communes dans un vrai navigateur, sous la CSP du portail : axe-core sans
violation, aucune erreur de console, chaque commune atteinte au clavier et visible quand elle
a le focus."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.e2e.urls_carte")]


def test_carte_accessible_au_clavier(onglet):
    page = onglet.aller("/essai/carte/")
    onglet.verifier_accessibilite()
    carte = page.locator("svg.carte-svg")
    expect(carte).to_have_accessible_name("Médecins généralistes pour 10 000 habitants")
    communes = carte.locator("g.carte-communes > a")
    expect(communes).to_have_count(129)
    expect(page.locator("#carte-essai-tableau tbody tr")).to_have_count(130)
    expect(page.locator(".carte-omises")).to_contain_text(
        "Commune sans contour (pas de contour, absente de la carte)"
    )

    premiere = communes.first
    expect(premiere).to_have_accessible_name("Anneville-en-Saire : 0,0 pour 10 000 habitants")
    page.locator(".carte-cadre").focus()
    page.keyboard.press("Tab")
    expect(premiere).to_be_focused()
    # Le focus se voit : la commune passe au jaune cernée de noir.
    remplissage = premiere.locator("path").evaluate("p => getComputedStyle(p).fill")
    assert remplissage == "rgb(255, 191, 71)"
    page.keyboard.press("Enter")
    expect(page).to_have_url(onglet.base + "/essai/carte/?commune=50013")
