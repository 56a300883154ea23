"""Nombre de requêtes SQL des indicateurs, épinglé, et qui ne grandit pas avec les lignes."""

from datetime import date, timedelta

import pytest

from territoire.models import ImportFichier, ReleveEffectifs, StatutImport, TypeImport
from tests.outils import compter_requetes
from tests.territoire.factories import (
    CommuneFactory,
    FuiteFactory,
    LieuExerciceFactory,
    PoleFactory,
    ProfessionFactory,
    ProfessionnelFactory,
    SpecialiteFactory,
)

pytestmark = pytest.mark.django_db

# Une page pour une personne connectée : 7 requêtes du socle (session, utilisateur, rôles par
# les groupes puis par les mandats du Conseil, droits de l'utilisateur et de ses groupes pour
# le menu, notifications non lues ; l'agent, personnel, lit en plus sa double authentification
# et les droits du Conseil pour le menu), plus les
# indicateurs : densité 4 (pôles et leur population, population du territoire, effectifs par
# pôle, effectifs du territoire), évolution 2 (relevés du territoire, relevés par pôle de la
# profession choisie), fuites 2 (années, lignes de l'année), cartes 1 (les communes, leurs
# contours et pôles et l'effectif de la profession choisie dans chacune, pour les trois cartes).
# Un CSV : 4 requêtes (session, utilisateur, rôles par les groupes et les mandats) et celles
# de son tableau ; l'évolution calcule aussi la densité, qui donne la liste des professions où
# valider le choix.
PAGES = [
    ("professionnel", "/indicateurs/", 16),
    ("professionnel", "/indicateurs/?profession=60&annee=2023", 16),
    ("agent", "/indicateurs/", 17),
    ("professionnel", "/indicateurs/densite.csv", 8),
    ("professionnel", "/indicateurs/evolution.csv?profession=generalistes", 10),
    ("professionnel", "/indicateurs/fuites.csv?annee=2001", 6),
]

_numero = iter(range(1, 1_000_000))


def _ajouter(nombre: int) -> None:
    """`nombre` pôles et communes, professionnels (deux lieux chacun), relevés et fuites de plus."""
    medecin = ProfessionFactory(code="10", libelle="Médecin")
    generaliste = SpecialiteFactory(code="SM54")
    for _ in range(nombre):
        n = next(_numero)
        pole = PoleFactory(nom=f"Pôle {n}")
        commune = CommuneFactory(code_insee=f"5{n:04d}", pole=pole)
        profession = ProfessionFactory(code=f"P{n}", libelle=f"Profession {n}")
        for personne in (
            ProfessionnelFactory(profession=medecin, specialite=generaliste),
            ProfessionnelFactory(profession=profession),
        ):
            LieuExerciceFactory(professionnel=personne, commune=commune)
            LieuExerciceFactory(professionnel=personne)
        releve = ImportFichier.objects.create(
            type=TypeImport.RPPS,
            statut=StatutImport.TERMINE,
            date_extraction=date(2020, 1, 1) + timedelta(days=n),
        )
        for specialite, pole_releve in [(None, None), (generaliste, None), (generaliste, pole), (None, pole)]:
            ReleveEffectifs.objects.create(
                import_fichier=releve,
                date=releve.date_extraction,
                profession=medecin,
                specialite=specialite,
                pole=pole_releve,
                effectif=n,
            )
        ReleveEffectifs.objects.create(
            import_fichier=releve, date=releve.date_extraction, profession=profession, effectif=n
        )
        FuiteFactory(
            annee=2000 + n % 25, specialite=f"Spécialité {n}", patients=100 + n, patients_hors_territoire=n
        )


@pytest.mark.parametrize(("persona", "url", "attendu"), PAGES, ids=[f"{p} {u}" for p, u, _ in PAGES])
def test_requetes_des_indicateurs(client_de, persona, url, attendu):
    _ajouter(2)
    assert compter_requetes(client_de(persona), url) == attendu


@pytest.mark.parametrize("url", [url for persona, url, _ in PAGES if persona == "professionnel"])
def test_les_requetes_ne_grandissent_pas_avec_les_lignes(client_de, url):
    client = client_de("professionnel")
    _ajouter(2)
    une = compter_requetes(client, url)
    _ajouter(30)
    assert compter_requetes(client, url) == une
