"""L'administration des données du territoire : les communes d'un pôle se choisissent sur sa
page, et le nombre de requêtes des listes ne grandit pas avec les lignes."""

import pytest

from socle.models import Evenement
from territoire.models import Commune
from territoire.services import pole_definir_communes
from tests.outils import compter_requetes
from tests.territoire.factories import (
    CommuneFactory,
    LieuExerciceFactory,
    PoleFactory,
    ProfessionnelFactory,
    StructureFactory,
)

pytestmark = pytest.mark.django_db


def test_les_communes_d_un_pole_se_choisissent_sur_sa_page(client_de, agent):
    coeur, saire = PoleFactory(nom="Cœur du Cotentin"), PoleFactory(nom="Val de Saire")
    valognes = CommuneFactory(code_insee="50615", nom="Valognes", pole=coeur)
    brix = CommuneFactory(code_insee="50089", nom="Brix", pole=coeur)
    quettehou = CommuneFactory(code_insee="50417", nom="Quettehou", pole=saire)

    reponse = client_de("agent").post(
        f"/admin/territoire/poledeproximite/{coeur.pk}/change/",
        {"nom": "Cœur du Cotentin", "ordre": "3", "communes": [valognes.pk, quettehou.pk]},
    )

    assert reponse.status_code == 302
    assert {c.nom for c in Commune.objects.filter(pole=coeur)} == {"Valognes", "Quettehou"}
    assert Commune.objects.get(pk=brix.pk).pole is None
    evenement = Evenement.objects.get(verbe="territoire.pole.communes_modifiees")
    assert evenement.acteur == agent
    assert evenement.donnees == {"ajoutees": ["50417"], "retirees": ["50089"]}


def test_la_page_d_un_pole_coche_ses_communes(client_de):
    pole = PoleFactory(nom="La Hague")
    hague = CommuneFactory(code_insee="50041", nom="La Hague", pole=pole)
    CommuneFactory(code_insee="50615", nom="Valognes", pole=None)

    html = client_de("agent").get(f"/admin/territoire/poledeproximite/{pole.pk}/change/").content.decode()

    assert f'value="{hague.pk}" id="id_communes_' in html
    assert "checked" in html.split(f'value="{hague.pk}"')[1].split(">")[0]


def test_rien_n_est_trace_quand_rien_ne_change(agent):
    pole = PoleFactory()
    commune = Commune.objects.get(pk=CommuneFactory(pole=pole).pk)
    pole_definir_communes(pole=pole, communes=[commune], acteur=agent)
    assert not Evenement.objects.exists()


def _peupler(nombre: int) -> None:
    pole = PoleFactory(nom="Pôle de mesure")
    for _ in range(nombre):
        structure = StructureFactory(commune=CommuneFactory(pole=pole))
        LieuExerciceFactory(
            professionnel=ProfessionnelFactory(), structure=structure, commune=structure.commune
        )


@pytest.mark.parametrize(
    "url",
    [
        "/admin/territoire/professionnel/",
        "/admin/territoire/professionnel/?q=a",
        "/admin/territoire/structure/",
        "/admin/territoire/commune/",
        "/admin/territoire/poledeproximite/",
        "/admin/territoire/projet/",
        "/admin/territoire/fuite/",
    ],
)
def test_les_listes_de_l_administration_ne_grandissent_pas(client_de, url):
    client = client_de("agent")
    _peupler(2)
    une = compter_requetes(client, url)
    _peupler(20)
    assert compter_requetes(client, url) == une
