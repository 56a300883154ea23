"""Ce que les financements gardent sur une personne, pour « Télécharger mes données ».

Les notes d'instruction, privées à l'agglomération, portent sur la demande et non sur la
personne : elles restent hors de l'export (droit d'accès aux documents administratifs à part).
"""

from typing import Any

from comptes.donnees import source
from financements.models import CoPorteur, DemandeFinancement, Message


@source("financements")
def _financements(utilisateur: Any) -> dict[str, Any]:
    return {
        "demandes_portees": [
            {
                "numero": d.numero or "",
                "intitule": d.intitule,
                "type": d.get_type_demande_display(),
                "etat": d.get_statut_display(),
                "deposee_le": d.deposee_le.isoformat() if d.deposee_le else None,
                "montant_accorde": str(d.montant_accorde) if d.montant_accorde is not None else None,
            }
            for d in DemandeFinancement.objects.filter(porteur=utilisateur)
        ],
        "invitations_de_co_porteur": [
            {
                "demande": c.demande.intitule,
                "adresse": c.email,
                "reponse": c.get_statut_display(),
                "invite_le": c.invite_le.isoformat(),
            }
            for c in CoPorteur.objects.filter(compte=utilisateur).select_related("demande")
        ]
        + [
            {
                "demande": c.demande.intitule,
                "adresse": c.email,
                "reponse": c.get_statut_display(),
                "invite_le": c.invite_le.isoformat(),
            }
            for c in CoPorteur.objects.filter(
                compte__isnull=True, email__iexact=utilisateur.email
            ).select_related("demande")
        ],
        "messages": [
            {"demande": m.demande.intitule, "texte": m.texte, "envoye_le": m.envoye_le.isoformat()}
            for m in Message.objects.filter(auteur=utilisateur).select_related("demande")
        ],
    }
