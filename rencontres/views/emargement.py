"""L'émargement à l'écran, depuis le téléphone ou la tablette de l'organisation : on choisit la
demi-journée (celle en cours par défaut), on cherche la personne par son nom, elle appuie sur
« Signer ». L'organisation corrige une signature recueillie par erreur. La feuille imprimée
d'une demi-journée reprend les heures des signatures à l'écran (`organisation.emargement`).
Toute rencontre se lit par `get_rencontre_a_organiser` (404 pour qui ne l'organise pas)."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rencontres import services
from rencontres.models import Rencontre
from rencontres.selectors import (
    compte_des_signatures,
    get_emargement_de,
    get_participant_a_emarger,
    get_rencontre_a_organiser,
    participants_a_emarger,
)
from rencontres.services import DemiJourneeDeRencontre
from socle.francais import heure
from socle.types import RequetePortail

PAR_PAGE = 50


def demi_journee_demandee(donnees: Any, demis: list[DemiJourneeDeRencontre]) -> DemiJourneeDeRencontre | None:
    """La demi-journée des paramètres `jour` (AAAA-MM-JJ) et `demi_journee`, si elle est de la
    rencontre ; None si elle n'est pas donnée ou pas de la rencontre."""
    try:
        jour = date.fromisoformat(donnees.get("jour", ""))
    except ValueError:
        return None
    demandee = DemiJourneeDeRencontre(jour, donnees.get("demi_journee", ""))
    return demandee if demandee in demis else None


def _par_defaut(demis: list[DemiJourneeDeRencontre]) -> DemiJourneeDeRencontre | None:
    """Celle en cours ; sinon la prochaine ; sinon la dernière (la rencontre est passée)."""
    maintenant = timezone.now()
    return next((d for d in demis if maintenant < d.fin), demis[-1] if demis else None)


def _retour(rencontre: Rencontre, donnees: Any, ancre: str = "") -> HttpResponseRedirect:
    """La liste, avec la demi-journée, la recherche et la page d'où l'on vient."""
    parametres = {cle: donnees.get(cle, "")[:100] for cle in ("jour", "demi_journee", "q", "page")}
    adresse = reverse("rencontres:emargement_ecran", args=[rencontre.pk])
    chaine = urlencode({cle: valeur for cle, valeur in parametres.items() if valeur})
    return HttpResponseRedirect(f"{adresse}?{chaine}{ancre}" if chaine else f"{adresse}{ancre}")


@require_safe
def emargement_ecran(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    demis = services.demi_journees(rencontre)
    choisie = demi_journee_demandee(request.GET, demis) or _par_defaut(demis)
    q = request.GET.get("q", "")[:100]
    contexte: dict[str, Any] = {"rencontre": rencontre, "demis": demis, "choisie": choisie, "q": q}
    if choisie is not None:
        personnes = participants_a_emarger(
            rencontre, jour=choisie.jour, demi_journee=choisie.demi_journee, q=q
        )
        contexte.update(
            page=Paginator(personnes, PAR_PAGE).get_page(request.GET.get("page")),
            compte=compte_des_signatures(rencontre, jour=choisie.jour, demi_journee=choisie.demi_journee),
            pas_commencee=timezone.now() < choisie.debut,
        )
    return render(request, "rencontres/emargement.html", contexte)


@require_POST
def emargement_signer(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    try:
        participant_pk = int(request.POST.get("participant", ""))
    except ValueError:
        messages.error(request, _("Choisissez la personne qui signe."))
        return _retour(rencontre, request.POST)
    participant = get_participant_a_emarger(rencontre, participant_pk)
    demi = demi_journee_demandee(request.POST, services.demi_journees(rencontre))
    try:
        if demi is None:
            raise ValidationError(_("Cette demi-journée n'est pas une demi-journée de la rencontre."))
        emargement = services.emarger(
            participant=participant, jour=demi.jour, demi_journee=demi.demi_journee, acteur=request.user
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request,
            _("%(personne)s a signé pour %(demi)s, à %(heure)s.")
            % {
                "personne": f"{participant.prenom} {participant.nom}",
                "demi": emargement_libelle(emargement.jour, emargement.demi_journee),
                "heure": heure(emargement.signe_le),
            },
        )
    return _retour(rencontre, request.POST, f"#personne-{participant.pk}")


def emargement_libelle(jour: date, demi_journee: str) -> str:
    return DemiJourneeDeRencontre(jour, demi_journee).libelle


@require_POST
def emargement_annuler(request: RequetePortail, pk: int, emargement: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    signature = get_emargement_de(rencontre, emargement)
    services.annuler_emargement(emargement=signature, acteur=request.user)
    personne = signature.participant
    messages.success(
        request,
        _("Signature de %(personne)s annulée pour %(demi)s.")
        % {
            "personne": f"{personne.prenom} {personne.nom}",
            "demi": emargement_libelle(signature.jour, signature.demi_journee),
        },
    )
    return _retour(rencontre, request.POST, f"#personne-{personne.pk}")
