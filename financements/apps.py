from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancementsConfig(AppConfig):
    name = "financements"
    verbose_name = _("Financements des projets d'exercice coordonné")

    def ready(self) -> None:
        from financements import donnees, workflows  # noqa: F401  (enregistrent workflow et données)
        from financements.permissions import peut_voir_document_de_demande, peut_voir_piece
        from financements.verbes import declarer_les_verbes
        from socle.permissions import regle_acces_documents

        regle_acces_documents("financements.DemandeFinancement")(peut_voir_document_de_demande)
        regle_acces_documents("financements.PieceJustificative")(peut_voir_piece)
        declarer_les_verbes()
