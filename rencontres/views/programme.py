"""Le programme d'une rencontre, hors de l'administration : la créer (un agent), la modifier
avec ses activités et ses questions (un agent ; un partenaire tant qu'elle est en brouillon), la
publier, l'annuler (un agent, motif obligatoire), la confier à des organisateurs partenaires.
Toute rencontre se lit par `get_rencontre_a_organiser` (404 pour les autres)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rencontres import services
from rencontres.forms_programme import (
    AnnulationForm,
    OrganisateurForm,
    RencontreForm,
    activites_formset,
    questions_formset,
    saisies,
)
from rencontres.models import Organisateur, StatutRencontre
from rencontres.permissions import est_agent_organisateur, peut_modifier_le_programme, peut_publier
from rencontres.selectors import get_rencontre_a_organiser, organisateurs_de
from rencontres.workflows import manquements
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail


def _erreurs_du_programme(erreur: ValidationError) -> list[str]:
    """Les refus qui portent sur les lignes du programme (activités, questions)."""
    if not hasattr(erreur, "error_dict"):
        return []
    return [str(m) for cle in ("activites", "questions") for e in erreur.error_dict.get(cle, []) for m in e]


@require_http_methods(["GET", "HEAD", "POST"])
def rencontre_nouvelle(request: RequetePortail) -> HttpResponse:
    if not est_agent_organisateur(request.user):
        raise Http404
    donnees = request.POST if request.method == "POST" else None
    form = RencontreForm(donnees)
    activites = activites_formset(None, donnees)
    questions = questions_formset(None, donnees)
    erreurs_programme: list[str] = []
    if form.is_valid() and activites.is_valid() and questions.is_valid():
        try:
            rencontre = services.rencontre_creer(
                acteur=request.user,
                champs=form.champs(),
                activites=saisies(activites),
                questions=saisies(questions),
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
            erreurs_programme = _erreurs_du_programme(erreur)
        else:
            messages.success(request, _("La rencontre est créée en brouillon : relisez-la, puis publiez-la."))
            return redirect("rencontres:programme", rencontre.pk)
    return render(
        request,
        "rencontres/programme_form.html",
        {
            "form": form,
            "activites": activites,
            "questions": questions,
            "erreurs_programme": erreurs_programme,
            "rencontre": None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def programme(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    modifiable = peut_modifier_le_programme(request.user, rencontre)
    donnees = request.POST if request.method == "POST" and modifiable else None
    form = RencontreForm(
        donnees, instance=rencontre, organisateur_modifiable=est_agent_organisateur(request.user)
    )
    activites = activites_formset(rencontre, donnees)
    questions = questions_formset(rencontre, donnees)
    erreurs_programme: list[str] = []
    if donnees is not None and form.is_valid() and activites.is_valid() and questions.is_valid():
        try:
            services.rencontre_modifier(
                rencontre=rencontre,  # relue sous verrou par le service
                acteur=request.user,
                champs=form.champs(),
                activites=saisies(activites),
                questions=saisies(questions),
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
            erreurs_programme = _erreurs_du_programme(erreur)
        else:
            messages.success(
                request,
                _("Le programme est enregistré ; les personnes inscrites ont reçu l'agenda à jour.")
                if rencontre.statut == StatutRencontre.PUBLIEE
                else _("Le programme est enregistré."),
            )
            return redirect("rencontres:programme", rencontre.pk)
    if not modifiable:
        for champ in form.fields.values():
            champ.disabled = True
    return render(
        request,
        "rencontres/programme_form.html",
        {
            "form": form,
            "activites": activites,
            "questions": questions,
            "erreurs_programme": erreurs_programme,
            "rencontre": rencontre,
            "modifiable": modifiable,
            "peut_publier": peut_publier(request.user, rencontre),
            "manquements": manquements(rencontre) if rencontre.statut == StatutRencontre.BROUILLON else [],
        },
    )


@require_POST
def publier(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    try:
        services.rencontre_publier(rencontre=rencontre, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, _("La rencontre est publiée : les inscriptions ouvrent à la date prévue."))
    return redirect("rencontres:programme", rencontre.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def annuler(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    if not peut_publier(request.user, rencontre):
        raise Http404
    form = AnnulationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.rencontre_annuler(
                rencontre=rencontre, acteur=request.user, motif=form.cleaned_data["motif"]
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request, _("La rencontre est annulée ; les personnes inscrites en sont prévenues.")
            )
            return redirect("rencontres:programme", rencontre.pk)
    return render(request, "rencontres/rencontre_annuler.html", {"rencontre": rencontre, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def organisateurs(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    agent = est_agent_organisateur(request.user)
    form = OrganisateurForm(request.POST if request.method == "POST" and agent else None)
    if form.is_valid():
        try:
            services.organisateur_ajouter(
                rencontre=rencontre, email=form.cleaned_data["email"], acteur=request.user
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, _("La rencontre est confiée à ce compte ; il en est prévenu."))
            return redirect("rencontres:organisateurs", rencontre.pk)
    return render(
        request,
        "rencontres/organisateurs.html",
        {
            "rencontre": rencontre,
            "form": form if agent else None,
            "organisateurs": organisateurs_de(rencontre),
        },
    )


@require_POST
def organisateur_retirer(request: RequetePortail, pk: int, organisateur: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    if not est_agent_organisateur(request.user):
        raise Http404
    with transaction.atomic():
        ligne = get_object_or_404(
            Organisateur.objects.select_related("rencontre"), pk=organisateur, rencontre=rencontre
        )
        services.organisateur_retirer(organisateur=ligne, acteur=request.user)
    messages.success(request, _("Ce compte n'organise plus la rencontre."))
    return redirect("rencontres:organisateurs", rencontre.pk)
