"""Les rencontres dans un vrai navigateur : un couple s'inscrit ensemble (une première saisie
refusée garde ce qui a été tapé), retrouve son inscription et son QR ; une personne sur liste
d'attente reçoit la place qu'une autre libère et la confirme ; sur un écran de téléphone, la
page de l'inscription tient dans la largeur. axe sur chaque page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Locator, Page, expect

from rencontres.models import EtatInscription, Inscription, Question, TypeQuestion
from tests.e2e.conftest import Onglet
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db(transaction=True)


def champ(page: Page, libelle: str) -> Locator:
    return page.get_by_label(re.compile(rf"^\s*{re.escape(libelle)}\s*\*?\s*$"))


def _lien_du_courriel(base: str) -> str:
    corps = mail.outbox[-1].body
    trouve = re.search(r"https?://\S+?(/rencontres/inscription/\S+/)", corps)
    assert trouve is not None, corps
    return trouve.group(1)


def test_un_couple_s_inscrit_ensemble(onglet: Onglet) -> None:
    r = rencontre(capacites=(20, 2), foyer_max=3)
    question = Question.objects.create(
        rencontre=r, libelle="Année d'internat", type=TypeQuestion.CHOIX, choix=["1re", "2e", "3e"]
    )
    page = onglet.page
    onglet.aller("/rencontres/")
    onglet.verifier_accessibilite()
    page.get_by_role("link", name="Les Paradis du Cotentin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les Paradis du Cotentin")
    onglet.verifier_accessibilite()
    page.get_by_role("link", name="S'inscrire").click()
    onglet.verifier_accessibilite()
    champ(page, "Nom").fill("Martin")
    champ(page, "Prénom").fill("Léa")
    champ(page, "Adresse électronique").fill("lea.martin@exemple.fr")
    champ(page, "Prénom de la personne 2").fill("Hugo")
    champ(page, "Nom de la personne 2").fill("Martin")
    champ(page, "Lien de la personne 2 avec vous").select_option(label="Conjoint ou conjointe")
    page.get_by_role("button", name="M'inscrire").click()
    # La question obligatoire oubliée : refus, et rien de ce qui a été tapé n'est perdu.
    expect(page.get_by_text("Répondez à cette question")).to_be_visible()
    expect(champ(page, "Nom")).to_have_value("Martin")
    expect(champ(page, "Prénom de la personne 2")).to_have_value("Hugo")
    onglet.verifier_accessibilite()
    page.locator(f"#id_question_{question.pk}").select_option("2e")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mon inscription")
    expect(page.get_by_text("Confirmée", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="QR code du code d'accueil")).to_be_visible()
    onglet.verifier_accessibilite()
    inscription = Inscription.objects.get()
    assert inscription.participants.count() == 2 and inscription.etat == EtatInscription.CONFIRMEE
    # La sortie en mer (2 places) est maintenant complète, et la page le dit.
    onglet.aller(r.get_absolute_url())
    expect(page.get_by_text("complet (liste d'attente)")).to_be_visible()


def test_la_liste_d_attente_promeut_et_la_place_se_confirme(nouvel_onglet) -> None:
    r = rencontre(capacites=(1,))
    premiere = inscrire(r, 1)
    seconde = nouvel_onglet()
    page = seconde.page
    seconde.aller(f"/rencontres/{r.pk}/inscription/")
    champ(page, "Nom").fill("Durand")
    champ(page, "Prénom").fill("Alix")
    champ(page, "Adresse électronique").fill("alix.durand@exemple.fr")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("Sur liste d'attente")).to_be_visible()
    expect(page.get_by_text("rang 1 sur la liste d'attente")).to_be_visible()
    seconde.verifier_accessibilite()
    # La première personne annule depuis le lien de son courriel.
    from rencontres.jetons import jeton_de

    annulante = nouvel_onglet()
    annulante.aller(f"/rencontres/inscription/{jeton_de(premiere)}/")
    annulante.page.get_by_role("button", name="Annuler mon inscription").click()
    expect(annulante.page.get_by_text("Annulée", exact=True)).to_be_visible()
    # La seconde voit la place proposée et la confirme.
    page.reload()
    expect(page.get_by_text("Place proposée, à confirmer")).to_be_visible()
    seconde.verifier_accessibilite()
    page.get_by_role("button", name="Je confirme ma place").click()
    expect(page.get_by_text("Confirmée", exact=True)).to_be_visible()


def test_la_page_de_l_inscription_sur_un_telephone(onglet: Onglet) -> None:
    from rencontres.jetons import jeton_de

    r = rencontre()
    inscription = inscrire(r, foyer=2)
    onglet.page.set_viewport_size({"width": 375, "height": 740})
    onglet.aller(f"/rencontres/inscription/{jeton_de(inscription)}/")
    expect(onglet.page.get_by_role("img", name="QR code du code d'accueil")).to_be_visible()
    largeur = onglet.page.evaluate("document.documentElement.scrollWidth")
    assert largeur <= 375
    onglet.verifier_accessibilite()
