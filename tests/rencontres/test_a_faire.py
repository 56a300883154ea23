"""L'accueil de l'organisation : les inscriptions à valider, une ligne par rencontre."""

import pytest
from django.utils import timezone

from rencontres.a_faire import inscriptions_a_valider
from rencontres.models import DemandeDeChangement, GenreRessource, Ressource
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db


def test_inscriptions_a_valider(agent, professionnel, django_assert_num_queries):
    r = rencontre(moderee=True, titre="Formation télésanté")
    inscrire(r, 1)
    inscrire(r, 2)
    rencontre(titre="Sans modération")
    [tache] = inscriptions_a_valider(agent, timezone.now())
    assert str(tache.titre) == "Valider 2 inscriptions : Formation télésanté"
    assert tache.lien.endswith("?etat=a_valider")
    assert inscriptions_a_valider(professionnel, timezone.now()) == []


def test_les_demandes_de_changement_a_decider(client_de, agent):
    r = rencontre()
    chambre = Ressource.objects.create(
        rencontre=r, genre=GenreRessource.CHAMBRE, libelle="Chambre 3", capacite=2
    )
    titulaire = inscrire(r).participants.get(lien="titulaire")
    DemandeDeChangement.objects.create(
        participant=titulaire, genre=GenreRessource.CHAMBRE, souhait=chambre, motif="Allergie"
    )
    page = client_de("agent").get("/").content.decode()
    assert "Décider 1 demande de changement de chambre ou de navette" in page
    assert "Décider 1 demande de changement" not in client_de("professionnel").get("/").content.decode()
