"""Lectures du socle qui dépendent de qui demande."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from socle.models import Document, Evenement, Notification
from socle.permissions import peut_voir_document


def evenements_de(objet: models.Model) -> QuerySet[Evenement]:
    """La chronologie d'un objet, la plus récente d'abord."""
    return Evenement.objects.filter(
        cible_type=ContentType.objects.get_for_model(objet), cible_id=str(objet.pk)
    ).select_related("acteur")


def notifications_de(utilisateur: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(destinataire=utilisateur)


# Au-delà, l'en-tête affiche « 99+ » : le compte reste borné quel que soit l'arriéré.
PLAFOND_NON_LUES = 100


def nombre_notifications_non_lues(utilisateur: Any) -> int:
    """Le nombre de notifications non lues, plafonné à PLAFOND_NON_LUES."""
    return Notification.objects.filter(destinataire=utilisateur, lue_le__isnull=True)[
        :PLAFOND_NON_LUES
    ].count()


def get_notification_pour(utilisateur: Any, pk: int) -> Notification:
    try:
        return Notification.objects.get(pk=pk, destinataire=utilisateur)
    except Notification.DoesNotExist:
        raise Http404 from None


def get_document_pour(utilisateur: Any, pk: int) -> Document:
    """Le document, si `utilisateur` peut le voir ; sinon 404, comme s'il n'existait pas."""
    document = Document.objects.select_related("objet_type").filter(pk=pk).first()
    if document is None or not peut_voir_document(utilisateur, document):
        raise Http404
    return document
