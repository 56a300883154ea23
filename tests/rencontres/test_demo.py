"""Les rencontres de démonstration : chaque état montré, par les services."""

import pytest

from rencontres.attractivite import entonnoirs
from rencontres.models import (
    Attribution,
    DemandeDeChangement,
    Emargement,
    EtatInscription,
    Inscription,
    Rencontre,
)


@pytest.mark.demonstration("rencontres")
def test_les_rencontres_de_demonstration(demonstration):
    assert demonstration.chargees["rencontres"] is True
    assert Rencontre.objects.filter(demo=True).count() == 5
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
    # La formation émargée : huit stagiaires le matin, six l'après-midi.
    plaies = Rencontre.objects.get(titre__startswith="Formation continue")
    assert (
        sorted(
            Emargement.objects.filter(inscription__rencontre=plaies).values_list("demi_journee", flat=True)
        )
        == ["apres_midi"] * 6 + ["matin"] * 8
    )
    # Le vivier : proposé aux Paradis et à la soirée des internes, accepté par quelques-uns ;
    # des candidats du recrutement venus à la soirée ont postulé depuis.
    soiree = Rencontre.objects.get(titre="Soirée d'accueil des internes")
    assert paradis.propose_le_vivier and soiree.propose_le_vivier
    assert paradis.inscriptions.filter(accord_vivier_le__isnull=False).count() >= 2
    entonnoir = entonnoirs([soiree.pk])[soiree.pk]
    assert entonnoir.presents > entonnoir.accords >= entonnoir.candidats >= 2
