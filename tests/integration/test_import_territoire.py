"""Un import déposé est fait par un vrai worker Celery : les fichiers gardés dans le stockage
privé par la demande sont lus par le worker, qui écrit le rapport."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptes.roles import Role
from socle.models import Notification
from territoire.models import Commune, ImportFichier, Professionnel, ReleveEffectifs, StatutImport, TypeImport
from territoire.services import import_demander
from tests.comptes.factories import UtilisateurFactory
from tests.integration.conftest import attendre

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DONNEES = Path(__file__).resolve().parents[1] / "data"


def depot(nom: str, nom_depose: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(nom_depose or nom, (DONNEES / nom).read_bytes())


def fini(import_fichier: ImportFichier) -> ImportFichier:
    resultat = attendre(
        lambda: ImportFichier.objects.filter(
            pk=import_fichier.pk, statut__in=[StatutImport.TERMINE, StatutImport.ECHOUE]
        ).first(),
        delai=90,
    )
    assert isinstance(resultat, ImportFichier)
    return resultat


def test_les_imports_deposes_sont_faits_par_le_worker(worker: Path):
    agent = UtilisateurFactory(email="agent@exemple.fr", roles=(Role.AGENT,), is_staff=True)

    communes = import_demander(
        acteur=agent,
        type_import=TypeImport.COMMUNES,
        fichier=depot("cog_communes.csv", "v_commune_2026.csv"),
        fichier_epci=depot("epci_composition.xlsx", "Intercommunalite_Metropole_au_01-01-2026.xlsx"),
        fichier_populations=depot("populations.csv"),
    )
    communes = fini(communes)

    assert communes.statut == StatutImport.TERMINE, communes.erreur
    assert communes.rapport["crees"] == 5
    assert communes.rapport["rejetes"] == 1
    assert Commune.objects.get(code_insee="50129").population == 77634
    assert not communes.fichier and not communes.fichier_epci

    rpps = import_demander(
        acteur=agent,
        type_import=TypeImport.RPPS,
        fichier=depot("rpps_PS_LibreAcces_Personne_activite_202610010800.txt"),
    )
    rpps = fini(rpps)

    assert rpps.statut == StatutImport.TERMINE, rpps.erreur
    assert (rpps.rapport["crees"], rpps.rapport["rejetes"], rpps.rapport["ignores"]) == (9, 6, 6)
    assert (rpps.progression, rpps.lignes_lues) == (100, 25)
    assert Professionnel.objects.count() == 9
    assert ReleveEffectifs.objects.filter(
        import_fichier=rpps, pole__isnull=True, specialite__isnull=True
    ).exists()
    assert Notification.objects.filter(destinataire=agent, verbe="territoire.import.termine").count() == 2
