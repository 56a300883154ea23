"""Nombre de requêtes SQL des pages du Conseil, épinglé, et qui ne grandit pas avec les lignes.

Déjà vérifié ailleurs, et pas répété ici : l'espace d'un membre et la page de son instance
quand les séances se multiplient, la page d'une séance quand l'ordre du jour et ses documents
s'allongent (test_membres.py) ; la liste et la page d'un groupe de travail, la liste et la
page d'un programme (test_groupes_programmes.py) ; le calendrier public, son flux et le flux
privé (test_calendrier.py). Les listes des mandats, séances, participations et procurations
de l'administration le sont aussi dans test_admin.py, avec d'autres lignes.
"""

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

from conseil import services
from conseil.models import (
    CategorieCollege,
    JetonCalendrier,
    Presence,
    Procuration,
    Reponse,
    RoleMandat,
    StatutProgramme,
    StatutReunion,
)
from socle.services import document_deposer
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import (
    CollegeFactory,
    ConseilFactory,
    GroupeFactory,
    InstanceFactory,
    LivrableFactory,
    MandatFactory,
    ObjectifFactory,
    ParticipationFactory,
    PointFactory,
    ProgrammeFactory,
    ReunionFactory,
    seance_convoquee,
    seance_tenue,
)
from tests.outils import compter_requetes
from tests.socle import fichiers
from tests.territoire.factories import StructureFactory

pytestmark = pytest.mark.django_db

_numeros = itertools.count(1)
ANNEE = timezone.localdate().year
DEPUIS_TOUJOURS = dt.date(2000, 1, 1)


def _a_18h(jours: int) -> dt.datetime:
    return (timezone.localtime() + dt.timedelta(days=jours)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )


