"""La page d'accueil (issue 17) : au public, ce qu'il peut lire sans compte, par des liens qui
marchent ; à la personne connectée, « À faire » d'abord (le registre du socle, rempli par le
Collège, le Conseil, les financements et le bilan), trié par échéance, puis ce qui a changé
depuis sa visite précédente, puis ses notifications ; un nombre de requêtes qui ne grandit pas
avec les tâches ; un menu qui ne mène qu'à des pages que la personne peut ouvrir."""

import datetime as dt
import html
import re
from datetime import date, datetime

import pytest
from django.test import Client
from django.utils import timezone

from college import services as college_services
from comptes.models import Utilisateur
from financements import services as financements_services
from socle import a_faire
from socle.a_faire import Nouveaute, Tache
from socle.francais import dans_combien_de_jours, date_et_heure
from tests.bilan.factories import version_prete
from tests.college.factories import ScrutinFactory
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import PERSONAS, client_connecte
from tests.conseil.factories import CollegeFactory, MandatFactory, seance_convoquee
from tests.financements.factories import brouillon, deposee, en_instruction
from tests.outils import compter_requetes

PARIS = timezone.get_default_timezone()


def _page(client: Client, url: str = "/") -> str:
    reponse = client.get(url)
    assert reponse.status_code == 200
    return html.unescape(reponse.content.decode())


def _section(page: str, identifiant: str) -> str:
    """Le texte d'une section de la page, balises ôtées, espaces (insécables compris) resserrés."""
    debut = page.index(">", page.index(f'id="{identifiant}"')) + 1
    fin = page.index("</section>", debut)
    return " ".join(re.sub(r"<[^>]+>", " ", page[debut:fin]).split())


def _a_faire(client: Client) -> str:
    return _section(_page(client), "a-faire")


def _nouveautes(client: Client) -> str:
    return _section(_page(client), "nouveautes")


# --- Le registre ----------------------------------------------------------------------------


def test_les_applications_s_inscrivent_au_registre_de_l_accueil():
    taches, nouveautes = a_faire.cles_inscrites()
    assert taches == [
        "bilan",
        "college",
        "conseil",
        "financements",
        "recrutement",
        "rencontres",
        "rencontres.soutiens",
    ]
    assert nouveautes == ["bilan", "college", "conseil", "financements", "recrutement"]


def test_les_taches_sont_triees_par_echeance_celles_sans_echeance_a_la_fin(monkeypatch):
    maintenant = datetime(2026, 3, 1, 9, tzinfo=PARIS)
    monkeypatch.setattr(a_faire, "_TACHES", {})
    a_faire.fournisseur("b")(
        lambda u, m: [
            Tache("sans échéance (b)", "/b"),
            Tache("le 3 mars, toute la journée", "/b", echeance=date(2026, 3, 3)),
        ]
    )
    a_faire.fournisseur("a")(
        lambda u, m: [
            Tache("sans échéance (a)", "/a"),
            Tache("le 3 mars à 18 h", "/a", echeance=datetime(2026, 3, 3, 18, tzinfo=PARIS)),
            Tache("le 2 mars à 9 h", "/a", echeance=datetime(2026, 3, 2, 9, tzinfo=PARIS)),
        ]
    )
    assert [t.titre for t in a_faire.taches_de(None, maintenant)] == [
        "le 2 mars à 9 h",
        "le 3 mars à 18 h",
        "le 3 mars, toute la journée",
        "sans échéance (a)",
        "sans échéance (b)",
    ]


