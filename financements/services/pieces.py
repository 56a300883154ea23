"""Les pièces justificatives déposées au dossier, selon l'étape de la demande."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from financements.models import (
    PIECES_EXIGEES,
    DemandeFinancement,
    NaturePiece,
    PieceJustificative,
    StatutDemande,
)
from financements.permissions import est_instructeur, est_porteur
from financements.services._commun import Acteur
from socle.models import Document
from socle.services import document_deposer

# --- Pièces -----------------------------------------------------------------------------

# Ce que les porteurs peuvent déposer, selon l'état de la demande.
PIECES_PAR_STATUT: dict[str, tuple[str, ...]] = {
    StatutDemande.BROUILLON: (*PIECES_EXIGEES, NaturePiece.AUTRE),
    StatutDemande.DEPOSEE: (NaturePiece.COMPLEMENT, NaturePiece.AUTRE),
    StatutDemande.EN_INSTRUCTION: (NaturePiece.COMPLEMENT, NaturePiece.AUTRE),
    StatutDemande.COMPLEMENTS: (*PIECES_EXIGEES, NaturePiece.COMPLEMENT, NaturePiece.AUTRE),
    StatutDemande.ACCORDEE: (NaturePiece.AUTRE,),
    StatutDemande.CONVENTIONNEE: (NaturePiece.RAPPORT_FINAL, NaturePiece.JUSTIFICATIF, NaturePiece.AUTRE),
    StatutDemande.EN_PAIEMENT: (NaturePiece.RAPPORT_FINAL, NaturePiece.JUSTIFICATIF, NaturePiece.AUTRE),
}


def natures_deposables(demande: DemandeFinancement) -> tuple[str, ...]:
    return PIECES_PAR_STATUT.get(demande.statut, ())


def piece_deposer(
    *, demande: DemandeFinancement, acteur: Acteur, nature: str, fichier: UploadedFile
) -> PieceJustificative:
    """Contrôle le fichier par son contenu (socle) ; une pièce exigée remplace la précédente de
    même nature, qui reste au dossier. En cas d'erreur, rien n'est écrit."""
    if nature not in NaturePiece.values:
        raise ValidationError({"nature": _("Choisissez la nature de la pièce.")})
    with transaction.atomic():
        verrouillee = (
            DemandeFinancement.objects.select_for_update().prefetch_related("coporteurs").get(pk=demande.pk)
        )
        if not (est_porteur(acteur, verrouillee) or est_instructeur(acteur)):
            raise ValidationError(_("Seuls les porteurs et l'instructeur déposent des pièces."))
        if not est_instructeur(acteur) and nature not in natures_deposables(verrouillee):
            raise ValidationError(
                {
                    "nature": _("Dans l'état « %(statut)s », cette pièce ne peut pas être déposée.")
                    % {"statut": verrouillee.get_statut_display()}
                }
            )
        titre = f"{NaturePiece(nature).label} — {verrouillee.intitule}"
        document = document_deposer(fichier=fichier, acteur=acteur, titre=titre, objet=verrouillee)
        if nature in PIECES_EXIGEES:
            verrouillee.pieces.filter(nature=nature, remplacee=False).update(remplacee=True)
        piece = PieceJustificative.objects.create(demande=verrouillee, nature=nature, document=document)
        # Le document suit la règle d'accès de sa pièce (un membre du Collège lit le projet de
        # santé pour son avis, jamais le RIB).
        Document.objects.filter(pk=document.pk).update(
            objet_type=ContentType.objects.get_for_model(PieceJustificative), objet_id=str(piece.pk)
        )
        DemandeFinancement.objects.filter(pk=demande.pk).update(modifiee_le=timezone.now())
    return piece
