"""Temps de rendu des pages du socle, en rapport à une page statique mesurée dans la même exécution.

Imprime une ligne par mesure : `<nom> <rapport>`. Échelle réaliste : 200 notifications,
150 invitations et 150 événements sur une invitation ; échelle ×10 : dix fois plus. À chaque
échelle, les pages paginées ou bornées sont pleines (25 notifications ou invitations, 50
événements de chronologie, 100 lignes du journal) : le rapport ×10/×1 mesure ce que coûtent
les lignes en plus dans la base, pas des lignes en plus à l'écran.
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

REPETITIONS = 40


def _duree(client: Client, url: str) -> float:
    debut = time.perf_counter()
    reponse = client.get(url)
    duree = time.perf_counter() - debut
    assert reponse.status_code == 200, (url, reponse.status_code)
    return duree


def rapport(client: Client, url: str, reference: tuple[Client, str]) -> float:
    """Médiane des rapports page / page de référence, mesurées en alternance : une
    variation de charge de la machine touche les deux mesures d'une même paire."""
    _duree(client, url)  # chauffe : gabarits compilés, connexion ouverte
    _duree(*reference)
    return statistics.median(_duree(client, url) / _duree(*reference) for _ in range(REPETITIONS))


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
        for _ in range(150 * facteur)
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

        reference = (anonyme, "/accessibilite/")
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
                resultats.setdefault(nom, {})[facteur] = rapport(client, url, reference)
        for nom, rapports in resultats.items():
            print(f"{nom}_sur_page_statique {rapports[1]:.2f}")
            print(f"{nom}_x10_sur_x1 {rapports[10] / rapports[1]:.2f}")
    finally:
        connection.creation.destroy_test_db(nom_base, verbosity=0)


if __name__ == "__main__":
    main()
