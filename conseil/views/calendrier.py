"""Les calendriers des séances : la page et le flux publics des séances plénières, et le flux
iCalendar privé de chaque membre (une adresse à jeton, que son agenda interroge sans session)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from conseil.calendrier import calendrier
from conseil.models import JetonCalendrier, PointOrdreDuJour, Reunion
from conseil.permissions import peut_voir_espace_conseil
from conseil.selectors import reunions_publiques, reunions_visibles_par
from conseil.services import jeton_calendrier_de, jeton_calendrier_renouveler
from socle.courriels import lien_absolu
from socle.types import RequetePortail

# Les calendriers remontent un an en arrière : assez pour retrouver une séance récente,
# sans faire grossir indéfiniment le flux que les agendas relisent toutes les heures.
HISTORIQUE = timedelta(days=365)


def _avec_points(reunions: QuerySet[Reunion]) -> list[Reunion]:
    """Les séances, chacune avec `points_du_calendrier` (ce que `calendrier()` lit) :
    deux requêtes en tout."""
    return list(
        reunions.select_related("instance").prefetch_related(
            Prefetch(
                "points", queryset=PointOrdreDuJour.objects.order_by("ordre"), to_attr="points_du_calendrier"
            )
        )
    )


def _seances_publiques() -> list[Reunion]:
    depuis = timezone.now() - HISTORIQUE
    return _avec_points(reunions_publiques().filter(debut__gte=depuis).order_by("debut", "id"))


def _reponse_ics(contenu: bytes, nom_fichier: str) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = f'inline; filename="{nom_fichier}"'
    return reponse


@login_not_required
@require_safe
def calendrier_public(request: HttpRequest) -> HttpResponse:
    seances = _seances_publiques()
    maintenant = timezone.now()
    return render(
        request,
        "conseil/calendrier_public.html",
        {
            "a_venir": [s for s in seances if s.debut >= maintenant],
            "passees": [s for s in reversed(seances) if s.debut < maintenant],
            "lien_ics": lien_absolu(reverse("conseil:calendrier_public_ics")),
        },
    )


@login_not_required
@require_safe
def calendrier_public_ics(request: HttpRequest) -> HttpResponse:
    contenu = calendrier(_seances_publiques(), nom=_("Conseil de santé du Cotentin — séances publiques"))
    reponse = _reponse_ics(contenu, "seances-conseil-de-sante-du-cotentin.ics")
    reponse["Cache-Control"] = "public, max-age=900"
    return reponse


@require_http_methods(["GET", "HEAD", "POST"])
def abonnement(request: RequetePortail) -> HttpResponse:
    if not peut_voir_espace_conseil(request.user):
        raise PermissionDenied
    if request.method == "POST":
        jeton_calendrier_renouveler(utilisateur=request.user)
        messages.success(
            request,
            _(
                "Votre calendrier a une nouvelle adresse. L'ancienne ne fonctionne plus : "
                "remplacez-la dans chacun de vos agendas."
            ),
        )
        return redirect("conseil:abonnement")
    jeton = jeton_calendrier_de(utilisateur=request.user)
    return render(
        request,
        "conseil/abonnement.html",
        {"adresse": lien_absolu(reverse("conseil:flux_prive", kwargs={"jeton": jeton.jeton}))},
    )


@login_not_required
@require_safe
def flux_prive(request: HttpRequest, jeton: str) -> HttpResponse:
    abonnement = (
        JetonCalendrier.objects.select_related("utilisateur")
        .filter(jeton=jeton, utilisateur__is_active=True)
        .first()
    )
    if abonnement is None:
        raise Http404
    utilisateur = abonnement.utilisateur
    depuis = timezone.now() - HISTORIQUE
    seances = _avec_points(
        reunions_visibles_par(utilisateur).filter(debut__gte=depuis).order_by("debut", "id")
    )
    reponse = _reponse_ics(
        calendrier(seances, nom=_("Mes séances — Conseil de santé du Cotentin")), "mes-seances.ics"
    )
    reponse["Cache-Control"] = "private, no-store"
    reponse["X-Robots-Tag"] = "noindex, nofollow"
    reponse["Referrer-Policy"] = "no-referrer"
    return reponse
