"""Les pages du porteur, par le client de test : du brouillon au dépôt, les saisies refusées qui
restent à l'écran, les co-porteurs, le retrait, les compléments, et les 404 pour qui ne porte
pas la demande."""

import datetime as dt
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
    PIECES_EXIGEES,
    CoPorteur,
    DemandeFinancement,
    Financeur,
    Message,
    NaturePiece,
    PieceJustificative,
    StatutCoPorteur,
    StatutDemande,
)
from financements.workflows import DEMANDE_COMPLEMENTS_DEMANDES
from socle.models import Notification
from tests.financements import factories as f
from tests.territoire.factories import CommuneFactory, ProfessionFactory, ProfessionnelFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def client_pour(utilisateur: Utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def url(nom: str, demande: DemandeFinancement, **kwargs: Any) -> str:
    return reverse(f"financements:{nom}", kwargs={"pk": demande.pk, **kwargs})


def saisie_brouillon(demande: DemandeFinancement, **champs: Any) -> dict[str, Any]:
    """Le formulaire du brouillon tel que la page l'envoie, modifié par `champs`."""
    donnees: dict[str, Any] = {
        "intitule": demande.intitule,
        "type_demande": demande.type_demande,
        "description": demande.description,
        "commune": demande.commune_id or "",
        "besoins": [b.pk for b in demande.besoins.all()],
        "engagement_stages_detail": "",
        "depense_libelle": [d.libelle for d in demande.depenses.all()] + ["", "", ""],
        "depense_montant": [str(d.montant).replace(".", ",") for d in demande.depenses.all()] + ["", "", ""],
    }
    for ligne in demande.financements.all():
        donnees[f"financement_{ligne.financeur}"] = str(ligne.montant).replace(".", ",")
    donnees.update(champs)
    return donnees


def test_du_brouillon_au_depot_par_les_pages(django_capture_on_commit_callbacks) -> None:
    porteur = f.porteur_liberal()
    client = client_pour(porteur)
    commune = CommuneFactory(nom="Beaumont-Hague")
    besoin = f.BesoinFactory(libelle="Accès à un médecin traitant")

    assert client.get(reverse("financements:mes_demandes")).status_code == 200
    reponse = client.post(
        reverse("financements:demande_creer"),
        {"intitule": "Maison de santé de la Hague", "type_demande": "etude", "commune": commune.pk},
    )
    demande = DemandeFinancement.objects.get(porteur=porteur)
    assert reponse.status_code == 302
    assert reponse["Location"] == url("brouillon", demande)

    page = client.get(url("brouillon", demande)).content.decode()
    assert "Accès à un médecin traitant" in page
    assert "Décrivez le projet." in page
    assert "Pièces manquantes" in page
    assert 'hx-post="' + url("brouillon_enregistrer", demande) + '"' in page

    # L'enregistrement au fil de la frappe : montants à la française.
    reponse = client.post(
        url("brouillon_enregistrer", demande),
        saisie_brouillon(
            demande,
            description="Une maison de santé pluriprofessionnelle.",
            besoins=[besoin.pk],
            engagement_stages="on",
            depense_libelle=["Bureau d'études", "Frais de réunion", ""],
            depense_montant=["12 500,50", "499,50", ""],
            financement_agglomeration="10 000",
            financement_ars="2 000,00",
        ),
        **HTMX,
    )
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Brouillon enregistré à" in contenu
    assert 'id="totaux-budget"' in contenu and 'hx-swap-oob="true"' in contenu
    demande.refresh_from_db()
    assert demande.description == "Une maison de santé pluriprofessionnelle."
    assert demande.engagement_stages is True
    assert [b.pk for b in demande.besoins.all()] == [besoin.pk]
    assert sum(d.montant for d in demande.depenses.all()) == Decimal("13000.00")
    assert dict(demande.financements.values_list("financeur", "montant")) == {
        Financeur.AGGLOMERATION: Decimal("10000.00"),
        Financeur.ARS: Decimal("2000.00"),
    }

    # L'équipe : chercher par nom, puis par RPPS, et ajouter.
    infirmiere = ProfessionnelFactory(
        nom="Lecoq", prenom="Jeanne", profession=ProfessionFactory(code="60", libelle="Infirmier")
    )
    trouves = client.get(url("professionnel_chercher", demande), {"q": "Lecoq"}, **HTMX).content.decode()
    assert "Jeanne Lecoq" in trouves and "Ajouter" in trouves
    par_rpps = client.get(url("professionnel_chercher", demande), {"q": infirmiere.rpps}).content.decode()
    assert "Jeanne Lecoq" in par_rpps
    client.post(url("equipe_ajouter", demande), {"professionnel": infirmiere.pk})
    assert demande.equipe.filter(professionnel=infirmiere).exists()
    page = client.get(url("brouillon", demande)).content.decode()
    assert "Infirmier" in page and "Libéral" in page

    # Les pièces.
    for nature in PIECES_EXIGEES:
        reponse = client.post(
            url("piece_deposer", demande), {"nature": nature, "fichier": f.fichier_pdf(f"{nature}.pdf")}
        )
        assert reponse.status_code == 302
    assert demande.pieces.count() == len(PIECES_EXIGEES)

    # Ce qui manque encore : le plan n'est pas équilibré.
    page = client.get(url("brouillon", demande)).content.decode()
    assert "l&#x27;écart est de 1\xa0000,00\xa0€" in page
    assert "Le plan ne couvre pas toutes les dépenses." in page
    refus = client.post(url("demande_deposer", demande), {"version": demande.version}, follow=True)
    assert "l&#x27;écart est de 1\xa0000,00\xa0€" in refus.content.decode()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.BROUILLON

    # Sans script : le formulaire entier, enregistré, puis prêt.
    reponse = client.post(
        url("brouillon", demande), saisie_brouillon(demande, financement_autofinancement="1 000")
    )
    assert reponse.status_code == 302
    page = client.get(url("brouillon", demande)).content.decode()
    assert "La demande est prête" in page

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("demande_deposer", demande), {"version": demande.version})
    assert reponse.status_code == 302
    assert reponse["Location"] == demande.get_absolute_url()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.DEPOSEE
    assert demande.recepisse is not None
    assert demande.numero is not None
    page = client.get(demande.get_absolute_url()).content.decode()
    assert demande.numero in page
    assert demande.recepisse.get_absolute_url() in page
    assert "Récépissé en préparation" not in page
    # Une demande déposée ne s'édite plus : le brouillon renvoie à sa page.
    assert client.get(url("brouillon", demande))["Location"] == demande.get_absolute_url()
    liste = client.get(reverse("financements:mes_demandes")).content.decode()
    assert demande.numero in liste and "10" in liste


