"""Les pages des candidats : postuler à une offre en ligne (connecté, ou après avoir confirmé
son adresse par un lien reçu), et l'espace candidat (ses candidatures, ses consentements, le
vivier, qui a ouvert ses pièces, ses données à télécharger ou à effacer).

Une offre close ou échue répond 410 sur chacune de ces pages, comme sa page publique, même par
l'adresse directe ; le service refuse aussi. L'espace s'ouvre par `candidat_de_la_requete`
(le compte connecté, ou le lien signé que la session retient) : tout s'y lit à partir de cette
fiche, 404 pour ce qui ne lui appartient pas.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from recrutement import services
from recrutement.forms_candidat import CandidatureForm, EmailForm
from recrutement.jetons import VALIDITE, candidat_depuis_jeton, email_depuis_jeton
from recrutement.models import Candidat, EtapeCandidature, Offre
from recrutement.selectors import (
    candidat_de_la_requete,
    candidat_oublier,
    candidat_retenir,
    candidatures_du_candidat,
    consultations_du_candidat,
    est_close_ou_echue,
    get_candidature_du_candidat,
    get_consentement_du_candidat,
    offre_publique,
    vivier_du_candidat,
)
from recrutement.views.offres import offre_partie
from socle.formulaires import erreurs_du_service

HEURES = int(VALIDITE.total_seconds() // 3600)

# L'étape telle que le candidat la lit : ni le détail du tableau des recruteurs, ni leurs mots.
ETAPE_POUR_LE_CANDIDAT = {
    EtapeCandidature.RECUE: gettext_lazy("Reçue, pas encore étudiée"),
    EtapeCandidature.EN_ETUDE: gettext_lazy("En cours d'étude"),
    EtapeCandidature.ENTRETIEN: gettext_lazy("Entretien proposé"),
    EtapeCandidature.RETENUE: gettext_lazy("Retenue"),
    EtapeCandidature.NON_RETENUE: gettext_lazy("Close : non retenue"),
    EtapeCandidature.RETIREE: gettext_lazy("Retirée par vous"),
}


# --- Postuler ----------------------------------------------------------------------------


def _offre_ouverte(request: HttpRequest, pk: int) -> tuple[Offre, HttpResponse | None]:
    """L'offre publique et, si elle est close ou échue, la réponse 410 à rendre."""
    jour = timezone.localdate()
    offre = offre_publique(pk)
    if est_close_ou_echue(offre, jour):
        return offre, offre_partie(request, offre, jour)
    return offre, None


