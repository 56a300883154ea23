"""Le récépissé, les courriers de décision et la convention : des PDF/A écrits par les tâches
depuis les modèles de courriers, rouverts avec pypdf ; le récépissé part en pièce jointe, une
seule fois."""

import io

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from financements import services
from financements.models import DemandeFinancement, StatutDemande
from financements.tasks import produire_courrier_decision, produire_recepisse
from socle.models import Document
from tests.college.factories import membres_votants
from tests.conseil.factories import CollegeFactory
from tests.financements import factories as f

pytestmark = pytest.mark.django_db

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture
def college(db):
    instance = CollegeFactory()
    membres_votants(instance, 3)
    return instance


def _lecteur(document: Document | None) -> PdfReader:
    assert document is not None
    with document.fichier.open("rb") as fichier:
        return PdfReader(io.BytesIO(fichier.read()))


def _texte(lecteur: PdfReader) -> str:
    # Les milliers sont séparés par des espaces fines insécables : split() les compte comme
    # des espaces, et recolle les lignes coupées.
    return " ".join(" ".join(page.extract_text() for page in lecteur.pages).split())


def _jour(quand) -> str:
    return date_format(timezone.localtime(quand), "j F Y")


def _verifier_pdf_a(lecteur: PdfReader, titre: str) -> None:
    xmp = lecteur.xmp_metadata
    assert xmp is not None
    identification = {
        (description.getAttributeNS(PDFAID, "part"), description.getAttributeNS(PDFAID, "conformance"))
        for description in xmp.rdf_root.getElementsByTagNameNS(RDF, "Description")
        if description.hasAttributeNS(PDFAID, "part")
    }
    assert identification == {("3", "B")}  # PDF/A-3b
    catalogue = lecteur.root_object
    intentions = catalogue["/OutputIntents"].get_object()
    assert isinstance(intentions, ArrayObject)
    intention = intentions[0].get_object()
    assert isinstance(intention, DictionaryObject)
    assert str(intention["/S"]) == "/GTS_PDFA1" and "/DestOutputProfile" in intention
    assert lecteur.metadata is not None and lecteur.metadata.title == titre


def test_le_recepisse_dit_le_numero_la_date_et_le_montant(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demande = f.deposee()
    demande.refresh_from_db()
    lecteur = _lecteur(demande.recepisse)
    texte = _texte(lecteur)
    assert demande.numero is not None
    assert f"Demande n° {demande.numero} — Maison de santé de la Hague" in texte
    assert f"déposée le {_jour(demande.deposee_le)} à" in texte
    assert "Montant demandé à l'agglomération : 12 000,00 €." in texte
    assert f"Cherbourg-en-Cotentin, le {_jour(timezone.now())}" in texte
    assert "Ce récépissé ne vaut pas accord." in texte
    _verifier_pdf_a(lecteur, f"Récépissé de dépôt d'une demande de financement — {demande.numero}")


def test_le_recepisse_part_en_piece_jointe_une_seule_fois(django_capture_on_commit_callbacks):
    porteur = f.porteur_liberal("porteuse@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        demande = f.deposee(porteur)
    demande.refresh_from_db()
    courriels = [m for m in mail.outbox if demande.numero in m.subject]
    assert len(courriels) == 1
    courriel = courriels[0]
    assert courriel.to == ["porteuse@exemple.fr"]
    ((nom, contenu, type_mime),) = [(a.filename, a.content, a.mimetype) for a in courriel.attachments]
    assert (nom, type_mime) == (f"recepisse-{demande.numero}.pdf", "application/pdf")
    assert contenu.startswith(b"%PDF")
    assert f"Demande n° {demande.numero}" in _texte(PdfReader(io.BytesIO(contenu)))

    # Rejouée (nouvel essai du worker), la tâche ne refait ni document ni courriel.
    documents, envoyes = Document.objects.count(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        produire_recepisse(demande.pk)
        produire_recepisse(demande.pk)
    assert Document.objects.count() == documents
    assert len(mail.outbox) == envoyes
    assert DemandeFinancement.objects.get(pk=demande.pk).recepisse_id == demande.recepisse_id


def test_le_recepisse_n_est_pas_perdu_quand_le_serveur_de_courriel_refuse_une_fois(
    settings, django_capture_on_commit_callbacks
):
    """Le serveur SMTP ne répond pas (un vrai port fermé) : rien n'est écrit, la tâche reste à
    faire ; relancée quand il répond, elle écrit le récépissé et l'envoie."""
    from socle import taches
    from socle.models import TacheDemandee
    from tests.outils import port_ferme

    porteur = f.porteur_liberal("porteuse@exemple.fr")
    memoire = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port_ferme(), "timeout": 2},
        }
    }
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        demande = f.deposee(porteur)
    demande = DemandeFinancement.objects.get(porteur=porteur)
    assert demande.numero and demande.recepisse is None
    assert not Document.objects.filter(titre__startswith="Récépissé").exists()
    [attente] = TacheDemandee.objects.filter(nom=produire_recepisse.name)
    assert attente.faite_le is None and "Connection refused" in attente.derniere_erreur

    settings.MAILERS = memoire
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        taches.relancer_maintenant(attente)
    demande = DemandeFinancement.objects.get(pk=demande.pk)
    assert demande.recepisse is not None
    assert [m.to for m in mail.outbox if demande.numero in m.subject] == [["porteuse@exemple.fr"]]
    attente = TacheDemandee.objects.get(pk=attente.pk)
    assert attente.faite_le is not None


