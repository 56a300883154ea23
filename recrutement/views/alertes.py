"""Les alertes aux nouvelles offres : s'abonner (tout le monde), confirmer par le lien reçu,
se désabonner par le lien de chaque courriel (sans connexion). Une alerte se lit par sa clé,
jamais par son numéro ; une clé inconnue répond 404."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from recrutement import services
from recrutement.forms_candidat import AlerteForm
from recrutement.selectors import get_alerte_par_cle


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def alerte_creer(request: HttpRequest) -> HttpResponse:
    initial = {"email": request.user.email} if request.user.is_authenticated else {}
    form = AlerteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        alerte = services.alerte_creer(
            email=form.cleaned_data["email"],
            profession=form.cleaned_data["profession"],
            pole=form.cleaned_data["pole"],
            compte=request.user if request.user.is_authenticated else None,
        )
        return render(
            request,
            "recrutement/candidat/alerte_demandee.html",
            {
                "profession": form.cleaned_data["profession"],
                "pole": form.cleaned_data["pole"],
                # Dit « active » au seul compte qui l'a : à un visiteur, rien sur ce qui existe déjà.
                "confirmee": request.user.is_authenticated
                and alerte.confirmee_le is not None
                and alerte.compte_id == request.user.pk,
            },
        )
    return render(request, "recrutement/candidat/alerte_form.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def alerte_confirmer(request: HttpRequest, cle: str) -> HttpResponse:
    """Le lien reçu montre un bouton : un lien ouvert par un antivirus ne confirme rien."""
    alerte = get_alerte_par_cle(cle)
    if request.method == "POST":
        alerte = services.alerte_confirmer(alerte=alerte)
    return render(request, "recrutement/candidat/alerte_confirmer.html", {"alerte": alerte})


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def alerte_supprimer(request: HttpRequest, cle: str) -> HttpResponse:
    alerte = get_alerte_par_cle(cle)
    if request.method == "POST":
        services.alerte_supprimer(alerte=alerte)
        return render(request, "recrutement/candidat/alerte_supprimee.html", {"alerte": alerte})
    return render(request, "recrutement/candidat/alerte_supprimer.html", {"alerte": alerte})
