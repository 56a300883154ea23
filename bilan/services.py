"""Toutes les écritures du bilan annuel : demander une génération, la faire (le corps de la
tâche Celery), la relancer, adopter et transmettre une version."""

import logging
import time
from datetime import date, datetime
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bilan.models import ETATS_ACTIFS, BilanAnnuel, EtatGeneration, StatutBilan, VersionBilan
from bilan.permissions import peut_generer
from bilan.rendu import chiffres_a_garder, html_du_bilan, pdf_du_bilan, rassembler
from conseil.models import StatutReunion, TypeInstance
from socle.francais import date_longue
from socle.models import Document
from socle.services import apres_validation, document_deposer, evenement_enregistrer, notifier
from socle.taches import relancer_maintenant
from socle.verbes import Verbe
from socle.workflows import transition

# Les actions que ce module écrit au journal d'audit.
VERSION_COMMENCEE = Verbe("bilan.version.commencee", gettext_lazy("Génération du bilan commencée"))
VERSION_DEMANDEE = Verbe("bilan.version.demandee", gettext_lazy("Génération du bilan demandée"))
VERSION_ECHOUEE = Verbe("bilan.version.echouee", gettext_lazy("Génération du bilan échouée"))
VERSION_PRETE = Verbe("bilan.version.prete", gettext_lazy("Bilan généré"))
VERSION_RELANCEE = Verbe("bilan.version.relancee", gettext_lazy("Génération du bilan relancée"))

journal = logging.getLogger(__name__)

PREMIERE_ANNEE = 2024  # le plan d'action 2024-2028


def annees_possibles() -> list[int]:
    return list(range(timezone.localdate().year, PREMIERE_ANNEE - 1, -1))


def _verifier_droit(acteur: Any) -> None:
    if not peut_generer(acteur):
        raise PermissionDenied(_("Seul le secrétariat du Conseil génère et fait adopter le bilan."))


def _marquer_interrompues(bilan: BilanAnnuel) -> None:
    """Une génération « en cours » depuis trop longtemps n'a plus de worker : échouée."""
    for version in bilan.versions.filter(etat=EtatGeneration.EN_COURS):
        if version.interrompue:
            VersionBilan.objects.filter(pk=version.pk).update(
                etat=EtatGeneration.ECHOUEE,
                erreur=_("La génération s'est interrompue (le worker s'est arrêté sans la reprendre)."),
                terminee_le=timezone.now(),
            )


def bilan_demander(*, annee: int, acteur: Any, demo: bool = False) -> tuple[VersionBilan, bool]:
    """Demande une nouvelle version du bilan de `annee` ; rend (version, créée).

    Si une génération de cette année est déjà en attente ou en cours, on la rend sans en
    lancer une seconde (deux clics, deux onglets, la commande pendant la page…)."""
    if acteur is not None:
        _verifier_droit(acteur)
    if annee not in annees_possibles():
        raise ValidationError(
            _("Choisissez une année entre %(premiere)s et %(derniere)s.")
            % {"premiere": PREMIERE_ANNEE, "derniere": timezone.localdate().year},
            code="annee",
        )
    with transaction.atomic():
        bilan, _cree = BilanAnnuel.objects.get_or_create(annee=annee, defaults={"demo": demo})
        bilan = BilanAnnuel.objects.select_for_update().get(pk=bilan.pk)
        _marquer_interrompues(bilan)
        active = bilan.versions.filter(etat__in=ETATS_ACTIFS).first()
        if active is not None:
            return active, False
        numero = (bilan.versions.aggregate(n=Max("numero"))["n"] or 0) + 1
        version = VersionBilan.objects.create(
            bilan=bilan, numero=numero, demandee_par=acteur, etape=_("En attente du worker"), demo=demo
        )
        evenement_enregistrer(
            verbe=VERSION_DEMANDEE,
            acteur=acteur,
            cible=version,
            donnees={"annee": annee, "numero": numero},
        )
        _lancer(version)
    return version, True


def _lancer(version: VersionBilan) -> None:
    # Import local : bilan.tasks importe ce module.
    from bilan.tasks import generer_version

    apres_validation(generer_version, version.pk)


