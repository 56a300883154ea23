"""Après l'accord : convention, échéancier et versements, engagements des autres financeurs."""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from financements.models import (
    ConditionTranche,
    DemandeFinancement,
    Financeur,
    LigneFinancement,
    NaturePiece,
    StatutDemande,
    StatutEngagement,
    StatutTranche,
    Tranche,
)
from financements.pdf import convention_pdf
from financements.permissions import est_instructeur
from financements.services._commun import CENTIME, ZERO, Acteur, demande_a_la_version, montant_lu
from socle.francais import euros
from socle.models import Document
from socle.services import document_deposer, evenement_enregistrer
from socle.verbes import Verbe
from socle.workflows import TransitionRefusee, transition

# Les actions que ce module écrit au journal d'audit.
CONVENTION_GENEREE = Verbe("financements.convention.generee", gettext_lazy("Convention préparée"))
ENGAGEMENT_ENREGISTRE = Verbe(
    "financements.engagement.enregistre", gettext_lazy("Engagement d'un financeur enregistré")
)
TRANCHE_VERSEE = Verbe("financements.tranche.versee", gettext_lazy("Tranche versée"))
TRANCHES_FIXEES = Verbe("financements.tranches.fixees", gettext_lazy("Échéancier des versements fixé"))

# --- Convention et versements ------------------------------------------------------------


def tranches_par_defaut(demande: DemandeFinancement) -> list[Tranche]:
    """Une avance à la signature (FINANCEMENTS_PART_AVANCE) et le solde sur le rapport final."""
    if demande.montant_accorde is None:
        return []
    part = Decimal(settings.FINANCEMENTS_PART_AVANCE)
    avance = (demande.montant_accorde * part).quantize(CENTIME, rounding=ROUND_HALF_UP)
    solde = demande.montant_accorde - avance
    tranches = []
    if avance > 0:
        tranches.append(
            Tranche(
                demande=demande,
                ordre=1,
                libelle=_("Avance"),
                montant=avance,
                condition=ConditionTranche.SIGNATURE,
            )
        )
    if solde > 0:
        tranches.append(
            Tranche(
                demande=demande,
                ordre=len(tranches) + 1,
                libelle=_("Solde"),
                montant=solde,
                condition=ConditionTranche.RAPPORT_FINAL,
            )
        )
    return tranches


def tranches_enregistrer(
    *, demande: DemandeFinancement, acteur: Acteur, lignes: Sequence[dict[str, Any]], version: int | None
) -> list[Tranche]:
    """L'échéancier des versements, tant que rien n'est versé ; la somme est l'aide accordée."""
    if not est_instructeur(acteur):
        raise ValidationError(_("Seul l'instructeur fixe les versements."))
    tranches = []
    for rang, ligne in enumerate(lignes, start=1):
        condition = ligne.get("condition") or ""
        if condition not in ConditionTranche.values:
            raise ValidationError({"tranches": _("Tranche %(n)s : choisissez sa condition.") % {"n": rang}})
        if condition == ConditionTranche.AUTRE and not (ligne.get("condition_detail") or "").strip():
            raise ValidationError({"tranches": _("Tranche %(n)s : précisez la condition.") % {"n": rang}})
        tranches.append(
            Tranche(
                ordre=rang,
                libelle=(ligne.get("libelle") or _("Tranche %(n)s") % {"n": rang}).strip()[:120],
                montant=montant_lu(ligne.get("montant"), champ="tranches"),
                condition=condition,
                condition_detail=(ligne.get("condition_detail") or "").strip()[:255],
            )
        )
    with transaction.atomic():
        verrouillee = demande_a_la_version(demande.pk, version)
        if verrouillee.statut not in (StatutDemande.ACCORDEE, StatutDemande.CONVENTIONNEE):
            raise ValidationError(_("Les versements se fixent entre l'accord et le premier versement."))
        if verrouillee.tranches.filter(statut=StatutTranche.VERSEE).exists():
            raise ValidationError(_("Un versement a déjà eu lieu : l'échéancier ne change plus."))
        total = sum((t.montant for t in tranches), ZERO)
        if total != verrouillee.montant_accorde:
            raise ValidationError(
                {
                    "tranches": _("Les tranches (%(t)s) doivent faire le montant accordé (%(m)s).")
                    % {"t": euros(total), "m": euros(verrouillee.montant_accorde or ZERO)}
                }
            )
        verrouillee.tranches.all().delete()
        for tranche in tranches:
            tranche.demande = verrouillee
        creees = Tranche.objects.bulk_create(tranches)
        DemandeFinancement.objects.filter(pk=demande.pk).update(version=F("version") + 1)
        evenement_enregistrer(
            verbe=TRANCHES_FIXEES,
            acteur=acteur,
            cible=verrouillee,
            donnees={"tranches": [str(t.montant) for t in creees]},
        )
    return creees


