"""La matrice des droits du Conseil : (persona, URL, méthode) → statut attendu.

Une ligne par page et par action de l'application : espace des membres, séances, travail du
secrétariat, groupes, programmes, calendriers et administration. Le membre du Collège siège
au Conseil (un mandat en cours) ; le professionnel n'a aucun mandat ; le co-président voit
tout sans rien préparer ; secrétariat, agent et superutilisateur préparent les séances.
"""

import pytest

from conseil.models import JetonCalendrier, RoleMandat, StatutProgramme
from conseil.services import programme_adopter
from tests.conftest import PERSONAS, client_connecte, personas
from tests.conseil.factories import (
    ConseilFactory,
    GroupeFactory,
    InstanceFactory,
    LivrableFactory,
    MandatFactory,
    ObjectifFactory,
    ProgrammeFactory,
    ReunionFactory,
    seance_convoquee,
)
from tests.outils import donnees_du_module

A, P, M, C, S, G, SU = (
    PERSONAS  # anonyme, professionnel, membre, co-président, secrétariat, agent, superutilisateur
)
TOUS = dict.fromkeys(PERSONAS, 200)
PUBLIC_ABSENT = dict.fromkeys(PERSONAS, 404)
# L'espace du Conseil : qui siège quelque part, les co-présidents et le personnel.
ESPACE = {A: 302, P: 403, M: 200, C: 200, S: 200, G: 200, SU: 200}
# Une séance (ou une instance) que le membre voit parce qu'il y siège ; pour le professionnel,
# elle n'existe pas.
VISIBLE = {A: 302, P: 404, M: 200, C: 200, S: 200, G: 200, SU: 200}
# Le travail du secrétariat sur une séance visible : le membre et le co-président la voient
# mais ne la préparent pas.
GESTION = {A: 302, P: 404, M: 403, C: 403, S: 200, G: 200, SU: 200}
# Une séance seulement planifiée n'existe pas encore pour les membres.
GESTION_PLANIFIEE = GESTION | {M: 404}
CREER = {A: 302, P: 403, M: 403, C: 403, S: 200, G: 200, SU: 200}
# Une action (POST seulement) demandée en GET.
POST_SEULEMENT = {A: 302} | dict.fromkeys(PERSONAS[1:], 405)
ADMIN = {A: 302, P: 302, M: 302, C: 302, S: 200, G: 200, SU: 200}
# Les séances se planifient sur le portail, pas dans l'administration.
ADMIN_SANS_AJOUT = ADMIN | {S: 403, G: 403, SU: 403}
# Les jetons des calendriers sont des secrets : absents de l'administration.
ADMIN_ABSENT = ADMIN | {S: 404, G: 404, SU: 404}

