"""Les pages publiques des rencontres : la liste, la page d'une rencontre (programme et places
restantes), le formulaire d'inscription (la personne et son foyer), la page de son inscription
(lien signé des courriels : état, code d'accueil et son QR, agenda, annuler, confirmer une place
libérée, sa chambre et sa navette, demander d'en changer une fois réservées). Les pages de
l'organisation sont dans `organisation` et `hebergement`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rencontres import services
from rencontres.attestations import attestation_pdf, attestation_possible
from rencontres.calendrier import ics_inscription
from rencontres.cartes import carte_des_rencontres
from rencontres.forms import CodeForm, DemandeDeChangementForm, InscriptionForm, foyer_formset
from rencontres.jetons import inscription_du_jeton, jeton_de, liens_du_flux
from rencontres.models import EtatInscription, Inscription, Ressource, StatutRencontre
from rencontres.qr import qr_svg
from rencontres.selectors import (
    commune_choisie,
    hebergement_d_une_inscription,
    places_restantes,
    rencontre_publique,
    rencontres_a_venir,
)
from socle.courriels import lien_absolu
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail
from territoire.indicateurs import sources_des_cartes


@login_not_required
@require_safe
def rencontre_liste(request: HttpRequest) -> HttpResponse:
    # Une personne connectée s'abonne au flux des rencontres de l'adresse de son compte.
    flux = liens_du_flux(request.user.email) if request.user.is_authenticated else None
    rencontres = rencontres_a_venir(timezone.now())
    commune = commune_choisie(request.GET.get("commune", ""))
    if commune is not None:
        rencontres = rencontres.filter(commune=commune)
    return render(
        request,
        "rencontres/rencontre_liste.html",
        {"rencontres": rencontres, "flux": flux, "commune": commune},
    )


@login_not_required
@require_safe
def rencontres_carte(request: RequetePortail) -> HttpResponse:
    """La carte des rencontres à venir par commune : une page à elle (sans script), que la liste
    charge en place par htmx ; la liste garde son temps de réponse."""
    contexte = {"carte": carte_des_rencontres(timezone.now()), "sources_carte": sources_des_cartes()}
    gabarit = "rencontres/rencontre_carte.html#carte" if request.htmx else "rencontres/rencontre_carte.html"
    reponse = render(request, gabarit, contexte)
    patch_vary_headers(reponse, ("HX-Request",))
    return reponse


def _inscriptions_ouvertes(rencontre: object) -> bool:
    maintenant = timezone.now()
    return bool(
        getattr(rencontre, "statut", None) == StatutRencontre.PUBLIEE
        and rencontre.inscriptions_du <= maintenant <= rencontre.inscriptions_au  # type: ignore[attr-defined]
    )


@login_not_required
@require_safe
def rencontre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rencontre = rencontre_publique(pk)
    restantes = places_restantes(rencontre)
    activites = [(a, restantes[a.pk]) for a in rencontre.activites.all()]
    return render(
        request,
        "rencontres/rencontre_detail.html",
        {"rencontre": rencontre, "activites": activites, "ouvertes": _inscriptions_ouvertes(rencontre)},
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def inscription_creer(request: HttpRequest, pk: int) -> HttpResponse:
    rencontre = rencontre_publique(pk)
    restantes = places_restantes(rencontre)
    initial = {}
    if request.user.is_authenticated:
        initial = {"nom": request.user.nom, "prenom": request.user.prenom, "email": request.user.email}
    form = InscriptionForm(request.POST or None, rencontre=rencontre, restantes=restantes, initial=initial)
    foyer = foyer_formset(rencontre, request.POST or None)
    if request.method == "POST" and form.is_valid() and foyer.is_valid():
        membres = [m for m in (f.membre() for f in foyer.forms) if m is not None]
        try:
            inscription = services.inscrire(
                rencontre=rencontre,
                saisie=form.saisie(membres),
                compte=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, _message(inscription))
            return redirect("rencontres:inscription", jeton=jeton_de(inscription))
    return render(
        request,
        "rencontres/inscription_form.html",
        {"rencontre": rencontre, "form": form, "foyer": foyer, "ouvertes": _inscriptions_ouvertes(rencontre)},
    )


def _message(inscription: Inscription) -> str:
    return {
        EtatInscription.CONFIRMEE: _("Votre inscription est confirmée. Un courriel vous en donne le détail."),
        EtatInscription.EN_ATTENTE_DE_VALIDATION: _(
            "Votre inscription est reçue ; l'organisation la valide et vous écrira. Votre place est gardée."
        ),
        EtatInscription.LISTE_D_ATTENTE: _(
            "C'est complet : vous êtes sur la liste d'attente. Nous vous écrirons si une place se libère."
        ),
    }.get(EtatInscription(inscription.etat), "")


def _inscription(jeton: str) -> Inscription:
    inscription = inscription_du_jeton(jeton)
    if inscription is None:
        raise Http404
    return inscription


@login_not_required
@require_safe
def inscription_detail(request: HttpRequest, jeton: str) -> HttpResponse:
    return page_inscription(request, _inscription(jeton), jeton)


def page_inscription(
    request: HttpRequest,
    inscription: Inscription,
    jeton: str,
    changement: DemandeDeChangementForm | None = None,
) -> HttpResponse:
    """La page d'une inscription ; `changement` : le formulaire de demande de changement de
    chambre ou de navette, tel que saisi, quand il revient refusé."""
    rang = None
    if inscription.etat == EtatInscription.LISTE_D_ATTENTE:
        rang = Inscription.objects.filter(
            rencontre=inscription.rencontre_id,
            etat=EtatInscription.LISTE_D_ATTENTE,
            cree_le__lte=inscription.cree_le,
        ).count()
    lien_accueil = lien_absolu(f"{inscription.rencontre.get_absolute_url()}accueil/?code={inscription.code}")
    participants = list(inscription.participants.all())
    hebergement = hebergement_d_une_inscription(inscription)
    # Le formulaire de demande de changement : quand la rencontre a une chambre ou une navette
    # réservée (gelée) ; avant, l'organisation change les places directement.
    if (
        changement is None
        and inscription.etat != EtatInscription.ANNULEE
        and Ressource.objects.filter(rencontre=inscription.rencontre_id, reservee_le__isnull=False).exists()
    ):
        changement = DemandeDeChangementForm.pour_l_inscription(inscription, participants)
    return render(
        request,
        "rencontres/inscription_detail.html",
        {
            "inscription": inscription,
            "rencontre": inscription.rencontre,
            "participants": participants,
            "activites": sorted(
                {p.activite for p in inscription.places.select_related("activite")}, key=lambda a: a.debut
            ),
            "jeton": jeton,
            "rang": rang,
            "qr": qr_svg(lien_accueil) if inscription.etat == EtatInscription.CONFIRMEE else "",
            "attestation": attestation_possible(inscription),
            "attributions": hebergement["attributions"],
            "demandes": hebergement["demandes"],
            "changement": changement,
            "accord_vivier": services.accord_vivier_actif(inscription),
            "flux": liens_du_flux(inscription.email),
        },
    )


@login_not_required
@require_POST
def inscription_changement(request: HttpRequest, jeton: str) -> HttpResponse:
    """La personne demande de changer de chambre ou de navette réservée ; l'agglomération décide."""
    inscription = _inscription(jeton)
    participants = list(inscription.participants.all())
    form = DemandeDeChangementForm.pour_l_inscription(inscription, participants, request.POST)
    if form.is_valid():
        try:
            services.demander_changement(
                participant=form.cleaned_data["participant"],
                genre=form.cleaned_data["genre"],
                souhait=form.cleaned_data["souhait"],
                motif=form.cleaned_data["motif"],
                acteur=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request, _("Votre demande est envoyée ; l'organisation vous répondra par courriel.")
            )
            return redirect("rencontres:inscription", jeton=jeton)
    return page_inscription(request, inscription, jeton, changement=form)


