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
les consultations des pièces (qui, quand), pour le tableau de bord et le bilan (docs/rgpd.md §14).
Le journal d'audit garde les actions (qui a fait quoi, quand) mais plus le nom de la personne
ni celui de ses fichiers.

La tâche de nuit (`recrutement.tasks.appliquer_la_conservation`) passe par les services de ce
module, un candidat ou un consentement à la fois :
- un recrutement finit quand la candidature est close (`close_le`) ou que son offre l'est
  (pourvue, expirée, retirée : `Offre.cloturee_le`), au premier des deux ;
- `APRES_LE_RECRUTEMENT` après la fin de tous ses recrutements, un candidat sans consentement
  actif au vivier est anonymisé (`candidat_conserver`) ;
- un consentement au vivier dont l'échéance est passée est retiré, et le candidat anonymisé si
  rien ne le retient plus (`vivier_echoir`) ;
- `RENOUVELLEMENT_AVANT` l'échéance, une fois, un courriel demande au candidat s'il veut rester
  (`vivier_demander_renouvellement`) ; le lien signé mène à une page sans connexion (où l'on
  peut aussi quitter le vivier : `services.candidatures.vivier_quitter`).

`candidat_donnees_exporter` : ses données et ses pièces, en ZIP, pour l'espace candidat.
"""

import io
import json
import zipfile
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext_lazy

from recrutement.donnees import donnees_du_candidat
from recrutement.models import (
    Alerte,
    Candidat,
    Candidature,
    Consentement,
    NoteCandidature,
    ObjetConsentement,
    PieceCandidature,
)
from socle.models import Document, Evenement
from socle.services import apres_validation, evenement_enregistrer
from socle.verbes import Verbe

DONNEES_DU_CANDIDAT_EXPORTEES = Verbe(
    "recrutement.candidat.donnees_exportees", gettext_lazy("Données du candidat téléchargées")
)
CANDIDAT_ANONYMISE = Verbe(
    "recrutement.candidat.anonymise", gettext_lazy("Données du candidat effacées"), precision="motif"
)


VIVIER_ECHU = Verbe("recrutement.vivier.echu", gettext_lazy("Fin du vivier : échéance atteinte"))
VIVIER_RENOUVELLEMENT_DEMANDE = Verbe(
    "recrutement.vivier.renouvellement_demande", gettext_lazy("Renouvellement du vivier demandé au candidat")
)

# CNIL : trois mois après la fin du recrutement (92 jours : les plus longs trois mois de suite,
# pour n'effacer jamais avant le terme annoncé au candidat).
APRES_LE_RECRUTEMENT = timedelta(days=92)
# Le courriel qui propose de rester au vivier part un mois avant son échéance.
RENOUVELLEMENT_AVANT = timedelta(days=30)


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


# --- La conservation (tâche de nuit) -------------------------------------------------------


def _candidats_a_effacer(maintenant: datetime) -> QuerySet[Candidat]:
    """Les fiches que rien ne retient plus : aucun recrutement en cours, aucun fini depuis
    moins de `APRES_LE_RECRUTEMENT`, aucun consentement actif au vivier. Une fiche sans
    candidature (aucune ne devrait l'être) compte depuis sa création."""
    limite = maintenant - APRES_LE_RECRUTEMENT
    siennes = Candidature.objects.filter(candidat=OuterRef("pk"))
    en_cours = siennes.filter(close_le__isnull=True, offre__cloturee_le__isnull=True)
    # LEAST de PostgreSQL ignore les NULL : la première des deux fins connues.
    finie_recemment = siennes.alias(fin=Least("close_le", "offre__cloturee_le")).filter(fin__gt=limite)
    vivier = Consentement.objects.filter(
        candidat=OuterRef("pk"), objet=ObjetConsentement.VIVIER, retire_le__isnull=True
    )
    return (
        Candidat.objects.filter(anonymise_le__isnull=True, fusionne_dans__isnull=True)
        .filter(Exists(siennes) | Q(cree_le__lte=limite))
        .exclude(Exists(en_cours))
        .exclude(Exists(finie_recemment))
        .exclude(Exists(vivier))
    )


def candidats_a_anonymiser(maintenant: datetime) -> list[int]:
    return list(_candidats_a_effacer(maintenant).order_by("pk").values_list("pk", flat=True))


def viviers_echus(maintenant: datetime) -> list[int]:
    return list(
        Consentement.objects.filter(
            objet=ObjetConsentement.VIVIER, retire_le__isnull=True, echeance__lte=maintenant
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def viviers_a_renouveler(maintenant: datetime) -> list[int]:
    return list(
        Consentement.objects.filter(
            objet=ObjetConsentement.VIVIER,
            retire_le__isnull=True,
            renouvellement_demande_le__isnull=True,
            echeance__gt=maintenant,
            echeance__lte=maintenant + RENOUVELLEMENT_AVANT,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _fiche(candidat_id: int) -> Candidat:
    """La cible d'une ligne du journal sans le nom du candidat : le journal survit à
    l'anonymisation, il ne doit pas le garder."""
    return Candidat(pk=candidat_id)


def _anonymiser_si_rien_ne_retient(candidat_id: int, *, motif: str, maintenant: datetime) -> bool:
    # La fiche est verrouillée par l'appelant : l'examen et l'effacement voient le même état.
    if not _candidats_a_effacer(maintenant).filter(pk=candidat_id).exists():
        return False
    candidat_anonymiser(candidat=Candidat(pk=candidat_id), motif=motif, maintenant=maintenant)
    return True


def candidat_conserver(*, candidat_id: int, maintenant: datetime | None = None) -> bool:
    """Anonymise le candidat si sa durée de conservation est passée (trois mois après la fin de
    tous ses recrutements, sans vivier) ; rend vrai s'il l'a été. Rejouée, ne fait rien."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        if (
            not Candidat.objects.select_for_update()
            .filter(pk=candidat_id, anonymise_le__isnull=True)
            .exists()
        ):
            return False
        return _anonymiser_si_rien_ne_retient(
            candidat_id, motif=Motif.FIN_DU_RECRUTEMENT, maintenant=maintenant
        )


def vivier_echoir(*, consentement_id: int, maintenant: datetime | None = None) -> bool:
    """Retire le consentement au vivier arrivé à échéance et anonymise le candidat si rien ne le
    retient plus (aucun recrutement en cours ni fini depuis moins de trois mois) ; rend vrai si
    le consentement a été retiré. Rejouée, ne fait rien."""
    maintenant = maintenant or timezone.now()
    candidat_id = (
        Consentement.objects.filter(pk=consentement_id).values_list("candidat_id", flat=True).first()
    )
    if candidat_id is None:
        return False
    with transaction.atomic():
        # La fiche d'abord, le consentement ensuite : l'ordre de `candidat_anonymiser`.
        Candidat.objects.select_for_update().filter(pk=candidat_id).exists()
        consentement = (
            Consentement.objects.select_for_update()
            .filter(
                pk=consentement_id,
                objet=ObjetConsentement.VIVIER,
                retire_le__isnull=True,
                echeance__lte=maintenant,
            )
            .first()
        )
        if consentement is None:
            return False
        consentement.retire_le = maintenant
        consentement.save(update_fields=["retire_le"])
        evenement_enregistrer(
            verbe=VIVIER_ECHU,
            acteur=None,
            cible=_fiche(candidat_id),
            donnees={"echeance": str(consentement.echeance)},
        )
        _anonymiser_si_rien_ne_retient(candidat_id, motif=Motif.FIN_DU_VIVIER, maintenant=maintenant)
    return True


def vivier_demander_renouvellement(*, consentement_id: int, maintenant: datetime | None = None) -> bool:
    """Un mois avant l'échéance, une seule fois : note la demande et envoie (après validation)
    le courriel qui propose au candidat de rester deux ans de plus ou de quitter le vivier."""
    from recrutement.tasks import envoyer_renouvellement_vivier  # les tâches lisent ce module

    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        consentement = (
            Consentement.objects.select_for_update()
            .filter(
                pk=consentement_id,
                objet=ObjetConsentement.VIVIER,
                retire_le__isnull=True,
                renouvellement_demande_le__isnull=True,
                echeance__gt=maintenant,
                echeance__lte=maintenant + RENOUVELLEMENT_AVANT,
                candidat__anonymise_le__isnull=True,
            )
            .first()
        )
        if consentement is None:
            return False
        consentement.renouvellement_demande_le = maintenant
        consentement.save(update_fields=["renouvellement_demande_le"])
        evenement_enregistrer(
            verbe=VIVIER_RENOUVELLEMENT_DEMANDE,
            acteur=None,
            cible=_fiche(consentement.candidat_id),
            donnees={"echeance": str(consentement.echeance)},
        )
        apres_validation(envoyer_renouvellement_vivier, consentement.pk)
    return True
