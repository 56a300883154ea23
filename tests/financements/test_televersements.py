"""Les dépôts malveillants par les vraies pages (issue 16 §3) : la pièce d'un brouillon et la
convention signée ; le message en français revient sur la page, rien n'est enregistré."""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from financements.models import DemandeFinancement, NaturePiece, StatutDemande
from socle.models import Document
from tests.college.factories import membres_votants
from tests.conseil.factories import CollegeFactory
from tests.financements import factories as f
from tests.socle import fichiers

pytestmark = pytest.mark.django_db


def _client(utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def _pdf_avec_javascript() -> bytes:
    ecrivain = PdfWriter()
    ecrivain.add_blank_page(width=595, height=842)
    ecrivain.add_open_action(JavaScript("app.launchURL('https://collecte.exemple/', true);"))
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    return tampon.getvalue()


def _etat(demande: DemandeFinancement) -> tuple:
    relue = DemandeFinancement.objects.get(pk=demande.pk)
    return relue.statut, relue.version, relue.modifiee_le, relue.pieces.count()


def test_une_piece_avec_du_javascript_est_refusee_sur_la_page_du_brouillon() -> None:
    demande = f.brouillon()
    avant, stockes, documents = _etat(demande), fichiers.stockes(), Document.objects.count()
    piece = SimpleUploadedFile("projet-de-sante.pdf", _pdf_avec_javascript(), content_type="application/pdf")
    reponse = _client(demande.porteur).post(
        reverse("financements:piece_deposer", kwargs={"pk": demande.pk}),
        {"nature": NaturePiece.PROJET_SANTE, "fichier": piece},
    )
    assert reponse.status_code == 200
    page = html.unescape(reponse.content.decode())
    assert 'id="erreur-fichier-projet_sante"' in page
    assert "Le PDF contient du JavaScript : ce contenu actif n'est pas accepté." in page
    assert "« Imprimer » puis « Enregistrer au format PDF »" in page
    assert _etat(demande) == avant
    assert Document.objects.count() == documents
    assert fichiers.stockes() == stockes


def test_la_convention_signee_doit_etre_un_pdf(agent) -> None:
    membres_votants(CollegeFactory(), 3)  # l'avis du Collège précède l'accord
    demande = f.accordee(agent)
    avant, documents = _etat(demande), Document.objects.count()
    convention = SimpleUploadedFile("convention-signee.docx", fichiers.docx("Lu et approuvé"))
    reponse = _client(agent).post(
        reverse("financements:convention_signee", kwargs={"pk": demande.pk}),
        {"version": demande.version, "signee_le": timezone.localdate().isoformat(), "fichier": convention},
    )
    assert reponse.status_code == 200
    page = html.unescape(reponse.content.decode())
    assert "Ici, seuls les fichiers PDF sont acceptés ; ce fichier est un DOCX." in page
    assert _etat(demande) == avant
    assert _etat(demande)[0] == StatutDemande.ACCORDEE
    assert Document.objects.count() == documents
    assert 'accept="application/pdf,.pdf"' in html.unescape(
        _client(agent).get(demande.get_absolute_url()).content.decode()
    )
