"""Le site de recrutement commun du GCS « Partenaires Santé du Cotentin » (DESIGN.md §4) :
les recruteurs des structures de l'annuaire et leurs offres.

Les candidatures, le vivier et les consentements viendront ensuite (issue 18, seconde partie).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast, Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territoire.models import Commune, Profession, Specialite, Structure


class RoleRecruteur(models.TextChoices):
    RECRUTEUR = "recruteur", _("Recruteur")
    MODERATEUR = "moderateur", _("Modérateur des offres du GCS")


class Recruteur(models.Model):
    """Un compte qui recrute pour une structure de l'annuaire. Le rôle est une donnée : un
    modérateur (rattaché au GCS) publie ou refuse les offres soumises."""

    structure = models.ForeignKey(
        Structure, verbose_name=_("structure"), on_delete=models.CASCADE, related_name="recruteurs"
    )
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="recrutements",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=RoleRecruteur, default=RoleRecruteur.RECRUTEUR)
    cree_le = models.DateTimeField(_("depuis le"), db_default=Now())

    class Meta:
        verbose_name = _("recruteur")
        verbose_name_plural = _("recruteurs")
        ordering = ["structure", "compte"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "compte"], name="recruteur_unique_par_structure"),
            models.CheckConstraint(
                condition=models.Q(role__in=RoleRecruteur.values), name="recruteur_role_valide"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compte} — {self.structure} ({self.get_role_display()})"


class TypeContrat(models.TextChoices):
    SALARIE = "salarie", _("Salarié")
    LIBERAL = "liberal", _("Libéral")
    MIXTE = "mixte", _("Exercice mixte (salarié et libéral)")
    REMPLACEMENT = "remplacement", _("Remplacement")
    ASSOCIATION = "association", _("Association")
    SUCCESSION = "succession", _("Succession (cession de patientèle)")


# Les parts d'une offre mixte : chacune salariée ou libérale.
class ModePart(models.TextChoices):
    SALARIE = "salarie", _("Salarié")
    LIBERAL = "liberal", _("Libéral")


class PeriodeRemuneration(models.TextChoices):
    AN = "an", _("par an")
    MOIS = "mois", _("par mois")
    JOUR = "jour", _("par jour")


class StatutOffre(models.TextChoices):
    BROUILLON = "brouillon", _("Brouillon")
    SOUMISE = "soumise", _("Soumise à la modération")
    PUBLIEE = "publiee", _("Publiée")
    POURVUE = "pourvue", _("Pourvue")
    EXPIREE = "expiree", _("Expirée")
    RETIREE = "retiree", _("Retirée")


STATUTS_CLOS = (StatutOffre.POURVUE, StatutOffre.EXPIREE, StatutOffre.RETIREE)


class OffreQuerySet(models.QuerySet["Offre"]):
    def en_ligne(self, jour: date) -> "OffreQuerySet":
        """Publiées et dont la date limite n'est pas passée : une offre échue quitte les listes
        dès le lendemain de sa date limite, avant même que la tâche ne l'expire."""
        return self.filter(statut=StatutOffre.PUBLIEE, date_limite__gte=jour)


