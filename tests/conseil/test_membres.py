"""Les pages des membres : l'espace Conseil, une instance, une séance, la réponse à la
convocation et les procurations, par de vraies requêtes."""

import datetime as dt
import html

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conseil import services
from conseil.models import (
    CategorieCollege,
    NaturePoint,
    Participation,
    Presence,
    Procuration,
    Reponse,
    RoleMandat,
    StatutReunion,
)
from conseil.quorum import quorum_de
from socle.services import document_deposer
from territoire.models import TypeStructure
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import (
    CollegeFactory,
    ConseilFactory,
    GroupeFactory,
    InstanceFactory,
    MandatFactory,
    ReunionFactory,
    seance_convoquee,
)
from tests.socle import fichiers
from tests.territoire.factories import StructureFactory

pytestmark = pytest.mark.django_db


def client_pour(utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def texte(reponse) -> str:
    """Le HTML de la page, entités décodées : les messages se lisent tels quels."""
    return html.unescape(reponse.content.decode())


@pytest.fixture
def conseil(secretariat):
    """Le Conseil, trois titulaires (Anne, Bruno, Claire), un suppléant (Denis) et une
    séance convoquée dans trente jours."""
    instance = ConseilFactory()
    membres = {}
    for siege, (prenom, nom) in enumerate(
        [("Anne", "Aubert"), ("Bruno", "Bernard"), ("Claire", "Chevalier")], start=1
    ):
        membres[prenom] = MandatFactory(
            instance=instance, personne=UtilisateurFactory(prenom=prenom, nom=nom), siege=siege
        ).personne
    membres["Denis"] = MandatFactory(
        instance=instance,
        personne=UtilisateurFactory(prenom="Denis", nom="Dupont"),
        siege=1,
        role=RoleMandat.SUPPLEANT,
    ).personne
    reunion = seance_convoquee(instance=instance, acteur=secretariat, titre="Séance plénière de printemps")
    return instance, reunion, membres


def url(nom: str, reunion) -> str:
    return reverse(f"conseil:{nom}", kwargs={"pk": reunion.pk})


def participation(reunion, personne) -> Participation:
    return Participation.objects.get(reunion=reunion, personne=personne)


# --- Réponse à la convocation ---------------------------------------------------------


def test_un_membre_convoque_repond_present_puis_excuse(conseil):
    _instance, reunion, membres = conseil
    client = client_pour(membres["Anne"])

    page = client.get(url("reunion_detail", reunion))
    assert page.status_code == 200
    assert "Vous n'avez pas encore répondu." in texte(page)
    assert "Je serai présent" in texte(page)

    reponse = client.post(url("reponse", reunion), {"reponse": "present"}, follow=True)
    assert reponse.redirect_chain == [(url("reunion_detail", reunion), 302)]
    assert "C'est noté : vous serez présent à la séance." in texte(reponse)
    assert participation(reunion, membres["Anne"]).reponse == Reponse.PRESENT

    reponse = client.post(url("reponse", reunion), {"reponse": "excuse"}, follow=True)
    assert "C'est noté : vous serez excusé." in texte(reponse)
    assert "Vous avez répondu : Je serai excusé." in " ".join(texte(reponse).split()).replace(
        "<strong>", ""
    ).replace("</strong>", "")
    assert participation(reunion, membres["Anne"]).reponse == Reponse.EXCUSE


def test_une_reponse_vide_est_refusee_sur_la_page(conseil):
    _instance, reunion, membres = conseil
    reponse = client_pour(membres["Anne"]).post(url("reponse", reunion), {"reponse": "peut-etre"})
    assert reponse.status_code == 200
    assert "Votre réponse n'est pas enregistrée" in texte(reponse)
    assert participation(reunion, membres["Anne"]).reponse == Reponse.SANS_REPONSE


def test_les_reponses_sont_closes_une_fois_la_seance_tenue(conseil):
    _instance, reunion, membres = conseil
    reunion.statut = StatutReunion.TENUE
    reunion.save(update_fields=["statut"])
    client = client_pour(membres["Anne"])

    reponse = client.post(url("reponse", reunion), {"reponse": "present"}, follow=True)
    assert "La séance est tenue : les réponses à la convocation sont closes." in texte(reponse)
    reponse = client.post(url("procuration", reunion), {"mandataire": membres["Bruno"].pk}, follow=True)
    assert "La séance est tenue : les réponses à la convocation sont closes." in texte(reponse)
    assert participation(reunion, membres["Anne"]).reponse == Reponse.SANS_REPONSE
    assert not Procuration.objects.exists()
    assert "Enregistrer ma réponse" not in texte(client.get(url("reunion_detail", reunion)))


# --- Procurations ---------------------------------------------------------------------


def test_un_membre_donne_procuration_puis_la_retire(conseil):
    _instance, reunion, membres = conseil
    anne, bruno = membres["Anne"], membres["Bruno"]
    client = client_pour(anne)
    page = texte(client.get(url("reunion_detail", reunion)))
    assert f'<option value="{bruno.pk}">Bruno Bernard</option>' in page
    # Le suppléant n'a pas voix délibérative mais peut représenter un titulaire.
    assert "Denis Dupont" in page

    reponse = client.post(url("procuration", reunion), {"mandataire": bruno.pk}, follow=True)
    assert "Vous avez donné procuration à Bruno Bernard pour cette séance." in texte(reponse)
    assert "Retirer ma procuration" in texte(reponse)
    procuration = Procuration.objects.get(reunion=reunion)
    assert (procuration.mandant, procuration.mandataire, procuration.enregistree_par) == (anne, bruno, anne)
    assert participation(reunion, anne).reponse == Reponse.PROCURATION

    # Bruno voit qu'il la détient, et ne peut plus donner la sienne.
    page_de_bruno = texte(client_pour(bruno).get(url("reunion_detail", reunion)))
    assert "Vous représentez à cette séance :" in page_de_bruno
    assert "Anne Aubert" in page_de_bruno
    assert "vous ne pouvez pas donner procuration à votre tour" in page_de_bruno

    reponse = client.post(url("procuration_retirer", reunion), follow=True)
    assert "Votre procuration est retirée." in texte(reponse)
    assert not Procuration.objects.exists()
    assert participation(reunion, anne).reponse == Reponse.SANS_REPONSE


def test_repondre_present_retire_la_procuration_donnee(conseil):
    _instance, reunion, membres = conseil
    services.procuration_donner(
        reunion=reunion, mandant=membres["Anne"], mandataire=membres["Bruno"], acteur=membres["Anne"]
    )
    reponse = client_pour(membres["Anne"]).post(url("reponse", reunion), {"reponse": "present"}, follow=True)
    assert "Votre procuration à Bruno Bernard est retirée." in texte(reponse)
    assert not Procuration.objects.exists()


def _refus(reunion, mandant, mandataire_pk) -> str:
    avant = participation(reunion, mandant).reponse
    procurations = set(Procuration.objects.values_list("pk", "mandant", "mandataire"))
    reponse = client_pour(mandant).post(url("procuration", reunion), {"mandataire": mandataire_pk})
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Votre réponse n'est pas enregistrée" in page
    # Rien n'a changé.
    assert participation(reunion, mandant).reponse == avant
    assert set(Procuration.objects.values_list("pk", "mandant", "mandataire")) == procurations
    return page


def test_procuration_refusee_a_qui_n_est_pas_membre(conseil):
    instance, reunion, membres = conseil
    etranger = UtilisateurFactory(prenom="Xavier", nom="Xerxès")
    page = _refus(reunion, membres["Anne"], etranger.pk)
    assert (
        "Xavier Xerxès n'est pas membre de Conseil de santé du Cotentin à la date de la séance : "
        "la procuration ne peut lui être donnée." in page
    )
    # Le choix reste lisible : la liste est à nouveau proposée.
    assert "Je donne procuration à" in page


def test_procuration_refusee_a_qui_en_detient_deja_une(conseil):
    _instance, reunion, membres = conseil
    services.procuration_donner(
        reunion=reunion, mandant=membres["Claire"], mandataire=membres["Bruno"], acteur=membres["Claire"]
    )
    page = _refus(reunion, membres["Anne"], membres["Bruno"].pk)
    assert "Bruno Bernard détient déjà 1 procuration pour cette séance (au plus 1 par membre)." in page


def test_procuration_refusee_a_qui_a_donne_la_sienne(conseil):
    _instance, reunion, membres = conseil
    services.procuration_donner(
        reunion=reunion, mandant=membres["Bruno"], mandataire=membres["Claire"], acteur=membres["Bruno"]
    )
    page = _refus(reunion, membres["Anne"], membres["Bruno"].pk)
    assert (
        "Bruno Bernard a lui-même donné procuration pour cette séance : il ne peut pas en recevoir." in page
    )


def test_procuration_refusee_a_un_membre_note_present(conseil):
    _instance, reunion, membres = conseil
    Participation.objects.filter(reunion=reunion, personne=membres["Anne"]).update(presence=Presence.PRESENT)
    page = _refus(reunion, membres["Anne"], membres["Bruno"].pk)
    assert "Anne Aubert est présent à la séance : un membre présent ne donne pas procuration." in page


def test_procuration_refusee_a_qui_en_represente_deja_un_autre(conseil):
    _instance, reunion, membres = conseil
    services.procuration_donner(
        reunion=reunion, mandant=membres["Bruno"], mandataire=membres["Anne"], acteur=membres["Bruno"]
    )
    page = _refus(reunion, membres["Anne"], membres["Claire"].pk)
    assert "Anne Aubert détient la procuration de Bruno Bernard pour cette séance" in page


def test_procuration_sans_mandataire_choisi(conseil):
    _instance, reunion, membres = conseil
    page = _refus(reunion, membres["Anne"], "")
    assert "Choisissez le membre qui vous représentera." in page
    assert 'aria-invalid="true"' in page


def test_un_suppleant_ne_se_voit_pas_proposer_de_procuration(conseil):
    _instance, reunion, membres = conseil
    page = texte(client_pour(membres["Denis"]).get(url("reunion_detail", reunion)))
    assert "Enregistrer ma réponse" in page
    assert "Donner procuration" not in page


# --- Qui voit quoi --------------------------------------------------------------------


def test_un_membre_d_une_autre_instance_ne_voit_pas_la_seance(conseil):
    _instance, reunion, _membres = conseil
    membre_d_un_groupe = MandatFactory(instance=InstanceFactory()).personne
    client = client_pour(membre_d_un_groupe)
    assert client.get(reverse("conseil:accueil")).status_code == 200
    assert client.get(url("reunion_detail", reunion)).status_code == 404
    assert client.post(url("reponse", reunion), {"reponse": "present"}).status_code == 404
    assert (
        client.get(reverse("conseil:instance_detail", kwargs={"pk": reunion.instance_id})).status_code == 404
    )


def test_un_professionnel_sans_mandat_n_a_pas_d_espace_conseil(professionnel):
    assert client_pour(professionnel).get(reverse("conseil:accueil")).status_code == 403


def test_l_espace_d_un_membre_montre_ses_mandats_et_ses_seances(conseil, secretariat):
    instance, reunion, membres = conseil
    services.reponse_enregistrer(reunion=reunion, acteur=membres["Anne"], reponse=Reponse.PRESENT)
    # Une séance passée, close, avec son procès-verbal ; une séance planifiée, pas encore visible.
    passee = ReunionFactory(
        instance=instance,
        titre="Séance d'automne",
        debut=timezone.now() - dt.timedelta(days=60),
        statut=StatutReunion.TENUE,
    )
    services.proces_verbal_rediger(reunion=passee, acteur=secretariat)
    ReunionFactory(instance=instance, titre="Séance d'été", statut=StatutReunion.PLANIFIEE)

    reponse = client_pour(membres["Anne"]).get(reverse("conseil:accueil"))
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Mes instances" in page
    assert "Membre titulaire" in page
    assert "Séance plénière de printemps" in page
    assert "Je serai présent" in page
    assert "Séance d'automne" in page
    assert reverse("conseil:proces_verbal", kwargs={"pk": passee.pk}) in page
    assert "Séance d'été" not in page
    assert "Toutes les instances" not in page
    for nom in ("conseil:abonnement", "conseil:calendrier_public", "conseil:groupe_liste"):
        assert f'href="{reverse(nom)}"' in page


def test_le_copresident_voit_toutes_les_instances_et_les_seances_planifiees(conseil, copresident):
    _instance, _reunion, _membres = conseil
    groupe = GroupeFactory(instance=InstanceFactory(nom="Groupe démographie médicale"))
    ReunionFactory(instance=groupe.instance, titre="Réunion du groupe démographie", lieu="Valognes")

    client = client_pour(copresident)
    page = texte(client.get(reverse("conseil:accueil")))
    assert "Toutes les instances" in page
    assert "Groupe démographie médicale" in page
    assert "Réunion du groupe démographie" in page
    assert "Séance plénière de printemps" in page
    assert "Planifier une séance" not in page
    # Il ouvre la séance du groupe sans y être convoqué.
    reunion_du_groupe = groupe.instance.reunions.get()
    page = texte(client.get(url("reunion_detail", reunion_du_groupe)))
    assert "Réunion du groupe démographie" in page
    assert "Votre réponse à la convocation" not in page


def test_qui_n_est_pas_convoque_ne_repond_pas(conseil, copresident):
    _instance, reunion, _membres = conseil
    reponse = client_pour(copresident).post(url("reponse", reunion), {"reponse": "present"}, follow=True)
    assert "Vous n'êtes pas convoqué à cette séance." in texte(reponse)
    assert not reunion.participations.filter(personne=copresident).exists()


def test_le_secretariat_peut_planifier_une_seance_par_instance(conseil, secretariat):
    instance, _reunion, _membres = conseil
    page = texte(client_pour(secretariat).get(reverse("conseil:accueil")))
    assert f'href="{reverse("conseil:reunion_creer")}?instance={instance.pk}"' in page


# --- Séance, vue du secrétariat -------------------------------------------------------


def test_la_page_de_seance_donne_au_secretariat_son_contexte(conseil, secretariat):
    _instance, reunion, _membres = conseil
    reponse = client_pour(secretariat).get(url("reunion_detail", reunion))
    assert reponse.status_code == 200
    assert "conseil/partials/reunion_gestion.html" in [t.name for t in reponse.templates]
    contexte = reponse.context
    assert contexte["gestionnaire"] is True
    assert contexte["quorum"] == quorum_de(reunion)
    assert contexte["quorum"].membres == 3
    assert [t.vers for t in contexte["transitions"]] == [StatutReunion.TENUE, StatutReunion.ANNULEE]
    assert contexte["proces_verbal"] is None
    assert [p.pk for p in contexte["points"]] == list(reunion.points.values_list("pk", flat=True))


def test_une_seance_planifiee_n_offre_pas_la_convocation_parmi_les_transitions(secretariat):
    reunion = ReunionFactory(instance=ConseilFactory())
    reponse = client_pour(secretariat).get(url("reunion_detail", reunion))
    assert reponse.context["quorum"] is None
    assert StatutReunion.CONVOQUEE not in [t.vers for t in reponse.context["transitions"]]


def test_un_membre_ne_recoit_pas_les_outils_du_secretariat(conseil):
    _instance, reunion, membres = conseil
    reponse = client_pour(membres["Anne"]).get(url("reunion_detail", reunion))
    assert reponse.context["gestionnaire"] is False
    assert reponse.context["quorum"] is None
    assert reponse.context["transitions"] == []
    assert "conseil/partials/reunion_gestion.html" not in [t.name for t in reponse.templates]


def test_la_page_de_seance_dit_la_convocation_tardive(secretariat):
    instance = ConseilFactory()
    MandatFactory(instance=instance)
    reunion = seance_convoquee(
        instance=instance,
        acteur=secretariat,
        debut=timezone.now() + dt.timedelta(days=2),
        motif_retard="Report de la séance précédente.",
    )
    page = texte(client_pour(secretariat).get(url("reunion_detail", reunion)))
    assert "Convocation tardive, motif :" in page
    assert "Report de la séance précédente." in page


# --- Instance -------------------------------------------------------------------------


def test_le_college_range_ses_membres_par_categorie(membre_college):
    college = CollegeFactory(procurations_max_par_membre=2)
    hopital = StructureFactory(
        nom="Centre hospitalier public du Cotentin", type=TypeStructure.CENTRE_HOSPITALIER
    )
    MandatFactory(
        instance=college,
        personne=UtilisateurFactory(prenom="Hélène", nom="Lefèvre"),
        categorie=CategorieCollege.ETABLISSEMENTS_HOSPITALIERS,
        siege=1,
        structure=hopital,
    )
    MandatFactory(
        instance=college,
        personne=UtilisateurFactory(prenom="Paul", nom="Lemoine"),
        categorie=CategorieCollege.ETABLISSEMENTS_HOSPITALIERS,
        siege=1,
        role=RoleMandat.SUPPLEANT,
    )
    MandatFactory(instance=college, personne=membre_college, siege=2)
    reponse = client_pour(membre_college).get(reverse("conseil:instance_detail", kwargs={"pk": college.pk}))
    assert reponse.status_code == 200
    groupes = [(g.libelle, [str(m.personne) for m in g.mandats]) for g in reponse.context["membres"]]
    assert groupes == [
        ("Établissements hospitaliers", ["Hélène Lefèvre", "Paul Lemoine"]),
        ("Professionnels libéraux et PSLA", [str(membre_college)]),
    ]
    page = " ".join(texte(reponse).split())
    assert "Centre hospitalier public du Cotentin" in page
    assert "Autorisées : un membre détient au plus 2 procurations." in page
    assert "50 % des membres à voix délibérative présents ou représentés" in page


def test_la_page_d_un_groupe_mene_au_groupe_de_travail():
    groupe = GroupeFactory()
    membre = MandatFactory(instance=groupe.instance, role=RoleMandat.ANIMATEUR).personne
    page = texte(
        client_pour(membre).get(reverse("conseil:instance_detail", kwargs={"pk": groupe.instance.pk}))
    )
    assert f'href="{groupe.get_absolute_url()}"' in page


# --- Documents ------------------------------------------------------------------------


def test_le_document_d_un_point_se_telecharge_par_un_membre_convoque(conseil, secretariat):
    _instance, reunion, membres = conseil
    point = reunion.points.get()
    contenu = fichiers.pdf()
    document = document_deposer(
        fichier=fichiers.fichier("note-de-cadrage.pdf", contenu, "application/pdf"),
        acteur=secretariat,
        titre="Note de cadrage",
        objet=point,
    )
    client = client_pour(membres["Anne"])
    page = texte(client.get(url("reunion_detail", reunion)))
    assert f'<a href="{document.get_absolute_url()}">Note de cadrage</a>' in page
    assert "(PDF," in page

    reponse = client.get(document.get_absolute_url())
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert 'attachment; filename="note-de-cadrage.pdf"' == reponse["Content-Disposition"]
    assert b"".join(reponse.streaming_content) == contenu

    etranger = MandatFactory(instance=InstanceFactory()).personne
    assert client_pour(etranger).get(document.get_absolute_url()).status_code == 404


# --- Requêtes -------------------------------------------------------------------------


def _requetes(client: Client, chemin: str) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(chemin).status_code == 200
    return len(requetes)


def test_le_nombre_de_requetes_ne_croit_pas_avec_les_seances(conseil, secretariat):
    instance, reunion, membres = conseil
    client = client_pour(membres["Anne"])
    accueil = reverse("conseil:accueil")
    detail_instance = reverse("conseil:instance_detail", kwargs={"pk": instance.pk})
    # Une séance de chaque liste d'abord : une liste vide ne coûte aucune requête.
    ReunionFactory(instance=instance, debut=timezone.now() - dt.timedelta(days=20), statut="tenue")
    _requetes(client, accueil)
    avant = (_requetes(client, accueil), _requetes(client, detail_instance))
    for n in range(4):
        autre = seance_convoquee(
            instance=instance,
            acteur=secretariat,
            debut=timezone.now() + dt.timedelta(days=40 + n),
            points=3,
        )
        services.reponse_enregistrer(reunion=autre, acteur=membres["Anne"], reponse=Reponse.EXCUSE)
        ReunionFactory(instance=instance, debut=timezone.now() - dt.timedelta(days=30 + n), statut="tenue")
        MandatFactory(instance=instance)
    assert (_requetes(client, accueil), _requetes(client, detail_instance)) == avant


def test_le_nombre_de_requetes_de_la_seance_ne_croit_pas_avec_l_ordre_du_jour(conseil, secretariat):
    instance, reunion, membres = conseil
    client = client_pour(membres["Anne"])
    chemin = url("reunion_detail", reunion)
    _requetes(client, chemin)
    avant = _requetes(client, chemin)
    for n in range(3):
        point = services.point_ajouter(
            reunion=reunion, acteur=secretariat, titre=f"Point {n}", nature=NaturePoint.DEBAT
        )
        for _i in range(2):
            document_deposer(
                fichier=fichiers.fichier(f"annexe-{n}.pdf", fichiers.pdf(), "application/pdf"),
                acteur=secretariat,
                objet=point,
            )
        MandatFactory(instance=instance)
    assert _requetes(client, chemin) == avant
