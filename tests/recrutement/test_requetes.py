"""Nombre de requêtes des pages du recrutement, épinglé, et qui ne grandit pas avec les offres."""

import pytest

from recrutement import services
from recrutement.models import StatutOffre
from tests.conftest import client_connecte
from tests.outils import compter_requetes
from tests.recrutement import factories as f

pytestmark = pytest.mark.django_db

# Anonyme, liste : la page des offres dans sa transaction (point de sauvegarde, seuil des
# trigrammes, compte, offres avec employeur et profession jointes, trois préchargements :
# établissements, communes, parts ; libération), puis les cinq listes des filtres (professions,
# spécialités, pôles, communes, employeurs). Page d'une offre : l'offre et ses trois préchargements.
LISTE_PUBLIQUE = 13
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


# --- Le tableau partagé des candidatures ----------------------------------------------------

# Le tableau : session, utilisateur, rôles du portail (groupes, mandats), rôles du recruteur
# (rattachements, groupements), double authentification, les nombres par étape (qui font aussi
# le total de la pagination), les candidatures de la page (candidat et offre joints), leurs
# consentements, leurs pièces, les droits et les notifications du menu (trois), puis les deux
# listes des filtres (offres, employeurs).
TABLEAU = 16
# La page d'une candidature : les mêmes six premières, la candidature (candidat, offre,
# employeur joints) et ses deux préchargements (consentements, pièces), la double
# authentification, qui a ouvert les pièces, les notes, les doublons, le menu (trois), la
# chronologie (type de contenu, événements).
PAGE_CANDIDATURE = 18
# La fusion : les six premières, la candidature, la double authentification, l'autre fiche, les
# candidatures de chacune, le menu. Le vivier : les six premières, l'offre et ses trois
# préchargements, la double authentification, les trois nombres, le menu.
FUSION = 14
VIVIER = 17


def candidatures(g: f.Gcs, nombre: int) -> list:
    offre = f.offre(g, StatutOffre.PUBLIEE)
    etapes = ["en_etude", "entretien", "non_retenue"]
    faites = []
    for rang in range(nombre):
        c = f.candidature(
            offre if rang % 2 else f.offre(g, StatutOffre.PUBLIEE, titre=f"Poste {rang}"),
            [g.chpc, g.pcc] if rang % 3 else [g.chpc],
            email=f"candidat{rang}@exemple.fr",
            nom=f"Nom{rang}",
            telephone="",
            aide_logement=rang % 2 == 1,
        )
        if rang % 5 == 0:
            services.candidature_etape_changer(candidature=c, vers=etapes[rang % 3], acteur=g.recruteur_chpc)
        faites.append(c)
    return faites


def test_le_tableau_ne_grandit_pas(g):
    client = client_connecte(g.recruteur_chpc)
    candidatures(g, 3)
    trois = compter_requetes(client, "/recrutement/candidatures/")
    filtre = compter_requetes(client, "/recrutement/candidatures/?etape=recue&aide=on")
    candidatures(g, 27)
    assert compter_requetes(client, "/recrutement/candidatures/") == trois == TABLEAU
    assert compter_requetes(client, "/recrutement/candidatures/?etape=recue&aide=on") == filtre


def test_la_page_d_une_candidature(g):
    client = client_connecte(g.recruteur_chpc)
    une, autre = candidatures(g, 2)[1], candidatures(g, 8)[-1]
    services.note_ecrire(candidature=une, auteur=g.recruteur_chpc, texte="Une note", portee="partagee")
    services.piece_consulter(piece=une.pieces.get(), acteur=g.recruteur_pcc)
    assert compter_requetes(client, f"/recrutement/candidatures/{une.pk}/") == PAGE_CANDIDATURE
    for rang in range(5):
        services.note_ecrire(
            candidature=autre, auteur=g.recruteur_chpc, texte=f"Note {rang}", portee="partagee"
        )
        services.piece_consulter(piece=autre.pieces.get(), acteur=g.recruteur_chpc)
    assert compter_requetes(client, f"/recrutement/candidatures/{autre.pk}/") == PAGE_CANDIDATURE


def test_la_fusion_et_le_vivier_ne_grandissent_pas(g):
    client = client_connecte(g.recruteur_chpc)
    premiere = f.candidature(f.offre(g, StatutOffre.PUBLIEE), vivier=True)
    autre = f.candidature(f.offre(g, StatutOffre.PUBLIEE), email="autre@exemple.fr", vivier=True)
    offre = f.offre(g, StatutOffre.PUBLIEE)
    fusion = f"/recrutement/candidatures/{premiere.pk}/fusionner/{autre.candidat_id}/"
    vivier = f"/recrutement/offres/{offre.pk}/vivier/"
    avant = compter_requetes(client, fusion), compter_requetes(client, vivier)
    for rang in range(5):
        o = f.offre(g, StatutOffre.PUBLIEE)
        f.candidature(o, email="autre@exemple.fr", vivier=True)  # la même fiche, cinq candidatures
        f.candidature(o, email=f"vivier{rang}@exemple.fr", vivier=True)
    assert (compter_requetes(client, fusion), compter_requetes(client, vivier)) == avant == (FUSION, VIVIER)