class Offre(models.Model):
    """Une offre d'emploi d'un employeur de l'annuaire, modérée avant publication."""

    titre = models.CharField(_("intitulé du poste"), max_length=200)
    profession = models.ForeignKey(
        Profession, verbose_name=_("profession"), on_delete=models.PROTECT, related_name="offres"
    )
    specialite = models.ForeignKey(
        Specialite,
        verbose_name=_("spécialité"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offres",
    )
    employeur = models.ForeignKey(
        Structure, verbose_name=_("employeur"), on_delete=models.PROTECT, related_name="offres"
    )
    # Les lieux d'exercice : des établissements (avec leur adresse) et des communes.
    structures = models.ManyToManyField(
        Structure, verbose_name=_("établissements où exercer"), blank=True, related_name="offres_lieux"
    )
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes où exercer"), blank=True, related_name="offres"
    )
    type_contrat = models.CharField(_("type de contrat"), max_length=20, choices=TypeContrat)
    quotite = models.PositiveSmallIntegerField(
        _("temps de travail (%)"), default=100, help_text=_("100 pour un temps plein.")
    )
    debut = models.DateField(_("prise de poste"), null=True, blank=True)
    fin = models.DateField(_("fin (remplacement)"), null=True, blank=True)
    remuneration_min = models.DecimalField(
        _("rémunération minimale (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    remuneration_max = models.DecimalField(
        _("rémunération maximale (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    remuneration_periode = models.CharField(
        _("rémunération exprimée"),
        max_length=4,
        choices=PeriodeRemuneration,
        default=PeriodeRemuneration.MOIS,
    )
    description = models.TextField(_("description du poste"))
    date_limite = models.DateField(_("date limite de candidature"))
    statut = models.CharField(_("statut"), max_length=20, choices=StatutOffre, default=StatutOffre.BROUILLON)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="offres_creees",
    )
    cree_le = models.DateTimeField(_("créée le"), db_default=Now())
    modifiee_le = models.DateTimeField(_("modifiée le"), auto_now=True)
    soumise_le = models.DateTimeField(_("soumise le"), null=True, blank=True)
    publiee_le = models.DateTimeField(_("publiée le"), null=True, blank=True)
    cloturee_le = models.DateTimeField(_("close le"), null=True, blank=True)
    motif_refus = models.TextField(_("motif du dernier refus"), blank=True)
    # La reconfirmation (recrutement/tasks.py) : le propriétaire dit que le poste est ouvert.
    confirmee_le = models.DateTimeField(_("confirmée ouverte le"), null=True, blank=True)
    confirmation_demandee_le = models.DateTimeField(_("confirmation demandée le"), null=True, blank=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    objects = OffreQuerySet.as_manager()

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        ordering = ["-publiee_le", "-id"]
        permissions = [("moderer_offre", _("Modérer les offres d'emploi"))]
        indexes = [
            models.Index(fields=["statut", "date_limite"], name="offre_statut_limite"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statut__in=StatutOffre.values), name="offre_statut_valide"
            ),
            models.CheckConstraint(
                condition=models.Q(type_contrat__in=TypeContrat.values), name="offre_type_contrat_valide"
            ),
            models.CheckConstraint(
                condition=models.Q(quotite__gte=1, quotite__lte=100), name="offre_quotite_entre_1_et_100"
            ),
            models.CheckConstraint(
                condition=models.Q(date_limite__gte=Cast("cree_le", models.DateField())),
                name="offre_date_limite_apres_creation",
            ),
            models.CheckConstraint(
                condition=models.Q(remuneration_min__isnull=True)
                | models.Q(remuneration_max__isnull=True)
                | models.Q(remuneration_min__lte=models.F("remuneration_max")),
                name="offre_remuneration_ordonnee",
            ),
            models.CheckConstraint(
                condition=models.Q(remuneration_min__isnull=True) | models.Q(remuneration_min__gt=0),
                name="offre_remuneration_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(type_contrat="remplacement")
                | models.Q(debut__isnull=False, fin__isnull=False, fin__gte=models.F("debut")),
                name="offre_remplacement_date",
            ),
            models.CheckConstraint(
                condition=models.Q(statut__in=["brouillon", "soumise"])
                | models.Q(publiee_le__isnull=False)
                | models.Q(statut="retiree"),
                name="offre_publiee_datee",
            ),
        ]

    def __str__(self) -> str:
        return self.titre

    def get_absolute_url(self) -> str:
        return reverse("recrutement:gestion", kwargs={"pk": self.pk})

    def url_publique(self) -> str:
        return reverse("recrutement:offre", kwargs={"pk": self.pk})

    def est_en_ligne(self, jour: date) -> bool:
        return self.statut == StatutOffre.PUBLIEE and self.date_limite >= jour

    @property
    def est_mixte(self) -> bool:
        return self.type_contrat == TypeContrat.MIXTE


class PartOffre(models.Model):
    """Une part d'une offre d'exercice mixte : son employeur, son mode et sa quotité
    (50 % salarié au CHPC + 50 % libéral en MSP)."""

    offre = models.ForeignKey(Offre, verbose_name=_("offre"), on_delete=models.CASCADE, related_name="parts")
    employeur = models.ForeignKey(
        Structure, verbose_name=_("employeur"), on_delete=models.PROTECT, related_name="parts_offres"
    )
    mode = models.CharField(_("mode d'exercice"), max_length=10, choices=ModePart)
    quotite = models.PositiveSmallIntegerField(_("part du temps (%)"))

    class Meta:
        verbose_name = _("part d'une offre mixte")
        verbose_name_plural = _("parts d'une offre mixte")
        ordering = ["offre", "-quotite", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quotite__gte=1, quotite__lte=100), name="part_offre_quotite_entre_1_et_100"
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=ModePart.values), name="part_offre_mode_valide"
            ),
            models.UniqueConstraint(fields=["offre", "employeur", "mode"], name="part_offre_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quotite} % {self.get_mode_display()} — {self.employeur}"
