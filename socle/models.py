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

    @property
    def precision(self) -> str:
        return verbes.precision(self.verbe, self.donnees)


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


class TacheDemandee(models.Model):
    """Une tâche Celery qu'un service a demandée (la boîte d'envoi) : écrite dans la transaction
    du service, envoyée au broker après validation, marquée faite par le worker, relancée par
    `socle.tasks.relancer_les_taches` tant qu'elle ne l'est pas. Le broker (Redis) peut être
    arrêté : ce qu'un usager a validé est ici, et part quand il revient.

    Son identifiant est celui de la tâche dans Celery (`task_id`) : le worker le retrouve."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nom = models.CharField(_("tâche"), max_length=200)
    arguments = models.JSONField(_("arguments"), default=list, blank=True)
    demandee_le = models.DateTimeField(_("demandée le"), db_default=Now())
    envoyee_le = models.DateTimeField(_("dernier envoi au broker"), null=True, blank=True)
    commencee_le = models.DateTimeField(_("commencée le"), null=True, blank=True)
    faite_le = models.DateTimeField(_("faite le"), null=True, blank=True)
    abandonnee_le = models.DateTimeField(_("abandonnée le"), null=True, blank=True)
    envois = models.PositiveIntegerField(_("envois"), default=0)
    derniere_erreur = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("tâche demandée")
        verbose_name_plural = _("tâches demandées")
        ordering = ["-demandee_le"]
        indexes = [
            # Ce que le balayage relit chaque minute : les tâches ni faites ni abandonnées.
            models.Index(
                fields=["demandee_le"],
                name="socle_tache_en_cours",
                condition=models.Q(faite_le__isnull=True, abandonnee_le__isnull=True),
            ),
            models.Index(fields=["nom", "demandee_le"], name="socle_tache_nom"),
        ]

    def __str__(self) -> str:
        return f"{self.nom}({', '.join(map(str, self.arguments))})"

    @property
    def en_cours(self) -> bool:
        return self.faite_le is None and self.abandonnee_le is None


class EntreeDeCacheDeSecours(models.Model):
    """La table du cache de secours (`django.core.cache.backends.db.DatabaseCache`, même schéma
    que `createcachetable`) : quand Redis ne répond pas, les limites de connexion et de débit y
    sont tenues (socle/cache.py), jamais levées."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "socle_cache_de_secours"
        verbose_name = _("entrée du cache de secours")
        verbose_name_plural = _("entrées du cache de secours")

    def __str__(self) -> str:
        return self.cache_key
