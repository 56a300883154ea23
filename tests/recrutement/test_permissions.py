"""La matrice des droits du recrutement : (persona, URL, méthode) → statut attendu.

Personas : le public, le recruteur du CHPC, celui de la Polyclinique (qui ne touche pas aux
offres du CHPC : 404, comme pour une offre qui n'existe pas), le modérateur du GCS et un agent
de l'agglomération (qui modère sans recruter)."""

import pytest

from recrutement.models import Offre, StatutOffre
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import client_connecte
from tests.outils import donnees_du_module
from tests.recrutement import factories as f

A, CH, PC, MO, AG = "anonyme", "recruteur_chpc", "recruteur_pcc", "moderateur", "agent"
PERSONAS = [A, CH, PC, MO, AG]


def regle(anonyme: int, chpc: int, pcc: int, moderateur: int, agent: int) -> dict[str, int]:
    return {A: anonyme, CH: chpc, PC: pcc, MO: moderateur, AG: agent}


PUBLIC = regle(200, 200, 200, 200, 200)
RECRUTEURS = regle(302, 200, 200, 200, 404)  # le modérateur du GCS est recruteur du GCS
MODERATION = regle(302, 404, 404, 200, 200)
BROUILLON_CHPC = regle(302, 200, 404, 404, 404)
SOUMISE_CHPC = regle(302, 200, 404, 200, 200)
# Une action refusée par le workflow revient sur la page avec son message (302).
POST_SOUMISE = regle(302, 302, 404, 302, 302)
ADMIN = regle(302, 302, 302, 302, 200)
# Le suivi de l'agglomération : ni les recruteurs ni les modérateurs du GCS.
AGGLOMERATION = regle(302, 404, 404, 404, 200)

MATRICE = [
    ("get", "/offres/", PUBLIC),
    ("get", "/offres/?type_contrat=mixte&page=1", PUBLIC),
    ("get", "/offres/carte/", PUBLIC),
    ("get", "/offres/flux.atom", PUBLIC),
    ("get", "/offres/remplacements.ics", PUBLIC),
    ("get", "/offres/{publiee}/", PUBLIC),
    ("get", "/offres/{pourvue}/", regle(410, 410, 410, 410, 410)),
    ("get", "/offres/{brouillon}/", regle(404, 404, 404, 404, 404)),
    ("get", "/offres/{soumise}/", regle(404, 404, 404, 404, 404)),
    ("post", "/offres/", regle(405, 405, 405, 405, 405)),
    ("get", "/recrutement/mes-offres/", RECRUTEURS),
    ("get", "/recrutement/offres/nouvelle/", RECRUTEURS),
    ("post", "/recrutement/offres/nouvelle/", RECRUTEURS),  # formulaire vide : la page revient
    ("get", "/recrutement/offres/987654/", regle(302, 404, 404, 404, 404)),
    ("get", "/recrutement/offres/{brouillon}/", BROUILLON_CHPC),
    ("get", "/recrutement/offres/{brouillon}/modifier/", BROUILLON_CHPC),
    ("post", "/recrutement/offres/{brouillon}/modifier/", BROUILLON_CHPC),
    ("post", "/recrutement/offres/{brouillon}/soumise/", regle(302, 302, 404, 404, 404)),
    ("get", "/recrutement/offres/{brouillon}/soumise/", regle(302, 405, 405, 405, 405)),
    ("get", "/recrutement/offres/{soumise}/", SOUMISE_CHPC),
    ("get", "/recrutement/offres/{soumise}/modifier/", regle(302, 404, 404, 404, 404)),
    ("post", "/recrutement/offres/{soumise}/publiee/", POST_SOUMISE),
    ("post", "/recrutement/offres/{soumise}/brouillon/", POST_SOUMISE),
    ("get", "/recrutement/offres/{publiee}/", SOUMISE_CHPC),
    ("post", "/recrutement/offres/{publiee}/confirmer/", regle(302, 302, 404, 302, 302)),
    ("post", "/recrutement/offres/{publiee}/pourvue/", regle(302, 302, 404, 302, 302)),
    ("post", "/recrutement/offres/{publiee}/inconnu/", regle(302, 404, 404, 404, 404)),
    ("get", "/recrutement/moderation/", MODERATION),
    ("get", "/recrutement/tableau-de-bord/", AGGLOMERATION),
    ("get", "/recrutement/tableau-de-bord/sources.csv", AGGLOMERATION),
    ("get", "/recrutement/tableau-de-bord/fuites.xlsx", AGGLOMERATION),
    ("get", "/recrutement/tableau-de-bord/inconnu.csv", regle(302, 404, 404, 404, 404)),
    ("post", "/recrutement/tableau-de-bord/", regle(302, 405, 405, 405, 405)),
    ("get", "/recrutement/demandes-d-aide/", AGGLOMERATION),
    ("get", "/recrutement/demandes-d-aide/?etat=prises", AGGLOMERATION),
    ("post", "/recrutement/demandes-d-aide/{aide}/prise-en-charge/", regle(302, 404, 404, 404, 302)),
    ("get", "/recrutement/demandes-d-aide/{aide}/prise-en-charge/", regle(302, 405, 405, 405, 405)),
    ("post", "/recrutement/demandes-d-aide/987654/prise-en-charge/", regle(302, 404, 404, 404, 404)),
    # Le renouvellement au vivier : un lien signé, sans connexion ; faux, 404 pour tous.
    ("get", "/recrutement/vivier/faux/", regle(404, 404, 404, 404, 404)),
    ("post", "/recrutement/vivier/faux/", regle(404, 404, 404, 404, 404)),
    ("get", "/admin/recrutement/offre/", ADMIN),
    ("get", "/admin/recrutement/offre/{publiee}/change/", ADMIN),
    ("get", "/admin/recrutement/recruteur/", ADMIN),
]


