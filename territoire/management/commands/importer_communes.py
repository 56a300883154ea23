"""`manage.py importer_communes COG_CSV EPCI_XLSX [--populations CSV] [--poles CSV]`"""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from territoire.importeurs.commande import CommandeImport
from territoire.models import TypeImport


class Command(CommandeImport):
    help = _(
        "Importe les communes de la Communauté d'agglomération du Cotentin depuis le code officiel "
        "géographique de l'INSEE (v_commune_AAAA.csv) et la composition communale des EPCI "
        "(Intercommunalite_Metropole_au_01-01-AAAA.xlsx) ; en option, les populations et les pôles de "
        "proximité."
    )
    type_import = TypeImport.COMMUNES

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cog", type=Path, help=_("Fichier des communes du COG (CSV de l'INSEE)."))
        parser.add_argument("epci", type=Path, help=_("Classeur de composition communale des EPCI (.xlsx)."))
        parser.add_argument(
            "--populations",
            type=Path,
            help=_("Tableau CSV « code_insee,population » (colonne « annee » facultative)."),
        )
        parser.add_argument(
            "--poles",
            type=Path,
            help=_(
                "Tableau CSV « code_insee,pole » : rattache chaque commune à son pôle de proximité (créé au "
                "besoin). Sans lui, les rattachements existants sont gardés."
            ),
        )
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        # call_command(..., poles="…") passe ses options sans les convertir : Path() ici.
        chemins = {"fichier": Path(options["cog"]), "fichier_epci": Path(options["epci"])}
        if options["populations"]:
            chemins["fichier_populations"] = Path(options["populations"])
        if options["poles"]:
            chemins["fichier_poles"] = Path(options["poles"])
        self.importer(chemins, options)
