"""Les demandes de financement de démonstration, construites par les vrais services.

Une demande à chaque étape du workflow (brouillon, déposée, en instruction, en attente de
compléments, soumise à l'avis du Collège, accordée, refusée, classée sans suite, retirée,
conventionnée, en paiement, soldée), portées par des professionnels libéraux de l'annuaire
de démonstration, avec leur équipe pluriprofessionnelle, les besoins du diagnostic local
qu'elles servent, un budget équilibré et leurs pièces. Sophie Marie
(professionnel@demo.cotentin.fr) porte un brouillon presque prêt et une demande pour laquelle
l'instructrice attend des compléments ; Claire Lemarchand (agent@demo.cotentin.fr) instruit ;
Anne Lecoq, dans l'équipe de la demande soumise à l'avis, en est écartée pour intérêt, et Marc
Guérin a son avis à donner.

L'année passée (`timezone.localdate().year - 1`, celle du bilan de démonstration) a aussi ses
demandes, déposées et décidées dans l'année : deux soldées, deux en paiement, une
conventionnée, une accordée, une refusée, une classée sans suite et une retirée, avec les
engagements des autres financeurs (accordés, refusés, sollicités).

Chaque étape passe par le service du portail, aujourd'hui, puis reprend sa vraie date (passée)
par une mise à jour des lignes qu'elle a écrites : journal, notifications (envoyées et lues,
sauf les toutes dernières), documents, scrutins. Les récépissés et courriers de décision sont
écrits par les tâches elles-mêmes, appelées ici : la démonstration n'attend pas de worker (la
tâche mise en file après validation ne trouve ensuite plus rien à faire).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import escape

from college import services as college
from college.models import Choix, Commentaire, Discussion, Electeur, Scrutin
from comptes.models import Utilisateur
from conseil.demo import COMPTES, DOMAINE_FIGURANTS, FIGURANTS, _compte
from conseil.models import Instance, TypeInstance
from financements import services
from financements.models import (
    PIECES_EXIGEES,
    CoPorteur,
    DemandeFinancement,
    Financeur,
    LigneFinancement,
    MembreEquipe,
    Message,
    NatureModele,
    NaturePiece,
    NoteInstruction,
    PieceJustificative,
    StatutDemande,
    StatutEngagement,
    TypeDemande,
)
from financements.pdf import modele_de
from financements.tasks import produire_courrier_decision, produire_recepisse
from socle.models import Document, Evenement, Notification
from socle.pdf import pdf_simple
from territoire.demo import charger_besoins, rpps
from territoire.models import BesoinTerritoire, Commune, ModeExercice, Professionnel, Projet

S = StatutDemande
AGGLO, ARS, DEPARTEMENT, URML, REGION, AUTO = (
    Financeur.AGGLOMERATION,
    Financeur.ARS,
    Financeur.DEPARTEMENT,
    Financeur.URML,
    Financeur.REGION,
    Financeur.AUTOFINANCEMENT,
)


@dataclass(frozen=True)
class DemandeDemo:
    etape: str
    intitule: str
    type_demande: str
    description: str
    commune: str  # code INSEE
    # Le porteur : la clé d'un compte de démonstration (conseil.demo.COMPTES), ou la
    # profession (code RPPS) d'un libéral de l'annuaire, choisi dans la commune si possible.
    porteur: str
    # Les autres membres de l'équipe : des professions (codes RPPS) ou des clés de comptes.
    equipe: tuple[str, ...]
    besoins: tuple[int, ...]  # rangs dans territoire.demo.BESOINS (à partir de 1)
    depenses: tuple[tuple[str, str], ...]
    plan: dict[str, str] = field(default_factory=dict)
    depot: int = 0  # jours écoulés depuis le dépôt
    coporteur: str = ""  # profession d'un co-porteur qui confirme
    stages: str = ""


# fmt: off
DEMANDES = (
    DemandeDemo(
        S.BROUILLON, "Pôle de santé des Pieux : ingénierie du projet de santé", TypeDemande.INGENIERIE,
        "Accompagner l'équipe du futur pôle de santé libéral et ambulatoire des Pieux dans l'écriture "
        "de son projet de santé : protocoles pluriprofessionnels, soins non programmés, accueil des "
        "sorties d'hospitalisation.",
        "50402", "marie", ("10", "70"), (2, 4),
        (("Accompagnement par un cabinet spécialisé (18 jours)", "14 400,00"),
         ("Animation de six réunions d'équipe", "2 100,00")),
        {AGGLO: "9 000,00", ARS: "6 000,00", AUTO: "1 500,00"},
        stages="Deux terrains de stage infirmier dès l'ouverture.",
    ),
    DemandeDemo(
        S.COMPLEMENTS, "Maison de santé de Flamanville : étude de faisabilité", TypeDemande.ETUDE,
        "Étudier le regroupement de deux médecins, trois infirmières et un kinésithérapeute dans une "
        "maison de santé à Flamanville : besoins, locaux, modèle économique.",
        "50184", "marie", ("10", "70"), (1, 2, 4),
        (("Étude de faisabilité (bureau d'études)", "19 800,00"),
         ("Frais de réunion et de déplacement", "1 200,00")),
        {AGGLO: "12 000,00", ARS: "6 000,00", AUTO: "3 000,00"},
        depot=25, stages="Accueil d'un interne en médecine générale par semestre.",
    ),
    DemandeDemo(
        S.DEPOSEE, "Cabinet pluriprofessionnel de Saint-Vaast-la-Hougue : étude", TypeDemande.ETUDE,
        "Réunir médecin, sage-femme et infirmiers dans un cabinet partagé du Val de Saire.",
        "50562", "10", ("50", "60"), (1, 7),
        (("Étude de faisabilité", "16 000,00"),),
        {AGGLO: "10 000,00", REGION: "4 000,00", AUTO: "2 000,00"},
        depot=2,
    ),
    DemandeDemo(
        S.EN_INSTRUCTION, "Rééducation de proximité à Bricquebec-en-Cotentin", TypeDemande.INGENIERIE,
        "Organiser un plateau de rééducation partagé entre kinésithérapeutes et orthophonistes.",
        "50082", "70", ("91", "10"), (3, 5),
        (("Ingénierie de projet", "11 000,00"), ("Étude des locaux", "3 000,00")),
        {AGGLO: "8 000,00", DEPARTEMENT: "4 000,00", AUTO: "2 000,00"},
        depot=12,
    ),
    DemandeDemo(
        S.AVIS, "PSLA de Valognes : étude de faisabilité", TypeDemande.ETUDE,
        "Étudier un pôle de santé libéral et ambulatoire à Valognes, adossé aux cabinets existants, "
        "avec un accueil de soins non programmés.",
        "50615", "10", ("lecoq", "60", "21"), (1, 2, 9),
        (("Étude de faisabilité", "21 000,00"), ("Concertation avec les professionnels", "3 000,00")),
        {AGGLO: "14 000,00", ARS: "7 000,00", AUTO: "3 000,00"},
        depot=40, coporteur="60", stages="Maîtrise de stage en médecine générale pour deux médecins.",
    ),
    DemandeDemo(
        S.ACCORDEE, "Santé des femmes dans le Val de Saire : cabinet de sages-femmes", TypeDemande.INGENIERIE,
        "Ouvrir un cabinet de sages-femmes libérales à Quettehou, en lien avec les médecins traitants.",
        "50417", "50", ("10",), (7,),
        (("Ingénierie de projet", "9 000,00"), ("Aménagement d'une salle de préparation", "3 000,00")),
        {AGGLO: "8 000,00", AUTO: "4 000,00"},
        depot=75,
    ),
    DemandeDemo(
        S.REFUSEE, "Centre dentaire de Beaumont-Hague", TypeDemande.AUTRE,
        "Équiper un cabinet dentaire à reprendre à La Hague.",
        "50041", "40", ("10",), (8,),
        (("Fauteuil et radiographie", "42 000,00"),),
        {AGGLO: "28 000,00", AUTO: "14 000,00"},
        depot=90,
    ),
    DemandeDemo(
        S.CLASSEE, "Téléconsultation assistée à Néhou", TypeDemande.AUTRE,
        "Installer une cabine de téléconsultation à la pharmacie.",
        "50370", "21", ("60",), (1,),
        (("Cabine de téléconsultation", "15 000,00"),),
        {AGGLO: "10 000,00", AUTO: "5 000,00"},
        depot=60,
    ),
    DemandeDemo(
        S.RETIREE, "Regroupement infirmier à Martinvast", TypeDemande.ETUDE,
        "Étudier le regroupement des infirmières libérales de Douve et Divette.",
        "50294", "60", ("10",), (4,),
        (("Étude", "8 000,00"),),
        {AGGLO: "6 000,00", AUTO: "2 000,00"},
        depot=45,
    ),
    DemandeDemo(
        S.CONVENTIONNEE, "Maison de santé de Barneville-Carteret : étude de faisabilité", TypeDemande.ETUDE,
        "Étudier une maison de santé pluriprofessionnelle sur la Côte des Isles.",
        "50031", "10", ("70", "60"), (1, 2, 3),
        (("Étude de faisabilité", "22 000,00"),
         ("Communication auprès des jeunes professionnels", "2 000,00")),
        {AGGLO: "15 000,00", ARS: "6 000,00", AUTO: "3 000,00"},
        depot=130, stages="Accueil d'internes et d'étudiants kinésithérapeutes.",
    ),
    DemandeDemo(
        S.EN_PAIEMENT, "Pôle de santé de Saint-Pierre-Église : ingénierie", TypeDemande.INGENIERIE,
        "Accompagner la création du pôle de santé libéral et ambulatoire de Saint-Pierre-Église.",
        "50539", "10", ("60", "70"), (1, 2),
        (("Ingénierie de projet", "25 000,00"), ("Frais juridiques (statuts de la SISA)", "3 000,00")),
        {AGGLO: "20 000,00", URML: "5 000,00", AUTO: "3 000,00"},
        depot=210, coporteur="60",
    ),
    DemandeDemo(
        S.SOLDEE, "Orthophonie et petite enfance à Cherbourg-en-Cotentin", TypeDemande.ETUDE,
        "Étude d'un cabinet partagé d'orthophonistes et de psychomotriciens pour réduire l'attente "
        "des enfants.",
        "50129", "91", ("95", "10"), (5, 6),
        (("Étude", "9 000,00"), ("Ateliers avec les écoles", "1 000,00")),
        {AGGLO: "7 000,00", AUTO: "3 000,00"},
        depot=320,
    ),
)


@dataclass(frozen=True)
class DemandePassee:
    """Une demande de l'année passée : déposée le `depot` (mois, jour), chaque étape suit à
    quelques jours ; `engagements` : ce que les autres financeurs ont décidé (par défaut,
    accordé)."""

    demande: DemandeDemo
    depot: tuple[int, int]
    engagements: dict[str, str] = field(default_factory=dict)
    tranches: tuple[dict[str, str], ...] = ()
    versees: int = 0  # tranches versées (toutes, pour une demande soldée)


SOLLICITE, REFUSE = StatutEngagement.SOLLICITE, StatutEngagement.REFUSE
# Les bulletins d'un avis rendu : assez de votants pour le quorum (la moitié du Collège).
AVIS_FAVORABLE = (
    Choix.FAVORABLE, Choix.FAVORABLE, Choix.FAVORABLE, Choix.RESERVE, Choix.FAVORABLE, Choix.FAVORABLE,
)
AVIS_DEFAVORABLE = (Choix.DEFAVORABLE, Choix.DEFAVORABLE, Choix.RESERVE, Choix.DEFAVORABLE, Choix.DEFAVORABLE)
COMMENTAIRES_DES_ENGAGEMENTS: dict[str, str] = {
    StatutEngagement.ACCORDE: "Notifié par courrier.",
    REFUSE: "Hors des priorités du financeur cette année ; l'autofinancement est augmenté d'autant.",
    SOLLICITE: "Dossier transmis au financeur ; sa décision est attendue.",
}

DEMANDES_ANNEE_PASSEE = (
    DemandePassee(DemandeDemo(
        S.SOLDEE, "Maison de santé de la Hague : étude de faisabilité", TypeDemande.ETUDE,
        "Étudier le regroupement des professionnels de Beaumont-Hague et de Jobourg dans une maison "
        "de santé pluriprofessionnelle.",
        "50041", "10", ("60", "70"), (1, 2),
        (("Étude de faisabilité", "18 000,00"), ("Réunions avec les élus et les professionnels", "2 000,00")),
        {AGGLO: "12 000,00", ARS: "5 000,00", AUTO: "3 000,00"},
        stages="Accueil d'un interne en médecine générale.",
    ), (2, 3), versees=2),
    DemandePassee(DemandeDemo(
        S.SOLDEE, "Soins non programmés à Valognes : ingénierie", TypeDemande.INGENIERIE,
        "Organiser un accueil de soins non programmés partagé entre les cabinets de Valognes.",
        "50615", "10", ("60",), (1, 2),
        (("Ingénierie de projet", "10 000,00"), ("Outil de planification partagé", "2 000,00")),
        {AGGLO: "7 000,00", URML: "3 000,00", AUTO: "2 000,00"},
    ), (3, 10), versees=2),
    DemandePassee(DemandeDemo(
        S.EN_PAIEMENT, "Pôle de santé de Montebourg : ingénierie", TypeDemande.INGENIERIE,
        "Accompagner la création d'un pôle de santé libéral et ambulatoire à Montebourg.",
        "50341", "10", ("60", "70"), (1, 2),
        (("Ingénierie de projet", "24 000,00"), ("Frais juridiques (statuts de la SISA)", "3 000,00")),
        {AGGLO: "16 000,00", DEPARTEMENT: "6 000,00", AUTO: "5 000,00"},
        coporteur="60",
    ), (4, 14), tranches=(
        {"libelle": "Avance", "montant": "5 000,00", "condition": "signature"},
        {"libelle": "Deuxième tranche", "montant": "6 000,00", "condition": "autre",
         "condition_detail": "Sur la remise du projet de santé"},
        {"libelle": "Solde", "montant": "5 000,00", "condition": "rapport_final"},
    ), versees=2),
    DemandePassee(DemandeDemo(
        S.EN_PAIEMENT, "Kinésithérapie à Saint-Sauveur-le-Vicomte : étude", TypeDemande.ETUDE,
        "Étudier l'installation d'un cabinet de kinésithérapie partagé dans la Vallée de l'Ouve.",
        "50551", "70", ("10",), (3,),
        (("Étude", "9 000,00"),),
        {AGGLO: "5 000,00", ARS: "2 000,00", AUTO: "2 000,00"},
    ), (6, 2), engagements={ARS: REFUSE}, versees=1),
    DemandePassee(DemandeDemo(
        S.CONVENTIONNEE, "Télésurveillance infirmière aux Pieux", TypeDemande.AUTRE,
        "Suivre à domicile les patients insuffisants cardiaques avec les infirmières libérales.",
        "50402", "60", ("10", "21"), (4,),
        (("Matériel de télésurveillance", "8 000,00"), ("Formation des infirmières", "2 000,00")),
        {AGGLO: "5 000,00", REGION: "3 000,00", AUTO: "2 000,00"},
    ), (9, 8), engagements={REGION: SOLLICITE}),
    DemandePassee(DemandeDemo(
        S.ACCORDEE, "Cabinet infirmier de Tollevast : étude", TypeDemande.ETUDE,
        "Étudier un cabinet infirmier partagé pour Douve et Divette.",
        "50599", "60", ("10",), (4,),
        (("Étude", "7 000,00"),),
        {AGGLO: "5 000,00", AUTO: "2 000,00"},
    ), (10, 13)),
    DemandePassee(DemandeDemo(
        S.REFUSEE, "Cabinet d'imagerie à Barfleur", TypeDemande.AUTRE,
        "Équiper un cabinet de radiologie conventionnelle.",
        "50030", "10", ("60",), (1,),
        (("Table de radiologie", "56 000,00"),),
        {AGGLO: "28 000,00", AUTO: "28 000,00"},
    ), (4, 22)),
    DemandePassee(DemandeDemo(
        S.CLASSEE, "Formation aux gestes d'urgence à Réville", TypeDemande.AUTRE,
        "Former les professionnels du Val de Saire aux gestes d'urgence.",
        "50433", "60", ("10",), (4,),
        (("Formation", "4 000,00"),),
        {AGGLO: "3 000,00", AUTO: "1 000,00"},
    ), (6, 16)),
    DemandePassee(DemandeDemo(
        S.RETIREE, "Cabinet de pédicurie à Port-Bail-sur-Mer", TypeDemande.ETUDE,
        "Étudier un cabinet de pédicurie-podologie partagé sur la Côte des Isles.",
        "50412", "70", ("10",), (3,),
        (("Étude", "5 000,00"),),
        {AGGLO: "3 500,00", AUTO: "1 500,00"},
    ), (7, 7)),
)
# fmt: on


def _a(jour: date, heure: int) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(heure)))


# Les lignes qu'une étape écrit, et le champ qui garde leur date.
DATES = (
    (Evenement, "cree_le"),
    (Document, "depose_le"),
    (PieceJustificative, "deposee_le"),
    (MembreEquipe, "ajoute_le"),
    (CoPorteur, "invite_le"),
    (Message, "envoye_le"),
    (NoteInstruction, "ecrite_le"),
    (Commentaire, "cree_le"),
    (Discussion, "cree_le"),
)


@cache
def _pdf_de_la_piece(nature: str) -> bytes:
    """Le PDF d'une pièce de démonstration, mis en page une fois par nature de pièce (il en faut
    près de 150, tous semblables : WeasyPrint en prendrait plusieurs secondes)."""
    html = (
        f"<h1>{escape(NaturePiece(nature).label)}</h1>"
        "<p>Document de démonstration du portail du Conseil de santé du Cotentin.</p>"
    )
    return pdf_simple(html)


class _Chargement:
    def __init__(self) -> None:
        self.aujourd_hui = timezone.localdate()
        par_email = {u.email: u for u in Utilisateur.objects.filter(email__in=COMPTES.values())}
        self.comptes: dict[str, Any] = {cle: par_email.get(email) for cle, email in COMPTES.items()}
        figurants = {f.email: f.cle for f in FIGURANTS}
        self.comptes |= {figurants[u.email]: u for u in Utilisateur.objects.filter(email__in=figurants)}
        self.agent = self.comptes["agent"]
        self.pris: set[int] = set(
            Professionnel.objects.filter(compte__isnull=False).values_list("pk", flat=True)
        )
        self.besoins = {b.ordre: b for b in BesoinTerritoire.objects.filter(demo=True)}
        self.marques: dict[type[models.Model], int] = {}
        self._marquer()

    # --- Les dates -----------------------------------------------------------------------

    def _marquer(self) -> None:
        for modele, _champ in (*DATES, (Notification, "")):
            self.marques[modele] = modele.objects.aggregate(m=models.Max("pk"))["m"] or 0

    def _dater(self, quand: datetime, *, lue: bool = True) -> None:
        """Ce que l'étape vient d'écrire prend sa vraie date ; les notifications sont parties à
        l'époque (la tâche d'envoi n'a plus rien à faire), et lues sauf les dernières."""
        for modele, champ in DATES:
            modele.objects.filter(pk__gt=self.marques[modele]).update(**{champ: quand})
        Notification.objects.filter(pk__gt=self.marques[Notification]).update(
            creee_le=quand, envoyee_le=quand, lue_le=quand + timedelta(hours=20) if lue else None
        )
        self._marquer()

    def _jour(self, jours: int, heure: int = 10) -> datetime:
        quand = _a(self.aujourd_hui - timedelta(days=jours), heure)
        return min(quand, timezone.now() - timedelta(minutes=5))

    # --- Les personnes ---------------------------------------------------------------------

    def _fiche(self, profession: str, commune: str = "", *, liberal: bool = False) -> Professionnel:
        """Un professionnel de l'annuaire de démonstration qui n'est encore dans aucune équipe."""
        base = Professionnel.objects.filter(actif=True, demo=True).exclude(pk__in=self.pris).order_by("rpps")
        if liberal:
            base = base.filter(mode_exercice__in=(ModeExercice.LIBERAL, ModeExercice.MIXTE))
        for choix in (
            base.filter(profession__code=profession, lieux__commune__code_insee=commune),
            base.filter(profession__code=profession),
            base,
        ):
            fiche = choix.first()
            if fiche is not None:
                self.pris.add(fiche.pk)
                return fiche
        raise LookupError(f"Plus de professionnel de démonstration ({profession}) dans l'annuaire.")

    def _compte_de(self, fiche: Professionnel) -> Any:
        """Un compte (sans mot de passe utilisable) relié à la fiche de l'annuaire."""
        prenom, nom = fiche.prenom.title(), fiche.nom.title()
        email = f"{prenom}.{nom}.{fiche.rpps[-4:]}@{DOMAINE_FIGURANTS}".lower().replace(" ", "-")
        compte = _compte(email, prenom, nom, personnel=False, roles=())
        Professionnel.objects.filter(pk=fiche.pk).update(compte=compte)
        return compte

    def _porteur(self, cle: str, commune: str) -> Any:
        if cle in self.comptes:
            return self.comptes[cle]
        return self._compte_de(self._fiche(cle, commune, liberal=True))

    # --- Les étapes ------------------------------------------------------------------------

    def _piece(self, nature: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(f"{nature}.pdf", _pdf_de_la_piece(nature), content_type="application/pdf")

    def brouillon(self, d: DemandeDemo, cree: datetime) -> DemandeFinancement:
        porteur = self._porteur(d.porteur, d.commune)
        fiche = Professionnel.objects.filter(compte=porteur).first()
        if fiche is not None:
            self.pris.add(fiche.pk)
        demande = services.demande_creer(
            porteur=porteur,
            intitule=d.intitule,
            type_demande=d.type_demande,
            description=d.description,
            commune=Commune.objects.filter(code_insee=d.commune).first(),
        )
        DemandeFinancement.objects.filter(pk=demande.pk).update(demo=True, cree_le=cree)
        Projet.objects.filter(pk=demande.projet_id).update(demo=True)
        for membre in d.equipe:
            compte = self.comptes.get(membre)
            professionnel = (
                Professionnel.objects.filter(compte=compte, actif=True).first() if compte else None
            )
            services.equipe_ajouter(
                demande=demande, acteur=porteur, professionnel=professionnel or self._fiche(membre, d.commune)
            )
        # Un petit annuaire (celui des tests) n'a pas toujours les professions voulues : l'équipe
        # réunit au moins deux professions, comme l'éligibilité l'exige.
        professions = set(demande.equipe.values_list("professionnel__profession_id", flat=True))
        if len(professions) < 2:
            autre = (
                Professionnel.objects.filter(actif=True, demo=True)
                .exclude(pk__in=self.pris)
                .exclude(profession_id__in=professions)
                .order_by("rpps")
                .first()
            )
            if autre is not None:
                self.pris.add(autre.pk)
                services.equipe_ajouter(demande=demande, acteur=porteur, professionnel=autre)
        services.demande_modifier(
            demande=demande,
            acteur=porteur,
            besoins=[self.besoins[rang] for rang in d.besoins if rang in self.besoins],
            engagement_stages=bool(d.stages),
            engagement_stages_detail=d.stages,
        )
        services.depenses_enregistrer(demande=demande, acteur=porteur, lignes=d.depenses)
        services.plan_enregistrer(demande=demande, acteur=porteur, montants=d.plan)
        self._dater(cree)
        if d.coporteur:
            compte = self._compte_de(self._fiche(d.coporteur, d.commune, liberal=True))
            coporteur = services.coporteur_inviter(demande=demande, acteur=porteur, email=compte.email)
            services.coporteur_repondre(coporteur=coporteur, acteur=compte, accepte=True)
            CoPorteur.objects.filter(pk=coporteur.pk).update(repondu_le=cree + timedelta(days=2))
            self._dater(cree + timedelta(days=2))
        # Le brouillon de Sophie Marie attend encore le RIB et la lettre d'engagement de l'équipe.
        natures = PIECES_EXIGEES if d.etape != S.BROUILLON else PIECES_EXIGEES[:4]
        for nature in natures:
            services.piece_deposer(
                demande=demande, acteur=porteur, nature=nature, fichier=self._piece(nature)
            )
        self._dater(cree + timedelta(days=5))
        demande.refresh_from_db()
        return demande

    def deposer(
        self, demande: DemandeFinancement, quand: datetime, *, lue: bool = True
    ) -> DemandeFinancement:
        demande = services.demande_deposer(demande=demande, acteur=demande.porteur, version=demande.version)
        # Le numéro suit l'année du dépôt (reprise à sa vraie date).
        numero = f"FIN-{timezone.localdate(quand).year}-{demande.pk:05d}"
        DemandeFinancement.objects.filter(pk=demande.pk).update(deposee_le=quand, numero=numero)
        produire_recepisse(demande.pk)
        self._dater(quand, lue=lue)
        demande.refresh_from_db()
        return demande

    def instruire(self, demande: DemandeFinancement, quand: datetime) -> DemandeFinancement:
        demande = services.instructeur_designer(
            demande=demande, acteur=self.agent, instructeur=self.agent, version=demande.version
        )
        services.note_ecrire(
            demande=demande,
            acteur=self.agent,
            texte="Dossier complet. Vérifier l'articulation avec le contrat local de santé et les "
            "aides de l'ARS.",
        )
        self._dater(quand)
        return demande

    def complements(
        self, demande: DemandeFinancement, quand: datetime, *, lue: bool = True
    ) -> DemandeFinancement:
        demande = services.demande_transition(
            demande=demande,
            vers=S.COMPLEMENTS,
            acteur=self.agent,
            version=demande.version,
            motif="Merci de joindre le devis détaillé du bureau d'études et la lettre d'intention de "
            "la commune pour les locaux.",
        )
        services.message_envoyer(
            demande=demande,
            acteur=self.agent,
            texte="Bonjour, le devis joint ne détaille pas les jours d'intervention : pouvez-vous "
            "le compléter ?",
        )
        self._dater(quand, lue=lue)
        return demande

    def avis(
        self, demande: DemandeFinancement, ouverture: datetime, cloture: datetime, choix: tuple[str, ...]
    ) -> DemandeFinancement:
        """Soumise à l'avis : le scrutin s'ouvre, des membres votent ; clos si `cloture` est passée
        (par la tâche périodique, acteur None), ouvert sinon (Marc Guérin n'a pas voté)."""
        demande = services.avis_demander(
            demande=demande,
            acteur=self.agent,
            version=demande.version,
            cloture=max(cloture, timezone.now() + timedelta(hours=1)),
        )
        scrutin = demande.scrutin
        if scrutin is None:
            raise LookupError("Le scrutin d'avis ne s'est pas ouvert.")
        votants = (
            Electeur.objects.filter(scrutin=scrutin, exclu_pour_interet=False)
            .exclude(personne=self.comptes["guerin"])
            .select_related("personne")
            .order_by("personne__nom", "pk")
        )
        for electeur, vote in zip(votants, choix, strict=False):
            college.bulletin_deposer(scrutin=scrutin, votant=electeur.personne, choix=vote)
        if demande.discussion is not None and "quesnel" in self.comptes:
            college.commentaire_publier(
                discussion=demande.discussion,
                auteur=self.comptes["quesnel"],
                texte="La CPTS soutient le projet : il répond au manque de médecins traitants du secteur.",
            )
        self._dater(ouverture, lue=cloture < timezone.now())
        Scrutin.objects.filter(pk=scrutin.pk).update(ouverture=ouverture, ouvert_le=ouverture)
        if cloture < timezone.now():
            Scrutin.objects.filter(pk=scrutin.pk).update(cloture=cloture)
            college.scrutin_clore(scrutin=scrutin, acteur=None)
            Scrutin.objects.filter(pk=scrutin.pk).update(clos_le=cloture)
            self._dater(cloture)
        demande.refresh_from_db()
        return demande

    def decider(self, demande: DemandeFinancement, quand: datetime, **decision: Any) -> DemandeFinancement:
        demande = services.demande_decider(
            demande=demande, acteur=self.agent, version=demande.version, **decision
        )
        DemandeFinancement.objects.filter(pk=demande.pk).update(decidee_le=quand)
        LigneFinancement.objects.filter(demande=demande, financeur=Financeur.AGGLOMERATION).update(
            decide_le=timezone.localdate(quand)
        )
        produire_courrier_decision(demande.pk)
        self._dater(quand)
        demande.refresh_from_db()
        return demande

    def accorder(self, demande: DemandeFinancement, quand: datetime, montant: str) -> DemandeFinancement:
        return self.decider(
            demande,
            quand,
            decision=S.ACCORDEE,
            montant_accorde=montant,
            conditions="Accueillir au moins un stagiaire par an pendant trois ans et mentionner le soutien "
            "de l'agglomération du Cotentin.",
        )

    def conventionner(
        self,
        demande: DemandeFinancement,
        genere: datetime,
        signee: datetime,
        engagements: dict[str, str] | None = None,
    ) -> DemandeFinancement:
        services.convention_generer(demande=demande, acteur=self.agent)
        self._dater(genere)
        demande.refresh_from_db()
        demande = services.convention_signee_deposer(
            demande=demande,
            acteur=self.agent,
            fichier=self._piece(NaturePiece.AUTRE),
            signee_le=timezone.localdate(signee),
            version=demande.version,
        )
        autre = demande.financements.exclude(financeur=Financeur.AGGLOMERATION).exclude(
            financeur=Financeur.AUTOFINANCEMENT
        )
        for ligne in autre:
            statut = (engagements or {}).get(ligne.financeur, StatutEngagement.ACCORDE)
            services.engagement_enregistrer(
                ligne=ligne,
                acteur=self.agent,
                statut_engagement=statut,
                montant_decide=ligne.montant if statut == StatutEngagement.ACCORDE else None,
                decide_le=(
                    None
                    if statut == StatutEngagement.SOLLICITE
                    else timezone.localdate(signee) - timedelta(days=10)
                ),
                commentaire=COMMENTAIRES_DES_ENGAGEMENTS[statut],
            )
        self._dater(signee)
        demande.refresh_from_db()
        return demande

    def verser(self, demande: DemandeFinancement, ordre: int, quand: datetime) -> DemandeFinancement:
        tranche = demande.tranches.get(ordre=ordre)
        services.tranche_verser(
            tranche=tranche,
            acteur=self.agent,
            versee_le=timezone.localdate(quand),
            reference_mandat=f"MDT-{timezone.localdate(quand).year}-{demande.pk:04d}{ordre}",
            version=demande.version,
        )
        demande.refresh_from_db()
        if demande.soldee_le is not None:
            DemandeFinancement.objects.filter(pk=demande.pk).update(soldee_le=quand)
        self._dater(quand)
        demande.refresh_from_db()
        return demande

    # --- Une demande, jusqu'à son étape ------------------------------------------------------

    def demande(self, d: DemandeDemo) -> DemandeFinancement:
        depot = d.depot
        cree = self._jour(depot + 20 if d.etape != S.BROUILLON else 6)
        demande = self.brouillon(d, cree)
        if d.etape == S.BROUILLON:
            return demande
        demande = self.deposer(demande, self._jour(depot, 11), lue=d.etape != S.DEPOSEE)
        if d.etape == S.DEPOSEE:
            return demande
        demande = self.instruire(demande, self._jour(depot - 3 if depot > 8 else depot // 2, 9))
        if d.etape == S.EN_INSTRUCTION:
            return demande
        if d.etape == S.COMPLEMENTS:
            return self.complements(demande, self._jour(4, 15), lue=False)
        if d.etape in (S.CLASSEE, S.RETIREE, S.REFUSEE, S.ACCORDEE) or depot > 100:
            demande = self.complements(demande, self._jour(depot - 8, 15))
            services.piece_deposer(
                demande=demande,
                acteur=demande.porteur,
                nature=NaturePiece.COMPLEMENT,
                fichier=self._piece(NaturePiece.COMPLEMENT),
            )
            demande = services.demande_transition(
                demande=demande, vers=S.EN_INSTRUCTION, acteur=demande.porteur, version=demande.version
            )
            self._dater(self._jour(depot - 15, 18))
        if d.etape == S.CLASSEE:
            return self.decider(
                demande,
                self._jour(depot - 25, 11),
                decision=S.CLASSEE,
                motif="Le projet relève du dispositif national de téléconsultation de l'Assurance maladie, "
                "hors du champ de l'aide de l'agglomération.",
            )
        if d.etape == S.RETIREE:
            demande = services.demande_retirer(
                demande=demande,
                acteur=demande.porteur,
                version=demande.version,
                motif="Le projet est repris par la communauté professionnelle territoriale de santé.",
            )
            self._dater(self._jour(depot - 20, 17))
            return demande
        if d.etape == S.AVIS:
            return self.avis(
                demande,
                self._jour(2, 9),
                _a(self.aujourd_hui + timedelta(days=5), 18),
                (Choix.FAVORABLE, Choix.FAVORABLE, Choix.RESERVE),
            )
        avis = self._jour(depot - 25, 9)
        cloture = avis + timedelta(days=7, hours=9)
        if d.etape == S.REFUSEE:
            demande = self.avis(demande, avis, cloture, AVIS_DEFAVORABLE)
            return self.decider(
                demande,
                self._jour(depot - 34, 11),
                decision=S.REFUSEE,
                motifs_refus="L'aide de l'agglomération soutient les études et l'ingénierie des projets "
                "d'exercice coordonné ; l'achat d'équipements d'un cabinet individuel n'en relève pas.",
                voies_recours="Recours gracieux auprès du Président de la Communauté d'agglomération, "
                "ou recours contentieux devant le tribunal administratif de Caen, dans les deux mois "
                "suivant la notification.",
            )
        demande = self.avis(demande, avis, cloture, AVIS_FAVORABLE)
        montant = d.plan[Financeur.AGGLOMERATION]
        demande = self.accorder(demande, self._jour(depot - 34, 11), montant)
        if d.etape == S.ACCORDEE:
            return demande
        if d.etape == S.EN_PAIEMENT:
            # Un échéancier en trois tranches, reformé par l'instructrice avant la convention.
            services.tranches_enregistrer(
                demande=demande,
                acteur=self.agent,
                version=demande.version,
                lignes=[
                    {"libelle": "Avance", "montant": "6 000,00", "condition": "signature"},
                    {
                        "libelle": "Deuxième tranche",
                        "montant": "8 000,00",
                        "condition": "autre",
                        "condition_detail": "Sur la remise du diagnostic partagé avec l'équipe",
                    },
                    {"libelle": "Solde", "montant": "6 000,00", "condition": "rapport_final"},
                ],
            )
            demande.refresh_from_db()
        demande = self.conventionner(demande, self._jour(depot - 45, 10), self._jour(depot - 60, 16))
        if d.etape == S.CONVENTIONNEE:
            return demande
        demande = self.verser(demande, 1, self._jour(depot - 70, 10))
        if d.etape == S.EN_PAIEMENT:
            return self.verser(demande, 2, self._jour(depot - 150, 10))
        services.piece_deposer(
            demande=demande,
            acteur=demande.porteur,
            nature=NaturePiece.RAPPORT_FINAL,
            fichier=self._piece(NaturePiece.RAPPORT_FINAL),
        )
        self._dater(self._jour(depot - 250, 14))
        return self.verser(demande, 2, self._jour(depot - 270, 10))

    def _le(self, jour: date, heure: int = 10) -> datetime:
        return min(_a(jour, heure), timezone.now() - timedelta(minutes=5))

    def demande_passee(self, p: DemandePassee) -> DemandeFinancement:
        """Une demande de l'année passée, déposée et décidée dans l'année, jusqu'à son étape."""
        d = p.demande
        depot = date(self.aujourd_hui.year - 1, *p.depot)

        def le(jours: int, heure: int = 10) -> datetime:
            return self._le(depot + timedelta(days=jours), heure)

        demande = self.brouillon(d, le(-20))
        demande = self.deposer(demande, le(0, 11))
        demande = self.instruire(demande, le(4, 9))
        if d.etape in (S.SOLDEE, S.REFUSEE):
            demande = self.complements(demande, le(8, 15))
            services.piece_deposer(
                demande=demande,
                acteur=demande.porteur,
                nature=NaturePiece.COMPLEMENT,
                fichier=self._piece(NaturePiece.COMPLEMENT),
            )
            demande = services.demande_transition(
                demande=demande, vers=S.EN_INSTRUCTION, acteur=demande.porteur, version=demande.version
            )
            self._dater(le(15, 18))
        if d.etape == S.RETIREE:
            demande = services.demande_retirer(
                demande=demande,
                acteur=demande.porteur,
                version=demande.version,
                motif="Le cabinet a trouvé un local équipé : l'étude n'est plus nécessaire.",
            )
            self._dater(le(20, 17))
            return demande
        if d.etape == S.CLASSEE:
            return self.decider(
                demande,
                le(25, 11),
                decision=S.CLASSEE,
                motif="La formation relève du plan de formation de la CPTS, déjà financé par l'ARS.",
            )
        if d.etape == S.REFUSEE:
            demande = self.avis(demande, le(20, 9), le(27, 18), AVIS_DEFAVORABLE)
            return self.decider(
                demande,
                le(34, 11),
                decision=S.REFUSEE,
                motifs_refus="L'aide de l'agglomération soutient les études et l'ingénierie des projets "
                "d'exercice coordonné ; l'équipement d'un cabinet d'imagerie n'en relève pas.",
                voies_recours="Recours gracieux auprès du Président de la Communauté d'agglomération, "
                "ou recours contentieux devant le tribunal administratif de Caen, dans les deux mois "
                "suivant la notification.",
            )
        demande = self.avis(demande, le(20, 9), le(27, 18), AVIS_FAVORABLE)
        demande = self.accorder(demande, le(34, 11), d.plan[Financeur.AGGLOMERATION])
        if d.etape == S.ACCORDEE:
            return demande
        if p.tranches:
            services.tranches_enregistrer(
                demande=demande, acteur=self.agent, version=demande.version, lignes=list(p.tranches)
            )
            demande.refresh_from_db()
        demande = self.conventionner(demande, le(45), le(55, 16), p.engagements)
        for ordre in range(1, p.versees + 1):
            jours = 60 if ordre == 1 else 150
            if d.etape == S.SOLDEE and ordre == p.versees:
                # Le solde, sur le rapport final.
                services.piece_deposer(
                    demande=demande,
                    acteur=demande.porteur,
                    nature=NaturePiece.RAPPORT_FINAL,
                    fichier=self._piece(NaturePiece.RAPPORT_FINAL),
                )
                self._dater(le(190, 14))
                jours = 200
            demande = self.verser(demande, ordre, le(jours))
        return demande

    def fin(self) -> None:
        """Chaque demande garde la date de sa dernière étape."""
        for demande in DemandeFinancement.objects.filter(demo=True):
            dernier = Evenement.objects.filter(
                cible_type__model="demandefinancement", cible_id=str(demande.pk)
            ).aggregate(m=models.Max("cree_le"))["m"]
            if dernier is not None:
                DemandeFinancement.objects.filter(pk=demande.pk).update(modifiee_le=dernier)


def charger(*, afficher: Any = print) -> bool:
    """Charge les besoins du territoire et les demandes de démonstration par les services ; ne fait
    rien s'il y a déjà des demandes de démonstration (ou s'il manque le Collège ou l'annuaire)."""
    if DemandeFinancement.objects.filter(demo=True).exists():
        return False
    if not Instance.objects.filter(type_instance=TypeInstance.COLLEGE, demo=True, active=True).exists():
        afficher("Pas de Collège de démonstration : pas de demandes de financement de démonstration.")
        return False
    if not Utilisateur.objects.filter(email=COMPTES["agent"]).exists():
        afficher("Pas de comptes de démonstration : pas de demandes de financement de démonstration.")
        return False
    with transaction.atomic():
        charger_besoins()
        for nature in NatureModele.values:
            modele_de(nature)
        sophie = Utilisateur.objects.get(email=COMPTES["marie"])
        Professionnel.objects.filter(rpps=rpps(990001), compte__isnull=True).update(compte=sophie)
        chargement = _Chargement()
        for passee in DEMANDES_ANNEE_PASSEE:
            chargement.demande_passee(passee)
        for d in DEMANDES:
            chargement.demande(d)
        chargement.fin()
    demandes = DemandeFinancement.objects.filter(demo=True)
    annee = timezone.localdate().year - 1
    afficher(
        f"Demandes de financement de démonstration chargées : {demandes.count()} demandes "
        f"(dont {demandes.filter(deposee_le__year=annee).count()} déposées en {annee}, "
        f"{demandes.filter(porteur__email=COMPTES['marie']).count()} portées par Sophie Marie), "
        f"{BesoinTerritoire.objects.filter(demo=True).count()} besoins du territoire."
    )
    return True
