import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages

from socle.documents import verifier_fichier
from socle.models import Document, Evenement
from socle.permissions import regle_acces_documents
from socle.services import document_deposer
from tests.comptes.factories import InvitationFactory
from tests.socle import fichiers

pytestmark = pytest.mark.django_db


def test_un_pdf_valide_est_accepte():
    assert verifier_fichier(fichiers.fichier("projet.pdf", fichiers.pdf())) == "application/pdf"


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("vide.pdf", b"", "Le fichier est vide."),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n", "Ce type de fichier n'est pas accepté"),
        ("image.pdf", fichiers.png(), "ne correspond pas à son extension « .pdf » : c'est un fichier PNG"),
        ("faux.pdf", b"%PDF-1.7\n" + b"\x00" * 200, "Le fichier PDF est illisible ou endommagé"),
        ("protege.pdf", fichiers.pdf(mot_de_passe="secret"), "protégé par un mot de passe"),
        ("sans-extension", fichiers.pdf(), "« aucune »"),
    ],
)
def test_fichiers_refuses_par_leur_contenu(nom, contenu, message):
    with pytest.raises(ValidationError) as erreur:
        verifier_fichier(fichiers.fichier(nom, contenu, "application/pdf"))
    assert message in erreur.value.messages[0]


def test_taille_maximale(settings):
    settings.DOCUMENTS_TAILLE_MAX = 1024
    with pytest.raises(ValidationError, match="la taille maximale est de 1,0"):
        verifier_fichier(fichiers.fichier("gros.pdf", fichiers.pdf(pages=30)))


def test_bureautique_et_images_acceptees():
    assert verifier_fichier(fichiers.fichier("photo.png", fichiers.png())) == "image/png"
    assert verifier_fichier(fichiers.fichier("devis.docx", fichiers.docx())).endswith(
        "wordprocessingml.document"
    )


def test_depot_enregistre_hors_des_fichiers_statiques_avec_empreinte_et_audit(professionnel):
    contenu = fichiers.pdf()
    document = document_deposer(
        fichier=fichiers.fichier("Budget prévisionnel.pdf", contenu), acteur=professionnel, titre="Budget"
    )
    chemin = Path(document.fichier.path).resolve()
    assert chemin.read_bytes() == contenu
    assert Path(storages["documents"].location).resolve() in chemin.parents
    assert Path(settings.STATIC_ROOT).resolve() not in chemin.parents
    assert "Budget" not in chemin.name  # le nom d'origine ne sert qu'au téléchargement
    assert document.empreinte == hashlib.sha256(contenu).hexdigest()
    assert (document.nom_fichier, document.type_mime, document.taille) == (
        "Budget prévisionnel.pdf",
        "application/pdf",
        len(contenu),
    )
    assert Evenement.objects.get(verbe="socle.document.depose").acteur == professionnel
    with pytest.raises(ValueError):
        document.fichier.url  # noqa: B018  (aucune URL publique)


def test_depot_refuse_n_ecrit_rien(professionnel):
    avant = fichiers.stockes()
    with pytest.raises(ValidationError):
        document_deposer(fichier=fichiers.fichier("x.pdf", b"pas un pdf"), acteur=professionnel)
    assert not Document.objects.exists()
    assert not Evenement.objects.exists()
    assert fichiers.stockes() == avant


def _document(proprietaire, objet=None):
    return document_deposer(
        fichier=fichiers.fichier("note.pdf", fichiers.pdf()), acteur=proprietaire, objet=objet
    )


def test_telechargement_par_qui_l_a_depose(client, professionnel):
    document = _document(professionnel)
    client.force_login(professionnel)
    reponse = client.get(f"/documents/{document.pk}/")
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content).startswith(b"%PDF")
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == 'attachment; filename="note.pdf"'
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in reponse["Cache-Control"]


def test_un_autre_utilisateur_recoit_404_comme_un_document_absent(client, professionnel, membre_college):
    document = _document(professionnel)
    client.force_login(membre_college)
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    assert client.get("/documents/999999/").status_code == 404


