"""Deux recruteurs étudient la même candidature dans un vrai navigateur : celle du CHPC la met à
l'étude, écrit une note partagée et une note réservée à sa structure ; celui de la Polyclinique
lit la note partagée (pas l'autre) et ouvre le CV ; la recruteuse du CHPC voit qu'il l'a ouvert.
Puis les pages des doublons et du vivier. axe sur chaque page."""

import re

import pytest
from playwright.sync_api import expect

from recrutement.models import Candidature, ConsultationPiece, EtapeCandidature, StatutOffre
from tests.comptes.factories import UtilisateurFactory
from tests.e2e.conftest import Onglet, connecter
from tests.recrutement import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = re.compile(r"^\s*Votre note\s*\*?\s*$")


def test_deux_recruteurs_etudient_la_meme_candidature(nouvel_onglet) -> None:
    g = f.gcs_et_recruteurs()
    offre = f.offre(g, StatutOffre.PUBLIEE, titre="Médecin urgentiste")
    candidature = f.candidature(offre, [g.chpc, g.pcc], aide_logement=True)

    # 1. La recruteuse du CHPC trouve la candidature sur le tableau, depuis « Mes offres ».
    chpc: Onglet = nouvel_onglet()
    connecter(chpc, g.recruteur_chpc)
    page = chpc.page
    chpc.aller("/recrutement/mes-offres/")
    chpc.verifier_accessibilite()
    page.get_by_role("link", name="Candidatures : le tableau partagé").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Candidatures — tableau partagé")
    expect(page.get_by_role("heading", level=2, name="Reçue")).to_be_visible()
    chpc.verifier_accessibilite()
    page.get_by_role("link", name="Camille Lefèvre", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Candidature de Camille Lefèvre")
    expect(page.get_by_text("Le candidat demande une aide à l'installation")).to_be_visible()
    chpc.verifier_accessibilite()

    # 2. Elle la met à l'étude, puis écrit une note partagée et une note réservée au CHPC.
    page.get_by_role("button", name="Mettre à l'étude").click()
    expect(page.get_by_text("La candidature est maintenant : En étude.")).to_be_visible()
    chpc.verifier_accessibilite()
    page.get_by_label(NOTE).fill("Profil solide, à recevoir vite.")
    page.get_by_label("Partagée avec les employeurs à qui la candidature est confiée").check()
    page.get_by_role("button", name="Enregistrer la note").click()
    expect(page.get_by_text("La note est enregistrée.")).to_be_visible()
    page.get_by_label(NOTE).fill("Budget du poste à revoir en interne.")
    page.get_by_label("Réservée aux recruteurs de ma structure").check()
    page.get_by_role("button", name="Enregistrer la note").click()
    expect(page.get_by_text("Budget du poste à revoir en interne.")).to_be_visible()
    chpc.verifier_accessibilite()
    assert Candidature.objects.get(pk=candidature.pk).etape == EtapeCandidature.EN_ETUDE

    # 3. Le recruteur de la Polyclinique lit la note partagée, pas la note réservée, ouvre le CV.
    pcc: Onglet = nouvel_onglet()
    connecter(pcc, g.recruteur_pcc)
    page_p = pcc.page
    pcc.aller("/recrutement/candidatures/")
    expect(page_p.get_by_role("heading", level=2, name="En étude")).to_be_visible()
    pcc.verifier_accessibilite()
    page_p.get_by_role("link", name="Camille Lefèvre", exact=True).click()
    expect(page_p.get_by_text("Profil solide, à recevoir vite.")).to_be_visible()
    expect(page_p.get_by_text("Budget du poste à revoir en interne.")).to_have_count(0)
    pcc.verifier_accessibilite()
    with page_p.expect_download() as telechargement:
        page_p.get_by_role("link", name="Curriculum vitæ — cv.pdf").click()
    assert telechargement.value.suggested_filename == "cv.pdf"
    assert ConsultationPiece.objects.get().compte == g.recruteur_pcc

    # 4. La recruteuse du CHPC voit qui a ouvert le CV, pour quelle structure.
    chpc.aller(f"/recrutement/candidatures/{candidature.pk}/")
    consultations = page.get_by_role("table", name="Consultations des pièces")
    expect(consultations).to_contain_text(str(g.recruteur_pcc))
    expect(consultations).to_contain_text("Polyclinique du Cotentin")
    chpc.verifier_accessibilite()


def test_doublon_fusionne_et_offre_proposee_au_vivier(nouvel_onglet) -> None:
    g = f.gcs_et_recruteurs()
    offre = f.offre(g, StatutOffre.PUBLIEE, titre="Médecin urgentiste")
    premiere = f.candidature(offre, vivier=True)
    compte = UtilisateurFactory(email="c.lefevre@exemple.fr")
    seconde = f.candidature(
        f.offre(g, StatutOffre.PUBLIEE, titre="Pédiatre"), compte=compte, telephone="+33612345678"
    )

    chpc: Onglet = nouvel_onglet()
    connecter(chpc, g.recruteur_chpc)
    page = chpc.page
    chpc.aller(f"/recrutement/candidatures/{premiere.pk}/")
    expect(page.get_by_role("heading", name="Doublons possibles")).to_be_visible()
    expect(page.get_by_text("même téléphone, nom semblable")).to_be_visible()
    page.get_by_role("link", name="Comparer et fusionner avec Camille Lefèvre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fusionner deux fiches d'un même candidat")
    chpc.verifier_accessibilite()
    page.get_by_label(f"Garder la fiche n° {seconde.candidat_id} (Camille Lefèvre)").check()
    page.get_by_role("button", name="Fusionner les deux fiches").click()
    expect(page.get_by_text("Les deux fiches n'en font plus qu'une")).to_be_visible()
    chpc.verifier_accessibilite()
    assert Candidature.objects.get(pk=premiere.pk).candidat_id == seconde.candidat_id

    # Le vivier : depuis la gestion de l'offre, combien de candidats, jamais qui.
    nouvelle = f.offre(g, StatutOffre.PUBLIEE, titre="Urgentiste de nuit")
    chpc.aller(f"/recrutement/offres/{nouvelle.pk}/")
    page.get_by_role("link", name="Proposer l'offre au vivier").click()
    expect(page.get_by_text("1 candidat du vivier correspond à l'offre")).to_be_visible()
    chpc.verifier_accessibilite()
    page.get_by_role("button", name="Envoyer l'offre à 1 candidat").click()
    expect(page.get_by_text("Offre envoyée à 1 candidat du vivier.")).to_be_visible()
    expect(page.get_by_text("Aucun nouveau candidat du vivier à qui l'envoyer.")).to_be_visible()
    chpc.verifier_accessibilite()
