"""Le parcours d'une candidate dans un vrai navigateur : elle lit une offre du CHPC, demande le
lien du formulaire (lu dans les courriels envoyés), l'envoie une première fois sans cocher
l'employeur de l'offre (refusée, sa saisie gardée, les fichiers à rechoisir), puis la dépose ;
elle ouvre son espace et retire sa candidature à la Polyclinique, qui ne la voit plus. Les
pages des alertes et de l'accès à l'espace. axe sur chaque page."""

import re

import pytest
from django.core import mail
from django.http import Http404
from playwright.sync_api import Locator, Page, expect

from recrutement.models import Candidature, StatutOffre
from recrutement.selectors import get_candidature_pour
from tests.comptes.factories import UtilisateurFactory
from tests.e2e.conftest import Onglet, connecter
from tests.recrutement import factories as f
from tests.socle import fichiers
from tests.territoire.factories import ProfessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "camille.lefevre@exemple.fr"
CHPC_OBLIGATOIRE = "CH public du Cotentin — employeur de cette offre (obligatoire)"


def champ(page: Page, libelle: str) -> Locator:
    return page.get_by_label(re.compile(rf"^\s*{re.escape(libelle)}\s*\*?\s*$"))


def lien(courriel: mail.EmailMessage, motif: str) -> str:
    trouve = re.search(rf"https?://[^/\s]+({motif}\S*)", str(courriel.body))
    assert trouve, courriel.body
    return trouve.group(1)


def cv() -> dict:
    return {"name": "cv-camille.pdf", "mimeType": "application/pdf", "buffer": fichiers.pdf()}


def test_une_visiteuse_postule_ouvre_son_espace_et_retire_la_polyclinique(onglet: Onglet) -> None:
    g = f.gcs_et_recruteurs()
    offre = f.offre(g, StatutOffre.PUBLIEE, titre="Médecin urgentiste — CHPC")
    page = onglet.page

    # 1. L'offre, puis l'adresse à confirmer.
    onglet.aller(f"/offres/{offre.pk}/")
    onglet.verifier_accessibilite()
    page.get_by_role("link", name="Postuler à cette offre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Postuler : {offre.titre}")
    onglet.verifier_accessibilite()
    champ(page, "Votre adresse électronique").fill(EMAIL)
    page.get_by_role("button", name="Recevoir le lien par courriel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre messagerie")
    onglet.verifier_accessibilite()
    courriel = next(m for m in mail.outbox if m.to == [EMAIL])

    # 2. Le formulaire : l'employeur de l'offre décoché, la candidature est refusée, rien de perdu.
    onglet.aller(lien(courriel, f"/offres/{offre.pk}/postuler/"))
    expect(page.get_by_text(EMAIL)).to_be_visible()
    onglet.verifier_accessibilite()
    champ(page, "Prénom").fill("Camille")
    champ(page, "Nom").fill("Lefèvre")
    champ(page, "Message aux recruteurs").fill("Interne à Caen, je souhaite m'installer dans le Cotentin.")
    champ(page, "Votre CV").set_input_files(cv())
    page.get_by_label(CHPC_OBLIGATOIRE).uncheck()
    page.get_by_label("Polyclinique du Cotentin", exact=True).check()
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(
        page.get_by_text("c'est l'employeur de cette offre, il doit recevoir votre candidature")
    ).to_be_visible()
    expect(page.get_by_text("choisissez de nouveau votre CV")).to_be_visible()
    expect(champ(page, "Message aux recruteurs")).to_have_value(
        "Interne à Caen, je souhaite m'installer dans le Cotentin."
    )
    expect(champ(page, "Prénom")).to_have_value("Camille")
    expect(page.get_by_label("Polyclinique du Cotentin", exact=True)).to_be_checked()
    onglet.verifier_accessibilite()
    assert not Candidature.objects.exists()

    # 3. Employeur coché, CV rechoisi : la candidature part.
    page.get_by_label(CHPC_OBLIGATOIRE).check()
    champ(page, "Votre CV").set_input_files(cv())
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre candidature est envoyée")
    onglet.verifier_accessibilite()
    candidature = Candidature.objects.get()
    assert get_candidature_pour(g.recruteur_pcc, candidature.pk) == candidature
    assert any("Candidature reçue" in m.subject for m in mail.outbox if m.to == [EMAIL])

    # 4. Son espace : elle retire sa candidature à la Polyclinique.
    page.get_by_role("link", name="Ouvrir mon espace candidat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace candidat")
    expect(page.get_by_text("Reçue, pas encore étudiée")).to_be_visible()
    onglet.verifier_accessibilite()
    page.get_by_role("button", name="Retirer ma candidature à Polyclinique du Cotentin").click()
    expect(page.get_by_text("ses recruteurs ne la voient plus")).to_be_visible()
    expect(
        page.get_by_role("button", name="Retirer ma candidature à Polyclinique du Cotentin")
    ).to_have_count(0)
    onglet.verifier_accessibilite()
    with pytest.raises(Http404):
        get_candidature_pour(g.recruteur_pcc, candidature.pk)
    assert get_candidature_pour(g.recruteur_chpc, candidature.pk) == candidature

    # 5. La page qui efface ses données (sans l'effacer), puis l'accès à l'espace par courriel.
    page.get_by_role("link", name="Effacer mes données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Effacer mes données")
    onglet.verifier_accessibilite()
    page.get_by_role("link", name="Annuler et revenir à mon espace").click()
    page.get_by_role("button", name="Fermer mon espace sur ce navigateur").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accéder à mon espace candidat")
    onglet.verifier_accessibilite()