def version_relancer(*, version: VersionBilan, acteur: Any) -> VersionBilan:
    """Relance une génération échouée (ou interrompue), sous le même numéro."""
    _verifier_droit(acteur)
    with transaction.atomic():
        bilan = BilanAnnuel.objects.select_for_update().get(pk=version.bilan_id)
        _marquer_interrompues(bilan)
        verrouillee = VersionBilan.objects.select_for_update().get(pk=version.pk)
        if verrouillee.attente_trop_longue:
            # Jamais commencée : la même demande repart (le balayage l'aurait renvoyée aussi).
            evenement_enregistrer(verbe=VERSION_RELANCEE, acteur=acteur, cible=verrouillee)
            demande = verrouillee.demande_de_generation
            if demande is not None:
                transaction.on_commit(partial(relancer_maintenant, demande))
            else:
                _lancer(verrouillee)
            return verrouillee
        if verrouillee.etat != EtatGeneration.ECHOUEE:
            raise ValidationError(
                _("Seule une génération échouée, ou en attente depuis trop longtemps, peut être relancée."),
                code="etat",
            )
        if bilan.versions.filter(etat__in=ETATS_ACTIFS).exists():
            raise ValidationError(
                _("Une autre génération du bilan %(annee)s est déjà en cours.") % {"annee": bilan.annee},
                code="occupe",
            )
        verrouillee.etat = EtatGeneration.EN_ATTENTE
        verrouillee.erreur = ""
        verrouillee.progression = 0
        verrouillee.etape = _("En attente du worker")
        verrouillee.terminee_le = None
        verrouillee.save(update_fields=["etat", "erreur", "progression", "etape", "terminee_le"])
        evenement_enregistrer(verbe=VERSION_RELANCEE, acteur=acteur, cible=verrouillee)
        _lancer(verrouillee)
    return verrouillee


def _avancer(version_id: int, etape: str, progression: int) -> None:
    """Écrit l'avancement tout de suite (hors transaction) : la page le lit pendant le travail."""
    VersionBilan.objects.filter(pk=version_id, etat=EtatGeneration.EN_COURS).update(
        etape=etape[:200], progression=min(progression, 99)
    )
    if settings.BILAN_PAUSE_ENTRE_ETAPES:
        time.sleep(settings.BILAN_PAUSE_ENTRE_ETAPES)


def version_generer(version_id: int, *, genere_le: datetime | None = None) -> None:
    """Le travail de la tâche : idempotent et sûr si le worker meurt en route.

    `genere_le` : la date écrite dans le PDF, maintenant par défaut (la démonstration, qui
    date sa version dans le passé, y met la même date).

    Une version prête ou échouée n'est pas refaite (message livré deux fois). Une version
    « en cours » est reprise depuis le début : c'est le cas d'un worker tué, dont la tâche
    (acks_late) est relivrée. Le PDF n'est rattaché à la version qu'à la toute fin, dans la
    même transaction que son passage à « prête » : jamais de version à moitié écrite."""
    with transaction.atomic():
        version = (
            VersionBilan.objects.select_for_update(of=("self",))
            .select_related("bilan")
            .filter(pk=version_id, etat__in=ETATS_ACTIFS)
            .first()
        )
        if version is None:
            return
        version.etat = EtatGeneration.EN_COURS
        version.tentatives = F("tentatives") + 1
        version.commencee_le = timezone.now()
        version.progression = 5
        version.etape = _("Démarrage")
        version.save(update_fields=["etat", "tentatives", "commencee_le", "progression", "etape"])
        evenement_enregistrer(verbe=VERSION_COMMENCEE, cible=version)
    annee, numero = version.bilan.annee, version.numero
    try:
        bilan = rassembler(annee, lambda etape, pct: _avancer(version_id, etape, pct))
        _avancer(version_id, _("Mise en page"), 65)
        html = html_du_bilan(bilan, numero=numero, genere_le=genere_le)
        _avancer(version_id, _("Écriture du PDF/A"), 75)
        pdf = pdf_du_bilan(html)
        _avancer(version_id, _("Enregistrement"), 95)
    except Exception as erreur:
        journal.exception("Génération du bilan %s (version %s) échouée", annee, numero)
        _echouer(version_id, erreur)
        return
    document: Document | None = None
    try:
        with transaction.atomic():
            verrouillee = (
                VersionBilan.objects.select_for_update(of=("self",))
                .select_related("bilan")
                .filter(pk=version_id, etat=EtatGeneration.EN_COURS, document__isnull=True)
                .first()
            )
            if verrouillee is None:  # une autre livraison de la tâche a fini avant nous
                return
            # Écrit par WeasyPrint à l'instant : pas relu par le contrôle des dépôts (1 à 2 s
            # sur un bilan de 80 pages, mesuré par bench/bilan_annuel.py).
            document = document_deposer(
                fichier=SimpleUploadedFile(
                    verrouillee.nom_fichier, pdf.contenu, content_type="application/pdf"
                ),
                acteur=None,
                titre=str(verrouillee),
                objet=verrouillee,
                produit_par_le_portail="application/pdf",
            )
            _terminer(verrouillee, document, pages=pdf.pages, chiffres=chiffres_a_garder(bilan))
    except Exception as erreur:
        # La transaction a annulé la ligne du document : son fichier ne reste pas orphelin.
        if document is not None:
            document.fichier.delete(save=False)
        journal.exception("Enregistrement du bilan %s (version %s) échoué", annee, numero)
        _echouer(version_id, erreur)


def _terminer(
    version: VersionBilan, document: Document, *, pages: int, chiffres: list[dict[str, Any]]
) -> None:
    version.document = document
    version.empreinte = document.empreinte
    version.pages = pages
    version.chiffres = chiffres
    version.etat = EtatGeneration.PRETE
    version.progression = 100
    version.etape = _("Terminée")
    version.terminee_le = timezone.now()
    champs = ["document", "empreinte", "pages", "chiffres", "etat", "progression", "etape", "terminee_le"]
    version.save(update_fields=champs)
    evenement_enregistrer(
        verbe=VERSION_PRETE,
        cible=version,
        donnees={"empreinte": document.empreinte, "pages": pages, "taille": document.taille},
    )
    _notifier_fin(version)


