"""Les comptes de démonstration, dans la démonstration complète construite une fois par session
(tests/demonstration.py) par les étapes de `manage.py demo`."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError

from comptes.demo import COMPTES_DEMO, MOT_DE_PASSE_DEMO
from comptes.models import Utilisateur


def test_demo_idempotente_un_compte_par_persona(demonstration, settings, capsys):
    settings.DEBUG = True
    # Le premier passage, celui qui a construit la démonstration ; puis un second.
    call_command("demo")
    sortie = demonstration.sortie + capsys.readouterr().out
    assert "5 comptes de démonstration créés." in sortie
    assert "Comptes de démonstration déjà présents." in sortie
    assert "Territoire de démonstration déjà présent." in sortie
    assert "Conseil de santé de démonstration déjà présent." in sortie
    assert "Scrutins de démonstration déjà présents." in sortie
    # Les cinq comptes où l'on se connecte ; les autres membres des instances du Conseil de
    # démonstration n'ont pas de mot de passe utilisable.
    connectables = [u for u in Utilisateur.objects.all() if u.has_usable_password()]
    assert sorted(u.email for u in connectables) == sorted(c.email for c in COMPTES_DEMO)
    assert len(COMPTES_DEMO) == 5
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
