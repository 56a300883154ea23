"""Écritures de l'application comptes : invitations, préférences, export des données."""

from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptes.models import Invitation, StatutInvitation, Utilisateur
from comptes.permissions import peut_attribuer_roles_personnel, peut_gerer_invitation, peut_inviter
from comptes.roles import GROUPES, ROLES_PERSONNEL
from comptes.tasks import envoyer_invitation
from socle.services import apres_validation, evenement_enregistrer, modele_modifier
from socle.verbes import Verbe
from socle.workflows import transition

# Les actions que ce module écrit au journal d'audit.
INVITATION_ENVOYEE = Verbe("comptes.invitation.envoyee", gettext_lazy("Invitation envoyée"))
INVITATION_RENVOYEE = Verbe(
    "comptes.invitation.renvoyee", gettext_lazy("Invitation renvoyée avec un nouveau lien")
)
UTILISATEUR_PREFERENCES_MODIFIEES = Verbe(
    "comptes.utilisateur.preferences_modifiees", gettext_lazy("Préférences modifiées")
)


def invitation_creer(
    *,
    email: str,
    acteur: Utilisateur,
    prenom: str = "",
    nom: str = "",
    message: str = "",
    groupes: Iterable[Group] = (),
) -> Invitation:
    """Crée l'invitation et envoie le courriel (par Celery, après validation)."""
    groupes = list(groupes)
    if not peut_inviter(acteur):
        raise PermissionDenied(_("Vous n'avez pas le droit d'inviter."))
    if any(g.name in _groupes_du_personnel() for g in groupes) and not peut_attribuer_roles_personnel(acteur):
        message = _("Seuls les agents de la Direction de la Santé invitent des agents ou le secrétariat.")
        raise ValidationError({"groupes": message})
    email = email.strip().lower()
    if Utilisateur.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Un compte existe déjà pour cette adresse : inutile de l'inviter.")}
        )
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                email=email, prenom=prenom, nom=nom, message=message, invite_par=acteur
            )
            invitation.groupes.set(groupes)
            evenement_enregistrer(
                verbe=INVITATION_ENVOYEE,
                acteur=acteur,
                cible=invitation,
                etat_apres=StatutInvitation.ENVOYEE,
                donnees={"roles": sorted(g.name for g in groupes)},
            )
            apres_validation(envoyer_invitation, invitation.pk)
    except IntegrityError:
        raise ValidationError({"email": _("Une invitation est déjà en cours pour cette adresse.")}) from None
    return invitation


def _groupes_du_personnel() -> set[str]:
    return {nom_groupe for role, nom_groupe in GROUPES.items() if role in ROLES_PERSONNEL}


def invitation_renvoyer(*, invitation: Invitation, acteur: Utilisateur) -> Invitation:
    """Renouvelle le lien (l'ancien ne marche plus) et renvoie le courriel."""
    if not peut_gerer_invitation(acteur, invitation):
        raise PermissionDenied(_("Vous n'avez pas le droit de renvoyer cette invitation."))
    if invitation.statut == StatutInvitation.ENVOYEE:
        with transaction.atomic():
            verrouillee = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if verrouillee.statut != StatutInvitation.ENVOYEE:
                raise ValidationError(_("Cette invitation a changé d'état entre-temps."))
            verrouillee.save(update_fields=verrouillee.renouveler_lien())
            evenement_enregistrer(verbe=INVITATION_RENVOYEE, acteur=acteur, cible=verrouillee)
            apres_validation(envoyer_invitation, verrouillee.pk)
        return verrouillee
    try:
        with transaction.atomic():
            relancee = transition(invitation, vers=StatutInvitation.ENVOYEE, acteur=acteur)
            apres_validation(envoyer_invitation, relancee.pk)
    except IntegrityError:
        raise ValidationError(_("Une autre invitation est déjà en cours pour cette adresse.")) from None
    return relancee


def invitation_revoquer(*, invitation: Invitation, acteur: Utilisateur, motif: str = "") -> Invitation:
    return transition(invitation, vers=StatutInvitation.REVOQUEE, acteur=acteur, motif=motif)


def invitation_accepter(*, invitation: Invitation, prenom: str, nom: str, mot_de_passe: str) -> Utilisateur:
    """Crée le compte de la personne invitée, adresse déjà vérifiée (elle a reçu le lien),
    lui donne les rôles prévus et passe l'invitation à « acceptée »."""
    with transaction.atomic():
        if Utilisateur.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("Un compte existe déjà pour cette adresse : connectez-vous avec celui-ci.")
            )
        groupes = list(invitation.groupes.all())
        personnel = _groupes_du_personnel()
        utilisateur = Utilisateur.objects.create_user(
            email=invitation.email,
            password=mot_de_passe,
            prenom=prenom,
            nom=nom,
            is_staff=any(g.name in personnel for g in groupes),
        )
        utilisateur.groups.set(groupes)
        EmailAddress.objects.create(user=utilisateur, email=utilisateur.email, verified=True, primary=True)
        transition(invitation, vers=StatutInvitation.ACCEPTEE, acteur=utilisateur)
    return utilisateur


def preferences_modifier(*, utilisateur: Utilisateur, **champs: Any) -> Utilisateur:
    """Nom, prénom, fréquence des notifications : ce que chacun règle lui-même."""
    with transaction.atomic():
        verrouille = Utilisateur.objects.select_for_update().get(pk=utilisateur.pk)
        modele_modifier(
            objet=verrouille, champs=champs, acteur=utilisateur, verbe=UTILISATEUR_PREFERENCES_MODIFIEES
        )
    for nom in champs:
        setattr(utilisateur, nom, getattr(verrouille, nom))
    return utilisateur
