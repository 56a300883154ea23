"""La vie d'une demande de financement, transition par transition.

brouillon → déposée → en instruction ⇄ en attente de compléments → soumise à l'avis du
Conseil → accordée | refusée | classée sans suite ; accordée → conventionnée → en paiement →
soldée. Le porteur peut retirer sa demande avant la décision.

Chaque transition augmente `version` : un formulaire affiché avant un changement est refusé
(voir services.demande_transition).
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from college.models import StatutScrutin
from financements.eligibilite import manquements_de
from financements.models import (
    STATUTS_AVANT_DECISION,
    DemandeFinancement,
    StatutCoPorteur,
    StatutDemande,
    StatutTranche,
)
from financements.permissions import est_instructeur, est_porteur
from socle.verbes import Verbe
from socle.workflows import Transition, Workflow

# Les actions que ce module écrit au journal d'audit.
DEMANDE_ACCORDEE = Verbe("financements.demande.accordee", gettext_lazy("Aide accordée"))
DEMANDE_AVIS_DEMANDE = Verbe("financements.demande.avis_demande", gettext_lazy("Soumise à l'avis du Collège"))
DEMANDE_CLASSEE = Verbe("financements.demande.classee", gettext_lazy("Classée sans suite"))
DEMANDE_COMPLEMENTS_DEMANDES = Verbe(
    "financements.demande.complements_demandes", gettext_lazy("Compléments demandés")
)
DEMANDE_COMPLEMENTS_FOURNIS = Verbe(
    "financements.demande.complements_fournis", gettext_lazy("Compléments fournis")
)
DEMANDE_CONVENTIONNEE = Verbe("financements.demande.conventionnee", gettext_lazy("Convention signée"))
DEMANDE_DEPOSEE = Verbe("financements.demande.deposee", gettext_lazy("Demande déposée"))
DEMANDE_EN_PAIEMENT = Verbe("financements.demande.en_paiement", gettext_lazy("Premier versement"))
DEMANDE_INSTRUCTION = Verbe("financements.demande.instruction", gettext_lazy("Instruction commencée"))
DEMANDE_REFUSEE = Verbe("financements.demande.refusee", gettext_lazy("Aide refusée"))
DEMANDE_RETIREE = Verbe("financements.demande.retiree", gettext_lazy("Retirée par le porteur"))
DEMANDE_SOLDEE = Verbe("financements.demande.soldee", gettext_lazy("Aide soldée"))

Effet = Callable[[DemandeFinancement, Any], Iterable[str]]


def _instructeur(acteur: Any, demande: Any) -> bool:
    return est_instructeur(acteur)


def _instructeur_ou_systeme(acteur: Any, demande: Any) -> bool:
    return acteur is None or est_instructeur(acteur)


def _porteur(acteur: Any, demande: Any) -> bool:
    return est_porteur(acteur, demande)


def _porteur_ou_instructeur(acteur: Any, demande: Any) -> bool:
    return est_porteur(acteur, demande) or est_instructeur(acteur)


def _avec_version(*effets: Effet) -> Effet:
    def effet(demande: DemandeFinancement, acteur: Any) -> list[str]:
        demande.version += 1
        champs = ["version", "modifiee_le"]
        for autre in effets:
            champs.extend(autre(demande, acteur))
        return champs

    return effet


# --- Destinataires des notifications ------------------------------------------------------


def porteurs_de(demande: DemandeFinancement, acteur: Any) -> list[Any]:
    coporteurs = get_user_model().objects.filter(
        coportages__demande=demande, coportages__statut=StatutCoPorteur.CONFIRME
    )
    return [demande.porteur, *coporteurs]


def instructeurs_de(demande: DemandeFinancement, acteur: Any) -> Iterable[Any]:
    if demande.instructeur_id is not None:
        return [demande.instructeur]
    droit = Q(
        groups__permissions__codename="instruire_demandefinancement",
        groups__permissions__content_type__app_label="financements",
    )
    return get_user_model().objects.filter(droit, is_active=True).distinct()


# --- Gardes -----------------------------------------------------------------------------


def _eligible(demande: DemandeFinancement) -> str | None:
    manquements = manquements_de(demande)
    if manquements:
        return " ".join(str(m.message) for m in manquements)
    return None


def _a_un_instructeur(demande: DemandeFinancement) -> str | None:
    if demande.instructeur_id is None:
        return _g("Désignez d'abord l'instructeur de la demande.")
    return None


def _a_un_scrutin(demande: DemandeFinancement) -> str | None:
    if demande.scrutin_id is None:
        return _g("Le scrutin d'avis du Collège n'est pas ouvert.")
    return None


def _avis_rendu(demande: DemandeFinancement) -> str | None:
    if demande.scrutin is None or demande.scrutin.statut != StatutScrutin.CLOS:
        return _g("Le Collège n'a pas encore rendu son avis : attendez la clôture du scrutin.")
    return None


def _accord_complet(demande: DemandeFinancement) -> str | None:
    if not demande.montant_accorde or demande.montant_accorde <= 0:
        return _g("Indiquez le montant accordé.")
    return None


def _refus_motive(demande: DemandeFinancement) -> str | None:
    if not demande.motifs_refus.strip():
        return _g("Un refus doit être motivé : indiquez ses motifs.")
    if not demande.voies_recours.strip():
        return _g("Indiquez les voies et délais de recours.")
    return None


def _convention_signee(demande: DemandeFinancement) -> str | None:
    if demande.convention_signee_id is None or demande.conventionnee_le is None:
        return _g("Déposez la convention signée et sa date de signature.")
    return None


def _premiere_tranche_versee(demande: DemandeFinancement) -> str | None:
    if not demande.tranches.filter(statut=StatutTranche.VERSEE).exists():
        return _g("Aucune tranche n'a encore été versée.")
    return None


def _toutes_tranches_versees(demande: DemandeFinancement) -> str | None:
    if not demande.tranches.exists() or demande.tranches.filter(statut=StatutTranche.PREVUE).exists():
        return _g("Des tranches restent à verser.")
    return None


# --- Effets -------------------------------------------------------------------------------


def _deposee(demande: DemandeFinancement, acteur: Any) -> list[str]:
    demande.deposee_le = timezone.now()
    demande.numero = f"FIN-{timezone.localdate(demande.deposee_le).year}-{demande.pk:05d}"
    return ["deposee_le", "numero"]


def _decidee(demande: DemandeFinancement, acteur: Any) -> list[str]:
    demande.decidee_le = timezone.now()
    return ["decidee_le"]


def _soldee(demande: DemandeFinancement, acteur: Any) -> list[str]:
    demande.soldee_le = timezone.now()
    return ["soldee_le"]


def _t(**options: Any) -> Transition:
    options["effet"] = _avec_version(*([options["effet"]] if options.get("effet") else []))
    return Transition(**options)


DEMANDE = Workflow(
    modele="financements.DemandeFinancement",
    transitions=(
        _t(
            depuis=(StatutDemande.BROUILLON,),
            vers=StatutDemande.DEPOSEE,
            verbe=DEMANDE_DEPOSEE,
            libelle=_("Déposer la demande"),
            autorise=_porteur,
            garde=_eligible,
            effet=_deposee,
            destinataires=instructeurs_de,
            titre_notification=_("Nouvelle demande de financement déposée : %(objet)s"),
            gabarit_notification="financements/notifications/deposee.txt",
        ),
        _t(
            depuis=(StatutDemande.DEPOSEE,),
            vers=StatutDemande.EN_INSTRUCTION,
            verbe=DEMANDE_INSTRUCTION,
            libelle=_("Commencer l'instruction"),
            autorise=_instructeur,
            garde=_a_un_instructeur,
            destinataires=porteurs_de,
            titre_notification=_("Votre demande est en instruction : %(objet)s"),
            gabarit_notification="financements/notifications/instruction.txt",
        ),
        _t(
            depuis=(StatutDemande.EN_INSTRUCTION,),
            vers=StatutDemande.COMPLEMENTS,
            verbe=DEMANDE_COMPLEMENTS_DEMANDES,
            libelle=_("Demander des compléments"),
            autorise=_instructeur,
            motif_requis=True,
            destinataires=porteurs_de,
            titre_notification=_("Des compléments sont demandés : %(objet)s"),
            gabarit_notification="financements/notifications/complements.txt",
            ancre_notification="#complements-demandes",
        ),
        _t(
            depuis=(StatutDemande.COMPLEMENTS,),
            vers=StatutDemande.EN_INSTRUCTION,
            verbe=DEMANDE_COMPLEMENTS_FOURNIS,
            libelle=_("Signaler que les compléments sont fournis"),
            autorise=_porteur_ou_instructeur,
            destinataires=instructeurs_de,
            titre_notification=_("Compléments fournis : %(objet)s"),
            gabarit_notification="financements/notifications/complements_fournis.txt",
        ),
        _t(
            depuis=(StatutDemande.EN_INSTRUCTION,),
            vers=StatutDemande.AVIS,
            verbe=DEMANDE_AVIS_DEMANDE,
            libelle=_("Soumettre à l'avis du Collège"),
            autorise=_instructeur,
            garde=_a_un_scrutin,
            destinataires=porteurs_de,
            titre_notification=_("Votre demande est soumise à l'avis du Collège : %(objet)s"),
            gabarit_notification="financements/notifications/avis.txt",
        ),
        _t(
            depuis=(StatutDemande.AVIS,),
            vers=StatutDemande.ACCORDEE,
            verbe=DEMANDE_ACCORDEE,
            libelle=_("Accorder l'aide"),
            autorise=_instructeur,
            prealable=_avis_rendu,
            garde=_accord_complet,
            effet=_decidee,
            destinataires=porteurs_de,
            titre_notification=_("Aide accordée : %(objet)s"),
            gabarit_notification="financements/notifications/decidee.txt",
        ),
        _t(
            depuis=(StatutDemande.AVIS,),
            vers=StatutDemande.REFUSEE,
            verbe=DEMANDE_REFUSEE,
            libelle=_("Refuser l'aide"),
            autorise=_instructeur,
            prealable=_avis_rendu,
            garde=_refus_motive,
            effet=_decidee,
            destinataires=porteurs_de,
            titre_notification=_("Aide refusée : %(objet)s"),
            gabarit_notification="financements/notifications/decidee.txt",
        ),
        _t(
            depuis=STATUTS_AVANT_DECISION,
            vers=StatutDemande.CLASSEE,
            verbe=DEMANDE_CLASSEE,
            libelle=_("Classer sans suite"),
            autorise=_instructeur,
            motif_requis=True,
            effet=_decidee,
            destinataires=porteurs_de,
            titre_notification=_("Demande classée sans suite : %(objet)s"),
            gabarit_notification="financements/notifications/decidee.txt",
        ),
        _t(
            depuis=STATUTS_AVANT_DECISION,
            vers=StatutDemande.RETIREE,
            verbe=DEMANDE_RETIREE,
            libelle=_("Retirer la demande"),
            autorise=_porteur,
            destinataires=instructeurs_de,
            titre_notification=_("Demande retirée par son porteur : %(objet)s"),
            gabarit_notification="financements/notifications/retiree.txt",
        ),
        _t(
            depuis=(StatutDemande.ACCORDEE,),
            vers=StatutDemande.CONVENTIONNEE,
            verbe=DEMANDE_CONVENTIONNEE,
            libelle=_("Enregistrer la convention signée"),
            autorise=_instructeur,
            garde=_convention_signee,
            destinataires=porteurs_de,
            titre_notification=_("Convention signée enregistrée : %(objet)s"),
            gabarit_notification="financements/notifications/conventionnee.txt",
        ),
        _t(
            depuis=(StatutDemande.CONVENTIONNEE,),
            vers=StatutDemande.EN_PAIEMENT,
            verbe=DEMANDE_EN_PAIEMENT,
            libelle=_("Premier versement"),
            autorise=_instructeur_ou_systeme,
            garde=_premiere_tranche_versee,
        ),
        _t(
            depuis=(StatutDemande.EN_PAIEMENT,),
            vers=StatutDemande.SOLDEE,
            verbe=DEMANDE_SOLDEE,
            libelle=_("Solder la demande"),
            autorise=_instructeur_ou_systeme,
            garde=_toutes_tranches_versees,
            effet=_soldee,
            destinataires=porteurs_de,
            titre_notification=_("Aide soldée : %(objet)s"),
            gabarit_notification="financements/notifications/soldee.txt",
        ),
    ),
)
