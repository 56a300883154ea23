import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import override_settings

from socle.checks import controler_documents, controler_production

RACINE = Path(__file__).resolve().parent.parent
PAGES_PUBLIQUES = ["/", "/accessibilite/", "/comptes/login/", "/comptes/signup/", "/plan-du-site/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES_PUBLIQUES)
def test_csp_stricte(client, url):
    reponse = client.get(url)
    politique = reponse["Content-Security-Policy"]
    assert "unsafe-inline" not in politique and "unsafe-eval" not in politique
    # Le nonce n'apparaît que sur les pages qui l'utilisent ; sinon seuls nos fichiers passent.
    assert re.search(r"script-src 'self'( 'nonce-[\w+/=-]+')?;", politique)
    assert "style-src 'self'" in politique
    assert "frame-ancestors 'none'" in politique
    assert "object-src 'none'" in politique
    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["Referrer-Policy"] == "same-origin"
    assert "camera=()" in reponse["Permissions-Policy"]
    assert "geolocation=()" in reponse["Permissions-Policy"]


@pytest.mark.django_db
def test_hsts_sur_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    reponse = client.get("/", secure=True)
    assert reponse["Strict-Transport-Security"].startswith("max-age=31536000")


def test_aucun_script_ni_style_en_ligne_dans_les_gabarits():
    """CSP sans 'unsafe-inline' : pas de <script> sans nonce, d'attribut style= ni on*=."""
    interdits = re.compile(
        r"<script(?![^>]*\b(src=|nonce=|type=\"application/json\"))|\sstyle=\"|\son[a-z]+=\""
    )
    fautifs = [
        f"{chemin.relative_to(RACINE)}:{numero}"
        for chemin in RACINE.glob("**/templates/**/*.html")
        if ".venv" not in chemin.parts and "courriels" not in chemin.parts
        for numero, ligne in enumerate(chemin.read_text().splitlines(), 1)
        if interdits.search(ligne)
    ]
    assert fautifs == []


PRODUCTION = {
    "DEBUG": False,
    "SECRET_KEY": "p" * 64,
    "SCRUTINS_CLE_MAITRE": "s" * 64,
    "ALLOWED_HOSTS": ["sante.lecotentin.fr"],
    "PORTAIL_URL": "https://sante.lecotentin.fr",
    "COURRIEL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DEFAULT_FROM_EMAIL": "Conseil de santé <sante@lecotentin.fr>",
}


def test_configuration_de_production_sans_reproche():
    with override_settings(**PRODUCTION):
        assert controler_production(None) == []


@pytest.mark.parametrize(
    ("reglage", "valeur", "code"),
    [
        ("SECRET_KEY", settings.CLE_DE_DEVELOPPEMENT, "cotentin.E001"),
        ("SECRET_KEY", "courte", "cotentin.E001"),
        ("SCRUTINS_CLE_MAITRE", "", "cotentin.E005"),
        ("SCRUTINS_CLE_MAITRE", "courte", "cotentin.E005"),
        ("SCRUTINS_CLE_MAITRE", "p" * 64, "cotentin.E005"),  # la même que SECRET_KEY
        ("ALLOWED_HOSTS", ["*"], "cotentin.E002"),
        ("ALLOWED_HOSTS", [], "cotentin.E002"),
        ("PORTAIL_URL", "http://sante.lecotentin.fr", "cotentin.E003"),
        ("COURRIEL_BACKEND", "django.core.mail.backends.console.EmailBackend", "cotentin.W001"),
        ("DEFAULT_FROM_EMAIL", "x <ne-pas-repondre@localhost>", "cotentin.W002"),
    ],
)
def test_configuration_de_production_incoherente_signalee(reglage, valeur, code):
    with override_settings(**(PRODUCTION | {reglage: valeur})):
        assert code in [probleme.id for probleme in controler_production(None)]


def test_cle_secrete_absente_refusee_avant_le_demarrage():
    with override_settings(**(PRODUCTION | {"SECRET_KEY": ""})):
        assert [p.id for p in controler_production(None)] == ["cotentin.E000"]


def test_pas_de_controle_de_production_en_developpement():
    with override_settings(DEBUG=True, SECRET_KEY=settings.CLE_DE_DEVELOPPEMENT):
        assert controler_production(None) == []


def test_documents_prives_dans_les_fichiers_statiques_refuses(tmp_path):
    stockages = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "socle.stockage.StockagePrive",
            "OPTIONS": {"location": str(tmp_path / "static" / "documents")},
        },
    }
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=stockages):
        assert [p.id for p in controler_documents(None)] == ["cotentin.E004"]
    assert controler_documents(None) == []


# Les contrôles des colonnes générées (GeneratedField) lisent la version du serveur.
@pytest.mark.django_db
def test_les_controles_systeme_passent_dans_les_reglages_de_test():
    assert [p for p in run_checks() if p.level >= 30] == []
