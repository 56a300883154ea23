"""La carte des densités dans le PDF du bilan annuel (issue 17) : le SVG de la section du
territoire passe par WeasyPrint, et son titre, sa légende, la commune sans contour et les
sources se relisent dans le PDF."""

import io
import os
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from bilan.rendu import html_du_bilan, pdf_du_bilan, rassembler
from territoire.models import Commune
from tests.territoire.factories import (
    CommuneFactory,
    LieuExerciceFactory,
    ProfessionFactory,
    ProfessionnelFactory,
    SpecialiteFactory,
)

pytestmark = pytest.mark.django_db


def test_la_carte_des_densites_se_relit_dans_le_pdf():
    call_command("charger_cotentin", stdout=io.StringIO())
    medecin = ProfessionFactory(code="10", libelle="Médecin")
    sm54 = SpecialiteFactory(code="SM54", libelle="Médecine générale")
    for nom in ["Valognes", "Valognes", "Les Pieux"]:
        LieuExerciceFactory(
            professionnel=ProfessionnelFactory(profession=medecin, specialite=sm54),
            commune=Commune.objects.get(nom=nom),
        )
    CommuneFactory(code_insee="50999", nom="Zéro-sur-Contour", population=None, pole=None, contour=None)

    bilan = rassembler(2025)
    [territoire] = [s for s in bilan.sections if s.cle == "territoire"]
    carte = re.search(r'<svg\b[^>]*aria-labelledby="carte-densite-titre".*?</svg>', territoire.html, re.S)
    assert carte is not None
    communes = re.search(r'<g class="carte-communes".*?</g>', carte.group(0), re.S)
    assert communes is not None and communes.group(0).count("<path ") == 129
    assert "<a " not in carte.group(0)
    pdf = pdf_du_bilan(html_du_bilan(bilan))
    if chemin := os.environ.get("CARTE_PDF"):  # pour la regarder : CARTE_PDF=/tmp/bilan.pdf
        with open(chemin, "wb") as fichier:
            fichier.write(pdf.contenu)
    texte = re.sub(
        r"\s+", " ", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.contenu)).pages)
    )
    assert "Médecins généralistes pour 10 000 habitants, par commune" in texte
    # La légende est du texte du SVG : zéro à part (127 communes sans généraliste), deux classes.
    assert "Légende (pour 10 000 habitants)" in texte
    assert "0,0 (127 communes)" in texte
    assert "Limite de pôle de proximité" in texte
    assert "Zéro-sur-Contour (pas de contour, absente de la carte)" in texte
    assert "(ODbL 1.0)" in texte and "ADMIN EXPRESS COG 2018" in texte
