from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocleConfig(AppConfig):
    name = "socle"
    verbose_name = _("Socle du portail")

    def ready(self) -> None:
        # import local : les modules qui touchent aux modèles attendent que le registre soit prêt.
        from socle import checks  # noqa: F401  (enregistre les contrôles système)
        from socle.taches import enregistrer_les_signaux

        enregistrer_les_signaux()
