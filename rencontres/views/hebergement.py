"""Les chambres et navettes d'une rencontre, pour qui l'organise (agents et partenaires de
cette rencontre, `get_rencontre_a_organiser`) : les ajouter, y placer les participants, les
geler une fois réservées ; les demandes de changement en attente, que seuls les agents de
l'agglomération acceptent ou refusent (les partenaires les voient). Chaque écriture passe par
`rencontres.services` ; un refus revient sur la page avec la saisie gardée."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rencontres import services
from rencontres.forms import (
    AttributionForm,
    DecisionForm,
    DemandeDeChangementForm,
    RessourceForm,
    RessourceModifForm,
)
from rencontres.models import (
    Attribution,
    DemandeDeChangement,
    GenreRessource,
    Rencontre,
    Ressource,
)
from rencontres.permissions import est_agent_organisateur
from rencontres.selectors import get_rencontre_a_organiser, hebergement_de, participants_actifs
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail


def _page(
    request: RequetePortail,
    rencontre: Rencontre,
    *,
    ajout: RessourceForm | None = None,
    attribution: AttributionForm | None = None,
    decision: tuple[int, DecisionForm] | None = None,
    changement: DemandeDeChangementForm | None = None,
    statut: int = 200,
) -> HttpResponse:
    formulaires = {
        genre: attribution
        if attribution is not None and attribution.genre == genre
        else AttributionForm(rencontre=rencontre, genre=genre)
        for genre in GenreRessource.values
    }
    donnees = hebergement_de(rencontre)
    par_genre = [
        (genre, libelle, ressources, formulaires[genre])
        for genre, libelle, ressources in donnees["par_genre"]
    ]
    # Une demande de changement (pour une personne qui téléphone, ou pour un partenaire, qui ne
    # dégèle pas) : dès qu'une chambre ou une navette est gelée.
    if changement is None and any(r.gelee for _g, _l, ressources in donnees["par_genre"] for r in ressources):
        changement = _changement(rencontre)
    demandes = [
        (d, decision[1] if decision is not None and decision[0] == d.pk else DecisionForm(prefix=f"d{d.pk}"))
        for d in donnees["demandes"]
    ]
    return render(
        request,
        "rencontres/hebergement.html",
        {
            "rencontre": rencontre,
            "par_genre": par_genre,
            "demandes": demandes,
            "ajout": ajout or RessourceForm(prefix="ressource"),
            "agent": est_agent_organisateur(request.user),
            "changement": changement,
        },
        status=statut,
    )


def _changement(rencontre: Rencontre, donnees: Any = None) -> DemandeDeChangementForm:
    return DemandeDeChangementForm(
        donnees, rencontre_id=rencontre.pk, participants=participants_actifs(rencontre)
    )


def _ressource_de(rencontre: Rencontre, pk: int) -> Ressource:
    ressource = Ressource.objects.filter(rencontre=rencontre, pk=pk).select_related("rencontre").first()
    if ressource is None:
        raise Http404
    return ressource


def _retour(rencontre: Rencontre) -> HttpResponse:
    return redirect("rencontres:hebergement", pk=rencontre.pk)


def _refus(request: RequetePortail, erreur: ValidationError) -> None:
    messages.error(request, " ".join(erreur.messages))


@require_safe
def hebergement(request: RequetePortail, pk: int) -> HttpResponse:
    return _page(request, get_rencontre_a_organiser(request.user, pk))


@require_POST
def ressource_ajouter(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    form = RessourceForm(request.POST, prefix="ressource")
    if form.is_valid():
        try:
            ressource = services.ressource_creer(
                rencontre=rencontre, acteur=request.user, **form.cleaned_data
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, _("« %(r)s » est ajoutée.") % {"r": ressource.libelle})
            return _retour(rencontre)
    return _page(request, rencontre, ajout=form)


@require_http_methods(["GET", "HEAD", "POST"])
def ressource_modifier(request: RequetePortail, pk: int, ressource: int) -> HttpResponse:
    """Le libellé et le nombre de places d'une chambre ou d'une navette (gelée, seul son libellé
    change : le service le dit)."""
    rencontre = get_rencontre_a_organiser(request.user, pk)
    objet = _ressource_de(rencontre, ressource)
    form = RessourceModifForm(
        request.POST if request.method == "POST" else None,
        initial={"libelle": objet.libelle, "capacite": objet.capacite},
    )
    if form.is_valid():
        try:
            services.ressource_modifier(ressource=objet, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, _("« %(r)s » est modifiée.") % {"r": form.cleaned_data["libelle"]})
            return _retour(rencontre)
    return render(
        request,
        "rencontres/ressource_modifier.html",
        {"rencontre": rencontre, "ressource": objet, "form": form},
    )


@require_POST
def ressource_supprimer(request: RequetePortail, pk: int, ressource: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    objet = _ressource_de(rencontre, ressource)
    try:
        services.ressource_supprimer(ressource=objet, acteur=request.user)
    except ValidationError as erreur:
        _refus(request, erreur)
    else:
        messages.success(request, _("« %(r)s » est supprimée.") % {"r": objet.libelle})
    return _retour(rencontre)


@require_POST
def attribuer(request: RequetePortail, pk: int, genre: str) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    if genre not in GenreRessource.values:
        raise Http404
    form = AttributionForm(request.POST, rencontre=rencontre, genre=genre)
    if form.is_valid():
        participant, ressource = form.cleaned_data["participant"], form.cleaned_data["ressource"]
        try:
            services.attribuer(participant=participant, ressource=ressource, acteur=request.user)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request, _("%(p)s est dans « %(r)s ».") % {"p": participant, "r": ressource.libelle}
            )
            return _retour(rencontre)
    return _page(request, rencontre, attribution=form)


@require_POST
def retirer(request: RequetePortail, pk: int, attribution: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    objet = (
        Attribution.objects.filter(ressource__rencontre=rencontre, pk=attribution)
        .select_related("ressource__rencontre", "participant")
        .first()
    )
    if objet is None:
        raise Http404
    try:
        services.retirer(attribution=objet, acteur=request.user)
    except ValidationError as erreur:
        _refus(request, erreur)
    else:
        messages.success(
            request,
            _("%(p)s n'est plus dans « %(r)s ».") % {"p": objet.participant, "r": objet.ressource.libelle},
        )
    return _retour(rencontre)


@require_POST
def geler(request: RequetePortail, pk: int, ressource: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    objet = _ressource_de(rencontre, ressource)
    try:
        services.geler(ressource=objet, acteur=request.user)
    except ValidationError as erreur:
        _refus(request, erreur)
    else:
        messages.success(
            request,
            _("« %(r)s » est gelée : ses places ne changent plus que par une demande de changement.")
            % {"r": objet.libelle},
        )
    return _retour(rencontre)


@require_POST
def degeler(request: RequetePortail, pk: int, ressource: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    objet = _ressource_de(rencontre, ressource)
    try:
        services.degeler(ressource=objet, acteur=request.user)
    except ValidationError as erreur:
        _refus(request, erreur)
    else:
        messages.success(request, _("« %(r)s » est dégelée.") % {"r": objet.libelle})
    return _retour(rencontre)


@require_POST
def changement_demander(request: RequetePortail, pk: int) -> HttpResponse:
    """Un organisateur demande un changement pour une personne (celle-ci l'a demandé par
    téléphone ; ou un partenaire, qui ne dégèle pas, pour réorganiser une chambre réservée)."""
    rencontre = get_rencontre_a_organiser(request.user, pk)
    form = _changement(rencontre, request.POST)
    if form.is_valid():
        try:
            services.demander_changement(acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request,
                _("Demande enregistrée pour %(p)s ; un agent de l'agglomération en décide.")
                % {"p": form.cleaned_data["participant"]},
            )
            return _retour(rencontre)
    return _page(request, rencontre, changement=form)


@require_POST
def decider(request: RequetePortail, pk: int, demande: int) -> HttpResponse:
    """Accepter ou refuser une demande de changement : un agent de l'agglomération (403 pour un
    partenaire, qui voit la demande sans pouvoir en décider)."""
    rencontre = get_rencontre_a_organiser(request.user, pk)
    objet = (
        DemandeDeChangement.objects.filter(participant__inscription__rencontre=rencontre, pk=demande)
        .select_related("participant", "souhait")
        .first()
    )
    if objet is None:
        raise Http404
    form = DecisionForm(request.POST, prefix=f"d{objet.pk}")
    accepter = request.POST.get("decision") == "accepter"
    if form.is_valid():
        try:
            services.decider_changement(
                demande=objet, accepter=accepter, reponse=form.cleaned_data["reponse"], acteur=request.user
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request,
                (
                    _("Demande acceptée pour %(p)s ; la personne en est prévenue.")
                    if accepter
                    else _("Demande refusée pour %(p)s ; la personne en est prévenue.")
                )
                % {"p": objet.participant},
            )
            return _retour(rencontre)
    return _page(request, rencontre, decision=(objet.pk, form))