def convention_generer(
    *, demande: DemandeFinancement, acteur: Acteur, version: int | None = None
) -> Document:
    """Écrit la convention (PDF) depuis la décision et le modèle de l'administration ; pose
    l'échéancier par défaut s'il n'y en a pas encore. `version` : celle de la page d'où vient
    la demande (refusée si la demande a changé)."""
    if not est_instructeur(acteur):
        raise ValidationError(_("Seul l'instructeur prépare la convention."))
    with transaction.atomic():
        verrouillee = demande_a_la_version(demande.pk, version)
        if verrouillee.statut != StatutDemande.ACCORDEE:
            raise ValidationError(_("La convention se prépare pour une aide accordée, avant sa signature."))
        if not verrouillee.tranches.exists():
            Tranche.objects.bulk_create(tranches_par_defaut(verrouillee))
        document = _document_pdf(
            contenu=convention_pdf(verrouillee),
            nom=f"convention-{verrouillee.numero}.pdf",
            titre=_("Convention de financement %(n)s") % {"n": verrouillee.numero},
            acteur=acteur,
            objet=verrouillee,
        )
        DemandeFinancement.objects.filter(pk=demande.pk).update(
            convention=document, version=F("version") + 1, modifiee_le=timezone.now()
        )
        evenement_enregistrer(verbe=CONVENTION_GENEREE, acteur=acteur, cible=verrouillee)
    return document


def _document_pdf(*, contenu: bytes, nom: str, titre: str, acteur: Acteur, objet: Any) -> Document:
    fichier = SimpleUploadedFile(nom, contenu, content_type="application/pdf")
    return document_deposer(fichier=fichier, acteur=acteur, titre=titre, objet=objet)


def convention_signee_deposer(
    *,
    demande: DemandeFinancement,
    acteur: Acteur,
    fichier: UploadedFile,
    signee_le: date,
    version: int | None,
) -> DemandeFinancement:
    """La convention revenue signée : elle est contrôlée (un PDF, seul format qui garde la
    signature telle quelle), gardée, et la demande est conventionnée."""
    if signee_le > timezone.localdate():
        raise ValidationError({"signee_le": _("La date de signature ne peut pas être dans le futur.")})
    with transaction.atomic():
        verrouillee = demande_a_la_version(demande.pk, version)
        if verrouillee.statut != StatutDemande.ACCORDEE:
            raise TransitionRefusee(
                _("Seule une aide accordée attend sa convention signée."), code="transition_inconnue"
            )
        if not est_instructeur(acteur):
            raise TransitionRefusee(_("Vous n'avez pas le droit de faire cette action."), code="non_autorise")
        document = document_deposer(
            fichier=fichier,
            acteur=acteur,
            titre=_("Convention signée %(n)s") % {"n": verrouillee.numero},
            objet=verrouillee,
            types_acceptes=("application/pdf",),
        )
        if not verrouillee.tranches.exists():
            Tranche.objects.bulk_create(tranches_par_defaut(verrouillee))
        DemandeFinancement.objects.filter(pk=demande.pk).update(
            convention_signee=document, conventionnee_le=signee_le
        )
        return transition(verrouillee, vers=StatutDemande.CONVENTIONNEE, acteur=acteur)


def condition_remplie(tranche: Tranche, demande: DemandeFinancement, natures: Iterable[str]) -> str | None:
    """Message si la condition de la tranche n'est pas remplie ; `natures` : pièces au dossier."""
    if tranche.condition == ConditionTranche.SIGNATURE and demande.convention_signee_id is None:
        return _("La convention n'est pas encore signée.")
    if tranche.condition == ConditionTranche.RAPPORT_FINAL and NaturePiece.RAPPORT_FINAL not in set(natures):
        return _("Le rapport final n'est pas encore déposé par le porteur.")
    return None