def test_recepisse_en_preparation_tant_qu_il_n_est_pas_ecrit() -> None:
    demande = f.deposee()  # la tâche du récépissé attend la fin de la transaction : pas encore écrite
    demande.refresh_from_db()
    assert demande.recepisse is None
    page = client_pour(demande.porteur).get(demande.get_absolute_url()).content.decode()
    assert "Récépissé en préparation" in page


# --- Les saisies refusées restent à l'écran ---------------------------------------------------


def test_montant_non_numerique_garde_la_saisie_et_le_reste_est_enregistre() -> None:
    demande = f.brouillon()
    client = client_pour(demande.porteur)
    reponse = client.post(
        url("brouillon", demande),
        saisie_brouillon(
            demande,
            description="Nouvelle description",
            depense_libelle=["Bureau d'études", ""],
            depense_montant=["douze mille", ""],
            financement_agglomeration="dix",
        ),
    )
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Montant illisible : écrivez un nombre" in page
    assert 'value="douze mille"' in page
    assert 'value="dix"' in page
    assert "Nouvelle description" in page
    demande.refresh_from_db()
    assert demande.description == "Nouvelle description"
    assert not demande.depenses.exists()


def test_enregistrement_au_fil_de_la_frappe_dit_ce_qui_n_est_pas_enregistre() -> None:
    demande = f.brouillon()
    client = client_pour(demande.porteur)
    reponse = client.post(
        url("brouillon_enregistrer", demande),
        saisie_brouillon(demande, intitule="", depense_libelle=["Étude"], depense_montant=["-5"]),
        **HTMX,
    )
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "sauf ce qui suit" in contenu
    assert "Ligne 1 (« Étude ») : Le montant doit être positif." in contenu
    demande.refresh_from_db()
    assert demande.intitule == "Maison de santé de la Hague"


