import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower, Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socle.models import FrequenceNotifications


class UtilisateurManager(BaseUserManager["Utilisateur"]):
    use_in_migrations = True

    def _creer(self, email: str, password: str | None, **champs: object) -> "Utilisateur":
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        utilisateur = self.model(email=self.normalize_email(email).lower(), **champs)
        utilisateur.set_password(password)
        utilisateur.save(using=self._db)
        return utilisateur

    def create_user(self, email: str, password: str | None = None, **champs: object) -> "Utilisateur":
        champs.setdefault("is_staff", False)
        champs.setdefault("is_superuser", False)
        return self._creer(email, password, **champs)

    def create_superuser(self, email: str, password: str | None = None, **champs: object) -> "Utilisateur":
        champs["is_staff"] = True
        champs["is_superuser"] = True
        return self._creer(email, password, **champs)


class Utilisateur(AbstractBaseUser, PermissionsMixin):
    """Un compte du portail, identifié par son adresse électronique."""

    email = models.EmailField(_("adresse électronique"), unique=True)
    prenom = models.CharField(_("prénom"), max_length=150, blank=True)
    nom = models.CharField(_("nom"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("agent de l'agglomération"),
        default=False,
        help_text=_("Peut se connecter à l'administration. La double authentification est alors exigée."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    frequence_notifications = models.CharField(
        _("courriels de notification"),
        max_length=20,
        choices=FrequenceNotifications,
        default=FrequenceNotifications.IMMEDIATE,
    )
    # La page d'accueil dit ce qui a changé depuis la visite précédente (socle.views.accueil).
    accueil_vu_le = models.DateTimeField(_("dernière visite de l'accueil"), null=True, blank=True)

    objects = UtilisateurManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # noqa: RUF012  (attribut de classe imposé par Django)

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["nom", "prenom", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="utilisateur_email_unique_insensible_casse"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_full_name(self) -> str:
        return f"{self.prenom} {self.nom}".strip()

    def get_short_name(self) -> str:
        return self.prenom or self.email


class StatutInvitation(models.TextChoices):
    ENVOYEE = "envoyee", _("Envoyée")
    ACCEPTEE = "acceptee", _("Acceptée")
    REVOQUEE = "revoquee", _("Révoquée")
    EXPIREE = "expiree", _("Expirée")


def _jeton() -> str:
    return secrets.token_urlsafe(24)


def _expiration() -> datetime:
    return timezone.now() + timedelta(days=settings.INVITATION_DUREE_JOURS)


class Invitation(models.Model):
    """Une personne invitée par courriel ; le lien reçu mène à la création de son compte."""

    email = models.EmailField(_("adresse électronique"))
    prenom = models.CharField(_("prénom"), max_length=150, blank=True)
    nom = models.CharField(_("nom"), max_length=150, blank=True)
    message = models.TextField(
        _("message personnel"), blank=True, help_text=_("Repris dans le courriel d'invitation.")
    )
    groupes = models.ManyToManyField(
        Group,
        verbose_name=_("rôles donnés à l'acceptation"),
        blank=True,
        related_name="+",
    )
    invite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invité par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_envoyees",
    )
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutInvitation, default=StatutInvitation.ENVOYEE
    )
    # Le lien envoyé est signé avec SECRET_KEY et cite cette clé : la renouveler (renvoi
    # de l'invitation) rend caducs les liens précédents.
    cle = models.CharField(max_length=64, default=_jeton, editable=False)
    creee_le = models.DateTimeField(_("envoyée le"), db_default=Now())
    expire_le = models.DateTimeField(_("expire le"), default=_expiration)
    acceptee_le = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte créé"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_recues",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-creee_le", "-id"]
        permissions = [
            ("attribuer_roles_personnel", _("Peut inviter des agents et le secrétariat")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statut__in=StatutInvitation.values), name="invitation_statut_valide"
            ),
            # Une seule invitation en cours par adresse.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(statut="envoyee"),
                name="invitation_une_seule_en_cours_par_email",
            ),
            models.CheckConstraint(
                condition=~models.Q(statut="acceptee") | models.Q(acceptee_le__isnull=False),
                name="invitation_acceptee_datee",
            ),
        ]

    def __str__(self) -> str:
        return _("Invitation de %(email)s") % {"email": self.email}

    def get_absolute_url(self) -> str:
        return reverse("comptes:invitation_detail", kwargs={"pk": self.pk})

    def renouveler_lien(self) -> list[str]:
        """Nouvelle clé (les anciens liens ne marchent plus) et nouvelle échéance."""
        self.cle = _jeton()
        self.expire_le = _expiration()
        return ["cle", "expire_le"]

    @property
    def est_expiree(self) -> bool:
        return self.expire_le <= timezone.now()

    @property
    def est_utilisable(self) -> bool:
        return self.statut == StatutInvitation.ENVOYEE and not self.est_expiree
