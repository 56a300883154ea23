"""Écritures transversales : journal d'audit, notifications, documents privés."""

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from socle.courriels import texte_rendre
from socle.documents import verifier_fichier
from socle.models import Document, Evenement, FrequenceNotifications, Notification, TacheDemandee
from socle.taches import demander, demander_en_lot
from socle.tasks import envoyer_notification
from socle.verbes import Verbe

# Les actions que ce module écrit au journal d'audit.
DOCUMENT_DEPOSE = Verbe("socle.document.depose", gettext_lazy("Document déposé"), precision="nom")


def apres_validation(tache: Any, *arguments: Any) -> TacheDemandee:
    """Demande la tâche dans la transaction en cours (boîte d'envoi, socle/taches.py) ; elle
    part au broker une fois la transaction validée : un worker ne cherche jamais une ligne qui
    n'existe pas encore (ou plus, après une annulation). Si Redis ne répond pas, rien n'est
    perdu ni levé : le balayage de chaque minute l'enverra à son retour."""
    return demander(tache, *arguments)


def _cible(objet: models.Model | None) -> tuple[ContentType | None, str, str]:
    if objet is None:
        return None, "", ""
    return ContentType.objects.get_for_model(objet), str(objet.pk), str(objet)[:255]


def evenement_enregistrer(
    *,
    verbe: Verbe,
    acteur: Any = None,
    cible: models.Model | None = None,
    etat_avant: str = "",
    etat_apres: str = "",
    motif: str = "",
    donnees: dict[str, Any] | None = None,
) -> Evenement:
    """Écrit une ligne du journal d'audit.

    `verbe` est une action déclarée avec son libellé (socle/verbes.py) ; `donnees` ne doit
    jamais contenir de secret (mot de passe, jeton, choix d'un vote secret).
    """
    cible_type, cible_id, cible_libelle = _cible(cible)
    return Evenement.objects.create(
        acteur=acteur if acteur is not None and acteur.is_authenticated else None,
        verbe=verbe.code,
        cible_type=cible_type,
        cible_id=cible_id,
        cible_libelle=cible_libelle,
        etat_avant=etat_avant,
        etat_apres=etat_apres,
        motif=motif,
        donnees=donnees or {},
    )


# --- Modifier un objet et le tracer ------------------------------------------------------

Modifications = dict[str, list[Any]]  # champ → [avant, après]


def valeur_au_journal(valeur: Any) -> Any:
    """Une valeur telle que le journal la garde en JSON : un instant à l'heure de Paris (ISO),
    une date en ISO, un montant en texte exact, un objet par sa clé, une liste triée de clés."""
    if isinstance(valeur, datetime):
        return timezone.localtime(valeur).isoformat() if timezone.is_aware(valeur) else valeur.isoformat()
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, Decimal):
        return str(valeur)
    if isinstance(valeur, models.Model):
        return valeur.pk
    if isinstance(valeur, Promise):
        return str(valeur)
    if isinstance(valeur, (list, tuple, set, frozenset)):
        return sorted(valeur_au_journal(v) for v in valeur)
    return valeur


def modele_modifier[M: models.Model](
    *,
    objet: M,
    champs: Mapping[str, Any],
    acteur: Any,
    verbe: Verbe,
    cible: models.Model | None = None,
    valider: Callable[[M], None] | None = None,
    aussi: Iterable[str] = (),
    donnees: dict[str, Any] | None = None,
    regrouper_pendant: timedelta | None = None,
) -> Modifications:
    """La seule façon de modifier les champs d'un objet : pose `champs` sur `objet` (que
    l'appelant a relu sous verrou, dans sa transaction), appelle `valider(objet)` (qui lève
    `ValidationError` sans rien écrire), enregistre les seuls champs changés (plus `aussi`,
    une date de modification par exemple) et écrit au journal l'ancienne et la nouvelle
    valeur de chacun (`{"modifications": {champ: [avant, après]}, **donnees}`), sur `cible`
    (l'objet par défaut). Un champ plusieurs-à-plusieurs se donne par la liste de ses objets.
    Rien ne change : rien n'est enregistré ni tracé. Rend les modifications.

    `regrouper_pendant` : une saisie enregistrée au fil de la frappe ne fait qu'une ligne du
    journal par séance de travail (même personne, même action, même objet, dans ce délai) ;
    la ligne garde la valeur d'avant la séance et prend la dernière."""
    modifications: Modifications = {}
    plusieurs: dict[str, list[Any]] = {}
    simples: list[str] = []
    for nom, valeur in champs.items():
        champ = objet._meta.get_field(nom)
        if champ.many_to_many:
            avant_m2m = list(getattr(objet, nom).all())
            if {o.pk for o in avant_m2m} != {o.pk for o in valeur}:
                plusieurs[nom] = list(valeur)
                modifications[nom] = [valeur_au_journal(avant_m2m), valeur_au_journal(valeur)]
            continue
        attribut = champ.attname if isinstance(champ, models.Field) and champ.is_relation else nom
        valeur_brute = valeur.pk if champ.is_relation and isinstance(valeur, models.Model) else valeur
        avant = getattr(objet, attribut)
        if avant != valeur_brute:
            modifications[nom] = [valeur_au_journal(avant), valeur_au_journal(valeur)]
            setattr(objet, nom, valeur)
            simples.append(nom)
    if valider is not None:
        valider(objet)
    if not modifications:
        return modifications
    if simples or aussi:
        objet.save(update_fields=[*simples, *aussi])
    for nom, objets in plusieurs.items():
        getattr(objet, nom).set(objets)
    if cible is not None and cible is not objet:
        # La chronologie de `cible` nomme les champs d'après le modèle de l'objet modifié.
        donnees = {**(donnees or {}), "modele": objet._meta.label_lower}
    journal_des_modifications(
        verbe=verbe,
        acteur=acteur,
        cible=cible if cible is not None else objet,
        modifications=modifications,
        donnees=donnees,
        regrouper_pendant=regrouper_pendant,
    )
    return modifications


