"""L'administration des financements : chaque page répond, une demande n'y change ni d'état ni
de version hors du workflow, ses corrections sont tracées, un modèle de courrier modifié
passe dans le PDF et un gabarit invalide est refusé en français."""

from html import unescape
from io import BytesIO

import pytest
from pypdf import PdfReader

from financements import services
from financements.models import DemandeFinancement, ModeleCourrier, NatureModele, StatutDemande
from financements.pdf import courrier_pdf, modele_de
from socle.models import Evenement
from tests.college.factories import membres_votants
from tests.conseil.factories import CollegeFactory
from tests.financements import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def donnees(agent) -> dict[str, int]:
    """Une demande conventionnée (équipe, plan, pièces, tranches, message, note), un brouillon
    avec un co-porteur invité, un modèle de courrier."""
    membres_votants(CollegeFactory(), 3)
    demande = f.conventionnee(agent)
    services.message_envoyer(demande=demande, acteur=demande.porteur, texte="Merci pour l'accord.")
    services.note_ecrire(demande=demande, acteur=agent, texte="Dossier solide.")
    brouillon = f.brouillon()
    services.coporteur_inviter(demande=brouillon, acteur=brouillon.porteur, email="co@exemple.fr")
    return {
        "demande": demande.pk,
        "brouillon": brouillon.pk,
        "modele": modele_de(NatureModele.ACCORD).pk,
    }


PAGES = [
    "/admin/financements/",
    "/admin/financements/demandefinancement/",
    "/admin/financements/demandefinancement/?statut__exact=conventionnee&type_demande__exact=etude",
    "/admin/financements/demandefinancement/?q=Hague",
    "/admin/financements/demandefinancement/{demande}/change/",
    "/admin/financements/demandefinancement/{brouillon}/change/",
    "/admin/financements/modelecourrier/",
    "/admin/financements/modelecourrier/add/",
    "/admin/financements/modelecourrier/{modele}/change/",
    "/admin/territoire/besointerritoire/",
]


@pytest.mark.parametrize("persona", ["agent", "superutilisateur"])
@pytest.mark.parametrize("page", PAGES)
def test_chaque_page_repond(client_de, donnees, persona, page):
    reponse = client_de(persona).get(page.format(**donnees))
    assert reponse.status_code == 200


def test_la_fiche_montre_le_dossier_sans_le_jeton_ni_les_champs_du_workflow(client_de, donnees):
    reponse = client_de("agent").get(f"/admin/financements/demandefinancement/{donnees['demande']}/change/")
    html = unescape(reponse.content.decode())
    formulaire = reponse.context["adminform"].form
    assert "statut" not in formulaire.fields and "version" not in formulaire.fields
    assert "montant_accorde" not in formulaire.fields and "instructeur" not in formulaire.fields
    assert {"intitule", "description", "commune", "besoins"} <= set(formulaire.fields)
    assert "Merci pour l'accord." in html and "Dossier solide." in html
    demande = DemandeFinancement.objects.get(pk=donnees["demande"])
    assert f'href="{demande.get_absolute_url()}">Ouvrir la demande sur le portail' in html
    brouillon = client_de("agent").get(
        f"/admin/financements/demandefinancement/{donnees['brouillon']}/change/"
    )
    jeton = DemandeFinancement.objects.get(pk=donnees["brouillon"]).coporteurs.get().jeton
    assert jeton not in brouillon.content.decode()


def test_une_demande_ne_se_cree_ni_ne_se_supprime_dans_l_administration(client_de, donnees):
    client = client_de("superutilisateur")
    assert client.get("/admin/financements/demandefinancement/add/").status_code == 403
    suppression = f"/admin/financements/demandefinancement/{donnees['demande']}/delete/"
    assert client.get(suppression).status_code == 403
    assert DemandeFinancement.objects.filter(pk=donnees["demande"]).exists()


def _formulaire_demande(demande: DemandeFinancement, **champs: str) -> dict[str, str]:
    valeurs = {
        "intitule": demande.intitule,
        "type_demande": demande.type_demande,
        "description": demande.description,
        "commune": str(demande.commune_id or ""),
        "besoins": ",".join(str(b) for b in demande.besoins.values_list("pk", flat=True)),
        "engagement_stages": "on" if demande.engagement_stages else "",
        "engagement_stages_detail": demande.engagement_stages_detail,
        "porteur": str(demande.porteur_id),
        "projet": str(demande.projet_id),
        # Des champs du workflow glissés dans l'envoi : ignorés.
        "statut": StatutDemande.SOLDEE,
        "version": "999",
        "montant_accorde": "1",
    }
    for prefixe in (
        "equipe",
        "coporteurs",
        "depenses",
        "financements",
        "pieces",
        "tranches",
        "messages",
        "notes",
    ):
        valeurs |= {
            f"{prefixe}-TOTAL_FORMS": "0",
            f"{prefixe}-INITIAL_FORMS": "0",
            f"{prefixe}-MIN_NUM_FORMS": "0",
            f"{prefixe}-MAX_NUM_FORMS": "1000",
        }
    valeurs.update(champs)
    return valeurs


