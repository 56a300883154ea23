"""Récépissé, courriers de décision et convention : des PDF d'archive écrits depuis les
données de la demande et les modèles de courriers de l'administration."""

from typing import Any

from django.db.models import Sum
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone

from financements.courriers import DEFAUTS, SIGNATAIRE
from financements.models import DemandeFinancement, Financeur, ModeleCourrier, NatureModele, StatutDemande
from socle.francais import euros
from socle.pdf import pdf_d_archive

NATURE_DE_LA_DECISION = {
    StatutDemande.ACCORDEE: NatureModele.ACCORD,
    StatutDemande.REFUSEE: NatureModele.REFUS,
    StatutDemande.CLASSEE: NatureModele.CLASSEMENT,
}


def modele_de(nature: str) -> ModeleCourrier:
    """Le modèle de l'administration, créé depuis le texte par défaut la première fois."""
    titre, corps = DEFAUTS[nature]
    modele, _cree = ModeleCourrier.objects.get_or_create(
        nature=nature, defaults={"titre": titre, "corps": corps, "signataire": str(SIGNATAIRE)}
    )
    return modele


def contexte_du_courrier(demande: DemandeFinancement, motif: str = "") -> dict[str, Any]:
    montant_demande = demande.financements.filter(financeur=Financeur.AGGLOMERATION).aggregate(
        t=Sum("montant")
    )["t"]
    # Des valeurs simples, jamais les objets : un modèle modifié dans l'administration ne doit
    # pouvoir citer que ce qui est prévu pour un courrier.
    tranches = [
        {
            "libelle": t.libelle,
            "montant": euros(t.montant),
            "condition": t.get_condition_display(),
            "condition_detail": t.condition_detail,
        }
        for t in demande.tranches.all()
    ]
    return {
        "demande": {
            "numero": demande.numero or "",
            "intitule": demande.intitule,
            "type": demande.get_type_demande_display(),
            "deposee_le": timezone.localtime(demande.deposee_le) if demande.deposee_le else None,
            "decidee_le": timezone.localtime(demande.decidee_le) if demande.decidee_le else None,
            "commune": str(demande.commune) if demande.commune_id else "",
        },
        "porteur": demande.porteur.get_full_name() or demande.porteur.email,
        "montant_demande": euros(montant_demande) if montant_demande is not None else "—",
        "montant_accorde": euros(demande.montant_accorde) if demande.montant_accorde else "",
        "conditions": demande.conditions,
        "motifs_refus": demande.motifs_refus,
        "voies_recours": demande.voies_recours,
        "motif": motif,
        "date": timezone.localdate(),
        "tranches": tranches,
    }


def courrier_pdf(nature: str, demande: DemandeFinancement, motif: str = "") -> bytes:
    modele = modele_de(nature)
    # Du texte brut, échappé une seule fois par courrier_pdf.html (sinon « l'aide » devient
    # « l&#x27;aide » dans le PDF).
    texte = Template(modele.corps).render(Context(contexte_du_courrier(demande, motif), autoescape=False))
    paragraphes = [bloc.strip() for bloc in texte.replace("\r\n", "\n").split("\n\n") if bloc.strip()]
    html = render_to_string(
        "financements/courrier_pdf.html",
        {
            "titre": modele.titre,
            "demande": demande,
            "paragraphes": paragraphes,
            "signataire": modele.signataire,
            "date": timezone.localdate(),
            "nature": nature,
        },
    )
    return pdf_d_archive(html)


def recepisse_pdf(demande: DemandeFinancement) -> bytes:
    return courrier_pdf(NatureModele.RECEPISSE, demande)


def convention_pdf(demande: DemandeFinancement) -> bytes:
    return courrier_pdf(NatureModele.CONVENTION, demande)
