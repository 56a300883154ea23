"""Ce que le Collège garde sur une personne, pour « Télécharger mes données ».

Un bulletin secret n'est lié à personne : il n'y figure donc pas (seul l'émargement dit que
la personne a voté). Un bulletin nominatif, publié après la clôture, y figure.
"""

from typing import Any

from college.models import (
    Bulletin,
    Candidature,
    Commentaire,
    DeclarationInteret,
    Electeur,
    Emargement,
    ProcurationVote,
)
from comptes.donnees import source


@source("college")
def _college(utilisateur: Any) -> dict[str, Any]:
    a_vote = set(Emargement.objects.filter(personne=utilisateur).values_list("scrutin_id", flat=True))
    return {
        "scrutins": [
            {
                "scrutin": e.scrutin.titre,
                "ecarte_pour_interet": e.exclu_pour_interet,
                "a_vote": e.scrutin_id in a_vote,
            }
            for e in Electeur.objects.filter(personne=utilisateur).select_related("scrutin")
        ],
        "bulletins_nominatifs": [
            {"scrutin": b.scrutin.titre, "choix": b.get_choix_display(), "motivation": b.motivation}
            for b in Bulletin.objects.filter(personne=utilisateur).select_related("scrutin")
        ],
        "candidatures": [
            c.scrutin.titre
            for c in Candidature.objects.filter(personne=utilisateur).select_related("scrutin")
        ],
        "declarations_d_interet": [
            {"sujet": str(d.objet), "nature": d.nature}
            for d in DeclarationInteret.objects.filter(personne=utilisateur).prefetch_related("objet")
        ],
        "procurations_de_vote_donnees": [
            {"scrutin": p.scrutin.titre, "mandataire": str(p.mandataire)}
            for p in ProcurationVote.objects.filter(mandant=utilisateur).select_related(
                "scrutin", "mandataire"
            )
        ],
        "commentaires": [
            {"discussion": c.discussion.titre, "texte": c.texte, "publie_le": c.cree_le.isoformat()}
            for c in Commentaire.objects.filter(auteur=utilisateur).select_related("discussion")
        ],
    }
