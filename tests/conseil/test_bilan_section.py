"""La section « Le Conseil de santé » du bilan annuel : les chiffres rendus égalent les
enregistrements faits par les services, une autre année ne compte pas, une année vide se
lit, le nombre de requêtes ne dépend pas du volume, et le gabarit se rend sans requête."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptes.models import Utilisateur
from conseil import services
from conseil.bilan import donnees_conseil
from conseil.models import (
    Instance,
    Livrable,
    NaturePoint,
    Presence,
    ProcesVerbal,
    ProgrammeDeTravail,
    Reunion,
    RoleMandat,
    StatutProcesVerbal,
    StatutProgramme,
    StatutReunion,
)
from conseil.selectors import BaseProgression
from socle.bilan import ContenuSection, Section, sections
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import (
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
    seance_tenue,
)

pytestmark = pytest.mark.django_db

ANNEE = 2025
PARIS = timezone.get_default_timezone()
NBSP = "\u00a0"
# Séances, décisions, procès-verbaux, programme, objectifs, livrables des groupes des
# objectifs, livrables de l'année, groupes : une requête chacun, quel que soit le volume.
REQUETES = 8


def a_paris(annee: int, mois: int, jour: int, heure: int = 18) -> dt.datetime:
    return dt.datetime(annee, mois, jour, heure, tzinfo=PARIS)


def deplacer(reunion: Reunion, debut: dt.datetime) -> Reunion:
    """La séance, tenue par les services aujourd'hui, ramenée à sa date dans l'année du bilan
    (par l'ORM : le registre figé à la clôture ne change pas)."""
    Reunion.objects.filter(pk=reunion.pk).update(debut=debut, fin=None)
    reunion.refresh_from_db()
    return reunion


def relever(reunion: Reunion, acteur: Utilisateur, presences: dict[Utilisateur, Any]) -> None:
    """`presences` : membre → Presence, ou (Presence.REPRESENTE, mandataire)."""
    lignes = {p.personne_id: p.pk for p in reunion.participations.all()}
    services.presences_enregistrer(
        reunion=reunion,
        acteur=acteur,
        lignes=[
            services.LignePresence(lignes[membre.pk], *valeur)
            if isinstance(valeur, tuple)
            else services.LignePresence(lignes[membre.pk], valeur)
            for membre, valeur in presences.items()
        ],
    )


def section_conseil() -> Section:
    [section] = [s for s in sections() if s.cle == "conseil"]
    return section


def rendre(contenu: ContenuSection, annee: int = ANNEE) -> str:
    section = section_conseil()
    with CaptureQueriesContext(connection) as requetes:
        html = render_to_string(section.gabarit, {**contenu.contexte, "annee": annee, "section": section})
    assert len(requetes) == 0, [q["sql"] for q in requetes.captured_queries]
    return html


def compter(annee: int = ANNEE) -> tuple[int, ContenuSection]:
    with CaptureQueriesContext(connection) as requetes:
        contenu = donnees_conseil(annee)
    return len(requetes), contenu


@pytest.fixture
def conseil() -> tuple[Instance, dict[str, Utilisateur]]:
    instance = ConseilFactory()
    membres = {
        prenom: MandatFactory(
            instance=instance, personne=UtilisateurFactory(prenom=prenom, nom="Conseil"), siege=siege
        ).personne
        for siege, prenom in enumerate(("Anne", "Bruno", "Claire", "David"), start=1)
    }
    return instance, membres


@pytest.fixture
def annee_remplie(conseil, secretariat) -> dict[str, Any]:
    """2025 : deux séances plénières tenues (la première close, quorum atteint ; la seconde
    tenue, quorum non figé), une annulée ; une séance en 2024 ; un procès-verbal adopté ; le
    programme 2025 adopté avec trois objectifs ; trois groupes de travail."""
    instance, m = conseil
    printemps = seance_tenue(instance=instance, acteur=secretariat, il_y_a=dt.timedelta(days=2))
    PointFactory(
        reunion=printemps, ordre=2, titre="Adoption du règlement intérieur", nature=NaturePoint.DECISION
    )
    services.point_modifier(
        point=printemps.points.get(ordre=2), acteur=secretariat, resultat="Adopté à l'unanimité."
    )
    relever(
        printemps,
        secretariat,
        {
            m["Anne"]: Presence.PRESENT,
            m["Bruno"]: (Presence.REPRESENTE, m["Anne"].pk),
            m["Claire"]: Presence.EXCUSE,
            m["David"]: Presence.ABSENT,
        },
    )
    printemps = services.reunion_changer_statut(reunion=printemps, acteur=secretariat, vers="close")
    automne = seance_tenue(instance=instance, acteur=secretariat, il_y_a=dt.timedelta(days=1))
    relever(
        automne,
        secretariat,
        {
            m["Anne"]: Presence.PRESENT,
            m["Bruno"]: Presence.PRESENT,
            m["Claire"]: Presence.PRESENT,
            m["David"]: Presence.EXCUSE,
        },
    )
    pv = services.proces_verbal_rediger(reunion=printemps, acteur=secretariat)
    services.proces_verbal_adopter(pv=pv, adopte_en=automne, acteur=secretariat)
    deplacer(printemps, a_paris(ANNEE, 3, 12))
    deplacer(automne, a_paris(ANNEE, 10, 8))
    ProcesVerbal.objects.filter(pk=pv.pk).update(adopte_le=a_paris(ANNEE, 10, 8, 20))

    # Ce qui ne compte pas en 2025 : une séance annulée, une séance (et sa décision) de 2024,
    # le Nouvel An de 2026 à Paris (encore le 31 décembre 2025 en temps universel).
    ReunionFactory(instance=instance, statut=StatutReunion.ANNULEE, debut=a_paris(ANNEE, 6, 1))
    ancienne = ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_paris(ANNEE - 1, 11, 5))
    PointFactory(reunion=ancienne, titre="Décision de 2024", nature=NaturePoint.DECISION)
    ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_paris(ANNEE + 1, 1, 1, 0))

    # Les groupes de travail et le programme 2025.
    agent_agglo = UtilisateurFactory(prenom="Marc", nom="Agglo")
    copilote = UtilisateurFactory(prenom="Hélène", nom="Copilote")
    attractivite = GroupeFactory(
        instance=InstanceFactory(nom="Attractivité du territoire"),
        copilote_agglomeration=agent_agglo,
        copilote_professionnel=copilote,
    )
    MandatFactory(instance=attractivite.instance, personne=copilote, role=RoleMandat.ANIMATEUR)
    reunion_de_groupe = seance_tenue(instance=attractivite.instance, acteur=secretariat)
    deplacer(reunion_de_groupe, a_paris(ANNEE, 5, 20, 14))
    ReunionFactory(
        instance=attractivite.instance, statut=StatutReunion.TENUE, debut=a_paris(ANNEE - 1, 5, 20)
    )
    prevention = GroupeFactory(instance=InstanceFactory(nom="Prévention"))
    cooperation = GroupeFactory(instance=InstanceFactory(nom="Télésanté"))

    programme = ProgrammeFactory(annee=ANNEE, titre="Programme 2025")
    accueil = ObjectifFactory(
        programme=programme, ordre=1, intitule="Accueillir les internes", groupe=attractivite
    )
    ObjectifFactory(programme=programme, ordre=2, intitule="Dépister plus tôt", groupe=prevention)
    ObjectifFactory(programme=programme, ordre=3, intitule="Déployer la télésanté", groupe=cooperation)
    LivrableFactory(
        groupe=attractivite,
        objectif=accueil,
        titre="Guide d'accueil",
        echeance=dt.date(ANNEE, 6, 30),
        avancement=40,
    )
    LivrableFactory(
        groupe=attractivite,
        objectif=accueil,
        titre="Logements pour internes",
        echeance=dt.date(ANNEE, 9, 30),
        avancement=100,
        livre_le=dt.date(ANNEE, 9, 15),
    )
    # Hors de l'année : ni listé, ni compté pour l'objectif 2 (échéance 2024).
    LivrableFactory(
        groupe=attractivite, titre="Ancien livrable", echeance=dt.date(ANNEE - 1, 12, 1), avancement=80
    )
    LivrableFactory(
        groupe=prevention, titre="Campagne de dépistage", echeance=dt.date(ANNEE, 11, 30), avancement=30
    )
    LivrableFactory(groupe=prevention, titre="Bilan 2024", echeance=dt.date(ANNEE - 1, 11, 30), avancement=90)
    services.programme_adopter(programme=programme, adopte_en=automne, acteur=secretariat)
    ProgrammeDeTravail.objects.filter(pk=programme.pk).update(adopte_le=a_paris(ANNEE, 10, 8, 20))
    # Le programme 2024 ne compte pas.
    ObjectifFactory(programme=ProgrammeFactory(annee=ANNEE - 1), groupe=prevention)
    return {"printemps": printemps, "automne": automne, "programme": programme}


