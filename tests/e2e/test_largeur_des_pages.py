"""Aucune page ne défile de côté, sur un téléphone (375 px) comme sur un portable (1 280 px),
même quand quelqu'un écrit un très long mot ou colle une longue adresse (RGAA 10.11) ; une
adresse écrite telle quelle dans un commentaire ou un message devient un lien. Un tableau trop
large défile dans son cadre (.table-responsive), sans que ses textes cachés (boutons, légendes)
n'élargissent la page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from college.models import Commentaire, Discussion
from financements import services
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory, MandatFactory
from tests.e2e.conftest import Onglet, connecter
from tests.financements.factories import brouillon, brouillon_complet, deposee, fichier_pdf

pytestmark = pytest.mark.django_db(transaction=True)

LARGEURS = (375, 1280)
MOT_LONG = "Anticonstitutionnellement" * 12  # 300 caractères sans espace
ADRESSE_LONGUE = "https://exemple.fr/" + "dossier-partage/" * 20 + "compte-rendu.pdf"


def _ne_defile_pas_de_cote(onglet: Onglet, chemin: str) -> None:
    for largeur in LARGEURS:
        onglet.page.set_viewport_size({"width": largeur, "height": 900})
        page = onglet.aller(chemin)
        largeurs = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert largeurs[0] <= largeurs[1], (chemin, largeur, largeurs)


def test_la_liste_des_demandes_de_l_agent_tient_dans_l_ecran(onglet: Onglet, agent) -> None:
    deposee(intitule=f"Maison de santé {MOT_LONG[:80]}")
    deposee()
    connecter(onglet, agent)
    _ne_defile_pas_de_cote(onglet, reverse("financements:demande_liste"))


def test_le_brouillon_tient_dans_l_ecran(onglet: Onglet) -> None:
    demande = brouillon(description=f"{MOT_LONG} {ADRESSE_LONGUE}")
    services.depenses_enregistrer(
        demande=demande, acteur=demande.porteur, lignes=[(MOT_LONG[:200], "1 000,00"), ("Loyer", "abc")]
    )
    connecter(onglet, demande.porteur)
    _ne_defile_pas_de_cote(onglet, reverse("financements:brouillon", args=[demande.pk]))


def test_le_brouillon_complet_et_son_equipe_tiennent_dans_l_ecran(onglet: Onglet) -> None:
    demande = brouillon_complet(description=f"{MOT_LONG} {ADRESSE_LONGUE}")
    services.coporteur_inviter(demande=demande, acteur=demande.porteur, email="co.porteuse@exemple.fr")
    connecter(onglet, demande.porteur)
    _ne_defile_pas_de_cote(onglet, reverse("financements:brouillon", args=[demande.pk]))


def test_la_page_d_une_demande_tient_dans_l_ecran_et_l_adresse_d_un_message_est_un_lien(
    nouvel_onglet, agent
) -> None:
    demande = deposee(intitule=f"Centre de santé {MOT_LONG[:80]}")
    services.piece_deposer(
        demande=demande, acteur=demande.porteur, nature="autre", fichier=fichier_pdf(f"{MOT_LONG[:120]}.pdf")
    )
    services.message_envoyer(
        demande=demande, acteur=demande.porteur, texte=f"Voir {ADRESSE_LONGUE} et {MOT_LONG}."
    )
    for personne in (agent, demande.porteur):
        onglet = nouvel_onglet()
        connecter(onglet, personne)
        _ne_defile_pas_de_cote(onglet, reverse("financements:demande", args=[demande.pk]))
        lien = onglet.page.locator("#messages").get_by_role("link", name=ADRESSE_LONGUE)
        expect(lien).to_have_attribute("href", ADRESSE_LONGUE)
        expect(lien).to_have_attribute("rel", "nofollow noopener")


def test_un_commentaire_au_long_mot_tient_dans_l_ecran_et_son_adresse_est_un_lien(onglet: Onglet) -> None:
    college = CollegeFactory()
    membre = MandatFactory(
        instance=college, personne=UtilisateurFactory(prenom="Hélène", nom="Lefèvre")
    ).personne
    discussion = Discussion.objects.create(instance=college, titre="Charte du Collège", cree_par=membre)
    Commentaire.objects.create(
        discussion=discussion, auteur=membre, texte=f"Voir {ADRESSE_LONGUE} et {MOT_LONG}."
    )
    connecter(onglet, membre)
    _ne_defile_pas_de_cote(onglet, reverse("college:discussion_detail", args=[discussion.pk]))
    lien = onglet.page.get_by_role("link", name=ADRESSE_LONGUE)
    expect(lien).to_have_attribute("href", ADRESSE_LONGUE)
    expect(lien).to_have_attribute("rel", "nofollow noopener")
    onglet.verifier_accessibilite()
