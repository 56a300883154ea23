"""Les pages du recrutement : publiques (liste, offre avec son JSON-LD, flux Atom, calendrier
des remplacements) et celles des recruteurs et des modérateurs.

Une offre en gestion se lit par `get_offre_pour` (404 pour qui ne la gère ni ne la modère) ;
une offre publique par `offre_publique`, qui répond 410 (« Gone ») à une offre close ou échue,
avec des offres semblables, même par son adresse directe."""

from datetime import timedelta
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from recrutement import services
from recrutement.cartes import carte_des_offres
from recrutement.filtres import FiltresOffres
from recrutement.forms import MotifForm, OffreForm, PartsFormSet, saisie_de
from recrutement.jsonld import balise, identifiant, job_posting, lieux
from recrutement.models import Offre, StatutOffre
from recrutement.permissions import est_moderateur, est_recruteur, gere_l_offre, peut_modifier_l_offre
from recrutement.selectors import (
    est_close_ou_echue,
    get_offre_pour,
    nombre_de_candidatures_par_offre,
    offre_publique,
    offres_a_moderer,
    offres_en_ligne,
    offres_gerees_par,
    offres_similaires,
    remplacements_en_ligne,
    structures_du_recruteur,
)
from recrutement.workflows import OFFRE
from socle.calendrier import calendrier_vide, evenement_vide, texte, uid
from socle.courriels import lien_absolu
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail
from territoire.indicateurs import sources_des_cartes
from territoire.selectors import page_de

PAR_PAGE = 20


# --- Pages publiques -------------------------------------------------------------------------


@login_not_required
@require_safe
def offre_liste(request: HttpRequest) -> HttpResponse:
    jour = timezone.localdate()
    filtres = FiltresOffres(request.GET or None, queryset=offres_en_ligne(jour))
    offres = filtres.qs if filtres.is_bound and filtres.is_valid() else offres_en_ligne(jour)
    page = page_de(offres, request.GET.get("page"), PAR_PAGE)
    return render(
        request,
        "recrutement/offre_liste.html",
        {
            "filtres": filtres,
            "page": page,
            "recruteur": est_recruteur(request.user),
            "moderateur": est_moderateur(request.user),
        },
    )


def offre_partie(request: HttpRequest, offre: Offre, jour: Any) -> HttpResponse:
    """410 (« Gone ») pour une offre close ou échue, avec les offres semblables : sa page, et
    les pages pour y postuler (recrutement/views/candidat.py)."""
    return render(
        request,
        "recrutement/offre_partie.html",
        {"offre": offre, "similaires": offres_similaires(offre, jour)},
        status=410,
    )


@login_not_required
@require_safe
def offres_carte(request: RequetePortail) -> HttpResponse:
    """La carte des offres en ligne par commune : une page à elle (sans script), que la liste
    charge en place par htmx. La liste garde ainsi son temps de réponse (issue 18 : 1,5 × la
    liste de l'administration) : dessiner 129 communes coûte plus que la liste elle-même."""
    contexte = {"carte": carte_des_offres(timezone.localdate()), "sources_carte": sources_des_cartes()}
    if request.htmx:
        reponse = render(request, "recrutement/offre_carte.html#carte", contexte)
    else:
        reponse = render(request, "recrutement/offre_carte.html", contexte)
    patch_vary_headers(reponse, ("HX-Request",))
    return reponse


@login_not_required
@require_safe
def offre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    jour = timezone.localdate()
    offre = offre_publique(pk)
    if est_close_ou_echue(offre, jour):
        return offre_partie(request, offre, jour)
    donnees = job_posting(offre)
    return render(
        request,
        "recrutement/offre_detail.html",
        {
            "offre": offre,
            "jsonld": balise(donnees),
            "adresses": lieux(offre),
            "identifiant": donnees["hiringOrganization"].get("identifier"),
        },
    )


