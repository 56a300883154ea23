"""Le chiffrement des bulletins secrets (docs/scrutin-secret.md).

À l'ouverture d'un scrutin secret, une paire de clés est tirée : la clé publique est gardée
sur le scrutin, la clé privée n'est gardée qu'enveloppée (chiffrée) par une clé dérivée du
réglage `SCRUTINS_CLE_MAITRE`, qui ne vit que dans l'environnement du serveur, et de
l'identifiant du scrutin. Chaque bulletin est scellé pour la clé publique au moment du dépôt
(« sealed box » de libsodium : seul le détenteur de la clé privée l'ouvre, pas même celui qui
l'a scellé). À la clôture seulement, la clé privée est désenveloppée en mémoire, les bulletins
ouverts, l'urne publiée, puis la clé enveloppée et les bulletins chiffrés effacés.

Tous les bulletins scellés ont la même longueur (`TAILLE_SCELLEE`) : la longueur d'un chiffré
ne dit ni le choix (« pour » est plus court qu'« abstention »), ni la présence ou la longueur
d'une motivation.
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from nacl.bindings import crypto_box_SEALBYTES
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

# Un bulletin en clair (JSON) tient toujours dans ce nombre d'octets : une motivation de
# MOTIVATION_MAX (2 000) caractères fait au plus 12 000 octets (« \u001f » pour un caractère
# de contrôle) ; le reste (reçu, choix, candidats) quelques dizaines.
TAILLE_EN_CLAIR = 16 * 1024
# Ce qu'ajoute une « sealed box » : la clé publique éphémère (32) et l'authentifiant (16).
TAILLE_SCELLEE = TAILLE_EN_CLAIR + crypto_box_SEALBYTES

SEL_HKDF = b"cotentin-sante/scrutins/cle-maitre"

# Ce que rend la base pour une colonne binaire.
Octets = bytes | memoryview


class UrneIllisible(Exception):
    """Un bulletin scellé ou la clé enveloppée ne s'ouvre pas : mauvaise clé maîtresse,
    donnée altérée, ou bulletin venu d'un autre scrutin."""


@dataclass(frozen=True)
class BulletinEnClair:
    """Ce que porte un bulletin secret, scellé au dépôt, ouvert à la clôture."""

    recu: str
    choix: str
    candidats: list[int] = field(default_factory=list)
    motivation: str = ""


def cle_maitre() -> bytes:
    """La clé maîtresse des scrutins : `SCRUTINS_CLE_MAITRE`, obligatoire en production
    (contrôle cotentin.E004). Sans elle, en développement et dans les tests seulement, une
    clé dérivée de SECRET_KEY : qui lit l'environnement du serveur lit les deux."""
    valeur: str = settings.SCRUTINS_CLE_MAITRE
    if valeur:
        return valeur.encode()
    return hashlib.sha256(b"cotentin-sante/scrutins/developpement:" + settings.SECRET_KEY.encode()).digest()


def _cle_d_enveloppe(scrutin_id: int, maitre: bytes) -> bytes:
    """La clé qui enveloppe la clé privée d'un scrutin : propre à ce scrutin (HKDF, contexte
    = son identifiant), une clé enveloppée recopiée sur un autre scrutin ne s'ouvre pas."""
    return HKDF(
        algorithm=hashes.SHA256(), length=SecretBox.KEY_SIZE, salt=SEL_HKDF, info=b"scrutin:%d" % scrutin_id
    ).derive(maitre)


def paire_tirer(scrutin_id: int) -> tuple[bytes, bytes]:
    """Une paire de clés pour le scrutin : (clé publique, clé privée enveloppée). La clé
    privée en clair n'existe que dans cette fonction."""
    privee = PrivateKey.generate()
    enveloppee = SecretBox(_cle_d_enveloppe(scrutin_id, cle_maitre())).encrypt(bytes(privee))
    return bytes(privee.public_key), bytes(enveloppee)


def cle_privee(scrutin_id: int, enveloppee: Octets, *, maitre: bytes | None = None) -> PrivateKey:
    """Désenveloppe la clé privée d'un scrutin (à la clôture, en mémoire seulement)."""
    try:
        brute = SecretBox(_cle_d_enveloppe(scrutin_id, maitre or cle_maitre())).decrypt(bytes(enveloppee))
    except CryptoError:
        raise UrneIllisible(
            f"La clé du scrutin {scrutin_id} ne s'ouvre pas : clé maîtresse (SCRUTINS_CLE_MAITRE) "
            "différente de celle de l'ouverture, ou clé altérée."
        ) from None
    return PrivateKey(brute)


def sceller(cle_publique: Octets, bulletin: BulletinEnClair) -> bytes:
    """Le bulletin chiffré pour la clé publique du scrutin, toujours de la même longueur."""
    contenu = json.dumps(
        {
            "recu": bulletin.recu,
            "choix": bulletin.choix,
            "candidats": list(bulletin.candidats),
            "motivation": bulletin.motivation,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    if len(contenu) > TAILLE_EN_CLAIR:
        # Impossible avec une motivation bornée par le service ; refuser vaut mieux que
        # laisser la longueur dire quelque chose.
        raise ValueError("Bulletin trop long pour être scellé.")
    # Bourré d'espaces : du JSON valide, toujours TAILLE_EN_CLAIR octets.
    return bytes(SealedBox(PublicKey(bytes(cle_publique))).encrypt(contenu.ljust(TAILLE_EN_CLAIR, b" ")))


def ouvrir(privee: PrivateKey, chiffre: Octets) -> BulletinEnClair:
    try:
        contenu: dict[str, Any] = json.loads(SealedBox(privee).decrypt(bytes(chiffre)))
    except CryptoError:
        raise UrneIllisible("Un bulletin scellé ne s'ouvre pas avec la clé de son scrutin.") from None
    return BulletinEnClair(
        recu=str(contenu["recu"]),
        choix=str(contenu["choix"]),
        candidats=[int(c) for c in contenu.get("candidats", [])],
        motivation=str(contenu.get("motivation", "")),
    )
