"""La carte des rencontres à venir : chaque commune coloriée selon le nombre de rencontres
publiées qui s'y tiennent, et menant à la liste filtrée sur elle (socle/carte.py). Deux
requêtes : les rencontres par commune et les contours."""

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rencontres.selectors import rencontres_a_venir_par_commune
from socle.carte import Carte, ValeurCommune, carte
from socle.francais import nombre
from territoire.selectors import communes_pour_la_carte


def carte_des_rencontres(maintenant: datetime) -> Carte:
    par_commune = rencontres_a_venir_par_commune(maintenant)
    communes = communes_pour_la_carte()
    liste = reverse("rencontres:liste")
    return carte(
        identifiant="carte-rencontres",
        titre=_("Les rencontres à venir, par commune"),
        contours={c["code_insee"]: c["contour"] for c in communes},
        valeurs={
            c["code_insee"]: ValeurCommune(
                nom=c["nom"],
                valeur=(n := par_commune.get(c["pk"], 0)),
                texte=ngettext("%(n)s rencontre à venir", "%(n)s rencontres à venir", n) % {"n": nombre(n)},
                lien=f"{liste}?{urlencode({'commune': c['pk']})}" if n else None,
                pole=c["pole__nom"] or "",
            )
            for c in communes
        },
        libelle_valeur=_("Rencontres à venir"),
        nombre_classes=3,
        decimales=0,
        zero_a_part=True,
        description=_(
            "Carte des %(n)s communes du territoire, coloriées selon le nombre de rencontres à venir "
            "qui s'y tiennent ; chaque commune qui en a mène à la liste de ses rencontres. Les limites "
            "des pôles de proximité en trait épais. Les chiffres sont dans le tableau qui suit la carte."
        )
        % {"n": nombre(len(communes))},
    )
