"""Le programme de travail adopté en plénière et l'avancement des livrables."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conseil.models import (
    Livrable,
    ProgrammeDeTravail,
    Reunion,
    StatutProgramme,
)
from conseil.services._commun import Acteur
from conseil.workflows import PROGRAMME
from socle.services import modele_modifier
from socle.verbes import Verbe
from socle.workflows import transition

# Les actions que ce module écrit au journal d'audit.
LIVRABLE_AVANCEMENT = Verbe(
    "conseil.livrable.avancement", gettext_lazy("Avancement d'un livrable mis à jour")
)

# --- Programme de travail et livrables ---------------------------------------------------


def programme_adopter(
    *, programme: ProgrammeDeTravail, adopte_en: Reunion, acteur: Acteur
) -> ProgrammeDeTravail:
    with transaction.atomic():
        ProgrammeDeTravail.objects.select_for_update().filter(
            pk=programme.pk, statut=StatutProgramme.BROUILLON
        ).update(adopte_en=adopte_en)
        transition(
            programme,
            vers=StatutProgramme.ADOPTE,
            acteur=acteur,
            donnees={"adopte_en": adopte_en.pk},
            workflow=PROGRAMME,
        )
    programme.refresh_from_db()
    return programme


def livrable_mettre_a_jour(*, livrable: Livrable, acteur: Acteur, avancement: int) -> Livrable:
    if not 0 <= avancement <= 100:
        raise ValidationError({"avancement": _("L'avancement est un pourcentage, de 0 à 100.")})
    with transaction.atomic():
        verrouille = Livrable.objects.select_for_update().select_related("groupe").get(pk=livrable.pk)
        modele_modifier(
            objet=verrouille,
            champs={
                "avancement": avancement,
                "livre_le": (verrouille.livre_le or timezone.localdate()) if avancement == 100 else None,
            },
            acteur=acteur,
            verbe=LIVRABLE_AVANCEMENT,
            cible=verrouille.groupe,
            donnees={"livrable": verrouille.pk},
        )
    livrable.avancement, livrable.livre_le = verrouille.avancement, verrouille.livre_le
    return livrable
