"""Les écritures du recrutement : recruteurs et offres (`offres`), candidatures, consentements,
vivier et alertes (`candidatures`), conservation des données (`conservation`), tableau
partagé des recruteurs, doublons et offres proposées au vivier (`tableau`).

Le paquet suit les sections de ces écritures ; ses noms publics se lisent d'ici
(`from recrutement import services` puis `services.<nom>`)."""

from recrutement.services.candidatures import (
    CANDIDATURE_DEPOSEE,
    DUREE_VIVIER,
    VIVIER_REJOINT,
    SaisieCandidature,
    candidature_deposer,
    texte_consentement_employeur,
    texte_consentement_vivier,
    vivier_consentir,
)
from recrutement.services.conservation import CANDIDAT_ANONYMISE, Motif, candidat_anonymiser
from recrutement.services.offres import (
    OFFRE_CONFIRMATION_DEMANDEE,
    OFFRE_CONFIRMEE,
    OFFRE_CREEE,
    OFFRE_MODIFIEE,
    RECRUTEUR_AJOUTE,
    Part,
    SaisieOffre,
    offre_confirmer,
    offre_creer,
    offre_demander_confirmation,
    offre_modifier,
    offre_transition,
    recruteur_ajouter,
)
from recrutement.services.tableau import (
    CANDIDATS_FUSIONNES,
    CLOTURE_ANNONCEE,
    NOTE_ECRITE,
    PROPOSITION_ENVOYEE,
    VIVIER_PROPOSE,
    candidats_fusionner,
    candidature_etape_changer,
    note_ecrire,
    piece_consulter,
    vivier_proposer,
)

__all__ = [
    "CANDIDAT_ANONYMISE",
    "Motif",
    "candidat_anonymiser",
    "CANDIDATURE_DEPOSEE",
    "DUREE_VIVIER",
    "VIVIER_REJOINT",
    "SaisieCandidature",
    "candidature_deposer",
    "texte_consentement_employeur",
    "texte_consentement_vivier",
    "vivier_consentir",
    "OFFRE_CONFIRMATION_DEMANDEE",
    "OFFRE_CONFIRMEE",
    "OFFRE_CREEE",
    "OFFRE_MODIFIEE",
    "RECRUTEUR_AJOUTE",
    "Part",
    "SaisieOffre",
    "offre_confirmer",
    "offre_creer",
    "offre_demander_confirmation",
    "offre_modifier",
    "offre_transition",
    "recruteur_ajouter",
    "CANDIDATS_FUSIONNES",
    "CLOTURE_ANNONCEE",
    "NOTE_ECRITE",
    "PROPOSITION_ENVOYEE",
    "VIVIER_PROPOSE",
    "candidats_fusionner",
    "candidature_etape_changer",
    "note_ecrire",
    "piece_consulter",
    "vivier_proposer",
]
