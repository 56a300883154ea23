"""Les PDF du portail (procès-verbaux, courriers, bilan) : WeasyPrint, toujours par `document_html`.

Un PDF du portail ne charge rien : ses styles sont dans le gabarit, ses graphiques en SVG dans
la page. `document_html` ne laisse donc passer que les URI `data:` : ni réseau ni fichier local,
même si un texte saisi par un usager glissait `<img src="file:///etc/passwd">` ou une adresse
interne dans une page à imprimer.

Sans récupérateur donné, WeasyPrint en construit un par document, et avec lui un contexte TLS
(chargement des certificats de la machine : 25 ms à chaque PDF, plus que la mise en page d'un
récépissé) ; le nôtre partage un seul contexte, jamais utilisé puisque HTTPS est refusé.
"""

import ssl
from functools import cache

from weasyprint import HTML, URLFetcher

PROTOCOLES_PERMIS = frozenset({"data"})


@cache
def _contexte_tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def recuperateur() -> URLFetcher:
    """Un récupérateur d'URL qui refuse tout sauf `data:` (un par document : il garde un état)."""
    return URLFetcher(allowed_protocols=PROTOCOLES_PERMIS, ssl_context=_contexte_tls())


def document_html(html: str) -> HTML:
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
