"""La vie d'une rencontre, transition par transition.

brouillon → publiée (un agent de l'agglomération : la rencontre a au moins une activité et sa
période d'inscription finit avant sa fin) → annulée (un agent, motif obligatoire ; les personnes
inscrites reçoivent l'annulation avec son fichier d'agenda). Un brouillon peut aussi être annulé.
Publiée, une rencontre ne revient pas au brouillon : ses inscrits ont un agenda qui la contient.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from college.models import StatutScrutin
from rencontres.models import DemandeDeSoutien, Rencontre, StatutDemandeDeSoutien, StatutRencontre
from rencontres.permissions import a_depose, instruit_les_soutiens, peut_publier
from socle.verbes import Verbe
from socle.workflows import Transition, Workflow

RENCONTRE_PUBLIEE = Verbe("rencontres.rencontre.publiee", gettext_lazy("Rencontre publiée"))
RENCONTRE_ANNULEE = Verbe("rencontres.rencontre.annulee", gettext_lazy("Rencontre annulée"))


def _agent(acteur: Any, rencontre: Rencontre) -> bool:
    return peut_publier(acteur, rencontre)


def manquements(rencontre: Rencontre) -> list[str]:
    """Ce qui empêche de publier la rencontre (vide si elle est prête)."""
    erreurs = []
    if not rencontre.activites.exists():
        erreurs.append(_g("Ajoutez au moins une activité au programme."))
    if rencontre.inscriptions_au > rencontre.fin:
        erreurs.append(_g("Les inscriptions doivent se clore avant la fin de la rencontre."))
    return erreurs


def _prete(rencontre: Rencontre) -> str | None:
    return " ".join(manquements(rencontre)) or None


def _nouvelle_version(rencontre: Rencontre, acteur: Any) -> list[str]:
    # Les agendas des inscrits remplacent la rencontre par son annulation.
    rencontre.sequence += 1
    return ["sequence"]


RENCONTRE = Workflow(
    modele="rencontres.Rencontre",
    transitions=(
        Transition(
            depuis=(StatutRencontre.BROUILLON,),
            vers=StatutRencontre.PUBLIEE,
            verbe=RENCONTRE_PUBLIEE,
            libelle=_("Publier"),
            autorise=_agent,
            garde=_prete,
        ),
        Transition(
            depuis=(StatutRencontre.BROUILLON, StatutRencontre.PUBLIEE),
            vers=StatutRencontre.ANNULEE,
            verbe=RENCONTRE_ANNULEE,
            libelle=_("Annuler la rencontre"),
            autorise=_agent,
            motif_requis=True,
            effet=_nouvelle_version,
        ),
    ),
)


# --- Demande de soutien à un congrès ------------------------------------------------------
#
# déposée → en instruction (un agent la prend) → soumise à l'avis du Collège (au-delà du seuil
# RENCONTRES_SEUIL_AVIS_SOUTIEN, par `services.soutien_soumettre_a_l_avis` qui ouvre le scrutin)
# → accordée (une rencontre naît de la demande, confiée au compte qui l'a déposée) | refusée
# (motif). Sous le seuil, l'agent décide dès l'instruction. Le demandeur retire sa demande tant
# qu'elle n'est pas décidée.

SOUTIEN_PRIS_EN_CHARGE = Verbe(
    "rencontres.soutien.en_instruction", gettext_lazy("Demande de soutien prise en charge")
)
SOUTIEN_AVIS_DEMANDE = Verbe("rencontres.soutien.avis_demande", gettext_lazy("Soumise à l'avis du Collège"))
SOUTIEN_ACCORDE = Verbe("rencontres.soutien.accorde", gettext_lazy("Soutien accordé"))
SOUTIEN_REFUSE = Verbe("rencontres.soutien.refuse", gettext_lazy("Soutien refusé"))
SOUTIEN_RETIRE = Verbe("rencontres.soutien.retire", gettext_lazy("Demande de soutien retirée"))


def _instructeur(acteur: Any, demande: DemandeDeSoutien) -> bool:
    return instruit_les_soutiens(acteur, demande)


def _demandeur(acteur: Any, demande: DemandeDeSoutien) -> bool:
    return a_depose(acteur, demande)


def _pris_par(demande: DemandeDeSoutien, acteur: Any) -> list[str]:
    demande.instructeur = acteur
    return ["instructeur"]


def _decidee(demande: DemandeDeSoutien, acteur: Any) -> list[str]:
    demande.decidee_le = timezone.now()
    return ["decidee_le"]


def avis_requis(demande: DemandeDeSoutien) -> bool:
    return demande.montant_demande >= Decimal(settings.RENCONTRES_SEUIL_AVIS_SOUTIEN)


def _decision_possible(demande: DemandeDeSoutien) -> str | None:
    """L'avis du Collège rendu (scrutin clos) quand le montant l'exige."""
    if demande.statut == StatutDemandeDeSoutien.EN_INSTRUCTION and avis_requis(demande):
        return _g("Le montant demandé appelle l'avis du Collège : soumettez-lui la demande avant de décider.")
    if demande.statut == StatutDemandeDeSoutien.AVIS and (
        demande.scrutin is None or demande.scrutin.statut != StatutScrutin.CLOS
    ):
        return _g("Le Collège n'a pas encore rendu son avis : attendez la clôture du scrutin.")
    return None


def _demandeur_et_instructeur(demande: DemandeDeSoutien, acteur: Any) -> list[Any]:
    return [demande.deposee_par, demande.instructeur]


SOUTIEN = Workflow(
    modele="rencontres.DemandeDeSoutien",
    transitions=(
        Transition(
            depuis=(StatutDemandeDeSoutien.DEPOSEE,),
            vers=StatutDemandeDeSoutien.EN_INSTRUCTION,
            verbe=SOUTIEN_PRIS_EN_CHARGE,
            libelle=_("Prendre en charge"),
            autorise=_instructeur,
            effet=_pris_par,
            destinataires=_demandeur_et_instructeur,
            titre_notification=_("Votre demande de soutien est en instruction : %(objet)s"),
            gabarit_notification="rencontres/notifications/soutien.txt",
        ),
        Transition(
            depuis=(StatutDemandeDeSoutien.EN_INSTRUCTION, StatutDemandeDeSoutien.AVIS),
            vers=StatutDemandeDeSoutien.ACCORDEE,
            verbe=SOUTIEN_ACCORDE,
            libelle=_("Accorder le soutien"),
            autorise=_instructeur,
            prealable=_decision_possible,
            effet=_decidee,
            destinataires=_demandeur_et_instructeur,
            titre_notification=_("Soutien accordé : %(objet)s"),
            gabarit_notification="rencontres/notifications/soutien.txt",
        ),
        Transition(
            depuis=(StatutDemandeDeSoutien.EN_INSTRUCTION, StatutDemandeDeSoutien.AVIS),
            vers=StatutDemandeDeSoutien.REFUSEE,
            verbe=SOUTIEN_REFUSE,
            libelle=_("Refuser"),
            autorise=_instructeur,
            prealable=_decision_possible,
            effet=_decidee,
            motif_requis=True,
            destinataires=_demandeur_et_instructeur,
            titre_notification=_("Soutien refusé : %(objet)s"),
            gabarit_notification="rencontres/notifications/soutien.txt",
        ),
        Transition(
            depuis=(
                StatutDemandeDeSoutien.DEPOSEE,
                StatutDemandeDeSoutien.EN_INSTRUCTION,
                StatutDemandeDeSoutien.AVIS,
            ),
            vers=StatutDemandeDeSoutien.RETIREE,
            verbe=SOUTIEN_RETIRE,
            libelle=_("Retirer ma demande"),
            autorise=_demandeur,
        ),
        Transition(
            depuis=(StatutDemandeDeSoutien.EN_INSTRUCTION,),
            vers=StatutDemandeDeSoutien.AVIS,
            verbe=SOUTIEN_AVIS_DEMANDE,
            libelle=_("Soumettre à l'avis du Collège"),
            autorise=_instructeur,
        ),
    ),
)
