"""L'attestation de présence : un PDF d'archive (PDF/A-3b), délivré seulement à qui a été
pointé à l'accueil, avec un code que chacun peut vérifier sur la page publique
(`rencontres:verifier`). Le code est celui de l'inscription (10 caractères, environ 50 bits)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from rencontres.models import EtatInscription, Inscription
from socle.courriels import lien_absolu
from socle.pdf import pdf_d_archive


def attestation_possible(inscription: Inscription) -> bool:
    return inscription.arrivee_le is not None and inscription.etat == EtatInscription.CONFIRMEE


def attestation_pdf(inscription: Inscription) -> bytes:
    if not attestation_possible(inscription):
        raise ValueError("Pas d'attestation sans présence pointée.")
    rencontre = inscription.rencontre
    html = render_to_string(
        "rencontres/attestation_pdf.html",
        {
            "inscription": inscription,
            "rencontre": rencontre,
            "duree_heures": round((rencontre.fin - rencontre.debut).total_seconds() / 3600, 1),
            "verification": lien_absolu("/rencontres/attestations/verifier/"),
            "genere_le": timezone.localtime(),
            "titre": _("Attestation de présence — %(r)s") % {"r": rencontre.titre},
        },
    )
    return pdf_d_archive(html)
