"""Une discussion du Collège dans un vrai navigateur : une membre ouvre une discussion, un
autre lui répond en la mentionnant, elle corrige son commentaire et en voit l'historique, le
secrétariat masque un commentaire avec un motif. axe sur chaque page visitée."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from college.models import Commentaire, Discussion
from socle.models import Evenement, Notification
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory, MandatFactory
from tests.e2e.conftest import connecter

pytestmark = pytest.mark.django_db(transaction=True)


def champ(page: Page, libelle: str) -> Locator:
    """Le champ dont l'étiquette est `libelle` (suivie ou non de l'astérisque des champs requis)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(libelle)}\s*\*?\s*$"))


def _commentaire(page: Page, auteur: str, texte: str):
    return page.get_by_role("article", name=f"Commentaire de {auteur}").filter(has_text=texte)


def test_une_discussion_de_l_ouverture_au_masquage(nouvel_onglet, secretariat):
    college = CollegeFactory()
    helene = MandatFactory(
        instance=college, personne=UtilisateurFactory(prenom="Hélène", nom="Lefèvre")
    ).personne
    bruno = MandatFactory(
        instance=college, personne=UtilisateurFactory(prenom="Bruno", nom="Bernard")
    ).personne

    # Hélène ouvre une discussion depuis le menu.
    onglet_helene = nouvel_onglet()
    connecter(onglet_helene, helene)
    page = onglet_helene.aller("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Discussions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Discussions")
    expect(page.get_by_text("Aucune discussion n'est encore ouverte dans vos instances.")).to_be_visible()
    onglet_helene.verifier_accessibilite()

    page.get_by_role("link", name="Ouvrir une discussion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ouvrir une discussion")
    onglet_helene.verifier_accessibilite()
    champ(page, "Titre de la discussion").fill("Charte du Collège")
    champ(page, "Premier message").fill("Relisez l'article 3, **s'il vous plaît**.")
    page.get_by_role("button", name="Ouvrir la discussion").click()
    expect(page.get_by_text("La discussion est ouverte.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Charte du Collège")
    premier = _commentaire(page, "Hélène Lefèvre", "Relisez l'article 3")
    expect(premier.locator("strong", has_text="s'il vous plaît")).to_be_visible()
    expect(page.get_by_text("Vous suivez cette discussion")).to_be_visible()
    onglet_helene.verifier_accessibilite()
    discussion = Discussion.objects.get()

    # Bruno répond en la mentionnant ; l'aide lui donne l'identifiant à écrire.
    onglet_bruno = nouvel_onglet()
    connecter(onglet_bruno, bruno)
    page_bruno = onglet_bruno.aller(reverse("college:discussion_liste"))
    expect(page_bruno.get_by_role("row", name=re.compile("Charte du Collège"))).to_contain_text("1")
    onglet_bruno.verifier_accessibilite()
    page_bruno.get_by_role("link", name="Charte du Collège").click()
    page_bruno.get_by_text("Mentionner un membre").click()
    expect(page_bruno.get_by_text("@helene.lefevre — Hélène Lefèvre")).to_be_visible()
    page_bruno.get_by_text("Répondre à Hélène Lefèvre").click()
    onglet_bruno.verifier_accessibilite()
    page_bruno.get_by_label("Votre réponse à Hélène Lefèvre").fill(
        "D'accord avec @helene.lefevre sur ce point."
    )
    page_bruno.get_by_role("button", name="Publier la réponse").click()
    expect(page_bruno.get_by_text("Votre commentaire est publié.")).to_be_visible()
    reponse = _commentaire(page_bruno, "Bruno Bernard", "sur ce point")
    expect(reponse.locator("strong", has_text="Hélène Lefèvre")).to_be_visible()
    onglet_bruno.verifier_accessibilite()
    assert Notification.objects.filter(destinataire=helene, verbe="college.commentaire.mention").count() == 1

    # Hélène corrige son commentaire, puis en lit l'historique.
    page = onglet_helene.aller(discussion.get_absolute_url())
    premier = _commentaire(page, "Hélène Lefèvre", "Relisez l'article 3")
    premier.get_by_role("link", name="Modifier mon commentaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier mon commentaire")
    onglet_helene.verifier_accessibilite()
    champ(page, "Texte du commentaire").fill("Relisez les articles 3 et 4, merci.")
    page.get_by_role("button", name="Enregistrer la modification").click()
    expect(page.get_by_text("Votre commentaire est modifié")).to_be_visible()
    corrige = _commentaire(page, "Hélène Lefèvre", "Relisez les articles 3 et 4")
    corrige.get_by_role("link", name=re.compile("modifié le .* \\(voir l'historique\\)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Historique du commentaire")
    expect(page.get_by_role("article", name=re.compile("^Version remplacée le"))).to_contain_text(
        "Relisez l'article 3, s'il vous plaît."
    )
    onglet_helene.verifier_accessibilite()

    # Le secrétariat masque la réponse de Bruno, avec un motif.
    onglet_secretariat = nouvel_onglet()
    connecter(onglet_secretariat, secretariat)
    page_secretariat = onglet_secretariat.aller(discussion.get_absolute_url())
    onglet_secretariat.verifier_accessibilite()
    reponse = _commentaire(page_secretariat, "Bruno Bernard", "sur ce point")
    reponse.get_by_text("Masquer ce commentaire").click()
    reponse.get_by_label("Motif du masquage").fill("Propos hors de la charte de modération")
    onglet_secretariat.verifier_accessibilite()
    reponse.get_by_role("button", name="Masquer le commentaire").click()
    expect(page_secretariat.get_by_text("Le commentaire est masqué")).to_be_visible()
    expect(
        page_secretariat.get_by_text(
            "Commentaire masqué par le secrétariat : Propos hors de la charte de modération"
        )
    ).to_be_visible()
    onglet_secretariat.verifier_accessibilite()
    masque = Commentaire.objects.get(auteur=bruno)
    assert Evenement.objects.filter(
        verbe="college.commentaire.masque",
        cible_id=str(masque.pk),
        motif="Propos hors de la charte de modération",
    ).exists()

    # Hélène ne lit plus que le motif.
    page = onglet_helene.aller(discussion.get_absolute_url())
    expect(
        page.get_by_text("Commentaire masqué par le secrétariat : Propos hors de la charte de modération")
    ).to_be_visible()
    expect(page.get_by_text("sur ce point")).to_have_count(0)
    onglet_helene.verifier_accessibilite()
