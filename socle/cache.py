"""Le cache du portail : Redis, et la base de données quand Redis ne répond pas.

Le cache tient les limites de débit d'allauth (tentatives de connexion, renvois de courriel) :
s'il lève, personne ne se connecte ; s'il se tait, les limites tombent. Ni l'un ni l'autre :
une opération que Redis refuse (connexion refusée, délai dépassé) est faite dans la table
`socle_cache_de_secours` (le `DatabaseCache` de Django, modèle `EntreeDeCacheDeSecours`), et
pendant `PAUSE_APRES_PANNE` les suivantes y vont directement, sans attendre Redis.

Limite assumée : au retour de Redis, ce qui a été compté dans la base pendant la panne n'est
plus relu (les compteurs repartent de ce que Redis savait) ; une panne de quelques minutes
n'ouvre donc qu'une fenêtre de limite, jamais une absence de limite.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisInjoignable
from redis.exceptions import TimeoutError as RedisTropLent

journal = logging.getLogger(__name__)

TABLE_DE_SECOURS = "socle_cache_de_secours"
PAUSE_APRES_PANNE = 10.0  # secondes
ERREURS_DE_REDIS = (RedisInjoignable, RedisTropLent)


def _avec_secours(nom: str) -> Callable[..., Any]:
    def operation(self: "CacheRedisAvecSecours", *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self.redis_en_panne_jusqu_a:
            return getattr(self.secours, nom)(*args, **kwargs)
        try:
            return getattr(RedisCache, nom)(self, *args, **kwargs)
        except ERREURS_DE_REDIS as erreur:
            journal.warning("Redis ne répond pas (%s) : le cache passe par la base de données.", erreur)
            self.redis_en_panne_jusqu_a = time.monotonic() + PAUSE_APRES_PANNE
            return getattr(self.secours, nom)(*args, **kwargs)

    operation.__name__ = nom
    return operation


class CacheRedisAvecSecours(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        communs = ("KEY_PREFIX", "VERSION", "TIMEOUT", "KEY_FUNCTION")
        self.secours = DatabaseCache(TABLE_DE_SECOURS, {cle: params[cle] for cle in communs if cle in params})
        self.redis_en_panne_jusqu_a = 0.0

    add = _avec_secours("add")
    get = _avec_secours("get")
    set = _avec_secours("set")
    touch = _avec_secours("touch")
    delete = _avec_secours("delete")
    get_many = _avec_secours("get_many")
    has_key = _avec_secours("has_key")
    incr = _avec_secours("incr")
    set_many = _avec_secours("set_many")
    delete_many = _avec_secours("delete_many")
    clear = _avec_secours("clear")
