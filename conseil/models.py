"""Le Conseil de santé du Cotentin et ses instances (axe I du plan d'action).

Une `Instance` (le Conseil, le Collège des professionnels, chaque groupe de travail) a des
`Mandat` (qui y siège, à quel titre, de quand à quand) et tient des `Reunion` (séances
plénières, réunions de groupe) : ordre du jour, convocation, réponses, procurations,
présences, quorum figé à la clôture, procès-verbal adopté à une séance suivante puis archivé
en PDF. Les groupes de travail ont leurs livrables ; le Conseil adopte chaque année un
`ProgrammeDeTravail` dont les objectifs sont confiés aux groupes.
"""

import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from territoire.models import Axe


class PlageDeDates(Func):
    """`daterange(debut, fin, '[]')` : une fin absente est une plage ouverte."""

    function = "DATERANGE"
    output_field = DateRangeField()


class TypeInstance(models.TextChoices):
    CONSEIL = "conseil", _("Conseil de santé")
    COLLEGE = "college", _("Collège des professionnels")
    GROUPE = "groupe", _("Groupe de travail")


class BaseMajorite(models.TextChoices):
    SUFFRAGES_EXPRIMES = "exprimes", _("Majorité absolue des suffrages exprimés")
    MEMBRES = "membres", _("Majorité absolue des membres du corps électoral")
    DEUX_TIERS = "deux_tiers", _("Deux tiers des suffrages exprimés")


class Departage(models.TextChoices):
    AGE = "age", _("Le candidat le plus âgé")
    TIRAGE = "tirage", _("Tirage au sort enregistré")


