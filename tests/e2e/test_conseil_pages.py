"""Les pages des calendriers, des groupes de travail, des programmes et de l'administration du
Conseil passent axe-core sans aucune violation (RGAA), avec des données sur chaque page."""

import datetime as dt

import pytest
from django.utils import timezone

from comptes.roles import Role
from conseil.models import ProgrammeDeTravail, RoleMandat, StatutProgramme, StatutReunion
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import (
    ConseilFactory,
    GroupeFactory,
    InstanceFactory,
    LivrableFactory,
    MandatFactory,
    ObjectifFactory,
    PointFactory,
    ProgrammeFactory,
    ReunionFactory,
)
from tests.e2e.conftest import connecter

pytestmark = pytest.mark.django_db(transaction=True)

ANNEE = timezone.localdate().year


def _donnees() -> dict[str, object]:
    """Un Conseil avec ses séances, un groupe de travail co-piloté, un programme adopté (l'an
    dernier) et un projet de programme (cette année)."""
    agent = UtilisateurFactory(
        email="agent@exemple.fr", prenom="Claire", roles=(Role.AGENT,), is_staff=True, totp=True
    )
    conseil = ConseilFactory()
    membre = UtilisateurFactory(prenom="Anne", nom="Titulaire")
    MandatFactory(instance=conseil, personne=membre, siege=1)
    prochaine = ReunionFactory(
        instance=conseil, titre="Séance plénière d'automne", statut=StatutReunion.CONVOQUEE
    )
    PointFactory(reunion=prochaine, ordre=1, titre="Adoption du programme de travail")
    ReunionFactory(
        instance=conseil,
        titre="Séance extraordinaire",
        statut=StatutReunion.ANNULEE,
        debut=timezone.now() + dt.timedelta(days=50),
    )
    passee = ReunionFactory(
        instance=conseil,
        titre="Séance plénière de printemps",
        statut=StatutReunion.CLOSE,
        quorum_atteint=True,
        quorum_compte_procurations=True,
        debut=timezone.now() - dt.timedelta(days=80),
    )

    copilote = UtilisateurFactory(prenom="Hélène", nom="Copilote")
    groupe = GroupeFactory(
        instance=InstanceFactory(nom="Attractivité du territoire"),
        copilote_professionnel=copilote,
        copilote_agglomeration=agent,
    )
    MandatFactory(instance=groupe.instance, personne=copilote, role=RoleMandat.ANIMATEUR)
    MandatFactory(instance=groupe.instance, personne=membre)
    ReunionFactory(instance=groupe.instance, titre="Réunion du groupe", statut=StatutReunion.CONVOQUEE)

    adopte = ProgrammeFactory(annee=ANNEE - 1, titre="Programme de travail de l'an dernier")
    objectif = ObjectifFactory(programme=adopte, groupe=groupe, intitule="Accueillir les internes")
    ProgrammeDeTravail.objects.filter(pk=adopte.pk).update(
        statut=StatutProgramme.ADOPTE, adopte_en=passee, adopte_le=timezone.now() - dt.timedelta(days=80)
    )
    LivrableFactory(
        groupe=groupe,
        objectif=objectif,
        titre="Guide d'accueil",
        avancement=100,
        livre_le=timezone.localdate(),
    )
    LivrableFactory(
        groupe=groupe,
        titre="Annuaire des logements",
        avancement=40,
        echeance=timezone.localdate() - dt.timedelta(days=3),
    )
    projet = ProgrammeFactory(annee=ANNEE, titre="Projet de programme")
    ObjectifFactory(programme=projet, groupe=groupe, intitule="Ouvrir une maison des internes")
    return {
        "agent": agent,
        "membre": membre,
        "copilote": copilote,
        "conseil": conseil.pk,
        "mandat": conseil.mandats.get().pk,
        "reunion": prochaine.pk,
        "point": prochaine.points.get().pk,
        "planifiee": ReunionFactory(instance=conseil, titre="Séance d'été").pk,
        "groupe": groupe.pk,
        "programme": adopte.pk,
        "projet": projet.pk,
    }


PAGES = [
    ("anonyme", "/calendrier/"),
    ("anonyme", "/programmes/"),
    ("anonyme", f"/programmes/{ANNEE - 1}/"),
    ("copilote", "/conseil/groupes/"),
    ("copilote", "/conseil/groupes/{groupe}/"),
    ("membre", "/conseil/calendrier/"),
    ("agent", "/programmes/"),
    ("agent", f"/programmes/{ANNEE}/"),
    # Pages du secrétariat que le parcours (test_conseil_secretariat) ne visite pas.
    ("agent", "/conseil/seances/{reunion}/modifier/"),
    ("agent", "/conseil/points/{point}/modifier/"),
    ("agent", "/conseil/seances/{planifiee}/convoquer/"),
    ("agent", "/conseil/seances/{reunion}/presences/"),
    ("agent", "/conseil/instances/{conseil}/"),
    ("agent", "/admin/conseil/"),
    ("agent", "/admin/conseil/instance/"),
    ("agent", "/admin/conseil/instance/{conseil}/change/"),
    ("agent", "/admin/conseil/mandat/"),
    ("agent", "/admin/conseil/mandat/add/"),
    ("agent", "/admin/conseil/reunion/"),
    ("agent", "/admin/conseil/reunion/{reunion}/change/"),
    ("agent", "/admin/conseil/groupedetravail/{groupe}/change/"),
    ("agent", "/admin/conseil/programmedetravail/{programme}/change/"),
    ("agent", "/admin/conseil/programmedetravail/{projet}/change/"),
]


@pytest.mark.parametrize(("persona", "modele"), PAGES, ids=[f"{p} {u}" for p, u in PAGES])
def test_page_du_conseil_sans_violation(onglet, persona, modele):
    donnees = _donnees()
    if persona != "anonyme":
        connecter(onglet, donnees[persona])
    onglet.aller(modele.format(**donnees))
    onglet.verifier_accessibilite()


def test_un_formulaire_d_avancement_en_erreur_reste_accessible(onglet):
    donnees = _donnees()
    connecter(onglet, donnees["copilote"])
    page = onglet.aller(f"/conseil/groupes/{donnees['groupe']}/")
    champ = page.get_by_label("Avancement de « Annuaire des logements » (%)")
    champ.fill("150")
    champ.press("Enter")
    page.wait_for_url("**/avancement/")
    assert page.get_by_text("L'avancement est un pourcentage, de 0 à 100.").is_visible()
    onglet.verifier_accessibilite()
    champ = page.get_by_label("Avancement de « Annuaire des logements » (%)")
    champ.fill("75")
    champ.press("Enter")
    page.wait_for_url(f"**/conseil/groupes/{donnees['groupe']}/**")
    assert page.get_by_text("L'avancement de « Annuaire des logements » est enregistré : 75 %.").is_visible()
    onglet.verifier_accessibilite()
