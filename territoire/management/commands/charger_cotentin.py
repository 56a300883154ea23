"""`manage.py charger_cotentin [--dossier D]` : les 129 communes réelles, leurs contours et leurs pôles."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from territoire import DOSSIER_COTENTIN
from territoire.importeurs.commande import CommandeImport
from territoire.importeurs.cotentin import FICHIER_COMMUNES, FICHIER_CONTOURS, FICHIER_POLES, chemins_cotentin
from territoire.models import TypeImport


class Command(CommandeImport):
    help = _(
        "Charge les communes de la Communauté d'agglomération du Cotentin (code INSEE, nom, population), "
        "leurs contours et leurs pôles de proximité depuis les données ouvertes livrées avec le code "
        "(territoire/donnees_cotentin/, voir LISEZMOI.md). Recharger les mêmes fichiers ne change rien ; "
        "aucune commune ni aucun pôle n'est supprimé."
    )
    type_import = TypeImport.COTENTIN

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dossier",
            type=Path,
            default=DOSSIER_COTENTIN,
            help=_("Dossier qui contient %(fichiers)s (par défaut : %(dossier)s).")
            % {
                "fichiers": ", ".join((FICHIER_COMMUNES, FICHIER_CONTOURS, FICHIER_POLES)),
                "dossier": DOSSIER_COTENTIN,
            },
        )
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        # call_command(..., dossier="…") passe ses options sans les convertir : Path() ici.
        self.importer(chemins_cotentin(Path(options["dossier"])), options)
