"""Les groupes de travail, leurs livrables, et les programmes de travail annuels du Conseil.

Les deux petits formulaires de ces pages vivent ici plutôt que dans `conseil/forms.py` : ils
ne servent qu'à ces vues et n'ont qu'un champ chacun.
"""

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from conseil.models import GroupeDeTravail, Livrable, ProgrammeDeTravail, Reunion, StatutProgramme
from conseil.permissions import est_gestionnaire, peut_modifier_livrable, peut_voir_espace_conseil
from conseil.selectors import (
    etat_des_livrables,
    get_groupe_pour,
    get_livrable_pour,
    get_programme_pour,
    groupes_pour_liste,
    membres_de,
    prochaine_reunion_par_instance,
    programmes_visibles_par,
    progression_des_objectifs,
    reunions_visibles_par,
    seances_pouvant_adopter_programme,
)
from conseil.services import livrable_mettre_a_jour
from conseil.services import programme_adopter as programme_adopter_service
from socle.francais import date_longue
from socle.types import RequetePortail


class AvancementForm(forms.Form):
    avancement = forms.IntegerField(
        label=gettext_lazy("Avancement (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": gettext_lazy("Indiquez l'avancement, en pourcentage de 0 à 100."),
            "invalid": gettext_lazy("L'avancement est un pourcentage, de 0 à 100."),
            "min_value": gettext_lazy("L'avancement est un pourcentage, de 0 à 100."),
            "max_value": gettext_lazy("L'avancement est un pourcentage, de 0 à 100."),
        },
    )


class ChampSeance(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(titre)s — %(date)s (%(statut)s)") % {
            "titre": obj.titre,
            "date": date_longue(obj.debut),
            "statut": obj.get_statut_display().lower(),
        }


