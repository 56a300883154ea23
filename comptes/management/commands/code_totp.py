import time
from typing import Any

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comptes.demo import COMPTES_DEMO, GRAINE_TOTP_DEMO


class Command(BaseCommand):
    help = "Affiche le code TOTP courant d'un compte de démonstration (DEBUG seulement)."
    # Ni base ni Redis : le code se calcule depuis la graine connue. Pas de contrôles système
    # non plus (ceux des colonnes générées interrogent PostgreSQL) : la commande marche à côté
    # d'un `make run`, dont le PostgreSQL embarqué n'écoute pas sur le port par défaut.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Refusé : réservé aux comptes de démonstration, avec DJANGO_DEBUG=1.")
        if email.lower() not in {c.email for c in COMPTES_DEMO if c.avec_mfa}:
            raise CommandError(f"{email} n'est pas un compte de démonstration avec double authentification.")
        compteur = int(time.time()) // app_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(GRAINE_TOTP_DEMO, compteur)))
