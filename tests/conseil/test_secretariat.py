"""Les pages du secrétariat pour une séance, par de vraies requêtes : planifier, préparer
l'ordre du jour et ses documents, convoquer, changer l'état, relever les présences, rédiger,
faire adopter et archiver le procès-verbal ; et les refus, avec la saisie gardée."""

import datetime as dt
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conseil import services
from conseil.models import (
    NaturePoint,
    Participation,
    PointOrdreDuJour,
    Presence,
    ProcesVerbal,
    Procuration,
    Reunion,
    RoleMandat,
    StatutProcesVerbal,
    StatutReunion,
)
from socle.models import Document, TacheDemandee
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import (
    ConseilFactory,
    InstanceFactory,
    MandatFactory,
    PointFactory,
    ReunionFactory,
    seance_convoquee,
    seance_tenue,
)
from tests.socle import fichiers

pytestmark = pytest.mark.django_db


def client_pour(utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def message_de(reponse) -> str:
    """Le dernier message laissé par la requête (les précédents restent en file tant
    qu'aucune page ne les affiche)."""
    return [str(m) for m in get_messages(reponse.wsgi_request)][-1]


def url(nom: str, objet) -> str:
    return reverse(f"conseil:{nom}", kwargs={"pk": objet.pk})


@pytest.fixture
def conseil():
    """Le Conseil et trois titulaires : Anne Aubert, Bruno Bernard, Claire Chevalier ; et
    une secrétaire de séance (mandat de secrétariat, qui n'est pas convoqué)."""
    instance = ConseilFactory()
    membres = {}
    for siege, (prenom, nom) in enumerate(
        [("Anne", "Aubert"), ("Bruno", "Bernard"), ("Claire", "Chevalier")], start=1
    ):
        membres[prenom] = MandatFactory(
            instance=instance, personne=UtilisateurFactory(prenom=prenom, nom=nom), siege=siege
        ).personne
    MandatFactory(
        instance=instance,
        personne=UtilisateurFactory(prenom="Sarah", nom="Secrétaire"),
        role=RoleMandat.SECRETARIAT,
    )
    return instance, membres


@pytest.fixture
def gestion(secretariat) -> Client:
    return client_pour(secretariat)


def dans(jours: int, heure: int = 18) -> dt.datetime:
    return (timezone.localtime() + dt.timedelta(days=jours)).replace(
        hour=heure, minute=0, second=0, microsecond=0
    )


# --- Planifier et modifier une séance ------------------------------------------------------


def test_planifier_une_seance_avec_l_instance_preselectionnee(gestion, conseil):
    instance, _membres = conseil
    InstanceFactory(nom="Groupe dissous", active=False)
    reponse = gestion.get(reverse("conseil:reunion_creer") + f"?instance={instance.pk}")
    assert reponse.status_code == 200
    page = texte(reponse)
    assert re.search(rf'<option value="{instance.pk}" selected>', page)
    assert "Groupe dissous" not in page
    assert 'type="datetime-local"' in page

    reponse = gestion.post(
        reverse("conseil:reunion_creer"),
        {
            "instance": instance.pk,
            "titre": "Séance plénière d'automne",
            "debut": dans(40).strftime("%Y-%m-%dT%H:%M"),
            "fin": dans(40, heure=20).strftime("%Y-%m-%dT%H:%M"),
            "lieu": "Hôtel communautaire",
            "lien_visio": "",
        },
    )
    reunion = Reunion.objects.get(titre="Séance plénière d'automne")
    assert reponse.status_code == 302
    assert reponse["Location"] == reunion.get_absolute_url()
    assert reunion.statut == StatutReunion.PLANIFIEE
    assert timezone.localtime(reunion.debut) == dans(40)
    assert (
        message_de(reponse)
        == "La séance est planifiée. Préparez son ordre du jour, puis envoyez la convocation."
    )


def test_une_seance_sans_lieu_ni_visio_est_refusee_saisie_gardee(gestion, conseil):
    instance, _membres = conseil
    reponse = gestion.post(
        reverse("conseil:reunion_creer"),
        {"instance": instance.pk, "titre": "Séance sans lieu", "debut": dans(40).strftime("%Y-%m-%dT%H:%M")},
    )
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Indiquez un lieu ou un lien de visioconférence." in page
    assert 'value="Séance sans lieu"' in page
    assert not Reunion.objects.exists()


@pytest.mark.parametrize(
    ("annee", "avertissement"),
    [
        (2020, "Cette date est passée (3 mars 2020) : cochez « Je confirme cette date »"),
        (2031, "Cette date est dans plus de deux ans (3 mars 2031) : cochez « Je confirme cette date »"),
    ],
)
def test_une_date_qui_surprend_demande_confirmation_saisie_gardee(gestion, conseil, annee, avertissement):
    """Une faute de frappe sur l'année (2020 pour 2026) ne passe pas sans que le secrétariat la voie."""
    instance, _membres = conseil
    saisie = {
        "instance": instance.pk,
        "titre": "Séance de printemps",
        "debut": f"{annee}-03-03T18:00",
        "lieu": "Hôtel communautaire",
    }
    reponse = gestion.post(reverse("conseil:reunion_creer"), saisie)
    assert reponse.status_code == 200
    page = texte(reponse)
    assert avertissement in page
    assert 'value="Séance de printemps"' in page and f'value="{annee}-03-03T18:00"' in page
    assert 'type="checkbox" name="confirmer_date"' in page
    assert not Reunion.objects.exists()
    # Confirmée : la séance est enregistrée à cette date.
    reponse = gestion.post(reverse("conseil:reunion_creer"), {**saisie, "confirmer_date": "on"})
    assert reponse.status_code == 302
    assert timezone.localtime(Reunion.objects.get().debut).year == annee


def test_une_date_ordinaire_ne_montre_pas_la_confirmation(gestion, conseil):
    instance, _membres = conseil
    page = texte(gestion.get(reverse("conseil:reunion_creer") + f"?instance={instance.pk}"))
    assert 'type="hidden" name="confirmer_date"' in page
    assert "Je confirme cette date" not in page


def test_modifier_le_lieu_d_une_seance(gestion, conseil):
    instance, _membres = conseil
    reunion = ReunionFactory(instance=instance, debut=dans(30))
    reponse = gestion.get(url("reunion_modifier", reunion))
    assert reponse.status_code == 200
    assert f'value="{dans(30):%Y-%m-%dT%H:%M}"' in texte(reponse)

    donnees = {
        "titre": reunion.titre,
        "debut": f"{dans(30):%Y-%m-%dT%H:%M}",
        "lieu": "Salle du conseil, Valognes",
        "lien_visio": "https://visio.exemple.fr/conseil",
    }
    reponse = gestion.post(url("reunion_modifier", reunion), donnees)
    assert reponse.status_code == 302
    reunion.refresh_from_db()
    assert reunion.lieu == "Salle du conseil, Valognes"
    assert reunion.lien_visio == "https://visio.exemple.fr/conseil"
    assert timezone.localtime(reunion.debut) == dans(30)


def test_une_fin_avant_le_debut_est_refusee_sous_le_champ(gestion, conseil):
    instance, _membres = conseil
    reunion = ReunionFactory(instance=instance, debut=dans(30))
    reponse = gestion.post(
        url("reunion_modifier", reunion),
        {
            "titre": reunion.titre,
            "debut": f"{dans(30):%Y-%m-%dT%H:%M}",
            "fin": f"{dans(30, heure=17):%Y-%m-%dT%H:%M}",
            "lieu": reunion.lieu,
        },
    )
    assert reponse.status_code == 200
    assert reponse.context["form"].errors["fin"] == ["La fin de la séance doit suivre son début."]
    reunion.refresh_from_db()
    assert reunion.fin is None


def test_une_seance_tenue_ne_se_modifie_plus(gestion, conseil, secretariat):
    instance, _membres = conseil
    reunion = seance_tenue(instance=instance, acteur=secretariat)
    reponse = gestion.post(
        url("reunion_modifier", reunion),
        {
            "titre": "Nouveau titre",
            "debut": f"{timezone.localtime(reunion.debut):%Y-%m-%dT%H:%M}",
            "lieu": "X",
        },
    )
    assert reponse.status_code == 200
    assert "La séance est tenue : sa préparation ne peut plus changer." in texte(reponse)
    reunion.refresh_from_db()
    assert reunion.titre != "Nouveau titre"


# --- Ordre du jour et documents --------------------------------------------------------------


def test_ajouter_deplacer_et_retirer_des_points(gestion, conseil):
    instance, _membres = conseil
    reunion = ReunionFactory(instance=instance)
    for titre, nature in [("Bilan 2026", NaturePoint.INFORMATION), ("Programme 2027", NaturePoint.DECISION)]:
        reponse = gestion.post(
            url("point_ajouter", reunion), {"titre": titre, "nature": nature, "expose": ""}
        )
        assert reponse.status_code == 302
    bilan, programme = reunion.points.order_by("ordre")
    assert (bilan.titre, bilan.ordre, programme.titre, programme.nature) == (
        "Bilan 2026",
        1,
        "Programme 2027",
        NaturePoint.DECISION,
    )
    assert reponse["Location"] == programme.get_absolute_url()

    reponse = gestion.post(url("point_deplacer", programme), {"sens": "haut"})
    assert reponse.status_code == 302
    assert list(reunion.points.order_by("ordre").values_list("titre", flat=True)) == [
        "Programme 2027",
        "Bilan 2026",
    ]
    assert gestion.post(url("point_deplacer", programme), {"sens": "ailleurs"}).status_code == 400

    reponse = gestion.post(url("point_supprimer", programme))
    assert reponse.status_code == 302
    assert message_de(reponse) == "Le point « Programme 2027 » est retiré de l'ordre du jour."
    assert list(reunion.points.values_list("titre", "ordre")) == [("Bilan 2026", 1)]


def test_un_point_sans_titre_revient_sur_sa_page(gestion, conseil):
    instance, _membres = conseil
    reunion = ReunionFactory(instance=instance)
    reponse = gestion.post(
        url("point_ajouter", reunion), {"titre": "", "expose": "Le détail", "nature": "debat"}
    )
    assert reponse.status_code == 200
    assert reponse.templates[0].name == "conseil/point_form.html"
    assert reponse.context["form"].errors["titre"]
    assert "Le détail" in texte(reponse)
    assert not reunion.points.exists()
    assert gestion.get(url("point_ajouter", reunion)).status_code == 200


def test_le_dernier_point_d_une_seance_convoquee_reste(gestion, conseil, secretariat):
    instance, _membres = conseil
    reunion = seance_convoquee(instance=instance, acteur=secretariat)
    point = reunion.points.get()
    reponse = gestion.post(url("point_supprimer", point))
    assert message_de(reponse) == "Une séance convoquée garde au moins un point à son ordre du jour."
    assert reunion.points.exists()


def test_modifier_un_point_puis_sa_suite_donnee_une_fois_la_seance_tenue(gestion, conseil, secretariat):
    instance, _membres = conseil
    reunion = ReunionFactory(instance=instance)
    point = PointFactory(reunion=reunion, ordre=1, titre="Bilan")
    reponse = gestion.post(
        url("point_modifier", point),
        {
            "titre": "Bilan annuel",
            "expose": "Présenté par la Direction.",
            "nature": "information",
            "resultat": "",
        },
    )
    assert reponse.status_code == 302
    modifie = PointOrdreDuJour.objects.get(pk=point.pk)
    assert (modifie.titre, modifie.expose) == ("Bilan annuel", "Présenté par la Direction.")

    tenue = seance_tenue(instance=instance, acteur=secretariat)
    point_tenu = tenue.points.get()
    reponse = gestion.get(url("point_modifier", point_tenu))
    assert list(reponse.context["form"].fields) == ["resultat"]
    reponse = gestion.post(
        url("point_modifier", point_tenu), {"titre": "Ignoré", "resultat": "Le Conseil prend acte."}
    )
    assert reponse.status_code == 302
    point_tenu.refresh_from_db()
    assert point_tenu.resultat == "Le Conseil prend acte."
    assert point_tenu.titre != "Ignoré"


def test_joindre_un_document_a_un_point(gestion, conseil, secretariat):
    instance, _membres = conseil
    point = PointFactory(reunion=ReunionFactory(instance=instance), ordre=1)
    reponse = gestion.post(
        url("point_document", point),
        {
            "fichier": fichiers.fichier("note.pdf", fichiers.pdf(), "application/pdf"),
            "titre": "Note de cadrage",
        },
    )
    assert reponse.status_code == 302
    assert reponse["Location"] == point.get_absolute_url()
    document = Document.objects.get()
    assert (document.titre, document.objet, document.depose_par) == ("Note de cadrage", point, secretariat)
    page = texte(gestion.get(url("point_modifier", point)))
    assert "Note de cadrage" in page


def test_un_fichier_refuse_s_affiche_sous_le_champ_et_rien_n_est_garde(gestion, conseil):
    instance, _membres = conseil
    point = PointFactory(reunion=ReunionFactory(instance=instance), ordre=1, titre="Budget")
    reponse = gestion.post(
        url("point_document", point),
        {"fichier": fichiers.fichier("budget.pdf", b"ceci n'est pas un PDF"), "titre": "Budget prévisionnel"},
    )
    assert reponse.status_code == 200
    form = reponse.context["form_document"]
    assert form.errors["fichier"] == [
        "Ce type de fichier n'est pas accepté. Formats acceptés : PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX."
    ]
    page = texte(reponse)
    assert "Ce type de fichier n'est pas accepté" in page
    assert 'value="Budget prévisionnel"' in page
    assert not Document.objects.exists()


# --- Convocation ---------------------------------------------------------------------------


def test_la_page_de_convocation_montre_l_ordre_du_jour_et_les_convoques(gestion, conseil):
    instance, _membres = conseil
    reunion = ReunionFactory(instance=instance, debut=dans(30))
    PointFactory(reunion=reunion, ordre=1, titre="Bilan de l'année")
    reponse = gestion.get(url("convoquer", reunion))
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Bilan de l'année" in page
    assert [str(m.personne) for m in reponse.context["convoques"]] == [
        "Anne Aubert",
        "Bruno Bernard",
        "Claire Chevalier",
    ]
    assert "Sarah Secrétaire" not in page
    assert reponse.context["tardive"] is False
    assert "motif_retard" not in reponse.context["form"].fields

    reponse = gestion.post(url("convoquer", reunion))
    assert reponse.status_code == 302
    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.CONVOQUEE
    assert reunion.participations.count() == 3
    assert message_de(reponse) == "La convocation est envoyée : 3 membres la reçoivent par courriel."


def test_une_convocation_tardive_sans_motif_garde_la_page(gestion, conseil):
    instance, _membres = conseil
    reunion = ReunionFactory(instance=instance, debut=dans(2))
    PointFactory(reunion=reunion, ordre=1)
    reponse = gestion.get(url("convoquer", reunion))
    page = texte(reponse)
    assert reponse.context["tardive"] is True
    assert "La séance a lieu dans 2 jours : une convocation part au moins 5 jours avant." in page
    assert 'name="motif_retard"' in page

    reponse = gestion.post(url("convoquer", reunion), {"motif_retard": "  "})
    assert reponse.status_code == 200
    assert reponse.context["form"].errors["motif_retard"] == [
        "Indiquez le motif de cette convocation tardive."
    ]
    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.PLANIFIEE
    assert not reunion.participations.exists()

    reponse = gestion.post(url("convoquer", reunion), {"motif_retard": "Report de la séance du 3 juin"})
    assert reponse.status_code == 302
    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.CONVOQUEE
    assert reunion.convocation_motif_retard == "Report de la séance du 3 juin"


def test_une_convocation_sans_ordre_du_jour_est_refusee(gestion, conseil):
    instance, _membres = conseil
    reunion = ReunionFactory(instance=instance, debut=dans(30))
    reponse = gestion.post(url("convoquer", reunion))
    assert reponse.status_code == 200
    assert "Une convocation sans ordre du jour ne peut pas partir : ajoutez au moins un point." in texte(
        reponse
    )
    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.PLANIFIEE


def test_une_seance_deja_convoquee_ne_propose_plus_l_envoi(gestion, conseil, secretariat):
    instance, _membres = conseil
    reunion = seance_convoquee(instance=instance, acteur=secretariat)
    reponse = gestion.get(url("convoquer", reunion))
    assert "la convocation est partie le" in texte(reponse)
    reponse = gestion.post(url("convoquer", reunion))
    assert "La séance est déjà convoquée : la convocation ne part qu'une fois." in texte(reponse)


# --- État de la séance ---------------------------------------------------------------------


def test_une_seance_pas_encore_commencee_ne_peut_pas_etre_tenue(gestion, conseil, secretariat):
    instance, _membres = conseil
    reunion = seance_convoquee(instance=instance, acteur=secretariat)
    reponse = gestion.post(url("reunion_statut", reunion), {"vers": "tenue"})
    assert reponse.status_code == 302
    assert reponse["Location"] == reunion.get_absolute_url()
    assert (
        message_de(reponse)
        == "La séance n'a pas encore commencé : elle ne peut pas être marquée comme tenue."
    )
    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.CONVOQUEE


def test_annuler_une_seance_demande_un_motif(gestion, conseil, secretariat):
    instance, _membres = conseil
    reunion = seance_convoquee(instance=instance, acteur=secretariat)
    reponse = gestion.post(url("reunion_statut", reunion), {"vers": "annulee", "motif": ""})
    assert message_de(reponse) == "Indiquez le motif de cette action."
    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.CONVOQUEE

    reponse = gestion.post(url("reunion_statut", reunion), {"vers": "annulee", "motif": "Salle indisponible"})
    assert message_de(reponse) == "La séance est annulée ; les membres convoqués en sont prévenus."
    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.ANNULEE
    assert gestion.post(url("reunion_statut", reunion), {"vers": "convoquee"}).status_code == 302


def test_clore_une_seance_sans_toutes_les_presences_est_refuse(gestion, conseil, secretariat):
    instance, _membres = conseil
    reunion = seance_tenue(instance=instance, acteur=secretariat)
    reponse = gestion.post(url("reunion_statut", reunion), {"vers": "close"})
    assert (
        message_de(reponse)
        == "Relevez la présence de chaque membre convoqué avant de clore la séance (3 sans présence)."
    )
    reunion.participations.update(presence=Presence.PRESENT)
    reponse = gestion.post(url("reunion_statut", reunion), {"vers": "close"})
    assert message_de(reponse) == "La séance est close : le quorum est figé au registre."
    reunion.refresh_from_db()
    assert (reunion.statut, reunion.quorum_presents, reunion.quorum_atteint) == (StatutReunion.CLOSE, 3, True)


# --- Présences et quorum ---------------------------------------------------------------------


def _lignes(reunion, membres) -> dict[str, Participation]:
    return {prenom: reunion.participations.get(personne=personne) for prenom, personne in membres.items()}


def test_le_registre_est_prerempli_d_apres_les_reponses(gestion, conseil, secretariat):
    instance, membres = conseil
    reunion = seance_convoquee(instance=instance, acteur=secretariat)
    services.reponse_enregistrer(reunion=reunion, acteur=membres["Anne"], reponse="present")
    services.reponse_enregistrer(reunion=reunion, acteur=membres["Claire"], reponse="excuse")
    services.procuration_donner(
        reunion=reunion, mandant=membres["Bruno"], mandataire=membres["Anne"], acteur=membres["Bruno"]
    )
    lignes = _lignes(reunion, {k: v for k, v in membres.items()})
    reponse = gestion.get(url("presences", reunion))
    assert reponse.status_code == 200
    formulaires = {ligne.participation.pk: ligne.form for ligne in reponse.context["lignes"]}
    assert formulaires[lignes["Anne"].pk].initial["presence"] == Presence.PRESENT
    assert formulaires[lignes["Claire"].pk].initial["presence"] == Presence.EXCUSE
    assert formulaires[lignes["Bruno"].pk].initial == {
        "presence": Presence.REPRESENTE,
        "mandataire": membres["Anne"].pk,
    }
    page = texte(reponse)
    assert 'aria-live="polite"' in page
    assert (
        f'<label class="visually-hidden" for="id_p{lignes["Anne"].pk}-presence">Présence de Anne Aubert'
        in page
    )


def test_relever_les_presences_et_voir_le_quorum(gestion, conseil, secretariat):
    instance, membres = conseil
    reunion = seance_tenue(instance=instance, acteur=secretariat)
    lignes = _lignes(reunion, membres)
    donnees = {
        f"p{lignes['Anne'].pk}-presence": "present",
        f"p{lignes['Anne'].pk}-mandataire": "",
        f"p{lignes['Bruno'].pk}-presence": "represente",
        f"p{lignes['Bruno'].pk}-mandataire": str(membres["Anne"].pk),
        f"p{lignes['Claire'].pk}-presence": "excuse",
        f"p{lignes['Claire'].pk}-mandataire": "",
    }
    reponse = gestion.post(url("presences", reunion), donnees)
    assert reponse.status_code == 302
    assert message_de(reponse) == "Les présences sont enregistrées. Le quorum est atteint."
    assert dict(reunion.participations.values_list("personne__prenom", "presence")) == {
        "Anne": Presence.PRESENT,
        "Bruno": Presence.REPRESENTE,
        "Claire": Presence.EXCUSE,
    }
    assert Procuration.objects.get(reunion=reunion).mandataire == membres["Anne"]

    reponse = gestion.get(url("presences", reunion))
    quorum = reponse.context["quorum"]
    assert (quorum.membres, quorum.presents, quorum.representes, quorum.requis, quorum.atteint) == (
        3,
        1,
        1,
        2,
        True,
    )
    partiel = gestion.get(url("quorum", reunion), headers={"HX-Request": "true"})
    assert partiel.status_code == 200
    assert "<html" not in texte(partiel)
    assert "Quorum atteint : 2 membres présents ou représentés, 2 requis." in texte(partiel)
    inchange = gestion.get(url("quorum", reunion) + "?etat=3-1-1-2", headers={"HX-Request": "true"})
    assert inchange.status_code == 204


def test_une_ligne_refusee_garde_la_saisie_et_dit_pourquoi(gestion, conseil, secretariat):
    instance, membres = conseil
    reunion = seance_tenue(instance=instance, acteur=secretariat)
    lignes = _lignes(reunion, membres)
    donnees = {
        f"p{lignes['Anne'].pk}-presence": "absent",
        f"p{lignes['Bruno'].pk}-presence": "represente",
        f"p{lignes['Bruno'].pk}-mandataire": str(membres["Anne"].pk),
        f"p{lignes['Claire'].pk}-presence": "present",
    }
    reponse = gestion.post(url("presences", reunion), donnees)
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Anne Aubert n'est pas noté présent : il ne peut pas représenter Bruno Bernard." in page
    bruno = next(ligne.form for ligne in reponse.context["lignes"] if ligne.participation == lignes["Bruno"])
    assert bruno.errors
    assert f'id="p{lignes["Bruno"].pk}-erreur"' in page
    assert f'aria-describedby="p{lignes["Bruno"].pk}-erreur"' in page
    # Ce qui a été choisi reste choisi.
    assert re.search(
        rf'name="p{lignes["Anne"].pk}-presence"[^>]*>.*?<option value="absent" selected>', page, re.S
    )
    assert re.search(
        rf'name="p{lignes["Bruno"].pk}-mandataire"[^>]*>.*?<option value="{membres["Anne"].pk}" selected>',
        page,
        re.S,
    )
    assert not reunion.participations.exclude(presence="").exists()


def test_le_registre_d_une_seance_close_ne_change_plus(gestion, conseil, secretariat):
    instance, membres = conseil
    reunion = seance_tenue(instance=instance, acteur=secretariat)
    reunion.participations.update(presence=Presence.EXCUSE)
    services.reunion_changer_statut(reunion=reunion, acteur=secretariat, vers="close")
    ligne = reunion.participations.first()
    reponse = gestion.post(url("presences", reunion), {f"p{ligne.pk}-presence": "present"})
    assert reponse.status_code == 200
    assert "La séance est close : les présences ne se relèvent plus." in texte(reponse)
    assert "Quorum figé" in texte(reponse)
    assert not reunion.participations.filter(presence=Presence.PRESENT).exists()


# --- Procès-verbal ------------------------------------------------------------------------------


@pytest.fixture
def seance_close(conseil, secretariat):
    """La séance tenue il y a une semaine : Anne présente, Bruno représenté par Anne,
    Claire excusée ; le point « Bilan » a sa suite donnée ; séance close."""
    instance, membres = conseil
    reunion = seance_tenue(instance=instance, acteur=secretariat, il_y_a=dt.timedelta(days=7))
    point = reunion.points.get()
    services.point_modifier(point=point, acteur=secretariat, resultat="Le Conseil prend acte du bilan.")
    lignes = _lignes(reunion, membres)
    services.presences_enregistrer(
        reunion=reunion,
        acteur=secretariat,
        lignes=[
            services.LignePresence(lignes["Anne"].pk, Presence.PRESENT),
            services.LignePresence(lignes["Bruno"].pk, Presence.REPRESENTE, membres["Anne"].pk),
            services.LignePresence(lignes["Claire"].pk, Presence.EXCUSE),
        ],
    )
    return services.reunion_changer_statut(reunion=reunion, acteur=secretariat, vers="close")


def test_rediger_le_proces_verbal_prerempli(gestion, seance_close):
    reponse = gestion.get(url("proces_verbal", seance_close))
    assert reponse.status_code == 200
    assert "Rédiger le procès-verbal" in texte(reponse)

    reponse = gestion.post(url("proces_verbal", seance_close), {"action": "rediger"})
    assert reponse.status_code == 302
    pv = ProcesVerbal.objects.get(reunion=seance_close)
    assert "Présents : Anne Aubert." in pv.texte
    assert "Représentés : Bruno Bernard (procuration à Anne Aubert)." in pv.texte
    assert "Excusés : Claire Chevalier." in pv.texte
    assert (
        "Quorum : 2 membres à voix délibérative présents ou représentés sur 3 ; quorum requis : 2. "
        "Le quorum est atteint." in pv.texte
    )
    assert "Le Conseil prend acte du bilan." in pv.texte
    page = texte(gestion.get(url("proces_verbal", seance_close)))
    assert 'name="texte"' in page
    assert "Présents : Anne Aubert." in page


def test_le_proces_verbal_ne_se_redige_pas_avant_la_seance(gestion, conseil, secretariat):
    instance, _membres = conseil
    reunion = seance_convoquee(instance=instance, acteur=secretariat)
    assert "Rédiger le procès-verbal" not in texte(gestion.get(url("proces_verbal", reunion)))
    reponse = gestion.post(url("proces_verbal", reunion), {"action": "rediger"})
    assert message_de(reponse) == "Le procès-verbal se rédige une fois la séance tenue."
    assert not ProcesVerbal.objects.exists()


def test_modifier_le_texte_du_proces_verbal(gestion, seance_close, secretariat):
    pv = services.proces_verbal_rediger(reunion=seance_close, acteur=secretariat)
    reponse = gestion.post(url("proces_verbal", seance_close), {"texte": "   "})
    assert reponse.status_code == 200
    assert "Le procès-verbal ne peut pas être vide." in texte(reponse)
    reponse = gestion.post(
        url("proces_verbal", seance_close), {"texte": pv.texte + "\n\nSéance levée à 20 h."}
    )
    assert reponse.status_code == 302
    pv.refresh_from_db()
    assert pv.texte.endswith("Séance levée à 20 h.")


def test_un_membre_lit_le_projet_sans_pouvoir_le_modifier(seance_close, conseil, secretariat, professionnel):
    _instance, membres = conseil
    services.proces_verbal_rediger(reunion=seance_close, acteur=secretariat)
    anne = client_pour(membres["Anne"])
    reponse = anne.get(url("proces_verbal", seance_close))
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Projet" in page
    assert "Présents : Anne Aubert." in page
    assert 'name="texte"' not in page
    assert "Enregistrer l'adoption" not in page
    assert anne.post(url("proces_verbal", seance_close), {"texte": "Réécrit"}).status_code == 403
    assert client_pour(professionnel).get(url("proces_verbal", seance_close)).status_code == 404


def test_l_adoption_par_une_seance_anterieure_est_refusee(gestion, seance_close, conseil, secretariat):
    instance, _membres = conseil
    pv = services.proces_verbal_rediger(reunion=seance_close, acteur=secretariat)
    anterieure = ReunionFactory(
        instance=instance,
        debut=seance_close.debut - dt.timedelta(days=60),
        statut=StatutReunion.CLOSE,
        quorum_atteint=True,
        quorum_compte_procurations=True,
    )
    suivante = seance_convoquee(instance=instance, acteur=secretariat, debut=dans(20))
    reponse = gestion.get(url("proces_verbal", seance_close))
    assert list(reponse.context["form_adoption"].seances) == [suivante]

    reponse = gestion.post(url("proces_verbal_adopter", seance_close), {"adopte_en": anterieure.pk})
    assert reponse.status_code == 200
    assert "Le procès-verbal d'une séance est adopté à une séance suivante" in texte(reponse)
    pv.refresh_from_db()
    assert (pv.statut, pv.adopte_en) == (StatutProcesVerbal.BROUILLON, None)


def test_l_adoption_avant_la_cloture_est_refusee(gestion, conseil, secretariat):
    instance, _membres = conseil
    tenue = seance_tenue(instance=instance, acteur=secretariat)
    services.proces_verbal_rediger(reunion=tenue, acteur=secretariat)
    suivante = seance_convoquee(instance=instance, acteur=secretariat, debut=dans(20))
    reponse = gestion.post(url("proces_verbal_adopter", tenue), {"adopte_en": suivante.pk})
    assert reponse.status_code == 200
    assert "Le procès-verbal n'est adopté qu'une fois sa séance close." in texte(reponse)


def test_adopter_puis_suivre_l_archivage(
    gestion, seance_close, conseil, secretariat, django_capture_on_commit_callbacks
):
    instance, _membres = conseil
    pv = services.proces_verbal_rediger(reunion=seance_close, acteur=secretariat)
    suivante = seance_convoquee(instance=instance, acteur=secretariat, debut=dans(20))
    with django_capture_on_commit_callbacks() as rappels:
        reponse = gestion.post(url("proces_verbal_adopter", seance_close), {"adopte_en": suivante.pk})
    assert reponse.status_code == 302
    pv.refresh_from_db()
    assert (pv.statut, pv.adopte_en) == (StatutProcesVerbal.ADOPTE, suivante)
    assert rappels  # mis en file après validation, par la boîte d'envoi
    assert TacheDemandee.objects.filter(
        nom="conseil.tasks.archiver_proces_verbal", arguments=[pv.pk]
    ).exists()

    # Pas encore archivé : la page le dit et se redemande toute seule.
    page = texte(gestion.get(url("proces_verbal", seance_close)))
    assert "Archivage en cours" in page
    assert 'hx-trigger="every 2s"' in page
    partiel = gestion.get(url("proces_verbal", seance_close), headers={"HX-Request": "true"})
    assert "<html" not in texte(partiel) and "Archivage en cours" in texte(partiel)
    assert "HX-Request" in partiel["Vary"]

    for rappel in rappels:
        rappel()
    pv.refresh_from_db()
    assert pv.statut == StatutProcesVerbal.ARCHIVE
    partiel = texte(gestion.get(url("proces_verbal", seance_close), headers={"HX-Request": "true"}))
    assert pv.document.get_absolute_url() in partiel
    assert "hx-trigger" not in partiel
    telechargement = gestion.get(pv.document.get_absolute_url())
    assert telechargement.status_code == 200
    assert b"".join(telechargement.streaming_content).startswith(b"%PDF-")


def test_relancer_un_archivage_echoue(
    gestion, seance_close, conseil, secretariat, django_capture_on_commit_callbacks
):
    instance, _membres = conseil
    pv = services.proces_verbal_rediger(reunion=seance_close, acteur=secretariat)
    suivante = seance_convoquee(instance=instance, acteur=secretariat, debut=dans(20))
    services.proces_verbal_adopter(pv=pv, adopte_en=suivante, acteur=secretariat)
    ProcesVerbal.objects.filter(pk=pv.pk).update(erreur_archivage="Le PDF n'a pas pu être écrit : OSError")

    page = texte(gestion.get(url("proces_verbal", seance_close)))
    assert "Le PDF n'a pas pu être écrit : OSError" in page
    assert "Relancer l'archivage" in page
    assert 'hx-trigger="every 2s"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        reponse = gestion.post(url("proces_verbal_archiver", seance_close))
    assert message_de(reponse) == "L'archivage du procès-verbal est relancé."
    pv.refresh_from_db()
    assert (pv.statut, pv.erreur_archivage) == (StatutProcesVerbal.ARCHIVE, "")

    reponse = gestion.post(url("proces_verbal_archiver", seance_close))
    assert message_de(reponse) == "Seul un procès-verbal adopté et pas encore archivé peut être archivé."


# --- Droits --------------------------------------------------------------------------------------


def test_un_membre_convoque_n_a_pas_les_pages_du_secretariat(conseil, secretariat):
    instance, membres = conseil
    reunion = seance_convoquee(instance=instance, acteur=secretariat)
    point = reunion.points.get()
    anne = client_pour(membres["Anne"])
    assert anne.get(url("quorum", reunion)).status_code == 200
    for nom, objet, methode in [
        ("reunion_modifier", reunion, "get"),
        ("point_ajouter", reunion, "post"),
        ("point_modifier", point, "get"),
        ("point_supprimer", point, "post"),
        ("point_deplacer", point, "post"),
        ("point_document", point, "post"),
        ("convoquer", reunion, "get"),
        ("reunion_statut", reunion, "post"),
        ("presences", reunion, "get"),
        ("proces_verbal_adopter", reunion, "post"),
        ("proces_verbal_archiver", reunion, "post"),
    ]:
        assert getattr(anne, methode)(url(nom, objet)).status_code == 403, nom
    assert anne.get(reverse("conseil:reunion_creer")).status_code == 403
    assert PointOrdreDuJour.objects.filter(reunion=reunion).count() == 1


def test_une_seance_invisible_repond_404(conseil, professionnel, copresident):
    instance, _membres = conseil
    reunion = ReunionFactory(instance=instance)
    point = PointFactory(reunion=reunion, ordre=1)
    autre = client_pour(professionnel)
    for nom, objet in [
        ("reunion_modifier", reunion),
        ("point_modifier", point),
        ("convoquer", reunion),
        ("presences", reunion),
        ("quorum", reunion),
        ("proces_verbal", reunion),
    ]:
        assert autre.get(url(nom, objet)).status_code == 404, nom
    assert autre.post(url("point_supprimer", point)).status_code == 404
    # Le co-président voit tout, mais ne tient pas le secrétariat.
    assert client_pour(copresident).get(url("convoquer", reunion)).status_code == 403
    assert client_pour(copresident).get(url("proces_verbal", reunion)).status_code == 200


def test_les_actions_du_secretariat_ne_se_font_qu_en_post(gestion, conseil):
    instance, _membres = conseil
    reunion = ReunionFactory(instance=instance)
    point = PointFactory(reunion=reunion, ordre=1)
    for nom, objet in [
        ("point_supprimer", point),
        ("point_deplacer", point),
        ("point_document", point),
        ("reunion_statut", reunion),
        ("proces_verbal_adopter", reunion),
        ("proces_verbal_archiver", reunion),
    ]:
        assert gestion.get(url(nom, objet)).status_code == 405, nom
    assert gestion.post(url("quorum", reunion)).status_code == 405


# --- Le bloc du secrétariat sur la page de la séance ---------------------------------------------


def test_le_bloc_du_secretariat_d_une_seance_planifiee(gestion, conseil, secretariat):
    instance, _membres = conseil
    reunion = ReunionFactory(instance=instance)
    premier = PointFactory(reunion=reunion, ordre=1, titre="Bilan")
    second = PointFactory(reunion=reunion, ordre=2, titre="Programme")
    page = texte(gestion.get(reunion.get_absolute_url()))
    assert "Secrétariat de la séance" in page
    assert f'href="{url("convoquer", reunion)}"' in page
    assert f'href="{url("reunion_modifier", reunion)}"' in page
    assert f'action="{url("point_ajouter", reunion)}"' in page
    assert page.count(f'action="{url("point_deplacer", premier)}"') == 1  # descendre seulement
    assert page.count(f'action="{url("point_deplacer", second)}"') == 1  # monter seulement
    assert f'action="{url("point_document", second)}" enctype="multipart/form-data"' in page
    assert "Annuler la séance" in page
    assert 'name="motif"' in page
    assert "Registre des présences" not in page


def test_le_bloc_du_secretariat_d_une_seance_tenue(gestion, conseil, secretariat, membre_college):
    instance, membres = conseil
    reunion = seance_tenue(instance=instance, acteur=secretariat)
    page = texte(gestion.get(reunion.get_absolute_url()))
    assert "Clore la séance et figer le quorum" in page
    assert f'href="{url("presences", reunion)}"' in page
    assert f'href="{url("proces_verbal", reunion)}"' in page
    assert "Quorum non atteint : 0 membre présent ou représenté, 2 requis." in page
    assert f'action="{url("point_ajouter", reunion)}"' not in page
    assert "Envoyer la convocation" not in page
    # Un membre convoqué lit la séance, sans le bloc du secrétariat.
    assert "Secrétariat de la séance" not in texte(
        client_pour(membres["Anne"]).get(reunion.get_absolute_url())
    )


def test_le_quorum_d_une_instance_sans_quorum_le_dit(gestion, secretariat):
    groupe = InstanceFactory(quorum_part=0)
    MandatFactory(instance=groupe)
    reunion = seance_convoquee(instance=groupe, acteur=secretariat)

    page = texte(gestion.get(url("quorum", reunion)))

    assert "Cette instance ne fixe pas de quorum : 0 membre présent ou représenté." in page
    assert "Quorum atteint" not in page
