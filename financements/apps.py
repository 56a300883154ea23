from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancementsConfig(AppConfig):
    name = "financements"
    verbose_name = _("Financements des projets d'exercice coordonné")

    def ready(self) -> None:
        # Enregistrent workflow, données personnelles et tâches de l'accueil ; déclarent les verbes
        # du journal (l'admin, qui en écrit deux, est chargée par django.contrib.admin).
        from financements import a_faire, bilan, donnees, services, tasks, workflows  # noqa: F401
        from financements.permissions import (
            peut_voir_document_de_demande,
            peut_voir_piece,
            voit_toutes_les_demandes,
        )
        from financements.views import instruction  # noqa: F401
        from financements.views.porteur import voit_mes_demandes
        from socle.bilan import Section, ajouter_section
        from socle.navigation import Entree, ajouter
        from socle.permissions import regle_acces_documents

        regle_acces_documents("financements.DemandeFinancement")(peut_voir_document_de_demande)
        regle_acces_documents("financements.PieceJustificative")(peut_voir_piece)
        ajouter(
            Entree(_("Mes demandes de financement"), "financements:mes_demandes", voit_mes_demandes, ordre=60)
        )
        ajouter(
            Entree(
                _("Demandes de financement"), "financements:demande_liste", voit_toutes_les_demandes, ordre=58
            )
        )
        ajouter_section(
            Section(
                cle="financements",
                titre=_("Les demandes de financement"),
                ordre=30,
                gabarit="financements/bilan_section.html",
                donnees=bilan.donnees_financements,
            )
        )
