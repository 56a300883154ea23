"""Les pages des recruteurs sur les candidatures qui leur sont confiées : le tableau partagé,
la page d'une candidature (pièces, étape, notes, doublons), la fusion de deux fiches et l'offre
proposée au vivier. Toute candidature se lit par un sélecteur qui contrôle l'accès (404 pour un
recruteur d'un employeur que le candidat n'a pas choisi, comme pour une candidature qui
n'existe pas) ; toutes ces pages exigent la double authentification, comme celles des offres."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from recrutement import services
from recrutement.forms_candidatures import EtapeForm, FiltresTableau, FusionForm, NoteForm
from recrutement.models import Candidat, Candidature, EtapeCandidature, PieceCandidature, PropositionVivier
from recrutement.permissions import est_recruteur, gere_l_offre, structures_pour_la_candidature
from recrutement.selectors import (
    ORDRE_DES_ETAPES,
    candidats_du_vivier_pour,
    consultations_de,
    doublons_possibles,
    employeurs_du_tableau,
    get_candidat_pour,
    get_candidature_detaillee_pour,
    get_candidature_pour,
    get_offre_pour,
    nombre_par_etape,
    notes_visibles,
    offres_du_tableau,
    tableau_des_candidatures,
)
from recrutement.views.offres import _sans_double_authentification
from recrutement.workflows import CANDIDATURE
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail
from socle.views import reponse_document
from territoire.models import Structure

PAR_PAGE = 50


class _PageDuTableau(Paginator):
    """Le total vient des nombres par étape, déjà lus : pas de COUNT de plus."""

    def __init__(self, objets: QuerySet[Candidature], par_page: int, total: int) -> None:
        super().__init__(objets, par_page)
        self.__dict__["count"] = total


# --- Le tableau partagé ----------------------------------------------------------------------


def _entier(valeur: str | None) -> int | None:
    return int(valeur) if valeur and valeur.isdigit() and len(valeur) < 10 else None


@require_safe
def tableau(request: RequetePortail) -> HttpResponse:
    if not est_recruteur(request.user):
        raise Http404
    if refus := _sans_double_authentification(request):
        return refus
    utilisateur = request.user
    filtres = FiltresTableau(
        request.GET or None,
        offres=offres_du_tableau(utilisateur, _entier(request.GET.get("offre"))),
        employeurs=employeurs_du_tableau(utilisateur, _entier(request.GET.get("employeur"))),
    )
    candidatures = tableau_des_candidatures(utilisateur)
    etape = ""
    if filtres.is_bound and filtres.is_valid():
        if offre := filtres.cleaned_data["offre"]:
            candidatures = candidatures.filter(offre=offre)
        if employeur := filtres.cleaned_data["employeur"]:
            candidatures = candidatures.filter(offre__employeur=employeur)
        if filtres.cleaned_data["aide"]:
            candidatures = candidatures.filter(Q(aide_emploi_conjoint=True) | Q(aide_logement=True))
        etape = filtres.cleaned_data["etape"]
    par_etape = nombre_par_etape(candidatures)
    if etape:
        candidatures = candidatures.filter(etape=etape)
    total = par_etape[etape] if etape else sum(par_etape.values())
    page = _PageDuTableau(candidatures, PAR_PAGE, total).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return render(
        request,
        "recrutement/candidatures/tableau.html",
        {
            "filtres": filtres,
            "page": page,
            "etape": etape,
            "etapes": [(EtapeCandidature(e), par_etape[e]) for e in ORDRE_DES_ETAPES],
            "total": total,
        },
    )


# --- La page d'une candidature ---------------------------------------------------------------


def _structures_du_formulaire(request: RequetePortail, candidature: Candidature) -> list[Structure]:
    ids = structures_pour_la_candidature(request.user, candidature)
    if len(ids) < 2:
        return []  # le formulaire ne demande rien : une seule structure (ou aucune)
    return list(Structure.objects.filter(pk__in=ids).only("pk", "nom").order_by("nom"))


def _page(
    request: RequetePortail,
    candidature: Candidature,
    note_form: NoteForm | None = None,
    statut: int = 200,
) -> HttpResponse:
    utilisateur = request.user
    if note_form is None:
        note_form = NoteForm(structures=_structures_du_formulaire(request, candidature))
    consentements = list(candidature.consentements.all())
    return render(
        request,
        "recrutement/candidatures/detail.html",
        {
            "candidature": candidature,
            "candidat": candidature.candidat,
            "consentements": consentements,
            "pieces": list(candidature.pieces.all()),
            "consultations": list(consultations_de(candidature)),
            "notes": list(notes_visibles(candidature, utilisateur)),
            "note_form": note_form,
            "actions": CANDIDATURE.possibles(candidature, utilisateur),
            "doublons": doublons_possibles(candidature.candidat, utilisateur),
            "gere_l_offre": gere_l_offre(utilisateur, candidature.offre),
        },
        status=statut,
    )


@require_safe
def candidature_detail(request: RequetePortail, pk: int) -> HttpResponse:
    candidature = get_candidature_detaillee_pour(request.user, pk)
    if refus := _sans_double_authentification(request):
        return refus
    return _page(request, candidature)


@require_safe
def piece_ouvrir(request: RequetePortail, pk: int, piece_pk: int) -> HttpResponseBase:
    """Sert une pièce d'une candidature confiée au recruteur, après avoir retenu qui l'ouvre
    (l'adresse des documents du socle refuse ces pièces : elle ne le retiendrait pas)."""
    candidature = get_candidature_pour(request.user, pk)
    piece = (
        PieceCandidature.objects.select_related("document")
        .filter(candidature=candidature, pk=piece_pk)
        .first()
    )
    if piece is None:
        raise Http404
    if refus := _sans_double_authentification(request):
        return refus
    piece.candidature = candidature
    services.piece_consulter(piece=piece, acteur=request.user)
    return reponse_document(piece.document)


@require_POST
def candidature_etape(request: RequetePortail, pk: int) -> HttpResponse:
    candidature = get_candidature_pour(request.user, pk)
    if refus := _sans_double_authentification(request):
        return refus
    form = EtapeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez une étape."))
        return redirect(candidature)
    try:
        services.candidature_etape_changer(
            candidature=candidature,
            vers=form.cleaned_data["vers"],
            acteur=request.user,
            motif=form.cleaned_data["motif"],
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request,
            _("La candidature est maintenant : %(etape)s.")
            % {"etape": EtapeCandidature(form.cleaned_data["vers"]).label},
        )
    return redirect(candidature)


@require_POST
def note_ecrire(request: RequetePortail, pk: int) -> HttpResponse:
    candidature = get_candidature_detaillee_pour(request.user, pk)
    if refus := _sans_double_authentification(request):
        return refus
    form = NoteForm(request.POST, structures=_structures_du_formulaire(request, candidature))
    if form.is_valid():
        try:
            services.note_ecrire(
                candidature=candidature,
                auteur=request.user,
                texte=form.cleaned_data["texte"],
                portee=form.cleaned_data["portee"],
                structure_id=form.cleaned_data.get("structure"),
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, _("La note est enregistrée."))
            return redirect(f"{candidature.get_absolute_url()}#notes")
    return _page(request, candidature, note_form=form, statut=400)


# --- Fusion de deux fiches -------------------------------------------------------------------


def _fiche(candidat: Candidat) -> dict[str, Any]:
    return {
        "candidat": candidat,
        "candidatures": list(
            Candidature.objects.filter(candidat=candidat)
            .select_related("offre")
            .only("pk", "etape", "offre__titre")
        ),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def fusionner(request: RequetePortail, pk: int, autre_pk: int) -> HttpResponse:
    """Deux fiches côte à côte ; le recruteur (qui voit les deux) choisit celle qui reste."""
    candidature = get_candidature_pour(request.user, pk)
    autre = get_candidat_pour(request.user, autre_pk)
    candidat = candidature.candidat
    if autre.pk == candidat.pk or candidat.fusionne_dans_id is not None:
        raise Http404
    if refus := _sans_double_authentification(request):
        return refus
    fiches = [
        (c.pk, _("Garder la fiche n° %(n)s (%(nom)s)") % {"n": c.pk, "nom": c}) for c in (candidat, autre)
    ]
    form = FusionForm(request.POST or None, fiches=fiches, initial={"garde": candidat.pk})
    if request.method == "POST" and form.is_valid():
        garde, absorbe = (candidat, autre) if form.cleaned_data["garde"] == candidat.pk else (autre, candidat)
        try:
            services.candidats_fusionner(garde=garde, absorbe=absorbe, acteur=request.user)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, _("Les deux fiches n'en font plus qu'une : %(c)s.") % {"c": garde})
            suite = Candidature.objects.filter(candidat=garde, offre=candidature.offre_id).first()
            return redirect(suite or "recrutement:tableau")
    return render(
        request,
        "recrutement/candidatures/fusionner.html",
        {"candidature": candidature, "fiches": [_fiche(candidat), _fiche(autre)], "form": form},
    )


# --- Le vivier -------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def vivier(request: RequetePortail, pk: int) -> HttpResponse:
    """Combien de candidats du vivier correspondent à l'offre (jamais qui), et l'envoi."""
    offre = get_offre_pour(request.user, pk)
    if not gere_l_offre(request.user, offre):
        raise Http404
    if refus := _sans_double_authentification(request):
        return refus
    if request.method == "POST":
        try:
            envoyees = services.vivier_proposer(offre=offre, acteur=request.user)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "Offre envoyée à %(n)s candidat du vivier.",
                    "Offre envoyée à %(n)s candidats du vivier.",
                    envoyees,
                )
                % {"n": envoyees},
            )
        return redirect("recrutement:offre_vivier", pk=offre.pk)
    correspondent = candidats_du_vivier_pour(offre, timezone.now())
    deja = PropositionVivier.objects.filter(offre=offre)
    return render(
        request,
        "recrutement/candidatures/vivier.html",
        {
            "offre": offre,
            "correspondent": correspondent.count(),
            "a_envoyer": correspondent.exclude(pk__in=deja.values("candidat_id")).count(),
            "deja": deja.count(),
            "en_ligne": offre.est_en_ligne(timezone.localdate()),
        },
    )
