"""Écritures du Conseil : mandats, séances, convocations, réponses, procurations,
présences, quorum, procès-verbaux, programme de travail et livrables.

Chaque service prend `acteur=`, tourne dans une transaction, verrouille la séance qu'il
modifie (deux secrétaires ou un membre et le secrétariat agissent en même temps : l'un
attend l'autre, aucun n'écrase l'autre) et écrit le journal d'audit. Une règle enfreinte
lève `ValidationError` avec un message en français, avant toute écriture.

Le paquet suit les sections de ces écritures ; ses noms publics se lisent d'ici
(`from conseil import services` puis `services.<nom>`)."""

from conseil.services._commun import (
    Acteur,
)
from conseil.services.calendrier import (
    jeton_calendrier_de,
    jeton_calendrier_renouveler,
)
from conseil.services.mandats import (
    mandat_enregistrer,
    mandat_verifier,
)
from conseil.services.participations import (
    LignePresence,
    mandataires_possibles,
    presences_enregistrer,
    procuration_donner,
    procuration_retirer,
    reponse_enregistrer,
)
from conseil.services.proces_verbaux import (
    ajouter_section_du_proces_verbal,
    proces_verbal_adopter,
    proces_verbal_modifier,
    proces_verbal_rediger,
    proces_verbal_relancer_archivage,
    proces_verbal_texte_initial,
    seances_pouvant_adopter,
)
from conseil.services.programmes import (
    livrable_mettre_a_jour,
    programme_adopter,
)
from conseil.services.seances import (
    CHAMPS_REUNION,
    ROLES_CONVOQUES,
    convocation_envoyer,
    convocation_est_tardive,
    delai_convocation_jours,
    jours_avant,
    point_ajouter,
    point_deplacer,
    point_modifier,
    point_supprimer,
    reunion_changer_statut,
    reunion_modifier,
    reunion_planifier,
)

__all__ = [
    "Acteur",
    "CHAMPS_REUNION",
    "LignePresence",
    "ROLES_CONVOQUES",
    "ajouter_section_du_proces_verbal",
    "convocation_envoyer",
    "convocation_est_tardive",
    "delai_convocation_jours",
    "jeton_calendrier_de",
    "jeton_calendrier_renouveler",
    "jours_avant",
    "livrable_mettre_a_jour",
    "mandat_enregistrer",
    "mandat_verifier",
    "mandataires_possibles",
    "point_ajouter",
    "point_deplacer",
    "point_modifier",
    "point_supprimer",
    "presences_enregistrer",
    "proces_verbal_adopter",
    "proces_verbal_modifier",
    "proces_verbal_rediger",
    "proces_verbal_relancer_archivage",
    "proces_verbal_texte_initial",
    "procuration_donner",
    "procuration_retirer",
    "programme_adopter",
    "reponse_enregistrer",
    "reunion_changer_statut",
    "reunion_modifier",
    "reunion_planifier",
    "seances_pouvant_adopter",
]
