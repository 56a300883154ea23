"""Filtres des gabarits du Collège : `{% load college %}`."""

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.safestring import SafeString

from college import rendu

register = template.Library()


@register.filter
def markdown_leger(texte: str, mentions: Mapping[str, Any] | None = None) -> SafeString:
    """`{{ commentaire.texte|markdown_leger:mentions }}` : le Markdown réduit, en HTML sûr ;
    `mentions` (identifiant → membre) met en gras les membres mentionnés."""
    return rendu.markdown_leger(texte, mentions)
