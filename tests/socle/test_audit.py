import pytest
from django.template import Context, Template

from comptes.models import StatutInvitation
from socle.models import Evenement
from socle.selectors import evenements_de
from socle.services import evenement_enregistrer
from tests.comptes.factories import InvitationFactory


@pytest.mark.django_db
def test_evenement_enregistre_acteur_cible_et_etats(agent):
    invitation = InvitationFactory()
    evenement = evenement_enregistrer(
        verbe="comptes.invitation.revoquee",
        acteur=agent,
        cible=invitation,
        etat_avant="envoyee",
        etat_apres="revoquee",
        motif="Adresse erronée",
        donnees={"cle": "valeur"},
    )
    evenement.refresh_from_db()
    assert evenement.acteur == agent
    assert evenement.cible == invitation
    assert evenement.cible_libelle == str(invitation)
    assert (evenement.etat_avant, evenement.etat_apres) == ("envoyee", "revoquee")
    assert evenement.donnees == {"cle": "valeur"}
    assert evenement.cree_le is not None
    assert evenement.libelle == "Invitation révoquée"


@pytest.mark.django_db
def test_evenement_sans_acteur_est_une_action_du_portail():
    evenement = evenement_enregistrer(verbe="comptes.invitation.expiree", acteur=None)
    assert evenement.acteur is None
    assert evenement.cible_type is None


@pytest.mark.django_db
def test_evenements_de_ne_rend_que_ceux_de_l_objet_le_plus_recent_d_abord(agent):
    une, autre = InvitationFactory(), InvitationFactory()
    premier = evenement_enregistrer(verbe="comptes.invitation.envoyee", acteur=agent, cible=une)
    evenement_enregistrer(verbe="comptes.invitation.envoyee", acteur=agent, cible=autre)
    second = evenement_enregistrer(verbe="comptes.invitation.revoquee", acteur=agent, cible=une)
    assert list(evenements_de(une)) == [second, premier]


@pytest.mark.django_db
def test_libelle_garde_le_verbe_inconnu():
    assert evenement_enregistrer(verbe="autre.chose.faite").libelle == "autre.chose.faite"


@pytest.mark.django_db
def test_chronologie_affiche_libelles_etats_acteur_et_motif(agent, django_assert_num_queries):
    invitation = InvitationFactory()
    evenement_enregistrer(
        verbe="comptes.invitation.revoquee",
        acteur=agent,
        cible=invitation,
        etat_avant=StatutInvitation.ENVOYEE,
        etat_apres=StatutInvitation.REVOQUEE,
        motif="Doublon",
    )
    evenement_enregistrer(verbe="comptes.invitation.expiree", cible=invitation)
    gabarit = Template("{% load socle %}{% chronologie objet %}")
    with django_assert_num_queries(1):
        html = gabarit.render(Context({"objet": invitation}))
    assert "Invitation révoquée" in html
    assert "(Envoyée → Révoquée)" in html
    assert str(agent) in html
    assert "Motif : Doublon" in html
    assert "le portail" in html
    assert html.index("Invitation expirée") < html.index("Invitation révoquée")


@pytest.mark.django_db
def test_chronologie_vide_le_dit():
    html = Template("{% load socle %}{% chronologie objet %}").render(Context({"objet": InvitationFactory()}))
    assert "Aucun événement enregistré." in html


@pytest.mark.django_db
def test_le_journal_ne_se_modifie_pas_dans_l_administration(client_de):
    evenement = evenement_enregistrer(verbe="socle.document.depose")
    client = client_de("superutilisateur")
    assert client.get("/admin/socle/evenement/").status_code == 200
    assert client.get(f"/admin/socle/evenement/{evenement.pk}/change/").status_code == 200
    assert client.post(f"/admin/socle/evenement/{evenement.pk}/delete/").status_code == 403
    assert client.post(f"/admin/socle/evenement/{evenement.pk}/change/", {"verbe": "x"}).status_code == 403
    assert Evenement.objects.get(pk=evenement.pk).verbe == "socle.document.depose"


@pytest.mark.django_db
def test_chronologie_bornee_aux_evenements_recents(django_assert_num_queries):
    invitation = InvitationFactory()
    for i in range(52):
        evenement_enregistrer(verbe="comptes.invitation.renvoyee", cible=invitation, motif=f"renvoi {i}")
    gabarit = Template("{% load socle %}{% chronologie objet %}")
    with django_assert_num_queries(1):
        html = gabarit.render(Context({"objet": invitation}))
    assert html.count("<li>") == 50
    assert "renvoi 51" in html and "renvoi 1<" not in html
    assert "Seuls les 50 événements les plus récents sont affichés" in html
