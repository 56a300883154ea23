"""Les offres de démonstration passent par les services : chaque état du workflow, une offre
mixte CHPC + MSP, un remplacement daté, une expirée par la tâche, une reconfirmation demandée ;
les comptes de démonstration recrutent et modèrent ; les candidatures déposées par le service
(CV en PDF, employeurs choisis, vivier, demandes d'aide, un doublon, une candidate effacée).
Sans doublon au second chargement.

Lu dans la démonstration complète, construite une fois par session (tests/demonstration.py)."""

import pytest
from django.test import Client
from django.utils import timezone

from comptes.models import Utilisateur
from recrutement import demo
from recrutement.models import (
    Candidat,
    Candidature,
    Consentement,
    NaturePiece,
    ObjetConsentement,
    Offre,
    StatutOffre,
    TypeContrat,
)
from recrutement.permissions import est_moderateur, recrutements_de
from recrutement.selectors import candidatures_visibles_par, offres_en_ligne
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


@pytest.mark.demonstration("recrutement")
def test_les_candidatures_de_demonstration(demonstration):
    candidatures = Candidature.objects.filter(demo=True)
    assert candidatures.count() == len(demo.CANDIDATURES) >= 25
    # Chacune a son CV, sauf celles de la candidate qui a effacé ses données.
    effacee = Candidat.objects.get(anonymise_le__isnull=False, demo=True)
    assert (
        effacee.nom == "" and not Candidature.objects.filter(candidat=effacee, pieces__isnull=False).exists()
    )
    vivantes = candidatures.filter(anonymisee_le__isnull=True)
    assert vivantes.filter(pieces__nature=NaturePiece.CV).count() == vivantes.count()
    assert vivantes.filter(pieces__nature=NaturePiece.LETTRE).exists()

    # Le doublon : la même personne, deux adresses, le même téléphone.
    julien = Candidat.objects.filter(nom="Marchand", prenom="Julien")
    assert (
        julien.count() == 2
        and len({c.email for c in julien}) == 2
        and len({c.telephone for c in julien}) == 1
    )

    vivier = Consentement.objects.filter(objet=ObjetConsentement.VIVIER, retire_le__isnull=True)
    assert vivier.count() >= 4
    aides = vivantes.filter(aide_prise_en_charge_le__isnull=True)
    assert (
        aides.filter(aide_emploi_conjoint=True).count() == 1 and aides.filter(aide_logement=True).count() == 1
    )
    # Des recrutements finis par la clôture de leur offre (pourvue, expirée).
    assert candidatures.filter(offre__cloturee_le__isnull=False).count() >= 4

    # Confiée au CHPC seul, la Polyclinique ne la voit pas ; confiée aussi au GCS, si.
    thomas = Utilisateur.objects.get(email="recruteur.polyclinique@demo.cotentin.fr")
    helene = Utilisateur.objects.get(email="recruteur.chpc@demo.cotentin.fr")
    urgentiste = candidatures.filter(offre__titre__startswith="Médecin urgentiste")
    gcs = Offre.objects.get(titre__startswith="Radiologue").employeur
    au_gcs = urgentiste.filter(consentements__employeur=gcs)
    chpc_seul = urgentiste.exclude(consentements__employeur=gcs)
    assert au_gcs.exists() and chpc_seul.exists()
    visibles_pcc = set(candidatures_visibles_par(thomas).values_list("pk", flat=True))
    assert set(au_gcs.values_list("pk", flat=True)) <= visibles_pcc
    assert not set(chpc_seul.values_list("pk", flat=True)) & visibles_pcc
    assert set(urgentiste.values_list("pk", flat=True)) <= set(
        candidatures_visibles_par(helene).values_list("pk", flat=True)
    )

    agent = Client()
    agent.force_login(Utilisateur.objects.get(email="agent@demo.cotentin.fr"))
    assert agent.get("/recrutement/tableau-de-bord/").status_code == 200
    page = agent.get("/recrutement/demandes-d-aide/")
    assert page.status_code == 200 and "2 demandes à traiter" in page.text


@pytest.mark.demonstration("recrutement")
def test_la_recruteuse_du_chpc_a_commence_d_etudier(demonstration):
    from recrutement.models import Candidature, EtapeCandidature, NoteCandidature, PorteeNote

    etapes = set(Candidature.objects.values_list("etape", flat=True))
    assert {EtapeCandidature.RECUE, EtapeCandidature.EN_ETUDE, EtapeCandidature.ENTRETIEN} <= etapes
    assert EtapeCandidature.NON_RETENUE in etapes
    assert set(NoteCandidature.objects.values_list("portee", flat=True)) == {
        PorteeNote.PARTAGEE,
        PorteeNote.EMPLOYEUR,
    }
