"""Temps de rendu des pages du socle, en rapport à une page statique mesurée dans la même exécution.

Imprime une ligne par mesure : `<nom> <rapport>`. Échelle réaliste : 200 notifications et
150 invitations ; échelle ×10 : 2 000 et 1 500.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotentin_sante.settings_test")

import warnings  # noqa: E402

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

REPETITIONS = 25


def mediane(client: Client, url: str) -> float:
    client.get(url)  # chauffe : gabarits compilés, connexion ouverte
    durees = []
    for _ in range(REPETITIONS):
        debut = time.perf_counter()
        reponse = client.get(url)
        durees.append(time.perf_counter() - debut)
        assert reponse.status_code == 200, (url, reponse.status_code)
    return statistics.median(durees)


def peupler(agent: Any, personne: Any, facteur: int) -> int:
    from comptes.models import Invitation
    from socle.models import Evenement, Notification

    Notification.objects.bulk_create(
        Notification(
            destinataire=personne, verbe="bench", titre=f"Notification {i}", message="Texte " * 20, url="/"
        )
        for i in range(200 * facteur)
    )
    invitations = Invitation.objects.bulk_create(
        Invitation(email=f"bench{facteur}-{i}@exemple.fr", invite_par=agent, statut="revoquee")
        for i in range(150 * facteur)
    )
    groupes = list(Group.objects.all()[:2])
    for invitation in invitations[:50]:
        invitation.groupes.set(groupes)
    cible = invitations[0]
    from django.contrib.contenttypes.models import ContentType

    type_invitation = ContentType.objects.get_for_model(cible)
    Evenement.objects.bulk_create(
        Evenement(
            acteur=agent,
            verbe="comptes.invitation.renvoyee",
            cible_type=type_invitation,
            cible_id=str(cible.pk),
            cible_libelle=str(cible),
        )
        for _ in range(20 * facteur)
    )
    return cible.pk


def main() -> None:
    setup_test_environment()
    nom_base = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from comptes.models import Utilisateur
        from comptes.roles import GROUPES, Role

        agent = Utilisateur.objects.create_user(
            "agent-bench@exemple.fr", "x", is_staff=True, is_superuser=True
        )
        agent.groups.add(Group.objects.get(name=GROUPES[Role.AGENT]))
        personne = Utilisateur.objects.create_user("pro-bench@exemple.fr", "x")
        from allauth.mfa.totp.internal.auth import TOTP

        TOTP.activate(agent, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        client_agent, client_pro, anonyme = Client(), Client(), Client()
        client_agent.force_login(agent)
        client_pro.force_login(personne)

        reference = mediane(anonyme, "/accessibilite/")
        resultats: dict[str, dict[int, float]] = {}
        for facteur in (1, 10):
            if facteur == 10:
                from comptes.models import Invitation
                from socle.models import Evenement, Notification

                Evenement.objects.all().delete()
                Notification.objects.all().delete()
                Invitation.objects.all().delete()
            cible = peupler(agent, personne, facteur)
            pages = {
                "accueil_connecte": (client_pro, "/"),
                "notifications_liste": (client_pro, "/notifications/"),
                "invitations_liste": (client_agent, "/mon-compte/invitations/"),
                "invitation_chronologie": (client_agent, f"/mon-compte/invitations/{cible}/"),
                "admin_journal": (client_agent, "/admin/socle/evenement/"),
            }
            for nom, (client, url) in pages.items():
                resultats.setdefault(nom, {})[facteur] = mediane(client, url)
        for nom, temps in resultats.items():
            print(f"{nom}_sur_page_statique {temps[1] / reference:.2f}")
            print(f"{nom}_x10_sur_x1 {temps[10] / temps[1]:.2f}")
    finally:
        connection.creation.destroy_test_db(nom_base, verbosity=0)


if __name__ == "__main__":
    main()
