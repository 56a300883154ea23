"""Le programme de travail adopté en plénière et l'avancement des livrables."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conseil.models import (
    Livrable,
    ProgrammeDeTravail,
    Reunion,
    StatutProgramme,
)
from conseil.services._commun import Acteur
from conseil.workflows import PROGRAMME
from socle.services import evenement_enregistrer
from socle.workflows import transition

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
        verrouille = Livrable.objects.select_for_update().get(pk=livrable.pk)
        avant = verrouille.avancement
        verrouille.avancement = avancement
        verrouille.livre_le = (verrouille.livre_le or timezone.localdate()) if avancement == 100 else None
        verrouille.save(update_fields=["avancement", "livre_le"])
        evenement_enregistrer(
            verbe="conseil.livrable.avancement",
            acteur=acteur,
            cible=verrouille.groupe,
            donnees={"livrable": verrouille.pk, "avant": avant, "apres": avancement},
        )
    livrable.avancement, livrable.livre_le = verrouille.avancement, verrouille.livre_le
    return livrable
