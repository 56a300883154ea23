"""Une année chargée, construite par les services du domaine.

Le bench du bilan (`bench/bilan_annuel.py`) et les tests (`tests/test_fabriques_annee.py`)
s'en servent : il n'y a qu'une façon de fabriquer des données réalistes. Les lignes sans
règle (comptes, mandats, livrables) sont écrites par `bulk_create` ; tout ce dont un service
définit l'état valide passe par lui : séances convoquées, tenues, présences et quorum,
clôture et procès-verbaux (conseil.services), scrutins ouverts, bulletins, dépouillement
(college.services), demandes déposées, instruites, soumises à l'avis, décidées,
conventionnées et payées (financements.services).

Un service agit « maintenant » : chaque étape est faite aujourd'hui, à des dates à venir
quand le service l'exige (une convocation part pour une séance future, un bulletin entre dans
un scrutin ouvert), puis reprend sa vraie date dans l'année par une mise à jour de ce qu'elle
a écrit — comme la démonstration (`financements/demo.py`, `conseil/demo.py`).

Les tâches mises en file au commit (récépissés, courriels, archivage des procès-verbaux)
n'ont pas de worker ici : `sans_taches_en_file()` les écarte.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from bilan.demo import Datation
from college import services as college
from college.models import Choix, Scrutin, TypeScrutin
from comptes.models import Utilisateur
from comptes.roles import GROUPES, Role
from conseil import services as conseil
from conseil.models import (
    CategorieCollege,
    GroupeDeTravail,
    Instance,
    Livrable,
    Mandat,
    NaturePoint,
    Participation,
    Presence,
    ProcesVerbal,
    ProgrammeDeTravail,
    Reunion,
    RoleMandat,
    StatutReunion,
    TypeInstance,
)
from financements import services as financements
from financements.models import (
    PIECES_EXIGEES,
    DemandeFinancement,
    Financeur,
    LigneFinancement,
    NaturePiece,
    StatutDemande,
    StatutEngagement,
    TypeDemande,
)
from socle.models import FrequenceNotifications
from territoire.models import Axe, BesoinTerritoire, Commune, ModeExercice, Professionnel
from tests.conseil.factories import ObjectifFactory, ProgrammeFactory
from tests.financements.factories import BesoinFactory, pdf_minimal
from tests.territoire.factories import CommuneFactory, ProfessionFactory, ProfessionnelFactory

NOMS = (
    "Lefebvre", "Marie", "Lecoq", "Guérin", "Leroux", "Hamel", "Lemarchand", "Duval", "Lebrun",
    "Fontaine", "Levallois", "Lesage", "Jourdan", "Postel", "Hébert", "Lecanu", "Gosselin",
    "Le Gall", "Marguerite", "Osmont", "Quesnel", "Renouf", "Sanson", "Tostain", "Vautier",
)  # fmt: skip
PRENOMS = (
    "Anne", "Marc", "Sophie", "Claire", "Jean", "Hélène", "Paul", "Camille", "Louis", "Julie",
    "Thomas", "Nathalie", "Pierre", "Élodie", "François", "Inès", "Yves", "Manon",
)  # fmt: skip
INTITULES = (
    "Étude de faisabilité d'un pôle de santé libéral et ambulatoire à {commune}",
    "Ingénierie du projet de santé de la maison de santé de {commune}",
    "Coordination des soins non programmés du secteur de {commune}",
    "Accueil des internes et des étudiants en santé à {commune}",
    "Télé-expertise ville–hôpital depuis {commune}",
    "Prévention bucco-dentaire dans les écoles de {commune}",
)
LIEU = "Hôtel de ville de Cherbourg-en-Cotentin, salle du conseil"


def a_paris(jour: date, heure: int = 18) -> datetime:
    return datetime(jour.year, jour.month, jour.day, heure, tzinfo=timezone.get_default_timezone())


def jour_de(hasard: random.Random, annee: int, premier: int = 0, dernier: int = 364) -> date:
    return date(annee, 1, 1) + timedelta(days=hasard.randint(premier, dernier))


def _euros(valeur: float) -> Decimal:
    return Decimal(max(100, int(valeur) // 100 * 100)).quantize(Decimal("0.01"))


@cache
def _pdf(nom: str) -> bytes:
    return pdf_minimal(nom)


def _fichier(nom: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{nom}.pdf", _pdf(nom), content_type="application/pdf")


@contextmanager
def sans_taches_en_file() -> Iterator[None]:
    """Une transaction dont les tâches mises en file au commit (récépissés, courriers,
    courriels, archivage) sont écartées : aucun worker ne les attend, et la mise en page de
    milliers de PDF n'est pas ce qu'on fabrique ici."""
    with transaction.atomic():
        yield
        connection.run_on_commit.clear()


# --- Les instances et leurs membres (des lignes sans règle : bulk_create) ----------------


@dataclass
class Gouvernance:
    secretariat: Any
    agents: list[Any]
    conseil: Instance
    college: Instance
    groupes: list[GroupeDeTravail]
    membres_college: list[Any]
    institutionnels: list[Any]
    porteurs: list[Any]
    datation: Datation = field(default_factory=Datation)


def _comptes(prefixe: str, nombre: int, hasard: random.Random, mot_de_passe: str) -> list[Any]:
    return Utilisateur.objects.bulk_create(
        Utilisateur(
            email=f"{prefixe}{rang}@annee.cotentin.fr",
            prenom=hasard.choice(PRENOMS),
            nom=hasard.choice(NOMS),
            password=mot_de_passe,
            frequence_notifications=FrequenceNotifications.AUCUNE,
        )
        for rang in range(nombre)
    )


def _dans_le_role(comptes: list[Any], role: str) -> None:
    groupe = Group.objects.get(name=GROUPES[role])
    Utilisateur.groups.through.objects.bulk_create(
        Utilisateur.groups.through(utilisateur_id=compte.pk, group_id=groupe.pk) for compte in comptes
    )


def _fiches_liberales(nombre: int) -> list[Professionnel]:
    """Des fiches libérales de l'annuaire sans compte, de deux professions au moins (créées
    par les fabriques du territoire s'il en manque)."""
    fiches = list(
        Professionnel.objects.filter(
            actif=True, compte__isnull=True, mode_exercice=ModeExercice.LIBERAL
        ).order_by("pk")[:nombre]
    )
    professions = [
        ProfessionFactory(code="10", libelle="Médecin"),
        ProfessionFactory(code="60", libelle="Infirmier"),
    ]
    while len(fiches) < nombre or len({f.profession_id for f in fiches}) < 2:
        fiches.append(ProfessionnelFactory(profession=professions[len(fiches) % 2]))
    return fiches


