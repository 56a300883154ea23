"""Les rencontres de démonstration, construites par les vrais services (inscriptions, liste
d'attente, annulation et promotion, validation, pointage à l'accueil).

- « Les Paradis du Cotentin » (printemps prochain, inscriptions ouvertes) : un week-end pour
  les internes et leurs familles ; la sortie en mer est presque pleine, une famille attend sur
  la liste d'attente, une place libérée a été proposée à une interne qui doit la confirmer ;
  deux chambres de l'hôtel sont réservées (gelées), une navette part de la gare, et une
  interne demande à changer de chambre.
  Il propose le vivier du recrutement : quelques inscrits l'ont accepté.
- « Soirée d'accueil des internes » (le mois dernier, tenue) : les présents pointés à
  l'accueil ont leur attestation. Elle proposait le vivier : des présents l'ont accepté, dont
  des candidats de la démonstration du recrutement (chargée avant), qui ont postulé depuis —
  la page « Attractivité » les compte.
- « Formation à la télésanté — pôle de Valognes » (dans trois semaines, inscriptions validées
  une à une) : deux inscriptions attendent la validation de l'agente.
- « Congrès régional des maisons de santé » (cet automne, tenu, soutenu par l'agglomération).
- « Formation continue — plaies et cicatrisation » (il y a deux semaines, une journée) : les
  stagiaires ont émargé à l'écran matin et après-midi, deux le matin seulement ; leurs
  attestations disent les heures suivies.

L'agente de démonstration (agent@demo.cotentin.fr) les organise.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from comptes.models import Utilisateur
from recrutement.models import Candidat
from rencontres import services
from rencontres.models import (
    Activite,
    EtatInscription,
    GenreRessource,
    Inscription,
    LienFoyer,
    Question,
    Rencontre,
    StatutRencontre,
    TypeQuestion,
    TypeRencontre,
)
from rencontres.services import Membre, SaisieInscription
from territoire.models import Commune

AGENTE = "agent@demo.cotentin.fr"
# Des candidats de la démonstration du recrutement venus à la soirée d'accueil des internes.
VENUS_A_LA_SOIREE = ("camille.lefevre@exemple.fr", "lea.quesnel@exemple.fr")

PRENOMS = [
    "Camille", "Léa", "Hugo", "Inès", "Louis", "Manon", "Nathan", "Chloé", "Jules", "Sarah",
    "Arthur", "Zoé", "Gabriel", "Lina", "Théo", "Jade", "Raphaël", "Alice", "Tom", "Emma",
]  # fmt: skip
NOMS = [
    "Lefèvre", "Marie", "Leblond", "Hamel", "Lecoq", "Gosselin", "Lemonnier", "Duval", "Letellier",
    "Jeanne", "Lepetit", "Hébert", "Lebrun", "Guérin", "Vautier", "Lesage", "Pinel", "Lerouge",
]  # fmt: skip


@dataclass(frozen=True)
class ActiviteDemo:
    titre: str
    decalage: timedelta  # depuis le début de la rencontre
    duree: timedelta
    capacite: int | None
    lieu: str


def _personne(rang: int) -> tuple[str, str, str]:
    prenom, nom = PRENOMS[rang % len(PRENOMS)], NOMS[(rang * 7) % len(NOMS)]
    email = f"{prenom}.{nom}.{rang}@internes.demo.cotentin.fr".lower().translate(
        str.maketrans("éèêëï", "eeeei")
    )
    return nom, prenom, email


def _rencontre(
    *,
    titre: str,
    type: str,
    debut: datetime,
    duree: timedelta,
    commune: Commune | None,
    lieu: str,
    public: str,
    description: str,
    activites: list[ActiviteDemo],
    inscriptions_du: datetime,
    inscriptions_au: datetime,
    agente: Utilisateur | None,
    **champs: Any,
) -> Rencontre:
    rencontre = Rencontre.objects.create(
        titre=titre,
        type=type,
        debut=debut,
        fin=debut + duree,
        commune=commune,
        lieu=lieu,
        public=public,
        description=description,
        inscriptions_du=inscriptions_du,
        inscriptions_au=inscriptions_au,
        statut=StatutRencontre.PUBLIEE,
        cree_par=agente,
        demo=True,
        **champs,
    )
    Activite.objects.bulk_create(
        Activite(
            rencontre=rencontre,
            titre=a.titre,
            debut=debut + a.decalage,
            fin=debut + a.decalage + a.duree,
            capacite=a.capacite,
            lieu=a.lieu,
            ordre=rang,
        )
        for rang, a in enumerate(activites)
    )
    return rencontre


def _inscrire(
    rencontre: Rencontre,
    rang: int,
    maintenant: datetime,
    *,
    foyer: int = 0,
    activites: int | None = None,
    **kw: Any,
) -> Inscription:
    nom, prenom, email = _personne(rang)
    toutes = list(rencontre.activites.order_by("ordre"))
    reponses = {}
    for question in rencontre.questions.all():
        reponses[question.pk] = question.choix[rang % len(question.choix)] if question.choix else "oui"
    membres = [
        Membre(
            nom=nom,
            prenom=PRENOMS[(rang + k + 5) % len(PRENOMS)],
            lien=LienFoyer.CONJOINT if k == 0 else LienFoyer.ENFANT,
        )
        for k in range(foyer)
    ]
    inscription = services.inscrire(
        rencontre=rencontre,
        saisie=SaisieInscription(
            nom=nom,
            prenom=prenom,
            email=email,
            activites=toutes if activites is None else toutes[:activites],
            foyer=membres,
            reponses=reponses,
            **kw,
        ),
        maintenant=maintenant,
    )
    Inscription.objects.filter(pk=inscription.pk).update(demo=True)
    return inscription


def charger(*, afficher: Any = print) -> bool:
    """Charge les rencontres de démonstration ; ne fait rien si elles sont là."""
    if Rencontre.objects.filter(demo=True).exists():
        return False
    maintenant = timezone.now()
    agente = Utilisateur.objects.filter(email=AGENTE).first()
    communes = {
        c.nom: c for c in Commune.objects.filter(nom__in=["Cherbourg-en-Cotentin", "Valognes", "La Hague"])
    }
    heure = timezone.localtime(maintenant).replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        # 1. Les Paradis du Cotentin : au printemps, inscriptions ouvertes.
        debut = (heure + timedelta(days=120)).replace(hour=9)
        paradis = _rencontre(
            titre="Les Paradis du Cotentin",
            type=TypeRencontre.PROMOTION,
            debut=debut,
            duree=timedelta(days=1, hours=9),
            commune=communes.get("Cherbourg-en-Cotentin"),
            lieu="Cité de la Mer",
            public="Internes et jeunes professionnels de santé, avec leur famille",
            description=(
                "Un week-end pour découvrir le Cotentin et ceux qui y soignent : visite du CHPC et "
                "d'une maison de santé, sortie en mer, dîner avec les élus et les professionnels."
            ),
            activites=[
                ActiviteDemo(
                    "Visite du CHPC", timedelta(0), timedelta(hours=3), 30, "CHPC, site Louis Pasteur"
                ),
                ActiviteDemo("Sortie en mer", timedelta(hours=5), timedelta(hours=3), 12, "Port Chantereyne"),
                ActiviteDemo(
                    "Dîner des Paradis", timedelta(hours=10), timedelta(hours=3), 80, "Cité de la Mer"
                ),
            ],
            inscriptions_du=maintenant - timedelta(days=20),
            inscriptions_au=debut - timedelta(days=7),
            agente=agente,
            foyer_max=4,
            propose_le_vivier=True,
        )
        Question.objects.create(
            rencontre=paradis,
            libelle="Année d'internat",
            type=TypeQuestion.CHOIX,
            choix=["1re année", "2e année", "3e année", "Docteur junior", "Autre"],
            ordre=1,
        )
        Question.objects.create(
            rencontre=paradis,
            libelle="Régime alimentaire",
            type=TypeQuestion.CHOIX,
            choix=["Aucun", "Végétarien", "Sans gluten"],
            ordre=2,
        )
        inscrite = maintenant - timedelta(days=10)
        familles = [
            _inscrire(paradis, rang, inscrite, foyer=rang % 3, accord_vivier=rang % 2 == 0)
            for rang in range(6)
        ]
        # La sortie en mer (12 places) est pleine : une famille de trois attend, et une interne seule.
        _inscrire(paradis, 6, inscrite, foyer=2)
        _inscrire(paradis, 7, inscrite)
        # Une famille annule : sa place va à l'interne seule, qui doit la confirmer.
        services.annuler(inscription=familles[1], motif="Garde d'enfant impossible ce week-end-là")
        # Deux chambres de l'hôtel, réservées (gelées), et la navette depuis la gare ; une interne
        # demande à changer de chambre, l'agente décidera.
        chambre_12, chambre_14 = (
            services.ressource_creer(
                rencontre=paradis,
                genre=GenreRessource.CHAMBRE,
                libelle=libelle,
                capacite=places,
                acteur=agente,
            )
            for libelle, places in (
                ("Hôtel de la Plage, chambre 12", 2),
                ("Hôtel de la Plage, chambre 14", 4),
            )
        )
        navette = services.ressource_creer(
            rencontre=paradis,
            genre=GenreRessource.NAVETTE,
            libelle="Navette gare de Cherbourg → Cité de la Mer, samedi 8 h 30",
            capacite=20,
            acteur=agente,
        )
        for inscription, chambre in (
            (familles[0], chambre_12),
            (familles[3], chambre_12),
            (familles[2], chambre_14),
        ):
            for participant in inscription.participants.all():
                services.attribuer(participant=participant, ressource=chambre, acteur=agente)
        for inscription in (familles[0], familles[3], familles[4]):
            for participant in inscription.participants.all():
                services.attribuer(participant=participant, ressource=navette, acteur=agente)
        services.geler(ressource=chambre_12, acteur=agente)
        services.geler(ressource=chambre_14, acteur=agente)
        services.demander_changement(
            participant=familles[3].participants.get(lien=LienFoyer.TITULAIRE),
            genre=GenreRessource.CHAMBRE,
            souhait=chambre_14,
            motif="Je voudrais partager la chambre de ma co-interne.",
            acteur=None,
        )

        # 2. La soirée d'accueil des internes, le mois dernier : tenue, présences pointées.
        debut = (heure - timedelta(days=30)).replace(hour=19)
        soiree = _rencontre(
            titre="Soirée d'accueil des internes",
            type=TypeRencontre.PROMOTION,
            debut=debut,
            duree=timedelta(hours=3),
            commune=communes.get("Cherbourg-en-Cotentin"),
            lieu="Hôtel de ville",
            public="Internes du semestre en cours",
            description=(
                "Accueil des internes du semestre par l'agglomération, le CHPC et les maisons de santé."
            ),
            activites=[ActiviteDemo("Soirée", timedelta(0), timedelta(hours=3), 60, "Salle des fêtes")],
            inscriptions_du=debut - timedelta(days=30),
            inscriptions_au=debut,
            agente=agente,
            propose_le_vivier=True,
        )
        for rang in range(10, 20):
            inscription = _inscrire(soiree, rang, debut - timedelta(days=5), accord_vivier=rang % 3 == 0)
            if rang % 4:
                services.pointer(rencontre=soiree, code=inscription.code, acteur=agente, maintenant=debut)
        # Des candidats du recrutement étaient à la soirée, d'accord pour le vivier ; ils ont
        # postulé depuis (leurs candidatures sont de la démonstration du recrutement).
        for candidat in Candidat.objects.filter(demo=True, email__in=VENUS_A_LA_SOIREE).order_by("pk"):
            inscription = services.inscrire(
                rencontre=soiree,
                saisie=SaisieInscription(
                    nom=candidat.nom,
                    prenom=candidat.prenom,
                    email=candidat.email,
                    activites=list(soiree.activites.all()),
                    accord_vivier=True,
                ),
                maintenant=debut - timedelta(days=4),
            )
            Inscription.objects.filter(pk=inscription.pk).update(demo=True)
            services.pointer(rencontre=soiree, code=inscription.code, acteur=agente, maintenant=debut)

        # 3. Formation télésanté au pôle de Valognes : inscriptions validées une à une.
        debut = (heure + timedelta(days=21)).replace(hour=14)
        formation = _rencontre(
            titre="Formation à la télésanté — pôle de Valognes",
            type=TypeRencontre.FORMATION_TELESANTE,
            debut=debut,
            duree=timedelta(hours=3, minutes=30),
            commune=communes.get("Valognes"),
            lieu="Maison de santé de Valognes",
            public="Infirmiers, pharmaciens et médecins du pôle",
            description="Téléconsultation et téléexpertise : l'équipement, la facturation, les protocoles.",
            activites=[
                ActiviteDemo("Atelier", timedelta(0), timedelta(hours=3, minutes=30), 15, "Salle de réunion")
            ],
            inscriptions_du=maintenant - timedelta(days=10),
            inscriptions_au=debut - timedelta(days=1),
            agente=agente,
            moderee=True,
        )
        for rang in range(20, 25):
            inscription = _inscrire(formation, rang, maintenant - timedelta(days=3))
            if rang < 23:
                services.valider(inscription=inscription, acteur=agente)

        # 4. Un congrès soutenu par l'agglomération, cet automne.
        debut = (heure - timedelta(days=60)).replace(hour=9)
        congres = _rencontre(
            titre="Congrès régional des maisons de santé",
            type=TypeRencontre.CONGRES,
            debut=debut,
            duree=timedelta(hours=8),
            commune=communes.get("Cherbourg-en-Cotentin"),
            lieu="Espace René Le Bas",
            public="Professionnels des maisons de santé de Normandie",
            description=(
                "Journée organisée par la fédération régionale, soutenue par l'agglomération "
                "(salle, logistique)."
            ),
            activites=[
                ActiviteDemo("Plénière", timedelta(0), timedelta(hours=3), None, "Grande salle"),
                ActiviteDemo("Ateliers", timedelta(hours=4), timedelta(hours=3), 120, "Salles annexes"),
            ],
            inscriptions_du=debut - timedelta(days=60),
            inscriptions_au=debut,
            agente=agente,
        )
        for rang in range(25, 45):
            inscription = _inscrire(congres, rang, debut - timedelta(days=20), activites=1 + rang % 2)
            if rang % 5:
                services.pointer(rencontre=congres, code=inscription.code, acteur=agente, maintenant=debut)

        # 5. Une journée de formation continue il y a deux semaines, émargée à l'écran.
        debut = (heure - timedelta(days=14)).replace(hour=9)
        plaies = _rencontre(
            titre="Formation continue — plaies et cicatrisation",
            type=TypeRencontre.FORMATION,
            debut=debut,
            duree=timedelta(hours=8),
            commune=communes.get("Valognes"),
            lieu="Maison de santé de Valognes",
            public="Infirmiers et infirmières libéraux du Cotentin",
            description="Plaies chroniques, pansements, télésurveillance : une journée de formation.",
            activites=[
                ActiviteDemo("Matinée", timedelta(0), timedelta(hours=3, minutes=30), 12, "Salle de réunion"),
                ActiviteDemo(
                    "Après-midi",
                    timedelta(hours=4, minutes=30),
                    timedelta(hours=3, minutes=30),
                    12,
                    "Salle de réunion",
                ),
            ],
            inscriptions_du=debut - timedelta(days=40),
            inscriptions_au=debut - timedelta(days=2),
            agente=agente,
        )
        matin, apres_midi = services.demi_journees(plaies)
        for rang in range(45, 53):
            inscription = _inscrire(plaies, rang, debut - timedelta(days=10))
            stagiaire = inscription.participants.get()
            demis = (matin,) if rang % 4 == 0 else (matin, apres_midi)
            for demi in demis:
                services.emarger(
                    participant=stagiaire,
                    jour=demi.jour,
                    demi_journee=demi.demi_journee,
                    acteur=agente,
                    maintenant=max(demi.debut, debut) + timedelta(minutes=rang % 10),
                )
    attente = Inscription.objects.filter(rencontre=paradis, etat=EtatInscription.LISTE_D_ATTENTE).count()
    afficher(
        "Rencontres de démonstration chargées : 5 rencontres ; "
        f"{Inscription.objects.filter(demo=True).count()} inscriptions, dont {attente} sur liste d'attente."
    )
    return True
