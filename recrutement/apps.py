from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _pour_tous(utilisateur: Any) -> bool:
    return True


def _personne(utilisateur: Any, objet: Any) -> bool:
    return False


class RecrutementConfig(AppConfig):
    name = "recrutement"
    verbose_name = _("Recrutement (GCS Partenaires Santé du Cotentin)")

    def ready(self) -> None:
        # Enregistrent workflow et données personnelles ; déclarent les verbes du journal.
        from recrutement import a_faire, bilan, donnees, services, tasks, workflows  # noqa: F401
        from recrutement.permissions import est_agent_moderateur, suit_le_recrutement
        from socle.bilan import Section, ajouter_section
        from socle.navigation import Entree, ajouter
        from socle.permissions import regle_acces_documents

        # Les pièces d'une candidature ne passent jamais par la page commune des documents :
        # les vues du recrutement les servent, après `get_candidature_pour` (recruteurs) ou à
        # leur candidat, et tracent chaque ouverture par un recruteur (`ConsultationPiece`).
        regle_acces_documents("recrutement.Candidature", prioritaire=True)(_personne)

        # Le menu de chaque page ne lit que les droits déjà chargés : « Mes offres » et la file
        # des modérateurs du GCS sont proposées depuis la liste des offres (une requête de plus
        # sur cette seule page), non sur toutes les pages.
        ajouter(Entree(_("Offres d'emploi"), "recrutement:offre_liste", _pour_tous, ordre=70))
        ajouter(Entree(_("Offres à modérer"), "recrutement:moderation", est_agent_moderateur, ordre=72))
        ajouter(
            Entree(
                _("Recrutement : tableau de bord"),
                "recrutement:tableau_de_bord",
                suit_le_recrutement,
                ordre=74,
            )
        )
        ajouter_section(
            Section(
                cle="recrutement",
                titre=_("Le recrutement commun du GCS"),
                ordre=40,
                gabarit="recrutement/bilan_section.html",
                donnees=bilan.donnees_recrutement,
            )
        )
