"""Les pages de l'agglomération : liste, exports, instruction, décision, convention, versements.

Tout est réservé à l'agglomération : 404 pour les autres (on ne dit pas que la page existe).
Une demande est lue par `get_demande_pour`, puis chaque action appelle un service de
`financements.services`. Un refus (saisie, état, page périmée) revient sur la page de la
demande avec la saisie intacte et rien d'écrit.

La version de la page : chaque formulaire porte celle de la demande telle qu'affichée, écrite
par le gabarit (et non par le formulaire) ; une page réaffichée après un refus porte donc celle
de la demande relue, que l'agent a maintenant sous les yeux."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from financements import exports, services
from financements.filtres import FiltresDemandes
from financements.forms_instruction import (
    AvisForm,
    ClassementForm,
    ComplementsForm,
    ConventionSigneeForm,
    DecisionForm,
    EngagementForm,
    InstructeurForm,
    NoteForm,
    TranchesFormSet,
    VersementForm,
)
from financements.models import (
    DemandeFinancement,
    Financeur,
    LigneFinancement,
    StatutDemande,
    Tranche,
)
from financements.permissions import est_instructeur, voit_toutes_les_demandes
from financements.selectors import avec_montants, demandes_visibles_par, get_demande_pour
from financements.views.page import auto_id, contexte_de_la_demande
from socle.exports import export, reponse_csv, reponse_xlsx
from socle.formulaires import erreurs_du_service
from socle.services import evenement_enregistrer
from socle.types import RequetePortail
from socle.verbes import Verbe

# Les actions que ce module écrit au journal d'audit.
DEMANDES_EXPORTEES = Verbe(
    "financements.demandes.exportees", gettext_lazy("Demandes de financement exportées")
)

PAR_PAGE = 50

# --- La liste et les exports -------------------------------------------------------------


def _demandes_deposees(request: RequetePortail) -> QuerySet[DemandeFinancement]:
    """Les demandes déposées que l'agglomération voit (jamais un brouillon, même le sien)."""
    if not voit_toutes_les_demandes(request.user):
        raise Http404
    return demandes_visibles_par(request.user).exclude(statut=StatutDemande.BROUILLON)


def _filtres(request: RequetePortail) -> FiltresDemandes:
    return FiltresDemandes(request.GET, queryset=_demandes_deposees(request), request=request)


