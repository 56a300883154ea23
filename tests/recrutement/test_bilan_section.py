"""La section « Le recrutement commun du GCS » du bilan : offres publiées et pourvues dans
l'année, dont mixtes ; les brouillons et les autres années ne comptent pas ; deux requêtes
quel que soit le nombre d'offres ; le gabarit se rend sans requête."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recrutement.bilan import lire_recrutement
from recrutement.models import Offre, StatutOffre
from socle.bilan import sections
from tests.recrutement import factories as f

pytestmark = pytest.mark.django_db


def test_la_section_est_enregistree():
    assert "recrutement" in [section.cle for section in sections()]


def test_les_chiffres_de_l_annee(django_assert_num_queries):
    g = f.gcs_et_recruteurs()
    annee = timezone.localdate().year
    f.offre(g, StatutOffre.PUBLIEE)
    f.offre(g, StatutOffre.PUBLIEE, **{"type_contrat": "mixte", "parts": f.saisie_mixte(g).parts})
    f.offre(g, StatutOffre.POURVUE)
    f.offre(g, StatutOffre.SOUMISE)
    f.offre(g)
    ancienne = f.offre(g, StatutOffre.PUBLIEE)
    l_an_dernier = datetime(annee - 1, 6, 1, tzinfo=timezone.get_default_timezone())
    Offre.objects.filter(pk=ancienne.pk).update(
        cree_le=l_an_dernier, publiee_le=l_an_dernier + timedelta(days=1)
    )
    with django_assert_num_queries(2):
        donnees = lire_recrutement(annee)
    assert (donnees.publiees, donnees.mixtes, donnees.pourvues) == (3, 1, 1)
    assert lire_recrutement(annee - 1).publiees == 1
    with CaptureQueriesContext(connection) as requetes:
        html = render_to_string("recrutement/bilan_section.html", {"recrutement": donnees, "annee": annee})
    assert len(requetes) == 0
    assert "Offres publiées" in html and "Médecin" in html


def test_une_annee_vide():
    html = render_to_string(
        "recrutement/bilan_section.html", {"recrutement": lire_recrutement(2001), "annee": 2001}
    )
    assert "Aucune offre d'emploi publiée ni pourvue en 2001." in html