def test_les_depenses_valides_sont_enregistrees_et_chaque_ligne_invalide_marquee() -> None:
    """Une ligne mal tapée ne jette plus les autres : les valides sont enregistrées, chaque
    invalide est dite (toutes, pas seulement la première), marquée sur sa ligne, et la
    retrouve telle que tapée quand on rouvre la page."""
    demande = f.brouillon()
    client = client_pour(demande.porteur)
    lignes = {
        "depense_libelle": ["Étude", "Loyer", "Réunions", "Travaux", "Matériel", ""],
        "depense_montant": ["5 000,00", "-1", "abc", "99999999999999", "1 200", ""],
    }
    reponse = client.post(url("brouillon_enregistrer", demande), saisie_brouillon(demande, **lignes), **HTMX)
    contenu = reponse.content.decode()
    assert "Ligne 2 (« Loyer ») : Le montant doit être positif." in contenu
    assert (
        "Ligne 3 (« Réunions ») : Montant illisible : écrivez un nombre, par exemple 12\xa0500,00." in contenu
    )
    assert "Ligne 4 (« Travaux ») : Montant trop grand : au plus 9\xa0999\xa0999\xa0999,99\xa0€." in contenu
    # Sous chaque ligne, hors bande : son message, ou rien.
    assert '<div class="invalid-feedback d-block" id="erreur-depense-1" hx-swap-oob="true"></div>' in contenu
    assert 'id="erreur-depense-3" hx-swap-oob="true">Montant illisible' in contenu
    assert list(demande.depenses.values_list("libelle", "montant")) == [
        ("Étude", Decimal("5000.00")),
        ("Matériel", Decimal("1200.00")),
    ]

    page = client.get(url("brouillon", demande)).content.decode()
    for rang, (libelle, montant) in enumerate(
        zip(
            lignes["depense_libelle"][:5],
            ["5\xa0000,00", "-1", "abc", "99999999999999", "1\xa0200,00"],
            strict=True,
        ),
        1,
    ):
        assert f'id="depense-libelle-{rang}" value="{libelle}"' in page
        assert f'id="depense-montant-{rang}" value="{montant}"' in page
    assert 'id="erreur-depense-2">Le montant doit être positif.</div>' in page
    assert 'id="erreur-depense-4">Montant trop grand' in page
    assert 'id="erreur-depense-5"></div>' in page
    assert "Les lignes marquées en rouge ne sont pas enregistrées" in page


def test_plan_desequilibre_est_signale_avec_l_ecart() -> None:
    demande = f.brouillon_complet(autofinancement=Decimal("1000.00"))
    services.depenses_enregistrer(
        demande=demande, acteur=demande.porteur, lignes=[("Bureau d'études", Decimal("25000.00"))]
    )
    page = client_pour(demande.porteur).get(url("brouillon", demande)).content.decode()
    assert "Le plan ne couvre pas toutes les dépenses." in page
    assert "l&#x27;écart est de 4" in page


def test_un_faux_pdf_est_refuse_sans_rien_ecrire() -> None:
    demande = f.brouillon()
    client = client_pour(demande.porteur)
    faux = SimpleUploadedFile("projet.pdf", b"ceci n'est pas un PDF", content_type="application/pdf")
    reponse = client.post(
        url("piece_deposer", demande), {"nature": NaturePiece.PROJET_SANTE, "fichier": faux}
    )
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert 'id="erreur-fichier-projet_sante"' in page
    assert not PieceJustificative.objects.filter(demande=demande).exists()