def _echouer(version_id: int, erreur: Exception) -> None:
    if isinstance(erreur, SoftTimeLimitExceeded):
        message = _(
            "La génération a dépassé sa durée maximale (%(minutes)s min) et a été arrêtée : relancez-la."
        ) % {"minutes": settings.BILAN_DUREE_MAX_MINUTES}
    else:
        message = _("La génération a échoué : %(erreur)s.") % {"erreur": str(erreur) or type(erreur).__name__}
    with transaction.atomic():
        version = (
            VersionBilan.objects.select_for_update(of=("self",))
            .select_related("bilan", "demandee_par")
            .filter(pk=version_id, etat=EtatGeneration.EN_COURS)
            .first()
        )
        if version is None:
            return
        version.etat = EtatGeneration.ECHOUEE
        version.erreur = message[:2000]
        version.terminee_le = timezone.now()
        version.save(update_fields=["etat", "erreur", "terminee_le"])
        evenement_enregistrer(verbe=VERSION_ECHOUEE, cible=version, donnees={"erreur": message[:500]})
        _notifier_fin(version)


def _notifier_fin(version: VersionBilan) -> None:
    if version.demandee_par is None:
        return
    notifier(
        destinataires=[version.demandee_par],
        verbe=VERSION_PRETE if version.etat == EtatGeneration.PRETE else VERSION_ECHOUEE,
        titre=(_("%(objet)s est prêt") if version.etat == EtatGeneration.PRETE else _("%(objet)s : échec"))
        % {"objet": version},
        gabarit="bilan/notifications/generation.txt",
        contexte={"version": version},
        url=version.get_absolute_url(),
    )


# --- La vie du document --------------------------------------------------------------------


def version_adopter(
    *, version: VersionBilan, acteur: Any, reunion: Any, point: Any, adopte_le: date
) -> VersionBilan:
    """Adoptée en séance : la séance du Conseil et le point (délibération) qui l'a adoptée."""
    _verifier_droit(acteur)
    if reunion.instance.type_instance != TypeInstance.CONSEIL or reunion.statut not in (
        StatutReunion.TENUE,
        StatutReunion.CLOSE,
    ):
        raise ValidationError(
            _("Le bilan s'adopte lors d'une séance du Conseil de santé qui s'est tenue."), code="reunion"
        )
    if adopte_le < timezone.localdate(reunion.debut):
        raise ValidationError(
            _("La date d'adoption ne peut pas précéder la séance du %(date)s.")
            % {"date": date_longue(reunion.debut)},
            code="date",
        )
    if point is not None and point.reunion_id != reunion.pk:
        raise ValidationError(_("Le point choisi n'est pas à l'ordre du jour de cette séance."), code="point")
    if adopte_le > timezone.localdate():
        raise ValidationError(_("La date d'adoption ne peut pas être dans le futur."), code="date")
    with transaction.atomic():
        VersionBilan.objects.filter(pk=version.pk, statut=StatutBilan.BROUILLON).update(
            reunion=reunion, point=point, adopte_le=adopte_le
        )
        return transition(version, vers=StatutBilan.ADOPTE, acteur=acteur, donnees={"reunion": reunion.pk})


def version_transmettre_cc(
    *, version: VersionBilan, acteur: Any, le: date, deliberation: str, pris_acte: bool
) -> VersionBilan:
    _verifier_droit(acteur)
    if version.adopte_le is not None and le < version.adopte_le:
        raise ValidationError(
            _("Le Conseil communautaire ne peut pas prendre acte avant l'adoption du bilan."), code="date"
        )
    with transaction.atomic():
        VersionBilan.objects.filter(pk=version.pk, statut=StatutBilan.ADOPTE).update(
            transmis_cc_le=le, deliberation_cc=deliberation.strip(), pris_acte=pris_acte
        )
        return transition(
            version,
            vers=StatutBilan.TRANSMIS_CC,
            acteur=acteur,
            donnees={"deliberation": deliberation.strip(), "le": le.isoformat()},
        )


def version_transmettre_cd(*, version: VersionBilan, acteur: Any, le: date) -> VersionBilan:
    _verifier_droit(acteur)
    if version.transmis_cc_le is not None and le < version.transmis_cc_le:
        raise ValidationError(
            _("Le bilan se transmet au Conseil de développement après le Conseil communautaire."), code="date"
        )
    with transaction.atomic():
        VersionBilan.objects.filter(pk=version.pk, statut=StatutBilan.TRANSMIS_CC).update(transmis_cd_le=le)
        return transition(
            version, vers=StatutBilan.TRANSMIS_CD, acteur=acteur, donnees={"le": le.isoformat()}
        )
