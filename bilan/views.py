"""Les pages du bilan annuel.

- `/bilans/` : les bilans publiés (adoptés en séance), pour tout le monde, sans compte ;
- `/bilans/gestion/` : le secrétariat demande une génération ; les co-présidents lisent ;
- `/bilans/<année>/` : les versions de l'année, leur avancement (rafraîchi par htmx pendant
  la génération), l'erreur d'une génération échouée et sa relance, l'adoption, la
  transmission ; le public n'y voit que les versions publiées ;
- le PDF d'une version, lu au travers des mêmes droits.
Toute version est lue par `get_version_pour`, tout bilan par `get_bilan_pour`.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bilan import services
from bilan.forms import AdoptionForm, GenererForm, TransmissionCCForm, TransmissionCDForm
from bilan.models import BilanAnnuel, EtatGeneration, StatutBilan, VersionBilan
from bilan.permissions import peut_generer, peut_voir_brouillons
from bilan.selectors import bilans_visibles_par, get_bilan_pour, get_version_pour
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail
from socle.workflows import TransitionRefusee


@login_not_required  # les bilans publiés sont publics ; get_*_pour filtre le reste
@require_safe
def publics(request: RequetePortail) -> HttpResponse:
    """Les bilans adoptés, de la plus récente année à la plus ancienne."""
    bilans = [b for b in bilans_visibles_par(None) if b.versions.all()]
    return render(request, "bilan/publics.html", {"bilans": bilans})


@require_safe
def gestion(request: RequetePortail) -> HttpResponse:
    if not peut_voir_brouillons(request.user):
        raise Http404
    return _page_gestion(request, GenererForm())


def _page_gestion(request: RequetePortail, form: GenererForm, statut: int = 200) -> HttpResponse:
    bilans = list(bilans_visibles_par(request.user))
    return render(
        request,
        "bilan/gestion.html",
        {"bilans": bilans, "form": form, "peut_generer": peut_generer(request.user)},
        status=statut,
    )


@require_POST
def generer(request: RequetePortail) -> HttpResponse:
    if not peut_voir_brouillons(request.user):
        raise Http404
    form = GenererForm(request.POST)
    if form.is_valid():
        try:
            version, cree = services.bilan_demander(annee=form.cleaned_data["annee"], acteur=request.user)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            if cree:
                messages.success(
                    request,
                    _("La génération de la version %(n)s est demandée : suivez son avancement ci-dessous.")
                    % {"n": version.numero},
                )
            else:
                messages.info(
                    request,
                    _(
                        "Une génération du bilan %(annee)s est déjà en cours (version %(n)s) : "
                        "aucune autre n'est lancée."
                    )
                    % {"annee": version.bilan.annee, "n": version.numero},
                )
            return redirect(version.get_absolute_url())
    return _page_gestion(request, form, statut=400)


@login_not_required  # les bilans publiés sont publics ; get_*_pour filtre le reste
@require_safe
def bilan(request: RequetePortail, annee: int) -> HttpResponse:
    return _page_bilan(request, get_bilan_pour(request.user, annee))


def _page_bilan(
    request: RequetePortail,
    bilan: BilanAnnuel,
    formulaires: dict[tuple[str, int], forms.Form] | None = None,
    statut: int = 200,
) -> HttpResponse:
    formulaires = formulaires or {}
    secretariat = peut_generer(request.user)
    versions = list(bilan.versions.all())
    # L'adoption ne se propose que pour la plus récente version prête encore en brouillon : les
    # précédentes sont dépassées (et un seul formulaire lit la liste des séances).
    a_adopter = next(
        (v for v in versions if v.statut == StatutBilan.BROUILLON and v.etat == EtatGeneration.PRETE), None
    )
    lignes = []
    for version in versions:
        ligne: dict[str, Any] = {"version": version}
        if secretariat:
            if version == a_adopter:
                ligne["adoption"] = formulaires.get(("adoption", version.pk)) or AdoptionForm(
                    prefix=f"v{version.numero}"
                )
            elif version.statut == StatutBilan.ADOPTE:
                ligne["transmission_cc"] = formulaires.get(
                    ("transmission_cc", version.pk)
                ) or TransmissionCCForm(prefix=f"v{version.numero}")
            elif version.statut == StatutBilan.TRANSMIS_CC:
                ligne["transmission_cd"] = formulaires.get(
                    ("transmission_cd", version.pk)
                ) or TransmissionCDForm(prefix=f"v{version.numero}")
        lignes.append(ligne)
    return render(
        request,
        "bilan/bilan.html",
        {
            "bilan": bilan,
            "lignes": lignes,
            "secretariat": secretariat,
            "voit_brouillons": peut_voir_brouillons(request.user),
            "en_cours": any(v.en_cours for v in versions),
        },
        status=statut,
    )


@login_not_required  # les bilans publiés sont publics ; get_*_pour filtre le reste
@require_safe
def avancement(request: RequetePortail, annee: int, numero: int) -> HttpResponse:
    """Le fragment d'avancement d'une version, relu toutes les 2 s par htmx pendant la génération."""
    version = get_version_pour(request.user, annee, numero)
    reponse = render(request, "bilan/partials/avancement.html", {"version": version})
    if request.headers.get("HX-Request") and not version.en_cours:
        # Finie (prête ou échouée) : la page entière se recharge, avec le PDF ou l'erreur.
        reponse["HX-Refresh"] = "true"
    return reponse


@login_not_required  # les bilans publiés sont publics ; get_*_pour filtre le reste
@require_safe
def telecharger(request: RequetePortail, annee: int, numero: int) -> FileResponse:
    version = get_version_pour(request.user, annee, numero)
    if version.document is None:
        raise Http404
    reponse = FileResponse(version.document.fichier.open("rb"), content_type="application/pdf")
    reponse["Content-Disposition"] = (
        content_disposition_header(as_attachment=request.GET.get("lire") != "1", filename=version.nom_fichier)
        or ""
    )
    return reponse


def _agir(
    request: RequetePortail,
    annee: int,
    numero: int,
    *,
    form_classe: type[forms.Form] | None,
    cle: str,
    action: Callable[[VersionBilan, dict[str, Any]], object],
    succes: str,
) -> HttpResponse:
    """Lit la version au travers des droits, valide, appelle le service ; un refus revient sur
    la page de l'année avec la saisie intacte et rien d'écrit."""
    version = get_version_pour(request.user, annee, numero)
    if not peut_generer(request.user):
        raise PermissionDenied
    form = form_classe(request.POST, prefix=f"v{numero}") if form_classe else None
    if form is None or form.is_valid():
        try:
            action(version, form.cleaned_data if form else {})
        except (ValidationError, TransitionRefusee) as erreur:
            if form is None:
                messages.error(request, " ".join(erreur.messages))
                return redirect(version.get_absolute_url())
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, succes)
            return redirect(version.get_absolute_url())
    messages.error(
        request, _("Rien n'a été enregistré : corrigez le formulaire de la version %(n)s.") % {"n": numero}
    )
    if form is None:  # sans formulaire, un refus est déjà revenu plus haut
        raise Http404
    return _page_bilan(request, get_bilan_pour(request.user, annee), {(cle, version.pk): form}, statut=400)


@require_POST
def relancer(request: RequetePortail, annee: int, numero: int) -> HttpResponse:
    return _agir(
        request,
        annee,
        numero,
        form_classe=None,
        cle="relance",
        action=lambda v, d: services.version_relancer(version=v, acteur=request.user),
        succes=_("La génération est relancée."),
    )


@require_POST
def adopter(request: RequetePortail, annee: int, numero: int) -> HttpResponse:
    return _agir(
        request,
        annee,
        numero,
        form_classe=AdoptionForm,
        cle="adoption",
        action=lambda v, d: services.version_adopter(
            version=v, acteur=request.user, reunion=d["reunion"], point=d["point"], adopte_le=d["adopte_le"]
        ),
        succes=_("La version est adoptée et publiée ; elle est désormais figée."),
    )


@require_POST
def transmettre_cc(request: RequetePortail, annee: int, numero: int) -> HttpResponse:
    return _agir(
        request,
        annee,
        numero,
        form_classe=TransmissionCCForm,
        cle="transmission_cc",
        action=lambda v, d: services.version_transmettre_cc(
            version=v,
            acteur=request.user,
            le=d["le"],
            deliberation=d["deliberation"],
            pris_acte=d["pris_acte"],
        ),
        succes=_("La transmission au Conseil communautaire est enregistrée."),
    )


@require_POST
def transmettre_cd(request: RequetePortail, annee: int, numero: int) -> HttpResponse:
    return _agir(
        request,
        annee,
        numero,
        form_classe=TransmissionCDForm,
        cle="transmission_cd",
        action=lambda v, d: services.version_transmettre_cd(version=v, acteur=request.user, le=d["le"]),
        succes=_("La transmission au Conseil de développement est enregistrée."),
    )


VERSION = "bilans/<int:annee>/versions/<int:numero>/"
urlpatterns = [
    path("bilans/", publics, name="publics"),
    path("bilans/gestion/", gestion, name="gestion"),
    path("bilans/generer/", generer, name="generer"),
    path("bilans/<int:annee>/", bilan, name="bilan"),
    path(VERSION + "avancement/", avancement, name="avancement"),
    path(VERSION + "pdf/", telecharger, name="telecharger"),
    path(VERSION + "relancer/", relancer, name="relancer"),
    path(VERSION + "adopter/", adopter, name="adopter"),
    path(VERSION + "transmettre-conseil-communautaire/", transmettre_cc, name="transmettre_cc"),
    path(VERSION + "transmettre-conseil-developpement/", transmettre_cd, name="transmettre_cd"),
]
