"""Les chambres d'un week-end dans le navigateur : l'agente place une interne dans une chambre
et la gèle (réservée auprès de l'hôtel) ; l'interne, depuis la page de son inscription, demande
à changer de chambre ; l'agente accepte, et l'interne voit sa nouvelle chambre. axe sur chaque
page ; sur un téléphone (375 px), aucune ne défile de côté."""

import pytest
from playwright.sync_api import expect

from rencontres import services
from rencontres.jetons import jeton_de
from rencontres.models import Attribution, GenreRessource
from tests.e2e.conftest import connecter
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db(transaction=True)


def test_une_chambre_reservee_change_sur_demande_acceptee(nouvel_onglet, agent) -> None:
    r = rencontre()
    for libelle in ("Hôtel de la Plage, chambre 12", "Hôtel de la Plage, chambre 14"):
        services.ressource_creer(
            rencontre=r, genre=GenreRessource.CHAMBRE, libelle=libelle, capacite=2, acteur=agent
        )
    inscription = inscrire(r, 1, nom="Martin", prenom="Léa")

    # L'agente place Léa dans la chambre 12, puis la gèle : elle est réservée.
    organisation = nouvel_onglet()
    connecter(organisation, agent)
    page = organisation.aller(f"/rencontres/{r.pk}/hebergement/")
    organisation.verifier_accessibilite()
    page.get_by_label("Personne").select_option(label="Léa Martin")
    page.get_by_role("combobox", name="Chambre*", exact=True).select_option(
        label="Hôtel de la Plage, chambre 12 — 0/2"
    )
    page.get_by_role("button", name="Placer").click()
    expect(page.get_by_text("Léa Martin est dans « Hôtel de la Plage, chambre 12 ».")).to_be_visible()
    page.get_by_role("button", name="Geler (réservée) — Hôtel de la Plage, chambre 12").click()
    expect(page.get_by_text("« Hôtel de la Plage, chambre 12 » est gelée")).to_be_visible()
    expect(
        page.get_by_role("button", name="Retirer — Léa Martin, Hôtel de la Plage, chambre 12")
    ).to_have_count(0)
    organisation.verifier_accessibilite()

    # Léa, depuis le lien de ses courriels, demande la chambre 14.
    personne = nouvel_onglet()
    page_personne = personne.aller(f"/rencontres/inscription/{jeton_de(inscription)}/")
    expect(page_personne.get_by_text("Hôtel de la Plage, chambre 12", exact=True)).to_be_visible()
    personne.verifier_accessibilite()
    page_personne.get_by_label("Chambre ou navette").select_option(label="Chambre")
    page_personne.get_by_label("Celle que vous souhaitez").select_option(
        label="Chambre — Hôtel de la Plage, chambre 14"
    )
    page_personne.get_by_role("button", name="Envoyer la demande").click()
    expect(page_personne.get_by_text("Dites pourquoi vous demandez ce changement.")).to_be_visible()
    page_personne.get_by_label("Motif de la demande").fill("Pour partager la chambre de ma co-interne.")
    page_personne.get_by_role("button", name="Envoyer la demande").click()
    expect(page_personne.get_by_text("Votre demande est envoyée")).to_be_visible()
    expect(page_personne.get_by_text("En attente", exact=True)).to_be_visible()
    personne.verifier_accessibilite()

    # L'agente accepte : Léa passe dans la chambre 14, gelée elle aussi.
    page = organisation.aller(f"/rencontres/{r.pk}/hebergement/")
    expect(page.get_by_text("Pour partager la chambre de ma co-interne.")).to_be_visible()
    organisation.verifier_accessibilite()
    page.get_by_label("Réponse à la personne").fill("Bon week-end !")
    page.get_by_role("button", name="Accepter — Léa Martin").click()
    expect(
        page.get_by_text("Demande acceptée pour Léa Martin ; la personne en est prévenue.")
    ).to_be_visible()
    expect(page.get_by_text("Aucune demande en attente.")).to_be_visible()
    organisation.verifier_accessibilite()
    assert Attribution.objects.get().ressource.libelle == "Hôtel de la Plage, chambre 14"

    page_personne = personne.aller(f"/rencontres/inscription/{jeton_de(inscription)}/")
    expect(page_personne.get_by_text("Acceptée", exact=True)).to_be_visible()
    expect(page_personne.get_by_text("Hôtel de la Plage, chambre 14", exact=True)).to_be_visible()
    personne.verifier_accessibilite()

    # Sur un téléphone (375 px), ni l'une ni l'autre page ne défile de côté.
    for onglet, chemin in (
        (organisation, f"/rencontres/{r.pk}/hebergement/"),
        (personne, f"/rencontres/inscription/{jeton_de(inscription)}/"),
    ):
        onglet.page.set_viewport_size({"width": 375, "height": 740})
        onglet.aller(chemin)
        assert onglet.page.evaluate("document.documentElement.scrollWidth") <= 375, chemin