def test_les_seances_tenues_et_leurs_presences_egalent_le_registre(annee_remplie):
    _requetes, contenu = compter()
    donnees = contenu.contexte["conseil"]

    printemps, automne = donnees.seances
    assert (printemps.jour, automne.jour) == (dt.date(ANNEE, 3, 12), dt.date(ANNEE, 10, 8))
    assert (printemps.convoques, printemps.presents, printemps.representes) == (4, 1, 1)
    assert printemps.taux_presence == pytest.approx(0.25)
    # Le quorum figé à la clôture : 2 sièges requis sur 4, Anne présente et Bruno représenté.
    reunion = annee_remplie["printemps"]
    assert (
        (printemps.quorum_membres, printemps.quorum_requis, printemps.quorum_atteint)
        == (
            reunion.quorum_membres,
            reunion.quorum_requis,
            True,
        )
        == (4, 2, True)
    )
    assert (automne.convoques, automne.presents, automne.representes) == (4, 3, 0)
    assert automne.quorum_atteint is None  # tenue, pas encore close
    assert donnees.taux_presence_moyen == pytest.approx(0.5)

    [decision] = donnees.decisions
    assert (decision.titre, decision.suite) == ("Adoption du règlement intérieur", "Adopté à l'unanimité.")
    [pv] = donnees.proces_verbaux
    assert (pv.seance, pv.adopte_en, pv.adopte_le) == (
        annee_remplie["printemps"].titre,
        annee_remplie["automne"].titre,
        dt.date(ANNEE, 10, 8),
    )
    assert ProcesVerbal.objects.get().statut == StatutProcesVerbal.ADOPTE


