"""« Mes données » reprend la fiche de l'annuaire rattachée au compte, et les imports lancés."""

import json

import pytest

from territoire.models import ImportFichier, TypeImport
from tests.territoire.factories import LieuExerciceFactory, ProfessionnelFactory

pytestmark = pytest.mark.django_db


def _export(client, utilisateur) -> dict:
    client.force_login(utilisateur)
    reponse = client.post("/mon-compte/mes-donnees/")
    assert reponse.status_code == 200
    return json.loads(reponse.content)


def test_la_fiche_rattachee_au_compte_est_exportee(client, professionnel):
    fiche = ProfessionnelFactory(compte=professionnel, nom="MARIE", prenom="SOPHIE")
    LieuExerciceFactory(professionnel=fiche, telephone="02 33 52 00 00", raison_sociale="CABINET INFIRMIER")

    donnees = _export(client, professionnel)

    assert donnees["fiche_annuaire"]["rpps"] == fiche.rpps
    assert donnees["fiche_annuaire"]["nom"] == "MARIE"
    [lieu] = donnees["fiche_annuaire"]["lieux_d_exercice"]
    assert lieu["lieu"] == "CABINET INFIRMIER"
    assert lieu["telephone"] == "02 33 52 00 00"


def test_sans_fiche_rien_n_est_exporte(client, membre_college):
    ProfessionnelFactory()  # la fiche de quelqu'un d'autre
    assert _export(client, membre_college)["fiche_annuaire"] is None


def test_les_imports_lances_sont_exportes(client, agent):
    ImportFichier.objects.create(type=TypeImport.FUITES, nom_fichier="fuites.csv", lance_par=agent)
    ImportFichier.objects.create(type=TypeImport.FUITES, nom_fichier="autre.csv")

    [un_import] = _export(client, agent)["imports_lances"]

    assert un_import["fichier"] == "fuites.csv"
    assert un_import["statut"] == "En attente"