def test_une_piece_sans_fichier_est_refusee() -> None:
    demande = f.brouillon()
    reponse = client_pour(demande.porteur).post(url("piece_deposer", demande), {"nature": NaturePiece.RIB})
    assert reponse.status_code == 200
    assert 'id="erreur-fichier-rib"' in reponse.content.decode()
    assert not demande.pieces.exists()


def test_creer_sans_intitule_garde_la_saisie() -> None:
    client = client_pour(f.porteur_liberal())
    reponse = client.post(
        reverse("financements:demande_creer"),
        {"intitule": "", "type_demande": "etude", "description": "Texte"},
    )
    assert reponse.status_code == 200
    assert "Texte" in reponse.content.decode()
    assert not DemandeFinancement.objects.exists()


# --- Co-porteurs ------------------------------------------------------------------------------


def test_le_co_porteur_invite_confirme_depuis_son_compte() -> None:
    demande = f.brouillon()
    client = client_pour(demande.porteur)
    reponse = client.post(url("coporteur_inviter", demande), {"email": "Associe@Exemple.fr"})
    assert reponse.status_code == 302
    assert demande.coporteurs.get().email == "associe@exemple.fr"
    assert "associe@exemple.fr" in client.get(url("brouillon", demande)).content.decode()

    invite = f.porteur_liberal(email="associe@exemple.fr")
    autre = client_pour(invite)
    assert "Maison de santé de la Hague" in autre.get(reverse("financements:mes_demandes")).content.decode()
    page = autre.get(demande.get_absolute_url()).content.decode()
    assert "Je confirme porter ce projet" in page
    # Tant qu'il n'a pas confirmé, il ne modifie rien.
    assert autre.get(url("brouillon", demande))["Location"] == demande.get_absolute_url()
    reponse = autre.post(url("coporteur_repondre", demande), {"accepte": "1"})
    assert reponse["Location"] == url("brouillon", demande)
    coporteur = CoPorteur.objects.get(demande=demande)
    assert coporteur.statut == StatutCoPorteur.CONFIRME and coporteur.compte == invite
    assert demande.equipe.filter(professionnel__compte=invite, porteur=True).exists()
    assert autre.get(url("brouillon", demande)).status_code == 200


def test_le_co_porteur_invite_decline() -> None:
    demande = f.brouillon()
    services.coporteur_inviter(demande=demande, acteur=demande.porteur, email="associe@exemple.fr")
    invite = f.porteur_liberal(email="associe@exemple.fr")
    autre = client_pour(invite)
    reponse = autre.post(url("coporteur_repondre", demande), {"accepte": "0"})
    assert reponse["Location"] == reverse("financements:mes_demandes")
    assert CoPorteur.objects.get(demande=demande).statut == StatutCoPorteur.DECLINE
    assert autre.get(demande.get_absolute_url()).status_code == 404


def test_invitation_refusee_montre_l_erreur_et_la_saisie() -> None:
    demande = f.brouillon()
    client = client_pour(demande.porteur)
    reponse = client.post(url("coporteur_inviter", demande), {"email": demande.porteur.email})
    assert reponse.status_code == 200
    assert "Vous portez déjà cette demande." in reponse.content.decode()
    assert not demande.coporteurs.exists()


def test_retirer_un_co_porteur_et_un_membre() -> None:
    demande = f.brouillon()
    coporteur = services.coporteur_inviter(demande=demande, acteur=demande.porteur, email="a@exemple.fr")
    membre = services.equipe_ajouter(
        demande=demande, acteur=demande.porteur, professionnel=ProfessionnelFactory()
    )
    client = client_pour(demande.porteur)
    client.post(url("coporteur_retirer", demande, coporteur_pk=coporteur.pk))
    client.post(url("equipe_retirer", demande, membre_pk=membre.pk))
    assert not demande.coporteurs.exists()
    assert list(demande.equipe.values_list("porteur", flat=True)) == [True]


# --- Après le dépôt ----------------------------------------------------------------------------


def test_le_porteur_retire_sa_demande() -> None:
    demande = f.deposee()
    client = client_pour(demande.porteur)
    assert "Retirer la demande" in client.get(demande.get_absolute_url()).content.decode()
    reponse = client.post(
        url("demande_retirer", demande), {"version": demande.version, "motif": "Projet abandonné"}
    )
    assert reponse.status_code == 302
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.RETIREE
    page = client.get(demande.get_absolute_url()).content.decode()
    assert "Projet abandonné" in page  # dans la chronologie


