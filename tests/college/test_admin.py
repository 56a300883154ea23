"""L'administration du Collège : chaque page répond à l'agent, l'urne n'y est pas, un scrutin ne
se corrige que tant qu'il se prépare (et ne se crée que sur le portail), une déclaration
d'intérêt enregistrée par le secrétariat passe par le service (journal)."""

import datetime as dt
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from college import services
from college.models import (
    Commentaire,
    DeclarationInteret,
    Discussion,
    Electeur,
    ProcurationVote,
    Scrutin,
    StatutScrutin,
    Texte,
    TypeScrutin,
    VersionCommentaire,
)
from conseil.models import PointOrdreDuJour
from socle.models import Evenement
from tests.college.factories import ScrutinFactory, TexteFactory, membres_votants
from tests.conseil.factories import CollegeFactory, PointFactory

pytestmark = pytest.mark.django_db


def _html(reponse) -> str:
    return unescape(reponse.content.decode())


@pytest.fixture
def donnees(agent) -> dict[str, object]:
    """Un texte, une élection en préparation avec un candidat, une délibération ouverte (un
    intérêt déclaré, une procuration, un bulletin), une délibération close, une discussion."""
    college = CollegeFactory()
    membres = membres_votants(college, 4)
    texte = TexteFactory(instance=college, titre="Charte d'engagement")
    election = ScrutinFactory(
        instance=college, type_scrutin=TypeScrutin.ELECTION, titre="Élection du représentant"
    )
    services.candidature_declarer(scrutin=election, personne=membres[0], acteur=agent)
    ouverte = ScrutinFactory(instance=college, titre="Adoption de la charte", objet=texte)
    interet = services.interet_declarer(personne=membres[3], objet=texte, nature="Rédacteur", acteur=agent)
    services.procuration_vote_donner(scrutin=ouverte, mandant=membres[2], mandataire=membres[1], acteur=agent)
    services.scrutin_ouvrir(scrutin=ouverte, acteur=agent)
    services.bulletin_deposer(scrutin=ouverte, votant=membres[0], choix="pour")
    close = ScrutinFactory(instance=college, titre="Règlement intérieur")
    services.scrutin_ouvrir(scrutin=close, acteur=agent)
    services.bulletin_deposer(scrutin=close, votant=membres[1], choix="contre")
    services.scrutin_clore(scrutin=close, acteur=agent, motif="Tous les électeurs ont voté")
    discussion = Discussion.objects.create(instance=college, titre="Charte : vos remarques", cree_par=agent)
    commentaire = Commentaire.objects.create(discussion=discussion, auteur=membres[0], texte="D'accord.")
    VersionCommentaire.objects.create(commentaire=commentaire, texte="D'accord")
    return {
        "texte": texte.pk,
        "election": election.pk,
        "candidature": election.candidatures.get().pk,
        "ouverte": ouverte.pk,
        "close": close.pk,
        "interet": interet.pk,
        "electeur": Electeur.objects.filter(scrutin=ouverte).first().pk,
        "procuration": ProcurationVote.objects.get(scrutin=ouverte).pk,
        "emargement": ouverte.emargements.get().pk,
        "discussion": discussion.pk,
        "commentaire": commentaire.pk,
    }


PAGES = [
    "/admin/college/",
    "/admin/college/texte/",
    "/admin/college/texte/add/",
    "/admin/college/texte/{texte}/change/",
    "/admin/college/scrutin/",
    "/admin/college/scrutin/?statut__exact=ouvert&type_scrutin__exact=deliberation",
    "/admin/college/scrutin/{election}/change/",
    "/admin/college/scrutin/{ouverte}/change/",
    "/admin/college/scrutin/{close}/change/",
    "/admin/college/candidature/",
    "/admin/college/candidature/{candidature}/change/",
    "/admin/college/declarationinteret/",
    "/admin/college/declarationinteret/add/",
    "/admin/college/declarationinteret/{interet}/change/",
    "/admin/college/electeur/",
    "/admin/college/electeur/{electeur}/change/",
    "/admin/college/procurationvote/",
    "/admin/college/procurationvote/{procuration}/change/",
    "/admin/college/emargement/",
    "/admin/college/emargement/{emargement}/change/",
    "/admin/college/discussion/",
    "/admin/college/discussion/{discussion}/change/",
    "/admin/college/commentaire/",
    "/admin/college/commentaire/{commentaire}/change/",
]


@pytest.mark.parametrize("modele", PAGES)
def test_chaque_page_repond(client_de, donnees, modele):
    reponse = client_de("agent").get(modele.format(**donnees))
    assert reponse.status_code == 200


