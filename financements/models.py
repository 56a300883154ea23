"""Les demandes de financement des projets d'exercice coordonné (axe II, §3 du plan d'action).

Une demande porte sur un `Projet` du territoire ; ses porteurs (un porteur principal qui a un
compte, des co-porteurs invités par courriel qui confirment), son équipe tirée de l'annuaire,
les besoins du diagnostic local qu'elle sert, ses dépenses et son plan de financement par
financeur, ses pièces. Les montants sont des `Decimal` en euros, jamais des flottants.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


class TypeDemande(models.TextChoices):
    ETUDE = "etude", _("Étude de faisabilité")
    INGENIERIE = "ingenierie", _("Ingénierie de projet")
    AUTRE = "autre", _("Autre")


class StatutDemande(models.TextChoices):
    BROUILLON = "brouillon", _("Brouillon")
    DEPOSEE = "deposee", _("Déposée")
    EN_INSTRUCTION = "instruction", _("En instruction")
    COMPLEMENTS = "complements", _("En attente de compléments")
    AVIS = "avis", _("Soumise à l'avis du Collège")
    ACCORDEE = "accordee", _("Accordée")
    REFUSEE = "refusee", _("Refusée")
    CLASSEE = "classee", _("Classée sans suite")
    RETIREE = "retiree", _("Retirée par le porteur")
    CONVENTIONNEE = "conventionnee", _("Conventionnée")
    EN_PAIEMENT = "paiement", _("En paiement")
    SOLDEE = "soldee", _("Soldée")


# Avant la décision, le porteur peut retirer sa demande.
STATUTS_AVANT_DECISION = (
    StatutDemande.DEPOSEE,
    StatutDemande.EN_INSTRUCTION,
    StatutDemande.COMPLEMENTS,
    StatutDemande.AVIS,
)
STATUTS_DECIDES = (StatutDemande.ACCORDEE, StatutDemande.REFUSEE, StatutDemande.CLASSEE)
STATUTS_FINANCES = (
    StatutDemande.ACCORDEE,
    StatutDemande.CONVENTIONNEE,
    StatutDemande.EN_PAIEMENT,
    StatutDemande.SOLDEE,
)


class Financeur(models.TextChoices):
    AGGLOMERATION = "agglomeration", _("Communauté d'agglomération du Cotentin")
    ARS = "ars", _("ARS Normandie")
    DEPARTEMENT = "departement", _("Département de la Manche")
    URML = "urml", _("URML Normandie")
    REGION = "region", _("Région Normandie")
    AUTOFINANCEMENT = "autofinancement", _("Autofinancement")


class StatutEngagement(models.TextChoices):
    PREVU = "prevu", _("Prévu, pas encore sollicité")
    SOLLICITE = "sollicite", _("Sollicité")
    ACCORDE = "accorde", _("Accordé")
    REFUSE = "refuse", _("Refusé")
    VERSE = "verse", _("Versé")


class NaturePiece(models.TextChoices):
    PROJET_SANTE = "projet_sante", _("Projet de santé")
    BUDGET = "budget", _("Budget prévisionnel")
    DEVIS = "devis", _("Devis")
    STATUTS = "statuts", _("Statuts de la structure porteuse")
    RIB = "rib", _("Relevé d'identité bancaire")
    LETTRE_ENGAGEMENT = "lettre_engagement", _("Lettre d'engagement de l'équipe")
    COMPLEMENT = "complement", _("Complément demandé par l'instructeur")
    RAPPORT_FINAL = "rapport_final", _("Rapport final")
    JUSTIFICATIF = "justificatif", _("Justificatif de dépenses")
    AUTRE = "autre", _("Autre pièce")


# Les pièces sans lesquelles une demande ne peut pas être déposée.
PIECES_EXIGEES = (
    NaturePiece.PROJET_SANTE,
    NaturePiece.BUDGET,
    NaturePiece.DEVIS,
    NaturePiece.STATUTS,
    NaturePiece.RIB,
    NaturePiece.LETTRE_ENGAGEMENT,
)
# Pièces que les membres du Collège lisent pour rendre leur avis (pas le RIB ni les statuts).
PIECES_POUR_L_AVIS = (NaturePiece.PROJET_SANTE, NaturePiece.BUDGET, NaturePiece.DEVIS)


class DemandeFinancement(models.Model):
    projet = models.ForeignKey(
        "territoire.Projet", verbose_name=_("projet"), on_delete=models.PROTECT, related_name="demandes"
    )
    numero = models.CharField(_("numéro"), max_length=20, unique=True, null=True, blank=True)
    type_demande = models.CharField(_("type de demande"), max_length=20, choices=TypeDemande)
    intitule = models.CharField(_("intitulé"), max_length=255)
    description = models.TextField(_("description du projet"), blank=True)
    commune = models.ForeignKey(
        "territoire.Commune",
        verbose_name=_("commune d'implantation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demandes",
    )
    besoins = models.ManyToManyField(
        "territoire.BesoinTerritoire",
        verbose_name=_("besoins du territoire auxquels elle répond"),
        blank=True,
        related_name="demandes",
    )
    engagement_stages = models.BooleanField(_("l'équipe s'engage à accueillir des stagiaires"), default=False)
    engagement_stages_detail = models.TextField(_("accueil de stagiaires : précisions"), blank=True)
    # Les lignes de dépenses du brouillon que le porteur a tapées mais qui ne sont pas valides
    # (montant illisible, négatif, trop grand, dépense sans nom) : gardées telles que tapées,
    # [{"rang", "libelle", "montant"}], pour qu'il les retrouve à corriger en rouvrant la page.
    # Elles ne comptent dans aucun total ; une demande qui en a ne se dépose pas.
    depenses_a_corriger = models.JSONField(_("dépenses à corriger"), default=list, blank=True)
    porteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("porteur principal"),
        on_delete=models.PROTECT,
        related_name="demandes_financement",
    )
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutDemande, default=StatutDemande.BROUILLON
    )
    # Augmente à chaque changement d'état ou d'instruction : une page restée ouverte pendant
    # qu'un autre agent agissait est refusée plutôt que d'écraser ce qu'il a fait.
    version = models.PositiveIntegerField(_("version"), default=1)
    instructeur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructeur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demandes_instruites",
    )
    deposee_le = models.DateTimeField(_("déposée le"), null=True, blank=True)
    recepisse = models.ForeignKey(
        "socle.Document",
        verbose_name=_("récépissé de dépôt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scrutin = models.OneToOneField(
        "college.Scrutin",
        verbose_name=_("scrutin d'avis du Collège"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demande_financement",
    )
    discussion = models.ForeignKey(
        "college.Discussion",
        verbose_name=_("discussion du Collège"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # La décision.
    decidee_le = models.DateTimeField(_("décidée le"), null=True, blank=True)
    montant_accorde = models.DecimalField(
        _("montant accordé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    conditions = models.TextField(_("conditions de l'aide"), blank=True)
    motifs_refus = models.TextField(_("motifs du refus"), blank=True)
    voies_recours = models.TextField(_("voies et délais de recours"), blank=True)
    courrier_decision = models.ForeignKey(
        "socle.Document",
        verbose_name=_("courrier de décision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # La convention : générée depuis la décision, puis rendue signée par le porteur.
    convention = models.ForeignKey(
        "socle.Document",
        verbose_name=_("convention à signer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    convention_signee = models.ForeignKey(
        "socle.Document",
        verbose_name=_("convention signée"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    conventionnee_le = models.DateField(_("convention signée le"), null=True, blank=True)
    soldee_le = models.DateTimeField(_("soldée le"), null=True, blank=True)
    cree_le = models.DateTimeField(_("créée le"), db_default=Now())
    modifiee_le = models.DateTimeField(_("modifiée le"), auto_now=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("demande de financement")
        verbose_name_plural = _("demandes de financement")
        ordering = ["-cree_le", "-id"]
        permissions = [("instruire_demandefinancement", _("Instruire les demandes de financement"))]
        indexes = [models.Index(fields=["statut", "-deposee_le"], name="demande_statut")]
        constraints = [
            models.CheckConstraint(
                condition=Q(statut__in=StatutDemande.values), name="demande_statut_valide"
            ),
            models.CheckConstraint(
                condition=Q(montant_accorde__isnull=True) | Q(montant_accorde__gt=0),
                name="demande_montant_accorde_positif",
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutDemande.BROUILLON)
                | Q(numero__isnull=False, deposee_le__isnull=False),
                name="demande_deposee_numerotee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.numero} — {self.intitule}" if self.numero else self.intitule

    def get_absolute_url(self) -> str:
        return reverse("financements:demande", kwargs={"pk": self.pk})


class MembreEquipe(models.Model):
    """Un professionnel de l'annuaire dans l'équipe du projet ; les porteurs signent la demande."""

    demande = models.ForeignKey(
        DemandeFinancement, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="equipe"
    )
    professionnel = models.ForeignKey(
        "territoire.Professionnel",
        verbose_name=_("professionnel"),
        on_delete=models.PROTECT,
        related_name="equipes_financees",
    )
    porteur = models.BooleanField(_("porteur du projet"), default=False)
    ajoute_le = models.DateTimeField(_("ajouté le"), db_default=Now())

    class Meta:
        verbose_name = _("membre de l'équipe")
        verbose_name_plural = _("équipe du projet")
        ordering = ["-porteur", "id"]
        constraints = [
            models.UniqueConstraint(fields=["demande", "professionnel"], name="equipe_une_fois"),
        ]

    def __str__(self) -> str:
        return str(self.professionnel)


class StatutCoPorteur(models.TextChoices):
    INVITE = "invite", _("Invité, pas encore confirmé")
    CONFIRME = "confirme", _("A confirmé")
    DECLINE = "decline", _("A décliné")


def _jeton() -> str:
    return secrets.token_urlsafe(24)


class CoPorteur(models.Model):
    """Un co-porteur invité par courriel : il confirme depuis son compte avant le dépôt."""

    demande = models.ForeignKey(
        DemandeFinancement, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="coporteurs"
    )
    email = models.EmailField(_("adresse électronique"))
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coportages",
    )
    statut = models.CharField(
        _("réponse"), max_length=10, choices=StatutCoPorteur, default=StatutCoPorteur.INVITE
    )
    jeton = models.CharField(_("jeton d'invitation"), max_length=64, unique=True, default=_jeton)
    invite_le = models.DateTimeField(_("invité le"), db_default=Now())
    repondu_le = models.DateTimeField(_("a répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-porteur")
        verbose_name_plural = _("co-porteurs")
        ordering = ["invite_le", "id"]
        constraints = [
            models.UniqueConstraint(fields=["demande", "email"], name="coporteur_une_invitation"),
            models.CheckConstraint(
                condition=Q(statut=StatutCoPorteur.INVITE)
                | Q(compte__isnull=False, repondu_le__isnull=False),
                name="coporteur_reponse_d_un_compte",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class LigneDepense(models.Model):
    demande = models.ForeignKey(
        DemandeFinancement, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="depenses"
    )
    libelle = models.CharField(_("dépense"), max_length=255)
    montant = models.DecimalField(_("montant (€ TTC)"), max_digits=12, decimal_places=2)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("ligne de dépense")
        verbose_name_plural = _("dépenses")
        ordering = ["ordre", "id"]
        constraints = [models.CheckConstraint(condition=Q(montant__gt=0), name="depense_positive")]

    def __str__(self) -> str:
        return self.libelle


class LigneFinancement(models.Model):
    """Ce qu'un financeur apporte : demandé au dépôt, puis ce qu'il a réellement engagé."""

    demande = models.ForeignKey(
        DemandeFinancement, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="financements"
    )
    financeur = models.CharField(_("financeur"), max_length=20, choices=Financeur)
    montant = models.DecimalField(_("montant sollicité (€)"), max_digits=12, decimal_places=2)
    statut_engagement = models.CharField(
        _("engagement"), max_length=12, choices=StatutEngagement, default=StatutEngagement.PREVU
    )
    montant_decide = models.DecimalField(
        _("montant engagé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decide_le = models.DateField(_("date de la décision du financeur"), null=True, blank=True)
    commentaire = models.CharField(_("commentaire"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ligne du plan de financement")
        verbose_name_plural = _("plan de financement")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["demande", "financeur"], name="financement_un_par_financeur"),
            models.CheckConstraint(condition=Q(montant__gte=0), name="financement_positif"),
            models.CheckConstraint(
                condition=Q(montant_decide__isnull=True) | Q(montant_decide__gte=0),
                name="financement_engage_positif",
            ),
            models.CheckConstraint(condition=Q(financeur__in=Financeur.values), name="financement_financeur"),
        ]

    def __str__(self) -> str:
        return self.get_financeur_display()


class PieceJustificative(models.Model):
    demande = models.ForeignKey(
        DemandeFinancement, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="pieces"
    )
    nature = models.CharField(_("nature"), max_length=20, choices=NaturePiece)
    document = models.OneToOneField(
        "socle.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="piece_financement",
    )
    deposee_le = models.DateTimeField(_("déposée le"), db_default=Now())
    # Une pièce remplacée reste au dossier (traçabilité) mais ne compte plus.
    remplacee = models.BooleanField(_("remplacée par une version plus récente"), default=False)

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["nature", "-deposee_le"]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} — {self.document}"


class Message(models.Model):
    """Un échange entre les porteurs et l'instructeur, sur la demande."""

    demande = models.ForeignKey(
        DemandeFinancement, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="messages"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.PROTECT, related_name="+"
    )
    texte = models.TextField(_("message"))
    envoye_le = models.DateTimeField(_("envoyé le"), db_default=Now())

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["envoye_le", "id"]

    def __str__(self) -> str:
        return self.texte[:60]


