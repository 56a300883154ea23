"""Le porteur d'un projet mène sa demande de financement dans un vrai navigateur : il ouvre un
brouillon, le remplit (enregistré au fil de la frappe par htmx), compose son équipe, dépose les
pièces, dépose la demande et télécharge son récépissé. Et ce qui ne va pas : un plan non
équilibré, un faux PDF. axe sur chaque page."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from financements import services
from financements.models import (
    PIECES_EXIGEES,
    DemandeFinancement,
    Financeur,
    NaturePiece,
    StatutDemande,
)
from tests.e2e.conftest import Onglet, connecter
from tests.financements.factories import BesoinFactory, brouillon, pdf_minimal, porteur_liberal
from tests.territoire.factories import CommuneFactory, ProfessionFactory, ProfessionnelFactory

pytestmark = pytest.mark.django_db(transaction=True)

AGGLOMERATION = "Communauté d'agglomération du Cotentin (€)"
ARS = "ARS Normandie (€)"
AUTOFINANCEMENT = "Autofinancement (€)"


def champ(page: Page | Locator, libelle: str) -> Locator:
    """Le champ dont l'étiquette est `libelle` (suivie ou non de l'astérisque des champs requis)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(libelle)}\s*\*?\s*$"))


def bloc_piece(page: Page, libelle: str) -> Locator:
    """Le bloc d'une pièce exigée, dans la partie « 5. Les pièces »."""
    return page.locator("#pieces li").filter(has=page.get_by_role("heading", name=libelle, exact=True))


