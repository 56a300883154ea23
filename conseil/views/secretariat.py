"""Les pages du secrétariat pour une séance : planification, ordre du jour et documents,
convocation, changements d'état, registre des présences et quorum, procès-verbal.

Chaque vue passe par `get_reunion_pour` (404 pour une séance absente ou invisible) puis
réserve l'action aux gestionnaires (403). Les règles sont dans `conseil.services` : leurs
refus (`ValidationError`) reviennent sur la page, la saisie gardée.
"""

from typing import Any, NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from conseil import services
from conseil.forms import (
    AdoptionForm,
    ConvocationForm,
    DocumentForm,
    LignePresenceForm,
    PointForm,
    ProcesVerbalForm,
    ReunionCreationForm,
    ReunionForm,
    StatutForm,
    champs_de_point_modifiables,
)
from conseil.models import (
    Participation,
    PointOrdreDuJour,
    Presence,
    ProcesVerbal,
    Reponse,
    Reunion,
    StatutReunion,
)
from conseil.permissions import est_gestionnaire
from conseil.quorum import Quorum, quorum_de
from conseil.selectors import (
    get_reunion_pour,
    participations_de,
    points_avec_documents,
    proces_verbal_de,
    procurations_de,
    reunions_visibles_par,
)
from socle.formulaires import erreurs_du_service
from socle.services import document_deposer
from socle.types import RequetePortail

# La réponse donnée à l'avance pré-remplit le registre tant que la présence n'est pas relevée.
PRESENCE_ANNONCEE: dict[str, str] = {
    Reponse.PRESENT: Presence.PRESENT,
    Reponse.EXCUSE: Presence.EXCUSE,
    Reponse.PROCURATION: Presence.REPRESENTE,
}

MESSAGES_STATUT = {
    StatutReunion.TENUE: gettext_lazy(
        "La séance est marquée comme tenue : relevez les présences avant de la clore."
    ),
    StatutReunion.CLOSE: gettext_lazy("La séance est close : le quorum est figé au registre."),
    StatutReunion.ANNULEE: gettext_lazy("La séance est annulée ; les membres convoqués en sont prévenus."),
}


def _reunion_du_secretariat(request: RequetePortail, pk: int) -> Reunion:
    reunion = get_reunion_pour(request.user, pk)
    if not est_gestionnaire(request.user):
        raise PermissionDenied
    return reunion


def _point_du_secretariat(request: RequetePortail, pk: int) -> PointOrdreDuJour:
    point = get_object_or_404(
        PointOrdreDuJour.objects.filter(reunion__in=reunions_visibles_par(request.user)).select_related(
            "reunion__instance"
        ),
        pk=pk,
    )
    if not est_gestionnaire(request.user):
        raise PermissionDenied
    return point


def _donnees(request: RequetePortail) -> Any:
    """Ce qui a été envoyé, ou rien : un envoi vide lie quand même le formulaire (qui dit
    alors ce qui manque)."""
    return request.POST if request.method == "POST" else None


def _message_d_erreur(request: RequetePortail, erreur: ValidationError) -> None:
    messages.error(request, " ".join(erreur.messages))


# --- Séance ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def reunion_creer(request: RequetePortail) -> HttpResponse:
    if not est_gestionnaire(request.user):
        raise PermissionDenied
    form = ReunionCreationForm(_donnees(request), initial={"instance": request.GET.get("instance")})
    if request.method == "POST" and form.is_valid():
        try:
            reunion = services.reunion_planifier(acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request,
                _("La séance est planifiée. Préparez son ordre du jour, puis envoyez la convocation."),
            )
            return redirect(reunion)
    return render(request, "conseil/reunion_form.html", {"form": form, "reunion": None})


