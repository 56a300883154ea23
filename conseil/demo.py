"""Le Conseil de santé de démonstration, construit par les vrais services.

Le Conseil de santé du Cotentin (co-présidé par le vice-président de l'agglomération et la
représentante du Collège), le Collège des professionnels et ses cinq catégories (titulaires
et suppléants, sièges numérotés), trois groupes de travail sur les axes II, III et IV du
plan d'action (un co-pilote de l'agglomération, un co-pilote professionnel, des livrables).

L'année passée (celle dont la démonstration montre le bilan annuel) est une année pleine :
la séance d'installation en février (qui crée les groupes et adopte le programme de l'année),
les plénières de juin et de décembre (celle-ci adopte le programme de l'année en cours), deux
réunions de chaque groupe de travail, des livrables livrés, livrés en retard ou inachevés.
Cette année, les plénières de mars (qui adopte le bilan de l'année passée) et d'octobre
quand elles sont passées, la prochaine plénière convoquée et une réunion de groupe à venir.
Chaque séance passée est close (quorum figé), son procès-verbal adopté à la séance suivante
de la même instance et archivé en PDF ; le dernier attend la prochaine.

Les comptes de démonstration (comptes/demo.py) y siègent : la co-présidente, le membre du
Collège (convoqué à la prochaine plénière : il a une réponse à donner), la professionnelle,
le secrétariat qui tient le registre et l'agente co-pilote d'un groupe. Les autres membres
sont des figurants sans mot de passe (adresses `@demo.cotentin-sante.fr`). Les dates se
calculent depuis le jour du chargement (l'année passée : `timezone.localdate().year - 1`).
Tout est marqué `demo`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import slugify

from comptes.demo import COMPTES_DEMO
from comptes.models import Utilisateur
from comptes.roles import GROUPES as GROUPES_DES_ROLES
from conseil import services
from conseil.models import (
    CategorieCollege,
    GroupeDeTravail,
    Instance,
    Livrable,
    Mandat,
    NaturePoint,
    ObjectifProgramme,
    Participation,
    Presence,
    ProcesVerbal,
    Procuration,
    ProgrammeDeTravail,
    Reponse,
    Reunion,
    RoleMandat,
    StatutReunion,
    TypeInstance,
)
from conseil.tasks import archiver_proces_verbal, envoyer_convocation
from conseil.workflows import PROCES_VERBAL_ADOPTE, REUNION_CLOSE
from socle.francais import date_longue
from socle.models import Notification
from socle.pdf import pdf_simple
from socle.services import document_deposer
from territoire.models import Axe, Structure

DOMAINE_FIGURANTS = "demo.cotentin-sante.fr"


@dataclass(frozen=True)
class Figurant:
    cle: str
    prenom: str
    nom: str
    qualite: str
    structure: str = ""  # nom d'une structure du territoire de démonstration
    personnel: bool = False  # agent de l'agglomération

    @property
    def email(self) -> str:
        return f"{slugify(self.prenom)}.{slugify(self.nom)}@{DOMAINE_FIGURANTS}"


# Les comptes de comptes/demo.py qui siègent, par clé.
COMPTES = {
    "lecoq": "copresident@demo.cotentin.fr",
    "guerin": "membre.college@demo.cotentin.fr",
    "marie": "professionnel@demo.cotentin.fr",
    "secretariat": "secretariat@demo.cotentin.fr",
    "agent": "agent@demo.cotentin.fr",
}

# fmt: off
FIGURANTS = (
    Figurant("hebert", "Gilles", "Hébert", "vice-président de l'agglomération chargé de la santé"),
    Figurant("rouxel", "Hélène", "Rouxel", "présidente de la CME", "CH PUBLIC DU COTENTIN"),
    Figurant("lemonnier", "Thomas", "Lemonnier", "praticien hospitalier, urgences", "CH PUBLIC DU COTENTIN"),
    Figurant("fleury", "Olivier", "Fleury", "chirurgien orthopédiste", "POLYCLINIQUE DU COTENTIN"),
    Figurant("lecluse", "Jacques", "Lecluse", "praticien hospitalier", "POLYCLINIQUE DU COTENTIN"),
    Figurant("besnard", "Camille", "Besnard", "médecin généraliste salariée", "CENTRE DE SANTE DE CHERBOURG"),
    Figurant("ferey", "Nadia", "Férey", "infirmière coordinatrice", "CENTRE DE SANTE DE CHERBOURG"),
    Figurant("gosselin", "Isabelle", "Gosselin", "sage-femme salariée", "CENTRE DE SANTE DE CHERBOURG"),
    Figurant("lebrun", "Antoine", "Lebrun", "médecin généraliste", "PSLA DES PIEUX"),
    Figurant("hamon", "Céline", "Hamon", "pharmacienne d'officine", "PHARMACIE CENTRALE DE VALOGNES"),
    Figurant("lepetit", "Sylvie", "Lepetit", "directrice d'EHPAD", "EHPAD LES JARDINS DE VALOGNES"),
    Figurant("duval", "Franck", "Duval", "médecin coordonnateur d'EHPAD", "EHPAD LE GRAND JARDIN"),
    Figurant("leroux", "Martine", "Leroux", "infirmière coordinatrice de SSIAD", "SSIAD DU COTENTIN"),
    Figurant("quesnel", "Laurent", "Quesnel", "président de la CPTS", "CPTS du Cotentin"),
    Figurant("picot", "Émilie", "Picot", "coordinatrice de la CPTS", "CPTS du Cotentin"),
    Figurant("savary", "Delphine", "Savary", "responsable du DAC", "DAC Manche – antenne du Cotentin"),
    Figurant("lerouge", "Yannick", "Lerouge", "délégué départemental de l'ARS",
             "ARS Normandie – délégation départementale de la Manche"),
    Figurant("lefevre", "Sandrine", "Lefèvre", "directrice de la CPAM", "CPAM de la Manche"),
    Figurant("leterrier", "Marie-Claire", "Leterrier", "conseillère départementale de la Manche"),
    Figurant("vautier", "Patrick", "Vautier", "élu de l'URML", "URML Normandie"),
    Figurant("lemarinel", "Nathalie", "Lemarinel", "conseillère communautaire déléguée à la prévention"),
    Figurant("lecanu", "Romain", "Lecanu", "chargé de mission télésanté", personnel=True),
    Figurant("tiphaigne", "Aurélie", "Tiphaigne", "chargée de mission prévention", personnel=True),
)

# Le Collège : (siège, catégorie, titulaire, suppléant). Deux sièges par catégorie.
COLLEGE = (
    (1, CategorieCollege.ETABLISSEMENTS_HOSPITALIERS, "rouxel", "lemonnier"),
    (2, CategorieCollege.ETABLISSEMENTS_HOSPITALIERS, "fleury", None),
    (3, CategorieCollege.EXERCICE_SALARIE, "besnard", "ferey"),
    (4, CategorieCollege.EXERCICE_SALARIE, "gosselin", None),
    (5, CategorieCollege.LIBERAUX_PSLA, "lecoq", "lebrun"),
    (6, CategorieCollege.LIBERAUX_PSLA, "guerin", "hamon"),
    (7, CategorieCollege.MEDICO_SOCIAL, "lepetit", "duval"),
    (8, CategorieCollege.MEDICO_SOCIAL, "leroux", None),
    (9, CategorieCollege.COORDINATION, "quesnel", "picot"),
    (10, CategorieCollege.COORDINATION, "savary", None),
)
# Les membres du Conseil qui ne viennent pas du Collège : institutions et élus.
INSTITUTIONS = ((11, "lerouge"), (12, "lefevre"), (13, "leterrier"), (14, "vautier"), (15, "lemarinel"))

# Les groupes de travail : (nom, axe, mission, co-pilote de l'agglomération, co-pilote
# professionnel, membres). Sophie Marie, infirmière, y est associée comme professionnelle
# pilote (le plan d'action cite les infirmiers et pharmaciens pour la télésanté).
GROUPES = (
    ("Groupe de travail Attractivité et installation", Axe.DEMOGRAPHIE,
     "Accueillir les internes et les jeunes professionnels, repérer les cabinets à reprendre, "
     "accompagner les projets d'installation et de regroupement (axe II du plan d'action).",
     "agent", "lebrun", ("guerin", "besnard", "fleury", "ferey")),
    ("Groupe de travail Coopération et télésanté", Axe.COOPERATION,
     "Dresser l'état des lieux des relations entre médecine de ville, hôpital et médico-social, "
     "former aux protocoles de coopération et diffuser la télésanté (axe III).",
     "lecanu", "hamon", ("marie", "lemonnier", "quesnel", "leroux")),
    ("Groupe de travail Prévention", Axe.PREVENTION,
     "Faire connaître les dispositifs de prévention et diffuser les bonnes pratiques à l'échelle "
     "des pôles de proximité (axe IV).",
     "tiphaigne", "gosselin", ("lepetit", "savary", "picot", "lemarinel")),
)

# Les objectifs du programme de l'année, un par groupe (dans l'ordre de GROUPES).
OBJECTIFS = (
    ("Faciliter l'accueil et l'installation des professionnels de santé",
     "Un guide d'accueil, la carte des cabinets à reprendre et un programme de tutorat."),
    ("Renforcer la coopération ville–hôpital et le recours à la télésanté",
     "Un état des lieux partagé, puis deux ou trois chantiers prioritaires."),
    ("Diffuser une culture de la prévention dans les pôles de proximité",
     "Recenser ce qui existe et outiller les pôles pour le généraliser."),
)

# Les livrables : (groupe, titre, échéance en jours depuis aujourd'hui, avancement).
LIVRABLES = (
    (0, "Guide d'accueil des internes et des jeunes professionnels", -60, 100),
    (0, "Cartographie des cabinets vacants et des projets d'installation", 45, 60),
    (0, "Programme de tutorat des étudiants en santé", 150, 20),
    (1, "État des lieux des relations ville–hôpital–médico-social", -20, 70),  # en retard
    (1, "Offre de formation aux protocoles de coopération et à la télésanté", 90, 30),
    (1, "Cahier des charges d'un système d'information partagé", 240, 0),
    (2, "Recensement des actions de prévention par pôle de proximité", 30, 80),
    (2, "Kit de bonnes pratiques de prévention pour les pôles", 200, 10),
)

# Le programme de l'année passée, le premier du Conseil : un objectif par groupe.
OBJECTIFS_ANNEE_PASSEE = (
    ("Accueillir les internes et recenser les maîtres de stage",
     "Un annuaire des maîtres de stage du territoire et une journée d'accueil des internes."),
    ("Connaître les pratiques de coopération et de télésanté du territoire",
     "Recenser les outils utilisés et proposer un protocole de sortie d'hospitalisation."),
    ("Faire connaître les actions de prévention existantes",
     "Un calendrier partagé des actions et une première journée de prévention dans un pôle."),
)

# Ses livrables : (groupe, titre, échéance (mois, jour), avancement, livré le (mois, jour)).
LIVRABLES_ANNEE_PASSEE = (
    (0, "Annuaire des maîtres de stage du Cotentin", (6, 30), 100, (6, 12)),
    (0, "Journée d'accueil des internes", (11, 20), 100, (11, 20)),
    (1, "Recensement des outils de télésanté du territoire", (9, 30), 100, (10, 17)),  # livré en retard
    (1, "Protocole de sortie d'hospitalisation", (12, 15), 60, None),  # inachevé
    (2, "Calendrier partagé des actions de prévention", (5, 31), 100, (5, 26)),
    (2, "Première journée de prévention dans un pôle de proximité", (12, 31), 30, None),  # inachevé
)

# Les réunions des groupes l'année passée : (groupe, jour (mois, jour), lieu, points (titre,
# nature, exposé, suite donnée), excusés, absents). Le compte rendu de la première est adopté
# à la seconde.
LIEUX_DES_GROUPES = (
    "Maison de santé pluriprofessionnelle de Bricquebec-en-Cotentin",
    "Centre hospitalier public du Cotentin, salle du conseil de surveillance",
    "Pôle de proximité de Valognes, salle du conseil",
)
ReunionDeGroupe = tuple[int, tuple[int, int], tuple[tuple[str, str, str, str], ...], set[str], set[str]]
REUNIONS_DE_GROUPE: tuple[ReunionDeGroupe, ...] = (
    (0, (3, 16), (
        ("Feuille de route du groupe", "debat", "Les co-pilotes proposent trois chantiers pour l'année.",
         "Le groupe retient l'annuaire des maîtres de stage et la journée d'accueil des internes."),
        ("Annuaire des maîtres de stage : recensement", "information", "",
         "Recensement lancé auprès des maisons de santé et des cabinets libéraux ; retours attendus en mai."),
    ), {"fleury"}, set()),
    (1, (4, 13), (
        ("Feuille de route du groupe", "debat", "",
         "Le groupe recense d'abord les outils de télésanté et les pratiques de sortie d'hospitalisation."),
        ("Questionnaire aux professionnels de ville", "information", "",
         "Le questionnaire part en mai aux médecins, infirmiers et pharmaciens du territoire."),
    ), {"lemonnier"}, set()),
    (2, (5, 18), (
        ("Feuille de route du groupe", "debat", "",
         "Le groupe dresse d'abord la carte des actions de prévention existantes, pôle par pôle."),
        ("Calendrier partagé des actions de prévention", "information", "",
         "Un calendrier commun, tenu par la chargée de mission prévention, sera diffusé fin mai."),
    ), {"lemarinel"}, set()),
    (2, (9, 28), (
        ("Octobre rose et Mois sans tabac", "information", "",
         "Les pôles de proximité relaient les deux campagnes ; la CPTS coordonne les stands."),
        ("Journées de prévention dans les pôles", "debat", "",
         "Une première journée dans le pôle des Pieux en décembre ; les autres pôles suivront."),
    ), set(), {"picot"}),
    (0, (10, 5), (
        ("Annuaire des maîtres de stage : bilan de la mise en ligne", "information", "",
         "L'annuaire, en ligne depuis juin, recense les maîtres de stage des dix pôles de proximité."),
        ("Journée d'accueil des internes de novembre", "debat", "",
         "Programme arrêté : visite des pôles, rencontre avec les élus et les maisons de santé."),
    ), {"ferey"}, set()),
    (1, (11, 16), (
        ("Résultats du questionnaire sur la télésanté", "information", "",
         "212 réponses : la télé-expertise est connue de la moitié des médecins, utilisée par un sur cinq."),
        ("Protocole de sortie d'hospitalisation", "debat", "",
         "Le projet est amendé ; il sera repris dans le programme de l'an prochain."),
    ), {"quesnel"}, set()),
)
# fmt: on

HOTEL_COMMUNAUTAIRE = "Hôtel communautaire, 8 rue des Vindits, Cherbourg-en-Cotentin"
BILAN_ANNUEL = "Adoption du bilan annuel"  # le point où le Conseil adopte le bilan (bilan/demo.py)


@dataclass(frozen=True)
class Presences:
    """Qui s'excuse, qui donne procuration (mandant → mandataire), qui manque sans prévenir ;
    les autres membres à voix délibérative viennent. Un suppléant vient quand son titulaire
    ne vient pas."""

    excuses: frozenset[str] = frozenset()
    procurations: tuple[tuple[str, str], ...] = ()
    absents: frozenset[str] = frozenset()
    sans_reponse: frozenset[str] = frozenset()


def _jour_ouvre(jour: date) -> date:
    """Le lundi suivant pour un samedi ou un dimanche."""
    return jour + timedelta(days=7 - jour.weekday()) if jour.weekday() >= 5 else jour


def _a(jour: date, heure: int) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(heure)))


def _seance_pleniere(jour: date) -> str:
    """« Séance plénière de juin 2025 », « … d'octobre 2026 »."""
    mois = date_format(jour, "F Y")
    return f"Séance plénière d'{mois}" if mois[0] in "aeiou" else f"Séance plénière de {mois}"


