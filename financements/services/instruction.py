"""Les étapes de la demande : dépôt, retrait, instructeur, avis du Collège, décision."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from college.models import DeclarationInteret, StatutScrutin, TypeScrutin
from college.services import discussion_ouvrir, scrutin_annuler, scrutin_creer, scrutin_ouvrir
from college.workflows import SCRUTIN
from conseil.models import Instance, TypeInstance
from financements.models import (
    STATUTS_AVANT_DECISION,
    DemandeFinancement,
    Financeur,
    LigneFinancement,
    StatutCoPorteur,
    StatutDemande,
    StatutEngagement,
)
from financements.permissions import est_instructeur
from financements.services._commun import Acteur, demande_a_la_version, montant_lu
from financements.tasks import produire_courrier_decision, produire_recepisse
from socle.francais import euros
from socle.services import apres_validation, evenement_enregistrer, notifier
from socle.verbes import Verbe
from socle.workflows import TransitionRefusee, par_le_portail, transition

# Les actions que ce module écrit au journal d'audit.
DEMANDE_INSTRUCTEUR = Verbe("financements.demande.instructeur", gettext_lazy("Instructeur désigné"))
# Un porteur ou un membre de l'équipe qui siège au Collège est écarté du vote par le portail
# lui-même : ce n'est pas un intérêt que quelqu'un a déclaré.
MEMBRE_ECARTE_D_OFFICE = Verbe(
    "financements.demande.membre_ecarte",
    gettext_lazy("Écarté d'office du vote d'avis (porteur ou équipe du projet)"),
    precision="nom",
)

# --- Transitions --------------------------------------------------------------------------


def demande_transition(
    *,
    demande: DemandeFinancement,
    vers: str,
    acteur: Acteur,
    version: int | None,
    motif: str = "",
    donnees: dict[str, Any] | None = None,
) -> DemandeFinancement:
    """Une transition du workflow, refusée si la page était périmée (`version` lue à
    l'affichage ; None pour les tâches du portail)."""
    with transaction.atomic():
        demande_a_la_version(demande.pk, version)
        return transition(demande, vers=vers, acteur=acteur, motif=motif, donnees=donnees)


def demande_deposer(
    *, demande: DemandeFinancement, acteur: Acteur, version: int | None
) -> DemandeFinancement:
    """Dépose la demande si elle est éligible ; le récépissé (PDF) est écrit par un worker puis
    envoyé aux porteurs."""
    with transaction.atomic():
        deposee = demande_transition(
            demande=demande, vers=StatutDemande.DEPOSEE, acteur=acteur, version=version
        )
        apres_validation(produire_recepisse, deposee.pk)
    return deposee


def demande_retirer(
    *, demande: DemandeFinancement, acteur: Acteur, version: int | None, motif: str = ""
) -> DemandeFinancement:
    """Le porteur retire sa demande avant la décision ; un scrutin d'avis en cours est annulé."""
    with transaction.atomic():
        retiree = demande_transition(
            demande=demande, vers=StatutDemande.RETIREE, acteur=acteur, version=version, motif=motif
        )
        scrutin = retiree.scrutin
        if scrutin is not None and scrutin.statut in (StatutScrutin.PREPARATION, StatutScrutin.OUVERT):
            scrutin_annuler(
                scrutin=scrutin,
                acteur=None,
                motif=_("La demande a été retirée par son porteur."),
                workflow=par_le_portail(SCRUTIN),
            )
    return retiree


def instructeur_designer(
    *, demande: DemandeFinancement, acteur: Acteur, instructeur: Any, version: int | None
) -> DemandeFinancement:
    """Désigne (ou change) l'instructeur ; une demande déposée passe alors en instruction."""
    if not est_instructeur(acteur):
        raise TransitionRefusee(_("Vous n'avez pas le droit de faire cette action."), code="non_autorise")
    if not est_instructeur(instructeur):
        raise ValidationError({"instructeur": _("Cette personne n'instruit pas les demandes.")})
    with transaction.atomic():
        verrouillee = demande_a_la_version(demande.pk, version)
        if verrouillee.statut in (StatutDemande.BROUILLON, *_STATUTS_CLOS):
            raise ValidationError(_("Cette demande n'est pas à instruire."))
        DemandeFinancement.objects.filter(pk=demande.pk).update(
            instructeur=instructeur, version=F("version") + 1, modifiee_le=timezone.now()
        )
        evenement_enregistrer(
            verbe=DEMANDE_INSTRUCTEUR,
            acteur=acteur,
            cible=verrouillee,
            donnees={"instructeur": instructeur.pk},
        )
        notifier(
            destinataires=[instructeur] if instructeur.pk != acteur.pk else [],
            verbe=DEMANDE_INSTRUCTEUR,
            titre=_("Vous instruisez la demande %(d)s") % {"d": verrouillee},
            gabarit="financements/notifications/instructeur.txt",
            contexte={"objet": verrouillee, "acteur": acteur},
            url=verrouillee.get_absolute_url(),
        )
        if verrouillee.statut == StatutDemande.DEPOSEE:
            return transition(verrouillee, vers=StatutDemande.EN_INSTRUCTION, acteur=acteur)
    verrouillee.refresh_from_db()
    return verrouillee


_STATUTS_CLOS = (StatutDemande.REFUSEE, StatutDemande.CLASSEE, StatutDemande.RETIREE, StatutDemande.SOLDEE)


def avis_demander(
    *,
    demande: DemandeFinancement,
    acteur: Acteur,
    version: int | None,
    cloture: datetime | None = None,
    question: str = "",
) -> DemandeFinancement:
    """Soumet la demande à l'avis du Collège : un scrutin d'avis du Collège s'ouvre sur elle,
    avec une discussion ; les membres du Collège qui la portent ou sont dans son équipe
    déclarent d'office leur intérêt et sont écartés du vote."""
    maintenant = timezone.now()
    cloture = cloture or maintenant + timedelta(days=settings.FINANCEMENTS_DUREE_AVIS_JOURS)
    if cloture <= maintenant:
        raise ValidationError({"cloture": _("La clôture du vote doit être dans le futur.")})
    college = Instance.objects.filter(type_instance=TypeInstance.COLLEGE, active=True).first()
    if college is None:
        raise ValidationError(_("Aucun Collège des professionnels actif ne peut rendre l'avis."))
    with transaction.atomic():
        verrouillee = demande_a_la_version(demande.pk, version)
        if verrouillee.statut != StatutDemande.EN_INSTRUCTION:
            raise TransitionRefusee(
                _("Seule une demande en instruction est soumise à l'avis du Collège."),
                code="transition_inconnue",
            )
        if not est_instructeur(acteur):
            raise TransitionRefusee(_("Vous n'avez pas le droit de faire cette action."), code="non_autorise")
        titre = _("Avis sur la demande de financement %(d)s") % {"d": verrouillee}
        scrutin = scrutin_creer(
            acteur=acteur,
            instance=college,
            type_scrutin=TypeScrutin.AVIS,
            titre=titre[:255],
            question=question
            or _("Quel avis le Collège rend-il sur la demande « %(i)s » (%(t)s) ?")
            % {"i": verrouillee.intitule, "t": verrouillee.get_type_demande_display()},
            ouverture=maintenant,
            cloture=cloture,
            objet=verrouillee,
        )
        type_demande = ContentType.objects.get_for_model(DemandeFinancement)
        deja = set(
            DeclarationInteret.objects.filter(
                objet_type=type_demande, objet_id=str(verrouillee.pk)
            ).values_list("personne_id", flat=True)
        )
        for personne, nature in _interets_d_office(verrouillee):
            if personne.pk not in deja:
                DeclarationInteret.objects.create(
                    personne=personne,
                    objet_type=type_demande,
                    objet_id=str(verrouillee.pk),
                    nature=nature,
                    declaree_par=acteur,
                )
                evenement_enregistrer(
                    verbe=MEMBRE_ECARTE_D_OFFICE,
                    acteur=None,
                    cible=verrouillee,
                    donnees={"personne": personne.pk, "nom": str(personne), "nature": nature},
                )
                deja.add(personne.pk)
        discussion = discussion_ouvrir(
            instance=college,
            titre=titre[:255],
            objet=verrouillee,
            acteur=acteur,
            texte=_("Questions et remarques des membres du Collège sur la demande « %(i)s », avant l'avis.")
            % {"i": verrouillee.intitule},
        )
        DemandeFinancement.objects.filter(pk=demande.pk).update(scrutin=scrutin, discussion=discussion)
        scrutin_ouvrir(scrutin=scrutin, acteur=acteur)
        return transition(
            verrouillee, vers=StatutDemande.AVIS, acteur=acteur, donnees={"scrutin": scrutin.pk}
        )


def _interets_d_office(demande: DemandeFinancement) -> Iterable[tuple[Any, str]]:
    """Les comptes qui portent la demande ou sont dans son équipe."""
    Utilisateur = get_user_model()
    yield demande.porteur, _("Porteur principal de la demande")
    for compte in Utilisateur.objects.filter(
        coportages__demande=demande, coportages__statut=StatutCoPorteur.CONFIRME
    ):
        yield compte, _("Co-porteur de la demande")
    for compte in Utilisateur.objects.filter(professionnel__equipes_financees__demande=demande).distinct():
        yield compte, _("Membre de l'équipe du projet")


def demande_decider(
    *,
    demande: DemandeFinancement,
    acteur: Acteur,
    version: int | None,
    decision: str,
    montant_accorde: Any = None,
    conditions: str = "",
    motifs_refus: str = "",
    voies_recours: str = "",
    motif: str = "",
) -> DemandeFinancement:
    """Accorde (montant, conditions), refuse (motifs, voies de recours) ou classe sans suite ;
    le courrier de décision est écrit par un worker."""
    if decision not in (StatutDemande.ACCORDEE, StatutDemande.REFUSEE, StatutDemande.CLASSEE):
        raise ValidationError({"decision": _("Choisissez la décision.")})
    champs: dict[str, Any] = {}
    if decision == StatutDemande.ACCORDEE:
        montant = montant_lu(montant_accorde, champ="montant_accorde")
        plafond = Decimal(settings.FINANCEMENTS_PLAFOND_AGGLOMERATION)
        if montant > plafond:
            raise ValidationError(
                {
                    "montant_accorde": _("Le montant accordé dépasse le plafond de %(p)s.")
                    % {"p": euros(plafond)}
                }
            )
        demande_agglo = (
            LigneFinancement.objects.filter(demande=demande, financeur=Financeur.AGGLOMERATION)
            .values_list("montant", flat=True)
            .first()
        )
        if demande_agglo is not None and montant > demande_agglo:
            raise ValidationError(
                {
                    "montant_accorde": _("Le montant accordé dépasse le montant demandé (%(m)s).")
                    % {"m": euros(demande_agglo)}
                }
            )
        champs = {"montant_accorde": montant, "conditions": conditions.strip()}
    elif decision == StatutDemande.REFUSEE:
        champs = {"motifs_refus": motifs_refus.strip(), "voies_recours": voies_recours.strip()}
    with transaction.atomic():
        verrouillee = demande_a_la_version(demande.pk, version)
        if verrouillee.statut not in STATUTS_AVANT_DECISION:
            raise TransitionRefusee(_("Cette demande est déjà décidée."), code="transition_inconnue")
        if champs:
            DemandeFinancement.objects.filter(pk=demande.pk).update(**champs)
        decidee = transition(
            verrouillee,
            vers=decision,
            acteur=acteur,
            motif=motif,
            donnees={k: str(v) for k, v in champs.items() if k == "montant_accorde"},
        )
        if decision == StatutDemande.ACCORDEE:
            LigneFinancement.objects.filter(demande=decidee, financeur=Financeur.AGGLOMERATION).update(
                statut_engagement=StatutEngagement.ACCORDE,
                montant_decide=champs["montant_accorde"],
                decide_le=timezone.localdate(),
            )
        apres_validation(produire_courrier_decision, decidee.pk)
    decidee.refresh_from_db()
    return decidee
