"""Les nombres, montants, dates et heures écrits à la française, partout de la même façon.

« 1er mars 2026 », « lundi 2 mars 2026 à 14 h 30 », « 12 500,00 € », « 25,3 % », « 12 jours » :
des espaces insécables entre le nombre et son unité (et pour les milliers), « 1er » pour le
premier du mois, l'heure à la française, l'heure de Paris (fuseau du projet) pour un instant
enregistré en UTC. Les gabarits s'en servent par les filtres de `{% load francais %}`
(socle/templatetags/francais.py), le code par ces fonctions : aucun modèle ni aucune classe de
données n'a de propriété `*_texte` qui ne ferait que mettre en forme.

Sans valeur (None), un nombre s'écrit « — » et une date « » (rien).
"""

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

ESPACE_INSECABLE = "\u00a0"
POUR_CENT = f"{ESPACE_INSECABLE}%"
TIRET_CADRATIN = "—"


# --- Nombres ---------------------------------------------------------------------------


def nombre(valeur: float | Decimal | None, decimales: int = 0) -> str:
    """« 1 234 », « 12,5 » (espace insécable pour les milliers) ; « — » sans valeur."""
    if valeur is None:
        return TIRET_CADRATIN
    if round(valeur, decimales) == 0:
        valeur = 0.0  # jamais de « -0,0 »
    texte = f"{valeur:,.{decimales}f}"
    return texte.replace(",", ESPACE_INSECABLE).replace(".", ",")


def euros(montant: float | Decimal | None, decimales: int = 2) -> str:
    """« 12 500,00 € » ; « — » sans montant."""
    if montant is None:
        return TIRET_CADRATIN
    return f"{nombre(montant, decimales)}{ESPACE_INSECABLE}€"


def pourcentage(part: float | None, decimales: int = 1) -> str:
    """Une part entre 0 et 1 en pour cent : 0,253 → « 25,3 % »."""
    if part is None:
        return TIRET_CADRATIN
    return nombre(part * 100, decimales) + POUR_CENT


def pour_cent(valeur: float | Decimal | None, decimales: int = 0) -> str:
    """Une valeur déjà en pour cent : 65 → « 65 % » (l'avancement d'un livrable)."""
    if valeur is None:
        return TIRET_CADRATIN
    return nombre(valeur, decimales) + POUR_CENT


def variation(valeur: float | None, decimales: int = 0, suffixe: str = "") -> str:
    """Une variation signée : « +3 », « -2 », « 0 », « +12,5 % »."""
    if valeur is None:
        return TIRET_CADRATIN
    texte = nombre(valeur, decimales)
    signe = "+" if round(valeur, decimales) > 0 else ""
    return signe + texte + suffixe


def nombre_csv(valeur: float | Decimal | None, decimales: int = 0) -> str:
    """Pour un tableur français : virgule décimale, sans séparateur de milliers ; vide sans valeur."""
    if valeur is None:
        return ""
    if round(valeur, decimales) == 0:
        valeur = 0.0
    return f"{valeur:.{decimales}f}".replace(".", ",")


def jours(valeur: float | None) -> str:
    """« 1 jour », « 12 jours », « 12,5 jours » ; « — » sans valeur."""
    if valeur is None:
        return TIRET_CADRATIN
    decimales = 0 if valeur == int(valeur) else 1
    return ngettext("%(n)s jour", "%(n)s jours", int(valeur)) % {"n": nombre(valeur, decimales)}


# --- Dates et heures -------------------------------------------------------------------


def _local(moment: date | datetime) -> date | datetime:
    """Un instant enregistré en UTC, à l'heure de Paris ; une date, telle quelle."""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        return timezone.localtime(moment, timezone.get_default_timezone())
    return moment


def _quantieme(jour: date) -> str:
    return gettext("1er") if jour.day == 1 else str(jour.day)


def date_longue(jour: date | datetime | None) -> str:
    """« 23 novembre 2026 », « 1er mars 2026 »."""
    if jour is None:
        return ""
    jour = _local(jour)
    return f"{_quantieme(jour)} {date_format(jour, 'F Y')}"


# Les abréviations de l'Imprimerie nationale : celles de Django (format « N ») écrivent
# « jan. » et « fév. ».
MOIS_ABREGES = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def date_courte(jour: date | datetime | None) -> str:
    """« 23 nov. 2026 », « 1er juin 2025 », « 7 févr. 2026 », pour l'axe des dates."""
    if jour is None:
        return ""
    jour = _local(jour)
    return f"{_quantieme(jour)} {MOIS_ABREGES[jour.month - 1]} {jour.year}"


def jour_et_date(jour: date | datetime | None) -> str:
    """« lundi 2 mars 2026 »."""
    if jour is None:
        return ""
    jour = _local(jour)
    return f"{date_format(jour, 'l')} {date_longue(jour)}"


def heure(moment: datetime | time | None) -> str:
    """« 14 h 30 », « 9 h » (l'heure de Paris pour un instant)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment, timezone.get_default_timezone())
    if moment.minute == 0:
        return f"{moment.hour}{ESPACE_INSECABLE}h"
    return f"{moment.hour}{ESPACE_INSECABLE}h{ESPACE_INSECABLE}{moment.minute:02d}"


def date_et_heure(moment: datetime | None) -> str:
    """« 1er mars 2026 à 14 h 30 »."""
    if moment is None:
        return ""
    return gettext("%(date)s à %(heure)s") % {"date": date_longue(moment), "heure": heure(moment)}


def jour_date_et_heure(moment: datetime | None) -> str:
    """« lundi 2 mars 2026 à 14 h 30 »."""
    if moment is None:
        return ""
    return gettext("%(date)s à %(heure)s") % {"date": jour_et_date(moment), "heure": heure(moment)}


def dans_combien_de_jours(moment: date | datetime | None, maintenant: datetime | None = None) -> str:
    """D'après les jours du calendrier à Paris : « aujourd'hui », « demain », « dans 3 jours »,
    « hier », « il y a 3 jours » ; rien sans date."""
    if moment is None:
        return ""
    jour = _local(moment)
    jour = jour.date() if isinstance(jour, datetime) else jour
    aujourd_hui = timezone.localdate(maintenant or timezone.now(), timezone.get_default_timezone())
    ecart = (jour - aujourd_hui).days
    if ecart == 0:
        return gettext("aujourd'hui")
    if ecart == 1:
        return gettext("demain")
    if ecart == -1:
        return gettext("hier")
    if ecart > 0:
        return ngettext("dans %(n)s jour", "dans %(n)s jours", ecart) % {"n": ecart}
    return ngettext("il y a %(n)s jour", "il y a %(n)s jours", -ecart) % {"n": -ecart}