MATRICE = [
    # L'espace des membres.
    ("get", "/conseil/", ESPACE),
    ("head", "/conseil/", ESPACE),
    ("post", "/conseil/", {A: 302} | dict.fromkeys(PERSONAS[1:], 405)),
    ("get", "/conseil/instances/{conseil}/", VISIBLE),
    ("get", "/conseil/instances/{autre_instance}/", VISIBLE | {M: 404}),
    ("get", "/conseil/instances/987654/", {A: 302} | dict.fromkeys(PERSONAS[1:], 404)),
    ("get", "/conseil/seances/{convoquee}/", VISIBLE),
    ("get", "/conseil/seances/{planifiee}/", GESTION_PLANIFIEE | {C: 200}),
    ("get", "/conseil/seances/987654/", {A: 302} | dict.fromkeys(PERSONAS[1:], 404)),
    ("get", "/conseil/seances/{convoquee}/reponse/", POST_SEULEMENT),
    ("get", "/conseil/seances/{convoquee}/procuration/", POST_SEULEMENT),
    ("get", "/conseil/seances/{convoquee}/procuration/retirer/", POST_SEULEMENT),
    # Répondre : le professionnel ne voit pas la séance ; qui n'est pas convoqué est renvoyé
    # vers la séance avec un message (302) ; le membre convoqué qui n'a rien choisi retrouve
    # la séance avec l'erreur sous le formulaire (200).
    (
        "post",
        "/conseil/seances/{convoquee}/reponse/",
        {A: 302, P: 404, M: 200} | dict.fromkeys(PERSONAS[3:], 302),
    ),
    # Le secrétariat : planifier, préparer, convoquer, relever les présences, le procès-verbal.
    ("get", "/conseil/seances/nouvelle/", CREER),
    ("post", "/conseil/seances/nouvelle/", CREER),
    ("get", "/conseil/seances/{convoquee}/modifier/", GESTION),
    ("post", "/conseil/seances/{convoquee}/modifier/", GESTION),
    ("get", "/conseil/seances/{planifiee}/modifier/", GESTION_PLANIFIEE),
    ("post", "/conseil/seances/{convoquee}/points/", GESTION | {S: 200, G: 200, SU: 200}),
    ("get", "/conseil/points/{point}/modifier/", GESTION),
    ("get", "/conseil/points/{point}/supprimer/", POST_SEULEMENT | {P: 405}),
    ("post", "/conseil/points/{point}/supprimer/", GESTION | {S: 302, G: 302, SU: 302}),
    ("post", "/conseil/points/{point}/deplacer/", GESTION | {S: 400, G: 400, SU: 400}),
    ("post", "/conseil/points/{point}/documents/", GESTION),
    ("get", "/conseil/seances/{planifiee}/convoquer/", GESTION_PLANIFIEE),
    ("post", "/conseil/seances/{planifiee}/convoquer/", GESTION_PLANIFIEE),
    ("post", "/conseil/seances/{convoquee}/statut/", GESTION | {S: 302, G: 302, SU: 302}),
    ("get", "/conseil/seances/{convoquee}/presences/", GESTION),
    # Un relevé vide ne change rien et revient à la séance.
    ("post", "/conseil/seances/{convoquee}/presences/", GESTION | {S: 302, G: 302, SU: 302}),
    ("get", "/conseil/seances/{convoquee}/quorum/", VISIBLE),
    ("get", "/conseil/seances/{convoquee}/proces-verbal/", VISIBLE),
    # La séance convoquée n'a pas encore de procès-verbal : rien à modifier, adopter, archiver.
    ("post", "/conseil/seances/{convoquee}/proces-verbal/", GESTION | {S: 404, G: 404, SU: 404}),
    ("post", "/conseil/seances/{convoquee}/proces-verbal/adopter/", GESTION | {S: 404, G: 404, SU: 404}),
    ("post", "/conseil/seances/{convoquee}/proces-verbal/archiver/", GESTION | {S: 404, G: 404, SU: 404}),
    # Groupes de travail : l'espace du Conseil ; l'avancement, les co-pilotes et le personnel.
    ("get", "/conseil/groupes/", ESPACE),
    ("get", "/conseil/groupes/{groupe}/", ESPACE),
    ("get", "/conseil/groupes/987654/", ESPACE | {M: 404, C: 404, S: 404, G: 404, SU: 404}),
    # Un envoi sans valeur revient avec l'erreur sous le champ (200).
    (
        "post",
        "/conseil/livrables/{livrable}/avancement/",
        {A: 302, P: 403, M: 403, C: 403, S: 200, G: 200, SU: 200},
    ),
    # Les programmes adoptés sont publics ; les projets, pour le personnel et les co-présidents.
    ("get", "/programmes/", TOUS),
    ("get", "/programmes/{adopte}/", TOUS),
    ("get", "/programmes/{projet}/", PUBLIC_ABSENT | {C: 200, S: 200, G: 200, SU: 200}),
    ("post", "/programmes/{projet}/adopter/", {A: 302, P: 403, M: 403, C: 403, S: 200, G: 200, SU: 200}),
    # Les calendriers : public, abonnement, flux privé (le jeton tient lieu de connexion).
    ("get", "/calendrier/", TOUS),
    ("get", "/calendrier/seances.ics", TOUS),
    ("post", "/calendrier/", dict.fromkeys(PERSONAS, 405)),
    ("get", "/conseil/calendrier/", ESPACE),
    ("post", "/conseil/calendrier/", ESPACE | {M: 302, C: 302, S: 302, G: 302, SU: 302}),
    ("get", "/conseil/calendrier/{jeton}.ics", TOUS),
    ("get", "/conseil/calendrier/jeton-inconnu.ics", PUBLIC_ABSENT),
    ("post", "/conseil/calendrier/{jeton}.ics", dict.fromkeys(PERSONAS, 405)),
    # L'administration.
    ("get", "/admin/conseil/", ADMIN),
    ("get", "/admin/conseil/instance/", ADMIN),
    ("get", "/admin/conseil/instance/{conseil}/change/", ADMIN),
    ("get", "/admin/conseil/instance/add/", ADMIN),
    ("get", "/admin/conseil/mandat/", ADMIN),
    ("get", "/admin/conseil/mandat/add/", ADMIN),
    ("get", "/admin/conseil/reunion/", ADMIN),
    ("get", "/admin/conseil/reunion/{convoquee}/change/", ADMIN),
    ("get", "/admin/conseil/reunion/add/", ADMIN_SANS_AJOUT),
    ("get", "/admin/conseil/groupedetravail/", ADMIN),
    ("get", "/admin/conseil/groupedetravail/{groupe}/change/", ADMIN),
    ("get", "/admin/conseil/programmedetravail/", ADMIN),
    ("get", "/admin/conseil/procesverbal/", ADMIN),
    ("get", "/admin/conseil/jetoncalendrier/", ADMIN_ABSENT),
]


