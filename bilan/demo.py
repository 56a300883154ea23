"""Le bilan de démonstration : celui de l'année passée, tel que le secrétariat le produit.

L'année passée (`timezone.localdate().year - 1`) est celle que les données de démonstration
remplissent (conseil/demo.py, college/demo.py, financements/demo.py). Son bilan est demandé
par le secrétariat (secretariat@demo.cotentin.fr), généré tout de suite dans ce processus (la
commande `demo` n'attend pas de worker : la tâche mise en file à la validation trouve ensuite la
version prête et ne refait rien), adopté par le Conseil à la séance qui porte le point
« Adoption du bilan annuel » (mars de cette année, ou décembre de l'année passée si mars n'est
pas encore passé) et transmis au Conseil communautaire, qui en a pris acte. La transmission au
Conseil de développement reste à faire : c'est l'étape suivante qu'un nouveau venu peut essayer.

Comme le reste de la démonstration, chaque étape passe par le service puis reprend sa vraie
date : la génération quelques jours avant la séance, l'adoption le jour de la séance, la
transmission au Conseil communautaire trois semaines plus tard (au plus tard hier).
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from bilan.models import BilanAnnuel, EtatGeneration, VersionBilan
from bilan.services import bilan_demander, version_adopter, version_generer, version_transmettre_cc
from comptes.models import Utilisateur
from conseil.demo import BILAN_ANNUEL, COMPTES
from conseil.models import NaturePoint, PointOrdreDuJour, StatutReunion, TypeInstance
from socle.francais import date_longue
from socle.models import Document, Evenement, Notification


def _a(jour: date, heure: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(heure, minute)))


class Datation:
    """Ce qu'une étape vient d'écrire (journal, notifications) reprend sa vraie date."""

    def __init__(self) -> None:
        self._marquer()

    def _marquer(self) -> None:
        self.evenement = Evenement.objects.aggregate(m=models.Max("pk"))["m"] or 0
        self.notification = Notification.objects.aggregate(m=models.Max("pk"))["m"] or 0

    def dater(self, quand: datetime) -> None:
        Evenement.objects.filter(pk__gt=self.evenement).update(cree_le=quand)
        # Les lecteurs ont été prévenus à l'époque : notifications parties et lues.
        Notification.objects.filter(pk__gt=self.notification).update(
            creee_le=quand, envoyee_le=quand, lue_le=quand + timedelta(days=1)
        )
        self._marquer()


def point_d_adoption(annee: int) -> PointOrdreDuJour | None:
    """Le point « Adoption du bilan annuel » d'une séance passée du Conseil de démonstration."""
    return (
        PointOrdreDuJour.objects.filter(
            titre=f"{BILAN_ANNUEL} {annee}",
            nature=NaturePoint.DECISION,
            reunion__instance__type_instance=TypeInstance.CONSEIL,
            reunion__instance__demo=True,
            reunion__statut__in=(StatutReunion.TENUE, StatutReunion.CLOSE),
            reunion__debut__lt=timezone.now(),
        )
        .select_related("reunion")
        .order_by("-reunion__debut")
        .first()
    )


def numero_de_deliberation(le: date) -> str:
    """Un numéro de délibération du Conseil communautaire, à la façon de l'agglomération."""
    return f"DEL{le.year}_{le.timetuple().tm_yday:03d}"


def charger(afficher: Callable[[str], Any] = print) -> bool:
    """Demande, génère, fait adopter et transmet le bilan de l'année passée ; ne fait rien si un
    bilan de démonstration existe déjà (ou s'il manque le secrétariat ou la séance d'adoption)."""
    if BilanAnnuel.objects.filter(demo=True).exists():
        return False
    annee = timezone.localdate().year - 1
    if BilanAnnuel.objects.filter(annee=annee).exists():
        afficher(f"Un bilan {annee} existe déjà : pas de bilan de démonstration.")
        return False
    secretariat = Utilisateur.objects.filter(email=COMPTES["secretariat"]).first()
    point = point_d_adoption(annee)
    if secretariat is None or point is None:
        afficher("Pas de Conseil de démonstration : pas de bilan de démonstration.")
        return False
    seance = point.reunion
    adopte_le = timezone.localdate(seance.debut)
    hier = timezone.localdate() - timedelta(days=1)
    transmis_le = max(adopte_le, min(adopte_le + timedelta(days=21), hier))
    demande_le = _a(adopte_le - timedelta(days=12), 9, 30)

    with transaction.atomic():
        dates = Datation()
        version, _cree = bilan_demander(annee=annee, acteur=secretariat, demo=True)
        # La génération, ici plutôt qu'attendue d'un worker ; la tâche mise en file à la
        # validation trouvera la version prête.
        version_generer(version.pk, genere_le=timezone.localtime(demande_le + timedelta(minutes=2)))
        version.refresh_from_db()
        if version.etat != EtatGeneration.PRETE or version.document_id is None:
            raise RuntimeError(f"Le bilan de démonstration n'a pas pu être généré : {version.erreur}")
        VersionBilan.objects.filter(pk=version.pk).update(
            demandee_le=demande_le,
            commencee_le=demande_le + timedelta(seconds=20),
            terminee_le=demande_le + timedelta(minutes=2),
        )
        Document.objects.filter(pk=version.document_id).update(depose_le=demande_le + timedelta(minutes=2))
        BilanAnnuel.objects.filter(pk=version.bilan_id).update(cree_le=demande_le)
        dates.dater(demande_le + timedelta(minutes=2))

        version = version_adopter(
            version=version, acteur=secretariat, reunion=seance, point=point, adopte_le=adopte_le
        )
        dates.dater(seance.debut + timedelta(hours=1))
        version = version_transmettre_cc(
            version=version,
            acteur=secretariat,
            le=transmis_le,
            deliberation=numero_de_deliberation(transmis_le),
            pris_acte=True,
        )
        dates.dater(_a(transmis_le, 20))

    afficher(
        f"Bilan annuel {annee} de démonstration : version {version.numero} générée ({version.pages} pages), "
        f"adoptée en séance le {date_longue(adopte_le)}, transmise au Conseil communautaire le "
        f"{date_longue(transmis_le)} (délibération {version.deliberation_cc}, pris acte)."
    )
    return True
