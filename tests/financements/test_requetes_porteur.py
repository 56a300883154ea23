"""Nombre de requêtes SQL des pages du porteur, épinglé, et qui ne grandit pas avec les lignes
(membres de l'équipe, besoins, dépenses, pièces, co-porteurs, messages, demandes de la liste)."""

from decimal import Decimal

import pytest
from django.test import Client

from comptes.models import Utilisateur
from financements import services
from financements.models import PIECES_EXIGEES, DemandeFinancement, Financeur, NaturePiece
from tests.financements import factories as f
from tests.outils import compter_requetes
from tests.territoire.factories import ProfessionFactory, ProfessionnelFactory

pytestmark = pytest.mark.django_db


def _grandir(demande: DemandeFinancement, n: int) -> None:
    """`n` membres d'une autre profession, besoins, lignes de dépenses, pièces de plus et
    co-porteurs confirmés ; un plan équilibré ; toutes les pièces exigées."""
    porteur = demande.porteur
    besoins = []
    for i in range(n):
        profession = ProfessionFactory(code=f"9{demande.pk}{i}", libelle=f"Profession {demande.pk}-{i}")
        services.equipe_ajouter(
            demande=demande, acteur=porteur, professionnel=ProfessionnelFactory(profession=profession)
        )
        besoin = f.BesoinFactory()
        besoin.poles.add(demande.commune.pole)
        besoin.professions.add(profession)
        besoins.append(besoin)
        email = f"coporteur-{demande.pk}-{i}@exemple.fr"
        invitation = services.coporteur_inviter(demande=demande, acteur=porteur, email=email)
        services.coporteur_repondre(coporteur=invitation, acteur=f.porteur_liberal(email=email), accepte=True)
        services.piece_deposer(
            demande=demande, acteur=porteur, nature=NaturePiece.AUTRE, fichier=f.fichier_pdf(f"autre-{i}.pdf")
        )
    services.demande_modifier(demande=demande, acteur=porteur, besoins=besoins)
    lignes = [(f"Dépense {i}", Decimal("1000.00")) for i in range(n)]
    services.depenses_enregistrer(demande=demande, acteur=porteur, lignes=lignes)
    services.plan_enregistrer(
        demande=demande,
        acteur=porteur,
        montants={Financeur.AGGLOMERATION: Decimal("1000.00") * n},
    )
    for nature in PIECES_EXIGEES:
        services.piece_deposer(
            demande=demande, acteur=porteur, nature=nature, fichier=f.fichier_pdf(f"{nature}.pdf")
        )


class Monde:
    """Un porteur avec `n` de tout : un brouillon, une demande déposée (avec des messages),
    `n` autres brouillons dans sa liste et `n` invitations qui l'attendent."""

    def __init__(self, n: int, agent: Utilisateur) -> None:
        self.porteur = f.porteur_liberal()
        self.brouillon = f.brouillon(self.porteur)
        _grandir(self.brouillon, n)
        self.deposee = f.brouillon(self.porteur, intitule="Déposée")
        _grandir(self.deposee, n)
        self.deposee = services.demande_deposer(
            demande=self.deposee, acteur=self.porteur, version=self.deposee.version
        )
        self.deposee = services.instructeur_designer(
            demande=self.deposee, acteur=agent, instructeur=agent, version=self.deposee.version
        )
        for i in range(n):
            services.message_envoyer(demande=self.deposee, acteur=self.porteur, texte=f"Message {i}")
            services.message_envoyer(demande=self.deposee, acteur=agent, texte=f"Réponse {i}")
        for _i in range(n):
            f.brouillon(self.porteur)
            autre = f.brouillon()
            services.coporteur_inviter(demande=autre, acteur=autre.porteur, email=self.porteur.email)
        self.client = Client()
        self.client.force_login(self.porteur)

    def pages(self) -> dict[str, str]:
        return {
            "mes_demandes": "/financements/mes-demandes/",
            "brouillon": f"/financements/demandes/{self.brouillon.pk}/brouillon/",
            "brouillon_page": f"/financements/demandes/{self.brouillon.pk}/",
            "demande": f"/financements/demandes/{self.deposee.pk}/",
        }

    def compter(self, agent_client: Client) -> dict[str, int]:
        comptes = {nom: compter_requetes(self.client, adresse) for nom, adresse in self.pages().items()}
        comptes["demande (agent)"] = compter_requetes(agent_client, self.pages()["demande"])
        return comptes


# Connecté : la session, l'utilisateur, ses droits (les siens, ceux de ses groupes) pour le menu,
# ses rôles, le compteur de notifications (6 à 7 selon la page).
# - Mes demandes : ses demandes (avec leur commune, le montant demandé et le total des
#   dépenses en sous-requêtes), les invitations qui l'attendent (demande, porteur, commune).
# - Le brouillon : la demande (get_demande_pour : la demande et ses jointures, les
#   co-porteurs) ; les communes et les besoins proposés (pôles, professions) ; dépenses,
#   plan, besoins cochés ; équipe (profession, spécialité) ; pièces (document) ; puis la
#   liste de ce qui manque (eligibilite.dossier_de, en requêtes fixes) et les totaux.
# - La page d'une demande : la demande ; équipe, besoins (pôles), dépenses, plan, pièces
#   (document), tranches, messages (auteur) ; la chronologie ; l'agent lit en plus sa double
#   authentification (personnel) et ses rôles (groupes et mandats : l'entrée du bilan au menu
#   dépend de ce qu'il lit les brouillons ou non).
ATTENDU = {
    "mes_demandes": 9,
    "brouillon": 25,
    "brouillon_page": 18,
    "demande": 19,
    "demande (agent)": 24,
}


def test_requetes_epinglees_et_qui_ne_grandissent_pas(agent, client_de) -> None:
    agent_client = client_de("agent")
    petit = Monde(1, agent).compter(agent_client)
    grand = Monde(5, agent).compter(agent_client)
    assert petit == ATTENDU
    assert grand == petit