def test_le_programme_et_les_groupes_egalent_les_livrables(annee_remplie):
    _requetes, contenu = compter()
    donnees = contenu.contexte["conseil"]

    assert donnees.programme.adopte
    assert donnees.programme.adopte_en == f"{annee_remplie['automne'].titre}, 8 octobre 2025"
    assert donnees.programme.adopte_le == dt.date(ANNEE, 10, 8)
    accueil, depistage, telesante = donnees.objectifs
    assert (accueil.avancement, accueil.livres, accueil.livrables, accueil.base) == (
        70,
        1,
        2,
        BaseProgression.OBJECTIF,
    )
    # Sans livrable rattaché : ceux du groupe à échéance dans l'année (pas celui de 2024).
    assert (depistage.avancement, depistage.livrables, depistage.base) == (30, 1, BaseProgression.GROUPE)
    assert (telesante.avancement, telesante.livrables, telesante.base) == (0, 0, BaseProgression.AUCUN)
    assert donnees.avancement_moyen == 33  # (70 + 30 + 0) / 3

    groupes = {groupe.nom: groupe for groupe in donnees.groupes}
    assert set(groupes) == {"Attractivité du territoire", "Prévention", "Télésanté"}
    attractivite = groupes["Attractivité du territoire"]
    assert attractivite.copilotes == ("Marc Agglo", "Hélène Copilote")
    assert attractivite.reunions_tenues == 1
    assert [(lv.titre, lv.avancement, lv.livre_le) for lv in attractivite.livrables] == [
        ("Guide d'accueil", 40, None),
        ("Logements pour internes", 100, dt.date(ANNEE, 9, 15)),
    ]
    assert [lv.titre for lv in groupes["Prévention"].livrables] == ["Campagne de dépistage"]
    assert groupes["Télésanté"].livrables == ()
    assert Livrable.objects.count() == 5


def test_les_chiffres_cles(annee_remplie):
    _requetes, contenu = compter()
    chiffres = {str(c.libelle): (c.valeur, str(c.precision)) for c in contenu.chiffres_cles}
    assert chiffres == {
        "Séances plénières tenues": ("2", "dont 1 avec quorum atteint"),
        "Taux de présence moyen": (f"50,0{NBSP}%", "moyenne des séances tenues"),
        "Décisions": ("1", ""),
        "Avancement moyen du programme": (f"33{NBSP}%", "3 objectifs"),
    }


def test_une_autre_annee_ne_compte_pas_celles_de_2025(annee_remplie):
    _requetes, contenu = compter(ANNEE - 1)
    donnees = contenu.contexte["conseil"]
    [seance] = donnees.seances
    assert seance.jour == dt.date(ANNEE - 1, 11, 5)
    assert [d.titre for d in donnees.decisions] == ["Décision de 2024"]
    assert donnees.proces_verbaux == ()
    assert donnees.programme is not None and not donnees.programme.adopte
    assert donnees.objectifs == ()  # le programme 2024 n'a pas été adopté


