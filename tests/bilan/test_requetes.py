"""Nombre de requêtes SQL du bilan annuel, épinglé, et qui ne grandit pas avec les lignes :
les pages (publique, gestion, une année, l'avancement) avec une et cinq versions ou années,
et le rassemblement des données de toutes les sections (`bilan.rendu.rassembler`) avec 10 et
avec 2 000 demandes de financement dans l'année."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bilan.models import EtatGeneration
from bilan.rendu import Bilan, rassembler
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
from socle.bilan import sections
from socle.models import Evenement
from tests.bilan import factories as b
from tests.financements import factories as f
from tests.outils import compter_requetes
from tests.territoire.factories import CommuneFactory, PoleFactory

pytestmark = pytest.mark.django_db

ANNEE = 2025
PARIS = timezone.get_default_timezone()
HTMX = {"HX-Request": "true"}

# Le public : les bilans et leurs versions publiées (deux requêtes, sans session).
PUBLIQUE = 2
# Connecté : session, compte, ses droits (groupes et permissions, pour le menu et les
# prédicats), puis les bilans et leurs versions.
GESTION = 8
# La page d'une année pour le secrétariat : la même chose, plus la liste des séances et
# celle des points du formulaire d'adoption.
ANNEE_SECRETARIAT = 10
# Le co-président : la même page, sans les formulaires d'adoption, mais son rôle se lit
# aussi par son mandat en cours au Conseil.
ANNEE_COPRESIDENT = 10
# Le fragment d'avancement : la session, le compte, ses droits, la version.
AVANCEMENT = 6


def connecte(utilisateur: Any) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def remplir(nombre: int) -> None:
    """`nombre` années (2020, 2021…) avec une version adoptée et une version prête plus
    récente ; et, en 2030, `nombre` versions prêtes (brouillons, chacune adoptable) et une en
    cours de génération."""
    seance = b.seance_du_conseil()
    for rang in range(nombre):
        b.transmise_cc(2020 + rang, reunion=seance)
        b.version_prete(2020 + rang)
    for _rang in range(nombre):
        b.version_prete(2030)
    b.version(2030, etat=EtatGeneration.EN_COURS)


@pytest.mark.parametrize("nombre", [1, 5])
def test_les_pages_ne_grandissent_pas_avec_les_versions(secretariat, nombre):
    remplir(nombre)
    public, secretariat_client = Client(), connecte(secretariat)
    assert compter_requetes(public, "/bilans/") == PUBLIQUE
    assert compter_requetes(public, "/bilans/2020/") == PUBLIQUE
    assert compter_requetes(secretariat_client, "/bilans/gestion/") == GESTION
    assert compter_requetes(secretariat_client, "/bilans/2020/") == ANNEE_SECRETARIAT
    assert compter_requetes(secretariat_client, "/bilans/2030/") == ANNEE_SECRETARIAT
    en_cours = f"/bilans/2030/versions/{nombre + 1}/avancement/"
    assert compter_requetes(secretariat_client, en_cours, headers=HTMX) == AVANCEMENT
    assert compter_requetes(public, "/bilans/2020/versions/1/avancement/") == PUBLIQUE - 1


@pytest.mark.parametrize("nombre", [1, 5])
def test_le_co_president_lit_les_pages_sans_les_formulaires(copresident, nombre):
    remplir(nombre)
    client = connecte(copresident)
    assert compter_requetes(client, "/bilans/2030/") == ANNEE_COPRESIDENT
    assert compter_requetes(client, "/bilans/2020/") == ANNEE_COPRESIDENT


# --- Le rassemblement des données de toutes les sections -----------------------------------


def a_paris(mois: int, jour: int) -> dt.datetime:
    return dt.datetime(ANNEE, mois, jour, 10, tzinfo=PARIS)


STATUTS = [
    StatutDemande.DEPOSEE,
    StatutDemande.EN_INSTRUCTION,
    StatutDemande.AVIS,
    StatutDemande.REFUSEE,
    StatutDemande.CLASSEE,
    StatutDemande.RETIREE,
    StatutDemande.ACCORDEE,
    StatutDemande.CONVENTIONNEE,
    StatutDemande.EN_PAIEMENT,
    StatutDemande.SOLDEE,
]
DECIDEES = {
    StatutDemande.REFUSEE,
    StatutDemande.CLASSEE,
    StatutDemande.ACCORDEE,
    StatutDemande.CONVENTIONNEE,
    StatutDemande.EN_PAIEMENT,
    StatutDemande.SOLDEE,
}
FINANCEES = {
    StatutDemande.ACCORDEE,
    StatutDemande.CONVENTIONNEE,
    StatutDemande.EN_PAIEMENT,
    StatutDemande.SOLDEE,
}
PAYEES = {StatutDemande.EN_PAIEMENT, StatutDemande.SOLDEE}


def demandes_de_l_annee(nombre: int) -> list[DemandeFinancement]:
    """`nombre` demandes déposées en 2025, écrites d'un coup (bulk_create), à chaque étape,
    dans trois pôles (et une commune sans pôle) et chaque type : chacune avec son plan de
    financement (trois financeurs), ses tranches (versées pour les demandes payées) et sa
    trace au journal d'audit (le dernier état, daté de l'année)."""
    modele = f.brouillon()
    poles = [PoleFactory(nom=f"Pôle n°{rang}", ordre=rang) for rang in range(3)]
    communes = [CommuneFactory(code_insee=f"5080{rang}", pole=pole) for rang, pole in enumerate(poles)]
    communes.append(CommuneFactory(code_insee="50899", pole=None))
    types = list(TypeDemande.values)
    demandes = DemandeFinancement.objects.bulk_create(
        DemandeFinancement(
            projet_id=modele.projet_id,
            porteur_id=modele.porteur_id,
            commune=communes[rang % len(communes)],
            type_demande=types[rang % len(types)],
            intitule=f"Projet n°{rang}",
            numero=f"FIN-{ANNEE}-{80000 + rang}",
            statut=(statut := STATUTS[rang % len(STATUTS)]),
            deposee_le=a_paris(1 + rang % 6, 1 + rang % 28),
            decidee_le=a_paris(9, 1 + rang % 28) if statut in DECIDEES else None,
            montant_accorde=Decimal("10000.00") if statut in FINANCEES else None,
            conventionnee_le=dt.date(ANNEE, 10, 1)
            if statut in FINANCEES - {StatutDemande.ACCORDEE}
            else None,
            soldee_le=a_paris(12, 1) if statut == StatutDemande.SOLDEE else None,
        )
        for rang in range(nombre)
    )
    LigneFinancement.objects.bulk_create(
        LigneFinancement(
            demande=demande,
            financeur=financeur,
            montant=montant,
            statut_engagement=StatutEngagement.ACCORDE
            if demande.statut in FINANCEES
            else StatutEngagement.SOLLICITE,
            montant_decide=montant if demande.statut in FINANCEES else None,
            decide_le=dt.date(ANNEE, 9, 15) if demande.statut in FINANCEES else None,
        )
        for demande in demandes
        for financeur, montant in (
            (Financeur.AGGLOMERATION, Decimal("12000.00")),
            (Financeur.ARS, Decimal("8000.00")),
            (Financeur.AUTOFINANCEMENT, Decimal("5000.00")),
        )
    )
    tranches = []
    for demande in demandes:
        if demande.statut not in FINANCEES:
            continue
        # L'avance est versée aux demandes en paiement ; le solde, aux demandes soldées.
        for ordre, versee in (
            (1, demande.statut in PAYEES),
            (2, demande.statut == StatutDemande.SOLDEE),
        ):
            tranches.append(
                Tranche(
                    demande=demande,
                    ordre=ordre,
                    libelle="Avance" if ordre == 1 else "Solde",
                    montant=Decimal("5000.00"),
                    condition="signature" if ordre == 1 else "rapport_final",
                    statut=StatutTranche.VERSEE if versee else StatutTranche.PREVUE,
                    versee_le=dt.date(ANNEE, 11, ordre) if versee else None,
                )
            )
    Tranche.objects.bulk_create(tranches)
    type_demande = ContentType.objects.get_for_model(DemandeFinancement)
    Evenement.objects.bulk_create(
        Evenement(
            verbe="financements.demande.transition",
            cible_type=type_demande,
            cible_id=str(demande.pk),
            cible_libelle=str(demande)[:255],
            etat_avant=StatutDemande.DEPOSEE,
            etat_apres=demande.statut,
            cree_le=a_paris(9, 20),
        )
        for demande in demandes
        if demande.statut != StatutDemande.DEPOSEE
    )
    return demandes


def compter_le_rassemblement() -> tuple[int, Bilan]:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as requetes:
        bilan = rassembler(ANNEE)
    return len(requetes), bilan


def test_le_rassemblement_ne_depend_pas_du_nombre_de_demandes():
    cles = {section.cle for section in sections()}
    assert {"conseil", "college", "financements", "territoire"} <= cles, cles

    demandes = demandes_de_l_annee(10)
    peu, bilan = compter_le_rassemblement()
    assert [rendue.cle for rendue in bilan.sections] == [section.cle for section in sections()]
    financements = next(rendue for rendue in bilan.sections if rendue.cle == "financements")
    assert financements.contenu.contexte["financements"].recues == 10

    DemandeFinancement.objects.filter(pk__in=[d.pk for d in demandes]).delete()
    Evenement.objects.filter(verbe="financements.demande.transition").delete()
    demandes_de_l_annee(2000)
    beaucoup, bilan = compter_le_rassemblement()
    financements = next(rendue for rendue in bilan.sections if rendue.cle == "financements")
    donnees = financements.contenu.contexte["financements"]
    assert donnees.recues == 2000
    assert donnees.payees == 400  # en paiement et soldées : deux demandes sur dix
    assert donnees.montant_verse == Decimal("5000.00") * (200 + 2 * 200)
    assert beaucoup == peu, (peu, beaucoup)
    print(f"rassembler({ANNEE}) : {peu} requêtes pour {len(bilan.sections)} sections")
    # Une requête ou quelques-unes par section, jamais une par ligne.
    assert peu <= 12 * len(bilan.sections), peu