class AdoptionProgrammeForm(forms.Form):
    seance = ChampSeance(
        label=gettext_lazy("Séance plénière qui adopte le programme"),
        queryset=Reunion.objects.none(),
        empty_label=gettext_lazy("Choisissez la séance"),
        error_messages={
            "required": gettext_lazy("Indiquez la séance plénière qui adopte le programme."),
            "invalid_choice": gettext_lazy(
                "Le programme de travail est adopté par le Conseil de santé en séance plénière, "
                "convoquée, tenue ou close : choisissez l'une de ces séances."
            ),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(ChampSeance, self.fields["seance"]).queryset = seances_pouvant_adopter_programme()


def _exiger_espace_conseil(request: RequetePortail) -> None:
    if not peut_voir_espace_conseil(request.user):
        raise PermissionDenied


# --- Groupes de travail --------------------------------------------------------------------


@dataclass(frozen=True)
class LigneGroupe:
    groupe: GroupeDeTravail
    prochaine_reunion: Reunion | None
    avancement: int
    en_retard: int
    livrables: int


@require_safe
def groupe_liste(request: RequetePortail) -> HttpResponse:
    _exiger_espace_conseil(request)
    aujourd_hui = timezone.localdate()
    groupes = list(groupes_pour_liste(request.user, aujourd_hui))
    prochaines = prochaine_reunion_par_instance(request.user, [g.instance_id for g in groupes])
    lignes = []
    for groupe in groupes:
        etat = etat_des_livrables(groupe.livrables.all(), aujourd_hui)
        lignes.append(
            LigneGroupe(
                groupe=groupe,
                prochaine_reunion=prochaines.get(groupe.instance_id),
                avancement=etat.avancement_moyen,
                en_retard=etat.en_retard,
                livrables=etat.total,
            )
        )
    return render(request, "conseil/groupe_liste.html", {"lignes": lignes})


@dataclass(frozen=True)
class LigneLivrable:
    livrable: Livrable
    en_retard: bool
    valeur: Any = None
    erreur: str = ""


def _groupe_detail(
    request: RequetePortail,
    groupe: GroupeDeTravail,
    *,
    livrable_en_erreur: int | None = None,
    valeur: Any = None,
    erreur: str = "",
) -> HttpResponse:
    aujourd_hui = timezone.localdate()
    maintenant = timezone.now()
    livrables = list(groupe.livrables.select_related("objectif__programme").order_by("echeance", "id"))
    reunions = list(
        reunions_visibles_par(request.user).filter(instance=groupe.instance_id).order_by("debut", "id")
    )
    lignes = [
        LigneLivrable(
            livrable=livrable,
            en_retard=livrable.en_retard_le(aujourd_hui),
            valeur=valeur if livrable.pk == livrable_en_erreur else livrable.avancement,
            erreur=erreur if livrable.pk == livrable_en_erreur else "",
        )
        for livrable in livrables
    ]
    return render(
        request,
        "conseil/groupe_detail.html",
        {
            "groupe": groupe,
            "membres": list(membres_de(groupe.instance, aujourd_hui)),
            "reunions_a_venir": [r for r in reunions if r.debut >= maintenant],
            "reunions_passees": [r for r in reversed(reunions) if r.debut < maintenant],
            "lignes": lignes,
            "etat": etat_des_livrables(livrables, aujourd_hui),
            "peut_modifier": peut_modifier_livrable(request.user, groupe),
        },
    )


@require_safe
def groupe_detail(request: RequetePortail, pk: int) -> HttpResponse:
    _exiger_espace_conseil(request)
    return _groupe_detail(request, get_groupe_pour(request.user, pk))


@require_POST
def livrable_avancement(request: RequetePortail, pk: int) -> HttpResponse:
    _exiger_espace_conseil(request)
    livrable = get_livrable_pour(request.user, pk)
    groupe = livrable.groupe
    if not peut_modifier_livrable(request.user, groupe):
        raise PermissionDenied
    form = AvancementForm(request.POST)
    if form.is_valid():
        try:
            livrable_mettre_a_jour(
                livrable=livrable, acteur=request.user, avancement=form.cleaned_data["avancement"]
            )
        except ValidationError as exc:
            message = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("L'avancement de « %(titre)s » est enregistré : %(avancement)s %%.")
                % {"titre": livrable.titre, "avancement": livrable.avancement},
            )
            return redirect(f"{groupe.get_absolute_url()}#livrable-{livrable.pk}")
    else:
        message = " ".join(str(erreur) for erreur in form.errors["avancement"])
    return _groupe_detail(
        request,
        get_groupe_pour(request.user, groupe.pk),
        livrable_en_erreur=livrable.pk,
        valeur=request.POST.get("avancement", ""),
        erreur=message,
    )


# --- Programmes de travail -----------------------------------------------------------------


@login_not_required
@require_safe
def programme_liste(request: HttpRequest) -> HttpResponse:
    programmes = programmes_visibles_par(request.user).annotate(nombre_objectifs=Count("objectifs"))
    return render(request, "conseil/programme_liste.html", {"programmes": list(programmes)})


def _programme_detail(
    request: HttpRequest, programme: ProgrammeDeTravail, form: AdoptionProgrammeForm | None = None
) -> HttpResponse:
    progressions = progression_des_objectifs(programme)
    adoptable = programme.statut == StatutProgramme.BROUILLON and est_gestionnaire(request.user)
    if adoptable and form is None:
        form = AdoptionProgrammeForm()
    return render(
        request,
        "conseil/programme_detail.html",
        {
            "programme": programme,
            "progressions": progressions,
            "form": form if adoptable else None,
            "voit_groupes": peut_voir_espace_conseil(request.user),
        },
    )


@login_not_required
@require_safe
def programme_detail(request: HttpRequest, annee: int) -> HttpResponse:
    return _programme_detail(request, get_programme_pour(request.user, annee))


@require_POST
def programme_adopter(request: RequetePortail, annee: int) -> HttpResponse:
    if not est_gestionnaire(request.user):
        raise PermissionDenied
    programme = get_programme_pour(request.user, annee)
    form = AdoptionProgrammeForm(request.POST)
    if form.is_valid():
        try:
            programme_adopter_service(
                programme=programme, adopte_en=form.cleaned_data["seance"], acteur=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("L'adoption du programme de travail %(annee)s est enregistrée.")
                % {"annee": programme.annee},
            )
            return redirect(programme.get_absolute_url())
    programme.refresh_from_db()
    return _programme_detail(request, programme, form)
