"""Ce que le recrutement efface d'un candidat, et ce qu'il garde pour les statistiques.

`candidat_anonymiser` est la seule écriture qui efface : le candidat qui efface ses données
depuis son espace, la tâche de nuit qui applique les durées de conservation (CNIL : trois mois
après la fin d'un recrutement sans consentement au vivier ; deux ans au plus après le dernier
contact au vivier) et la fusion de deux fiches (la fiche absorbée) y passent tous.

Effacés : nom, prénom, adresse, téléphone, RPPS, pôles souhaités, compte rattaché, les pièces
(fichiers et lignes), le message aux recruteurs, la demande d'aide, les notes des recruteurs,
les alertes à son adresse ; les consentements encore actifs sont retirés et leur texte gardé
(preuve de ce qui a été accepté, sans la personne). Gardés, sans personne derrière : la
profession et la spécialité, l'offre, la source, l'étape et les dates de chaque candidature,
les consultations des pièces (qui, quand), pour le tableau de bord et le bilan (docs/rgpd.md §12).
Le journal d'audit garde les actions (qui a fait quoi, quand) mais plus le nom de la personne
ni celui de ses fichiers.
"""

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from recrutement.donnees import donnees_du_candidat
from recrutement.models import Alerte, Candidat, Candidature, Consentement, NoteCandidature, PieceCandidature
from socle.models import Document, Evenement
from socle.services import evenement_enregistrer
from socle.verbes import Verbe

DONNEES_DU_CANDIDAT_EXPORTEES = Verbe(
    "recrutement.candidat.donnees_exportees", gettext_lazy("Données du candidat téléchargées")
)
CANDIDAT_ANONYMISE = Verbe(
    "recrutement.candidat.anonymise", gettext_lazy("Données du candidat effacées"), precision="motif"
)


def _journal_sans_la_personne(candidat: Candidat, candidatures: list[int]) -> None:
    """Le journal d'audit survit à l'effacement, mais pas ce qu'il disait de la personne : le
    libellé de ses lignes (« Candidature de Camille Lefèvre — … ») devient celui de la fiche
    anonymisée, et le nom des fichiers déposés (« CV_Camille_Lefevre.pdf ») disparaît de leurs
    données. Les actions, leurs dates et leurs auteurs restent."""
    lignes = Evenement.objects.filter(
        Q(cible_type=ContentType.objects.get_for_model(Candidat), cible_id=str(candidat.pk))
        | Q(
            cible_type=ContentType.objects.get_for_model(Candidature),
            cible_id__in=[str(pk) for pk in candidatures],
        )
    )
    lignes.update(cible_libelle=str(candidat), motif="")
    for ligne in lignes.filter(donnees__has_key="nom"):
        ligne.donnees = {cle: valeur for cle, valeur in ligne.donnees.items() if cle != "nom"}
        ligne.save(update_fields=["donnees"])


class Motif:
    """Pourquoi une fiche est anonymisée (donnée du journal, jamais la personne)."""

    DEMANDE = "demande du candidat"
    FIN_DU_RECRUTEMENT = "trois mois après la fin du recrutement"
    FIN_DU_VIVIER = "fin du vivier"
    FUSION = "fiche fusionnée dans une autre"


def candidat_anonymiser(
    *, candidat: Candidat, motif: str, acteur: Any = None, maintenant: datetime | None = None
) -> Candidat:
    """Efface ce qui désigne le candidat (voir le module). Rejouée sur une fiche déjà
    anonymisée, ne fait rien."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        candidat = Candidat.objects.select_for_update().get(pk=candidat.pk)
        if candidat.anonymise_le is not None:
            return candidat
        candidatures = Candidature.objects.filter(candidat=candidat)
        documents = list(
            Document.objects.filter(
                pk__in=PieceCandidature.objects.filter(candidature__in=candidatures).values("document_id")
            )
        )
        for document in documents:
            # Le fichier d'abord ; la ligne (et la pièce, en cascade) ensuite.
            document.fichier.delete(save=False)
        Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
        NoteCandidature.objects.filter(candidature__in=candidatures).delete()
        candidatures.update(message="", aide_precisions="", anonymisee_le=maintenant)
        Consentement.objects.filter(candidat=candidat, retire_le__isnull=True).update(retire_le=maintenant)
        Alerte.objects.filter(email__iexact=candidat.email).delete()
        if candidat.compte_id is not None:
            Alerte.objects.filter(compte_id=candidat.compte_id).delete()
        candidat.poles_souhaites.clear()
        candidat.nom = ""
        candidat.prenom = ""
        candidat.email = f"anonyme-{candidat.pk}@invalid"
        candidat.telephone = ""
        candidat.rpps = ""
        candidat.compte = None
        candidat.cle = Candidat._meta.get_field("cle").get_default()
        candidat.anonymise_le = maintenant
        candidat.save()
        _journal_sans_la_personne(candidat, list(candidatures.values_list("pk", flat=True)))
        evenement_enregistrer(
            verbe=CANDIDAT_ANONYMISE, acteur=acteur, cible=candidat, donnees={"motif": motif}
        )
    return candidat


def candidat_donnees_exporter(*, candidat: Candidat, acteur: Any = None) -> bytes:
    """Tout ce que le recrutement garde sur le candidat, en ZIP : `mes-donnees.json` et ses
    pièces (`pieces/…`), telles qu'il les a déposées. Le téléchargement va au journal."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mes-donnees.json", json.dumps(donnees_du_candidat(candidat), ensure_ascii=False, indent=2)
        )
        pieces = PieceCandidature.objects.filter(candidature__candidat=candidat).select_related("document")
        for piece in pieces:
            with piece.document.fichier.open("rb") as fichier:
                archive.writestr(
                    f"pieces/{piece.pk}-{piece.nature}-{piece.document.nom_fichier}", fichier.read()
                )
    with transaction.atomic():
        evenement_enregistrer(verbe=DONNEES_DU_CANDIDAT_EXPORTEES, acteur=acteur, cible=candidat)
    return tampon.getvalue()
