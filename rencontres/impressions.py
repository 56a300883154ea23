"""Ce que l'organisation imprime : les badges (nom, profession, structure, taille du foyer, code
d'accueil, navette) et les feuilles d'émargement de chaque activité (une ligne par personne, une case
pour signer) ou d'une demi-journée (avec l'heure des signatures recueillies à l'écran). PDF de
WeasyPrint, par `socle.pdf`."""

from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from rencontres.models import Activite, EtatInscription, GenreRessource, Inscription, Place, Rencontre
from rencontres.selectors import participants_a_emarger
from rencontres.services import DemiJourneeDeRencontre
from socle.francais import jour_date_et_heure
from socle.pdf import pdf_simple

BADGES_PAR_PAGE = 8


def badges_pdf(rencontre: Rencontre) -> bytes:
    inscriptions = list(
        Inscription.objects.filter(rencontre=rencontre, etat=EtatInscription.CONFIRMEE)
        .prefetch_related("participants", "participants__attributions__ressource")
        .order_by("nom", "prenom", "pk")
    )
    badges = [
        {
            "nom": f"{p.prenom} {p.nom}",
            "profession": i.profession if p.lien == "titulaire" else p.get_lien_display(),
            "structure": i.structure if p.lien == "titulaire" else f"{i.prenom} {i.nom}",
            "foyer": len(i.participants.all()),
            "code": i.code if p.lien == "titulaire" else "",
            "navette": next(
                (a.ressource.libelle for a in p.attributions.all() if a.genre == GenreRessource.NAVETTE), ""
            ),
        }
        for i in inscriptions
        for p in i.participants.all()
    ]
    pages = [badges[k : k + BADGES_PAR_PAGE] for k in range(0, len(badges), BADGES_PAR_PAGE)]
    html = render_to_string(
        "rencontres/badges_pdf.html",
        {"rencontre": rencontre, "pages": pages, "titre": _("Badges — %(r)s") % {"r": rencontre.titre}},
    )
    return pdf_simple(html)


def emargement_pdf(rencontre: Rencontre, demi: DemiJourneeDeRencontre | None = None) -> bytes:
    """Sans demi-journée : une feuille par activité, les personnes confirmées qui y ont une
    place, par ordre alphabétique, une case pour signer. Pour une demi-journée : une feuille de
    toutes les personnes des inscriptions confirmées (foyers compris), avec l'heure de leur
    signature à l'écran, ou la case vide pour signer à la main."""
    feuilles = [_feuille_de_la_demi_journee(rencontre, demi)] if demi else _feuilles_des_activites(rencontre)
    html = render_to_string(
        "rencontres/emargement_pdf.html",
        {
            "rencontre": rencontre,
            "feuilles": feuilles,
            "imprime_le": timezone.localtime(),
            "titre": _("Feuilles d'émargement — %(r)s") % {"r": rencontre.titre},
        },
    )
    return pdf_simple(html)


def _feuilles_des_activites(rencontre: Rencontre) -> list[dict[str, Any]]:
    activites = list(
        Activite.objects.filter(rencontre=rencontre)
        .order_by("debut", "ordre", "pk")
        .prefetch_related(
            Prefetch(
                "places",
                queryset=Place.objects.filter(inscription__etat=EtatInscription.CONFIRMEE)
                .select_related("participant", "inscription")
                .order_by("participant__nom", "participant__prenom", "pk"),
            )
        )
    )
    return [
        {
            "intitule": ", ".join([a.titre, jour_date_et_heure(a.debut)])
            + (f" — {a.lieu}" if a.lieu else ""),
            "lignes": [
                {
                    "nom": f"{p.participant.nom} {p.participant.prenom}",
                    "structure": p.inscription.structure if p.participant.lien == "titulaire" else "",
                    "signe_le": None,
                }
                for p in a.places.all()
            ],
        }
        for a in activites
    ]


def _feuille_de_la_demi_journee(rencontre: Rencontre, demi: DemiJourneeDeRencontre) -> dict[str, Any]:
    personnes = participants_a_emarger(rencontre, jour=demi.jour, demi_journee=demi.demi_journee)
    return {
        "intitule": demi.libelle[:1].upper() + demi.libelle[1:],
        "lignes": [
            {
                "nom": f"{p.nom} {p.prenom}",
                "structure": p.inscription.structure if p.lien == "titulaire" else "",
                "signe_le": p.signe_le,  # type: ignore[attr-defined]  # annotée par le sélecteur
            }
            for p in personnes
        ],
    }
