"""Le balisage schema.org `JobPosting` d'une offre, selon les règles de Google pour les offres
d'emploi : sur la page de l'offre seulement, rien qui ne soit aussi écrit sur la page,
`validThrough` toujours, `employmentType` en liste quand l'offre en a plusieurs (exercice
mixte), l'employeur identifié par son FINESS ou, à défaut, son SIRET.

Le JSON est posé dans `<script type="application/ld+json">` : un bloc de données que le
navigateur n'exécute pas (la CSP, qui n'autorise que les scripts du portail, ne le bloque donc
pas) ; `<`, `>` et `&` y sont écrits en `\\u003C`… comme le fait `json_script` de Django, pour
qu'un texte tapé par un recruteur ne ferme jamais la balise.
"""

import json
from datetime import datetime, time
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from recrutement.models import ModePart, Offre, PeriodeRemuneration, TypeContrat
from socle.courriels import lien_absolu
from territoire.models import Structure

REGION = "Normandie"
PAYS = "FR"
UNITES: dict[str, str] = {
    PeriodeRemuneration.AN: "YEAR",
    PeriodeRemuneration.MOIS: "MONTH",
    PeriodeRemuneration.JOUR: "DAY",
}
ECHAPPEMENTS = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def types_d_emploi(offre: Offre) -> list[str]:
    """Les `employmentType` de Google : FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY…"""
    temps = "FULL_TIME" if offre.quotite >= 100 else "PART_TIME"
    if offre.type_contrat == TypeContrat.MIXTE:
        types = []
        for part in offre.parts.all():
            type_part = "PART_TIME" if part.mode == ModePart.SALARIE else "CONTRACTOR"
            if type_part not in types:
                types.append(type_part)
        return types or ["PART_TIME", "CONTRACTOR"]
    if offre.type_contrat == TypeContrat.SALARIE:
        return [temps]
    if offre.type_contrat == TypeContrat.REMPLACEMENT:
        return ["TEMPORARY"]
    return ["CONTRACTOR"]


def identifiant(structure: Structure) -> dict[str, str] | None:
    if structure.finess:
        return {"@type": "PropertyValue", "propertyID": "FINESS", "value": structure.finess}
    if structure.siret:
        return {"@type": "PropertyValue", "propertyID": "SIRET", "value": structure.siret}
    return None


def _adresse(*, localite: str, code_postal: str = "", rue: str = "") -> dict[str, str]:
    adresse = {"@type": "PostalAddress"}
    if rue:
        adresse["streetAddress"] = rue
    adresse["addressLocality"] = localite
    if code_postal:
        adresse["postalCode"] = code_postal
    adresse |= {"addressRegion": REGION, "addressCountry": PAYS}
    return adresse


def lieux(offre: Offre) -> list[dict[str, str]]:
    """Les adresses des lieux d'exercice, dans l'ordre où la page les montre."""
    adresses = [
        _adresse(localite=s.commune.nom, code_postal=s.code_postal, rue=s.adresse)
        for s in offre.structures.all()
        if s.commune is not None
    ]
    adresses += [_adresse(localite=c.nom) for c in offre.communes.all()]
    return adresses


def fin_du_jour(offre: Offre) -> datetime:
    """La date limite s'entend jusqu'au soir, à l'heure de Paris."""
    return datetime.combine(offre.date_limite, time(23, 59, 59), tzinfo=timezone.get_default_timezone())


def job_posting(offre: Offre) -> dict[str, Any]:
    donnees: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": offre.titre,
        "description": offre.description,
        "datePosted": timezone.localdate(offre.publiee_le).isoformat() if offre.publiee_le else None,
        "validThrough": fin_du_jour(offre).isoformat(),
        "url": lien_absolu(offre.url_publique()),
    }
    types = types_d_emploi(offre)
    donnees["employmentType"] = types if len(types) > 1 else types[0]
    organisation: dict[str, Any] = {"@type": "Organization", "name": offre.employeur.nom}
    if (ident := identifiant(offre.employeur)) is not None:
        organisation["identifier"] = ident
    donnees["hiringOrganization"] = organisation
    donnees["jobLocation"] = [{"@type": "Place", "address": adresse} for adresse in lieux(offre)]
    if offre.remuneration_min is not None or offre.remuneration_max is not None:
        valeur: dict[str, Any] = {
            "@type": "QuantitativeValue",
            "unitText": UNITES[offre.remuneration_periode],
        }
        if offre.remuneration_min is not None:
            valeur["minValue"] = float(offre.remuneration_min)
        if offre.remuneration_max is not None:
            valeur["maxValue"] = float(offre.remuneration_max)
        donnees["baseSalary"] = {"@type": "MonetaryAmount", "currency": "EUR", "value": valeur}
    if offre.debut:
        donnees["jobStartDate"] = offre.debut.isoformat()
    return {cle: valeur for cle, valeur in donnees.items() if valeur is not None}


def balise(donnees: dict[str, Any]) -> SafeString:
    texte = json.dumps(donnees, ensure_ascii=False, indent=None).translate(ECHAPPEMENTS)
    return mark_safe(f'<script type="application/ld+json">{texte}</script>')  # noqa: S308  (échappé ci-dessus)