def test_un_retrait_sur_une_page_perimee_est_refuse() -> None:
    demande = f.deposee()
    client = client_pour(demande.porteur)
    reponse = client.post(url("demande_retirer", demande), {"version": demande.version - 1}, follow=True)
    assert "a changé depuis que vous avez ouvert la page" in reponse.content.decode()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.DEPOSEE


def test_complements_deposes_puis_signales(agent) -> None:
    demande = f.en_instruction(agent)
    demande = services.demande_transition(
        demande=demande,
        vers=StatutDemande.COMPLEMENTS,
        acteur=agent,
        version=demande.version,
        motif="Joindre le devis signé du bureau d'études.",
    )
    client = client_pour(demande.porteur)
    page = client.get(demande.get_absolute_url()).content.decode()
    assert "ai fourni les compléments" in page
    # Ce qui est demandé est écrit là où le porteur agit, et la notification y mène.
    bloc = page[page.index('id="complements-demandes"') : page.index("ai fourni les compléments")]
    assert "vous a demandé des compléments le" in bloc
    assert "Joindre le devis signé du bureau d&#x27;études." in bloc
    notification = Notification.objects.get(
        destinataire=demande.porteur, verbe=DEMANDE_COMPLEMENTS_DEMANDES.code
    )
    assert notification.url == demande.get_absolute_url() + "#complements-demandes"
    reponse = client.post(
        url("piece_deposer", demande),
        {"nature": NaturePiece.COMPLEMENT, "fichier": f.fichier_pdf("devis.pdf")},
    )
    assert reponse["Location"].endswith("#pieces")
    assert demande.pieces.filter(nature=NaturePiece.COMPLEMENT).exists()
    client.post(url("complements_fournis", demande), {"version": demande.version})
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_INSTRUCTION


def test_messages_entre_porteur_et_instructeur(agent, client_de) -> None:
    demande = f.en_instruction(agent)
    client = client_pour(demande.porteur)
    reponse = client.post(url("message_envoyer", demande), {"texte": "Le devis arrive demain."})
    assert reponse.status_code == 302
    client_de("agent").post(url("message_envoyer", demande), {"texte": "Bien reçu."})
    page = client.get(demande.get_absolute_url()).content.decode()
    assert "Le devis arrive demain." in page and "Bien reçu." in page
    vide = client.post(url("message_envoyer", demande), {"texte": "  "})
    assert vide.status_code == 200
    assert Message.objects.filter(demande=demande).count() == 2


def test_l_adresse_ecrite_dans_un_message_est_un_lien_echappe(agent) -> None:
    demande = f.en_instruction(agent)
    texte = "Le devis : https://example.org/a?b=1&c=<x>\net javascript:alert(1) <b>gras</b>"
    services.message_envoyer(demande=demande, acteur=demande.porteur, texte=texte)
    services.note_ecrire(demande=demande, acteur=agent, texte="Voir https://example.org/note")
    page = client_pour(agent).get(demande.get_absolute_url()).content.decode()
    messages = page[page.index('id="messages"') :]
    messages = messages[: messages.index("</section>")]
    assert messages.count("<a ") == 1
    assert (
        '<a href="https://example.org/a?b=1&amp;c=" rel="nofollow noopener">https://example.org/a?b=1&amp;c=</a>'
        "&lt;x&gt;<br>et javascript:alert(1) &lt;b&gt;gras&lt;/b&gt;"
    ) in messages
    assert '<a href="https://example.org/note" rel="nofollow noopener">' in page


