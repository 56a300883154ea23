"""Les transitions d'un import de fichier : toutes faites par le portail lui-même."""

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from socle.verbes import Verbe
from socle.workflows import Transition, Workflow, systeme
from territoire.models import ImportFichier, StatutImport

# Les actions que ce module écrit au journal d'audit.
IMPORT_COMMENCE = Verbe("territoire.import.commence", gettext_lazy("Import commencé"))
IMPORT_ECHOUE = Verbe("territoire.import.echoue", gettext_lazy("Import échoué"))
IMPORT_TERMINE = Verbe("territoire.import.termine", gettext_lazy("Import terminé"))


def _debut(import_fichier: ImportFichier, acteur: Any) -> Iterable[str]:
    import_fichier.debute_le = timezone.now()
    import_fichier.progression = 0
    return ["debute_le", "progression"]


def _fin(import_fichier: ImportFichier, acteur: Any) -> Iterable[str]:
    import_fichier.termine_le = timezone.now()
    return ["termine_le"]


def _qui_l_a_lance(import_fichier: ImportFichier, acteur: Any) -> Iterable[Any]:
    return [import_fichier.lance_par] if import_fichier.lance_par_id else []


IMPORT = Workflow(
    modele="territoire.ImportFichier",
    transitions=(
        Transition(
            depuis=(StatutImport.EN_ATTENTE,),
            vers=StatutImport.EN_COURS,
            verbe=IMPORT_COMMENCE,
            libelle=_("Commencer"),
            autorise=systeme,
            effet=_debut,
        ),
        Transition(
            depuis=(StatutImport.EN_COURS,),
            vers=StatutImport.TERMINE,
            verbe=IMPORT_TERMINE,
            libelle=_("Terminer"),
            autorise=systeme,
            effet=_fin,
            destinataires=_qui_l_a_lance,
            titre_notification=_("Import terminé : %(objet)s"),
            gabarit_notification="territoire/notifications/import_termine.txt",
        ),
        Transition(
            depuis=(StatutImport.EN_ATTENTE, StatutImport.EN_COURS),
            vers=StatutImport.ECHOUE,
            verbe=IMPORT_ECHOUE,
            libelle=_("Échouer"),
            autorise=systeme,
            effet=_fin,
            motif_requis=True,
            destinataires=_qui_l_a_lance,
            titre_notification=_("Import échoué : %(objet)s"),
            gabarit_notification="territoire/notifications/import_echoue.txt",
        ),
    ),
)
