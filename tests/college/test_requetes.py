"""Nombre de requêtes SQL des pages des scrutins du Collège, épinglé, et qui ne grandit pas avec
les lignes.

Déjà vérifié ailleurs, et pas répété ici : la liste des discussions, la page d'une discussion
et l'historique d'un commentaire (test_discussions.py).
"""

import itertools
from typing import Any

import pytest

from college import services
from college.models import Scrutin, StatutScrutin, TypeScrutin
from college.workflows import SCRUTIN
from comptes.models import Utilisateur
from conseil.models import Instance
from socle.workflows import transition
from tests.college.factories import CommentaireFactory, DiscussionFactory, ScrutinFactory, TexteFactory
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory, MandatFactory, seance_convoquee
from tests.outils import compter_requetes

pytestmark = pytest.mark.django_db

_numeros = itertools.count(1)


class College:
    """Un Collège qu'on peut faire grandir. Le membre (persona « membre_college ») y est
    titulaire ; le secrétariat prépare, ouvre et clôt. Un texte, une séance convoquée du
    Collège ; à chaque `ajouter`, une nouvelle série de scrutins, ouverts sur tout le corps
    électoral du moment, que les pages lisent désormais :

    - `preparation` : une élection de la séance, en préparation, avec ses candidats et des
      procurations déjà données ;
    - `preparation_texte` : une délibération sur le texte, en préparation ;
    - `ouvert` : une délibération secrète sur le texte, ouverte ; des membres écartés pour
      intérêt déclaré, des bulletins, des procurations exercées ; le membre n'a pas voté ;
    - `ouvert_mandataire` : une élection ouverte où le membre détient les procurations de C
      et de D : il a voté pour D, il lui reste à voter pour C (et pour lui) ;
    - `clos` : une élection nominative à deux sièges, close, où le membre a voté (`recu`) et
      où des mandataires ont voté pour leurs mandants ;
    - un scrutin annulé.
    """

    def __init__(self, secretariat: Utilisateur, membre: Utilisateur) -> None:
        self.secretariat = secretariat
        self.membre = membre
        self.college = CollegeFactory()
        Instance.objects.filter(pk=self.college.pk).update(procurations_max_par_membre=99)
        self.college.refresh_from_db()
        MandatFactory(instance=self.college, personne=membre)
        self.texte = TexteFactory(instance=self.college, titre="Charte du Collège", cree_par=secretariat)
        self.seance = seance_convoquee(instance=self.college, acteur=secretariat, titre="Séance du Collège")
        # Par groupe de quatre : A se porte candidat et vote, B vote (et pour C, qui lui donne
        # procuration), D a déclaré un intérêt dans le texte ; dans `ouvert_mandataire`, C et D
        # donnent procuration au membre.
        self.groupes: list[tuple[Utilisateur, Utilisateur, Utilisateur, Utilisateur]] = []
        self.ajouter(1)

    def _membre(self, lettre: str, n: int) -> Utilisateur:
        personne = UtilisateurFactory(nom=f"{lettre}{n}")
        MandatFactory(instance=self.college, personne=personne)
        return personne

    def ajouter(self, nombre: int) -> None:
        """`nombre` fois : quatre membres du Collège (A, B, C, D ; D déclare un intérêt dans
        le texte), une discussion sur le texte, un autre texte, une séance du Collège avec un
        point, un scrutin en préparation et un scrutin annulé de plus ; puis une nouvelle
        série de scrutins (voir la classe)."""
        for _ in range(nombre):
            n = next(_numeros)
            groupe = (self._membre("A", n), self._membre("B", n), self._membre("C", n), self._membre("D", n))
            self.groupes.append(groupe)
            services.interet_declarer(
                personne=groupe[3], objet=self.texte, nature="Rédacteur", acteur=groupe[3]
            )
            discussion = DiscussionFactory(instance=self.college, objet=self.texte, cree_par=groupe[0])
            premier = CommentaireFactory(discussion=discussion, auteur=groupe[0])
            CommentaireFactory(discussion=discussion, auteur=groupe[1], parent=premier)
            TexteFactory(instance=self.college, cree_par=self.secretariat)
            seance_convoquee(instance=self.college, acteur=self.secretariat)
            ScrutinFactory(instance=self.college, objet=self.texte)
            self._annuler(ScrutinFactory(instance=self.college))
        self._scrutins()

    def _annuler(self, scrutin: Scrutin) -> None:
        transition(
            scrutin, vers=StatutScrutin.ANNULE, acteur=self.secretariat, motif="Erreur", workflow=SCRUTIN
        )

    def _candidats(self, scrutin: Scrutin) -> None:
        for a, *_ in self.groupes:
            services.candidature_declarer(
                scrutin=scrutin, personne=a, acteur=a, presentation="Je me présente."
            )

    def _procurations(self, scrutin: Scrutin, mandataire: Any = None) -> None:
        for _a, b, c, _d in self.groupes:
            services.procuration_vote_donner(scrutin=scrutin, mandant=c, mandataire=mandataire or b, acteur=c)

    def _scrutins(self) -> None:
        s = self.secretariat
        election = {"type_scrutin": TypeScrutin.ELECTION}

        self.preparation = ScrutinFactory(instance=self.college, reunion=self.seance, **election)
        self._candidats(self.preparation)
        self._procurations(self.preparation)
        self.preparation_texte = ScrutinFactory(instance=self.college, objet=self.texte)

        self.ouvert = ScrutinFactory(instance=self.college, objet=self.texte)
        self._procurations(self.ouvert)
        services.scrutin_ouvrir(scrutin=self.ouvert, acteur=s)
        for a, b, c, _d in self.groupes:
            services.bulletin_deposer(scrutin=self.ouvert, votant=a, choix="pour")
            services.bulletin_deposer(scrutin=self.ouvert, votant=b, choix="contre")
            services.bulletin_deposer(scrutin=self.ouvert, votant=b, choix="abstention", pour=c)

        self.ouvert_mandataire = ScrutinFactory(instance=self.college, **election)
        self._candidats(self.ouvert_mandataire)
        for _a, _b, c, d in self.groupes:
            for mandant in (c, d):
                services.procuration_vote_donner(
                    scrutin=self.ouvert_mandataire, mandant=mandant, mandataire=self.membre, acteur=mandant
                )
        services.scrutin_ouvrir(scrutin=self.ouvert_mandataire, acteur=s)
        candidat = self.ouvert_mandataire.candidatures.first()
        for a, b, _c, d in self.groupes:
            services.bulletin_deposer(scrutin=self.ouvert_mandataire, votant=a, candidats=[candidat.pk])
            services.bulletin_deposer(scrutin=self.ouvert_mandataire, votant=b)
            services.bulletin_deposer(
                scrutin=self.ouvert_mandataire, votant=self.membre, candidats=[candidat.pk], pour=d
            )

        self.clos = ScrutinFactory(instance=self.college, secret=False, sieges=2, **election)
        self._candidats(self.clos)
        self._procurations(self.clos)
        services.scrutin_ouvrir(scrutin=self.clos, acteur=s)
        candidats = list(self.clos.candidatures.values_list("pk", flat=True))
        self.recu = services.bulletin_deposer(scrutin=self.clos, votant=self.membre, candidats=candidats[:2])
        for a, b, c, d in self.groupes:
            services.bulletin_deposer(scrutin=self.clos, votant=a, candidats=candidats[:1])
            services.bulletin_deposer(scrutin=self.clos, votant=b)
            services.bulletin_deposer(scrutin=self.clos, votant=b, candidats=candidats[-1:], pour=c)
            services.bulletin_deposer(scrutin=self.clos, votant=d, candidats=candidats[:2])
        services.scrutin_clore(scrutin=self.clos, acteur=s, motif="Tous les électeurs ont voté.")

        self._annuler(ScrutinFactory(instance=self.college, objet=self.texte))


