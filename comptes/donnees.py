"""« Télécharger mes données » : chaque application déclare ce qu'elle garde sur une personne.

Une source est une fonction utilisateur → données sérialisables en JSON ; les secrets
(mots de passe, graines TOTP, clés publiques des clés d'accès) n'en font jamais partie.
"""

from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessLog
from django.utils import timezone

from comptes.models import Invitation
from comptes.roles import Role, roles_de
from socle.models import Document, Evenement, Notification

_SOURCES: dict[str, Callable[[Any], Any]] = {}


def source(cle: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    def enregistrer(fonction: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _SOURCES[cle] = fonction
        return fonction

    return enregistrer


def donnees_de(utilisateur: Any) -> dict[str, Any]:
    return {
        "portail": "Portail du Conseil de santé du Cotentin",
        "exporte_le": timezone.localtime().isoformat(),
        **{cle: fonction(utilisateur) for cle, fonction in sorted(_SOURCES.items())},
    }


def _date(valeur: Any) -> str | None:
    return timezone.localtime(valeur).isoformat() if valeur else None


@source("compte")
def _compte(utilisateur: Any) -> dict[str, Any]:
    return {
        "email": utilisateur.email,
        "prenom": utilisateur.prenom,
        "nom": utilisateur.nom,
        "inscrit_le": _date(utilisateur.date_joined),
        "derniere_connexion": _date(utilisateur.last_login),
        "derniere_visite_de_l_accueil": _date(utilisateur.accueil_vu_le),
        "actif": utilisateur.is_active,
        "agent_de_l_agglomeration": utilisateur.is_staff,
        "roles": sorted(str(Role(r).label) if r in Role.values else str(r) for r in roles_de(utilisateur)),
        "groupes": sorted(utilisateur.groups.values_list("name", flat=True)),
        "courriels_de_notification": utilisateur.get_frequence_notifications_display(),
    }


@source("adresses_electroniques")
def _adresses(utilisateur: Any) -> list[dict[str, Any]]:
    return [
        {"email": a.email, "verifiee": a.verified, "principale": a.primary}
        for a in EmailAddress.objects.filter(user=utilisateur).order_by("email")
    ]


@source("double_authentification")
def _authentificateurs(utilisateur: Any) -> list[dict[str, Any]]:
    return [
        {
            "type": a.get_type_display(),
            "nom": a.data.get("name", "") if a.type == Authenticator.Type.WEBAUTHN else "",
            "ajoute_le": _date(a.created_at),
            "derniere_utilisation": _date(a.last_used_at),
        }
        for a in Authenticator.objects.filter(user=utilisateur).order_by("created_at")
    ]


@source("connexions")
def _connexions(utilisateur: Any) -> list[dict[str, Any]]:
    return [
        {
            "le": _date(c.attempt_time),
            "deconnexion": _date(c.logout_time),
            "adresse_ip": c.ip_address,
            "navigateur": c.user_agent,
        }
        for c in AccessLog.objects.filter(username=utilisateur.email).order_by("-attempt_time")
    ]


@source("invitations")
def _invitations(utilisateur: Any) -> dict[str, list[dict[str, Any]]]:
    def decrire(i: Invitation) -> dict[str, Any]:
        return {
            "email": i.email,
            "statut": i.get_statut_display(),
            "envoyee_le": _date(i.creee_le),
            "acceptee_le": _date(i.acceptee_le),
        }

    return {
        "recues": [decrire(i) for i in Invitation.objects.filter(email__iexact=utilisateur.email)],
        "envoyees": [decrire(i) for i in Invitation.objects.filter(invite_par=utilisateur)],
    }


@source("notifications")
def _notifications(utilisateur: Any) -> list[dict[str, Any]]:
    return [
        {
            "titre": n.titre,
            "message": n.message,
            "lien": n.url,
            "creee_le": _date(n.creee_le),
            "lue_le": _date(n.lue_le),
        }
        for n in Notification.objects.filter(destinataire=utilisateur)
    ]


@source("actions_journalisees")
def _evenements(utilisateur: Any) -> list[dict[str, Any]]:
    return [
        {
            "action": e.verbe,
            "objet": e.cible_libelle,
            "etat_avant": e.etat_avant,
            "etat_apres": e.etat_apres,
            "motif": e.motif,
            "le": _date(e.cree_le),
        }
        for e in Evenement.objects.filter(acteur=utilisateur)
    ]


@source("documents_deposes")
def _documents(utilisateur: Any) -> list[dict[str, Any]]:
    return [
        {"titre": d.titre, "fichier": d.nom_fichier, "taille": d.taille, "depose_le": _date(d.depose_le)}
        for d in Document.objects.filter(depose_par=utilisateur)
    ]
