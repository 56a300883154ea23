from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BilanConfig(AppConfig):
    name = "bilan"
    verbose_name = _("Bilan annuel")

    def ready(self) -> None:
        from bilan import a_faire, services, workflows  # noqa: F401  (workflow, verbes, accueil)
        from bilan.permissions import ne_voit_que_les_publies, peut_voir_brouillons, peut_voir_version
        from socle.navigation import Entree, ajouter
        from socle.permissions import regle_acces_documents

        # Les brouillons ne sont qu'au secrétariat et aux co-présidents : la règle décide seule,
        # même pour l'agent qui a `socle.view_document`.
        regle_acces_documents("bilan.VersionBilan", prioritaire=True)(peut_voir_version)
        # Le secrétariat et les co-présidents suivent les versions (brouillons compris) ; les
        # autres, connectés ou non, lisent les bilans adoptés.
        ajouter(Entree(_("Bilan annuel"), "bilan:gestion", peut_voir_brouillons, ordre=120))
        ajouter(Entree(_("Bilans annuels"), "bilan:publics", ne_voit_que_les_publies, ordre=120))
