"""L'année chargée des fabriques (tests/fabriques_annee.py), en petit : ce qu'elle construit
se retrouve tel quel dans le bilan, et reste un état que le domaine tient pour valide. Le
bench du bilan s'en sert à l'échelle ×10 ; ces tests l'empêchent de s'écarter du domaine."""

import random
from collections import Counter

import pytest

from college import bilan as bilan_college
from college.models import Bulletin, Emargement, Scrutin, StatutScrutin, TypeScrutin
from college.services import resultat_calculer
from conseil import bilan as bilan_conseil
from conseil.models import ProcesVerbal, Reunion, StatutProcesVerbal, StatutReunion
from conseil.quorum import quorum_de
from financements.bilan import lire_financements
from financements.eligibilite import manquements_de
from financements.models import DemandeFinancement, StatutDemande
from socle.models import Evenement
from tests import fabriques_annee as fabriques
from tests.outils import donnees_du_module

pytestmark = pytest.mark.django_db

ANNEE = 2025
STATUTS_FINANCES = {
    StatutDemande.ACCORDEE,
    StatutDemande.CONVENTIONNEE,
    StatutDemande.EN_PAIEMENT,
    StatutDemande.SOLDEE,
}


@donnees_du_module
def annee() -> fabriques.Gouvernance:
    """L'année construite une fois pour tout le module (les tests ne font que la lire)."""
    hasard = random.Random(15)
    with fabriques.sans_taches_en_file():
        g = fabriques.gouvernance(
            hasard=hasard,
            membres_college=12,
            titulaires_college=8,
            institutionnels=3,
            au_conseil=4,
            porteurs=6,
            agents=2,
            groupes=2,
            par_groupe=4,
            annee=ANNEE,
        )
        fabriques.annee_chargee(g, ANNEE, demandes=22, seances=(3, 2, 2), scrutins=(3, 2, 2), hasard=hasard)
    return g


def test_les_demandes_du_bilan_sont_celles_construites(annee: fabriques.Gouvernance) -> None:
    deposees = DemandeFinancement.objects.exclude(statut=StatutDemande.BROUILLON)
    statuts = Counter(deposees.values_list("statut", flat=True))
    donnees = lire_financements(ANNEE)

    assert donnees.recues == deposees.count() == 22
    assert set(statuts) == {etat for etat, _part in fabriques.ETATS}
    assert donnees.refusees == statuts[StatutDemande.REFUSEE]
    assert donnees.classees == statuts[StatutDemande.CLASSEE]
    assert donnees.retirees == statuts[StatutDemande.RETIREE]
    assert donnees.accordees == sum(statuts[s] for s in STATUTS_FINANCES)
    assert donnees.soldees == statuts[StatutDemande.SOLDEE]
    assert DemandeFinancement.objects.filter(statut=StatutDemande.BROUILLON).exists()


def test_chaque_demande_deposee_etait_eligible_et_garde_son_chemin_au_journal(
    annee: fabriques.Gouvernance,
) -> None:
    for demande in DemandeFinancement.objects.exclude(statut=StatutDemande.BROUILLON):
        assert manquements_de(demande) == [], demande
        etats = list(
            Evenement.objects.filter(cible_type__model="demandefinancement", cible_id=str(demande.pk))
            .exclude(etat_apres="")
            .order_by("cree_le", "pk")
            .values_list("etat_apres", flat=True)
        )
        assert etats[:2] == [StatutDemande.BROUILLON, StatutDemande.DEPOSEE]
        assert etats[-1] == demande.statut
        assert demande.deposee_le.year == ANNEE
        if demande.statut in fabriques.DECIDEES:
            assert demande.decidee_le is not None and demande.decidee_le.year == ANNEE
            # Décidée après l'avis du Collège, clos et dépouillé.
            assert demande.scrutin is not None and demande.scrutin.statut == StatutScrutin.CLOS
            assert demande.scrutin.clos_le is not None and demande.scrutin.clos_le < demande.decidee_le


def test_les_urnes_closes_disent_ce_que_contiennent_leurs_bulletins(annee: fabriques.Gouvernance) -> None:
    clos = Scrutin.objects.filter(statut=StatutScrutin.CLOS)
    types = Counter(clos.values_list("type_scrutin", flat=True))
    assert types[TypeScrutin.DELIBERATION] == 2
    assert types[TypeScrutin.ELECTION] == 2
    assert types[TypeScrutin.AVIS] == DemandeFinancement.objects.filter(scrutin__isnull=False).count()
    avec_bulletins = 0
    for scrutin in clos:
        bulletins = Bulletin.objects.filter(scrutin=scrutin).count()
        avec_bulletins += bulletins > 0
        publie, recalcule = scrutin.resultat or {}, resultat_calculer(scrutin)
        assert publie["votants"] == bulletins == Emargement.objects.filter(scrutin=scrutin).count()
        # Le résultat publié est celui que le dépouillement recalcule depuis l'urne.
        communs = set(publie) & set(recalcule)
        assert {k: publie[k] for k in communs} == {k: recalcule[k] for k in communs}
        assert scrutin.clos_le.year == ANNEE
    assert avec_bulletins >= 3 + 2  # les avis votés, et au moins les élections ou délibérations
    section = bilan_college.lire(ANNEE)
    assert len(section.scrutins) == clos.count()
    assert sum(s.votants for s in section.scrutins) == Bulletin.objects.count()


def test_les_seances_du_bilan_sont_celles_construites(annee: fabriques.Gouvernance) -> None:
    # La section du Conseil dit les plénières (Conseil et Collège) ; les groupes, à part.
    section = bilan_conseil.lire(ANNEE)
    plenieres = Reunion.objects.filter(debut__year=ANNEE, instance__in=(annee.conseil, annee.college))
    assert plenieres.count() == 3 + 2 == len(section.seances)
    closes = plenieres.filter(statut=StatutReunion.CLOSE)
    assert closes.count() == sum(s.close for s in section.seances) == 2 + 1
    assert Reunion.objects.filter(instance__groupe__isnull=False, statut=StatutReunion.CLOSE).count() == 2
    for reunion in Reunion.objects.filter(statut=StatutReunion.CLOSE):
        # Le quorum figé à la clôture est celui que les présences donnent.
        assert reunion.quorum_atteint == quorum_de(reunion).atteint
    adoptes = ProcesVerbal.objects.filter(statut=StatutProcesVerbal.ADOPTE)
    assert adoptes.count() == (3 - 1) + (2 - 1)
    assert len(section.proces_verbaux) == adoptes.count()
    assert section.programme is not None and len(section.objectifs) == 12