@require_http_methods(["GET", "HEAD", "POST"])
def reunion_modifier(request: RequetePortail, pk: int) -> HttpResponse:
    reunion = _reunion_du_secretariat(request, pk)
    form = ReunionForm(
        _donnees(request), initial={nom: getattr(reunion, nom) for nom in services.CHAMPS_REUNION}
    )
    if request.method == "POST" and form.is_valid():
        champs = {nom: form.cleaned_data[nom] for nom in form.changed_data}
        try:
            if champs:
                services.reunion_modifier(reunion=reunion, acteur=request.user, **champs)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            if champs:
                messages.success(request, _("La séance est modifiée."))
            else:
                messages.info(request, _("Rien n'a changé."))
            return redirect(reunion)
    return render(request, "conseil/reunion_form.html", {"form": form, "reunion": reunion})


@require_POST
def reunion_statut(request: RequetePortail, pk: int) -> HttpResponse:
    reunion = _reunion_du_secretariat(request, pk)
    form = StatutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ce changement d'état n'existe pas."))
        return redirect(reunion)
    vers = form.cleaned_data["vers"]
    try:
        services.reunion_changer_statut(
            reunion=reunion, acteur=request.user, vers=vers, motif=form.cleaned_data["motif"]
        )
    except ValidationError as erreur:
        _message_d_erreur(request, erreur)
    else:
        messages.success(request, MESSAGES_STATUT[vers])
    return redirect(reunion)


# --- Ordre du jour --------------------------------------------------------------------