@pytest.fixture
def monde(secretariat, membre_college):
    return College(secretariat, membre_college)


def _url(modele: str, c: College) -> str:
    return modele.format(
        preparation=c.preparation.pk,
        preparation_texte=c.preparation_texte.pk,
        ouvert=c.ouvert.pk,
        ouvert_mandataire=c.ouvert_mandataire.pk,
        clos=c.clos.pk,
        texte=c.texte.pk,
        college=c.college.pk,
        seance=c.seance.pk,
    )


# (persona, url) → requêtes, sur le Collège à sa taille de départ.
#
# Connecté, en tête de chaque page : la session et l'utilisateur, puis, pour le menu et les
# droits, ses droits (les siens, puis ceux de ses groupes), et le compteur de notifications
# non lues en pied de page. Le membre lit en plus ses rôles (groupes, puis mandats en cours) :
# 7 en tout ; le secrétariat, membre du personnel, vérifie sa double authentification au
# lieu de lire ses rôles : 6 en tout. Les fichiers (CSV, PDF) et le bloc de la participation
# n'ont pas de pied de page : pas de compteur.
PAGES = [
    # La liste : les scrutins ouverts (avec leur instance), la situation de qui lit dans
    # chacun en trois requêtes pour toute la liste (électeur, procurations avec mandant et
    # mandataire, émargements avec le mandataire), le total des scrutins clos ou annulés et
    # leur page, les scrutins en préparation (7).
    ("membre_college", "/college/scrutins/", 14),
    ("secretariat", "/college/scrutins/", 13),
    # Un scrutin : lui (instance, séance), la situation de qui lit (électeur, procurations,
    # émargements, puis le type de contenu des scrutins et l'intérêt qu'il a déclaré : 5),
    # s'il a un mandat en cours dans l'instance (1) ; une élection lit ses candidatures
    # (personne), un scrutin sur un texte lit son sujet (type de contenu, texte : 2).
    # En préparation, les membres votants de l'instance (mandat, personne) ; le membre qui peut
    # donner procuration lit en plus qui l'a déjà donnée et, pour la liste des mandataires
    # possibles, les membres votants à nouveau (2).
    ("membre_college", "/college/scrutins/{preparation}/", 18),
    ("secretariat", "/college/scrutins/{preparation}/", 15),
    ("membre_college", "/college/scrutins/{preparation_texte}/", 19),
    # Ouvert. L'électeur qui n'a pas voté peut donner procuration : qui l'a déjà donnée, les
    # électeurs non écartés (personne) (2). Le mandataire, un bulletin par procuration
    # détenue, sans requête de plus. Le secrétariat suit la participation : électeurs et
    # écartés, émargements, procurations (3).
    ("membre_college", "/college/scrutins/{ouvert}/", 18),
    ("membre_college", "/college/scrutins/{ouvert_mandataire}/", 15),
    ("secretariat", "/college/scrutins/{ouvert}/", 18),
    # Clos : le résultat est lu dans le scrutin (figé à la clôture).
    ("membre_college", "/college/scrutins/{clos}/", 15),
    ("secretariat", "/college/scrutins/{clos}/", 14),
    # L'urne : le scrutin ; scellée, rien d'autre. Publiée : ses bulletins (électeur et
    # mandataire, scrutin nominatif), et pour le recomptage d'une élection, les dates de
    # naissance des candidats (départage à l'âge). Vérifier un reçu (par POST, plus bas) ne
    # coûte rien de plus.
    ("membre_college", "/college/scrutins/{ouvert}/urne/", 8),
    ("membre_college", "/college/scrutins/{clos}/urne/", 10),
    # Le résultat : le scrutin ; le PDF publie aussi l'urne (bulletins, électeur et mandataire).
    ("secretariat", "/college/scrutins/{clos}/resultat.csv", 6),
    ("secretariat", "/college/scrutins/{clos}/resultat.pdf", 7),
    # La participation seule : le scrutin, puis électeurs et écartés, émargements,
    # procurations.
    ("secretariat", "/college/scrutins/{ouvert}/participation/", 9),
    # Préparer : les points des séances possibles (séance, instance) et les textes
    # (instance), puis au rendu les instances actives et les séances possibles (instance) (4).
    # Présélectionné : l'instance, ou la séance (avec son instance) (1).
    ("secretariat", "/college/scrutins/nouveau/", 10),
    ("secretariat", "/college/scrutins/nouveau/?instance={college}", 11),
    ("secretariat", "/college/scrutins/nouveau/?reunion={seance}", 11),
    # Modifier : le scrutin, les points et les textes de son instance, ses séances possibles
    # (pas de choix d'instance) ; un scrutin qui a un sujet lit son type de contenu.
    ("secretariat", "/college/scrutins/{preparation}/modifier/", 10),
    ("secretariat", "/college/scrutins/{preparation_texte}/modifier/", 11),
    # Un texte : lui (instance, auteur), le type de contenu des textes, ses scrutins, ses
    # discussions (auteur).
    ("membre_college", "/college/textes/{texte}/", 11),
    ("secretariat", "/college/textes/{texte}/", 10),
]


