"""Le procès-verbal adopté, archivé en PDF par la tâche mise en file à l'adoption : le PDF
rouvert avec pypdf dit la séance, les présences et l'adoption, et porte les marques du
PDF/A (métadonnées XMP, profil de sortie)."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from conseil import services
from conseil.models import Presence, ProcesVerbal, StatutProcesVerbal
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import ConseilFactory, MandatFactory, seance_convoquee, seance_tenue

pytestmark = pytest.mark.django_db

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture
def pv_archive(secretariat, django_capture_on_commit_callbacks):
    """Séance tenue il y a deux semaines et close (Anne présente, Bruno représenté par
    Anne, Claire excusée), procès-verbal adopté à la séance suivante puis archivé."""
    conseil = ConseilFactory()
    membres = {
        prenom: MandatFactory(
            instance=conseil, personne=UtilisateurFactory(prenom=prenom, nom=nom), siege=siege
        ).personne
        for siege, (prenom, nom) in enumerate(
            [("Anne", "Aubert"), ("Bruno", "Bernard"), ("Claire", "Chevalier")], start=1
        )
    }
    reunion = seance_tenue(instance=conseil, acteur=secretariat, il_y_a=dt.timedelta(days=14))
    point = reunion.points.get()
    services.point_modifier(
        point=point, acteur=secretariat, resultat="Le Conseil adopte le bilan à l'unanimité."
    )
    lignes = {p.personne.prenom: p.pk for p in reunion.participations.select_related("personne")}
    services.presences_enregistrer(
        reunion=reunion,
        acteur=secretariat,
        lignes=[
            services.LignePresence(lignes["Anne"], Presence.PRESENT),
            services.LignePresence(lignes["Bruno"], Presence.REPRESENTE, membres["Anne"].pk),
            services.LignePresence(lignes["Claire"], Presence.EXCUSE),
        ],
    )
    services.reunion_changer_statut(reunion=reunion, acteur=secretariat, vers="close")
    pv = services.proces_verbal_rediger(reunion=reunion, acteur=secretariat)
    suivante = seance_convoquee(
        instance=conseil,
        acteur=secretariat,
        titre="Séance plénière d'automne",
        debut=timezone.now() + dt.timedelta(days=20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.proces_verbal_adopter(pv=pv, adopte_en=suivante, acteur=secretariat)
    return ProcesVerbal.objects.select_related("document", "reunion", "adopte_en").get(pk=pv.pk)


def _lecteur(pv: ProcesVerbal) -> PdfReader:
    with pv.document.fichier.open("rb") as fichier:
        return PdfReader(io.BytesIO(fichier.read()))


def test_le_pdf_archive_dit_la_seance_les_presences_et_l_adoption(pv_archive):
    assert pv_archive.statut == StatutProcesVerbal.ARCHIVE
    assert pv_archive.erreur_archivage == ""
    assert pv_archive.document.type_mime == "application/pdf"
    assert pv_archive.document.objet == pv_archive.reunion

    lecteur = _lecteur(pv_archive)
    contenu = " ".join(page.extract_text() for page in lecteur.pages)
    contenu = " ".join(contenu.split())
    assert "Procès-verbal — Conseil de santé du Cotentin" in contenu
    assert pv_archive.reunion.titre in contenu
    assert "Présents : Anne Aubert." in contenu
    assert "Représentés : Bruno Bernard (procuration à Anne Aubert)." in contenu
    assert "Excusés : Claire Chevalier." in contenu
    assert "Le quorum est atteint." in contenu
    assert "Le Conseil adopte le bilan à l'unanimité." in contenu
    adoption = date_format(timezone.localdate(pv_archive.adopte_le), "j F Y")
    assert f"Adopté en séance « {pv_archive.adopte_en} », le {adoption}." in contenu


def test_le_pdf_archive_porte_les_marques_du_pdf_a(pv_archive):
    lecteur = _lecteur(pv_archive)
    xmp = lecteur.xmp_metadata
    assert xmp is not None
    identification = {
        (description.getAttributeNS(PDFAID, "part"), description.getAttributeNS(PDFAID, "conformance"))
        for description in xmp.rdf_root.getElementsByTagNameNS(RDF, "Description")
        if description.hasAttributeNS(PDFAID, "part")
    }
    assert identification == {("3", "B")}  # PDF/A-3b
    assert xmp.dc_title == {"x-default": f"Procès-verbal — {pv_archive.reunion}"}
    catalogue = lecteur.root_object
    assert "/OutputIntents" in catalogue
    intentions = catalogue["/OutputIntents"].get_object()
    assert isinstance(intentions, ArrayObject)
    intention = intentions[0].get_object()
    assert isinstance(intention, DictionaryObject)
    assert str(intention["/S"]) == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intention
    assert lecteur.metadata is not None
    assert lecteur.metadata.title == f"Procès-verbal — {pv_archive.reunion}"


def test_le_pdf_se_telecharge_par_un_membre_de_la_seance(pv_archive, professionnel):
    anne = pv_archive.reunion.participations.get(personne__prenom="Anne").personne
    client = Client()
    client.force_login(anne)
    reponse = client.get(pv_archive.document.get_absolute_url())
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    contenu = b"".join(reponse.streaming_content)
    assert PdfReader(io.BytesIO(contenu)).pages[0].extract_text().startswith("Communauté d'agglomération")

    autre = Client()
    autre.force_login(professionnel)
    assert autre.get(pv_archive.document.get_absolute_url()).status_code == 404