class Instance(models.Model):
    """Le Conseil de santé, le Collège des professionnels ou un groupe de travail, avec
    les règles de ses séances (quorum, procurations)."""

    nom = models.CharField(_("nom"), max_length=200, unique=True)
    type_instance = models.CharField(_("type"), max_length=20, choices=TypeInstance)
    description = models.TextField(_("description"), blank=True)
    quorum_part = models.DecimalField(
        _("quorum (part des membres)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "Part des membres à voix délibérative qui doivent être présents (ou représentés) : "
            "0,50 pour la moitié. 0 : pas de quorum."
        ),
    )
    quorum_compte_procurations = models.BooleanField(
        _("les membres représentés comptent pour le quorum"), default=True
    )
    procurations_autorisees = models.BooleanField(_("procurations autorisées"), default=True)
    procurations_max_par_membre = models.PositiveSmallIntegerField(
        _("procurations détenues au plus par un membre"),
        default=1,
        validators=[MinValueValidator(1)],
    )
    vote_base_majorite = models.CharField(
        _("majorité requise pour une délibération ou un avis"),
        max_length=20,
        choices=BaseMajorite,
        default=BaseMajorite.SUFFRAGES_EXPRIMES,
    )
    vote_abstentions_exprimees = models.BooleanField(
        _("les abstentions comptent comme suffrages exprimés"), default=False
    )
    vote_secret = models.BooleanField(
        _("scrutins secrets par défaut"),
        default=True,
        help_text=_("Chaque scrutin peut en décider autrement avant son ouverture."),
    )
    vote_departage = models.CharField(
        _("départage des candidats à égalité"), max_length=20, choices=Departage, default=Departage.AGE
    )
    calendrier_public = models.BooleanField(
        _("séances au calendrier public"),
        default=False,
        help_text=_("Les séances plénières du Conseil figurent au calendrier public du portail."),
    )
    active = models.BooleanField(_("active"), default=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("instance")
        verbose_name_plural = _("instances")
        ordering = ["type_instance", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type_instance__in=TypeInstance.values), name="instance_type_valide"
            ),
            models.CheckConstraint(
                condition=Q(quorum_part__gte=0, quorum_part__lte=1), name="instance_quorum_entre_0_et_1"
            ),
            models.CheckConstraint(
                condition=Q(procurations_max_par_membre__gte=1), name="instance_procurations_max_positif"
            ),
            # Un seul Conseil de santé et un seul Collège.
            models.UniqueConstraint(
                fields=["type_instance"],
                condition=Q(type_instance__in=[TypeInstance.CONSEIL, TypeInstance.COLLEGE]),
                name="instance_conseil_et_college_uniques",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    def get_absolute_url(self) -> str:
        return reverse("conseil:instance_detail", kwargs={"pk": self.pk})

    @property
    def est_groupe(self) -> bool:
        return self.type_instance == TypeInstance.GROUPE


class RoleMandat(models.TextChoices):
    COPRESIDENT = "copresident", _("Co-président")
    TITULAIRE = "titulaire", _("Membre titulaire")
    SUPPLEANT = "suppleant", _("Membre suppléant")
    ANIMATEUR = "animateur", _("Animateur")
    SECRETARIAT = "secretariat", _("Secrétariat")


# Les mandats qui donnent voix délibérative, donc comptent pour le quorum. Un suppléant
# ne compte qu'à la place du titulaire absent du même siège.
ROLES_DELIBERATIFS = (RoleMandat.COPRESIDENT, RoleMandat.TITULAIRE)


class CategorieCollege(models.TextChoices):
    ETABLISSEMENTS_HOSPITALIERS = "etablissements_hospitaliers", _("Établissements hospitaliers")
    EXERCICE_SALARIE = "exercice_salarie", _("Structures d'exercice salarié")
    LIBERAUX_PSLA = "liberaux_psla", _("Professionnels libéraux et PSLA")
    MEDICO_SOCIAL = "medico_social", _("Opérateurs médico-sociaux")
    COORDINATION = "coordination", _("Structures de coordination")


def mandat_en_cours(jour: date | Any, chemin: str = "") -> Q:
    """La condition « le mandat couvre `jour` » : commencé ce jour ou avant, pas encore fini.

    `jour` peut être une expression (`OuterRef("debut__date")`) ; `chemin` vise un mandat lié
    (« mandats__ », « instance__mandats__ ») : les trois conditions portent alors sur le même
    mandat, dans le même `filter()`."""
    return Q(**{f"{chemin}debut__lte": jour}) & (
        Q(**{f"{chemin}fin__isnull": True}) | Q(**{f"{chemin}fin__gte": jour})
    )


class MandatQuerySet(models.QuerySet["Mandat"]):
    def en_cours(self, jour: date) -> "MandatQuerySet":
        """Les mandats qui couvrent `jour`."""
        return self.filter(mandat_en_cours(jour))

    def commences(self, jour: date) -> "MandatQuerySet":
        """Les mandats commencés au plus tard `jour`, en cours ou finis : ceux d'un membre
        actuel ou passé d'une instance (qui lit encore ses discussions)."""
        return self.filter(debut__lte=jour)


class Mandat(models.Model):
    """Le siège d'une personne dans une instance, à un titre, pour une période."""

    instance = models.ForeignKey(
        Instance, verbose_name=_("instance"), on_delete=models.CASCADE, related_name="mandats"
    )
    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.PROTECT,
        related_name="mandats",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=RoleMandat)
    categorie = models.CharField(
        _("catégorie du Collège"), max_length=40, choices=CategorieCollege, blank=True
    )
    siege = models.PositiveSmallIntegerField(
        _("siège n°"),
        null=True,
        blank=True,
        help_text=_(
            "Le titulaire et le suppléant d'un même siège portent le même numéro. "
            "Laisser vide pour un mandat sans siège (animateur, secrétariat, membre d'un groupe)."
        ),
    )
    structure = models.ForeignKey(
        "territoire.Structure",
        verbose_name=_("structure représentée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mandats",
    )
    debut = models.DateField(_("début"))
    fin = models.DateField(_("fin"), null=True, blank=True, help_text=_("Vide : mandat en cours."))
    designation = models.CharField(
        _("désignation"),
        max_length=255,
        blank=True,
        help_text=_("Par exemple : « élu par le Collège le 12 mars 2026 »."),
    )
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    objects = MandatQuerySet.as_manager()

    class Meta:
        verbose_name = _("mandat")
        verbose_name_plural = _("mandats")
        ordering = ["instance", "siege", "role", "personne__nom"]
        indexes = [models.Index(fields=["personne", "instance"])]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=RoleMandat.values), name="mandat_role_valide"),
            models.CheckConstraint(
                condition=Q(categorie="") | Q(categorie__in=CategorieCollege.values),
                name="mandat_categorie_valide",
            ),
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=models.F("debut")), name="mandat_fin_apres_debut"
            ),
            # Une personne n'a qu'un mandat à la fois dans une instance.
            ExclusionConstraint(
                name="mandat_personne_sans_chevauchement",
                expressions=[
                    (PlageDeDates("debut", "fin", RangeBoundary(True, True)), RangeOperators.OVERLAPS),
                    ("instance", RangeOperators.EQUAL),
                    ("personne", RangeOperators.EQUAL),
                ],
            ),
            # Un siège n'a qu'un titulaire (ou un suppléant) à la fois.
            ExclusionConstraint(
                name="mandat_siege_sans_chevauchement",
                expressions=[
                    (PlageDeDates("debut", "fin", RangeBoundary(True, True)), RangeOperators.OVERLAPS),
                    ("instance", RangeOperators.EQUAL),
                    ("siege", RangeOperators.EQUAL),
                    ("role", RangeOperators.EQUAL),
                ],
                condition=Q(siege__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.personne} — {self.get_role_display()} ({self.instance})"

    def en_cours_le(self, jour: date) -> bool:
        return self.debut <= jour and (self.fin is None or self.fin >= jour)

    @property
    def deliberatif(self) -> bool:
        return self.role in ROLES_DELIBERATIFS


class StatutReunion(models.TextChoices):
    PLANIFIEE = "planifiee", _("Planifiée")
    CONVOQUEE = "convoquee", _("Convoquée")
    TENUE = "tenue", _("Tenue")
    # Avec un contexte : sans lui, le catalogue de Django traduit l'anglais « Close » par « Fermer ».
    CLOSE = "close", pgettext_lazy("statut d'une séance", "Close")
    ANNULEE = "annulee", _("Annulée")


class Reunion(models.Model):
    """Une séance d'une instance : séance plénière du Conseil ou du Collège, réunion d'un
    groupe de travail."""

    instance = models.ForeignKey(
        Instance, verbose_name=_("instance"), on_delete=models.PROTECT, related_name="reunions"
    )
    titre = models.CharField(_("titre"), max_length=200)
    debut = models.DateTimeField(_("début"))
    fin = models.DateTimeField(_("fin"), null=True, blank=True)
    lieu = models.CharField(_("lieu"), max_length=255, blank=True)
    lien_visio = models.URLField(_("lien de visioconférence"), max_length=500, blank=True)
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutReunion, default=StatutReunion.PLANIFIEE
    )
    convoquee_le = models.DateTimeField(_("convocation envoyée le"), null=True, blank=True)
    convocation_motif_retard = models.TextField(_("motif de la convocation tardive"), blank=True)
    # Figés à la clôture : le registre ne change plus si un mandat est corrigé ensuite.
    quorum_membres = models.PositiveSmallIntegerField(_("membres à voix délibérative"), null=True, blank=True)
    quorum_presents = models.PositiveSmallIntegerField(_("présents"), null=True, blank=True)
    quorum_representes = models.PositiveSmallIntegerField(_("représentés"), null=True, blank=True)
    quorum_requis = models.PositiveSmallIntegerField(_("quorum requis"), null=True, blank=True)
    quorum_atteint = models.BooleanField(_("quorum atteint"), null=True, blank=True)
    quorum_compte_procurations = models.BooleanField(
        _("les représentés comptaient pour le quorum"), null=True, blank=True
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cree_le = models.DateTimeField(_("créée le"), db_default=Now())
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["-debut", "-id"]
        indexes = [models.Index(fields=["instance", "-debut"]), models.Index(fields=["debut"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(statut__in=StatutReunion.values), name="reunion_statut_valide"
            ),
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gt=models.F("debut")), name="reunion_fin_apres_debut"
            ),
            models.CheckConstraint(condition=~Q(lieu="") | ~Q(lien_visio=""), name="reunion_lieu_ou_visio"),
            models.CheckConstraint(
                condition=~Q(statut=StatutReunion.CLOSE)
                | Q(quorum_atteint__isnull=False, quorum_compte_procurations__isnull=False),
                name="reunion_close_avec_quorum_fige",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titre} ({self.debut:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("conseil:reunion_detail", kwargs={"pk": self.pk})

    @property
    def est_pleniere(self) -> bool:
        return self.instance.type_instance != TypeInstance.GROUPE

    @property
    def quorum_fige(self) -> bool:
        return self.quorum_atteint is not None


class NaturePoint(models.TextChoices):
    INFORMATION = "information", _("Information")
    DEBAT = "debat", _("Débat")
    DECISION = "decision", _("Décision")


class PointOrdreDuJour(models.Model):
    """Un point de l'ordre du jour, avec ses documents (socle.Document rattachés)."""

    reunion = models.ForeignKey(
        Reunion, verbose_name=_("séance"), on_delete=models.CASCADE, related_name="points"
    )
    ordre = models.PositiveSmallIntegerField(_("ordre"))
    titre = models.CharField(_("titre"), max_length=255)
    expose = models.TextField(_("exposé"), blank=True)
    nature = models.CharField(
        _("nature"), max_length=20, choices=NaturePoint, default=NaturePoint.INFORMATION
    )
    resultat = models.TextField(
        _("suite donnée"), blank=True, help_text=_("Ce qui a été dit ou décidé : repris au procès-verbal.")
    )

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("points de l'ordre du jour")
        ordering = ["reunion", "ordre"]
        constraints = [
            # Différée : échanger deux points passe par un état intermédiaire en double.
            models.UniqueConstraint(
                fields=["reunion", "ordre"],
                name="point_ordre_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(condition=Q(nature__in=NaturePoint.values), name="point_nature_valide"),
        ]

    def __str__(self) -> str:
        return f"{self.ordre}. {self.titre}"

    def get_absolute_url(self) -> str:
        return f"{self.reunion.get_absolute_url()}#point-{self.pk}"


class Reponse(models.TextChoices):
    SANS_REPONSE = "", _("Pas encore de réponse")
    PRESENT = "present", _("Je serai présent")
    EXCUSE = "excuse", _("Je serai excusé")
    PROCURATION = "procuration", _("Je donne procuration")


class Presence(models.TextChoices):
    NON_RELEVEE = "", _("Non relevée")
    PRESENT = "present", _("Présent")
    EXCUSE = "excuse", _("Excusé")
    ABSENT = "absent", _("Absent")
    REPRESENTE = "represente", _("Représenté")


class Participation(models.Model):
    """Un membre convoqué à une séance : sa convocation, sa réponse, sa présence."""

    reunion = models.ForeignKey(
        Reunion, verbose_name=_("séance"), on_delete=models.CASCADE, related_name="participations"
    )
    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    mandat = models.ForeignKey(
        Mandat,
        verbose_name=_("mandat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    convoque_le = models.DateTimeField(_("convocation envoyée le"), null=True, blank=True)
    reponse = models.CharField(_("réponse"), max_length=20, choices=Reponse, blank=True, default="")
    repondu_le = models.DateTimeField(_("réponse le"), null=True, blank=True)
    presence = models.CharField(_("présence"), max_length=20, choices=Presence, blank=True, default="")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["reunion", "personne__nom", "personne__prenom"]
        constraints = [
            models.UniqueConstraint(fields=["reunion", "personne"], name="participation_unique"),
            models.CheckConstraint(
                condition=Q(reponse__in=Reponse.values), name="participation_reponse_valide"
            ),
            models.CheckConstraint(
                condition=Q(presence__in=Presence.values), name="participation_presence_valide"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.personne} — {self.reunion}"

    @property
    def deliberatif(self) -> bool:
        return self.mandat is not None and self.mandat.deliberatif


class Procuration(models.Model):
    """Un membre (le mandant) charge un autre membre de la même instance (le mandataire)
    de le représenter à une séance."""

    reunion = models.ForeignKey(
        Reunion, verbose_name=_("séance"), on_delete=models.CASCADE, related_name="procurations"
    )
    mandant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mandant"),
        on_delete=models.PROTECT,
        related_name="procurations_donnees",
    )
    mandataire = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mandataire"),
        on_delete=models.PROTECT,
        related_name="procurations_recues",
    )
    donnee_le = models.DateTimeField(_("donnée le"), db_default=Now())
    enregistree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistrée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("procuration")
        verbose_name_plural = _("procurations")
        ordering = ["reunion", "mandant__nom"]
        indexes = [models.Index(fields=["reunion", "mandataire"])]
        constraints = [
            models.UniqueConstraint(fields=["reunion", "mandant"], name="procuration_une_par_mandant"),
            models.CheckConstraint(
                condition=~Q(mandant=models.F("mandataire")), name="procuration_pas_a_soi_meme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mandant} → {self.mandataire} ({self.reunion})"


class StatutProcesVerbal(models.TextChoices):
    BROUILLON = "brouillon", _("Projet")
    ADOPTE = "adopte", _("Adopté")
    ARCHIVE = "archive", _("Archivé")


class ProcesVerbal(models.Model):
    """Le procès-verbal d'une séance : rédigé d'après ce qui a été enregistré, adopté à une
    séance suivante de la même instance, archivé en PDF."""

    reunion = models.OneToOneField(
        Reunion, verbose_name=_("séance"), on_delete=models.CASCADE, related_name="proces_verbal"
    )
    texte = models.TextField(_("texte"))
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutProcesVerbal, default=StatutProcesVerbal.BROUILLON
    )
    redige_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rédigé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    modifie_le = models.DateTimeField(_("modifié le"), db_default=Now())
    adopte_en = models.ForeignKey(
        Reunion,
        verbose_name=_("adopté en séance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proces_verbaux_adoptes",
    )
    adopte_le = models.DateTimeField(_("adopté le"), null=True, blank=True)
    document = models.ForeignKey(
        "socle.Document",
        verbose_name=_("PDF archivé"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    erreur_archivage = models.TextField(_("erreur d'archivage"), blank=True)

    class Meta:
        verbose_name = _("procès-verbal")
        verbose_name_plural = _("procès-verbaux")
        constraints = [
            models.CheckConstraint(
                condition=Q(statut__in=StatutProcesVerbal.values), name="pv_statut_valide"
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutProcesVerbal.BROUILLON)
                | Q(adopte_en__isnull=False, adopte_le__isnull=False),
                name="pv_adopte_en_seance",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutProcesVerbal.ARCHIVE) | Q(document__isnull=False),
                name="pv_archive_avec_pdf",
            ),
            models.CheckConstraint(condition=~Q(adopte_en=models.F("reunion")), name="pv_adopte_ailleurs"),
        ]

    def __str__(self) -> str:
        return _("Procès-verbal — %(reunion)s") % {"reunion": self.reunion}

    def get_absolute_url(self) -> str:
        return reverse("conseil:proces_verbal", kwargs={"pk": self.reunion_id})

    @property
    def modifiable(self) -> bool:
        return self.statut == StatutProcesVerbal.BROUILLON


class GroupeDeTravail(models.Model):
    """Un groupe de travail du Conseil : son instance (membres, réunions), son axe, ses deux
    co-pilotes (un agent de l'agglomération, un professionnel) et ses livrables."""

    instance = models.OneToOneField(
        Instance,
        verbose_name=_("instance"),
        on_delete=models.CASCADE,
        related_name="groupe",
        limit_choices_to={"type_instance": TypeInstance.GROUPE},
    )
    axe = models.CharField(_("axe du plan d'action"), max_length=3, choices=Axe)
    mission = models.TextField(_("mission"), blank=True)
    copilote_agglomeration = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-pilote pour l'agglomération"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groupes_copilotes_agglomeration",
    )
    copilote_professionnel = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-pilote professionnel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groupes_copilotes_professionnel",
    )

    class Meta:
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")
        ordering = ["axe", "instance__nom"]
        constraints = [
            models.CheckConstraint(condition=Q(axe__in=Axe.values), name="groupe_axe_valide"),
            models.CheckConstraint(
                condition=Q(copilote_agglomeration__isnull=True)
                | Q(copilote_professionnel__isnull=True)
                | ~Q(copilote_agglomeration=models.F("copilote_professionnel")),
                name="groupe_deux_copilotes_distincts",
            ),
        ]

    def __str__(self) -> str:
        return self.instance.nom

    def get_absolute_url(self) -> str:
        return reverse("conseil:groupe_detail", kwargs={"pk": self.pk})


class StatutProgramme(models.TextChoices):
    BROUILLON = "brouillon", _("Projet")
    ADOPTE = "adopte", _("Adopté")


class ProgrammeDeTravail(models.Model):
    """Le programme de travail d'une année, adopté par le Conseil en séance plénière."""

    annee = models.PositiveSmallIntegerField(_("année"), unique=True)
    titre = models.CharField(_("titre"), max_length=200, blank=True)
    presentation = models.TextField(_("présentation"), blank=True)
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutProgramme, default=StatutProgramme.BROUILLON
    )
    adopte_en = models.ForeignKey(
        Reunion,
        verbose_name=_("adopté en séance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes_adoptes",
    )
    adopte_le = models.DateTimeField(_("adopté le"), null=True, blank=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("programme de travail")
        verbose_name_plural = _("programmes de travail")
        ordering = ["-annee"]
        constraints = [
            models.CheckConstraint(
                condition=Q(statut__in=StatutProgramme.values), name="programme_statut_valide"
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutProgramme.BROUILLON)
                | Q(adopte_en__isnull=False, adopte_le__isnull=False),
                name="programme_adopte_en_seance",
            ),
        ]

    def __str__(self) -> str:
        return self.titre or _("Programme de travail %(annee)s") % {"annee": self.annee}

    def get_absolute_url(self) -> str:
        return reverse("conseil:programme_detail", kwargs={"annee": self.annee})


class ObjectifProgramme(models.Model):
    """Un objectif du programme de l'année, confié à un groupe de travail."""

    programme = models.ForeignKey(
        ProgrammeDeTravail, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="objectifs"
    )
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=1)
    intitule = models.CharField(_("intitulé"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    groupe = models.ForeignKey(
        GroupeDeTravail,
        verbose_name=_("groupe de travail"),
        on_delete=models.PROTECT,
        related_name="objectifs",
    )

    class Meta:
        verbose_name = _("objectif du programme")
        verbose_name_plural = _("objectifs du programme")
        ordering = ["programme", "ordre", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "ordre"], name="objectif_ordre_unique"),
        ]

    def __str__(self) -> str:
        return self.intitule


class Livrable(models.Model):
    """Ce qu'un groupe de travail doit produire, pour quand, et où il en est."""

    groupe = models.ForeignKey(
        GroupeDeTravail,
        verbose_name=_("groupe de travail"),
        on_delete=models.CASCADE,
        related_name="livrables",
    )
    objectif = models.ForeignKey(
        ObjectifProgramme,
        verbose_name=_("objectif du programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="livrables",
    )
    titre = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    echeance = models.DateField(_("échéance"))
    avancement = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    livre_le = models.DateField(_("livré le"), null=True, blank=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("livrable")
        verbose_name_plural = _("livrables")
        ordering = ["groupe", "echeance", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(avancement__gte=0, avancement__lte=100), name="livrable_avancement_pourcentage"
            ),
            models.CheckConstraint(
                condition=Q(livre_le__isnull=True) | Q(avancement=100), name="livrable_livre_a_100"
            ),
        ]

    def __str__(self) -> str:
        return self.titre

    def en_retard_le(self, jour: date) -> bool:
        return self.avancement < 100 and self.echeance < jour


def nouveau_jeton() -> str:
    return secrets.token_urlsafe(32)


class JetonCalendrier(models.Model):
    """L'adresse privée du flux iCalendar d'un membre : qui la connaît voit ses séances."""

    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="jeton_calendrier",
    )
    jeton = models.CharField(_("jeton"), max_length=64, unique=True, default=nouveau_jeton)
    cree_le = models.DateTimeField(_("créé le"), db_default=Now())

    class Meta:
        verbose_name = _("abonnement au calendrier")
        verbose_name_plural = _("abonnements au calendrier")

    def __str__(self) -> str:
        return str(self.utilisateur)
