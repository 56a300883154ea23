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
        from rencontres import a_faire, bilan, services, tasks, workflows  # noqa: F401
        from rencontres.permissions import peut_organiser
        from socle.bilan import Section, ajouter_section
        from socle.navigation import Entree, ajouter

        ajouter_section(
            Section(
                cle="rencontres",
                titre=_("Les rencontres : promotion du territoire, congrès, formations"),
                ordre=45,
                gabarit="rencontres/bilan_section.html",
                donnees=bilan.donnees_rencontres,
            )
        )

        ajouter(Entree(_("Rencontres"), "rencontres:liste", _pour_tous, ordre=75))
        ajouter(Entree(_("Organiser les rencontres"), "rencontres:organisation", peut_organiser, ordre=76))
