"""Les pages de l'agglomération sur le recrutement (droit `recrutement.suivre_recrutement`,
donné aux agents de la Direction de la Santé ; 404 pour tout autre) : le tableau de bord, des
chiffres sans aucun nom, avec ses exports ; les demandes d'aide à l'installation des
candidats, seule donnée nominative qu'ils voient (ni CV ni message aux recruteurs)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from recrutement import services
from recrutement.permissions import suit_le_recrutement
from recrutement.selectors import demandes_d_aide_pour, get_demande_d_aide_pour
from recrutement.selectors_tableau_de_bord import TABLEAUX
from recrutement.selectors_tableau_de_bord import tableau_de_bord as calculer_le_tableau_de_bord
from socle.exports import export, reponse_csv, reponse_xlsx
from socle.types import RequetePortail
from territoire.selectors import page_de

PAR_PAGE = 30
A_TRAITER, PRISES = "a-traiter", "prises"


def _verifier(request: RequetePortail) -> None:
    if not suit_le_recrutement(request.user):
        raise Http404


@require_safe
def tableau_de_bord(request: RequetePortail) -> HttpResponse:
    _verifier(request)
    return render(
        request,
        "recrutement/agglomeration/tableau_de_bord.html",
        {"bord": calculer_le_tableau_de_bord(timezone.localdate())},
    )


@require_safe
@export
def tableau_export(request: RequetePortail, tableau: str, format: str) -> HttpResponse:
    _verifier(request)
    if tableau not in TABLEAUX or format not in ("csv", "xlsx"):
        raise Http404
    donnees = TABLEAUX[tableau](timezone.localdate())
    nom = f"recrutement-{tableau}-{timezone.localdate():%Y-%m-%d}.{format}"
    if format == "csv":
        return reponse_csv(request, nom, donnees.entetes_csv(), donnees.lignes_csv())
    return reponse_xlsx(request, nom, donnees.entetes_csv(), donnees.lignes_csv(), feuille=tableau)


@require_safe
def demandes_d_aide(request: RequetePortail) -> HttpResponse:
    _verifier(request)
    etat = PRISES if request.GET.get("etat") == PRISES else A_TRAITER
    demandes = demandes_d_aide_pour(request.user, prises_en_charge=etat == PRISES)
    return render(
        request,
        "recrutement/agglomeration/demandes_d_aide.html",
        {
            "page": page_de(demandes, request.GET.get("page"), PAR_PAGE),
            "etat": etat,
            "A_TRAITER": A_TRAITER,
            "PRISES": PRISES,
        },
    )


@require_POST
def aide_prendre_en_charge(request: RequetePortail, pk: int) -> HttpResponse:
    candidature = get_demande_d_aide_pour(request.user, pk)
    try:
        services.aide_prendre_en_charge(candidature=candidature, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request,
            _("La demande d'aide de %(candidat)s est prise en charge.") % {"candidat": candidature.candidat},
        )
    return redirect("recrutement:demandes_d_aide")
