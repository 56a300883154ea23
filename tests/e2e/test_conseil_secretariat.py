"""Le secrétariat tient une séance de bout en bout dans un vrai navigateur : il la planifie,
prépare l'ordre du jour et ses documents, convoque (en retard, avec un motif), relève les
présences et voit le quorum, marque la séance tenue puis close, rédige le procès-verbal, le
fait adopter à la séance suivante et télécharge le PDF archivé. axe sur chaque page."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from comptes.roles import Role
from conseil import services
from conseil.models import (
    PointOrdreDuJour,
    Presence,
    ProcesVerbal,
    Procuration,
    Reunion,
    StatutProcesVerbal,
    StatutReunion,
)
from socle.models import Document
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import ConseilFactory, MandatFactory
from tests.e2e.conftest import connecter
from tests.socle import fichiers

pytestmark = pytest.mark.django_db(transaction=True)


def champ(page: Page, libelle: str) -> Locator:
    """Le champ dont l'étiquette est `libelle` (suivie ou non de l'astérisque des champs requis)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(libelle)}\s*\*?\s*$"))


def _a_la_minute(jours: int) -> dt.datetime:
    return (timezone.localtime() + dt.timedelta(days=jours)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )


def _planifier(onglet, page: Page, instance, titre: str, debut: dt.datetime) -> Reunion:
    onglet.aller(reverse("conseil:reunion_creer") + f"?instance={instance.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Planifier une séance")
    expect(champ(page, "Instance")).to_have_value(str(instance.pk))
    onglet.verifier_accessibilite()
    champ(page, "Titre").fill(titre)
    champ(page, "Début").fill(f"{debut:%Y-%m-%dT%H:%M}")
    champ(page, "Lieu").fill("Hôtel communautaire, Cherbourg-en-Cotentin")
    page.get_by_role("button", name="Planifier la séance").click()
    expect(page.get_by_text("La séance est planifiée.")).to_be_visible()
    reunion = Reunion.objects.get(titre=titre)
    expect(page).to_have_url(re.compile(rf"{reunion.get_absolute_url()}$"))
    return reunion


def _ajouter_point(page: Page, titre: str, nature: str) -> None:
    gestion = page.locator("#gestion")
    champ(gestion, "Titre du point").fill(titre)
    gestion.get_by_label("Nature").select_option(label=nature)
    gestion.get_by_role("button", name="Ajouter le point").click()
    expect(page.get_by_text(f"Le point « {titre} » est ajouté à l'ordre du jour.")).to_be_visible()


