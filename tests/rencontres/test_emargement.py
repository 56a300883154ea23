"""L'émargement par demi-journée : les demi-journées d'une rencontre, la signature (une seule par
personne et demi-journée, même sur deux appuis simultanés ; l'arrivée pointée au passage),
l'annulation d'une signature, la page de l'organisation (droits, recherche, requêtes
constantes), la feuille d'une demi-journée relue et les heures de l'attestation."""

import io
import threading
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from rencontres import services
from rencontres.attestations import attestation_pdf
from rencontres.jetons import jeton_de
from rencontres.models import (
    Emargement,
    EtatInscription,
    Rencontre,
    StatutRencontre,
    TypeRencontre,
)
from socle.francais import heure
from socle.models import Evenement
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import PERSONAS
from tests.outils import compter_requetes
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db

LUNDI = date(2027, 3, 15)


def _a_paris(jour: date, heures: int, minutes: int = 0) -> datetime:
    return timezone.make_aware(datetime(jour.year, jour.month, jour.day, heures, minutes))


def _formation(**champs):
    """Une journée de formation continue, le lundi 15 mars 2027 : 9 h–11 h, 12 h–14 h, 15 h–17 h."""
    debut = _a_paris(LUNDI, 9)
    valeurs = {
        "titre": "Formation continue — plaies chroniques",
        "type": TypeRencontre.FORMATION,
        "debut": debut,
        "fin": debut + timedelta(hours=8),
        "inscriptions_du": debut - timedelta(days=30),
        "inscriptions_au": debut - timedelta(days=1),
        "capacites": (None, None, None),
    }
    valeurs.update(champs)
    return rencontre(**valeurs)


def _inscrite(r, numero: int = 1, **champs):
    return inscrire(r, numero, maintenant=r.inscriptions_du + timedelta(days=1), **champs)


def _titulaire(inscription):
    return inscription.participants.get(lien="titulaire")


# --- Les demi-journées -------------------------------------------------------------------------


def test_demi_journees_d_une_journee_de_formation():
    r = _formation()
    assert [(d.jour, d.demi_journee) for d in services.demi_journees(r)] == [
        (LUNDI, "matin"),
        (LUNDI, "apres_midi"),
    ]
    assert services.demi_journees(r)[0].libelle == "lundi 15 mars 2027, matin"
    assert services.demi_journee_en_cours(r, _a_paris(LUNDI, 13, 30)).demi_journee == "apres_midi"
    assert services.demi_journee_en_cours(r, _a_paris(LUNDI + timedelta(days=1), 10)) is None


def test_demi_journees_sans_activite_et_d_une_soiree():
    # Deux jours sans activité : la durée de la rencontre compte (lundi 9 h → mardi 12 h).
    deux_jours = _formation(capacites=(), fin=_a_paris(LUNDI + timedelta(days=1), 12))
    assert [(d.jour.day, d.demi_journee) for d in services.demi_journees(deux_jours)] == [
        (15, "matin"),
        (15, "apres_midi"),
        (16, "matin"),
    ]
    # Une soirée de 19 h à 22 h : l'après-midi seulement.
    soiree = _formation(capacites=(), debut=_a_paris(LUNDI, 19), fin=_a_paris(LUNDI, 22))
    assert [d.demi_journee for d in services.demi_journees(soiree)] == ["apres_midi"]


# --- Signer --------------------------------------------------------------------------------------


def test_signer_pointe_l_arrivee_et_une_seconde_signature_est_refusee(agent):
    r = _formation()
    inscription = _inscrite(r, nom="Martin", prenom="Léa")
    lea = _titulaire(inscription)
    signature = services.emarger(
        participant=lea, jour=LUNDI, demi_journee="matin", acteur=agent, maintenant=_a_paris(LUNDI, 9, 5)
    )
    assert signature.recueilli_par == agent and signature.inscription == inscription
    inscription.refresh_from_db()
    assert inscription.arrivee_le == _a_paris(LUNDI, 9, 5)
    with pytest.raises(ValidationError) as refus:
        services.emarger(
            participant=lea, jour=LUNDI, demi_journee="matin", acteur=agent, maintenant=_a_paris(LUNDI, 9, 20)
        )
    assert refus.value.message_dict["participant"] == [
        "Léa Martin a déjà signé pour cette demi-journée, à 9\u00a0h\u00a005."
    ]
    # L'après-midi se signe à part ; l'arrivée reste celle du matin.
    services.emarger(
        participant=lea, jour=LUNDI, demi_journee="apres_midi", acteur=agent, maintenant=_a_paris(LUNDI, 14)
    )
    inscription.refresh_from_db()
    assert inscription.arrivee_le == _a_paris(LUNDI, 9, 5)
    assert Emargement.objects.filter(participant=lea).count() == 2
    verbes = list(Evenement.objects.values_list("verbe", flat=True))
    assert (
        verbes.count("rencontres.emargement.signe") == 2
        and verbes.count("rencontres.inscription.arrivee") == 1
    )