class Conseil:
    """Un Conseil qu'on peut faire grandir. Le membre (persona « membre_college ») siège au
    Conseil et dans un groupe de travail ; trois séances du Conseil : planifiée, convoquée
    (dans un mois) et tenue (il y a deux heures, avec son projet de procès-verbal) ; le
    programme de l'année (projet) et celui de l'an dernier (adopté)."""

    def __init__(self, secretariat: Any, membre: Any) -> None:
        self.secretariat = secretariat
        self.membre = membre
        self.conseil = ConseilFactory()
        self.college = CollegeFactory()
        self.groupe = GroupeFactory(
            instance=InstanceFactory(nom="Groupe attractivité"),
            copilote_agglomeration=UtilisateurFactory(),
            copilote_professionnel=UtilisateurFactory(),
        )
        self.mandat = MandatFactory(instance=self.conseil, personne=membre, siege=1, debut=DEPUIS_TOUJOURS)
        MandatFactory(instance=self.groupe.instance, personne=membre, debut=DEPUIS_TOUJOURS)
        self.planifiee = ReunionFactory(
            instance=self.conseil, titre="Séance en préparation", debut=_a_18h(60)
        )
        self.point = PointFactory(reunion=self.planifiee)
        self.convoquee = seance_convoquee(instance=self.conseil, acteur=secretariat, titre="Séance d'automne")
        self.tenue = seance_tenue(instance=self.conseil, acteur=secretariat)
        self.pv = services.proces_verbal_rediger(reunion=self.tenue, acteur=secretariat)
        self.programme = ProgrammeFactory(annee=ANNEE)
        self.adopte = ProgrammeFactory(
            annee=ANNEE - 1, statut=StatutProgramme.ADOPTE, adopte_en=self.tenue, adopte_le=timezone.now()
        )
        self.jeton = JetonCalendrier.objects.create(utilisateur=membre).jeton
        self.ajouter(1)

    def _document(self, point: Any) -> None:
        document_deposer(
            fichier=fichiers.fichier("annexe.pdf", fichiers.pdf(), "application/pdf"),
            acteur=self.secretariat,
            objet=point,
        )

    def ajouter(self, nombre: int) -> None:
        """`nombre` fois : deux membres du Conseil et du Collège (A, qui représente une
        structure, et B), convoqués aux séances convoquée et tenue, A représenté (par B, puis
        par le membre) ; un point avec deux documents à chacune des trois séances, un document
        de plus au premier point ; une séance à venir et une séance passée (avec son projet de
        procès-verbal) ; un groupe de travail où siègent le membre et A, ses réunions, ses
        livrables, un objectif dans chaque programme ; un livrable de plus au premier groupe ;
        un programme d'une année ancienne."""
        for _ in range(nombre):
            n = next(_numeros)
            a, b = UtilisateurFactory(nom=f"A{n}"), UtilisateurFactory(nom=f"B{n}")
            for personne, siege in ((a, 2 * n + 10), (b, 2 * n + 11)):
                mandat = MandatFactory(
                    instance=self.conseil,
                    personne=personne,
                    siege=siege,
                    debut=DEPUIS_TOUJOURS,
                    structure=StructureFactory() if personne is a else None,
                )
                MandatFactory(
                    instance=self.college,
                    personne=personne,
                    siege=siege,
                    categorie=CategorieCollege.values[n % len(CategorieCollege.values)],
                    debut=DEPUIS_TOUJOURS,
                )
                for reunion in (self.convoquee, self.tenue):
                    ParticipationFactory(
                        reunion=reunion,
                        personne=personne,
                        mandat=mandat,
                        reponse=Reponse.PRESENT if personne is b else Reponse.PROCURATION,
                        presence=Presence.PRESENT if personne is b else Presence.REPRESENTE,
                    )
            Procuration.objects.create(reunion=self.convoquee, mandant=a, mandataire=b)
            Procuration.objects.create(reunion=self.tenue, mandant=a, mandataire=self.membre)
            for seance in (self.planifiee, self.convoquee, self.tenue):
                point = PointFactory(reunion=seance)
                self._document(point)
                self._document(point)
            self._document(self.point)
            ReunionFactory(instance=self.conseil, statut=StatutReunion.CONVOQUEE, debut=_a_18h(40 + n))
            passee = ReunionFactory(instance=self.conseil, statut=StatutReunion.TENUE, debut=_a_18h(-30 - n))
            PointFactory(reunion=passee)
            services.proces_verbal_rediger(reunion=passee, acteur=self.secretariat)
            groupe = GroupeFactory(
                copilote_agglomeration=UtilisateurFactory(), copilote_professionnel=UtilisateurFactory()
            )
            MandatFactory(instance=groupe.instance, personne=self.membre, debut=DEPUIS_TOUJOURS)
            MandatFactory(instance=groupe.instance, personne=a, role=RoleMandat.ANIMATEUR)
            ReunionFactory(instance=groupe.instance, statut=StatutReunion.CONVOQUEE, debut=_a_18h(10 + n))
            objectif = ObjectifFactory(programme=self.programme, groupe=groupe)
            ObjectifFactory(programme=self.adopte, groupe=groupe)
            LivrableFactory(groupe=groupe, objectif=objectif)
            LivrableFactory(groupe=groupe, echeance=timezone.localdate() - dt.timedelta(days=1))
            LivrableFactory(groupe=self.groupe, objectif=objectif)
            ProgrammeFactory(annee=ANNEE - 10 - n)


@pytest.fixture
def monde(secretariat, membre_college):
    return Conseil(secretariat, membre_college)


def _url(modele: str, c: Conseil) -> str:
    return modele.format(
        conseil=c.conseil.pk,
        college=c.college.pk,
        instance_du_groupe=c.groupe.instance_id,
        planifiee=c.planifiee.pk,
        convoquee=c.convoquee.pk,
        tenue=c.tenue.pk,
        point=c.point.pk,
        groupe=c.groupe.pk,
        annee=ANNEE,
        annee_adoptee=ANNEE - 1,
        jeton=c.jeton,
        mandat=c.mandat.pk,
        participation=c.convoquee.participations.get(personne=c.membre).pk,
        procuration=c.tenue.procurations.order_by("pk").first().pk,
        pv=c.pv.pk,
        programme=c.programme.pk,
        programme_adopte=c.adopte.pk,
    )


