"""Les demandes de financement de démonstration passent par les services : une à chaque étape,
aux dates passées, d'autres déposées et décidées dans l'année passée, sans doublon au second
chargement.

Lu dans la démonstration complète, construite une fois par session (tests/demonstration.py)."""

import pytest
from django.utils import timezone

from college.models import Electeur, StatutScrutin
from comptes.models import Utilisateur
from financements import demo
from financements.eligibilite import manquements_de
from financements.models import (
    DemandeFinancement,
    Financeur,
    LigneFinancement,
    ModeleCourrier,
    PieceJustificative,
    StatutDemande,
    StatutEngagement,
    StatutTranche,
    Tranche,
)
from financements.selectors import demandes_visibles_par
from socle.models import Document, Evenement, Notification
from territoire.models import BesoinTerritoire

SOPHIE = "professionnel@demo.cotentin.fr"


def _comptes() -> tuple[int, ...]:
    return (
        DemandeFinancement.objects.count(),
        BesoinTerritoire.objects.count(),
        PieceJustificative.objects.count(),
        Document.objects.count(),
        Evenement.objects.count(),
        Notification.objects.count(),
        ModeleCourrier.objects.count(),
    )


@pytest.mark.demonstration("financements")
def test_les_demandes_de_demonstration(demonstration):
    assert demonstration.chargees["financements"] is True
    messages = [ligne for ligne in demonstration.sortie.splitlines() if ligne.startswith("Demandes")]
    assert len(messages) == 1 and messages[0].startswith("Demandes de financement de démonstration chargées")
    demandes = DemandeFinancement.objects.filter(demo=True)
    assert set(demandes.values_list("statut", flat=True)) == set(StatutDemande.values)
    assert not DemandeFinancement.objects.filter(demo=False).exists()
    assert BesoinTerritoire.objects.filter(demo=True).count() >= 8
    assert BesoinTerritoire.objects.filter(demo=True, professions__code="10").exists()
    assert ModeleCourrier.objects.count() == 5

    # Sophie Marie, reliée à sa fiche de l'annuaire, voit ses demandes en se connectant.
    sophie = Utilisateur.objects.get(email=SOPHIE)
    assert sophie.professionnel.prenom.lower() == "sophie"
    siennes = demandes_visibles_par(sophie)
    assert {d.statut for d in siennes} >= {StatutDemande.BROUILLON, StatutDemande.COMPLEMENTS}
    brouillon = siennes.get(statut=StatutDemande.BROUILLON)
    assert {m.code for m in manquements_de(brouillon)} == {"pieces"}
    assert Notification.objects.filter(
        destinataire=sophie, verbe="financements.demande.complements_demandes", lue_le__isnull=True
    ).exists()

    maintenant = timezone.now()
    for demande in demandes.exclude(statut=StatutDemande.BROUILLON):
        # Déposée à sa vraie date, numérotée de l'année du dépôt, avec son récépissé.
        assert demande.deposee_le is not None and demande.deposee_le < maintenant
        assert demande.numero == f"FIN-{timezone.localtime(demande.deposee_le).year}-{demande.pk:05d}"
        assert demande.recepisse is not None
        evenements = Evenement.objects.filter(cible_id=str(demande.pk), verbe__startswith="financements.")
        dates = list(evenements.order_by("pk").values_list("cree_le", flat=True))
        assert dates == sorted(dates) and dates[-1] < maintenant
    for statut in (StatutDemande.ACCORDEE, StatutDemande.REFUSEE, StatutDemande.CLASSEE):
        assert all(demande.courrier_decision is not None for demande in demandes.filter(statut=statut))

    # L'année passée, celle du bilan de démonstration : des demandes déposées et décidées dans
    # l'année, à chaque issue, avec des tranches versées et les engagements des autres financeurs.
    annee = timezone.localdate().year - 1
    passees = demandes.filter(intitule__in=[p.demande.intitule for p in demo.DEMANDES_ANNEE_PASSEE])
    assert passees.count() == len(demo.DEMANDES_ANNEE_PASSEE)
    assert set(passees.values_list("statut", flat=True)) == {
        p.demande.etape for p in demo.DEMANDES_ANNEE_PASSEE
    }
    for demande in passees:
        assert timezone.localtime(demande.deposee_le).year == annee
        if demande.statut != StatutDemande.RETIREE:
            assert demande.decidee_le is not None and timezone.localtime(demande.decidee_le).year == annee
    versees = Tranche.objects.filter(demande__in=passees, statut=StatutTranche.VERSEE)
    assert versees.count() == sum(p.versees for p in demo.DEMANDES_ANNEE_PASSEE)
    assert {t.versee_le.year for t in versees if t.versee_le} == {annee}
    assert passees.filter(statut=StatutDemande.SOLDEE, soldee_le__year=annee).count() == 2
    autres = LigneFinancement.objects.filter(demande__in=passees).exclude(
        financeur__in=(Financeur.AGGLOMERATION, Financeur.AUTOFINANCEMENT)
    )
    assert {StatutEngagement.ACCORDE, StatutEngagement.REFUSE, StatutEngagement.SOLLICITE} <= set(
        autres.values_list("statut_engagement", flat=True)
    )
    # Les demandes de cette année, une à chaque étape (les autres s'y ajoutent).
    demandes = demandes.exclude(pk__in=passees)
    assert demandes.count() == len(demo.DEMANDES)

    # L'avis en cours : Anne Lecoq, dans l'équipe, est écartée ; Marc Guérin a son vote à donner.
    avis = demandes.get(statut=StatutDemande.AVIS)
    assert avis.scrutin is not None and avis.scrutin.statut == StatutScrutin.OUVERT
    assert avis.scrutin.ouverture < maintenant < avis.scrutin.cloture
    assert avis.discussion is not None
    lecoq = Electeur.objects.get(scrutin=avis.scrutin, personne__email="copresident@demo.cotentin.fr")
    assert lecoq.exclu_pour_interet
    assert not Electeur.objects.get(
        scrutin=avis.scrutin, personne__email="membre.college@demo.cotentin.fr"
    ).exclu_pour_interet
    # Les avis rendus sont clos à leur date.
    accordee = demandes.get(statut=StatutDemande.ACCORDEE)
    assert accordee.scrutin is not None and accordee.scrutin.statut == StatutScrutin.CLOS
    assert accordee.scrutin.clos_le is not None and accordee.decidee_le is not None
    assert accordee.scrutin.clos_le < accordee.decidee_le

    soldee = demandes.get(statut=StatutDemande.SOLDEE)
    assert not soldee.tranches.filter(statut=StatutTranche.PREVUE).exists()
    assert soldee.soldee_le is not None and soldee.soldee_le < maintenant
    paiement = demandes.get(statut=StatutDemande.EN_PAIEMENT)
    assert paiement.tranches.count() == 3
    assert paiement.convention is not None and paiement.convention_signee is not None

    # Les notifications d'hier sont parties : le worker n'enverra rien de la démonstration.
    assert not Notification.objects.filter(envoyee_le__isnull=True, url__startswith="/financements").exists()

    # Une seconde fois : rien ne change.
    avant = _comptes()
    assert demo.charger(afficher=messages.append) is False
    assert _comptes() == avant
    assert len(messages) == 1


@pytest.mark.django_db
def test_pas_de_demandes_sans_college_de_demonstration():
    messages: list[str] = []
    assert demo.charger(afficher=messages.append) is False
    assert messages == ["Pas de Collège de démonstration : pas de demandes de financement de démonstration."]
    assert not DemandeFinancement.objects.exists()
