import pytest


@pytest.mark.django_db
def test_sonde_signale_redis_injoignable_sans_exposer_de_detail(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    reponse = client.get("/sante/")
    assert reponse.status_code == 503
    assert reponse["Cache-Control"].startswith("max-age=0")
    etats = reponse.json()
    assert etats["postgresql"] == "ok"
    assert etats["redis"] == "erreur : ConnectionError"
