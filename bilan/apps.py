from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BilanConfig(AppConfig):
    name = "bilan"
    verbose_name = _("Bilan annuel")

    def ready(self) -> None:
        from bilan import a_faire, services, workflows  # noqa: F401  (workflow, verbes, accueil)
        from bilan.permissions import peut_generer, peut_voir_version
        from socle.navigation import Entree, ajouter
        from socle.permissions import regle_acces_documents

        # Les brouillons ne sont qu'au secrétariat et aux co-présidents : la règle décide seule,
        # même pour l'agent qui a `socle.view_document`.
        regle_acces_documents("bilan.VersionBilan", prioritaire=True)(peut_voir_version)
        ajouter(Entree(_("Bilan annuel"), "bilan:gestion", peut_generer, ordre=120))
