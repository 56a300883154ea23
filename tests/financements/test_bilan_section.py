"""La section « Les demandes de financement » du bilan annuel : les chiffres rendus égalent les
enregistrements faits par les services (comptes, sommes au centime, délai), les brouillons et
les autres années ne comptent pas, une année vide se lit, le nombre de requêtes ne dépend pas
du nombre de demandes, et le gabarit se rend sans requête."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptes.models import Utilisateur
from financements import services
from financements.bilan import DonneesFinancements, donnees_financements
from financements.models import (
    DemandeFinancement,
    Financeur,
    LigneFinancement,
    StatutDemande,
    StatutEngagement,
    StatutTranche,
    Tranche,
    TypeDemande,
)
from socle.bilan import ContenuSection, Section, sections
from socle.models import Evenement
from tests.college.factories import membres_votants
from tests.conseil.factories import CollegeFactory
from tests.financements import factories as f
from tests.territoire.factories import CommuneFactory, PoleFactory

pytestmark = pytest.mark.django_db

ANNEE = 2025
PARIS = timezone.get_default_timezone()
NBSP = "\u00a0"
# Comptes et délai ; situation au 31 décembre ; demandé, accordé, versé par type et pôle ;
# financeurs ; pôles : une requête chacun, quel que soit le nombre de demandes.
REQUETES = 7


def a_paris(annee: int, mois: int, jour: int, heure: int = 10) -> dt.datetime:
    return dt.datetime(annee, mois, jour, heure, tzinfo=PARIS)


def dater(
    demande: DemandeFinancement,
    *,
    journal: dt.datetime,
    depot: dt.datetime | None = None,
    decision: dt.datetime | None = None,
    **champs: Any,
) -> None:
    """La demande, passée par les services aujourd'hui, ramenée à ses dates dans l'année du
    bilan ; son journal d'audit (jusqu'ici) daté de `journal`, son dépôt de `depot`."""
    if depot is not None:
        champs["deposee_le"] = depot
    if decision is not None:
        champs["decidee_le"] = decision
    if champs:
        DemandeFinancement.objects.filter(pk=demande.pk).update(**champs)
    journal_de_la_demande = Evenement.objects.filter(
        cible_type=ContentType.objects.get_for_model(DemandeFinancement), cible_id=str(demande.pk)
    )
    journal_de_la_demande.update(cree_le=journal)
    if depot is not None:
        journal_de_la_demande.filter(etat_apres=StatutDemande.DEPOSEE).update(cree_le=depot)


def euros(texte: str) -> str:
    """« 12 500,50 € » tel que le bilan l'écrit (espaces insécables des milliers et avant €)."""
    return texte.replace(" ", NBSP)


def section_financements() -> Section:
    [section] = [s for s in sections() if s.cle == "financements"]
    return section


def compter(annee: int = ANNEE) -> tuple[int, ContenuSection]:
    with CaptureQueriesContext(connection) as requetes:
        contenu = donnees_financements(annee)
    return len(requetes), contenu


def rendre(contenu: ContenuSection, annee: int = ANNEE) -> str:
    section = section_financements()
    with CaptureQueriesContext(connection) as requetes:
        html = render_to_string(section.gabarit, {**contenu.contexte, "annee": annee, "section": section})
    assert len(requetes) == 0, [q["sql"] for q in requetes.captured_queries]
    return unescape(html)


@pytest.fixture
def college(db: Any) -> None:
    membres_votants(CollegeFactory(), 3)


def refusee(instructeur: Utilisateur, **champs: Any) -> DemandeFinancement:
    demande = f.avis_rendu(f.soumise_a_l_avis(instructeur, **champs))
    return services.demande_decider(
        demande=demande,
        acteur=instructeur,
        version=demande.version,
        decision=StatutDemande.REFUSEE,
        motifs_refus="Hors du champ de l'aide.",
        voies_recours="Recours gracieux dans les deux mois.",
    )


def engager(demande: DemandeFinancement, acteur: Utilisateur, statut: str, montant: str, le: dt.date) -> None:
    ligne = LigneFinancement.objects.get(demande=demande, financeur=Financeur.ARS)
    services.engagement_enregistrer(
        ligne=ligne, acteur=acteur, statut_engagement=statut, montant_decide=montant, decide_le=le
    )


