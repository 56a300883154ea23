"""Le flux d'agenda privé d'une personne (iCalendar, à s'abonner) : toutes les rencontres où
son adresse a une inscription, mises à jour à chaque lecture. Sans compte : le lien signé
(`rencontres.jetons.jeton_agenda`) suffit, comme celui d'une inscription ; un jeton faux, 404."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rencontres.calendrier import ics_flux
from rencontres.jetons import email_du_jeton_agenda
from rencontres.selectors import inscriptions_de_l_adresse


@login_not_required
@require_safe
def flux(request: HttpRequest, jeton: str) -> HttpResponse:
    email = email_du_jeton_agenda(jeton)
    if email is None:
        raise Http404
    contenu = ics_flux(inscriptions_de_l_adresse(email), nom=_("Mes rencontres — Cotentin Santé"))
    reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = 'inline; filename="mes-rencontres.ics"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse
