"""`manage.py importer_rpps FICHIER [--date AAAA-MM-JJ]`"""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from territoire.importeurs.commande import CommandeImport
from territoire.models import TypeImport


class Command(CommandeImport):
    help = _(
        "Importe les professionnels de santé du territoire depuis l'extraction de l'Annuaire Santé "
        "PS_LibreAcces_Personne_activite_AAAAMMJJhhmm.txt (RPPS) et enregistre le relevé daté des effectifs."
    )
    type_import = TypeImport.RPPS

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "fichier", type=Path, help=_("Extraction PS_LibreAcces_Personne_activite (séparateur « | »).")
        )
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        self.importer({"fichier": Path(options["fichier"])}, options)
