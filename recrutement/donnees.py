"""Ce que le recrutement garde sur une personne, pour « Télécharger mes données » : ses
rattachements de recruteur et les offres qu'elle a créées. (Les candidatures viendront avec
la seconde partie de l'issue 18.)"""

from typing import Any

from comptes.donnees import source
from recrutement.models import Offre, Recruteur


@source("recrutement")
def _recrutement(utilisateur: Any) -> dict[str, Any]:
    return {
        "recruteur_pour": [
            {"structure": r.structure.nom, "role": r.get_role_display(), "depuis": r.cree_le.isoformat()}
            for r in Recruteur.objects.filter(compte=utilisateur).select_related("structure")
        ],
        "offres_creees": [
            {"titre": o.titre, "employeur": o.employeur.nom, "etat": o.get_statut_display()}
            for o in Offre.objects.filter(cree_par=utilisateur).select_related("employeur")
        ],
    }
