"""Les pages des membres : leur espace Conseil, leurs instances, les séances auxquelles ils
sont convoqués, leur réponse à la convocation et leurs procurations."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from conseil import selectors, services
from conseil.extensions import liens_des_points
from conseil.forms import ProcurationForm, ReponseForm
from conseil.models import (
    CategorieCollege,
    GroupeDeTravail,
    Instance,
    Mandat,
    Participation,
    ProcesVerbal,
    Procuration,
    Reponse,
    Reunion,
    RoleMandat,
    StatutReunion,
    TypeInstance,
    mandat_en_cours,
)
from conseil.permissions import est_gestionnaire, peut_voir_espace_conseil, voit_tout_le_conseil
from conseil.quorum import quorum_de
from conseil.workflows import REUNION
from socle.documents import TYPES_ACCEPTES
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail

# Les séances commencées depuis moins de douze heures restent « à venir » (comme dans
# selectors.prochaines_reunions) : la séance du jour ne bascule pas dans le passé à son début.
DEBUT_DU_PASSE = timedelta(hours=12)
SEANCES_PASSEES_SUR = timedelta(days=365)
SEANCES_PAR_PAGE = 20
STATUTS_AVEC_QUORUM = (StatutReunion.CONVOQUEE, StatutReunion.TENUE, StatutReunion.CLOSE)


def _ordre_des_instances(champ: str = "type_instance") -> Case:
    """Le Conseil d'abord, puis le Collège, puis les groupes de travail."""
    return Case(
        When(**{champ: TypeInstance.CONSEIL}, then=Value(0)),
        When(**{champ: TypeInstance.COLLEGE}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class LigneSeance:
    """Une séance dans une liste, avec ce qui concerne la personne qui la lit."""

    reunion: Reunion
    participation: Participation | None = None
    procuration: Procuration | None = None
    proces_verbal: ProcesVerbal | None = None


@dataclass(frozen=True)
class GroupeDeMembres:
    libelle: str
    mandats: list[Mandat]


# --- Espace Conseil -------------------------------------------------------------------


def _mes_mandats(utilisateur: Any) -> QuerySet[Mandat]:
    return (
        Mandat.objects.filter(personne=utilisateur, instance__active=True)
        .en_cours(timezone.localdate())
        .select_related("instance", "structure")
        .order_by(_ordre_des_instances("instance__type_instance"), "instance__nom")
    )


def _toutes_les_instances(utilisateur: Any) -> QuerySet[Instance]:
    aujourd_hui = timezone.localdate()
    en_cours = mandat_en_cours(aujourd_hui, "mandats__")
    return (
        selectors.instances_visibles_par(utilisateur)
        .filter(active=True)
        .annotate(nb_membres=Count("mandats", filter=en_cours))
        .order_by(_ordre_des_instances(), "nom")
    )


def _lignes(utilisateur: Any, reunions: list[Reunion], *, passees: bool = False) -> list[LigneSeance]:
    """Chaque séance avec la convocation de `utilisateur` et la procuration qu'il a donnée :
    deux requêtes pour toute la liste. Le procès-verbal des séances passées a été chargé
    avec elles (select_related)."""
    ids = [r.pk for r in reunions]
    participations = {
        p.reunion_id: p
        for p in Participation.objects.filter(personne=utilisateur, reunion__in=ids).order_by()
    }
    procurations = {
        p.reunion_id: p
        for p in Procuration.objects.filter(mandant=utilisateur, reunion__in=ids)
        .select_related("mandataire")
        .order_by()
    }
    return [
        LigneSeance(
            reunion=r,
            participation=participations.get(r.pk),
            procuration=procurations.get(r.pk),
            proces_verbal=getattr(r, "proces_verbal", None) if passees else None,
        )
        for r in reunions
    ]


@require_safe
def accueil(request: RequetePortail) -> HttpResponse:
    utilisateur = request.user
    if not peut_voir_espace_conseil(utilisateur):
        raise PermissionDenied
    maintenant = timezone.now()
    visibles = selectors.reunions_visibles_par(utilisateur)
    prochaines = list(selectors.prochaines_reunions(visibles))
    passees = list(
        visibles.filter(debut__lt=maintenant - DEBUT_DU_PASSE, debut__gte=maintenant - SEANCES_PASSEES_SUR)
        .select_related("instance", "proces_verbal")
        .order_by("-debut", "-id")
    )
    voit_tout = voit_tout_le_conseil(utilisateur)
    return render(
        request,
        "conseil/accueil.html",
        {
            "mandats": list(_mes_mandats(utilisateur)),
            "instances": list(_toutes_les_instances(utilisateur)) if voit_tout else [],
            "voit_tout": voit_tout,
            "gestionnaire": est_gestionnaire(utilisateur),
            "prochaines": _lignes(utilisateur, prochaines),
            "passees": _lignes(utilisateur, passees, passees=True),
        },
    )


# --- Instance -------------------------------------------------------------------------


def _membres_par_categorie(mandats: list[Mandat]) -> list[GroupeDeMembres]:
    """Les membres du Collège par catégorie, dans l'ordre des catégories ; ceux qui n'en
    ont pas (co-présidents, secrétariat) à la fin."""
    groupes = [
        GroupeDeMembres(str(libelle), [m for m in mandats if m.categorie == valeur])
        for valeur, libelle in CategorieCollege.choices
    ]
    sans_categorie = [m for m in mandats if not m.categorie]
    if sans_categorie:
        groupes.append(GroupeDeMembres(_("Autres membres"), sans_categorie))
    return [g for g in groupes if g.mandats]


@require_safe
def instance_detail(request: RequetePortail, pk: int) -> HttpResponse:
    instance = selectors.get_instance_pour(request.user, pk)
    # Par siège, le titulaire avant son suppléant ; les mandats sans siège à la fin.
    mandats = sorted(
        selectors.membres_de(instance, timezone.localdate()),
        key=lambda m: (m.siege is None, m.siege or 0, RoleMandat.values.index(m.role)),
    )
    if instance.type_instance == TypeInstance.COLLEGE:
        membres = _membres_par_categorie(mandats)
    else:
        membres = [GroupeDeMembres(_("Membres en cours de mandat"), mandats)] if mandats else []
    reunions = (
        selectors.reunions_visibles_par(request.user)
        .filter(instance=instance)
        .select_related("instance")
        .order_by("-debut", "-id")
    )
    return render(
        request,
        "conseil/instance_detail.html",
        {
            "instance": instance,
            "membres": membres,
            "nb_membres": len(mandats),
            "page": Paginator(reunions, SEANCES_PAR_PAGE).get_page(request.GET.get("page")),
            "groupe": GroupeDeTravail.objects.filter(instance=instance).first()
            if instance.est_groupe
            else None,
            "gestionnaire": est_gestionnaire(request.user),
        },
    )


# --- Séance ---------------------------------------------------------------------------


def _format_de(type_mime: str) -> str:
    extensions = TYPES_ACCEPTES.get(type_mime)
    return extensions[0].lstrip(".").upper() if extensions else type_mime


def _contexte_reunion(
    request: RequetePortail,
    reunion: Reunion,
    *,
    form_reponse: ReponseForm | None = None,
    form_procuration: ProcurationForm | None = None,
) -> dict[str, Any]:
    utilisateur = request.user
    gestionnaire = est_gestionnaire(utilisateur)
    points = selectors.points_avec_documents(reunion)
    liens = liens_des_points(utilisateur, points)
    for point in points:
        for document in point.documents:  # type: ignore[attr-defined]
            document.format = _format_de(document.type_mime)
        point.liens = liens.get(point.pk, [])  # type: ignore[attr-defined]
    participation = reunion.participations.select_related("mandat").filter(personne=utilisateur).first()
    procuration_donnee = None
    procurations_detenues: list[Procuration] = []
    mandataires: list[Any] = []
    ouverte = reunion.statut == StatutReunion.CONVOQUEE
    peut_donner_procuration = False
    if participation is not None:
        procuration_donnee = (
            reunion.procurations.select_related("mandataire").filter(mandant=utilisateur).first()
        )
        procurations_detenues = list(
            reunion.procurations.select_related("mandant")
            .filter(mandataire=utilisateur)
            .order_by("mandant__nom")
        )
        # Un suppléant ne donne pas procuration, ni un membre qui en représente déjà un autre :
        # le formulaire n'est proposé qu'à qui peut s'en servir (le service le vérifie aussi).
        peut_donner_procuration = (
            ouverte
            and participation.deliberatif
            and reunion.instance.procurations_autorisees
            and not procurations_detenues
        )
        if peut_donner_procuration:
            mandataires = services.mandataires_possibles(reunion, utilisateur)
        if form_reponse is None:
            form_reponse = ReponseForm(
                initial={"reponse": participation.reponse}
                if participation.reponse in (Reponse.PRESENT, Reponse.EXCUSE)
                else None
            )
        if form_procuration is None:
            form_procuration = ProcurationForm(mandataires=mandataires)
    return {
        "reunion": reunion,
        "points": points,
        "gestionnaire": gestionnaire,
        "proces_verbal": selectors.proces_verbal_de(reunion),
        "quorum": (quorum_de(reunion) if gestionnaire and reunion.statut in STATUTS_AVEC_QUORUM else None),
        "transitions": [
            t for t in REUNION.possibles(reunion, utilisateur) if t.vers != StatutReunion.CONVOQUEE
        ],
        "participation": participation,
        "ouverte_aux_reponses": ouverte,
        "procuration_donnee": procuration_donnee,
        "procurations_detenues": procurations_detenues,
        "peut_donner_procuration": peut_donner_procuration,
        "mandataires": mandataires,
        "form_reponse": form_reponse,
        "form_procuration": form_procuration,
        "erreurs": _erreurs_de(form_reponse, form_procuration),
    }


def _erreurs_de(*forms: Form | None) -> list[str]:
    """Toutes les erreurs des formulaires envoyés, pour le récapitulatif en tête de section."""
    return [message for form in forms if form is not None and form.is_bound for message in _messages(form)]


def _messages(form: Form) -> list[str]:
    return [str(message) for erreurs in form.errors.values() for message in erreurs]


def _page_reunion(request: RequetePortail, reunion: Reunion, **forms: Any) -> HttpResponse:
    return render(request, "conseil/reunion_detail.html", _contexte_reunion(request, reunion, **forms))


@require_safe
def reunion_detail(request: RequetePortail, pk: int) -> HttpResponse:
    return _page_reunion(request, selectors.get_reunion_pour(request.user, pk))


def _convocation_ouverte(request: RequetePortail, reunion: Reunion) -> bool:
    """Le membre répond lui-même tant que la séance est convoquée ; pendant la séance, c'est
    le secrétariat qui enregistre présences et procurations (les services l'acceptent de lui)."""
    if not reunion.participations.filter(personne=request.user).exists():
        messages.error(request, _("Vous n'êtes pas convoqué à cette séance."))
        return False
    if reunion.statut != StatutReunion.CONVOQUEE:
        messages.error(
            request,
            _("La séance est %(statut)s : les réponses à la convocation sont closes.")
            % {"statut": reunion.get_statut_display().lower()},
        )
        return False
    return True


@require_POST
def reponse(request: RequetePortail, pk: int) -> HttpResponse:
    reunion = selectors.get_reunion_pour(request.user, pk)
    if not _convocation_ouverte(request, reunion):
        return redirect(reunion)
    form = ReponseForm(request.POST)
    if form.is_valid():
        choix = form.cleaned_data["reponse"]
        ancienne = reunion.procurations.select_related("mandataire").filter(mandant=request.user).first()
        try:
            services.reponse_enregistrer(reunion=reunion, acteur=request.user, reponse=choix)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            if choix == Reponse.PRESENT:
                message = _("C'est noté : vous serez présent à la séance.")
            else:
                message = _("C'est noté : vous serez excusé.")
            if ancienne is not None:
                message += " " + _("Votre procuration à %(mandataire)s est retirée.") % {
                    "mandataire": ancienne.mandataire
                }
            messages.success(request, message)
            return redirect(reunion)
    return _page_reunion(request, reunion, form_reponse=form)


@require_POST
def procuration(request: RequetePortail, pk: int) -> HttpResponse:
    reunion = selectors.get_reunion_pour(request.user, pk)
    if not _convocation_ouverte(request, reunion):
        return redirect(reunion)
    form = ProcurationForm(request.POST, mandataires=services.mandataires_possibles(reunion, request.user))
    if form.is_valid():
        mandataire = form.cleaned_data["mandataire"]
        try:
            services.procuration_donner(
                reunion=reunion, mandant=request.user, mandataire=mandataire, acteur=request.user
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request,
                _("Vous avez donné procuration à %(mandataire)s pour cette séance.")
                % {"mandataire": mandataire},
            )
            return redirect(reunion)
    return _page_reunion(request, reunion, form_procuration=form)


@require_POST
def procuration_retirer(request: RequetePortail, pk: int) -> HttpResponse:
    reunion = selectors.get_reunion_pour(request.user, pk)
    if not _convocation_ouverte(request, reunion):
        return redirect(reunion)
    try:
        services.procuration_retirer(reunion=reunion, mandant=request.user, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request, _("Votre procuration est retirée. Dites si vous serez présent ou excusé à la séance.")
        )
    return redirect(reunion)
