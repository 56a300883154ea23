"""Les pages de l'agglomération, par le client de test : la liste et ses filtres, les 404 pour
les autres, chaque action (réussie, saisie refusée, page périmée, mauvais état) et le parcours
complet de la désignation de l'instructeur au premier versement."""

import datetime as dt
import html
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptes.models import Utilisateur
from financements import services
from financements.models import (
    DemandeFinancement,
    Financeur,
    LigneFinancement,
    NaturePiece,
    NoteInstruction,
    StatutDemande,
    StatutEngagement,
    StatutTranche,
    TypeDemande,
)
from financements.workflows import DEMANDE
from tests.college.factories import membres_votants
from tests.conseil.factories import CollegeFactory
from tests.financements import factories as f
from tests.territoire.factories import CommuneFactory, PoleFactory

pytestmark = pytest.mark.django_db

PERIMEE = "La demande a changé depuis que vous avez ouvert la page"


@pytest.fixture
def college(db):
    instance = CollegeFactory()
    membres_votants(instance, 3)
    return instance


def client_pour(utilisateur: Utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def url(nom: str, demande: DemandeFinancement, **kwargs: Any) -> str:
    return reverse(f"financements:{nom}", kwargs={"pk": demande.pk, **kwargs})


def texte(reponse: Any) -> str:
    return html.unescape(reponse.content.decode())


def relue(demande: DemandeFinancement) -> DemandeFinancement:
    return DemandeFinancement.objects.get(pk=demande.pk)


def poster(
    client: Client, nom: str, demande: DemandeFinancement, donnees: dict[str, Any] | None = None, **kw: Any
):
    donnees = {"version": demande.version, **(donnees or {})}
    return client.post(url(nom, demande, **kw), donnees)


def refusee_sans_rien_changer(reponse: Any, demande: DemandeFinancement, message: str) -> None:
    """La page revient (200) avec le message, et la demande n'a pas bougé."""
    assert reponse.status_code == 200
    assert message in texte(reponse), [str(m) for m in reponse.context["messages"]]
    apres = relue(demande)
    assert (apres.statut, apres.version) == (demande.statut, demande.version)


# --- La liste ------------------------------------------------------------------------------


def test_la_liste_montre_les_demandes_deposees_jamais_les_brouillons(agent) -> None:
    deposee = f.deposee(intitule="Maison de santé de Valognes")
    brouillon = f.brouillon(intitule="Brouillon secret de Tourlaville")
    reponse = client_pour(agent).get(reverse("financements:demande_liste"))
    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Maison de santé de Valognes" in contenu
    assert str(deposee.numero) in contenu
    assert "12\xa0000,00" in contenu  # le montant demandé à l'agglomération
    assert brouillon.intitule not in contenu


def test_la_liste_pour_le_secretariat_aussi(secretariat) -> None:
    f.deposee(intitule="Projet de Cherbourg")
    reponse = client_pour(secretariat).get(reverse("financements:demande_liste"))
    assert "Projet de Cherbourg" in texte(reponse)


@pytest.mark.parametrize("persona", ["professionnel", "membre_college", "copresident"])
@pytest.mark.parametrize("nom", ["demande_liste", "demande_export_csv", "demande_export_xlsx"])
def test_la_liste_et_les_exports_sont_introuvables_pour_les_autres(client_de, persona, nom) -> None:
    f.deposee()
    assert client_de(persona).get(reverse(f"financements:{nom}")).status_code == 404


def test_anonyme_renvoye_a_la_connexion(client_de) -> None:
    reponse = client_de("anonyme").get(reverse("financements:demande_liste"))
    assert reponse.status_code == 302


def _intitules(reponse: Any) -> set[str]:
    return {d.intitule for d in reponse.context["page"].object_list}


def test_les_filtres_de_la_liste(agent, secretariat) -> None:
    pole_nord = PoleFactory(nom="La Hague")
    pole_sud = PoleFactory(nom="Côte des Isles")
    a = f.deposee(intitule="Alpha", commune=CommuneFactory(pole=pole_nord), type_demande=TypeDemande.ETUDE)
    b = f.deposee(
        intitule="Bravo", commune=CommuneFactory(pole=pole_sud), type_demande=TypeDemande.INGENIERIE
    )
    c = f.en_instruction(secretariat, intitule="Charlie", commune=CommuneFactory(pole=pole_sud))
    assert a.deposee_le is not None
    DemandeFinancement.objects.filter(pk=a.pk).update(deposee_le=a.deposee_le - dt.timedelta(days=400))
    client = client_pour(agent)
    liste = reverse("financements:demande_liste")

    assert _intitules(client.get(liste)) == {"Alpha", "Bravo", "Charlie"}
    assert _intitules(client.get(liste, {"statut": StatutDemande.EN_INSTRUCTION})) == {"Charlie"}
    assert _intitules(client.get(liste, {"type_demande": TypeDemande.INGENIERIE})) == {"Bravo"}
    assert _intitules(client.get(liste, {"pole": pole_sud.pk})) == {"Bravo", "Charlie"}
    assert _intitules(client.get(liste, {"instructeur": secretariat.pk})) == {"Charlie"}
    annee_a = timezone.localdate(relue(a).deposee_le).year
    assert _intitules(client.get(liste, {"annee": annee_a})) == {"Alpha"}
    assert _intitules(client.get(liste, {"q": "brav"})) == {"Bravo"}
    assert _intitules(client.get(liste, {"q": b.numero})) == {"Bravo"}
    assert _intitules(client.get(liste, {"q": "Charlie", "pole": pole_nord.pk})) == set()
    # Le plus récent dépôt d'abord.
    assert [d.intitule for d in client.get(liste).context["page"].object_list][-1] == "Alpha"
    assert str(c.numero) in texte(client.get(liste))


def test_un_filtre_invalide_ne_casse_pas_la_page(agent) -> None:
    f.deposee()
    reponse = client_pour(agent).get(
        reverse("financements:demande_liste"), {"statut": "nimporte", "annee": "x"}
    )
    assert reponse.status_code == 200


def test_l_entree_du_menu(agent, professionnel) -> None:
    from socle.navigation import menu_pour

    liste = reverse("financements:demande_liste")
    assert any(e["url"] == liste for e in menu_pour(agent, "/"))
    assert not any(e["url"] == liste for e in menu_pour(professionnel, "/"))


# --- Les actions : 404 pour les autres -----------------------------------------------------


@pytest.mark.parametrize(
    "nom",
    [
        "instructeur_designer",
        "complements_demander",
        "avis_demander",
        "demande_decider",
        "demande_classer",
        "convention_generer",
        "convention_signee",
        "tranches_enregistrer",
        "note_ecrire",
    ],
)
def test_les_actions_sont_introuvables_pour_le_porteur_et_le_college(
    nom, membre_college, professionnel
) -> None:
    demande = f.deposee()
    for personne in (demande.porteur, membre_college, professionnel):
        reponse = poster(client_pour(personne), nom, demande, {"motif": "x", "texte": "x"})
        assert reponse.status_code == 404
    assert relue(demande).version == demande.version
    assert not NoteInstruction.objects.exists()


def test_un_brouillon_est_introuvable_pour_l_agglomeration(agent) -> None:
    demande = f.brouillon()
    assert poster(client_pour(agent), "note_ecrire", demande, {"texte": "x"}).status_code == 404
    assert client_pour(agent).get(demande.get_absolute_url()).status_code == 404


def test_une_action_en_get_est_refusee(agent) -> None:
    demande = f.deposee()
    assert client_pour(agent).get(url("note_ecrire", demande)).status_code == 405


# --- Instructeur ----------------------------------------------------------------------------


def test_designer_l_instructeur_commence_l_instruction(agent, secretariat) -> None:
    demande = f.deposee()
    client = client_pour(agent)
    page = texte(client.get(demande.get_absolute_url()))
    assert "Désigner et commencer l'instruction" in page
    reponse = poster(client, "instructeur_designer", demande, {"instructeur": secretariat.pk})
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(demande.get_absolute_url())
    apres = relue(demande)
    assert apres.statut == StatutDemande.EN_INSTRUCTION
    assert apres.instructeur == secretariat
    assert "L'instructeur est désigné." in texte(client.get(reponse["Location"]))


def test_designer_refuse_qui_n_instruit_pas(agent, professionnel) -> None:
    demande = f.deposee()
    client = client_pour(agent)
    refusee_sans_rien_changer(
        poster(client, "instructeur_designer", demande, {"instructeur": professionnel.pk}),
        demande,
        "Choisissez l'instructeur.",
    )
    refusee_sans_rien_changer(
        poster(client, "instructeur_designer", demande, {"instructeur": ""}),
        demande,
        "Choisissez l'instructeur.",
    )


def test_une_page_perimee_est_refusee(agent) -> None:
    demande = f.deposee()
    client = client_pour(agent)
    reponse = client.post(
        url("instructeur_designer", demande), {"instructeur": agent.pk, "version": demande.version - 1}
    )
    refusee_sans_rien_changer(reponse, demande, PERIMEE)
    assert relue(demande).instructeur is None
    # Sans version du tout : refusée de même.
    reponse = client.post(url("instructeur_designer", demande), {"instructeur": agent.pk})
    refusee_sans_rien_changer(reponse, demande, PERIMEE)
    # La page réaffichée porte la version actuelle : l'agent qui a relu peut recommencer.
    assert f'name="version" value="{demande.version}"' in reponse.content.decode()


# --- Compléments -----------------------------------------------------------------------------


def test_demander_des_complements_puis_reprendre(agent) -> None:
    demande = f.en_instruction(agent)
    client = client_pour(agent)
    reponse = poster(client, "complements_demander", demande, {"motif": "Le devis de l'architecte."})
    assert reponse.status_code == 302
    demande = relue(demande)
    assert demande.statut == StatutDemande.COMPLEMENTS
    assert "Reprendre l'instruction" in texte(client.get(demande.get_absolute_url()))
    assert poster(client, "instruction_reprendre", demande).status_code == 302
    assert relue(demande).statut == StatutDemande.EN_INSTRUCTION


def test_des_complements_sans_motif_sont_refuses(agent) -> None:
    demande = f.en_instruction(agent)
    reponse = poster(client_pour(agent), "complements_demander", demande, {"motif": "  "})
    refusee_sans_rien_changer(reponse, demande, "Dites au porteur ce que vous lui demandez.")


def test_des_complements_dans_le_mauvais_etat_sont_refuses(agent) -> None:
    demande = f.deposee()
    reponse = poster(client_pour(agent), "complements_demander", demande, {"motif": "Le devis."})
    refusee_sans_rien_changer(reponse, demande, "Impossible de passer de « Déposée »")


# --- Avis -------------------------------------------------------------------------------------


def test_soumettre_a_l_avis_ouvre_le_scrutin(agent, college) -> None:
    demande = f.en_instruction(agent)
    client = client_pour(agent)
    page = client.get(demande.get_absolute_url())
    assert 'name="cloture"' in page.content.decode()
    cloture = timezone.localtime() + dt.timedelta(days=5)
    reponse = poster(
        client, "avis_demander", demande, {"cloture": cloture.strftime("%Y-%m-%dT%H:%M"), "question": ""}
    )
    assert reponse.status_code == 302
    demande = relue(demande)
    assert demande.statut == StatutDemande.AVIS
    assert demande.scrutin is not None
    page_avis = texte(client.get(demande.get_absolute_url()))
    assert "Le Collège n'a pas encore rendu son avis" in page_avis
    assert "L'avis du Collège est attendu" in page_avis
    assert 'name="decision"' not in page_avis
    # Les étapes proposées viennent de la table du workflow : pas de décision avant l'avis.
    etapes = page_avis[page_avis.index("Étapes possibles") :][:300]
    assert "Accorder" not in etapes and "Refuser" not in etapes
    assert "Classer sans suite" in etapes
    assert [t.vers for t in DEMANDE.possibles(demande, agent)] == [StatutDemande.CLASSEE]


def test_une_cloture_passee_est_refusee(agent, college) -> None:
    demande = f.en_instruction(agent)
    hier = timezone.localtime() - dt.timedelta(days=1)
    reponse = poster(
        client_pour(agent), "avis_demander", demande, {"cloture": hier.strftime("%Y-%m-%dT%H:%M")}
    )
    refusee_sans_rien_changer(reponse, demande, "La clôture du vote doit être dans le futur.")
    reponse = poster(client_pour(agent), "avis_demander", demande, {"cloture": "demain"})
    refusee_sans_rien_changer(reponse, demande, "Indiquez une date et une heure valides.")


def test_l_avis_dans_le_mauvais_etat_est_refuse(agent, college) -> None:
    demande = f.deposee()
    cloture = timezone.localtime() + dt.timedelta(days=5)
    reponse = poster(
        client_pour(agent), "avis_demander", demande, {"cloture": cloture.strftime("%Y-%m-%dT%H:%M")}
    )
    refusee_sans_rien_changer(reponse, demande, "Seule une demande en instruction est soumise à l'avis")


# --- Décision ---------------------------------------------------------------------------------


def _accord(montant: str, **autres: str) -> dict[str, str]:
    return {"decision": StatutDemande.ACCORDEE, "montant_accorde": montant, "conditions": "", **autres}


def test_decider_avant_l_avis_est_refuse(agent, college) -> None:
    demande = f.soumise_a_l_avis(agent)
    reponse = poster(client_pour(agent), "demande_decider", demande, _accord("10 000"))
    refusee_sans_rien_changer(reponse, demande, "Le Collège n'a pas encore rendu son avis")


@pytest.mark.parametrize(
    ("montant", "message"),
    [
        ("40 000", "Le montant accordé dépasse le plafond"),
        ("13 000", "Le montant accordé dépasse le montant demandé"),
        ("douze mille", "Montant illisible : écrivez un nombre"),
        ("", "Indiquez le montant accordé."),
        ("-5", "Le montant doit être positif."),
    ],
)
def test_un_montant_accorde_invalide_est_refuse(agent, college, montant, message) -> None:
    demande = f.avis_rendu(f.soumise_a_l_avis(agent))
    reponse = poster(client_pour(agent), "demande_decider", demande, _accord(montant))
    refusee_sans_rien_changer(reponse, demande, message)
    assert relue(demande).montant_accorde is None
    # La saisie reste à l'écran.
    if montant:
        assert f'value="{montant}"' in texte(reponse)


def test_accorder_l_aide(agent, college) -> None:
    demande = f.avis_rendu(f.soumise_a_l_avis(agent))
    client = client_pour(agent)
    page = texte(client.get(demande.get_absolute_url()))
    assert "Avis du Collège" in page and "quorum non atteint" in page.lower()
    assert "tribunal administratif de Caen" in page  # voies de recours proposées
    reponse = poster(client, "demande_decider", demande, _accord("10 000,50", conditions="Un interne."))
    assert reponse.status_code == 302
    demande = relue(demande)
    assert demande.statut == StatutDemande.ACCORDEE
    assert demande.montant_accorde == Decimal("10000.50")
    assert demande.conditions == "Un interne."


def test_refuser_l_aide(agent, college) -> None:
    from financements.forms_instruction import VOIES_RECOURS_PAR_DEFAUT

    demande = f.avis_rendu(f.soumise_a_l_avis(agent))
    client = client_pour(agent)
    refusee_sans_rien_changer(
        poster(
            client,
            "demande_decider",
            demande,
            {
                "decision": StatutDemande.REFUSEE,
                "motifs_refus": "",
                "voies_recours": str(VOIES_RECOURS_PAR_DEFAUT),
            },
        ),
        demande,
        "Un refus doit être motivé : indiquez ses motifs.",
    )
    reponse = poster(
        client,
        "demande_decider",
        demande,
        {
            "decision": StatutDemande.REFUSEE,
            "motifs_refus": "Le projet ne répond à aucun besoin du diagnostic.",
            "voies_recours": str(VOIES_RECOURS_PAR_DEFAUT),
        },
    )
    assert reponse.status_code == 302
    demande = relue(demande)
    assert demande.statut == StatutDemande.REFUSEE
    assert "tribunal administratif de Caen" in demande.voies_recours


def test_decider_sans_choisir_est_refuse(agent, college) -> None:
    demande = f.avis_rendu(f.soumise_a_l_avis(agent))
    reponse = poster(client_pour(agent), "demande_decider", demande, {"montant_accorde": "1000"})
    refusee_sans_rien_changer(reponse, demande, "Choisissez la décision.")


# --- Classement --------------------------------------------------------------------------------


def test_classer_sans_suite(agent) -> None:
    demande = f.en_instruction(agent)
    client = client_pour(agent)
    refusee_sans_rien_changer(
        poster(client, "demande_classer", demande, {"motif": ""}),
        demande,
        "Indiquez le motif du classement sans suite.",
    )
    reponse = poster(client, "demande_classer", demande, {"motif": "Le porteur ne répond plus."})
    assert reponse.status_code == 302
    assert relue(demande).statut == StatutDemande.CLASSEE


def test_classer_une_demande_decidee_est_refuse(agent, college) -> None:
    demande = f.accordee(agent)
    reponse = poster(client_pour(agent), "demande_classer", demande, {"motif": "Trop tard."})
    refusee_sans_rien_changer(reponse, demande, "Cette demande est déjà décidée.")


# --- Convention, échéancier, versements -----------------------------------------------------


def test_generer_la_convention_et_enregistrer_la_signature(agent, college) -> None:
    demande = f.accordee(agent)
    client = client_pour(agent)
    refusee_sans_rien_changer(
        client.post(url("convention_generer", demande), {"version": demande.version - 1}), demande, PERIMEE
    )
    assert poster(client, "convention_generer", demande).status_code == 302
    demande = relue(demande)
    assert demande.convention is not None
    assert "Télécharger la convention à faire signer" in texte(client.get(demande.get_absolute_url()))

    refusee_sans_rien_changer(
        poster(client, "convention_signee", demande, {"signee_le": timezone.localdate().isoformat()}),
        demande,
        "Joignez la convention signée.",
    )
    demain = timezone.localdate() + dt.timedelta(days=1)
    refusee_sans_rien_changer(
        poster(
            client,
            "convention_signee",
            demande,
            {"signee_le": demain.isoformat(), "fichier": f.fichier_pdf("s.pdf")},
        ),
        demande,
        "La date de signature ne peut pas être dans le futur.",
    )
    faux = SimpleUploadedFile("signee.pdf", b"pas un pdf", content_type="application/pdf")
    reponse = poster(
        client, "convention_signee", demande, {"signee_le": timezone.localdate().isoformat(), "fichier": faux}
    )
    assert reponse.status_code == 200
    assert relue(demande).statut == StatutDemande.ACCORDEE
    reponse = poster(
        client,
        "convention_signee",
        demande,
        {"signee_le": timezone.localdate().isoformat(), "fichier": f.fichier_pdf("signee.pdf")},
    )
    assert reponse.status_code == 302
    demande = relue(demande)
    assert demande.statut == StatutDemande.CONVENTIONNEE
    assert demande.conventionnee_le == timezone.localdate()


def _tranches(*lignes: tuple[str, str, str, str], extra: int = 0) -> dict[str, Any]:
    donnees: dict[str, Any] = {
        "tranches-TOTAL_FORMS": len(lignes) + extra,
        "tranches-INITIAL_FORMS": 0,
        "tranches-MIN_NUM_FORMS": 0,
        "tranches-MAX_NUM_FORMS": 20,
    }
    for i, (libelle, montant, condition, detail) in enumerate(lignes):
        donnees |= {
            f"tranches-{i}-libelle": libelle,
            f"tranches-{i}-montant": montant,
            f"tranches-{i}-condition": condition,
            f"tranches-{i}-condition_detail": detail,
        }
    return donnees


def test_l_echeancier_des_versements(agent, college) -> None:
    demande = f.accordee(agent)  # 10 000 €
    client = client_pour(agent)
    assert 'name="tranches-0-montant"' in client.get(demande.get_absolute_url()).content.decode()
    trop = _tranches(("Avance", "5 000", "signature", ""), ("Solde", "6 000", "rapport_final", ""))
    reponse = poster(client, "tranches_enregistrer", demande, trop)
    refusee_sans_rien_changer(reponse, demande, "doivent faire le montant accordé")
    assert 'value="6 000"' in texte(reponse)  # la saisie reste
    sans_detail = _tranches(("Avance", "5 000", "signature", ""), ("Solde", "5 000", "autre", ""))
    refusee_sans_rien_changer(
        poster(client, "tranches_enregistrer", demande, sans_detail),
        demande,
        "Tranche 2 : précisez la condition.",
    )
    refusee_sans_rien_changer(
        poster(client, "tranches_enregistrer", demande, _tranches(extra=1)),
        demande,
        "Indiquez au moins une tranche.",
    )
    bon = _tranches(
        ("Avance", "4 000", "signature", ""),
        ("Deuxième tranche", "3 000", "autre", "Recrutement du coordinateur"),
        ("Solde", "3 000,00", "rapport_final", ""),
        extra=1,
    )
    reponse = poster(client, "tranches_enregistrer", demande, bon)
    assert reponse.status_code == 302
    demande = relue(demande)
    assert [t.montant for t in demande.tranches.all()] == [Decimal("4000"), Decimal("3000"), Decimal("3000")]
    assert demande.tranches.get(ordre=2).condition_detail == "Recrutement du coordinateur"


def test_verser_une_tranche(agent, college) -> None:
    demande = f.conventionnee(agent)
    avance, solde = demande.tranches.all()
    client = client_pour(agent)
    page = texte(client.get(demande.get_absolute_url()))
    assert "Le rapport final n'est pas encore déposé par le porteur." in page  # condition du solde
    demain = timezone.localdate() + dt.timedelta(days=1)
    refusee_sans_rien_changer(
        poster(client, "tranche_verser", demande, {"versee_le": demain.isoformat()}, tranche_pk=avance.pk),
        demande,
        "La date du versement ne peut pas être dans le futur.",
    )
    refusee_sans_rien_changer(
        poster(
            client,
            "tranche_verser",
            demande,
            {"versee_le": timezone.localdate().isoformat()},
            tranche_pk=solde.pk,
        ),
        demande,
        "Le rapport final n'est pas encore déposé par le porteur.",
    )
    reponse = poster(
        client,
        "tranche_verser",
        demande,
        {"versee_le": timezone.localdate().isoformat(), "reference_mandat": "M-2026-0042"},
        tranche_pk=avance.pk,
    )
    assert reponse.status_code == 302
    avance.refresh_from_db()
    assert (avance.statut, avance.reference_mandat) == (StatutTranche.VERSEE, "M-2026-0042")
    assert relue(demande).statut == StatutDemande.EN_PAIEMENT


def test_verser_la_tranche_d_une_autre_demande_est_introuvable(agent, college) -> None:
    demande = f.conventionnee(agent)
    autre = f.deposee()
    tranche = demande.tranches.first()
    reponse = poster(
        client_pour(agent),
        "tranche_verser",
        autre,
        {"versee_le": timezone.localdate().isoformat()},
        tranche_pk=tranche.pk,
    )
    assert reponse.status_code == 404


# --- Engagements des autres financeurs ---------------------------------------------------------


def test_enregistrer_l_engagement_d_un_financeur(agent) -> None:
    demande = f.en_instruction(agent)
    ars = demande.financements.get(financeur=Financeur.ARS)
    client = client_pour(agent)
    refusee_sans_rien_changer(
        poster(
            client,
            "engagement_enregistrer",
            demande,
            {"statut_engagement": StatutEngagement.ACCORDE},
            ligne_pk=ars.pk,
        ),
        demande,
        "Indiquez le montant engagé par ce financeur.",
    )
    refusee_sans_rien_changer(
        poster(
            client,
            "engagement_enregistrer",
            demande,
            {"statut_engagement": StatutEngagement.ACCORDE, "montant_decide": "beaucoup"},
            ligne_pk=ars.pk,
        ),
        demande,
        "Montant illisible : écrivez un nombre",
    )
    refusee_sans_rien_changer(
        client.post(
            url("engagement_enregistrer", demande, ligne_pk=ars.pk),
            {"statut_engagement": StatutEngagement.SOLLICITE, "version": demande.version - 1},
        ),
        demande,
        PERIMEE,
    )
    reponse = poster(
        client,
        "engagement_enregistrer",
        demande,
        {
            "statut_engagement": StatutEngagement.ACCORDE,
            "montant_decide": "7 500,00",
            "decide_le": timezone.localdate().isoformat(),
            "commentaire": "Arrêté ARS du jour",
        },
        ligne_pk=ars.pk,
    )
    assert reponse.status_code == 302
    ars.refresh_from_db()
    assert (ars.statut_engagement, ars.montant_decide) == (StatutEngagement.ACCORDE, Decimal("7500.00"))
    assert relue(demande).version == demande.version + 1


def test_l_engagement_de_l_agglomeration_ne_se_saisit_pas_ici(agent) -> None:
    demande = f.en_instruction(agent)
    agglo = demande.financements.get(financeur=Financeur.AGGLOMERATION)
    reponse = poster(
        client_pour(agent),
        "engagement_enregistrer",
        demande,
        {"statut_engagement": "sollicite"},
        ligne_pk=agglo.pk,
    )
    assert reponse.status_code == 404
    assert LigneFinancement.objects.get(pk=agglo.pk).statut_engagement == StatutEngagement.PREVU


# --- Notes privées -------------------------------------------------------------------------------


def test_les_notes_d_instruction_restent_privees(agent, college, membre_college) -> None:
    demande = f.soumise_a_l_avis(agent)
    client = client_pour(agent)
    refusee_sans_rien_changer(
        poster(client, "note_ecrire", demande, {"texte": " "}), demande, "Écrivez la note."
    )
    reponse = poster(client, "note_ecrire", demande, {"texte": "NOTE-PRIVEE : le devis paraît élevé."})
    assert reponse.status_code == 302
    assert "NOTE-PRIVEE" in texte(client.get(demande.get_absolute_url()))
    porteur = client_pour(demande.porteur).get(demande.get_absolute_url())
    assert porteur.status_code == 200
    assert "NOTE-PRIVEE" not in texte(porteur)
    assert "Notes d'instruction" not in texte(porteur)
    assert url("note_ecrire", demande) not in texte(porteur)
    # Le membre du Collège appelé à rendre son avis ne les voit pas non plus.
    page_du_membre = client_pour(membre_college).get(demande.get_absolute_url())
    assert page_du_membre.status_code == 200
    assert "NOTE-PRIVEE" not in texte(page_du_membre)


# --- Le parcours complet ---------------------------------------------------------------------------


def test_le_parcours_de_l_agglomeration_jusqu_au_premier_versement(agent, secretariat, college) -> None:
    demande = f.deposee()
    client = client_pour(secretariat)

    def suite(nom: str, donnees: dict[str, Any] | None = None, **kw: Any) -> DemandeFinancement:
        courante = relue(demande)
        page = client.get(courante.get_absolute_url())
        assert page.status_code == 200
        reponse = poster(client, nom, courante, donnees, **kw)
        assert reponse.status_code == 302, texte(reponse)
        return relue(demande)

    assert suite("instructeur_designer", {"instructeur": agent.pk}).statut == StatutDemande.EN_INSTRUCTION
    assert suite("complements_demander", {"motif": "Les statuts signés."}).statut == StatutDemande.COMPLEMENTS
    services.piece_deposer(
        demande=demande,
        acteur=demande.porteur,
        nature=NaturePiece.STATUTS,
        fichier=f.fichier_pdf("statuts.pdf"),
    )
    assert suite("instruction_reprendre").statut == StatutDemande.EN_INSTRUCTION
    cloture = (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    assert suite("avis_demander", {"cloture": cloture}).statut == StatutDemande.AVIS
    f.avis_rendu(relue(demande))
    accordee = suite("demande_decider", _accord("12 000,00", conditions="Accueil d'internes."))
    assert accordee.statut == StatutDemande.ACCORDEE
    assert suite("note_ecrire", {"texte": "Convention envoyée au porteur."}).statut == StatutDemande.ACCORDEE
    assert suite("convention_generer").convention is not None
    echeancier = _tranches(("Avance", "6 000", "signature", ""), ("Solde", "6 000", "rapport_final", ""))
    assert suite("tranches_enregistrer", echeancier).tranches.count() == 2
    conventionnee = suite(
        "convention_signee",
        {"signee_le": timezone.localdate().isoformat(), "fichier": f.fichier_pdf("s.pdf")},
    )
    assert conventionnee.statut == StatutDemande.CONVENTIONNEE
    avance = conventionnee.tranches.get(ordre=1)
    en_paiement = suite(
        "tranche_verser",
        {"versee_le": timezone.localdate().isoformat(), "reference_mandat": "M-1"},
        tranche_pk=avance.pk,
    )
    assert en_paiement.statut == StatutDemande.EN_PAIEMENT
    assert en_paiement.montant_accorde == Decimal("12000.00")
    liste = texte(client.get(reverse("financements:demande_liste")))
    assert str(en_paiement.numero) in liste and "12\xa0000,00" in liste
