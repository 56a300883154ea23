"""Le texte tapé par quelqu'un (messages des demandes, commentaires du Collège) : échappé,
ses adresses http(s) devenues des liens, aucun autre HTML."""

import pytest

from socle.texte_saisi import texte_avec_liens


@pytest.mark.parametrize(
    ("texte", "html"),
    [
        (
            "Voir https://example.org/a?b=1&c=<x> merci",
            'Voir <a href="https://example.org/a?b=1&amp;c=" rel="nofollow noopener">'
            "https://example.org/a?b=1&amp;c=</a>&lt;x&gt; merci",
        ),
        ("javascript:alert(1)", "javascript:alert(1)"),
        (
            "<script>alert(1)</script><b>gras</b>",
            "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt;",
        ),
        ('<a href="javascript:x">lien</a>', '&lt;a href="javascript:x"&gt;lien&lt;/a&gt;'),
        # Sans schéma écrit, ni ftp ni mailto : du texte.
        (
            "rapport.fr, M.Dupont, //exemple.fr, ftp://exemple.fr",
            "rapport.fr, M.Dupont, //exemple.fr, ftp://exemple.fr",
        ),
        (
            "Ligne 1\r\nLigne 2\nhttps://exemple.fr.",
            'Ligne 1<br>Ligne 2<br><a href="https://exemple.fr" rel="nofollow noopener">https://exemple.fr</a>.',
        ),
        ("", ""),
        (None, ""),
    ],
)
def test_texte_avec_liens(texte: str | None, html: str) -> None:
    assert texte_avec_liens(texte) == html
