"""L'expiration des offres et leur reconfirmation, dans le temps (`maintenant` passé aux tâches)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from recrutement import services, tasks
from recrutement.models import StatutOffre
from recrutement.selectors import offres_en_ligne
from socle.models import Evenement, Notification
from tests.recrutement import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def g() -> f.Gcs:
    return f.gcs_et_recruteurs()


def test_une_offre_quitte_les_listes_le_lendemain_de_sa_date_limite(g):
    offre = f.offre(g, StatutOffre.PUBLIEE, date_limite=timezone.localdate() + timedelta(days=3))
    limite = offre.date_limite
    assert offre in offres_en_ligne(limite)
    assert offre not in offres_en_ligne(limite + timedelta(days=1))


def test_la_tache_expire_les_offres_echues_une_seule_fois(g):
    echue = f.offre(g, StatutOffre.PUBLIEE, date_limite=timezone.localdate() + timedelta(days=3))
    ouverte = f.offre(g, StatutOffre.PUBLIEE)
    brouillon = f.offre(g, date_limite=timezone.localdate() + timedelta(days=3))
    plus_tard = timezone.now() + timedelta(days=5)
    assert tasks.expirer(maintenant=plus_tard) == 1
    assert tasks.expirer(maintenant=plus_tard) == 0  # rejouée : rien de plus
    for offre, statut in (
        (echue, StatutOffre.EXPIREE),
        (ouverte, StatutOffre.PUBLIEE),
        (brouillon, StatutOffre.BROUILLON),
    ):
        offre.refresh_from_db()
        assert offre.statut == statut
    evenement = Evenement.objects.get(verbe="recrutement.offre.expiree")
    assert evenement.acteur is None and evenement.motif == "Date limite de candidature passée."
    assert g.recruteur_chpc.notifications.filter(verbe="recrutement.offre.expiree").count() == 1


def test_reconfirmation_toutes_les_quatre_semaines_puis_expiration_sans_reponse(g):
    muette = f.offre(g, StatutOffre.PUBLIEE, date_limite=timezone.localdate() + timedelta(days=120))
    confirmee = f.offre(g, StatutOffre.PUBLIEE, date_limite=timezone.localdate() + timedelta(days=120))
    maintenant = timezone.now()
    assert tasks.demander_confirmations(maintenant=maintenant + timedelta(weeks=3)) == 0
    quatre_semaines = maintenant + tasks.RECONFIRMATION + timedelta(hours=1)
    assert tasks.demander_confirmations(maintenant=quatre_semaines) == 2
    assert tasks.demander_confirmations(maintenant=quatre_semaines) == 0  # rejouée
    notification = g.recruteur_chpc.notifications.filter(
        verbe="recrutement.offre.confirmation_demandee"
    ).first()
    assert notification is not None and notification.url.endswith(
        f"/recrutement/offres/{muette.pk}/#confirmer"
    )
    assert g.recruteur_pcc.notifications.count() == 0

    services.offre_confirmer(offre=confirmee, acteur=g.recruteur_chpc)
    confirmee.refresh_from_db()
    assert confirmee.confirmation_demandee_le is None

    # Une semaine sans réponse : rien encore ; deux semaines : la muette expire.
    assert tasks.expirer(maintenant=quatre_semaines + timedelta(weeks=1)) == 0
    assert tasks.expirer(maintenant=quatre_semaines + tasks.DELAI_DE_REPONSE + timedelta(hours=1)) == 1
    muette.refresh_from_db()
    confirmee.refresh_from_db()
    assert (muette.statut, confirmee.statut) == (StatutOffre.EXPIREE, StatutOffre.PUBLIEE)
    assert (
        Evenement.objects.get(verbe="recrutement.offre.expiree").motif
        == "Aucune réponse à la demande de confirmation."
    )


def test_seul_un_recruteur_de_l_offre_la_confirme(g):
    offre = f.offre(g, StatutOffre.PUBLIEE)
    with pytest.raises(Exception, match="Seule une offre publiée de votre structure"):
        services.offre_confirmer(offre=offre, acteur=g.recruteur_pcc)


def test_les_taches_passent_par_celery(g, settings):
    assert settings.CELERY_BEAT_SCHEDULE["offres-echues"]["task"] == tasks.expirer_les_offres.name
    assert (
        settings.CELERY_BEAT_SCHEDULE["offres-a-reconfirmer"]["task"] == tasks.demander_les_confirmations.name
    )
    f.offre(g, StatutOffre.PUBLIEE)
    assert tasks.expirer_les_offres.delay().get() == 0
    assert tasks.demander_les_confirmations.delay().get() == 0
    assert not Notification.objects.filter(verbe__startswith="recrutement.offre.confirmation").exists()