def test_les_nouveautes_du_plus_recent_au_plus_ancien_et_bornees_par_application(monkeypatch):
    maintenant = datetime(2026, 3, 1, 9, tzinfo=PARIS)
    monkeypatch.setattr(a_faire, "_NOUVEAUTES", {})
    a_faire.nouveautes("a")(
        lambda u, d, m: [Nouveaute(f"a{i}", "/", m - dt.timedelta(hours=2 * i)) for i in range(30)]
    )
    a_faire.nouveautes("b")(lambda u, d, m: [Nouveaute("b", "/", m - dt.timedelta(hours=3))])
    titres = [n.titre for n in a_faire.nouveautes_de(None, maintenant - dt.timedelta(days=9), maintenant)]
    assert titres[:4] == ["a0", "a1", "b", "a2"]
    assert len(titres) == a_faire.NOUVEAUTES_PAR_APPLICATION + 1


@pytest.mark.parametrize(
    ("jour", "attendu"),
    [
        (date(2026, 3, 1), "aujourd'hui"),
        (datetime(2026, 3, 1, 23, 30, tzinfo=PARIS), "aujourd'hui"),
        (datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC), "demain"),  # 0 h 30 à Paris
        (date(2026, 3, 2), "demain"),
        (date(2026, 3, 4), "dans 3 jours"),
        (date(2026, 2, 28), "hier"),
        (date(2026, 2, 26), "il y a 3 jours"),
        (None, ""),
    ],
)
def test_dans_combien_de_jours(jour, attendu):
    assert dans_combien_de_jours(jour, datetime(2026, 3, 1, 12, tzinfo=PARIS)) == attendu


# --- Le public ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_le_public_trouve_ce_qu_il_peut_lire_sans_compte(client):
    page = _page(client)
    assert "seront consultables" not in page
    contenu = page[page.index('<main id="contenu"') : page.index("</main>")]
    liens = set(re.findall(r'href="(/[^"]*)"', contenu))
    assert {
        "/carte-de-l-offre-de-soins/",
        "/calendrier/",
        "/programmes/",
        "/bilans/",
        "/offres/",
    } <= liens
    for lien in liens:
        assert client.get(lien).status_code == 200, lien
    texte = _section(page, "titre-public")
    assert "événements" in texte and "aides à l'installation" in texte


# --- À faire ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_une_personne_sans_rien_a_faire_le_lit():
    personne = UtilisateurFactory()
    texte = _a_faire(client_connecte(personne))
    assert texte == "À faire Rien à faire pour l'instant."


@pytest.mark.django_db
def test_l_accueil_connecte_ne_recopie_plus_le_menu(client_de):
    page = _page(client_de("agent"))
    assert "Raccourcis" not in page
    assert page.count('href="/financements/demandes/"') == 1  # le menu seul


@pytest.fixture
def membre_et_son_college(secretariat):
    """Un membre titulaire du Collège, avec deux collègues."""
    college = CollegeFactory()
    membre, *autres = (
        MandatFactory(instance=college, personne=UtilisateurFactory(prenom=prenom, nom=nom)).personne
        for prenom, nom in (("Marc", "Guérin"), ("Delphine", "Savary"), ("Paul", "Quesnel"))
    )
    return membre, autres, college


def _scrutin_ouvert(college, secretariat, titre: str, cloture: datetime):
    scrutin = ScrutinFactory(instance=college, titre=titre, cloture=cloture)
    return college_services.scrutin_ouvrir(scrutin=scrutin, acteur=secretariat)


@pytest.mark.django_db
def test_le_membre_vote_pour_lui_et_pour_qui_lui_a_donne_procuration(membre_et_son_college, secretariat):
    membre, (delphine, paul), college = membre_et_son_college
    maintenant = timezone.now()
    avis = _scrutin_ouvert(college, secretariat, "Avis sur la charte", maintenant + dt.timedelta(days=3))
    college_services.procuration_vote_donner(
        scrutin=avis, mandant=delphine, mandataire=membre, acteur=delphine
    )
    election = _scrutin_ouvert(college, secretariat, "Élection au bureau", maintenant + dt.timedelta(days=1))
    college_services.bulletin_deposer(scrutin=election, votant=membre, choix="pour")
    college_services.procuration_vote_donner(scrutin=election, mandant=paul, mandataire=membre, acteur=paul)
    deja_vote = _scrutin_ouvert(college, secretariat, "Scrutin déjà voté", maintenant + dt.timedelta(days=2))
    college_services.bulletin_deposer(scrutin=deja_vote, votant=membre, choix="pour")

    texte = _a_faire(client_connecte(membre))

    assert "Scrutin déjà voté" not in texte
    # L'élection clôt demain : elle vient d'abord, pour Paul seulement (Marc a voté).
    assert texte.index("Voter pour Paul Quesnel (procuration) : Élection au bureau") < texte.index(
        "Voter : Avis sur la charte"
    )
    assert "Vous votez aussi pour Delphine Savary (procuration)." in texte
    assert "(demain)" in texte and "(dans 3 jours)" in texte
    assert " ".join(f"Avant le {date_et_heure(avis.cloture)}".split()) in texte


