"""Les pages du porteur : brouillon, équipe, budget, pièces, co-porteurs, dépôt, suivi ; et la
page d'une demande, que lisent aussi l'agglomération et les membres du Collège appelés à
rendre leur avis.

Toute demande est lue par `get_demande_pour` (404 pour qui ne doit pas la voir) ; les actions
du porteur répondent aussi 404 à qui voit la demande sans la porter. Les écritures passent
par `financements.services`, dont les refus reviennent sur la page avec la saisie intacte."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from financements import services
from financements.eligibilite import manquements_de
from financements.forms import (
    LIGNES_VIDES,
    BrouillonForm,
    DemandeCreerForm,
    InvitationForm,
    MessageForm,
    PieceForm,
    RetraitForm,
    VersionForm,
    lignes_depenses_saisies,
    montants_du_plan_saisis,
)
from financements.models import (
    PIECES_EXIGEES,
    DemandeFinancement,
    Financeur,
    NaturePiece,
    StatutDemande,
)
from financements.permissions import (
    est_instructeur,
    est_porteur,
    est_porteur_principal,
    invitation_en_attente,
    voit_toutes_les_demandes,
)
from financements.selectors import (
    avec_montants,
    demandes_portees_par,
    get_demande_pour,
    invitations_en_attente_de,
)
from financements.views.page import contexte_de_la_demande, totaux
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail
from territoire.selectors import page_de, professionnels_visibles_par, rechercher_professionnels

ZERO = Decimal("0.00")
CANDIDATS_MAX = 10


def voit_mes_demandes(utilisateur: Any) -> bool:
    """L'entrée « Mes demandes de financement » du menu : toute personne connectée qui n'est
    pas de l'agglomération (celle-ci a sa propre liste)."""
    return bool(
        utilisateur is not None
        and utilisateur.is_authenticated
        and utilisateur.is_active
        and not voit_toutes_les_demandes(utilisateur)
    )


def _montant_saisi(montant: Decimal | None) -> str:
    """Un montant tel qu'on le tape : « 12 500,50 » (espace fine insécable comprise : montant_lu la lit)."""
    return "" if montant is None else number_format(montant, 2, force_grouping=True)


def _demande_du_porteur(request: RequetePortail, pk: int) -> DemandeFinancement:
    """La demande, si celui qui la demande la porte ; 404 sinon (comme pour qui ne la voit pas)."""
    demande = get_demande_pour(request.user, pk)
    if not est_porteur(request.user, demande):
        raise Http404
    return demande


def _message_d_erreur(erreur: ValidationError) -> str:
    return " ".join(str(m) for m in erreur.messages)


# --- Mes demandes --------------------------------------------------------------------------