def test_le_porteur_mene_sa_demande_du_brouillon_au_recepisse(onglet: Onglet, tmp_path: Path) -> None:
    porteur = porteur_liberal(prenom="Paul", nom="Poirier")
    besoin = BesoinFactory(libelle="Accès aux soins non programmés")
    infirmiere = ProfessionnelFactory(
        prenom="Inès", nom="Lemarchand", profession=ProfessionFactory(code="60", libelle="Infirmier")
    )
    commune = CommuneFactory(nom="Beaumont-Hague", code_insee="50041")
    piece_pdf = tmp_path / "piece.pdf"
    piece_pdf.write_bytes(pdf_minimal("piece du dossier"))
    connecter(onglet, porteur)
    page = onglet.page
    # Le bouton du dépôt demande confirmation : on l'accorde.
    page.on("dialog", lambda dialogue: dialogue.accept())

    # 1. Mes demandes : aucune encore ; on en commence une.
    onglet.aller(reverse("financements:mes_demandes"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes demandes de financement")
    expect(page.get_by_text("Vous n'avez encore aucune demande de financement.")).to_be_visible()
    onglet.verifier_accessibilite()
    page.get_by_role("link", name="Commencer une nouvelle demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle demande de financement")
    onglet.verifier_accessibilite()
    champ(page, "Intitulé du projet").fill("Maison de santé de Beaumont-Hague")
    champ(page, "Type de demande").select_option(label="Étude de faisabilité")
    champ(page, "Commune d'implantation").select_option(label="Beaumont-Hague (50041)")
    page.get_by_role("button", name="Ouvrir le brouillon").click()
    expect(page.get_by_text("Le brouillon est ouvert : complétez-le")).to_be_visible()
    demande = DemandeFinancement.objects.get()
    assert (demande.porteur_id, demande.commune_id) == (porteur.pk, commune.pk)
    expect(page).to_have_url(re.compile(rf"{reverse('financements:brouillon', args=[demande.pk])}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Brouillon : Maison de santé de Beaumont-Hague")
    onglet.verifier_accessibilite()

    # 2. Le projet et le budget, tapés à la française ; htmx les enregistre au fil de la frappe.
    champ(page, "Description du projet").fill(
        "Étude de faisabilité d'une maison de santé pluriprofessionnelle."
    )
    page.get_by_label(besoin.libelle).check()
    champ(page, "Dépense, ligne 1").fill("Bureau d'études")
    champ(page, "Montant en euros, ligne 1").fill("24 000,00")
    champ(page, "Dépense, ligne 2").fill("Frais de réunion")
    champ(page, "Montant en euros, ligne 2").fill("1 000,00")
    champ(page, AGGLOMERATION).fill("12 000,00")
    champ(page, ARS).fill("8 000,00")
    champ(page, AUTOFINANCEMENT).fill("5 000,00")
    etat = page.locator("#etat-enregistrement")
    expect(etat).to_contain_text(re.compile(r"Brouillon enregistré à \d{1,2}\s?h\s?\d\d"))
    totaux = page.locator("#totaux-budget")
    expect(totaux).to_contain_text("0,00 € : le plan est équilibré.")
    expect(totaux).to_contain_text("25\u202f000,00")
    demande.refresh_from_db()
    assert demande.description == "Étude de faisabilité d'une maison de santé pluriprofessionnelle."
    assert list(demande.besoins.values_list("pk", flat=True)) == [besoin.pk]
    assert sorted((d.libelle, str(d.montant)) for d in demande.depenses.all()) == [
        ("Bureau d'études", "24000.00"),
        ("Frais de réunion", "1000.00"),
    ]
    assert {f.financeur: str(f.montant) for f in demande.financements.all()} == {
        Financeur.AGGLOMERATION: "12000.00",
        Financeur.ARS: "8000.00",
        Financeur.AUTOFINANCEMENT: "5000.00",
    }
    eligibilite = page.locator("#liste-eligibilite")
    expect(eligibilite.locator("[data-code=pluriprofessionnel]")).to_be_visible()
    expect(eligibilite.locator("[data-code=pieces]")).to_be_visible()
    expect(eligibilite.locator("[data-code=equilibre]")).to_have_count(0)
    onglet.verifier_accessibilite()

    # 3. L'équipe : l'infirmière, cherchée par son nom dans l'annuaire.
    champ(page, "Nom ou numéro RPPS").fill("Lemarchand")
    candidats = page.locator("#candidats")
    expect(candidats).to_contain_text("Inès Lemarchand")
    expect(candidats).to_contain_text("Infirmier")
    onglet.verifier_accessibilite()
    candidats.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text("entre dans l'équipe.")).to_be_visible()
    equipe = page.locator("#equipe table")
    expect(equipe).to_contain_text("Lemarchand")
    expect(equipe).to_contain_text("Poirier")
    assert demande.equipe.filter(professionnel=infirmiere).exists()
    # Rechargée après l'ajout, la page garde ce qui a été enregistré.
    expect(champ(page, AGGLOMERATION)).to_have_value(re.compile(r"^12\s?000,00$"))
    expect(page.get_by_label(besoin.libelle)).to_be_checked()
    onglet.verifier_accessibilite()

    # 4. Les six pièces exigées, une à une.
    for nature in PIECES_EXIGEES:
        libelle = str(NaturePiece(nature).label)
        bloc = bloc_piece(page, libelle)
        expect(bloc).to_contain_text("Manquante.")
        bloc.get_by_label(f"Fichier : {libelle}").set_input_files(piece_pdf)
        bloc.get_by_role("button", name="Déposer", exact=True).click()
        expect(page.get_by_text(f"La pièce « {libelle} » est déposée.")).to_be_visible()
        expect(bloc_piece(page, libelle)).to_contain_text("Au dossier : piece.pdf")
    assert demande.pieces.filter(remplacee=False).count() == len(PIECES_EXIGEES)
    expect(page.locator("#liste-eligibilite")).to_contain_text(
        "La demande est prête : toutes les conditions du dépôt sont remplies."
    )
    onglet.verifier_accessibilite()

    # 5. Le dépôt : la page de la demande, son numéro et le récépissé.
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page.get_by_text("Votre demande est déposée.")).to_be_visible()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.DEPOSEE
    assert demande.numero and demande.numero.startswith("FIN-")
    expect(page).to_have_url(re.compile(rf"{demande.get_absolute_url()}$"))
    expect(page.locator(".lead")).to_contain_text(f"Demande n° {demande.numero}")
    lien = page.get_by_role("link", name="Télécharger le récépissé de dépôt (PDF)")
    for _essai in range(5):
        if lien.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(lien).to_be_visible()
    onglet.verifier_accessibilite()
    adresse = lien.get_attribute("href")
    assert adresse
    reponse = page.request.get(onglet.base + adresse)
    assert reponse.ok, reponse.status
    assert reponse.headers["content-type"] == "application/pdf"
    contenu = " ".join(p.extract_text() for p in PdfReader(BytesIO(reponse.body())).pages)
    assert demande.numero in " ".join(contenu.split())

    # 6. De retour à « Mes demandes », la demande déposée y figure avec son numéro.
    page.get_by_role("link", name="Mes demandes de financement").first.click()
    ligne = page.get_by_role("row").filter(has_text="Maison de santé de Beaumont-Hague")
    expect(ligne).to_contain_text(demande.numero)
    expect(ligne).to_contain_text("25\u202f000,00")
    onglet.verifier_accessibilite()


def test_le_brouillon_refuse_un_plan_desequilibre_et_un_faux_pdf(onglet: Onglet, tmp_path: Path) -> None:
    porteur = porteur_liberal()
    demande = brouillon(porteur, description="")
    faux = tmp_path / "projet.pdf"
    faux.write_text("Ceci n'est pas un PDF, seulement du texte.", encoding="utf-8")
    connecter(onglet, porteur)
    page = onglet.page
    page.on("dialog", lambda dialogue: dialogue.accept())
    onglet.aller(reverse("financements:brouillon", args=[demande.pk]))

    # 1. Un plan qui ne couvre pas les dépenses : l'écart est dit, le dépôt refusé.
    champ(page, "Dépense, ligne 1").fill("Bureau d'études")
    champ(page, "Montant en euros, ligne 1").fill("25 000,00")
    champ(page, AGGLOMERATION).fill("12 000,00")
    expect(page.locator("#etat-enregistrement")).to_contain_text("Brouillon enregistré à")
    totaux = page.locator("#totaux-budget")
    expect(totaux).to_contain_text("13\u202f000,00")
    expect(totaux).to_contain_text("Le plan ne couvre pas toutes les dépenses.")
    expect(page.locator("#liste-eligibilite [data-code=equilibre]")).to_contain_text(
        "doit être égal aux dépenses"
    )
    expect(page.locator("#liste-eligibilite [data-code=equilibre]")).to_contain_text(
        "l'écart est de 13\u202f000,00 €"
    )
    page.get_by_role("button", name="Déposer la demande").click()
    # Refusé : retour au bas du brouillon, avec ce qui manque dit dans le message.
    expect(page).to_have_url(re.compile(r"/brouillon/#deposer$"))
    refus = page.get_by_role("alert").filter(has_text="doit être égal aux dépenses")
    expect(refus).to_contain_text(
        re.compile(r"Le plan de financement \(12\s000,00\s€\) doit être égal aux dépenses \(25\s000,00\s€\)")
    )
    expect(refus).to_contain_text("Décrivez le projet.")
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.BROUILLON
    assert demande.numero is None
    onglet.verifier_accessibilite()

    # 2. Un montant mal tapé, envoyé sans attendre l'enregistrement automatique : la page
    # revient avec l'erreur en français et tout ce qui a été tapé.
    champ(page, "Description du projet").fill("Un projet décrit avant l'erreur.")
    champ(page, ARS).fill("huit mille")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("#erreur-financement-ars")).to_contain_text("Montant illisible : écrivez un nombre")
    expect(champ(page, ARS)).to_have_value("huit mille")
    expect(champ(page, ARS)).to_have_attribute("aria-invalid", "true")
    expect(champ(page, "Description du projet")).to_have_value("Un projet décrit avant l'erreur.")
    expect(champ(page, AGGLOMERATION)).to_have_value(re.compile(r"^12\s?000,00$"))
    expect(champ(page, "Montant en euros, ligne 1")).to_have_value(re.compile(r"^25\s?000,00$"))
    onglet.verifier_accessibilite()

    # 3. Un texte déguisé en PDF : refusé en français, aucune pièce ajoutée.
    libelle = str(NaturePiece.PROJET_SANTE.label)
    bloc = bloc_piece(page, libelle)
    bloc.get_by_label(f"Fichier : {libelle}").set_input_files(faux)
    bloc.get_by_role("button", name="Déposer", exact=True).click()
    bloc = bloc_piece(page, libelle)
    erreur = bloc.locator(".invalid-feedback")
    expect(erreur).to_contain_text("Ce type de fichier n'est pas accepté.")
    expect(bloc.get_by_label(f"Fichier : {libelle}")).to_have_attribute("aria-invalid", "true")
    expect(bloc).to_contain_text("Manquante.")
    assert not demande.pieces.exists()
    onglet.verifier_accessibilite()