@donnees_du_module
def monde() -> tuple[dict, dict]:
    """Les comptes, séances, groupes et programmes de la matrice, écrits une fois pour le module."""
    comptes = personas()
    secretariat, membre = comptes[S], comptes[M]
    conseil = ConseilFactory()
    MandatFactory(instance=conseil, personne=membre, role=RoleMandat.TITULAIRE)
    MandatFactory(instance=conseil)
    convoquee = seance_convoquee(instance=conseil, acteur=secretariat)
    planifiee = ReunionFactory(instance=conseil)
    groupe = GroupeFactory()
    livrable = LivrableFactory(groupe=groupe)
    adopte = ProgrammeFactory(annee=2025)
    ObjectifFactory(programme=adopte, groupe=groupe)
    programme_adopter(programme=adopte, adopte_en=convoquee, acteur=secretariat)
    assert adopte.statut == StatutProgramme.ADOPTE
    projet = ProgrammeFactory(annee=2026)
    cles = {
        "conseil": conseil.pk,
        "autre_instance": InstanceFactory().pk,
        "convoquee": convoquee.pk,
        "planifiee": planifiee.pk,
        "point": convoquee.points.get().pk,
        "groupe": groupe.pk,
        "livrable": livrable.pk,
        "adopte": adopte.annee,
        "projet": projet.annee,
        "jeton": JetonCalendrier.objects.create(utilisateur=membre).jeton,
    }
    return comptes, cles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("methode", "modele", "attendus"), MATRICE, ids=[f"{m} {u}" for m, u, _ in MATRICE])
def test_matrice_des_droits_du_conseil(monde, persona, methode, modele, attendus):
    comptes, cles = monde
    reponse = getattr(client_connecte(comptes.get(persona)), methode)(modele.format(**cles))
    assert reponse.status_code == attendus[persona]
    if reponse.status_code == 302 and persona == A:
        # Vers la connexion du portail, ou celle de l'administration.
        assert reponse["Location"].startswith(("/comptes/login/", "/admin/login/"))