# (persona, url) → requêtes, sur le Conseil à sa taille de départ.
#
# Connecté, en tête de chaque page : la session et l'utilisateur, puis, pour le menu et les
# droits, ses droits (les siens, puis ceux de ses groupes), et le compteur de notifications
# non lues en pied de page. Le membre lit en plus ses rôles (groupes, puis mandats en cours) :
# 7 en tout ; le secrétariat, membre du personnel, vérifie sa double authentification au
# lieu de lire ses rôles : 6 en tout. Un anonyme : aucune.
PAGES = [
    # Espace Conseil. Le membre : les séances à venir et celles de l'année écoulée (avec leur
    # procès-verbal), ses mandats, puis pour chacune des deux listes sa convocation et la
    # procuration qu'il a donnée (7). Le secrétariat lit en plus toutes les instances, avec
    # leur nombre de membres (8).
    ("membre_college", "/conseil/", 14),
    ("secretariat", "/conseil/", 14),
    # Une instance : elle (pour le membre, à condition qu'il y siège), ses mandats en cours
    # (personne, structure), le total des séances visibles et leur page (4) ; pas de page
    # quand le total est nul (le Collège et le groupe, sans séance) ; un groupe de travail
    # lit en plus sa fiche de groupe.
    ("membre_college", "/conseil/instances/{conseil}/", 11),
    ("secretariat", "/conseil/instances/{conseil}/", 10),
    ("secretariat", "/conseil/instances/{college}/", 9),
    ("secretariat", "/conseil/instances/{instance_du_groupe}/", 10),
    # Une séance : elle (avec son instance), ses points, le type de contenu des points et
    # leurs documents, la convocation de qui la lit et le procès-verbal (6). Le membre
    # convoqué lit la procuration qu'il a donnée et celles qu'il détient (2) ; tant que la
    # séance est convoquée, les membres à qui il peut donner la sienne : mandats en cours,
    # procurations déjà données, procurations déjà détenues par chacun (3). Le secrétariat
    # suit le quorum d'une séance convoquée ou tenue : mandats en cours, présents,
    # procurations (3). Les points montrent leurs scrutins et leurs discussions du Collège
    # (conseil.extensions : 2, pour tous les points).
    ("membre_college", "/conseil/seances/{convoquee}/", 20),
    ("membre_college", "/conseil/seances/{tenue}/", 17),
    ("secretariat", "/conseil/seances/{planifiee}/", 14),
    ("secretariat", "/conseil/seances/{convoquee}/", 17),
    ("secretariat", "/conseil/seances/{tenue}/", 17),
    # Planifier : la liste des instances actives. Modifier une séance, y ajouter un point :
    # la séance.
    ("secretariat", "/conseil/seances/nouvelle/", 7),
    ("secretariat", "/conseil/seances/{planifiee}/modifier/", 7),
    ("secretariat", "/conseil/seances/{planifiee}/points/", 7),
    # Un point : lui (avec sa séance et son instance), puis les points de la séance, leur
    # type de contenu et leurs documents, dont on garde les siens.
    ("secretariat", "/conseil/points/{point}/modifier/", 10),
    # La convocation : la séance, les membres à convoquer (mandats en cours, personne), les
    # points, leur type de contenu et leurs documents.
    ("secretariat", "/conseil/seances/{planifiee}/convoquer/", 11),
    # Le registre des présences : la séance, les participations (personne, mandat), les
    # procurations (mandant, mandataire), puis le quorum (3).
    ("secretariat", "/conseil/seances/{convoquee}/presences/", 12),
    ("secretariat", "/conseil/seances/{tenue}/presences/", 12),
    # Le bloc du quorum, seul : la séance et le quorum (3), sans pied de page donc sans
    # compteur de notifications.
    ("secretariat", "/conseil/seances/{convoquee}/quorum/", 9),
    # Le procès-verbal : la séance, lui (séance qui l'adopte, PDF), son rédacteur. Le
    # secrétariat, qui peut enregistrer son adoption, lit aussi la séance du procès-verbal
    # (pv.reunion, relue) et les séances suivantes qui peuvent l'adopter.
    ("secretariat", "/conseil/seances/{tenue}/proces-verbal/", 11),
    ("membre_college", "/conseil/seances/{tenue}/proces-verbal/", 10),
    # Les groupes : les groupes (instance, co-pilotes, nombre de membres) et leurs livrables
    # (préchargés), puis la prochaine réunion de chacun en une requête (DISTINCT ON). Un
    # groupe : lui, ses livrables préchargés, puis relus avec leur objectif et son programme,
    # ses réunions, ses membres.
    ("membre_college", "/conseil/groupes/", 10),
    ("membre_college", "/conseil/groupes/{groupe}/", 12),
    # Les programmes : leur liste, avec leur nombre d'objectifs. Un programme : lui (avec la
    # séance qui l'a adopté), ses objectifs (groupe, instance), les livrables rattachés aux
    # objectifs, ceux des groupes à échéance dans l'année ; le projet ouvert au secrétariat
    # lit en plus les séances plénières qui peuvent l'adopter.
    ("anonyme", "/programmes/", 1),
    ("secretariat", "/programmes/", 7),
    ("anonyme", "/programmes/{annee_adoptee}/", 4),
    ("secretariat", "/programmes/{annee}/", 11),
    # Les calendriers publics : les séances (instance), leurs points préchargés.
    ("anonyme", "/calendrier/", 2),
    ("anonyme", "/calendrier/seances.ics", 2),
    # L'abonnement : le jeton du membre. Le flux privé, sans session : le jeton et son
    # utilisateur, ses droits (2) et ses rôles (2) pour savoir ce qu'il voit, ses séances,
    # leurs points.
    ("membre_college", "/conseil/calendrier/", 8),
    ("anonyme", "/conseil/calendrier/{jeton}.ics", 7),
]


