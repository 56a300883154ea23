"""L'accord pour le vivier et l'attractivité des rencontres : la personne inscrite retire son
accord depuis la page de son inscription (lien signé, sans compte) ; les agents de
l'agglomération lisent l'entonnoir de chaque rencontre, de l'inscription à l'installation
(des nombres, jamais de noms). Les partenaires n'y ont pas accès (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rencontres import services
from rencontres.attractivite import attractivite as lire_attractivite
from rencontres.jetons import inscription_du_jeton
from rencontres.permissions import est_agent_organisateur
from socle.types import RequetePortail


@login_not_required
@require_POST
def accord_vivier_retirer(request: HttpRequest, jeton: str) -> HttpResponse:
    inscription = inscription_du_jeton(jeton)
    if inscription is None:
        raise Http404
    try:
        services.accord_vivier_retirer(
            inscription=inscription, acteur=request.user if request.user.is_authenticated else None
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request,
            _(
                "Votre accord est retiré : l'agglomération et le GCS ne vous proposeront plus "
                "d'offres à ce titre."
            ),
        )
    return redirect("rencontres:inscription", jeton=jeton)


@require_safe
def attractivite(request: RequetePortail) -> HttpResponse:
    if not est_agent_organisateur(request.user):
        raise Http404
    return render(request, "rencontres/attractivite.html", {"attractivite": lire_attractivite()})
