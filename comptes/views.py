import json

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptes.donnees import donnees_de
from comptes.forms import AcceptationInvitationForm, InvitationForm, MotifForm, PreferencesForm
from comptes.jetons import invitation_depuis_jeton
from comptes.permissions import peut_gerer_invitation, peut_inviter
from comptes.roles import Role, roles_de
from comptes.selectors import get_invitation_pour, invitations_visibles_par
from comptes.services import (
    invitation_accepter,
    invitation_creer,
    invitation_renvoyer,
    invitation_revoquer,
    preferences_modifier,
)
from comptes.workflows import INVITATION
from socle.services import evenement_enregistrer
from socle.types import RequetePortail
from socle.verbes import Verbe

# Les actions que ce module écrit au journal d'audit.
DONNEES_EXPORTEES = Verbe("comptes.donnees.exportees", gettext_lazy("Données personnelles téléchargées"))

BACKEND_ALLAUTH = "allauth.account.auth_backends.AuthenticationBackend"


def mon_compte(request: RequetePortail) -> HttpResponse:
    roles = sorted(str(Role(r).label) for r in roles_de(request.user) if r in Role.values)
    return render(request, "comptes/mon_compte.html", {"roles": roles})


def preferences(request: RequetePortail) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        # Le formulaire a déjà posé les valeurs sur l'instance : on repart de la base.
        request.user.refresh_from_db()
        preferences_modifier(utilisateur=request.user, **form.cleaned_data)
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("comptes:mon_compte")
    return render(request, "comptes/preferences.html", {"form": form})


def mes_donnees(request: RequetePortail) -> HttpResponse:
    if request.method != "POST":
        return render(request, "comptes/mes_donnees.html")
    contenu = json.dumps(donnees_de(request.user), ensure_ascii=False, indent=2)
    evenement_enregistrer(verbe=DONNEES_EXPORTEES, acteur=request.user, cible=request.user)
    reponse = HttpResponse(contenu, content_type="application/json; charset=utf-8")
    nom = f"mes-donnees-conseil-sante-cotentin-{timezone.localdate():%Y-%m-%d}.json"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


def invitation_liste(request: RequetePortail) -> HttpResponse:
    if not peut_inviter(request.user):
        raise PermissionDenied
    page = Paginator(invitations_visibles_par(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "comptes/invitation_liste.html", {"page": page})


def invitation_creer_vue(request: RequetePortail) -> HttpResponse:
    if not peut_inviter(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, acteur=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_creer(acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(
                request, _("L'invitation est envoyée à %(email)s.") % {"email": invitation.email}
            )
            return redirect(invitation)
    return render(request, "comptes/invitation_form.html", {"form": form})


def invitation_detail(request: RequetePortail, pk: int) -> HttpResponse:
    invitation = get_invitation_pour(request.user, pk)
    return render(
        request,
        "comptes/invitation_detail.html",
        {
            "invitation": invitation,
            "peut_gerer": peut_gerer_invitation(request.user, invitation),
            "transitions": INVITATION.possibles(invitation, request.user),
            "form_motif": MotifForm(),
        },
    )


@require_POST
def invitation_revoquer_vue(request: RequetePortail, pk: int) -> HttpResponse:
    invitation = get_invitation_pour(request.user, pk)
    form = MotifForm(request.POST)
    form.is_valid()
    try:
        invitation_revoquer(
            invitation=invitation, acteur=request.user, motif=form.cleaned_data.get("motif", "")
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, _("L'invitation est révoquée : le lien ne fonctionne plus."))
    return redirect(invitation)


@require_POST
def invitation_renvoyer_vue(request: RequetePortail, pk: int) -> HttpResponse:
    invitation = get_invitation_pour(request.user, pk)
    try:
        invitation_renvoyer(invitation=invitation, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, _("L'invitation est renvoyée avec un nouveau lien."))
    return redirect(invitation)


@login_not_required
def invitation_accepter_vue(request: HttpRequest, jeton: str) -> HttpResponse:
    invitation = invitation_depuis_jeton(jeton)
    if invitation is None or not invitation.est_utilisable:
        return render(
            request,
            "comptes/invitation_invalide.html",
            {"invitation": invitation},
            status=410 if invitation else 404,
        )
    if request.user.is_authenticated:
        return render(request, "comptes/invitation_deja_connecte.html", {"invitation": invitation})
    form = AcceptationInvitationForm(
        request.POST or None,
        email=invitation.email,
        initial={"prenom": invitation.prenom, "nom": invitation.nom},
    )
    if request.method == "POST" and form.is_valid():
        try:
            utilisateur = invitation_accepter(
                invitation=invitation,
                prenom=form.cleaned_data["prenom"],
                nom=form.cleaned_data["nom"],
                mot_de_passe=form.cleaned_data["mot_de_passe"],
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            login(request, utilisateur, backend=BACKEND_ALLAUTH)
            messages.success(request, _("Bienvenue ! Votre compte est créé."))
            return redirect("accueil")
    return render(request, "comptes/invitation_accepter.html", {"form": form, "invitation": invitation})
