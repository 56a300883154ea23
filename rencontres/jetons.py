"""Le lien qui mène une personne à son inscription (courriels) : signé, il ne se devine pas
ni ne se fabrique à partir du code d'accueil imprimé sur un badge. Sans date : le même lien
sert dans tous les courriels d'une inscription, jusqu'à l'effacement des données."""

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from rencontres.models import Inscription
from socle.courriels import lien_absolu

SEL = "rencontres.inscription"


def jeton_de(inscription: Inscription) -> str:
    return signing.Signer(salt=SEL).sign_object({"i": inscription.pk, "c": inscription.code})


def inscription_du_jeton(jeton: str) -> Inscription | None:
    try:
        contenu = signing.Signer(salt=SEL).unsign_object(jeton)
    except signing.BadSignature:
        return None
    numero = contenu.get("i") if isinstance(contenu, dict) else None
    if not isinstance(numero, int):
        return None
    inscription = (
        Inscription.objects.select_related("rencontre__commune")
        .defer("rencontre__commune__contour")
        .filter(pk=numero)
        .first()
    )
    if inscription is None or not constant_time_compare(inscription.code, str(contenu.get("c"))):
        return None
    return inscription


# --- Le flux d'agenda d'une personne ----------------------------------------------------------

SEL_AGENDA = "rencontres.agenda"


def jeton_agenda(email: str) -> str:
    """Le jeton du flux d'agenda privé d'une adresse (toutes ses rencontres) : signé, sans date,
    donc stable (un agenda abonné garde la même adresse). L'adresse y est encodée, pas chiffrée :
    le lien est privé comme celui d'une inscription."""
    return signing.Signer(salt=SEL_AGENDA).sign_object(email.strip().lower())


def email_du_jeton_agenda(jeton: str) -> str | None:
    try:
        email = signing.Signer(salt=SEL_AGENDA).unsign_object(jeton)
    except (signing.BadSignature, ValueError):
        return None
    return email if isinstance(email, str) and email else None


def liens_du_flux(email: str) -> dict[str, str] | None:
    """Les deux adresses du flux d'une adresse électronique : https:// (à coller dans un agenda)
    et webcal:// (qui ouvre l'agenda du téléphone ou de l'ordinateur) ; aucune sans adresse."""
    if not email.strip():
        return None
    https = lien_absolu(reverse("rencontres:agenda", kwargs={"jeton": jeton_agenda(email)}))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[-1]}
