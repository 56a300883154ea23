"""Écritures sur les demandes de financement. Chaque service vérifie ce qu'il écrit, lève
`ValidationError` avec un message en français sans rien écrire, et trace son action.

Le paquet suit les sections de ces écritures ; ses noms publics se lisent d'ici
(`from financements import services` puis `services.<nom>`)."""

from financements.services._commun import (
    CENTIME,
    MONTANT_MAX,
    ZERO,
    Acteur,
    montant_lu,
)
from financements.services.brouillon import (
    CHAMPS_DU_BROUILLON,
    DepenseRefusee,
    DepensesEnregistrees,
    demande_creer,
    demande_modifier,
    depenses_a_corriger,
    depenses_enregistrer,
    equipe_ajouter,
    equipe_retirer,
    plan_enregistrer,
)
from financements.services.convention import (
    condition_remplie,
    convention_generer,
    convention_signee_deposer,
    engagement_enregistrer,
    tranche_verser,
    tranches_enregistrer,
    tranches_par_defaut,
)
from financements.services.coporteurs import (
    coporteur_inviter,
    coporteur_repondre,
    coporteur_retirer,
)
from financements.services.instruction import (
    avis_demander,
    demande_decider,
    demande_deposer,
    demande_retirer,
    demande_transition,
    instructeur_designer,
)
from financements.services.messages import (
    besoins_proposes,
    message_envoyer,
    note_ecrire,
)
from financements.services.pieces import (
    PIECES_PAR_STATUT,
    natures_deposables,
    piece_deposer,
)

__all__ = [
    "Acteur",
    "CENTIME",
    "CHAMPS_DU_BROUILLON",
    "DepenseRefusee",
    "DepensesEnregistrees",
    "MONTANT_MAX",
    "PIECES_PAR_STATUT",
    "ZERO",
    "avis_demander",
    "besoins_proposes",
    "condition_remplie",
    "convention_generer",
    "convention_signee_deposer",
    "coporteur_inviter",
    "coporteur_repondre",
    "coporteur_retirer",
    "demande_creer",
    "demande_decider",
    "demande_deposer",
    "demande_modifier",
    "demande_retirer",
    "demande_transition",
    "depenses_a_corriger",
    "depenses_enregistrer",
    "engagement_enregistrer",
    "equipe_ajouter",
    "equipe_retirer",
    "instructeur_designer",
    "message_envoyer",
    "montant_lu",
    "natures_deposables",
    "note_ecrire",
    "piece_deposer",
    "plan_enregistrer",
    "tranche_verser",
    "tranches_enregistrer",
    "tranches_par_defaut",
]
