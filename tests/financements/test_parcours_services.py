"""Le parcours complet d'une demande par les services, du brouillon au solde."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from college.models import Electeur, StatutScrutin, TypeScrutin
from financements import services
from financements.models import Financeur, StatutDemande, StatutTranche
from socle.workflows import TransitionRefusee
from tests.college.factories import membres_votants
from tests.conseil.factories import CollegeFactory
from tests.financements import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def college(db):
    instance = CollegeFactory()
    membres_votants(instance, 3)
    return instance


def test_du_brouillon_au_solde(agent, college, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        demande = f.deposee()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.DEPOSEE
    assert demande.numero and demande.numero.startswith(f"FIN-{timezone.localdate().year}-")
    texte = "".join(p.extract_text() for p in PdfReader(demande.recepisse.fichier.open("rb")).pages)
    assert demande.numero in texte
    assert any(demande.numero in m.subject for m in mail.outbox)

    demande = services.instructeur_designer(
        demande=demande, acteur=agent, instructeur=agent, version=demande.version
    )
    assert demande.statut == StatutDemande.EN_INSTRUCTION
    demande = services.avis_demander(demande=demande, acteur=agent, version=demande.version)
    assert demande.statut == StatutDemande.AVIS
    assert demande.scrutin.type_scrutin == TypeScrutin.AVIS
    assert demande.scrutin.statut == StatutScrutin.OUVERT
    assert demande.scrutin.objet == demande
    assert Electeur.objects.filter(scrutin=demande.scrutin).count() == 3

    with pytest.raises(TransitionRefusee, match="avis"):
        services.demande_decider(
            demande=demande,
            acteur=agent,
            version=demande.version,
            decision=StatutDemande.ACCORDEE,
            montant_accorde="10 000,00",
        )
    demande = f.avis_rendu(demande)
    with django_capture_on_commit_callbacks(execute=True):
        demande = services.demande_decider(
            demande=demande,
            acteur=agent,
            version=demande.version,
            decision=StatutDemande.ACCORDEE,
            montant_accorde="10 000,00",
            conditions="Accueillir un interne.",
        )
    demande.refresh_from_db()
    assert demande.montant_accorde == Decimal("10000.00")
    assert demande.courrier_decision is not None
    texte = "".join(p.extract_text() for p in PdfReader(demande.courrier_decision.fichier.open("rb")).pages)
    assert "10" in texte and "000,00" in texte

    services.convention_generer(demande=demande, acteur=agent)
    demande.refresh_from_db()
    assert [t.montant for t in demande.tranches.all()] == [Decimal("3000.00"), Decimal("7000.00")]
    demande = services.convention_signee_deposer(
        demande=demande,
        acteur=agent,
        fichier=f.fichier_pdf("signee.pdf"),
        signee_le=timezone.localdate(),
        version=demande.version,
    )
    assert demande.statut == StatutDemande.CONVENTIONNEE
    avance, solde = demande.tranches.all()
    services.tranche_verser(
        tranche=avance, acteur=agent, versee_le=timezone.localdate(), version=demande.version
    )
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_PAIEMENT
    with pytest.raises(Exception, match="rapport final"):
        services.tranche_verser(
            tranche=solde, acteur=agent, versee_le=timezone.localdate(), version=demande.version
        )
    services.piece_deposer(
        demande=demande, acteur=demande.porteur, nature="rapport_final", fichier=f.fichier_pdf("rapport.pdf")
    )
    services.tranche_verser(
        tranche=solde,
        acteur=agent,
        versee_le=timezone.localdate() - dt.timedelta(days=1),
        version=demande.version,
    )
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.SOLDEE
    assert demande.tranches.filter(statut=StatutTranche.VERSEE).count() == 2
    assert demande.financements.get(financeur=Financeur.AGGLOMERATION).statut_engagement == "verse"
