"""La section « Le Collège des professionnels » du bilan annuel : composition, désignations,
scrutins ouverts, votés et clos par les services (participation, résultat), avis sur une
demande de financement, discussions ; une autre année ne compte pas, une année vide se lit,
le nombre de requêtes ne dépend pas du volume, et le gabarit se rend sans requête ni nom de
votant."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from college import services
from college.bilan import donnees_college
from college.models import Choix, Discussion, Electeur, Emargement, Scrutin, StatutScrutin, TypeScrutin
from comptes.models import Utilisateur
from conseil.models import CategorieCollege, Instance, RoleMandat
from socle.bilan import ContenuSection, Section, sections
from tests.college.factories import CommentaireFactory, DiscussionFactory, ScrutinFactory, TexteFactory
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory, InstanceFactory, MandatFactory
from tests.financements import factories as f

pytestmark = pytest.mark.django_db

ANNEE = 2025
PARIS = timezone.get_default_timezone()
NBSP = "\u00a0"
# Composition, désignations, scrutins (avec inscrits, votants et sujets en sous-requêtes),
# discussions : une requête chacune, quel que soit le volume.
REQUETES = 4


def a_paris(annee: int, mois: int, jour: int, heure: int = 18, minute: int = 0) -> dt.datetime:
    return dt.datetime(annee, mois, jour, heure, minute, tzinfo=PARIS)


def section_college() -> Section:
    [section] = [s for s in sections() if s.cle == "college"]
    return section


def rendre(contenu: ContenuSection, annee: int = ANNEE) -> str:
    section = section_college()
    with CaptureQueriesContext(connection) as requetes:
        html = render_to_string(section.gabarit, {**contenu.contexte, "annee": annee, "section": section})
    assert len(requetes) == 0, [q["sql"] for q in requetes.captured_queries]
    return html


def compter(annee: int = ANNEE) -> tuple[int, ContenuSection]:
    with CaptureQueriesContext(connection) as requetes:
        contenu = donnees_college(annee)
    return len(requetes), contenu


def voter_puis_clore(
    scrutin: Scrutin, secretariat: Utilisateur, votes: list[tuple[Utilisateur, Any]]
) -> Scrutin:
    """Ouvre (si besoin) le scrutin, fait voter chacun, le clôt (clôture anticipée motivée)."""
    if scrutin.statut == StatutScrutin.PREPARATION:
        scrutin = services.scrutin_ouvrir(scrutin=scrutin, acteur=secretariat)
    for votant, choix in votes:
        if isinstance(choix, list):
            services.bulletin_deposer(scrutin=scrutin, votant=votant, candidats=choix)
        else:
            services.bulletin_deposer(scrutin=scrutin, votant=votant, choix=choix)
    return services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Tous ont pu voter.")


def dater(scrutin: Scrutin, clos_le: dt.datetime) -> None:
    """Le scrutin, clos aujourd'hui par les services, ramené à sa date (par l'ORM)."""
    Scrutin.objects.filter(pk=scrutin.pk).update(
        ouverture=clos_le - dt.timedelta(days=7),
        cloture=clos_le,
        ouvert_le=clos_le - dt.timedelta(days=7),
        clos_le=clos_le,
    )


@pytest.fixture
def college() -> Instance:
    return CollegeFactory()


@pytest.fixture
def membres(college: Instance, secretariat: Utilisateur) -> dict[str, Utilisateur]:
    """Au 31 décembre 2025 : trois titulaires libéraux et une suppléante désignés en 2025, un
    titulaire hospitalier et une co-présidente depuis 2024 ; un titulaire de la coordination
    sorti le 30 juin 2025 ; le secrétariat (qui n'est pas membre)."""

    def mandat(prenom: str, role: str, debut: dt.date, categorie: str = "", **champs: Any) -> Utilisateur:
        personne = UtilisateurFactory(prenom=prenom, nom="Collège")
        MandatFactory(
            instance=college, personne=personne, role=role, debut=debut, categorie=categorie, **champs
        )
        return personne

    mars = dt.date(ANNEE, 3, 1)
    elus = "élu par le Collège le 1er mars 2025"
    personnes = {
        prenom: mandat(
            prenom, RoleMandat.TITULAIRE, mars, CategorieCollege.LIBERAUX_PSLA, siege=siege, designation=elus
        )
        for siege, prenom in enumerate(("Alice", "Bruno", "Chloé"), start=1)
    }
    personnes["Fanny"] = mandat("Fanny", RoleMandat.SUPPLEANT, mars, CategorieCollege.LIBERAUX_PSLA, siege=1)
    ancien = dt.date(ANNEE - 1, 1, 15)
    personnes["David"] = mandat(
        "David", RoleMandat.TITULAIRE, ancien, CategorieCollege.ETABLISSEMENTS_HOSPITALIERS, siege=4
    )
    personnes["Emma"] = mandat("Emma", RoleMandat.COPRESIDENT, ancien)
    mandat(
        "Gaston",
        RoleMandat.TITULAIRE,
        ancien,
        CategorieCollege.COORDINATION,
        siege=5,
        fin=dt.date(ANNEE, 6, 30),
    )
    MandatFactory(
        instance=college, personne=secretariat, role=RoleMandat.SECRETARIAT, debut=dt.date(ANNEE, 2, 1)
    )
    # Le Collège désigne aussi les membres des groupes de travail.
    MandatFactory(
        instance=InstanceFactory(nom="Accès aux soins de premier recours"),
        personne=personnes["Alice"],
        debut=dt.date(ANNEE, 4, 1),
        designation="désignée par le Collège le 1er avril 2025",
    )
    return personnes


@pytest.fixture
def annee_remplie(college, membres, secretariat, agent) -> dict[str, Any]:
    """Trois scrutins clos en 2025 (délibération 4 votants sur 5, avis sur une demande de
    financement 3 sur 5, élection 3 sur 5) ; un clos en 2024, un annulé, un clos au Nouvel An
    2026 ; deux discussions ouvertes en 2025, une en 2024."""
    m = membres
    charte = ScrutinFactory(instance=college, titre="Adoption de la charte")
    voter_puis_clore(
        charte,
        secretariat,
        [
            (m["Alice"], Choix.POUR),
            (m["Bruno"], Choix.POUR),
            (m["Chloé"], Choix.POUR),
            (m["David"], Choix.CONTRE),
        ],
    )
    dater(charte, a_paris(ANNEE, 4, 10))

    demande = f.soumise_a_l_avis(agent, intitule="Maison de santé de la Hague")
    avis = Scrutin.objects.get(pk=demande.scrutin_id)
    voter_puis_clore(
        avis,
        secretariat,
        [(m["Alice"], Choix.FAVORABLE), (m["Bruno"], Choix.FAVORABLE), (m["Chloé"], Choix.RESERVE)],
    )
    dater(avis, a_paris(ANNEE, 6, 15))

    election = ScrutinFactory(
        instance=college, type_scrutin=TypeScrutin.ELECTION, titre="Représentant du Collège"
    )
    alice = services.candidature_declarer(scrutin=election, personne=m["Alice"], acteur=secretariat)
    bruno = services.candidature_declarer(scrutin=election, personne=m["Bruno"], acteur=secretariat)
    voter_puis_clore(
        election,
        secretariat,
        [(m["Alice"], [alice.pk]), (m["Chloé"], [alice.pk]), (m["David"], [bruno.pk])],
    )
    dater(election, a_paris(ANNEE, 9, 20))

    for titre, clos_le in (
        ("Délibération de 2024", a_paris(ANNEE - 1, 11, 1)),
        ("Du Nouvel An", a_paris(ANNEE + 1, 1, 1, 0, 30)),
    ):
        autre = ScrutinFactory(instance=college, titre=titre)
        voter_puis_clore(autre, secretariat, [(m["Alice"], Choix.POUR)])
        dater(autre, clos_le)
    ScrutinFactory(instance=college, titre="Annulé", statut=StatutScrutin.ANNULE)

    internes = DiscussionFactory(instance=college, titre="Accueil des internes")
    CommentaireFactory.create_batch(2, discussion=internes)
    CommentaireFactory(discussion=internes, masque_le=timezone.now(), motif_masquage="Hors sujet.")
    charte_discutee = DiscussionFactory(instance=college, titre="Projet de charte")
    ancienne = DiscussionFactory(instance=college, titre="Discussion de 2024")
    Discussion.objects.filter(pk=internes.pk).update(cree_le=a_paris(ANNEE, 5, 5))
    Discussion.objects.filter(pk=charte_discutee.pk).update(cree_le=a_paris(ANNEE, 11, 2))
    Discussion.objects.filter(pk=ancienne.pk).update(cree_le=a_paris(ANNEE - 1, 5, 5))
    demande.refresh_from_db()
    return {"demande": demande, "charte": charte, "avis": avis, "election": election}


def test_la_composition_au_31_decembre_et_les_designations(annee_remplie):
    _requetes, contenu = compter()
    donnees = contenu.contexte["college"]

    assert donnees.jour_composition == dt.date(ANNEE, 12, 31)
    composition = {c.libelle: (c.titulaires, c.suppleants, c.ensemble) for c in donnees.composition}
    assert composition == {
        "Établissements hospitaliers": (1, 0, 1),
        "Structures d'exercice salarié": (0, 0, 0),
        "Professionnels libéraux et PSLA": (3, 1, 4),
        "Opérateurs médico-sociaux": (0, 0, 0),
        "Structures de coordination": (0, 0, 0),  # Gaston est sorti le 30 juin
        "Sans catégorie (co-présidence…)": (0, 0, 1),
    }
    assert donnees.membres == 6

    designations = [(d.personne, d.role, d.instance, d.debut) for d in donnees.designations]
    assert designations == [
        ("Alice Collège", "Membre titulaire", "Collège des professionnels", dt.date(ANNEE, 3, 1)),
        ("Bruno Collège", "Membre titulaire", "Collège des professionnels", dt.date(ANNEE, 3, 1)),
        ("Chloé Collège", "Membre titulaire", "Collège des professionnels", dt.date(ANNEE, 3, 1)),
        ("Fanny Collège", "Membre suppléant", "Collège des professionnels", dt.date(ANNEE, 3, 1)),
        ("Alice Collège", "Membre titulaire", "Accès aux soins de premier recours", dt.date(ANNEE, 4, 1)),
    ]
    assert donnees.designations[0].designation == "élu par le Collège le 1er mars 2025"


def test_les_scrutins_clos_egalent_le_corps_electoral_et_l_emargement(annee_remplie):
    _requetes, contenu = compter()
    donnees = contenu.contexte["college"]

    charte, avis, election = donnees.scrutins
    for ligne, scrutin in zip(donnees.scrutins, ("charte", "avis", "election"), strict=True):
        enregistre = annee_remplie[scrutin]
        assert ligne.inscrits == Electeur.objects.filter(scrutin=enregistre, exclu_pour_interet=False).count()
        assert ligne.votants == Emargement.objects.filter(scrutin=enregistre).count()
        enregistre.refresh_from_db()
        assert (ligne.inscrits, ligne.votants) == (
            enregistre.resultat["electeurs"],
            enregistre.resultat["votants"],
        )
    assert (charte.inscrits, charte.votants, charte.participation) == (5, 4, pytest.approx(0.8))
    assert charte.resultat_texte == "Adopté (3 pour, 1 contre, 0 abstention)"
    assert charte.clos_le == dt.date(ANNEE, 4, 10)
    assert (avis.inscrits, avis.votants) == (5, 3)
    assert avis.resultat_texte.startswith("Avis favorable (2 favorables, 1 réservé")
    demande = annee_remplie["demande"]
    assert avis.sujet == f"{demande.numero} — Maison de santé de la Hague"
    assert (election.votants, election.resultat_texte) == (3, "Élu : Alice Collège")
    assert donnees.participation_moyenne == pytest.approx((0.8 + 0.6 + 0.6) / 3)
    assert (donnees.avis, donnees.avis_rendus) == ((avis,), 1)

    discussions = [(d.titre, d.commentaires) for d in donnees.discussions]
    assert discussions == [("Accueil des internes", 2), ("Projet de charte", 0)]


def test_les_chiffres_cles(annee_remplie):
    _requetes, contenu = compter()
    chiffres = {str(c.libelle): (c.valeur, str(c.precision)) for c in contenu.chiffres_cles}
    assert chiffres == {
        "Membres du Collège": ("6", "au 31 décembre 2025"),
        "Scrutins tenus": ("3", ""),
        "Participation moyenne": (f"66,7{NBSP}%", "moyenne des scrutins"),
        "Avis rendus": ("1", "sur 1 scrutin d'avis"),
    }


def test_une_autre_annee_ne_compte_pas_celles_de_2025(annee_remplie):
    _requetes, contenu = compter(ANNEE - 1)
    donnees = contenu.contexte["college"]
    assert [s.titre for s in donnees.scrutins] == ["Délibération de 2024"]
    assert [d.titre for d in donnees.discussions] == ["Discussion de 2024"]
    assert [d.personne for d in donnees.designations] == ["David Collège", "Emma Collège", "Gaston Collège"]
    assert donnees.membres == 3  # au 31 décembre 2024 : David, Emma et Gaston (sorti en 2025)

    _requetes, contenu = compter(ANNEE + 1)
    assert [s.titre for s in contenu.contexte["college"].scrutins] == ["Du Nouvel An"]


def test_le_gabarit_rend_les_chiffres_sans_requete_ni_nom_de_votant(annee_remplie):
    _requetes, contenu = compter()
    html = rendre(contenu)

    assert "<h1" not in html and "style=" not in html and "<script" not in html
    assert "Au 31 décembre 2025, le Collège compte 6 membres." in html
    assert "Professionnels libéraux et PSLA" in html
    assert "élu par le Collège le 1er mars 2025" in html
    assert "3 scrutins ont été clos en 2025." in html
    assert f"80,0{NBSP}%" in html and f"60,0{NBSP}%" in html
    assert "Adopté (3 pour, 1 contre, 0 abstention)" in html
    assert f"{annee_remplie['demande'].numero} — Maison de santé de la Hague" in html
    assert "Élu : Alice Collège" in html
    assert "Accueil des internes" in html
    assert 'id="graphique-college-participation-titre"' in html
    assert 'id="tableau-college-composition"' in html
    # Scrutins secrets : David a voté (contre la charte, pour Bruno) ; son nom n'apparaît nulle part.
    assert "David" not in html


def test_une_annee_vide_donne_une_section_lisible():
    nombre, contenu = compter(1999)
    assert nombre == REQUETES
    html = rendre(contenu, 1999)
    assert "Aucun mandat de membre du Collège en cours au 31 décembre 1999." in html
    assert "Aucune désignation en 1999." in html
    assert "Aucun scrutin clos en 1999." in html
    assert "Aucun scrutin d'avis clos en 1999." in html
    assert "Aucune discussion ouverte en 1999." in html
    chiffres = {str(c.libelle): c.valeur for c in contenu.chiffres_cles}
    assert chiffres == {
        "Membres du Collège": "0",
        "Scrutins tenus": "0",
        "Participation moyenne": "—",
        "Avis rendus": "0",
    }


def _scrutins_en_nombre(college: Instance, nombre: int) -> None:
    """`nombre` scrutins clos en 2025 (un sur deux : un avis sur un texte), chacun avec trois
    électeurs et deux émargements ; un mandat et une discussion commentée de plus chacun."""
    for rang in range(nombre):
        clos_le = a_paris(ANNEE, 1 + rang % 12, 1 + rang % 28)
        avis = rang % 2 == 1
        scrutin = ScrutinFactory(
            instance=college,
            type_scrutin=TypeScrutin.AVIS if avis else TypeScrutin.DELIBERATION,
            **({"objet": TexteFactory(instance=college)} if avis else {}),
            statut=StatutScrutin.CLOS,
            ouverture=clos_le - dt.timedelta(days=7),
            cloture=clos_le,
            ouvert_le=clos_le - dt.timedelta(days=7),
            clos_le=clos_le,
            quorum_part=Decimal("0.50"),
            resultat={
                "issue": "favorable" if avis else "adopte",
                "decompte": {},
                "electeurs": 3,
                "votants": 2,
            },
        )
        electeurs = [UtilisateurFactory() for _ in range(3)]
        for personne in electeurs:
            Electeur.objects.create(scrutin=scrutin, personne=personne)
        for personne in electeurs[:2]:
            Emargement.objects.create(scrutin=scrutin, personne=personne)
        MandatFactory(instance=college, debut=clos_le.date())
        discussion = DiscussionFactory(instance=college)
        Discussion.objects.filter(pk=discussion.pk).update(cree_le=clos_le)
        CommentaireFactory(discussion=discussion)


def test_le_nombre_de_requetes_ne_depend_pas_du_volume(college):
    _scrutins_en_nombre(college, 1)
    peu, contenu = compter()
    assert len(contenu.contexte["college"].scrutins) == 1

    _scrutins_en_nombre(college, 20)
    beaucoup, contenu = compter()
    donnees = contenu.contexte["college"]
    assert len(donnees.scrutins) == 21 and len(donnees.avis) == 10
    assert len(donnees.discussions) == 21 and len(donnees.designations) == 21
    assert all(s.sujet.startswith("Charte du Collège") for s in donnees.avis)
    assert all((s.inscrits, s.votants) == (3, 2) for s in donnees.scrutins)
    assert peu == beaucoup == REQUETES
    rendre(contenu)
