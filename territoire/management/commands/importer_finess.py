"""`python manage.py importer_finess FICHIER` : les établissements FINESS du territoire."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from territoire.importeurs.commande import CommandeImport
from territoire.models import TypeImport


class Command(CommandeImport):
    help = (
        "Importe les établissements du territoire depuis l'extraction FINESS d'etalab "
        "(etalab-cs1100507-stock-AAAAMMJJ-hhmm.csv, sur data.gouv.fr) : Latin-1, champs séparés "
        "par des points-virgules, sans en-tête ; première ligne « finess;etalab;<version>;<date> », "
        "puis les lignes « structureet » (32 champs) et « geolocalisation » (Lambert-93). "
        "Seuls les établissements des communes du territoire sont gardés ; un nouvel import met "
        "à jour sans créer de doublon."
    )
    type_import = TypeImport.FINESS

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "fichier", help="L'extraction FINESS d'etalab (etalab-cs1100507-stock-AAAAMMJJ-hhmm.csv)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.importer({"fichier": Path(options["fichier"])}, options)
