"""L'annuaire des acteurs de santé du territoire."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from socle.types import RequetePortail
from territoire import ATTRIBUTION_CONTOURS, ATTRIBUTION_POLES
from territoire.cartes import CarteDuPole, carte_du_pole
from territoire.filtres import FiltresProfessionnels, FiltresStructures
from territoire.permissions import peut_voir_coordonnees
from territoire.selectors import (
    communes_du_pole,
    etablissements_de_la_meme_entite,
    get_professionnel_pour,
    get_structure_pour,
    membres_actuels_et_anciens,
    page_de,
    professionnels_exercant_a,
    professionnels_pour_liste,
    professionnels_visibles_par,
    structures_pour_carte,
    structures_pour_liste,
    structures_visibles_par,
)

ONGLET_STRUCTURES = "structures"
# Les fiches et l'annuaire nomment les pôles (choix du filtre, pôle de chaque lieu) : leur
# licence (ODbL) demande la mention.
SOURCES_DES_FICHES = (ATTRIBUTION_POLES,)


@require_safe
def annuaire(request: RequetePortail) -> HttpResponse:
    if request.GET.get("onglet") == ONGLET_STRUCTURES:
        filtres: FiltresProfessionnels | FiltresStructures = FiltresStructures(
            request.GET, queryset=structures_pour_liste(structures_visibles_par(request.user))
        )
        onglet = ONGLET_STRUCTURES
    else:
        filtres = FiltresProfessionnels(
            request.GET,
            queryset=professionnels_pour_liste(professionnels_visibles_par(request.user)),
            request=request,
        )
        onglet = "professionnels"
    page = page_de(filtres.qs, request.GET.get("page"))
    carte = _carte_du_pole(request, filtres) if isinstance(filtres, FiltresStructures) else None
    return render(
        request,
        "territoire/annuaire.html",
        {
            "filtres": filtres,
            "onglet": onglet,
            "page": page,
            "recherche_faite": any(request.GET.get(champ) for champ in filtres.form.fields),
            "contient_demo": any(objet.demo for objet in page.object_list),
            "carte_du_pole": carte,
            "sources": (ATTRIBUTION_CONTOURS, *SOURCES_DES_FICHES) if carte else SOURCES_DES_FICHES,
        },
    )


def _carte_du_pole(request: RequetePortail, filtres: FiltresStructures) -> CarteDuPole | None:
    """La carte du pôle choisi, avec toutes les structures trouvées ; rien sans pôle choisi."""
    pole = filtres.form.cleaned_data.get("pole") if filtres.is_valid() else None
    if pole is None:
        return None
    communes = communes_du_pole(pole)
    parametres = request.GET.copy()
    parametres.pop("page", None)
    liens = {}
    for commune in communes:
        parametres["commune"] = str(commune["pk"])
        liens[commune["pk"]] = f"?{parametres.urlencode()}"
    return carte_du_pole(
        pole=pole, communes=communes, structures=structures_pour_carte(filtres.qs), lien_commune=liens
    )


@require_safe
def professionnel_detail(request: RequetePortail, pk: int) -> HttpResponse:
    professionnel = get_professionnel_pour(request.user, pk)
    return render(
        request,
        "territoire/professionnel_detail.html",
        {
            "professionnel": professionnel,
            "voit_coordonnees": peut_voir_coordonnees(request.user),
            "sources": SOURCES_DES_FICHES,
        },
    )


@require_safe
def structure_detail(request: RequetePortail, pk: int) -> HttpResponse:
    structure = get_structure_pour(request.user, pk)
    membres_actuels, anciens_membres = membres_actuels_et_anciens(structure, timezone.localdate())
    return render(
        request,
        "territoire/structure_detail.html",
        {
            "structure": structure,
            "membres_actuels": membres_actuels,
            "anciens_membres": anciens_membres,
            "etablissements_lies": etablissements_de_la_meme_entite(structure),
            "page": page_de(professionnels_exercant_a(structure), request.GET.get("page")),
            "voit_coordonnees": peut_voir_coordonnees(request.user),
            "sources": SOURCES_DES_FICHES,
        },
    )
