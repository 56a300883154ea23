from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConseilConfig(AppConfig):
    name = "conseil"
    verbose_name = _("Conseil de santé")

    def ready(self) -> None:
        # Import local : les modules des applications se chargent une fois le registre prêt.
        from comptes.roles import ajouter_fournisseur

        # Enregistrent workflows, données personnelles et tâches de l'accueil ; déclarent les verbes
        # du journal.
        from conseil import a_faire, bilan, donnees, services, tasks, workflows  # noqa: F401
        from conseil.permissions import hors_espace_conseil, peut_voir_espace_conseil, roles_des_mandats
        from conseil.selectors import peut_voir_document_de_point, peut_voir_document_de_reunion
        from socle.bilan import Section, ajouter_section
        from socle.navigation import Entree, ajouter
        from socle.permissions import regle_acces_documents

        ajouter_fournisseur(roles_des_mandats)
        regle_acces_documents("conseil.PointOrdreDuJour")(peut_voir_document_de_point)
        regle_acces_documents("conseil.Reunion")(peut_voir_document_de_reunion)
        ajouter(Entree(_("Conseil de santé"), "conseil:accueil", peut_voir_espace_conseil, ordre=50))
        # Qui n'a pas l'espace du Conseil (public, porteur de projet) trouve ses pages publiques.
        ajouter(Entree(_("Séances"), "conseil:calendrier_public", hors_espace_conseil, ordre=20))
        ajouter(Entree(_("Programmes de travail"), "conseil:programme_liste", hors_espace_conseil, ordre=30))
        ajouter_section(
            Section(
                cle="conseil",
                titre=_("Le Conseil de santé"),
                ordre=10,
                gabarit="conseil/bilan_section.html",
                donnees=bilan.donnees_conseil,
            )
        )
