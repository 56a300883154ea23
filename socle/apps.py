from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocleConfig(AppConfig):
    name = "socle"
    verbose_name = _("Socle du portail")

    def ready(self) -> None:
        from socle import checks  # noqa: F401  (enregistre les contrôles système)
