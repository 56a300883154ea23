import pytest
from django.core import mail
from django.utils import timezone

from socle.models import FrequenceNotifications, Notification
from socle.services import notifications_marquer_lues, notifier
from socle.tasks import envoyer_notification, envoyer_resumes_quotidiens
from tests.comptes.factories import UtilisateurFactory
from tests.outils import VERBE_AUTRE, VERBE_ESSAI

pytestmark = pytest.mark.django_db

GABARIT = "comptes/notifications/invitation_acceptee.txt"


def _notifier(destinataires, url="/mon-compte/", **kwargs):
    return notifier(
        destinataires=destinataires,
        verbe=VERBE_ESSAI,
        titre="Un essai",
        gabarit=GABARIT,
        contexte={"acteur": "Camille", "objet": {"email": "camille@exemple.fr"}},
        url=url,
        **kwargs,
    )


def test_une_notification_par_destinataire_actif_sans_doublon():
    une = UtilisateurFactory()
    inactive = UtilisateurFactory(is_active=False)
    notifications = _notifier([une, une, inactive, None])
    assert [n.destinataire for n in notifications] == [une]
    assert notifications[0].message.startswith("Camille (camille@exemple.fr) a accepté")


def test_courriel_immediat_texte_et_html_apres_validation(django_capture_on_commit_callbacks):
    personne = UtilisateurFactory(email="immediat@exemple.fr", prenom="Lou")
    with django_capture_on_commit_callbacks(execute=True):
        _notifier([personne])
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["immediat@exemple.fr"]
    assert courriel.subject == "[Conseil de santé du Cotentin] Un essai"
    assert "Bonjour Lou," in courriel.body
    assert "http://testserver/mon-compte/" in courriel.body
    html, type_mime = courriel.alternatives[0]
    assert type_mime == "text/html"
    assert '<a href="http://testserver/mon-compte/">' in html
    assert Notification.objects.get().envoyee_le is not None


def test_envoi_idempotent():
    personne = UtilisateurFactory()
    notification = _notifier([personne])[0]
    envoyer_notification(notification.pk)
    envoyer_notification(notification.pk)
    assert len(mail.outbox) == 1


def test_resume_quotidien_regroupe_et_ne_renvoie_pas(django_capture_on_commit_callbacks):
    quotidien = UtilisateurFactory(
        email="resume@exemple.fr", frequence_notifications=FrequenceNotifications.QUOTIDIENNE
    )
    aucun = UtilisateurFactory(frequence_notifications=FrequenceNotifications.AUCUNE)
    with django_capture_on_commit_callbacks(execute=True):
        _notifier([quotidien, aucun])
        notifier(
            destinataires=[quotidien],
            verbe=VERBE_AUTRE,
            titre="Un second essai",
            gabarit=GABARIT,
            contexte={},
        )
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert envoyer_resumes_quotidiens() == 1
    assert len(mail.outbox) == 1
    resume = mail.outbox[0]
    assert resume.to == ["resume@exemple.fr"]
    assert resume.subject == "[Conseil de santé du Cotentin] Votre résumé du jour : 2 notifications"
    assert "Un essai" in resume.body and "Un second essai" in resume.body
    assert "http://testserver/notifications/" in resume.body
    assert envoyer_resumes_quotidiens() == 0
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(destinataire=aucun, envoyee_le__isnull=False).exists()


def test_marquer_lues_ne_touche_que_les_siennes():
    une, autre = UtilisateurFactory(), UtilisateurFactory()
    a, b = _notifier([une])[0], _notifier([une])[0]
    c = _notifier([autre])[0]
    assert notifications_marquer_lues(destinataire=une, ids=[a.pk, c.pk]) == 1
    assert notifications_marquer_lues(destinataire=une) == 1
    b.refresh_from_db()
    c.refresh_from_db()
    assert b.est_lue and not c.est_lue


def test_liste_compteur_et_ouverture(client):
    personne = UtilisateurFactory()
    notification = _notifier([personne], url="/mon-compte/preferences/")[0]
    client.force_login(personne)
    accueil = client.get("/")
    assert '1<span class="visually-hidden"> non lues</span>' in accueil.content.decode()
    liste = client.get("/notifications/")
    assert "Un essai" in liste.content.decode()
    ouverture = client.get(f"/notifications/{notification.pk}/")
    assert ouverture.status_code == 302 and ouverture["Location"] == "/mon-compte/preferences/"
    notification.refresh_from_db()
    assert notification.est_lue
    assert "non lues" not in client.get("/").content.decode()


def test_ouvrir_la_notification_d_un_autre_repond_404(client):
    notification = _notifier([UtilisateurFactory()])[0]
    client.force_login(UtilisateurFactory())
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404
    notification.refresh_from_db()
    assert not notification.est_lue


def test_un_lien_vers_un_autre_site_n_est_pas_suivi(client):
    personne = UtilisateurFactory()
    notification = _notifier([personne], url="https://exemple.com/piege")[0]
    client.force_login(personne)
    assert client.get(f"/notifications/{notification.pk}/")["Location"] == "/notifications/"


def test_tout_marquer_lu_avec_htmx_renvoie_la_liste(client):
    personne = UtilisateurFactory()
    _notifier([personne])
    client.force_login(personne)
    reponse = client.post("/notifications/tout-lire/", headers={"HX-Request": "true"})
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert contenu.lstrip().startswith('<div id="liste-notifications"')
    assert "<html" not in contenu
    assert Notification.objects.filter(lue_le__isnull=True).count() == 0


def test_tout_marquer_lu_sans_htmx_redirige(client):
    personne = UtilisateurFactory()
    _notifier([personne])
    client.force_login(personne)
    reponse = client.post("/notifications/tout-lire/", follow=True)
    assert "Toutes vos notifications sont marquées comme lues." in reponse.content.decode()
    lue_le = Notification.objects.get().lue_le
    assert lue_le is not None and lue_le <= timezone.now()


def test_le_compteur_est_plafonne(client):
    personne = UtilisateurFactory()
    Notification.objects.bulk_create(
        Notification(destinataire=personne, verbe="t", titre="x") for _ in range(120)
    )
    client.force_login(personne)
    assert '99+<span class="visually-hidden"> non lues</span>' in client.get("/").content.decode()
