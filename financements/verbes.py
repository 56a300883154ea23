from django.utils.translation import gettext_lazy as _

from socle import verbes


def declarer_les_verbes() -> None:
    verbes.declarer(
        {
            "financements.demande.creee": _("Demande de financement commencée"),
            "financements.demande.deposee": _("Demande déposée"),
            "financements.demande.instructeur": _("Instructeur désigné"),
            "financements.demande.instruction": _("Instruction commencée"),
            "financements.demande.complements_demandes": _("Compléments demandés"),
            "financements.demande.complements_fournis": _("Compléments fournis"),
            "financements.demande.avis_demande": _("Soumise à l'avis du Conseil"),
            "financements.demande.accordee": _("Aide accordée"),
            "financements.demande.refusee": _("Aide refusée"),
            "financements.demande.classee": _("Classée sans suite"),
            "financements.demande.retiree": _("Retirée par le porteur"),
            "financements.demande.conventionnee": _("Convention signée"),
            "financements.demande.en_paiement": _("Premier versement"),
            "financements.demande.soldee": _("Aide soldée"),
            "financements.demande.recepisse": _("Récépissé de dépôt envoyé"),
            "financements.demande.courrier": _("Courrier de décision écrit"),
            "financements.equipe.ajoute": _("Professionnel ajouté à l'équipe"),
            "financements.equipe.retire": _("Professionnel retiré de l'équipe"),
            "financements.coporteur.invite": _("Co-porteur invité"),
            "financements.coporteur.confirme": _("Co-porteur confirmé"),
            "financements.coporteur.decline": _("Invitation de co-porteur déclinée"),
            "financements.coporteur.retire": _("Co-porteur retiré"),
            "financements.coporteur.reponse": _("Réponse d'un co-porteur"),
            "financements.convention.generee": _("Convention préparée"),
            "financements.tranches.fixees": _("Échéancier des versements fixé"),
            "financements.tranche.versee": _("Tranche versée"),
            "financements.engagement.enregistre": _("Engagement d'un financeur enregistré"),
            "financements.message.envoye": _("Message échangé"),
        }
    )
