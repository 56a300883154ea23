"""Le côté candidat : postuler (connecté, ou après le lien reçu), les jetons signés, l'offre
close qui répond 410, l'espace candidat (retirer un employeur, une candidature, le vivier, ses
données en ZIP, effacer), et qu'un candidat n'atteint pas l'espace d'un autre."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from comptes.donnees import donnees_de
from recrutement import services
from recrutement.jetons import (
    SEL_CANDIDATURE,
    candidat_depuis_jeton,
    candidature_jeton,
    email_depuis_jeton,
    espace_jeton,
)
from recrutement.models import (
    Candidat,
    Candidature,
    Consentement,
    ConsultationPiece,
    EtapeCandidature,
    ObjetConsentement,
    StatutOffre,
)
from recrutement.selectors import get_candidature_pour
from recrutement.tasks import envoyer_lien_de_candidature
from socle.models import Evenement, TacheDemandee
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import client_connecte
from tests.recrutement import factories as f
from tests.socle import fichiers

pytestmark = pytest.mark.django_db

EMAIL = "camille.lefevre@exemple.fr"


@pytest.fixture
def g() -> f.Gcs:
    return f.gcs_et_recruteurs()


def lien(courriel: mail.EmailMessage, motif: str) -> str:
    trouve = re.search(rf"http://testserver({motif}\S*)", str(courriel.body))
    assert trouve, courriel.body
    return trouve.group(1)


def formulaire(g: f.Gcs, **champs) -> dict:
    donnees = {
        "nom": "Lefèvre",
        "prenom": "Camille",
        "telephone": "06 12 34 56 78",
        "rpps": "",
        "message": "Interne à Caen, je souhaite m'installer dans le Cotentin.",
        "source": "portail",
        "cv": f.cv(),
        "employeurs": [str(g.chpc.pk)],
        "aide_precisions": "",
    }
    donnees.update(champs)
    return donnees


# --- Jetons ------------------------------------------------------------------------------


def test_le_jeton_de_candidature_donne_l_adresse_pour_cette_offre_seulement():
    jeton = candidature_jeton(12, EMAIL)
    assert email_depuis_jeton(jeton, 12) == EMAIL
    assert email_depuis_jeton(jeton, 13) is None


@pytest.mark.parametrize(
    "alteration",
    [
        pytest.param(lambda j: j[:-2] + ("AA" if not j.endswith("AA") else "BB"), id="signature"),
        pytest.param(lambda j: "x" + j, id="contenu"),
        pytest.param(lambda j: signing.dumps({"o": 12, "e": "autre@exemple.fr"}, salt="autre"), id="sel"),
        pytest.param(lambda j: "", id="vide"),
    ],
)
def test_un_jeton_altere_ne_donne_rien(alteration):
    assert email_depuis_jeton(alteration(candidature_jeton(12, EMAIL)), 12) is None


def test_un_jeton_expire_ne_donne_rien(monkeypatch):
    jeton = candidature_jeton(12, EMAIL)
    plus_tard = timezone.now().timestamp() + 49 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: plus_tard)
    assert email_depuis_jeton(jeton, 12) is None
    monkeypatch.undo()
    assert signing.loads(jeton, salt=SEL_CANDIDATURE)["e"] == EMAIL


def test_le_jeton_de_l_espace_meurt_avec_l_effacement(g):
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE))
    jeton = espace_jeton(c.candidat)
    assert candidat_depuis_jeton(jeton) == c.candidat
    assert candidat_depuis_jeton(jeton + "x") is None
    services.candidat_anonymiser(candidat=c.candidat, motif=services.Motif.DEMANDE)
    assert candidat_depuis_jeton(jeton) is None


# --- Postuler ----------------------------------------------------------------------------


def test_la_page_de_l_offre_mene_au_formulaire(client, g):
    o = f.offre(g, StatutOffre.PUBLIEE)
    reponse = client.get(f"/offres/{o.pk}/")
    assert f'href="/offres/{o.pk}/postuler/"' in reponse.content.decode()


def test_une_visiteuse_postule_par_le_lien_recu(client, g, django_capture_on_commit_callbacks):
    o = f.offre(g, StatutOffre.PUBLIEE)
    reponse = client.get(f"/offres/{o.pk}/postuler/")
    assert "Recevoir le lien par courriel" in reponse.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(f"/offres/{o.pk}/postuler/", {"email": EMAIL})
    assert "Consultez votre messagerie" in reponse.content.decode()
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    adresse = lien(mail.outbox[0], f"/offres/{o.pk}/postuler/")
    assert EMAIL not in Evenement.objects.get(verbe="recrutement.candidature.lien_demande").donnees.values()

    page = client.get(adresse).content.decode()
    assert EMAIL in page
    assert services.texte_consentement_employeur(g.chpc) in page.replace("&#x27;", "'").replace("&quot;", '"')
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(adresse, formulaire(g, employeurs=[str(g.chpc.pk), str(g.pcc.pk)], vivier="on"))
    assert reponse.status_code == 302 and reponse["Location"] == f"/offres/{o.pk}/postuler/envoyee/"
    candidature = Candidature.objects.get()
    assert candidature.candidat.email == EMAIL
    assert set(candidature.consentements.values_list("employeur", flat=True)) == {g.chpc.pk, g.pcc.pk}
    assert "Votre candidature est envoyée" in client.get(reponse["Location"]).content.decode()
    confirmation = mail.outbox[-1]
    assert confirmation.to == [EMAIL] and "Candidature reçue" in confirmation.subject
    # Le lien de l'espace du courriel de confirmation ouvre l'espace dans un autre navigateur.
    autre = client_connecte(None)
    espace = autre.get(lien(confirmation, "/recrutement/mon-espace/"), follow=True)
    assert o.titre in espace.content.decode()


def test_un_refus_garde_la_saisie_et_dit_de_rechoisir_les_fichiers(client, g):
    o = f.offre(g, StatutOffre.PUBLIEE)
    adresse = f"/offres/{o.pk}/postuler/{candidature_jeton(o.pk, EMAIL)}/"
    reponse = client.post(adresse, formulaire(g, employeurs=[str(g.pcc.pk)], message="Mon message tapé"))
    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert "c&#x27;est l&#x27;employeur de cette offre" in page
    assert "Mon message tapé" in page
    assert "choisissez de nouveau votre CV" in page
    assert not Candidature.objects.exists()


@pytest.mark.parametrize(
    ("champs", "champ", "message"),
    [
        ({"cv": ""}, "cv", "Joignez votre CV"),
        (
            {"cv": SimpleUploadedFile("cv.pdf", b"MZ pas un pdf", content_type="application/pdf")},
            "cv",
            "",
        ),
        (
            {"lettre": SimpleUploadedFile("lettre.pdf", b"MZ pas un pdf", content_type="application/pdf")},
            "lettre",
            "lettre.pdf :",
        ),
        ({"rpps": "12345"}, "rpps", ""),
        ({"nom": ""}, "nom", ""),
    ],
)
def test_refus_sur_le_bon_champ(client, g, champs, champ, message):
    o = f.offre(g, StatutOffre.PUBLIEE)
    reponse = client.post(
        f"/offres/{o.pk}/postuler/{candidature_jeton(o.pk, EMAIL)}/", formulaire(g, **champs)
    )
    form = reponse.context["form"]
    assert champ in form.errors, form.errors
    assert message in " ".join(form.errors[champ])
    assert not Candidature.objects.exists()


def test_plusieurs_diplomes(client, g):
    o = f.offre(g, StatutOffre.PUBLIEE)
    diplomes = [fichiers.fichier(f"diplome-{n}.pdf", fichiers.pdf(), "application/pdf") for n in (1, 2)]
    client.post(
        f"/offres/{o.pk}/postuler/{candidature_jeton(o.pk, EMAIL)}/", formulaire(g, diplomes=diplomes)
    )
    assert sorted(Candidature.objects.get().pieces.values_list("nature", flat=True)) == [
        "cv",
        "diplome",
        "diplome",
    ]


def test_deja_candidat(client, g):
    o = f.offre(g, StatutOffre.PUBLIEE)
    f.candidature(o, email=EMAIL)
    reponse = client.post(f"/offres/{o.pk}/postuler/{candidature_jeton(o.pk, EMAIL)}/", formulaire(g))
    assert "déjà postulé" in reponse.content.decode()


def test_connecte_le_formulaire_tout_de_suite_a_l_adresse_du_compte(g):
    compte = UtilisateurFactory(email="ines@exemple.fr", prenom="Inès", nom="Martin")
    o = f.offre(g, StatutOffre.PUBLIEE)
    client = client_connecte(compte)
    page = client.get(f"/offres/{o.pk}/postuler/").content.decode()
    assert "ines@exemple.fr" in page and 'value="Inès"' in page
    reponse = client.post(f"/offres/{o.pk}/postuler/", formulaire(g))
    assert reponse.status_code == 302
    assert Candidature.objects.get().candidat.compte_id == compte.pk
    assert client.get("/recrutement/mon-espace/").status_code == 200


def test_un_lien_altere_dit_comment_en_redemander_un(client, g):
    o = f.offre(g, StatutOffre.PUBLIEE)
    reponse = client.get(f"/offres/{o.pk}/postuler/{candidature_jeton(o.pk, EMAIL)}x/")
    assert reponse.status_code == 400
    assert "est plus valable" in reponse.content.decode()
    assert f"/offres/{o.pk}/postuler/" in reponse.content.decode()
    autre = f.offre(g, StatutOffre.PUBLIEE, titre="Autre")
    assert client.get(f"/offres/{autre.pk}/postuler/{candidature_jeton(o.pk, EMAIL)}/").status_code == 400


@pytest.mark.parametrize("statut", [StatutOffre.POURVUE, StatutOffre.EXPIREE, StatutOffre.RETIREE, "echue"])
@pytest.mark.parametrize("methode", ["get", "post"])
@pytest.mark.parametrize("chemin", ["postuler/", "postuler/{jeton}/"])
def test_une_offre_partie_repond_410(g, statut, methode, chemin):
    if statut == "echue":
        o = f.offre(g, StatutOffre.PUBLIEE)
        o.__class__.objects.filter(pk=o.pk).update(
            cree_le=timezone.now() - timedelta(days=10), date_limite=timezone.localdate() - timedelta(days=1)
        )
    else:
        o = f.offre(g, statut)
    f.offre(g, StatutOffre.PUBLIEE, titre="Semblable", profession=o.profession)
    url = f"/offres/{o.pk}/" + chemin.format(jeton=candidature_jeton(o.pk, EMAIL))
    for client in (client_connecte(None), client_connecte(UtilisateurFactory())):
        reponse = getattr(client, methode)(url, formulaire(g) if methode == "post" else None)
        assert reponse.status_code == 410
        assert "plus en ligne" in reponse.content.decode()
        assert "Semblable" in reponse.content.decode()
    assert not Candidature.objects.exists()


def test_le_service_refuse_aussi_le_lien_pour_une_offre_close(g):
    o = f.offre(g, StatutOffre.POURVUE)
    with pytest.raises(ValidationError, match="n'accepte plus"):
        services.candidature_lien_demander(offre=o, email=EMAIL)


# --- Espace candidat ---------------------------------------------------------------------


def contenu(reponse) -> str:
    """Le corps de la page, sans le jeton CSRF (qui change d'une réponse à l'autre)."""
    page = reponse.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page[page.index("<main") :])


def client_de_l_espace(candidat: Candidat):
    client = client_connecte(None)
    assert client.get(f"/recrutement/mon-espace/{espace_jeton(candidat)}/").status_code == 302
    return client


def test_demander_le_lien_de_l_espace_meme_reponse(client, g, django_capture_on_commit_callbacks):
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE))
    with django_capture_on_commit_callbacks(execute=True):
        connue = client.post("/recrutement/mon-espace/acces/", {"email": EMAIL.upper()})
        inconnue = client.post("/recrutement/mon-espace/acces/", {"email": "personne@exemple.fr"})
    assert contenu(connue) == contenu(inconnue)
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    espace = client_connecte(None)
    reponse = espace.get(lien(mail.outbox[0], "/recrutement/mon-espace/"))
    assert reponse.status_code == 302 and reponse["Location"] == "/recrutement/mon-espace/"
    page = espace.get("/recrutement/mon-espace/").content.decode()
    assert c.offre.titre in page and "Reçue, pas encore étudiée" in page


def test_sans_lien_l_espace_mene_a_la_demande(client):
    assert client.get("/recrutement/mon-espace/")["Location"] == "/recrutement/mon-espace/acces/"


def test_retirer_un_employeur_lui_ote_l_acces_aussitot(g):
    o = f.offre(g, StatutOffre.PUBLIEE)
    c = f.candidature(o, [g.chpc, g.pcc])
    assert get_candidature_pour(g.recruteur_pcc, c.pk) == c
    consentement = c.consentements.get(employeur=g.pcc)
    client = client_de_l_espace(c.candidat)
    reponse = client.post(f"/recrutement/mon-espace/consentements/{consentement.pk}/retirer/")
    assert reponse.status_code == 302
    with pytest.raises(Http404):
        get_candidature_pour(g.recruteur_pcc, c.pk)
    assert get_candidature_pour(g.recruteur_chpc, c.pk) == c
    consentement.refresh_from_db()
    assert consentement.retire_le is not None and consentement.texte
    assert Evenement.objects.filter(verbe="recrutement.consentement.retire").count() == 1
    # Rejoué : rien de plus.
    client.post(f"/recrutement/mon-espace/consentements/{consentement.pk}/retirer/")
    assert Evenement.objects.filter(verbe="recrutement.consentement.retire").count() == 1


def test_retirer_le_gcs_ote_l_acces_a_ses_membres(g):
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE), [g.chpc, g.gcs])
    assert get_candidature_pour(g.recruteur_pcc, c.pk) == c
    services.consentement_retirer(consentement=c.consentements.get(employeur=g.gcs))
    with pytest.raises(Http404):
        get_candidature_pour(g.recruteur_pcc, c.pk)


def test_un_candidat_n_atteint_pas_l_espace_d_un_autre(g):
    o = f.offre(g, StatutOffre.PUBLIEE)
    a = f.candidature(o, [g.chpc, g.pcc], email="a@exemple.fr")
    b = f.candidature(o, [g.chpc, g.pcc], email="b@exemple.fr")
    client_a = client_de_l_espace(a.candidat)
    assert "b@exemple.fr" not in client_a.get("/recrutement/mon-espace/").content.decode()
    consentement_b = b.consentements.get(employeur=g.pcc)
    for url in (
        f"/recrutement/mon-espace/consentements/{consentement_b.pk}/retirer/",
        f"/recrutement/mon-espace/candidatures/{b.pk}/retirer/",
    ):
        assert client_a.post(url).status_code == 404
    assert client_a.get(f"/offres/{o.pk}/postuler/envoyee/").status_code == 200
    consentement_b.refresh_from_db()
    b.refresh_from_db()
    assert consentement_b.retire_le is None and b.etape == EtapeCandidature.RECUE


def test_retirer_une_candidature(g):
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE))
    client = client_de_l_espace(c.candidat)
    client.post(f"/recrutement/mon-espace/candidatures/{c.pk}/retirer/")
    c.refresh_from_db()
    assert c.etape == EtapeCandidature.RETIREE and c.close_le is not None
    with pytest.raises(ValidationError, match="déjà close"):
        services.candidature_retirer(candidature=c)


def test_le_vivier_prolonger_et_quitter(g):
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE), vivier=True)
    vivier = Consentement.objects.get(candidat=c.candidat, objet=ObjetConsentement.VIVIER)
    client = client_de_l_espace(c.candidat)
    client.post("/recrutement/mon-espace/vivier/prolonger/")
    vivier.refresh_from_db()
    assert vivier.echeance is not None and vivier.echeance > c.deposee_le + services.DUREE_VIVIER
    client.post("/recrutement/mon-espace/vivier/quitter/")
    vivier.refresh_from_db()
    assert vivier.retire_le is not None
    assert "pas dans le vivier" in client.get("/recrutement/mon-espace/").content.decode()
    assert services.vivier_quitter(candidat=c.candidat) is False


def test_qui_a_ouvert_mes_documents_la_structure_jamais_le_recruteur(g):
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE))
    ConsultationPiece.objects.create(piece=c.pieces.get(), compte=g.recruteur_chpc, structure=g.chpc)
    page = client_de_l_espace(c.candidat).get("/recrutement/mon-espace/").content.decode()
    assert "CH public du Cotentin" in page
    assert g.recruteur_chpc.email not in page


def test_telecharger_mes_donnees(g):
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE), [g.chpc, g.pcc], vivier=True, aide_logement=True)
    ConsultationPiece.objects.create(piece=c.pieces.get(), compte=g.recruteur_chpc, structure=g.chpc)
    reponse = client_de_l_espace(c.candidat).post("/recrutement/mon-espace/mes-donnees/")
    assert reponse["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(reponse.content))
    noms = archive.namelist()
    assert "mes-donnees.json" in noms
    assert any(n.startswith("pieces/") and n.endswith("cv.pdf") for n in noms)
    assert archive.read(next(n for n in noms if n.startswith("pieces/"))).startswith(b"%PDF")
    donnees = json.loads(archive.read("mes-donnees.json"))
    assert donnees["candidat"]["email"] == EMAIL
    assert donnees["candidatures"][0]["offre"] == c.offre.titre
    assert donnees["candidatures"][0]["aide_logement"] is True
    assert {x["employeur"] for x in donnees["consentements"]} == {
        "CH public du Cotentin",
        "Polyclinique du Cotentin",
        None,
    }
    assert donnees["consultations_de_mes_pieces"][0]["structure"] == "CH public du Cotentin"
    assert g.recruteur_chpc.email not in json.dumps(donnees)
    assert Evenement.objects.filter(verbe="recrutement.candidat.donnees_exportees").exists()


def test_mes_donnees_du_portail_disent_la_fiche_de_candidat(g):
    compte = UtilisateurFactory(email="ines@exemple.fr")
    f.candidature(f.offre(g, StatutOffre.PUBLIEE), compte=compte)
    donnees = donnees_de(compte)["recrutement"]
    assert donnees["candidat"]["candidat"]["email"] == "ines@exemple.fr"
    assert len(donnees["candidat"]["candidatures"]) == 1


def test_effacer_mes_donnees(g):
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE))
    client = client_de_l_espace(c.candidat)
    assert "Effacer définitivement" in client.get("/recrutement/mon-espace/effacer/").content.decode()
    reponse = client.post("/recrutement/mon-espace/effacer/")
    assert "Vos données sont effacées" in reponse.content.decode()
    c.candidat.refresh_from_db()
    assert c.candidat.est_anonymise and c.candidat.nom == ""
    assert (
        Evenement.objects.get(verbe="recrutement.candidat.anonymise").donnees["motif"]
        == services.Motif.DEMANDE
    )
    # La session ne mène plus à rien.
    assert client.get("/recrutement/mon-espace/")["Location"] == "/recrutement/mon-espace/acces/"


def test_l_adresse_n_entre_ni_au_journal_ni_dans_la_boite_d_envoi(g, django_capture_on_commit_callbacks):
    o = f.offre(g, StatutOffre.PUBLIEE)
    with django_capture_on_commit_callbacks(execute=True):
        services.candidature_lien_demander(offre=o, email=EMAIL)
    demande = TacheDemandee.objects.get(nom="recrutement.tasks.envoyer_lien_de_candidature")
    assert EMAIL not in json.dumps(demande.arguments)
    assert not Evenement.objects.filter(donnees__icontains="lefevre").exists()
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    # Rejouée, la tâche n'envoie rien de plus : l'adresse a quitté le cache.
    envoyer_lien_de_candidature(*demande.arguments)
    assert len(mail.outbox) == 1
