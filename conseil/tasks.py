"""Tâches du Conseil : elles prennent des identifiants et sont idempotentes."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Le module et non la fonction : les tests remplacent conseil.pdf.proces_verbal_pdf.
from conseil import pdf
from conseil.calendrier import calendrier
from conseil.models import Participation, ProcesVerbal, StatutProcesVerbal
from conseil.selectors import points_avec_documents
from conseil.workflows import REUNION_CONVOQUEE
from socle.courriels import courriel_construire, lien_absolu
from socle.models import Notification
from socle.services import apres_validation, document_deposer, evenement_enregistrer
from socle.verbes import Verbe
from socle.workflows import transition

# Les actions que ce module écrit au journal d'audit.
PROCES_VERBAL_ARCHIVAGE_ECHOUE = Verbe(
    "conseil.proces_verbal.archivage_echoue", gettext_lazy("Archivage du procès-verbal échoué")
)

journal = logging.getLogger(__name__)


@shared_task
def envoyer_convocations(reunion_id: int) -> int:
    """Met en file un courriel par membre convoqué qui ne l'a pas encore reçu."""
    ids = list(
        Participation.objects.filter(reunion_id=reunion_id, convoque_le__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for participation_id in ids:
        apres_validation(envoyer_convocation, participation_id)
    return len(ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_convocation(participation_id: int) -> None:
    """La convocation d'un membre : l'ordre du jour, les liens vers les documents et la séance
    en pièce jointe iCalendar. Une convocation est un acte : elle part quelle que soit la
    fréquence de notification choisie ; une notification sur le portail l'accompagne."""
    with transaction.atomic():
        participation = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("personne", "reunion__instance")
            .filter(pk=participation_id, convoque_le__isnull=True)
            .first()
        )
        if participation is None or not participation.personne.is_active:
            return
        reunion = participation.reunion
        points = points_avec_documents(reunion)
        sujet = _("Convocation : %(reunion)s") % {"reunion": reunion}
        lien = lien_absolu(reunion.get_absolute_url())
        courriel = courriel_construire(
            gabarit="conseil/courriels/convocation",
            sujet=sujet,
            destinataire=participation.personne.email,
            contexte={
                "participation": participation,
                "reunion": reunion,
                "points": [
                    (point, [(d, lien_absolu(d.get_absolute_url())) for d in getattr(point, "documents", [])])
                    for point in points
                ],
                "lien": lien,
            },
        )
        reunion.points_du_calendrier = points  # type: ignore[attr-defined]
        courriel.attach("seance.ics", calendrier([reunion], nom=str(reunion.instance)), "text/calendar")
        courriel.send()
        maintenant = timezone.now()
        participation.convoque_le = maintenant
        participation.save(update_fields=["convoque_le"])
        Notification.objects.create(
            destinataire=participation.personne,
            verbe=REUNION_CONVOQUEE.code,
            titre=sujet[:255],
            message=_("Vous êtes convoqué à cette séance. Dites si vous y serez, ou donnez procuration."),
            url=reunion.get_absolute_url(),
            envoyee_le=maintenant,
        )


@shared_task(acks_late=True)
def archiver_proces_verbal(pv_id: int) -> None:
    """Écrit le PDF du procès-verbal adopté, le range parmi les documents de la séance et
    passe le procès-verbal à « archivé ». Rejouée, elle ne refait rien ; en échec, l'erreur
    reste sur la page du procès-verbal, qui propose de relancer."""
    pv = ProcesVerbal.objects.select_related("reunion__instance", "adopte_en").filter(pk=pv_id).first()
    if pv is None or pv.statut != StatutProcesVerbal.ADOPTE:
        return
    try:
        contenu = pdf.proces_verbal_pdf(pv)
        with transaction.atomic():
            verrouille = ProcesVerbal.objects.select_for_update().get(pk=pv_id)
            if verrouille.statut != StatutProcesVerbal.ADOPTE:
                return
            nom = f"proces-verbal-{timezone.localtime(pv.reunion.debut):%Y-%m-%d}-{pv.reunion.pk}.pdf"
            document = document_deposer(
                fichier=SimpleUploadedFile(nom, contenu, content_type="application/pdf"),
                acteur=None,
                titre=str(_("Procès-verbal adopté — %(reunion)s") % {"reunion": pv.reunion}),
                objet=pv.reunion,
            )
            verrouille.document = document
            verrouille.erreur_archivage = ""
            verrouille.save(update_fields=["document", "erreur_archivage"])
            transition(verrouille, vers=StatutProcesVerbal.ARCHIVE, acteur=None)
    except (OSError, ValueError, ValidationError) as erreur:
        journal.exception("Archivage du procès-verbal %s échoué", pv_id)
        message = _("Le PDF n'a pas pu être écrit : %(erreur)s") % {"erreur": erreur.__class__.__name__}
        ProcesVerbal.objects.filter(pk=pv_id).update(erreur_archivage=message)
        evenement_enregistrer(verbe=PROCES_VERBAL_ARCHIVAGE_ECHOUE, cible=pv, motif=message)
