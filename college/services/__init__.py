"""Écritures du Collège : scrutins, candidatures, intérêts déclarés, procurations de vote,
bulletins, dépouillement.

Le choix d'un votant n'apparaît dans aucun journal, aucune notification, aucun message
d'erreur : seuls le bulletin scellé (scrutin secret, pendant le vote), l'urne publiée (sans
votant, pour un scrutin secret) et le reçu affiché une fois au votant le portent.

Le paquet suit les sections de ces écritures ; ses noms publics se lisent d'ici
(`from college import services` puis `services.<nom>`)."""

from college.services._commun import (
    Acteur,
)
from college.services.discussions import (
    COMMENTAIRE_LONGUEUR_MAX,
    commentaire_masquer,
    commentaire_modifier,
    commentaire_publier,
    discussion_ouvrir,
    discussion_suivre,
    instance_du_sujet,
    participants_possibles,
    peut_participer,
)
from college.services.preparation import (
    CHAMPS_SCRUTIN,
    candidature_declarer,
    candidature_retirer,
    interet_declarer,
    membres_votants,
    procuration_vote_donner,
    scrutin_creer,
    scrutin_modifier,
)
from college.services.vote import (
    bulletin_deposer,
    participation_en_direct,
    resultat_calculer,
    scrutin_annuler,
    scrutin_clore,
    scrutin_ouvrir,
)

__all__ = [
    "Acteur",
    "CHAMPS_SCRUTIN",
    "COMMENTAIRE_LONGUEUR_MAX",
    "bulletin_deposer",
    "candidature_declarer",
    "candidature_retirer",
    "commentaire_masquer",
    "commentaire_modifier",
    "commentaire_publier",
    "discussion_ouvrir",
    "discussion_suivre",
    "instance_du_sujet",
    "interet_declarer",
    "membres_votants",
    "participants_possibles",
    "participation_en_direct",
    "peut_participer",
    "procuration_vote_donner",
    "resultat_calculer",
    "scrutin_annuler",
    "scrutin_clore",
    "scrutin_creer",
    "scrutin_modifier",
    "scrutin_ouvrir",
]
