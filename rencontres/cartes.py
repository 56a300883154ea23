"""La carte des rencontres à venir : chaque commune coloriée selon le nombre de rencontres
publiées qui s'y tiennent, et menant à la liste filtrée sur elle (territoire.cartes). Deux
requêtes : les rencontres par commune et les contours."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rencontres.selectors import rencontres_a_venir_par_commune
from socle.carte import Carte
from socle.francais import nombre
from territoire.cartes import carte_des_comptes


def carte_des_rencontres(maintenant: datetime) -> Carte:
    return carte_des_comptes(
        identifiant="carte-rencontres",
        titre=_("Les rencontres à venir, par commune"),
        par_commune=rencontres_a_venir_par_commune(maintenant),
        liste=reverse("rencontres:liste"),
        texte=lambda n: ngettext("%(n)s rencontre à venir", "%(n)s rencontres à venir", n) % {"n": nombre(n)},
        libelle_valeur=_("Rencontres à venir"),
        nombre_classes=3,
        description=_(
            "Carte des %(n)s communes du territoire, coloriées selon le nombre de rencontres à venir "
            "qui s'y tiennent ; chaque commune qui en a mène à la liste de ses rencontres. Les limites "
            "des pôles de proximité en trait épais. Les chiffres sont dans le tableau qui suit la carte."
        ),
    )
