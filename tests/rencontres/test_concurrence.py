"""La dernière place prise par deux personnes au même instant, sur le vrai PostgreSQL : chacune
dans sa connexion et sa transaction, lâchées ensemble. Le verrou de la rencontre les fait
passer l'une après l'autre : jamais plus d'inscrits que de places."""

import threading

import pytest
from django.db import connection

from rencontres.models import EtatInscription, Inscription
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db(transaction=True)


def _en_meme_temps(r, numeros: list[int]) -> list[BaseException]:
    depart = threading.Barrier(len(numeros))
    erreurs: list[BaseException] = []

    def une_personne(numero: int) -> None:
        try:
            depart.wait()
            inscrire(r, numero)
        except BaseException as erreur:  # noqa: BLE001 (rapportée au test)
            erreurs.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=une_personne, args=(n,)) for n in numeros]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=60)
    return erreurs


def test_deux_personnes_pour_la_derniere_place_en_ont_une_entre_elles():
    r = rencontre(capacites=(1,))
    assert _en_meme_temps(r, [1, 2]) == []
    etats = sorted(Inscription.objects.values_list("etat", flat=True))
    assert etats == sorted([EtatInscription.CONFIRMEE, EtatInscription.LISTE_D_ATTENTE])


def test_vingt_personnes_pour_cinq_places():
    r = rencontre(capacites=(5,))
    assert _en_meme_temps(r, list(range(1, 21))) == []
    assert Inscription.objects.filter(etat=EtatInscription.CONFIRMEE).count() == 5
    assert Inscription.objects.filter(etat=EtatInscription.LISTE_D_ATTENTE).count() == 15


def test_la_meme_adresse_deux_fois_au_meme_instant():
    """La vérification de l'adresse se fait avant le verrou : la contrainte de la base garde
    une seule inscription, l'autre reçoit le message en français."""
    from django.core.exceptions import ValidationError

    r = rencontre(capacites=(10,))
    erreurs = _en_meme_temps(r, [7, 7])
    assert Inscription.objects.count() == 1
    assert len(erreurs) <= 1 and all(isinstance(e, ValidationError) for e in erreurs)
