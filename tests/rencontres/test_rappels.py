"""Les rappels J-7 et la veille : seulement à qui était inscrit quand le rappel était dû
(pretix #3757), une seule fois."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rencontres.models import GenreRappel, RappelEnvoye
from rencontres.tasks import envoyer_les_rappels, rappels_dus
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db


def test_rappels_aux_seuls_inscrits_d_avant(mailoutbox):
    maintenant = timezone.now()
    r = rencontre(
        debut=maintenant + timedelta(days=6, hours=12), inscriptions_du=maintenant - timedelta(days=30)
    )
    tot = inscrire(r, 1, maintenant=maintenant - timedelta(days=10))  # avant J-7
    tard = inscrire(r, 2, maintenant=maintenant - timedelta(hours=1))  # après J-7
    assert rappels_dus(maintenant) == [(tot.pk, GenreRappel.J_MOINS_7)]
    mailoutbox.clear()
    assert envoyer_les_rappels(maintenant) == 1
    assert envoyer_les_rappels(maintenant) == 0  # rejouée : rien de plus
    [courriel] = mailoutbox
    assert courriel.to == [tot.email] and "Rappel" in courriel.subject
    # La veille, les deux le reçoivent : la seconde était inscrite avant J-1.
    veille = r.debut - timedelta(hours=20)
    assert sorted(rappels_dus(veille)) == sorted(
        [(tot.pk, GenreRappel.J_MOINS_1), (tard.pk, GenreRappel.J_MOINS_1)]
    )
    envoyer_les_rappels(veille)
    assert RappelEnvoye.objects.count() == 3
