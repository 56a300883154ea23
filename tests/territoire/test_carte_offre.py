"""La carte de l'offre de soins, publique (issue 17) : la densité commune par commune de la
profession choisie sur les 129 vraies communes, les mêmes chiffres que les indicateurs, aucun
nom de professionnel ; les communes ne mènent à l'annuaire que pour qui peut l'ouvrir."""

from html import unescape

import pytest
from django.urls import reverse

from socle.francais import nombre
from territoire import ATTRIBUTION_CONTOURS, ATTRIBUTION_POLES
from territoire.indicateurs import GENERALISTES, choisir_profession, communes_de_la_carte, densites
from territoire.models import Professionnel
from tests.outils import compter_requetes
from tests.territoire.factories import LieuExerciceFactory, ProfessionnelFactory, rpps
from tests.territoire.test_cartes_indicateurs import (  # noqa: F401 (fixture cotentin)
    SVG,
    _francais,
    communes_dessinees,
    cotentin,
    lignes_du_tableau,
    svg,
)

pytestmark = pytest.mark.django_db

URL = reverse("territoire:carte_offre")


def test_le_public_lit_la_carte_sans_compte_et_sans_aucun_nom(client, cotentin):  # noqa: F811
    LieuExerciceFactory(
        professionnel=ProfessionnelFactory(nom="Zorglubovitch", rpps=rpps(98_765)),
        commune=cotentin["valognes"],
    )
    reponse = client.get(URL)
    assert reponse.status_code == 200
    html = reponse.content.decode()
    carte = svg(html, "carte-densite")
    # Sans compte, l'annuaire est fermé : aucune commune n'y mène ; chacune a son chemin et
    # son titre.
    assert communes_dessinees(carte) == []
    [groupe] = [g for g in carte.iter(f"{SVG}g") if g.get("class") == "carte-communes"]
    chemins = groupe.findall(f"{SVG}path")
    assert len(chemins) == 129 and all(c.get("d") for c in chemins)
    titres = {c.findtext(f"{SVG}title") for c in chemins}
    population = cotentin["valognes"].population
    assert f"Valognes : {nombre(3 * 10_000 / population, 1)} pour 10 000 habitants" in titres
    # Le tableau sous la carte : les chiffres des indicateurs.
    choisie = choisir_profession(densites().professions, GENERALISTES)
    attendu = {c.nom: [c.pole, nombre(c.densite.pour_10000, 1)] for c in communes_de_la_carte(choisie)}
    assert lignes_du_tableau(html, "carte-densite-tableau") == attendu
    # Des chiffres, jamais une personne.
    assert "Zorglubovitch" not in html and rpps(98_765) not in html
    assert str(ATTRIBUTION_POLES) in unescape(html) and str(ATTRIBUTION_CONTOURS) in unescape(html)
    assert "/indicateurs/" not in html


def test_connecte_chaque_commune_mene_a_l_annuaire(client, professionnel, cotentin):  # noqa: F811
    client.force_login(professionnel)
    html = client.get(URL, {"profession": GENERALISTES}).content.decode()
    liens = {lien for lien, _, _ in communes_dessinees(svg(html, "carte-densite"))}
    assert f"/annuaire/?commune={cotentin['valognes'].pk}" in liens
    assert "/indicateurs/" in html


def test_une_profession_inconnue_ou_absurde_ne_casse_rien(client, cotentin):  # noqa: F811
    for choix in ("999", "x" * 500, "-1"):
        assert client.get(URL, {"profession": choix}).status_code == 200


def test_sans_professionnel_la_page_le_dit(client):
    reponse = client.get(URL)
    assert reponse.status_code == 200
    assert "la carte sera dessinée après le premier import" in reponse.content.decode()


def test_le_nombre_de_requetes_ne_depend_ni_des_communes_ni_des_professionnels(
    client,
    professionnel,
    cotentin,  # noqa: F811
):
    # Anonyme : densités (4), communes de la carte (1). Connecté : la session, l'utilisateur et
    # ce que lit le gabarit de base (menu, notifications) en plus.
    assert compter_requetes(client, URL) == 5
    client.force_login(professionnel)
    connecte = compter_requetes(client, URL)
    cotentin_bis = Professionnel.objects.count()
    for _ in range(20):
        LieuExerciceFactory(professionnel=ProfessionnelFactory(), commune=cotentin["cherbourg"])
    assert Professionnel.objects.count() == cotentin_bis + 20
    assert compter_requetes(client, URL) == connecte
