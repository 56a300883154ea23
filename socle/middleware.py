"""Les requêtes que le portail ne peut pas lire, refusées avant d'aller plus loin."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict


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
