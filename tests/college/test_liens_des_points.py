"""Sur la page d'une séance, chaque point montre ses scrutins et ses discussions du Collège,
et le secrétariat peut soumettre un point au vote."""

import html

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from college import services
from college.models import StatutScrutin
from conseil.models import PointOrdreDuJour
from tests.college.factories import DiscussionFactory, ScrutinFactory
from tests.conseil.factories import CollegeFactory, MandatFactory, seance_convoquee
from tests.outils import compter_requetes

pytestmark = pytest.mark.django_db


def _page(utilisateur, reunion) -> str:
    client = Client()
    client.force_login(utilisateur)
    reponse = client.get(reunion.get_absolute_url())
    assert reponse.status_code == 200
    return html.unescape(reponse.content.decode())


@pytest.fixture
def seance(secretariat, membre_college):
    college = CollegeFactory()
    MandatFactory(instance=college, personne=membre_college)
    return seance_convoquee(instance=college, acteur=secretariat, points=2)


def _sur_le_point(point: PointOrdreDuJour, **champs):
    return ScrutinFactory(
        instance=point.reunion.instance,
        objet_type=ContentType.objects.get_for_model(PointOrdreDuJour),
        objet_id=str(point.pk),
        **champs,
    )


def test_le_point_montre_son_scrutin_et_sa_discussion(seance, secretariat, membre_college):
    premier, second = seance.points.order_by("ordre")
    scrutin = services.scrutin_ouvrir(
        scrutin=_sur_le_point(premier, titre="Avis sur le projet"), acteur=secretariat
    )
    DiscussionFactory(
        instance=seance.instance,
        titre="Vos remarques",
        objet_type=ContentType.objects.get_for_model(PointOrdreDuJour),
        objet_id=str(second.pk),
    )

    page = _page(membre_college, seance)

    assert "Délibération : Avis sur le projet (ouvert)" in page
    assert f'href="{scrutin.get_absolute_url()}"' in page
    assert "Discussion : Vos remarques" in page
    assert "Ouvrir une discussion sur ce point" in page
    assert "Soumettre ce point à un scrutin" not in page
    assert f"/college/scrutins/nouveau/?point={premier.pk}" in _page(secretariat, seance)


def test_un_scrutin_annule_n_apparait_plus(seance, secretariat, membre_college):
    point = seance.points.first()
    _sur_le_point(point, titre="Scrutin retiré", statut=StatutScrutin.ANNULE)

    assert "Scrutin retiré" not in _page(membre_college, seance)


def test_les_liens_ne_multiplient_pas_les_requetes(seance, membre_college):
    client = Client()
    client.force_login(membre_college)
    point = seance.points.first()
    _sur_le_point(point)
    une = compter_requetes(client, seance.get_absolute_url())
    for autre in seance.points.all():
        for _ in range(3):
            _sur_le_point(autre)
            DiscussionFactory(
                instance=seance.instance,
                objet_type=ContentType.objects.get_for_model(PointOrdreDuJour),
                objet_id=str(autre.pk),
            )
    assert compter_requetes(client, seance.get_absolute_url()) == une