def test_un_membre_du_college_ne_voit_que_les_pieces_de_l_avis(agent, membre_college, client_de) -> None:
    from tests.college.factories import membres_votants
    from tests.conseil.factories import CollegeFactory

    membres_votants(CollegeFactory(), 3)
    demande = f.soumise_a_l_avis(agent)
    services.message_envoyer(demande=demande, acteur=demande.porteur, texte="Message privé du porteur")
    page = client_de("membre_college").get(demande.get_absolute_url()).content.decode()
    assert "Projet de santé" in page
    assert "Relevé d&#x27;identité bancaire" not in page
    assert "Message privé du porteur" not in page
    assert reverse("college:scrutin_detail", kwargs={"pk": demande.scrutin_id}) in page


# --- Qui ne porte pas la demande : 404 ----------------------------------------------------------

URLS_DU_PORTEUR = [
    ("get", "brouillon", {}),
    ("post", "brouillon", {}),
    ("post", "brouillon_enregistrer", {}),
    ("get", "professionnel_chercher", {}),
    ("post", "equipe_ajouter", {}),
    ("post", "equipe_retirer", {"membre_pk": 0}),
    ("post", "coporteur_inviter", {}),
    ("post", "coporteur_retirer", {"coporteur_pk": 0}),
    ("post", "coporteur_repondre", {}),
    ("post", "piece_deposer", {}),
    ("post", "demande_deposer", {}),
    ("post", "demande_retirer", {}),
    ("post", "complements_fournis", {}),
    ("post", "message_envoyer", {}),
    ("get", "demande", {}),
]


def _kwargs(demande: DemandeFinancement, extra: dict[str, int]) -> dict[str, int]:
    membre = demande.equipe.first()
    coporteur = demande.coporteurs.first()
    valeurs = dict(extra)
    if "membre_pk" in valeurs:
        valeurs["membre_pk"] = membre.pk if membre else 0
    if "coporteur_pk" in valeurs:
        valeurs["coporteur_pk"] = coporteur.pk if coporteur else 0
    return valeurs


@pytest.mark.parametrize(
    ("methode", "nom", "extra"), URLS_DU_PORTEUR, ids=[f"{m} {n}" for m, n, _ in URLS_DU_PORTEUR]
)
def test_un_autre_professionnel_recoit_404(client_de, methode, nom, extra) -> None:
    brouillon = f.brouillon()
    services.coporteur_inviter(demande=brouillon, acteur=brouillon.porteur, email="x@exemple.fr")
    client = client_de("professionnel")
    for demande in (brouillon, f.deposee()):
        adresse = url(nom, demande, **_kwargs(demande, extra))
        reponse = getattr(client, methode)(adresse)
        assert reponse.status_code == 404, (adresse, reponse.status_code)


@pytest.mark.parametrize("persona", ["agent", "secretariat", "membre_college"])
def test_le_personnel_et_le_college_ne_voient_pas_un_brouillon(client_de, persona) -> None:
    demande = f.brouillon()
    client = client_de(persona)
    assert client.get(demande.get_absolute_url()).status_code == 404
    assert client.get(url("brouillon", demande)).status_code == 404
    assert client.post(url("message_envoyer", demande), {"texte": "x"}).status_code == 404


def test_l_agent_voit_une_demande_deposee_sans_les_actions_du_porteur(client_de) -> None:
    demande = f.deposee()
    client = client_de("agent")
    page = client.get(demande.get_absolute_url()).content.decode()
    assert demande.numero is not None and demande.numero in page
    assert "Vos actions" not in page
    assert client.post(url("demande_retirer", demande), {"version": demande.version}).status_code == 404


def test_menu_mes_demandes(client_de) -> None:
    lien = reverse("financements:mes_demandes")
    assert lien in client_de("professionnel").get(lien).content.decode()
    assert lien not in client_de("agent").get(reverse("accueil")).content.decode()


