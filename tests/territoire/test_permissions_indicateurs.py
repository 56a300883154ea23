"""La matrice des droits des indicateurs : (persona, URL, méthode) → statut attendu."""

import pytest

from tests.conftest import PERSONAS
from tests.territoire.factories import FuiteFactory, LieuExerciceFactory

A = PERSONAS[0]  # anonyme
CONNECTES = {A: 302} | dict.fromkeys(PERSONAS[1:], 200)


def _pour_les_connectes(statut: int) -> dict[str, int]:
    return {A: 302} | dict.fromkeys(PERSONAS[1:], statut)


MATRICE = [
    ("get", "/indicateurs/", CONNECTES),
    ("get", "/indicateurs/?profession=10&annee=2024", CONNECTES),
    ("get", "/indicateurs/densite.csv", CONNECTES),
    ("get", "/indicateurs/evolution.csv", CONNECTES),
    ("get", "/indicateurs/fuites.csv", CONNECTES),
    ("get", "/indicateurs/inconnu.csv", _pour_les_connectes(404)),
    ("post", "/indicateurs/", _pour_les_connectes(405)),
    ("post", "/indicateurs/densite.csv", _pour_les_connectes(405)),
    ("put", "/indicateurs/fuites.csv", _pour_les_connectes(405)),
    ("delete", "/indicateurs/", _pour_les_connectes(405)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("methode", "url", "attendus"), MATRICE, ids=[f"{m} {u}" for m, u, _ in MATRICE])
def test_matrice_des_droits_des_indicateurs(client_de, persona, methode, url, attendus):
    LieuExerciceFactory()
    FuiteFactory()
    reponse = getattr(client_de(persona), methode)(url)
    assert reponse.status_code == attendus[persona]
    if reponse.status_code == 302:
        assert reponse["Location"].startswith("/comptes/login/?next=")
