"""Tâches des financements : elles prennent des identifiants et sont idempotentes."""

from celery import shared_task
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from financements.models import CoPorteur, DemandeFinancement, StatutCoPorteur, StatutDemande
from financements.pdf import NATURE_DE_LA_DECISION, courrier_pdf, recepisse_pdf
from financements.workflows import porteurs_de
from socle.courriels import courriel_construire, lien_absolu
from socle.models import Evenement
from socle.services import document_deposer, evenement_enregistrer, notifier
from socle.verbes import Verbe

# Les actions que ce module écrit au journal d'audit.
DEMANDE_COURRIER = Verbe("financements.demande.courrier", gettext_lazy("Courrier de décision écrit"))
DEMANDE_RECEPISSE = Verbe("financements.demande.recepisse", gettext_lazy("Récépissé de dépôt envoyé"))


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def produire_recepisse(demande_id: int) -> None:
    """Écrit le récépissé de dépôt (numéro, date), le garde au dossier et l'envoie aux porteurs
    en pièce jointe ; rejouée, elle ne fait rien de plus."""
    with transaction.atomic():
        demande = (
            DemandeFinancement.objects.select_for_update(of=("self",))
            .select_related("porteur", "commune")
            .defer("commune__contour")
            .filter(pk=demande_id, recepisse__isnull=True, numero__isnull=False)
            .first()
        )
        if demande is None:
            return
        contenu = recepisse_pdf(demande)
        nom = f"recepisse-{demande.numero}.pdf"
        lien = lien_absolu(demande.get_absolute_url())
        # Produire un document et l'envoyer : l'envoi précède l'écriture (comme
        # socle.tasks.envoyer_notification). Si le serveur de courriel refuse, rien n'est
        # écrit : la tâche rejouée (ou relancée par la boîte d'envoi) refait tout. Si le worker
        # meurt entre l'envoi et l'écriture, un porteur reçoit au pire le récépissé deux fois.
        for porteur in porteurs_de(demande, None):
            if not porteur.is_active:
                continue
            courriel = courriel_construire(
                gabarit="financements/courriels/recepisse",
                sujet=_("Récépissé de votre demande %(n)s") % {"n": demande.numero},
                destinataire=porteur.email,
                contexte={"demande": demande, "destinataire": porteur, "lien": lien},
            )
            courriel.attach(nom, contenu, "application/pdf")
            courriel.send()
        document = document_deposer(
            fichier=SimpleUploadedFile(nom, contenu, content_type="application/pdf"),
            acteur=None,
            titre=_("Récépissé de dépôt %(n)s") % {"n": demande.numero},
            objet=demande,
        )
        DemandeFinancement.objects.filter(pk=demande.pk).update(recepisse=document)
        evenement_enregistrer(verbe=DEMANDE_RECEPISSE, cible=demande)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def produire_courrier_decision(demande_id: int) -> None:
    """Le courrier de décision (accord, refus, classement) depuis le modèle de l'administration."""
    with transaction.atomic():
        demande = (
            DemandeFinancement.objects.select_for_update(of=("self",))
            .select_related("porteur", "commune")
            .defer("commune__contour")
            .filter(pk=demande_id, courrier_decision__isnull=True)
            .first()
        )
        if demande is None or demande.statut not in NATURE_DE_LA_DECISION:
            return
        motif = (
            Evenement.objects.filter(
                cible_id=str(demande.pk), etat_apres=demande.statut, verbe__startswith="financements.demande."
            )
            .values_list("motif", flat=True)
            .first()
            or ""
        )
        contenu = courrier_pdf(NATURE_DE_LA_DECISION[StatutDemande(demande.statut)], demande, motif)
        document = document_deposer(
            fichier=SimpleUploadedFile(
                f"decision-{demande.numero}.pdf", contenu, content_type="application/pdf"
            ),
            acteur=None,
            titre=_("Courrier de décision %(n)s") % {"n": demande.numero},
            objet=demande,
        )
        DemandeFinancement.objects.filter(pk=demande.pk).update(courrier_decision=document)
        evenement_enregistrer(verbe=DEMANDE_COURRIER, cible=demande)
        notifier(
            destinataires=porteurs_de(demande, None),
            verbe=DEMANDE_COURRIER,
            titre=_("Le courrier de décision de « %(d)s » est disponible") % {"d": demande},
            gabarit="financements/notifications/courrier.txt",
            contexte={"demande": demande},
            url=demande.get_absolute_url(),
        )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_invitation_coporteur(coporteur_id: int) -> None:
    coporteur = (
        CoPorteur.objects.select_related("demande__porteur")
        .filter(pk=coporteur_id, statut=StatutCoPorteur.INVITE)
        .first()
    )
    if coporteur is None:
        return
    demande = coporteur.demande
    courriel_construire(
        gabarit="financements/courriels/invitation_coporteur",
        sujet=_("%(p)s vous invite à porter une demande de financement") % {"p": demande.porteur},
        destinataire=coporteur.email,
        contexte={
            "demande": demande,
            "coporteur": coporteur,
            "lien": lien_absolu(demande.get_absolute_url()),
            "inscription": lien_absolu("/comptes/signup/"),
        },
    ).send()
