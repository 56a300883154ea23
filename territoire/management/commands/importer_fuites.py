"""`python manage.py importer_fuites CSV` : les patients du territoire soignés hors du territoire."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from territoire.importeurs.commande import CommandeImport
from territoire.models import TypeImport


class Command(CommandeImport):
    help = (
        "Importe les fuites de patients (part des patients du territoire soignés hors du "
        "territoire, par spécialité et par année, d'après l'étude PMSI du GCS). Tableau CSV en "
        "UTF-8, champs séparés par des points-virgules ou des virgules, en-tête "
        "« annee;specialite;patients;patients_hors_territoire;destination_principale » "
        "(destination_principale facultative). Un nouvel import met à jour les chiffres d'une "
        "année et d'une spécialité déjà connues."
    )
    type_import = TypeImport.FUITES

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "fichier",
            help=(
                "Le tableau CSV : annee;specialite;patients;patients_hors_territoire;destination_principale."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.importer({"fichier": Path(options["fichier"])}, options)
