"""Les pages de l'organisation : réservées aux agents (404 pour les autres), inscriptions
filtrées, validation, accueil à l'entrée (code, code déjà pointé, recherche par nom, venue sur
place), requêtes constantes."""

import pytest
from django.urls import reverse

from rencontres import services
from rencontres.models import EtatInscription, Inscription
from tests.conftest import PERSONAS
from tests.outils import compter_requetes
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrice_des_droits(client_de, persona):
    r = rencontre()
    inscription = inscrire(r)
    client = client_de(persona)
    organise = persona in ("agent", "superutilisateur")
    for url in (
        reverse("rencontres:organisation"),
        reverse("rencontres:inscriptions", args=[r.pk]),
        reverse("rencontres:accueil", args=[r.pk]),
    ):
        statut = client.get(url).status_code
        attendu = 200 if organise else (302 if persona == "anonyme" else 404)
        assert statut == attendu, (persona, url, statut)
    reponse = client.post(reverse("rencontres:accueil", args=[r.pk]), {"code": inscription.code})
    inscription.refresh_from_db()
    assert (inscription.arrivee_le is not None) == organise
    assert reponse.status_code in ((302,) if organise else (302, 404))
    # Les pages publiques restent ouvertes à tous.
    assert client.get(r.get_absolute_url()).status_code == 200


def test_filtres_et_validation(client_de):
    r = rencontre(moderee=True)
    lea = inscrire(r, 1, nom="Martin", prenom="Léa")
    inscrire(r, 2, nom="Durand")
    agent = client_de("agent")
    html = agent.get(reverse("rencontres:inscriptions", args=[r.pk]), {"q": "lea"}).content.decode()
    assert "Martin" in html and "Durand" not in html
    html = agent.get(reverse("rencontres:inscriptions", args=[r.pk]), {"etat": "a_valider"}).content.decode()
    assert "2 inscriptions" in html
    agent.post(reverse("rencontres:valider", args=[r.pk, lea.pk]))
    lea.refresh_from_db()
    assert lea.etat == EtatInscription.CONFIRMEE


def test_accueil_code_deja_pointe_recherche_et_sur_place(client_de):
    r = rencontre(capacites=(3,))
    lea = inscrire(r, 1, nom="Martin", prenom="Léa", foyer=1)
    agent = client_de("agent")
    page = agent.get(reverse("rencontres:accueil", args=[r.pk]), {"code": lea.code}).content.decode()
    assert f'value="{lea.code}"' in page and "Martin" in page
    agent.post(reverse("rencontres:accueil", args=[r.pk]), {"code": lea.code})
    deuxieme = agent.post(reverse("rencontres:accueil", args=[r.pk]), {"code": lea.code})
    assert deuxieme.status_code == 200 and "déjà été pointé" in deuxieme.content.decode()
    # Venue sur place : une place reste (3 - 2) ; deux personnes ne tiennent plus.
    refus = agent.post(
        reverse("rencontres:sur_place", args=[r.pk]),
        {"sur_place-prenom": "Jo", "sur_place-nom": "Lenoir", "sur_place-accompagnants": "1"},
        follow=True,
    )
    assert "Complet" in refus.content.decode()
    agent.post(
        reverse("rencontres:sur_place", args=[r.pk]),
        {"sur_place-prenom": "Jo", "sur_place-nom": "Lenoir", "sur_place-accompagnants": "0"},
    )
    venue = Inscription.objects.get(nom="Lenoir")
    assert venue.etat == EtatInscription.CONFIRMEE and venue.arrivee_le is not None and venue.email == ""


def test_requetes_constantes(client_de):
    r = rencontre(capacites=(50, None))
    inscrire(r, 100, foyer=1)
    agent = client_de("agent")
    urls = [reverse("rencontres:inscriptions", args=[r.pk]), reverse("rencontres:organisation")]
    avant = [compter_requetes(agent, url) for url in urls]
    for numero in range(8):
        inscrire(r, numero, foyer=1)
    assert [compter_requetes(agent, url) for url in urls] == avant == [14, 9]
    assert compter_requetes(agent, reverse("rencontres:accueil", args=[r.pk]) + "?q=interne") <= avant[0]