def _date(jour: date | datetime) -> str:
    return date_longue(jour)


class _Chargement:
    """Le Conseil de démonstration, étape par étape ; `acteur` est le secrétariat."""

    def __init__(self) -> None:
        self.aujourd_hui = timezone.localdate()
        delai = services.delai_convocation_jours()
        # La prochaine plénière et la prochaine réunion de groupe, convoquées dans les délais.
        self.prochaine = _jour_ouvre(self.aujourd_hui + timedelta(days=delai + 12))
        self.reunion_de_groupe = _jour_ouvre(self.aujourd_hui + timedelta(days=delai + 4))
        # L'année passée, pleine (installation, juin, décembre) ; cette année, mars et octobre
        # quand ils sont passés d'au moins dix jours (avant, la prochaine plénière en tient lieu).
        self.annee = self.aujourd_hui.year - 1
        annee, courante = self.annee, self.annee + 1
        self.plenieres = [_jour_ouvre(date(annee, mois, jour)) for mois, jour in ((2, 9), (6, 22), (12, 7))]
        self.plenieres += [
            jour
            for jour in (_jour_ouvre(date(courante, 3, 22)), _jour_ouvre(date(courante, 10, 12)))
            if jour <= self.aujourd_hui - timedelta(days=10)
        ]
        self.installation = self.plenieres[0] - timedelta(days=30)
        # Les séances passées se préparent à ces dates à venir, puis reprennent leur date.
        self.provisoire = self.aujourd_hui + timedelta(days=delai + 60)
        self.personnes: dict[str, Any] = {}
        self.figurants = {f.cle: f for f in FIGURANTS}

    # --- Comptes -------------------------------------------------------------------

    def comptes(self) -> None:
        par_email = {c.email: c for c in COMPTES_DEMO}
        for cle, email in COMPTES.items():
            compte = par_email[email]
            self.personnes[cle] = _compte(
                email, compte.prenom, compte.nom, personnel=compte.personnel, roles=compte.roles
            )
        for figurant in FIGURANTS:
            self.personnes[figurant.cle] = _compte(
                figurant.email,
                figurant.prenom,
                figurant.nom,
                personnel=figurant.personnel,
                roles=("agent",) if figurant.personnel else (),
            )
        self.cles = {p.pk: cle for cle, p in self.personnes.items()}
        self.acteur = self.personnes["secretariat"]

    # --- Instances et mandats ---------------------------------------------------------

    def instances(self) -> None:
        self.conseil = Instance.objects.create(
            nom="Conseil de santé du Cotentin",
            type_instance=TypeInstance.CONSEIL,
            description=(
                "Instance de gouvernance conjointe des questions de santé entre l'agglomération du "
                "Cotentin et les professionnels du territoire. Co-animée par le vice-président de "
                "l'agglomération et un professionnel de santé désigné par le Collège ; deux séances "
                "plénières par an adoptent le programme de travail puis en tirent le bilan."
            ),
            quorum_part=Decimal("0.50"),
            calendrier_public=True,
            demo=True,
        )
        self.college = Instance.objects.create(
            nom="Collège des professionnels",
            type_instance=TypeInstance.COLLEGE,
            description=(
                "Les représentants de l'ensemble des acteurs du soin du territoire : établissements "
                "hospitaliers, structures d'exercice salarié, professionnels libéraux et PSLA, "
                "opérateurs médico-sociaux, structures de coordination."
            ),
            demo=True,
        )
        self.groupes = []
        for nom, axe, mission, agent, professionnel, _membres in GROUPES:
            instance = Instance.objects.create(
                nom=nom,
                type_instance=TypeInstance.GROUPE,
                description=mission,
                # Un groupe de travail prépare, il ne délibère pas : ni quorum ni procuration.
                quorum_part=Decimal("0"),
                procurations_autorisees=False,
                demo=True,
            )
            self.groupes.append(
                GroupeDeTravail.objects.create(
                    instance=instance,
                    axe=axe,
                    mission=mission,
                    copilote_agglomeration=self.personnes[agent],
                    copilote_professionnel=self.personnes[professionnel],
                )
            )

    def _mandat(
        self,
        instance: Any,
        cle: str,
        role: str,
        debut: date,
        *,
        siege: int | None = None,
        categorie: str = "",
        fin: date | None = None,
        designation: str = "",
    ) -> Mandat:
        figurant = self.figurants.get(cle)
        structure = (
            Structure.objects.filter(nom=figurant.structure).first()
            if figurant and figurant.structure
            else None
        )
        mandat = Mandat(
            instance=instance,
            personne=self.personnes[cle],
            role=role,
            siege=siege,
            categorie=categorie,
            structure=structure,
            debut=debut,
            fin=fin,
            designation=designation,
            demo=True,
        )
        return services.mandat_enregistrer(mandat=mandat, acteur=self.acteur)

    def composition(self) -> None:
        college_designe = self.installation - timedelta(days=30)
        designation = f"désigné(e) par sa structure le {_date(college_designe)}"
        # Jacques Lecluse a quitté le Collège avant la première séance ; Olivier Fleury lui
        # a succédé sur le siège n°2.
        depart = self.installation - timedelta(days=10)
        self._mandat(
            self.college,
            "lecluse",
            RoleMandat.TITULAIRE,
            college_designe,
            siege=2,
            categorie=CategorieCollege.ETABLISSEMENTS_HOSPITALIERS,
            fin=depart,
            designation=designation,
        )
        for siege, categorie, titulaire, suppleant in COLLEGE:
            debut = depart + timedelta(days=1) if siege == 2 else college_designe
            for cle, role in ((titulaire, RoleMandat.TITULAIRE), (suppleant, RoleMandat.SUPPLEANT)):
                if cle is not None:
                    self._mandat(
                        self.college,
                        cle,
                        role,
                        debut,
                        siege=siege,
                        categorie=categorie,
                        designation=designation,
                    )

        installe = self.installation
        self._mandat(
            self.conseil,
            "hebert",
            RoleMandat.COPRESIDENT,
            installe,
            designation=f"vice-président délégué à la santé, désigné par le Conseil communautaire "
            f"le {_date(installe - timedelta(days=45))}",
        )
        self._mandat(
            self.conseil,
            "lecoq",
            RoleMandat.COPRESIDENT,
            installe,
            designation=f"représentante du Collège des professionnels, désignée par le Collège le "
            f"{_date(installe - timedelta(days=3))}",
        )
        for siege, _categorie, titulaire, suppleant in COLLEGE:
            if titulaire == "lecoq":  # co-présidente : son siège au Conseil est la co-présidence
                continue
            self._mandat(
                self.conseil,
                titulaire,
                RoleMandat.TITULAIRE,
                installe,
                siege=siege,
                designation="membre du Collège",
            )
            if suppleant is not None:
                self._mandat(
                    self.conseil,
                    suppleant,
                    RoleMandat.SUPPLEANT,
                    installe,
                    siege=siege,
                    designation="suppléant au Collège",
                )
        for siege, cle in INSTITUTIONS:
            self._mandat(
                self.conseil,
                cle,
                RoleMandat.TITULAIRE,
                installe,
                siege=siege,
                designation=self.figurants[cle].qualite,
            )
        self._mandat(
            self.conseil,
            "secretariat",
            RoleMandat.SECRETARIAT,
            installe,
            designation="Direction de la Santé et de l'Accès aux soins",
        )

        groupes_crees = self.plenieres[0] + timedelta(days=21)
        for groupe, (_nom, _axe, _mission, agent, professionnel, membres) in zip(
            self.groupes, GROUPES, strict=True
        ):
            instance = groupe.instance
            self._mandat(
                instance,
                agent,
                RoleMandat.ANIMATEUR,
                groupes_crees,
                designation="co-pilote pour l'agglomération",
            )
            self._mandat(
                instance,
                professionnel,
                RoleMandat.TITULAIRE,
                groupes_crees,
                designation=f"co-pilote professionnel, désigné par le Collège le {_date(groupes_crees)}",
            )
            for cle in membres:
                self._mandat(
                    instance,
                    cle,
                    RoleMandat.TITULAIRE,
                    groupes_crees,
                    designation=(
                        "professionnelle associée au groupe"
                        if cle == "marie"
                        else f"désigné(e) par le Collège le {_date(groupes_crees)}"
                    ),
                )

    # --- Programme et livrables ------------------------------------------------------------

    def programme(self) -> None:
        """Le programme de l'année passée et celui de cette année, un objectif par groupe."""
        self.programmes: list[ProgrammeDeTravail] = []
        self.objectifs: dict[int, list[ObjectifProgramme]] = {}
        for annee, objectifs, presentation in (
            (
                self.annee,
                OBJECTIFS_ANNEE_PASSEE,
                "Le premier programme du Conseil : chaque groupe de travail, créé à la séance "
                "d'installation, commence par un état des lieux et un premier livrable concret.",
            ),
            (
                self.annee + 1,
                OBJECTIFS,
                "Le programme confie à chaque groupe de travail un objectif tiré du plan d'action "
                "santé de l'agglomération ; les groupes en rendent compte à chaque séance plénière.",
            ),
        ):
            programme = ProgrammeDeTravail.objects.create(
                annee=annee, titre=f"Programme de travail {annee}", presentation=presentation, demo=True
            )
            self.programmes.append(programme)
            self.objectifs[annee] = [
                ObjectifProgramme.objects.create(
                    programme=programme,
                    ordre=ordre,
                    intitule=intitule,
                    description=description,
                    groupe=groupe,
                )
                for ordre, ((intitule, description), groupe) in enumerate(
                    zip(objectifs, self.groupes, strict=True), 1
                )
            ]

    def _livrable(
        self, annee: int, rang: int, titre: str, echeance: date, avancement: int, livre_le: date | None
    ) -> None:
        groupe = self.groupes[rang]
        livrable = Livrable.objects.create(
            groupe=groupe, objectif=self.objectifs[annee][rang], titre=titre, echeance=echeance, demo=True
        )
        if avancement:
            # Les co-pilotes tiennent l'avancement de leurs livrables.
            services.livrable_mettre_a_jour(
                livrable=livrable, acteur=groupe.copilote_agglomeration, avancement=avancement
            )
        if livre_le is not None:
            Livrable.objects.filter(pk=livrable.pk).update(livre_le=livre_le)

    def livrables(self) -> None:
        annee = self.annee
        for rang, titre, (mois, jour), avancement, livre in LIVRABLES_ANNEE_PASSEE:
            livre_le = date(annee, *livre) if livre else None
            self._livrable(annee, rang, titre, date(annee, mois, jour), avancement, livre_le)
        for rang, titre, jours, avancement in LIVRABLES:
            echeance = self.aujourd_hui + timedelta(days=jours)
            # Livré avant son échéance, avant le chargement de la démonstration.
            livre_le = echeance - timedelta(days=6) if avancement == 100 else None
            self._livrable(annee + 1, rang, titre, echeance, avancement, livre_le)

    # --- Séances ------------------------------------------------------------------------

    def _preparer(
        self, instance: Any, titre: str, debut: datetime, points: list[tuple[str, str, str]], **lieu: str
    ) -> Any:
        reunion = services.reunion_planifier(
            acteur=self.acteur,
            instance=instance,
            titre=titre,
            debut=debut,
            fin=debut + timedelta(hours=2),
            **lieu,
        )
        for titre_point, nature, expose in points:
            services.point_ajouter(
                reunion=reunion, acteur=self.acteur, titre=titre_point, expose=expose, nature=nature
            )
        return reunion

    def _repondre(self, reunion: Any, presences: Presences) -> None:
        mandants = dict(presences.procurations)
        for participation in reunion.participations.select_related("mandat", "personne"):
            cle = self._cle(participation.personne)
            if participation.mandat.role not in (RoleMandat.COPRESIDENT, RoleMandat.TITULAIRE):
                continue
            if cle in presences.absents or cle in presences.sans_reponse:
                continue
            if cle in mandants:
                services.procuration_donner(
                    reunion=reunion,
                    mandant=participation.personne,
                    mandataire=self.personnes[mandants[cle]],
                    acteur=participation.personne,
                )
            else:
                reponse = Reponse.EXCUSE if cle in presences.excuses else Reponse.PRESENT
                services.reponse_enregistrer(reunion=reunion, acteur=participation.personne, reponse=reponse)

    def _cle(self, personne: Any) -> str:
        return self.cles[personne.pk]

    def seance_passee(
        self,
        instance: Any,
        titre: str,
        jour: date,
        points: list[tuple[str, str, str, str]],
        presences: Presences,
        pendant: Any = None,
        *,
        heure: int = 18,
        lieu: str = HOTEL_COMMUNAUTAIRE,
    ) -> Any:
        """Une séance tenue puis close : préparée, convoquée, réponses, présences, suite donnée
        à chaque point, clôture (quorum figé), projet de procès-verbal."""
        self.provisoire += timedelta(days=1)
        reunion = self._preparer(
            instance,
            titre,
            _a(self.provisoire, heure),
            [(t, nature, expose) for t, nature, expose, _resultat in points],
            lieu=lieu,
        )
        services.convocation_envoyer(reunion=reunion, acteur=self.acteur)
        # La séance a eu lieu : préparée à une date à venir (convocation_envoyer refuse, à
        # juste titre, une séance passée), elle reprend ici sa vraie date. Les convocations
        # sont parties trois semaines avant : la tâche d'envoi n'aura plus rien à envoyer.
        debut = _a(jour, heure)
        convoquee_le = debut - timedelta(days=21)
        Reunion.objects.filter(pk=reunion.pk).update(
            debut=debut, fin=debut + timedelta(hours=2), convoquee_le=convoquee_le, demo=True
        )
        Participation.objects.filter(reunion=reunion).update(convoque_le=convoquee_le)
        reunion.refresh_from_db()
        self._repondre(reunion, presences)
        Participation.objects.filter(reunion=reunion).exclude(reponse="").update(
            repondu_le=convoquee_le + timedelta(days=5)
        )
        Procuration.objects.filter(reunion=reunion).update(donnee_le=convoquee_le + timedelta(days=5))

        services.reunion_changer_statut(reunion=reunion, acteur=self.acteur, vers=StatutReunion.TENUE)
        participations = list(reunion.participations.select_related("mandat", "personne"))
        manquent = presences.excuses | presences.absents
        sieges_a_remplacer = {
            p.mandat.siege
            for p in participations
            if p.mandat.role == RoleMandat.TITULAIRE and self._cle(p.personne) in manquent
        }
        mandants = dict(presences.procurations)
        lignes = []
        for participation in participations:
            cle = self._cle(participation.personne)
            mandataire_id = None
            if participation.mandat.role == RoleMandat.SUPPLEANT:
                presence = (
                    Presence.PRESENT if participation.mandat.siege in sieges_a_remplacer else Presence.EXCUSE
                )
            elif cle in presences.absents:
                presence = Presence.ABSENT
            elif cle in presences.excuses:
                presence = Presence.EXCUSE
            elif cle in mandants:
                presence, mandataire_id = Presence.REPRESENTE, self.personnes[mandants[cle]].pk
            else:
                presence = Presence.PRESENT
            lignes.append(services.LignePresence(participation.pk, presence, mandataire_id))
        services.presences_enregistrer(reunion=reunion, acteur=self.acteur, lignes=lignes)
        for point, (_titre, _nature, _expose, resultat) in zip(
            reunion.points.order_by("ordre"), points, strict=True
        ):
            services.point_modifier(point=point, acteur=self.acteur, resultat=resultat)
        if pendant is not None:
            pendant(reunion)
        services.reunion_changer_statut(reunion=reunion, acteur=self.acteur, vers=StatutReunion.CLOSE)
        # Prévenus de la clôture à l'époque : notifications lues, courriels partis.
        close_le = reunion.debut + timedelta(hours=3)
        Notification.objects.filter(verbe=REUNION_CLOSE.code, url=reunion.get_absolute_url()).update(
            creee_le=close_le, envoyee_le=close_le, lue_le=close_le + timedelta(days=1)
        )
        services.proces_verbal_rediger(reunion=reunion, acteur=self.acteur)
        reunion.refresh_from_db()
        return reunion

    def adopter_proces_verbal(self, seance: Any, adopte_en: Any) -> None:
        """Le procès-verbal de `seance` adopté pendant `adopte_en`, puis archivé en PDF par la
        tâche elle-même (appelée ici : la démonstration n'attend pas de worker)."""
        pv = ProcesVerbal.objects.get(reunion=seance)
        services.proces_verbal_adopter(pv=pv, adopte_en=adopte_en, acteur=self.acteur)
        adopte_le = adopte_en.debut + timedelta(minutes=20)
        ProcesVerbal.objects.filter(pk=pv.pk).update(adopte_le=adopte_le)
        # Les membres ont été prévenus à l'époque : notifications lues, courriels partis.
        Notification.objects.filter(verbe=PROCES_VERBAL_ADOPTE.code, url=pv.get_absolute_url()).update(
            creee_le=adopte_le, envoyee_le=adopte_le, lue_le=adopte_le + timedelta(days=2)
        )
        archiver_proces_verbal(pv.pk)

    def _adopter_programme(self, programme: ProgrammeDeTravail, seance: Any) -> None:
        services.programme_adopter(programme=programme, adopte_en=seance, acteur=self.acteur)
        adopte_le = seance.debut + timedelta(minutes=50)
        ProgrammeDeTravail.objects.filter(pk=programme.pk).update(adopte_le=adopte_le)

    def seances(self) -> None:
        """Les plénières passées : chacune adopte le procès-verbal de la précédente."""
        decision, information, debat = NaturePoint.DECISION, NaturePoint.INFORMATION, NaturePoint.DEBAT
        annee, courante = self.annee, self.annee + 1
        programme_passe, programme_courant = self.programmes
        hebert, lecoq = self.personnes["hebert"], self.personnes["lecoq"]
        groupes = ", ".join(
            f"{g.instance.nom} (co-pilotes : {g.copilote_agglomeration}, {g.copilote_professionnel})"
            for g in self.groupes
        )
        # Le bilan de l'année passée s'adopte à la plénière de mars ; avant qu'elle ne soit
        # passée, à celle de décembre (bilan/demo.py cherche ce point).
        bilan_en_mars = len(self.plenieres) > 3
        point_bilan = (
            f"{BILAN_ANNUEL} {annee}",
            decision,
            "Le bilan de l'année : séances, programme de travail, Collège, financements, territoire. "
            "Il sera transmis au Conseil communautaire, puis au Conseil de développement.",
            f"Le Conseil adopte le bilan annuel {annee} à l'unanimité ; il est transmis au Conseil "
            "communautaire, invité à en prendre acte.",
        )
        # (points, présences, ce qui se fait pendant la séance), dans l'ordre des plénières.
        ordres_du_jour: list[tuple[list[tuple[str, str, str, str]], Presences, Any]] = [
            (
                [
                    (
                        "Installation du Conseil de santé du Cotentin",
                        information,
                        "Missions, composition et fonctionnement du Conseil et de son Collège.",
                        f"{hebert} ouvre la séance, rappelle que le Conseil remplace le comité de pilotage "
                        "« Attractivité » et présente ses membres.",
                    ),
                    (
                        "Désignation du représentant du Collège à la co-présidence",
                        decision,
                        "Le Collège a désigné sa représentante, qui co-anime le Conseil.",
                        f"Le Conseil prend acte de la désignation de {lecoq}, qui co-préside désormais "
                        f"le Conseil avec {hebert}.",
                    ),
                    (
                        "Présentation du plan d'action santé de l'agglomération",
                        information,
                        "Les quatre axes : gouvernance, attractivité, coopération et télésanté, prévention.",
                        "Présentation du diagnostic local de santé et des quatre axes ; échanges avec "
                        "la salle.",
                    ),
                    (
                        "Création des groupes de travail",
                        decision,
                        "Un groupe par axe opérationnel, co-piloté par un agent et un professionnel.",
                        f"Le Conseil crée trois groupes de travail : {groupes}. Adopté à l'unanimité.",
                    ),
                    (
                        f"Adoption du programme de travail {annee}",
                        decision,
                        "Un objectif par groupe de travail, avec ses livrables et leurs échéances.",
                        "Le programme de travail est adopté à l'unanimité.",
                    ),
                ],
                Presences(
                    excuses=frozenset({"lefevre", "rouxel"}),
                    procurations=(("leroux", "lepetit"),),
                    absents=frozenset({"vautier"}),
                ),
                lambda seance: self._adopter_programme(programme_passe, seance),
            ),
            (
                [
                    (
                        "Point d'étape des groupes de travail",
                        information,
                        "Chaque binôme de co-pilotes présente la feuille de route de son groupe.",
                        "Les trois groupes se sont réunis ; l'annuaire des maîtres de stage et le calendrier "
                        "des actions de prévention sont livrés.",
                    ),
                    (
                        "Charte d'engagement des membres du Collège",
                        information,
                        "Le Collège a adopté sa charte au scrutin secret.",
                        "Le Conseil prend connaissance de la charte, annexée au procès-verbal.",
                    ),
                    (
                        f"Orientations du programme de travail {courante}",
                        debat,
                        "Premières propositions d'objectifs, à arrêter à la séance de décembre.",
                        "Le Conseil retient un objectif par groupe ; le projet de programme sera soumis à "
                        "la séance de décembre.",
                    ),
                ],
                Presences(
                    excuses=frozenset({"besnard", "lemarinel"}),
                    procurations=(("savary", "quesnel"), ("leterrier", "hebert")),
                ),
                None,
            ),
            (
                [
                    (
                        f"Bilan d'étape du programme de travail {annee}",
                        information,
                        "Les livrables de l'année, livrés ou en cours.",
                        "Quatre livrables sur six sont livrés ; le protocole de sortie d'hospitalisation et "
                        "la journée de prévention se poursuivent l'an prochain.",
                    ),
                    (
                        f"Adoption du programme de travail {courante}",
                        decision,
                        "Trois objectifs, un par groupe de travail, avec leurs livrables et leurs échéances. "
                        "Le Collège a rendu son avis.",
                        "Le programme de travail est adopté à l'unanimité moins une abstention.",
                    ),
                    *([] if bilan_en_mars else [point_bilan]),
                ],
                Presences(
                    excuses=frozenset({"guerin", "lerouge"}),
                    procurations=(("fleury", "rouxel"),),
                    absents=frozenset({"leroux"}),
                ),
                lambda seance: self._adopter_programme(programme_courant, seance),
            ),
            (
                [
                    point_bilan,
                    (
                        f"Avancement du programme de travail {courante}",
                        information,
                        "Chaque groupe de travail présente ses premiers livrables.",
                        "Le guide d'accueil des internes est en préparation ; l'état des lieux ville–hôpital "
                        "a pris du retard.",
                    ),
                ],
                Presences(
                    excuses=frozenset({"gosselin", "vautier"}),
                    procurations=(("lepetit", "leroux"),),
                ),
                None,
            ),
            (
                [
                    (
                        "Point d'étape des groupes de travail",
                        information,
                        "Les co-pilotes présentent l'avancement des livrables.",
                        "Le guide d'accueil des internes est livré ; la cartographie des cabinets vacants "
                        "avance.",
                    ),
                    (
                        f"Orientations du programme de travail {courante + 1}",
                        debat,
                        "Premières propositions d'objectifs pour l'an prochain.",
                        "Le Conseil souhaite poursuivre les trois groupes et ouvrir un chantier sur la "
                        "santé mentale.",
                    ),
                ],
                Presences(
                    excuses=frozenset({"fleury", "lefevre"}),
                    procurations=(("quesnel", "savary"),),
                ),
                None,
            ),
        ]
        precedente = None
        for jour, (points, presences, pendant) in zip(self.plenieres, ordres_du_jour, strict=False):
            titre = "Séance plénière d'installation" if precedente is None else _seance_pleniere(jour)
            if precedente is not None:
                points = [
                    (
                        f"Adoption du procès-verbal de la séance du {_date(precedente.debut)}",
                        decision,
                        "",
                        "Le procès-verbal est adopté à l'unanimité.",
                    ),
                    *points,
                ]
            seance = self.seance_passee(
                self.conseil,
                titre,
                jour,
                points,
                presences,
                pendant=self._pendant(precedente, pendant),
            )
            precedente = seance
        self.derniere: Any = precedente

    def _pendant(self, precedente: Any, aussi: Any) -> Any:
        """Ce qui se fait pendant une séance : adopter le procès-verbal de la précédente, et
        `aussi`."""

        def pendant(seance: Any) -> None:
            if precedente is not None:
                self.adopter_proces_verbal(precedente, seance)
            if aussi is not None:
                aussi(seance)

        return pendant

    def reunions_de_groupe(self) -> None:
        """Deux réunions de chaque groupe dans l'année passée ; la seconde adopte le compte
        rendu de la première. Le dernier compte rendu de chacun attend sa prochaine réunion."""
        self.derniere_du_groupe: dict[int, Any] = {}
        for rang, (mois, jour), points, excuses, absents in sorted(
            REUNIONS_DE_GROUPE, key=lambda reunion: reunion[1]
        ):
            groupe = self.groupes[rang]
            precedente = self.derniere_du_groupe.get(rang)
            ordre = list(points)
            if precedente is not None:
                ordre.insert(
                    0,
                    (
                        f"Adoption du compte rendu de la réunion du {_date(precedente.debut)}",
                        NaturePoint.DECISION,
                        "",
                        "Le compte rendu est adopté.",
                    ),
                )
            nom = groupe.instance.nom.removeprefix("Groupe de travail ")
            self.derniere_du_groupe[rang] = self.seance_passee(
                groupe.instance,
                f"Réunion du groupe {nom}",
                _jour_ouvre(date(self.annee, mois, jour)),
                ordre,
                Presences(excuses=frozenset(excuses), absents=frozenset(absents)),
                pendant=self._pendant(precedente, None),
                heure=14,
                lieu=LIEUX_DES_GROUPES[rang],
            )

    def seances_a_venir(self) -> None:
        decision, information, debat = NaturePoint.DECISION, NaturePoint.INFORMATION, NaturePoint.DEBAT
        annee = self.annee + 1
        self.pleniere = self._preparer(
            self.conseil,
            _seance_pleniere(self.prochaine),
            _a(self.prochaine, 18),
            [
                (f"Adoption du procès-verbal de la séance du {_date(self.derniere.debut)}", decision, ""),
                (
                    f"Avancement du programme de travail {annee}",
                    information,
                    "Chaque groupe de travail présente l'avancement de ses livrables (note d'étape jointe).",
                ),
                (
                    "Coopération ville–hôpital : restitution de l'état des lieux",
                    debat,
                    "Premiers résultats de l'état des lieux ; choix de deux ou trois chantiers prioritaires.",
                ),
                ("Questions diverses", information, ""),
            ],
            lieu=HOTEL_COMMUNAUTAIRE,
        )
        self._note_d_etape(self.pleniere.points.get(ordre=2), annee)
        attractivite = self.groupes[0]
        compte_rendu = self.derniere_du_groupe[0]
        self.reunion_groupe = self._preparer(
            attractivite.instance,
            "Réunion du groupe Attractivité et installation",
            _a(self.reunion_de_groupe, 14),
            [
                (f"Adoption du compte rendu de la réunion du {_date(compte_rendu.debut)}", decision, ""),
                ("Cartographie des cabinets vacants : premiers résultats", information, ""),
                ("Programme de tutorat des étudiants en santé : appel aux maîtres de stage", debat, ""),
            ],
            lieu=LIEUX_DES_GROUPES[0],
            lien_visio="https://visio.demo.cotentin-sante.fr/groupe-attractivite",
        )
        for reunion in (self.pleniere, self.reunion_groupe):
            Reunion.objects.filter(pk=reunion.pk).update(demo=True)
            services.convocation_envoyer(reunion=reunion, acteur=self.acteur)
            # La tâche d'envoi, appelée ici plutôt qu'attendue d'un worker : les membres
            # trouvent leur convocation (courriel et notification) dès leur connexion.
            for participation_id in reunion.participations.values_list("pk", flat=True):
                envoyer_convocation(participation_id)
        # Quelques réponses déjà arrivées ; Marc Guérin n'a pas encore répondu.
        self._repondre(
            self.pleniere,
            Presences(
                excuses=frozenset({"leroux"}),
                procurations=(("fleury", "rouxel"),),
                sans_reponse=frozenset(
                    {"guerin", "besnard", "gosselin", "savary", "lerouge", "lefevre", "vautier", "leterrier"}
                ),
            ),
        )
        services.reponse_enregistrer(
            reunion=self.reunion_groupe, acteur=self.personnes["lebrun"], reponse=Reponse.PRESENT
        )

    def _note_d_etape(self, point: Any, annee: int) -> None:
        """Un document joint au point : la note d'étape des livrables, en PDF."""
        lignes = []
        for groupe in self.groupes:
            lignes.append(f"<h2>{escape(groupe.instance.nom)}</h2><ul>")
            for livrable in groupe.livrables.filter(objectif__programme__annee=annee).order_by("echeance"):
                lignes.append(
                    f"<li>{escape(livrable.titre)} — {livrable.avancement} % "
                    f"(échéance : {_date(livrable.echeance)})</li>"
                )
            lignes.append("</ul>")
        html = (
            '<html lang="fr"><head><meta charset="utf-8"><title>Note d\'étape</title></head>'
            '<body style="font-family: DejaVu Sans, sans-serif; font-size: 10pt">'
            f"<h1>Programme de travail {annee} : note d'étape</h1>{''.join(lignes)}</body></html>"
        )
        contenu = pdf_simple(html)
        document_deposer(
            fichier=SimpleUploadedFile("note-etape-programme.pdf", contenu, "application/pdf"),
            acteur=self.acteur,
            titre=f"Note d'étape du programme de travail {annee}",
            objet=point,
        )