@pytest.mark.parametrize(("persona", "modele", "attendu"), PAGES, ids=[f"{p} {u}" for p, u, _ in PAGES])
def test_requetes_par_page(client_de, monde, persona, modele, attendu):
    assert compter_requetes(client_de(persona), _url(modele, monde)) == attendu


# Les pages qui listent des lignes, sauf celles déjà vérifiées ailleurs (voir en tête) :
# l'espace et les instances vus du secrétariat (toutes les instances et séances), le Collège
# (membres par catégorie) ; la séance avec ses participations et procurations (quorum,
# procurations détenues, mandataires possibles) ; le point, la convocation, le registre des
# présences, le quorum, le procès-verbal (séances qui peuvent l'adopter) ; la planification
# (instances) ; les programmes vus du secrétariat (projets, séances qui peuvent adopter).
QUI_GRANDISSENT = [
    ("secretariat", "/conseil/"),
    ("membre_college", "/conseil/"),
    ("secretariat", "/conseil/instances/{conseil}/"),
    ("secretariat", "/conseil/instances/{college}/"),
    ("secretariat", "/conseil/instances/{instance_du_groupe}/"),
    ("membre_college", "/conseil/seances/{convoquee}/"),
    ("membre_college", "/conseil/seances/{tenue}/"),
    ("secretariat", "/conseil/seances/{planifiee}/"),
    ("secretariat", "/conseil/seances/{convoquee}/"),
    ("secretariat", "/conseil/seances/{tenue}/"),
    ("secretariat", "/conseil/seances/nouvelle/"),
    ("secretariat", "/conseil/points/{point}/modifier/"),
    ("secretariat", "/conseil/seances/{planifiee}/convoquer/"),
    ("secretariat", "/conseil/seances/{convoquee}/presences/"),
    ("secretariat", "/conseil/seances/{tenue}/presences/"),
    ("secretariat", "/conseil/seances/{convoquee}/quorum/"),
    ("secretariat", "/conseil/seances/{tenue}/proces-verbal/"),
    ("membre_college", "/conseil/seances/{tenue}/proces-verbal/"),
    ("secretariat", "/programmes/"),
    ("secretariat", "/programmes/{annee}/"),
]


