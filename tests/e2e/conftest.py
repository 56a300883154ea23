"""Le banc d'essai des parcours : Chromium de Debian piloté par Playwright contre un
serveur Django réel (live_server), avec axe-core qui échoue sur toute violation et la
console du navigateur surveillée (une violation de la CSP fait échouer le test)."""

import os
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Response,
    sync_playwright,
)

# Playwright (API synchrone) fait tourner une boucle asyncio dans le fil du test : l'ORM,
# appelé depuis ce même fil pour préparer les données, doit l'accepter.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGUMENTS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def navigateur() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        navigateur = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS)
        yield navigateur
        navigateur.close()


class Onglet:
    """Une page du navigateur, avec ce que sa console a signalé."""

    def __init__(self, contexte: BrowserContext, base: str) -> None:
        self.contexte = contexte
        self.base = base
        self.page: Page = contexte.new_page()
        self.erreurs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", self._erreur_de_script)
        self.page.on("response", self._reponse)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.erreurs.append(message.text)

    def _erreur_de_script(self, erreur: Error) -> None:
        self.erreurs.append(str(erreur))

    def _reponse(self, reponse: Response) -> None:
        # Une ressource de la page (script, style, image) en erreur ; la page elle-même
        # est vérifiée par aller().
        if reponse.status >= 400 and reponse.request.resource_type != "document":
            self.erreurs.append(f"{reponse.status} {reponse.url}")

    def aller(self, chemin: str, statut: int | None = None) -> Page:
        """Ouvre `chemin` ; sans `statut` attendu, toute erreur HTTP fait échouer le test."""
        reponse = self.page.goto(self.base + chemin)
        assert reponse is not None
        if statut is None:
            assert reponse.status < 400, (chemin, reponse.status, self.page.inner_text("main")[:500])
        else:
            assert reponse.status == statut, (chemin, reponse.status)
            # La console signale le statut d'erreur attendu : ce n'est pas une faute de la page.
            self.erreurs = [e for e in self.erreurs if "Failed to load resource" not in e]
        return self.page

    def verifier_accessibilite(self) -> None:
        """axe-core sur la page affichée : aucune violation tolérée."""
        resultats = Axe().run(self.page)
        assert resultats.violations_count == 0, f"{self.page.url}\n{resultats.generate_report()}"

    def verifier_console(self) -> None:
        assert self.erreurs == [], f"{self.page.url} : {self.erreurs}"


@pytest.fixture
def nouvel_onglet(navigateur: Browser, live_server: Any) -> Iterator[Any]:
    """Fabrique d'onglets dans des contextes séparés (deux personnes à la fois)."""
    contextes: list[BrowserContext] = []
    onglets: list[Onglet] = []

    def fabriquer() -> Onglet:
        contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        contexte.set_default_timeout(15_000)
        contextes.append(contexte)
        onglets.append(Onglet(contexte, live_server.url))
        return onglets[-1]

    yield fabriquer
    for contexte in contextes:
        contexte.close()
    for onglet in onglets:
        onglet.verifier_console()


@pytest.fixture
def onglet(nouvel_onglet: Any) -> Onglet:
    """Un onglet, pour les parcours d'une seule personne."""
    return nouvel_onglet()


def connecter(onglet: Onglet, utilisateur: Any) -> None:
    """Ouvre une session pour `utilisateur` sans passer par le formulaire (pour les
    parcours qui ne portent pas sur la connexion elle-même)."""
    session = SessionStore()
    session[SESSION_KEY] = str(utilisateur.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = utilisateur.get_session_auth_hash()
    session.save()
    host = onglet.base.split("//", 1)[1].split(":")[0]
    onglet.contexte.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key or "",
                "domain": host,
                "path": "/",
            }
        ]
    )
