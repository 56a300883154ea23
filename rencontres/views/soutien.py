"""Les demandes de soutien à un congrès : déposer (tout compte connecté, pour un organisme),
suivre les siennes ; instruire, soumettre à l'avis du Collège, accorder ou refuser (les agents) ;
lire la demande pour rendre son avis (les membres du Collège, quand elle leur est soumise).
Toute demande se lit par `get_demande_de_soutien_pour` (404 pour les autres)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rencontres import services
from rencontres.forms_programme import DecisionSoutienForm, SoutienForm
from rencontres.models import StatutDemandeDeSoutien
from rencontres.permissions import a_depose, est_agent_organisateur
from rencontres.selectors import demandes_de_soutien_de, get_demande_de_soutien_pour
from rencontres.workflows import avis_requis
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail

PAR_PAGE = 50


@require_http_methods(["GET", "HEAD", "POST"])
def soutiens(request: RequetePortail) -> HttpResponse:
    """Déposer une demande ; la liste des siennes (toutes pour un agent)."""
    form = SoutienForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            demande = services.soutien_deposer(acteur=request.user, champs=form.cleaned_data)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request, _("Votre demande est déposée : l'agglomération l'instruit et vous répondra ici.")
            )
            return redirect(demande)
    statut = request.GET.get("statut", "")
    demandes = demandes_de_soutien_de(request.user).order_by("-deposee_le", "-pk")
    if statut in StatutDemandeDeSoutien.values:
        demandes = demandes.filter(statut=statut)
    return render(
        request,
        "rencontres/soutiens.html",
        {
            "form": form,
            "page": Paginator(demandes, PAR_PAGE).get_page(request.GET.get("page")),
            "agent": est_agent_organisateur(request.user),
            "statuts": StatutDemandeDeSoutien.choices,
            "statut": statut,
        },
    )


def _page(request: RequetePortail, pk: int, decision: DecisionSoutienForm | None = None) -> HttpResponse:
    demande = get_demande_de_soutien_pour(request.user, pk)
    agent = est_agent_organisateur(request.user)
    return render(
        request,
        "rencontres/soutien_detail.html",
        {
            "demande": demande,
            "agent": agent,
            "demandeur": a_depose(request.user, demande),
            "avis_requis": avis_requis(demande),
            "decision": decision or DecisionSoutienForm(initial={"montant_accorde": demande.montant_demande}),
            "chronologie": agent or a_depose(request.user, demande),
            "ouverte": demande.statut
            in (
                StatutDemandeDeSoutien.DEPOSEE,
                StatutDemandeDeSoutien.EN_INSTRUCTION,
                StatutDemandeDeSoutien.AVIS,
            ),
        },
    )


@require_http_methods(["GET", "HEAD"])
def soutien(request: RequetePortail, pk: int) -> HttpResponse:
    return _page(request, pk)


@require_POST
def soutien_action(request: RequetePortail, pk: int, action: str) -> HttpResponse:
    demande = get_demande_de_soutien_pour(request.user, pk)
    try:
        if action == "prendre":
            services.soutien_prendre_en_charge(demande=demande, acteur=request.user)
            messages.success(request, _("Vous instruisez cette demande."))
        elif action == "avis":
            services.soutien_soumettre_a_l_avis(demande=demande, acteur=request.user)
            messages.success(request, _("Le Collège est appelé à rendre son avis : le scrutin est ouvert."))
        elif action == "retirer":
            services.soutien_retirer(demande=demande, acteur=request.user)
            messages.success(request, _("Votre demande est retirée."))
        elif action in ("accorder", "refuser"):
            decision = DecisionSoutienForm(request.POST)
            if not decision.is_valid():
                return _page(request, pk, decision)
            try:
                if action == "accorder":
                    montant = decision.cleaned_data["montant_accorde"]
                    services.soutien_accorder(
                        demande=demande,
                        acteur=request.user,
                        montant_accorde=Decimal("0") if montant is None else montant,
                        motif=decision.cleaned_data["motif"],
                    )
                    messages.success(
                        request,
                        _("Soutien accordé : la rencontre est créée en brouillon et confiée à l'organisme."),
                    )
                else:
                    services.soutien_refuser(
                        demande=demande, acteur=request.user, motif=decision.cleaned_data["motif"]
                    )
                    messages.success(request, _("La demande est refusée ; l'organisme en est prévenu."))
            except ValidationError as erreur:
                erreurs_du_service(decision, erreur)
                return _page(request, pk, decision)
        else:
            return redirect(demande)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    return redirect(demande)
