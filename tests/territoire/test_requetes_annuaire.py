"""Nombre de requêtes SQL des pages de l'annuaire, épinglé, et qui ne grandit pas avec les lignes."""

import datetime
import itertools
from typing import Any

import pytest

from territoire.models import TypeStructure
from tests.outils import compter_requetes
from tests.territoire.factories import (
    AppartenanceFactory,
    CommuneFactory,
    LieuExerciceFactory,
    PoleFactory,
    ProfessionFactory,
    ProfessionnelFactory,
    SpecialiteFactory,
    StructureFactory,
)

pytestmark = pytest.mark.django_db

_numeros = itertools.count(1)


class Territoire:
    """Un territoire qu'on peut faire grandir : des professionnels à plusieurs lieux, des
    structures membres d'un groupement, des sites."""

    def __init__(self) -> None:
        self.pole = PoleFactory(nom="Pôle de Cherbourg")
        self.autre_pole = PoleFactory(nom="Pôle de Valognes")
        self.cherbourg = CommuneFactory(code_insee="50129", nom="Cherbourg-en-Cotentin", pole=self.pole)
        self.valognes = CommuneFactory(code_insee="50615", nom="Valognes", pole=self.autre_pole)
        self.medecin = ProfessionFactory(code="10", libelle="Médecin")
        self.infirmier = ProfessionFactory(code="60", libelle="Infirmier")
        self.specialite = SpecialiteFactory()
        self.gcs = StructureFactory(nom="Partenaires Santé du Cotentin", type=TypeStructure.GCS, finess=None)
        self.hopital = StructureFactory(
            nom="Centre hospitalier public du Cotentin",
            type=TypeStructure.CENTRE_HOSPITALIER,
            finess_juridique="500000054",
            commune=self.cherbourg,
        )
        self.professionnel: Any = None
        self.ajouter(1)

    def ajouter(self, nombre: int) -> None:
        """`nombre` professionnels (« Lefebvre »), chacun à deux lieux, dont un à l'hôpital ;
        autant de structures, membres du groupement, du même gestionnaire, avec un site ;
        autant de groupements et de sites pour l'hôpital, de lieux et de projets pour le
        premier professionnel."""
        for _ in range(nombre):
            n = next(_numeros)
            professionnel = ProfessionnelFactory(
                nom="Lefebvre",
                prenom=f"Prénom{n}",
                profession=self.medecin if n % 2 else self.infirmier,
                specialite=self.specialite,
            )
            professionnel.projets.create(nom=f"Projet {n}", axe="II")
            LieuExerciceFactory(professionnel=professionnel, commune=self.cherbourg, structure=self.hopital)
            LieuExerciceFactory(professionnel=professionnel, commune=self.valognes)
            structure = StructureFactory(
                nom=f"Centre hospitalier, antenne {n}",
                type=TypeStructure.CENTRE_HOSPITALIER,
                commune=self.cherbourg if n % 2 else self.valognes,
                finess_juridique="500000054",
            )
            structure.sites.create(nom=f"Site {n}", commune=self.valognes)
            AppartenanceFactory(groupement=self.gcs, membre=structure, debut=datetime.date(2017, 10, 12))
            AppartenanceFactory(groupement=StructureFactory(type=TypeStructure.GCS), membre=self.hopital)
            self.hopital.sites.create(nom=f"Antenne {n}", commune=self.valognes)
            if self.professionnel is None:
                self.professionnel = professionnel
            else:
                LieuExerciceFactory(
                    professionnel=self.professionnel, commune=self.valognes, structure=structure
                )
                self.professionnel.projets.create(nom=f"Projet partagé {n}", axe="III")


@pytest.fixture
def territoire():
    return Territoire()


def _pages(t: Territoire) -> list[str]:
    return [
        "/annuaire/",
        "/annuaire/?q=lefebvre",
        f"/annuaire/?q=lefebvre&profession={t.medecin.pk}&pole={t.pole.pk}&commune={t.cherbourg.pk}&mode=liberal",
        "/annuaire/?onglet=structures",
        "/annuaire/?onglet=structures&q=cherbour+hopital",
        f"/annuaire/?onglet=structures&q=hopital&type=centre_hospitalier&pole={t.pole.pk}&commune={t.cherbourg.pk}",
        f"/annuaire/professionnels/{t.professionnel.pk}/",
        f"/annuaire/structures/{t.hopital.pk}/",
        f"/annuaire/structures/{t.gcs.pk}/",
    ]


# Connecté : session, utilisateur, rôles (groupes, puis mandats du Conseil), droits
# (utilisateur puis groupes, pour le menu) et compteur de notifications = 7. L'agent en fait
# un de plus : la vérification de sa double authentification (personnel) ; ses rôles ne
# servent qu'au menu (lit-il les brouillons du bilan ?), son statut de personnel suffit aux
# coordonnées et aux professionnels inactifs.
# Liste : point de sauvegarde, seuil des trigrammes, total, page, libération ; les
# professionnels y ajoutent leurs lieux (préchargés) ; le formulaire lit ses choix
# (professions, pôles, communes) et vérifie chaque valeur choisie (3 de plus avec filtres).
# Fiche d'un professionnel : lui, ses lieux, ses projets.
# Fiche d'une structure : elle, ses sites, ses groupements, ses membres, la page de ses
# praticiens (sauvegarde, seuil, total, page s'il y en a, libération) et, si elle a un
# FINESS juridique, les autres établissements du même gestionnaire.
# Structures d'un pôle : sa carte lit les communes du pôle et leurs contours (1), puis toutes
# les structures trouvées, au seuil des trigrammes de la liste (sauvegarde, seuil, lecture,
# libération : 4) ; les autres pages ne lisent aucun contour.
ATTENDUS = [15, 15, 18, 13, 13, 15 + 5, 9, 16, 14]
MANDATS = {"membre_college": 1, "agent": 2}


@pytest.mark.parametrize("persona", ["membre_college", "agent"])
def test_requetes_des_pages_de_l_annuaire(client_de, territoire, persona):
    client = client_de(persona)
    assert [compter_requetes(client, url) for url in _pages(territoire)] == [
        n + MANDATS[persona] for n in ATTENDUS
    ]


def test_les_pages_ne_grandissent_pas(client_de, territoire):
    client = client_de("membre_college")
    avant = [compter_requetes(client, url) for url in _pages(territoire)]
    territoire.ajouter(30)
    apres = [compter_requetes(client, url) for url in _pages(territoire)]
    assert apres == avant
