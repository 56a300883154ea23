"""Les fichiers d'agenda relus par `icalendar` : UID stable, SEQUENCE qui monte, alarme
réglable, annulation."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from rencontres import services
from rencontres.calendrier import ics_flux, ics_inscription
from rencontres.models import StatutRencontre
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db


def _evenement(contenu: bytes):
    cal = Calendar.from_ical(contenu)
    [evenement] = cal.walk("VEVENT")
    return cal, evenement


def test_la_confirmation_porte_uid_sequence_et_alarme():
    r = rencontre(rappel_dans_l_agenda=timedelta(hours=3))
    inscription = inscrire(r)
    cal, evenement = _evenement(ics_inscription(inscription))
    assert str(cal["method"]) == "PUBLISH"
    assert str(evenement["uid"]).startswith(f"rencontre-{r.pk}@")
    assert int(evenement["sequence"]) == 0
    assert str(evenement["status"]) == "CONFIRMED"
    assert evenement.decoded("dtstart") == r.debut.replace(microsecond=0)
    [alarme] = evenement.walk("VALARM")
    assert alarme.decoded("trigger") == -timedelta(hours=3)


def test_l_annulation_garde_l_uid_et_monte_la_sequence():
    r = rencontre()
    inscription = inscrire(r)
    _cal, avant = _evenement(ics_inscription(inscription))
    annulee = services.annuler(inscription=inscription)
    cal, apres = _evenement(ics_inscription(annulee))
    assert str(cal["method"]) == "CANCEL"
    assert str(apres["status"]) == "CANCELLED"
    assert apres["uid"] == avant["uid"]
    assert int(apres["sequence"]) > int(avant["sequence"])
    assert not apres.walk("VALARM")


def test_une_rencontre_annulee_et_le_flux_prive():
    r = rencontre()
    autre = rencontre(titre="Soirée d'accueil des internes")
    inscriptions = [inscrire(r), inscrire(autre)]
    autre.statut = StatutRencontre.ANNULEE
    autre.sequence += 1
    autre.save()
    inscriptions[1].refresh_from_db()
    cal = Calendar.from_ical(ics_flux(inscriptions, nom="Mes rencontres"))
    etats = {str(e["summary"]): (str(e["status"]), int(e["sequence"])) for e in cal.walk("VEVENT")}
    assert etats == {
        "Les Paradis du Cotentin": ("CONFIRMED", 0),
        "Soirée d'accueil des internes": ("CANCELLED", 1),
    }