def _compter(client_de, monde: Conseil, pages: list[tuple[str, str]]) -> dict[str, int]:
    clients = {persona: client_de(persona) for persona in {p for p, _ in pages}}
    return {
        f"{persona} {modele}": compter_requetes(clients[persona], _url(modele, monde))
        for persona, modele in pages
    }


def test_les_pages_ne_grandissent_pas(client_de, monde):
    avant = _compter(client_de, monde, QUI_GRANDISSENT)
    monde.ajouter(5)
    assert _compter(client_de, monde, QUI_GRANDISSENT) == avant


# --- Administration -------------------------------------------------------------------------

# L'agent : session, utilisateur, double authentification, droits (les siens, ceux de ses
# groupes) = 5 ; l'administration n'affiche pas le compteur de notifications.
# Liste : le total filtré et le total (2), la page (avec ses clés étrangères affichées, par
# list_select_related) ; les listes filtrées par instance lisent aussi les instances du filtre.
# Page d'un objet : lui, le type de contenu du modèle (historique), les objets liés qu'elle
# affiche (titre, champs en lecture seule, loupes des raw_id_fields) et la liste des choix de
# chaque liste déroulante. Les sous-formulaires ne coûtent qu'une requête (et une liste
# déroulante une seule, pour toutes les lignes).
ADMIN = [
    ("/admin/conseil/instance/", 8),
    # Elle et ses mandats (personne, instance, structure : titre et loupes de chaque ligne).
    ("/admin/conseil/instance/{conseil}/change/", 8),
    ("/admin/conseil/mandat/", 9),
    # Le mandat, sa personne et son instance (titre), les instances (choix), la loupe de la
    # personne.
    ("/admin/conseil/mandat/{mandat}/change/", 11),
    ("/admin/conseil/reunion/", 9),
    # La séance, ses points (et leur type de contenu), son instance (en lecture seule).
    ("/admin/conseil/reunion/{convoquee}/change/", 10),
    ("/admin/conseil/participation/", 9),
    # La participation, sa personne et sa séance (titre), son mandat (en lecture seule : sa
    # personne, son instance).
    ("/admin/conseil/participation/{participation}/change/", 12),
    ("/admin/conseil/procuration/", 9),
    # La procuration, son mandant, son mandataire, sa séance.
    ("/admin/conseil/procuration/{procuration}/change/", 10),
    ("/admin/conseil/procesverbal/", 9),
    # Le procès-verbal, sa séance, son rédacteur.
    ("/admin/conseil/procesverbal/{pv}/change/", 9),
    ("/admin/conseil/groupedetravail/", 8),
    # Le groupe, son instance (titre), les instances de groupe (choix), les loupes des deux
    # co-pilotes ; ses livrables et les objectifs (choix, une fois).
    ("/admin/conseil/groupedetravail/{groupe}/change/", 13),
    ("/admin/conseil/programmedetravail/", 8),
    # Le programme (avec la séance qui l'a adopté) et ses objectifs (groupe, instance) ; tant
    # qu'il est un projet, les groupes (choix, une fois) ; adopté, ses objectifs sont en
    # lecture seule.
    ("/admin/conseil/programmedetravail/{programme}/change/", 9),
    ("/admin/conseil/programmedetravail/{programme_adopte}/change/", 8),
]


@pytest.mark.parametrize(("modele", "attendu"), ADMIN, ids=[u for u, _ in ADMIN])
def test_requetes_de_l_administration(client_de, monde, modele, attendu):
    assert compter_requetes(client_de("agent"), _url(modele, monde)) == attendu


def test_l_administration_ne_grandit_pas(client_de, monde):
    """Plus d'instances, de mandats (avec leur structure), de séances et de points, de
    participations et de procurations, de procès-verbaux, de groupes et de livrables, de
    programmes et d'objectifs : ni les listes ni les pages des objets ne grandissent."""
    pages = [("agent", modele) for modele, _ in ADMIN]
    avant = _compter(client_de, monde, pages)
    monde.ajouter(5)
    assert _compter(client_de, monde, pages) == avant