@donnees_du_module
def monde() -> tuple[dict, dict]:
    g = f.gcs_et_recruteurs()
    comptes = {CH: g.recruteur_chpc, PC: g.recruteur_pcc, MO: g.moderateur, AG: g.agent}
    cles = {statut: f.offre(g, statut).pk for statut in ("brouillon", "soumise", "publiee", "pourvue")}
    cles["aide"] = f.candidature(Offre.objects.get(pk=cles["publiee"]), aide_logement=True).pk
    # Les candidatures du tableau partagé (plus bas).
    candidatures_du_tableau(g, comptes, cles)
    return comptes, cles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("methode", "modele", "attendus"), MATRICE, ids=[f"{m} {u}" for m, u, _ in MATRICE])
def test_matrice_des_droits(monde, persona, methode, modele, attendus):
    comptes, cles = monde
    reponse = getattr(client_connecte(comptes.get(persona)), methode)(modele.format(**cles))
    assert reponse.status_code == attendus[persona]


@pytest.mark.django_db
def test_le_recruteur_de_la_polyclinique_ne_modifie_pas_une_offre_du_chpc(monde):
    comptes, cles = monde
    client = client_connecte(comptes[PC])
    reponse = client.post(f"/recrutement/offres/{cles['brouillon']}/modifier/", {"titre": "Détournée"})
    assert reponse.status_code == 404
    assert Offre.objects.get(pk=cles["brouillon"]).titre == "Médecin urgentiste"
    assert Offre.objects.get(pk=cles["brouillon"]).statut == StatutOffre.BROUILLON


# --- Le tableau partagé des candidatures ----------------------------------------------------
#
# Personas de plus : un candidat (compte du portail qui a postulé). Deux candidatures à une offre
# du CHPC : l'une confiée au seul CHPC (ni la Polyclinique, ni le modérateur du GCS, ni l'agent
# ne la voient : 404), l'autre, du candidat, confiée au CHPC et à la Polyclinique.

CA = "candidat"
PERSONAS_TABLEAU = [A, CA, CH, PC, MO, AG]


def voit(anonyme: int, candidat: int, chpc: int, pcc: int, moderateur: int, agent: int) -> dict[str, int]:
    return {A: anonyme, CA: candidat, CH: chpc, PC: pcc, MO: moderateur, AG: agent}


CHPC_SEUL = voit(302, 404, 200, 404, 404, 404)
CHPC_SEUL_POST = voit(302, 404, 302, 404, 404, 404)
CHPC_ET_PCC = voit(302, 404, 200, 200, 404, 404)
CHPC_ET_PCC_POST = voit(302, 404, 302, 302, 404, 404)