def _compte(email: str, prenom: str, nom: str, *, personnel: bool, roles: tuple[str, ...]) -> Any:
    """Le compte de cette adresse ; créé sans mot de passe utilisable s'il n'existe pas."""
    utilisateur, cree = Utilisateur.objects.get_or_create(
        email=email, defaults={"prenom": prenom, "nom": nom, "is_staff": personnel}
    )
    if cree:
        utilisateur.set_unusable_password()
        utilisateur.save(update_fields=["password"])
        utilisateur.groups.set(Group.objects.filter(name__in=[GROUPES_DES_ROLES[r] for r in roles]))
        EmailAddress.objects.create(user=utilisateur, email=email, verified=True, primary=True)
    return utilisateur


def charger(*, afficher: Any = print) -> bool:
    """Charge le Conseil de démonstration par les services ; ne fait rien s'il est déjà là
    (ou si un vrai Conseil de santé existe)."""
    if Instance.objects.filter(demo=True).exists():
        return False
    if Instance.objects.filter(type_instance__in=(TypeInstance.CONSEIL, TypeInstance.COLLEGE)).exists():
        afficher("Un Conseil de santé existe déjà : pas de Conseil de démonstration.")
        return False
    chargement = _Chargement()
    with transaction.atomic():
        chargement.comptes()
        chargement.instances()
        chargement.composition()
        chargement.programme()
        chargement.livrables()
        chargement.seances()
        chargement.reunions_de_groupe()
        chargement.seances_a_venir()
    instances, mandats = Instance.objects.filter(demo=True).count(), Mandat.objects.filter(demo=True).count()
    afficher(
        f"Conseil de santé de démonstration chargé : {instances} instances, {mandats} mandats, "
        f"{Reunion.objects.filter(demo=True).count()} séances "
        f"(dont {Reunion.objects.filter(demo=True, debut__year=chargement.annee).count()} en "
        f"{chargement.annee}) ; prochaine plénière le {_date(chargement.prochaine)}."
    )
    return True
