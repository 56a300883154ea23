"""Les PDF du portail (procès-verbaux, courriers, bilan) : WeasyPrint, toujours par `document_html`.

Un PDF du portail ne charge presque rien : ses styles sont dans le gabarit, ses graphiques en
SVG dans la page. `document_html` ne laisse donc passer que les URI `data:` et les fichiers
statiques du portail (`file:` sous STATIC_ROOT, STATICFILES_DIRS ou le `static/` d'une
application, chemin résolu, liens symboliques compris) : ni réseau ni autre fichier local, même
si un texte saisi par un usager glissait `<img src="file:///etc/passwd">` ou une adresse interne
dans une page à imprimer. Une ressource refusée n'est pas chargée ; WeasyPrint l'écrit dans son
journal et continue.

Sans récupérateur donné, WeasyPrint en construit un par document, et avec lui un contexte TLS
(chargement des certificats de la machine : 25 ms à chaque PDF, plus que la mise en page d'un
récépissé) ; le nôtre partage un seul contexte, jamais utilisé puisque HTTPS est refusé.

WeasyPrint n'est importé qu'au premier PDF : son import (polices, fontTools, CSS) coûte plus
d'une seconde à chaque démarrage de Django, et le serveur, le worker, beat, `migrate` et
`manage.py demo` démarrent chacun le leur ; la plupart n'impriment jamais rien.
"""

import ssl
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders

if TYPE_CHECKING:
    from weasyprint import HTML, URLFetcher

PROTOCOLES_PERMIS = frozenset({"data", "file"})


@cache
def _contexte_tls() -> ssl.SSLContext:
    return ssl.create_default_context()


@cache
def _classe_du_recuperateur() -> type["URLFetcher"]:
    # Import local : WeasyPrint ne se charge qu'au premier PDF (voir l'en-tête du module).
    from weasyprint import URLFetcher

    class RecuperateurStatique(URLFetcher):
        """Refuse tout sauf `data:` et les fichiers statiques du portail."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.lower().startswith("file:"):
                chemin = fichier_statique(url)
                if chemin is None:
                    raise ValueError(
                        f"Ressource refusée (hors des fichiers statiques du portail) : {url[:200]}"
                    )
                url = chemin.as_uri()
            return super().fetch(url, headers)

    return RecuperateurStatique


def racines_statiques() -> list[Path]:
    """Les dossiers des fichiers statiques : STATIC_ROOT et ceux que trouvent les finders."""
    racines = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    for finder in get_finders():
        for stockage in getattr(finder, "storages", {}).values():
            racines.append(Path(stockage.location))
    return [racine.resolve() for racine in racines]


def fichier_statique(url: str) -> Path | None:
    """Le chemin d'un `file:` s'il désigne un fichier sous une racine statique, sinon None."""
    morceaux = urlsplit(url)
    if morceaux.netloc not in ("", "localhost"):
        return None
    chemin = Path(unquote(morceaux.path)).resolve()
    if not chemin.is_file():
        return None
    if any(chemin.is_relative_to(racine) for racine in racines_statiques()):
        return chemin
    return None


def recuperateur() -> "URLFetcher":
    """Un récupérateur d'URL qui refuse tout sauf `data:` et les fichiers statiques du portail
    (un par document : il garde un état)."""
    return _classe_du_recuperateur()(allowed_protocols=PROTOCOLES_PERMIS, ssl_context=_contexte_tls())


def document_html(html: str) -> "HTML":
    # Import local : WeasyPrint ne se charge qu'au premier PDF (voir l'en-tête du module).
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=recuperateur())


def pdf_simple(html: str) -> bytes:
    """Un PDF ordinaire (pièces et notes de démonstration)."""
    contenu = document_html(html).write_pdf()
    if contenu is None:  # write_pdf sans cible rend toujours des octets
        raise ValueError("WeasyPrint n'a rien écrit")
    return bytes(contenu)


def pdf_d_archive(html: str) -> bytes:
    contenu = document_html(html).write_pdf(pdf_variant="pdf/a-3b", uncompressed_pdf=False)
    if contenu is None:  # write_pdf sans cible rend toujours des octets
        raise ValueError("WeasyPrint n'a rien écrit")
    return bytes(contenu)