def test_export_des_inscriptions_filtre(client_de):
    from rencontres.models import Question, TypeQuestion

    r = rencontre(capacites=(1,))
    question = Question.objects.create(
        rencontre=r, libelle="Faculté", type=TypeQuestion.TEXTE, obligatoire=False
    )
    inscrire(r, 1, nom="Martin", prenom="Léa", reponses={question.pk: "=HYPERLINK(1)"})
    inscrire(r, 2, nom="Durand")
    agent = client_de("agent")
    csv = agent.get(reverse("rencontres:inscriptions_csv", args=[r.pk]), {"etat": "liste_attente"})
    texte = csv.content.decode("utf-8-sig")
    assert csv.status_code == 200 and "Durand" in texte and "Martin" not in texte
    tout = agent.get(reverse("rencontres:inscriptions_csv", args=[r.pk])).content.decode("utf-8-sig")
    assert "Faculté" in tout and "'=HYPERLINK(1)" in tout
    assert agent.get(reverse("rencontres:inscriptions_xlsx", args=[r.pk])).status_code == 200
    assert (
        client_de("professionnel").get(reverse("rencontres:inscriptions_csv", args=[r.pk])).status_code == 404
    )


def test_badges_et_emargement_relus(client_de):
    import io

    from pypdf import PdfReader

    r = rencontre(capacites=(10, 10))
    inscrire(
        r,
        1,
        nom="Martin",
        prenom="Léa",
        profession="Interne en médecine générale",
        structure="CHU de Caen",
        foyer=1,
    )
    inscrire(r, 2, nom="Durand", prenom="Alix")
    agent = client_de("agent")
    badges = agent.get(reverse("rencontres:badges", args=[r.pk]))
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(badges.content)).pages)
    assert "Léa Martin" in texte and "Interne en médecine générale" in texte and "CHU de Caen" in texte
    assert "Foyer de 2 personnes" in texte and "Alix Durand" in texte
    feuilles = PdfReader(io.BytesIO(agent.get(reverse("rencontres:emargement", args=[r.pk])).content))
    assert len(feuilles.pages) == 2  # une feuille par activité
    assert (
        "Martin Léa" in feuilles.pages[0].extract_text() and "Signature" in feuilles.pages[1].extract_text()
    )
    assert client_de("professionnel").get(reverse("rencontres:badges", args=[r.pk])).status_code == 404


def test_un_message_aux_inscrits_d_une_activite(client_de, mailoutbox, django_capture_on_commit_callbacks):
    r = rencontre(capacites=(10, 10))
    diner, mer = r.activites.order_by("ordre")
    inscrire(r, 1, activites=[diner])
    inscrire(r, 2, activites=[diner, mer], foyer=1)
    agent = client_de("agent")
    mailoutbox.clear()
    vide = agent.post(reverse("rencontres:messages", args=[r.pk]), {"sujet": "", "texte": "x", "etat": ""})
    assert "Donnez un sujet" in vide.content.decode() or "obligatoire" in vide.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        agent.post(
            reverse("rencontres:messages", args=[r.pk]),
            {
                "sujet": "Gilets et bottes",
                "texte": "Prévoyez des vêtements chauds.",
                "etat": "",
                "activite": mer.pk,
            },
        )
    assert [m.to for m in mailoutbox] == [["interne2@exemple.fr"]]
    assert "vêtements chauds" in mailoutbox[0].body
    assert "Gilets et bottes" in agent.get(reverse("rencontres:messages", args=[r.pk])).content.decode()
    assert client_de("professionnel").get(reverse("rencontres:messages", args=[r.pk])).status_code == 404


def test_l_accord_pour_le_vivier_dans_l_export(client_de):
    r = rencontre(propose_le_vivier=True)
    inscrire(r, 1, nom="Martin", accord_vivier=True)
    retire = inscrire(r, 2, nom="Durand", accord_vivier=True)
    inscrire(r, 3, nom="Petit")
    services.accord_vivier_retirer(inscription=retire)
    texte = (
        client_de("agent")
        .get(reverse("rencontres:inscriptions_csv", args=[r.pk]))
        .content.decode("utf-8-sig")
    )
    lignes = {ligne.split(";")[0]: ligne for ligne in texte.splitlines()[1:]}
    assert "Accord pour le vivier" in texte.splitlines()[0]
    assert "donné le" in lignes["Martin"] and "retiré" not in lignes["Martin"]
    assert "retiré le" in lignes["Durand"] and "donné le" not in lignes["Petit"]


def test_le_courriel_de_confirmation_porte_le_flux_d_agenda(mailoutbox, django_capture_on_commit_callbacks):
    r = rencontre()
    with django_capture_on_commit_callbacks(execute=True):
        inscrire(r, 1)
    [courriel] = mailoutbox
    assert "/rencontres/agenda/" in courriel.body and "webcal://" in courriel.alternatives[0][0]
