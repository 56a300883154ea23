from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RencontresConfig(AppConfig):
    name = "rencontres"
    verbose_name = _("Rencontres (événements, formations, service sanitaire)")

    def ready(self) -> None:
        # Déclarent les verbes du journal et les tâches.
        from rencontres import services, tasks  # noqa: F401