MATRICE_TABLEAU = [
    ("get", "/recrutement/candidatures/", {}, voit(302, 404, 200, 200, 200, 404)),
    ("get", "/recrutement/candidatures/?etape=recue&aide=on&page=2", {}, voit(302, 404, 200, 200, 200, 404)),
    ("post", "/recrutement/candidatures/", {}, voit(302, 405, 405, 405, 405, 405)),
    ("get", "/recrutement/candidatures/987654/", {}, voit(302, 404, 404, 404, 404, 404)),
    ("get", "/recrutement/candidatures/{chpc_seul}/", {}, CHPC_SEUL),
    ("get", "/recrutement/candidatures/{partagee}/", {}, CHPC_ET_PCC),
    ("get", "/recrutement/candidatures/{chpc_seul}/pieces/{piece_chpc_seul}/", {}, CHPC_SEUL),
    ("get", "/recrutement/candidatures/{partagee}/pieces/{piece_partagee}/", {}, CHPC_ET_PCC),
    # La pièce d'une autre candidature, par l'adresse d'une candidature que l'on voit : 404.
    (
        "get",
        "/recrutement/candidatures/{partagee}/pieces/{piece_chpc_seul}/",
        {},
        voit(302, 404, 404, 404, 404, 404),
    ),
    ("get", "/documents/{document_partagee}/", {}, voit(302, 404, 404, 404, 404, 404)),
    ("post", "/recrutement/candidatures/{chpc_seul}/etape/", {"vers": "en_etude"}, CHPC_SEUL_POST),
    ("post", "/recrutement/candidatures/{partagee}/etape/", {"vers": "en_etude"}, CHPC_ET_PCC_POST),
    ("get", "/recrutement/candidatures/{partagee}/etape/", {}, voit(302, 405, 405, 405, 405, 405)),
    (
        "post",
        "/recrutement/candidatures/{chpc_seul}/notes/",
        {"texte": "Vu", "portee": "partagee"},
        CHPC_SEUL_POST,
    ),
    (
        "post",
        "/recrutement/candidatures/{partagee}/notes/",
        {"texte": "Vu", "portee": "employeur"},
        CHPC_ET_PCC_POST,
    ),
    # Une note vide revient sur la page avec son erreur.
    (
        "post",
        "/recrutement/candidatures/{partagee}/notes/",
        {"texte": ""},
        voit(302, 404, 400, 400, 404, 404),
    ),
    ("get", "/recrutement/candidatures/{chpc_seul}/fusionner/{doublon}/", {}, CHPC_SEUL),
    (
        "post",
        "/recrutement/candidatures/{chpc_seul}/fusionner/{doublon}/",
        {"garde": "{candidat_chpc_seul}"},
        CHPC_SEUL_POST,
    ),
    # La Polyclinique voit la candidature partagée, mais pas la fiche du doublon (confiée au CHPC).
    ("get", "/recrutement/candidatures/{partagee}/fusionner/{doublon}/", {}, CHPC_SEUL),
    # L'administration des candidatures : aux seuls superutilisateurs (l'agent non plus).
    ("get", "/admin/recrutement/candidature/", {}, voit(302, 302, 302, 302, 302, 403)),
    ("get", "/admin/recrutement/candidature/{chpc_seul}/change/", {}, voit(302, 302, 302, 302, 302, 403)),
    ("get", "/recrutement/offres/{offre}/vivier/", {}, CHPC_SEUL),
    ("post", "/recrutement/offres/{offre}/vivier/", {}, CHPC_SEUL_POST),
]


