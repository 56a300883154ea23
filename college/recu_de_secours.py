"""Le reçu de secours : un bulletin est dans l'urne, mais la page du reçu n'est pas arrivée.

Le code de reçu n'est montré qu'une fois, sur la réponse au dépôt (`college/recu.html`). Si
cette réponse échoue (erreur en la composant, connexion coupée, onglet fermé trop tôt), le
bulletin est pourtant compté, et son reçu perdu : le membre ne pourrait plus vérifier son
bulletin dans l'urne publiée.

Le reçu est donc gardé, quinze minutes, là où seul le navigateur du votant peut le relire :
- une clé de 32 octets tirée au hasard est posée dans un cookie du navigateur (HttpOnly,
  SameSite=Strict, chemin des scrutins) dès la page du scrutin, avant le vote ; le serveur ne
  l'écrit nulle part ;
- au dépôt, le reçu est chiffré par cette clé (libsodium `SecretBox`, chiffré authentifié,
  longueur fixe) et le chiffré rangé dans la session, enregistrée aussitôt, avant que la page
  du reçu ne soit composée (Django n'enregistre pas la session d'une réponse 500) ;
- la page du scrutin, quand le cookie et la session sont là et l'échéance pas passée,
  déchiffre et montre le reçu ; passé l'échéance, ou sur « Effacer », le chiffré est oublié.

Qui lit la base (la table des sessions), ses sauvegardes, Redis ou les journaux n'y trouve
qu'un chiffré sans sa clé : la garantie de docs/scrutin-secret.md tient. Qui tient le
navigateur ouvert du membre pendant ces quinze minutes lit son reçu, comme il lirait la page
du reçu restée ouverte. La déconnexion vide la session.
"""

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

COOKIE = "college_recu_cle"
CLE_SESSION = "college_recus_de_secours"
DUREE = timedelta(minutes=15)
# Le reçu et le nom du mandant tiennent dans ce nombre d'octets : tous les chiffrés ont la
# même longueur, qu'il y ait un mandant ou non.
TAILLE_EN_CLAIR = 512


@dataclass(frozen=True)
class RecuDeSecours:
    recu: str
    mandant: str
    jusqu_a: datetime


def _chemin() -> str:
    return reverse("college:scrutin_liste")


def _cle(request: HttpRequest) -> bytes | None:
    valeur = request.COOKIES.get(COOKIE, "")
    try:
        cle = base64.urlsafe_b64decode(valeur.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    return cle if len(cle) == SecretBox.KEY_SIZE else None


def cle_poser(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Pose la clé dans le navigateur s'il ne l'a pas encore : sur la page du scrutin, avant
    que le membre ne vote (la réponse au dépôt pourrait ne jamais arriver)."""
    if _cle(request) is None:
        response.set_cookie(
            COOKIE,
            base64.urlsafe_b64encode(secrets.token_bytes(SecretBox.KEY_SIZE)).decode("ascii"),
            max_age=settings.SESSION_COOKIE_AGE,
            path=_chemin(),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )
    return response


def garder(request: HttpRequest, scrutin_pk: int, recu: str, mandant: Any = None) -> bool:
    """Range le reçu chiffré dans la session et l'enregistre tout de suite. Sans clé dans le
    navigateur (cookies refusés), rien n'est gardé : la page du reçu reste la seule."""
    cle = _cle(request)
    if cle is None:
        return False
    en_clair = json.dumps({"recu": recu, "mandant": str(mandant) if mandant else ""}).encode()
    if len(en_clair) > TAILLE_EN_CLAIR:
        return False
    chiffre = SecretBox(cle).encrypt(en_clair.ljust(TAILLE_EN_CLAIR, b" "))
    recus = _valides(request.session.get(CLE_SESSION, {}))
    recus.setdefault(str(scrutin_pk), []).append(
        {
            "chiffre": base64.b64encode(bytes(chiffre)).decode("ascii"),
            "jusqu_a": (timezone.now() + DUREE).isoformat(),
        }
    )
    request.session[CLE_SESSION] = recus
    request.session.save()
    return True


def _valides(recus: Any) -> dict[str, list[dict[str, str]]]:
    """Les reçus gardés dont l'échéance n'est pas passée (les autres sont oubliés)."""
    if not isinstance(recus, dict):
        return {}
    maintenant = timezone.now()
    gardes: dict[str, list[dict[str, str]]] = {}
    for scrutin, liste in recus.items():
        encore = [r for r in liste if datetime.fromisoformat(r["jusqu_a"]) > maintenant]
        if encore:
            gardes[scrutin] = encore
    return gardes


def relire(request: HttpRequest, scrutin_pk: int) -> list[RecuDeSecours]:
    """Les reçus encore gardés pour ce scrutin, déchiffrés par la clé du navigateur. Oublie au
    passage ceux dont l'échéance est passée."""
    if CLE_SESSION not in request.session:
        return []
    recus = _valides(request.session[CLE_SESSION])
    if recus != request.session[CLE_SESSION]:
        if recus:
            request.session[CLE_SESSION] = recus
        else:
            del request.session[CLE_SESSION]
    cle = _cle(request)
    if cle is None:
        return []
    boite = SecretBox(cle)
    lus = []
    for garde in recus.get(str(scrutin_pk), []):
        try:
            contenu = json.loads(boite.decrypt(base64.b64decode(garde["chiffre"])))
        except (CryptoError, ValueError, binascii.Error):
            continue
        lus.append(
            RecuDeSecours(
                recu=contenu["recu"],
                mandant=contenu["mandant"],
                jusqu_a=datetime.fromisoformat(garde["jusqu_a"]),
            )
        )
    return lus


def oublier(request: HttpRequest, scrutin_pk: int) -> None:
    recus = _valides(request.session.get(CLE_SESSION, {}))
    recus.pop(str(scrutin_pk), None)
    if recus:
        request.session[CLE_SESSION] = recus
    else:
        request.session.pop(CLE_SESSION, None)
