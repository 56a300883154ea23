"""Le territoire de l'agglomération et ses acteurs de santé.

Les données réelles du territoire (communes, contours, pôles) sont dans `donnees_cotentin/`,
avec leur provenance ; les mentions ci-dessous sont celles que leurs licences demandent.
"""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

DOSSIER_COTENTIN = Path(__file__).resolve().parent / "donnees_cotentin"

# Licence Ouverte : citer la source.
ATTRIBUTION_COMMUNES = _(
    "Communes et populations : INSEE, DGCL et La Poste, via @etalab/decoupage-administratif "
    "(Licence Ouverte / Etalab)."
)
ATTRIBUTION_CONTOURS = _("Contours des communes : IGN, ADMIN EXPRESS COG 2018 simplifié (Licence Ouverte).")
# ODbL 1.0 (attribution et partage à l'identique) : à afficher sur toute page qui montre les
# pôles de proximité tels que `charger_cotentin` les a rattachés.
ATTRIBUTION_POLES = _(
    "Pôles de proximité d'après les communautés de communes de 2016 : INSEE, table d'appartenance "
    "géographique des communes, redistribuée par antuki/COGugaison (ODbL 1.0)."
)
