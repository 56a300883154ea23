"""Un vrai worker Celery, sur le vrai Redis et la base de test : le courriel d'une
notification part bien par le worker, après validation de la transaction."""

from pathlib import Path

import pytest

from comptes.services import invitation_accepter
from cotentin_sante.celery import app as celery_app
from socle.models import Notification
from tests.comptes.factories import MOT_DE_PASSE, InvitationFactory, UtilisateurFactory
from tests.integration.conftest import attendre

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_le_courriel_de_notification_part_par_le_worker(worker: Path):
    inviteur = UtilisateurFactory(email="inviteur@exemple.fr", prenom="Claire")
    invitation = InvitationFactory(email="camille@exemple.fr", invite_par=inviteur)

    invitation_accepter(invitation=invitation, prenom="Camille", nom="Leblond", mot_de_passe=MOT_DE_PASSE)

    def courriel_ecrit() -> str | None:
        for fichier in worker.glob("*.log") if worker.exists() else []:
            contenu = fichier.read_text()
            if "To: inviteur@exemple.fr" in contenu:
                return contenu
        return None

    contenu = str(attendre(courriel_ecrit))
    assert "Camille Leblond a accept" in contenu
    assert "Content-Type: text/html" in contenu
    notification = Notification.objects.get(destinataire=inviteur)
    attendre(lambda: Notification.objects.filter(pk=notification.pk, envoyee_le__isnull=False).exists())


def test_la_sonde_de_sante_repond_200_quand_tout_repond(worker: Path, client):
    reponse = client.get("/sante/")
    assert reponse.status_code == 200
    assert reponse.json() == {"postgresql": "ok", "redis": "ok", "celery": "ok"}


def test_la_sonde_de_sante_repond_503_sans_worker(client):
    celery_app.conf.task_always_eager = False
    reponse = client.get("/sante/")
    assert reponse.status_code == 503
    assert reponse.json()["celery"] == "erreur : aucun worker ne répond"
    assert reponse.json()["postgresql"] == "ok"
