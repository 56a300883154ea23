"""L'accueil de l'organisation : les inscriptions à valider, une ligne par rencontre."""

import pytest
from django.utils import timezone

from rencontres.a_faire import inscriptions_a_valider
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db


def test_inscriptions_a_valider(agent, professionnel, django_assert_num_queries):
    r = rencontre(moderee=True, titre="Formation télésanté")
    inscrire(r, 1)
    inscrire(r, 2)
    rencontre(titre="Sans modération")
    [tache] = inscriptions_a_valider(agent, timezone.now())
    assert str(tache.titre) == "Valider 2 inscriptions : Formation télésanté"
    assert tache.lien.endswith("?etat=a_valider")
    assert inscriptions_a_valider(professionnel, timezone.now()) == []
