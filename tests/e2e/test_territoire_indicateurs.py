"""Les indicateurs du territoire dans un vrai navigateur : choix, graphiques, CSV, axe."""

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comptes.roles import Role
from territoire.models import ImportFichier, ReleveEffectifs, StatutImport, TypeImport
from tests.comptes.factories import UtilisateurFactory
from tests.e2e.conftest import connecter
from tests.territoire.factories import (
    CommuneFactory,
    FuiteFactory,
    LieuExerciceFactory,
    PoleFactory,
    ProfessionFactory,
    ProfessionnelFactory,
    SpecialiteFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _territoire() -> None:
    """Trois pôles, des médecins généralistes et des infirmiers, deux relevés, des fuites."""
    medecin = ProfessionFactory(code="10", libelle="Médecin")
    infirmier = ProfessionFactory(code="60", libelle="Infirmier")
    generaliste = SpecialiteFactory(code="SM54")
    for i, (nom, population, medecins, infirmiers) in enumerate(
        [
            ("Pôle de Cherbourg", 78_000, 6, 9),
            ("Pôle de la Hague", 11_500, 1, 3),
            ("Pôle des Pieux", 14_000, 2, 2),
        ]
    ):
        pole = PoleFactory(nom=nom, ordre=i)
        commune = CommuneFactory(code_insee=f"5010{i}", nom=f"Commune {i}", population=population, pole=pole)
        for _ in range(medecins):
            LieuExerciceFactory(
                commune=commune,
                professionnel=ProfessionnelFactory(profession=medecin, specialite=generaliste),
            )
        for _ in range(infirmiers):
            LieuExerciceFactory(commune=commune, professionnel=ProfessionnelFactory(profession=infirmier))
    for jour, (medecins, infirmiers) in [(date(2025, 6, 1), (11, 12)), (date(2026, 11, 23), (9, 14))]:
        releve = ImportFichier.objects.create(
            type=TypeImport.RPPS, statut=StatutImport.TERMINE, date_extraction=jour
        )
        for profession, specialite, effectif in [
            (medecin, None, medecins),
            (medecin, generaliste, medecins),
            (infirmier, None, infirmiers),
        ]:
            ReleveEffectifs.objects.create(
                import_fichier=releve,
                date=jour,
                profession=profession,
                specialite=specialite,
                effectif=effectif,
            )
    FuiteFactory(annee=2024, specialite="Ophtalmologie", patients=500, patients_hors_territoire=250)
    FuiteFactory(annee=2024, specialite="Cardiologie", patients=1000, patients_hors_territoire=300)


def test_un_membre_consulte_les_indicateurs_et_telecharge_un_csv(onglet):
    _territoire()
    connecter(onglet, UtilisateurFactory(email="membre@exemple.fr", roles=(Role.MEMBRE_COLLEGE,)))
    page = onglet.aller("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Indicateurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicateurs de l'offre de santé")
    expect(
        page.get_by_role("img", name=re.compile(r"^Médecins généralistes pour 10 000 habitants"))
    ).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile(r"^Médecins généralistes sur le territoire, à chaque relevé"))
    ).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile(r"^Part des patients soignés hors du territoire"))
    ).to_be_visible()
    mise_en_avant = page.locator("#tableau-densite tr.ligne-mise-en-avant th")
    expect(mise_en_avant).to_contain_text("Médecins généralistes")
    onglet.verifier_accessibilite()

    page.get_by_label("Profession (densité et évolution par pôle)").select_option(label="Infirmier")
    page.get_by_role("button", name="Afficher").click()
    graphique = page.get_by_role("img", name=re.compile(r"^Infirmier pour 10 000 habitants"))
    expect(graphique).to_be_visible()
    # 3 infirmiers pour 11 500 habitants à la Hague : 2,6 pour 10 000.
    expect(graphique.locator("text", has_text="2,6")).to_have_count(1)
    expect(mise_en_avant).to_contain_text("Infirmier")
    # La courbe d'évolution suit la profession choisie.
    expect(
        page.get_by_role("img", name=re.compile(r"^Infirmier sur le territoire, à chaque relevé"))
    ).to_be_visible()
    expect(page.get_by_label("Profession (densité et évolution par pôle)")).to_have_value("60")

    with page.expect_download() as attente:
        page.get_by_role("link", name=re.compile(r"^Télécharger en CSV : Effectifs relevés")).click()
    fichier = attente.value
    assert fichier.suggested_filename == f"cotentin-evolution-{timezone.localdate():%Y-%m-%d}.csv"
    contenu = Path(fichier.path()).read_bytes()
    assert contenu.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][2:4] == ["1er juin 2025", "23 novembre 2026"]
    assert ["Territoire", "Infirmier", "12", "14", "+2", "+16,7"] in lignes


def test_indicateurs_sans_aucune_donnee(onglet):
    connecter(onglet, UtilisateurFactory(email="pro@exemple.fr"))
    page = onglet.aller("/indicateurs/")
    expect(page.get_by_text("Aucune donnée de fuites n'est importée.")).to_be_visible()
    expect(page.locator("main svg")).to_have_count(0)
    onglet.verifier_accessibilite()
