"""Le bilan annuel du Conseil de santé (axe I du plan d'action) : « Un bilan annuel sera
transmis aux instances communautaires. Le Conseil communautaire sera invité à délibérer pour
prendre acte de ce bilan. Il sera ensuite transmis pour information au Conseil de
développement. »

Un `BilanAnnuel` par année ; chaque génération en est une `VersionBilan` : un PDF/A balisé
écrit par Celery à partir des sections que chaque application apporte (`socle/bilan.py`),
avec son empreinte SHA-256. Deux cycles sur une version :
- la génération (`etat`) : en attente → en cours → prête | échouée (relançable) ;
- la vie du document (`statut`, workflow du socle) : brouillon → adopté en séance →
  transmis au Conseil communautaire (qui en prend acte) → transmis au Conseil de
  développement. Une version adoptée est figée : des données changées ensuite demandent
  une nouvelle version, à adopter à son tour.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from socle.models import TacheDemandee
from socle.taches import derniere_demande


class BilanAnnuel(models.Model):
    annee = models.PositiveSmallIntegerField(_("année"), unique=True)
    cree_le = models.DateTimeField(_("créé le"), db_default=Now())
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("bilan annuel")
        verbose_name_plural = _("bilans annuels")
        ordering = ["-annee"]
        permissions = [("generer_bilanannuel", _("Générer et faire adopter le bilan annuel"))]

    def __str__(self) -> str:
        return str(_("Bilan %(annee)s") % {"annee": self.annee})

    def get_absolute_url(self) -> str:
        return reverse("bilan:bilan", kwargs={"annee": self.annee})


class EtatGeneration(models.TextChoices):
    EN_ATTENTE = "en_attente", _("En attente du worker")
    EN_COURS = "en_cours", _("En cours")
    PRETE = "prete", _("Prête")
    ECHOUEE = "echouee", _("Échouée")


class StatutBilan(models.TextChoices):
    BROUILLON = "brouillon", _("Brouillon")
    ADOPTE = "adopte", _("Adopté en séance")
    TRANSMIS_CC = "transmis_cc", _("Transmis au Conseil communautaire")
    TRANSMIS_CD = "transmis_cd", _("Transmis au Conseil de développement")


STATUTS_PUBLIES = (StatutBilan.ADOPTE, StatutBilan.TRANSMIS_CC, StatutBilan.TRANSMIS_CD)
ETATS_ACTIFS = (EtatGeneration.EN_ATTENTE, EtatGeneration.EN_COURS)


class VersionBilan(models.Model):
    bilan = models.ForeignKey(
        BilanAnnuel, verbose_name=_("bilan"), on_delete=models.PROTECT, related_name="versions"
    )
    numero = models.PositiveSmallIntegerField(_("version"))
    demandee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    demandee_le = models.DateTimeField(_("demandée le"), db_default=Now())

    # La génération par Celery.
    etat = models.CharField(
        _("génération"), max_length=20, choices=EtatGeneration, default=EtatGeneration.EN_ATTENTE
    )
    etape = models.CharField(_("étape"), max_length=200, blank=True)
    progression = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    tentatives = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    commencee_le = models.DateTimeField(_("commencée le"), null=True, blank=True)
    terminee_le = models.DateTimeField(_("terminée le"), null=True, blank=True)
    erreur = models.TextField(_("erreur"), blank=True)
    document = models.OneToOneField(
        "socle.Document",
        verbose_name=_("PDF"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    empreinte = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    # Les chiffres clés de la synthèse, gardés pour la page web de la version.
    chiffres = models.JSONField(_("chiffres clés"), default=list, blank=True)

    # La vie du document.
    statut = models.CharField(_("statut"), max_length=20, choices=StatutBilan, default=StatutBilan.BROUILLON)
    reunion = models.ForeignKey(
        "conseil.Reunion",
        verbose_name=_("adopté en séance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bilans_adoptes",
    )
    point = models.ForeignKey(
        "conseil.PointOrdreDuJour",
        verbose_name=_("délibération (point de l'ordre du jour)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adopte_le = models.DateField(_("adopté le"), null=True, blank=True)
    transmis_cc_le = models.DateField(_("date du Conseil communautaire"), null=True, blank=True)
    deliberation_cc = models.CharField(
        _("numéro de la délibération du Conseil communautaire"), max_length=50, blank=True
    )
    pris_acte = models.BooleanField(_("le Conseil communautaire a pris acte"), default=False)
    transmis_cd_le = models.DateField(_("transmis au Conseil de développement le"), null=True, blank=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("version du bilan")
        verbose_name_plural = _("versions du bilan")
        ordering = ["-bilan__annee", "-numero"]
        constraints = [
            models.UniqueConstraint(fields=["bilan", "numero"], name="version_bilan_unique"),
            models.CheckConstraint(
                condition=Q(etat__in=EtatGeneration.values), name="version_bilan_etat_valide"
            ),
            models.CheckConstraint(
                condition=Q(statut__in=StatutBilan.values), name="version_bilan_statut_valide"
            ),
            models.CheckConstraint(condition=Q(progression__lte=100), name="version_bilan_progression"),
            # Une version prête a son fichier et son empreinte ; jamais à moitié écrite.
            models.CheckConstraint(
                condition=~Q(etat=EtatGeneration.PRETE) | (Q(document__isnull=False) & ~Q(empreinte="")),
                name="version_bilan_prete_complete",
            ),
            # On n'adopte qu'un document écrit, en séance.
            models.CheckConstraint(
                condition=Q(statut=StatutBilan.BROUILLON)
                | (Q(etat=EtatGeneration.PRETE) & Q(reunion__isnull=False) & Q(adopte_le__isnull=False)),
                name="version_bilan_adoptee_en_seance",
            ),
            # Une seule génération à la fois pour une année.
            models.UniqueConstraint(
                fields=["bilan"],
                condition=Q(etat__in=["en_attente", "en_cours"]),
                name="version_bilan_une_generation_a_la_fois",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Bilan %(annee)s, version %(numero)s") % {"annee": self.bilan.annee, "numero": self.numero}
        )

    def get_absolute_url(self) -> str:
        return reverse("bilan:bilan", kwargs={"annee": self.bilan.annee}) + f"#version-{self.numero}"

    @property
    def publiee(self) -> bool:
        return self.statut in STATUTS_PUBLIES

    @property
    def figee(self) -> bool:
        return self.statut != StatutBilan.BROUILLON

    @property
    def interrompue(self) -> bool:
        """Commencée depuis plus longtemps que la durée maximale d'une génération : le worker
        est mort sans que la tâche soit reprise. On la montre échouée, relançable."""
        if self.etat != EtatGeneration.EN_COURS or self.commencee_le is None:
            return False
        return timezone.now() - self.commencee_le > timedelta(minutes=settings.BILAN_DUREE_MAX_MINUTES)

    @cached_property
    def demande_de_generation(self) -> "TacheDemandee | None":
        """La dernière demande de génération dans la boîte d'envoi (socle/taches.py) : dit si
        elle est partie au worker. Lue seulement pour une version en attente."""
        return derniere_demande("bilan.tasks.generer_version", self.pk)

    @property
    def attente_trop_longue(self) -> bool:
        """En attente depuis plus de `BILAN_ATTENTE_MAX_MINUTES` : aucun worker ne l'a prise
        (Redis arrêté, worker absent). La page le dit et propose de la relancer."""
        if self.etat != EtatGeneration.EN_ATTENTE:
            return False
        demande = self.demande_de_generation
        depuis = demande.demandee_le if demande is not None else self.demandee_le
        return timezone.now() - depuis > timedelta(minutes=settings.BILAN_ATTENTE_MAX_MINUTES)

    @property
    def relancable(self) -> bool:
        return self.echouee or self.attente_trop_longue

    @property
    def en_cours(self) -> bool:
        return self.etat in ETATS_ACTIFS and not self.interrompue

    @property
    def echouee(self) -> bool:
        return self.etat == EtatGeneration.ECHOUEE or self.interrompue

    @property
    def nom_fichier(self) -> str:
        return f"bilan-conseil-sante-cotentin-{self.bilan.annee}-v{self.numero}.pdf"
