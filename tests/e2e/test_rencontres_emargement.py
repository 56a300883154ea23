"""L'émargement à l'écran depuis le téléphone de l'organisation (375 px) : la demi-journée en
cours est choisie d'elle-même, on cherche une personne par son nom, elle appuie sur « Signer » ;
sa ligne dit qu'elle a signé, avec l'heure. axe sur chaque page, sans défilement de côté."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rencontres.models import Emargement, TypeRencontre
from socle.francais import heure
from tests.e2e.conftest import Onglet, connecter
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db(transaction=True)


def _sans_defilement(onglet: Onglet) -> None:
    assert onglet.page.evaluate("document.documentElement.scrollWidth") <= 375


def test_une_stagiaire_signe_sur_le_telephone_de_l_organisation(onglet: Onglet, agent) -> None:
    maintenant = timezone.now()
    r = rencontre(
        titre="Formation continue — plaies chroniques",
        type=TypeRencontre.FORMATION,
        debut=maintenant - timedelta(hours=1),
        fin=maintenant + timedelta(hours=2),
        inscriptions_du=maintenant - timedelta(days=30),
        inscriptions_au=maintenant - timedelta(days=1),
        capacites=(None,),
    )
    inscrites = maintenant - timedelta(days=10)
    inscrire(
        r, 1, nom="Martin", prenom="Léa", maintenant=inscrites, structure="Cabinet infirmier de Valognes"
    )
    inscrire(r, 2, nom="Durand", prenom="Alix", maintenant=inscrites)
    connecter(onglet, agent)
    page = onglet.page
    page.set_viewport_size({"width": 375, "height": 740})

    onglet.aller(f"/rencontres/{r.pk}/emargement/")
    expect(page.get_by_text("Signatures : 0 sur 2 personnes attendues.")).to_be_visible()
    onglet.verifier_accessibilite()
    _sans_defilement(onglet)

    page.get_by_label("Nom ou prénom").fill("durand")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_text("Léa Martin")).to_have_count(0)
    page.get_by_role("button", name="Signer — Alix Durand").click()

    signature = Emargement.objects.get()
    expect(page.get_by_text("Alix Durand a signé pour")).to_be_visible()
    ligne = page.locator(f"#personne-{signature.participant_id}")
    expect(ligne).to_contain_text(f"Signé à {heure(signature.signe_le)}")
    expect(ligne.get_by_role("button", name="Signer — Alix Durand")).to_have_count(0)
    # La recherche et la demi-journée sont gardées.
    expect(page.get_by_label("Nom ou prénom")).to_have_value("durand")
    expect(page.get_by_text("Signatures : 1 sur 2 personnes attendues.")).to_be_visible()
    onglet.verifier_accessibilite()
    _sans_defilement(onglet)