@pytest.mark.parametrize(("persona", "modele", "attendu"), PAGES, ids=[f"{p} {u}" for p, u, _ in PAGES])
def test_requetes_par_page(client_de, monde, persona, modele, attendu):
    assert compter_requetes(client_de(persona), _url(modele, monde)) == attendu


def test_verifier_un_recu_ne_coute_rien_de_plus(client_de, monde):
    recu = monde.recu.replace("-", "").lower()  # saisi sans tirets, en minuscules : normalisé
    url = _url("/college/scrutins/{clos}/urne/", monde)
    assert compter_requetes(client_de("membre_college"), url, "post", data={"recu": recu}) == 10


# Toutes les pages : chacune liste des lignes (scrutins, candidats, électeurs, mandataires,
# procurations détenues, bulletins, séances, points, textes, discussions).
QUI_GRANDISSENT = [(persona, modele) for persona, modele, _ in PAGES]


def _compter(client_de, monde: College, pages: list[tuple[str, str]]) -> dict[str, int]:
    clients = {persona: client_de(persona) for persona in {p for p, _ in pages}}
    return {
        f"{persona} {modele}": compter_requetes(clients[persona], _url(modele, monde))
        for persona, modele in pages
    }


def test_les_pages_ne_grandissent_pas(client_de, monde):
    """Plus de membres (donc d'électeurs, de candidats, de bulletins, de procurations données
    et détenues, de membres écartés), de scrutins dans la liste, de séances et de points, de
    textes, de discussions : aucune page ne grandit."""
    avant = _compter(client_de, monde, QUI_GRANDISSENT)
    monde.ajouter(5)
    assert _compter(client_de, monde, QUI_GRANDISSENT) == avant


