"""La carte d'un pôle dans l'annuaire (issue 17) : les communes du pôle, les structures
trouvées en repères menant à leur fiche (au centre de leur commune quand elles n'ont pas de
coordonnées, et le titre le dit), les mêmes structures que la liste, les sources citées ; les
autres pages de l'annuaire ne lisent aucun contour."""

import io
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from territoire import ATTRIBUTION_CONTOURS, ATTRIBUTION_POLES
from territoire.models import Commune, PoleDeProximite, Structure, TypeStructure
from tests.territoire.factories import LieuExerciceFactory, StructureFactory
from tests.territoire.test_cartes_indicateurs import SVG, communes_dessinees, lignes_du_tableau, svg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _francais():
    with translation.override("fr"):
        yield


@pytest.fixture
def pole():
    """Le pôle Cœur du Cotentin (19 communes réelles) : à Valognes, un hôpital et une MSP
    placés par leurs coordonnées, un EHPAD sans coordonnées ; une MSP à Bricquebec ; un
    hôpital dans un autre pôle, une structure sans commune ni coordonnées."""
    call_command("charger_cotentin", stdout=io.StringIO())
    valognes = Commune.objects.get(nom="Valognes")
    bricquebec = Commune.objects.get(nom="Bricquebec-en-Cotentin")
    StructureFactory(
        nom="Hôpital de Valognes",
        type=TypeStructure.CENTRE_HOSPITALIER,
        commune=valognes,
        latitude=49.5085,
        longitude=-1.4702,
    )
    StructureFactory(
        nom="MSP de Valognes", type=TypeStructure.MSP, commune=valognes, latitude=49.5102, longitude=-1.4751
    )
    StructureFactory(nom="EHPAD des Tilleuls", type=TypeStructure.MEDICO_SOCIAL, commune=valognes)
    StructureFactory(
        nom="MSP de Bricquebec", type=TypeStructure.MSP, commune=bricquebec, latitude=49.47, longitude=-1.633
    )
    StructureFactory(
        nom="Hôpital Pasteur",
        type=TypeStructure.CENTRE_HOSPITALIER,
        commune=Commune.objects.get(nom="Cherbourg-en-Cotentin"),
        latitude=49.6337,
        longitude=-1.6222,
    )
    return PoleDeProximite.objects.get(nom="Cœur du Cotentin")


def _page(client, **parametres) -> str:
    reponse = client.get("/annuaire/", parametres)
    assert reponse.status_code == 200
    return reponse.content.decode()


def _reperes(element) -> dict[str, str]:
    """Titre → lien de chaque repère de la carte."""
    groupe = next(g for g in element.iter(f"{SVG}g") if g.get("class") == "carte-reperes")
    return {a.find(f"{SVG}title").text: a.get("href") for a in groupe.iter(f"{SVG}a")}


def test_la_carte_du_pole_et_ses_structures(client, membre_college, pole):
    client.force_login(membre_college)
    html = _page(client, onglet="structures", pole=pole.pk)
    element = svg(html, "carte-pole")
    assert element.find(f"{SVG}title").text == "Les structures trouvées dans le pôle Cœur du Cotentin"
    # Les 19 communes du pôle, chacune menant aux structures trouvées dans la commune.
    communes = dict(Commune.objects.filter(pole=pole).values_list("nom", "pk"))
    assert len(communes) == 19
    dessinees = communes_dessinees(element)
    assert sorted(lien for lien, _, _ in dessinees) == sorted(
        f"?onglet=structures&pole={pole.pk}&commune={pk}" for pk in communes.values()
    )
    titres = {titre for _, titre, _ in dessinees}
    assert {"Valognes : 3 structures", "Bricquebec-en-Cotentin : 1 structure", "Brix : 0 structure"} <= titres
    assert lignes_du_tableau(html, "carte-pole-tableau")["Valognes"] == ["3 structures"]

    # Les quatre structures du pôle, chacune menant à sa fiche ; l'EHPAD sans coordonnées est
    # au centre de Valognes, et son titre le dit. L'hôpital de Cherbourg n'est pas du pôle.
    fiches = {nom: f"/annuaire/structures/{pk}/" for nom, pk in Structure.objects.values_list("nom", "pk")}
    assert _reperes(element) == {
        "Hôpital de Valognes (Centre hospitalier)": fiches["Hôpital de Valognes"],
        "MSP de Valognes (Maison de santé pluriprofessionnelle (MSP / PSLA))": fiches["MSP de Valognes"],
        "MSP de Bricquebec (Maison de santé pluriprofessionnelle (MSP / PSLA))": fiches["MSP de Bricquebec"],
        "EHPAD des Tilleuls, placée au centre de sa commune (pas de coordonnées) "
        "(EHPAD / établissement médico-social)": fiches["EHPAD des Tilleuls"],
    }
    assert "1 structure sans coordonnées est placée au centre de sa commune." in html
    texte = unescape(html)
    assert str(ATTRIBUTION_POLES) in texte and str(ATTRIBUTION_CONTOURS) in texte