@require_safe
def mes_demandes(request: RequetePortail) -> HttpResponse:
    demandes = (
        avec_montants(demandes_portees_par(request.user)).select_related("commune").defer("commune__contour")
    )
    return render(
        request,
        "financements/mes_demandes.html",
        {"demandes": list(demandes), "invitations": list(invitations_en_attente_de(request.user))},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def demande_creer(request: RequetePortail) -> HttpResponse:
    form = DemandeCreerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            demande = services.demande_creer(porteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request,
                _("Le brouillon est ouvert : complétez-le, il s'enregistre au fil de la saisie."),
            )
            return redirect("financements:brouillon", pk=demande.pk)
    return render(request, "financements/demande_creer.html", {"form": form})


# --- Le brouillon --------------------------------------------------------------------------


class SaisieBrouillon:
    """Ce que le porteur a tapé dans le brouillon, et ce que les services en ont refusé."""

    def __init__(self, request: RequetePortail, demande: DemandeFinancement) -> None:
        self.form = BrouillonForm(request.POST)
        self.lignes = lignes_depenses_saisies(request.POST)
        self.plan = montants_du_plan_saisis(request.POST)
        self.besoins_coches = set(request.POST.getlist("besoins"))
        self.erreurs_depenses: list[str] = []
        self.depenses_refusees: dict[int, services.DepenseRefusee] = {}
        self.erreurs_plan: dict[str, list[str]] = {}
        self._enregistrer(request, demande)

    def _enregistrer(self, request: RequetePortail, demande: DemandeFinancement) -> None:
        # Chaque partie s'enregistre pour elle-même : une dépense mal tapée n'empêche pas de
        # garder la description écrite à côté.
        if self.form.is_valid():
            donnees = dict(self.form.cleaned_data)
            donnees["besoins"] = list(donnees["besoins"])
            try:
                services.demande_modifier(demande=demande, acteur=request.user, **donnees)
            except ValidationError as erreur:
                erreurs_du_service(self.form, erreur)
        try:
            depenses = services.depenses_enregistrer(demande=demande, acteur=request.user, lignes=self.lignes)
        except ValidationError as erreur:
            self.erreurs_depenses = [str(m) for m in erreur.messages]
        else:
            self.depenses_refusees = {ligne.rang: ligne for ligne in depenses.refusees}
        try:
            services.plan_enregistrer(demande=demande, acteur=request.user, montants=self.plan)
        except ValidationError as erreur:
            if hasattr(erreur, "error_dict"):
                for champ, erreurs in erreur.error_dict.items():
                    code = champ.removeprefix("financement_")
                    self.erreurs_plan[code if code in Financeur.values else ""] = [
                        str(m) for e in erreurs for m in e.messages
                    ]
            else:
                self.erreurs_plan[""] = [str(m) for m in erreur.messages]

    @property
    def en_erreur(self) -> bool:
        return bool(self.form.errors or self.erreurs_depenses or self.depenses_refusees or self.erreurs_plan)

    def erreurs_des_lignes(self) -> list[str]:
        """Ce qui ne va pas sur chaque ligne de dépenses tapée, dans l'ordre de la page ("" : rien)."""
        refusees = self.depenses_refusees
        return [refusees[rang].message if rang in refusees else "" for rang in range(len(self.lignes))]

    def erreurs(self) -> list[str]:
        liste = [str(m) for erreurs in self.form.errors.values() for m in erreurs]
        liste += self.erreurs_depenses
        liste += [str(ligne) for ligne in self.depenses_refusees.values()]
        liste += [m for erreurs in self.erreurs_plan.values() for m in erreurs]
        return liste


def _contexte_brouillon(
    request: RequetePortail,
    demande: DemandeFinancement,
    *,
    saisie: SaisieBrouillon | None = None,
    invitation: InvitationForm | None = None,
    erreur_piece: dict[str, str] | None = None,
    recherche: str = "",
) -> dict[str, Any]:
    depenses = list(demande.depenses.all())
    financements = list(demande.financements.all())
    if saisie is not None:
        form = saisie.form
        lignes = [
            (libelle, montant, erreur)
            for (libelle, montant), erreur in zip(saisie.lignes, saisie.erreurs_des_lignes(), strict=True)
        ]
        plan = saisie.plan
        besoins_coches = saisie.besoins_coches
    else:
        form = BrouillonForm(
            initial={
                "intitule": demande.intitule,
                "type_demande": demande.type_demande,
                "description": demande.description,
                "commune": demande.commune_id,
                "engagement_stages": demande.engagement_stages,
                "engagement_stages_detail": demande.engagement_stages_detail,
            }
        )
        # Les lignes enregistrées et celles gardées telles que tapées, chacune à sa place.
        par_rang = [(d.ordre, d.libelle, _montant_saisi(d.montant), "") for d in depenses]
        par_rang += [(r.rang, r.libelle, r.montant, r.message) for r in services.depenses_a_corriger(demande)]
        lignes = [(libelle, montant, erreur) for _rang, libelle, montant, erreur in sorted(par_rang)]
        plan = {f.financeur: _montant_saisi(f.montant) for f in financements}
        besoins_coches = {str(pk) for pk in demande.besoins.values_list("pk", flat=True)}
    lignes = [(libelle, montant, erreur) for libelle, montant, erreur in lignes if libelle or montant]
    lignes += [("", "", "")] * LIGNES_VIDES
    champ_besoins = form.fields["besoins"]
    besoins = list(getattr(champ_besoins, "queryset", []))
    pieces = list(demande.pieces.filter(remplacee=False).select_related("document"))
    par_nature = {p.nature: p for p in pieces}
    erreurs_pieces = erreur_piece or {}
    contexte: dict[str, Any] = {
        "demande": demande,
        "form": form,
        "lignes": lignes,
        "financeurs": [
            (code, libelle, plan.get(code, ""), (saisie.erreurs_plan.get(code, []) if saisie else []))
            for code, libelle in Financeur.choices
        ],
        "erreurs_depenses": saisie.erreurs_depenses if saisie else [],
        "depenses_a_corriger": any(erreur for _libelle, _montant, erreur in lignes),
        "erreurs_plan_generales": saisie.erreurs_plan.get("", []) if saisie else [],
        "besoins": besoins,
        "besoins_coches": besoins_coches,
        "equipe": list(
            demande.equipe.select_related("professionnel__profession", "professionnel__specialite")
        ),
        "principal": est_porteur_principal(request.user, demande),
        "coporteurs": list(demande.coporteurs.all()),
        "invitation": invitation or InvitationForm(),
        "pieces_exigees": [
            (nature, NaturePiece(nature).label, par_nature.get(nature), erreurs_pieces.get(nature, ""))
            for nature in PIECES_EXIGEES
        ],
        "autres_pieces": [p for p in pieces if p.nature not in PIECES_EXIGEES],
        "erreur_autre": erreurs_pieces.get(NaturePiece.AUTRE, ""),
        "manquements": manquements_de(demande),
        "recherche": recherche,
        "candidats": _candidats(request, demande, recherche) if recherche else None,
        "version": demande.version,
        **totaux(depenses, financements),
    }
    return contexte


@require_http_methods(["GET", "HEAD", "POST"])
def brouillon(request: RequetePortail, pk: int) -> HttpResponse:
    """Tout le brouillon sur une page ; il s'enregistre aussi sans script (POST ici)."""
    demande = get_demande_pour(request.user, pk)
    if demande.statut != StatutDemande.BROUILLON:
        return redirect(demande)
    if not est_porteur(request.user, demande):
        if invitation_en_attente(request.user, demande) is not None:
            return redirect(demande)
        raise Http404
    saisie = None
    if request.method == "POST":
        saisie = SaisieBrouillon(request, demande)
        if not saisie.en_erreur:
            messages.success(request, _("Le brouillon est enregistré."))
            return redirect("financements:brouillon", pk=demande.pk)
    contexte = _contexte_brouillon(
        request, demande, saisie=saisie, recherche=request.GET.get("q", "").strip()
    )
    return render(request, "financements/brouillon.html", contexte)


@require_POST
def brouillon_enregistrer(request: RequetePortail, pk: int) -> HttpResponse:
    """L'enregistrement au fil de la frappe (htmx) : l'état de l'enregistrement, et les totaux
    et la liste de ce qui manque, remplacés hors bande."""
    demande = _demande_du_porteur(request, pk)
    erreurs_des_lignes: list[str] = []
    if demande.statut != StatutDemande.BROUILLON:
        erreurs = [_("La demande est déposée : son contenu ne change plus.")]
    else:
        saisie = SaisieBrouillon(request, demande)
        erreurs = saisie.erreurs()
        erreurs_des_lignes = saisie.erreurs_des_lignes()
    return render(
        request,
        "financements/partials/porteur_enregistrement.html",
        {
            "demande": demande,
            "erreurs": erreurs,
            # Le message de chaque ligne de dépenses, remplacé hors bande sous la ligne.
            "erreurs_des_lignes": erreurs_des_lignes,
            "heure": timezone.localtime(),
            "manquements": manquements_de(demande),
            "oob": True,
            **totaux(list(demande.depenses.all()), list(demande.financements.all())),
        },
    )


# --- L'équipe ------------------------------------------------------------------------------


def _candidats(request: RequetePortail, demande: DemandeFinancement, texte: str) -> list[Any]:
    professionnels = professionnels_visibles_par(request.user).select_related("profession")
    if texte.isdigit():
        professionnels = professionnels.filter(rpps__startswith=texte).order_by("nom", "prenom", "pk")
    else:
        professionnels = rechercher_professionnels(professionnels, texte)
    deja = set(demande.equipe.values_list("professionnel_id", flat=True))
    page = page_de(professionnels, 1, par_page=CANDIDATS_MAX)
    return [(p, p.pk in deja) for p in page.object_list]


@require_safe
def professionnel_chercher(request: RequetePortail, pk: int) -> HttpResponse:
    """Les professionnels de l'annuaire qui répondent au nom ou au RPPS tapé (bloc htmx)."""
    demande = _demande_du_porteur(request, pk)
    texte = request.GET.get("q", "").strip()
    return render(
        request,
        "financements/partials/porteur_candidats.html",
        {
            "demande": demande,
            "recherche": texte,
            "candidats": _candidats(request, demande, texte) if len(texte) >= 2 else None,
        },
    )


@require_POST
def equipe_ajouter(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_du_porteur(request, pk)
    professionnel = (
        professionnels_visibles_par(request.user).filter(pk=request.POST.get("professionnel") or 0).first()
        if (request.POST.get("professionnel") or "").isdigit()
        else None
    )
    if professionnel is None:
        messages.error(request, _("Choisissez un professionnel de l'annuaire."))
    else:
        try:
            services.equipe_ajouter(demande=demande, acteur=request.user, professionnel=professionnel)
        except ValidationError as erreur:
            messages.error(request, _message_d_erreur(erreur))
        else:
            messages.success(request, _("%(p)s entre dans l'équipe.") % {"p": professionnel})
    return redirect(reverse("financements:brouillon", kwargs={"pk": demande.pk}) + "#equipe")


@require_POST
def equipe_retirer(request: RequetePortail, pk: int, membre_pk: int) -> HttpResponse:
    demande = _demande_du_porteur(request, pk)
    membre = demande.equipe.select_related("demande", "professionnel").filter(pk=membre_pk).first()
    if membre is None:
        raise Http404
    try:
        services.equipe_retirer(membre=membre, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, _message_d_erreur(erreur))
    else:
        messages.success(request, _("%(p)s ne fait plus partie de l'équipe.") % {"p": membre.professionnel})
    return redirect(reverse("financements:brouillon", kwargs={"pk": demande.pk}) + "#equipe")


# --- Co-porteurs ---------------------------------------------------------------------------


@require_POST
def coporteur_inviter(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_du_porteur(request, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.coporteur_inviter(demande=demande, acteur=request.user, email=form.cleaned_data["email"])
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request,
                _("L'invitation est envoyée à %(e)s : la demande attend sa confirmation.")
                % {"e": form.cleaned_data["email"]},
            )
            return redirect(reverse("financements:brouillon", kwargs={"pk": demande.pk}) + "#coporteurs")
    if demande.statut != StatutDemande.BROUILLON:
        messages.error(request, " ".join(str(m) for e in form.errors.values() for m in e))
        return redirect(demande)
    return render(
        request, "financements/brouillon.html", _contexte_brouillon(request, demande, invitation=form)
    )


@require_POST
def coporteur_retirer(request: RequetePortail, pk: int, coporteur_pk: int) -> HttpResponse:
    demande = _demande_du_porteur(request, pk)
    coporteur = next((c for c in demande.coporteurs.all() if c.pk == coporteur_pk), None)
    if coporteur is None:
        raise Http404
    coporteur.demande = demande
    try:
        services.coporteur_retirer(coporteur=coporteur, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, _message_d_erreur(erreur))
    else:
        messages.success(request, _("%(e)s ne porte plus la demande.") % {"e": coporteur.email})
    return redirect(reverse("financements:brouillon", kwargs={"pk": demande.pk}) + "#coporteurs")


@require_POST
def coporteur_repondre(request: RequetePortail, pk: int) -> HttpResponse:
    """L'invité confirme (accepte=1) ou décline (accepte=0) depuis son compte."""
    demande = get_demande_pour(request.user, pk)
    invitation = invitation_en_attente(request.user, demande)
    if invitation is None:
        messages.error(request, _("Aucune invitation n'attend votre réponse sur cette demande."))
        return redirect(demande)
    accepte = request.POST.get("accepte") == "1"
    try:
        services.coporteur_repondre(coporteur=invitation, acteur=request.user, accepte=accepte)
    except ValidationError as erreur:
        messages.error(request, _message_d_erreur(erreur))
        return redirect(demande)
    if accepte:
        messages.success(request, _("Vous portez désormais cette demande avec son porteur principal."))
        return redirect("financements:brouillon", pk=demande.pk)
    messages.success(request, _("Vous avez décliné l'invitation ; le porteur principal en est averti."))
    return redirect("financements:mes_demandes")


# --- Pièces --------------------------------------------------------------------------------


@require_POST
def piece_deposer(request: RequetePortail, pk: int) -> HttpResponse:
    demande = get_demande_pour(request.user, pk)
    if not (est_porteur(request.user, demande) or est_instructeur(request.user)):
        raise Http404
    form = PieceForm(request.POST, request.FILES)
    if form.is_valid():
        nature = form.cleaned_data["nature"]
        try:
            services.piece_deposer(
                demande=demande, acteur=request.user, nature=nature, fichier=form.cleaned_data["fichier"]
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, _("La pièce « %(n)s » est déposée.") % {"n": NaturePiece(nature).label})
            if demande.statut == StatutDemande.BROUILLON:
                return redirect(reverse("financements:brouillon", kwargs={"pk": demande.pk}) + "#pieces")
            return redirect(reverse("financements:demande", kwargs={"pk": demande.pk}) + "#pieces")
    if demande.statut == StatutDemande.BROUILLON and est_porteur(request.user, demande):
        nature = request.POST.get("nature", "")
        if nature not in PIECES_EXIGEES:
            nature = NaturePiece.AUTRE
        texte = " ".join(str(m) for erreurs in form.errors.values() for m in erreurs)
        contexte = _contexte_brouillon(request, demande, erreur_piece={nature: texte})
        return render(request, "financements/brouillon.html", contexte)
    return render(
        request, "financements/demande_detail.html", contexte_de_la_demande(request, demande, piece=form)
    )


# --- Dépôt, retrait, compléments -------------------------------------------------------------


def _action_versionnee(
    request: RequetePortail,
    demande: DemandeFinancement,
    action: Callable[[int | None], Any],
    succes: str,
) -> bool:
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Le formulaire est incomplet : rechargez la page."))
        return False
    try:
        action(form.cleaned_data["version"])
    except ValidationError as erreur:
        messages.error(request, _message_d_erreur(erreur))
        return False
    messages.success(request, succes)
    return True


@require_POST
def demande_deposer(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_du_porteur(request, pk)
    depot = _action_versionnee(
        request,
        demande,
        lambda version: services.demande_deposer(demande=demande, acteur=request.user, version=version),
        _("Votre demande est déposée. Le récépissé vous sera envoyé par courriel dans quelques instants."),
    )
    if not depot:
        return redirect(reverse("financements:brouillon", kwargs={"pk": demande.pk}) + "#deposer")
    return redirect(demande)


@require_POST
def demande_retirer(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_du_porteur(request, pk)
    form = RetraitForm(request.POST)
    motif = form.data.get("motif", "")
    _action_versionnee(
        request,
        demande,
        lambda version: services.demande_retirer(
            demande=demande, acteur=request.user, version=version, motif=str(motif).strip()
        ),
        _("Votre demande est retirée."),
    )
    return redirect(demande)


@require_POST
def complements_fournis(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_du_porteur(request, pk)
    _action_versionnee(
        request,
        demande,
        lambda version: services.demande_transition(
            demande=demande, vers=StatutDemande.EN_INSTRUCTION, acteur=request.user, version=version
        ),
        _("L'instructeur est averti que les compléments sont fournis."),
    )
    return redirect(demande)


# --- Messages ------------------------------------------------------------------------------


@require_POST
def message_envoyer(request: RequetePortail, pk: int) -> HttpResponse:
    """Un message des porteurs à l'instructeur, ou de l'agglomération aux porteurs."""
    demande = get_demande_pour(request.user, pk)
    if not (est_porteur(request.user, demande) or est_instructeur(request.user)):
        raise Http404
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_envoyer(demande=demande, acteur=request.user, texte=form.cleaned_data["texte"])
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, _("Votre message est envoyé."))
            return redirect(reverse("financements:demande", kwargs={"pk": demande.pk}) + "#messages")
    return render(
        request, "financements/demande_detail.html", contexte_de_la_demande(request, demande, message=form)
    )


# --- La page d'une demande -----------------------------------------------------------------


@require_safe
def demande_detail(request: RequetePortail, pk: int) -> HttpResponse:
    demande = get_demande_pour(request.user, pk)
    return render(request, "financements/demande_detail.html", contexte_de_la_demande(request, demande))


urlpatterns: list[URLPattern] = [
    path("financements/mes-demandes/", mes_demandes, name="mes_demandes"),
    path("financements/demandes/nouvelle/", demande_creer, name="demande_creer"),
    path("financements/demandes/<int:pk>/", demande_detail, name="demande"),
    path("financements/demandes/<int:pk>/brouillon/", brouillon, name="brouillon"),
    path(
        "financements/demandes/<int:pk>/brouillon/enregistrer/",
        brouillon_enregistrer,
        name="brouillon_enregistrer",
    ),
    path(
        "financements/demandes/<int:pk>/equipe/chercher/",
        professionnel_chercher,
        name="professionnel_chercher",
    ),
    path("financements/demandes/<int:pk>/equipe/ajouter/", equipe_ajouter, name="equipe_ajouter"),
    path(
        "financements/demandes/<int:pk>/equipe/<int:membre_pk>/retirer/",
        equipe_retirer,
        name="equipe_retirer",
    ),
    path("financements/demandes/<int:pk>/co-porteurs/inviter/", coporteur_inviter, name="coporteur_inviter"),
    path(
        "financements/demandes/<int:pk>/co-porteurs/<int:coporteur_pk>/retirer/",
        coporteur_retirer,
        name="coporteur_retirer",
    ),
    path("financements/demandes/<int:pk>/co-porteur/", coporteur_repondre, name="coporteur_repondre"),
    path("financements/demandes/<int:pk>/pieces/", piece_deposer, name="piece_deposer"),
    path("financements/demandes/<int:pk>/deposer/", demande_deposer, name="demande_deposer"),
    path("financements/demandes/<int:pk>/retirer/", demande_retirer, name="demande_retirer"),
    path("financements/demandes/<int:pk>/complements/", complements_fournis, name="complements_fournis"),
    path("financements/demandes/<int:pk>/messages/", message_envoyer, name="message_envoyer"),
]