def test_le_gabarit_rend_les_chiffres_sans_requete(annee_remplie):
    _requetes, contenu = compter()
    html = rendre(contenu)

    assert "<h1" not in html and "style=" not in html and "<script" not in html
    assert "12 mars 2025" in html and "8 octobre 2025" in html
    assert f"25,0{NBSP}%" in html and f"75,0{NBSP}%" in html
    assert "2 sur 4" in html  # quorum requis
    assert "non figé" in html
    assert "Adoption du règlement intérieur" in html
    assert "Procès-verbaux adoptés en 2025" in html
    assert "« Programme 2025 », adopté le 8 octobre 2025 (séance « Séance plénière" in html
    assert f"70{NBSP}%" in html and "1 sur 2" in html
    assert "Marc Agglo, Hélène Copilote" in html
    assert "Logements pour internes" in html and "15 septembre 2025" in html
    assert 'id="graphique-conseil-presence-titre"' in html
    assert 'id="tableau-conseil-programme"' in html


def test_une_annee_vide_donne_une_section_lisible():
    nombre, contenu = compter(1999)
    assert nombre == REQUETES
    html = rendre(contenu, 1999)
    assert "Aucune séance tenue en 1999." in html
    assert "Aucune décision prise en séance plénière en 1999." in html
    assert "Aucun procès-verbal adopté en 1999." in html
    assert "Aucun programme de travail adopté pour 1999." in html
    assert "Aucun groupe de travail en 1999." in html
    chiffres = {str(c.libelle): (c.valeur, str(c.precision)) for c in contenu.chiffres_cles}
    assert chiffres["Séances plénières tenues"] == ("0", "")
    assert chiffres["Taux de présence moyen"] == ("—", "")
    assert chiffres["Avancement moyen du programme"] == ("—", "aucun programme adopté")


def _seances_en_nombre(instance: Instance, programme: ProgrammeDeTravail, nombre: int, debut: int) -> None:
    """`nombre` séances closes de l'année, chacune avec trois convoqués, un point à décision,
    un procès-verbal adopté ; un groupe, un objectif et deux livrables de plus par séance."""
    for rang in range(debut, debut + nombre):
        reunion = ReunionFactory(
            instance=instance,
            statut=StatutReunion.CLOSE,
            debut=a_paris(ANNEE, 1 + rang % 12, 1 + rang % 28),
            quorum_membres=3,
            quorum_presents=2,
            quorum_representes=0,
            quorum_requis=2,
            quorum_atteint=True,
            quorum_compte_procurations=True,
        )
        for presence in (Presence.PRESENT, Presence.PRESENT, Presence.EXCUSE):
            ParticipationFactory(reunion=reunion, presence=presence)
        PointFactory(reunion=reunion, nature=NaturePoint.DECISION)
        ProcesVerbal.objects.create(
            reunion=reunion,
            texte="…",
            statut=StatutProcesVerbal.ADOPTE,
            adopte_en=ReunionFactory(instance=instance, debut=a_paris(ANNEE, 12, 20)),
            adopte_le=a_paris(ANNEE, 12, 20),
        )
        groupe = GroupeFactory()
        objectif = ObjectifFactory(programme=programme, groupe=groupe, ordre=rang + 1)
        LivrableFactory(groupe=groupe, objectif=objectif, echeance=dt.date(ANNEE, 6, 1), avancement=50)
        LivrableFactory(groupe=groupe, echeance=dt.date(ANNEE, 7, 1))
        ReunionFactory(instance=groupe.instance, statut=StatutReunion.TENUE, debut=a_paris(ANNEE, 4, 2))


def test_le_nombre_de_requetes_ne_depend_pas_du_volume():
    instance = ConseilFactory()
    programme = ProgrammeFactory(annee=ANNEE)
    ProgrammeDeTravail.objects.filter(pk=programme.pk).update(
        statut=StatutProgramme.ADOPTE,
        adopte_en=ReunionFactory(instance=instance, debut=a_paris(ANNEE, 1, 10)),
        adopte_le=a_paris(ANNEE, 1, 10),
    )
    _seances_en_nombre(instance, programme, 1, debut=0)
    peu, contenu = compter()
    assert len(contenu.contexte["conseil"].seances) == 1
    assert len(contenu.contexte["conseil"].objectifs) == 1

    _seances_en_nombre(instance, programme, 14, debut=1)
    beaucoup, contenu = compter()
    donnees = contenu.contexte["conseil"]
    assert (len(donnees.seances), len(donnees.decisions), len(donnees.proces_verbaux)) == (15, 15, 15)
    assert len(donnees.objectifs) == 15 and len(donnees.groupes) == 15
    assert peu == beaucoup == REQUETES
    rendre(contenu)
