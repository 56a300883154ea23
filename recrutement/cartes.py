"""La carte de la liste publique des offres : chaque commune coloriée selon le nombre d'offres
en ligne qui y font exercer, et menant à la liste filtrée sur elle (territoire.cartes). Deux
requêtes : les offres par commune et les contours."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recrutement.selectors import offres_en_ligne_par_commune
from socle.carte import Carte
from socle.francais import nombre
from territoire.cartes import carte_des_comptes


def carte_des_offres(jour: date) -> Carte:
    return carte_des_comptes(
        identifiant="carte-offres",
        titre=_("Les offres d'emploi en ligne, par commune où exercer"),
        par_commune=offres_en_ligne_par_commune(jour),
        liste=reverse("recrutement:offre_liste"),
        texte=lambda n: ngettext("%(n)s offre en ligne", "%(n)s offres en ligne", n) % {"n": nombre(n)},
        libelle_valeur=_("Offres en ligne"),
        nombre_classes=4,
        description=_(
            "Carte des %(n)s communes du territoire, coloriées selon le nombre d'offres d'emploi en "
            "ligne qui y font exercer ; chaque commune qui en a mène à la liste de ses offres. Les "
            "limites des pôles de proximité en trait épais. Les chiffres sont dans le tableau qui "
            "suit la carte."
        ),
    )