def _formulaire(request: HttpRequest, offre: Offre, *, email: str, compte: object) -> HttpResponse:
    jour = timezone.localdate()
    employeurs = services.employeurs_et_textes(offre, jour)
    if request.method == "POST":
        form = CandidatureForm(request.POST, request.FILES, employeurs=employeurs)
    else:
        initial = {}
        if compte is not None:
            initial = {"nom": getattr(compte, "nom", ""), "prenom": getattr(compte, "prenom", "")}
        form = CandidatureForm(initial=initial, employeurs=employeurs)
    if request.method == "POST" and form.is_valid():
        try:
            candidature = services.candidature_deposer(
                offre=offre,
                saisie=form.saisie(email),
                compte=compte,
                email_confirme="" if compte is not None else email,
            )
        except ValidationError as erreur:
            if getattr(erreur, "code", None) == "offre_close":
                return offre_partie(request, offre, jour)
            if hasattr(erreur, "error_dict") and "autres_pieces" in erreur.error_dict:
                for refus in ValidationError(erreur.error_dict.pop("autres_pieces")).messages:
                    form.add_error(form.champ_du_fichier(refus), refus)
            if not hasattr(erreur, "error_dict") or erreur.error_dict:
                erreurs_du_service(form, erreur)
        else:
            if compte is None:
                # Elle a prouvé son adresse : son espace lui est ouvert dans ce navigateur.
                candidat_retenir(request, candidature.candidat)
            return redirect("recrutement:postuler_envoyee", pk=offre.pk)
    return render(
        request,
        "recrutement/candidat/postuler_form.html",
        {
            "offre": offre,
            "form": form,
            "email": email,
            "fichiers_a_rechoisir": form.is_bound and bool(form.errors),
        },
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def postuler(request: HttpRequest, pk: int) -> HttpResponse:
    """Connecté : le formulaire, à l'adresse du compte. Visiteur : son adresse d'abord, à
    laquelle part le lien du formulaire (même réponse quelle que soit l'adresse)."""
    offre, partie = _offre_ouverte(request, pk)
    if partie is not None:
        return partie
    if request.user.is_authenticated:
        return _formulaire(request, offre, email=request.user.email, compte=request.user)
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidature_lien_demander(offre=offre, email=form.cleaned_data["email"])
        except ValidationError:
            return offre_partie(request, offre, timezone.localdate())
        return render(
            request,
            "recrutement/candidat/verifiez_vos_courriels.html",
            {"offre": offre, "heures": HEURES, "pour": "candidature"},
        )
    return render(
        request, "recrutement/candidat/postuler_email.html", {"offre": offre, "form": form, "heures": HEURES}
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def postuler_lien(request: HttpRequest, pk: int, jeton: str) -> HttpResponse:
    """Le formulaire ouvert par le lien reçu : l'adresse confirmée y est fixée."""
    offre, partie = _offre_ouverte(request, pk)
    if partie is not None:
        return partie
    if request.user.is_authenticated:
        return redirect("recrutement:postuler", pk=offre.pk)
    email = email_depuis_jeton(jeton, offre.pk)
    if email is None:
        return render(
            request, "recrutement/candidat/lien_invalide.html", {"offre": offre, "heures": HEURES}, status=400
        )
    return _formulaire(request, offre, email=email, compte=None)


@login_not_required
@require_safe
def postuler_envoyee(request: HttpRequest, pk: int) -> HttpResponse:
    """La confirmation, pour qui vient de postuler à cette offre (404 pour tout autre)."""
    candidat = candidat_de_la_requete(request)
    if candidat is None:
        raise Http404
    candidature = next((c for c in candidatures_du_candidat(candidat) if c.offre_id == pk), None)
    if candidature is None:
        raise Http404
    return render(request, "recrutement/candidat/postuler_envoyee.html", {"candidature": candidature})


# --- L'espace candidat ------------------------------------------------------------------


def _candidat_ou_acces(request: HttpRequest) -> Candidat | HttpResponse:
    candidat = candidat_de_la_requete(request)
    if candidat is None:
        return redirect("recrutement:espace_acces")
    return candidat


def _acteur(request: HttpRequest) -> object:
    return request.user if request.user.is_authenticated else None


@login_not_required
@require_safe
def espace(request: HttpRequest) -> HttpResponse:
    candidat = _candidat_ou_acces(request)
    if isinstance(candidat, HttpResponse):
        return candidat
    candidatures = candidatures_du_candidat(candidat)
    for candidature in candidatures:
        candidature.etape_pour_le_candidat = ETAPE_POUR_LE_CANDIDAT.get(  # type: ignore[attr-defined]
            EtapeCandidature(candidature.etape), candidature.get_etape_display()
        )
    return render(
        request,
        "recrutement/candidat/espace.html",
        {
            "candidat": candidat,
            "candidatures": candidatures,
            "vivier": vivier_du_candidat(candidat),
            "texte_vivier": services.texte_consentement_vivier(),
            "poles": list(candidat.poles_souhaites.all()),
            "consultations": consultations_du_candidat(candidat),
            "par_le_lien": not request.user.is_authenticated or candidat.compte_id != request.user.pk,
        },
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def espace_acces(request: HttpRequest) -> HttpResponse:
    """Demander le lien de son espace : même réponse que l'adresse soit connue ou non."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.espace_lien_demander(email=form.cleaned_data["email"])
        return render(
            request, "recrutement/candidat/verifiez_vos_courriels.html", {"heures": HEURES, "pour": "espace"}
        )
    return render(request, "recrutement/candidat/espace_acces.html", {"form": form, "heures": HEURES})


@login_not_required
@require_safe
def espace_lien(request: HttpRequest, jeton: str) -> HttpResponse:
    candidat = candidat_depuis_jeton(jeton)
    if candidat is None:
        return render(request, "recrutement/candidat/lien_invalide.html", {"heures": HEURES}, status=400)
    candidat_retenir(request, candidat)
    return redirect("recrutement:espace")


@login_not_required
@require_POST
def espace_fermer(request: HttpRequest) -> HttpResponse:
    """Oublie le lien dans ce navigateur (un ordinateur partagé)."""
    candidat_oublier(request)
    messages.success(request, _("Votre espace candidat est fermé sur ce navigateur."))
    return redirect("recrutement:espace_acces")


@login_not_required
@require_POST
def consentement_retirer(request: HttpRequest, pk: int) -> HttpResponse:
    candidat = _candidat_ou_acces(request)
    if isinstance(candidat, HttpResponse):
        return candidat
    consentement = get_consentement_du_candidat(candidat, pk)
    services.consentement_retirer(consentement=consentement, acteur=_acteur(request))
    messages.success(
        request,
        _("Votre candidature n'est plus confiée à « %(e)s » : ses recruteurs ne la voient plus.")
        % {"e": consentement.employeur.nom if consentement.employeur else ""},
    )
    return redirect("recrutement:espace")


@login_not_required
@require_POST
def candidature_retirer(request: HttpRequest, pk: int) -> HttpResponse:
    candidat = _candidat_ou_acces(request)
    if isinstance(candidat, HttpResponse):
        return candidat
    candidature = get_candidature_du_candidat(candidat, pk)
    try:
        services.candidature_retirer(candidature=candidature, acteur=_acteur(request))
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request, _("Votre candidature « %(o)s » est retirée.") % {"o": candidature.offre.titre}
        )
    return redirect("recrutement:espace")


@login_not_required
@require_POST
def vivier_prolonger(request: HttpRequest) -> HttpResponse:
    candidat = _candidat_ou_acces(request)
    if isinstance(candidat, HttpResponse):
        return candidat
    services.vivier_consentir(candidat=candidat)
    messages.success(request, _("Vous restez dans le vivier deux ans de plus."))
    return redirect("recrutement:espace")


@login_not_required
@require_POST
def vivier_quitter(request: HttpRequest) -> HttpResponse:
    candidat = _candidat_ou_acces(request)
    if isinstance(candidat, HttpResponse):
        return candidat
    services.vivier_quitter(candidat=candidat, acteur=_acteur(request))
    messages.success(request, _("Vous avez quitté le vivier : aucune offre ne vous sera plus proposée."))
    return redirect("recrutement:espace")


@login_not_required
@require_POST
def mes_donnees(request: HttpRequest) -> HttpResponse:
    candidat = _candidat_ou_acces(request)
    if isinstance(candidat, HttpResponse):
        return candidat
    contenu = services.candidat_donnees_exporter(candidat=candidat, acteur=_acteur(request))
    reponse = HttpResponse(contenu, content_type="application/zip")
    nom = f"mes-donnees-candidat-{timezone.localdate():%Y-%m-%d}.zip"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def effacer(request: HttpRequest) -> HttpResponse:
    """Effacer ses données : une page qui dit ce qui part et ce qui reste, puis le bouton."""
    candidat = _candidat_ou_acces(request)
    if isinstance(candidat, HttpResponse):
        return candidat
    if request.method == "POST":
        services.candidat_anonymiser(candidat=candidat, motif=services.Motif.DEMANDE, acteur=_acteur(request))
        candidat_oublier(request)
        return render(request, "recrutement/candidat/effacees.html")
    return render(request, "recrutement/candidat/effacer.html", {"candidat": candidat})
