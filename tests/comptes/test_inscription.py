import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import IntegrityError

from comptes.models import Utilisateur
from tests.comptes.factories import MOT_DE_PASSE, UtilisateurFactory

pytestmark = pytest.mark.django_db


def _inscrire(client, **champs):
    donnees = {
        "prenom": "Inès",
        "nom": "Lefèvre",
        "email": "Ines.Lefevre@Exemple.fr",
        "password1": MOT_DE_PASSE,
        "password2": MOT_DE_PASSE,
        **champs,
    }
    return client.post("/comptes/signup/", donnees)


def test_inscription_exige_la_verification_de_l_adresse(client):
    reponse = _inscrire(client)
    assert reponse.status_code == 302
    assert reponse["Location"] == "/comptes/confirm-email/"
    utilisateur = Utilisateur.objects.get()
    assert (utilisateur.email, utilisateur.prenom, utilisateur.nom) == (
        "ines.lefevre@exemple.fr",
        "Inès",
        "Lefèvre",
    )
    assert not utilisateur.is_staff
    assert not EmailAddress.objects.get(user=utilisateur).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ines.lefevre@exemple.fr"]

    # Tant que l'adresse n'est pas vérifiée, la connexion renvoie à la vérification.
    connexion = client.post("/comptes/login/", {"login": "ines.lefevre@exemple.fr", "password": MOT_DE_PASSE})
    assert connexion["Location"] == "/comptes/confirm-email/"
    assert "_auth_user_id" not in client.session

    lien = re.search(r"http://testserver(/comptes/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert client.get(lien).status_code == 200
    assert client.post(lien).status_code == 302
    assert EmailAddress.objects.get(user=utilisateur).verified

    connexion = client.post("/comptes/login/", {"login": "ines.lefevre@exemple.fr", "password": MOT_DE_PASSE})
    assert connexion["Location"] == "/"
    assert client.session["_auth_user_id"] == str(utilisateur.pk)


def test_inscription_invalide_garde_la_saisie_et_explique_en_francais(client):
    UtilisateurFactory(email="deja@exemple.fr")
    reponse = _inscrire(client, email="deja@exemple.fr", password2="autre-chose-123456", nom="")
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert 'value="Inès"' in contenu
    assert "Ce champ est obligatoire." in contenu
    assert "Vous devez saisir deux fois le même mot de passe." in contenu
    assert Utilisateur.objects.count() == 1


def test_inscription_avec_une_adresse_connue_ne_revele_rien(client):
    """Pas d'énumération des comptes : même réponse, et un courriel au titulaire de l'adresse."""
    UtilisateurFactory(email="deja@exemple.fr")
    reponse = _inscrire(client, email="deja@exemple.fr")
    assert reponse["Location"] == "/comptes/confirm-email/"
    assert Utilisateur.objects.count() == 1
    assert mail.outbox[0].to == ["deja@exemple.fr"]


def test_mot_de_passe_trop_court_refuse(client):
    contenu = _inscrire(client, password1="court-123", password2="court-123").content.decode()
    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in contenu


def test_adresse_unique_sans_tenir_compte_de_la_casse(db):
    UtilisateurFactory(email="Camille@Exemple.fr")
    assert Utilisateur.objects.get().email == "camille@exemple.fr"
    with pytest.raises(IntegrityError):
        Utilisateur.objects.create_user(email="CAMILLE@exemple.fr", password="x")


def test_mot_de_passe_oublie_envoie_un_lien(client, professionnel):
    reponse = client.post("/comptes/password/reset/", {"email": professionnel.email})
    assert reponse.status_code == 302
    assert len(mail.outbox) == 1
    assert "/comptes/password/reset/key/" in mail.outbox[0].body


def test_superutilisateur_par_le_gestionnaire(db):
    admin = Utilisateur.objects.create_superuser("Chef@Exemple.fr", "Mot-de-passe-solide-42")
    assert admin.is_staff and admin.is_superuser and admin.email == "chef@exemple.fr"
    assert str(admin) == "chef@exemple.fr"
