"""Les pages de l'organisation (droit `rencontres.organiser_rencontre`, donné aux agents) : ses
rencontres, les inscriptions d'une rencontre (filtres, validation des inscriptions modérées,
annulation), l'accueil à l'entrée depuis un téléphone (code du QR, recherche par nom, venue sur
place). Toute rencontre se lit par `get_rencontre_a_organiser` (404 pour les autres)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from rencontres import exports, services
from rencontres.forms import CodeForm, MessageForm, SurPlaceForm
from rencontres.impressions import badges_pdf, emargement_pdf
from rencontres.models import EtatInscription, Inscription, Rencontre
from rencontres.permissions import est_agent_organisateur, peut_organiser
from rencontres.selectors import (
    get_rencontre_a_organiser,
    inscriptions_de,
    places_restantes,
    rencontres_a_organiser,
)
from rencontres.views.emargement import demi_journee_demandee
from socle.exports import export, reponse_csv, reponse_xlsx
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail

PAR_PAGE = 50


@require_safe
def organisation(request: RequetePortail) -> HttpResponse:
    if not peut_organiser(request.user):
        raise Http404
    return render(
        request,
        "rencontres/organisation.html",
        {
            "rencontres": rencontres_a_organiser(request.user),
            "agent": est_agent_organisateur(request.user),
        },
    )


@require_safe
def inscriptions(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    filtre = _filtres(request)
    page = Paginator(inscriptions_de(rencontre, **filtre), PAR_PAGE).get_page(request.GET.get("page"))
    restantes = places_restantes(rencontre)
    return render(
        request,
        "rencontres/inscriptions.html",
        {
            "rencontre": rencontre,
            "page": page,
            "etats": EtatInscription.choices,
            "filtre": filtre,
            "activites": [(a, restantes[a.pk]) for a in rencontre.activites.all()],
        },
    )


def _inscription_de(rencontre_pk: int, pk: int) -> Inscription:
    inscription = (
        Inscription.objects.filter(rencontre=rencontre_pk, pk=pk).select_related("rencontre").first()
    )
    if inscription is None:
        raise Http404
    return inscription


@require_POST
def inscription_valider(request: RequetePortail, pk: int, inscription: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    try:
        services.valider(inscription=_inscription_de(rencontre.pk, inscription), acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, _("Inscription validée ; la personne en est prévenue."))
    return redirect("rencontres:inscriptions", pk=rencontre.pk)


@require_POST
def inscription_annuler(request: RequetePortail, pk: int, inscription: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    services.annuler(
        inscription=_inscription_de(rencontre.pk, inscription),
        acteur=request.user,
        motif=request.POST.get("motif", "")[:500],
    )
    messages.success(request, _("Inscription annulée ; ses places vont à la liste d'attente."))
    return redirect("rencontres:inscriptions", pk=rencontre.pk)


def accueil(request: RequetePortail, pk: int) -> HttpResponse:
    """L'accueil à l'entrée : le QR de la confirmation ouvre cette page avec `?code=` ; sinon
    on cherche par nom. Pointer est un POST (confirmation d'un geste), la recherche un GET."""
    rencontre = get_rencontre_a_organiser(request.user, pk)
    form = CodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    sur_place = SurPlaceForm(prefix="sur_place")
    if request.method == "POST":
        if form.is_valid():
            try:
                inscription = services.pointer(
                    rencontre=rencontre, code=form.cleaned_data["code"], acteur=request.user
                )
            except ValidationError as erreur:
                form.add_error("code", erreur.message_dict.get("code", erreur.messages))
            else:
                personnes = inscription.participants.count()
                messages.success(
                    request,
                    ngettext(
                        "Arrivée pointée : %(nom)s (%(n)s personne).",
                        "Arrivée pointée : %(nom)s (%(n)s personnes).",
                        personnes,
                    )
                    % {"nom": f"{inscription.prenom} {inscription.nom}", "n": personnes},
                )
                return redirect("rencontres:accueil", pk=rencontre.pk)
    q = request.GET.get("q", "")[:100]
    trouvees = list(inscriptions_de(rencontre, q=q)[:20]) if q.strip() else []
    code = request.GET.get("code", "").strip()
    par_code = list(inscriptions_de(rencontre, q=code)[:1]) if code and not q else []
    compteur = rencontre.inscriptions.filter(etat=EtatInscription.CONFIRMEE)
    return render(
        request,
        "rencontres/accueil.html",
        {
            "rencontre": rencontre,
            "form": form,
            "sur_place": sur_place,
            "q": q,
            "trouvees": trouvees or par_code,
            "arrivees": compteur.filter(arrivee_le__isnull=False).count(),
            "confirmees": compteur.count(),
        },
    )


@require_POST
def accueil_sur_place(request: RequetePortail, pk: int) -> HttpResponse:
    """Une personne venue sans inscription : inscrite et pointée d'un geste, si les activités
    ont de la place (la fenêtre d'inscription ne s'applique pas à l'entrée)."""
    rencontre = get_rencontre_a_organiser(request.user, pk)
    form = SurPlaceForm(request.POST, prefix="sur_place")
    if form.is_valid():
        try:
            inscription = services.inscrire_sur_place(
                rencontre=rencontre, saisie=form.saisie(rencontre), acteur=request.user
            )
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(
                request,
                _("Inscription sur place et arrivée pointées : %(nom)s.")
                % {"nom": f"{inscription.prenom} {inscription.nom}"},
            )
    else:
        messages.error(request, _("Indiquez le nom et le prénom de la personne venue sur place."))
    return redirect("rencontres:accueil", pk=rencontre.pk)


def _filtres(request: RequetePortail) -> dict[str, Any]:
    etat = request.GET.get("etat", "")
    try:
        activite = int(request.GET.get("activite") or 0) or None
    except ValueError:
        activite = None
    return {
        "etat": etat if etat in EtatInscription.values else "",
        "activite": activite,
        "q": request.GET.get("q", "")[:100],
    }


def _nom_de_fichier(rencontre: Rencontre, extension: str) -> str:
    return f"inscriptions-{slugify(rencontre.titre)[:40]}-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_safe
@export
def inscriptions_csv(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    questions = list(rencontre.questions.all())
    return reponse_csv(
        request,
        _nom_de_fichier(rencontre, "csv"),
        exports.colonnes(questions),
        exports.lignes(rencontre, inscriptions_de(rencontre, **_filtres(request)), questions),
    )


@require_safe
@export
def inscriptions_xlsx(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    questions = list(rencontre.questions.all())
    return reponse_xlsx(
        request,
        _nom_de_fichier(rencontre, "xlsx"),
        exports.colonnes(questions),
        exports.lignes(rencontre, inscriptions_de(rencontre, **_filtres(request)), questions),
        feuille=_("Inscriptions"),
    )


def _pdf(contenu: bytes, nom: str) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@require_safe
def badges(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    return _pdf(badges_pdf(rencontre), f"badges-{slugify(rencontre.titre)[:40]}.pdf")


@require_safe
def emargement(request: RequetePortail, pk: int) -> HttpResponse:
    """Les feuilles de chaque activité ; avec `?jour=AAAA-MM-JJ&demi_journee=matin`, celle
    d'une demi-journée avec l'heure des signatures à l'écran (404 pour une autre demi-journée)."""
    rencontre = get_rencontre_a_organiser(request.user, pk)
    nom = f"emargement-{slugify(rencontre.titre)[:40]}"
    if "jour" not in request.GET and "demi_journee" not in request.GET:
        return _pdf(emargement_pdf(rencontre), f"{nom}.pdf")
    demi = demi_journee_demandee(request.GET, services.demi_journees(rencontre))
    if demi is None:
        raise Http404
    return _pdf(emargement_pdf(rencontre, demi), f"{nom}-{demi.jour:%Y-%m-%d}-{demi.demi_journee}.pdf")


def messages_aux_inscrits(request: RequetePortail, pk: int) -> HttpResponse:
    rencontre = get_rencontre_a_organiser(request.user, pk)
    form = MessageForm(request.POST or None, rencontre=rencontre)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_envoyer(
                rencontre=rencontre,
                sujet=form.cleaned_data["sujet"],
                texte=form.cleaned_data["texte"],
                etat=form.cleaned_data["etat"],
                activite=form.cleaned_data["activite"],
                acteur=request.user,
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request,
                ngettext(
                    "Le message part à %(n)s inscription.",
                    "Le message part à %(n)s inscriptions.",
                    message.destinataires,
                )
                % {"n": message.destinataires},
            )
            return redirect("rencontres:messages", pk=rencontre.pk)
    envoyes = rencontre.messages.select_related("envoye_par", "activite")
    return render(
        request, "rencontres/messages.html", {"rencontre": rencontre, "form": form, "envoyes": envoyes}
    )