def journal_des_modifications(
    *,
    verbe: Verbe,
    acteur: Any,
    cible: models.Model,
    modifications: Modifications,
    donnees: dict[str, Any] | None = None,
    regrouper_pendant: timedelta | None = None,
) -> Evenement | None:
    """Écrit (ou complète, voir `modele_modifier`) la ligne du journal d'une modification."""
    if not modifications:
        return None
    if regrouper_pendant is not None and acteur is not None:
        precedent = (
            Evenement.objects.select_for_update()
            .filter(
                verbe=verbe.code,
                acteur=acteur,
                cible_type=ContentType.objects.get_for_model(cible),
                cible_id=str(cible.pk),
                cree_le__gte=timezone.now() - regrouper_pendant,
            )
            .order_by("-cree_le", "-id")
            .first()
        )
        if precedent is not None and precedent.donnees.get("modifications") is not None:
            regroupees = dict(precedent.donnees["modifications"])
            for nom, (avant, apres) in modifications.items():
                avant = regroupees[nom][0] if nom in regroupees else avant
                if avant == apres:
                    regroupees.pop(nom, None)
                else:
                    regroupees[nom] = [avant, apres]
            precedent.donnees = {**precedent.donnees, **(donnees or {}), "modifications": regroupees}
            precedent.save(update_fields=["donnees"])
            return precedent
    return evenement_enregistrer(
        verbe=verbe, acteur=acteur, cible=cible, donnees={**(donnees or {}), "modifications": modifications}
    )


def notifier(
    *,
    destinataires: Iterable[Any],
    verbe: Verbe,
    titre: str,
    gabarit: str,
    contexte: dict[str, Any] | None = None,
    url: str = "",
) -> list[Notification]:
    """Crée une notification sur le portail pour chaque destinataire actif.

    Le message est rendu depuis `gabarit` (`<app>/notifications/<nom>.txt`) en texte brut,
    sans échappement HTML : la page et le courriel HTML l'échappent en l'affichant. Les
    courriels immédiats partent de Celery une fois la transaction validée ; les autres
    attendent le résumé quotidien.
    """
    notifications = []
    for destinataire in {d.pk: d for d in destinataires if d is not None and d.is_active}.values():
        message = texte_rendre(
            gabarit, {**(contexte or {}), "destinataire": destinataire, "url": url}
        ).strip()
        notifications.append(
            Notification(
                destinataire=destinataire, verbe=verbe.code, titre=titre[:255], message=message, url=url
            )
        )
    creees = Notification.objects.bulk_create(notifications)
    demander_en_lot(
        envoyer_notification,
        [
            (notification.pk,)
            for notification in creees
            if notification.destinataire.frequence_notifications == FrequenceNotifications.IMMEDIATE
        ],
    )
    return creees


def notifications_marquer_lues(*, destinataire: Any, ids: Iterable[int] | None = None) -> int:
    """Marque comme lues les notifications du destinataire (toutes, ou celles de `ids`)."""
    non_lues = Notification.objects.filter(destinataire=destinataire, lue_le__isnull=True)
    if ids is not None:
        non_lues = non_lues.filter(pk__in=list(ids))
    return non_lues.update(lue_le=timezone.now())


def accueil_vu(*, acteur: Any, le: datetime) -> None:
    """Retient la visite de la page d'accueil : la suivante dira ce qui a changé depuis. Une
    écriture de tenue du compte, non une action : rien au journal d'audit (une ligne par visite
    le noierait)."""
    get_user_model().objects.filter(pk=acteur.pk).update(accueil_vu_le=le)
    acteur.accueil_vu_le = le


def document_deposer(
    *,
    fichier: UploadedFile,
    acteur: Any,
    titre: str = "",
    objet: models.Model | None = None,
    produit_par_le_portail: str = "",
    types_acceptes: Collection[str] | None = None,
) -> Document:
    """Contrôle le fichier par son contenu, l'enregistre hors des fichiers statiques et
    trace le dépôt. Lève `ValidationError` (message en français) sans rien écrire.

    `produit_par_le_portail` : le type MIME d'un fichier que le portail vient d'écrire
    lui-même (le bilan annuel en PDF) ; il n'est pas relu, contrôle réservé aux dépôts.
    `types_acceptes` : les seuls types permis pour ce dépôt (tous par défaut)."""
    type_mime = produit_par_le_portail or verifier_fichier(fichier, types_acceptes=types_acceptes)
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
            verbe=DOCUMENT_DEPOSE,
            acteur=acteur,
            cible=objet or document,
            donnees={"document": document.pk, "nom": document.nom_fichier, "taille": document.taille},
        )
    return document
