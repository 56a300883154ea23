"""Les requêtes que le portail ne peut pas lire, refusées avant d'aller plus loin ; les
réponses en texte, compressées."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware


def _contient_un_nul(donnees: QueryDict) -> bool:
    """Un octet nul dans une clé ou une valeur texte d'un QueryDict (fichiers déposés exclus :
    ils sont dans request.FILES, et un octet nul y est permis)."""
    return any(
        "\x00" in cle or any(isinstance(v, str) and "\x00" in v for v in valeurs)
        for cle, valeurs in donnees.lists()
    )


class OctetNulMiddleware:
    """Un octet nul (« %00 ») dans le chemin, un paramètre de l'adresse ou un champ de
    formulaire répond 400. PostgreSQL refuse ce caractère dans un texte (psycopg lève
    DataError) : sans ce contrôle, le jeton d'un agenda ou un filtre de liste qui en porte un
    répondait 500. Placé juste après l'identifiant de requête, avant la session et
    l'authentification, qui liraient la base."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _contient_un_nul(request.GET):
            raise BadRequest("Octet nul dans l'adresse.")
        if request.method == "POST" and _contient_un_nul(request.POST):
            raise BadRequest("Octet nul dans un champ du formulaire.")
        return self.get_response(request)


# Les réponses qui gagnent à être compressées : des pages et des données en texte. Les PDF,
# images et documents déposés le sont déjà (ou ne gagnent rien) ; les fichiers statiques sont
# servis précompressés par whitenoise (développement) ou nginx (production).
TYPES_COMPRESSES = frozenset(
    {
        "text/html",
        "text/plain",
        "text/csv",
        "text/calendar",
        "application/json",
        "application/ld+json",
        "application/atom+xml",
        "image/svg+xml",
    }
)


class CompressionMiddleware(GZipMiddleware):
    """gzip pour les pages : une page d'indicateurs et ses trois cartes SVG pèse environ
    370 Ko, une dizaine de fois moins compressée. Celui de Django, qui brouille la longueur des
    réponses (« Heal The Breach », contre BREACH) ; réservé aux types de `TYPES_COMPRESSES`."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        type_mime = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if type_mime not in TYPES_COMPRESSES:
            return response
        return super().process_response(request, response)
