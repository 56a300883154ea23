"""Le cache avec secours (socle/cache.py) : Redis arrêté (un vrai port fermé), on se connecte
toujours, et les limites de débit tiennent dans la base de données."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import override_settings

from socle.models import EntreeDeCacheDeSecours
from tests.comptes.factories import MOT_DE_PASSE
from tests.outils import port_ferme

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_arrete(settings) -> Iterator[None]:
    cache_arrete = {
        **settings.CACHES["default"],
        "LOCATION": f"redis://127.0.0.1:{port_ferme()}/0",
    }
    # Changer CACHES refait les objets de cache (signal `setting_changed` de Django).
    with override_settings(CACHES={"default": cache_arrete}):
        yield


def test_redis_arrete_le_cache_passe_par_la_base(redis_arrete, caplog):
    assert cache.get("cle") is None
    assert "Redis ne répond pas" in caplog.text
    cache.set("cle", {"valeur": 1}, 60)
    assert cache.get("cle") == {"valeur": 1}
    assert cache.add("cle", 2) is False
    assert cache.add("compteur", 1) is True
    assert cache.incr("compteur") == 2
    assert cache.get("compteur") == 2
    assert EntreeDeCacheDeSecours.objects.filter(cache_key__contains="cle").exists()
    cache.delete("cle")
    assert cache.get("cle") is None


def test_redis_en_marche_rien_ne_va_dans_la_base():
    cache.set("cle", "valeur", 60)
    assert cache.get("cle") == "valeur"
    assert not EntreeDeCacheDeSecours.objects.exists()


def test_redis_arrete_on_se_connecte(redis_arrete, professionnel, client):
    reponse = client.post("/comptes/login/", {"login": professionnel.email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    assert client.session["_auth_user_id"] == str(professionnel.pk)
    assert client.get("/mon-compte/").status_code == 200


@override_settings(ACCOUNT_RATE_LIMITS={"login": "3/m/ip"})
def test_redis_arrete_la_limite_de_connexion_tient(redis_arrete, professionnel, client):
    """Jamais « pas de limite » : la quatrième tentative de la minute est refusée."""
    for _ in range(3):
        client.post("/comptes/login/", {"login": professionnel.email, "password": "pas-le-bon"})
    refus = client.post("/comptes/login/", {"login": professionnel.email, "password": MOT_DE_PASSE})
    assert refus.status_code == 429
    assert "_auth_user_id" not in client.session
    assert EntreeDeCacheDeSecours.objects.exists()