def test_les_pages_des_alertes(onglet: Onglet) -> None:
    ProfessionFactory(code="10", libelle="Médecin")
    page = onglet.page
    onglet.aller("/offres/")
    page.get_by_role("link", name="Recevoir les nouvelles offres par courriel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recevoir les nouvelles offres par courriel")
    onglet.verifier_accessibilite()
    champ(page, "Votre adresse électronique").fill("alerte@exemple.fr")
    champ(page, "Profession").select_option(label="Médecin")
    page.get_by_role("button", name="Créer mon alerte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre alerte")
    onglet.verifier_accessibilite()
    courriel = next(m for m in mail.outbox if m.to == ["alerte@exemple.fr"])
    onglet.aller(lien(courriel, "/offres/alertes/"))
    onglet.verifier_accessibilite()
    page.get_by_role("button", name="Confirmer mon alerte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre alerte est active")
    onglet.verifier_accessibilite()
    page.get_by_role("link", name="Supprimer cette alerte").click()
    onglet.verifier_accessibilite()
    page.get_by_role("button", name="Supprimer mon alerte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerte supprimée")
    onglet.verifier_accessibilite()


def test_une_candidate_avec_compte_postule_puis_efface_ses_donnees(nouvel_onglet) -> None:
    """Connectée, le formulaire vient tout de suite ; une offre pourvue répond 410 même par
    l'adresse du formulaire ; un lien altéré dit comment en redemander un ; l'effacement. Les
    pages tiennent dans un écran de téléphone."""
    g = f.gcs_et_recruteurs()
    compte = UtilisateurFactory(email="ines@exemple.fr", prenom="Inès", nom="Martin")
    offre = f.offre(g, StatutOffre.PUBLIEE, titre="Anesthésiste")
    pourvue = f.offre(g, StatutOffre.POURVUE, titre="Urgentiste de nuit")
    onglet: Onglet = nouvel_onglet()
    connecter(onglet, compte)
    page = onglet.page
    page.set_viewport_size({"width": 375, "height": 900})

    onglet.aller(f"/offres/{offre.pk}/postuler/")
    expect(champ(page, "Prénom")).to_have_value("Inès")
    onglet.verifier_accessibilite()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    champ(page, "Votre CV").set_input_files(cv())
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre candidature est envoyée")
    page.get_by_role("link", name="Ouvrir mon espace candidat").click()
    onglet.verifier_accessibilite()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    onglet.aller(f"/offres/{pourvue.pk}/postuler/", statut=410)
    expect(page.get_by_role("heading", level=1)).to_have_text("Cette offre n'est plus en ligne")
    onglet.verifier_accessibilite()

    visiteuse: Onglet = nouvel_onglet()
    visiteuse.aller(f"/offres/{offre.pk}/postuler/lien-coupe/", statut=400)
    expect(visiteuse.page.get_by_role("heading", level=1)).to_have_text("Ce lien n'est plus valable")
    visiteuse.verifier_accessibilite()
    visiteuse.page.get_by_role("link", name="Recevoir un nouveau lien pour postuler").click()
    expect(visiteuse.page.get_by_role("button", name="Recevoir le lien par courriel")).to_be_visible()
    visiteuse.aller("/recrutement/mon-espace/acces/")
    champ(visiteuse.page, "Votre adresse électronique").fill("personne@exemple.fr")
    visiteuse.page.get_by_role("button", name="Recevoir le lien par courriel").click()
    expect(visiteuse.page.get_by_role("heading", level=1)).to_have_text("Consultez votre messagerie")
    visiteuse.verifier_accessibilite()

    onglet.aller("/recrutement/mon-espace/effacer/")
    page.get_by_role("button", name="Effacer définitivement mes données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos données sont effacées")
    onglet.verifier_accessibilite()
    assert Candidature.objects.get().candidat.est_anonymise