def test_l_urne_n_est_pas_dans_l_administration(client_de, donnees):
    client = client_de("agent")
    assert client.get("/admin/college/bulletin/").status_code == 404
    assert "/admin/college/bulletin/" not in client.get("/admin/college/").content.decode()
    # Le superutilisateur non plus n'y a pas accès.
    assert client_de("superutilisateur").get("/admin/college/bulletin/").status_code == 404


def test_un_scrutin_ne_se_cree_pas_dans_l_administration(client_de, donnees):
    client = client_de("agent")
    assert client.get("/admin/college/scrutin/add/").status_code == 403
    assert client.post("/admin/college/scrutin/add/", {"titre": "Pirate"}).status_code == 403
    assert "/admin/college/scrutin/add/" not in client.get("/admin/college/scrutin/").content.decode()


def _preparation(scrutin: Scrutin, **champs) -> dict[str, object]:
    ouverture = timezone.localtime(scrutin.ouverture)
    cloture = timezone.localtime(scrutin.cloture)
    donnees = {
        "titre": scrutin.titre,
        "question": scrutin.question,
        "reunion": "",
        "sieges": str(scrutin.sieges),
        "secret": "on" if scrutin.secret else "",
        "ouverture_0": ouverture.strftime("%d/%m/%Y"),
        "ouverture_1": ouverture.strftime("%H:%M:%S"),
        "cloture_0": cloture.strftime("%d/%m/%Y"),
        "cloture_1": cloture.strftime("%H:%M:%S"),
        "candidatures-TOTAL_FORMS": "0",
        "candidatures-INITIAL_FORMS": "0",
        "candidatures-MIN_NUM_FORMS": "0",
        "candidatures-MAX_NUM_FORMS": "1000",
    }
    donnees.update(champs)
    return donnees


def test_un_scrutin_en_preparation_se_corrige_et_la_correction_est_tracee(client_de, donnees, agent):
    election = Scrutin.objects.get(pk=donnees["election"])
    url = f"/admin/college/scrutin/{election.pk}/change/"
    client = client_de("agent")

    page = client.get(url)
    assert page.context["adminform"].form.fields.keys() >= {"titre", "ouverture", "cloture", "sieges"}
    assert "Ouvrir le scrutin sur le portail" in _html(page)
    assert f'href="/college/scrutins/{election.pk}/"' in page.content.decode()

    nouvelle_cloture = timezone.localtime(election.cloture) + dt.timedelta(days=3)
    reponse = client.post(
        url,
        _preparation(
            election,
            titre="Élection du représentant du Collège",
            sieges="2",
            cloture_0=nouvelle_cloture.strftime("%d/%m/%Y"),
        ),
    )

    assert reponse.status_code == 302, reponse.context["adminform"].form.errors
    election.refresh_from_db()
    assert election.titre == "Élection du représentant du Collège" and election.sieges == 2
    assert election.cloture.date() == nouvelle_cloture.date()
    assert election.statut == StatutScrutin.PREPARATION
    evenement = Evenement.objects.get(verbe="college.scrutin.modifie")
    assert evenement.acteur == agent
    assert set(evenement.donnees["modifications"]) == {"titre", "sieges", "cloture"}
    assert evenement.donnees["modifications"]["sieges"] == [1, 2]


def test_une_preparation_incoherente_est_refusee_en_francais(client_de, donnees):
    election = Scrutin.objects.get(pk=donnees["election"])
    ouverture = timezone.localtime(election.ouverture)
    reponse = client_de("agent").post(
        f"/admin/college/scrutin/{election.pk}/change/",
        _preparation(election, cloture_0=(ouverture - dt.timedelta(days=1)).strftime("%d/%m/%Y")),
    )
    assert reponse.status_code == 200
    erreurs = reponse.context["adminform"].form.errors
    assert erreurs == {"cloture": ["La clôture du vote doit suivre son ouverture."]}

    deliberation = ScrutinFactory(instance=election.instance)
    reponse = client_de("agent").post(
        f"/admin/college/scrutin/{deliberation.pk}/change/", _preparation(deliberation, sieges="3")
    )
    assert reponse.context["adminform"].form.errors == {
        "sieges": ["Seule une élection pourvoit plusieurs sièges."]
    }


@pytest.mark.parametrize("cle", ["ouverte", "close"])
def test_un_scrutin_ouvert_ou_clos_est_en_lecture_seule(client_de, donnees, cle):
    scrutin = Scrutin.objects.get(pk=donnees[cle])
    url = f"/admin/college/scrutin/{scrutin.pk}/change/"
    client = client_de("agent")

    page = client.get(url)
    assert page.status_code == 200
    html = _html(page)
    assert 'name="titre"' not in html and 'name="cloture_0"' not in html
    assert "Ouvrir le scrutin sur le portail" in html
    assert not page.context["has_change_permission"]

    assert client.post(url, _preparation(scrutin, titre="Changé")).status_code == 403
    scrutin.refresh_from_db()
    assert scrutin.titre != "Changé"
    assert not Evenement.objects.filter(verbe="college.scrutin.modifie").exists()


