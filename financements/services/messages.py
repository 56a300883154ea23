"""Messages entre porteurs et instructeur, notes privées de l'instruction."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from financements.models import (
    DemandeFinancement,
    Message,
    NoteInstruction,
    StatutDemande,
)
from financements.permissions import est_instructeur, est_porteur
from financements.services._commun import Acteur
from financements.workflows import instructeurs_de, porteurs_de
from socle.services import evenement_enregistrer, notifier
from socle.verbes import Verbe
from territoire.models import BesoinTerritoire

# Les actions que ce module écrit au journal d'audit.
MESSAGE_ENVOYE = Verbe("financements.message.envoye", gettext_lazy("Message échangé"))

# --- Messages et notes -------------------------------------------------------------------


def message_envoyer(*, demande: DemandeFinancement, acteur: Acteur, texte: str) -> Message:
    """Un message entre porteurs et instructeur ; l'autre partie est notifiée."""
    texte = texte.strip()
    if not texte:
        raise ValidationError({"texte": _("Écrivez votre message.")})
    if len(texte) > 5000:
        raise ValidationError({"texte": _("Un message tient en 5 000 caractères au plus.")})
    avec_porteurs = DemandeFinancement.objects.prefetch_related("coporteurs").get(pk=demande.pk)
    porteur = est_porteur(acteur, avec_porteurs)
    if not (porteur or est_instructeur(acteur)):
        raise ValidationError(_("Seuls les porteurs et l'instructeur échangent des messages."))
    if avec_porteurs.statut == StatutDemande.BROUILLON:
        raise ValidationError(_("Les messages s'échangent une fois la demande déposée."))
    with transaction.atomic():
        message = Message.objects.create(demande=avec_porteurs, auteur=acteur, texte=texte)
        destinataires = (
            instructeurs_de(avec_porteurs, acteur) if porteur else porteurs_de(avec_porteurs, acteur)
        )
        notifier(
            destinataires=[d for d in destinataires if d.pk != acteur.pk],
            verbe=MESSAGE_ENVOYE,
            titre=_("Message de %(a)s sur %(d)s") % {"a": acteur, "d": avec_porteurs},
            gabarit="financements/notifications/message.txt",
            contexte={"message": message, "demande": avec_porteurs, "acteur": acteur},
            url=avec_porteurs.get_absolute_url() + "#messages",
        )
        evenement_enregistrer(verbe=MESSAGE_ENVOYE, acteur=acteur, cible=avec_porteurs)
    return message


def note_ecrire(*, demande: DemandeFinancement, acteur: Acteur, texte: str) -> NoteInstruction:
    """Une note privée de l'instruction : jamais montrée aux porteurs ni au Collège."""
    if not est_instructeur(acteur):
        raise ValidationError(_("Seule l'agglomération écrit des notes d'instruction."))
    texte = texte.strip()
    if not texte:
        raise ValidationError({"texte": _("Écrivez la note.")})
    return NoteInstruction.objects.create(demande=demande, auteur=acteur, texte=texte)


def besoins_proposes() -> Any:
    return BesoinTerritoire.objects.filter(actif=True).prefetch_related("poles", "professions")
