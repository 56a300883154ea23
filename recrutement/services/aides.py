"""Les demandes d'aide à l'installation (emploi du conjoint, logement) cochées par un candidat :
les agents de l'agglomération les prennent en charge, en attendant que l'accompagnement à
l'installation (issue « installation ») les reçoive."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recrutement.models import Candidature
from recrutement.permissions import suit_le_recrutement
from socle.services import evenement_enregistrer
from socle.verbes import Verbe

AIDE_PRISE_EN_CHARGE = Verbe(
    "recrutement.aide.prise_en_charge", gettext_lazy("Demande d'aide à l'installation prise en charge")
)


def aide_prendre_en_charge(
    *, candidature: Candidature, acteur: Any, maintenant: datetime | None = None
) -> Candidature:
    """L'agent `acteur` prend en charge la demande d'aide de la candidature (une fois)."""
    maintenant = maintenant or timezone.now()
    if not suit_le_recrutement(acteur):
        raise ValidationError(
            _("Seuls les agents qui suivent le recrutement prennent en charge une demande.")
        )
    with transaction.atomic():
        candidature = Candidature.objects.select_for_update().get(pk=candidature.pk)
        if not candidature.demande_une_aide or candidature.anonymisee_le is not None:
            raise ValidationError(_("Cette candidature ne demande pas d'aide à l'installation."))
        if candidature.aide_prise_en_charge_le is not None:
            raise ValidationError(_("Cette demande est déjà prise en charge."))
        candidature.aide_prise_en_charge_le = maintenant
        candidature.aide_prise_en_charge_par = acteur
        candidature.save(update_fields=["aide_prise_en_charge_le", "aide_prise_en_charge_par"])
        evenement_enregistrer(
            verbe=AIDE_PRISE_EN_CHARGE,
            acteur=acteur,
            cible=candidature,
            donnees={
                "emploi_conjoint": candidature.aide_emploi_conjoint,
                "logement": candidature.aide_logement,
            },
        )
    return candidature
