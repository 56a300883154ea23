"""Les co-porteurs : invitation par courriel, réponse, retrait."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from financements.models import (
    CoPorteur,
    DemandeFinancement,
    MembreEquipe,
    StatutCoPorteur,
    StatutDemande,
)
from financements.permissions import est_porteur_principal
from financements.services._commun import Acteur, brouillon_modifiable
from financements.tasks import envoyer_invitation_coporteur
from socle.services import apres_validation, evenement_enregistrer, notifier
from socle.verbes import Verbe
from territoire.models import Professionnel

# Les actions que ce module écrit au journal d'audit.
COPORTEUR_CONFIRME = Verbe("financements.coporteur.confirme", gettext_lazy("Co-porteur confirmé"))
COPORTEUR_DECLINE = Verbe("financements.coporteur.decline", gettext_lazy("Invitation de co-porteur déclinée"))
COPORTEUR_INVITE = Verbe("financements.coporteur.invite", gettext_lazy("Co-porteur invité"))
COPORTEUR_REPONSE = Verbe("financements.coporteur.reponse", gettext_lazy("Réponse d'un co-porteur"))
COPORTEUR_RETIRE = Verbe("financements.coporteur.retire", gettext_lazy("Co-porteur retiré"))

# --- Co-porteurs ------------------------------------------------------------------------


def coporteur_inviter(*, demande: DemandeFinancement, acteur: Acteur, email: str) -> CoPorteur:
    email = email.strip().lower()
    if not email or "@" not in email:
        raise ValidationError({"email": _("Saisissez une adresse électronique valide.")})
    if not est_porteur_principal(acteur, demande):
        raise ValidationError(_("Seul le porteur principal invite des co-porteurs."))
    if email == acteur.email.lower():
        raise ValidationError({"email": _("Vous portez déjà cette demande.")})
    with transaction.atomic():
        verrouillee = brouillon_modifiable(demande, acteur)
        if verrouillee.coporteurs.filter(email__iexact=email).exists():
            raise ValidationError({"email": _("Cette personne est déjà invitée.")})
        coporteur = CoPorteur.objects.create(demande=verrouillee, email=email)
        evenement_enregistrer(
            verbe=COPORTEUR_INVITE, acteur=acteur, cible=verrouillee, donnees={"email": email}
        )
        apres_validation(envoyer_invitation_coporteur, coporteur.pk)
    return coporteur


def coporteur_repondre(*, coporteur: CoPorteur, acteur: Acteur, accepte: bool) -> CoPorteur:
    """Le co-porteur invité confirme (ou décline) depuis son compte, dont l'adresse est celle de
    l'invitation ; sa fiche de l'annuaire entre alors dans l'équipe comme porteur."""
    with transaction.atomic():
        verrouille = CoPorteur.objects.select_for_update().select_related("demande").get(pk=coporteur.pk)
        if verrouille.email.lower() != acteur.email.lower():
            raise ValidationError(_("Cette invitation est adressée à une autre adresse électronique."))
        if verrouille.statut != StatutCoPorteur.INVITE:
            raise ValidationError(_("Vous avez déjà répondu à cette invitation."))
        demande = DemandeFinancement.objects.select_for_update().get(pk=verrouille.demande_id)
        if demande.statut != StatutDemande.BROUILLON:
            raise ValidationError(_("La demande est déjà déposée."))
        verrouille.statut = StatutCoPorteur.CONFIRME if accepte else StatutCoPorteur.DECLINE
        verrouille.compte = acteur
        verrouille.repondu_le = timezone.now()
        verrouille.save(update_fields=["statut", "compte", "repondu_le"])
        if accepte:
            fiche = Professionnel.objects.filter(compte=acteur).first()
            if fiche is not None:
                MembreEquipe.objects.update_or_create(
                    demande=demande, professionnel=fiche, defaults={"porteur": True}
                )
                demande.projet.porteurs.add(fiche)
        evenement_enregistrer(
            verbe=COPORTEUR_CONFIRME if accepte else COPORTEUR_DECLINE,
            acteur=acteur,
            cible=demande,
            donnees={"email": verrouille.email},
        )
        notifier(
            destinataires=[demande.porteur],
            verbe=COPORTEUR_REPONSE,
            titre=(
                _("%(p)s confirme porter « %(d)s » avec vous")
                if accepte
                else _("%(p)s décline l'invitation à porter « %(d)s »")
            )
            % {"p": acteur, "d": demande},
            gabarit="financements/notifications/coporteur_reponse.txt",
            contexte={"coporteur": verrouille, "demande": demande, "accepte": accepte},
            url=demande.get_absolute_url(),
        )
    return verrouille


def coporteur_retirer(*, coporteur: CoPorteur, acteur: Acteur) -> None:
    with transaction.atomic():
        verrouillee = brouillon_modifiable(coporteur.demande, acteur)
        if not est_porteur_principal(acteur, verrouillee):
            raise ValidationError(_("Seul le porteur principal retire un co-porteur."))
        if coporteur.compte_id is not None:
            MembreEquipe.objects.filter(
                demande=verrouillee, professionnel__compte_id=coporteur.compte_id
            ).delete()
        CoPorteur.objects.filter(pk=coporteur.pk).delete()
        evenement_enregistrer(
            verbe=COPORTEUR_RETIRE,
            acteur=acteur,
            cible=verrouillee,
            donnees={"email": coporteur.email},
        )
