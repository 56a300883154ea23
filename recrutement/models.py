"""Le site de recrutement commun du GCS « Partenaires Santé du Cotentin » (DESIGN.md §4) :
les recruteurs des structures de l'annuaire et leurs offres ; les candidats, leurs
candidatures et leurs pièces, les consentements (par employeur, au vivier), les notes et les
consultations du tableau partagé des recruteurs, les alertes.

Ce que la conservation (`recrutement.services.conservation`) efface d'un candidat et ce qu'elle
garde pour les statistiques est écrit dans docs/rgpd.md §14.
"""

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast, Lower, Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from socle.models import Document
from territoire.models import Commune, PoleDeProximite, Profession, Specialite, Structure
from territoire.validateurs import valider_rpps


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


# --- Candidats et candidatures ------------------------------------------------------------


def _cle() -> str:
    return secrets.token_urlsafe(32)


class Candidat(models.Model):
    """Une personne qui postule : avec un compte du portail, ou une visiteuse qui a confirmé
    son adresse. Deux fiches d'une même personne (doublons) sont fusionnées par un recruteur,
    jamais d'office : la fiche absorbée garde `fusionne_dans` et perd tout le reste.

    `cle` signe les liens de l'espace candidat envoyés par courriel ; elle change quand le
    candidat efface ses données, ce qui rend caducs les liens déjà envoyés."""

    compte = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidat",
    )
    nom = models.CharField(_("nom"), max_length=150)
    prenom = models.CharField(_("prénom"), max_length=150)
    email = models.EmailField(_("adresse électronique"))
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    rpps = models.CharField(_("numéro RPPS"), max_length=11, blank=True, validators=[valider_rpps])
    profession = models.ForeignKey(
        Profession,
        verbose_name=_("profession"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidats",
    )
    specialite = models.ForeignKey(
        Specialite,
        verbose_name=_("spécialité"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidats",
    )
    # Pour le vivier et les offres qu'on lui propose : aucun pôle, c'est tout le Cotentin.
    poles_souhaites = models.ManyToManyField(
        PoleDeProximite, verbose_name=_("pôles souhaités"), blank=True, related_name="candidats"
    )
    cle = models.CharField(_("clé des liens envoyés"), max_length=64, default=_cle)
    cree_le = models.DateTimeField(_("créé le"), db_default=Now())
    dernier_contact_le = models.DateTimeField(_("dernier contact le"), db_default=Now())
    fusionne_dans = models.ForeignKey(
        "self",
        verbose_name=_("fusionné dans"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="doublons_absorbes",
    )
    anonymise_le = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("candidat")
        verbose_name_plural = _("candidats")
        ordering = ["nom", "prenom", "id"]
        indexes = [
            models.Index(Lower("email"), name="candidat_email"),
            models.Index(fields=["telephone"], name="candidat_telephone"),
            models.Index(fields=["rpps"], name="candidat_rpps"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rpps="") | models.Q(rpps__regex=r"^\d{11}$"),
                name="candidat_rpps_11_chiffres",
            ),
            models.CheckConstraint(
                condition=~models.Q(fusionne_dans=models.F("pk")), name="candidat_pas_fusionne_en_lui_meme"
            ),
        ]

    def __str__(self) -> str:
        if self.anonymise_le:
            return str(_("Candidat anonymisé n° %(n)s") % {"n": self.pk})
        return f"{self.prenom} {self.nom}"

    @property
    def est_anonymise(self) -> bool:
        return self.anonymise_le is not None


class SourceCandidature(models.TextChoices):
    """Comment le candidat a connu l'offre (tableau de bord de l'agglomération)."""

    PORTAIL = "portail", _("Le site du portail")
    ALERTE = "alerte", _("Une alerte reçue par courriel")
    VIVIER = "vivier", _("Une offre proposée par le vivier")
    RESEAU = "reseau", _("Un collègue, le bouche-à-oreille")
    EVENEMENT = "evenement", _("Un événement (Les Paradis du Cotentin, soirée des internes…)")
    FACULTE = "faculte", _("La faculté, l'internat ou l'école")
    ANNONCE = "annonce", _("Une autre annonce (presse, site d'emploi, réseaux sociaux)")
    AUTRE = "autre", _("Autre")


class EtapeCandidature(models.TextChoices):
    RECUE = "recue", _("Reçue")
    EN_ETUDE = "en_etude", _("En étude")
    ENTRETIEN = "entretien", _("Entretien")
    RETENUE = "retenue", _("Retenue")
    NON_RETENUE = "non_retenue", _("Non retenue")
    RETIREE = "retiree", _("Retirée par le candidat")


# Une candidature à l'une de ces étapes est close : le délai de conservation court.
ETAPES_CLOSES = (EtapeCandidature.RETENUE, EtapeCandidature.NON_RETENUE, EtapeCandidature.RETIREE)


class Candidature(models.Model):
    """Une candidature à une offre, confiée aux employeurs que le candidat a choisis
    (`Consentement`), étudiée par leurs recruteurs sur un tableau partagé."""

    candidat = models.ForeignKey(
        Candidat, verbose_name=_("candidat"), on_delete=models.CASCADE, related_name="candidatures"
    )
    offre = models.ForeignKey(
        Offre, verbose_name=_("offre"), on_delete=models.PROTECT, related_name="candidatures"
    )
    message = models.TextField(_("message aux recruteurs"), blank=True)
    source = models.CharField(
        _("comment avez-vous connu l'offre ?"),
        max_length=20,
        choices=SourceCandidature,
        default=SourceCandidature.PORTAIL,
    )
    etape = models.CharField(
        _("étape"), max_length=20, choices=EtapeCandidature, default=EtapeCandidature.RECUE
    )
    deposee_le = models.DateTimeField(_("déposée le"), db_default=Now())
    etape_le = models.DateTimeField(_("étape depuis le"), db_default=Now())
    close_le = models.DateTimeField(_("close le"), null=True, blank=True)
    # La demande d'aide (emploi du conjoint, logement) : une demande signalée à l'agglomération,
    # jusqu'à ce que l'accompagnement à l'installation existe (issue « installation »).
    aide_emploi_conjoint = models.BooleanField(_("aide pour l'emploi du conjoint"), default=False)
    aide_logement = models.BooleanField(_("aide pour le logement"), default=False)
    aide_precisions = models.TextField(_("précisions sur l'aide demandée"), blank=True)
    aide_prise_en_charge_le = models.DateTimeField(_("aide prise en charge le"), null=True, blank=True)
    aide_prise_en_charge_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aide prise en charge par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aides_recrutement_suivies",
    )
    anonymisee_le = models.DateTimeField(_("anonymisée le"), null=True, blank=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["-deposee_le", "-id"]
        # Le tableau de bord et les demandes d'aide : des chiffres et les seules demandes d'aide,
        # jamais les candidatures elles-mêmes (réservées aux employeurs choisis par le candidat).
        permissions = [
            (
                "suivre_recrutement",
                _("Suivre le recrutement : tableau de bord, demandes d'aide des candidats"),
            )
        ]
        indexes = [
            models.Index(fields=["offre", "etape"], name="candidature_offre_etape"),
            models.Index(fields=["etape", "close_le"], name="candidature_etape_close"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["candidat", "offre"], name="candidature_une_par_offre"),
            models.CheckConstraint(
                condition=models.Q(etape__in=EtapeCandidature.values), name="candidature_etape_valide"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=SourceCandidature.values), name="candidature_source_valide"
            ),
            models.CheckConstraint(
                condition=~models.Q(etape__in=ETAPES_CLOSES) | models.Q(close_le__isnull=False),
                name="candidature_close_datee",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Candidature de %(c)s — %(o)s") % {"c": self.candidat, "o": self.offre})

    def get_absolute_url(self) -> str:
        return reverse("recrutement:candidature", kwargs={"pk": self.pk})

    @property
    def est_close(self) -> bool:
        return self.etape in ETAPES_CLOSES

    @property
    def demande_une_aide(self) -> bool:
        return self.aide_emploi_conjoint or self.aide_logement


class NaturePiece(models.TextChoices):
    CV = "cv", _("Curriculum vitæ")
    LETTRE = "lettre", _("Lettre de motivation")
    DIPLOME = "diplome", _("Diplôme")
    AUTRE = "autre", _("Autre document")


# Les formats d'une pièce de candidature : PDF, DOCX, ODT, contrôlés par le socle.
TYPES_PIECES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
)


class PieceCandidature(models.Model):
    """Un document d'une candidature (le CV est obligatoire), déposé par les contrôles du socle."""

    candidature = models.ForeignKey(
        Candidature, verbose_name=_("candidature"), on_delete=models.CASCADE, related_name="pieces"
    )
    document = models.OneToOneField(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="piece_candidature"
    )
    nature = models.CharField(_("nature"), max_length=10, choices=NaturePiece)

    class Meta:
        verbose_name = _("pièce d'une candidature")
        verbose_name_plural = _("pièces d'une candidature")
        ordering = ["candidature", "nature", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nature__in=NaturePiece.values), name="piece_nature_valide"
            ),
            models.UniqueConstraint(
                fields=["candidature"], condition=models.Q(nature="cv"), name="piece_un_cv_par_candidature"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} — {self.document.nom_fichier}"


class ObjetConsentement(models.TextChoices):
    EMPLOYEUR = "employeur", _("Candidature confiée à un employeur")
    VIVIER = "vivier", _("Inscription au vivier")


class Consentement(models.Model):
    """Un consentement du candidat, daté, avec le texte exact qu'il a accepté, retirable :
    confier une candidature à un employeur, ou rester au vivier (deux ans au plus après le
    dernier contact, `echeance`)."""

    candidat = models.ForeignKey(
        Candidat, verbose_name=_("candidat"), on_delete=models.CASCADE, related_name="consentements"
    )
    objet = models.CharField(_("objet"), max_length=10, choices=ObjetConsentement)
    candidature = models.ForeignKey(
        Candidature,
        verbose_name=_("candidature"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consentements",
    )
    employeur = models.ForeignKey(
        Structure,
        verbose_name=_("employeur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consentements_recrutement",
    )
    texte = models.TextField(_("texte accepté"))
    donne_le = models.DateTimeField(_("donné le"), db_default=Now())
    retire_le = models.DateTimeField(_("retiré le"), null=True, blank=True)
    echeance = models.DateTimeField(_("échéance"), null=True, blank=True)
    renouvellement_demande_le = models.DateTimeField(_("renouvellement demandé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["candidat", "-donne_le", "id"]
        indexes = [
            models.Index(
                fields=["employeur", "candidature"],
                condition=models.Q(retire_le__isnull=True),
                name="consentement_actif_employeur",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objet__in=ObjetConsentement.values), name="consentement_objet_valide"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        objet="employeur",
                        candidature__isnull=False,
                        employeur__isnull=False,
                        echeance__isnull=True,
                    )
                    | models.Q(
                        objet="vivier",
                        candidature__isnull=True,
                        employeur__isnull=True,
                        echeance__isnull=False,
                    )
                ),
                name="consentement_forme",
            ),
            models.UniqueConstraint(
                fields=["candidature", "employeur"],
                condition=models.Q(retire_le__isnull=True, objet="employeur"),
                name="consentement_employeur_un_actif",
            ),
            models.UniqueConstraint(
                fields=["candidat"],
                condition=models.Q(retire_le__isnull=True, objet="vivier"),
                name="consentement_vivier_un_actif",
            ),
        ]

    def __str__(self) -> str:
        if self.objet == ObjetConsentement.VIVIER:
            return str(_("Vivier — %(c)s") % {"c": self.candidat})
        return str(_("%(c)s → %(e)s") % {"c": self.candidat, "e": self.employeur})

    @property
    def est_actif(self) -> bool:
        return self.retire_le is None


class PorteeNote(models.TextChoices):
    EMPLOYEUR = "employeur", _("Réservée aux recruteurs de ma structure")
    PARTAGEE = "partagee", _("Partagée avec les employeurs à qui la candidature est confiée")


class NoteCandidature(models.Model):
    """Une note d'un recruteur sur une candidature : réservée à sa structure, ou partagée avec
    les autres employeurs qui voient la candidature."""

    candidature = models.ForeignKey(
        Candidature, verbose_name=_("candidature"), on_delete=models.CASCADE, related_name="notes"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="notes_de_candidature",
    )
    structure = models.ForeignKey(
        Structure, verbose_name=_("structure de l'auteur"), on_delete=models.PROTECT, related_name="+"
    )
    portee = models.CharField(
        _("visible de"), max_length=10, choices=PorteeNote, default=PorteeNote.EMPLOYEUR
    )
    texte = models.TextField(_("note"))
    ecrite_le = models.DateTimeField(_("écrite le"), db_default=Now())

    class Meta:
        verbose_name = _("note sur une candidature")
        verbose_name_plural = _("notes sur les candidatures")
        ordering = ["candidature", "ecrite_le", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(portee__in=PorteeNote.values), name="note_portee_valide"
            ),
        ]

    def __str__(self) -> str:
        return self.texte[:60]


class ConsultationPiece(models.Model):
    """Qui a ouvert une pièce d'une candidature, pour quelle structure, et quand : le tableau
    des recruteurs le montre, et le candidat le voit dans son espace."""

    piece = models.ForeignKey(
        PieceCandidature, verbose_name=_("pièce"), on_delete=models.CASCADE, related_name="consultations"
    )
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ouverte par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    structure = models.ForeignKey(
        Structure, verbose_name=_("pour la structure"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    le = models.DateTimeField(_("le"), db_default=Now())

    class Meta:
        verbose_name = _("consultation d'une pièce")
        verbose_name_plural = _("consultations des pièces")
        ordering = ["piece", "-le", "-id"]

    def __str__(self) -> str:
        return f"{self.piece} — {self.le:%Y-%m-%d %H:%M}"


class PropositionVivier(models.Model):
    """Une offre qu'un recruteur a fait proposer à un candidat du vivier (par courriel, sans
    voir qui) ; une seule fois par offre et par candidat."""

    offre = models.ForeignKey(
        Offre, verbose_name=_("offre"), on_delete=models.CASCADE, related_name="propositions"
    )
    candidat = models.ForeignKey(
        Candidat, verbose_name=_("candidat"), on_delete=models.CASCADE, related_name="propositions"
    )
    proposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposee_le = models.DateTimeField(_("proposée le"), db_default=Now())

    class Meta:
        verbose_name = _("offre proposée au vivier")
        verbose_name_plural = _("offres proposées au vivier")
        constraints = [
            models.UniqueConstraint(fields=["offre", "candidat"], name="proposition_une_par_offre"),
        ]

    def __str__(self) -> str:
        return f"{self.offre} → {self.candidat}"


class Alerte(models.Model):
    """Une alerte par courriel : les nouvelles offres d'une profession (dans un pôle, ou
    partout). Confirmée par un lien avant le premier envoi ; chaque courriel porte le lien qui
    la supprime (`cle`)."""

    email = models.EmailField(_("adresse électronique"))
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alertes_recrutement",
    )
    profession = models.ForeignKey(
        Profession, verbose_name=_("profession"), on_delete=models.CASCADE, related_name="alertes"
    )
    pole = models.ForeignKey(
        PoleDeProximite,
        verbose_name=_("pôle de proximité"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alertes",
        help_text=_("Aucun : tout le Cotentin."),
    )
    cle = models.CharField(_("clé"), max_length=64, default=_cle, unique=True)
    cree_le = models.DateTimeField(_("créée le"), db_default=Now())
    confirmee_le = models.DateTimeField(_("confirmée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        ordering = ["email", "profession", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "profession", "pole", name="alerte_unique", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.profession}"


class EnvoiAlerte(models.Model):
    """Une offre envoyée à une alerte : une fois, même si la tâche est rejouée."""

    alerte = models.ForeignKey(
        Alerte, verbose_name=_("alerte"), on_delete=models.CASCADE, related_name="envois"
    )
    offre = models.ForeignKey(
        Offre, verbose_name=_("offre"), on_delete=models.CASCADE, related_name="envois_alertes"
    )
    envoye_le = models.DateTimeField(_("envoyé le"), db_default=Now())

    class Meta:
        verbose_name = _("offre envoyée à une alerte")
        verbose_name_plural = _("offres envoyées aux alertes")
        constraints = [models.UniqueConstraint(fields=["alerte", "offre"], name="envoi_alerte_unique")]

    def __str__(self) -> str:
        return f"{self.alerte} — {self.offre}"
