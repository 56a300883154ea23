"""Nombre de requêtes des pages du recrutement, épinglé, et qui ne grandit pas avec les offres."""

import pytest

from recrutement import services
from recrutement.jetons import candidature_jeton, espace_jeton
from recrutement.models import ConsultationPiece, StatutOffre
from tests.comptes.factories import UtilisateurFactory
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


# --- Le côté candidat ---------------------------------------------------------------------
#
# Le formulaire de candidature d'une visiteuse (par son lien) : l'offre et ses trois
# préchargements, les employeurs à choisir (l'employeur, ses groupements, leurs membres, leurs
# fiches), les pôles. Connecté : les sept lectures de toute page d'un compte en plus (session,
# compte, groupes, mandats, deux pour les droits, notifications non lues). L'espace candidat
# (connectée) : ces sept, la fiche, ses candidatures (offre et employeur joints), leurs
# consentements, le vivier, ses pôles, les ouvertures de ses pièces ; constant avec le nombre
# de candidatures, d'employeurs et d'ouvertures.
FORMULAIRE_VISITEUSE = 9
FORMULAIRE_CONNECTE = 16
ESPACE = 13
ESPACE_PAR_LE_LIEN = 7


def test_le_formulaire_de_candidature(g):
    offre = f.offre(g, StatutOffre.PUBLIEE)
    visiteuse = client_connecte(None)
    url = f"/offres/{offre.pk}/postuler/{candidature_jeton(offre.pk, 'camille@exemple.fr')}/"
    assert compter_requetes(visiteuse, url) == FORMULAIRE_VISITEUSE
    mixte = f.offre(g, StatutOffre.PUBLIEE, **_mixte(g))
    url = f"/offres/{mixte.pk}/postuler/{candidature_jeton(mixte.pk, 'camille@exemple.fr')}/"
    assert compter_requetes(visiteuse, url) == FORMULAIRE_VISITEUSE
    connecte = client_connecte(UtilisateurFactory())
    assert compter_requetes(connecte, f"/offres/{mixte.pk}/postuler/") == FORMULAIRE_CONNECTE


def test_l_espace_candidat_ne_grandit_pas(g):
    compte = UtilisateurFactory(email="camille@exemple.fr")
    premiere = f.candidature(f.offre(g, StatutOffre.PUBLIEE), [g.chpc, g.pcc], compte=compte, vivier=True)
    client = client_connecte(compte)
    assert compter_requetes(client, "/recrutement/mon-espace/") == ESPACE
    for rang in range(4):
        c = f.candidature(
            f.offre(g, StatutOffre.PUBLIEE, titre=f"Poste {rang}", **_mixte(g)),
            [g.chpc, g.msp, g.gcs],
            compte=compte,
        )
        ConsultationPiece.objects.create(piece=c.pieces.get(), compte=g.recruteur_chpc, structure=g.chpc)
    ConsultationPiece.objects.create(piece=premiere.pieces.get(), compte=g.recruteur_pcc, structure=g.pcc)
    assert compter_requetes(client, "/recrutement/mon-espace/") == ESPACE


def test_l_espace_par_le_lien_ne_grandit_pas(g):
    """Une visiteuse, par le lien reçu : la session, la fiche (clé comparée), ses candidatures,
    leurs consentements, le vivier, ses pôles, les ouvertures de ses pièces ; rien pour un
    compte. Ses candidatures suivantes (même adresse) rejoignent la même fiche."""
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE), [g.chpc, g.pcc])
    client = client_connecte(None)
    client.get(f"/recrutement/mon-espace/{espace_jeton(c.candidat)}/")
    assert compter_requetes(client, "/recrutement/mon-espace/") == ESPACE_PAR_LE_LIEN
    for rang in range(3):
        autre = f.candidature(f.offre(g, StatutOffre.PUBLIEE, titre=f"Poste {rang}"), [g.chpc, g.gcs])
        ConsultationPiece.objects.create(piece=autre.pieces.get(), compte=g.recruteur_chpc, structure=g.chpc)
    assert compter_requetes(client, "/recrutement/mon-espace/") == ESPACE_PAR_LE_LIEN


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