def test_une_correction_est_tracee_et_change_la_version_mais_pas_l_etat(client_de, donnees, agent):
    demande = DemandeFinancement.objects.get(pk=donnees["demande"])
    avant = (demande.statut, demande.version, demande.montant_accorde)
    reponse = client_de("agent").post(
        f"/admin/financements/demandefinancement/{demande.pk}/change/",
        _formulaire_demande(demande, intitule="Maison de santé de La Hague (Beaumont)"),
    )
    assert reponse.status_code == 302, reponse.context["adminform"].form.errors
    demande.refresh_from_db()
    assert demande.intitule == "Maison de santé de La Hague (Beaumont)"
    assert (demande.statut, demande.montant_accorde) == (avant[0], avant[2])
    assert demande.version == avant[1] + 1
    evenement = Evenement.objects.get(verbe="financements.demande.corrigee")
    assert evenement.acteur == agent
    assert evenement.donnees == {
        "intitule": ["Maison de santé de la Hague", "Maison de santé de La Hague (Beaumont)"]
    }


def _texte_pdf(contenu: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(contenu)).pages).split())


def test_un_modele_modifie_dans_l_administration_passe_dans_le_courrier(client_de, donnees):
    modele = ModeleCourrier.objects.get(pk=donnees["modele"])
    reponse = client_de("agent").post(
        f"/admin/financements/modelecourrier/{modele.pk}/change/",
        {
            "titre": "Attribution d'une subvention",
            "corps": "Bonjour {{ porteur }},\n\nLe Cotentin soutient « {{ demande.intitule }} » "
            "à hauteur de {{ montant_accorde }}.",
            "signataire": "La vice-présidente chargée de la santé",
        },
    )
    assert reponse.status_code == 302, reponse.context["adminform"].form.errors
    assert Evenement.objects.filter(verbe="financements.modele.modifie").count() == 1

    demande = DemandeFinancement.objects.select_related("porteur").get(pk=donnees["demande"])
    texte = _texte_pdf(courrier_pdf(NatureModele.ACCORD, demande))
    assert "Attribution d'une subvention" in texte
    assert f"Le Cotentin soutient « {demande.intitule} » à hauteur de 10 000,00 €" in texte
    assert "La vice-présidente chargée de la santé" in texte
    assert "Notification d'attribution" not in texte


@pytest.mark.parametrize(
    ("corps", "message"),
    [
        ("{% if conditions %}Conditions : {{ conditions }}", "erreur de syntaxe de gabarit"),
        ("Montant : {{ montant_accorde|inconnu }}", "erreur de syntaxe de gabarit"),
        ("{% for t in tranches %}{{ t.libelle }}", "erreur de syntaxe de gabarit"),
        ("{% load static %}{% static 'x' %}", "La balise « load » n'est pas permise"),
        ("{% include 'base.html' %}", "La balise « include » n'est pas permise"),
    ],
)
def test_un_gabarit_invalide_est_refuse_en_francais(client_de, donnees, corps, message):
    modele = ModeleCourrier.objects.get(pk=donnees["modele"])
    reponse = client_de("agent").post(
        f"/admin/financements/modelecourrier/{modele.pk}/change/",
        {"titre": modele.titre, "corps": corps, "signataire": modele.signataire},
    )
    assert reponse.status_code == 200
    erreurs = reponse.context["adminform"].form.errors
    assert list(erreurs) == ["corps"]
    assert message in erreurs["corps"][0]
    modele.refresh_from_db()
    assert modele.corps != corps


def test_un_modele_manquant_se_cree_et_une_nature_n_existe_qu_une_fois(client_de, donnees):
    client = client_de("agent")
    page = client.get("/admin/financements/modelecourrier/add/")
    natures = [valeur for valeur, _libelle in page.context["adminform"].form.fields["nature"].choices]
    assert NatureModele.ACCORD not in natures and NatureModele.REFUS in natures
    reponse = client.post(
        "/admin/financements/modelecourrier/add/",
        {
            "nature": NatureModele.REFUS,
            "titre": "Refus",
            "corps": "Motifs : {{ motifs_refus }}",
            "signataire": "X",
        },
    )
    assert reponse.status_code == 302
    assert modele_de(NatureModele.REFUS).titre == "Refus"
    doublon = client.post(
        "/admin/financements/modelecourrier/add/",
        {"nature": NatureModele.ACCORD, "titre": "Doublon", "corps": "x", "signataire": "X"},
    )
    assert doublon.status_code == 200
    assert ModeleCourrier.objects.filter(nature=NatureModele.ACCORD).count() == 1