def candidatures_du_tableau(g: f.Gcs, comptes: dict, cles: dict) -> None:
    candidat = UtilisateurFactory(email="candidat@exemple.fr")
    comptes[CA] = candidat
    offre = f.offre(g, StatutOffre.PUBLIEE)
    chpc_seul = f.candidature(offre, [g.chpc])
    partagee = f.candidature(
        offre, [g.chpc, g.pcc], compte=candidat, nom="Durand", prenom="Alix", telephone=""
    )
    doublon = f.candidature(
        f.offre(g, StatutOffre.PUBLIEE, titre="Pédiatre"),
        [g.chpc],
        compte=UtilisateurFactory(email="Camille.Lefevre.2@exemple.fr"),
    )
    cles |= {
        "offre": offre.pk,
        "chpc_seul": chpc_seul.pk,
        "candidat_chpc_seul": chpc_seul.candidat_id,
        "partagee": partagee.pk,
        "piece_chpc_seul": chpc_seul.pieces.get().pk,
        "piece_partagee": partagee.pieces.get().pk,
        "document_partagee": partagee.pieces.get().document_id,
        "doublon": doublon.candidat_id,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS_TABLEAU)
@pytest.mark.parametrize(
    ("methode", "modele", "donnees", "attendus"),
    MATRICE_TABLEAU,
    ids=[f"{m} {u} {d}" for m, u, d, _ in MATRICE_TABLEAU],
)
def test_matrice_du_tableau(monde, persona, methode, modele, donnees, attendus):
    comptes, cles = monde
    client = client_connecte(comptes.get(persona))
    donnees = {cle: valeur.format(**cles) for cle, valeur in donnees.items()}
    reponse = getattr(client, methode)(modele.format(**cles), donnees)
    assert reponse.status_code == attendus[persona]


@pytest.mark.django_db
def test_la_polyclinique_ne_voit_ni_la_candidature_du_seul_chpc_ni_ses_notes_reservees(
    monde,
):
    from recrutement import services
    from recrutement.models import Candidature, PorteeNote

    comptes, cles = monde
    partagee = Candidature.objects.get(pk=cles["partagee"])
    services.note_ecrire(
        candidature=partagee, auteur=comptes[CH], texte="Réservée au CHPC", portee=PorteeNote.EMPLOYEUR
    )
    services.note_ecrire(
        candidature=partagee, auteur=comptes[CH], texte="Pour tous", portee=PorteeNote.PARTAGEE
    )
    pcc = client_connecte(comptes[PC])
    page = pcc.get(f"/recrutement/candidatures/{cles['partagee']}/").content.decode()
    assert "Pour tous" in page and "Réservée au CHPC" not in page
    tableau = pcc.get("/recrutement/candidatures/").content.decode()
    assert f"/recrutement/candidatures/{cles['chpc_seul']}/" not in tableau
    assert f"/recrutement/candidatures/{cles['partagee']}/" in tableau
    chpc = client_connecte(comptes[CH]).get(f"/recrutement/candidatures/{cles['partagee']}/").content.decode()
    assert "Pour tous" in chpc and "Réservée au CHPC" in chpc


@pytest.mark.django_db
def test_les_pages_du_tableau_exigent_la_double_authentification(monde):
    from allauth.mfa.models import Authenticator

    from recrutement.models import Candidature

    comptes, cles = monde
    Authenticator.objects.filter(user=comptes[CH]).delete()
    client = client_connecte(comptes[CH])
    for url in (
        "/recrutement/candidatures/",
        f"/recrutement/candidatures/{cles['chpc_seul']}/",
        f"/recrutement/candidatures/{cles['chpc_seul']}/pieces/{cles['piece_chpc_seul']}/",
        f"/recrutement/candidatures/{cles['chpc_seul']}/fusionner/{cles['doublon']}/",
        f"/recrutement/offres/{cles['offre']}/vivier/",
    ):
        reponse = client.get(url)
        assert reponse.status_code == 302 and "2fa" in reponse["Location"], url
    reponse = client.post(f"/recrutement/candidatures/{cles['chpc_seul']}/etape/", {"vers": "en_etude"})
    assert reponse.status_code == 302 and "2fa" in reponse["Location"]
    assert Candidature.objects.get(pk=cles["chpc_seul"]).etape == "recue"


@pytest.mark.django_db
def test_le_superutilisateur_lit_les_candidatures_dans_l_administration(monde, superutilisateur):
    _comptes, cles = monde
    client = client_connecte(superutilisateur)
    assert client.get("/admin/recrutement/candidature/").status_code == 200
    assert client.get(f"/admin/recrutement/candidature/{cles['chpc_seul']}/change/").status_code == 200
