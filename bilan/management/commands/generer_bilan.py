"""`python manage.py generer_bilan 2025 [--wait]` : demande une version du bilan de l'année,
comme le bouton du secrétariat ; avec --wait, attend que le worker l'ait écrite et imprime le
chemin du PDF."""

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bilan.models import EtatGeneration, VersionBilan
from bilan.services import bilan_demander


class Command(BaseCommand):
    help = "Génère une nouvelle version du bilan annuel d'une année (par le worker Celery)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("annee", type=int, help="l'année du bilan, par exemple 2025")
        parser.add_argument("--wait", action="store_true", help="attendre le PDF et imprimer son chemin")
        parser.add_argument(
            "--delai", type=int, default=600, help="avec --wait : secondes d'attente au plus (600)"
        )

    def handle(self, *args: Any, annee: int, wait: bool, delai: int, **options: Any) -> None:
        try:
            version, cree = bilan_demander(annee=annee, acteur=None)
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from erreur
        if cree:
            self.stdout.write(f"Bilan {annee} : version {version.numero} demandée au worker.")
        else:
            self.stdout.write(
                f"Bilan {annee} : la version {version.numero} est déjà en cours de génération ; "
                "aucune autre n'est lancée."
            )
        if not wait:
            return
        fin = time.monotonic() + delai
        while time.monotonic() < fin:
            version = VersionBilan.objects.select_related("document").get(pk=version.pk)
            if version.etat == EtatGeneration.PRETE and version.document is not None:
                self.stdout.write(
                    f"Version {version.numero} prête : {version.pages} pages, SHA-256 {version.empreinte}"
                )
                self.stdout.write(version.document.fichier.path)
                return
            if version.echouee:
                raise CommandError(version.erreur or "La génération s'est interrompue.")
            time.sleep(0.5)
        raise CommandError(
            f"Le PDF n'est pas écrit après {delai} s (version {version.numero}) : "
            "le worker Celery tourne-t-il ?"
        )
