"""Courriels en deux parties : `<gabarit>.txt` pour le texte, `<gabarit>.html` pour le HTML.

Le sujet vient du contexte (déjà traduit) ; les liens sont absolus grâce à PORTAIL_URL.
Un gabarit `.txt` se rend par `texte_rendre`, sans échappement HTML ; un `.html` par le
moteur ordinaire, qui échappe.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def texte_rendre(gabarit: str, contexte: dict[str, Any]) -> str:
    """Rend un gabarit de texte brut (`.txt`) par le moteur « texte », qui n'échappe rien :
    « l'état & d'octobre » reste tel quel dans le message stocké et la partie texte du
    courriel ; ce qui l'affiche en HTML l'échappera, une seule fois."""
    return render_to_string(gabarit, contexte, using="texte")


def lien_absolu(chemin: str) -> str:
    if not chemin or chemin.startswith(("http://", "https://")):
        return chemin
    return f"{settings.PORTAIL_URL}{chemin}"


def courriel_construire(
    *, gabarit: str, sujet: str, destinataire: str, contexte: dict[str, Any]
) -> EmailMultiAlternatives:
    contexte = {**contexte, "portail_url": settings.PORTAIL_URL, "sujet": sujet}
    texte = texte_rendre(f"{gabarit}.txt", contexte)
    html = render_to_string(f"{gabarit}.html", contexte)
    message = EmailMultiAlternatives(
        subject=f"[Conseil de santé du Cotentin] {sujet}",
        body=texte,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[destinataire],
    )
    message.attach_alternative(html, "text/html")
    return message
