"""Les pages du secrétariat pour un scrutin, par de vraies requêtes : le préparer et le
modifier, l'ouvrir, suivre la participation (jamais un choix), le clore plus tôt ou
l'annuler avec un motif, et publier le résultat en CSV et en PDF/A ; et les refus, en
français."""

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from college import services
from college.models import Scrutin, StatutScrutin, TypeScrutin
from socle.models import Evenement
from tests.college.factories import ScrutinFactory, TexteFactory, membres_votants
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory, ConseilFactory, PointFactory, ReunionFactory

pytestmark = pytest.mark.django_db

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
MOTS_D_UN_CHOIX = re.compile(
    r"\b(pour|contre|abstentions?|favorable|réservé|défavorable|blancs?|candidats?)\b", re.IGNORECASE
)


def client_pour(utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def message_de(reponse) -> str:
    return [str(m) for m in get_messages(reponse.wsgi_request)][-1]


def url(nom: str, scrutin: Scrutin) -> str:
    return reverse(f"college:{nom}", kwargs={"pk": scrutin.pk})


def a_la_minute(delta: dt.timedelta) -> str:
    return f"{timezone.localtime() + delta:%Y-%m-%dT%H:%M}"


@pytest.fixture
def college():
    return CollegeFactory()


@pytest.fixture
def membres(college):
    return membres_votants(college, 3)


@pytest.fixture
def gestion(secretariat) -> Client:
    return client_pour(secretariat)


def saisie(instance, **champs) -> dict[str, object]:
    return {
        "instance": instance.pk,
        "type_scrutin": TypeScrutin.DELIBERATION,
        "titre": "Adoption de la charte du Collège",
        "question": "Le Collège adopte-t-il sa charte ?",
        "ouverture": a_la_minute(dt.timedelta(hours=1)),
        "cloture": a_la_minute(dt.timedelta(days=7)),
        "sieges": 1,
        "secret": "",
        "reunion": "",
        "objet": "",
    } | champs


def scrutin_ouvert(college, secretariat, **champs) -> Scrutin:
    scrutin = ScrutinFactory(instance=college, **champs)
    return services.scrutin_ouvrir(scrutin=scrutin, acteur=secretariat)


# --- Préparer ---------------------------------------------------------------------------


def test_le_secretariat_prepare_une_deliberation(gestion, college, secretariat):
    college.vote_secret = False
    college.save(update_fields=["vote_secret"])
    page = gestion.get(reverse("college:scrutin_creer") + f"?instance={college.pk}")
    assert page.status_code == 200
    assert re.search(rf'<option value="{college.pk}" selected>', page.content.decode())
    assert "Selon la règle de l'instance (nominatif)" in texte(page)

    reponse = gestion.post(reverse("college:scrutin_creer"), saisie(college))

    scrutin = Scrutin.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == scrutin.get_absolute_url()
    assert message_de(reponse) == "Le scrutin est en préparation. Relisez-le, puis ouvrez-le."
    assert scrutin.statut == StatutScrutin.PREPARATION
    assert scrutin.instance == college
    assert scrutin.titre == "Adoption de la charte du Collège"
    assert scrutin.secret is False  # la règle de l'instance
    assert scrutin.reunion is None and scrutin.objet is None  # consultation écrite
    assert scrutin.cree_par == secretariat
    assert timezone.localtime(scrutin.cloture).strftime("%Y-%m-%dT%H:%M") == saisie(college)["cloture"]


def test_le_point_choisi_donne_la_seance_et_le_sujet(gestion, college):
    reunion = ReunionFactory(instance=college)
    point = PointFactory(reunion=reunion, titre="Désignation du représentant")
    page = gestion.get(reverse("college:scrutin_creer") + f"?point={point.pk}")
    contenu = page.content.decode()
    assert f'<option value="point-{point.pk}" selected>' in contenu
    assert f'<option value="{reunion.pk}" selected>' in contenu

    gestion.post(
        reverse("college:scrutin_creer"),
        saisie(
            college, type_scrutin=TypeScrutin.ELECTION, sieges=2, secret="secret", objet=f"point-{point.pk}"
        ),
    )

    scrutin = Scrutin.objects.get()
    assert scrutin.reunion_id == reunion.pk  # déduite du point
    assert scrutin.objet == point
    assert scrutin.sieges == 2 and scrutin.secret is True


def test_les_sujets_proposes_sont_ceux_de_l_instance(gestion, college):
    charte = TexteFactory(instance=college, titre="Charte du Collège")
    texte_du_conseil = TexteFactory(instance=ConseilFactory(), titre="Règlement du Conseil")
    page = texte(gestion.get(reverse("college:scrutin_creer") + f"?instance={college.pk}"))
    assert "Charte du Collège" in page
    assert "Règlement du Conseil" not in page

    reponse = gestion.post(
        reverse("college:scrutin_creer"), saisie(college, objet=f"texte-{texte_du_conseil.pk}")
    )
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in texte(reponse)
    assert not Scrutin.objects.exists()

    gestion.post(reverse("college:scrutin_creer"), saisie(college, objet=f"texte-{charte.pk}"))
    assert Scrutin.objects.get().objet == charte


def test_des_dates_a_l_envers_sont_refusees_et_la_saisie_gardee(gestion, college):
    reponse = gestion.post(
        reverse("college:scrutin_creer"),
        saisie(
            college,
            titre="Avis sur le projet de maison de santé",
            ouverture=a_la_minute(dt.timedelta(days=3)),
            cloture=a_la_minute(dt.timedelta(days=1)),
        ),
    )
    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "La clôture du vote doit suivre son ouverture." in contenu
    assert 'value="Avis sur le projet de maison de santé"' in contenu
    assert f'value="{a_la_minute(dt.timedelta(days=1))}"' in contenu
    assert not Scrutin.objects.exists()


def test_plusieurs_sieges_hors_election_sont_refuses(gestion, college):
    reponse = gestion.post(reverse("college:scrutin_creer"), saisie(college, sieges=3))
    assert "Seule une élection pourvoit plusieurs sièges." in texte(reponse)
    assert not Scrutin.objects.exists()


def test_le_secretariat_modifie_un_scrutin_en_preparation(gestion, college, secretariat):
    scrutin = ScrutinFactory(instance=college, titre="Avis sur la charte")
    page = gestion.get(url("scrutin_modifier", scrutin))
    assert page.status_code == 200
    assert 'value="Avis sur la charte"' in texte(page)
    assert '<option value="secret" selected>' in page.content.decode()
    assert 'name="instance"' not in page.content.decode()  # l'instance ne change pas
    donnees = saisie(college, titre="Avis sur la charte, version 2", secret="nominatif")
    del donnees["instance"]

    reponse = gestion.post(url("scrutin_modifier", scrutin), donnees)

    assert reponse.status_code == 302
    assert message_de(reponse) == "Le scrutin est modifié."
    modifie = Scrutin.objects.get(pk=scrutin.pk)
    assert modifie.titre == "Avis sur la charte, version 2"
    assert modifie.secret is False
    evenement = Evenement.objects.get(verbe="college.scrutin.modifie")
    assert evenement.acteur == secretariat
    modifications = evenement.donnees["modifications"]
    assert modifications["titre"] == ["Avis sur la charte", "Avis sur la charte, version 2"]
    assert modifications["secret"] == [True, False]


def test_un_scrutin_ouvert_ne_se_modifie_plus(gestion, college, membres, secretariat):
    scrutin = scrutin_ouvert(college, secretariat, titre="Avis sur la charte")
    page = gestion.get(url("scrutin_modifier", scrutin))
    assert page.status_code == 302
    assert message_de(page) == "Le scrutin est ouvert : il ne se modifie plus."

    donnees = saisie(college, titre="Autre titre")
    del donnees["instance"]
    reponse = gestion.post(url("scrutin_modifier", scrutin), donnees)
    assert message_de(reponse) == "Le scrutin est ouvert : il ne se modifie plus."
    scrutin.refresh_from_db()
    assert scrutin.titre == "Avis sur la charte"


def test_le_service_refuse_de_modifier_un_scrutin_ouvert(college, membres, secretariat):
    from django.core.exceptions import ValidationError

    scrutin = scrutin_ouvert(college, secretariat)
    with pytest.raises(ValidationError, match="il ne se modifie plus"):
        services.scrutin_modifier(scrutin=scrutin, acteur=secretariat, titre="Autre titre")


# --- Ouvrir, clore, annuler -------------------------------------------------------------------


def test_une_election_sans_candidat_ne_s_ouvre_pas(gestion, college, membres):
    scrutin = ScrutinFactory(instance=college, type_scrutin=TypeScrutin.ELECTION)
    reponse = gestion.post(url("ouvrir", scrutin))
    assert reponse.status_code == 302
    assert reponse["Location"] == scrutin.get_absolute_url()
    assert message_de(reponse) == "Aucun candidat ne s'est déclaré : l'élection ne peut pas s'ouvrir."
    scrutin.refresh_from_db()
    assert scrutin.statut == StatutScrutin.PREPARATION


def test_le_secretariat_ouvre_un_scrutin(gestion, college, membres):
    scrutin = ScrutinFactory(instance=college)
    reponse = gestion.post(url("ouvrir", scrutin))
    assert message_de(reponse) == "Le scrutin est ouvert : 3 électeurs sont prévenus."
    scrutin.refresh_from_db()
    assert scrutin.statut == StatutScrutin.OUVERT
    assert scrutin.quorum_part is not None


def test_la_participation_compte_les_votants_sans_jamais_dire_un_choix(gestion, college, secretariat):
    anne, bruno, claire, denis = membres_votants(college, 4)
    services.procuration_vote_donner(
        scrutin=(scrutin := ScrutinFactory(instance=college, secret=False)),
        mandant=denis,
        mandataire=claire,
        acteur=denis,
    )
    services.scrutin_ouvrir(scrutin=scrutin, acteur=secretariat)
    services.bulletin_deposer(scrutin=scrutin, votant=anne, choix="pour")
    services.bulletin_deposer(scrutin=scrutin, votant=bruno, choix="contre")
    services.bulletin_deposer(scrutin=scrutin, votant=claire, choix="abstention", pour=denis)

    reponse = gestion.get(url("participation", scrutin))

    assert reponse.status_code == 200
    contenu = " ".join(re.sub(r"<[^>]+>", " ", texte(reponse)).split())
    assert "3 votants sur 4 électeurs, soit 75 % de participation." in contenu
    assert "Procurations données 1" in contenu
    assert "Bulletins dans l'urne 3" in contenu
    assert MOTS_D_UN_CHOIX.search(texte(reponse)) is None
    assert 'hx-trigger="every 10s"' in reponse.content.decode()


def test_la_participation_inchangee_ne_renvoie_rien(gestion, college, membres, secretariat):
    scrutin = scrutin_ouvert(college, secretariat)
    services.bulletin_deposer(scrutin=scrutin, votant=membres[0], choix="pour")
    entetes = {"HX-Request": "true"}
    assert gestion.get(url("participation", scrutin) + "?etat=3-0-1-0", headers=entetes).status_code == 204
    assert gestion.get(url("participation", scrutin) + "?etat=3-0-0-0", headers=entetes).status_code == 200


def test_la_cloture_anticipee_exige_un_motif(gestion, college, membres, secretariat):
    scrutin = scrutin_ouvert(college, secretariat)
    reponse = gestion.post(url("clore", scrutin), {"motif": "  "})
    assert message_de(reponse) == "Indiquez le motif de la clôture anticipée."
    scrutin.refresh_from_db()
    assert scrutin.statut == StatutScrutin.OUVERT

    reponse = gestion.post(url("clore", scrutin), {"motif": "Tous les membres ont voté en séance."})
    assert message_de(reponse) == "Le scrutin est clos et dépouillé : le résultat est publié."
    scrutin.refresh_from_db()
    assert scrutin.statut == StatutScrutin.CLOS
    assert scrutin.motif_cloture_anticipee == "Tous les membres ont voté en séance."
    assert scrutin.resultat is not None


def test_l_annulation_exige_un_motif(gestion, college, membres, secretariat):
    scrutin = scrutin_ouvert(college, secretariat)
    reponse = gestion.post(url("annuler", scrutin), {"motif": ""})
    assert message_de(reponse) == "Indiquez le motif de cette action."
    scrutin.refresh_from_db()
    assert scrutin.statut == StatutScrutin.OUVERT

    reponse = gestion.post(url("annuler", scrutin), {"motif": "Le texte soumis au vote était incomplet."})
    assert message_de(reponse) == "Le scrutin est annulé."
    scrutin.refresh_from_db()
    assert scrutin.statut == StatutScrutin.ANNULE
    evenement = Evenement.objects.get(verbe="college.scrutin.annule")
    assert evenement.motif == "Le texte soumis au vote était incomplet."
    # Un scrutin annulé n'a pas de résultat à publier.
    assert gestion.get(url("resultat_csv", scrutin)).status_code == 404


def test_seul_le_secretariat_gere_un_scrutin(college, membres, secretariat):
    membre = client_pour(membres[0])  # voit le scrutin, ne le gère pas
    etranger = client_pour(UtilisateurFactory())  # ne le voit pas
    en_preparation = ScrutinFactory(instance=college)
    ouvert = scrutin_ouvert(college, secretariat)
    assert membre.get(reverse("college:scrutin_creer")).status_code == 403
    assert membre.post(reverse("college:scrutin_creer"), saisie(college)).status_code == 403
    assert membre.get(url("scrutin_modifier", en_preparation)).status_code == 403
    assert membre.post(url("ouvrir", en_preparation)).status_code == 403
    assert membre.post(url("clore", ouvert), {"motif": "x"}).status_code == 403
    assert membre.post(url("annuler", ouvert), {"motif": "x"}).status_code == 403
    assert membre.get(url("participation", ouvert)).status_code == 403
    assert etranger.get(url("participation", ouvert)).status_code == 404
    assert etranger.post(url("ouvrir", en_preparation)).status_code == 404
    assert Client().get(url("participation", ouvert)).status_code == 302  # vers la connexion
    assert client_pour(secretariat).get(url("ouvrir", en_preparation)).status_code == 405
    ouvert.refresh_from_db()
    en_preparation.refresh_from_db()
    assert (en_preparation.statut, ouvert.statut) == (StatutScrutin.PREPARATION, StatutScrutin.OUVERT)


# --- Le résultat ----------------------------------------------------------------------------


@pytest.fixture
def election_close(college, secretariat):
    """Élection d'un siège : Anne et Bruno candidats, Claire écartée pour intérêt déclaré,
    Emma a donné procuration à Denis ; Anne 3 voix, Bruno 1, un bulletin blanc."""
    personnes = {
        prenom: UtilisateurFactory(prenom=prenom, nom=nom)
        for prenom, nom in [
            ("Anne", "Aubert"),
            ("Bruno", "Bernard"),
            ("Claire", "Chevalier"),
            ("Denis", "Durand"),
            ("Emma", "Esnault"),
            ("Fanny", "Fleury"),
        ]
    }
    for personne in personnes.values():
        membres_votants(college, 1, personne=personne)
    scrutin = ScrutinFactory(
        instance=college, type_scrutin=TypeScrutin.ELECTION, titre="Élection du représentant du Collège"
    )
    candidatures = {
        prenom: services.candidature_declarer(scrutin=scrutin, personne=personnes[prenom], acteur=secretariat)
        for prenom in ("Anne", "Bruno")
    }
    services.interet_declarer(
        personne=personnes["Claire"], objet=scrutin, nature="Conjointe d'un candidat", acteur=secretariat
    )
    services.procuration_vote_donner(
        scrutin=scrutin, mandant=personnes["Emma"], mandataire=personnes["Denis"], acteur=secretariat
    )
    services.scrutin_ouvrir(scrutin=scrutin, acteur=secretariat)
    anne, bruno = candidatures["Anne"].pk, candidatures["Bruno"].pk
    recus = [
        services.bulletin_deposer(scrutin=scrutin, votant=personnes["Anne"], candidats=[anne]),
        services.bulletin_deposer(scrutin=scrutin, votant=personnes["Bruno"], candidats=[bruno]),
        services.bulletin_deposer(scrutin=scrutin, votant=personnes["Denis"], candidats=[anne]),
        services.bulletin_deposer(
            scrutin=scrutin, votant=personnes["Denis"], candidats=[anne], pour=personnes["Emma"]
        ),
        services.bulletin_deposer(scrutin=scrutin, votant=personnes["Fanny"], candidats=[]),
    ]
    clos = services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Tous ont voté.")
    clos.recus = recus
    return clos


def _lignes_csv(reponse) -> dict[tuple[str, str], list[str]]:
    contenu = reponse.content.decode("utf-8")
    assert contenu.startswith("\ufeff")
    lecteur = csv.reader(io.StringIO(contenu[1:]), delimiter=";")
    entete = next(lecteur)
    assert entete == ["Rubrique", "Libellé", "Valeur"]
    lignes: dict[tuple[str, str], list[str]] = {}
    for rubrique, libelle, valeur in lecteur:
        lignes.setdefault((rubrique, libelle), []).append(valeur)
    return lignes


def test_le_resultat_en_csv_reprend_le_depouillement(gestion, election_close):
    reponse = gestion.get(url("resultat_csv", election_close))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in reponse["Content-Disposition"]
    lignes = _lignes_csv(reponse)
    resultat = election_close.resultat
    assert lignes[("Scrutin", "Titre")] == ["Élection du représentant du Collège"]
    assert lignes[("Scrutin", "Type")] == ["Élection"]
    assert lignes[("Scrutin", "Mode")] == ["secret"]
    assert lignes[("Scrutin", "Motif de la clôture anticipée")] == ["Tous ont voté."]
    assert lignes[("Participation", "Corps électoral")] == [str(resultat["electeurs"])] == ["5"]
    assert lignes[("Participation", "Votants")] == [str(resultat["votants"])] == ["5"]
    assert lignes[("Participation", "Dont par procuration")] == [str(resultat["procurations"])] == ["1"]
    assert lignes[("Participation", "Écartés pour intérêt déclaré")] == ["1"]
    assert lignes[("Participation", "Écarté pour intérêt déclaré")] == resultat["exclus_pour_interet"]
    assert lignes[("Règles", "Quorum requis")] == [str(resultat["quorum_requis"])]
    assert lignes[("Décompte", "Bulletins exprimés")] == [str(resultat["decompte"]["exprimes"])] == ["4"]
    assert lignes[("Décompte", "Bulletins blancs")] == [str(resultat["decompte"]["blancs"])] == ["1"]
    voix = {resultat["noms"][cid]: str(n) for cid, n in resultat["voix_par_candidat"].items()}
    assert {libelle: v[0] for (rubrique, libelle), v in lignes.items() if rubrique == "Voix"} == voix
    assert voix == {"Anne Aubert": "3", "Bruno Bernard": "1"}
    assert lignes[("Résultat", "Issue")] == ["Sièges pourvus"]
    assert lignes[("Résultat", "Élu")] == ["Anne Aubert"]


@pytest.fixture
def deliberation_close(college, secretariat):
    anne, bruno, claire = membres_votants(college, 3)
    scrutin = ScrutinFactory(instance=college, titre="Adoption de la charte du Collège")
    services.scrutin_ouvrir(scrutin=scrutin, acteur=secretariat)
    recus = [
        services.bulletin_deposer(scrutin=scrutin, votant=anne, choix="pour"),
        services.bulletin_deposer(scrutin=scrutin, votant=bruno, choix="pour"),
        services.bulletin_deposer(scrutin=scrutin, votant=claire, choix="contre"),
    ]
    clos = services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Tous ont voté.")
    clos.recus = recus
    return clos


def test_le_resultat_en_pdf_dit_le_decompte_l_issue_et_l_urne(deliberation_close, college):
    # Un membre de l'instance le télécharge comme le secrétariat.
    membre = client_pour(college.mandats.first().personne)
    reponse = membre.get(url("resultat_pdf", deliberation_close))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    lecteur = PdfReader(io.BytesIO(reponse.content))
    contenu = " ".join(" ".join(page.extract_text() for page in lecteur.pages).split())
    assert "Résultat du scrutin — Adoption de la charte du Collège" in contenu
    assert "Corps électoral 3" in contenu
    assert "Votants 3" in contenu
    assert "Pour 2" in contenu
    assert "Contre 1" in contenu
    assert "Abstention 0" in contenu
    assert "Suffrages exprimés 3" in contenu
    assert "Adopté" in contenu
    assert "Clos avant l'heure prévue. Motif : Tous ont voté." in contenu
    for recu in deliberation_close.recus:
        assert recu in contenu

    xmp = lecteur.xmp_metadata
    assert xmp is not None
    identification = {
        (description.getAttributeNS(PDFAID, "part"), description.getAttributeNS(PDFAID, "conformance"))
        for description in xmp.rdf_root.getElementsByTagNameNS(RDF, "Description")
        if description.hasAttributeNS(PDFAID, "part")
    }
    assert identification == {("3", "B")}
    assert xmp.dc_title == {"x-default": "Résultat du scrutin — Adoption de la charte du Collège"}
    intentions = lecteur.root_object["/OutputIntents"].get_object()
    assert isinstance(intentions, ArrayObject)
    intention = intentions[0].get_object()
    assert isinstance(intention, DictionaryObject)
    assert str(intention["/S"]) == "/GTS_PDFA1"


def test_le_pdf_d_une_election_nomme_l_elu(gestion, election_close):
    reponse = gestion.get(url("resultat_pdf", election_close))
    lecteur = PdfReader(io.BytesIO(reponse.content))
    contenu = " ".join(" ".join(page.extract_text() for page in lecteur.pages).split())
    assert "Élu : Anne Aubert" in contenu
    assert "Ne prennent pas part au vote, pour intérêt déclaré : Claire Chevalier." in contenu
    assert "Dont par procuration 1" in contenu
    assert "Bulletin blanc" in contenu
    for recu in election_close.recus:
        assert recu in contenu


def test_le_resultat_est_scelle_jusqu_a_la_cloture(gestion, college, membres, secretariat):
    scrutin = scrutin_ouvert(college, secretariat)
    services.bulletin_deposer(scrutin=scrutin, votant=membres[0], choix="pour")
    assert gestion.get(url("resultat_csv", scrutin)).status_code == 404
    assert gestion.get(url("resultat_pdf", scrutin)).status_code == 404


def test_le_resultat_n_est_pas_publie_hors_de_l_instance(deliberation_close):
    etranger = client_pour(UtilisateurFactory())
    assert etranger.get(url("resultat_csv", deliberation_close)).status_code == 404
    assert etranger.get(url("resultat_pdf", deliberation_close)).status_code == 404