def test_les_refus(agent):
    r = _formation(capacites=(1, None, None))
    confirmee = _inscrite(r, 1)
    attente = _inscrite(r, 2)
    assert attente.etat == EtatInscription.LISTE_D_ATTENTE
    neuf_heures = _a_paris(LUNDI, 9)

    def emarger(inscription, jour=LUNDI, demi="matin", maintenant=neuf_heures):
        return services.emarger(
            participant=_titulaire(inscription),
            jour=jour,
            demi_journee=demi,
            acteur=agent,
            maintenant=maintenant,
        )

    with pytest.raises(ValidationError, match="pas confirmée"):
        emarger(attente)
    with pytest.raises(ValidationError, match="pas une demi-journée de la rencontre"):
        emarger(confirmee, jour=LUNDI + timedelta(days=1))
    with pytest.raises(ValidationError, match="n'a pas commencé"):
        emarger(confirmee, demi="apres_midi")
    Rencontre.objects.filter(pk=r.pk).update(statut=StatutRencontre.ANNULEE)
    with pytest.raises(ValidationError, match="pas ouverte à l'émargement"):
        emarger(confirmee)
    Rencontre.objects.filter(pk=r.pk).update(statut=StatutRencontre.PUBLIEE)
    services.annuler(inscription=confirmee)
    with pytest.raises(ValidationError, match="pas confirmée"):
        emarger(confirmee)
    assert not Emargement.objects.exists()


def test_un_membre_du_foyer_signe_pour_lui(agent):
    r = _formation()
    inscription = _inscrite(r, foyer=1)
    enfant = inscription.participants.get(lien="enfant")
    services.emarger(
        participant=enfant, jour=LUNDI, demi_journee="matin", acteur=agent, maintenant=_a_paris(LUNDI, 10)
    )
    assert list(Emargement.objects.values_list("participant", flat=True)) == [enfant.pk]


def test_annuler_une_signature_par_erreur(agent):
    r = _formation()
    inscription = _inscrite(r)
    signature = services.emarger(
        participant=_titulaire(inscription),
        jour=LUNDI,
        demi_journee="matin",
        acteur=agent,
        maintenant=_a_paris(LUNDI, 10),
    )
    services.annuler_emargement(emargement=signature, acteur=agent, motif="Mauvaise personne")
    assert not Emargement.objects.exists()
    annulation = Evenement.objects.get(verbe="rencontres.emargement.annule")
    assert annulation.motif == "Mauvaise personne" and annulation.donnees["demi_journee"] == "matin"
    # L'arrivée pointée reste ; la personne peut signer de nouveau.
    inscription.refresh_from_db()
    assert inscription.arrivee_le is not None
    services.emarger(
        participant=_titulaire(inscription),
        jour=LUNDI,
        demi_journee="matin",
        acteur=agent,
        maintenant=_a_paris(LUNDI, 10, 5),
    )


@pytest.mark.django_db(transaction=True)
def test_deux_appuis_au_meme_instant_font_une_signature():
    r = _formation()
    participant = _titulaire(_inscrite(r))
    depart = threading.Barrier(2)
    erreurs: list[BaseException] = []

    def appuyer() -> None:
        try:
            depart.wait()
            services.emarger(
                participant=participant,
                jour=LUNDI,
                demi_journee="matin",
                acteur=None,
                maintenant=_a_paris(LUNDI, 9, 30),
            )
        except BaseException as erreur:  # noqa: BLE001 (rapportée au test)
            erreurs.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=appuyer) for _ in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=60)
    assert Emargement.objects.count() == 1
    assert len(erreurs) == 1 and isinstance(erreurs[0], ValidationError)
    assert "a déjà signé pour cette demi-journée, à 9\u00a0h\u00a030" in erreurs[0].messages[0]