# --- Administration -------------------------------------------------------------------------

# L'agent : session, utilisateur, double authentification, droits (les siens, ceux de ses
# groupes) = 5 ; l'administration n'affiche pas le compteur de notifications.
# Liste : les instances du filtre, le total filtré et le total (2), la page (avec ses clés
# étrangères affichées, par list_select_related). Les intérêts déclarés filtrent par type de
# sujet (les types présents, au lieu des instances) et lisent les sujets de la page, une
# requête par type (type de contenu, textes).
ADMIN = [
    ("/admin/college/texte/", 9),
    ("/admin/college/scrutin/", 9),
    ("/admin/college/candidature/", 9),
    ("/admin/college/declarationinteret/", 11),
    ("/admin/college/electeur/", 9),
    ("/admin/college/procurationvote/", 9),
    ("/admin/college/emargement/", 9),
    ("/admin/college/discussion/", 9),
    ("/admin/college/commentaire/", 9),
]


@pytest.mark.parametrize(("modele", "attendu"), ADMIN, ids=[u for u, _ in ADMIN])
def test_requetes_de_l_administration(client_de, monde, modele, attendu):
    assert compter_requetes(client_de("agent"), _url(modele, monde)) == attendu


def test_l_administration_ne_grandit_pas(client_de, monde):
    """Plus de scrutins (la liste des scrutins en premier lieu), de textes, de candidatures,
    d'intérêts déclarés, d'électeurs, de procurations, d'émargements, de discussions et de
    commentaires : aucune liste ne grandit."""
    pages = [("agent", modele) for modele, _ in ADMIN]
    avant = _compter(client_de, monde, pages)
    monde.ajouter(5)
    assert _compter(client_de, monde, pages) == avant
