"""Les indicateurs du territoire dans un vrai navigateur : choix, graphiques, CSV, axe."""

import csv
import io
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from comptes.roles import Role
from territoire.models import (
    Commune,
    ImportFichier,
    PoleDeProximite,
    ReleveEffectifs,
    StatutImport,
    TypeImport,
)
from tests.comptes.factories import UtilisateurFactory
from tests.e2e.conftest import Onglet, connecter
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


def verifier_aux_deux_largeurs(onglet: Onglet, chemin: str, nom: str, cartes: int) -> None:
    """À 1 280 px puis à 375 px : les `cartes` de la page tiennent dans l'écran (elles
    rétrécissent, la page ne défile pas de côté), axe sans violation ; une capture de la page
    entière dans /tmp/carte-<nom>-<largeur>.png (le dossier temporaire), pour la regarder."""
    page = onglet.page
    for largeur in (1280, 375):
        page.set_viewport_size({"width": largeur, "height": 900})
        onglet.aller(chemin)
        svgs = page.locator("main svg.carte-svg")
        expect(svgs).to_have_count(cartes)
        assert page.evaluate("document.documentElement.scrollWidth") <= largeur
        for i in range(cartes):
            boite = svgs.nth(i).bounding_box()
            assert boite is not None and boite["x"] >= 0 and boite["x"] + boite["width"] <= largeur
            assert boite["height"] > boite["width"] / 2  # dessinée, à la bonne échelle
        page.screenshot(path=Path(tempfile.gettempdir()) / f"carte-{nom}-{largeur}.png", full_page=True)
        onglet.verifier_accessibilite()


def test_les_cartes_des_indicateurs(onglet):
    """Sur les vraies communes : trois cartes (densité par commune, par pôle, évolution par
    pôle) ; une commune mène à l'annuaire de ses professionnels."""
    call_command("charger_cotentin", stdout=io.StringIO())
    medecin = ProfessionFactory(code="10", libelle="Médecin")
    generaliste = SpecialiteFactory(code="SM54")
    valognes = Commune.objects.get(nom="Valognes")
    for nom in ["Valognes", "Valognes", "Les Pieux", "Cherbourg-en-Cotentin", "Barfleur"]:
        LieuExerciceFactory(
            commune=Commune.objects.get(nom=nom),
            professionnel=ProfessionnelFactory(
                profession=medecin, specialite=generaliste, nom=f"Docteur {nom}"
            ),
        )
    poles = {p.nom: p for p in PoleDeProximite.objects.all()}
    for jour, effectifs in [
        (date(2025, 6, 1), {"Cœur du Cotentin": 4, "Les Pieux": 1, "Val de Saire": 1}),
        (date(2026, 11, 23), {"Cœur du Cotentin": 2, "Les Pieux": 1, "Val de Saire": 3}),
    ]:
        releve = ImportFichier.objects.create(
            type=TypeImport.RPPS, statut=StatutImport.TERMINE, date_extraction=jour
        )
        for nom, effectif in effectifs.items():
            ReleveEffectifs.objects.create(
                import_fichier=releve,
                date=jour,
                profession=medecin,
                specialite=generaliste,
                pole=poles[nom],
                effectif=effectif,
            )
    connecter(onglet, UtilisateurFactory(email="membre@exemple.fr", roles=(Role.MEMBRE_COLLEGE,)))
    verifier_aux_deux_largeurs(onglet, "/indicateurs/", "indicateurs", cartes=3)

    page = onglet.page
    page.set_viewport_size({"width": 1280, "height": 900})
    carte = page.get_by_role("group", name="Médecins généralistes pour 10 000 habitants, par commune")
    commune = carte.locator(f'a[href="/annuaire/?commune={valognes.pk}"]')
    expect(commune.locator("title")).to_have_text(re.compile(r"^Valognes : \d+,\d pour 10 000 habitants$"))
    commune.click()
    expect(page.get_by_role("heading", name="2 professionnels trouvés")).to_be_visible()
    expect(page.get_by_label("Commune d'exercice")).to_have_value(str(valognes.pk))