def test_pas_de_recepisse_pour_un_brouillon():
    demande = f.brouillon()
    produire_recepisse(demande.pk)
    demande.refresh_from_db()
    assert demande.recepisse is None
    assert not Document.objects.filter(titre__startswith="Récépissé").exists()


def test_la_lettre_d_accord(agent, college, django_capture_on_commit_callbacks):
    demande = f.avis_rendu(f.soumise_a_l_avis(agent))
    with django_capture_on_commit_callbacks(execute=True):
        services.demande_decider(
            demande=demande,
            acteur=agent,
            version=demande.version,
            decision=StatutDemande.ACCORDEE,
            montant_accorde="11 250,50",
            conditions="Accueillir un interne en médecine générale.",
        )
    demande.refresh_from_db()
    lecteur = _lecteur(demande.courrier_decision)
    texte = _texte(lecteur)
    assert f"demande n° {demande.numero}" in texte
    assert "vous accorde une aide de 11 250,50 € pour le projet « Maison de santé de la Hague »" in texte
    assert "aux conditions suivantes : Accueillir un interne en médecine générale." in texte
    assert f"le {_jour(timezone.now())}" in texte
    _verifier_pdf_a(lecteur, f"Notification d'attribution d'une aide — {demande.numero}")

    # Rejouée, la tâche ne réécrit pas le courrier.
    documents = Document.objects.count()
    produire_courrier_decision(demande.pk)
    assert Document.objects.count() == documents


def test_la_lettre_de_refus_dit_les_motifs_et_les_recours(agent, college, django_capture_on_commit_callbacks):
    demande = f.avis_rendu(f.soumise_a_l_avis(agent))
    with django_capture_on_commit_callbacks(execute=True):
        services.demande_decider(
            demande=demande,
            acteur=agent,
            version=demande.version,
            decision=StatutDemande.REFUSEE,
            motifs_refus="Le projet ne réunit qu'une seule profession de santé.",
            voies_recours="Recours devant le tribunal administratif de Caen dans les deux mois.",
        )
    demande.refresh_from_db()
    lecteur = _lecteur(demande.courrier_decision)
    texte = _texte(lecteur)
    assert f"demande n° {demande.numero}," in texte
    assert "Motifs : Le projet ne réunit qu'une seule profession de santé." in texte
    assert (
        "Voies et délais de recours : Recours devant le tribunal administratif de Caen dans les deux mois."
        in texte
    )
    _verifier_pdf_a(lecteur, f"Notification de refus d'une aide — {demande.numero}")


def test_la_lettre_de_classement_dit_le_motif(agent, django_capture_on_commit_callbacks):
    demande = f.en_instruction(agent)
    with django_capture_on_commit_callbacks(execute=True):
        services.demande_decider(
            demande=demande,
            acteur=agent,
            version=demande.version,
            decision=StatutDemande.CLASSEE,
            motif="Le porteur a quitté le territoire.",
        )
    demande.refresh_from_db()
    texte = _texte(_lecteur(demande.courrier_decision))
    assert (
        f"Votre demande n° {demande.numero}, « Maison de santé de la Hague », est classée sans suite."
        in texte
    )
    assert "Motif : Le porteur a quitté le territoire." in texte


def test_la_convention_liste_les_tranches(agent, college):
    demande = f.accordee(agent)  # 10 000 €
    services.tranches_enregistrer(
        demande=demande,
        acteur=agent,
        version=demande.version,
        lignes=[
            {"libelle": "Avance", "montant": "2 500,00", "condition": "signature"},
            {
                "libelle": "Deuxième versement",
                "montant": "4 000,00",
                "condition": "autre",
                "condition_detail": "à l'ouverture du cabinet",
            },
            {"libelle": "Solde", "montant": "3 500,00", "condition": "rapport_final"},
        ],
    )
    document = services.convention_generer(demande=demande, acteur=agent)
    demande.refresh_from_db()
    assert demande.convention == document
    lecteur = _lecteur(document)
    texte = _texte(lecteur)
    assert demande.numero is not None and demande.numero in texte
    assert "L'agglomération attribue une aide de 10 000,00 €." in texte
    assert "Avance : 2 500,00 €, à la signature de la convention ;" in texte
    assert "Deuxième versement : 4 000,00 €, autre condition (précisée) (à l'ouverture du cabinet) ;" in texte
    assert "Solde : 3 500,00 €, sur le rapport final et ses justificatifs." in texte
    _verifier_pdf_a(lecteur, f"Convention de financement — {demande.numero}")
