"""Le texte que quelqu'un a tapé (message, commentaire), rendu en HTML sûr, ses adresses
http(s) écrites telles quelles devenues des liens.

Deux barrières l'une derrière l'autre : le texte est échappé avant d'être mis en HTML (ou,
pour le Markdown du Collège, markdown-it n'accepte aucun HTML brut) ; nh3 nettoie ensuite le
résultat avec une liste fermée de balises et d'attributs, ne garde que les liens http(s) et
mailto et leur ajoute rel="nofollow noopener". Ce module sert les messages d'une demande de
financement (`{% load socle %}`, filtre `avec_liens`) et les commentaires du Collège
(college/rendu.py).
"""

from collections.abc import Set

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from linkify_it import LinkifyIt

SCHEMAS = {"http", "https", "mailto"}
# Les adresses qui deviennent des liens : seulement celles qui commencent par http:// ou
# https:// ; « rapport.fr » ou « M.Dupont » dans une phrase restent du texte.
SCHEMAS_DETECTES = ("http://", "https://")


def detecteur_de_liens() -> LinkifyIt:
    """linkify-it sans détection « floue » : une adresse n'est un lien que si son schéma est écrit."""
    return LinkifyIt().set({"fuzzy_link": False, "fuzzy_email": False})


_DETECTEUR = detecteur_de_liens()


def _filtre_attributs(balise: str, attribut: str, valeur: str) -> str | None:
    if balise == "a" and attribut == "href":
        schema = valeur.split(":", 1)[0].lower() if ":" in valeur else ""
        return valeur if schema in SCHEMAS else None
    return valeur


def nettoyer(html: str, balises: Set[str]) -> str:
    """La seconde barrière : seules `balises` restent, et les liens http(s) / mailto."""
    return nh3.clean(
        html,
        tags=set(balises),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}} if "a" in balises else {},
        attribute_filter=_filtre_attributs,
        url_schemes=SCHEMAS,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def _liens_et_retours(texte: str) -> str:
    morceaux: list[str] = []
    fin = 0
    for trouve in _DETECTEUR.match(texte) or ():
        if not trouve.url.lower().startswith(SCHEMAS_DETECTES):
            continue
        morceaux.append(escape(texte[fin : trouve.index]))
        morceaux.append(f'<a href="{escape(trouve.url)}">{escape(trouve.text)}</a>')
        fin = trouve.last_index
    morceaux.append(escape(texte[fin:]))
    return "".join(morceaux).replace("\r\n", "\n").replace("\n", "<br>")


def texte_avec_liens(texte: str | None) -> SafeString:
    """Du texte brut en HTML : échappé, les retours à la ligne gardés (`<br>`), chaque adresse
    http(s) écrite telle quelle devenue un lien. Aucun autre HTML : `<b>` s'affiche tel quel."""
    return mark_safe(nettoyer(_liens_et_retours(texte or ""), {"a", "br"}))  # noqa: S308  (nettoyé par nh3)