@login_not_required
@require_safe
def inscription_ics(request: HttpRequest, jeton: str) -> HttpResponse:
    inscription = _inscription(jeton)
    reponse = HttpResponse(ics_inscription(inscription), content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="rencontre.ics"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@login_not_required
@require_POST
def inscription_annuler(request: HttpRequest, jeton: str) -> HttpResponse:
    inscription = _inscription(jeton)
    services.annuler(inscription=inscription, acteur=request.user if request.user.is_authenticated else None)
    messages.success(request, _("Votre inscription est annulée ; vos places vont à la liste d'attente."))
    return redirect("rencontres:inscription", jeton=jeton)


@login_not_required
@require_POST
def inscription_confirmer(request: HttpRequest, jeton: str) -> HttpResponse:
    inscription = _inscription(jeton)
    try:
        services.confirmer_place(inscription=inscription)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, _("La place est à vous : votre inscription est confirmée."))
    return redirect("rencontres:inscription", jeton=jeton)


@login_not_required
@require_safe
def attestation(request: HttpRequest, jeton: str) -> HttpResponse:
    inscription = _inscription(jeton)
    if not attestation_possible(inscription):
        raise Http404
    reponse = HttpResponse(attestation_pdf(inscription), content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="attestation-{inscription.code}.pdf"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@login_not_required
@require_safe
def verifier(request: HttpRequest) -> HttpResponse:
    """Vérifier une attestation par son code : qui, quelle rencontre, quand ; rien d'autre."""
    form = CodeForm(request.GET or None)
    trouvee = None
    if form.is_valid():
        code = form.cleaned_data["code"].strip().upper().replace(" ", "")
        candidate = Inscription.objects.select_related("rencontre").filter(code=code).first()
        if candidate is not None and attestation_possible(candidate):
            trouvee = candidate
    return render(request, "rencontres/verifier.html", {"form": form, "trouvee": trouvee})
