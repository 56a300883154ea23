from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollegeConfig(AppConfig):
    name = "college"
    verbose_name = _("Collège des professionnels : scrutins et discussions")

    def ready(self) -> None:
        from college import bilan, donnees, workflows  # noqa: F401  (enregistrent workflow et données)
        from college.liens import liens_des_points
        from college.proces_verbal import section
        from conseil.extensions import ajouter_liens_des_points
        from conseil.permissions import peut_voir_espace_conseil
        from conseil.services import ajouter_section_du_proces_verbal
        from socle import verbes
        from socle.bilan import Section, ajouter_section
        from socle.navigation import Entree, ajouter

        ajouter_section_du_proces_verbal(section)
        ajouter_liens_des_points(liens_des_points)
        ajouter(Entree(_("Discussions"), "college:discussion_liste", peut_voir_espace_conseil, ordre=56))
        verbes.declarer(
            {
                "college.scrutin.cree": _("Scrutin préparé"),
                "college.scrutin.ouvert": _("Scrutin ouvert"),
                "college.scrutin.clos": _("Scrutin clos, résultat publié"),
                "college.scrutin.annule": _("Scrutin annulé"),
                "college.candidature.declaree": _("Candidature déclarée"),
                "college.candidature.retiree": _("Candidature retirée"),
                "college.interet.declare": _("Intérêt déclaré"),
                "college.procuration.donnee": _("Procuration de vote donnée"),
                "college.bulletin.depose": _("Bulletin déposé"),
                "college.rappel.envoye": _("Rappel aux électeurs qui n'ont pas voté"),
                "college.discussion.ouverte": _("Discussion ouverte"),
                "college.commentaire.publie": _("Commentaire publié"),
                "college.commentaire.modifie": _("Commentaire modifié"),
                "college.commentaire.masque": _("Commentaire masqué par le secrétariat"),
            }
        )
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
