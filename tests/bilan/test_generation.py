"""La génération d'une version du bilan, par les services (Celery en mode eager)."""

import hashlib
import io
from typing import Any

import pytest
from pypdf import PdfReader

from bilan.models import BilanAnnuel, EtatGeneration, VersionBilan
from bilan.services import bilan_demander

pytestmark = pytest.mark.django_db(transaction=True)


def test_une_version_est_generee_en_pdf_a_balise(secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version, cree = bilan_demander(annee=2025, acteur=secretariat)
    assert cree
    version.refresh_from_db()
    assert version.etat == EtatGeneration.PRETE, version.erreur
    contenu = version.document.fichier.read()
    assert hashlib.sha256(contenu).hexdigest() == version.empreinte
    lecteur = PdfReader(io.BytesIO(contenu))
    assert len(lecteur.pages) == version.pages
    racine: Any = lecteur.trailer["/Root"]
    assert racine["/Lang"] == "fr"
    assert racine["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in racine
    assert lecteur.metadata.title == "Bilan annuel 2025 du Conseil de santé du Cotentin"
    texte = "\n".join(page.extract_text() for page in lecteur.pages)
    assert "Sommaire" in texte
    assert BilanAnnuel.objects.get(annee=2025).versions.count() == 1
    assert VersionBilan.objects.count() == 1