@pytest.mark.django_db
def test_le_membre_repond_a_sa_convocation_avant_la_seance(membre_et_son_college, secretariat):
    membre, _autres, college = membre_et_son_college
    seance = seance_convoquee(
        instance=college,
        acteur=secretariat,
        titre="Plénière de mars",
        debut=timezone.now() + dt.timedelta(days=20),
    )
    client = client_connecte(membre)
    texte = _a_faire(client)
    assert "Répondre à la convocation : Plénière de mars" in texte
    assert "(dans 20 jours)" in texte
    assert f'href="{seance.get_absolute_url()}#votre-reponse"' in _page(client)

    client.post(f"/conseil/seances/{seance.pk}/reponse/", {"reponse": "present"})
    assert "Plénière de mars" not in _a_faire(client)


@pytest.mark.django_db
def test_l_instructeur_et_le_porteur_ont_chacun_leurs_taches(agent):
    sans_instructeur = deposee(intitule="Maison de santé de Flamanville")
    a_instruire = en_instruction(agent, intitule="PSLA de Valognes")
    financements_services.demande_transition(
        demande=a_instruire,
        acteur=agent,
        vers="complements",
        motif="Le budget détaillé manque.",
        version=a_instruire.version,
    )
    brouillon_en_cours = brouillon(porteur=a_instruire.porteur, intitule="Pôle de santé des Pieux")

    texte_agent = _a_faire(client_connecte(agent))
    assert f"Désigner l'instructeur : {sans_instructeur}" in texte_agent
    assert "PSLA de Valognes" not in texte_agent  # il attend les compléments du porteur

    texte_porteur = _a_faire(client_connecte(a_instruire.porteur))
    assert f"Fournir les compléments demandés : {a_instruire}" in texte_porteur
    assert f"Terminer et déposer votre brouillon : {brouillon_en_cours}" in texte_porteur
    assert "Flamanville" not in texte_porteur


@pytest.mark.django_db
def test_le_projet_de_bilan_pret_attend_le_secretariat_et_les_co_presidents(client_de):
    version_prete(2025)
    assert "Faire adopter en séance le bilan 2025 (version 1)" in _a_faire(client_de("secretariat"))
    assert "Lire le projet de bilan 2025 (version 1) avant son adoption" in _a_faire(client_de("copresident"))
    assert "bilan" not in _a_faire(client_de("agent"))


# --- Ce qui a changé ----------------------------------------------------------------------


@pytest.mark.django_db
def test_ce_qui_a_change_depuis_la_visite_precedente(membre_et_son_college, secretariat):
    membre, _autres, college = membre_et_son_college
    Utilisateur.objects.filter(pk=membre.pk).update(accueil_vu_le=timezone.now() - dt.timedelta(days=2))
    _scrutin_ouvert(college, secretariat, "Avis sur la charte", timezone.now() + dt.timedelta(days=3))

    client = client_connecte(membre)
    texte = _nouveautes(client)
    assert texte.startswith("Ce qui a changé depuis votre dernière visite Dernière visite :")
    assert "Vote ouvert : Avis sur la charte" in texte
    membre.refresh_from_db()
    assert timezone.now() - membre.accueil_vu_le < dt.timedelta(minutes=1)

    # Recharger la page, dans la même session, ne vide pas la liste…
    assert "Vote ouvert : Avis sur la charte" in _nouveautes(client)
    # … la session suivante part de la dernière visite.
    texte = _nouveautes(client_connecte(membre))
    assert "Avis sur la charte" not in texte
    assert "Rien de nouveau pour vous depuis votre dernière visite." in texte


