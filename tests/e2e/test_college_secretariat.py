"""Le secrétariat mène une élection du Collège dans un vrai navigateur : il la prépare,
l'ouvre une fois les candidats déclarés, suit la participation (mise à jour par htmx), la
clôt avant l'heure avec un motif, lit le résultat et télécharge le PDF. axe sur chaque page."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from college import services
from college.models import Scrutin, StatutScrutin, TypeScrutin
from tests.college.factories import membres_votants
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory
from tests.e2e.conftest import connecter

pytestmark = pytest.mark.django_db(transaction=True)


def champ(page: Page | Locator, libelle: str) -> Locator:
    """Le champ dont l'étiquette est `libelle` (suivie ou non de l'astérisque des champs requis)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(libelle)}\s*\*?\s*$"))


def _a_la_minute(delta: dt.timedelta) -> str:
    return f"{timezone.localtime() + delta:%Y-%m-%dT%H:%M}"


def test_le_secretariat_mene_une_election_jusqu_au_resultat(onglet, secretariat):
    college = CollegeFactory()
    anne, bruno, claire = (
        UtilisateurFactory(prenom=prenom, nom=nom)
        for prenom, nom in [("Anne", "Aubert"), ("Bruno", "Bernard"), ("Claire", "Chevalier")]
    )
    for personne in (anne, bruno, claire):
        membres_votants(college, 1, personne=personne)
    connecter(onglet, secretariat)
    page = onglet.page
    # Les boutons marqués data-confirmer demandent confirmation : on l'accorde.
    page.on("dialog", lambda dialogue: dialogue.accept())

    # 1. Préparer l'élection d'un siège, le vote ouvert dès maintenant pour une semaine.
    onglet.aller(reverse("college:scrutin_creer") + f"?instance={college.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Préparer un scrutin")
    expect(champ(page, "Instance")).to_have_value(str(college.pk))
    onglet.verifier_accessibilite()
    champ(page, "Type de scrutin").select_option(label="Élection")
    champ(page, "Titre").fill("Élection du représentant du Collège")
    champ(page, "Question posée").fill("Qui représentera le Collège au Conseil de santé ?")
    champ(page, "Ouverture du vote").fill(_a_la_minute(-dt.timedelta(minutes=2)))
    champ(page, "Clôture du vote").fill(_a_la_minute(dt.timedelta(days=7)))
    champ(page, "Sièges à pourvoir").fill("1")
    page.get_by_role("button", name="Préparer le scrutin").click()
    expect(page.get_by_text("Le scrutin est en préparation. Enregistrez les candidatures")).to_be_visible()
    scrutin = Scrutin.objects.get()
    assert (scrutin.type_scrutin, scrutin.sieges, scrutin.secret) == (TypeScrutin.ELECTION, 1, True)
    expect(page).to_have_url(re.compile(rf"{scrutin.get_absolute_url()}$"))
    onglet.verifier_accessibilite()

    # 2. Sans candidat, l'élection ne s'ouvre pas ; Anne et Bruno se déclarent.
    gestion = page.locator("#gestion")
    gestion.get_by_role("button", name="Ouvrir le scrutin").click()
    expect(
        page.get_by_text("Aucun candidat ne s'est déclaré : l'élection ne peut pas s'ouvrir.")
    ).to_be_visible()
    for candidat in (anne, bruno):
        services.candidature_declarer(scrutin=scrutin, personne=candidat, acteur=candidat)
    onglet.aller(scrutin.get_absolute_url())
    gestion.get_by_role("button", name="Ouvrir le scrutin").click()
    expect(page.get_by_text("Le scrutin est ouvert : 3 électeurs sont prévenus.")).to_be_visible()
    participation = gestion.locator(".participation")
    expect(participation).to_contain_text(re.compile(r"0 votants? sur 3 électeurs"))
    onglet.verifier_accessibilite()

    # 3. Anne et Claire votent ; le bloc de la participation se met à jour tout seul (htmx).
    anne_candidate, bruno_candidat = scrutin.candidatures.order_by("personne__prenom")
    services.bulletin_deposer(scrutin=scrutin, votant=anne, candidats=[anne_candidate.pk])
    services.bulletin_deposer(scrutin=scrutin, votant=claire, candidats=[anne_candidate.pk])
    expect(participation).to_contain_text(
        "2 votants sur 3 électeurs, soit 67 % de participation.", timeout=25_000
    )
    expect(participation).not_to_contain_text("Anne Aubert")
    onglet.verifier_accessibilite()

    # 4. Clore avant l'heure : sans motif, refusé ; avec un motif, dépouillé et publié.
    gestion.get_by_text("Clore le scrutin").click()
    gestion.get_by_role("button", name="Clore et dépouiller").click()
    expect(page.get_by_text("Indiquez le motif de la clôture anticipée.")).to_be_visible()
    gestion.get_by_text("Clore le scrutin").click()
    champ(gestion, "Motif de la clôture anticipée").fill("Bruno Bernard ne votera pas : il l'a écrit.")
    gestion.get_by_role("button", name="Clore et dépouiller").click()
    expect(page.get_by_text("Le scrutin est clos et dépouillé : le résultat est publié.")).to_be_visible()
    scrutin.refresh_from_db()
    assert scrutin.statut == StatutScrutin.CLOS
    assert scrutin.resultat is not None
    assert scrutin.resultat["elus"] == [anne_candidate.pk]
    resultat = page.locator("#resultat")
    expect(resultat).to_contain_text("Anne Aubert")
    expect(resultat).to_contain_text("élu")
    expect(gestion).to_contain_text("Motif : Bruno Bernard ne votera pas : il l'a écrit.")
    onglet.verifier_accessibilite()

    # 5. Le résultat en PDF.
    with page.expect_download() as telechargement:
        gestion.get_by_role("link", name="Télécharger le résultat (PDF)").click()
    contenu = " ".join(
        " ".join(p.extract_text() for p in PdfReader(telechargement.value.path()).pages).split()
    )
    assert "Résultat du scrutin — Élection du représentant du Collège" in contenu
    assert "Élu : Anne Aubert" in contenu
    assert "Votants 2" in contenu
    assert bruno_candidat.personne_id == bruno.pk
