"""La conservation des inscriptions : un an après la rencontre, trois pour qui était présent
(l'attestation reste vérifiable) ; les nombres du bilan restent."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rencontres import services
from rencontres.bilan import lire_rencontres
from rencontres.models import Inscription, Participant
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db


def test_un_an_puis_trois_ans(client):
    r = rencontre()
    venue = inscrire(r, 1, foyer=1)
    absente = inscrire(r, 2)
    services.pointer(rencontre=r, code=venue.code, acteur=None)
    dans_un_an = r.fin + timedelta(days=366)
    assert services.anonymiser_les_inscriptions(maintenant=r.fin + timedelta(days=300)) == 0
    assert services.anonymiser_les_inscriptions(maintenant=dans_un_an) == 1
    assert services.anonymiser_les_inscriptions(maintenant=dans_un_an) == 0
    absente.refresh_from_db()
    assert (absente.nom, absente.email) == ("", "")
    page = client.get(reverse("rencontres:verifier"), {"code": venue.code}).content.decode()
    assert "Attestation authentique" in page
    assert services.anonymiser_les_inscriptions(maintenant=r.fin + timedelta(days=3 * 365 + 1)) == 1
    assert not Participant.objects.exclude(nom="").exists()
    assert Inscription.objects.count() == 2
    annee = timezone.localtime(r.debut).year
    assert lire_rencontres(annee).presentes == 1
