"""Les pages de l'agglomération : le tableau de bord (des chiffres, aucun nom ; les candidatures
anonymisées comptent ; les offres en face des fuites ; exports CSV et XLSX) et les demandes
d'aide à l'installation (le candidat, l'offre, la demande ; ni CV ni message ; « Prise en
charge » par le service, au journal). 404 pour qui ne suit pas le recrutement. Requêtes
épinglées, constantes quand les offres et les candidatures s'ajoutent."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from recrutement import services
from recrutement.models import Candidat, Candidature, SourceCandidature, StatutOffre, TypeContrat
from recrutement.selectors_tableau_de_bord import rapprochement, tableau_de_bord
from recrutement.services.conservation import Motif
from socle.models import Evenement
from territoire.models import Fuite
from tests.conftest import client_connecte
from tests.outils import compter_requetes
from tests.recrutement import factories as f
from tests.territoire.factories import SpecialiteFactory

pytestmark = pytest.mark.django_db

# Tableau de bord : session, compte, double authentification du personnel, droits (du compte
# et de ses groupes), rôles pour le menu (groupes, mandats), notifications non lues : 8 ; puis
# professions, pôles (offres et noms), délais, sources, offres mixtes, fuites (années, lignes,
# offres par spécialité) : 9.
TABLEAU_DE_BORD = 17
# Demandes d'aide : les mêmes huit lectures du compte, puis la pagination dans sa transaction
# (point de sauvegarde, seuil des trigrammes, compte, page, libération).
DEMANDES_D_AIDE = 13


@pytest.fixture
def g() -> f.Gcs:
    return f.gcs_et_recruteurs()


def semer(g: f.Gcs, rang: int) -> None:
    ophtalmologie = SpecialiteFactory(code="SM38", libelle="Ophtalmologie")
    offre = f.offre(g, StatutOffre.PUBLIEE, titre=f"Ophtalmologue {rang}", specialite=ophtalmologie)
    f.candidature(
        offre,
        email=f"candidat{rang}@exemple.fr",
        nom=f"Secret{rang}",
        source=SourceCandidature.EVENEMENT,
        aide_logement=True,
        aide_precisions="Un logement pour la famille.",
        message="Message confidentiel aux recruteurs.",
    )
    mixte = f.saisie_mixte(g)
    pourvue = f.offre(
        g,
        StatutOffre.PUBLIEE,
        titre=f"Mixte {rang}",
        type_contrat=TypeContrat.MIXTE,
        parts=mixte.parts,
        structures=mixte.structures,
    )
    services.offre_transition(offre=pourvue, vers=StatutOffre.POURVUE, acteur=g.recruteur_chpc)


def test_rapprochement_des_specialites():
    assert rapprochement("Ophtalmologie") == rapprochement("Ophtalmologie")
    assert rapprochement("Cardiologie interventionnelle") == rapprochement(
        "Cardiologie et maladies vasculaires"
    )
    assert rapprochement("Chirurgie orthopédique") == rapprochement("Chirurgie orthopédique et traumatologie")
    assert rapprochement("Chirurgie cardiaque") != rapprochement("Chirurgie orthopédique et traumatologie")


def test_les_chiffres_du_tableau_de_bord(g):
    semer(g, 1)
    Fuite.objects.create(annee=2024, specialite="Ophtalmologie", patients=1000, patients_hors_territoire=310)
    Fuite.objects.create(annee=2024, specialite="Neurochirurgie", patients=100, patients_hors_territoire=85)
    # Une candidature anonymisée compte encore dans les sources.
    services.candidat_anonymiser(candidat=Candidat.objects.get(), motif=Motif.DEMANDE)
    bord = tableau_de_bord(timezone.localdate())

    assert [[c.texte for c in ligne.cellules] for ligne in bord.professions.lignes] == [["Médecin", "1", "1"]]
    sources = {ligne.cellules[0].texte: ligne.cellules[1].texte for ligne in bord.sources.tableau.lignes}
    assert sources[str(SourceCandidature.EVENEMENT.label)] == "1"
    assert sources[str(SourceCandidature.PORTAIL.label)] == "0"
    assert [c.texte for c in bord.mixtes.lignes[0].cellules][:3] == ["En ligne aujourd'hui", "0", "1"]
    assert [c.texte for c in bord.mixtes.lignes[1].cellules][:3] == ["Postes pourvus", "1", "1"]
    assert [c.texte for c in bord.delais.lignes[0].cellules][:2] == ["Médecin", "1"]
    fuites = {ligne.cellules[0].texte: ligne for ligne in bord.fuites.lignes}
    # La plus forte fuite d'abord : la neurochirurgie, sans aucune offre, mise en avant.
    assert [ligne.cellules[0].texte for ligne in bord.fuites.lignes] == ["Neurochirurgie", "Ophtalmologie"]
    assert fuites["Neurochirurgie"].mise_en_avant
    assert [c.texte for c in fuites["Ophtalmologie"].cellules][2:] == ["Ophtalmologie", "1", "0"]
    assert not fuites["Ophtalmologie"].mise_en_avant
    poles = [[c.texte for c in ligne.cellules] for ligne in bord.poles.lignes]
    assert sum(int(ligne[1]) for ligne in poles) >= 1


def test_la_page_ne_montre_aucun_nom_et_ne_grandit_pas(g):
    client = client_connecte(g.agent)
    semer(g, 1)
    Fuite.objects.create(annee=2024, specialite="Ophtalmologie", patients=1000, patients_hors_territoire=310)
    page = client.get("/recrutement/tableau-de-bord/")
    assert page.status_code == 200
    assert "Secret1" not in page.text and "candidat1@exemple.fr" not in page.text
    assert "Les offres en face des fuites de patients" in page.text
    assert compter_requetes(client, "/recrutement/tableau-de-bord/") == TABLEAU_DE_BORD
    for rang in range(2, 6):
        semer(g, rang)
    assert compter_requetes(client, "/recrutement/tableau-de-bord/") == TABLEAU_DE_BORD


@pytest.mark.parametrize("tableau", ["professions", "poles", "delais", "sources", "mixtes", "fuites"])
def test_les_exports(g, tableau):
    semer(g, 1)
    client = client_connecte(g.agent)
    reponse = client.get(f"/recrutement/tableau-de-bord/{tableau}.csv")
    assert reponse.status_code == 200
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0]
    classeur = client.get(f"/recrutement/tableau-de-bord/{tableau}.xlsx")
    assert classeur.status_code == 200
    feuille = load_workbook(io.BytesIO(classeur.content)).active
    assert feuille is not None and [c.value for c in feuille[1]] == lignes[0]
    assert client.get(f"/recrutement/tableau-de-bord/{tableau}.pdf").status_code == 404
    assert (
        client_connecte(g.recruteur_chpc).get(f"/recrutement/tableau-de-bord/{tableau}.csv").status_code
        == 404
    )


def test_les_demandes_d_aide(g):
    semer(g, 1)
    f.candidature(
        f.offre(g, StatutOffre.PUBLIEE, titre="Sans aide"), email="autre@exemple.fr", nom="Sansaide"
    )
    client = client_connecte(g.agent)
    page = client.get("/recrutement/demandes-d-aide/")
    assert page.status_code == 200
    assert "Secret1" in page.text and "candidat1@exemple.fr" in page.text and "Logement" in page.text
    assert "Un logement pour la famille." in page.text
    assert "Message confidentiel" not in page.text and "cv.pdf" not in page.text
    assert "Sansaide" not in page.text

    demande = Candidature.objects.get(aide_logement=True)
    reponse = client.post(f"/recrutement/demandes-d-aide/{demande.pk}/prise-en-charge/")
    assert reponse.status_code == 302
    demande.refresh_from_db()
    assert demande.aide_prise_en_charge_par == g.agent and demande.aide_prise_en_charge_le is not None
    assert Evenement.objects.filter(
        verbe="recrutement.aide.prise_en_charge", cible_id=str(demande.pk)
    ).exists()
    assert "candidat1@exemple.fr" not in client.get("/recrutement/demandes-d-aide/").text
    assert "candidat1@exemple.fr" in client.get("/recrutement/demandes-d-aide/?etat=prises").text
    # Déjà prise en charge : elle n'est plus à traiter, 404.
    assert client.post(f"/recrutement/demandes-d-aide/{demande.pk}/prise-en-charge/").status_code == 404


def test_seuls_les_agents_prennent_en_charge(g):
    semer(g, 1)
    demande = Candidature.objects.get(aide_logement=True)
    for compte in (g.recruteur_chpc, g.moderateur, None):
        client = client_connecte(compte)
        assert client.post(f"/recrutement/demandes-d-aide/{demande.pk}/prise-en-charge/").status_code in (
            302,
            404,
        )
        assert client.get("/recrutement/demandes-d-aide/").status_code in (302, 404)
    demande.refresh_from_db()
    assert demande.aide_prise_en_charge_le is None
    with pytest.raises(Exception, match="Seuls les agents"):
        services.aide_prendre_en_charge(candidature=demande, acteur=g.recruteur_chpc)


def test_les_demandes_d_aide_ne_grandissent_pas(g):
    client = client_connecte(g.agent)
    semer(g, 1)
    assert compter_requetes(client, "/recrutement/demandes-d-aide/") == DEMANDES_D_AIDE
    for rang in range(2, 6):
        semer(g, rang)
    assert compter_requetes(client, "/recrutement/demandes-d-aide/") == DEMANDES_D_AIDE
    for demande in Candidature.objects.all()[:3]:
        services.aide_prendre_en_charge(candidature=demande, acteur=g.agent)
    assert compter_requetes(client, "/recrutement/demandes-d-aide/?etat=prises") == DEMANDES_D_AIDE


def test_la_tache_de_l_agent_sur_l_accueil(g):
    client = client_connecte(g.agent)
    assert "aide à l&#x27;installation" not in client.get("/").text
    semer(g, 1)
    semer(g, 2)
    accueil = client.get("/").text
    assert "2 demandes d&#x27;aide à l&#x27;installation à traiter" in accueil
    assert "aide à l&#x27;installation" not in client_connecte(g.recruteur_chpc).get("/").text


def test_le_menu_de_l_agent(g):
    assert 'href="/recrutement/tableau-de-bord/"' in client_connecte(g.agent).get("/").text
    assert 'href="/recrutement/tableau-de-bord/"' not in client_connecte(g.recruteur_chpc).get("/").text


def test_rien_pour_l_annee_passee_sans_offre():
    bord = tableau_de_bord(timezone.localdate() - timedelta(days=1))
    assert bord.professions.vide and bord.sources.tableau.pied == ()
