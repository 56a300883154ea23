from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComptesConfig(AppConfig):
    name = "comptes"
    verbose_name = _("Comptes et rôles")

    def ready(self) -> None:
        # Enregistrent sources des données personnelles et workflow ; déclarent les verbes du journal.
        from comptes import donnees, services, views, workflows  # noqa: F401
        from comptes.permissions import peut_inviter
        from socle.navigation import Entree, ajouter

        ajouter(Entree(_("Invitations"), "comptes:invitation_liste", peut_inviter, ordre=900))