def gouvernance(
    *,
    hasard: random.Random,
    membres_college: int = 80,
    titulaires_college: int = 50,
    institutionnels: int = 20,
    au_conseil: int = 20,
    porteurs: int = 500,
    agents: int = 6,
    groupes: int = 8,
    par_groupe: int = 10,
    annee: int = 2025,
) -> Gouvernance:
    """Le Conseil (co-présidents et titulaires : `au_conseil` membres du Collège et les
    institutionnels), le Collège (titulaires puis suppléants), les groupes de travail et leurs
    membres, des agents qui instruisent, des porteurs reliés à une fiche libérale de l'annuaire."""
    mot_de_passe = make_password(None)
    secretariat = _comptes("secretariat", 1, hasard, mot_de_passe)
    les_agents = _comptes("agent", agents, hasard, mot_de_passe)
    _dans_le_role(secretariat, Role.SECRETARIAT)
    _dans_le_role(les_agents, Role.AGENT)
    du_college = _comptes("college", membres_college, hasard, mot_de_passe)
    les_institutionnels = _comptes("institution", institutionnels, hasard, mot_de_passe)
    les_porteurs = _comptes("porteur", porteurs, hasard, mot_de_passe)
    fiches = _fiches_liberales(porteurs)
    for fiche, porteur in zip(fiches, les_porteurs, strict=False):
        fiche.compte = porteur
    Professionnel.objects.bulk_update(fiches[:porteurs], ["compte"])

    conseil_ = Instance.objects.create(nom="Conseil de santé du Cotentin", type_instance=TypeInstance.CONSEIL)
    college_ = Instance.objects.create(nom="Collège des professionnels", type_instance=TypeInstance.COLLEGE)
    axes = list(Axe.values)
    les_groupes = []
    for rang in range(groupes):
        axe = axes[rang % len(axes)]
        instance = Instance.objects.create(
            nom=f"Groupe de travail n° {rang + 1} — {Axe(axe).label.split('— ')[-1]}",
            type_instance=TypeInstance.GROUPE,
        )
        les_groupes.append(
            GroupeDeTravail.objects.create(
                instance=instance,
                axe=axe,
                mission="Préparer les actions de l'axe pour le programme de travail.",
                copilote_agglomeration=les_agents[rang % len(les_agents)],
                copilote_professionnel=du_college[rang % len(du_college)],
            )
        )
    categories = list(CategorieCollege.values)
    anciens = date(annee - 2, 9, 1)
    mandats = []
    for rang, membre in enumerate(du_college):
        titulaire = rang < titulaires_college
        mandats.append(
            Mandat(
                instance=college_,
                personne=membre,
                role=RoleMandat.TITULAIRE if titulaire else RoleMandat.SUPPLEANT,
                categorie=categories[rang % len(categories)],
                siege=rang + 1 if titulaire else rang - titulaires_college + 1,
                # Un membre sur cinq désigné dans l'année.
                debut=anciens if rang % 5 else date(annee, 1 + rang % 12, 10),
                designation="Élu par les professionnels de sa catégorie",
            )
        )
    for rang, membre in enumerate(du_college[:au_conseil] + les_institutionnels):
        mandats.append(
            Mandat(
                instance=conseil_,
                personne=membre,
                role=RoleMandat.COPRESIDENT if rang < 2 else RoleMandat.TITULAIRE,
                siege=None if rang < 2 else rang + 1,
                debut=anciens,
            )
        )
    for rang, groupe in enumerate(les_groupes):
        for place in range(par_groupe):
            mandats.append(
                Mandat(
                    instance=groupe.instance,
                    personne=du_college[(rang * par_groupe + place) % len(du_college)],
                    role=RoleMandat.ANIMATEUR if place == 0 else RoleMandat.TITULAIRE,
                    debut=date(annee, 2, 1),
                    designation=f"Désigné par le Collège le 20 janvier {annee}",
                )
            )
    Mandat.objects.bulk_create(mandats)
    return Gouvernance(
        secretariat=secretariat[0],
        agents=les_agents,
        conseil=conseil_,
        college=college_,
        groupes=les_groupes,
        membres_college=du_college,
        institutionnels=les_institutionnels,
        porteurs=les_porteurs,
    )


