"""Les services des financements refusent ce qui ne va pas, en français, sans rien écrire ; ils
tracent ce qu'ils font avec des verbes pointés."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from college.models import DeclarationInteret, Discussion, Electeur, StatutScrutin
from financements import services
from financements.eligibilite import codes, manquements_de
from financements.models import (
    CoPorteur,
    DemandeFinancement,
    Financeur,
    LigneFinancement,
    NaturePiece,
    PieceJustificative,
    StatutCoPorteur,
    StatutDemande,
    StatutEngagement,
    StatutTranche,
)
from socle.models import Document, Evenement
from socle.workflows import TransitionRefusee
from tests.college.factories import membres_votants
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory
from tests.financements import factories as f
from tests.territoire.factories import ProfessionFactory, ProfessionnelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def college(db):
    instance = CollegeFactory()
    membres_votants(instance, 3)
    return instance


def _message(erreur: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(erreur.value.messages).replace("\u202f", " ").replace("\xa0", " ")


def _etat(demande: DemandeFinancement) -> tuple[str, int, int]:
    demande.refresh_from_db()
    return demande.statut, demande.version, Evenement.objects.filter(cible_id=str(demande.pk)).count()


# --- Les montants -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("12 500,50", Decimal("12500.50")),
        ("12\u202f500,50 €", Decimal("12500.50")),
        ("12\xa0500", Decimal("12500.00")),
        ("0,5", Decimal("0.50")),
        (Decimal("7"), Decimal("7.00")),
        (3, Decimal("3.00")),
        ("9 999 999 999,99", Decimal("9999999999.99")),
    ],
)
def test_un_montant_saisi_a_la_francaise(saisie: Any, attendu: Decimal) -> None:
    assert services.montant_lu(saisie) == attendu


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ("abc", "Montant illisible : écrivez un nombre, par exemple 12 500,00."),
        ("", "Indiquez le montant."),
        ("12,50,3", "Montant illisible"),
        ("-3", "Le montant doit être positif."),
        ("-1e400", "Le montant doit être positif."),
        ("0", "Le montant doit être positif."),
        ("1,234", "Un montant s'écrit au centime près"),
        ("NaN", "Montant illisible"),
        ("Infinity", "Montant illisible"),
        ("1e400", "Montant trop grand : au plus 9 999 999 999,99 €."),
        ("10 000 000 000,00", "Montant trop grand"),
        ("12345678901234567890123456789,5", "Montant trop grand"),
    ],
)
def test_un_montant_invalide_est_refuse_en_francais(saisie: str, message: str) -> None:
    with pytest.raises(ValidationError) as erreur:
        services.montant_lu(saisie, champ="montant_accorde")
    assert list(erreur.value.message_dict) == ["montant_accorde"]
    assert message in _message(erreur)


def test_zero_permis_quand_on_le_dit() -> None:
    assert services.montant_lu("0", zero_permis=True) == Decimal("0.00")


def test_un_flottant_n_est_jamais_un_montant() -> None:
    with pytest.raises(TypeError):
        services.montant_lu(12.5)


# --- Le brouillon --------------------------------------------------------------------------


def test_le_contenu_ne_change_plus_apres_le_depot(agent) -> None:
    demande = f.deposee()
    porteur = demande.porteur
    tentatives = [
        lambda: services.demande_modifier(demande=demande, acteur=porteur, intitule="Autre"),
        lambda: services.depenses_enregistrer(demande=demande, acteur=porteur, lignes=[("Étude", "1,00")]),
        lambda: services.plan_enregistrer(
            demande=demande, acteur=porteur, montants={"agglomeration": "1,00"}
        ),
        lambda: services.equipe_ajouter(
            demande=demande, acteur=porteur, professionnel=ProfessionnelFactory()
        ),
        lambda: services.coporteur_inviter(demande=demande, acteur=porteur, email="co@exemple.fr"),
    ]
    avant = _etat(demande)
    for tentative in tentatives:
        with pytest.raises(ValidationError) as erreur:
            tentative()
        assert "La demande est déposée : son contenu ne change plus." in _message(erreur)
    assert _etat(demande) == avant
    demande.refresh_from_db()
    assert demande.intitule == "Maison de santé de la Hague"
    assert demande.depenses.count() == 2


def test_la_saisie_du_brouillon_est_tracee_une_fois_par_seance(agent) -> None:
    """L'enregistrement au fil de la frappe trace l'ancienne et la nouvelle valeur : une ligne
    par séance de saisie pour le contenu, une pour les dépenses, une pour le plan."""
    demande = f.brouillon_complet()
    porteur = demande.porteur
    intitule, depenses = demande.intitule, [[d.libelle, str(d.montant)] for d in demande.depenses.all()]
    plan = {ligne.financeur: str(ligne.montant) for ligne in demande.financements.all()}
    # La saisie de la fabrique date d'hier : une nouvelle séance de saisie commence.
    Evenement.objects.filter(cible_id=str(demande.pk)).update(cree_le=timezone.now() - dt.timedelta(days=1))
    deja = set(Evenement.objects.values_list("pk", flat=True))

    for texte in ("Maison de santé", "Maison de santé de Beaumont-Hague"):
        services.demande_modifier(demande=demande, acteur=porteur, intitule=texte)
    services.depenses_enregistrer(
        demande=demande, acteur=porteur, lignes=[("Étude de faisabilité", "20 000")]
    )
    services.plan_enregistrer(demande=demande, acteur=porteur, montants={"agglomeration": "20 000"})
    services.plan_enregistrer(demande=demande, acteur=porteur, montants={"agglomeration": "20 000"})

    nouveaux = Evenement.objects.filter(cible_id=str(demande.pk), acteur=porteur).exclude(pk__in=deja)
    assert nouveaux.count() == 3
    journal = {e.verbe: e for e in nouveaux}
    modifiee = journal["financements.demande.modifiee"].donnees["modifications"]
    assert modifiee == {"intitule": [intitule, "Maison de santé de Beaumont-Hague"]}
    assert journal["financements.demande.depenses_modifiees"].donnees["modifications"] == {
        "depenses": [depenses, [["Étude de faisabilité", "20000.00"]]]
    }
    assert journal["financements.demande.plan_modifie"].donnees["modifications"] == {
        "plan": [plan, {"agglomeration": "20000.00"}]
    }
    assert journal["financements.demande.modifiee"].libelle == "Brouillon modifié"


def test_seuls_les_porteurs_modifient_le_brouillon(agent) -> None:
    demande = f.brouillon()
    for intrus in (f.porteur_liberal(), agent):
        with pytest.raises(ValidationError, match="Seuls les porteurs de la demande la modifient."):
            services.demande_modifier(demande=demande, acteur=intrus, intitule="Piratée")
    demande.refresh_from_db()
    assert demande.intitule == "Maison de santé de la Hague"
    # Un co-porteur qui a confirmé modifie, lui.
    co = f.porteur_liberal("co@exemple.fr")
    invitation = services.coporteur_inviter(demande=demande, acteur=demande.porteur, email="co@exemple.fr")
    services.coporteur_repondre(coporteur=invitation, acteur=co, accepte=True)
    services.demande_modifier(demande=demande, acteur=co, intitule="Maison de santé de Beaumont")
    demande.refresh_from_db()
    assert demande.intitule == "Maison de santé de Beaumont"
    assert demande.projet.nom == "Maison de santé de Beaumont"


@pytest.mark.parametrize(
    ("champs", "cle"),
    [({"intitule": "  "}, "intitule"), ({"type_demande": "subvention"}, "type_demande")],
)
def test_un_brouillon_mal_rempli_est_refuse(champs: dict[str, str], cle: str) -> None:
    demande = f.brouillon()
    with pytest.raises(ValidationError) as erreur:
        services.demande_modifier(demande=demande, acteur=demande.porteur, **champs)
    assert list(erreur.value.message_dict) == [cle]


def test_un_besoin_qui_n_est_plus_propose_est_refuse() -> None:
    demande = f.brouillon()
    with pytest.raises(ValidationError, match="Ce besoin n'est plus proposé"):
        services.demande_modifier(
            demande=demande, acteur=demande.porteur, besoins=[f.BesoinFactory(actif=False)]
        )


def test_une_depense_invalide_n_empeche_pas_d_enregistrer_les_autres() -> None:
    """Chaque ligne invalide est gardée telle que tapée, avec son propre message ; les lignes
    valides, avant comme après, sont enregistrées."""
    demande = f.brouillon()
    resultat = services.depenses_enregistrer(
        demande=demande,
        acteur=demande.porteur,
        lignes=[
            ("Étude", "5 000,00"),
            ("Loyer", "-1"),
            ("", ""),
            ("Réunions", "abc"),
            ("Matériel", "1 200"),
            ("Travaux", "99999999999999999999"),
            ("", "300"),
            ("Affiches", ""),
        ],
    )
    assert list(demande.depenses.values_list("libelle", "montant", "ordre")) == [
        ("Étude", Decimal("5000.00"), 0),
        ("Matériel", Decimal("1200.00"), 4),
    ]
    assert [str(r) for r in resultat.refusees] == [
        "Ligne 2 (« Loyer ») : Le montant doit être positif.",
        "Ligne 4 (« Réunions ») : Montant illisible : écrivez un nombre, par exemple 12\xa0500,00.",
        "Ligne 6 (« Travaux ») : Montant trop grand : au plus 9\xa0999\xa0999\xa0999,99\xa0€.",
        "Ligne 7 : Nommez la dépense.",
        "Ligne 8 (« Affiches ») : Indiquez le montant.",
    ]
    demande.refresh_from_db()
    assert demande.depenses_a_corriger == [
        {"rang": 1, "libelle": "Loyer", "montant": "-1"},
        {"rang": 3, "libelle": "Réunions", "montant": "abc"},
        {"rang": 5, "libelle": "Travaux", "montant": "99999999999999999999"},
        {"rang": 6, "libelle": "", "montant": "300"},
        {"rang": 7, "libelle": "Affiches", "montant": ""},
    ]
    assert [(r.rang, r.montant, r.message) for r in services.depenses_a_corriger(demande)][:2] == [
        (1, "-1", "Le montant doit être positif."),
        (3, "abc", "Montant illisible : écrivez un nombre, par exemple 12\xa0500,00."),
    ]
    assert "depenses_a_corriger" in codes(manquements_de(demande))

    services.depenses_enregistrer(
        demande=demande, acteur=demande.porteur, lignes=[("Étude", "5 000,00"), ("Loyer", "1")]
    )
    demande.refresh_from_db()
    assert demande.depenses_a_corriger == []
    assert "depenses_a_corriger" not in codes(manquements_de(demande))


def test_un_plan_avec_un_financeur_inconnu_est_refuse() -> None:
    demande = f.brouillon()
    with pytest.raises(ValidationError, match="Financeur inconnu"):
        services.plan_enregistrer(demande=demande, acteur=demande.porteur, montants={"mecene": "100"})
    assert not demande.financements.exists()


def test_un_membre_n_entre_qu_une_fois_dans_l_equipe() -> None:
    demande = f.brouillon()
    kine = ProfessionnelFactory(profession=ProfessionFactory(code="70", libelle="Masseur-Kinésithérapeute"))
    services.equipe_ajouter(demande=demande, acteur=demande.porteur, professionnel=kine)
    with pytest.raises(ValidationError) as erreur:
        services.equipe_ajouter(demande=demande, acteur=demande.porteur, professionnel=kine)
    assert erreur.value.message_dict == {"professionnel": [f"{kine} est déjà dans l'équipe."]}
    assert demande.equipe.filter(professionnel=kine).count() == 1


def test_un_professionnel_parti_n_entre_pas_dans_l_equipe() -> None:
    demande = f.brouillon()
    with pytest.raises(ValidationError, match="n'exerce plus sur le territoire"):
        services.equipe_ajouter(
            demande=demande, acteur=demande.porteur, professionnel=ProfessionnelFactory(actif=False)
        )


def test_un_porteur_ne_se_retire_pas_de_l_equipe() -> None:
    demande = f.brouillon()
    porteur = demande.equipe.get(porteur=True)
    with pytest.raises(ValidationError, match="Un porteur ne se retire pas"):
        services.equipe_retirer(membre=porteur, acteur=demande.porteur)
    assert demande.equipe.filter(pk=porteur.pk).exists()


# --- Co-porteurs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("pas-une-adresse", "Saisissez une adresse électronique valide."),
        ("   ", "Saisissez une adresse électronique valide."),
        ("SOI", "Vous portez déjà cette demande."),
        ("deja@exemple.fr", "Cette personne est déjà invitée."),
        ("DEJA@Exemple.fr ", "Cette personne est déjà invitée."),
    ],
)
def test_une_invitation_invalide_est_refusee(email: str, message: str) -> None:
    demande = f.brouillon()
    services.coporteur_inviter(demande=demande, acteur=demande.porteur, email="deja@exemple.fr")
    if email == "SOI":
        email = demande.porteur.email.upper()
    with pytest.raises(ValidationError) as erreur:
        services.coporteur_inviter(demande=demande, acteur=demande.porteur, email=email)
    assert message in _message(erreur)
    assert list(demande.coporteurs.values_list("email", flat=True)) == ["deja@exemple.fr"]


def test_seul_le_porteur_principal_invite() -> None:
    demande = f.brouillon()
    co = f.porteur_liberal("co@exemple.fr")
    invitation = services.coporteur_inviter(demande=demande, acteur=demande.porteur, email="co@exemple.fr")
    services.coporteur_repondre(coporteur=invitation, acteur=co, accepte=True)
    with pytest.raises(ValidationError, match="Seul le porteur principal invite des co-porteurs."):
        services.coporteur_inviter(demande=demande, acteur=co, email="autre@exemple.fr")
    assert demande.coporteurs.count() == 1


def test_on_ne_repond_pas_a_l_invitation_d_un_autre() -> None:
    demande = f.brouillon()
    invitation = services.coporteur_inviter(demande=demande, acteur=demande.porteur, email="co@exemple.fr")
    intrus = f.porteur_liberal("intrus@exemple.fr")
    with pytest.raises(ValidationError, match="adressée à une autre adresse électronique"):
        services.coporteur_repondre(coporteur=invitation, acteur=intrus, accepte=True)
    invitation.refresh_from_db()
    assert invitation.statut == StatutCoPorteur.INVITE and invitation.compte is None
    assert not demande.equipe.filter(professionnel__compte=intrus).exists()


def test_on_ne_repond_qu_une_fois() -> None:
    demande = f.brouillon()
    co = f.porteur_liberal("co@exemple.fr")
    invitation = services.coporteur_inviter(demande=demande, acteur=demande.porteur, email="co@exemple.fr")
    services.coporteur_repondre(coporteur=invitation, acteur=co, accepte=False)
    with pytest.raises(ValidationError, match="Vous avez déjà répondu"):
        services.coporteur_repondre(coporteur=invitation, acteur=co, accepte=True)
    assert CoPorteur.objects.get(pk=invitation.pk).statut == StatutCoPorteur.DECLINE
    assert not demande.equipe.filter(professionnel__compte=co).exists()


# --- Pièces -------------------------------------------------------------------------------


def test_un_faux_pdf_est_refuse_et_rien_n_est_ecrit() -> None:
    demande = f.brouillon()
    documents, evenements = Document.objects.count(), Evenement.objects.count()
    faux = SimpleUploadedFile("projet.pdf", b"Ceci n'est pas un PDF.\n" * 20, content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.piece_deposer(
            demande=demande, acteur=demande.porteur, nature=NaturePiece.PROJET_SANTE, fichier=faux
        )
    assert not PieceJustificative.objects.exists()
    assert Document.objects.count() == documents
    assert Evenement.objects.count() == evenements


def test_une_piece_remplacee_reste_au_dossier() -> None:
    demande = f.brouillon()
    premiere = services.piece_deposer(
        demande=demande,
        acteur=demande.porteur,
        nature=NaturePiece.DEVIS,
        fichier=f.fichier_pdf("devis-v1.pdf"),
    )
    seconde = services.piece_deposer(
        demande=demande,
        acteur=demande.porteur,
        nature=NaturePiece.DEVIS,
        fichier=f.fichier_pdf("devis-v2.pdf"),
    )
    premiere.refresh_from_db()
    assert premiere.remplacee and not seconde.remplacee
    assert demande.pieces.filter(nature=NaturePiece.DEVIS).count() == 2
    # Le document suit la règle d'accès de sa pièce.
    document = Document.objects.get(pk=seconde.document_id)
    assert document.objet_type == ContentType.objects.get_for_model(PieceJustificative)
    assert document.objet_id == str(seconde.pk)


def test_une_piece_hors_de_son_etape_est_refusee(agent) -> None:
    demande = f.deposee()
    pieces = demande.pieces.count()
    with pytest.raises(ValidationError, match="cette pièce ne peut pas être déposée"):
        services.piece_deposer(
            demande=demande, acteur=demande.porteur, nature=NaturePiece.RIB, fichier=f.fichier_pdf()
        )
    intrus = f.porteur_liberal()
    with pytest.raises(ValidationError, match="Seuls les porteurs et l'instructeur"):
        services.piece_deposer(
            demande=demande, acteur=intrus, nature=NaturePiece.AUTRE, fichier=f.fichier_pdf()
        )
    assert demande.pieces.count() == pieces
    assert not demande.pieces.filter(remplacee=True).exists()


# --- Transitions ----------------------------------------------------------------------------


def test_le_porteur_ne_designe_pas_l_instructeur(agent) -> None:
    demande = f.deposee()
    avant = _etat(demande)
    with pytest.raises(TransitionRefusee) as erreur:
        services.instructeur_designer(
            demande=demande, acteur=demande.porteur, instructeur=agent, version=demande.version
        )
    assert erreur.value.code == "non_autorise"
    assert _etat(demande) == avant


def test_l_instructeur_designe_est_un_instructeur(agent) -> None:
    demande = f.deposee()
    with pytest.raises(ValidationError, match="Cette personne n'instruit pas les demandes."):
        services.instructeur_designer(
            demande=demande, acteur=agent, instructeur=UtilisateurFactory(), version=demande.version
        )


def test_un_agent_ne_depose_pas_la_demande_d_un_porteur(agent) -> None:
    demande = f.brouillon_complet()
    avant = _etat(demande)
    with pytest.raises(TransitionRefusee) as erreur:
        services.demande_deposer(demande=demande, acteur=agent, version=demande.version)
    assert erreur.value.code == "non_autorise"
    assert _etat(demande) == avant
    demande.refresh_from_db()
    assert demande.numero is None


def test_une_demande_ineligible_ne_se_depose_pas() -> None:
    demande = f.brouillon()
    with pytest.raises(TransitionRefusee) as erreur:
        services.demande_deposer(demande=demande, acteur=demande.porteur, version=demande.version)
    assert erreur.value.code == "garde"
    assert "Pièces manquantes" in _message(erreur)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.BROUILLON


def test_pas_de_decision_avant_la_cloture_de_l_avis(agent, college) -> None:
    demande = f.soumise_a_l_avis(agent)
    avant = _etat(demande)
    for decision in (
        {"decision": StatutDemande.ACCORDEE, "montant_accorde": "10 000,00"},
        {"decision": StatutDemande.REFUSEE, "motifs_refus": "Hors champ.", "voies_recours": "TA de Caen."},
    ):
        with pytest.raises(TransitionRefusee, match="attendez la clôture du scrutin"):
            services.demande_decider(demande=demande, acteur=agent, version=demande.version, **decision)
    assert _etat(demande) == avant
    demande.refresh_from_db()
    assert demande.montant_accorde is None and demande.motifs_refus == ""


@pytest.mark.parametrize(
    ("montant", "message"),
    [
        ("30 000,01", "Le montant accordé dépasse le plafond de 30 000,00 €."),
        ("12 000,01", "Le montant accordé dépasse le montant demandé (12 000,00 €)."),
        ("0", "Le montant doit être positif."),
    ],
)
def test_un_accord_au_dela_du_plafond_ou_de_la_demande_est_refuse(agent, college, montant, message) -> None:
    demande = f.avis_rendu(f.soumise_a_l_avis(agent))
    avant = _etat(demande)
    with pytest.raises(ValidationError) as erreur:
        services.demande_decider(
            demande=demande,
            acteur=agent,
            version=demande.version,
            decision=StatutDemande.ACCORDEE,
            montant_accorde=montant,
        )
    assert list(erreur.value.message_dict) == ["montant_accorde"]
    assert message in _message(erreur)
    assert _etat(demande) == avant


def test_un_accord_egal_a_la_demande_passe(agent, college) -> None:
    demande = f.avis_rendu(f.soumise_a_l_avis(agent))
    demande = services.demande_decider(
        demande=demande,
        acteur=agent,
        version=demande.version,
        decision="accordee",
        montant_accorde="12 000,00",
    )
    assert demande.statut == StatutDemande.ACCORDEE and demande.montant_accorde == Decimal("12000.00")
    ligne = demande.financements.get(financeur=Financeur.AGGLOMERATION)
    assert ligne.statut_engagement == StatutEngagement.ACCORDE and ligne.montant_decide == Decimal("12000.00")


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        (
            {"motifs_refus": "", "voies_recours": "Tribunal administratif de Caen."},
            "Un refus doit être motivé",
        ),
        ({"motifs_refus": "Hors champ.", "voies_recours": "  "}, "Indiquez les voies et délais de recours."),
    ],
)
def test_un_refus_sans_motifs_ni_recours_est_refuse(agent, college, champs, message) -> None:
    demande = f.avis_rendu(f.soumise_a_l_avis(agent))
    avant = _etat(demande)
    with pytest.raises(TransitionRefusee, match=message):
        services.demande_decider(
            demande=demande, acteur=agent, version=demande.version, decision=StatutDemande.REFUSEE, **champs
        )
    assert _etat(demande) == avant
    demande.refresh_from_db()
    assert demande.motifs_refus == "" and demande.voies_recours == ""


def test_un_classement_sans_motif_est_refuse(agent) -> None:
    demande = f.en_instruction(agent)
    with pytest.raises(TransitionRefusee, match="Indiquez le motif"):
        services.demande_decider(demande=demande, acteur=agent, version=demande.version, decision="classee")
    with pytest.raises(ValidationError, match="Choisissez la décision."):
        services.demande_decider(demande=demande, acteur=agent, version=demande.version, decision="soldee")


def test_une_decision_ne_se_prend_qu_une_fois(agent, college) -> None:
    demande = f.accordee(agent)
    with pytest.raises(TransitionRefusee, match="déjà décidée"):
        services.demande_decider(
            demande=demande, acteur=agent, version=demande.version, decision="classee", motif="Doublon"
        )


def test_une_transition_depuis_le_mauvais_etat_est_refusee(agent) -> None:
    demande = f.deposee()
    with pytest.raises(TransitionRefusee) as erreur:
        services.demande_transition(
            demande=demande, vers=StatutDemande.COMPLEMENTS, acteur=agent, version=demande.version, motif="x"
        )
    assert erreur.value.code == "transition_inconnue"
    assert "Impossible de passer de « Déposée » à « En attente de compléments »." in _message(erreur)


def test_une_page_perimee_est_refusee_sans_rien_changer(agent, college) -> None:
    demande = f.deposee()
    perimee = demande.version
    demande = services.instructeur_designer(demande=demande, acteur=agent, instructeur=agent, version=perimee)
    avant = _etat(demande)
    tentatives = [
        lambda: services.instructeur_designer(
            demande=demande, acteur=agent, instructeur=agent, version=perimee
        ),
        lambda: services.demande_transition(
            demande=demande, vers=StatutDemande.COMPLEMENTS, acteur=agent, version=perimee, motif="Le devis"
        ),
        lambda: services.avis_demander(demande=demande, acteur=agent, version=perimee),
        lambda: services.demande_decider(
            demande=demande, acteur=agent, version=perimee, decision="classee", motif="Doublon"
        ),
        lambda: services.demande_retirer(demande=demande, acteur=demande.porteur, version=perimee),
    ]
    for tentative in tentatives:
        with pytest.raises(TransitionRefusee) as erreur:
            tentative()
        assert erreur.value.code == "page_perimee"
        assert "La demande a changé depuis que vous avez ouvert la page" in _message(erreur)
    assert _etat(demande) == avant
    demande.refresh_from_db()
    assert demande.scrutin is None


def test_chaque_transition_augmente_la_version(agent) -> None:
    demande = f.deposee()
    versions = [demande.version]
    demande = services.instructeur_designer(
        demande=demande, acteur=agent, instructeur=agent, version=demande.version
    )
    versions.append(demande.version)
    demande = services.demande_transition(
        demande=demande,
        vers=StatutDemande.COMPLEMENTS,
        acteur=agent,
        version=demande.version,
        motif="Le devis",
    )
    versions.append(demande.version)
    demande = services.demande_transition(
        demande=demande, vers=StatutDemande.EN_INSTRUCTION, acteur=demande.porteur, version=demande.version
    )
    versions.append(demande.version)
    assert versions == sorted(set(versions))


# --- L'avis du Collège ------------------------------------------------------------------------


def test_l_avis_ecarte_le_membre_du_college_qui_est_dans_l_equipe(agent) -> None:
    college = CollegeFactory()
    membre_equipe, votant_1, votant_2 = membres_votants(college, 3)
    demande = f.brouillon_complet()
    # Le brouillon reçoit un troisième membre : un membre du Collège, relié à l'annuaire.
    fiche = ProfessionnelFactory(compte=membre_equipe)
    services.equipe_ajouter(demande=demande, acteur=demande.porteur, professionnel=fiche)
    demande = services.demande_deposer(demande=demande, acteur=demande.porteur, version=demande.version)
    demande = services.instructeur_designer(
        demande=demande, acteur=agent, instructeur=agent, version=demande.version
    )

    demande = services.avis_demander(demande=demande, acteur=agent, version=demande.version)

    scrutin = demande.scrutin
    assert scrutin is not None and scrutin.statut == StatutScrutin.OUVERT and scrutin.objet == demande
    electeurs = {e.personne_id: e.exclu_pour_interet for e in Electeur.objects.filter(scrutin=scrutin)}
    assert electeurs == {membre_equipe.pk: True, votant_1.pk: False, votant_2.pk: False}
    declaration = DeclarationInteret.objects.get(personne=membre_equipe)
    assert declaration.objet == demande and declaration.nature == "Membre de l'équipe du projet"
    discussion = Discussion.objects.get(pk=demande.discussion_id)
    assert discussion.objet == demande and discussion.instance_id == college.pk
    # Écarté par le portail, nommé, sans passer pour un intérêt que l'agent aurait déclaré.
    ecarte = Evenement.objects.get(
        verbe="financements.demande.membre_ecarte",
        cible_id=str(demande.pk),
        donnees__personne=membre_equipe.pk,
    )
    assert ecarte.acteur is None
    assert ecarte.libelle == "Écarté d'office du vote d'avis (porteur ou équipe du projet)"
    assert ecarte.precision == str(membre_equipe)
    assert not Evenement.objects.filter(verbe="college.interet.declare", cible_id=str(demande.pk)).exists()


def test_l_avis_demande_une_cloture_future_et_un_college(agent) -> None:
    demande = f.en_instruction(agent)
    with pytest.raises(ValidationError, match="Aucun Collège des professionnels actif"):
        services.avis_demander(demande=demande, acteur=agent, version=demande.version)
    membres_votants(CollegeFactory(), 2)
    with pytest.raises(ValidationError, match="La clôture du vote doit être dans le futur."):
        services.avis_demander(
            demande=demande,
            acteur=agent,
            version=demande.version,
            cloture=timezone.now() - dt.timedelta(hours=1),
        )
    assert _etat(demande)[0] == StatutDemande.EN_INSTRUCTION


def test_le_retrait_pendant_l_avis_annule_le_scrutin(agent, college) -> None:
    demande = f.soumise_a_l_avis(agent)
    intrus = f.porteur_liberal()
    with pytest.raises(TransitionRefusee):
        services.demande_retirer(demande=demande, acteur=intrus, version=demande.version)
    with pytest.raises(TransitionRefusee):
        services.demande_retirer(demande=demande, acteur=agent, version=demande.version)
    demande = services.demande_retirer(
        demande=demande, acteur=demande.porteur, version=demande.version, motif="Projet repris par la CPTS."
    )
    assert demande.statut == StatutDemande.RETIREE
    assert demande.scrutin is not None
    demande.scrutin.refresh_from_db()
    assert demande.scrutin.statut == StatutScrutin.ANNULE
    retrait = Evenement.objects.get(verbe="financements.demande.retiree", cible_id=str(demande.pk))
    assert retrait.motif == "Projet repris par la CPTS." and retrait.acteur == demande.porteur


# --- Engagements des autres financeurs ------------------------------------------------------


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"statut_engagement": "promis"}, "Choisissez l'état de l'engagement."),
        ({"statut_engagement": "accorde", "decide_le": "hier"}, "Indiquez le montant engagé"),
        ({"statut_engagement": "accorde", "montant_decide": "0"}, "Indiquez le montant engagé"),
        ({"statut_engagement": "accorde", "montant_decide": "8 000,00"}, "Indiquez la date de la décision"),
        (
            {"statut_engagement": "verse", "montant_decide": "abc", "decide_le": "hier"},
            "Montant illisible",
        ),
        ({"statut_engagement": "sollicite", "decide_le": "demain"}, "ne peut pas être dans le futur"),
    ],
)
def test_un_engagement_incomplet_est_refuse(agent, champs, message) -> None:
    demande = f.deposee()
    ligne = demande.financements.get(financeur=Financeur.ARS)
    jours = {
        "hier": timezone.localdate() - dt.timedelta(days=1),
        "demain": timezone.localdate() + dt.timedelta(days=1),
    }
    if "decide_le" in champs:
        champs = {**champs, "decide_le": jours[champs["decide_le"]]}
    with pytest.raises(ValidationError) as erreur:
        services.engagement_enregistrer(ligne=ligne, acteur=agent, **champs)
    assert message in _message(erreur)
    ligne.refresh_from_db()
    assert ligne.statut_engagement == StatutEngagement.PREVU and ligne.montant_decide is None


def test_un_engagement_se_tient_par_l_agglomeration_sauf_le_sien(agent) -> None:
    demande = f.deposee()
    ars = demande.financements.get(financeur=Financeur.ARS)
    with pytest.raises(ValidationError, match="Seule l'agglomération tient les engagements"):
        services.engagement_enregistrer(ligne=ars, acteur=demande.porteur, statut_engagement="sollicite")
    agglomeration = demande.financements.get(financeur=Financeur.AGGLOMERATION)
    with pytest.raises(ValidationError, match="suit sa décision et ses versements"):
        services.engagement_enregistrer(ligne=agglomeration, acteur=agent, statut_engagement="sollicite")
    hier = timezone.localdate() - dt.timedelta(days=1)
    ligne = services.engagement_enregistrer(
        ligne=ars,
        acteur=agent,
        statut_engagement=StatutEngagement.ACCORDE,
        montant_decide="7 500,00",
        decide_le=hier,
        commentaire="  Arrêté du directeur général.  ",
    )
    ligne = LigneFinancement.objects.get(pk=ligne.pk)
    assert (ligne.statut_engagement, ligne.montant_decide, ligne.decide_le, ligne.commentaire) == (
        StatutEngagement.ACCORDE,
        Decimal("7500.00"),
        hier,
        "Arrêté du directeur général.",
    )
    evenement = Evenement.objects.get(verbe="financements.engagement.enregistre")
    assert evenement.donnees == {"financeur": "ars", "statut": "accorde", "montant": "7500.00"}


# --- Échéancier -----------------------------------------------------------------------------------


def test_les_tranches_font_le_montant_accorde(agent, college) -> None:
    demande = f.accordee(agent)  # 10 000 €
    avant = _etat(demande)
    with pytest.raises(ValidationError) as erreur:
        services.tranches_enregistrer(
            demande=demande,
            acteur=agent,
            version=demande.version,
            lignes=[
                {"libelle": "Avance", "montant": "3 000,00", "condition": "signature"},
                {"libelle": "Solde", "montant": "6 000,00", "condition": "rapport_final"},
            ],
        )
    assert "Les tranches (9 000,00 €) doivent faire le montant accordé (10 000,00 €)." in _message(erreur)
    assert _etat(demande) == avant and not demande.tranches.exists()

    with pytest.raises(ValidationError, match="Tranche 2 : précisez la condition."):
        services.tranches_enregistrer(
            demande=demande,
            acteur=agent,
            version=demande.version,
            lignes=[
                {"montant": "5 000,00", "condition": "signature"},
                {"montant": "5 000,00", "condition": "autre"},
            ],
        )
    with pytest.raises(ValidationError, match="Seul l'instructeur fixe les versements."):
        services.tranches_enregistrer(
            demande=demande, acteur=demande.porteur, version=demande.version, lignes=[]
        )

    tranches = services.tranches_enregistrer(
        demande=demande,
        acteur=agent,
        version=demande.version,
        lignes=[
            {"libelle": "Avance", "montant": "2 000,00", "condition": "signature"},
            {"montant": "3 000,00", "condition": "autre", "condition_detail": "À l'ouverture du cabinet"},
            {"libelle": "Solde", "montant": "5 000,00", "condition": "rapport_final"},
        ],
    )
    assert [(t.ordre, t.libelle, t.montant) for t in tranches] == [
        (1, "Avance", Decimal("2000.00")),
        (2, "Tranche 2", Decimal("3000.00")),
        (3, "Solde", Decimal("5000.00")),
    ]
    assert _etat(demande)[1] == avant[1] + 1
    assert (
        Evenement.objects.filter(verbe="financements.tranches.fixees", cible_id=str(demande.pk)).count() == 1
    )


def test_l_echeancier_ne_change_plus_apres_un_versement(agent, college) -> None:
    demande = f.conventionnee(agent)
    avance = demande.tranches.get(ordre=1)
    services.tranche_verser(
        tranche=avance, acteur=agent, versee_le=timezone.localdate(), version=demande.version
    )
    demande.refresh_from_db()
    with pytest.raises(ValidationError):
        services.tranches_enregistrer(
            demande=demande,
            acteur=agent,
            version=demande.version,
            lignes=[{"montant": "10 000,00", "condition": "signature"}],
        )
    assert demande.tranches.filter(statut=StatutTranche.VERSEE).count() == 1
    assert demande.tranches.count() == 2
    with pytest.raises(ValidationError, match="déjà versée"):
        services.tranche_verser(
            tranche=avance, acteur=agent, versee_le=timezone.localdate(), version=demande.version
        )


# --- Le journal ---------------------------------------------------------------------------------


def test_chaque_action_est_tracee_avec_un_verbe_pointe(
    agent, college, django_capture_on_commit_callbacks
) -> None:
    demande = f.brouillon()
    services.coporteur_inviter(demande=demande, acteur=demande.porteur, email="co@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        demande = f.accordee(agent)
    services.message_envoyer(demande=demande, acteur=demande.porteur, texte="Merci.")
    verbes = set(Evenement.objects.filter(cible_id=str(demande.pk)).values_list("verbe", flat=True))
    assert verbes >= {
        "financements.demande.creee",
        "financements.equipe.ajoute",
        "financements.demande.deposee",
        "financements.demande.recepisse",
        "financements.demande.instructeur",
        "financements.demande.instruction",
        "financements.demande.avis_demande",
        "financements.demande.accordee",
        "financements.demande.courrier",
        "financements.message.envoye",
        "socle.document.depose",
    }
    assert all(v.count(".") >= 2 for v in verbes)
    assert Evenement.objects.filter(verbe="financements.coporteur.invite").exists()
    depot = Evenement.objects.get(verbe="financements.demande.deposee", cible_id=str(demande.pk))
    assert (depot.etat_avant, depot.etat_apres, depot.acteur) == ("brouillon", "deposee", demande.porteur)
    accord = Evenement.objects.get(verbe="financements.demande.accordee", cible_id=str(demande.pk))
    assert accord.acteur == agent and accord.donnees == {"montant_accorde": "10000.00"}


def test_messages_et_notes(agent) -> None:
    brouillon = f.brouillon()
    with pytest.raises(ValidationError, match="une fois la demande déposée"):
        services.message_envoyer(demande=brouillon, acteur=brouillon.porteur, texte="Bonjour")
    demande = f.deposee()
    with pytest.raises(ValidationError, match="Écrivez votre message."):
        services.message_envoyer(demande=demande, acteur=demande.porteur, texte="   ")
    with pytest.raises(ValidationError, match="5 000 caractères"):
        services.message_envoyer(demande=demande, acteur=demande.porteur, texte="x" * 5001)
    with pytest.raises(ValidationError, match="Seuls les porteurs et l'instructeur"):
        services.message_envoyer(demande=demande, acteur=f.porteur_liberal(), texte="Bonjour")
    with pytest.raises(ValidationError, match="Seule l'agglomération écrit des notes"):
        services.note_ecrire(demande=demande, acteur=demande.porteur, texte="Note")
    assert not demande.messages.exists() and not demande.notes.exists()
