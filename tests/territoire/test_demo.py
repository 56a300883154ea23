"""Le territoire de démonstration passe par les vrais importeurs et se marque « démo ».

Lu dans la démonstration complète, construite une fois par session (tests/demonstration.py)."""

import io
from datetime import date

import pytest

from comptes.models import Utilisateur
from territoire import demo
from territoire.geometrie import contient
from territoire.models import (
    Appartenance,
    Commune,
    Fuite,
    ImportFichier,
    PoleDeProximite,
    Professionnel,
    Projet,
    ReleveEffectifs,
    StatutImport,
    Structure,
    TypeImport,
    TypeStructure,
)
from tests.comptes.factories import UtilisateurFactory


@pytest.mark.demonstration("territoire")
def test_le_territoire_de_demonstration(demonstration):
    # Le compte existait avant le territoire (les comptes sont la première étape).
    compte = Utilisateur.objects.get(email="membre.college@demo.cotentin.fr")
    assert demonstration.chargees["territoire"] is True

    # Les vraies communes, leurs contours et leurs pôles (charger_cotentin).
    assert Commune.objects.count() == len(demo.communes()) == 129
    assert not Commune.objects.filter(contour__isnull=True).exists()
    assert PoleDeProximite.objects.count() == 11
    cherbourg = Commune.objects.get(code_insee="50129")
    assert cherbourg.pole.nom == "Cherbourg-en-Cotentin"
    assert "50173" in cherbourg.codes_anciens  # Équeurdreville-Hainneville
    assert cherbourg.population == 78_258
    # Le GCS et ses deux membres fondateurs, depuis son numéro FINESS du 12 octobre 2017.
    gcs = Structure.objects.get(type=TypeStructure.GCS)
    membres = {a.membre.nom for a in Appartenance.objects.filter(groupement=gcs)}
    assert membres == {"CH PUBLIC DU COTENTIN", "POLYCLINIQUE DU COTENTIN"}
    assert set(Appartenance.objects.values_list("debut", flat=True)) == {date(2017, 10, 12)}
    # La polyclinique est citée par le code de sa commune déléguée : elle est bien à Cherbourg.
    assert Structure.objects.get(nom="POLYCLINIQUE DU COTENTIN").commune == cherbourg
    # Chaque établissement est placé dans sa commune ; les principaux, là où ils sont.
    for structure in Structure.objects.filter(latitude__isnull=False).select_related("commune"):
        assert contient(structure.commune.contour, structure.latitude, structure.longitude), structure
    assert Structure.objects.get(nom="CHPC SITE DE VALOGNES").commune.code_insee == "50615"
    assert Structure.objects.get(type=TypeStructure.GCS).commune == cherbourg
    # Les professionnels exercent sur tout le territoire, pas seulement dans les bourgs principaux
    # (l'ancienne démonstration n'avait que 29 communes).
    assert Commune.objects.filter(lieux_exercice__isnull=False).distinct().count() >= 40
    assert Structure.objects.filter(type=TypeStructure.CPTS).exists()
    # Trois relevés annuels, des départs et des arrivées.
    assert ImportFichier.objects.filter(type="rpps", statut=StatutImport.TERMINE).count() == 3
    assert sorted(set(ReleveEffectifs.objects.values_list("date", flat=True))) == list(demo.RELEVES)
    assert Professionnel.objects.filter(actif=False).exists()
    assert Professionnel.objects.filter(actif=True).count() >= 80
    # Les personnes des comptes de démonstration ont leur fiche, rattachée quand le compte existe.
    guerin = Professionnel.objects.get(rpps=demo.rpps(990_002))
    assert guerin.compte_id == compte.pk
    assert (guerin.nom, guerin.prenom, guerin.mode_exercice) == ("GUERIN", "Marc", "mixte")
    for email, rang, *_reste in demo.PERSONNES_DES_COMPTES:
        assert Professionnel.objects.get(rpps=demo.rpps(rang)).compte == Utilisateur.objects.get(email=email)
    assert Fuite.objects.count() == 4 * len(demo.FUITES)  # 2022 à 2025
    assert Projet.objects.filter(nature=Projet.Nature.PSLA).exists()
    # Tout est marqué comme donnée de démonstration, sauf le territoire réel.
    for modele in (Structure, Professionnel, Fuite, Projet):
        assert not modele.objects.filter(demo=False).exists(), modele
    assert not ImportFichier.objects.exclude(type=TypeImport.COTENTIN).filter(demo=False).exists()
    assert not PoleDeProximite.objects.filter(demo=True).exists()
    assert not Commune.objects.filter(demo=True).exists()
    assert not ImportFichier.objects.filter(type=TypeImport.COTENTIN, demo=True).exists()
    [message] = [ligne for ligne in demonstration.sortie.splitlines() if "Territoire" in ligne]
    assert message.startswith("Territoire de démonstration chargé")


@pytest.mark.demonstration("territoire")
def test_le_territoire_ne_se_charge_qu_une_fois(demonstration):
    professionnels = Professionnel.objects.count()

    assert demo.charger(nombre=20, afficher=lambda _message: None) is False
    assert Professionnel.objects.count() == professionnels


@pytest.mark.django_db
def test_une_fiche_reste_sans_compte_quand_le_compte_n_existe_pas():
    compte = UtilisateurFactory(email="membre.college@demo.cotentin.fr")

    assert demo.charger(nombre=20, afficher=lambda _message: None) is True

    assert Professionnel.objects.get(rpps=demo.rpps(990_002)).compte_id == compte.pk
    assert Professionnel.objects.get(rpps=demo.rpps(990_001)).compte is None


def test_le_fichier_rpps_national_a_le_format_officiel():
    sortie = io.StringIO()
    dans_le_territoire = demo.ecrire_rpps_national(sortie, lignes=2_000, part_territoire=0.01)
    lignes = sortie.getvalue().splitlines()

    assert lignes[0] == demo.ENTETE_RPPS.rstrip("\n")
    assert {ligne.count("|") for ligne in lignes} == {len(demo.COLONNES_RPPS)}  # séparateur final
    # Les codes du territoire : ses communes et leurs communes déléguées (que le RPPS cite encore).
    communes = demo.communes()
    territoire = {c.code for c in communes} | {d[0] for c in communes for d in c.deleguees}
    codes = [ligne.split("|")[36] for ligne in lignes[1:]]
    assert sum(code in territoire for code in codes) == dans_le_territoire >= 20
    assert not any(code.startswith("50") for code in set(codes) - territoire)