# --- Les séances (conseil.services) -------------------------------------------------------

TIRAGE_DES_PRESENCES = (
    (Presence.PRESENT,) * 14 + (Presence.EXCUSE,) * 3 + (Presence.REPRESENTE,) * 2 + (Presence.ABSENT,)
)
POINTS_D_UNE_PLENIERE = (
    NaturePoint.INFORMATION,
    NaturePoint.DECISION,
    NaturePoint.DEBAT,
    NaturePoint.DECISION,
    NaturePoint.INFORMATION,
)
POINTS_D_UNE_REUNION = (NaturePoint.INFORMATION, NaturePoint.DEBAT)
TITRES_DES_POINTS = {
    NaturePoint.INFORMATION: "Point d'étape des groupes de travail",
    NaturePoint.DEBAT: "Démographie médicale : les départs annoncés",
    NaturePoint.DECISION: "Délibération sur le plan d'actions",
}


def seance_tenue(
    g: Gouvernance, instance: Instance, titre: str, debut: datetime, *, close: bool, hasard: random.Random
) -> Reunion:
    """Une séance planifiée, convoquée (à une date à venir, puis ramenée à `debut`), tenue,
    ses présences relevées (quorum calculé par le service), close si `close`."""
    acteur = g.secretariat
    provisoire = timezone.now() + timedelta(days=conseil.delai_convocation_jours() + 30)
    reunion = conseil.reunion_planifier(
        acteur=acteur,
        instance=instance,
        titre=titre,
        debut=provisoire,
        fin=provisoire + timedelta(hours=2),
        lieu=LIEU,
    )
    pleniere = instance.type_instance != TypeInstance.GROUPE
    for nature in POINTS_D_UNE_PLENIERE if pleniere else POINTS_D_UNE_REUNION:
        conseil.point_ajouter(reunion=reunion, acteur=acteur, titre=TITRES_DES_POINTS[nature], nature=nature)
    conseil.convocation_envoyer(reunion=reunion, acteur=acteur)
    convoquee_le = debut - timedelta(days=15)
    Reunion.objects.filter(pk=reunion.pk).update(
        debut=debut, fin=debut + timedelta(hours=2), convoquee_le=convoquee_le
    )
    Participation.objects.filter(reunion=reunion).update(convoque_le=convoquee_le)
    g.datation.dater(convoquee_le)
    reunion.refresh_from_db()
    conseil.reunion_changer_statut(reunion=reunion, acteur=acteur, vers=StatutReunion.TENUE)

    participations = list(reunion.participations.all())
    presences = {p.pk: hasard.choice(TIRAGE_DES_PRESENCES) for p in participations}
    presents = [p.personne_id for p in participations if presences[p.pk] == Presence.PRESENT]
    lignes = []
    for participation in participations:
        presence, mandataire = presences[participation.pk], None
        if presence == Presence.REPRESENTE:
            # Un mandataire présent qui n'en porte pas déjà une (une procuration par membre).
            libres = [p for p in presents if p != participation.personne_id]
            if libres:
                mandataire = libres[0]
                presents.remove(mandataire)
            else:
                presence = Presence.EXCUSE
        lignes.append(conseil.LignePresence(participation.pk, presence, mandataire))
    conseil.presences_enregistrer(reunion=reunion, acteur=acteur, lignes=lignes)
    for point in reunion.points.filter(nature=NaturePoint.DECISION):
        conseil.point_modifier(
            point=point, acteur=acteur, resultat="Adopté à la majorité des membres présents ou représentés."
        )
    if close:
        conseil.reunion_changer_statut(reunion=reunion, acteur=acteur, vers=StatutReunion.CLOSE)
        conseil.proces_verbal_rediger(reunion=reunion, acteur=acteur)
    g.datation.dater(debut + timedelta(hours=3))
    reunion.refresh_from_db()
    return reunion


