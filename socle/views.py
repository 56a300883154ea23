import logging
import sys
from datetime import datetime, timedelta
from typing import cast

import redis
from celery import current_app
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Page, Paginator
from django.db import DataError, InterfaceError, OperationalError, connection
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from socle.a_faire import nouveautes_de, taches_de
from socle.journalisation import identifiant_courant
from socle.models import Document
from socle.selectors import get_document_pour, get_notification_pour, notifications_de
from socle.services import accueil_vu, notifications_marquer_lues
from socle.types import RequetePortail

# Sans visite précédente, « ce qui a changé » remonte à un mois (« ce dernier mois »).
PREMIERE_VISITE = timedelta(days=30)
DEPUIS_DANS_LA_SESSION = "accueil_depuis"


def _depuis(request: RequetePortail, maintenant: datetime) -> tuple[datetime, bool]:
    """Le début de « ce qui a changé » et si c'est la première visite. C'est la visite
    précédente de l'accueil (`accueil_vu_le`, tenue à chaque visite), lue une fois par session :
    recharger la page, ou y revenir dans la journée, ne vide pas la liste de ce que la personne
    vient à peine de voir ; la session suivante part de la dernière visite de celle-ci."""
    retenu = request.session.get(DEPUIS_DANS_LA_SESSION)
    if retenu is not None:
        return datetime.fromisoformat(retenu[0]), retenu[1]
    vu_le = request.user.accueil_vu_le
    depuis, premiere = (vu_le, False) if vu_le is not None else (maintenant - PREMIERE_VISITE, True)
    request.session[DEPUIS_DANS_LA_SESSION] = (depuis.isoformat(), premiere)
    return depuis, premiere


@login_not_required
def accueil(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "socle/accueil.html")
    requete = cast(RequetePortail, request)
    maintenant = timezone.now()
    depuis, premiere_visite = _depuis(requete, maintenant)
    contexte = {
        "maintenant": maintenant,
        "taches": taches_de(requete.user, maintenant),
        "nouveautes": nouveautes_de(requete.user, depuis, maintenant),
        "depuis": depuis,
        "premiere_visite": premiere_visite,
        "dernieres_notifications": list(notifications_de(requete.user)[:5]),
    }
    accueil_vu(acteur=requete.user, le=maintenant)
    return render(request, "socle/accueil.html", contexte)


@login_not_required
def page(request: HttpRequest, gabarit: str) -> HttpResponse:
    return render(request, gabarit)


def _page_de_notifications(request: RequetePortail, numero: int | None = None) -> Page:
    return Paginator(notifications_de(request.user), 25).get_page(numero or request.GET.get("page"))


@require_GET
def notifications(request: RequetePortail) -> HttpResponse:
    return render(request, "socle/notification_liste.html", {"page": _page_de_notifications(request)})


def notification_ouvrir(request: RequetePortail, pk: int) -> HttpResponse:
    notification = get_notification_pour(request.user, pk)
    notifications_marquer_lues(destinataire=request.user, ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("socle:notifications")


@require_POST
def notifications_tout_lire(request: RequetePortail) -> HttpResponse:
    nombre = notifications_marquer_lues(destinataire=request.user)
    if request.htmx:
        return render(
            request,
            "socle/notification_liste.html#liste",
            {"page": _page_de_notifications(request, numero=1)},
        )
    if nombre:
        messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect("socle:notifications")


def document(request: RequetePortail, pk: int) -> HttpResponseBase:
    return reponse_document(get_document_pour(request.user, pk))


def reponse_document(document: Document) -> HttpResponseBase:
    """Le fichier d'un document dont l'accès vient d'être contrôlé, en pièce jointe (nginx le
    sert en production). Les applications qui tracent qui ouvre quoi (les pièces d'une
    candidature) servent leurs documents par elle."""
    disposition = content_disposition_header(as_attachment=True, filename=document.nom_fichier)
    if settings.DOCUMENTS_X_ACCEL_PREFIXE:
        # nginx lit le fichier dans un emplacement `internal` que le public ne peut atteindre.
        reponse: HttpResponseBase = HttpResponse(content_type=document.type_mime)
        reponse["X-Accel-Redirect"] = (
            f"{settings.DOCUMENTS_X_ACCEL_PREFIXE.rstrip('/')}/{document.fichier.name}"
        )
    else:
        reponse = FileResponse(document.fichier.open("rb"), content_type=document.type_mime)
    reponse["Content-Disposition"] = disposition
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@login_not_required
@never_cache
@require_GET
def sante(request: HttpRequest) -> JsonResponse:
    """200 seulement si PostgreSQL, Redis et au moins un worker Celery répondent."""
    etats: dict[str, str] = {}
    try:
        with connection.cursor() as curseur:
            curseur.execute("SELECT 1")
        etats["postgresql"] = "ok"
    except Exception as erreur:
        etats["postgresql"] = f"erreur : {type(erreur).__name__}"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
        etats["redis"] = "ok"
    except Exception as erreur:
        etats["redis"] = f"erreur : {type(erreur).__name__}"
    try:
        # L'application Celery du projet (cotentin_sante/celery.py), sans l'importer d'ici.
        reponses = current_app.control.ping(timeout=1.0)
        etats["celery"] = "ok" if reponses else "erreur : aucun worker ne répond"
    except Exception as erreur:
        etats["celery"] = f"erreur : {type(erreur).__name__}"
    statut = 200 if all(v == "ok" for v in etats.values()) else 503
    return JsonResponse(etats, status=statut, json_dumps_params={"ensure_ascii": False})


# --- Pages d'erreur ----------------------------------------------------------------------

journal_des_requetes = logging.getLogger("django.request")

# Ce que lève Django quand PostgreSQL ne répond pas (arrêté, redémarrage, trop de connexions).
ERREURS_DE_LA_BASE = (OperationalError, InterfaceError)


def _page_d_erreur(gabarit: str, statut: int) -> HttpResponse:
    contenu = loader.get_template(gabarit).render({"identifiant": identifiant_courant()})
    return HttpResponse(contenu, status=statut)


def requete_invalide(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """`handler400` : une adresse ou un formulaire que le portail ne sait pas lire (octet nul,
    socle.middleware). Page autonome, comme la 500 : la requête n'a peut-être pas de session."""
    return _page_d_erreur("400.html", 400)


def erreur_serveur(request: HttpRequest) -> HttpResponse:
    """`handler500` : la base injoignable répond 503 (« momentanément indisponible, réessayez »),
    une valeur qu'elle refuse de lire (DataError : octet nul, nombre hors limites qu'un
    contrôle aurait dû arrêter plus tôt) 400, toute autre erreur 500. Les pages sont
    autonomes (ni base ni session, qui peuvent être la cause) et citent l'identifiant de la
    requête, que le journal et le courriel aux exploitants portent aussi
    (socle/journalisation.py)."""
    erreur = sys.exc_info()[1]
    if isinstance(erreur, DataError):
        # Django ne journalise une réponse 400 qu'en avertissement : les exploitants doivent
        # pourtant savoir qu'un contrôle manque en amont.
        journal_des_requetes.error(
            "Valeur refusée par la base : %s",
            request.path,
            exc_info=erreur,
            extra={"status_code": 400, "request": request},
        )
        return _page_d_erreur("400.html", 400)
    if isinstance(erreur, ERREURS_DE_LA_BASE):
        reponse = _page_d_erreur("503.html", 503)
        reponse["Retry-After"] = "60"
        return reponse
    return _page_d_erreur("500.html", 500)
