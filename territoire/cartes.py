"""La carte d'un pôle dans l'annuaire : ses communes, coloriées selon le nombre de structures
trouvées dans chacune, et ces structures en repères, chacune menant à sa fiche. Et la carte de
tout le territoire où chaque commune compte quelque chose (les offres en ligne, les rencontres
à venir) et mène à la liste filtrée sur elle (`carte_des_comptes`).

Une structure sans coordonnées (le registre FINESS n'en donne pas toujours) est placée au
centre de sa commune (`territoire.geometrie.centre`, un point intérieur) et son titre le dit ;
une structure sans coordonnées ni commune dessinée n'est pas placée, et la page dit combien.
"""

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socle.carte import Carte, Repere, ValeurCommune, carte
from socle.francais import nombre
from territoire import geometrie
from territoire.models import PoleDeProximite, TypeStructure
from territoire.selectors import communes_pour_la_carte


@dataclass(frozen=True)
class CarteDuPole:
    pole: str
    carte: Carte
    sans_position: tuple[str, ...]  # les structures qu'elle ne place pas, par nom
    au_centre: int  # celles placées au centre de leur commune


def _nombre_de_structures(n: int) -> str:
    return ngettext("%(n)s structure", "%(n)s structures", n) % {"n": n}


def carte_du_pole(
    *,
    pole: PoleDeProximite,
    communes: Sequence[Mapping[str, Any]],
    structures: Sequence[Mapping[str, Any]],
    lien_commune: Mapping[int, str],
) -> CarteDuPole:
    """`communes` et `structures` : ce que lisent `selectors.communes_du_pole` et
    `selectors.structures_pour_carte` ; `lien_commune` : pk de commune → l'annuaire filtré."""
    contours = {c["pk"]: c["contour"] for c in communes}
    par_commune = Counter(s["commune_id"] for s in structures)
    types = dict(TypeStructure.choices)
    reperes, sans_position, au_centre = [], [], 0
    for structure in structures:
        latitude, longitude = structure["latitude"], structure["longitude"]
        libelle = structure["nom"]
        if latitude is None or longitude is None:
            centre = geometrie.centre(contours.get(structure["commune_id"]))
            if centre is None:
                sans_position.append(libelle)
                continue
            latitude, longitude = centre
            libelle = _("%(nom)s, placée au centre de sa commune (pas de coordonnées)") % {"nom": libelle}
            au_centre += 1
        reperes.append(
            Repere(
                latitude=latitude,
                longitude=longitude,
                libelle=libelle,
                lien=reverse("territoire:structure_detail", kwargs={"pk": structure["pk"]}),
                genre=str(types.get(structure["type"], structure["type"])),
            )
        )
    la_carte = carte(
        identifiant="carte-pole",
        titre=_("Les structures trouvées dans le pôle %(pole)s") % {"pole": pole.nom},
        contours={c["code_insee"]: c["contour"] for c in communes},
        valeurs={
            c["code_insee"]: ValeurCommune(
                nom=c["nom"],
                valeur=par_commune[c["pk"]],
                texte=_nombre_de_structures(par_commune[c["pk"]]),
                lien=lien_commune.get(c["pk"]),
            )
            for c in communes
        },
        libelle_valeur=_("Structures trouvées"),
        reperes=reperes,
        decimales=0,
        zero_a_part=True,
        description=_(
            "Carte des %(n)s communes du pôle %(pole)s, coloriées selon le nombre de structures "
            "trouvées dans chacune ; chaque structure est un repère qui mène à sa fiche. La liste "
            "des structures et le tableau des communes suivent la carte."
        )
        % {"n": len(communes), "pole": pole.nom},
    )
    return CarteDuPole(pole=pole.nom, carte=la_carte, sans_position=tuple(sans_position), au_centre=au_centre)


def carte_des_comptes(
    *,
    identifiant: str,
    titre: str,
    par_commune: Mapping[int, int],
    liste: str,
    texte: Callable[[int], str],
    libelle_valeur: str,
    nombre_classes: int,
    description: str,
) -> Carte:
    """Les 129 communes, chacune coloriée selon son nombre (`par_commune` : commune → nombre) ;
    celles qui en ont mènent à `liste?commune=<pk>`. `description` cite `%(n)s`, le nombre de
    communes. Une requête : les contours."""
    communes = communes_pour_la_carte()
    return carte(
        identifiant=identifiant,
        titre=titre,
        contours={c["code_insee"]: c["contour"] for c in communes},
        valeurs={
            c["code_insee"]: ValeurCommune(
                nom=c["nom"],
                valeur=(n := par_commune.get(c["pk"], 0)),
                texte=texte(n),
                lien=f"{liste}?{urlencode({'commune': c['pk']})}" if n else None,
                pole=c["pole__nom"] or "",
            )
            for c in communes
        },
        libelle_valeur=libelle_valeur,
        nombre_classes=nombre_classes,
        decimales=0,
        zero_a_part=True,
        description=description % {"n": nombre(len(communes))},
    )
