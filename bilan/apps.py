from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BilanConfig(AppConfig):
    name = "bilan"
    verbose_name = _("Bilan annuel")

    def ready(self) -> None:
        from bilan import workflows  # noqa: F401  (enregistre le workflow)
        from bilan.permissions import peut_generer, peut_voir_version
        from socle import verbes
        from socle.navigation import Entree, ajouter
        from socle.permissions import regle_acces_documents

        # Les brouillons ne sont qu'au secrétariat et aux co-présidents : la règle décide seule,
        # même pour l'agent qui a `socle.view_document`.
        regle_acces_documents("bilan.VersionBilan", prioritaire=True)(peut_voir_version)
        verbes.declarer(
            {
                "bilan.version.demandee": _("Génération du bilan demandée"),
                "bilan.version.commencee": _("Génération du bilan commencée"),
                "bilan.version.prete": _("Bilan généré"),
                "bilan.version.echouee": _("Génération du bilan échouée"),
                "bilan.version.relancee": _("Génération du bilan relancée"),
                "bilan.version.adoptee": _("Bilan adopté en séance"),
                "bilan.version.transmise_cc": _("Bilan transmis au Conseil communautaire"),
                "bilan.version.transmise_cd": _("Bilan transmis au Conseil de développement"),
            }
        )
        ajouter(Entree(_("Bilan annuel"), "bilan:gestion", peut_generer, ordre=120))
