from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cotentin_sante import demo


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent ; refusé quand DEBUG est éteint)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Refusé : les données de démonstration (mots de passe connus) ne se chargent "
                "que sur un poste de développement, avec DJANGO_DEBUG=1."
            )
        demo.charger(afficher=self.stdout.write)
