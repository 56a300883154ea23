"""Le lien qui mène une personne à son inscription (courriels) : signé, il ne se devine pas
ni ne se fabrique à partir du code d'accueil imprimé sur un badge. Sans date : le même lien
sert dans tous les courriels d'une inscription, jusqu'à l'effacement des données."""

import base64
import binascii

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
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

SEL_AGENDA = b"cotentin-sante/rencontres/flux-agenda"


def _chiffreur_agenda() -> AESSIV:
    # La clé vient de SECRET_KEY (HKDF, contexte propre au flux) : rien à garder de plus.
    cle = HKDF(algorithm=hashes.SHA256(), length=64, salt=SEL_AGENDA, info=b"flux").derive(
        settings.SECRET_KEY.encode()
    )
    return AESSIV(cle)


def jeton_agenda(email: str) -> str:
    """Le jeton du flux d'agenda privé d'une adresse (toutes ses rencontres) : l'adresse chiffrée
    et authentifiée (AES-SIV, déterministe), donc stable (un agenda abonné garde la même adresse)
    et illisible de qui voit le lien passer (journaux, proxys) ; un jeton modifié ne s'ouvre pas."""
    chiffre = _chiffreur_agenda().encrypt(email.strip().lower().encode(), None)
    return base64.urlsafe_b64encode(chiffre).decode().rstrip("=")


def email_du_jeton_agenda(jeton: str) -> str | None:
    try:
        chiffre = base64.urlsafe_b64decode(jeton + "=" * (-len(jeton) % 4))
        email = _chiffreur_agenda().decrypt(chiffre, None).decode()
    except (InvalidTag, ValueError, binascii.Error):
        return None
    return email or None


def liens_du_flux(email: str) -> dict[str, str] | None:
    """Les deux adresses du flux d'une adresse électronique : https:// (à coller dans un agenda)
    et webcal:// (qui ouvre l'agenda du téléphone ou de l'ordinateur) ; aucune sans adresse."""
    if not email.strip():
        return None
    https = lien_absolu(reverse("rencontres:agenda", kwargs={"jeton": jeton_agenda(email)}))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[-1]}
