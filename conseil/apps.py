from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConseilConfig(AppConfig):
    name = "conseil"
    verbose_name = _("Conseil de santé")

    def ready(self) -> None:
        from comptes.roles import ajouter_fournisseur
        from conseil import bilan, donnees, workflows  # noqa: F401  (enregistrent workflows et données)
        from conseil.permissions import peut_voir_espace_conseil, roles_des_mandats
        from conseil.selectors import peut_voir_document_de_point, peut_voir_document_de_reunion
        from socle import verbes
        from socle.bilan import Section, ajouter_section
        from socle.navigation import Entree, ajouter
        from socle.permissions import regle_acces_documents

        ajouter_fournisseur(roles_des_mandats)
        regle_acces_documents("conseil.PointOrdreDuJour")(peut_voir_document_de_point)
        regle_acces_documents("conseil.Reunion")(peut_voir_document_de_reunion)
        verbes.declarer(
            {
                "conseil.mandat.cree": _("Mandat créé"),
                "conseil.mandat.modifie": _("Mandat modifié"),
                "conseil.reunion.planifiee": _("Séance planifiée"),
                "conseil.reunion.modifiee": _("Séance modifiée"),
                "conseil.reunion.convoquee": _("Convocation envoyée"),
                "conseil.reunion.tenue": _("Séance tenue"),
                "conseil.reunion.close": _("Séance close, quorum figé"),
                "conseil.reunion.annulee": _("Séance annulée"),
                "conseil.point.ajoute": _("Point ajouté à l'ordre du jour"),
                "conseil.point.modifie": _("Point de l'ordre du jour modifié"),
                "conseil.point.supprime": _("Point retiré de l'ordre du jour"),
                "conseil.point.deplace": _("Ordre du jour réordonné"),
                "conseil.reponse.enregistree": _("Réponse à la convocation"),
                "conseil.procuration.donnee": _("Procuration donnée"),
                "conseil.procuration.retiree": _("Procuration retirée"),
                "conseil.presences.enregistrees": _("Présences enregistrées"),
                "conseil.proces_verbal.redige": _("Procès-verbal rédigé"),
                "conseil.proces_verbal.modifie": _("Procès-verbal modifié"),
                "conseil.proces_verbal.adopte": _("Procès-verbal adopté"),
                "conseil.proces_verbal.archive": _("Procès-verbal archivé en PDF"),
                "conseil.proces_verbal.archivage_echoue": _("Archivage du procès-verbal échoué"),
                "conseil.programme.adopte": _("Programme de travail adopté"),
                "conseil.livrable.avancement": _("Avancement d'un livrable mis à jour"),
                "conseil.calendrier.jeton_renouvele": _("Adresse du calendrier renouvelée"),
            }
        )
        ajouter(Entree(_("Conseil de santé"), "conseil:accueil", peut_voir_espace_conseil, ordre=50))
        ajouter_section(
            Section(
                cle="conseil",
                titre=_("Le Conseil de santé"),
                ordre=10,
                gabarit="conseil/bilan_section.html",
                donnees=bilan.donnees_conseil,
            )
        )
