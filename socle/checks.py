"""Contrôles système : une configuration de production incohérente est refusée au démarrage."""

from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def controler_production(app_configs: Any, **kwargs: Any) -> list[Error | Warning]:
    if settings.DEBUG:
        return []
    problemes: list[Error | Warning] = []
    try:
        cle = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuse de rendre une clé vide
        cle = None
        problemes.append(
            Error(
                "La variable d'environnement SECRET_KEY est obligatoire quand DJANGO_DEBUG est éteint.",
                hint="Générez-en une : python -c 'import secrets; print(secrets.token_urlsafe(64))'",
                id="cotentin.E000",
            )
        )
    if cle is not None and (cle == settings.CLE_DE_DEVELOPPEMENT or len(cle) < 50):
        problemes.append(
            Error(
                "SECRET_KEY est la clé de développement ou fait moins de 50 caractères.",
                hint="Générez-en une : python -c 'import secrets; print(secrets.token_urlsafe(64))'",
                id="cotentin.E001",
            )
        )
    cle_des_scrutins: str = settings.SCRUTINS_CLE_MAITRE
    if len(cle_des_scrutins) < 40 or cle_des_scrutins == cle:
        problemes.append(
            Error(
                "La variable d'environnement SCRUTINS_CLE_MAITRE (clé maîtresse des scrutins secrets, "
                "40 caractères au moins, distincte de SECRET_KEY) est obligatoire quand DJANGO_DEBUG "
                "est éteint.",
                hint="Générez-en une : python -c 'import secrets; print(secrets.token_urlsafe(48))' ; "
                "gardez-la hors de la base et de ses sauvegardes (docs/scrutin-secret.md).",
                id="cotentin.E005",
            )
        )
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        problemes.append(
            Error(
                "ALLOWED_HOSTS doit citer le ou les noms du portail (pas « * »).",
                id="cotentin.E002",
            )
        )
    if not settings.PORTAIL_URL.startswith("https://"):
        problemes.append(
            Error(
                "PORTAIL_URL doit être l'adresse publique du portail en https:// "
                "(les liens des courriels en dépendent).",
                id="cotentin.E003",
            )
        )
    if "console" in settings.COURRIEL_BACKEND or "locmem" in settings.COURRIEL_BACKEND:
        problemes.append(
            Warning(
                "EMAIL_BACKEND n'envoie aucun courriel : les invitations et notifications seront perdues.",
                id="cotentin.W001",
            )
        )
    if "localhost" in settings.DEFAULT_FROM_EMAIL:
        problemes.append(
            Warning(
                "DEFAULT_FROM_EMAIL cite localhost : indiquez l'adresse d'expédition du portail.",
                id="cotentin.W002",
            )
        )
    return problemes


@register(Tags.security)
def controler_documents(app_configs: Any, **kwargs: Any) -> list[Error]:
    stockages = cast(dict[str, dict[str, Any]], settings.STORAGES)
    options: dict[str, Any] = stockages["documents"].get("OPTIONS", {})
    documents = Path(options["location"]).resolve()
    for nom, dossier in (
        ("STATIC_ROOT", settings.STATIC_ROOT),
        *(("STATICFILES_DIRS", d) for d in settings.STATICFILES_DIRS),
    ):
        dossier = Path(dossier).resolve()
        if documents == dossier or dossier in documents.parents:
            return [
                Error(
                    f"DOCUMENTS_ROOT ({documents}) est dans {nom} : les documents privés seraient publics.",
                    id="cotentin.E004",
                )
            ]
    return []
