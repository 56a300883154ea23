"""Fabriques du bilan annuel : des versions à chaque étape, construites sans WeasyPrint.

Une version « prête » reçoit un PDF minimal d'une page, déposé par `document_deposer` et
rattaché à la version (le droit de lire le document suit celui de lire la version) ; les
étapes de la vie du document (adoption, transmissions) sont écrites par l'ORM, pour les
tests qui ne portent pas sur le workflow lui-même (matrice des droits, pages, requêtes).
Les tests du workflow passent, eux, par les services.
"""

import datetime as dt
from functools import cache
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bilan.models import BilanAnnuel, EtatGeneration, StatutBilan, VersionBilan
from conseil.models import PointOrdreDuJour, Reunion, StatutReunion
from socle.services import document_deposer
from tests.conseil.factories import ConseilFactory, PointFactory, ReunionFactory
from tests.financements.factories import pdf_minimal

CHIFFRES = [
    {"section": "Le Conseil de santé", "libelle": "Séances tenues", "valeur": "2", "precision": ""},
    {
        "section": "Les demandes de financement",
        "libelle": "Montant accordé",
        "valeur": "25 000,00 €",
        "precision": "dont 12 000,00 € par l'agglomération",
    },
]


@cache
def _pdf(titre: str) -> bytes:
    return pdf_minimal(titre)


def _numero_suivant(bilan: BilanAnnuel) -> int:
    dernier = bilan.versions.order_by("-numero").values_list("numero", flat=True).first()
    return (dernier or 0) + 1


def version(
    annee: int = 2025,
    *,
    etat: str = EtatGeneration.EN_ATTENTE,
    demandee_par: Any = None,
    **champs: Any,
) -> VersionBilan:
    """Une version sans document (en attente, en cours, échouée), au numéro suivant de l'année."""
    bilan, _cree = BilanAnnuel.objects.get_or_create(annee=annee)
    valeurs: dict[str, Any] = {"etape": "En attente du worker"}
    if etat == EtatGeneration.EN_COURS:
        valeurs |= {"etape": "Rassemblement : Le Conseil de santé", "progression": 35}
        valeurs["commencee_le"] = timezone.now()
    elif etat == EtatGeneration.ECHOUEE:
        valeurs |= {
            "etape": "Rassemblement : Le Conseil de santé",
            "progression": 35,
            "commencee_le": timezone.now() - dt.timedelta(minutes=2),
            "terminee_le": timezone.now() - dt.timedelta(minutes=1),
            "erreur": "La génération a échoué : la section du Conseil n'a pas pu être lue.",
        }
    return VersionBilan.objects.create(
        bilan=bilan,
        numero=champs.pop("numero", None) or _numero_suivant(bilan),
        etat=etat,
        demandee_par=demandee_par,
        **(valeurs | champs),
    )


def version_prete(
    annee: int = 2025, *, demandee_par: Any = None, pages: int = 1, **champs: Any
) -> VersionBilan:
    """Une version prête, brouillon : un PDF minimal déposé et rattaché, son empreinte."""
    nouvelle = version(annee, etat=EtatGeneration.ECHOUEE, demandee_par=demandee_par, erreur="")
    document = document_deposer(
        fichier=SimpleUploadedFile(nouvelle.nom_fichier, _pdf(str(nouvelle)), content_type="application/pdf"),
        acteur=None,
        titre=str(nouvelle),
        objet=nouvelle,
    )
    maintenant = timezone.now()
    valeurs: dict[str, Any] = {
        "etat": EtatGeneration.PRETE,
        "document": document,
        "empreinte": document.empreinte,
        "pages": pages,
        "progression": 100,
        "etape": "Terminée",
        "commencee_le": maintenant - dt.timedelta(minutes=1),
        "terminee_le": maintenant,
        "chiffres": CHIFFRES,
    }
    VersionBilan.objects.filter(pk=nouvelle.pk).update(**(valeurs | champs))
    nouvelle.refresh_from_db()
    return nouvelle


def seance_du_conseil(*, il_y_a_jours: int = 10, titre: str = "Séance plénière de printemps") -> Reunion:
    """Une séance du Conseil tenue (par l'ORM, sans convocation), avec un point de décision."""
    debut = (timezone.localtime() - dt.timedelta(days=il_y_a_jours)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    reunion = ReunionFactory(instance=ConseilFactory(), titre=titre, debut=debut, statut=StatutReunion.TENUE)
    PointFactory(reunion=reunion, ordre=1, titre="Adoption du bilan annuel")
    return reunion


def adoptee(
    annee: int = 2025,
    *,
    reunion: Reunion | None = None,
    adopte_le: dt.date | None = None,
    **champs: Any,
) -> VersionBilan:
    """Une version prête, adoptée en séance (publiée), écrite par l'ORM."""
    reunion = reunion or seance_du_conseil()
    nouvelle = version_prete(annee, **champs)
    point: PointOrdreDuJour | None = reunion.points.order_by("ordre").first()
    VersionBilan.objects.filter(pk=nouvelle.pk).update(
        statut=StatutBilan.ADOPTE,
        reunion=reunion,
        point=point,
        adopte_le=adopte_le or timezone.localtime(reunion.debut).date(),
    )
    nouvelle.refresh_from_db()
    return nouvelle


def transmise_cc(
    annee: int = 2025, *, le: dt.date | None = None, deliberation: str = "DEL2026_045", **champs: Any
) -> VersionBilan:
    """Une version adoptée puis transmise au Conseil communautaire, qui en a pris acte."""
    nouvelle = adoptee(annee, **champs)
    VersionBilan.objects.filter(pk=nouvelle.pk).update(
        statut=StatutBilan.TRANSMIS_CC,
        transmis_cc_le=le or nouvelle.adopte_le,
        deliberation_cc=deliberation,
        pris_acte=True,
    )
    nouvelle.refresh_from_db()
    return nouvelle
