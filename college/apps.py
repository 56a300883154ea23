from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollegeConfig(AppConfig):
    name = "college"
    verbose_name = _("Collège des professionnels : scrutins et discussions")

    def ready(self) -> None:
        # Enregistrent workflow, données personnelles et tâches de l'accueil ; déclarent les verbes
        # du journal.
        from college import a_faire, bilan, donnees, services, tasks, workflows  # noqa: F401
        from college.liens import liens_des_points
        from college.proces_verbal import section
        from conseil.extensions import ajouter_liens_des_points
        from conseil.permissions import peut_voir_espace_conseil
        from conseil.services import ajouter_section_du_proces_verbal
        from socle.bilan import Section, ajouter_section
        from socle.navigation import Entree, ajouter

        ajouter_section_du_proces_verbal(section)
        ajouter_liens_des_points(liens_des_points)
        ajouter(Entree(_("Discussions"), "college:discussion_liste", peut_voir_espace_conseil, ordre=56))
        ajouter(Entree(_("Scrutins"), "college:scrutin_liste", peut_voir_espace_conseil, ordre=55))
        ajouter_section(
            Section(
                cle="college",
                titre=_("Le Collège des professionnels"),
                ordre=20,
                gabarit="college/bilan_section.html",
                donnees=bilan.donnees_college,
            )
        )
