"""Aucune entrée, si absurde soit-elle, ne fait répondre 500 au portail (issue 16 §2).

Sur la démonstration complète, pour trois personas (anonyme, agent, superutilisateur), on
parcourt les pages du portail depuis l'accueil en suivant ses liens (en largeur, une adresse
par motif d'URL et jeu de paramètres), puis on rejoue chaque motif avec des valeurs qu'un
robot ou un lien recopié de travers peut envoyer : un octet nul, de l'UTF-8 invalide, un
nombre immense ou négatif, à la place de chaque nombre du chemin et de chaque paramètre.
Toutes les réponses doivent rester sous 500 ; les fautes sont rapportées ensemble."""

import html
import re
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from comptes.models import Utilisateur
from tests.conftest import FABRIQUES_DES_PERSONAS

MAX_PAR_PERSONA = 150
MAX_ADMINISTRATION = 60
IMMENSE = "99999999999999999999"
VALEURS_ABSURDES = ("%00", "%ff%fe", IMMENSE, "-1")
LIEN = re.compile(r"""href="([^"]+)\"""")
# Ce que le parcours ne suit pas : la déconnexion (elle finirait le parcours), les fichiers
# statiques, et les PDF fabriqués à la demande (plusieurs secondes chacun ; leurs adresses
# sont rejouées avec les autres motifs de leur application).
NE_PAS_SUIVRE = re.compile(r"/logout/|^/static/|^/media/|\.pdf$")


@dataclass
class Parcours:
    persona: str
    client: Client
    depart: str = "/"
    maximum: int = MAX_PAR_PERSONA
    visitees: dict[tuple[str, frozenset[str]], str] = field(default_factory=dict)  # motif → adresse
    requetes: int = 0
    fautes: list[str] = field(default_factory=list)

    def obtenir(self, adresse: str):
        """GET dans un point de sauvegarde annulé ensuite : une erreur de PostgreSQL (qui
        annulerait la transaction du test) n'empêche pas les requêtes suivantes."""
        self.requetes += 1
        point = transaction.savepoint_create()
        try:
            reponse = self.client.get(adresse)
        finally:
            transaction.savepoint_rollback(point)
            # Un bloc atomique de la vue a pu marquer la transaction du test comme perdue.
            transaction.set_rollback(False)
        if reponse.status_code >= 500:
            self.fautes.append(f"{self.persona} GET {adresse} → {reponse.status_code}")
        return reponse


def _motif(chemin: str, parametres: list[tuple[str, str]]) -> tuple[str, frozenset[str]]:
    try:
        route = resolve(chemin).route
    except Resolver404:
        route = chemin
    return route, frozenset(nom for nom, _valeur in parametres)


class _Formulaires(HTMLParser):
    """Les formulaires GET de la page (filtres, recherche), chacun en une adresse où chaque
    champ nommé a sa première valeur (vide pour une saisie libre)."""

    def __init__(self, chemin: str) -> None:
        super().__init__()
        self.chemin = chemin
        self.adresses: list[str] = []
        self._champs: list[tuple[str, str]] | None = None
        self._action = ""

    def handle_starttag(self, balise: str, attributs: list[tuple[str, str | None]]) -> None:
        a = dict(attributs)
        if balise == "form" and (a.get("method") or "get").lower() == "get":
            self._champs, self._action = [], a.get("action") or self.chemin
        elif self._champs is not None and balise in ("input", "select", "textarea") and a.get("name"):
            if a.get("type") not in ("submit", "button", "checkbox", "radio") or a.get("checked") is not None:
                self._champs.append((a["name"] or "", a.get("value") or ""))

    def handle_endtag(self, balise: str) -> None:
        if balise == "form" and self._champs is not None:
            self.adresses.append(f"{self._action}?{urlencode(self._champs)}")
            self._champs = None


def _liens(page: str, chemin: str) -> Iterator[str]:
    formulaires = _Formulaires(chemin)
    formulaires.feed(page)
    for lien in [*LIEN.findall(page), *formulaires.adresses]:
        lien = html.unescape(lien).split("#", 1)[0]
        if lien.startswith("/") and not lien.startswith("//") and not NE_PAS_SUIVRE.search(lien):
            yield lien


def parcourir(parcours: Parcours) -> None:
    a_voir = deque([parcours.depart])
    while a_voir and len(parcours.visitees) < parcours.maximum:
        adresse = a_voir.popleft()
        morceaux = urlsplit(adresse)
        cle = _motif(morceaux.path, parse_qsl(morceaux.query, keep_blank_values=True))
        if cle in parcours.visitees:
            continue
        parcours.visitees[cle] = adresse
        reponse = parcours.obtenir(adresse)
        if reponse.status_code == 200 and reponse["Content-Type"].startswith("text/html"):
            a_voir.extend(_liens(reponse.content.decode(), morceaux.path))


def variantes(adresse: str) -> Iterator[str]:
    """L'adresse avec chaque nombre du chemin, puis chaque paramètre, remplacé par une valeur
    absurde (déjà encodée pour l'adresse)."""
    morceaux = urlsplit(adresse)
    segments = morceaux.path.split("/")
    requete = f"?{morceaux.query}" if morceaux.query else ""
    for rang, segment in enumerate(segments):
        if segment.isdigit():
            for absurde in (IMMENSE, f"{segment}%00"):
                yield "/".join([*segments[:rang], absurde, *segments[rang + 1 :]]) + requete
    parametres = parse_qsl(morceaux.query, keep_blank_values=True)
    for rang, (nom, _valeur) in enumerate(parametres):
        autres = urlencode(parametres[:rang] + parametres[rang + 1 :])
        for absurde in VALEURS_ABSURDES:
            yield f"{morceaux.path}?{autres}{'&' if autres else ''}{quote(nom)}={absurde}"
    yield f"{morceaux.path}?page=%00"


def test_aucune_entree_absurde_ne_repond_500(demonstration):
    debut = time.monotonic()
    # L'agent parcourt le portail ; le superutilisateur, ce que lui seul ouvre : l'administration
    # (ses pages du portail sont celles de l'agent), en moins de motifs, tous semblables.
    comptes = [
        ("anonyme", None, "/", MAX_PAR_PERSONA),
        ("agent", Utilisateur.objects.get(email="agent@demo.cotentin.fr"), "/", MAX_PAR_PERSONA),
        ("superutilisateur", FABRIQUES_DES_PERSONAS["superutilisateur"](), "/admin/", MAX_ADMINISTRATION),
    ]
    fautes: list[str] = []
    bilan: list[str] = []
    for persona, compte, depart, maximum in comptes:
        client = Client(raise_request_exception=False)
        if compte is not None:
            client.force_login(compte)
        parcours = Parcours(persona, client, depart, maximum)
        parcourir(parcours)
        for adresse in parcours.visitees.values():
            for variante in variantes(adresse):
                parcours.obtenir(variante)
        fautes += parcours.fautes
        bilan.append(f"{persona} : {len(parcours.visitees)} motifs, {parcours.requetes} requêtes")
    print(f"\n{' ; '.join(bilan)} ; {time.monotonic() - debut:.0f} s")  # noqa: T201
    assert fautes == []
