"""Les offres de démonstration passent par les services : chaque état du workflow, une offre
mixte CHPC + MSP, un remplacement daté, une expirée par la tâche, une reconfirmation demandée ;
les comptes de démonstration recrutent et modèrent. Sans doublon au second chargement.

Lu dans la démonstration complète, construite une fois par session (tests/demonstration.py)."""

import pytest
from django.test import Client
from django.utils import timezone

from comptes.models import Utilisateur
from recrutement import demo
from recrutement.models import Offre, StatutOffre, TypeContrat
from recrutement.permissions import est_moderateur, recrutements_de
from recrutement.selectors import offres_en_ligne
from socle.models import Evenement, Notification


@pytest.mark.demonstration("recrutement")
def test_les_offres_de_demonstration(demonstration):
    assert demonstration.chargees["recrutement"] is True
    offres = Offre.objects.filter(demo=True)
    assert offres.count() == len(demo.OFFRES) >= 12
    assert set(offres.values_list("statut", flat=True)) == set(StatutOffre.values)

    mixte = offres.get(titre__startswith="Médecin généraliste — exercice mixte")
    assert sorted((p.employeur.nom, p.quotite) for p in mixte.parts.all()) == [
        ("CH PUBLIC DU COTENTIN", 50),
        ("MSP DE LA HAGUE", 50),
    ]
    remplacement = offres.get(type_contrat=TypeContrat.REMPLACEMENT)
    assert remplacement.debut and remplacement.fin and remplacement.fin > remplacement.debut
    expiree = offres.get(statut=StatutOffre.EXPIREE)
    assert expiree.date_limite < timezone.localdate()
    assert Evenement.objects.get(verbe="recrutement.offre.expiree", cible_id=str(expiree.pk)).acteur is None
    assert offres.get(titre="Cardiologue").motif_refus

    helene = Utilisateur.objects.get(email="recruteur.chpc@demo.cotentin.fr")
    thomas = Utilisateur.objects.get(email="recruteur.polyclinique@demo.cotentin.fr")
    nathalie = Utilisateur.objects.get(email="moderation.gcs@demo.cotentin.fr")
    agent = Utilisateur.objects.get(email="agent@demo.cotentin.fr")
    gcs = offres.get(titre__startswith="Radiologue").employeur
    assert gcs.pk in recrutements_de(helene).au_nom_de and gcs.pk in recrutements_de(thomas).au_nom_de
    assert est_moderateur(nathalie) and est_moderateur(agent) and not est_moderateur(helene)
    assert Notification.objects.filter(
        destinataire=helene, verbe="recrutement.offre.confirmation_demandee", lue_le__isnull=True
    ).exists()

    en_ligne = offres_en_ligne(timezone.localdate())
    assert en_ligne.count() == offres.filter(statut=StatutOffre.PUBLIEE).count() >= 7
    client = Client()
    assert client.get("/offres/").status_code == 200
    for offre in en_ligne:
        assert client.get(f"/offres/{offre.pk}/").status_code == 200
    assert client.get(f"/offres/{expiree.pk}/").status_code == 410

    assert demo.charger(afficher=lambda texte: None) is False
