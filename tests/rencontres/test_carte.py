"""La carte des rencontres à venir : une commune compte ses rencontres publiées à venir (ni les
brouillons, ni les annulées, ni les passées), mène à la liste filtrée sur elle ; la liste la
charge après elle (htmx), et la page tient en un nombre de requêtes constant."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rencontres.cartes import carte_des_rencontres
from rencontres.models import StatutRencontre
from rencontres.selectors import rencontres_a_venir_par_commune
from territoire.models import Commune
from tests.outils import compter_requetes
from tests.rencontres.factories import rencontre
from tests.territoire.factories import CommuneFactory

pytestmark = pytest.mark.django_db

CARRE = [[-1.6, 49.6], [-1.5, 49.6], [-1.5, 49.65], [-1.6, 49.65], [-1.6, 49.6]]


@pytest.fixture
def communes():
    cherbourg = CommuneFactory(nom="Cherbourg-en-Cotentin", code_insee="50129")
    hague = CommuneFactory(nom="La Hague", code_insee="50041")
    Commune.objects.filter(pk=cherbourg.pk).update(contour={"type": "Polygon", "coordinates": [CARRE]})
    a_cote = [[x + 0.2, y] for x, y in CARRE]
    Commune.objects.filter(pk=hague.pk).update(contour={"type": "Polygon", "coordinates": [a_cote]})
    return cherbourg, hague


def test_seules_les_rencontres_publiees_a_venir_comptent(communes):
    cherbourg, hague = communes
    rencontre(commune=cherbourg, titre="Les Paradis du Cotentin")
    rencontre(commune=cherbourg, titre="Soirée des internes")
    rencontre(commune=hague, statut=StatutRencontre.BROUILLON)
    rencontre(commune=hague, statut=StatutRencontre.ANNULEE)
    passee = timezone.now() - timedelta(days=30)
    rencontre(
        commune=hague,
        debut=passee,
        inscriptions_du=passee - timedelta(days=10),
        inscriptions_au=passee - timedelta(days=1),
    )
    assert rencontres_a_venir_par_commune(timezone.now()) == {cherbourg.pk: 2}
    carte = carte_des_rencontres(timezone.now())
    tableau = {ligne.cellules[0].texte: ligne.cellules[-1].texte for ligne in carte.tableau.lignes}
    assert tableau["Cherbourg-en-Cotentin"] == "2 rencontres à venir"
    assert tableau["La Hague"].startswith("0 rencontre")


def test_la_liste_charge_la_carte_qui_mene_a_la_liste_filtree(client, communes):
    cherbourg, hague = communes
    rencontre(commune=cherbourg, titre="Les Paradis du Cotentin")
    rencontre(commune=hague, titre="Formation à la télésanté")
    liste = client.get("/rencontres/").content.decode()
    assert 'hx-get="/rencontres/carte/"' in liste and 'href="/rencontres/carte/"' in liste
    fragment = client.get("/rencontres/carte/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="carte-rencontres-tableau"' in fragment
    page = client.get("/rencontres/carte/").content.decode()
    assert "<h1>Les rencontres à venir sur la carte du Cotentin</h1>" in page
    assert f'href="/rencontres/?commune={cherbourg.pk}"' in page
    filtree = client.get(f"/rencontres/?commune={cherbourg.pk}").content.decode()
    assert "Les Paradis du Cotentin" in filtree and "Formation à la télésanté" not in filtree
    assert "Les rencontres à venir à Cherbourg-en-Cotentin" in filtree
    # Une valeur inconnue ne filtre rien.
    tout = client.get("/rencontres/?commune=abc").content.decode()
    assert "Les Paradis du Cotentin" in tout and "Formation à la télésanté" in tout


def test_requetes_constantes_de_la_carte(client, communes):
    cherbourg, hague = communes
    rencontre(commune=cherbourg)
    avant = compter_requetes(client, "/rencontres/carte/")
    for _ in range(3):
        rencontre(commune=hague)
        CommuneFactory()
    assert compter_requetes(client, "/rencontres/carte/") == avant
