"""Liens signés du recrutement, envoyés par courriel, valables 48 heures.

- le lien de candidature d'une visiteuse : il prouve qu'elle lit le courrier de cette adresse
  (l'offre et l'adresse y sont signées) ;
- le lien de l'espace candidat : la fiche et sa `cle`, qui change quand le candidat efface ses
  données, ce qui rend caducs les liens déjà envoyés ;
- le lien du renouvellement au vivier (un mois avant son échéance) : la fiche et sa `cle`,
  valable soixante jours (un candidat qui répond en retard retrouve la page, qui dit où il en
  est).

Un jeton ne se devine ni ne se fabrique (signé avec SECRET_KEY et un sel propre à son usage) ;
un jeton altéré, expiré ou d'un autre usage ne donne rien.
"""

from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare

from recrutement.models import Candidat

SEL_CANDIDATURE = "recrutement.candidature.email"
SEL_ESPACE = "recrutement.espace"
SEL_VIVIER = "recrutement.vivier.renouvellement"
DUREE_DU_LIEN_VIVIER = 60 * 24 * 3600
VALIDITE = timedelta(hours=48)


def cle_de_l_adresse(cle: str) -> str:
    """La clé du cache où l'adresse d'une visiteuse attend la tâche qui lui envoie son lien."""
    return f"recrutement:lien-de-candidature:{cle}"


def candidature_jeton(offre_id: int, email: str) -> str:
    return signing.dumps({"o": offre_id, "e": email.strip()}, salt=SEL_CANDIDATURE)


def email_depuis_jeton(jeton: str, offre_id: int) -> str | None:
    """L'adresse confirmée par le lien de candidature à l'offre `offre_id`, ou rien (lien
    altéré, expiré, ou envoyé pour une autre offre)."""
    try:
        contenu = signing.loads(jeton, salt=SEL_CANDIDATURE, max_age=VALIDITE)
    except signing.BadSignature:  # SignatureExpired en est une
        return None
    if not isinstance(contenu, dict) or contenu.get("o") != offre_id or not contenu.get("e"):
        return None
    return str(contenu["e"])


def espace_jeton(candidat: Candidat) -> str:
    return signing.dumps({"c": candidat.pk, "k": candidat.cle}, salt=SEL_ESPACE)


def candidat_depuis_jeton(jeton: str) -> Candidat | None:
    """La fiche que le lien de l'espace candidat ouvre, ou rien (lien altéré, expiré, fiche
    effacée ou fusionnée depuis)."""
    try:
        contenu = signing.loads(jeton, salt=SEL_ESPACE, max_age=VALIDITE)
    except signing.BadSignature:
        return None
    if not isinstance(contenu, dict):
        return None
    return candidat_si_cle(contenu.get("c"), contenu.get("k"))


def candidat_si_cle(pk: object, cle: object) -> Candidat | None:
    """La fiche `pk` si `cle` est encore la sienne et qu'elle n'est ni effacée ni fusionnée."""
    if not isinstance(pk, int) or not isinstance(cle, str):
        return None
    candidat = Candidat.objects.filter(pk=pk, anonymise_le__isnull=True, fusionne_dans__isnull=True).first()
    if candidat is None or not constant_time_compare(candidat.cle, cle):
        return None
    return candidat


def vivier_jeton(candidat: Candidat) -> str:
    return signing.dumps({"c": candidat.pk, "k": candidat.cle}, salt=SEL_VIVIER)


def candidat_du_jeton_vivier(jeton: str) -> Candidat | None:
    """Le candidat du lien, s'il est intact, pas trop ancien et que la clé n'a pas changé."""
    try:
        contenu = signing.loads(jeton, salt=SEL_VIVIER, max_age=DUREE_DU_LIEN_VIVIER)
    except signing.BadSignature:
        return None
    if not isinstance(contenu, dict):
        return None
    return candidat_si_cle(contenu.get("c"), contenu.get("k"))
