"""La matrice des droits de l'annuaire : (persona, URL, méthode) → statut attendu."""

import pytest

from tests.conftest import PERSONAS
from tests.territoire.factories import LieuExerciceFactory, ProfessionnelFactory, StructureFactory

A, P, M, C, S, G, SU = (
    PERSONAS  # anonyme, professionnel, membre, co-président, secrétariat, agent, superutilisateur
)
CONNECTES = {A: 302} | dict.fromkeys(PERSONAS[1:], 200)
# Les vues de l'annuaire n'acceptent que GET : tout autre verbe est refusé, après la connexion.
LECTURE_SEULE = {A: 302} | dict.fromkeys(PERSONAS[1:], 405)
# Un professionnel qui n'exerce plus n'est visible que du personnel ; pour les autres, il
# n'existe pas.
PERSONNEL_SEULEMENT = {A: 302, P: 404, M: 404, C: 404, S: 200, G: 200, SU: 200}
ABSENT = {A: 302} | dict.fromkeys(PERSONAS[1:], 404)

MATRICE = [
    ("get", "/annuaire/", CONNECTES),
    ("get", "/annuaire/?onglet=structures", CONNECTES),
    ("get", "/annuaire/?q=lefebvre&mode=liberal", CONNECTES),
    ("get", "/annuaire/professionnels/{professionnel}/", CONNECTES),
    ("get", "/annuaire/professionnels/{inactif}/", PERSONNEL_SEULEMENT),
    ("get", "/annuaire/professionnels/987654/", ABSENT),
    ("get", "/annuaire/structures/{structure}/", CONNECTES),
    ("get", "/annuaire/structures/987654/", ABSENT),
    # require_GET (et non require_safe) : HEAD est refusé comme les écritures.
    ("head", "/annuaire/", LECTURE_SEULE),
    ("post", "/annuaire/", LECTURE_SEULE),
    ("post", "/annuaire/professionnels/{professionnel}/", LECTURE_SEULE),
    ("post", "/annuaire/structures/{structure}/", LECTURE_SEULE),
    ("put", "/annuaire/structures/{structure}/", LECTURE_SEULE),
    ("delete", "/annuaire/professionnels/{professionnel}/", LECTURE_SEULE),
]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("methode", "modele", "attendus"), MATRICE, ids=[f"{m} {u}" for m, u, _ in MATRICE])
def test_matrice_des_droits_de_l_annuaire(client_de, persona, methode, modele, attendus):
    structure = StructureFactory()
    professionnel = ProfessionnelFactory()
    LieuExerciceFactory(professionnel=professionnel, structure=structure)
    inactif = ProfessionnelFactory(actif=False)
    url = modele.format(professionnel=professionnel.pk, inactif=inactif.pk, structure=structure.pk)
    reponse = getattr(client_de(persona), methode)(url)
    assert reponse.status_code == attendus[persona]
    if reponse.status_code == 302:
        assert reponse["Location"].startswith("/comptes/login/")
