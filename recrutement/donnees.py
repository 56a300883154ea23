"""Ce que le recrutement garde sur une personne : pour « Télécharger mes données » du portail
(ses rattachements de recruteur, les offres qu'elle a créées, sa fiche de candidat) et pour
l'export de l'espace candidat (`donnees_du_candidat`, avec les pièces, en ZIP)."""

from typing import Any

from django.utils import timezone

from comptes.donnees import source
from recrutement.models import (
    Alerte,
    Candidat,
    Candidature,
    Consentement,
    ConsultationPiece,
    ObjetConsentement,
    Offre,
    PieceCandidature,
    Recruteur,
)


def _date(valeur: Any) -> str | None:
    return timezone.localtime(valeur).isoformat() if valeur else None


def donnees_du_candidat(candidat: Candidat) -> dict[str, Any]:
    """Tout ce que le recrutement garde sur ce candidat, sans rien des recruteurs (ni leurs
    notes, ni leurs noms : les consultations de ses pièces disent la structure et la date)."""
    candidatures = list(
        Candidature.objects.filter(candidat=candidat)
        .select_related("offre__employeur")
        .order_by("deposee_le")
    )
    pieces = PieceCandidature.objects.filter(candidature__candidat=candidat).select_related("document")
    consentements = Consentement.objects.filter(candidat=candidat).select_related("employeur")
    consultations = (
        ConsultationPiece.objects.filter(piece__candidature__candidat=candidat)
        .select_related("structure", "piece__document")
        .order_by("le")
    )
    return {
        "candidat": {
            "nom": candidat.nom,
            "prenom": candidat.prenom,
            "email": candidat.email,
            "telephone": candidat.telephone,
            "rpps": candidat.rpps,
            "profession": candidat.profession.libelle if candidat.profession else None,
            "specialite": candidat.specialite.libelle if candidat.specialite else None,
            "poles_souhaites": sorted(p.nom for p in candidat.poles_souhaites.all()),
            "cree_le": _date(candidat.cree_le),
            "dernier_contact_le": _date(candidat.dernier_contact_le),
        },
        "candidatures": [
            {
                "offre": c.offre.titre,
                "employeur": c.offre.employeur.nom,
                "deposee_le": _date(c.deposee_le),
                "etape": c.get_etape_display(),
                "close_le": _date(c.close_le),
                "message": c.message,
                "source": c.get_source_display(),
                "aide_emploi_conjoint": c.aide_emploi_conjoint,
                "aide_logement": c.aide_logement,
                "aide_precisions": c.aide_precisions,
                "pieces": [
                    {
                        "nature": p.get_nature_display(),
                        "fichier": p.document.nom_fichier,
                        "taille": p.document.taille,
                        "empreinte_sha256": p.document.empreinte,
                    }
                    for p in pieces
                    if p.candidature_id == c.pk
                ],
            }
            for c in candidatures
        ],
        "consentements": [
            {
                "objet": c.get_objet_display(),
                "employeur": c.employeur.nom if c.employeur else None,
                "texte": c.texte,
                "donne_le": _date(c.donne_le),
                "retire_le": _date(c.retire_le),
                "echeance": _date(c.echeance) if c.objet == ObjetConsentement.VIVIER else None,
            }
            for c in consentements
        ],
        "consultations_de_mes_pieces": [
            {
                "piece": c.piece.document.nom_fichier,
                "structure": c.structure.nom if c.structure else None,
                "le": _date(c.le),
            }
            for c in consultations
        ],
        "alertes": [
            {
                "profession": a.profession.libelle,
                "pole": a.pole.nom if a.pole else None,
                "confirmee_le": _date(a.confirmee_le),
            }
            for a in Alerte.objects.filter(email__iexact=candidat.email).select_related("profession", "pole")
        ],
    }


@source("recrutement")
def _recrutement(utilisateur: Any) -> dict[str, Any]:
    candidat = Candidat.objects.filter(compte=utilisateur, anonymise_le__isnull=True).first()
    return {
        "recruteur_pour": [
            {"structure": r.structure.nom, "role": r.get_role_display(), "depuis": r.cree_le.isoformat()}
            for r in Recruteur.objects.filter(compte=utilisateur).select_related("structure")
        ],
        "offres_creees": [
            {"titre": o.titre, "employeur": o.employeur.nom, "etat": o.get_statut_display()}
            for o in Offre.objects.filter(cree_par=utilisateur).select_related("employeur")
        ],
        "candidat": donnees_du_candidat(candidat) if candidat is not None else None,
        "alertes_aux_offres": [
            {"email": a.email, "profession": a.profession.libelle, "pole": a.pole.nom if a.pole else None}
            for a in Alerte.objects.filter(compte=utilisateur).select_related("profession", "pole")
        ],
    }
