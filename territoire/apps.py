from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoireConfig(AppConfig):
    name = "territoire"
    verbose_name = _("Territoire et acteurs de santé")

    def ready(self) -> None:
        from socle import verbes
        from socle.navigation import Entree, ajouter
        from territoire import donnees, workflows  # noqa: F401  (enregistrent le workflow et les données)
        from territoire.permissions import peut_voir_annuaire, peut_voir_indicateurs

        verbes.declarer(
            {
                "territoire.import.demande": _("Import demandé"),
                "territoire.import.commence": _("Import commencé"),
                "territoire.import.termine": _("Import terminé"),
                "territoire.import.echoue": _("Import échoué"),
                "territoire.pole.communes_modifiees": _("Communes du pôle modifiées"),
            }
        )
        ajouter(Entree(_("Annuaire"), "territoire:annuaire", peut_voir_annuaire, ordre=100))
        ajouter(Entree(_("Indicateurs"), "territoire:indicateurs", peut_voir_indicateurs, ordre=110))
