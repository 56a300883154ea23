"""Les exports des demandes pour la direction des finances : CSV pour un tableur français et
XLSX relu avec openpyxl (vrais nombres, vraies dates), mêmes lignes et mêmes filtres que la
liste."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from comptes.models import Utilisateur
from financements import services
from financements.exports import FORMAT_EUROS, colonnes
from financements.models import Financeur, StatutDemande, StatutEngagement
from socle.exports import FORMAT_DATE
from socle.models import Evenement
from tests.college.factories import membres_votants
from tests.conseil.factories import CollegeFactory
from tests.financements import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def college(db):
    instance = CollegeFactory()
    membres_votants(instance, 3)
    return instance


def client_pour(utilisateur: Utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


@pytest.fixture
def demandes(agent, college):
    """Une demande en paiement (avance de 3 000 € versée, ARS engagée), une déposée, un brouillon."""
    payee = f.conventionnee(agent, intitule='=HYPERLIEN("x") Maison de santé des Pieux')
    avance = payee.tranches.get(ordre=1)
    services.tranche_verser(
        tranche=avance,
        acteur=agent,
        versee_le=timezone.localdate(),
        reference_mandat="M-1",
        version=payee.version,
    )
    ars = payee.financements.get(financeur=Financeur.ARS)
    services.engagement_enregistrer(
        ligne=ars,
        acteur=agent,
        statut_engagement=StatutEngagement.ACCORDE,
        montant_decide=Decimal("7500.50"),
        decide_le=timezone.localdate() - dt.timedelta(days=3),
    )
    deposee = f.deposee(intitule="Étude à Barneville", agglomeration=Decimal("9000.00"))
    f.brouillon(intitule="Brouillon jamais exporté")
    payee.refresh_from_db()
    deposee.refresh_from_db()
    return payee, deposee


def _indices() -> dict[str, int]:
    return {c.titre: i for i, c in enumerate(colonnes())}


def test_le_csv_des_demandes(agent, demandes) -> None:
    payee, deposee = demandes
    reponse = client_pour(agent).get(reverse("financements:demande_export_csv"))
    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("text/csv")
    assert "attachment" in reponse["Content-Disposition"]
    contenu = reponse.content.decode("utf-8")
    assert contenu.startswith("\ufeff")
    lignes = list(csv.reader(io.StringIO(contenu.lstrip("\ufeff")), delimiter=";"))
    entete, *rangees = lignes
    assert entete == [c.titre for c in colonnes()]
    assert "ARS Normandie : sollicité (€)" in entete and "ARS Normandie : engagé (€)" in entete
    assert len(rangees) == 2  # jamais le brouillon
    i = _indices()
    par_numero = {r[i["Numéro"]]: r for r in rangees}
    ligne = par_numero[payee.numero]
    assert ligne[i["État"]] == "En paiement"
    # Jamais une formule : la case commence par une apostrophe.
    assert ligne[i["Intitulé"]].startswith("'=HYPERLIEN")
    assert ligne[i["Dépenses totales (€)"]] == "25000,00"
    assert ligne[i["Demandé à l'agglomération (€)"]] == "12000,00"
    assert ligne[i["Accordé par l'agglomération (€)"]] == "10000,00"
    assert ligne[i["Versé par l'agglomération (€)"]] == "3000,00"
    assert ligne[i["ARS Normandie : sollicité (€)"]] == "8000,00"
    assert ligne[i["ARS Normandie : engagé (€)"]] == "7500,50"
    assert ligne[i["Région Normandie : sollicité (€)"]] == ""
    assert ligne[i["Déposée le"]] == timezone.localdate(payee.deposee_le).strftime("%d/%m/%Y")
    assert ligne[i["Instructeur"]] == str(agent)
    ligne = par_numero[deposee.numero]
    assert ligne[i["Accordé par l'agglomération (€)"]] == ""
    assert ligne[i["Versé par l'agglomération (€)"]] == "0,00"
    assert ligne[i["Décidée le"]] == ""
    assert Evenement.objects.filter(verbe="financements.demandes.exportees", donnees__format="csv").exists()


def test_le_classeur_xlsx_des_demandes(agent, demandes) -> None:
    payee, _deposee = demandes
    reponse = client_pour(agent).get(reverse("financements:demande_export_xlsx"))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    rangees = list(feuille.iter_rows())
    assert [c.value for c in rangees[0]] == [c.titre for c in colonnes()]
    assert len(rangees) == 3
    i = _indices()
    ligne = next(r for r in rangees[1:] if r[i["Numéro"]].value == payee.numero)

    def montant(titre: str) -> Decimal | None:
        case = ligne[i[titre]]
        if case.value is None:
            return None
        assert isinstance(case.value, int | float)
        assert case.number_format == FORMAT_EUROS
        return Decimal(str(case.value)).quantize(Decimal("0.01"))

    assert montant("Dépenses totales (€)") == Decimal("25000.00")
    assert montant("Demandé à l'agglomération (€)") == Decimal("12000.00")
    assert montant("Accordé par l'agglomération (€)") == payee.montant_accorde == Decimal("10000.00")
    assert montant("Versé par l'agglomération (€)") == Decimal("3000.00")
    assert montant("ARS Normandie : engagé (€)") == Decimal("7500.50")
    assert montant("Autofinancement : sollicité (€)") == Decimal("5000.00")
    assert montant("Région Normandie : sollicité (€)") is None
    deposee_le = ligne[i["Déposée le"]]
    assert isinstance(deposee_le.value, dt.datetime)
    assert deposee_le.value.date() == timezone.localdate(payee.deposee_le)
    assert deposee_le.number_format == FORMAT_DATE
    intitule = ligne[i["Intitulé"]]
    assert intitule.data_type == "s" and intitule.value.startswith("=HYPERLIEN")  # texte, pas formule
    assert ligne[i["État"]].value == "En paiement"


def test_les_exports_suivent_les_filtres_de_la_liste(agent, demandes) -> None:
    payee, deposee = demandes
    client = client_pour(agent)
    reponse = client.get(reverse("financements:demande_export_xlsx"), {"statut": StatutDemande.DEPOSEE})
    numeros = [
        r[0] for r in load_workbook(io.BytesIO(reponse.content)).active.iter_rows(min_row=2, values_only=True)
    ]
    assert numeros == [deposee.numero]
    reponse = client.get(reverse("financements:demande_export_csv"), {"q": "Pieux"})
    rangees = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))[1:]
    assert [r[0] for r in rangees] == [payee.numero]
    # La page de la liste propose les exports avec ses filtres.
    page = client.get(reverse("financements:demande_liste"), {"statut": StatutDemande.DEPOSEE, "page": "1"})
    assert reverse("financements:demande_export_csv") + "?statut=deposee" in page.content.decode()


def test_un_export_vide_garde_son_entete(agent) -> None:
    reponse = client_pour(agent).get(reverse("financements:demande_export_xlsx"))
    rangees = list(load_workbook(io.BytesIO(reponse.content)).active.iter_rows(values_only=True))
    assert len(rangees) == 1
    assert rangees[0][0] == "Numéro"
