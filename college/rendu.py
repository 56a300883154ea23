"""Le texte des commentaires : un Markdown réduit, rendu sans laisser passer aucun HTML de
l'auteur, et les mentions `@prenom.nom` des membres de l'instance.

Deux barrières l'une derrière l'autre : markdown-it n'accepte aucun HTML brut (il l'échappe)
et refuse les liens `javascript:`, `data:`… ; nh3 nettoie ensuite le résultat avec une
liste fermée de balises et d'attributs, au cas où la première laisserait passer quelque chose
(socle/texte_saisi.py, qui rend aussi les messages des demandes de financement).
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from socle.texte_saisi import detecteur_de_liens, nettoyer

BALISES = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote"}

# Une mention : « @ » suivi d'un identifiant `prenom.nom` (minuscules, sans accents).
IDENTIFIANT = r"[a-z0-9](?:[a-z0-9_-]|\.(?=[a-z0-9]))*"
_DEBUT_MENTION = re.compile(IDENTIFIANT)
# Ce qui, juste avant « @ », en fait une adresse ou un chemin plutôt qu'une mention.
_AVANT_INTERDIT = re.compile(r"[\w@./-]")


def _ascii(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c)).lower()


def _morceau(texte: str) -> str:
    """« Marie-Hélène » → « marie-helene », « Le Gall » → « le-gall », « D'Ornano » → « d-ornano »."""
    return re.sub(r"[^a-z0-9]+", "-", _ascii(texte)).strip("-")


def identifiant_de(personne: Any) -> str:
    """L'identifiant à mentionner : `prenom.nom` en minuscules, sans accents ; à défaut de
    nom, la partie locale de l'adresse électronique."""
    morceaux = [m for m in (_morceau(personne.prenom), _morceau(personne.nom)) if m]
    if morceaux:
        return ".".join(morceaux)
    return _morceau(personne.email.split("@", 1)[0]) or f"membre-{personne.pk}"


def annuaire_des_mentions(personnes: Iterable[Any]) -> dict[str, Any]:
    """Identifiant → personne. Deux personnes au même identifiant portent le même nom (aux
    accents près) : la première l'affiche, toutes deux sont notifiées (voir `mentionnes`)."""
    annuaire: dict[str, Any] = {}
    for personne in sorted(personnes, key=lambda p: (p.nom, p.prenom, p.pk)):
        annuaire.setdefault(identifiant_de(personne), personne)
    return annuaire


def identifiants_mentionnes(texte: str, annuaire: Mapping[str, Any]) -> set[str]:
    """Les identifiants de l'annuaire mentionnés dans le texte, lus comme le rendu les lit
    (une mention dans un bloc de code n'en est pas une)."""
    trouves: set[str] = set()
    for bloc in _MD.parse(texte or "", {"mentions": annuaire}):
        for jeton in bloc.children or ():
            if jeton.type == "mention":
                trouves.add(jeton.markup)
    return trouves


def mentionnes(texte: str, personnes: Sequence[Any]) -> list[Any]:
    """Les personnes (parmi `personnes`) mentionnées dans le texte, chacune une fois."""
    ecrits = identifiants_mentionnes(texte, annuaire_des_mentions(personnes))
    return [p for p in {p.pk: p for p in personnes}.values() if identifiant_de(p) in ecrits]


def _regle_mention(state: StateInline, silent: bool) -> bool:
    """Règle de markdown-it : `@identifiant` d'un membre connu devient un jeton « mention » ;
    une mention inconnue reste du texte."""
    debut = state.pos
    if state.src[debut] != "@":
        return False
    if debut > 0 and _AVANT_INTERDIT.match(state.src[debut - 1]):
        return False
    trouve = _DEBUT_MENTION.match(state.src, debut + 1, state.posMax)
    if trouve is None:
        return False
    annuaire: Mapping[str, Any] = state.env.get("mentions", {})
    personne = annuaire.get(trouve.group(0))
    if personne is None:
        return False
    if not silent:
        jeton = state.push("mention", "strong", 0)
        jeton.content = str(personne)
        jeton.markup = trouve.group(0)
    state.pos = trouve.end()
    return True


def _rendre_mention(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"<strong>{escape(tokens[idx].content)}</strong>"


def _moteur() -> MarkdownIt:
    # linkify : une adresse écrite telle quelle devient un lien, comme celles qu'on écrit en
    # Markdown, détectée comme dans les messages (seulement avec son schéma écrit) ; nh3 y
    # ajoute rel="nofollow noopener" et ne garde que http(s).
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": True})
    md.enable("linkify")
    md.linkify = detecteur_de_liens()
    # Un commentaire n'a ni titres, ni séparateurs, ni images, ni tableaux : le texte reste tel quel.
    md.disable(["image", "table", "heading", "lheading", "hr", "html_block", "html_inline"])
    md.inline.ruler.before("emphasis", "mention", _regle_mention)
    md.add_render_rule("mention", _rendre_mention)
    return md


_MD = _moteur()


def markdown_leger(texte: str, mentions: Mapping[str, Any] | None = None) -> SafeString:
    """Le commentaire en HTML sûr. `mentions` : identifiant → personne (voir
    `annuaire_des_mentions`) ; une mention y figurant s'affiche en gras au nom du membre."""
    html = _MD.render(texte or "", {"mentions": mentions or {}})
    return mark_safe(nettoyer(html, BALISES))  # noqa: S308  (nettoyé par nh3 juste au-dessus)
