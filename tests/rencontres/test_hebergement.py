"""Les chambres et navettes d'une rencontre : capacité, une de chaque genre par personne, gel
(attribuer et retirer refusés, renvoi vers la demande de changement), demandes acceptées
(le changement s'applique) ou refusées (avec une raison), inscription annulée ; les pages de
l'organisation (droits, saisie gardée, requêtes constantes) et de la personne inscrite."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rencontres import services
from rencontres.jetons import jeton_de
from rencontres.models import (
    Attribution,
    DemandeDeChangement,
    EtatInscription,
    GenreRessource,
    Participant,
    Rencontre,
    Ressource,
    StatutDemandeDeChangement,
)
from socle.models import Evenement
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import client_connecte
from tests.outils import compter_requetes
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db

CHAMBRE, NAVETTE = GenreRessource.CHAMBRE, GenreRessource.NAVETTE


def _ressource(r: Rencontre, libelle: str = "Hôtel de la Plage, chambre 12", *, genre=CHAMBRE, capacite=2):
    return services.ressource_creer(rencontre=r, genre=genre, libelle=libelle, capacite=capacite, acteur=None)


def _titulaire(inscription) -> Participant:
    return inscription.participants.get(lien="titulaire")


def _partenaire(r: Rencontre, email: str = "urps@exemple.fr"):
    compte = UtilisateurFactory(email=email)
    services.confier(rencontre=r, compte=compte, acteur=None)
    return compte


# --- Services --------------------------------------------------------------------------------


def test_capacite_et_une_place_de_chaque_genre(agent):
    r = rencontre()
    chambre = _ressource(r, capacite=2)
    autre = _ressource(r, "Hôtel de la Plage, chambre 14", capacite=1)
    navette = _ressource(r, "Navette de la gare, 18 h", genre=NAVETTE, capacite=10)
    lea, hugo, alix = (_titulaire(inscrire(r, n)) for n in (1, 2, 3))
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    services.attribuer(participant=hugo, ressource=chambre, acteur=agent)
    with pytest.raises(ValidationError, match="complète"):
        services.attribuer(participant=alix, ressource=chambre, acteur=agent)
    # Une chambre et une navette : deux genres, deux places.
    services.attribuer(participant=lea, ressource=navette, acteur=agent)
    # Une autre chambre : elle remplace la première (une seule chambre par personne).
    services.attribuer(participant=lea, ressource=autre, acteur=agent)
    assert Attribution.objects.filter(participant=lea).count() == 2
    assert Attribution.objects.get(participant=lea, genre=CHAMBRE).ressource == autre
    assert services.occupation(chambre) == 1
    with pytest.raises(ValidationError, match="déjà dans"):
        services.attribuer(participant=lea, ressource=autre, acteur=agent)
    assert Evenement.objects.filter(verbe=services.PLACE_ATTRIBUEE.code).count() == 4


def test_seules_les_inscriptions_qui_tiennent_des_places_sont_placees(agent):
    r = rencontre(capacites=(1,))
    chambre = _ressource(r)
    inscrire(r, 1)
    attente = inscrire(r, 2)
    assert attente.etat == EtatInscription.LISTE_D_ATTENTE
    with pytest.raises(ValidationError, match="n'a pas de place"):
        services.attribuer(participant=_titulaire(attente), ressource=chambre, acteur=agent)
    ailleurs = inscrire(rencontre(), 3)
    with pytest.raises(ValidationError, match="pas inscrite à cette rencontre"):
        services.attribuer(participant=_titulaire(ailleurs), ressource=chambre, acteur=agent)


def test_modifier_et_supprimer_une_ressource(agent):
    r = rencontre()
    chambre = _ressource(r, capacite=3)
    lea, hugo = (_titulaire(inscrire(r, n)) for n in (1, 2))
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    services.attribuer(participant=hugo, ressource=chambre, acteur=agent)
    with pytest.raises(ValidationError, match="déjà 2 places attribuées"):
        services.ressource_modifier(ressource=chambre, libelle="Chambre 12", capacite=1, acteur=agent)
    services.ressource_modifier(ressource=chambre, libelle="Chambre 12 bis", capacite=2, acteur=agent)
    chambre.refresh_from_db()
    assert (chambre.libelle, chambre.capacite) == ("Chambre 12 bis", 2)
    with pytest.raises(ValidationError, match="Retirez d'abord"):
        services.ressource_supprimer(ressource=chambre, acteur=agent)
    for attribution in Attribution.objects.all():
        services.retirer(attribution=attribution, acteur=agent)
    services.ressource_supprimer(ressource=chambre, acteur=agent)
    assert not Ressource.objects.exists()
    with pytest.raises(ValidationError) as refus:
        services.ressource_creer(rencontre=r, genre="tente", libelle=" ", capacite=0, acteur=agent)
    assert set(refus.value.message_dict) == {"genre", "libelle", "capacite"}


def test_une_ressource_gelee_ne_change_plus_que_par_une_demande(agent):
    r = rencontre()
    chambre = _ressource(r, capacite=2)
    autre = _ressource(r, "Chambre 14", capacite=2)
    lea, hugo = (_titulaire(inscrire(r, n)) for n in (1, 2))
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    services.geler(ressource=chambre, acteur=agent)
    chambre.refresh_from_db()
    assert chambre.gelee
    with pytest.raises(ValidationError, match="demande de changement"):
        services.attribuer(participant=hugo, ressource=chambre, acteur=agent)
    with pytest.raises(ValidationError, match="demande de changement"):
        services.retirer(attribution=Attribution.objects.get(participant=lea), acteur=agent)
    # Partir d'une chambre gelée vers une autre : refusé aussi.
    with pytest.raises(ValidationError, match="demande de changement"):
        services.attribuer(participant=lea, ressource=autre, acteur=agent)
    with pytest.raises(ValidationError, match="places"):
        services.ressource_modifier(ressource=chambre, libelle=chambre.libelle, capacite=3, acteur=agent)
    with pytest.raises(ValidationError, match="déjà gelée"):
        services.geler(ressource=chambre, acteur=agent)


def test_degeler_est_reserve_aux_agents(agent):
    r = rencontre()
    chambre = _ressource(r)
    partenaire = _partenaire(r)
    services.geler(ressource=chambre, acteur=partenaire)
    with pytest.raises(PermissionDenied):
        services.degeler(ressource=chambre, acteur=partenaire)
    services.degeler(ressource=chambre, acteur=agent)
    chambre.refresh_from_db()
    assert not chambre.gelee


def test_demande_acceptee_applique_le_changement(agent, django_capture_on_commit_callbacks):
    r = rencontre()
    chambre = _ressource(r, capacite=1)
    autre = _ressource(r, "Chambre 14", capacite=1)
    inscription = inscrire(r, 1, nom="Martin", prenom="Léa")
    lea = _titulaire(inscription)
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    services.geler(ressource=chambre, acteur=agent)
    services.geler(ressource=autre, acteur=agent)
    demande = services.demander_changement(
        participant=lea, genre=CHAMBRE, souhait=autre, motif="Plus près de l'ascenseur", acteur=None
    )
    with pytest.raises(ValidationError, match="attend déjà"):
        services.demander_changement(participant=lea, genre=CHAMBRE, souhait=None, motif="Non", acteur=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decider_changement(demande=demande, accepter=True, reponse="", acteur=agent)
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeDeChangement.ACCEPTEE and demande.decidee_par == agent
    assert Attribution.objects.get(participant=lea).ressource == autre
    [courriel] = mail.outbox
    assert courriel.to == ["interne1@exemple.fr"] and "acceptée" in courriel.subject
    assert "Chambre 14" in courriel.body
    with pytest.raises(ValidationError, match="déjà reçu une réponse"):
        services.decider_changement(demande=demande, accepter=False, reponse="Non", acteur=agent)


def test_demande_acceptee_refusee_si_la_souhaitee_est_complete(agent):
    r = rencontre()
    chambre = _ressource(r, capacite=1)
    pleine = _ressource(r, "Chambre 14", capacite=1)
    lea, hugo = (_titulaire(inscrire(r, n)) for n in (1, 2))
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    services.attribuer(participant=hugo, ressource=pleine, acteur=agent)
    services.geler(ressource=chambre, acteur=agent)
    demande = services.demander_changement(
        participant=lea, genre=CHAMBRE, souhait=pleine, motif="Avec Hugo", acteur=None
    )
    with pytest.raises(ValidationError, match="complète"):
        services.decider_changement(demande=demande, accepter=True, reponse="", acteur=agent)
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeDeChangement.EN_ATTENTE


def test_refuser_demande_une_raison_et_seul_un_agent_decide(agent, django_capture_on_commit_callbacks):
    r = rencontre()
    navette = _ressource(r, "Navette de 18 h", genre=NAVETTE, capacite=10)
    lea = _titulaire(inscrire(r, 1))
    services.attribuer(participant=lea, ressource=navette, acteur=agent)
    services.geler(ressource=navette, acteur=agent)
    partenaire = _partenaire(r)
    demande = services.demander_changement(
        participant=lea, genre=NAVETTE, souhait=None, motif="Je viens en voiture", acteur=partenaire
    )
    assert demande.demandee_par == partenaire
    with pytest.raises(PermissionDenied):
        services.decider_changement(demande=demande, accepter=True, reponse="", acteur=partenaire)
    with pytest.raises(ValidationError, match="raison du refus"):
        services.decider_changement(demande=demande, accepter=False, reponse="  ", acteur=agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decider_changement(
            demande=demande, accepter=False, reponse="Le parking est fermé ce week-end.", acteur=agent
        )
    assert Attribution.objects.filter(participant=lea).exists()
    [courriel] = mail.outbox
    assert "n'est pas acceptée" in courriel.subject and "parking est fermé" in courriel.body


def test_une_demande_n_a_de_sens_que_pour_une_ressource_gelee(agent):
    r = rencontre()
    chambre = _ressource(r)
    navette = _ressource(r, "Navette", genre=NAVETTE)
    lea = _titulaire(inscrire(r, 1))
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    with pytest.raises(ValidationError) as refus:
        services.demander_changement(participant=lea, genre=CHAMBRE, souhait=None, motif="", acteur=None)
    assert set(refus.value.message_dict) == {"motif", "souhait"}
    assert "directement" in refus.value.message_dict["souhait"][0]
    with pytest.raises(ValidationError, match="n'est pas une chambre"):
        services.demander_changement(participant=lea, genre=CHAMBRE, souhait=navette, motif="x", acteur=None)


def test_une_inscription_annulee_libere_ses_places_non_gelees(agent):
    r = rencontre()
    chambre = _ressource(r)
    navette = _ressource(r, "Navette", genre=NAVETTE)
    inscription = inscrire(r, 1)
    lea = _titulaire(inscription)
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    services.attribuer(participant=lea, ressource=navette, acteur=agent)
    services.geler(ressource=chambre, acteur=agent)
    services.demander_changement(
        participant=lea, genre=CHAMBRE, souhait=None, motif="Je ne viens plus", acteur=None
    )
    services.annuler(inscription=inscription, acteur=agent)
    # La navette (non gelée) est libérée ; la chambre (gelée, payée) garde sa place.
    assert list(Attribution.objects.values_list("ressource__libelle", flat=True)) == [chambre.libelle]
    assert DemandeDeChangement.objects.get().statut == StatutDemandeDeChangement.REFUSEE
    evenement = Evenement.objects.get(verbe=services.HEBERGEMENT_LIBERE.code)
    assert evenement.donnees["liberees"] == ["Navette"] and evenement.donnees["gardees_gelees"] == 1


def test_la_conservation_efface_les_motifs(agent):
    from datetime import timedelta  # import local : seul test de ce module qui avance l'horloge

    r = rencontre()
    chambre = _ressource(r)
    lea = _titulaire(inscrire(r, 1))
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    services.geler(ressource=chambre, acteur=agent)
    demande = services.demander_changement(
        participant=lea, genre=CHAMBRE, souhait=None, motif="Raison de santé", acteur=None
    )
    services.decider_changement(demande=demande, accepter=False, reponse="Hôtel complet", acteur=agent)
    assert services.anonymiser_les_inscriptions(maintenant=r.fin + timedelta(days=366)) == 1
    demande.refresh_from_db()
    assert (demande.motif, demande.reponse) == ("", "")


# --- Pages -----------------------------------------------------------------------------------


def _pages(r: Rencontre) -> list[str]:
    return [reverse("rencontres:hebergement", args=[r.pk])]


@pytest.mark.parametrize(
    ("qui", "attendu"),
    [
        ("anonyme", 302),
        ("professionnel", 404),
        ("partenaire_d_une_autre", 404),
        ("partenaire", 200),
        ("agent", 200),
    ],
)
def test_matrice_des_droits(qui, attendu, agent, professionnel):
    r = rencontre()
    chambre = _ressource(r)
    lea = _titulaire(inscrire(r, 1))
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    services.geler(ressource=chambre, acteur=agent)
    demande = services.demander_changement(
        participant=lea, genre=CHAMBRE, souhait=None, motif="Je dors chez des amis", acteur=None
    )
    comptes = {
        "anonyme": None,
        "professionnel": professionnel,
        "partenaire_d_une_autre": _partenaire(rencontre(), "autre@exemple.fr"),
        "partenaire": _partenaire(r),
        "agent": agent,
    }
    client = client_connecte(comptes[qui])
    page = client.get(reverse("rencontres:hebergement", args=[r.pk]))
    assert page.status_code == attendu
    ajout = client.post(
        reverse("rencontres:ressource_ajouter", args=[r.pk]),
        {"ressource-genre": NAVETTE, "ressource-libelle": "Navette", "ressource-capacite": "8"},
    )
    assert Ressource.objects.filter(genre=NAVETTE).exists() == (attendu == 200)
    assert ajout.status_code == (302 if attendu in (200, 302) else 404)
    decision = client.post(
        reverse("rencontres:decider_changement", args=[r.pk, demande.pk]),
        {"decision": "accepter", f"d{demande.pk}-reponse": ""},
    )
    demande.refresh_from_db()
    if qui == "agent":
        assert decision.status_code == 302 and demande.statut == StatutDemandeDeChangement.ACCEPTEE
        assert "Accepter" in page.content.decode()
    else:
        assert (
            decision.status_code in (302, 403, 404) and demande.statut == StatutDemandeDeChangement.EN_ATTENTE
        )
        degel = client.post(reverse("rencontres:degeler", args=[r.pk, chambre.pk]))
        assert degel.status_code in (302, 403, 404)
        chambre.refresh_from_db()
        assert chambre.gelee
    if qui == "partenaire":
        html = page.content.decode()
        assert "Je dors chez des amis" in html and "Accepter" not in html and "Dégeler" not in html
        assert decision.status_code == 403


def test_saisie_refusee_gardee_et_message_en_francais(agent):
    r = rencontre()
    chambre = _ressource(r, capacite=1)
    lea, hugo = (_titulaire(inscrire(r, n)) for n in (1, 2))
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    client = client_connecte(agent)
    reponse = client.post(
        reverse("rencontres:ressource_ajouter", args=[r.pk]),
        {"ressource-genre": CHAMBRE, "ressource-libelle": "Gîte des Moulins", "ressource-capacite": "0"},
    )
    html = reponse.content.decode()
    assert reponse.status_code == 200 and "Gîte des Moulins" in html
    reponse = client.post(
        reverse("rencontres:attribuer", args=[r.pk, CHAMBRE]),
        {"chambre-participant": hugo.pk, "chambre-ressource": chambre.pk},
    )
    html = reponse.content.decode()
    assert reponse.status_code == 200 and "est complète" in html
    assert f'value="{hugo.pk}" selected' in html
    refus = client.post(
        reverse("rencontres:decider_changement", args=[r.pk, 999999]), {"decision": "refuser"}
    )
    assert refus.status_code == 404


def test_parcours_de_la_page_organisation(agent):
    r = rencontre()
    client = client_connecte(agent)
    client.post(
        reverse("rencontres:ressource_ajouter", args=[r.pk]),
        {"ressource-genre": CHAMBRE, "ressource-libelle": "Chambre 12", "ressource-capacite": "2"},
    )
    chambre = Ressource.objects.get()
    lea = _titulaire(inscrire(r, 1, nom="Martin", prenom="Léa"))
    client.post(
        reverse("rencontres:attribuer", args=[r.pk, CHAMBRE]),
        {"chambre-participant": lea.pk, "chambre-ressource": chambre.pk},
    )
    attribution = Attribution.objects.get()
    html = client.get(reverse("rencontres:hebergement", args=[r.pk])).content.decode()
    assert "Léa Martin" in html and "1 / 2" in html
    client.post(reverse("rencontres:geler", args=[r.pk, chambre.pk]))
    refus = client.post(reverse("rencontres:retirer", args=[r.pk, attribution.pk]), follow=True)
    assert "demande de changement" in refus.content.decode()
    assert Attribution.objects.exists()
    client.post(reverse("rencontres:degeler", args=[r.pk, chambre.pk]))
    client.post(reverse("rencontres:retirer", args=[r.pk, attribution.pk]))
    client.post(reverse("rencontres:ressource_supprimer", args=[r.pk, chambre.pk]))
    assert not Ressource.objects.exists()


def test_un_partenaire_demande_un_changement_pour_une_personne(agent):
    r = rencontre()
    chambre = _ressource(r, capacite=2)
    autre = _ressource(r, "Chambre 14", capacite=2)
    lea = _titulaire(inscrire(r, 1, nom="Martin", prenom="Léa"))
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    client = client_connecte(_partenaire(r))
    url = reverse("rencontres:hebergement", args=[r.pk])
    assert "Demander un changement pour une personne" not in client.get(url).content.decode()
    services.geler(ressource=chambre, acteur=agent)
    assert "Demander un changement pour une personne" in client.get(url).content.decode()
    action = reverse("rencontres:changement_demander", args=[r.pk])
    donnees = {
        "changement-participant": lea.pk,
        "changement-genre": CHAMBRE,
        "changement-souhait": chambre.pk,
        "changement-motif": "Léa a appelé : elle rejoint sa collègue.",
    }
    refus = client.post(action, donnees)
    assert refus.status_code == 200 and "est déjà celle de Léa Martin" in refus.content.decode()
    assert "Léa a appelé" in refus.content.decode()
    donnees["changement-souhait"] = autre.pk
    assert client.post(action, donnees).status_code == 302
    demande = DemandeDeChangement.objects.get()
    assert demande.souhait == autre and demande.demandee_par is not None


def test_la_personne_demande_un_changement_depuis_sa_page(client, agent):
    r = rencontre()
    chambre = _ressource(r, capacite=2)
    autre = _ressource(r, "Chambre 14", capacite=2)
    inscription = inscrire(r, 1, nom="Martin", prenom="Léa", foyer=1)
    lea = _titulaire(inscription)
    url = reverse("rencontres:inscription", kwargs={"jeton": jeton_de(inscription)})
    assert "Demander un changement" not in client.get(url).content.decode()
    services.attribuer(participant=lea, ressource=chambre, acteur=agent)
    services.geler(ressource=chambre, acteur=agent)
    html = client.get(url).content.decode()
    assert "Hôtel de la Plage, chambre 12" in html and "Demander un changement" in html
    action = reverse("rencontres:demander_changement", kwargs={"jeton": jeton_de(inscription)})
    donnees = {
        "changement-participant": lea.pk,
        "changement-genre": CHAMBRE,
        "changement-souhait": autre.pk,
        "changement-motif": "",
    }
    refus = client.post(action, donnees)
    assert refus.status_code == 200 and "Dites pourquoi" in refus.content.decode()
    assert f'value="{autre.pk}" selected' in refus.content.decode()
    donnees["changement-motif"] = "Avec ma collègue"
    assert client.post(action, donnees).status_code == 302
    html = client.get(url).content.decode()
    assert "En attente" in html and "Chambre 14" in html
    # Un participant d'une autre inscription ne se choisit pas.
    autre_foyer = _titulaire(inscrire(r, 2))
    donnees["changement-participant"] = autre_foyer.pk
    assert client.post(action, donnees).status_code == 200
    assert DemandeDeChangement.objects.count() == 1


def test_requetes_constantes(agent):
    r = rencontre(capacites=(50,))
    client = client_connecte(agent)
    url = reverse("rencontres:hebergement", args=[r.pk])

    def peupler(debut: int) -> None:
        chambre = _ressource(r, f"Chambre {debut}", capacite=4)
        navette = _ressource(r, f"Navette {debut}", genre=NAVETTE, capacite=10)
        for numero in range(debut, debut + 2):
            inscription = inscrire(r, numero, foyer=1)
            for p in inscription.participants.all():
                services.attribuer(participant=p, ressource=chambre, acteur=agent)
                services.attribuer(participant=p, ressource=navette, acteur=agent)
        services.geler(ressource=chambre, acteur=agent)
        services.demander_changement(
            participant=_titulaire(inscription), genre=CHAMBRE, souhait=None, motif="x", acteur=None
        )
        inscrire(r, debut + 50)

    peupler(1)
    avant = compter_requetes(client, url)
    peupler(10)
    peupler(20)
    apres = compter_requetes(client, url)
    assert (avant, apres) == (19, 19)


def test_l_export_donne_la_chambre_et_la_navette(agent):
    r = rencontre()
    chambre = _ressource(r, "Chambre 12", capacite=3)
    navette = _ressource(r, "Navette de 18 h", genre=NAVETTE, capacite=10)
    seule = inscrire(r, 1, nom="Martin", prenom="Léa")
    famille = inscrire(r, 2, nom="Durand", prenom="Alix", foyer=1)
    services.attribuer(participant=_titulaire(seule), ressource=navette, acteur=agent)
    for p in famille.participants.all():
        services.attribuer(participant=p, ressource=chambre, acteur=agent)
    texte = (
        client_connecte(agent)
        .get(reverse("rencontres:inscriptions_csv", args=[r.pk]))
        .content.decode("utf-8-sig")
    )
    entete, *lignes = texte.splitlines()
    assert "Chambre;Navette" in entete
    martin = next(ligne for ligne in lignes if ligne.startswith("Martin"))
    durand = next(ligne for ligne in lignes if ligne.startswith("Durand"))
    assert ";;Navette de 18 h;" in martin
    assert "Alix : Chambre 12, Enfant0 : Chambre 12;" in durand
    # Le badge dit la navette.
    import io  # import local : seul test de ce module qui relit un PDF

    from pypdf import PdfReader

    badges = client_connecte(agent).get(reverse("rencontres:badges", args=[r.pk])).content
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(badges)).pages)
    assert "Navette : Navette de 18 h" in texte


# --- Concurrence (vrai PostgreSQL, une connexion par fil) -----------------------------------


@pytest.mark.django_db(transaction=True)
def test_deux_organisateurs_pour_le_dernier_lit_en_placent_un():
    import threading  # import local : seul test de ce module à lancer des fils

    from django.db import connection

    r = rencontre()
    chambre = _ressource(r, capacite=1)
    participants = [_titulaire(inscrire(r, n)) for n in (1, 2)]
    depart = threading.Barrier(2)
    refus: list[BaseException] = []

    def placer(participant: Participant) -> None:
        try:
            depart.wait()
            services.attribuer(participant=participant, ressource=chambre, acteur=None)
        except BaseException as erreur:  # noqa: BLE001 (rapportée au test)
            refus.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=placer, args=(p,)) for p in participants]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=60)
    assert Attribution.objects.filter(ressource=chambre).count() == 1
    assert len(refus) == 1 and isinstance(refus[0], ValidationError) and "complète" in str(refus[0])


def test_modifier_une_ressource_par_sa_page(agent, professionnel):
    r = rencontre()
    chambre = _ressource(r, capacite=2)
    services.attribuer(participant=_titulaire(inscrire(r, 1)), ressource=chambre, acteur=agent)
    services.attribuer(participant=_titulaire(inscrire(r, 2)), ressource=chambre, acteur=agent)
    url = reverse("rencontres:ressource_modifier", args=[r.pk, chambre.pk])
    assert client_connecte(professionnel).get(url).status_code == 404
    client = client_connecte(agent)
    assert client.get(url).status_code == 200
    refus = client.post(url, {"libelle": "Hôtel de la Plage, chambre 14", "capacite": "1"})
    html = refus.content.decode()
    assert refus.status_code == 200 and "déjà 2 places attribuées" in html and "chambre 14" in html
    client.post(url, {"libelle": "Hôtel de la Plage, chambre 14", "capacite": "3"})
    chambre.refresh_from_db()
    assert (chambre.libelle, chambre.capacite) == ("Hôtel de la Plage, chambre 14", 3)
    services.geler(ressource=chambre, acteur=agent)
    gelee = client.post(url, {"libelle": "Hôtel de la Plage, chambre 14", "capacite": "4"})
    assert "demande" in gelee.content.decode()
    chambre.refresh_from_db()
    assert chambre.capacite == 3
