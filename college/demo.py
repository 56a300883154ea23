"""Les scrutins et la discussion de démonstration du Collège, construits par les vrais services.

Dans le Collège de démonstration (conseil/demo.py) :

- l'élection de la représentante du Collège à la co-présidence du Conseil, close, trois
  jours avant la séance d'installation (la désignation que le Conseil de démonstration
  enregistre dans le mandat d'Anne Lecoq) ;
- l'élection des représentants du Collège au groupe Attractivité et installation (deux
  sièges, trois candidats), close la veille de la création des groupes ;
- la délibération secrète sur la « Charte d'engagement des membres du Collège », close au
  printemps de l'année passée ;
- l'avis du Collège sur le programme de travail de cette année, clos deux jours avant la
  plénière de décembre qui l'adopte ;
- l'avis du Collège sur un point de la prochaine plénière (la coopération ville–hôpital),
  ouvert jusqu'à deux jours avant la séance : une membre a déclaré un intérêt (elle est
  écartée du vote), une autre a donné procuration à Marc Guérin, quelques bulletins sont
  déjà dans l'urne ; Marc Guérin (membre.college@demo.cotentin.fr) n'a pas encore voté ;
- une discussion sur cet avis, avec quelques commentaires (dont une mention de Marc).

Tous, sauf l'avis ouvert, sont clos dans l'année passée (`timezone.localdate().year - 1`), celle
du bilan de démonstration. Les scrutins n'ont pas de marque `demo` : ils sont ceux du Collège de
démonstration, qui en porte une. Le chargement ne fait rien si ce Collège a déjà des scrutins.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from college import services
from college.models import (
    Candidature,
    Commentaire,
    Discussion,
    Electeur,
    ProcurationVote,
    Scrutin,
    Texte,
    TypeScrutin,
)
from comptes.models import Utilisateur
from conseil.demo import COMPTES, FIGURANTS
from conseil.models import Instance, Mandat, NaturePoint, PointOrdreDuJour, Reunion, RoleMandat, TypeInstance
from socle.models import Notification

CHARTE = "Charte d'engagement des membres du Collège"
GROUPE_ELU = "Groupe de travail Attractivité et installation"
CORPS_DE_LA_CHARTE = """Les membres du Collège des professionnels s'engagent à :

1. représenter l'ensemble des professionnels de leur catégorie, et non leur seule structure ;
2. participer aux séances plénières et aux groupes de travail, ou s'y faire remplacer par leur suppléant ;
3. déclarer tout intérêt dans un sujet mis aux voix (projet porté, structure concernée) et ne pas prendre
   part au vote sur ce sujet ;
4. garder la confidentialité des échanges préparatoires et des documents de travail ;
5. rendre compte aux professionnels de leur catégorie des travaux du Conseil de santé.
"""


@dataclass(frozen=True)
class Fenetre:
    """Les dates qu'un scrutin passé reprend une fois le vote fait."""

    ouverture: datetime
    cloture: datetime


def _a(jour: date, heure: int) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(heure)))


