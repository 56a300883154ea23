"""La page du renouvellement au vivier, ouverte par le lien signé du courriel envoyé un mois
avant l'échéance (recrutement/jetons.py) : sans connexion, le candidat reste deux ans de plus
ou quitte le vivier. Un lien altéré, trop ancien ou d'un candidat effacé mène à une 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from recrutement import services
from recrutement.jetons import candidat_du_jeton_vivier
from recrutement.selectors import vivier_du_candidat

RESTER, QUITTER = "rester", "quitter"


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def vivier_renouveler(request: HttpRequest, jeton: str) -> HttpResponse:
    candidat = candidat_du_jeton_vivier(jeton)
    if candidat is None:
        raise Http404
    if request.method == "POST":
        choix = request.POST.get("choix")
        if choix == RESTER:
            services.vivier_consentir(candidat=candidat)
            messages.success(request, _("Merci : vous restez dans le vivier deux ans de plus."))
        elif choix == QUITTER:
            services.vivier_quitter(candidat=candidat)
            messages.success(
                request,
                _(
                    "Vous avez quitté le vivier : aucune offre ne vous sera plus proposée. Vos données "
                    "seront effacées trois mois après la fin de vos candidatures en cours."
                ),
            )
        else:
            messages.error(request, _("Choisissez de rester dans le vivier ou de le quitter."))
        return redirect("recrutement:vivier", jeton=jeton)
    consentement = vivier_du_candidat(candidat)
    return render(
        request,
        "recrutement/vivier_renouveler.html",
        {
            "candidat": candidat,
            "consentement": consentement,
            "echeance": timezone.localdate(consentement.echeance)
            if consentement and consentement.echeance
            else None,
            "RESTER": RESTER,
            "QUITTER": QUITTER,
        },
    )
