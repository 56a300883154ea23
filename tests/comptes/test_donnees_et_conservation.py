import json
from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from comptes.models import Invitation, StatutInvitation, Utilisateur
from comptes.services import INVITATION_ENVOYEE
from comptes.tasks import appliquer_durees_conservation
from socle.models import Evenement, FrequenceNotifications, Notification
from socle.services import document_deposer, evenement_enregistrer, notifier
from tests.comptes.factories import GRAINE_TOTP, InvitationFactory, UtilisateurFactory
from tests.outils import VERBE_ESSAI
from tests.socle import fichiers

pytestmark = pytest.mark.django_db


def test_telecharger_mes_donnees_rend_tout_sans_secret(client, agent):
    InvitationFactory(invite_par=agent, email="invitee@exemple.fr")
    notifier(
        destinataires=[agent],
        verbe=VERBE_ESSAI,
        titre="Bonjour",
        gabarit="comptes/notifications/invitation_acceptee.txt",
        contexte={},
    )
    document_deposer(fichier=fichiers.fichier("cv.pdf", fichiers.pdf()), acteur=agent)
    AccessLog.objects.create(
        username=agent.email, ip_address="192.0.2.1", user_agent="Firefox", attempt_time=timezone.now()
    )
    client.force_login(agent)
    assert "Télécharger mes données (JSON)" in client.get("/mon-compte/mes-donnees/").content.decode()
    reponse = client.post("/mon-compte/mes-donnees/")
    assert reponse["Content-Type"] == "application/json; charset=utf-8"
    assert reponse["Content-Disposition"].startswith(
        'attachment; filename="mes-donnees-conseil-sante-cotentin-'
    )
    donnees = json.loads(reponse.content)
    assert donnees["compte"]["email"] == "agent@exemple.fr"
    assert donnees["compte"]["roles"] == ["Agent de la Direction de la Santé"]
    assert donnees["adresses_electroniques"] == [
        {"email": "agent@exemple.fr", "verifiee": True, "principale": True}
    ]
    assert [a["type"] for a in donnees["double_authentification"]] == ["Authentificateur TOTP"]
    assert "192.0.2.1" in [c["adresse_ip"] for c in donnees["connexions"]]
    assert donnees["invitations"]["envoyees"][0]["email"] == "invitee@exemple.fr"
    assert donnees["notifications"][0]["titre"] == "Bonjour"
    assert donnees["documents_deposes"][0]["fichier"] == "cv.pdf"
    assert "socle.document.depose" in [a["action"] for a in donnees["actions_journalisees"]]
    brut = reponse.content.decode()
    assert GRAINE_TOTP not in brut
    assert agent.password not in brut
    assert Evenement.objects.filter(verbe="comptes.donnees.exportees", acteur=agent).exists()


def test_les_donnees_d_un_autre_n_apparaissent_pas(client, professionnel, membre_college):
    notifier(
        destinataires=[membre_college],
        verbe=VERBE_ESSAI,
        titre="Secret",
        gabarit="comptes/notifications/invitation_acceptee.txt",
        contexte={},
    )
    client.force_login(professionnel)
    donnees = json.loads(client.post("/mon-compte/mes-donnees/").content)
    assert donnees["notifications"] == []
    assert "membre@exemple.fr" not in json.dumps(donnees)


def test_preferences_modifiees_et_tracees(client, professionnel):
    client.force_login(professionnel)
    reponse = client.post(
        "/mon-compte/preferences/",
        {
            "prenom": "Sophie",
            "nom": "Marie-Durand",
            "frequence_notifications": FrequenceNotifications.QUOTIDIENNE,
        },
    )
    assert reponse["Location"] == "/mon-compte/"
    professionnel.refresh_from_db()
    assert professionnel.nom == "Marie-Durand"
    assert professionnel.frequence_notifications == FrequenceNotifications.QUOTIDIENNE
    evenement = Evenement.objects.get(verbe="comptes.utilisateur.preferences_modifiees")
    assert evenement.donnees["modifications"] == {
        "nom": ["Marie", "Marie-Durand"],
        "frequence_notifications": ["immediate", "quotidienne"],
    }
    invalide = client.post(
        "/mon-compte/preferences/", {"prenom": "S", "nom": "M", "frequence_notifications": "jamais"}
    )
    assert "Sélectionnez un choix valide" in invalide.content.decode()


def _il_y_a(jours: int):
    return timezone.now() - timedelta(days=jours)


def test_durees_de_conservation():
    ancien_non_verifie = UtilisateurFactory(email_verifie=False, date_joined=_il_y_a(31))
    recent_non_verifie = UtilisateurFactory(email_verifie=False, date_joined=_il_y_a(5))
    ancien_verifie = UtilisateurFactory(date_joined=_il_y_a(400))
    personnel_non_verifie = UtilisateurFactory(email_verifie=False, is_staff=True, date_joined=_il_y_a(400))

    gabarit = "comptes/notifications/invitation_acceptee.txt"
    vieille, lue, fraiche = (
        notifier(destinataires=[ancien_verifie], verbe=VERBE_ESSAI, titre=t, gabarit=gabarit, contexte={})[0]
        for t in "abc"
    )
    Notification.objects.filter(pk=vieille.pk).update(creee_le=_il_y_a(800))
    Notification.objects.filter(pk=lue.pk).update(lue_le=_il_y_a(400))

    terminee = InvitationFactory(statut=StatutInvitation.REVOQUEE)
    Invitation.objects.filter(pk=terminee.pk).update(expire_le=_il_y_a(400))
    en_cours = InvitationFactory()

    # attempt_time est posé à la création : on vieillit la ligne ensuite.
    vieux_journal = AccessLog.objects.create(username="x", ip_address="192.0.2.1", user_agent="")
    AccessLog.objects.filter(pk=vieux_journal.pk).update(attempt_time=_il_y_a(200))
    AccessLog.objects.create(username="y", ip_address="192.0.2.1", user_agent="")

    vieil_evenement = evenement_enregistrer(verbe=INVITATION_ENVOYEE)
    Evenement.objects.filter(pk=vieil_evenement.pk).update(cree_le=_il_y_a(5 * 366))
    evenement_enregistrer(verbe=INVITATION_ENVOYEE)

    supprimes = appliquer_durees_conservation()

    assert supprimes["comptes_non_verifies"] >= 1
    restants = set(Utilisateur.objects.values_list("pk", flat=True))
    assert ancien_non_verifie.pk not in restants
    assert {recent_non_verifie.pk, ancien_verifie.pk, personnel_non_verifie.pk} <= restants
    assert list(Notification.objects.values_list("pk", flat=True)) == [fraiche.pk]
    assert list(Invitation.objects.values_list("pk", flat=True)) == [en_cours.pk]
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["y"]
    assert Evenement.objects.count() == 1


def test_demo_refusee_sans_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusé"):
        call_command("demo")
    assert not Utilisateur.objects.exists()
