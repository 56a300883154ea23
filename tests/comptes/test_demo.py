"""Les comptes de démonstration, dans la démonstration complète construite une fois par session
(tests/demonstration.py) par les étapes de `manage.py demo`."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError

from bilan.models import BilanAnnuel, StatutBilan, VersionBilan
from comptes.demo import COMPTES_DEMO, MOT_DE_PASSE_DEMO
from comptes.models import Utilisateur
from socle.models import Document


def test_demo_idempotente_un_compte_par_persona(
    demonstration, settings, capsys, django_capture_on_commit_callbacks
):
    """Le seul second passage de `manage.py demo` de la suite : chaque étape trouve ses données
    et n'écrit rien (les comptes ici, le bilan à la fin)."""
    settings.DEBUG = True
    documents = Document.objects.count()
    # Le premier passage, celui qui a construit la démonstration ; puis un second.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
    sortie = demonstration.sortie + capsys.readouterr().out
    # Le bilan rejoué ne crée pas de seconde version.
    assert "Bilan annuel de démonstration déjà présent." in sortie
    assert VersionBilan.objects.count() == 1 and Document.objects.count() == documents
    assert BilanAnnuel.objects.get().versions.get().statut == StatutBilan.TRANSMIS_CC
    assert "8 comptes de démonstration créés." in sortie
    assert "Comptes de démonstration déjà présents." in sortie
    assert "Territoire de démonstration déjà présent." in sortie
    assert "Conseil de santé de démonstration déjà présent." in sortie
    assert "Scrutins de démonstration déjà présents." in sortie
    # Les huit comptes où l'on se connecte ; les autres membres des instances du Conseil de
    # démonstration et les recruteurs figurants n'ont pas de mot de passe utilisable.
    connectables = [u for u in Utilisateur.objects.all() if u.has_usable_password()]
    assert sorted(u.email for u in connectables) == sorted(c.email for c in COMPTES_DEMO)
    assert len(COMPTES_DEMO) == 8
    for compte in COMPTES_DEMO:
        utilisateur = Utilisateur.objects.get(email=compte.email)
        assert utilisateur.email.endswith("@demo.cotentin.fr")
        assert utilisateur.check_password(MOT_DE_PASSE_DEMO)
        assert Authenticator.objects.filter(user=utilisateur, type="totp").exists() is compte.avec_mfa


def test_code_totp_de_demo(demonstration, settings, capsys):
    settings.DEBUG = True
    call_command("code_totp", "agent@demo.cotentin.fr")
    assert capsys.readouterr().out.strip().isdigit()
    with pytest.raises(CommandError):
        call_command("code_totp", "professionnel@demo.cotentin.fr")


def test_la_commande_code_totp_du_readme_marche_a_cote_de_make_run(tmp_path):
    """La commande telle que le README l'écrit, pendant qu'un `make run` tient ses services
    embarqués ailleurs : ni PostgreSQL ni Redis sur les ports par défaut (ici, des ports où rien
    n'écoute). Elle n'a besoin ni de l'un ni de l'autre."""
    import os
    import re
    import subprocess
    import sys
    import time
    from pathlib import Path

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from comptes.demo import GRAINE_TOTP_DEMO
    from tests.outils import port_ferme

    racine = Path(__file__).resolve().parents[2]
    readme = (racine / "README.md").read_text(encoding="utf-8")
    [commande] = re.findall(r"^(DJANGO_DEBUG=1 uv run python manage\.py code_totp \S+)$", readme, re.M)
    variables, _, reste = commande.partition(" uv run python ")
    env = {
        **os.environ,
        **dict(v.split("=", 1) for v in variables.split()),
        "DJANGO_SETTINGS_MODULE": "cotentin_sante.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port_ferme()}/cotentin_sante",
        "REDIS_URL": f"redis://127.0.0.1:{port_ferme()}/0",
    }
    resultat = subprocess.run(
        [sys.executable, *reste.split()], cwd=racine, env=env, capture_output=True, text=True, timeout=60
    )
    assert resultat.returncode == 0, resultat.stderr
    compteur = int(time.time()) // 30
    attendus = {
        format_hotp_value(hotp_value(GRAINE_TOTP_DEMO, c)) for c in (compteur - 1, compteur, compteur + 1)
    }
    assert resultat.stdout.strip() in attendus
