"""L'accord pour le vivier du recrutement, donné à l'inscription à une rencontre de promotion
(`Rencontre.propose_le_vivier`) : daté, son texte exact gardé avec l'inscription, retiré à tout
moment depuis la page de l'inscription. Sans accord, ou retiré, la personne n'est pas suivie
jusqu'à sa candidature (`rencontres.attractivite`)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencontres.models import Inscription
from socle.services import evenement_enregistrer
from socle.verbes import Verbe

ACCORD_VIVIER_DONNE = Verbe("rencontres.vivier.accord_donne", gettext_lazy("Accord pour le vivier donné"))
ACCORD_VIVIER_RETIRE = Verbe("rencontres.vivier.accord_retire", gettext_lazy("Accord pour le vivier retiré"))

# La durée de l'accord, dite dans son texte et dans le registre (docs/rgpd.md §14 bis).
DUREE_ACCORD_VIVIER_ANS = 2


def texte_accord_vivier() -> str:
    """Le texte exact que la personne accepte en cochant la case ; gardé tel quel avec son
    inscription (`Inscription.accord_vivier_texte`)."""
    return _(
        "J'accepte que l'agglomération du Cotentin et le GCS Partenaires Santé du Cotentin "
        "me proposent des offres d'emploi et d'installation dans le Cotentin, et suivent mes "
        "candidatures à ces offres, pendant %(ans)s ans à compter de ce jour ; je peux retirer "
        "cet accord à tout moment depuis ma page d'inscription."
    ) % {"ans": DUREE_ACCORD_VIVIER_ANS}


def accord_vivier_actif(inscription: Inscription) -> bool:
    return inscription.accord_vivier_le is not None and inscription.accord_vivier_retire_le is None


def accord_vivier_retirer(
    *, inscription: Inscription, acteur: object = None, maintenant: datetime | None = None
) -> Inscription:
    """Retire l'accord pour le vivier : la personne n'est plus suivie. Rejoué, ne fait rien de
    plus ; sans accord donné, refus."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        inscription = Inscription.objects.select_for_update().get(pk=inscription.pk)
        if inscription.accord_vivier_le is None:
            raise ValidationError(
                {"accord_vivier": [_("Vous n'avez pas donné d'accord pour le vivier à cette inscription.")]}
            )
        if inscription.accord_vivier_retire_le is not None:
            return inscription
        inscription.accord_vivier_retire_le = maintenant
        inscription.save(update_fields=["accord_vivier_retire_le"])
        evenement_enregistrer(verbe=ACCORD_VIVIER_RETIRE, acteur=acteur, cible=inscription)
    return inscription
