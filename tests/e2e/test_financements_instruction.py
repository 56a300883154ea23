"""L'agglomération instruit une demande de financement dans un vrai navigateur : elle la trouve
dans la liste filtrée, désigne l'instructeur, demande des compléments, soumet la demande à l'avis
du Collège, décide l'aide, génère la convention, enregistre la convention signée et verse
l'avance. Et une page périmée : un second onglet ouvert avant qu'un collègue agisse voit son
action refusée, sans rien écrire. axe sur chaque page."""

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from comptes.models import Utilisateur
from comptes.roles import Role
from financements import services
from financements.models import StatutDemande, StatutTranche
from tests.college.factories import membres_votants
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory
from tests.e2e.conftest import Onglet, connecter
from tests.financements.factories import avis_rendu, deposee, pdf_minimal

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_PERIMEE = "La demande a changé depuis que vous avez ouvert la page"


def champ(page: Page | Locator, libelle: str) -> Locator:
    """Le champ dont l'étiquette est `libelle` (suivie ou non de l'astérisque des champs requis)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(libelle)}\s*\*?\s*$"))


def statut_affiche(page: Page) -> Locator:
    """Le badge de l'état, sous le titre de la page de la demande."""
    return page.locator("p.lead .badge")


def test_l_agent_instruit_la_demande_jusqu_au_premier_versement(
    onglet: Onglet, nouvel_onglet: Any, agent: Utilisateur, tmp_path: Path
) -> None:
    demande = deposee(intitule="Maison de santé de Beaumont-Hague")
    membres_votants(CollegeFactory(), 3)
    collegue = UtilisateurFactory(email="collegue@exemple.fr", roles=(Role.AGENT,), is_staff=True, totp=True)
    convention_pdf = tmp_path / "convention-signee.pdf"
    convention_pdf.write_bytes(pdf_minimal("convention signée"))
    aujourd_hui = f"{timezone.localdate():%Y-%m-%d}"
    connecter(onglet, agent)
    page = onglet.page
    # Les boutons marqués data-confirmer demandent confirmation : on l'accorde.
    page.on("dialog", lambda dialogue: dialogue.accept())

    # 1. La liste des demandes, filtrée sur l'état « Déposée ».
    onglet.aller(reverse("financements:demande_liste"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes de financement")
    onglet.verifier_accessibilite()
    champ(page, "État").select_option(label="Déposée")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"statut=deposee"))
    expect(page.get_by_role("heading", name="1 demande", exact=True)).to_be_visible()
    ligne = page.get_by_role("row").filter(has_text=demande.numero)
    expect(ligne).to_contain_text("Déposée")
    expect(ligne).to_contain_text("À désigner")
    onglet.verifier_accessibilite()

    # 2. La demande : l'agent se désigne instructeur, l'instruction commence.
    ligne.get_by_role("link", name="Maison de santé de Beaumont-Hague").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maison de santé de Beaumont-Hague")
    expect(page.get_by_role("heading", name="Instruction (agglomération)")).to_be_visible()
    onglet.verifier_accessibilite()
    champ(page, "Instructeur").select_option(value=str(agent.pk))
    page.get_by_role("button", name="Désigner et commencer l'instruction").click()
    expect(page.get_by_text("L'instructeur est désigné.")).to_be_visible()
    expect(statut_affiche(page)).to_have_text("En instruction")
    demande.refresh_from_db()
    assert (demande.statut, demande.instructeur_id) == (StatutDemande.EN_INSTRUCTION, agent.pk)
    onglet.verifier_accessibilite()

    # 3. Un collègue ouvre la même demande dans un autre onglet, avant que l'agent agisse.
    second = nouvel_onglet()
    connecter(second, collegue)
    page_collegue = second.aller(demande.get_absolute_url())
    expect(statut_affiche(page_collegue)).to_have_text("En instruction")

    # 4. L'agent demande des compléments : sans motif, refusé ; avec un motif, le porteur attend.
    page.get_by_role("button", name="Demander ces compléments").click()
    expect(page.get_by_text("Dites au porteur ce que vous lui demandez.").first).to_be_visible()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_INSTRUCTION
    champ(page, "Compléments demandés au porteur").fill("Le devis signé du bureau d'études.")
    page.get_by_role("button", name="Demander ces compléments").click()
    expect(page.get_by_text("Les compléments sont demandés : le porteur est prévenu.")).to_be_visible()
    expect(statut_affiche(page)).to_have_text("En attente de compléments")
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.COMPLEMENTS
    version = demande.version
    onglet.verifier_accessibilite()

    # 5. La page du collègue est périmée : sa demande de compléments est refusée, rien n'est écrit.
    champ(page_collegue, "Compléments demandés au porteur").fill("Autre chose : le bail.")
    page_collegue.get_by_role("button", name="Demander ces compléments").click()
    expect(page_collegue.get_by_text(PAGE_PERIMEE).first).to_be_visible()
    expect(statut_affiche(page_collegue)).to_have_text("En attente de compléments")
    demande.refresh_from_db()
    assert (demande.statut, demande.version) == (StatutDemande.COMPLEMENTS, version)
    second.verifier_accessibilite()

    # 6. Le porteur signale avoir fourni les compléments ; l'agent soumet la demande au Collège.
    services.demande_transition(
        demande=demande, vers=StatutDemande.EN_INSTRUCTION, acteur=demande.porteur, version=demande.version
    )
    onglet.aller(demande.get_absolute_url())
    expect(statut_affiche(page)).to_have_text("En instruction")
    expect(page.get_by_role("heading", name="Soumettre à l'avis du Collège")).to_be_visible()
    onglet.verifier_accessibilite()
    page.get_by_role("button", name="Ouvrir le vote d'avis du Collège").click()
    expect(
        page.get_by_text("La demande est soumise à l'avis du Collège : le vote du Collège est ouvert.")
    ).to_be_visible()
    expect(statut_affiche(page)).to_have_text("Soumise à l'avis du Collège")
    expect(page.get_by_text("Le Collège n'a pas encore rendu son avis")).to_be_visible()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.AVIS
    assert demande.scrutin is not None
    onglet.verifier_accessibilite()

    # 7. Le vote du Collège est clos : l'agent accorde l'aide.
    avis_rendu(demande)
    onglet.aller(demande.get_absolute_url())
    decision = page.locator("#decision")
    expect(decision.get_by_role("button", name="Enregistrer la décision")).to_be_visible()
    onglet.verifier_accessibilite()
    decision.get_by_label("Accorder l'aide").check()
    champ(decision, "Montant accordé (€)").fill("10 000,00")
    champ(decision, "Conditions de l'aide").fill("Accueil d'un interne en médecine générale.")
    decision.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("La décision est enregistrée")).to_be_visible()
    expect(statut_affiche(page)).to_have_text("Accordée")
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.ACCORDEE
    assert demande.montant_accorde == Decimal("10000.00")
    onglet.verifier_accessibilite()

    # 8. La convention : générée, puis enregistrée signée avec sa date.
    convention = page.locator("#convention")
    convention.get_by_role("button", name="Générer la convention").click()
    expect(page.get_by_text("La convention est prête : téléchargez-la pour la faire signer.")).to_be_visible()
    expect(
        page.get_by_role("link", name="Télécharger la convention à faire signer (PDF)").first
    ).to_be_visible()
    demande.refresh_from_db()
    assert demande.convention_id is not None
    onglet.verifier_accessibilite()
    champ(convention, "Convention signée").set_input_files(convention_pdf)
    champ(convention, "Signée le").fill(aujourd_hui)
    convention.get_by_role("button", name="Enregistrer la convention signée").click()
    expect(
        page.get_by_text("La convention signée est enregistrée : la demande est conventionnée.")
    ).to_be_visible()
    expect(statut_affiche(page)).to_have_text("Conventionnée")
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.CONVENTIONNEE
    assert demande.convention_signee_id is not None
    onglet.verifier_accessibilite()

    # 9. L'avance est versée : la demande passe en paiement.
    avance = demande.tranches.get(ordre=1)
    bloc = page.locator("#versements > div").filter(
        has=page.get_by_role("heading", name=re.compile(r"^Avance"))
    )
    champ(bloc, "Versée le").fill(aujourd_hui)
    champ(bloc, "Référence du mandat de paiement").fill("M-2026-0042")
    bloc.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.get_by_text("Le versement de la tranche « Avance » est enregistré.")).to_be_visible()
    expect(statut_affiche(page)).to_have_text("En paiement")
    demande.refresh_from_db()
    avance.refresh_from_db()
    assert demande.statut == StatutDemande.EN_PAIEMENT
    assert (avance.statut, avance.versee_le, avance.reference_mandat) == (
        StatutTranche.VERSEE,
        timezone.localdate(),
        "M-2026-0042",
    )
    onglet.verifier_accessibilite()
