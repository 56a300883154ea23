"""Les demandes de soutien à un congrès : déposée par un organisme, instruite par un agent,
soumise à l'avis du Collège au-delà du seuil (un vrai scrutin), accordée (une rencontre naît,
confiée au demandeur) ou refusée (motif), retirée (le scrutin en cours annulé) ; qui voit quoi."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from college.models import StatutScrutin
from college.services import scrutin_clore
from rencontres import services
from rencontres.models import (
    DemandeDeSoutien,
    Organisateur,
    StatutDemandeDeSoutien,
    StatutRencontre,
    TypeRencontre,
)
from tests.college.factories import membres_votants
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import PERSONAS, client_connecte
from tests.conseil.factories import CollegeFactory
from tests.outils import compter_requetes
from tests.territoire.factories import StructureFactory

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def college(db):
    instance = CollegeFactory()
    membres_votants(instance, 3)
    return instance


def _champs(montant="1500.00", **en_plus):
    debut = timezone.now() + timedelta(days=90)
    champs = {
        "structure": StructureFactory(nom="URPS infirmiers de Normandie"),
        "titre": "Journée régionale des infirmiers libéraux",
        "description": "Une journée de formation et d'échanges sur la coordination ville-hôpital.",
        "public": "Infirmiers libéraux",
        "debut": debut,
        "fin": debut + timedelta(hours=8),
        "commune": None,
        "participants_attendus": 150,
        "besoin_salle": True,
        "besoin_logistique": "Accueil, impression des badges",
        "montant_demande": Decimal(montant),
    }
    champs.update(en_plus)
    return champs


def _deposer(demandeur, **champs):
    return services.soutien_deposer(acteur=demandeur, champs=_champs(**champs))


def test_sous_le_seuil_l_agent_decide_et_une_rencontre_nait(professionnel, agent):
    demande = _deposer(professionnel)
    assert demande.statut == StatutDemandeDeSoutien.DEPOSEE
    assert agent.notifications.filter(titre__contains="Demande de soutien à instruire").exists()
    services.soutien_prendre_en_charge(demande=demande, acteur=agent)
    with pytest.raises(ValidationError, match="va de 0 au montant demandé"):
        services.soutien_accorder(demande=demande, acteur=agent, montant_accorde=Decimal("2000"))
    accordee = services.soutien_accorder(demande=demande, acteur=agent, montant_accorde=Decimal("1200"))
    accordee.refresh_from_db()
    assert accordee.statut == StatutDemandeDeSoutien.ACCORDEE and accordee.montant_accorde == Decimal("1200")
    assert accordee.instructeur == agent and accordee.decidee_le is not None
    rencontre = accordee.rencontre
    assert rencontre.statut == StatutRencontre.BROUILLON and rencontre.type == TypeRencontre.CONGRES
    assert rencontre.organisateur == accordee.structure and rencontre.titre == accordee.titre
    assert Organisateur.objects.filter(rencontre=rencontre, compte=professionnel).exists()
    assert professionnel.notifications.filter(titre__contains="Soutien accordé").exists()


def test_au_dela_du_seuil_l_avis_du_college_d_abord(professionnel, agent, college):
    demande = _deposer(professionnel, montant="8000.00")
    services.soutien_prendre_en_charge(demande=demande, acteur=agent)
    with pytest.raises(ValidationError, match="appelle l'avis du Collège"):
        services.soutien_accorder(demande=demande, acteur=agent, montant_accorde=Decimal("5000"))
    services.soutien_soumettre_a_l_avis(demande=demande, acteur=agent)
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeDeSoutien.AVIS
    assert demande.scrutin.statut == StatutScrutin.OUVERT and demande.scrutin.objet == demande
    with pytest.raises(ValidationError, match="pas encore rendu son avis"):
        services.soutien_refuser(demande=demande, acteur=agent, motif="Budget épuisé")
    type(demande.scrutin).objects.filter(pk=demande.scrutin_id).update(cloture=timezone.now())
    scrutin_clore(scrutin=demande.scrutin)
    demande.refresh_from_db()
    with pytest.raises(ValidationError, match="motif"):
        services.soutien_refuser(demande=demande, acteur=agent, motif="")
    services.soutien_refuser(demande=demande, acteur=agent, motif="Budget de l'année épuisé")
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeDeSoutien.REFUSEE and demande.rencontre is None


def test_retirer_annule_le_scrutin_en_cours(professionnel, agent, college):
    demande = _deposer(professionnel, montant="8000.00")
    services.soutien_prendre_en_charge(demande=demande, acteur=agent)
    services.soutien_soumettre_a_l_avis(demande=demande, acteur=agent)
    with pytest.raises(ValidationError, match="pas le droit"):
        services.soutien_retirer(demande=demande, acteur=agent)
    demande.refresh_from_db()
    services.soutien_retirer(demande=demande, acteur=professionnel)
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeDeSoutien.RETIREE
    assert demande.scrutin.statut == StatutScrutin.ANNULE


def test_saisie_refusee(professionnel):
    debut = timezone.now() - timedelta(days=1)
    with pytest.raises(ValidationError) as erreur:
        _deposer(
            professionnel,
            debut=debut,
            fin=debut - timedelta(hours=1),
            besoin_salle=False,
            besoin_logistique=" ",
            montant="0",
        )
    assert set(erreur.value.error_dict) == {"debut", "fin", "besoin_logistique"}


def test_qui_voit_la_demande(client_de, professionnel, agent, college):
    demande = _deposer(professionnel, montant="8000.00")
    url = reverse("rencontres:soutien", args=[demande.pk])
    autre = client_connecte(UtilisateurFactory(email="autre@exemple.fr"))
    assert autre.get(url).status_code == 404
    assert "Journée régionale" not in autre.get(reverse("rencontres:soutiens")).content.decode()
    membre = client_de("membre_college")
    assert membre.get(url).status_code == 404  # pas encore soumise au Collège
    services.soutien_prendre_en_charge(demande=demande, acteur=agent)
    services.soutien_soumettre_a_l_avis(demande=demande, acteur=agent)
    page = membre.get(url)
    assert page.status_code == 200 and "Instruction" not in page.content.decode()
    # Le membre du Collège ne décide pas.
    membre.post(reverse("rencontres:soutien_action", args=[demande.pk, "refuser"]), {"motif": "non"})
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeDeSoutien.AVIS


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrice_des_droits(client_de, persona, professionnel):
    demande = _deposer(professionnel)
    client = client_de(persona)
    url = reverse("rencontres:soutien", args=[demande.pk])
    statut = client.get(url).status_code
    voit = persona in ("professionnel", "agent", "superutilisateur")
    assert statut == (200 if voit else (302 if persona == "anonyme" else 404)), (persona, statut)
    liste = client.get(reverse("rencontres:soutiens")).status_code
    assert liste == (302 if persona == "anonyme" else 200), persona
    client.post(reverse("rencontres:soutien_action", args=[demande.pk, "prendre"]))
    demande.refresh_from_db()
    assert (demande.statut == StatutDemandeDeSoutien.EN_INSTRUCTION) == (
        persona in ("agent", "superutilisateur")
    )


def test_parcours_par_les_pages(client_de, professionnel):
    structure = StructureFactory(nom="Ordre des kinésithérapeutes")
    pro = client_de("professionnel")
    debut = timezone.now() + timedelta(days=60)
    donnees = {
        "structure": structure.pk,
        "titre": "Congrès de kinésithérapie du Cotentin",
        "description": "Deux jours d'ateliers.",
        "public": "Kinésithérapeutes",
        "debut": debut.astimezone().strftime(FORMAT),
        "fin": (debut - timedelta(hours=2)).astimezone().strftime(FORMAT),
        "participants_attendus": "80",
        "besoin_logistique": "Navettes depuis la gare",
        "montant_demande": "1 500,00",
    }
    page = pro.post(reverse("rencontres:soutiens"), donnees)
    assert page.status_code == 200 and "La fin doit suivre le début" in page.content.decode()
    assert "Navettes depuis la gare" in page.content.decode()
    donnees["fin"] = (debut + timedelta(days=1)).astimezone().strftime(FORMAT)
    donnees["montant_demande"] = "1500,00"
    reponse = pro.post(reverse("rencontres:soutiens"), donnees)
    demande = DemandeDeSoutien.objects.get(titre="Congrès de kinésithérapie du Cotentin")
    assert reponse["Location"] == demande.get_absolute_url() and demande.montant_demande == Decimal("1500.00")
    agent = client_de("agent")
    assert "Instruire 1 demande de soutien" in agent.get("/").content.decode()
    agent.post(reverse("rencontres:soutien_action", args=[demande.pk, "prendre"]))
    page = agent.post(reverse("rencontres:soutien_action", args=[demande.pk, "refuser"]), {"motif": ""})
    assert "Indiquez le motif" in page.content.decode()
    agent.post(
        reverse("rencontres:soutien_action", args=[demande.pk, "accorder"]), {"montant_accorde": "1000,00"}
    )
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeDeSoutien.ACCORDEE and demande.montant_accorde == Decimal("1000.00")
    # Le demandeur prépare maintenant la rencontre qui lui est confiée.
    assert pro.get(reverse("rencontres:programme", args=[demande.rencontre_id])).status_code == 200


def test_requetes_constantes(client_de, professionnel):
    agent = client_de("agent")
    demande = _deposer(professionnel)
    url_liste = reverse("rencontres:soutiens")
    url_detail = reverse("rencontres:soutien", args=[demande.pk])
    avant = compter_requetes(agent, url_liste), compter_requetes(agent, url_detail)
    for rang in range(4):
        _deposer(professionnel, titre=f"Séminaire {rang}")
    assert (compter_requetes(agent, url_liste), compter_requetes(agent, url_detail)) == avant