def test_une_depense_mal_tapee_ne_jette_pas_les_autres_et_se_retrouve_au_rechargement(onglet: Onglet) -> None:
    """Enregistrement automatique avec des lignes invalides : les valides sont enregistrées,
    chaque invalide est marquée sur sa ligne avec son message ; rechargée, la page rend tout
    ce qui a été tapé, à sa place."""
    demande = brouillon()
    services.depenses_enregistrer(demande=demande, acteur=demande.porteur, lignes=[("Étude", "1 000,00")])
    connecter(onglet, demande.porteur)
    page = onglet.aller(reverse("financements:brouillon", args=[demande.pk]))
    tape = [
        ("Bureau d'études", "24 000,00"),
        ("Loyer", "-1"),
        ("Réunions", "abc"),
        ("Travaux", "99999999999999"),
    ]
    for rang, (libelle, montant) in enumerate(tape, 1):
        champ(page, f"Dépense, ligne {rang}").fill(libelle)
        champ(page, f"Montant en euros, ligne {rang}").fill(montant)
    etat = page.locator("#etat-enregistrement")
    expect(etat).to_contain_text("sauf ce qui suit")
    expect(etat).to_contain_text("Ligne 2 (« Loyer ») : Le montant doit être positif.")
    expect(etat).to_contain_text("Ligne 3 (« Réunions ») : Montant illisible : écrivez un nombre")
    expect(etat).to_contain_text("Ligne 4 (« Travaux ») : Montant trop grand : au plus 9")
    expect(page.locator("#erreur-depense-3")).to_have_text(re.compile(r"^Montant illisible"))
    expect(page.locator("#totaux-budget")).to_contain_text("24\u202f000,00")
    assert list(demande.depenses.values_list("libelle", flat=True)) == ["Bureau d'études"]

    page.reload()
    for rang, (libelle, montant) in enumerate(tape, 1):
        expect(champ(page, f"Dépense, ligne {rang}")).to_have_value(libelle)
        attendu = re.compile(r"^24\s?000,00$") if rang == 1 else montant
        expect(champ(page, f"Montant en euros, ligne {rang}")).to_have_value(attendu)
    expect(champ(page, "Montant en euros, ligne 1")).not_to_have_attribute("aria-invalid", "true")
    for rang, message in (
        (2, "Le montant doit être positif."),
        (3, "Montant illisible"),
        (4, "Montant trop grand"),
    ):
        expect(champ(page, f"Montant en euros, ligne {rang}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#erreur-depense-{rang}")).to_contain_text(message)
    expect(page.locator("#liste-eligibilite [data-code=depenses_a_corriger]")).to_be_visible()
    onglet.verifier_accessibilite()
