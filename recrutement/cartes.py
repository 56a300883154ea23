"""La carte de la liste publique des offres : chaque commune coloriée selon le nombre d'offres
en ligne qui y font exercer, et menant à la liste filtrée sur elle (socle/carte.py). Deux
requêtes : les offres par commune et les contours."""

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recrutement.selectors import offres_en_ligne_par_commune
from socle.carte import Carte, ValeurCommune, carte
from socle.francais import nombre
from territoire.selectors import communes_pour_la_carte


def carte_des_offres(jour: date) -> Carte:
    par_commune = offres_en_ligne_par_commune(jour)
    communes = communes_pour_la_carte()
    liste = reverse("recrutement:offre_liste")
    return carte(
        identifiant="carte-offres",
        titre=_("Les offres d'emploi en ligne, par commune où exercer"),
        contours={c["code_insee"]: c["contour"] for c in communes},
        valeurs={
            c["code_insee"]: ValeurCommune(
                nom=c["nom"],
                valeur=(n := par_commune.get(c["pk"], 0)),
                texte=ngettext("%(n)s offre en ligne", "%(n)s offres en ligne", n) % {"n": nombre(n)},
                lien=f"{liste}?{urlencode({'commune': c['pk']})}" if n else None,
                pole=c["pole__nom"] or "",
            )
            for c in communes
        },
        libelle_valeur=_("Offres en ligne"),
        nombre_classes=4,
        decimales=0,
        zero_a_part=True,
        description=_(
            "Carte des %(n)s communes du territoire, coloriées selon le nombre d'offres d'emploi en "
            "ligne qui y font exercer ; chaque commune qui en a mène à la liste de ses offres. Les "
            "limites des pôles de proximité en trait épais. Les chiffres sont dans le tableau qui "
            "suit la carte."
        )
        % {"n": nombre(len(communes))},
    )