# --- La page de l'organisation -------------------------------------------------------------------


def _du_jour(**champs):
    """Une formation en cours : commencée il y a une heure, inscriptions closes."""
    maintenant = timezone.now()
    return _formation(
        debut=maintenant - timedelta(hours=1),
        fin=maintenant + timedelta(hours=2),
        inscriptions_du=maintenant - timedelta(days=30),
        inscriptions_au=maintenant - timedelta(days=1),
        capacites=(None,),
        **champs,
    )


def _partenaire(r, email: str):
    compte = UtilisateurFactory(email=email)
    services.confier(rencontre=r, compte=compte, acteur=None)
    return compte


@pytest.mark.parametrize("persona", [*PERSONAS, "partenaire_de_celle_ci", "partenaire_d_une_autre"])
def test_matrice_des_droits(client_de, client, persona):
    r = _du_jour()
    participant = _titulaire(_inscrite(r))
    if persona == "partenaire_de_celle_ci":
        client.force_login(_partenaire(r, "urps@exemple.fr"))
        navigateur, organise = client, True
    elif persona == "partenaire_d_une_autre":
        client.force_login(_partenaire(_du_jour(), "ordre@exemple.fr"))
        navigateur, organise = client, False
    else:
        navigateur, organise = client_de(persona), persona in ("agent", "superutilisateur")
    demi = services.demi_journee_en_cours(r)
    attendu = 200 if organise else (302 if persona == "anonyme" else 404)
    for url in (
        reverse("rencontres:emargement_ecran", args=[r.pk]),
        reverse("rencontres:emargement", args=[r.pk]) + f"?{demi.parametres}",
    ):
        assert navigateur.get(url).status_code == attendu, (persona, url)
    reponse = navigateur.post(
        reverse("rencontres:emargement_signer", args=[r.pk]),
        {"participant": participant.pk, "jour": demi.jour.isoformat(), "demi_journee": demi.demi_journee},
    )
    assert reponse.status_code == (302 if organise else attendu)
    assert Emargement.objects.filter(participant=participant).exists() == organise
    if organise:
        signature = Emargement.objects.get()
        navigateur.post(reverse("rencontres:emargement_annuler", args=[r.pk, signature.pk]))
        assert not Emargement.objects.exists()


def test_signer_depuis_la_page_garde_la_recherche_et_la_demi_journee(client_de):
    r = _du_jour()
    lea = _titulaire(_inscrite(r, 1, nom="Martin", prenom="Léa"))
    _inscrite(r, 2, nom="Durand", prenom="Alix")
    agent = client_de("agent")
    url = reverse("rencontres:emargement_ecran", args=[r.pk])
    demi = services.demi_journee_en_cours(r)
    page = agent.get(url, {"q": "lea"}).content.decode()
    assert "Léa Martin" in page.replace("\xa0", " ") and "Durand" not in page
    assert "Signatures : 0 sur 2 personnes attendues." in page
    champs = {
        "participant": lea.pk,
        "jour": demi.jour.isoformat(),
        "demi_journee": demi.demi_journee,
        "q": "lea",
    }
    reponse = agent.post(reverse("rencontres:emargement_signer", args=[r.pk]), champs)
    assert reponse["Location"] == (
        f"{url}?jour={demi.jour.isoformat()}&demi_journee={demi.demi_journee}&q=lea#personne-{lea.pk}"
    )
    page = agent.get(reponse["Location"].split("#")[0]).content.decode()
    signature = Emargement.objects.get()
    assert f"Signé à {heure(signature.signe_le)}" in page
    assert "Léa Martin a signé pour" in page and "Signatures : 1 sur 2 personnes attendues." in page
    # Le second appui : refusé, avec l'heure du premier.
    page = agent.post(
        reverse("rencontres:emargement_signer", args=[r.pk]), champs, follow=True
    ).content.decode()
    assert "a déjà signé pour cette demi-journée" in page
    # Une demi-journée qui n'est pas de la rencontre, ou une personne d'une autre rencontre.
    autre = dict(champs, jour="2020-01-01")
    page = agent.post(
        reverse("rencontres:emargement_signer", args=[r.pk]), autre, follow=True
    ).content.decode()
    assert "pas une demi-journée de la rencontre" in page
    etrangere = _titulaire(_inscrite(_du_jour(), 3))
    assert (
        agent.post(
            reverse("rencontres:emargement_signer", args=[r.pk]), dict(champs, participant=etrangere.pk)
        ).status_code
        == 404
    )