def test_anonyme_renvoye_a_la_connexion(client, professionnel):
    document = _document(professionnel)
    reponse = client.get(f"/documents/{document.pk}/")
    assert reponse.status_code == 302 and reponse["Location"].startswith("/comptes/login/")


def test_un_agent_habilite_peut_lire(client_de, professionnel):
    document = _document(professionnel)
    assert client_de("agent").get(f"/documents/{document.pk}/").status_code == 200


def test_regle_d_acces_de_l_objet_rattache(client, professionnel, membre_college):
    invitation = InvitationFactory(invite_par=membre_college)
    document = _document(professionnel, objet=invitation)
    client.force_login(membre_college)
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    regle_acces_documents("comptes.Invitation")(lambda u, inv: inv.invite_par_id == u.pk)
    try:
        assert client.get(f"/documents/{document.pk}/").status_code == 200
    finally:
        from socle.permissions import _REGLES_DOCUMENTS

        _REGLES_DOCUMENTS.pop("comptes.Invitation")


def test_une_regle_prioritaire_decide_seule(client_de, professionnel, membre_college):
    """Ni le déposant ni l'agent (socle.view_document) ne passent outre une règle prioritaire ;
    le superutilisateur, si."""
    invitation = InvitationFactory(invite_par=membre_college)
    document = _document(professionnel, objet=invitation)
    url = f"/documents/{document.pk}/"
    assert client_de("agent").get(url).status_code == 200
    regle_acces_documents("comptes.Invitation", prioritaire=True)(lambda u, inv: inv.invite_par_id == u.pk)
    try:
        assert client_de("agent").get(url).status_code == 404
        assert client_de("superutilisateur").get(url).status_code == 200
        assert client_de("professionnel").get(url).status_code == 404  # le déposant
        assert client_de("membre_college").get(url).status_code == 200  # qui a invité
    finally:
        from socle.permissions import _REGLES_DOCUMENTS

        _REGLES_DOCUMENTS.pop("comptes.Invitation")


def test_x_accel_redirect_en_production(client, professionnel, settings):
    settings.DOCUMENTS_X_ACCEL_PREFIXE = "/_documents_prives/"
    document = _document(professionnel)
    client.force_login(professionnel)
    reponse = client.get(f"/documents/{document.pk}/")
    assert reponse["X-Accel-Redirect"] == f"/_documents_prives/{document.fichier.name}"
    assert reponse.content == b""
    assert reponse["Content-Disposition"] == 'attachment; filename="note.pdf"'


def test_depot_dans_l_administration(client_de):
    client = client_de("agent")
    refuse = client.post(
        "/admin/socle/document/add/", {"titre": "RIB", "fichier": fichiers.fichier("rib.pdf", b"texte")}
    )
    assert refuse.status_code == 200
    assert "Ce type de fichier n&#x27;est pas accepté" in refuse.content.decode()
    assert not Document.objects.exists()
    accepte = client.post(
        "/admin/socle/document/add/", {"titre": "RIB", "fichier": fichiers.fichier("rib.pdf", fichiers.pdf())}
    )
    assert accepte.status_code == 302
    document = Document.objects.get()
    assert document.titre == "RIB" and document.depose_par.email == "agent@exemple.fr"
    assert len(document.empreinte) == 64
    assert client.get(f"/admin/socle/document/{document.pk}/change/").status_code == 200


def test_fichier_ecrit_puis_ligne_refusee_ne_laisse_pas_d_orphelin(professionnel, monkeypatch):
    def echoue(*args, **kwargs):
        raise RuntimeError("panne de la base")

    avant = fichiers.stockes()
    monkeypatch.setattr(Document, "save", echoue)
    with pytest.raises(RuntimeError):
        document_deposer(fichier=fichiers.fichier("a.pdf", fichiers.pdf()), acteur=professionnel)
    assert fichiers.stockes() == avant
