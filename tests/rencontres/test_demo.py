"""Les rencontres de démonstration : chaque état montré, par les services."""

import pytest

from rencontres.models import Attribution, DemandeDeChangement, EtatInscription, Inscription, Rencontre


@pytest.mark.demonstration("rencontres")
def test_les_rencontres_de_demonstration(demonstration):
    assert demonstration.chargees["rencontres"] is True
    assert Rencontre.objects.filter(demo=True).count() == 4
    paradis = Rencontre.objects.get(titre="Les Paradis du Cotentin")
    etats = set(Inscription.objects.filter(rencontre=paradis).values_list("etat", flat=True))
    assert {
        EtatInscription.CONFIRMEE,
        EtatInscription.LISTE_D_ATTENTE,
        EtatInscription.PLACE_PROPOSEE,
    } <= etats
    assert EtatInscription.ANNULEE in etats
    formation = Rencontre.objects.get(moderee=True)
    assert formation.inscriptions.filter(etat=EtatInscription.EN_ATTENTE_DE_VALIDATION).count() == 2
    assert Inscription.objects.filter(arrivee_le__isnull=False).count() > 10
    assert not Inscription.objects.filter(demo=False).exists()
    assert paradis.ressources.filter(reservee_le__isnull=False).count() == 2
    assert paradis.ressources.filter(genre="navette").count() == 1
    assert Attribution.objects.filter(ressource__rencontre=paradis).count() > 5
    assert DemandeDeChangement.objects.filter(statut="en_attente").count() == 1
    assert "Rencontres de démonstration chargées" in demonstration.sortie