class NoteInstruction(models.Model):
    """Une note de l'instructeur : jamais montrée aux porteurs ni au Collège."""

    demande = models.ForeignKey(
        DemandeFinancement, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="notes"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.PROTECT, related_name="+"
    )
    texte = models.TextField(_("note"))
    ecrite_le = models.DateTimeField(_("écrite le"), db_default=Now())

    class Meta:
        verbose_name = _("note d'instruction")
        verbose_name_plural = _("notes d'instruction")
        ordering = ["-ecrite_le", "-id"]

    def __str__(self) -> str:
        return self.texte[:60]


class ConditionTranche(models.TextChoices):
    SIGNATURE = "signature", _("À la signature de la convention")
    RAPPORT_FINAL = "rapport_final", _("Sur le rapport final et ses justificatifs")
    AUTRE = "autre", _("Autre condition (précisée)")


class StatutTranche(models.TextChoices):
    PREVUE = "prevue", _("Prévue")
    VERSEE = "versee", _("Versée")


class Tranche(models.Model):
    """Un versement de l'aide de l'agglomération, avec la condition qui le déclenche."""

    demande = models.ForeignKey(
        DemandeFinancement, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="tranches"
    )
    ordre = models.PositiveSmallIntegerField(_("ordre"))
    libelle = models.CharField(_("tranche"), max_length=120)
    montant = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    condition = models.CharField(_("condition"), max_length=20, choices=ConditionTranche)
    condition_detail = models.CharField(_("condition : précisions"), max_length=255, blank=True)
    statut = models.CharField(_("état"), max_length=10, choices=StatutTranche, default=StatutTranche.PREVUE)
    versee_le = models.DateField(_("versée le"), null=True, blank=True)
    reference_mandat = models.CharField(_("référence du mandat de paiement"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("tranche de versement")
        verbose_name_plural = _("tranches de versement")
        ordering = ["ordre"]
        constraints = [
            models.UniqueConstraint(fields=["demande", "ordre"], name="tranche_ordre_unique"),
            models.CheckConstraint(condition=Q(montant__gt=0), name="tranche_positive"),
            models.CheckConstraint(
                condition=Q(statut=StatutTranche.PREVUE) | Q(versee_le__isnull=False),
                name="tranche_versee_datee",
            ),
        ]

    def __str__(self) -> str:
        return self.libelle


class NatureModele(models.TextChoices):
    RECEPISSE = "recepisse", _("Récépissé de dépôt")
    ACCORD = "accord", _("Lettre d'accord")
    REFUS = "refus", _("Lettre de refus")
    CLASSEMENT = "classement", _("Lettre de classement sans suite")
    CONVENTION = "convention", _("Convention de financement")


class ModeleCourrier(models.Model):
    """Le texte d'un courrier, modifiable dans l'administration ; il cite les données de la
    demande par des variables ({{ demande.numero }}, {{ montant_accorde }}…)."""

    nature = models.CharField(_("courrier"), max_length=20, choices=NatureModele, unique=True)
    titre = models.CharField(_("titre du document"), max_length=255)
    corps = models.TextField(
        _("texte"),
        help_text=_(
            "Gabarit Django : variables {{ demande.numero }}, {{ demande.intitule }}, {{ demande.type }}, "
            "{{ demande.deposee_le }}, {{ demande.commune }}, {{ porteur }}, {{ montant_demande }}, "
            "{{ montant_accorde }}, {{ conditions }}, {{ motifs_refus }}, {{ voies_recours }}, "
            "{{ motif }}, {{ date }}, et la liste {{ tranches }} (libelle, montant, condition, "
            "condition_detail). Une ligne vide sépare deux paragraphes."
        ),
    )
    signataire = models.CharField(_("signataire"), max_length=255)
    modifie_le = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("modèle de courrier")
        verbose_name_plural = _("modèles de courriers")
        ordering = ["nature"]

    def __str__(self) -> str:
        return self.get_nature_display()
