"""Les filtres de l'écriture à la française : `{% load francais %}`.

    {{ reunion.debut|date_et_heure }}        1er mars 2026 à 14 h 30
    {{ reunion.debut|jour_date_et_heure }}   dimanche 1er mars 2026 à 14 h 30
    {{ mandat.fin|date_longue }}             31 décembre 2028
    {{ reunion.debut|heure }}                14 h 30
    {{ scrutin.cloture|dans_combien_de_jours }}   dans 3 jours (demain, aujourd'hui, hier…)
    {{ demande.montant|euros }}              12 500,00 €
    {{ part|pourcentage }} {{ part|pourcentage:0 }}   25,3 % et 25 % (une part entre 0 et 1)
    {{ livrable.avancement|pour_cent }}     65 % (une valeur déjà en pour cent)
    {{ effectif|nombre }}                    1 234

Un seul endroit écrit chaque forme (socle/francais.py) : les gabarits, les PDF, les courriels et
les exports disent la même chose de la même façon. Les filtres de Django `date` et `floatformat`
ne servent plus qu'aux formats de machine (`date:"c"` pour un attribut `datetime`, `date:"r"`).
"""

from datetime import date, datetime, time
from decimal import Decimal

from django import template

from socle import francais

register = template.Library()


@register.filter
def nombre(valeur: float | Decimal | None, decimales: int = 0) -> str:
    return francais.nombre(valeur, int(decimales))


@register.filter
def euros(montant: float | Decimal | None, decimales: int = 2) -> str:
    return francais.euros(montant, int(decimales))


@register.filter
def pourcentage(part: float | None, decimales: int = 1) -> str:
    return francais.pourcentage(part, int(decimales))


@register.filter
def pour_cent(valeur: float | Decimal | None, decimales: int = 0) -> str:
    return francais.pour_cent(valeur, int(decimales))


@register.filter
def jours(valeur: float | None) -> str:
    return francais.jours(valeur)


# Comme le filtre `date` de Django, une valeur qui n'est pas une date (une variable absente
# du contexte, une chaîne vide) s'écrit « » : une page ne tombe pas pour une date manquante.


@register.filter
def date_longue(jour: object) -> str:
    return francais.date_longue(jour) if isinstance(jour, date) else ""


@register.filter
def date_courte(jour: object) -> str:
    return francais.date_courte(jour) if isinstance(jour, date) else ""


@register.filter
def jour_et_date(jour: object) -> str:
    return francais.jour_et_date(jour) if isinstance(jour, date) else ""


@register.filter
def heure(moment: object) -> str:
    return francais.heure(moment) if isinstance(moment, datetime | time) else ""


@register.filter
def date_et_heure(moment: object) -> str:
    return francais.date_et_heure(moment) if isinstance(moment, datetime) else ""


@register.filter
def jour_date_et_heure(moment: object) -> str:
    return francais.jour_date_et_heure(moment) if isinstance(moment, datetime) else ""


@register.filter
def dans_combien_de_jours(moment: object) -> str:
    return francais.dans_combien_de_jours(moment) if isinstance(moment, date) else ""