def test_decision_convention_et_rapport_final(agent, django_capture_on_commit_callbacks) -> None:
    from tests.college.factories import membres_votants
    from tests.conseil.factories import CollegeFactory

    membres_votants(CollegeFactory(), 3)
    with django_capture_on_commit_callbacks(execute=True):
        demande = f.conventionnee(agent)
    demande.refresh_from_db()
    client = client_pour(demande.porteur)
    page = client.get(demande.get_absolute_url()).content.decode()
    assert "10\u202f000,00" in page or "10\xa0000,00" in page
    assert "Accueil d&#x27;un interne" in page
    assert demande.convention_signee is not None
    assert demande.convention_signee.get_absolute_url() in page
    assert "Avance" in page and "Solde" in page
    assert "Déposer le rapport final ou un justificatif" in page
    assert "Retirer la demande" not in page
    reponse = client.post(
        url("piece_deposer", demande),
        {"nature": NaturePiece.RAPPORT_FINAL, "fichier": f.fichier_pdf("rapport.pdf")},
    )
    assert reponse.status_code == 302
    assert demande.pieces.filter(nature=NaturePiece.RAPPORT_FINAL).exists()


def test_deposer_avec_redis_arrete_aboutit_et_le_recepisse_suit_son_retour(
    django_capture_on_commit_callbacks, mailoutbox
):
    """Redis arrêté au moment du dépôt : la demande est déposée et le porteur le lit ; le
    récépissé et son courriel partent quand le balayage trouve le broker revenu."""
    from socle import taches
    from socle.models import TacheDemandee
    from tests.outils import broker_arrete

    demande = f.brouillon_complet()
    client = client_pour(demande.porteur)
    with broker_arrete(), django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("demande_deposer", demande), {"version": demande.version}, follow=True)
    assert reponse.status_code == 200
    page = reponse.content.decode()
    demande = DemandeFinancement.objects.get(pk=demande.pk)
    assert demande.statut == StatutDemande.DEPOSEE and demande.numero
    assert "n&#x27;a pas pu aboutir" not in page and "n'a pas pu aboutir" not in page
    assert demande.numero in page
    assert "Récépissé en préparation" in page
    assert demande.recepisse is None and mailoutbox == []
    [attente] = TacheDemandee.objects.filter(nom="financements.tasks.produire_recepisse")
    assert attente.envoyee_le is None

    # Redis revenu : le balayage de la minute suivante produit le récépissé et l'envoie.
    with django_capture_on_commit_callbacks(execute=True):
        taches.relancer(timezone.now() + taches.DELAI_AVANT_RELANCE + dt.timedelta(seconds=1))
    demande = DemandeFinancement.objects.get(pk=demande.pk)
    assert demande.recepisse is not None
    attente = TacheDemandee.objects.get(pk=attente.pk)
    assert attente.faite_le is not None
    assert any(
        demande.numero in courriel.subject or demande.numero in courriel.body for courriel in mailoutbox
    )
    assert "Récépissé en préparation" not in client.get(demande.get_absolute_url()).content.decode()


def test_un_brouillon_incomplet_ne_demande_pas_de_confirmer_le_depot() -> None:
    """« Déposer la demande ? » ne se demande qu'une fois tout rempli ; avant, le bouton envoie
    et la page liste ce qui manque. L'enregistrement au fil de la frappe remplace le bouton."""
    import re

    bouton = re.compile(r'<button type="submit" id="bouton-deposer"[^>]*>')
    incomplet = f.brouillon()
    client = client_pour(incomplet.porteur)
    [balise] = bouton.findall(client.get(url("brouillon", incomplet)).content.decode())
    assert "data-confirmer" not in balise and "hx-swap-oob" not in balise
    complet = f.brouillon_complet(incomplet.porteur)
    [balise] = bouton.findall(client.get(url("brouillon", complet)).content.decode())
    assert 'data-confirmer="Déposer la demande ? Son contenu ne pourra plus être modifié."' in balise
    # Au fil de la frappe : le bouton revient hors bande, selon ce qui manque à cet instant.
    reponse = client.post(url("brouillon_enregistrer", complet), saisie_brouillon(complet), **HTMX)
    [balise] = bouton.findall(reponse.content.decode())
    assert 'hx-swap-oob="true"' in balise and "data-confirmer" in balise
    reponse = client.post(
        url("brouillon_enregistrer", complet), saisie_brouillon(complet, financement_ars="1 000"), **HTMX
    )
    [balise] = bouton.findall(reponse.content.decode())
    assert 'hx-swap-oob="true"' in balise and "data-confirmer" not in balise
