"""Les gabarits de texte brut (notifications, partie texte des courriels) ne sont pas échappés
pour le HTML : « l'état & d'octobre » s'y lit tel quel ; la page et la partie HTML des
courriels l'échappent une fois, et une balise tapée par quelqu'un n'y passe jamais."""

import importlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core import mail
from django.utils.html import escape

from socle.courriels import courriel_construire
from socle.models import FrequenceNotifications, Notification
from socle.services import notifier
from socle.tasks import envoyer_resumes_quotidiens
from tests.comptes.factories import UtilisateurFactory
from tests.outils import VERBE_ESSAI

pytestmark = pytest.mark.django_db

PIEGE = "l'état & d'octobre <b>"
PIEGE_ECHAPPE = "l&#x27;état &amp; d&#x27;octobre &lt;b&gt;"
DOUBLE_ECHAPPEMENT = ("&amp;#x27;", "&amp;amp;", "&amp;lt;")
RACINE = Path(settings.BASE_DIR)


class Piege:
    """Tout ce qu'un gabarit lit dans son contexte : s'affiche comme `PIEGE`, a tous les
    attributs (une date pour `debut`, `cloture` et les `…_le`), et s'appelle sans argument."""

    RESERVES = frozenset({"alters_data", "do_not_call_in_templates"})

    def __str__(self) -> str:
        return PIEGE

    def __call__(self) -> "Piege":
        return self

    def __iter__(self) -> Any:
        return iter(())

    def __getitem__(self, nom: str) -> Any:
        if not isinstance(nom, str) or nom.startswith("_") or nom in self.RESERVES:
            raise KeyError(nom)
        if nom in {"debut", "cloture"} or nom.endswith("_le"):
            return datetime(2026, 10, 1, 12, 30, tzinfo=UTC)
        return Piege()

    def __getattr__(self, nom: str) -> Any:
        try:
            return self[nom]
        except KeyError:
            raise AttributeError(nom) from None


NOMS_DU_CONTEXTE = re.compile(
    r"\{\{\s*([a-z_]\w*)|\b\w+=([a-z_]\w*)|\{%\s*(?:el)?if\s+(?:not\s+)?([a-z_]\w*)"
    r"|\{%\s*for\s+[\w, ]+\s+in\s+([a-z_]\w*)"
)


def _contexte_piege(chemin: Path) -> dict[str, Any]:
    noms = {nom for groupe in NOMS_DU_CONTEXTE.findall(chemin.read_text()) for nom in groupe if nom}
    return {nom: Piege() for nom in noms - {"_"}}


def _gabarits(motif: str) -> list[Path]:
    return sorted(p for p in RACINE.glob(f"*/templates/*/{motif}") if ".venv" not in p.parts)


def _nom(chemin: Path) -> str:
    return str(chemin.relative_to(chemin.parents[2]))


def _echappe_une_fois(html: str) -> None:
    assert PIEGE_ECHAPPE in html
    assert "<b>" not in html
    for double in DOUBLE_ECHAPPEMENT:
        assert double not in html


GABARITS_DE_NOTIFICATION = _gabarits("notifications/*.txt")


def test_tous_les_gabarits_sont_essayes():
    assert len(GABARITS_DE_NOTIFICATION) >= 25
    assert len(_gabarits("courriels/*.txt")) >= 6


@pytest.mark.parametrize("chemin", GABARITS_DE_NOTIFICATION, ids=_nom)
def test_notification_en_texte_brut_sur_la_page_et_dans_le_courriel(
    chemin, client, django_capture_on_commit_callbacks
):
    personne = UtilisateurFactory(prenom="Lou")
    with django_capture_on_commit_callbacks(execute=True):
        notifier(
            destinataires=[personne],
            verbe=VERBE_ESSAI,
            titre=PIEGE,
            gabarit=_nom(chemin),
            contexte=_contexte_piege(chemin),
            url="/notifications/",
        )
    notification = Notification.objects.get(destinataire=personne)
    assert PIEGE in notification.message
    assert "&#x27;" not in notification.message and "&amp;" not in notification.message

    courriel = mail.outbox[-1]
    assert PIEGE in courriel.body
    assert "&#x27;" not in courriel.body and "&amp;" not in courriel.body
    html, _type = courriel.alternatives[0]
    _echappe_une_fois(html)

    client.force_login(personne)
    _echappe_une_fois(client.get("/notifications/").content.decode())


def test_resume_quotidien_en_texte_brut_et_html_echappe_une_fois(django_capture_on_commit_callbacks):
    chemin = RACINE / "financements/templates/financements/notifications/message.txt"
    personne = UtilisateurFactory(frequence_notifications=FrequenceNotifications.QUOTIDIENNE)
    notifier(
        destinataires=[personne],
        verbe=VERBE_ESSAI,
        titre=PIEGE,
        gabarit=_nom(chemin),
        contexte=_contexte_piege(chemin),
    )
    with django_capture_on_commit_callbacks(execute=True):
        envoyer_resumes_quotidiens()
    courriel = mail.outbox[-1]
    assert PIEGE in courriel.body
    assert "&#x27;" not in courriel.body and "&amp;" not in courriel.body
    _echappe_une_fois(courriel.alternatives[0][0])


@pytest.mark.parametrize(
    "gabarit",
    [str(_nom(p)).removesuffix(".txt") for p in _gabarits("courriels/*.txt")],
)
def test_courriel_texte_brut_et_html_echappe_une_fois(gabarit):
    chemin_texte = next(p for p in _gabarits("courriels/*.txt") if _nom(p) == f"{gabarit}.txt")
    contexte = {**_contexte_piege(chemin_texte), **_contexte_piege(chemin_texte.with_suffix(".html"))}
    contexte.pop("portail_url", None)
    contexte.pop("sujet", None)
    if "notification" in contexte:
        contexte["notification"] = Piege()
    if gabarit.endswith("resume_quotidien"):
        contexte["notifications"] = [(Piege(), "https://exemple.fr/")]
    courriel = courriel_construire(
        gabarit=gabarit, sujet=PIEGE, destinataire="lou@exemple.fr", contexte=contexte
    )
    assert PIEGE in courriel.body
    assert "&#x27;" not in courriel.body and "&amp;" not in courriel.body
    _echappe_une_fois(courriel.alternatives[0][0])


def test_la_migration_rend_leur_texte_brut_aux_messages_deja_echappes():
    migration = importlib.import_module("socle.migrations.0003_notifications_en_texte_brut")
    personne = UtilisateurFactory()
    echappee = Notification.objects.create(
        destinataire=personne, verbe="financements.demande.message", titre="t", message=escape(PIEGE)
    )
    voulue = Notification.objects.create(
        destinataire=personne, verbe="college.commentaire.publie", titre="t", message="tapé : &amp;"
    )
    migration.desechapper(django_apps, None)
    echappee.refresh_from_db()
    voulue.refresh_from_db()
    assert echappee.message == PIEGE
    assert voulue.message == "tapé : &amp;"