def seances_d_une_annee(
    g: Gouvernance, annee: int, *, conseil_: int, college_: int, groupes: int, hasard: random.Random
) -> dict[int, list[Reunion]]:
    """Les séances tenues de l'année (plénières du Conseil et du Collège, réunions réparties
    entre les groupes), rendues par instance dans l'ordre des dates ; la dernière de chaque
    instance est tenue, les autres closes. Le procès-verbal de chaque plénière est adopté à la
    suivante."""
    plan: list[tuple[Instance, int]] = [(g.conseil, conseil_), (g.college, college_)]
    plan += [
        (groupe.instance, groupes // len(g.groupes) + (rang < groupes % len(g.groupes)))
        for rang, groupe in enumerate(g.groupes)
    ]
    par_instance: dict[int, list[Reunion]] = {}
    for instance, nombre in plan:
        groupe = instance.type_instance == TypeInstance.GROUPE
        for rang in range(nombre):
            jour = date(annee, 1, 8) + timedelta(days=int(rang * 350 / nombre) + hasard.randint(0, 3))
            par_instance.setdefault(instance.pk, []).append(
                seance_tenue(
                    g,
                    instance,
                    f"{'Réunion' if groupe else 'Séance plénière'} n° {rang + 1}",
                    a_paris(jour, 14 if groupe else 18),
                    close=rang < nombre - 1 or nombre == 1,
                    hasard=hasard,
                )
            )
    for instance in (g.conseil, g.college):
        seances = par_instance.get(instance.pk, [])
        for seance, suivante in zip(seances, seances[1:], strict=False):
            pv = ProcesVerbal.objects.filter(reunion=seance).first()
            if pv is None:
                continue
            conseil.proces_verbal_adopter(pv=pv, adopte_en=suivante, acteur=g.secretariat)
            adopte_le = suivante.debut + timedelta(hours=1)
            ProcesVerbal.objects.filter(pk=pv.pk).update(adopte_le=adopte_le)
            g.datation.dater(adopte_le)
    return par_instance


def programme_d_une_annee(
    g: Gouvernance, annee: int, reunions: dict[int, list[Reunion]], *, hasard: random.Random
) -> ProgrammeDeTravail | None:
    """Le programme de travail adopté à la première plénière du Conseil, ses douze objectifs,
    six livrables par groupe dont l'avancement passe par `livrable_mettre_a_jour`."""
    seances = reunions.get(g.conseil.pk)
    if not seances:
        return None
    programme = ProgrammeFactory(annee=annee, titre=f"Programme de travail {annee}")
    objectifs = [
        ObjectifFactory(
            programme=programme,
            ordre=rang + 1,
            intitule=f"Objectif {rang + 1} : renforcer l'offre de premier recours dans les pôles ruraux",
            groupe=g.groupes[rang % len(g.groupes)],
        )
        for rang in range(12)
    ]
    conseil.programme_adopter(programme=programme, adopte_en=seances[0], acteur=g.secretariat)
    ProgrammeDeTravail.objects.filter(pk=programme.pk).update(adopte_le=seances[0].debut + timedelta(hours=1))
    livrables = Livrable.objects.bulk_create(
        Livrable(
            groupe=groupe,
            objectif=objectifs[(rang + 8 * (place % 2)) % len(objectifs)] if place < 4 else None,
            titre=f"Livrable {place + 1} du groupe {rang + 1} : note de cadrage et plan d'actions",
            echeance=jour_de(hasard, annee, 30, 360),
        )
        for rang, groupe in enumerate(g.groupes)
        for place in range(6)
    )
    for livrable in livrables:
        avancement = hasard.choice((0, 25, 50, 75, 100, 100))
        if avancement:
            conseil.livrable_mettre_a_jour(livrable=livrable, acteur=g.secretariat, avancement=avancement)
            if avancement == 100:
                Livrable.objects.filter(pk=livrable.pk).update(livre_le=livrable.echeance - timedelta(days=3))
    g.datation.dater(seances[0].debut + timedelta(hours=1))
    programme.refresh_from_db()
    return programme


# --- Les scrutins (college.services) ------------------------------------------------------

CHOIX_TIRES = {
    str(TypeScrutin.DELIBERATION): (Choix.POUR,) * 6 + (Choix.CONTRE,) * 2 + (Choix.ABSTENTION,),
    str(TypeScrutin.AVIS): (Choix.FAVORABLE,) * 5
    + (Choix.RESERVE,) * 2
    + (Choix.DEFAVORABLE,) * 2
    + (Choix.ABSTENTION,),
    str(TypeScrutin.ELECTION): (Choix.CANDIDATS,) * 9 + (Choix.BLANC,),
}


def fenetre_de_vote() -> tuple[datetime, datetime]:
    """Une fenêtre de vote déjà ouverte, qui reçoit donc des bulletins tout de suite."""
    maintenant = timezone.now()
    return maintenant - timedelta(minutes=5), maintenant + timedelta(days=7)


def scrutin_depouille(
    g: Gouvernance,
    scrutin: Scrutin,
    *,
    ouverture: datetime,
    cloture: datetime,
    hasard: random.Random,
    votants: tuple[float, float] = (0.45, 0.95),
) -> Scrutin:
    """Un scrutin ouvert reçoit ses bulletins (`bulletin_deposer`, dont un par procuration),
    est clos et dépouillé (`scrutin_clore`), puis reprend ses dates : `ouverture`, `cloture`."""
    scrutin.refresh_from_db()
    electeurs = list(scrutin.electeurs.filter(exclu_pour_interet=False).values_list("personne_id", flat=True))
    personnes = Utilisateur.objects.in_bulk(electeurs)
    part = hasard.uniform(*votants) if votants[1] else 0.0
    qui = hasard.sample(electeurs, round(len(electeurs) * part))
    # Les procurations de la séance reprises à l'ouverture, et une donnée pour le scrutin.
    procurations = dict(scrutin.procurations.values_list("mandant_id", "mandataire_id"))
    libres = [p for p in qui if p not in procurations and p not in procurations.values()]
    if len(libres) > 4:
        mandant, mandataire = libres[0], libres[1]
        college.procuration_vote_donner(
            scrutin=scrutin,
            mandant=personnes[mandant],
            mandataire=personnes[mandataire],
            acteur=personnes[mandant],
        )
        procurations[mandant] = mandataire
    # Un mandant vote par son mandataire, s'il vote.
    qui = [p for p in qui if p not in procurations or procurations[p] in electeurs]
    candidats = list(scrutin.candidatures.values_list("pk", flat=True))
    for personne in qui:
        choix = hasard.choice(CHOIX_TIRES[scrutin.type_scrutin])
        choisis = []
        if choix == Choix.CANDIDATS:
            choisis = sorted(hasard.sample(candidats, hasard.randint(1, min(scrutin.sieges, len(candidats)))))
        mandataire_id = procurations.get(personne)
        college.bulletin_deposer(
            scrutin=scrutin,
            votant=personnes[mandataire_id] if mandataire_id else personnes[personne],
            pour=personnes[personne] if mandataire_id else None,
            choix=choix,
            candidats=choisis,
        )
    g.datation.dater(ouverture + timedelta(minutes=1))
    maintenant = timezone.now()
    Scrutin.objects.filter(pk=scrutin.pk).update(
        ouverture=min(scrutin.ouverture, maintenant - timedelta(minutes=5)),
        cloture=maintenant - timedelta(seconds=1),
    )
    college.scrutin_clore(scrutin=scrutin, acteur=None)
    Scrutin.objects.filter(pk=scrutin.pk).update(
        ouverture=ouverture, ouvert_le=ouverture, cloture=cloture, clos_le=cloture
    )
    g.datation.dater(cloture)
    scrutin.refresh_from_db()
    return scrutin


def scrutins_d_une_annee(
    g: Gouvernance,
    annee: int,
    reunions: dict[int, list[Reunion]],
    *,
    deliberations: int,
    elections: int,
    hasard: random.Random,
) -> list[Scrutin]:
    """Des délibérations sur les points de décision des plénières de l'année (le scrutin de la
    séance), des élections aux groupes de travail ; toutes closes et dépouillées."""
    points = [
        point
        for instance in (g.conseil, g.college)
        for reunion in reunions.get(instance.pk, [])
        for point in reunion.points.filter(nature=NaturePoint.DECISION)
    ]
    hasard.shuffle(points)
    scrutins = []
    for point in points[:deliberations]:
        reunion = point.reunion
        ouvre, clot = fenetre_de_vote()
        scrutin = college.scrutin_creer(
            acteur=g.secretariat,
            instance=reunion.instance,
            type_scrutin=TypeScrutin.DELIBERATION,
            titre=f"{point.titre} ({reunion.titre})",
            ouverture=ouvre,
            cloture=clot,
            reunion=reunion,
            objet=point,
        )
        college.scrutin_ouvrir(scrutin=scrutin, acteur=g.secretariat)
        scrutins.append(
            scrutin_depouille(
                g, scrutin, ouverture=reunion.debut, cloture=reunion.debut + timedelta(hours=1), hasard=hasard
            )
        )
    # Seul un membre à voix délibérative se porte candidat.
    votants = [m.personne for m in college.membres_votants(g.college, timezone.localdate())]
    for rang in range(elections):
        ouvre, clot = fenetre_de_vote()
        sieges = 1 + rang % 3
        scrutin = college.scrutin_creer(
            acteur=g.secretariat,
            instance=g.college,
            type_scrutin=TypeScrutin.ELECTION,
            titre=f"Élection au groupe de travail n° {rang % len(g.groupes) + 1}",
            ouverture=ouvre,
            cloture=clot,
            sieges=sieges,
        )
        for personne in hasard.sample(votants, min(len(votants), sieges + hasard.randint(1, 3))):
            college.candidature_declarer(
                scrutin=scrutin,
                personne=personne,
                acteur=g.secretariat,
                date_naissance=date(1960 + hasard.randint(0, 30), 5, 1),
            )
        college.scrutin_ouvrir(scrutin=scrutin, acteur=g.secretariat)
        ouverture = a_paris(jour_de(hasard, annee, 5, 350), 9)
        scrutins.append(
            scrutin_depouille(
                g, scrutin, ouverture=ouverture, cloture=ouverture + timedelta(days=7), hasard=hasard
            )
        )
    return scrutins


def discussions_d_une_annee(g: Gouvernance, annee: int, nombre: int, *, hasard: random.Random) -> None:
    """Des discussions du Collège (`discussion_ouvrir`) et leurs commentaires (`commentaire_publier`)."""
    from college.models import Commentaire, Discussion

    for rang in range(nombre):
        quand = a_paris(jour_de(hasard, annee, 0, 350), 10)
        discussion = college.discussion_ouvrir(
            instance=g.college,
            titre=f"Préparation de l'avis n° {rang + 1} : organisation des soins non programmés",
            acteur=hasard.choice(g.membres_college),
            texte="Comment organiser les soins non programmés dans les pôles ruraux ?",
        )
        for _ in range(hasard.randint(2, 8)):
            college.commentaire_publier(
                discussion=discussion,
                auteur=hasard.choice(g.membres_college),
                texte="Je partage l'analyse ; il faudrait associer la CPTS au pilotage.",
            )
        Discussion.objects.filter(pk=discussion.pk).update(cree_le=quand)
        Commentaire.objects.filter(discussion=discussion).update(cree_le=quand + timedelta(hours=2))
        g.datation.dater(quand)


# --- Les demandes de financement (financements.services) ---------------------------------

# Les états d'une demande déposée, avec leur part sur 2 000.
ETATS = (
    (StatutDemande.DEPOSEE, 100),
    (StatutDemande.EN_INSTRUCTION, 150),
    (StatutDemande.COMPLEMENTS, 80),
    (StatutDemande.AVIS, 120),
    (StatutDemande.ACCORDEE, 250),
    (StatutDemande.REFUSEE, 180),
    (StatutDemande.CLASSEE, 70),
    (StatutDemande.RETIREE, 50),
    (StatutDemande.CONVENTIONNEE, 300),
    (StatutDemande.EN_PAIEMENT, 400),
    (StatutDemande.SOLDEE, 300),
)
DECIDEES = frozenset(
    {
        StatutDemande.ACCORDEE,
        StatutDemande.REFUSEE,
        StatutDemande.CLASSEE,
        StatutDemande.CONVENTIONNEE,
        StatutDemande.EN_PAIEMENT,
        StatutDemande.SOLDEE,
    }
)
ACCORDEES = DECIDEES - {StatutDemande.REFUSEE, StatutDemande.CLASSEE}
# Les étapes franchies après le dépôt jusqu'à chaque état (chacune prend 10 à 35 jours).
ETAPES: dict[str, int] = {
    StatutDemande.DEPOSEE: 0,
    StatutDemande.EN_INSTRUCTION: 1,
    StatutDemande.RETIREE: 2,
    StatutDemande.COMPLEMENTS: 2,
    StatutDemande.AVIS: 2,
    StatutDemande.ACCORDEE: 3,
    StatutDemande.REFUSEE: 3,
    StatutDemande.CLASSEE: 3,
    StatutDemande.CONVENTIONNEE: 4,
    StatutDemande.EN_PAIEMENT: 5,
    StatutDemande.SOLDEE: 6,
}


def etats_tires(nombre: int, hasard: random.Random) -> list[str]:
    """`nombre` états finals, dans les proportions de `ETATS`."""
    total = sum(part for _etat, part in ETATS)
    etats: list[str] = []
    for etat, part in ETATS:
        etats += [etat] * max(1, round(part * nombre / total))
    hasard.shuffle(etats)
    return etats[:nombre]


class _Demandes:
    def __init__(self, g: Gouvernance, annee: int, hasard: random.Random) -> None:
        self.g, self.annee, self.hasard = g, annee, hasard
        self.communes = list(Commune.objects.filter(pole__isnull=False).only("pk", "nom")) or [
            CommuneFactory() for _ in range(3)
        ]
        self.besoins = list(BesoinTerritoire.objects.filter(actif=True)) or [
            BesoinFactory() for _ in range(3)
        ]
        fiches = list(
            Professionnel.objects.filter(actif=True, compte__isnull=True).only(
                "pk", "profession_id", "actif"
            )[:5000]
        )
        if len({f.profession_id for f in fiches}) < 2 or len(fiches) < 6:
            fiches.append(
                ProfessionnelFactory.create(profession=ProfessionFactory(code="60", libelle="Infirmier"))
            )
            fiches += [ProfessionnelFactory.create() for _ in range(5)]
        self.fiches = fiches
        self.plafond = Decimal(settings.FINANCEMENTS_PLAFOND_AGGLOMERATION)

    def _equipe(self, porteur_profession: int | None) -> list[Professionnel]:
        """Deux fiches, dont une d'une autre profession que le porteur."""
        autres = [f for f in self.fiches if f.profession_id != porteur_profession]
        premier = self.hasard.choice(autres)
        second = self.hasard.choice(self.fiches)
        return [premier] if second.pk == premier.pk else [premier, second]

    def brouillon(self, quand: datetime) -> DemandeFinancement:
        h = self.hasard
        porteur = h.choice(self.g.porteurs)
        commune = h.choice(self.communes)
        demande = financements.demande_creer(
            porteur=porteur,
            intitule=h.choice(INTITULES).format(commune=commune.nom),
            type_demande=h.choice(
                (TypeDemande.ETUDE,) * 9 + (TypeDemande.INGENIERIE,) * 8 + (TypeDemande.AUTRE,) * 3
            ),
            description="Étude et ingénierie d'un projet d'exercice coordonné du territoire.",
            commune=commune,
        )
        fiche = Professionnel.objects.filter(compte=porteur).values_list("profession_id", flat=True).first()
        for professionnel in self._equipe(fiche):
            financements.equipe_ajouter(demande=demande, acteur=porteur, professionnel=professionnel)
        financements.demande_modifier(
            demande=demande,
            acteur=porteur,
            besoins=h.sample(self.besoins, min(len(self.besoins), h.randint(1, 2))),
            engagement_stages=True,
            engagement_stages_detail="Accueil d'un interne en médecine générale.",
        )
        budget = _euros(h.uniform(15_000, 220_000))
        tiers = (budget // 3).quantize(Decimal("0.01"))
        financements.depenses_enregistrer(
            demande=demande,
            acteur=porteur,
            lignes=[
                ("Prestation du cabinet d'études", tiers),
                ("Temps de coordination", tiers),
                ("Frais divers", budget - 2 * tiers),
            ],
        )
        # Le plan équilibré : l'agglomération (sous son plafond), un à trois autres financeurs,
        # l'autofinancement pour le reste.
        agglo = min(self.plafond, _euros(float(budget) * h.uniform(0.25, 0.5)))
        montants = {Financeur.AGGLOMERATION: agglo}
        reste = budget - agglo
        for financeur in h.sample(
            [Financeur.ARS, Financeur.DEPARTEMENT, Financeur.URML, Financeur.REGION], h.randint(1, 3)
        ):
            montant = min(reste, _euros(float(budget) * h.uniform(0.1, 0.25)))
            if montant <= 0:
                break
            montants[financeur] = montant
            reste -= montant
        if reste > 0:
            montants[Financeur.AUTOFINANCEMENT] = reste
        financements.plan_enregistrer(demande=demande, acteur=porteur, montants=montants)
        for nature in PIECES_EXIGEES:
            financements.piece_deposer(
                demande=demande, acteur=porteur, nature=nature, fichier=_fichier(nature)
            )
        self.g.datation.dater(quand)
        demande.refresh_from_db()
        return demande

    def engagements(self, demande: DemandeFinancement, agent: Any) -> None:
        """Ce que les autres financeurs ont décidé (`engagement_enregistrer`)."""
        h = self.hasard
        for ligne in demande.financements.exclude(
            financeur__in=(Financeur.AGGLOMERATION, Financeur.AUTOFINANCEMENT)
        ):
            statut = h.choice(
                (StatutEngagement.SOLLICITE, StatutEngagement.ACCORDE, StatutEngagement.ACCORDE,
                 StatutEngagement.REFUSE, StatutEngagement.VERSE)
            )  # fmt: skip
            decide = statut != StatutEngagement.SOLLICITE
            financements.engagement_enregistrer(
                ligne=ligne,
                acteur=agent,
                statut_engagement=statut,
                montant_decide=(Decimal("0.00") if statut == StatutEngagement.REFUSE else ligne.montant)
                if decide
                else None,
                decide_le=jour_de(h, self.annee, 60, 330) if decide else None,
            )

    def demande(self, etat: str, *, voter: bool) -> DemandeFinancement:
        """Une demande déposée dans l'année, menée jusqu'à `etat` par les services."""
        h, g, annee = self.hasard, self.g, self.annee
        etapes = ETAPES[etat]
        depot = jour_de(h, annee, 12, 360 - 36 * etapes)
        jalons = [depot]
        for _ in range(etapes):
            jalons.append(jalons[-1] + timedelta(days=h.randint(10, 35)))
        demande = self.brouillon(a_paris(depot - timedelta(days=10), 10))
        demande = financements.demande_deposer(
            demande=demande, acteur=demande.porteur, version=demande.version
        )
        depose_le = a_paris(depot, 11)
        DemandeFinancement.objects.filter(pk=demande.pk).update(
            deposee_le=depose_le, numero=f"FIN-{annee}-{demande.pk:05d}"
        )
        g.datation.dater(depose_le)
        if etat == StatutDemande.DEPOSEE:
            return demande
        agent = h.choice(g.agents)
        demande = financements.instructeur_designer(
            demande=demande, acteur=agent, instructeur=agent, version=demande.version
        )
        g.datation.dater(a_paris(jalons[1], 9))
        if etat == StatutDemande.EN_INSTRUCTION:
            return demande
        if etat == StatutDemande.RETIREE:
            demande = financements.demande_retirer(
                demande=demande,
                acteur=demande.porteur,
                version=demande.version,
                motif="Projet repris par la CPTS.",
            )
            g.datation.dater(a_paris(jalons[2], 17))
            return demande
        if etat == StatutDemande.COMPLEMENTS:
            demande = financements.demande_transition(
                demande=demande,
                vers=StatutDemande.COMPLEMENTS,
                acteur=agent,
                version=demande.version,
                motif="Merci de joindre le devis détaillé du bureau d'études.",
            )
            g.datation.dater(a_paris(jalons[2], 15))
            return demande
        # L'avis du Collège : un scrutin ouvert par le service, dépouillé avant la décision.
        demande = financements.avis_demander(demande=demande, acteur=agent, version=demande.version)
        assert demande.scrutin is not None
        cloture = a_paris(jalons[2], 18)
        scrutin_depouille(
            g,
            demande.scrutin,
            ouverture=cloture - timedelta(days=7),
            cloture=cloture,
            hasard=h,
            votants=(0.45, 0.95) if voter else (0.0, 0.0),
        )
        demande.refresh_from_db()
        if etat == StatutDemande.AVIS:
            return demande
        decidee_le = a_paris(jalons[3], 15)
        if etat == StatutDemande.CLASSEE:
            decision: dict[str, Any] = {
                "decision": StatutDemande.CLASSEE,
                "motif": "Hors du champ de l'aide.",
            }
        elif etat == StatutDemande.REFUSEE:
            decision = {
                "decision": StatutDemande.REFUSEE,
                "motifs_refus": "Le projet ne répond pas aux besoins du diagnostic local.",
                "voies_recours": "Recours gracieux ou contentieux dans un délai de deux mois.",
            }
        else:
            agglo = demande.financements.get(financeur=Financeur.AGGLOMERATION).montant
            decision = {
                "decision": StatutDemande.ACCORDEE,
                "montant_accorde": _euros(float(agglo) * h.uniform(0.8, 1.0)),
                "conditions": "Accueillir au moins un stagiaire par an pendant trois ans.",
            }
        demande = financements.demande_decider(
            demande=demande, acteur=agent, version=demande.version, **decision
        )
        DemandeFinancement.objects.filter(pk=demande.pk).update(decidee_le=decidee_le)
        LigneFinancement.objects.filter(demande=demande, financeur=Financeur.AGGLOMERATION).update(
            decide_le=jalons[3]
        )
        self.engagements(demande, agent)
        g.datation.dater(decidee_le)
        demande.refresh_from_db()
        if etapes < 4:
            return demande
        demande = financements.convention_signee_deposer(
            demande=demande,
            acteur=agent,
            fichier=_fichier("convention-signee"),
            signee_le=jalons[4],
            version=demande.version,
        )
        g.datation.dater(a_paris(jalons[4], 16))
        for ordre in range(1, etapes - 3):
            if ordre == 2:
                financements.piece_deposer(
                    demande=demande,
                    acteur=demande.porteur,
                    nature=NaturePiece.RAPPORT_FINAL,
                    fichier=_fichier("rapport-final"),
                )
            demande.refresh_from_db()
            financements.tranche_verser(
                tranche=demande.tranches.get(ordre=ordre),
                acteur=agent,
                versee_le=jalons[4 + ordre],
                reference_mandat=f"M-{annee}-{demande.pk}-{ordre}",
                version=demande.version,
            )
            g.datation.dater(a_paris(jalons[4 + ordre], 16))
        demande.refresh_from_db()
        if demande.soldee_le is not None:
            DemandeFinancement.objects.filter(pk=demande.pk).update(soldee_le=a_paris(jalons[-1], 16))
            demande.refresh_from_db()
        return demande


def demandes_d_une_annee(
    g: Gouvernance, annee: int, *, nombre: int, avis_votes: int, hasard: random.Random
) -> list[DemandeFinancement]:
    """`nombre` demandes déposées dans l'année, à tous les états (`ETATS`), et quelques
    brouillons. Toute demande décidée est passée par l'avis du Collège ; `avis_votes` de ces
    avis reçoivent des bulletins, les autres sont clos sans votant."""
    fabrique = _Demandes(g, annee, hasard)
    demandes = []
    votes = 0
    for etat in etats_tires(nombre, hasard):
        avec_avis = etat in DECIDEES or etat == StatutDemande.AVIS
        voter = avec_avis and votes < avis_votes
        votes += voter
        demandes.append(fabrique.demande(etat, voter=voter))
    for _ in range(max(1, nombre // 50)):
        fabrique.brouillon(a_paris(jour_de(hasard, annee, 300, 360), 10))
    return demandes


def annee_chargee(
    g: Gouvernance,
    annee: int,
    *,
    demandes: int,
    seances: tuple[int, int, int],
    scrutins: tuple[int, int, int],
    hasard: random.Random,
) -> None:
    """Une année : `seances` (plénières du Conseil, du Collège, réunions de groupe), le
    programme, `demandes` demandes déposées, `scrutins` (avis avec bulletins, délibérations,
    élections), des discussions du Collège."""
    avis, deliberations, elections = scrutins
    reunions = seances_d_une_annee(
        g, annee, conseil_=seances[0], college_=seances[1], groupes=seances[2], hasard=hasard
    )
    programme_d_une_annee(g, annee, reunions, hasard=hasard)
    demandes_d_une_annee(g, annee, nombre=demandes, avis_votes=avis, hasard=hasard)
    scrutins_d_une_annee(g, annee, reunions, deliberations=deliberations, elections=elections, hasard=hasard)
    discussions_d_une_annee(g, annee, max(2, demandes // 40), hasard=hasard)
