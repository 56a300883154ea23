from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _pour_tous(utilisateur: Any) -> bool:
    return True


class RencontresConfig(AppConfig):
    name = "rencontres"
    verbose_name = _("Rencontres (événements, formations, service sanitaire)")

    def ready(self) -> None:
        # Déclarent les verbes du journal et les tâches.
        from rencontres import services, tasks  # noqa: F401
        from socle.navigation import Entree, ajouter

        ajouter(Entree(_("Rencontres"), "rencontres:liste", _pour_tous, ordre=75))
