"""Les cartes de la page des indicateurs (issue 17), sur les 129 vraies communes chargées par
charger_cotentin : un chemin, un titre et un lien par commune, les chiffres de la carte égaux
à ceux que calculent les indicateurs (territoire.indicateurs), les communes sans contour ou
sans donnée nommées, les sources citées."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from html import unescape

import pytest
from django.core.management import call_command
from django.utils import translation

from socle.carte import BAISSES, COULEUR_ZERO, HAUSSES, cle_alphabetique
from socle.francais import nombre
from territoire import ATTRIBUTION_CONTOURS, ATTRIBUTION_POLES
from territoire.indicateurs import GENERALISTES, choisir_profession, communes_de_la_carte, densites, evolution
from territoire.models import (
    Commune,
    ImportFichier,
    PoleDeProximite,
    ReleveEffectifs,
    StatutImport,
    TypeImport,
)
from tests.territoire.factories import (
    CommuneFactory,
    LieuExerciceFactory,
    ProfessionFactory,
    ProfessionnelFactory,
    SpecialiteFactory,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _francais():
    with translation.override("fr"):
        yield


def svg(html: str, identifiant: str) -> ET.Element:
    """Le <svg> de la carte `identifiant`, lu comme du XML."""
    morceau = re.search(rf'<svg\b[^>]*aria-labelledby="{identifiant}-titre".*?</svg>', html, re.S)
    assert morceau, identifiant
    return ET.fromstring(morceau.group(0))  # noqa: S314 (notre propre gabarit, pas une entrée extérieure)


def communes_dessinees(element: ET.Element) -> list[tuple[str, str, str]]:
    """(lien, titre, remplissage) de chaque commune de la carte ; chacune a un chemin."""
    communes = []
    for lien in element.iter(f"{SVG}a"):
        if lien.find(f"{SVG}path[@d]") is None or "carte-communes" not in _classe_du_groupe(element, lien):
            continue
        chemin = lien.find(f"{SVG}path")
        titre = lien.find(f"{SVG}title")
        assert chemin is not None and titre is not None and chemin.get("d")
        communes.append((lien.get("href") or "", titre.text or "", chemin.get("fill") or ""))
    return communes


def _classe_du_groupe(racine: ET.Element, enfant: ET.Element) -> str:
    for groupe in racine.iter(f"{SVG}g"):
        if enfant in list(groupe):
            return groupe.get("class") or ""
    return ""


def lignes_du_tableau(html: str, identifiant: str) -> dict[str, list[str]]:
    """Première cellule → les autres, pour chaque ligne du corps du tableau `identifiant`."""
    tableau = re.search(rf'<table[^>]*id="{identifiant}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert tableau, identifiant
    lignes = {}
    for ligne in re.findall(r"<tr\b.*?</tr>", tableau.group(1), re.S):
        cellules = [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd]\b.*?</t[hd]>", ligne, re.S)
        ]
        lignes[cellules[0]] = cellules[1:]
    return lignes


@pytest.fixture
def cotentin():
    """Les 129 communes réelles et leurs onze pôles ; des généralistes à Valognes (dont un
    avec deux lieux dans la commune, un qui n'exerce plus), un à Valognes et à Cherbourg, un
    infirmier aux Pieux ; une commune sans contour ni population ; deux relevés par pôle."""
    call_command("charger_cotentin", stdout=io.StringIO())
    medecin = ProfessionFactory(code="10", libelle="Médecin")
    infirmier = ProfessionFactory(code="60", libelle="Infirmier")
    sm54 = SpecialiteFactory(code="SM54", libelle="Médecine générale")
    valognes = Commune.objects.get(nom="Valognes")
    cherbourg = Commune.objects.get(nom="Cherbourg-en-Cotentin")
    pieux = Commune.objects.get(nom="Les Pieux")
    assert pieux.population

    def pro(profession, specialite, communes, actif=True):
        personne = ProfessionnelFactory(profession=profession, specialite=specialite, actif=actif)
        for commune in communes:
            LieuExerciceFactory(professionnel=personne, commune=commune)

    pro(medecin, sm54, [valognes, valognes])
    pro(medecin, sm54, [valognes])
    pro(medecin, sm54, [valognes], actif=False)
    pro(medecin, sm54, [valognes, cherbourg])
    pro(infirmier, None, [pieux])
    CommuneFactory(code_insee="50999", nom="Zéro-sur-Contour", population=None, pole=None, contour=None)

    # Généralistes relevés : Valognes (Cœur du Cotentin) 5 → 3, Cherbourg 10 → 12, Les Pieux 2 → 2.
    poles = {p.nom: p for p in PoleDeProximite.objects.all()}
    for jour, effectifs in [
        (date(2025, 6, 1), {"Cœur du Cotentin": 5, "Cherbourg-en-Cotentin": 10, "Les Pieux": 2}),
        (date(2026, 11, 23), {"Cœur du Cotentin": 3, "Cherbourg-en-Cotentin": 12, "Les Pieux": 2}),
    ]:
        releve = ImportFichier.objects.create(
            type=TypeImport.RPPS, statut=StatutImport.TERMINE, date_extraction=jour
        )
        ReleveEffectifs.objects.create(
            import_fichier=releve, date=jour, profession=medecin, effectif=sum(effectifs.values())
        )
        for nom, effectif in effectifs.items():
            for specialite in (None, sm54):
                ReleveEffectifs.objects.create(
                    import_fichier=releve,
                    date=jour,
                    profession=medecin,
                    specialite=specialite,
                    pole=poles[nom],
                    effectif=effectif,
                )
    return {"valognes": valognes, "cherbourg": cherbourg, "poles": poles}


def _page(client, **parametres) -> str:
    reponse = client.get("/indicateurs/", parametres)
    assert reponse.status_code == 200
    return reponse.content.decode()


def test_carte_des_densites_par_commune(client, professionnel, cotentin):
    client.force_login(professionnel)
    html = _page(client)
    dessinees = communes_dessinees(svg(html, "carte-densite"))
    # Une commune dessinée par contour (la 130e n'en a pas), chacune un lien vers l'annuaire
    # de ses professionnels.
    assert len(dessinees) == 129
    pks = dict(Commune.objects.values_list("nom", "pk"))
    assert {lien for lien, _, _ in dessinees} == {
        f"/annuaire/?commune={pk}" for nom, pk in pks.items() if nom != "Zéro-sur-Contour"
    }
    titres = {titre for _, titre, _ in dessinees}
    # Trois généralistes en activité à Valognes, une fois chacun ; l'inactif ne compte pas.
    population = cotentin["valognes"].population
    assert f"Valognes : {nombre(3 * 10_000 / population, 1)} pour 10 000 habitants" in titres
    cherbourg = nombre(10_000 / cotentin["cherbourg"].population, 1)
    assert f"Cherbourg-en-Cotentin : {cherbourg} pour 10 000 habitants" in titres
    # Zéro à part, en gris clair : la plupart des communes n'ont pas de généraliste.
    assert sum(1 for _, _, remplissage in dessinees if remplissage == COULEUR_ZERO) == 127

    # Le tableau de la carte : les chiffres que calculent les indicateurs, commune par commune.
    choisie = choisir_profession(densites().professions, GENERALISTES)
    attendu = {c.nom: [c.pole, nombre(c.densite.pour_10000, 1)] for c in communes_de_la_carte(choisie)}
    assert len(attendu) == 130
    assert lignes_du_tableau(html, "carte-densite-tableau") == attendu
    assert attendu["Valognes"] == ["Cœur du Cotentin", nombre(3 * 10_000 / population, 1)]
    assert attendu["Zéro-sur-Contour"] == ["", "—"]
    # La commune sans contour, sans population, nommée sous la carte.
    assert "<li>Zéro-sur-Contour (pas de contour, absente de la carte)</li>" in html


def test_carte_des_densites_par_pole(client, professionnel, cotentin):
    client.force_login(professionnel)
    html = _page(client)
    dessinees = communes_dessinees(svg(html, "carte-densite-poles"))
    assert len(dessinees) == 129
    ligne = densites().ligne(GENERALISTES)
    assert ligne is not None
    par_pole = {p.nom: d.pour_10000 for p, d in zip(densites().poles, ligne.poles, strict=True)}
    poles = cotentin["poles"]
    # Chaque commune prend la densité de son pôle, celle du tableau et du graphique par pôle,
    # et mène à l'annuaire du pôle.
    communes = Commune.objects.filter(contour__isnull=False).select_related("pole")
    attendus = {
        (
            f"/annuaire/?pole={c.pole.pk}",
            f"{c.nom}, pôle {c.pole.nom} : {nombre(par_pole[c.pole.nom], 1)} pour 10 000 habitants",
        )
        for c in communes
    }
    assert {(lien, titre) for lien, titre, _ in dessinees} == attendus
    # Une couleur par pôle : les communes d'un même pôle ont celle de leur pôle.
    couleurs: dict[str, set[str]] = {}
    for lien, _, remplissage in dessinees:
        couleurs.setdefault(lien, set()).add(remplissage)
    assert all(len(c) == 1 for c in couleurs.values())
    assert (
        couleurs[f"/annuaire/?pole={poles['Cœur du Cotentin'].pk}"]
        != couleurs[f"/annuaire/?pole={poles['La Saire'].pk}"]
    )
    # Les chiffres des pôles sont dans le tableau de la densité, sur la même page.
    cellules = lignes_du_tableau(html, "tableau-densite")["Médecins généralistes (profession du graphique)"]
    assert cellules[:-1] == [nombre(v, 1) for v in par_pole.values()]


def test_carte_de_l_evolution_par_pole(client, professionnel, cotentin):
    client.force_login(professionnel)
    html = _page(client)
    element = svg(html, "carte-evolution")
    assert element.find(f"{SVG}title").text == (
        "Médecins généralistes : variation des effectifs par pôle du 1er juin 2025 au 23 novembre 2026"
    )
    dessinees = communes_dessinees(element)
    assert len(dessinees) == 129
    choisie = choisir_profession(densites().professions, GENERALISTES)
    variations = {ligne.perimetre: ligne.variation for ligne in evolution(choisie).poles}
    assert variations == {"Cherbourg-en-Cotentin": 2, "Cœur du Cotentin": -2, "Les Pieux": 0}
    poles = {p.pk: p.nom for p in PoleDeProximite.objects.all()}
    for lien, titre, remplissage in dessinees:
        pole = poles[int(lien.rsplit("=", 1)[1])]
        if pole == "Cœur du Cotentin":
            assert titre.endswith(", pôle Cœur du Cotentin : -2 professionnels") and remplissage in BAISSES
        elif pole == "Cherbourg-en-Cotentin":
            assert titre.endswith(" : +2 professionnels") and remplissage in HAUSSES
        elif pole == "Les Pieux":
            assert titre.endswith(" : 0 professionnel") and remplissage == COULEUR_ZERO
        else:  # aucun relevé de généralistes dans le pôle
            assert titre.endswith(" : pas de donnée") and remplissage == "url(#carte-evolution-hachures)"
    # Les communes des pôles sans relevé sont nommées sous la carte ; les chiffres des pôles
    # sont ceux du tableau de l'évolution.
    sans_releve = sorted(set(poles.values()) - set(variations), key=cle_alphabetique)
    assert len(sans_releve) == 8
    assert f"Hachurés, faute de donnée, les pôles : {', '.join(sans_releve)}</li>" in unescape(html)
    assert "Hachurées, les communes sans pôle : Zéro-sur-Contour</li>" in html
    assert "Barfleur, pôle Val de Saire (pas de donnée)" not in html  # dit par pôle, non commune par commune
    evolutions = {
        cellules[0]: cellules[-2]
        for cellules in ([nom, *reste] for nom, reste in lignes_du_tableau(html, "tableau-evolution").items())
        if len(cellules) > 3
    }
    assert evolutions["Cœur du Cotentin"] == "-2" and evolutions["Cherbourg-en-Cotentin"] == "+2"


def test_sans_second_releve_pas_de_carte_de_l_evolution(client, professionnel, cotentin):
    ImportFichier.objects.filter(date_extraction=date(2025, 6, 1)).delete()
    client.force_login(professionnel)
    html = _page(client)
    assert 'aria-labelledby="carte-evolution-titre"' not in html
    assert 'aria-labelledby="carte-densite-titre"' in html


def test_les_sources_sous_les_cartes(client, professionnel, cotentin):
    client.force_login(professionnel)
    html = unescape(_page(client))
    assert html.count(str(ATTRIBUTION_POLES)) == 2  # sous la carte des communes et sous celle de l'évolution
    assert str(ATTRIBUTION_CONTOURS) in html


def test_une_autre_profession(client, professionnel, cotentin):
    client.force_login(professionnel)
    html = _page(client, profession="60")
    titres = {titre for _, titre, _ in communes_dessinees(svg(html, "carte-densite"))}
    pieux = Commune.objects.get(nom="Les Pieux")
    assert pieux.population
    assert f"Les Pieux : {nombre(10_000 / pieux.population, 1)} pour 10 000 habitants" in titres
    assert "Infirmier pour 10 000 habitants, par commune" in html