@pytest.fixture
def annee_remplie(agent: Utilisateur, college: None) -> dict[str, DemandeFinancement]:
    """2025, par les services :
    - « recue » (étude, Hague) déposée le 10 février ; mise en instruction le 1er février 2026 ;
    - « accord » (ingénierie, Val de Saire) déposée le 3 mars, accordée le 14 avril (42 jours,
      9 999,99 €) ; l'ARS accorde 7 000,25 € le 2 mai ;
    - « payee » (étude, Hague) déposée le 20 novembre 2024, accordée le 20 janvier (61 jours,
      10 000 €), conventionnée le 1er février, avance de 3 000 € versée le 15 mars ; l'ARS a
      versé 5 000 € (décision du 1er juin) ;
    - « refus » (autre, commune sans pôle) déposée le 5 mai, refusée le 25 mai (20 jours) ;
    - « retrait » (ingénierie, Hague) déposée le 10 juin, retirée le 1er juillet.
    Ne comptent pas : un brouillon complet ; « ancienne », déposée et accordée en 2024 (avec
    un engagement de l'ARS en 2024) ; « future », déposée le 1er janvier 2026 à 0 h 30 à Paris
    (encore le 31 décembre 2025 en temps universel)."""
    hague = PoleFactory(nom="Pôle de la Hague", ordre=1)
    saire = PoleFactory(nom="Pôle du Val de Saire", ordre=2)
    c_hague = CommuneFactory(code_insee="50601", nom="Beaumont-Hague", pole=hague)
    c_saire = CommuneFactory(code_insee="50602", nom="Saint-Vaast", pole=saire)
    c_sans = CommuneFactory(code_insee="50603", nom="Cherbourg", pole=None)

    recue = f.deposee(commune=c_hague, agglomeration=Decimal("12500.50"), type_demande=TypeDemande.ETUDE)
    dater(recue, journal=a_paris(ANNEE, 2, 10), depot=a_paris(ANNEE, 2, 10))
    services.instructeur_designer(demande=recue, acteur=agent, instructeur=agent, version=None)
    Evenement.objects.filter(cible_id=str(recue.pk), etat_apres=StatutDemande.EN_INSTRUCTION).update(
        cree_le=a_paris(ANNEE + 1, 2, 1)
    )

    accord = f.accordee(
        agent,
        montant=Decimal("9999.99"),
        commune=c_saire,
        agglomeration=Decimal("12000.00"),
        type_demande=TypeDemande.INGENIERIE,
    )
    engager(accord, agent, StatutEngagement.ACCORDE, "7000,25", dt.date(ANNEE, 5, 2))
    dater(
        accord,
        journal=a_paris(ANNEE, 4, 14, 15),
        depot=a_paris(ANNEE, 3, 3, 10),
        decision=a_paris(ANNEE, 4, 14, 15),
    )

    payee = f.conventionnee(
        agent, montant=Decimal("10000.00"), commune=c_hague, type_demande=TypeDemande.ETUDE
    )
    avance = payee.tranches.get(ordre=1)
    services.tranche_verser(tranche=avance, acteur=agent, versee_le=dt.date(ANNEE, 3, 15), version=None)
    engager(payee, agent, StatutEngagement.VERSE, "5000", dt.date(ANNEE, 6, 1))
    dater(
        payee,
        journal=a_paris(ANNEE, 3, 15),
        depot=a_paris(ANNEE - 1, 11, 20),
        decision=a_paris(ANNEE, 1, 20, 17),
        conventionnee_le=dt.date(ANNEE, 2, 1),
    )

    refus = refusee(agent, commune=c_sans, agglomeration=Decimal("4000.10"), type_demande=TypeDemande.AUTRE)
    dater(refus, journal=a_paris(ANNEE, 5, 25), depot=a_paris(ANNEE, 5, 5), decision=a_paris(ANNEE, 5, 25))

    retrait = f.deposee(
        commune=c_hague, agglomeration=Decimal("6000.00"), type_demande=TypeDemande.INGENIERIE
    )
    services.demande_retirer(demande=retrait, acteur=retrait.porteur, version=None)
    dater(retrait, journal=a_paris(ANNEE, 7, 1), depot=a_paris(ANNEE, 6, 10))

    # Ce qui ne compte pas en 2025.
    f.brouillon_complet(commune=c_hague, agglomeration=Decimal("20000.00"))
    ancienne = f.accordee(agent, montant=Decimal("5000.00"), commune=c_saire)
    engager(ancienne, agent, StatutEngagement.ACCORDE, "3000", dt.date(ANNEE - 1, 7, 1))
    dater(
        ancienne,
        journal=a_paris(ANNEE - 1, 6, 1),
        depot=a_paris(ANNEE - 1, 3, 1),
        decision=a_paris(ANNEE - 1, 6, 1),
    )
    future = f.deposee(commune=c_saire)
    dater(
        future,
        journal=a_paris(ANNEE + 1, 1, 1, 0),
        depot=a_paris(ANNEE + 1, 1, 1, 0) + dt.timedelta(minutes=30),
    )
    return {"recue": recue, "accord": accord, "payee": payee, "refus": refus, "retrait": retrait}