def tranche_verser(
    *,
    tranche: Tranche,
    acteur: Acteur,
    versee_le: date,
    reference_mandat: str = "",
    version: int | None,
) -> Tranche:
    """Enregistre le versement d'une tranche dont la condition est remplie ; la demande passe en
    paiement au premier, et est soldée au dernier."""
    if not est_instructeur(acteur):
        raise TransitionRefusee(_("Vous n'avez pas le droit de faire cette action."), code="non_autorise")
    if versee_le > timezone.localdate():
        raise ValidationError({"versee_le": _("La date du versement ne peut pas être dans le futur.")})
    with transaction.atomic():
        demande = demande_a_la_version(tranche.demande_id, version)
        verrouillee = Tranche.objects.select_for_update().get(pk=tranche.pk)
        if demande.statut not in (StatutDemande.CONVENTIONNEE, StatutDemande.EN_PAIEMENT):
            raise ValidationError(_("Les versements commencent après la signature de la convention."))
        if verrouillee.statut == StatutTranche.VERSEE:
            raise ValidationError(_("Cette tranche est déjà versée."))
        natures = demande.pieces.filter(remplacee=False).values_list("nature", flat=True)
        if message := condition_remplie(verrouillee, demande, natures):
            raise ValidationError(message)
        verrouillee.statut = StatutTranche.VERSEE
        verrouillee.versee_le = versee_le
        verrouillee.reference_mandat = reference_mandat.strip()[:60]
        verrouillee.save(update_fields=["statut", "versee_le", "reference_mandat"])
        evenement_enregistrer(
            verbe=TRANCHE_VERSEE,
            acteur=acteur,
            cible=demande,
            donnees={"tranche": verrouillee.pk, "montant": str(verrouillee.montant)},
        )
        if demande.statut == StatutDemande.CONVENTIONNEE:
            demande = transition(demande, vers=StatutDemande.EN_PAIEMENT, acteur=acteur)
        if not demande.tranches.filter(statut=StatutTranche.PREVUE).exists():
            demande = transition(demande, vers=StatutDemande.SOLDEE, acteur=acteur)
            LigneFinancement.objects.filter(demande=demande, financeur=Financeur.AGGLOMERATION).update(
                statut_engagement=StatutEngagement.VERSE
            )
        else:
            DemandeFinancement.objects.filter(pk=demande.pk).update(version=F("version") + 1)
    return verrouillee


# --- Les autres financeurs --------------------------------------------------------------


def engagement_enregistrer(
    *,
    ligne: LigneFinancement,
    acteur: Acteur,
    statut_engagement: str,
    montant_decide: Any = None,
    decide_le: date | None = None,
    commentaire: str = "",
    version: int | None = None,
) -> LigneFinancement:
    """Ce qu'un autre financeur a décidé (ARS, Département, URML, Région, autofinancement) ;
    `version` : celle de la page d'où vient la saisie (refusée si la demande a changé)."""
    if not est_instructeur(acteur):
        raise ValidationError(_("Seule l'agglomération tient les engagements des financeurs."))
    if statut_engagement not in StatutEngagement.values:
        raise ValidationError({"statut_engagement": _("Choisissez l'état de l'engagement.")})
    montant = None
    if montant_decide not in (None, ""):
        montant = montant_lu(montant_decide, champ="montant_decide", zero_permis=True)
    if statut_engagement in (StatutEngagement.ACCORDE, StatutEngagement.VERSE):
        if montant is None or montant <= 0:
            raise ValidationError({"montant_decide": _("Indiquez le montant engagé par ce financeur.")})
        if decide_le is None:
            raise ValidationError({"decide_le": _("Indiquez la date de la décision du financeur.")})
    if decide_le is not None and decide_le > timezone.localdate():
        raise ValidationError({"decide_le": _("La date de décision ne peut pas être dans le futur.")})
    with transaction.atomic():
        demande_a_la_version(ligne.demande_id, version)
        verrouillee = LigneFinancement.objects.select_for_update().get(pk=ligne.pk)
        if verrouillee.financeur == Financeur.AGGLOMERATION:
            raise ValidationError(_("L'engagement de l'agglomération suit sa décision et ses versements."))
        verrouillee.statut_engagement = statut_engagement
        verrouillee.montant_decide = montant
        verrouillee.decide_le = decide_le
        verrouillee.commentaire = commentaire.strip()[:255]
        verrouillee.save(update_fields=["statut_engagement", "montant_decide", "decide_le", "commentaire"])
        DemandeFinancement.objects.filter(pk=ligne.demande_id).update(version=F("version") + 1)
        evenement_enregistrer(
            verbe=ENGAGEMENT_ENREGISTRE,
            acteur=acteur,
            cible=verrouillee.demande,
            donnees={
                "financeur": verrouillee.financeur,
                "statut": statut_engagement,
                "montant": str(montant) if montant is not None else "",
            },
        )
    return verrouillee
