"""La section « Le recrutement commun du GCS » du bilan : offres publiées et pourvues dans
l'année, dont mixtes ; candidatures reçues (anonymisées comprises), demandes d'aide, vivier au
31 décembre ; les brouillons et les autres années ne comptent pas ; quatre requêtes quel que
soit le nombre d'offres et de candidatures ; le gabarit se rend sans requête."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recrutement import services
from recrutement.bilan import lire_recrutement
from recrutement.models import Candidat, Candidature, Consentement, Offre, StatutOffre
from recrutement.services.conservation import Motif
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
    with django_assert_num_queries(4):
        donnees = lire_recrutement(annee)
    assert (donnees.publiees, donnees.mixtes, donnees.pourvues) == (3, 1, 1)
    assert lire_recrutement(annee - 1).publiees == 1
    with CaptureQueriesContext(connection) as requetes:
        html = render_to_string("recrutement/bilan_section.html", {"recrutement": donnees, "annee": annee})
    assert len(requetes) == 0
    assert "Offres publiées" in html and "Médecin" in html


def test_les_candidatures_et_le_vivier(django_assert_num_queries):
    g = f.gcs_et_recruteurs()
    annee = timezone.localdate().year
    offre = f.offre(g, StatutOffre.PUBLIEE)
    autre = f.offre(g, StatutOffre.PUBLIEE, titre="Pédiatre")
    f.candidature(offre, email="a@exemple.fr", vivier=True, aide_logement=True)
    f.candidature(offre, email="b@exemple.fr", source="evenement")
    anonymisee = f.candidature(autre, email="c@exemple.fr", vivier=True)
    services.candidat_anonymiser(
        candidat=Candidat.objects.get(pk=anonymisee.candidat_id), motif=Motif.DEMANDE
    )
    # Une candidature de l'an dernier, entrée au vivier l'an dernier et sortie cette année.
    ancienne = f.candidature(autre, email="d@exemple.fr", vivier=True)
    l_an_dernier = datetime(annee - 1, 6, 1, tzinfo=timezone.get_default_timezone())
    Candidature.objects.filter(pk=ancienne.pk).update(deposee_le=l_an_dernier)
    Consentement.objects.filter(candidat=ancienne.candidat_id, objet="vivier").update(
        donne_le=l_an_dernier, retire_le=timezone.now()
    )
    with django_assert_num_queries(4):
        donnees = lire_recrutement(annee)
    # L'anonymisée compte ; son vivier, retiré par l'effacement, non.
    assert (donnees.candidatures, donnees.demandes_d_aide, donnees.vivier) == (3, 1, 1)
    precedente = lire_recrutement(annee - 1)
    assert (precedente.candidatures, precedente.vivier) == (1, 1)
    html = render_to_string("recrutement/bilan_section.html", {"recrutement": donnees, "annee": annee})
    assert "Candidatures reçues" in html and f"Candidats au vivier le 31 décembre {annee}" in html
    assert "Lefèvre" not in html and "@exemple.fr" not in html


def test_une_annee_vide():
    html = render_to_string(
        "recrutement/bilan_section.html", {"recrutement": lire_recrutement(2001), "annee": 2001}
    )
    assert "Aucune offre d'emploi publiée ni pourvue en 2001." in html
    assert "Aucune candidature reçue en 2001, aucun candidat au vivier." in html
