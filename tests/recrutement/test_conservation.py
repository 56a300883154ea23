"""La conservation des candidatures (CNIL), par la tâche de nuit, en voyageant dans le temps
(`maintenant=`) : trois mois après la fin de tous ses recrutements, un candidat sans vivier est
anonymisé ; au vivier, il est gardé jusqu'à l'échéance, prié une fois de rester un mois avant,
puis anonymisé ; un recrutement encore ouvert retient la fiche. Le lien du courriel mène à une
page sans connexion où l'on reste ou l'on part ; un lien altéré ou d'une fiche effacée, à une 404."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from recrutement import services, tasks
from recrutement.jetons import vivier_jeton
from recrutement.models import Candidat, Candidature, Consentement, ObjetConsentement, StatutOffre
from recrutement.services.conservation import APRES_LE_RECRUTEMENT, Motif
from socle.models import Evenement
from tests.recrutement import factories as f

pytestmark = pytest.mark.django_db

RIEN = {"viviers_echus": 0, "renouvellements_demandes": 0, "anonymises": 0}


@pytest.fixture
def g() -> f.Gcs:
    return f.gcs_et_recruteurs()


def _motifs(candidat: Candidat) -> list[str]:
    return [
        e.donnees["motif"]
        for e in Evenement.objects.filter(verbe="recrutement.candidat.anonymise", cible_id=str(candidat.pk))
    ]


def _vivier(candidat: Candidat) -> Consentement:
    return Consentement.objects.get(candidat=candidat, objet=ObjetConsentement.VIVIER)


def test_trois_mois_apres_la_fin_du_recrutement_sans_vivier(g):
    offre = f.offre(g, StatutOffre.PUBLIEE)
    candidature = f.candidature(offre)
    maintenant = timezone.now()
    assert tasks.conserver(maintenant=maintenant + timedelta(days=365)) == RIEN  # l'offre est ouverte
    services.offre_transition(offre=offre, vers=StatutOffre.POURVUE, acteur=g.recruteur_chpc)

    assert tasks.conserver(maintenant=maintenant + timedelta(days=80)) == RIEN
    assert tasks.conserver(maintenant=maintenant + APRES_LE_RECRUTEMENT + timedelta(days=1)) == {
        **RIEN,
        "anonymises": 1,
    }
    candidat = Candidat.objects.get(pk=candidature.candidat_id)
    assert candidat.est_anonymise and candidat.nom == "" and candidat.email.endswith("@invalid")
    assert _motifs(candidat) == [Motif.FIN_DU_RECRUTEMENT]
    # Les chiffres restent : la candidature, sa source, son offre.
    assert Candidature.objects.filter(pk=candidature.pk, anonymisee_le__isnull=False).exists()
    # Rejouée : rien de plus.
    assert tasks.conserver(maintenant=maintenant + timedelta(days=200)) == RIEN
    assert _motifs(candidat) == [Motif.FIN_DU_RECRUTEMENT]


def test_une_candidature_close_finit_le_recrutement_meme_si_l_offre_reste_ouverte(g):
    candidature = f.candidature(f.offre(g, StatutOffre.PUBLIEE))
    maintenant = timezone.now()
    # L'étape « non retenue » ; le service des étapes viendra : on pose l'état qu'il écrira.
    Candidature.objects.filter(pk=candidature.pk).update(etape="non_retenue", close_le=maintenant)
    assert tasks.conserver(maintenant=maintenant + APRES_LE_RECRUTEMENT - timedelta(hours=1)) == RIEN
    assert (
        tasks.conserver(maintenant=maintenant + APRES_LE_RECRUTEMENT + timedelta(hours=1))["anonymises"] == 1
    )


def test_un_recrutement_ouvert_retient_la_fiche(g):
    close = f.offre(g, StatutOffre.PUBLIEE, titre="Pédiatre")
    ouverte = f.offre(g, StatutOffre.PUBLIEE, titre="Urgentiste")
    premiere = f.candidature(close)
    seconde = f.candidature(ouverte)
    assert premiere.candidat_id == seconde.candidat_id
    services.offre_transition(offre=close, vers=StatutOffre.POURVUE, acteur=g.recruteur_chpc)
    maintenant = timezone.now()

    assert tasks.conserver(maintenant=maintenant + timedelta(days=400)) == RIEN
    assert not Candidat.objects.get(pk=premiere.candidat_id).est_anonymise

    # La seconde se clôt à son tour : trois mois après elle, et non après la première.
    plus_tard = maintenant + timedelta(days=300)
    Candidature.objects.filter(pk=seconde.pk).update(etape="retiree", close_le=plus_tard)
    assert tasks.conserver(maintenant=plus_tard + timedelta(days=30)) == RIEN
    assert tasks.conserver(maintenant=plus_tard + APRES_LE_RECRUTEMENT + timedelta(days=1))["anonymises"] == 1


def test_le_vivier_garde_le_candidat_puis_demande_une_fois_puis_efface(g, django_capture_on_commit_callbacks):
    offre = f.offre(g, StatutOffre.PUBLIEE)
    candidature = f.candidature(offre, vivier=True)
    services.offre_transition(offre=offre, vers=StatutOffre.POURVUE, acteur=g.recruteur_chpc)
    candidat = Candidat.objects.get(pk=candidature.candidat_id)
    echeance = _vivier(candidat).echeance
    assert echeance is not None

    # Trois mois après la fin du recrutement : gardé, il est au vivier.
    assert tasks.conserver(maintenant=timezone.now() + APRES_LE_RECRUTEMENT + timedelta(days=1)) == RIEN

    # Un mois avant l'échéance : un courriel, une seule fois.
    mail.outbox.clear()
    un_mois_avant = echeance - timedelta(days=29)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.conserver(maintenant=un_mois_avant)["renouvellements_demandes"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.conserver(maintenant=un_mois_avant + timedelta(days=1)) == RIEN
    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == [candidat.email]
    assert f"/recrutement/vivier/{vivier_jeton(candidat)}/" in courriel.body
    assert _vivier(candidat).renouvellement_demande_le == un_mois_avant

    # Sans réponse, à l'échéance : le vivier est fini et la fiche effacée.
    assert tasks.conserver(maintenant=echeance + timedelta(hours=1)) == {
        **RIEN,
        "viviers_echus": 1,
        "anonymises": 0,  # déjà effacée par la fin du vivier
    }
    candidat.refresh_from_db()
    assert candidat.est_anonymise
    assert _motifs(candidat) == [Motif.FIN_DU_VIVIER]
    assert _vivier(candidat).retire_le == echeance + timedelta(hours=1)
    assert tasks.conserver(maintenant=echeance + timedelta(days=2)) == RIEN


def test_a_la_fin_du_vivier_un_recrutement_ouvert_retient_encore(g):
    offre = f.offre(g, StatutOffre.PUBLIEE, date_limite=timezone.localdate() + timedelta(days=60))
    candidature = f.candidature(offre, vivier=True)
    echeance = _vivier(candidature.candidat).echeance
    assert echeance is not None
    # L'offre est encore publiée dans la base (la tâche d'expiration n'a pas tourné).
    resultat = tasks.conserver(maintenant=echeance + timedelta(days=1))
    assert resultat["viviers_echus"] == 1 and resultat["anonymises"] == 0
    assert not Candidat.objects.get(pk=candidature.candidat_id).est_anonymise


def test_la_tache_passe_par_celery(g):
    assert settings.CELERY_BEAT_SCHEDULE["candidatures-conservation"]["task"] == (
        tasks.appliquer_la_conservation.name
    )
    f.candidature(f.offre(g, StatutOffre.PUBLIEE))
    assert tasks.appliquer_la_conservation.delay().get() == RIEN


# --- La page du renouvellement -----------------------------------------------------------


def _au_vivier(g: f.Gcs) -> Candidat:
    candidature = f.candidature(f.offre(g, StatutOffre.PUBLIEE), vivier=True)
    return Candidat.objects.get(pk=candidature.candidat_id)


def test_rester_deux_ans_de_plus(client, g):
    candidat = _au_vivier(g)
    Consentement.objects.filter(candidat=candidat, objet=ObjetConsentement.VIVIER).update(
        echeance=timezone.now() + timedelta(days=20), renouvellement_demande_le=timezone.now()
    )
    url = f"/recrutement/vivier/{vivier_jeton(candidat)}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Rester deux ans de plus" in page.text and "Quitter le vivier" in page.text
    reponse = client.post(url, {"choix": "rester"})
    assert reponse.status_code == 302
    vivier = _vivier(candidat)
    assert vivier.retire_le is None and vivier.renouvellement_demande_le is None
    assert vivier.echeance is not None and vivier.echeance > timezone.now() + timedelta(days=700)


def test_quitter_le_vivier(client, g):
    candidat = _au_vivier(g)
    url = f"/recrutement/vivier/{vivier_jeton(candidat)}/"
    assert client.post(url, {"choix": "quitter"}).status_code == 302
    assert _vivier(candidat).retire_le is not None
    assert Evenement.objects.filter(verbe="recrutement.vivier.quitte", cible_id=str(candidat.pk)).exists()
    page = client.get(url)
    assert "Vous n'êtes plus dans le vivier" in page.text
    # Un choix inconnu ne change rien.
    assert client.post(url, {"choix": "autre"}).status_code == 302
    assert Consentement.objects.filter(candidat=candidat, objet="vivier", retire_le__isnull=True).count() == 0


def test_un_lien_altere_ou_d_une_fiche_effacee_mene_a_une_404(client, g):
    candidat = _au_vivier(g)
    jeton = vivier_jeton(candidat)
    assert client.get(f"/recrutement/vivier/{jeton}x/").status_code == 404
    assert client.post(f"/recrutement/vivier/{jeton}x/", {"choix": "rester"}).status_code == 404
    services.candidat_anonymiser(candidat=candidat, motif=Motif.DEMANDE)
    assert client.get(f"/recrutement/vivier/{jeton}/").status_code == 404
