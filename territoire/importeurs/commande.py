"""La base des commandes `importer_*` : mêmes vérifications, même rapport que l'administration."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from territoire.importeurs.base import FichierRefuse
from territoire.models import StatutImport
from territoire.rapport import Rapport
from territoire.services import import_depuis_commande

# Les premiers rejets sont affichés ; tous restent dans le rapport de l'import.
REJETS_AFFICHES = 20


def date_iso(valeur: str) -> date:
    try:
        return date.fromisoformat(valeur)
    except ValueError as erreur:
        raise CommandError(
            _("Date attendue au format AAAA-MM-JJ, reçu : « %(valeur)s ».") % {"valeur": valeur}
        ) from erreur


class CommandeImport(BaseCommand):
    type_import: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=date_iso,
            dest="date_extraction",
            help=_("Date des données (AAAA-MM-JJ) ; par défaut, celle du nom du fichier, sinon aujourd'hui."),
        )

    def importer(self, chemins: dict[str, Path], options: dict[str, Any]) -> None:
        for chemin in chemins.values():
            if not chemin.is_file():
                raise CommandError(_("Fichier introuvable : %(chemin)s") % {"chemin": chemin})
        try:
            import_fichier = import_depuis_commande(
                type_import=self.type_import,
                chemins=chemins,
                date_extraction=options.get("date_extraction"),
                afficher=self.stdout.write if options.get("verbosity", 1) >= 2 else None,
            )
        except FichierRefuse as refus:
            raise CommandError(refus.message) from refus
        if import_fichier.statut == StatutImport.ECHOUE:
            raise CommandError(import_fichier.erreur)
        rapport = Rapport.depuis_json(import_fichier.rapport)
        self.stdout.write(self.style.SUCCESS(rapport.resume()))
        for remarque in rapport.remarques:
            self.stdout.write(remarque)
        for rejet in rapport.rejets[:REJETS_AFFICHES]:
            self.stdout.write(
                _("Ligne %(ligne)s rejetée : %(motif)s") % {"ligne": rejet.ligne, "motif": rejet.motif}
            )
        if rapport.rejetes > REJETS_AFFICHES:
            self.stdout.write(
                _("… et %(n)s autres rejets, détaillés dans l'administration (import n° %(numero)s).")
                % {"n": rapport.rejetes - REJETS_AFFICHES, "numero": import_fichier.pk}
            )