@require_safe
def demande_liste(request: RequetePortail) -> HttpResponse:
    filtres = _filtres(request)
    demandes = (
        avec_montants(filtres.qs)
        .select_related("porteur", "instructeur", "commune__pole")
        .defer("commune__contour")
        .order_by("-deposee_le", "-pk")
    )
    page = Paginator(demandes, PAR_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return render(
        request,
        "financements/demande_liste.html",
        {
            "filtres": filtres,
            "page": page,
            "recherche_faite": any(request.GET.get(champ) for champ in filtres.form.fields),
        },
    )


def _export(request: RequetePortail, format_: str) -> QuerySet[DemandeFinancement]:
    filtres = _filtres(request)
    demandes = exports.demandes_a_exporter(filtres.qs)
    evenement_enregistrer(
        verbe=DEMANDES_EXPORTEES,
        acteur=request.user,
        donnees={
            "format": format_,
            "filtres": {champ: request.GET.get(champ, "") for champ in filtres.form.fields},
        },
    )
    return demandes


def _nom_de_fichier(extension: str) -> str:
    return f"demandes-financement-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_safe
@export
def demande_export_csv(request: RequetePortail) -> HttpResponse:
    demandes = _export(request, "csv")
    return reponse_csv(request, _nom_de_fichier("csv"), exports.colonnes(), exports.lignes(demandes))


@require_safe
@export
def demande_export_xlsx(request: RequetePortail) -> HttpResponse:
    demandes = _export(request, "xlsx")
    return reponse_xlsx(
        request, _nom_de_fichier("xlsx"), exports.colonnes(), exports.lignes(demandes), feuille=_("Demandes")
    )


# --- Les actions --------------------------------------------------------------------------


def _demande_instruite(request: RequetePortail, pk: int) -> DemandeFinancement:
    demande = get_demande_pour(request.user, pk)
    if not est_instructeur(request.user):
        raise Http404
    return demande


def _version(request: RequetePortail) -> int:
    """La version de la demande telle que la page l'affichait ; sans elle, la page est
    réputée périmée (0 : aucune demande n'a cette version)."""
    texte = request.POST.get("version", "")
    return int(texte) if texte.isdigit() else 0


def _page(request: RequetePortail, demande: DemandeFinancement, **formulaires: Any) -> HttpResponse:
    """La page de la demande, relue (elle a pu changer), avec la saisie refusée."""
    demande = get_demande_pour(request.user, demande.pk)
    contexte = contexte_de_la_demande(request, demande, **formulaires)
    return render(request, "financements/demande_detail.html", contexte)


def _erreurs(form: forms.Form | Any) -> str:
    textes = [str(e) for erreurs in form.errors.values() for e in erreurs]
    return " ".join(textes)


def _suite(demande: DemandeFinancement) -> HttpResponse:
    return redirect(demande.get_absolute_url() + "#instruction")


def _agir(
    request: RequetePortail,
    demande: DemandeFinancement,
    form: forms.Form,
    *,
    cle: Any,
    action: Callable[[dict[str, Any]], object],
    succes: str,
) -> HttpResponse:
    """Valide `form`, appelle le service ; en cas de refus, la page revient avec la saisie.
    `cle` : le nom du formulaire dans la page (financements/views/page.py, ou (nom, pk) pour un formulaire
    répété)."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, succes)
            return _suite(demande)
    messages.error(request, _("Rien n'a été enregistré : %(e)s") % {"e": _erreurs(form)})
    if isinstance(cle, tuple):
        nom, pk = cle
        return _page(request, demande, **{nom: (pk, form)})
    return _page(request, demande, **{cle: form})


@require_POST
def instructeur_designer(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_instruite(request, pk)
    version = _version(request)
    return _agir(
        request,
        demande,
        InstructeurForm(request.POST),
        cle="instructeur",
        action=lambda d: services.instructeur_designer(
            demande=demande, acteur=request.user, instructeur=d["instructeur"], version=version
        ),
        succes=_("L'instructeur est désigné."),
    )


@require_POST
def complements_demander(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_instruite(request, pk)
    version = _version(request)
    return _agir(
        request,
        demande,
        ComplementsForm(request.POST),
        cle="complements",
        action=lambda d: services.demande_transition(
            demande=demande,
            vers=StatutDemande.COMPLEMENTS,
            acteur=request.user,
            version=version,
            motif=d["motif"],
        ),
        succes=_("Les compléments sont demandés : le porteur est prévenu."),
    )


@require_POST
def instruction_reprendre(request: RequetePortail, pk: int) -> HttpResponse:
    """Les compléments sont arrivés par un autre canal : l'instruction reprend."""
    demande = _demande_instruite(request, pk)
    version = _version(request)
    return _agir(
        request,
        demande,
        forms.Form(request.POST),
        cle="reprise",
        action=lambda d: services.demande_transition(
            demande=demande, vers=StatutDemande.EN_INSTRUCTION, acteur=request.user, version=version
        ),
        succes=_("L'instruction reprend."),
    )


@require_POST
def avis_demander(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_instruite(request, pk)
    version = _version(request)
    return _agir(
        request,
        demande,
        AvisForm(request.POST),
        cle="avis",
        action=lambda d: services.avis_demander(
            demande=demande,
            acteur=request.user,
            version=version,
            cloture=d["cloture"],
            question=d["question"],
        ),
        succes=_("La demande est soumise à l'avis du Collège : le vote du Collège est ouvert."),
    )


@require_POST
def demande_decider(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_instruite(request, pk)
    version = _version(request)

    def decider(d: dict[str, Any]) -> object:
        if d["decision"] == StatutDemande.ACCORDEE:
            return services.demande_decider(
                demande=demande,
                acteur=request.user,
                version=version,
                decision=StatutDemande.ACCORDEE,
                montant_accorde=d["montant_accorde"],
                conditions=d["conditions"],
            )
        return services.demande_decider(
            demande=demande,
            acteur=request.user,
            version=version,
            decision=StatutDemande.REFUSEE,
            motifs_refus=d["motifs_refus"],
            voies_recours=d["voies_recours"],
        )

    return _agir(
        request,
        demande,
        DecisionForm(request.POST),
        cle="decision",
        action=decider,
        succes=_("La décision est enregistrée : le courrier est en préparation et le porteur est prévenu."),
    )


@require_POST
def demande_classer(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_instruite(request, pk)
    version = _version(request)
    return _agir(
        request,
        demande,
        ClassementForm(request.POST),
        cle="classement",
        action=lambda d: services.demande_decider(
            demande=demande,
            acteur=request.user,
            version=version,
            decision=StatutDemande.CLASSEE,
            motif=d["motif"],
        ),
        succes=_("La demande est classée sans suite : le porteur est prévenu."),
    )


@require_POST
def convention_generer(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_instruite(request, pk)
    version = _version(request)
    return _agir(
        request,
        demande,
        forms.Form(request.POST),
        cle="convention",
        action=lambda d: services.convention_generer(demande=demande, acteur=request.user, version=version),
        succes=_("La convention est prête : téléchargez-la pour la faire signer."),
    )


@require_POST
def convention_signee(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_instruite(request, pk)
    version = _version(request)
    return _agir(
        request,
        demande,
        ConventionSigneeForm(request.POST, request.FILES),
        cle="convention_signee",
        action=lambda d: services.convention_signee_deposer(
            demande=demande,
            acteur=request.user,
            fichier=d["fichier"],
            signee_le=d["signee_le"],
            version=version,
        ),
        succes=_("La convention signée est enregistrée : la demande est conventionnée."),
    )


@require_POST
def tranches_enregistrer(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_instruite(request, pk)
    version = _version(request)
    formset = TranchesFormSet(request.POST, prefix="tranches")
    echeancier = forms.Form(request.POST)
    echeancier.is_valid()
    if formset.is_valid():
        lignes = [ligne for form in formset.forms if (ligne := form.ligne()) is not None]
        if not lignes:
            echeancier.add_error(None, _("Indiquez au moins une tranche."))
        else:
            try:
                services.tranches_enregistrer(
                    demande=demande, acteur=request.user, lignes=lignes, version=version
                )
            except ValidationError as erreur:
                erreurs_du_service(echeancier, erreur)
            else:
                messages.success(request, _("L'échéancier des versements est enregistré."))
                return _suite(demande)
    else:
        echeancier.add_error(None, _("Vérifiez les tranches saisies."))
    messages.error(request, _("Rien n'a été enregistré : %(e)s") % {"e": _erreurs(echeancier)})
    return _page(request, demande, tranches=formset, echeancier=echeancier)


@require_POST
def tranche_verser(request: RequetePortail, pk: int, tranche_pk: int) -> HttpResponse:
    demande = _demande_instruite(request, pk)
    tranche = Tranche.objects.filter(pk=tranche_pk, demande=demande).first()
    if tranche is None:
        raise Http404
    version = _version(request)
    return _agir(
        request,
        demande,
        VersementForm(request.POST, auto_id=auto_id("tranche", tranche.pk)),
        cle=("versement", tranche.pk),
        action=lambda d: services.tranche_verser(
            tranche=tranche,
            acteur=request.user,
            versee_le=d["versee_le"],
            reference_mandat=d["reference_mandat"],
            version=version,
        ),
        succes=_("Le versement de la tranche « %(t)s » est enregistré.") % {"t": tranche.libelle},
    )


@require_POST
def engagement_enregistrer(request: RequetePortail, pk: int, ligne_pk: int) -> HttpResponse:
    demande = _demande_instruite(request, pk)
    ligne = (
        LigneFinancement.objects.filter(pk=ligne_pk, demande=demande)
        .exclude(financeur=Financeur.AGGLOMERATION)
        .first()
    )
    if ligne is None:
        raise Http404
    version = _version(request)
    return _agir(
        request,
        demande,
        EngagementForm(request.POST, auto_id=auto_id("financeur", ligne.pk)),
        cle=("engagement", ligne.pk),
        action=lambda d: services.engagement_enregistrer(
            ligne=ligne,
            acteur=request.user,
            statut_engagement=d["statut_engagement"],
            montant_decide=d["montant_decide"],
            decide_le=d["decide_le"],
            commentaire=d["commentaire"],
            version=version,
        ),
        succes=_("L'engagement de « %(f)s » est enregistré.") % {"f": ligne.get_financeur_display()},
    )


@require_POST
def note_ecrire(request: RequetePortail, pk: int) -> HttpResponse:
    demande = _demande_instruite(request, pk)
    return _agir(
        request,
        demande,
        NoteForm(request.POST),
        cle="note",
        action=lambda d: services.note_ecrire(demande=demande, acteur=request.user, texte=d["texte"]),
        succes=_("La note est enregistrée."),
    )


def _chemin(suffixe: str) -> str:
    return f"financements/demandes/<int:pk>/{suffixe}"


urlpatterns: list[URLPattern] = [
    path("financements/demandes/", demande_liste, name="demande_liste"),
    path("financements/demandes/export.csv", demande_export_csv, name="demande_export_csv"),
    path("financements/demandes/export.xlsx", demande_export_xlsx, name="demande_export_xlsx"),
    path(_chemin("instructeur/"), instructeur_designer, name="instructeur_designer"),
    path(_chemin("complements/demander/"), complements_demander, name="complements_demander"),
    path(_chemin("instruction/reprendre/"), instruction_reprendre, name="instruction_reprendre"),
    path(_chemin("avis/"), avis_demander, name="avis_demander"),
    path(_chemin("decision/"), demande_decider, name="demande_decider"),
    path(_chemin("classer/"), demande_classer, name="demande_classer"),
    path(_chemin("convention/"), convention_generer, name="convention_generer"),
    path(_chemin("convention/signee/"), convention_signee, name="convention_signee"),
    path(_chemin("tranches/"), tranches_enregistrer, name="tranches_enregistrer"),
    path(_chemin("tranches/<int:tranche_pk>/verser/"), tranche_verser, name="tranche_verser"),
    path(_chemin("financeurs/<int:ligne_pk>/"), engagement_enregistrer, name="engagement_enregistrer"),
    path(_chemin("notes/"), note_ecrire, name="note_ecrire"),
]
