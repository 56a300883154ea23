"""Nombre de requêtes des pages du recrutement, épinglé, et qui ne grandit pas avec les offres."""

import pytest

from recrutement.models import StatutOffre
from tests.conftest import client_connecte
from tests.outils import compter_requetes
from tests.recrutement import factories as f

pytestmark = pytest.mark.django_db

# Anonyme, liste : la page des offres dans sa transaction (point de sauvegarde, seuil des
# trigrammes, compte, offres avec employeur et profession jointes, trois préchargements :
# établissements, communes, parts ; libération), puis les cinq listes des filtres (professions,
# spécialités, pôles, communes, employeurs). Page d'une offre : l'offre et ses trois préchargements.
# La carte des offres (chargée par la liste) : les offres par commune, les contours des communes.
LISTE_PUBLIQUE = 13
CARTE_DES_OFFRES = 2
PAGE_PUBLIQUE = 4


@pytest.fixture
def g() -> f.Gcs:
    return f.gcs_et_recruteurs()


def semer(g: f.Gcs, nombre: int) -> None:
    for rang in range(nombre):
        if rang % 3 == 0:
            f.offre(g, StatutOffre.PUBLIEE, titre=f"Poste mixte {rang}", **_mixte(g))
        else:
            f.offre(
                g,
                StatutOffre.PUBLIEE,
                titre=f"Poste {rang}",
                communes=[g.msp.commune],
                structures=[g.chpc, g.msp],
            )


def _mixte(g: f.Gcs) -> dict:
    saisie = f.saisie_mixte(g)
    return {"type_contrat": saisie.type_contrat, "parts": saisie.parts, "structures": saisie.structures}


def test_la_liste_publique_ne_grandit_pas(client, g):
    semer(g, 1)
    assert compter_requetes(client, "/offres/") == LISTE_PUBLIQUE
    semer(g, 24)
    assert compter_requetes(client, "/offres/") == LISTE_PUBLIQUE
    assert compter_requetes(client, "/offres/?type_contrat=mixte&page=1") == LISTE_PUBLIQUE


def test_la_carte_des_offres_ne_grandit_pas(client, g):
    semer(g, 1)
    assert compter_requetes(client, "/offres/carte/") == CARTE_DES_OFFRES
    semer(g, 24)
    assert compter_requetes(client, "/offres/carte/") == CARTE_DES_OFFRES
    assert compter_requetes(client, "/offres/carte/", headers={"HX-Request": "true"}) == CARTE_DES_OFFRES


def test_la_page_d_une_offre(client, g):
    offre = f.offre(g, StatutOffre.PUBLIEE, **_mixte(g))
    assert compter_requetes(client, f"/offres/{offre.pk}/") == PAGE_PUBLIQUE


def test_le_flux_et_le_calendrier_ne_grandissent_pas(client, g):
    semer(g, 1)
    flux, ics = (
        compter_requetes(client, "/offres/flux.atom"),
        compter_requetes(client, "/offres/remplacements.ics"),
    )
    semer(g, 10)
    assert (
        compter_requetes(client, "/offres/flux.atom"),
        compter_requetes(client, "/offres/remplacements.ics"),
    ) == (
        flux,
        ics,
    )


@pytest.mark.parametrize(
    ("persona", "url"),
    [("recruteur_chpc", "/recrutement/mes-offres/"), ("moderateur", "/recrutement/moderation/")],
)
def test_les_listes_des_recruteurs_ne_grandissent_pas(g, persona, url):
    client = client_connecte(getattr(g, persona))
    f.offre(g, StatutOffre.SOUMISE)
    une = compter_requetes(client, url)
    for _ in range(10):
        f.offre(g, StatutOffre.SOUMISE, **_mixte(g))
    assert compter_requetes(client, url) == une


def test_la_page_de_gestion(g):
    offre = f.offre(g, StatutOffre.SOUMISE, **_mixte(g))
    client = client_connecte(g.moderateur)
    avant = compter_requetes(client, f"/recrutement/offres/{offre.pk}/")
    autre = f.offre(g, StatutOffre.SOUMISE, communes=[g.msp.commune, g.chpc.commune], **_mixte(g))
    assert compter_requetes(client, f"/recrutement/offres/{autre.pk}/") == avant
