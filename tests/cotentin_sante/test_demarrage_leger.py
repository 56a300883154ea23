"""Ce que chaque démarrage de Django (serveur, worker, beat, migrate, manage.py) n'importe pas :
les bibliothèques lourdes qui ne servent qu'à un PDF, un classeur ou un calendrier s'importent
à leur premier usage (socle/pdf.py, socle/documents.py, socle/exports.py, socle/calendrier.py).
Un import remis en tête de module par mégarde coûte de nouveau à chaque processus."""

import subprocess
import sys

LOURDES = ("weasyprint", "pypdf", "openpyxl", "icalendar")


def test_django_demarre_sans_les_bibliotheques_lourdes():
    code = f"import sys, django; django.setup(); print(','.join(m for m in {LOURDES!r} if m in sys.modules))"
    sortie = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.strip()
    assert sortie == ""
