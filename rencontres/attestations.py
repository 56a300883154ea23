"""L'attestation de présence : un PDF d'archive (PDF/A-3b), délivré seulement à qui a été
pointé à l'accueil, avec un code que chacun peut vérifier sur la page publique
(`rencontres:verifier`). Le code est celui de l'inscription (10 caractères, environ 50 bits).

Quand la rencontre a été émargée à l'écran (une formation, le plus souvent), l'attestation dit
les demi-journées signées par la personne et les heures de formation qu'elles valent
(demi-journées × `heures_par_demi_journee`)."""

from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rencontres.models import DemiJournee, Emargement, EtatInscription, Inscription, LienFoyer
from rencontres.services import DemiJourneeDeRencontre
from socle.courriels import lien_absolu
from socle.francais import nombre
from socle.pdf import pdf_d_archive


def attestation_possible(inscription: Inscription) -> bool:
    return inscription.arrivee_le is not None and inscription.etat == EtatInscription.CONFIRMEE


def en_heures(valeur: Decimal) -> str:
    """« 7 heures », « 3,5 heures », « 1 heure »."""
    decimales = 0 if valeur == int(valeur) else 1
    return ngettext("%(n)s heure", "%(n)s heures", int(valeur)) % {"n": nombre(valeur, decimales)}


@dataclass(frozen=True)
class HeuresEmargees:
    demi_journees: list[DemiJourneeDeRencontre]
    heures: Decimal
    par_demi_journee: Decimal

    @property
    def heures_texte(self) -> str:
        return en_heures(self.heures)

    @property
    def par_demi_journee_texte(self) -> str:
        return en_heures(self.par_demi_journee)


def heures_emargees(inscription: Inscription) -> HeuresEmargees | None:
    """Les demi-journées signées par la personne inscrite et leurs heures ; None si personne
    n'a émargé à l'écran pour cette rencontre (l'attestation n'en parle pas)."""
    rencontre = inscription.rencontre
    if not Emargement.objects.filter(inscription__rencontre=rencontre).exists():
        return None
    signees = sorted(
        (
            DemiJourneeDeRencontre(jour, demi)
            for jour, demi in Emargement.objects.filter(
                inscription=inscription, participant__lien=LienFoyer.TITULAIRE
            ).values_list("jour", "demi_journee")
        ),
        key=lambda d: (d.jour, d.demi_journee != DemiJournee.MATIN),
    )
    par_demi_journee = rencontre.heures_par_demi_journee
    return HeuresEmargees(signees, par_demi_journee * len(signees), par_demi_journee)


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
            "emargement": heures_emargees(inscription),
            "verification": lien_absolu("/rencontres/attestations/verifier/"),
            "genere_le": timezone.localtime(),
            "titre": _("Attestation de présence — %(r)s") % {"r": rencontre.titre},
        },
    )
    return pdf_d_archive(html)