def _ligne(lignes: Any, libelle: str) -> Any:
    return next(ligne for ligne in lignes if ligne.libelle == libelle)


def test_la_section_est_enregistree() -> None:
    section = section_financements()
    assert section.ordre == 30
    assert str(section.titre) == "Les demandes de financement"
    assert section.gabarit == "financements/bilan_section.html"


def test_les_chiffres_egalent_les_enregistrements(annee_remplie: dict[str, DemandeFinancement]) -> None:
    requetes, contenu = compter()
    assert requetes == REQUETES
    donnees: DonneesFinancements = contenu.contexte["financements"]

    assert (donnees.recues, donnees.decidees, donnees.accordees, donnees.refusees, donnees.classees) == (
        4,
        3,
        2,
        1,
        0,
    )
    assert (donnees.retirees, donnees.conventionnees, donnees.payees, donnees.soldees) == (1, 1, 1, 0)

    # Les montants, au centime, et en Decimal.
    assert donnees.montant_demande == Decimal("34500.60")  # 12 500,50 + 12 000 + 4 000,10 + 6 000
    assert donnees.montant_accorde == Decimal("19999.99")
    versee = Tranche.objects.get(demande=annee_remplie["payee"], statut=StatutTranche.VERSEE)
    assert versee.montant == Decimal("3000.00")
    assert donnees.montant_verse == Decimal("3000.00")
    assert all(isinstance(ligne.demande, Decimal) for ligne in (*donnees.par_type, *donnees.par_pole))

    etude = _ligne(donnees.par_type, "Étude de faisabilité")
    assert (etude.recues, etude.demande, etude.accordees, etude.accorde, etude.payees, etude.verse) == (
        1,
        Decimal("12500.50"),
        1,
        Decimal("10000.00"),
        1,
        Decimal("3000.00"),
    )
    ingenierie = _ligne(donnees.par_type, "Ingénierie de projet")
    assert (ingenierie.recues, ingenierie.demande, ingenierie.accorde) == (
        2,
        Decimal("18000.00"),
        Decimal("9999.99"),
    )
    autre = _ligne(donnees.par_type, "Autre")
    assert (autre.recues, autre.demande, autre.accordees) == (1, Decimal("4000.10"), 0)

    assert [ligne.libelle for ligne in donnees.par_pole] == [
        "Pôle de la Hague",
        "Pôle du Val de Saire",
        "Sans pôle",
    ]
    hague, saire, sans_pole = donnees.par_pole
    assert (hague.recues, hague.demande, hague.accorde, hague.verse) == (
        2,
        Decimal("18500.50"),
        Decimal("10000.00"),
        Decimal("3000.00"),
    )
    assert (saire.recues, saire.demande, saire.accorde, saire.verse) == (
        1,
        Decimal("12000.00"),
        Decimal("9999.99"),
        Decimal("0.00"),
    )
    assert (sans_pole.recues, sans_pole.demande, sans_pole.accorde) == (
        1,
        Decimal("4000.10"),
        Decimal("0.00"),
    )

    financeurs = {ligne.financeur: ligne for ligne in donnees.par_financeur}
    agglo, ars = financeurs[Financeur.AGGLOMERATION], financeurs[Financeur.ARS]
    assert (agglo.sollicitations, agglo.sollicite, agglo.accorde, agglo.verse) == (
        4,
        Decimal("34500.60"),
        Decimal("19999.99"),
        Decimal("3000.00"),
    )
    # L'ARS : 8 000 € sollicités par chaque demande reçue ; 7 000,25 accordés et 5 000 versés en 2025.
    assert (ars.sollicitations, ars.sollicite, ars.accorde, ars.verse) == (
        4,
        Decimal("32000.00"),
        Decimal("12000.25"),
        Decimal("5000.00"),
    )
    assert financeurs[Financeur.AUTOFINANCEMENT].sollicite == Decimal("20000.00")
    assert financeurs[Financeur.REGION].sollicite == Decimal("0.00")

    # Délais : 42, 61 et 20 jours.
    assert donnees.delai.decisions == 3
    assert (donnees.delai.mediane, donnees.delai.minimum, donnees.delai.maximum) == (42, 20, 61)
    assert donnees.delai.moyenne == pytest.approx(41.0)

    # Au 31 décembre 2025, selon le journal : « recue » n'était pas encore en instruction,
    # « payee » était en paiement ; « ancienne » comptée, « future » et le brouillon non.
    assert donnees.arrete_au == dt.date(ANNEE, 12, 31)
    assert {etat.statut: etat.demandes for etat in donnees.situation} == {
        StatutDemande.DEPOSEE: 1,
        StatutDemande.ACCORDEE: 2,
        StatutDemande.EN_PAIEMENT: 1,
        StatutDemande.REFUSEE: 1,
        StatutDemande.RETIREE: 1,
    }
    assert donnees.en_cours == 4

    chiffres = {str(c.libelle): c for c in contenu.chiffres_cles}
    assert chiffres["Demandes de financement reçues"].valeur == "4"
    assert chiffres["Aides accordées par l'agglomération"].valeur == euros("19 999,99 €")
    assert str(chiffres["Aides accordées par l'agglomération"].precision) == "2 demandes accordées"
    assert chiffres["Montants versés"].valeur == euros("3 000,00 €")
    assert chiffres["Délai médian de décision"].valeur == "42 jours"