def test_le_resultat_reste_scelle_tant_que_le_scrutin_est_ouvert(client_de, donnees):
    client = client_de("agent")
    ouverte = _html(client.get(f"/admin/college/scrutin/{donnees['ouverte']}/change/"))
    assert "1 votant sur 3 électeurs" in ouverte  # l'intéressé est écarté
    assert "pour" not in ouverte.split("Résultat figé à la clôture")[1]
    close = _html(client.get(f"/admin/college/scrutin/{donnees['close']}/change/"))
    assert '"issue"' in close


def test_un_scrutin_ne_s_efface_pas(client_de, donnees):
    client = client_de("agent")
    for cle in ("election", "ouverte", "close"):
        assert client.get(f"/admin/college/scrutin/{donnees[cle]}/delete/").status_code == 403


def test_un_registre_est_en_lecture_seule(client_de, donnees):
    client = client_de("agent")
    for modele, cle in (
        ("electeur", "electeur"),
        ("procurationvote", "procuration"),
        ("emargement", "emargement"),
        ("candidature", "candidature"),
        ("discussion", "discussion"),
        ("commentaire", "commentaire"),
    ):
        assert client.get(f"/admin/college/{modele}/add/").status_code == 403, modele
        assert client.post(f"/admin/college/{modele}/{donnees[cle]}/change/", {}).status_code == 403, modele
        assert client.get(f"/admin/college/{modele}/{donnees[cle]}/delete/").status_code == 403, modele


def test_un_texte_se_redige_dans_l_administration(client_de, agent, donnees):
    college = Texte.objects.get(pk=donnees["texte"]).instance
    reponse = client_de("agent").post(
        "/admin/college/texte/add/",
        {"instance": college.pk, "titre": "Règlement intérieur du Collège", "corps": "Article 1er."},
    )
    assert reponse.status_code == 302
    texte = Texte.objects.get(titre="Règlement intérieur du Collège")
    assert texte.cree_par == agent
    # Un texte mis aux voix ne s'efface pas.
    assert client_de("agent").get(f"/admin/college/texte/{donnees['texte']}/delete/").status_code == 403
    assert client_de("agent").get(f"/admin/college/texte/{texte.pk}/delete/").status_code == 200


def test_un_interet_enregistre_par_le_secretariat_passe_par_le_service(client_de, agent, donnees):
    college = CollegeFactory()
    [membre] = membres_votants(college, 1)
    point = PointFactory(titre="Avis sur le projet de maison de santé")
    type_point = ContentType.objects.get_for_model(PointOrdreDuJour)
    client = client_de("agent")

    formulaire = client.get("/admin/college/declarationinteret/add/")
    choix = [
        libelle for _valeur, libelle in formulaire.context["adminform"].form.fields["objet_type"].choices
    ]
    assert set(choix[1:]) == {"Point de l'ordre du jour", "Texte", "Scrutin"}

    reponse = client.post(
        "/admin/college/declarationinteret/add/",
        {
            "personne": membre.pk,
            "objet_type": type_point.pk,
            "objet_id": str(point.pk),
            "nature": "Porteur du projet",
        },
    )

    assert reponse.status_code == 302
    declaration = DeclarationInteret.objects.get(personne=membre)
    assert declaration.objet == point and declaration.declaree_par == agent
    evenement = Evenement.objects.get(verbe="college.interet.declare", donnees__personne=membre.pk)
    assert evenement.acteur == agent
    assert evenement.cible_type == type_point and evenement.cible_id == str(point.pk)

    # Une deuxième fois, ou sur un sujet qui n'existe pas : refusé en français, rien d'écrit.
    for objet_id, message in (
        (str(point.pk), "Cet intérêt est déjà déclaré."),
        ("999999", "Aucun « point de l'ordre du jour » ne porte le numéro 999999."),
    ):
        reponse = client.post(
            "/admin/college/declarationinteret/add/",
            {"personne": membre.pk, "objet_type": type_point.pk, "objet_id": objet_id, "nature": "Idem"},
        )
        assert reponse.status_code == 200
        assert reponse.context["adminform"].form.errors == {"objet_id": [message]}
    assert DeclarationInteret.objects.filter(personne=membre).count() == 1
    assert Evenement.objects.filter(verbe="college.interet.declare", donnees__personne=membre.pk).count() == 1

    # Enregistrée, elle ne se modifie ni ne s'efface.
    url = f"/admin/college/declarationinteret/{declaration.pk}/"
    assert client.post(url + "change/", {"nature": "Autre"}).status_code == 403
    assert client.get(url + "delete/").status_code == 403
