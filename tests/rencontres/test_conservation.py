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


def test_l_accord_pour_le_vivier_garde_la_personne_ses_deux_ans():
    r = rencontre(propose_le_vivier=True)
    accord = inscrire(r, 1, accord_vivier=True, maintenant=r.inscriptions_du)
    retiree = inscrire(r, 2, accord_vivier=True, maintenant=r.inscriptions_du)
    sans = inscrire(r, 3, maintenant=r.inscriptions_du)
    assert accord.accord_vivier_le is not None
    services.accord_vivier_retirer(inscription=retiree)
    dans_un_an = r.fin + timedelta(days=366)
    # Un an après : la personne sans accord et celle qui l'a retiré sont effacées, pas l'autre.
    assert services.anonymiser_les_inscriptions(maintenant=dans_un_an) == 2
    accord.refresh_from_db()
    sans.refresh_from_db()
    assert accord.email == "interne1@exemple.fr" and sans.email == ""
    # Les deux ans de l'accord passés : effacée à son tour ; l'accord reste compté, sans nom.
    apres_l_accord = accord.accord_vivier_le + timedelta(days=2 * 365 + 1)
    assert services.anonymiser_les_inscriptions(maintenant=apres_l_accord) == 1
    accord.refresh_from_db()
    assert accord.email == "" and accord.accord_vivier_le is not None