class FluxDesOffres(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Offres d'emploi — GCS Partenaires Santé du Cotentin")
    subtitle = gettext_lazy("Les offres publiées sur le portail du Conseil de santé du Cotentin.")
    link = reverse_lazy("recrutement:offre_liste")

    def items(self) -> list[Offre]:
        return list(offres_en_ligne(timezone.localdate())[:50])

    def item_title(self, item: Offre) -> str:
        return f"{item.titre} — {item.employeur.nom}"

    def item_description(self, item: Offre) -> str:
        return item.description

    def item_link(self, item: Offre) -> str:
        return item.url_publique()

    def item_pubdate(self, item: Offre) -> Any:
        return item.publiee_le

    def item_updateddate(self, item: Offre) -> Any:
        return item.confirmee_le or item.publiee_le


flux_des_offres = login_not_required(require_safe(FluxDesOffres()))


@login_not_required
@require_safe
def remplacements_ics(request: HttpRequest) -> HttpResponse:
    """Les périodes des remplacements publiés, au format iCalendar (comme le calendrier des
    séances du Conseil, par la même bibliothèque) : une journée entière du début à la fin."""
    cal = calendrier_vide(
        produit="Recrutement GCS Partenaires Santé du Cotentin",
        nom=_("Remplacements proposés dans le Cotentin"),
    )
    for offre in remplacements_en_ligne(timezone.localdate()):
        evenement = evenement_vide()
        evenement.add("uid", uid("offre", offre.pk))
        evenement.add("dtstamp", timezone.now())
        evenement.add("dtstart", offre.debut)
        evenement.add("dtend", offre.fin + timedelta(days=1))  # type: ignore[operator]
        evenement.add("summary", f"{offre.titre} — {offre.employeur.nom}")
        communes = [a["addressLocality"] for a in lieux(offre)]
        if communes:
            evenement.add("location", texte(", ".join(communes)))
        evenement.add("url", lien_absolu(offre.url_publique()))
        cal.add_component(evenement)
    reponse = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = 'inline; filename="remplacements-cotentin.ics"'
    reponse["Cache-Control"] = "public, max-age=900"
    return reponse


# --- Les recruteurs ----------------------------------------------------------------------


def _sans_double_authentification(request: RequetePortail) -> HttpResponse | None:
    """Les recruteurs et les modérateurs travaillent avec la double authentification (DESIGN.md
    §2 ; leur espace recevra les candidatures). Le rattachement est une donnée du recrutement,
    non un rôle du portail : l'exigence est vérifiée ici, sur leurs seules pages, plutôt que par
    le middleware de chaque page (une lecture de plus partout). Rend la redirection, ou rien."""
    if is_mfa_enabled(request.user):
        return None
    messages.warning(
        request,
        _(
            "L'espace des recruteurs exige la double authentification. Activez-la pour continuer : "
            "une application d'authentification ou une clé d'accès."
        ),
    )
    return redirect("mfa_index")


@require_safe
def mes_offres(request: RequetePortail) -> HttpResponse:
    if not est_recruteur(request.user):
        raise Http404
    if refus := _sans_double_authentification(request):
        return refus
    offres = list(offres_gerees_par(request.user))
    candidatures = nombre_de_candidatures_par_offre(request.user, [o.pk for o in offres])
    return render(
        request,
        "recrutement/mes_offres.html",
        {
            "offres": [(offre, candidatures.get(offre.pk, 0)) for offre in offres],
            "aujourd_hui": timezone.localdate(),
        },
    )


def _formulaire(request: RequetePortail, offre: Offre | None) -> HttpResponse:
    structures = structures_du_recruteur(request.user)
    initial: dict[str, Any] = {}
    parts_initiales: list[dict[str, Any]] = []
    if offre is not None:
        initial = {
            champ: getattr(offre, champ)
            for champ in (
                "titre",
                "employeur",
                "profession",
                "specialite",
                "type_contrat",
                "quotite",
                "debut",
                "fin",
                "date_limite",
                "remuneration_min",
                "remuneration_max",
                "remuneration_periode",
                "description",
            )
        } | {"structures": list(offre.structures.all()), "communes": list(offre.communes.all())}
        parts_initiales = [
            {"employeur": p.employeur, "mode": p.mode, "quotite": p.quotite} for p in offre.parts.all()
        ]
    donnees = request.POST if request.method == "POST" else None
    form = OffreForm(donnees, initial=initial, structures_du_recruteur=structures)
    parts = PartsFormSet(donnees, initial=parts_initiales, prefix="parts")
    if request.method == "POST" and form.is_valid() and parts.is_valid():
        try:
            saisie = saisie_de(form, parts)
            if offre is None:
                offre = services.offre_creer(acteur=request.user, saisie=saisie)
                messages.success(request, _("Le brouillon de l'offre est enregistré."))
            else:
                services.offre_modifier(offre=offre, acteur=request.user, saisie=saisie)
                messages.success(request, _("Les modifications sont enregistrées."))
        except ValidationError as erreur:
            erreur_parts = erreur.error_dict.pop("parts", None) if hasattr(erreur, "error_dict") else None
            if erreur_parts:
                form.add_error(None, erreur_parts)
            if not hasattr(erreur, "error_dict") or erreur.error_dict:
                erreurs_du_service(form, erreur)
        else:
            return redirect("recrutement:gestion", pk=offre.pk)
    return render(request, "recrutement/offre_form.html", {"form": form, "parts": parts, "offre": offre})


@require_http_methods(["GET", "HEAD", "POST"])
def offre_creer(request: RequetePortail) -> HttpResponse:
    if not est_recruteur(request.user):
        raise Http404
    return _sans_double_authentification(request) or _formulaire(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
def offre_modifier(request: RequetePortail, pk: int) -> HttpResponse:
    offre = get_offre_pour(request.user, pk)
    if not peut_modifier_l_offre(request.user, offre):
        raise Http404
    return _sans_double_authentification(request) or _formulaire(request, offre)


@require_safe
def gestion(request: RequetePortail, pk: int) -> HttpResponse:
    offre = get_offre_pour(request.user, pk)
    if refus := _sans_double_authentification(request):
        return refus
    jour = timezone.localdate()
    return render(
        request,
        "recrutement/offre_gestion.html",
        {
            "offre": offre,
            "actions": OFFRE.possibles(offre, request.user),
            "peut_modifier": peut_modifier_l_offre(request.user, offre),
            "en_ligne": offre.est_en_ligne(jour),
            "adresses": lieux(offre),
            "identifiant": identifiant(offre.employeur),
            "gere": gere_l_offre(request.user, offre),
            "candidatures": nombre_de_candidatures_par_offre(request.user, [offre.pk]).get(offre.pk, 0),
        },
    )


@require_POST
def offre_transition(request: RequetePortail, pk: int, vers: str) -> HttpResponse:
    offre = get_offre_pour(request.user, pk)
    if vers not in StatutOffre.values:
        raise Http404
    if refus := _sans_double_authentification(request):
        return refus
    form = MotifForm(request.POST)
    form.is_valid()
    try:
        services.offre_transition(
            offre=offre, vers=vers, acteur=request.user, motif=form.cleaned_data.get("motif", "")
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request, _("L'offre est maintenant : %(statut)s.") % {"statut": StatutOffre(vers).label}
        )
    return redirect("recrutement:gestion", pk=offre.pk)


@require_POST
def offre_confirmer(request: RequetePortail, pk: int) -> HttpResponse:
    offre = get_offre_pour(request.user, pk)
    if refus := _sans_double_authentification(request):
        return refus
    try:
        services.offre_confirmer(offre=offre, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, _("Merci : l'offre reste en ligne."))
    return redirect("recrutement:gestion", pk=offre.pk)


@require_safe
def moderation(request: RequetePortail) -> HttpResponse:
    if not est_moderateur(request.user):
        raise Http404
    if refus := _sans_double_authentification(request):
        return refus
    return render(request, "recrutement/moderation.html", {"offres": list(offres_a_moderer(request.user))})
