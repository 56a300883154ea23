"""Ce que les services de financements partagent."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from financements.models import DemandeFinancement, StatutDemande
from financements.permissions import est_porteur
from socle.francais import euros, nombre
from socle.workflows import TransitionRefusee

Acteur = Any
CENTIME = Decimal("0.01")
ZERO = Decimal("0.00")
MONTANT_MAX = Decimal("9999999999.99")


def montant_lu(valeur: Any, *, champ: str = "montant", zero_permis: bool = False) -> Decimal:
    """Un montant en euros saisi à la française (« 12 500,50 ») ou déjà décimal ; jamais un
    flottant, au centime près. Refusé, il dit pourquoi : vide, illisible, négatif, trop grand
    pour la base (12 chiffres dont 2 décimales), ou plus fin que le centime."""
    if isinstance(valeur, float):
        raise TypeError("Un montant ne se passe jamais en flottant.")
    if isinstance(valeur, Decimal):
        montant = valeur
    else:
        texte = str(valeur or "").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        texte = texte.replace("€", "").replace(",", ".")
        if not texte:
            raise ValidationError({champ: _("Indiquez le montant.")})
        try:
            montant = Decimal(texte)
        except InvalidOperation:
            montant = Decimal("NaN")
    if not montant.is_finite():
        raise ValidationError(
            {
                champ: _("Montant illisible : écrivez un nombre, par exemple %(exemple)s.")
                % {"exemple": nombre(Decimal(12500), 2)}
            }
        )
    # Le signe et la taille avant quantize, qui lève InvalidOperation au-delà de 28 chiffres
    # (« 1e400 ») : un très grand montant est dit trop grand, jamais « pas positif ».
    if montant < 0 or (montant == 0 and not zero_permis):
        raise ValidationError({champ: _("Le montant doit être positif.")})
    if montant > MONTANT_MAX:
        raise ValidationError(
            {champ: _("Montant trop grand : au plus %(maximum)s.") % {"maximum": euros(MONTANT_MAX)}}
        )
    if montant != montant.quantize(CENTIME, rounding=ROUND_HALF_UP):
        raise ValidationError({champ: _("Un montant s'écrit au centime près (deux décimales au plus).")})
    return montant.quantize(CENTIME)


def demande_a_la_version(demande_id: int, version: int | None) -> DemandeFinancement:
    """La demande relue sous verrou, à la version que la page affichait : une page périmée
    (quelqu'un d'autre a agi depuis) est refusée plutôt que d'écraser son action."""
    verrouillee = DemandeFinancement.objects.select_for_update().get(pk=demande_id)
    if version is not None and verrouillee.version != version:
        raise TransitionRefusee(
            _(
                "La demande a changé depuis que vous avez ouvert la page (quelqu'un d'autre a agi) : "
                "rechargez-la et vérifiez avant de recommencer."
            ),
            code="page_perimee",
        )
    return verrouillee


def brouillon_modifiable(demande: DemandeFinancement, acteur: Acteur) -> DemandeFinancement:
    """Verrouille la demande : seuls ses porteurs modifient un brouillon."""
    verrouillee = (
        DemandeFinancement.objects.select_for_update().prefetch_related("coporteurs").get(pk=demande.pk)
    )
    if verrouillee.statut != StatutDemande.BROUILLON:
        raise ValidationError(_("La demande est déposée : son contenu ne change plus."))
    if not est_porteur(acteur, verrouillee):
        raise ValidationError(_("Seuls les porteurs de la demande la modifient."))
    return verrouillee
