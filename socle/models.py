import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from socle import verbes


class Evenement(models.Model):
    """Une ligne du journal d'audit : un changement d'état ou une action sensible."""

    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evenements",
    )
    verbe = models.CharField(_("action"), max_length=120, db_index=True)
    cible_type = models.ForeignKey(
        ContentType,
        verbose_name=_("type de l'objet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cible_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    cible = GenericForeignKey("cible_type", "cible_id")
    # Le libellé reste lisible même si l'objet disparaît.
    cible_libelle = models.CharField(_("objet"), max_length=255, blank=True)
    etat_avant = models.CharField(_("état avant"), max_length=60, blank=True)
    etat_apres = models.CharField(_("état après"), max_length=60, blank=True)
    motif = models.TextField(_("motif"), blank=True)
    donnees = models.JSONField(_("données"), default=dict, blank=True)
    cree_le = models.DateTimeField(_("date"), db_default=Now(), db_index=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("journal des événements")
        ordering = ["-cree_le", "-id"]
        indexes = [models.Index(fields=["cible_type", "cible_id", "-cree_le"])]

    def __str__(self) -> str:
        return f"{self.libelle} — {self.cible_libelle}"

    @property
    def libelle(self) -> str:
        return verbes.libelle(self.verbe)


class FrequenceNotifications(models.TextChoices):
    IMMEDIATE = "immediate", _("Un courriel à chaque notification")
    QUOTIDIENNE = "quotidienne", _("Un résumé par jour")
    AUCUNE = "aucune", _("Pas de courriel (notifications sur le portail seulement)")


class Notification(models.Model):
    destinataire = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("destinataire"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    verbe = models.CharField(_("type"), max_length=120)
    titre = models.CharField(_("titre"), max_length=255)
    message = models.TextField(_("message"), blank=True)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    creee_le = models.DateTimeField(_("créée le"), db_default=Now())
    lue_le = models.DateTimeField(_("lue le"), null=True, blank=True)
    # Posée quand le courriel (immédiat ou résumé) est parti : garde l'envoi idempotent.
    envoyee_le = models.DateTimeField(_("envoyée par courriel le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-creee_le", "-id"]
        indexes = [
            models.Index(
                fields=["destinataire", "-creee_le"],
                name="notification_non_lue",
                condition=models.Q(lue_le__isnull=True),
            ),
            models.Index(fields=["destinataire", "-creee_le"], name="notification_destinataire"),
        ]

    def __str__(self) -> str:
        return self.titre

    @property
    def est_lue(self) -> bool:
        return self.lue_le is not None


def _stockage_documents():  # type: ignore[no-untyped-def]
    return storages["documents"]


def _chemin_document(instance: "Document", nom: str) -> str:
    # Nom aléatoire sur disque : le nom d'origine ne sert qu'au téléchargement.
    suffixe = PurePath(nom).suffix.lower()
    return f"{instance.depose_le:%Y/%m}/{uuid.uuid4().hex}{suffixe}"


class Document(models.Model):
    """Un fichier déposé, privé, servi seulement par la vue qui contrôle l'accès."""

    titre = models.CharField(_("titre"), max_length=255)
    fichier = models.FileField(
        _("fichier"), storage=_stockage_documents, upload_to=_chemin_document, max_length=255
    )
    nom_fichier = models.CharField(_("nom du fichier"), max_length=255)
    type_mime = models.CharField(_("type"), max_length=120)
    taille = models.PositiveBigIntegerField(_("taille (octets)"))
    empreinte = models.CharField(_("empreinte SHA-256"), max_length=64)
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="documents_deposes",
    )
    depose_le = models.DateTimeField(_("déposé le"))
    objet_type = models.ForeignKey(
        ContentType,
        verbose_name=_("rattaché à (type)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    objet_id = models.CharField(_("rattaché à (identifiant)"), max_length=64, blank=True)
    objet = GenericForeignKey("objet_type", "objet_id")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-depose_le", "-id"]
        indexes = [models.Index(fields=["objet_type", "objet_id"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(taille__gt=0), name="document_non_vide"),
        ]

    def __str__(self) -> str:
        return self.titre

    def get_absolute_url(self) -> str:
        return reverse("socle:document", kwargs={"pk": self.pk})