class _Chargement:
    def __init__(self, college: Instance) -> None:
        self.college = college
        self.maintenant = timezone.now()
        self.aujourd_hui = timezone.localdate()
        emails = dict(COMPTES) | {f.cle: f.email for f in FIGURANTS}
        par_email = {u.email: u for u in Utilisateur.objects.filter(email__in=emails.values())}
        self.personnes: dict[str, Any] = {cle: par_email[email] for cle, email in emails.items()}
        self.acteur = self.personnes["secretariat"]

    # --- Un scrutin passé ----------------------------------------------------------------

    def _fenetre_provisoire(self) -> tuple[datetime, datetime]:
        """La fenêtre d'un scrutin préparé aujourd'hui : commencée, pour que les bulletins
        entrent dans l'urne (bulletin_deposer refuse un vote hors de la fenêtre), et pas
        finie, pour qu'il puisse s'ouvrir (scrutin_ouvrir refuse une clôture passée)."""
        return self.maintenant - timedelta(minutes=1), self.maintenant + timedelta(hours=1)

    def _dater_et_clore(self, scrutin: Scrutin, fenetre: Fenetre) -> Scrutin:
        """Le vote a eu lieu : le scrutin reprend ici ses vraies dates (passées), puis se clôt
        comme le fait la tâche périodique à l'heure de clôture (acteur None : l'heure est
        passée, la clôture n'est pas anticipée et ne demande pas de motif)."""
        Scrutin.objects.filter(pk=scrutin.pk).update(
            ouverture=fenetre.ouverture, cloture=fenetre.cloture, ouvert_le=fenetre.ouverture
        )
        services.scrutin_clore(scrutin=scrutin, acteur=None)
        Scrutin.objects.filter(pk=scrutin.pk).update(clos_le=fenetre.cloture)
        Candidature.objects.filter(scrutin=scrutin).update(declaree_le=fenetre.ouverture - timedelta(days=10))
        ProcurationVote.objects.filter(scrutin=scrutin).update(
            donnee_le=fenetre.ouverture + timedelta(days=1)
        )
        # Les membres ont été prévenus à l'époque : notifications lues, courriels partis
        # (marquées envoyées avant la validation : la tâche d'envoi n'a plus rien à faire).
        url = scrutin.get_absolute_url()
        for verbe, quand in (
            ("college.scrutin.ouvert", fenetre.ouverture),
            ("college.scrutin.clos", fenetre.cloture),
        ):
            Notification.objects.filter(verbe=verbe, url=url).update(
                creee_le=quand, envoyee_le=quand, lue_le=quand + timedelta(days=1)
            )
        scrutin.refresh_from_db()
        return scrutin

    def _voter(self, scrutin: Scrutin, bulletins: list[tuple[str, dict[str, Any]]]) -> None:
        """Chaque bulletin : (clé du votant, arguments de bulletin_deposer). Une clé
        « mandataire>mandant » vote par procuration."""
        for cle, bulletin in bulletins:
            votant, _sep, mandant = cle.partition(">")
            services.bulletin_deposer(
                scrutin=scrutin,
                votant=self.personnes[votant],
                pour=self.personnes[mandant] if mandant else None,
                **bulletin,
            )

    # --- Les scrutins ----------------------------------------------------------------------

    def election(self) -> Scrutin:
        """La représentante du Collège, élue trois jours avant l'installation du Conseil."""
        copresidence = Mandat.objects.get(
            instance__type_instance=TypeInstance.CONSEIL,
            instance__demo=True,
            personne=self.personnes["lecoq"],
            role=RoleMandat.COPRESIDENT,
        )
        jour = copresidence.debut - timedelta(days=3)
        ouverture, cloture = self._fenetre_provisoire()
        scrutin = services.scrutin_creer(
            acteur=self.acteur,
            instance=self.college,
            type_scrutin=TypeScrutin.ELECTION,
            titre="Élection du représentant du Collège à la co-présidence du Conseil de santé",
            question=(
                "Le Collège désigne parmi ses membres celui ou celle qui co-préside le Conseil de santé "
                "avec le vice-président de l'agglomération chargé de la santé."
            ),
            ouverture=ouverture,
            cloture=cloture,
            secret=True,
        )
        lecoq = services.candidature_declarer(
            scrutin=scrutin,
            personne=self.personnes["lecoq"],
            acteur=self.acteur,
            presentation=(
                "Médecin généraliste en maison de santé, je souhaite porter au Conseil la voix des "
                "professionnels de premier recours et l'urgence de l'accueil des jeunes médecins."
            ),
        )
        quesnel = services.candidature_declarer(
            scrutin=scrutin,
            personne=self.personnes["quesnel"],
            acteur=self.acteur,
            presentation=(
                "Président de la CPTS, je propose de faire du Conseil le lieu de coordination des "
                "projets de santé du territoire entre ville, hôpital et médico-social."
            ),
        )
        services.procuration_vote_donner(
            scrutin=scrutin,
            mandant=self.personnes["leroux"],
            mandataire=self.personnes["lepetit"],
            acteur=self.acteur,
        )
        services.scrutin_ouvrir(scrutin=scrutin, acteur=self.acteur)
        pour_lecoq, pour_quesnel = {"candidats": [lecoq.pk]}, {"candidats": [quesnel.pk]}
        self._voter(
            scrutin,
            [
                ("lecoq", pour_lecoq),
                ("guerin", pour_lecoq),
                ("besnard", pour_lecoq),
                ("gosselin", pour_lecoq),
                ("lepetit", pour_lecoq),
                ("lepetit>leroux", pour_quesnel),
                ("quesnel", pour_quesnel),
                ("savary", pour_quesnel),
                ("fleury", {"candidats": []}),  # bulletin blanc
            ],
        )
        return self._dater_et_clore(scrutin, Fenetre(_a(jour - timedelta(days=7), 9), _a(jour, 18)))

    def election_du_groupe(self) -> Scrutin | None:
        """Les deux représentants du Collège au groupe Attractivité et installation, élus la
        veille de la création des groupes (les mandats du groupe le disent)."""
        mandat = (
            Mandat.objects.filter(
                instance__type_instance=TypeInstance.GROUPE,
                instance__demo=True,
                instance__nom=GROUPE_ELU,
                personne=self.personnes["guerin"],
            )
            .select_related("instance")
            .first()
        )
        if mandat is None:
            return None
        jour = mandat.debut - timedelta(days=1)
        ouverture, cloture = self._fenetre_provisoire()
        scrutin = services.scrutin_creer(
            acteur=self.acteur,
            instance=self.college,
            type_scrutin=TypeScrutin.ELECTION,
            titre=f"Élection des représentants du Collège au {mandat.instance.nom[0].lower()}"
            f"{mandat.instance.nom[1:]}",
            question="Deux sièges à pourvoir ; chaque membre vote pour deux candidats au plus.",
            ouverture=ouverture,
            cloture=cloture,
            sieges=2,
            secret=True,
        )
        candidats = {
            cle: services.candidature_declarer(
                scrutin=scrutin, personne=self.personnes[cle], acteur=self.acteur, presentation=presentation
            ).pk
            for cle, presentation in (
                ("guerin", "Maître de stage depuis dix ans, je veux faciliter l'accueil des internes."),
                (
                    "besnard",
                    "Médecin salariée en centre de santé, je connais les attentes des jeunes.",
                ),
                ("gosselin", "Sage-femme, je souhaite que le groupe pense aussi aux autres professions."),
            )
        }
        services.scrutin_ouvrir(scrutin=scrutin, acteur=self.acteur)

        def pour(*cles: str) -> dict[str, Any]:
            return {"candidats": [candidats[cle] for cle in cles]}

        self._voter(
            scrutin,
            [
                ("rouxel", pour("guerin", "besnard")),
                ("lecoq", pour("guerin", "besnard")),
                ("guerin", pour("guerin", "gosselin")),
                ("besnard", pour("besnard", "guerin")),
                ("gosselin", pour("gosselin", "besnard")),
                ("lepetit", pour("guerin")),
                ("quesnel", pour("guerin", "gosselin")),
                ("savary", pour("besnard", "gosselin")),
            ],
        )
        return self._dater_et_clore(scrutin, Fenetre(_a(jour - timedelta(days=8), 9), _a(jour, 12)))

    def avis_sur_le_programme(self) -> Scrutin | None:
        """L'avis du Collège sur le programme de cette année, avant la plénière de décembre."""
        courante = self.aujourd_hui.year
        point = (
            PointOrdreDuJour.objects.filter(
                reunion__instance__type_instance=TypeInstance.CONSEIL,
                reunion__instance__demo=True,
                titre=f"Adoption du programme de travail {courante}",
            )
            .select_related("reunion")
            .first()
        )
        if point is None:
            return None
        seance = timezone.localtime(point.reunion.debut).date()
        ouverture, cloture = self._fenetre_provisoire()
        scrutin = services.scrutin_creer(
            acteur=self.acteur,
            instance=self.college,
            type_scrutin=TypeScrutin.AVIS,
            titre=f"Avis du Collège sur le programme de travail {courante}",
            question=(
                "Le Collège est-il favorable au projet de programme de travail : accueil et installation "
                "des professionnels, coopération ville–hôpital et télésanté, prévention dans les pôles ?"
            ),
            ouverture=ouverture,
            cloture=cloture,
            secret=True,
            objet=point,
        )
        services.scrutin_ouvrir(scrutin=scrutin, acteur=self.acteur)
        self._voter(
            scrutin,
            [
                ("rouxel", {"choix": "favorable"}),
                ("lecoq", {"choix": "favorable"}),
                ("guerin", {"choix": "favorable"}),
                ("besnard", {"choix": "favorable"}),
                ("fleury", {"choix": "reserve", "motivation": "Le tutorat demande des moyens qui manquent."}),
                ("lepetit", {"choix": "favorable"}),
                ("quesnel", {"choix": "favorable"}),
            ],
        )
        return self._dater_et_clore(
            scrutin,
            Fenetre(_a(seance - timedelta(days=14), 9), _a(seance - timedelta(days=2), 18)),
        )

    def charte(self) -> Scrutin:
        """La charte d'engagement, adoptée au scrutin secret au printemps de l'année passée."""
        propose_le = date(self.aujourd_hui.year - 1, 3, 30)
        texte = Texte.objects.create(
            instance=self.college, titre=CHARTE, corps=CORPS_DE_LA_CHARTE, cree_par=self.acteur
        )
        Texte.objects.filter(pk=texte.pk).update(cree_le=_a(propose_le, 10))
        ouverture, cloture = self._fenetre_provisoire()
        scrutin = services.scrutin_creer(
            acteur=self.acteur,
            instance=self.college,
            type_scrutin=TypeScrutin.DELIBERATION,
            titre=f"Adoption de la {CHARTE[0].lower()}{CHARTE[1:]}",
            question="Le Collège adopte-t-il la charte d'engagement de ses membres ?",
            ouverture=ouverture,
            cloture=cloture,
            secret=True,
            objet=texte,
        )
        services.procuration_vote_donner(
            scrutin=scrutin,
            mandant=self.personnes["gosselin"],
            mandataire=self.personnes["besnard"],
            acteur=self.acteur,
        )
        services.scrutin_ouvrir(scrutin=scrutin, acteur=self.acteur)
        self._voter(
            scrutin,
            [
                ("rouxel", {"choix": "pour"}),
                ("lecoq", {"choix": "pour"}),
                ("guerin", {"choix": "pour"}),
                ("besnard", {"choix": "pour"}),
                ("besnard>gosselin", {"choix": "pour"}),
                ("quesnel", {"choix": "pour"}),
                ("fleury", {"choix": "contre"}),
                ("lepetit", {"choix": "abstention"}),
            ],
        )
        ouvert = propose_le + timedelta(days=14)
        return self._dater_et_clore(scrutin, Fenetre(_a(ouvert, 9), _a(ouvert + timedelta(days=10), 18)))

    def avis(self) -> Scrutin:
        """L'avis du Collège sur un point de la prochaine plénière, ouvert en ce moment."""
        pleniere = (
            Reunion.objects.filter(
                instance__type_instance=TypeInstance.CONSEIL, instance__demo=True, debut__gt=self.maintenant
            )
            .order_by("debut")
            .first()
        )
        if pleniere is None:
            raise LookupError("Pas de prochaine plénière de démonstration.")
        point = pleniere.points.filter(nature=NaturePoint.DEBAT).order_by("ordre").first() or (
            pleniere.points.order_by("ordre").first()
        )
        # Ouvert depuis ce matin (ou depuis une heure, si le chargement se fait plus tôt),
        # clos deux jours avant la séance : le Conseil a l'avis du Collège en main.
        ouverture = min(_a(self.aujourd_hui, 8), self.maintenant - timedelta(hours=1))
        cloture = _a(timezone.localtime(pleniere.debut).date() - timedelta(days=2), 12)
        scrutin = services.scrutin_creer(
            acteur=self.acteur,
            instance=self.college,
            type_scrutin=TypeScrutin.AVIS,
            titre=f"Avis du Collège sur « {point.titre if point else pleniere.titre} »",
            question=(
                "Le Collège est-il favorable aux chantiers prioritaires proposés à l'issue de l'état "
                "des lieux de la coopération ville–hôpital (parcours de sortie d'hospitalisation, "
                "avis spécialisés en télé-expertise, accès direct aux plateaux d'imagerie) ?"
            ),
            ouverture=ouverture,
            cloture=cloture,
            secret=True,
            objet=point,
        )
        services.interet_declarer(
            personne=self.personnes["rouxel"],
            objet=point or scrutin,
            nature=(
                "Présidente de la commission médicale d'établissement du Centre hospitalier public du "
                "Cotentin, partie prenante de l'état des lieux et des chantiers proposés."
            ),
            acteur=self.acteur,
        )
        services.procuration_vote_donner(
            scrutin=scrutin,
            mandant=self.personnes["savary"],
            mandataire=self.personnes["guerin"],
            acteur=self.acteur,
        )
        services.scrutin_ouvrir(scrutin=scrutin, acteur=self.acteur)
        self._voter(
            scrutin,
            [
                (
                    "lecoq",
                    {
                        "choix": "favorable",
                        "motivation": "Les trois chantiers répondent à ce que vivent les cabinets de ville.",
                    },
                ),
                (
                    "fleury",
                    {
                        "choix": "reserve",
                        "motivation": "L'accès direct à l'imagerie demande d'abord des créneaux réservés.",
                    },
                ),
                ("besnard", {"choix": "favorable"}),
            ],
        )
        return scrutin

    def discussion(self, avis: Scrutin) -> Discussion:
        """Les membres échangent avant de voter ; Marc Guérin y est mentionné."""
        discussion = services.discussion_ouvrir(
            instance=self.college,
            titre="Coopération ville–hôpital : nos remarques avant l'avis",
            objet=avis,
            acteur=self.personnes["quesnel"],
            texte=(
                "L'état des lieux confirme ce que la CPTS entend tous les jours : les sorties "
                "d'hospitalisation du vendredi sont le point noir. Je propose que notre avis le dise "
                "explicitement. Qu'en pensez-vous ?"
            ),
        )
        premier = discussion.commentaires.get()
        services.commentaire_publier(
            discussion=discussion,
            auteur=self.personnes["rouxel"],
            parent=premier,
            texte=(
                "Je ne voterai pas (intérêt déclaré), mais je confirme : la commission médicale "
                "travaille à une lettre de liaison remise **le jour même** de la sortie."
            ),
        )
        services.commentaire_publier(
            discussion=discussion,
            auteur=self.personnes["lecoq"],
            texte=(
                "D'accord avec Laurent. @marc.guerin, vous qui suivez le tutorat des internes : "
                "les jeunes médecins installés ont-ils accès à la télé-expertise ?"
            ),
        )
        # Les échanges ont eu lieu ces deux derniers jours.
        for rang, commentaire in enumerate(discussion.commentaires.order_by("cree_le", "id")):
            publie_le = self.maintenant - timedelta(hours=30 - 9 * rang)
            Commentaire.objects.filter(pk=commentaire.pk).update(cree_le=publie_le)
            if rang == 0:
                Discussion.objects.filter(pk=discussion.pk).update(cree_le=publie_le)
        return discussion


