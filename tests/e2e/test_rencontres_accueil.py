"""L'accueil d'une rencontre depuis le téléphone de l'organisation (375 px) : le QR de la
confirmation ouvre la page avec le code, on pointe ; le même code une seconde fois est refusé
avec son heure ; on cherche une personne par son nom ; une personne venue sans inscription est
inscrite et pointée d'un geste. axe sur chaque page, sans défilement de côté."""

import re

import pytest
from playwright.sync_api import expect

from rencontres.models import EtatInscription, Inscription
from tests.e2e.conftest import Onglet, connecter
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db(transaction=True)


def _sans_defilement(onglet: Onglet) -> None:
    assert onglet.page.evaluate("document.documentElement.scrollWidth") <= 375


def test_l_accueil_depuis_un_telephone(onglet: Onglet, agent) -> None:
    r = rencontre(capacites=(10,))
    lea = inscrire(r, 1, nom="Martin", prenom="Léa", foyer=1)
    inscrire(r, 2, nom="Durand", prenom="Alix")
    connecter(onglet, agent)
    page = onglet.page
    page.set_viewport_size({"width": 375, "height": 740})

    # Le QR de la confirmation mène ici avec le code déjà saisi.
    onglet.aller(f"/rencontres/{r.pk}/accueil/?code={lea.code}")
    expect(page.get_by_label("Code d'accueil")).to_have_value(lea.code)
    onglet.verifier_accessibilite()
    _sans_defilement(onglet)
    page.get_by_role("button", name="Pointer l'arrivée").first.click()
    expect(page.get_by_text("Arrivée pointée : Léa Martin (2 personnes).")).to_be_visible()
    expect(page.get_by_text("1 arrivées sur 2 inscriptions confirmées.")).to_be_visible()

    # Le même code une seconde fois : refusé, avec l'heure du premier passage.
    page.get_by_label("Code d'accueil").fill(lea.code)
    page.get_by_role("button", name="Pointer l'arrivée").first.click()
    expect(page.get_by_text("Ce code a déjà été pointé à")).to_be_visible()
    onglet.verifier_accessibilite()

    # Par le nom.
    page.get_by_label("Nom ou prénom").fill("durand")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("button", name="Pointer l'arrivée — Alix Durand").click()
    expect(page.get_by_text("Arrivée pointée : Alix Durand (1 personne).")).to_be_visible()

    # Venue sans inscription.
    page.get_by_label(re.compile(r"^\s*Prénom\s*\*?\s*$")).fill("Jo")
    page.get_by_label(re.compile(r"^\s*Nom\s*\*?\s*$")).fill("Lenoir")
    page.get_by_role("button", name="Inscrire sur place et pointer").click()
    expect(page.get_by_text("Inscription sur place et arrivée pointées : Jo Lenoir.")).to_be_visible()
    onglet.verifier_accessibilite()
    _sans_defilement(onglet)
    assert Inscription.objects.filter(etat=EtatInscription.CONFIRMEE, arrivee_le__isnull=False).count() == 3
