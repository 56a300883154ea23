"""Temps de rendu des pages du socle, en rapport à une page statique mesurée dans la même exécution.

Imprime une ligne par mesure : `<nom> <rapport>`. Échelle réaliste : 200 notifications,
150 invitations et 150 événements sur une invitation ; échelle ×10 : dix fois plus. À chaque
échelle, les pages paginées ou bornées sont pleines (25 notifications ou invitations, 50
événements de chronologie, 100 lignes du journal) : le rapport ×10/×1 mesure ce que coûtent
les lignes en plus dans la base, pas des lignes en plus à l'écran.
"""

from typing import Any

from _outils import base_de_mesure, client_agent, rapport
from django.contrib.auth.models import Group
from django.test import Client


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
    with base_de_mesure():
        from comptes.models import Utilisateur

        client_de_l_agent = client_agent()
        agent = Utilisateur.objects.get(email="agent-bench@exemple.fr")
        personne = Utilisateur.objects.create_user("pro-bench@exemple.fr", "x")
        client_pro, anonyme = Client(), Client()
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
                "invitations_liste": (client_de_l_agent, "/mon-compte/invitations/"),
                "invitation_chronologie": (client_de_l_agent, f"/mon-compte/invitations/{cible}/"),
                "admin_journal": (client_de_l_agent, "/admin/socle/evenement/"),
            }
            for nom, (client, url) in pages.items():
                resultats.setdefault(nom, {})[facteur] = rapport(client, url, reference)
        for nom, rapports in resultats.items():
            print(f"{nom}_sur_page_statique {rapports[1]:.2f}")
            print(f"{nom}_x10_sur_x1 {rapports[10] / rapports[1]:.2f}")


if __name__ == "__main__":
    main()