def test_le_secretariat_tient_une_seance_jusqu_au_proces_verbal_archive(onglet, secretariat, tmp_path):
    conseil = ConseilFactory()
    anne, bruno, claire = (
        MandatFactory(
            instance=conseil, personne=UtilisateurFactory(prenom=prenom, nom=nom), siege=siege
        ).personne
        for siege, (prenom, nom) in enumerate(
            [("Anne", "Aubert"), ("Bruno", "Bernard"), ("Claire", "Chevalier")], start=1
        )
    )
    connecter(onglet, secretariat)
    page = onglet.page
    # Les boutons marqués data-confirmer demandent confirmation : on l'accorde.
    page.on("dialog", lambda dialogue: dialogue.accept())

    # 1. Planifier la séance dans deux jours : la convocation sera tardive.
    reunion = _planifier(onglet, page, conseil, "Séance plénière de printemps", _a_la_minute(2))
    onglet.verifier_accessibilite()

    # 2. Deux points à l'ordre du jour, un document joint au premier.
    _ajouter_point(page, "Bilan de l'année", "Information")
    _ajouter_point(page, "Programme de travail", "Décision")
    bilan = PointOrdreDuJour.objects.get(reunion=reunion, titre="Bilan de l'année")
    onglet.verifier_accessibilite()

    note = tmp_path / "note-de-cadrage.pdf"
    note.write_bytes(fichiers.pdf())
    page.get_by_text("Joindre un document au point « Bilan de l'année »").click()
    page.locator(f"#gestion-fichier-{bilan.pk}").set_input_files(note)
    page.locator(f"#gestion-titre-document-{bilan.pk}").fill("Note de cadrage")
    page.locator(f"#gestion-fichier-{bilan.pk}").locator("xpath=ancestor::form").get_by_role(
        "button", name="Joindre le document"
    ).click()
    expect(
        page.get_by_text("Le document « Note de cadrage » est joint au point « Bilan de l'année ».")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Note de cadrage")).to_be_visible()
    assert Document.objects.get().objet == bilan

    # 3. La convocation, tardive : sans motif, elle ne part pas.
    page.locator("#gestion").get_by_role("link", name="Envoyer la convocation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Envoyer la convocation")
    expect(page.get_by_text("Cette convocation est tardive")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("3 membres en cours de mandat"))).to_be_visible()
    onglet.verifier_accessibilite()
    page.get_by_role("button", name="Envoyer la convocation").click()
    expect(page.get_by_text("Indiquez le motif de cette convocation tardive.")).to_be_visible()
    onglet.verifier_accessibilite()
    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.PLANIFIEE
    champ(page, "Motif de la convocation tardive").fill("Report de la séance du 3 juin (salle indisponible)")
    page.get_by_role("button", name="Envoyer la convocation").click()
    expect(
        page.get_by_text("La convocation est envoyée : 3 membres la reçoivent par courriel.")
    ).to_be_visible()
    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.CONVOQUEE
    onglet.verifier_accessibilite()

    # 4. Le registre des présences : Anne présente, Bruno représenté par Anne, Claire excusée.
    page.locator("#gestion").get_by_role("link", name="Registre des présences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registre des présences")
    expect(page.locator("#quorum")).to_contain_text("Quorum non atteint")
    onglet.verifier_accessibilite()
    page.get_by_label("Présence de Anne Aubert").select_option(label="Présent")
    page.get_by_label("Présence de Bruno Bernard").select_option(label="Représenté")
    page.get_by_label("Bruno Bernard représenté par").select_option(label="Anne Aubert")
    page.get_by_label("Présence de Claire Chevalier").select_option(label="Excusé")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Les présences sont enregistrées. Le quorum est atteint.")).to_be_visible()
    expect(page.locator("#quorum")).to_contain_text(
        "Quorum atteint : 2 membres présents ou représentés, 2 requis."
    )
    expect(page.get_by_label("Bruno Bernard représenté par")).to_have_value(str(anne.pk))
    onglet.verifier_accessibilite()
    assert Procuration.objects.get(reunion=reunion).mandataire_id == anne.pk
    assert reunion.participations.get(personne=claire).presence == Presence.EXCUSE

    # Claire arrive en retard ; une autre secrétaire la note présente : le bloc du quorum
    # de cette page se met à jour tout seul (htmx), sans recharger la page.
    services.presences_enregistrer(
        reunion=reunion,
        acteur=UtilisateurFactory(roles=(Role.SECRETARIAT,)),
        lignes=[services.LignePresence(reunion.participations.get(personne=claire).pk, Presence.PRESENT)],
    )
    expect(page.locator("#quorum")).to_contain_text(
        "Quorum atteint : 3 membres présents ou représentés, 2 requis.", timeout=25_000
    )
    expect(page.get_by_label("Présence de Claire Chevalier")).to_have_value("excuse")

    # 5. Tenue puis close. Une séance n'est tenue qu'une fois commencée : celle-ci, planifiée
    # dans deux jours pour tester la convocation tardive, est avancée à l'heure passée par
    # l'ORM, comme si le temps avait passé.
    Reunion.objects.filter(pk=reunion.pk).update(debut=timezone.now() - dt.timedelta(hours=1))
    page.get_by_role("link", name="Retour à la séance").click()
    page.get_by_role("button", name="Marquer la séance comme tenue").click()
    expect(page.get_by_text("La séance est marquée comme tenue")).to_be_visible()
    onglet.verifier_accessibilite()
    page.get_by_role("button", name="Clore la séance et figer le quorum").click()
    expect(page.get_by_text("La séance est close : le quorum est figé au registre.")).to_be_visible()
    reunion.refresh_from_db()
    assert (reunion.statut, reunion.quorum_presents, reunion.quorum_representes) == (
        StatutReunion.CLOSE,
        2,
        1,
    )
    onglet.verifier_accessibilite()

    # 6. Le projet de procès-verbal, prérempli d'après le registre.
    page.locator("#gestion").get_by_role("link", name="Rédiger le procès-verbal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Procès-verbal")
    onglet.verifier_accessibilite()
    page.get_by_role("button", name="Rédiger le procès-verbal").click()
    texte = champ(page, "Texte du procès-verbal")
    expect(texte).to_have_value(re.compile(r"Présents : Anne Aubert, Claire Chevalier\."))
    expect(texte).to_have_value(re.compile(r"Représentés : Bruno Bernard \(procuration à Anne Aubert\)\."))
    expect(texte).to_have_value(re.compile(r"Le quorum est atteint\."))
    expect(
        page.get_by_text("Aucune séance suivante de cette instance n'est encore convoquée.")
    ).to_be_visible()
    onglet.verifier_accessibilite()
    texte.fill(texte.input_value() + "\n\nLa séance est levée à 20 h.")
    page.get_by_role("button", name="Enregistrer le procès-verbal").click()
    expect(page.get_by_text("Le procès-verbal est enregistré.")).to_be_visible()

    # 7. La séance suivante, planifiée et convoquée dans un mois (à temps, sans motif).
    suivante = _planifier(onglet, page, conseil, "Séance plénière d'automne", _a_la_minute(30))
    _ajouter_point(page, "Adoption du procès-verbal de la séance de printemps", "Décision")
    page.locator("#gestion").get_by_role("link", name="Envoyer la convocation").click()
    expect(page.get_by_label("Motif de la convocation tardive")).to_have_count(0)
    onglet.verifier_accessibilite()
    page.get_by_role("button", name="Envoyer la convocation").click()
    expect(page.get_by_text("La convocation est envoyée")).to_be_visible()

    # 8. L'adoption à la séance suivante, puis l'archive en PDF.
    onglet.aller(reverse("conseil:proces_verbal", kwargs={"pk": reunion.pk}))
    champ(page, "Séance qui adopte le procès-verbal").select_option(label=str(suivante))
    page.get_by_role("button", name="Enregistrer l'adoption").click()
    expect(page.get_by_text("L'adoption du procès-verbal est enregistrée")).to_be_visible()
    lien = page.get_by_role("link", name=re.compile("Télécharger le procès-verbal"))
    expect(lien).to_be_visible()
    expect(page.get_by_text(re.compile(r"Adopté en séance « Séance plénière d'automne"))).to_be_visible()
    onglet.verifier_accessibilite()
    pv = ProcesVerbal.objects.get(reunion=reunion)
    assert (pv.statut, pv.adopte_en) == (StatutProcesVerbal.ARCHIVE, suivante)

    with page.expect_download() as telechargement:
        lien.click()
    contenu = " ".join(
        " ".join(p.extract_text() for p in PdfReader(telechargement.value.path()).pages).split()
    )
    assert "Procès-verbal — Conseil de santé du Cotentin" in contenu
    assert "Présents : Anne Aubert, Claire Chevalier." in contenu
    assert "Représentés : Bruno Bernard (procuration à Anne Aubert)." in contenu
    assert "La séance est levée à 20 h." in contenu
    assert "Adopté en séance « Séance plénière d'automne" in contenu
