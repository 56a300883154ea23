"""Les pages publiques : s'inscrire avec son foyer, retrouver son inscription par le lien des
courriels (code, QR, agenda), annuler, confirmer une place libérée ; une saisie refusée garde
ce qui a été tapé."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from rencontres.jetons import jeton_de
from rencontres.models import EtatInscription, Inscription, Question, TypeQuestion
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db


def _donnees(r, **champs):
    donnees = {
        "nom": "Martin",
        "prenom": "Léa",
        "email": "lea.martin@exemple.fr",
        "telephone": "",
        "activites": [str(a.pk) for a in r.activites.all()],
        "liste_d_attente_acceptee": "on",
        "foyer-TOTAL_FORMS": str(r.foyer_max - 1),
        "foyer-INITIAL_FORMS": "0",
        "foyer-MIN_NUM_FORMS": "0",
        "foyer-MAX_NUM_FORMS": str(r.foyer_max - 1),
    }
    for rang in range(r.foyer_max - 1):
        donnees |= {f"foyer-{rang}-prenom": "", f"foyer-{rang}-nom": "", f"foyer-{rang}-lien": "enfant"}
    donnees.update(champs)
    return donnees


def test_un_foyer_s_inscrit_et_retrouve_son_inscription(client, django_capture_on_commit_callbacks):
    r = rencontre(capacites=(10, 10), foyer_max=3)
    assert reverse("rencontres:inscrire", args=[r.pk]) in client.get(r.get_absolute_url()).content.decode()
    donnees = _donnees(r, **{"foyer-0-prenom": "Hugo", "foyer-0-nom": "Martin", "foyer-0-lien": "conjoint"})
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("rencontres:inscrire", args=[r.pk]), donnees)
    inscription = Inscription.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("rencontres:inscription", kwargs={"jeton": jeton_de(inscription)})
    assert inscription.etat == EtatInscription.CONFIRMEE
    assert [p.prenom for p in inscription.participants.all()] == ["Léa", "Hugo"]
    # Le courriel mène à la page de l'inscription, avec le code et le QR.
    [courriel] = mail.outbox
    lien = re.search(r"http\S+/rencontres/inscription/\S+/", courriel.body)
    assert lien is not None
    page = client.get(lien.group(0).split("testserver")[-1].replace("http://127.0.0.1:8000", ""))
    html = page.content.decode()
    assert page.status_code == 200 and inscription.code in html and "<svg" in html
    ics = client.get(reverse("rencontres:inscription_ics", kwargs={"jeton": jeton_de(inscription)}))
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content


def test_une_saisie_refusee_garde_ce_qui_a_ete_tape(client):
    r = rencontre(foyer_max=2)
    question = Question.objects.create(rencontre=r, libelle="Faculté", type=TypeQuestion.TEXTE)
    reponse = client.post(
        reverse("rencontres:inscrire", args=[r.pk]),
        _donnees(r, nom="Dupont-Quéméneur", **{"foyer-0-prenom": "Jules", "foyer-0-nom": "Dupont"}),
    )
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Répondez à cette question" in html and f"question_{question.pk}" in html
    assert "Dupont-Quéméneur" in html and "Jules" in html
    assert not Inscription.objects.exists()


def test_complet_sans_liste_d_attente_est_refuse_clairement(client):
    r = rencontre(capacites=(1,))
    inscrire(r, 1)
    donnees = _donnees(r)
    del donnees["liste_d_attente_acceptee"]
    html = client.post(reverse("rencontres:inscrire", args=[r.pk]), donnees).content.decode()
    assert "Complet" in html and Inscription.objects.count() == 1


def test_annuler_puis_la_place_proposee_se_confirme(client):
    r = rencontre(capacites=(1,))
    premiere = inscrire(r, 1)
    seconde = inscrire(r, 2)
    client.post(reverse("rencontres:annuler", kwargs={"jeton": jeton_de(premiere)}))
    seconde.refresh_from_db()
    assert seconde.etat == EtatInscription.PLACE_PROPOSEE
    page = client.get(reverse("rencontres:inscription", kwargs={"jeton": jeton_de(seconde)})).content.decode()
    assert "Je confirme ma place" in page
    client.post(reverse("rencontres:confirmer", kwargs={"jeton": jeton_de(seconde)}))
    seconde.refresh_from_db()
    assert seconde.etat == EtatInscription.CONFIRMEE


def test_un_jeton_fabrique_ne_mene_nulle_part(client):
    r = rencontre()
    inscription = inscrire(r)
    assert (
        client.get(reverse("rencontres:inscription", kwargs={"jeton": inscription.code})).status_code == 404
    )
    jeton = jeton_de(inscription)
    assert (
        client.get(reverse("rencontres:inscription", kwargs={"jeton": jeton[:-2] + "xx"})).status_code == 404
    )
    assert client.post(reverse("rencontres:annuler", kwargs={"jeton": "abc"})).status_code == 404


def test_la_liste_des_rencontres_a_venir(client):
    r = rencontre()
    html = client.get(reverse("rencontres:liste")).content.decode()
    assert r.titre in html
