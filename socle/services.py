"""Écritures transversales : journal d'audit, notifications, documents privés."""

import hashlib
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from socle.documents import verifier_fichier
from socle.models import Document, Evenement, FrequenceNotifications, Notification


def apres_validation(tache: Any, *arguments: Any) -> None:
    """Met la tâche en file une fois la transaction validée : un worker ne doit jamais
    chercher une ligne qui n'existe pas encore (ou plus, après une annulation)."""
    transaction.on_commit(partial(tache.delay, *arguments))


def _cible(objet: models.Model | None) -> tuple[ContentType | None, str, str]:
    if objet is None:
        return None, "", ""
    return ContentType.objects.get_for_model(objet), str(objet.pk), str(objet)[:255]


def evenement_enregistrer(
    *,
    verbe: str,
    acteur: Any = None,
    cible: models.Model | None = None,
    etat_avant: str = "",
    etat_apres: str = "",
    motif: str = "",
    donnees: dict[str, Any] | None = None,
) -> Evenement:
    """Écrit une ligne du journal d'audit.

    `verbe` est un nom pointé (`comptes.invitation.acceptee`) ; `donnees` ne doit jamais
    contenir de secret (mot de passe, jeton, choix d'un vote secret).
    """
    cible_type, cible_id, cible_libelle = _cible(cible)
    return Evenement.objects.create(
        acteur=acteur if acteur is not None and acteur.is_authenticated else None,
        verbe=verbe,
        cible_type=cible_type,
        cible_id=cible_id,
        cible_libelle=cible_libelle,
        etat_avant=etat_avant,
        etat_apres=etat_apres,
        motif=motif,
        donnees=donnees or {},
    )


def notifier(
    *,
    destinataires: Iterable[Any],
    verbe: str,
    titre: str,
    gabarit: str,
    contexte: dict[str, Any] | None = None,
    url: str = "",
) -> list[Notification]:
    """Crée une notification sur le portail pour chaque destinataire actif.

    Le message est rendu depuis `gabarit` (`<app>/notifications/<nom>.txt`). Les
    courriels immédiats partent de Celery une fois la transaction validée ; les autres
    attendent le résumé quotidien.
    """
    from socle.tasks import envoyer_notification

    notifications = []
    for destinataire in {d.pk: d for d in destinataires if d is not None and d.is_active}.values():
        message = render_to_string(
            gabarit, {**(contexte or {}), "destinataire": destinataire, "url": url}
        ).strip()
        notifications.append(
            Notification(destinataire=destinataire, verbe=verbe, titre=titre[:255], message=message, url=url)
        )
    creees = Notification.objects.bulk_create(notifications)
    for notification in creees:
        if notification.destinataire.frequence_notifications == FrequenceNotifications.IMMEDIATE:
            apres_validation(envoyer_notification, notification.pk)
    return creees


def notifications_marquer_lues(*, destinataire: Any, ids: Iterable[int] | None = None) -> int:
    """Marque comme lues les notifications du destinataire (toutes, ou celles de `ids`)."""
    non_lues = Notification.objects.filter(destinataire=destinataire, lue_le__isnull=True)
    if ids is not None:
        non_lues = non_lues.filter(pk__in=list(ids))
    return non_lues.update(lue_le=timezone.now())


def document_deposer(
    *,
    fichier: UploadedFile,
    acteur: Any,
    titre: str = "",
    objet: models.Model | None = None,
    produit_par_le_portail: str = "",
) -> Document:
    """Contrôle le fichier par son contenu, l'enregistre hors des fichiers statiques et
    trace le dépôt. Lève `ValidationError` (message en français) sans rien écrire.

    `produit_par_le_portail` : le type MIME d'un fichier que le portail vient d'écrire
    lui-même (le bilan annuel en PDF) ; il n'est pas relu, contrôle réservé aux dépôts."""
    type_mime = produit_par_le_portail or verifier_fichier(fichier)
    empreinte = hashlib.sha256()
    for morceau in fichier.chunks():
        empreinte.update(morceau)
    fichier.seek(0)
    objet_type, objet_id, _libelle = _cible(objet)
    with transaction.atomic():
        document = Document(
            titre=(titre or fichier.name or "")[:255],
            nom_fichier=(fichier.name or "document")[:255],
            type_mime=type_mime,
            taille=fichier.size or 0,
            empreinte=empreinte.hexdigest(),
            depose_par=acteur,
            depose_le=timezone.now(),
            objet_type=objet_type,
            objet_id=objet_id,
        )
        document.fichier.save(fichier.name or "document", fichier, save=False)
        try:
            document.save()
        except Exception:
            # La ligne n'a pas pu être écrite : le fichier ne doit pas rester orphelin.
            document.fichier.delete(save=False)
            raise
        evenement_enregistrer(
            verbe="socle.document.depose",
            acteur=acteur,
            cible=objet or document,
            donnees={"document": document.pk, "nom": document.nom_fichier, "taille": document.taille},
        )
    return document
