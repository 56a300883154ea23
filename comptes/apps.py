from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComptesConfig(AppConfig):
    name = "comptes"
    verbose_name = _("Comptes et rôles")

    def ready(self) -> None:
        from comptes import donnees, workflows  # noqa: F401  (enregistrent sources et workflow)
        from comptes.permissions import peut_inviter
        from socle import verbes
        from socle.navigation import Entree, ajouter

        verbes.declarer(
            {
                "comptes.invitation.envoyee": _("Invitation envoyée"),
                "comptes.invitation.renvoyee": _("Invitation renvoyée avec un nouveau lien"),
                "comptes.invitation.relancee": _("Invitation relancée"),
                "comptes.invitation.acceptee": _("Invitation acceptée, compte créé"),
                "comptes.invitation.revoquee": _("Invitation révoquée"),
                "comptes.invitation.expiree": _("Invitation expirée"),
                "comptes.donnees.exportees": _("Données personnelles téléchargées"),
                "comptes.utilisateur.preferences_modifiees": _("Préférences modifiées"),
            }
        )

        ajouter(Entree(_("Invitations"), "comptes:invitation_liste", peut_inviter, ordre=900))