@pytest.mark.django_db
def test_la_premiere_visite_dit_ce_qui_a_change_ce_dernier_mois(membre_et_son_college, secretariat):
    membre, _autres, college = membre_et_son_college
    _scrutin_ouvert(college, secretariat, "Avis sur la charte", timezone.now() + dt.timedelta(days=3))
    texte = _nouveautes(client_connecte(membre))
    assert texte.startswith("Ce qui a changé ce dernier mois")
    assert "Vote ouvert : Avis sur la charte" in texte


@pytest.mark.django_db
def test_le_porteur_lit_ce_qui_arrive_a_sa_demande_jamais_les_notes_de_l_instruction(agent):
    demande = en_instruction(agent, intitule="PSLA de Valognes")
    Utilisateur.objects.filter(pk=demande.porteur_id).update(
        accueil_vu_le=timezone.now() - dt.timedelta(minutes=5)
    )
    financements_services.note_ecrire(demande=demande, acteur=agent, texte="Note privée")
    financements_services.demande_transition(
        demande=demande, acteur=agent, vers="complements", motif="Le budget manque.", version=demande.version
    )
    texte = _nouveautes(client_connecte(demande.porteur))
    assert f"Compléments demandés : {demande}" in texte
    assert "Note" not in texte and "note" not in texte


# --- Le nombre de requêtes ------------------------------------------------------------------


def _requetes_de_l_accueil(client: Client) -> int:
    client.get("/")  # la première visite de la session retient « depuis » dans la session
    return compter_requetes(client, "/")


@pytest.mark.django_db
def test_les_requetes_du_membre_ne_grandissent_pas_avec_ses_taches(membre_et_son_college, secretariat):
    membre, (delphine, paul), college = membre_et_son_college
    client = client_connecte(membre)
    fin = timezone.now() + dt.timedelta(days=5)
    premier = _scrutin_ouvert(college, secretariat, "Scrutin 0", fin)
    college_services.procuration_vote_donner(
        scrutin=premier, mandant=delphine, mandataire=membre, acteur=delphine
    )
    seance_convoquee(instance=college, acteur=secretariat, debut=timezone.now() + dt.timedelta(days=20))
    une = _requetes_de_l_accueil(client)
    assert _a_faire(client).count("Voter") == 1

    for numero in range(1, 6):
        scrutin = _scrutin_ouvert(college, secretariat, f"Scrutin {numero}", fin)
        college_services.procuration_vote_donner(
            scrutin=scrutin, mandant=paul, mandataire=membre, acteur=paul
        )
        seance_convoquee(
            instance=college, acteur=secretariat, debut=timezone.now() + dt.timedelta(days=20 + numero)
        )
    assert _a_faire(client).count("Voter") == 6
    assert _a_faire(client).count("Répondre à la convocation") == 6
    assert _requetes_de_l_accueil(client) == une


@pytest.mark.django_db
def test_les_requetes_de_l_instructeur_et_du_porteur_ne_grandissent_pas(agent):
    porteur = deposee().porteur
    en_instruction(agent)
    clients = {"agent": client_connecte(agent), "porteur": client_connecte(porteur)}
    avant = {nom: _requetes_de_l_accueil(client) for nom, client in clients.items()}
    for _ in range(4):
        deposee()
        en_instruction(agent)
        brouillon(porteur=porteur)
    assert _a_faire(clients["agent"]).count("Instruire") == 5
    assert _a_faire(clients["porteur"]).count("Terminer et déposer") == 4
    assert {nom: _requetes_de_l_accueil(client) for nom, client in clients.items()} == avant