def test_requetes_constantes(client_de, agent):
    r = _du_jour()
    demi = services.demi_journee_en_cours(r)
    personne = _titulaire(_inscrite(r, 1, foyer=1))
    services.emarger(participant=personne, jour=demi.jour, demi_journee=demi.demi_journee, acteur=agent)
    navigateur = client_de("agent")
    url = reverse("rencontres:emargement_ecran", args=[r.pk])
    avant = compter_requetes(navigateur, url)
    for numero in range(2, 10):
        inscription = _inscrite(r, numero, foyer=1)
        services.emarger(
            participant=_titulaire(inscription), jour=demi.jour, demi_journee=demi.demi_journee, acteur=agent
        )
    assert (compter_requetes(navigateur, url), avant) == (avant, 13)


# --- La feuille d'une demi-journée et l'attestation ----------------------------------------------


def test_feuille_d_une_demi_journee_relue(client_de, agent):
    r = _formation()
    lea = _titulaire(_inscrite(r, 1, nom="Martin", prenom="Léa", structure="CHPC"))
    _inscrite(r, 2, nom="Durand", prenom="Alix")
    services.emarger(
        participant=lea, jour=LUNDI, demi_journee="matin", acteur=agent, maintenant=_a_paris(LUNDI, 9, 12)
    )
    navigateur = client_de("agent")
    url = reverse("rencontres:emargement", args=[r.pk])
    reponse = navigateur.get(url, {"jour": "2027-03-15", "demi_journee": "matin"})
    assert reponse.status_code == 200 and "2027-03-15-matin" in reponse["Content-Disposition"]
    feuille = PdfReader(io.BytesIO(reponse.content))
    texte = " ".join(page.extract_text() for page in feuille.pages)
    assert len(feuille.pages) == 1
    assert "Lundi 15 mars 2027, matin" in texte and "Martin Léa" in texte and "CHPC" in texte
    assert "Signé à l'écran à 9 h 12" in texte.replace("\xa0", " ") and "Durand Alix" in texte
    assert texte.count("Signé à l'écran") == 1
    # L'après-midi : personne n'a signé ; une autre demi-journée : 404.
    apres_midi = navigateur.get(url, {"jour": "2027-03-15", "demi_journee": "apres_midi"})
    assert "Signé à l'écran" not in PdfReader(io.BytesIO(apres_midi.content)).pages[0].extract_text()
    assert navigateur.get(url, {"jour": "2027-03-16", "demi_journee": "matin"}).status_code == 404
    assert navigateur.get(url, {"jour": "demain", "demi_journee": "matin"}).status_code == 404


def test_l_attestation_dit_les_demi_journees_et_les_heures(client, agent):
    r = _formation()
    inscription = _inscrite(r, nom="Martin", prenom="Léa")
    lea = _titulaire(inscription)
    for demi, heures in (("matin", 9), ("apres_midi", 14)):
        services.emarger(
            participant=lea, jour=LUNDI, demi_journee=demi, acteur=agent, maintenant=_a_paris(LUNDI, heures)
        )
    reponse = client.get(reverse("rencontres:attestation", kwargs={"jeton": jeton_de(inscription)}))
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(reponse.content)).pages).replace(
        "\xa0", " "
    )
    assert "lundi 15 mars 2027, matin" in texte and "lundi 15 mars 2027, après-midi" in texte
    assert "7 heures de formation" in texte
    # Une autre personne, venue le matin seulement : 3,5 heures.
    alix = _inscrite(r, 2, nom="Durand", prenom="Alix")
    services.emarger(
        participant=_titulaire(alix),
        jour=LUNDI,
        demi_journee="matin",
        acteur=agent,
        maintenant=_a_paris(LUNDI, 9),
    )
    alix.refresh_from_db()
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(attestation_pdf(alix))).pages)
    assert "3,5 heures de formation" in texte.replace("\xa0", " ") and "après-midi" not in texte