def test_le_gabarit_se_rend_sans_requete(annee_remplie: dict[str, DemandeFinancement]) -> None:
    _requetes, contenu = compter()
    html = rendre(contenu)
    for montant in ("34 500,60 €", "19 999,99 €", "3 000,00 €", "18 500,50 €", "12 000,25 €", "5 000,00 €"):
        assert euros(montant) in html, montant
    assert "Pôle du Val de Saire" in html and "Sans pôle" in html
    assert "ARS Normandie" in html
    assert "<dd>3 (2 accordées, 1 refusée, 0 " in html
    assert "42 jours" in html and "20 jours" in html and "61 jours" in html
    assert "31 décembre 2025" in html
    assert 'role="img"' in html  # les deux graphiques en barres
    assert html.count("<caption") >= 5
    assert "style=" not in html and "<script" not in html
    assert '<th scope="row">Brouillon' not in html


def test_une_autre_annee_ne_compte_que_ses_demandes(annee_remplie: dict[str, DemandeFinancement]) -> None:
    donnees: DonneesFinancements = donnees_financements(ANNEE - 1).contexte["financements"]
    # 2024 : « payee » et « ancienne » déposées ; « ancienne » accordée (5 000 €) en 90 jours.
    assert (donnees.recues, donnees.decidees, donnees.accordees, donnees.payees) == (2, 1, 1, 0)
    assert donnees.montant_accorde == Decimal("5000.00")
    assert donnees.montant_verse == Decimal("0.00")
    assert donnees.delai.mediane == 92  # du 1er mars au 1er juin 2024
    ars = next(ligne for ligne in donnees.par_financeur if ligne.financeur == Financeur.ARS)
    assert ars.accorde == Decimal("3000.00")
    assert {etat.statut: etat.demandes for etat in donnees.situation} == {
        StatutDemande.DEPOSEE: 1,  # « payee », déposée en novembre 2024, décidée en 2025
        StatutDemande.ACCORDEE: 1,
    }


def test_une_annee_vide_se_lit(annee_remplie: dict[str, DemandeFinancement]) -> None:
    requetes, contenu = compter(2019)
    assert requetes == REQUETES
    donnees: DonneesFinancements = contenu.contexte["financements"]
    assert donnees.vide and donnees.montant_accorde == Decimal("0.00") and not donnees.situation
    html = rendre(contenu, 2019)
    assert "Aucune demande de financement reçue, décidée ni payée en 2019." in html
    assert "Aucune demande décidée en 2019." in html
    assert "Aucun montant demandé, accordé ni versé en 2019." in html
    assert 'role="img"' not in html
    assert {str(c.libelle): c.valeur for c in contenu.chiffres_cles}["Délai médian de décision"] == "—"


def test_une_base_vide_se_lit() -> None:
    requetes, contenu = compter()
    assert requetes == REQUETES
    html = rendre(contenu)
    assert "Aucune demande de financement reçue, décidée ni payée en 2025." in html
    assert "Aucune demande déposée au 31 décembre 2025." in html


def test_les_nombres_s_ecrivent_a_la_francaise_sans_se_couper() -> None:
    """Dans le PDF, « 12 345 » ne se coupe pas entre deux lignes : espace insécable."""
    _requetes, contenu = compter()
    financements = replace(
        contenu.contexte["financements"],
        recues=12345,
        decidees=10000,
        retirees=1000,
        conventionnees=2000,
        payees=3000,
        soldees=4000,
        accordees=10000,
    )
    html = rendre(replace(contenu, contexte={**contenu.contexte, "financements": financements}))
    for chiffre in ("12\u00a0345", "10\u00a0000", "1\u00a0000", "2\u00a0000", "3\u00a0000", "4\u00a0000"):
        assert f"<dd>{chiffre}" in html, chiffre


