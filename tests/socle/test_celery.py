import pytest
from django.conf import settings

from cotentin_sante.celery import app


# Le chargement des tâches par Celery passe les contrôles de Django, dont ceux des colonnes
# générées (GeneratedField), qui lisent la version du serveur.
@pytest.mark.django_db
def test_chaque_tache_planifiee_existe():
    app.loader.import_default_modules()
    planifiees = {entree["task"] for entree in settings.CELERY_BEAT_SCHEDULE.values()}
    assert planifiees <= set(app.tasks)
    assert planifiees == {
        "socle.tasks.envoyer_resumes_quotidiens",
        "comptes.tasks.appliquer_durees_conservation",
        "comptes.tasks.expirer_invitations",
        "college.tasks.clore_scrutins_echus",
        "college.tasks.rappeler_les_non_votants",
        "recrutement.tasks.expirer_les_offres",
        "recrutement.tasks.demander_les_confirmations",
        "recrutement.tasks.appliquer_la_conservation",
        "socle.tasks.relancer_les_taches",
        "rencontres.tasks.expirer_les_places",
        "rencontres.tasks.envoyer_les_rappels",
        "rencontres.tasks.appliquer_la_conservation",
    }


def test_une_tache_n_est_acquittee_qu_une_fois_finie():
    """Un worker tué en plein travail laisse la tâche en file : elle sera refaite."""
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert str(app.conf.timezone) == "Europe/Paris"
