"""Ce que le Conseil garde sur une personne, pour « Télécharger mes données »."""

from typing import Any

from comptes.donnees import source
from conseil.models import Mandat, Participation, Procuration


@source("conseil")
def _conseil(utilisateur: Any) -> dict[str, Any]:
    return {
        "mandats": [
            {
                "instance": m.instance.nom,
                "role": m.get_role_display(),
                "categorie": m.get_categorie_display(),
                "siege": m.siege,
                "debut": m.debut.isoformat(),
                "fin": m.fin.isoformat() if m.fin else None,
            }
            for m in Mandat.objects.filter(personne=utilisateur).select_related("instance")
        ],
        "participations": [
            {
                "seance": str(p.reunion),
                "reponse": p.get_reponse_display(),
                "presence": p.get_presence_display(),
            }
            for p in Participation.objects.filter(personne=utilisateur).select_related("reunion")
        ],
        "procurations_donnees": [
            {"seance": str(p.reunion), "mandataire": str(p.mandataire)}
            for p in Procuration.objects.filter(mandant=utilisateur).select_related("reunion", "mandataire")
        ],
        "procurations_recues": [
            {"seance": str(p.reunion), "mandant": str(p.mandant)}
            for p in Procuration.objects.filter(mandataire=utilisateur).select_related("reunion", "mandant")
        ],
    }