def test_la_carte_suit_la_recherche_pas_la_page(client, membre_college, pole):
    """La carte montre toutes les structures trouvées (au-delà de la page), et seulement elles."""
    client.force_login(membre_college)
    html = _page(client, onglet="structures", pole=pole.pk, type=TypeStructure.MSP, q="msp", page=1)
    titres = set(_reperes(svg(html, "carte-pole")))
    assert {t.split(" (")[0] for t in titres} == {"MSP de Valognes", "MSP de Bricquebec"}


def test_une_structure_sans_commune_ni_coordonnees_est_dite(client, membre_college, pole):
    valognes = Commune.objects.get(nom="Valognes")
    valognes.contour = None
    valognes.save(update_fields=["contour"])
    client.force_login(membre_college)
    html = unescape(_page(client, onglet="structures", pole=pole.pk))
    assert "Sans coordonnées ni commune sur la carte, donc absentes de la carte : EHPAD des Tilleuls" in html
    assert "Valognes (pas de contour, absente de la carte)" in html


def test_sans_pole_pas_de_carte_mais_la_mention_des_poles(client, membre_college, pole):
    client.force_login(membre_college)
    for parametres in ({"onglet": "structures"}, {}, {"pole": pole.pk}):
        html = unescape(_page(client, **parametres))
        assert "carte-pole" not in html
        assert str(ATTRIBUTION_POLES) in html and str(ATTRIBUTION_CONTOURS) not in html
        assert "graphiques.css" not in html
    # Les fiches nomment le pôle de la structure ou des lieux d'exercice.
    for fiche in [
        f"/annuaire/structures/{Structure.objects.get(nom='MSP de Valognes').pk}/",
        f"/annuaire/professionnels/{LieuExerciceFactory(commune=pole.communes.first()).professionnel.pk}/",
    ]:
        reponse = client.get(fiche)
        assert "Cœur du Cotentin" in unescape(reponse.content.decode())
        assert str(ATTRIBUTION_POLES) in unescape(reponse.content.decode())


def test_les_autres_pages_de_l_annuaire_ne_lisent_pas_les_contours(client, membre_college, pole):
    client.force_login(membre_college)
    valognes = Commune.objects.get(nom="Valognes")
    structure = next(
        pk for nom, pk in Structure.objects.values_list("nom", "pk") if nom == "Hôpital de Valognes"
    )
    for url in [
        "/annuaire/",
        f"/annuaire/?pole={pole.pk}&commune={valognes.pk}",
        f"/annuaire/?onglet=structures&commune={valognes.pk}&q=valognes",
        f"/annuaire/structures/{structure}/",
    ]:
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(url).status_code == 200
        assert not [r["sql"] for r in requetes if re.search(r'"contour"', r["sql"])], url
    with CaptureQueriesContext(connection) as requetes:
        client.get("/annuaire/", {"onglet": "structures", "pole": pole.pk})
    # La carte du pôle : ses seules communes, en une requête.
    assert len([r for r in requetes if '"contour"' in r["sql"]]) == 1