# --- Le menu ------------------------------------------------------------------------------


def _menu(client: Client) -> list[tuple[str, str]]:
    return [(str(e["libelle"]), e["url"]) for e in client.get("/").context["menu"]]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_le_menu_ne_mene_qu_a_des_pages_que_la_personne_peut_ouvrir(client_de, persona):
    client = client_de(persona)
    for libelle, url in _menu(client):
        assert client.get(url).status_code == 200, (persona, libelle, url)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "bilan"),
    [
        ("anonyme", "/bilans/"),
        ("professionnel", "/bilans/"),
        ("membre_college", "/bilans/"),
        ("copresident", "/bilans/gestion/"),
        ("secretariat", "/bilans/gestion/"),
        ("agent", "/bilans/"),
    ],
)
def test_le_menu_mene_chacun_aux_bilans_qu_il_peut_lire(client_de, persona, bilan):
    """Les co-présidents lisent les brouillons (bilan.permissions.peut_voir_brouillons) : le
    menu les y mène, comme le secrétariat ; les autres lisent les bilans adoptés."""
    urls = [url for _libelle, url in _menu(client_de(persona))]
    assert [url for url in urls if url.startswith("/bilans/")] == [bilan]


@pytest.mark.django_db
def test_le_public_trouve_les_pages_publiques_dans_le_menu(client):
    assert _menu(client) == [
        ("Séances", "/calendrier/"),
        ("Programmes de travail", "/programmes/"),
        ("Offres d'emploi", "/offres/"),
        ("Rencontres", "/rencontres/"),
        ("Carte de l'offre de soins", "/carte-de-l-offre-de-soins/"),
        ("Bilans annuels", "/bilans/"),
    ]


# --- La démonstration ---------------------------------------------------------------------


def _client_demo(nom: str) -> Client:
    return client_connecte(Utilisateur.objects.get(email=f"{nom}@demo.cotentin.fr"))


def test_a_faire_dans_la_demonstration(demonstration):
    """Ce que chaque compte de démonstration trouve en arrivant (README)."""
    membre = _a_faire(_client_demo("membre.college"))
    assert "Voter : Avis du Collège sur « Coopération ville–hôpital" in membre
    assert "Vous votez aussi pour Delphine Savary (procuration)." in membre
    assert "Répondre à la convocation : Séance plénière de décembre" in membre
    assert membre.index("Voter : Avis du Collège") < membre.index("Séance plénière de décembre")

    professionnel = _a_faire(_client_demo("professionnel"))
    assert "Fournir les compléments demandés : FIN-" in professionnel
    assert "Terminer et déposer votre brouillon : Pôle de santé des Pieux" in professionnel

    agent = _a_faire(_client_demo("agent"))
    assert "Désigner l'instructeur : FIN-" in agent
    assert "Instruire : FIN-" in agent

    secretariat = _a_faire(_client_demo("secretariat"))
    assert "Faire adopter le procès-verbal : Séance plénière d'octobre" in secretariat
    assert "Transmettre le bilan" in secretariat and "au Conseil de développement" in secretariat

    assert _a_faire(_client_demo("copresident")) == "À faire Rien à faire pour l'instant."


@pytest.mark.parametrize(
    ("nom", "attendu"),
    # L'agent compte en plus les demandes d'aide à l'installation à traiter (recrutement/a_faire.py)
    # et les inscriptions à valider des rencontres (rencontres/a_faire.py).
    [("membre.college", 21), ("professionnel", 21), ("agent", 30), ("secretariat", 24), ("copresident", 23)],
)
def test_requetes_de_l_accueil_dans_la_demonstration(demonstration, nom, attendu):
    """Hors première visite de la session ; autant qu'avec une seule tâche (une requête par sorte
    de tâche et par application dont la personne a le rôle)."""
    assert _requetes_de_l_accueil(_client_demo(nom)) == attendu
