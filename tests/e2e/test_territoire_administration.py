"""Les pages de l'administration du territoire passent axe-core sans aucune violation (RGAA),
avec des lignes, des filtres et des sous-formulaires (sites, membres, lieux d'exercice)."""

import datetime

import pytest

from comptes.roles import Role
from territoire.models import ImportFichier, StatutImport, TypeImport, TypeStructure
from tests.comptes.factories import UtilisateurFactory
from tests.e2e.conftest import connecter
from tests.territoire.factories import (
    AppartenanceFactory,
    CommuneFactory,
    FuiteFactory,
    LieuExerciceFactory,
    PoleFactory,
    ProfessionnelFactory,
    StructureFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/admin/territoire/",
    "/admin/territoire/professionnel/?q=lefevre",
    "/admin/territoire/professionnel/{professionnel}/change/",
    "/admin/territoire/structure/",
    "/admin/territoire/structure/{gcs}/change/",
    "/admin/territoire/poledeproximite/{pole}/change/",
    "/admin/territoire/commune/",
    "/admin/territoire/poledeproximite/",
    "/admin/territoire/projet/add/",
    "/admin/territoire/fuite/",
    "/admin/territoire/importfichier/",
]


@pytest.mark.parametrize("modele", PAGES)
def test_page_d_administration_sans_violation(onglet, modele):
    agent = UtilisateurFactory(email="agent@exemple.fr", roles=(Role.AGENT,), is_staff=True, totp=True)
    pole = PoleFactory(nom="Cœur du Cotentin")
    valognes = CommuneFactory(code_insee="50615", nom="Valognes", pole=pole)
    gcs = StructureFactory(nom="GCS Partenaires Santé du Cotentin", type=TypeStructure.GCS, commune=valognes)
    AppartenanceFactory(groupement=gcs, debut=datetime.date(2017, 10, 12))
    professionnel = ProfessionnelFactory(nom="LEFEVRE", prenom="Hélène")
    LieuExerciceFactory(professionnel=professionnel, commune=valognes, structure=gcs)
    FuiteFactory()
    ImportFichier.objects.create(
        type=TypeImport.FUITES,
        statut=StatutImport.TERMINE,
        nom_fichier="fuites.csv",
        lance_par=agent,
        rapport={"lignes": 3, "crees": 3},
    )
    connecter(onglet, agent)
    onglet.aller(modele.format(professionnel=professionnel.pk, gcs=gcs.pk, pole=pole.pk))
    onglet.verifier_accessibilite()