def _page_point(
    request: RequetePortail,
    reunion: Reunion,
    *,
    point: PointOrdreDuJour | None,
    form: PointForm | None,
    form_document: DocumentForm | None = None,
) -> HttpResponse:
    documents: list[Any] = []
    if point is not None:
        documents = next(
            (getattr(p, "documents", []) for p in points_avec_documents(reunion) if p.pk == point.pk), []
        )
    return render(
        request,
        "conseil/point_form.html",
        {
            "reunion": reunion,
            "point": point,
            "form": form,
            "form_document": form_document or (DocumentForm() if point is not None else None),
            "documents": documents,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def point_ajouter(request: RequetePortail, pk: int) -> HttpResponse:
    reunion = _reunion_du_secretariat(request, pk)
    form = PointForm(_donnees(request))
    if request.method == "POST" and form.is_valid():
        try:
            point = services.point_ajouter(reunion=reunion, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request, _("Le point « %(titre)s » est ajouté à l'ordre du jour.") % {"titre": point.titre}
            )
            return redirect(point.get_absolute_url())
    return _page_point(request, reunion, point=None, form=form)


@require_http_methods(["GET", "HEAD", "POST"])
def point_modifier(request: RequetePortail, pk: int) -> HttpResponse:
    point = _point_du_secretariat(request, pk)
    reunion = point.reunion
    champs = champs_de_point_modifiables(reunion)
    form = None
    if champs:
        form = PointForm(
            _donnees(request), champs=champs, initial={nom: getattr(point, nom) for nom in champs}
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, _("La séance est close : ce point ne change plus."))
            return redirect(point.get_absolute_url())
        if form.is_valid():
            modifies = {nom: form.cleaned_data[nom] for nom in form.changed_data}
            try:
                if modifies:
                    services.point_modifier(point=point, acteur=request.user, **modifies)
            except ValidationError as erreur:
                erreurs_du_service(form, erreur)
            else:
                if modifies:
                    messages.success(
                        request, _("Le point « %(titre)s » est modifié.") % {"titre": point.titre}
                    )
                else:
                    messages.info(request, _("Rien n'a changé."))
                return redirect(point.get_absolute_url())
    return _page_point(request, reunion, point=point, form=form)


@require_POST
def point_supprimer(request: RequetePortail, pk: int) -> HttpResponse:
    point = _point_du_secretariat(request, pk)
    reunion = point.reunion
    titre = point.titre
    try:
        services.point_supprimer(point=point, acteur=request.user)
    except ValidationError as erreur:
        _message_d_erreur(request, erreur)
    else:
        messages.success(
            request, _("Le point « %(titre)s » est retiré de l'ordre du jour.") % {"titre": titre}
        )
    return redirect(reunion)


@require_POST
def point_deplacer(request: RequetePortail, pk: int) -> HttpResponse:
    point = _point_du_secretariat(request, pk)
    sens = request.POST.get("sens")
    if sens not in ("haut", "bas"):
        return HttpResponseBadRequest(_("Indiquez le sens du déplacement : haut ou bas."))
    try:
        services.point_deplacer(point=point, acteur=request.user, vers_le_haut=sens == "haut")
    except ValidationError as erreur:
        _message_d_erreur(request, erreur)
    else:
        messages.success(request, _("L'ordre du jour est réordonné."))
    return redirect(point.get_absolute_url())


@require_POST
def point_document_deposer(request: RequetePortail, pk: int) -> HttpResponse:
    point = _point_du_secretariat(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = document_deposer(
                fichier=form.cleaned_data["fichier"],
                acteur=request.user,
                titre=form.cleaned_data["titre"],
                objet=point,
            )
        except ValidationError as erreur:
            form.add_error("fichier", erreur)
        else:
            messages.success(
                request,
                _("Le document « %(document)s » est joint au point « %(point)s ».")
                % {"document": document.titre, "point": point.titre},
            )
            return redirect(point.get_absolute_url())
    champs = champs_de_point_modifiables(point.reunion)
    form_point = (
        PointForm(champs=champs, initial={nom: getattr(point, nom) for nom in champs}) if champs else None
    )
    return _page_point(request, point.reunion, point=point, form=form_point, form_document=form)


# --- Convocation ----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def convoquer(request: RequetePortail, pk: int) -> HttpResponse:
    reunion = _reunion_du_secretariat(request, pk)
    tardive = services.convocation_est_tardive(reunion)
    form = ConvocationForm(_donnees(request), tardive=tardive)
    if request.method == "POST" and form.is_valid():
        try:
            services.convocation_envoyer(
                reunion=reunion, acteur=request.user, motif_retard=form.cleaned_data.get("motif_retard", "")
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            nombre = reunion.participations.count()
            messages.success(
                request,
                ngettext(
                    "La convocation est envoyée : %(n)s membre la reçoit par courriel.",
                    "La convocation est envoyée : %(n)s membres la reçoivent par courriel.",
                    nombre,
                )
                % {"n": nombre},
            )
            return redirect(reunion)
    jour = timezone.localdate(reunion.debut)
    convoques = sorted(
        (
            m
            for m in reunion.instance.mandats.en_cours(jour).select_related("personne")
            if m.role in services.ROLES_CONVOQUES
        ),
        key=lambda m: (m.personne.nom, m.personne.prenom),
    )
    return render(
        request,
        "conseil/convocation.html",
        {
            "reunion": reunion,
            "form": form,
            "points": points_avec_documents(reunion),
            "convoques": convoques,
            "tardive": tardive,
            "jours_avant": services.jours_avant(reunion),
            "delai": services.delai_convocation_jours(),
            "a_convoquer": reunion.statut == StatutReunion.PLANIFIEE,
        },
    )


# --- Présences et quorum --------------------------------------------------------------


def _etat_quorum(quorum: Quorum) -> str:
    return f"{quorum.membres}-{quorum.presents}-{quorum.representes}-{quorum.requis}"


class LigneRegistre(NamedTuple):
    participation: Participation
    form: LignePresenceForm
    # Le membre qui détient la procuration du participant, s'il en a donné une.
    mandataire: Any


@require_http_methods(["GET", "HEAD", "POST"])
def presences(request: RequetePortail, pk: int) -> HttpResponse:
    reunion = _reunion_du_secretariat(request, pk)
    participations = list(participations_de(reunion))
    procurations = {p.mandant_id: p.mandataire for p in procurations_de(reunion)}
    membres = [(p.personne_id, str(p.personne)) for p in participations]
    ouvert = reunion.statut in (StatutReunion.CONVOQUEE, StatutReunion.TENUE)
    donnees = request.POST if request.method == "POST" and ouvert else None
    lignes = []
    for participation in participations:
        presence = participation.presence or PRESENCE_ANNONCEE.get(participation.reponse, "")
        mandataire = procurations.get(participation.personne_id)
        form = LignePresenceForm(
            donnees,
            prefix=f"p{participation.pk}",
            mandataires=[m for m in membres if m[0] != participation.personne_id],
            initial={
                "presence": presence,
                "mandataire": mandataire.pk if mandataire and presence == Presence.REPRESENTE else None,
            },
        )
        lignes.append(LigneRegistre(participation, form, mandataire))
    erreurs: list[str] = []
    if request.method == "POST":
        if not ouvert:
            erreurs.append(
                _("La séance est %(statut)s : les présences ne se relèvent plus.")
                % {"statut": reunion.get_statut_display().lower()}
            )
        elif all([ligne.form.is_valid() for ligne in lignes]):
            try:
                quorum = services.presences_enregistrer(
                    reunion=reunion,
                    acteur=request.user,
                    lignes=[
                        services.LignePresence(
                            participation_id=ligne.participation.pk,
                            presence=ligne.form.cleaned_data["presence"],
                            mandataire_id=ligne.form.cleaned_data["mandataire"],
                        )
                        for ligne in lignes
                    ],
                )
            except ValidationError as erreur:
                erreurs = _erreurs_par_ligne(erreur, lignes)
            else:
                messages.success(
                    request,
                    _("Les présences sont enregistrées. %(verdict)s")
                    % {
                        "verdict": _("Le quorum est atteint.")
                        if quorum.atteint
                        else _("Le quorum n'est pas atteint.")
                    },
                )
                return redirect("conseil:presences", pk=reunion.pk)
    quorum_actuel = quorum_de(reunion)
    return render(
        request,
        "conseil/presences.html",
        {
            "reunion": reunion,
            "lignes": lignes,
            "ouvert": ouvert,
            "erreurs": erreurs,
            "en_erreur": bool(erreurs) or any(ligne.form.errors for ligne in lignes),
            "quorum": quorum_actuel,
            "etat_quorum": _etat_quorum(quorum_actuel),
            "suivre_quorum": not reunion.quorum_fige,
        },
    )


def _erreurs_par_ligne(erreur: ValidationError, lignes: list[LigneRegistre]) -> list[str]:
    """Les refus du service, chacun sur sa ligne (clé : l'identifiant de la participation) ;
    renvoie ceux qui ne portent sur aucune ligne."""
    if not hasattr(erreur, "error_dict"):
        return list(erreur.messages)
    par_ligne = {str(ligne.participation.pk): ligne.form for ligne in lignes}
    generales: list[str] = []
    for cle, erreurs in erreur.error_dict.items():
        if cle in par_ligne:
            par_ligne[cle].add_error(None, erreurs)
        else:
            generales.extend(message for e in erreurs for message in e.messages)
    return generales


@require_safe
def quorum(request: RequetePortail, pk: int) -> HttpResponse:
    """Le bloc du quorum seul, que la page des présences redemande à intervalles ; rien
    (204) s'il n'a pas changé, pour que le lecteur d'écran n'annonce que du nouveau."""
    reunion = get_reunion_pour(request.user, pk)
    quorum_actuel = quorum_de(reunion)
    etat = _etat_quorum(quorum_actuel)
    if request.htmx and request.GET.get("etat") == etat:
        return HttpResponse(status=204)
    return render(
        request,
        "conseil/partials/quorum.html",
        {
            "reunion": reunion,
            "quorum": quorum_actuel,
            "etat_quorum": etat,
            "suivre_quorum": not reunion.quorum_fige,
        },
    )


# --- Procès-verbal --------------------------------------------------------------------


def _page_proces_verbal(
    request: RequetePortail,
    reunion: Reunion,
    pv: ProcesVerbal | None,
    *,
    form: ProcesVerbalForm | None = None,
    form_adoption: AdoptionForm | None = None,
    gabarit: str = "conseil/proces_verbal.html",
) -> HttpResponse:
    gestionnaire = est_gestionnaire(request.user)
    if gestionnaire and pv is not None and pv.modifiable:
        form = form or ProcesVerbalForm(initial={"texte": pv.texte})
        form_adoption = form_adoption or AdoptionForm(pv=pv, seances=services.seances_pouvant_adopter(pv))
    reponse = render(
        request,
        gabarit,
        {
            "reunion": reunion,
            "pv": pv,
            "gestionnaire": gestionnaire,
            "peut_rediger": gestionnaire
            and pv is None
            and reunion.statut in (StatutReunion.TENUE, StatutReunion.CLOSE),
            "form": form,
            "form_adoption": form_adoption,
            "paragraphes": [
                bloc.strip() for bloc in pv.texte.replace("\r\n", "\n").split("\n\n") if bloc.strip()
            ]
            if pv is not None
            else [],
        },
    )
    # La même adresse rend la page ou, pour htmx, le seul bloc de l'archivage.
    patch_vary_headers(reponse, ("HX-Request",))
    return reponse


@require_http_methods(["GET", "HEAD", "POST"])
def proces_verbal(request: RequetePortail, pk: int) -> HttpResponse:
    """Le procès-verbal : les membres lisent le projet, le secrétariat le rédige et le modifie."""
    reunion = get_reunion_pour(request.user, pk)
    pv = proces_verbal_de(reunion)
    if request.method != "POST":
        if request.htmx and pv is not None:
            return _page_proces_verbal(request, reunion, pv, gabarit="conseil/proces_verbal.html#archivage")
        return _page_proces_verbal(request, reunion, pv)
    if not est_gestionnaire(request.user):
        raise PermissionDenied
    url = reverse("conseil:proces_verbal", kwargs={"pk": reunion.pk})
    if request.POST.get("action") == "rediger":
        try:
            services.proces_verbal_rediger(reunion=reunion, acteur=request.user)
        except ValidationError as erreur:
            _message_d_erreur(request, erreur)
        else:
            messages.success(
                request,
                _(
                    "Le projet de procès-verbal est rédigé d'après le registre de la séance : "
                    "relisez-le et complétez-le."
                ),
            )
        return redirect(url)
    if pv is None:
        raise Http404
    form = ProcesVerbalForm(request.POST)
    if form.is_valid():
        try:
            services.proces_verbal_modifier(pv=pv, acteur=request.user, texte=form.cleaned_data["texte"])
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, _("Le procès-verbal est enregistré."))
            return redirect(url)
    return _page_proces_verbal(request, reunion, pv, form=form)


@require_POST
def proces_verbal_adopter(request: RequetePortail, pk: int) -> HttpResponse:
    reunion = _reunion_du_secretariat(request, pk)
    pv = proces_verbal_de(reunion)
    if pv is None:
        raise Http404
    form = AdoptionForm(request.POST, pv=pv, seances=services.seances_pouvant_adopter(pv))
    if form.is_valid():
        try:
            services.proces_verbal_adopter(
                pv=pv, adopte_en=form.cleaned_data["adopte_en"], acteur=request.user
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request,
                _("L'adoption du procès-verbal est enregistrée ; son PDF d'archive est en cours d'écriture."),
            )
            return redirect("conseil:proces_verbal", pk=reunion.pk)
    return _page_proces_verbal(request, reunion, pv, form_adoption=form)


@require_POST
def proces_verbal_archiver(request: RequetePortail, pk: int) -> HttpResponse:
    reunion = _reunion_du_secretariat(request, pk)
    pv = proces_verbal_de(reunion)
    if pv is None:
        raise Http404
    try:
        services.proces_verbal_relancer_archivage(pv=pv, acteur=request.user)
    except ValidationError as erreur:
        _message_d_erreur(request, erreur)
    else:
        messages.success(request, _("L'archivage du procès-verbal est relancé."))
    return redirect("conseil:proces_verbal", pk=reunion.pk)
