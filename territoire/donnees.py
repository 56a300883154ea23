"""Ce que le territoire garde sur une personne, pour « Télécharger mes données »."""

from typing import Any

from django.utils import timezone

from comptes.donnees import source
from territoire.models import ImportFichier, Professionnel


@source("fiche_annuaire")
def _fiche(utilisateur: Any) -> dict[str, Any] | None:
    professionnel = (
        Professionnel.objects.select_related("profession", "specialite")
        .prefetch_related("lieux__commune", "lieux__structure")
        .filter(compte=utilisateur)
        .first()
    )
    if professionnel is None:
        return None
    return {
        "rpps": professionnel.rpps,
        "civilite": professionnel.civilite,
        "nom": professionnel.nom,
        "prenom": professionnel.prenom,
        "profession": professionnel.profession.libelle,
        "specialite": professionnel.specialite.libelle if professionnel.specialite else None,
        "mode_exercice": professionnel.get_mode_exercice_display(),
        "exerce_sur_le_territoire": professionnel.actif,
        "lieux_d_exercice": [
            {
                "lieu": lieu.nom_du_lieu,
                "structure": lieu.structure.nom if lieu.structure else None,
                "adresse": lieu.adresse,
                "code_postal": lieu.code_postal,
                "commune": lieu.commune.nom,
                "mode": lieu.get_mode_display(),
                "secteur": lieu.secteur,
                "telephone": lieu.telephone,
                "courriel": lieu.courriel,
            }
            for lieu in professionnel.lieux.all()
        ],
        "source": "Annuaire Santé (RPPS), données publiques",
    }


@source("imports_lances")
def _imports(utilisateur: Any) -> list[dict[str, Any]]:
    return [
        {
            "type": imp.get_type_display(),
            "fichier": imp.nom_fichier,
            "demande_le": timezone.localtime(imp.cree_le).isoformat(),
            "statut": imp.get_statut_display(),
        }
        for imp in ImportFichier.objects.filter(lance_par=utilisateur)
    ]