def _grand_jeu(nombre: int) -> None:
    """`nombre` demandes de 2025 écrites d'un coup (bulk_create), dans des pôles et des types
    variés, chacune avec son plan de financement et deux tranches, dont une versée."""
    modele = f.brouillon()
    poles = [PoleFactory(nom=f"Pôle {i}", ordre=i) for i in range(3)]
    communes = [CommuneFactory(code_insee=f"5070{i}", pole=pole) for i, pole in enumerate(poles)]
    communes.append(CommuneFactory(code_insee="50799", pole=None))
    types = list(TypeDemande.values)
    statuts = [StatutDemande.DEPOSEE, StatutDemande.REFUSEE, StatutDemande.EN_PAIEMENT, StatutDemande.RETIREE]
    demandes = DemandeFinancement.objects.bulk_create(
        DemandeFinancement(
            projet_id=modele.projet_id,
            porteur_id=modele.porteur_id,
            commune=communes[i % len(communes)],
            type_demande=types[i % len(types)],
            intitule=f"Projet {i}",
            numero=f"FIN-{ANNEE}-{90000 + i}",
            statut=statuts[i % len(statuts)],
            deposee_le=a_paris(ANNEE, 1 + i % 6, 1 + i % 28),
            decidee_le=a_paris(ANNEE, 8, 1) if statuts[i % len(statuts)] != StatutDemande.DEPOSEE else None,
            montant_accorde=Decimal("1000.01")
            if statuts[i % len(statuts)] == StatutDemande.EN_PAIEMENT
            else None,
        )
        for i in range(nombre)
    )
    LigneFinancement.objects.bulk_create(
        LigneFinancement(
            demande=demande,
            financeur=financeur,
            montant=Decimal("1500.50"),
            statut_engagement=StatutEngagement.ACCORDE,
            montant_decide=Decimal("1000.01"),
            decide_le=dt.date(ANNEE, 8, 1),
        )
        for demande in demandes
        for financeur in (Financeur.AGGLOMERATION, Financeur.ARS, Financeur.DEPARTEMENT)
    )
    Tranche.objects.bulk_create(
        Tranche(
            demande=demande,
            ordre=ordre,
            libelle=f"Tranche {ordre}",
            montant=Decimal("500.00"),
            condition="signature",
            statut=StatutTranche.VERSEE if ordre == 1 else StatutTranche.PREVUE,
            versee_le=dt.date(ANNEE, 9, 1) if ordre == 1 else None,
        )
        for demande in demandes
        if demande.statut == StatutDemande.EN_PAIEMENT
        for ordre in (1, 2)
    )


@pytest.mark.parametrize("nombre", [3, 30])
def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_demandes(nombre: int) -> None:
    _grand_jeu(nombre)
    requetes, contenu = compter()
    assert requetes == REQUETES
    donnees: DonneesFinancements = contenu.contexte["financements"]
    assert donnees.recues == nombre
    assert donnees.montant_demande == Decimal("1500.50") * nombre
    payees = len([i for i in range(nombre) if i % 4 == 2])
    assert donnees.payees == payees
    assert donnees.montant_verse == Decimal("500.00") * payees
    assert donnees.montant_accorde == Decimal("1000.01") * payees
    rendre(contenu)


def test_l_annee_suivante(annee_remplie: dict[str, DemandeFinancement]) -> None:
    contenu = donnees_financements(ANNEE + 1)
    donnees: DonneesFinancements = contenu.contexte["financements"]
    assert donnees.arrete_au == min(dt.date(ANNEE + 1, 12, 31), timezone.localdate())
    # « future » déposée (le 1er janvier à 0 h 30), rien d'accordé ; « recue » mise en
    # instruction le 1er février.
    assert (donnees.recues, donnees.decidees, donnees.montant_accorde) == (1, 0, Decimal("0.00"))
    situation = {etat.statut: etat.demandes for etat in donnees.situation}
    assert situation[StatutDemande.EN_INSTRUCTION] == 1
    assert situation[StatutDemande.DEPOSEE] == 1
    html = rendre(contenu, ANNEE + 1)
    assert f"Aucune aide accordée en {ANNEE + 1}." in html
    assert f"Aucun montant accordé en {ANNEE + 1}." in html
    assert euros("12 000,00 €") in html  # « future » : l'aide demandée par défaut (fabrique)
