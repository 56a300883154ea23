"""La matrice des droits du territoire : (persona, URL, méthode) → statut attendu.

Une ligne par page de l'application : annuaire, indicateurs, administration des données et
des imports ; toute nouvelle page y entre avec sa règle.
"""

import pytest

from territoire.models import ImportFichier, TypeImport
from tests.conftest import PERSONAS, client_connecte, personas
from tests.outils import donnees_du_module
from tests.territoire.factories import (
    CommuneFactory,
    FuiteFactory,
    LieuExerciceFactory,
    ProfessionnelFactory,
    StructureFactory,
)

A, P, M, C, S, G, SU = (
    PERSONAS  # anonyme, professionnel, membre, co-président, secrétariat, agent, superutilisateur
)
CONNECTES = {A: 302} | dict.fromkeys(PERSONAS[1:], 200)
LECTURE_SEULE = {A: 302} | dict.fromkeys(PERSONAS[1:], 405)
ABSENT = {A: 302} | dict.fromkeys(PERSONAS[1:], 404)
# Un professionnel qui n'exerce plus n'est visible que du personnel ; pour les autres, il
# n'existe pas.
PERSONNEL_SEULEMENT = {A: 302, P: 404, M: 404, C: 404, S: 200, G: 200, SU: 200}
# L'administration : le personnel seulement ; les autres sont renvoyés vers la connexion.
ADMIN = {A: 302, P: 302, M: 302, C: 302, S: 200, G: 200, SU: 200}
# Le secrétariat consulte ; seuls les agents modifient et lancent des imports.
ADMIN_ECRITURE = ADMIN | {S: 403}

MATRICE = [
    # L'annuaire : toute personne connectée, en lecture (HEAD répond comme GET).
    ("get", "/annuaire/", CONNECTES),
    ("get", "/annuaire/?onglet=structures", CONNECTES),
    ("get", "/annuaire/?q=lefebvre&mode=liberal", CONNECTES),
    ("head", "/annuaire/", CONNECTES),
    ("get", "/annuaire/professionnels/{professionnel}/", CONNECTES),
    ("get", "/annuaire/professionnels/{inactif}/", PERSONNEL_SEULEMENT),
    ("get", "/annuaire/professionnels/987654/", ABSENT),
    ("get", "/annuaire/structures/{structure}/", CONNECTES),
    ("get", "/annuaire/structures/987654/", ABSENT),
    ("post", "/annuaire/", LECTURE_SEULE),
    ("post", "/annuaire/professionnels/{professionnel}/", LECTURE_SEULE),
    ("post", "/annuaire/structures/{structure}/", LECTURE_SEULE),
    ("put", "/annuaire/structures/{structure}/", LECTURE_SEULE),
    ("delete", "/annuaire/professionnels/{professionnel}/", LECTURE_SEULE),
    # Les indicateurs et leurs exports.
    ("get", "/indicateurs/", CONNECTES),
    # La carte de l'offre de soins : publique (chiffres agrégés, aucun nom).
    ("get", "/carte-de-l-offre-de-soins/", dict.fromkeys(PERSONAS, 200)),
    ("post", "/carte-de-l-offre-de-soins/", dict.fromkeys(PERSONAS, 405)),
    ("get", "/indicateurs/?profession=10&annee=2024", CONNECTES),
    ("get", "/indicateurs/densite.csv", CONNECTES),
    ("get", "/indicateurs/evolution.csv", CONNECTES),
    ("get", "/indicateurs/fuites.csv", CONNECTES),
    ("get", "/indicateurs/inconnu.csv", ABSENT),
    ("post", "/indicateurs/", LECTURE_SEULE),
    ("post", "/indicateurs/densite.csv", LECTURE_SEULE),
    ("put", "/indicateurs/fuites.csv", LECTURE_SEULE),
    ("delete", "/indicateurs/", LECTURE_SEULE),
    # L'administration des données du territoire.
    ("get", "/admin/territoire/", ADMIN),
    ("get", "/admin/territoire/professionnel/", ADMIN),
    ("get", "/admin/territoire/professionnel/?q=lefebvre", ADMIN),
    ("get", "/admin/territoire/professionnel/{professionnel}/change/", ADMIN),
    ("get", "/admin/territoire/professionnel/add/", ADMIN_ECRITURE),
    ("get", "/admin/territoire/structure/", ADMIN),
    ("get", "/admin/territoire/structure/{structure}/change/", ADMIN),
    ("get", "/admin/territoire/structure/add/", ADMIN_ECRITURE),
    ("get", "/admin/territoire/commune/", ADMIN),
    ("get", "/admin/territoire/commune/{commune}/change/", ADMIN),
    ("get", "/admin/territoire/poledeproximite/", ADMIN),
    ("get", "/admin/territoire/profession/", ADMIN),
    ("get", "/admin/territoire/specialite/", ADMIN),
    ("get", "/admin/territoire/projet/", ADMIN),
    ("get", "/admin/territoire/projet/add/", ADMIN_ECRITURE),
    ("get", "/admin/territoire/fuite/", ADMIN),
    ("get", "/admin/territoire/releveeffectifs/", ADMIN),
    # Les relevés ne s'écrivent que par l'import RPPS, pour tout le monde.
    ("get", "/admin/territoire/releveeffectifs/add/", ADMIN | {S: 403, G: 403, SU: 403}),
    # Les imports : lancés par les agents, suivis par le secrétariat.
    ("get", "/admin/territoire/importfichier/", ADMIN),
    ("get", "/admin/territoire/importfichier/add/", ADMIN_ECRITURE),
    ("post", "/admin/territoire/importfichier/add/", ADMIN_ECRITURE),
    ("get", "/admin/territoire/importfichier/{import_fichier}/change/", ADMIN),
    ("get", "/admin/territoire/importfichier/{import_fichier}/etat/", ADMIN),
]


@donnees_du_module
def monde() -> tuple[dict, dict]:
    """Les comptes et les fiches de la matrice, écrits une fois pour tout le module."""
    comptes = personas()
    structure = StructureFactory()
    professionnel = ProfessionnelFactory()
    LieuExerciceFactory(professionnel=professionnel, structure=structure)
    inactif = ProfessionnelFactory(actif=False)
    FuiteFactory()
    import_fichier = ImportFichier.objects.create(type=TypeImport.RPPS, lance_par=comptes["agent"])
    cles = {
        "professionnel": professionnel.pk,
        "inactif": inactif.pk,
        "structure": structure.pk,
        "commune": CommuneFactory().pk,
        "import_fichier": import_fichier.pk,
    }
    return comptes, cles


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("methode", "modele", "attendus"), MATRICE, ids=[f"{m} {u}" for m, u, _ in MATRICE])
def test_matrice_des_droits_du_territoire(monde, persona, methode, modele, attendus):
    comptes, cles = monde
    reponse = getattr(client_connecte(comptes.get(persona)), methode)(modele.format(**cles))
    assert reponse.status_code == attendus[persona]
    if reponse.status_code == 302:
        # Vers la connexion du portail, ou celle de l'administration pour qui n'en est pas.
        assert reponse["Location"].startswith(("/comptes/login/", "/admin/login/"))
