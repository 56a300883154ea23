"""La page publique d'une rencontre : programme et places restantes, sans compte ; un brouillon
n'existe pas pour le public."""

import pytest

from rencontres.models import StatutRencontre
from tests.outils import compter_requetes
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db


def test_le_programme_et_les_places_restantes(client):
    r = rencontre(capacites=(3, None))
    inscrire(r, 1, foyer=1)
    reponse = client.get(r.get_absolute_url())
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Les Paradis du Cotentin" in html
    assert "sans limite" in html
    assert ">1<" in html.replace("\u202f", "")  # 3 places, 2 prises


def test_un_brouillon_repond_404(client):
    r = rencontre(statut=StatutRencontre.BROUILLON)
    assert client.get(r.get_absolute_url()).status_code == 404


def test_requetes_constantes(client):
    r = rencontre(capacites=(3, 5, None))
    avant = compter_requetes(client, r.get_absolute_url())
    for numero in range(5):
        inscrire(r, numero)
    assert compter_requetes(client, r.get_absolute_url()) == avant == 3
