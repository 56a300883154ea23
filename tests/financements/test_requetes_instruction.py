"""Nombre de requêtes SQL de la liste des demandes de l'agglomération et de ses exports,
épinglé, et qui ne grandit pas avec les demandes."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comptes.models import Utilisateur
from comptes.roles import Role
from financements.models import (
    ConditionTranche,
    DemandeFinancement,
    Financeur,
    LigneFinancement,
    StatutDemande,
    StatutTranche,
    Tranche,
)
from tests.comptes.factories import UtilisateurFactory
from tests.financements import factories as f
from tests.outils import compter_requetes
from tests.territoire.factories import CommuneFactory

pytestmark = pytest.mark.django_db

_numeros = itertools.count(1)


def ajouter_demandes(modele: DemandeFinancement, nombre: int) -> None:
    """`nombre` demandes déposées de plus, chacune avec son porteur, son instructeur, sa commune
    (et son pôle), son plan de financement, une tranche versée : tout ce que les pages lisent.
    Écrites directement (sans les services) : seules les lignes comptent ici."""
    for _ in range(nombre):
        n = next(_numeros)
        demande = DemandeFinancement.objects.create(
            projet=modele.projet,
            numero=f"FIN-2020-{90000 + n}",
            type_demande=modele.type_demande,
            intitule=f"Demande {n}",
            commune=CommuneFactory(),
            porteur=UtilisateurFactory(),
            instructeur=UtilisateurFactory(roles=(Role.AGENT,)),
            statut=StatutDemande.EN_PAIEMENT,
            deposee_le=timezone.now() - dt.timedelta(days=n),
            decidee_le=timezone.now(),
            montant_accorde=Decimal("1000.00"),
        )
        LigneFinancement.objects.bulk_create(
            [
                LigneFinancement(demande=demande, financeur=Financeur.AGGLOMERATION, montant=Decimal("1000")),
                LigneFinancement(
                    demande=demande,
                    financeur=Financeur.ARS,
                    montant=Decimal("500"),
                    montant_decide=Decimal("400"),
                ),
            ]
        )
        Tranche.objects.create(
            demande=demande,
            ordre=1,
            libelle="Avance",
            montant=Decimal("300"),
            condition=ConditionTranche.SIGNATURE,
            statut=StatutTranche.VERSEE,
            versee_le=timezone.localdate(),
        )


def client_pour(utilisateur: Utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


# Session, utilisateur et double authentification (3), droits de l'agent (2), ses rôles
# (groupes et mandats, pour l'entrée du bilan au menu : lit-il les brouillons ?), compte et
# page des demandes (2), notifications du gabarit de base, choix des filtres : pôles,
# instructeurs, années de dépôt.
LISTE = 13
# Filtrée par année : les années de dépôt sont lues aussi pour valider le choix.
LISTE_FILTREE = 14
# Session, utilisateur et double authentification (3), droits (2), événement d'audit,
# demandes (montants en sous-requêtes), plans de financement préchargés.
EXPORT = 8


@pytest.mark.parametrize(
    ("nom", "attendu", "parametres"),
    [
        ("demande_liste", LISTE, {}),
        (
            "demande_liste",
            LISTE_FILTREE,
            {
                "statut": StatutDemande.EN_PAIEMENT,
                "q": "Demande",
                "pole": "",
                "annee": str(timezone.localdate().year),
            },
        ),
        ("demande_export_xlsx", EXPORT, {}),
        ("demande_export_csv", EXPORT, {}),
    ],
)
def test_le_nombre_de_requetes_ne_grandit_pas(agent, nom, attendu, parametres) -> None:
    modele = f.deposee()
    url = reverse(f"financements:{nom}")
    ajouter_demandes(modele, 2)
    avec_3 = compter_requetes(client_pour(agent), url, data=parametres)
    ajouter_demandes(modele, 12)
    avec_15 = compter_requetes(client_pour(agent), url, data=parametres)
    assert avec_3 == avec_15 == attendu


def test_la_page_d_une_demande_pour_l_agglomeration_ne_grandit_pas(agent) -> None:
    """La partie « instruction » de la page : notes, engagements des financeurs, versements."""
    from financements import services

    demande = f.deposee()
    DemandeFinancement.objects.filter(pk=demande.pk).update(instructeur=agent)
    client = client_pour(agent)

    def ajouter(nombre: int) -> int:
        for i in range(nombre):
            services.note_ecrire(demande=demande, acteur=agent, texte=f"Note {i}")
        return compter_requetes(client, demande.get_absolute_url())

    assert ajouter(1) == ajouter(5)


def test_les_listes_et_les_exports_ne_lisent_pas_les_contours_des_communes(agent) -> None:
    """Le contour d'une commune (GeoJSON, un kilo-octet en moyenne) ne sert qu'aux cartes : la
    liste de l'agglomération et ses exports, qui joignent la commune de chaque demande, ne le
    chargent pas (`defer("commune__contour")`)."""
    ajouter_demandes(f.deposee(), 2)
    client = client_pour(agent)
    for nom in ("demande_liste", "demande_export_csv", "demande_export_xlsx"):
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(reverse(f"financements:{nom}")).status_code == 200
        assert not [r["sql"] for r in requetes if '"contour"' in r["sql"]], nom
