"""Les liens signés que le recrutement envoie aux candidats par courriel (sans connexion).

Un jeton porte le numéro du candidat et sa `cle` : quand le candidat efface ses données (ou
que la conservation l'anonymise), sa clé change et les liens déjà envoyés ne mènent plus à rien.
"""

from django.core import signing
from django.utils.crypto import constant_time_compare

from recrutement.models import Candidat

SEL_VIVIER = "recrutement.vivier.renouvellement"
# Le lien du renouvellement sert jusqu'à la fin du vivier (un mois) et un peu au-delà : un
# candidat qui répond en retard retrouve encore la page, qui lui dit où il en est.
DUREE_DU_LIEN_VIVIER = 60 * 24 * 3600


def vivier_jeton(candidat: Candidat) -> str:
    return signing.dumps({"c": candidat.pk, "k": candidat.cle}, salt=SEL_VIVIER)


def candidat_du_jeton_vivier(jeton: str) -> Candidat | None:
    """Le candidat du lien, s'il est intact, pas trop ancien et que la clé n'a pas changé."""
    try:
        contenu = signing.loads(jeton, salt=SEL_VIVIER, max_age=DUREE_DU_LIEN_VIVIER)
    except signing.BadSignature:
        return None
    if not isinstance(contenu, dict) or not isinstance(contenu.get("c"), int):
        return None
    candidat = Candidat.objects.filter(
        pk=contenu["c"], anonymise_le__isnull=True, fusionne_dans__isnull=True
    ).first()
    if candidat is None or not constant_time_compare(candidat.cle, str(contenu.get("k"))):
        return None
    return candidat
