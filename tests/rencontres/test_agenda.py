"""Le flux d'agenda privé d'une personne, relu par `icalendar` : toutes ses rencontres (et
seulement les siennes), UID stable d'une lecture à l'autre, SEQUENCE qui monte à l'annulation
et ne redescend pas à la réinscription, annulées CANCELLED, liste d'attente TENTATIVE ; sans
compte, jeton faux 404 ; requêtes constantes ; les liens sur la page de l'inscription et, pour
une personne connectée, sur la liste des rencontres."""

import base64
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from rencontres import services
from rencontres.jetons import jeton_agenda, jeton_de, liens_du_flux
from rencontres.models import StatutRencontre
from tests.outils import compter_requetes
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db

EMAIL = "lea.martin@exemple.fr"


def _url(email: str = EMAIL) -> str:
    return reverse("rencontres:agenda", kwargs={"jeton": jeton_agenda(email)})


def _lire(client: Client, email: str = EMAIL) -> dict[str, dict[str, Any]]:
    reponse = client.get(_url(email))
    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(reponse.content)
    assert str(cal["x-wr-calname"]).startswith("Mes rencontres")
    return {
        str(e["summary"]): {"uid": str(e["uid"]), "sequence": int(e["sequence"]), "status": str(e["status"])}
        for e in cal.walk("VEVENT")
    }


def test_le_flux_liste_mes_rencontres_et_pas_celles_des_autres(client):
    paradis = rencontre()
    soiree = rencontre(titre="Soirée d'accueil des internes", capacites=(1,))
    congres = rencontre(titre="Congrès des maisons de santé")
    inscrire(paradis, 1, email=EMAIL)
    inscrire(soiree, 2)  # la seule place, à quelqu'un d'autre
    inscrire(soiree, 3, email="LEA.Martin@exemple.fr")  # liste d'attente, adresse en majuscules
    inscrire(congres, 4)  # quelqu'un d'autre seulement
    premiere = _lire(client)
    assert set(premiere) == {"Les Paradis du Cotentin", "Soirée d'accueil des internes"}
    assert premiere["Les Paradis du Cotentin"]["status"] == "CONFIRMED"
    assert premiere["Soirée d'accueil des internes"]["status"] == "TENTATIVE"
    assert premiere["Les Paradis du Cotentin"]["uid"].startswith(f"rencontre-{paradis.pk}@")
    # Le même jeton, quelle que soit l'écriture de l'adresse.
    assert jeton_agenda(" Lea.Martin@Exemple.FR ") == jeton_agenda(EMAIL)
    # Relu : mêmes UID, mêmes versions.
    assert _lire(client) == premiere


def test_annulations_sequence_et_reinscription(client):
    paradis = rencontre()
    soiree = rencontre(titre="Soirée d'accueil des internes")
    inscription = inscrire(paradis, 1, email=EMAIL)
    inscrire(soiree, 2, email=EMAIL)
    avant = _lire(client)
    services.annuler(inscription=inscription)
    soiree.statut = StatutRencontre.ANNULEE
    soiree.sequence += 1
    soiree.save()
    apres = _lire(client)
    for titre in ("Les Paradis du Cotentin", "Soirée d'accueil des internes"):
        assert apres[titre]["uid"] == avant[titre]["uid"]
        assert apres[titre]["status"] == "CANCELLED"
        assert apres[titre]["sequence"] > avant[titre]["sequence"]
    # Réinscrite : un seul événement, confirmé, dont la version ne redescend pas.
    inscrire(paradis, 1, email=EMAIL)
    reinscrite = _lire(client)["Les Paradis du Cotentin"]
    assert reinscrite["uid"] == avant["Les Paradis du Cotentin"]["uid"]
    assert reinscrite["status"] == "CONFIRMED"
    assert reinscrite["sequence"] > apres["Les Paradis du Cotentin"]["sequence"]


def test_jeton_faux_ou_adresse_anonymisee(client):
    r = rencontre()
    inscrire(r, 1, email=EMAIL)
    jeton = jeton_agenda(EMAIL)
    # L'adresse ne se lit pas dans le jeton (chiffrée, pas seulement encodée).
    brut = base64.urlsafe_b64decode(jeton + "=" * (-len(jeton) % 4))
    assert b"lea.martin" not in brut and b"exemple" not in brut
    for faux in (jeton[:-2] + "xx", "lea.martin@exemple.fr", jeton_de(r.inscriptions.get()), "!!!"):
        assert client.get(reverse("rencontres:agenda", kwargs={"jeton": faux})).status_code == 404
    # Une adresse sans inscription : un agenda vide, pas une erreur (rien n'est révélé).
    assert _lire(client, "personne@exemple.fr") == {}


def test_requetes_constantes(client):
    r = rencontre(capacites=(None,))
    inscrire(r, 1, email=EMAIL)
    avant = compter_requetes(client, _url())
    for numero in range(5):
        autre = rencontre(titre=f"Rencontre {numero}")
        inscrire(autre, 1, email=EMAIL)
    assert compter_requetes(client, _url()) == avant == 1


def test_les_liens_du_flux(client_de, professionnel):
    r = rencontre()
    inscription = inscrire(r, 1, email=EMAIL)
    page = client_de("anonyme").get(reverse("rencontres:inscription", args=[jeton_de(inscription)]))
    html = page.content.decode()
    assert "Abonner mon agenda à toutes mes rencontres" in html
    liens = liens_du_flux(EMAIL)
    assert liens is not None and liens["https"].endswith(_url())
    assert liens["webcal"] == "webcal://" + liens["https"].split("://", 1)[1]
    assert f'href="{liens["webcal"]}"' in html and f'value="{liens["https"]}"' in html
    # Connectée : la liste des rencontres donne le flux de l'adresse du compte.
    liste = client_de("professionnel").get(reverse("rencontres:liste")).content.decode()
    assert "Abonner mon agenda" in liste and _url(professionnel.email) in liste
    assert "Abonner mon agenda" not in client_de("anonyme").get(reverse("rencontres:liste")).content.decode()