def college_de_demonstration() -> Instance | None:
    return Instance.objects.filter(type_instance=TypeInstance.COLLEGE, demo=True).first()


def charger(afficher: Any = print) -> bool:
    """Charge les scrutins et la discussion du Collège de démonstration par les services ; ne
    fait rien si ce Collège a déjà des scrutins (ou s'il n'y a pas de Collège de démonstration)."""
    college = college_de_demonstration()
    if college is None:
        afficher("Pas de Collège de démonstration : pas de scrutins de démonstration.")
        return False
    if Scrutin.objects.filter(instance=college).exists():
        return False
    chargement = _Chargement(college)
    with transaction.atomic():
        election = chargement.election()
        chargement.election_du_groupe()
        charte = chargement.charte()
        chargement.avis_sur_le_programme()
        avis = chargement.avis()
        chargement.discussion(avis)
    electeurs = Electeur.objects.filter(scrutin=avis, exclu_pour_interet=False).count()
    autres = Scrutin.objects.filter(instance=college, clos_le__isnull=False).exclude(
        pk__in=[election.pk, charte.pk]
    )
    afficher(
        f"Scrutins de démonstration chargés : « {election.titre} », « {charte.titre} » "
        f"et {autres.count()} autres (clos), "
        f"« {avis.titre} » (ouvert, {avis.emargements.count()} bulletins sur {electeurs} "
        f"électeurs) ; une discussion de {Commentaire.objects.filter(discussion__instance=college).count()} "
        "commentaires."
    )
    return True
