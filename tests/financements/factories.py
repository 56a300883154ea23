"""Fabriques des financements : des demandes à chaque étape, construites par les services
(chaque étape passe donc par les mêmes contrôles que dans le portail)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from college.models import StatutScrutin
from comptes.models import Utilisateur
from financements import services
from financements.models import PIECES_EXIGEES, DemandeFinancement, Financeur, StatutDemande, TypeDemande
from territoire.models import BesoinTerritoire
from tests.comptes.factories import UtilisateurFactory
from tests.territoire.factories import CommuneFactory, ProfessionFactory, ProfessionnelFactory


def pdf_minimal(texte: str = "piece") -> bytes:
    """Un PDF d'une page, lisible par pypdf (le socle contrôle les PDF déposés)."""
    from io import BytesIO

    from pypdf import PdfWriter

    sortie = BytesIO()
    ecrivain = PdfWriter()
    ecrivain.add_blank_page(width=200, height=200)
    ecrivain.add_metadata({"/Title": texte})
    ecrivain.write(sortie)
    return sortie.getvalue()


def fichier_pdf(nom: str = "piece.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, pdf_minimal(nom), content_type="application/pdf")


class BesoinFactory(factory.django.DjangoModelFactory[BesoinTerritoire]):
    class Meta:
        model = BesoinTerritoire

    libelle = factory.Sequence(lambda n: f"Besoin n° {n} : accès aux soins de premier recours")
    annee_diagnostic = 2025
    actif = True


def porteur_liberal(email: str | None = None, **champs: Any) -> Utilisateur:
    """Un compte relié à une fiche de l'annuaire : médecin libéral."""
    compte = UtilisateurFactory(**({"email": email} if email else {}))
    ProfessionnelFactory(compte=compte, **champs)
    return compte


def brouillon(porteur: Utilisateur | None = None, **champs: Any) -> DemandeFinancement:
    porteur = porteur or porteur_liberal()
    return services.demande_creer(
        porteur=porteur,
        intitule=champs.pop("intitule", "Maison de santé de la Hague"),
        type_demande=champs.pop("type_demande", TypeDemande.ETUDE),
        description=champs.pop("description", "Étude de faisabilité d'une maison de santé."),
        commune=champs.pop("commune", None) or CommuneFactory(),
    )


def brouillon_complet(
    porteur: Utilisateur | None = None,
    *,
    agglomeration: Decimal = Decimal("12000.00"),
    ars: Decimal = Decimal("8000.00"),
    autofinancement: Decimal = Decimal("5000.00"),
    **champs: Any,
) -> DemandeFinancement:
    """Un brouillon éligible : équipe de deux professions, un besoin, budget équilibré
    (25 000 € par défaut), toutes les pièces exigées."""
    demande = brouillon(porteur, **champs)
    infirmiere = ProfessionnelFactory(profession=ProfessionFactory(code="60", libelle="Infirmier"))
    services.equipe_ajouter(demande=demande, acteur=demande.porteur, professionnel=infirmiere)
    services.demande_modifier(
        demande=demande, acteur=demande.porteur, besoins=[BesoinFactory()], engagement_stages=True
    )
    total = agglomeration + ars + autofinancement
    services.depenses_enregistrer(
        demande=demande,
        acteur=demande.porteur,
        lignes=[("Bureau d'études", total - Decimal("1000.00")), ("Frais de réunion", Decimal("1000.00"))],
    )
    services.plan_enregistrer(
        demande=demande,
        acteur=demande.porteur,
        montants={
            Financeur.AGGLOMERATION: agglomeration,
            Financeur.ARS: ars,
            Financeur.AUTOFINANCEMENT: autofinancement,
        },
    )
    for nature in PIECES_EXIGEES:
        services.piece_deposer(
            demande=demande, acteur=demande.porteur, nature=nature, fichier=fichier_pdf(f"{nature}.pdf")
        )
    demande.refresh_from_db()
    return demande


def deposee(porteur: Utilisateur | None = None, **champs: Any) -> DemandeFinancement:
    demande = brouillon_complet(porteur, **champs)
    return services.demande_deposer(demande=demande, acteur=demande.porteur, version=demande.version)


def en_instruction(instructeur: Utilisateur, **champs: Any) -> DemandeFinancement:
    demande = deposee(**champs)
    return services.instructeur_designer(
        demande=demande, acteur=instructeur, instructeur=instructeur, version=demande.version
    )


def soumise_a_l_avis(instructeur: Utilisateur, **champs: Any) -> DemandeFinancement:
    """Requiert un Collège actif avec des membres votants (tests.college.factories)."""
    demande = en_instruction(instructeur, **champs)
    return services.avis_demander(demande=demande, acteur=instructeur, version=demande.version)


def avis_rendu(demande: DemandeFinancement) -> DemandeFinancement:
    """Clôt le scrutin d'avis (sans bulletin : le résultat dit que personne n'a voté)."""
    from college.services import scrutin_clore

    scrutin = demande.scrutin
    assert scrutin is not None
    scrutin.refresh_from_db()
    if scrutin.statut == StatutScrutin.OUVERT:
        maintenant = timezone.now()
        type(scrutin).objects.filter(pk=scrutin.pk).update(
            ouverture=maintenant - dt.timedelta(minutes=5), cloture=maintenant - dt.timedelta(seconds=1)
        )
        scrutin_clore(scrutin=scrutin, acteur=None)
    demande.refresh_from_db()
    return demande


def accordee(
    instructeur: Utilisateur, montant: Decimal = Decimal("10000.00"), **champs: Any
) -> DemandeFinancement:
    demande = avis_rendu(soumise_a_l_avis(instructeur, **champs))
    return services.demande_decider(
        demande=demande,
        acteur=instructeur,
        version=demande.version,
        decision=StatutDemande.ACCORDEE,
        montant_accorde=montant,
        conditions="Accueil d'un interne en médecine générale dès la deuxième année.",
    )


def conventionnee(instructeur: Utilisateur, **champs: Any) -> DemandeFinancement:
    demande = accordee(instructeur, **champs)
    services.convention_generer(demande=demande, acteur=instructeur)
    demande.refresh_from_db()
    return services.convention_signee_deposer(
        demande=demande,
        acteur=instructeur,
        fichier=fichier_pdf("convention-signee.pdf"),
        signee_le=timezone.localdate(),
        version=demande.version,
    )
