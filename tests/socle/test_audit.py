import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import timezone

from comptes.models import Invitation, StatutInvitation
from comptes.services import INVITATION_ENVOYEE, INVITATION_RENVOYEE
from comptes.workflows import INVITATION_EXPIREE, INVITATION_REVOQUEE
from socle.models import Evenement
from socle.selectors import evenements_de
from socle.services import DOCUMENT_DEPOSE, evenement_enregistrer, modele_modifier
from tests.comptes.factories import InvitationFactory
from tests.outils import VERBE_ESSAI


@pytest.mark.django_db
def test_evenement_enregistre_acteur_cible_et_etats(agent):
    invitation = InvitationFactory()
    evenement = evenement_enregistrer(
        verbe=INVITATION_REVOQUEE,
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
    evenement = evenement_enregistrer(verbe=INVITATION_EXPIREE, acteur=None)
    assert evenement.acteur is None
    assert evenement.cible_type is None


@pytest.mark.django_db
def test_evenements_de_ne_rend_que_ceux_de_l_objet_le_plus_recent_d_abord(agent):
    une, autre = InvitationFactory(), InvitationFactory()
    premier = evenement_enregistrer(verbe=INVITATION_ENVOYEE, acteur=agent, cible=une)
    evenement_enregistrer(verbe=INVITATION_ENVOYEE, acteur=agent, cible=autre)
    second = evenement_enregistrer(verbe=INVITATION_REVOQUEE, acteur=agent, cible=une)
    assert list(evenements_de(une)) == [second, premier]


@pytest.mark.django_db
def test_libelle_garde_le_verbe_inconnu():
    # Une ligne écrite par une version du portail qui déclarait encore cette action.
    assert Evenement.objects.create(verbe="autre.chose.faite").libelle == "autre.chose.faite"


@pytest.mark.django_db
def test_chronologie_affiche_libelles_etats_acteur_et_motif(agent, django_assert_num_queries):
    invitation = InvitationFactory()
    evenement_enregistrer(
        verbe=INVITATION_REVOQUEE,
        acteur=agent,
        cible=invitation,
        etat_avant=StatutInvitation.ENVOYEE,
        etat_apres=StatutInvitation.REVOQUEE,
        motif="Doublon",
    )
    evenement_enregistrer(verbe=INVITATION_EXPIREE, cible=invitation)
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
    evenement = evenement_enregistrer(verbe=DOCUMENT_DEPOSE)
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
        evenement_enregistrer(verbe=INVITATION_RENVOYEE, cible=invitation, motif=f"renvoi {i}")
    gabarit = Template("{% load socle %}{% chronologie objet %}")
    with django_assert_num_queries(1):
        html = gabarit.render(Context({"objet": invitation}))
    assert html.count("<li>") == 50
    assert "renvoi 51" in html and "renvoi 1<" not in html
    assert "Seuls les 50 événements les plus récents sont affichés" in html


# --- modele_modifier : une seule façon de modifier un objet et de le tracer ----------------


@pytest.mark.django_db
def _email_enregistre(invitation: Invitation) -> str:
    return Invitation.objects.values_list("email", flat=True).get(pk=invitation.pk)


def test_modifier_trace_l_ancienne_et_la_nouvelle_valeur_des_seuls_champs_changes(agent):
    invitation = InvitationFactory(email="camille@exemple.fr", message="Bonjour")

    modifications = modele_modifier(
        objet=invitation,
        champs={"email": "camille.leblond@exemple.fr", "message": "Bonjour"},
        acteur=agent,
        verbe=VERBE_ESSAI,
    )

    assert modifications == {"email": ["camille@exemple.fr", "camille.leblond@exemple.fr"]}
    assert _email_enregistre(invitation) == "camille.leblond@exemple.fr"
    evenement = Evenement.objects.get(verbe=VERBE_ESSAI.code)
    assert evenement.cible == invitation and evenement.acteur == agent
    assert evenement.donnees == {"modifications": modifications}


@pytest.mark.django_db
def test_rien_ne_change_rien_n_est_ecrit(agent, django_assert_num_queries):
    invitation = InvitationFactory(email="camille@exemple.fr")
    with django_assert_num_queries(0):
        assert (
            modele_modifier(
                objet=invitation, champs={"email": "camille@exemple.fr"}, acteur=agent, verbe=VERBE_ESSAI
            )
            == {}
        )
    assert not Evenement.objects.filter(verbe=VERBE_ESSAI.code).exists()


@pytest.mark.django_db
def test_une_saisie_refusee_n_ecrit_rien(agent):
    invitation = InvitationFactory(email="camille@exemple.fr")

    def refuser(objet):
        raise ValidationError({"email": "Adresse refusée."})

    with pytest.raises(ValidationError):
        modele_modifier(
            objet=invitation,
            champs={"email": "x@exemple.fr"},
            acteur=agent,
            verbe=VERBE_ESSAI,
            valider=refuser,
        )
    assert _email_enregistre(invitation) == "camille@exemple.fr"
    assert not Evenement.objects.filter(verbe=VERBE_ESSAI.code).exists()


@pytest.mark.django_db
def test_les_valeurs_au_journal_restent_lisibles_en_json(agent):
    invitation = InvitationFactory()
    groupes = list(Group.objects.order_by("pk")[:2])
    moment = dt.datetime(2026, 3, 1, 13, 30, tzinfo=dt.UTC)

    modifications = modele_modifier(
        objet=invitation,
        champs={"groupes": groupes, "invite_par": agent, "expire_le": moment},
        acteur=agent,
        verbe=VERBE_ESSAI,
    )

    assert modifications["groupes"] == [[], sorted(g.pk for g in groupes)]
    assert modifications["invite_par"][1] == agent.pk
    assert modifications["expire_le"][1] == "2026-03-01T14:30:00+01:00"  # l'heure de Paris
    assert set(invitation.groupes.all()) == set(groupes)
    assert Evenement.objects.get(verbe=VERBE_ESSAI.code).donnees["modifications"] == modifications


@pytest.mark.django_db
def test_une_seance_de_saisie_ne_fait_qu_une_ligne(agent):
    """Trois enregistrements au fil de la frappe : une ligne, avec la valeur d'avant la séance
    et la dernière ; un champ revenu à sa valeur d'origine n'y figure plus."""
    invitation = InvitationFactory(email="a@exemple.fr", message="Bonjour")
    for champs in ({"message": "Bonjour Camille"}, {"email": "b@exemple.fr"}, {"message": "Bonjour"}):
        modele_modifier(
            objet=invitation,
            champs=champs,
            acteur=agent,
            verbe=VERBE_ESSAI,
            regrouper_pendant=dt.timedelta(minutes=30),
        )

    [evenement] = Evenement.objects.filter(verbe=VERBE_ESSAI.code)
    assert evenement.donnees["modifications"] == {"email": ["a@exemple.fr", "b@exemple.fr"]}

    # Passé le délai, ou pour une autre personne, une nouvelle ligne.
    Evenement.objects.filter(pk=evenement.pk).update(cree_le=timezone.now() - dt.timedelta(hours=1))
    modele_modifier(
        objet=invitation,
        champs={"message": "Re"},
        acteur=agent,
        verbe=VERBE_ESSAI,
        regrouper_pendant=dt.timedelta(minutes=30),
    )
    assert Evenement.objects.filter(verbe=VERBE_ESSAI.code).count() == 2


@pytest.mark.django_db
def test_la_chronologie_dit_quels_champs_ont_change(agent):
    invitation = InvitationFactory(email="a@exemple.fr")
    modele_modifier(objet=invitation, champs={"email": "b@exemple.fr"}, acteur=agent, verbe=VERBE_ESSAI)

    rendu = Template("{% load socle %}{% chronologie objet %}").render(Context({"objet": invitation}))

    assert "Modifié : adresse électronique" in rendu
    assert "Action d&#x27;essai" in rendu


@pytest.mark.django_db
def test_chronologie_dit_quel_document_a_ete_depose(agent, django_assert_num_queries):
    """Sept « Document déposé » à la suite ne disent rien : chacun porte le nom de son fichier."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from socle.services import document_deposer
    from tests.socle.fichiers import pdf

    invitation = InvitationFactory()
    for nom in ("devis.pdf", "statuts.pdf"):
        document_deposer(
            fichier=SimpleUploadedFile(nom, pdf(), content_type="application/pdf"),
            acteur=agent,
            titre=nom,
            objet=invitation,
        )
    with django_assert_num_queries(1):
        html = Template("{% load socle %}{% chronologie objet %}").render(Context({"objet": invitation}))
    assert "Document déposé</strong> : <span" in html
    assert "devis.pdf</span>" in html and "statuts.pdf</span>" in html
    assert DOCUMENT_DEPOSE.precision == "nom"
