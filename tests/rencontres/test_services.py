"""Les inscriptions : tout ou rien pour un foyer, liste d'attente et promotions, modération,
accueil. Les refus ne laissent rien derrière eux."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rencontres import services
from rencontres.models import EtatInscription, Inscription, Place, Question, StatutRencontre, TypeQuestion
from rencontres.services import places_occupees
from tests.rencontres.factories import inscrire, rencontre, saisie

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("capacite", "deja", "foyer", "moderee", "attendu"),
    [
        (10, 0, 0, False, EtatInscription.CONFIRMEE),
        (10, 0, 3, False, EtatInscription.CONFIRMEE),  # un foyer de quatre tient
        (4, 1, 3, False, EtatInscription.LISTE_D_ATTENTE),  # 1 + 4 > 4 : tout le foyer attend
        (4, 0, 3, False, EtatInscription.CONFIRMEE),  # exactement la capacité
        (10, 0, 0, True, EtatInscription.EN_ATTENTE_DE_VALIDATION),
        (1, 1, 0, True, EtatInscription.LISTE_D_ATTENTE),  # une inscription à valider tient sa place
        (None, 50, 3, False, EtatInscription.CONFIRMEE),  # sans limite
    ],
)
def test_etat_d_une_inscription(capacite, deja, foyer, moderee, attendu):
    r = rencontre(capacites=(capacite,), moderee=moderee, foyer_max=4)
    for numero in range(deja):
        inscrire(r, 100 + numero)
    inscription = inscrire(r, foyer=foyer)
    assert inscription.etat == attendu
    assert inscription.participants.count() == foyer + 1
    assert Place.objects.filter(inscription=inscription).count() == foyer + 1


def test_tout_ou_rien_sur_plusieurs_activites():
    # Le dîner a de la place, la sortie en mer n'en a plus qu'une : le couple attend pour tout.
    r = rencontre(capacites=(10, 3))
    inscrire(r, 1, foyer=1)
    couple = inscrire(r, 2, foyer=1)
    assert couple.etat == EtatInscription.LISTE_D_ATTENTE
    diner, mer = r.activites.order_by("ordre")
    assert places_occupees([diner.pk, mer.pk]) == {diner.pk: 2, mer.pk: 2}


def test_complet_et_liste_d_attente_refusee():
    r = rencontre(capacites=(1,))
    inscrire(r, 1)
    with pytest.raises(ValidationError, match="Complet"):
        inscrire(r, 2, liste_d_attente_acceptee=False)
    assert Inscription.objects.count() == 1


@pytest.mark.parametrize(
    ("champs", "champ_en_erreur"),
    [
        ({"foyer": 4}, "foyer"),  # 5 personnes pour 4 au plus
        ({"nom": ""}, "nom"),
        ({"activites": []}, "activites"),
    ],
)
def test_saisies_refusees(champs, champ_en_erreur):
    r = rencontre()
    with pytest.raises(ValidationError) as refus:
        inscrire(r, **champs)
    assert champ_en_erreur in refus.value.message_dict
    assert not Inscription.objects.exists()


def test_une_reponse_obligatoire_manquante():
    r = rencontre()
    question = Question.objects.create(
        rencontre=r, libelle="Régime alimentaire", type=TypeQuestion.CHOIX, choix=["aucun", "végétarien"]
    )
    with pytest.raises(ValidationError) as refus:
        inscrire(r)
    assert f"question_{question.pk}" in refus.value.message_dict
    with pytest.raises(ValidationError):
        inscrire(r, reponses={question.pk: "carnivore"})
    inscription = inscrire(r, reponses={question.pk: "végétarien"})
    assert inscription.reponses.get().valeur == "végétarien"


def test_fenetre_d_inscription():
    r = rencontre()
    with pytest.raises(ValidationError, match="closes depuis le"):
        inscrire(r, maintenant=r.inscriptions_au + timedelta(minutes=1))
    with pytest.raises(ValidationError, match="ouvriront le"):
        inscrire(r, maintenant=r.inscriptions_du - timedelta(minutes=1))
    r.statut = StatutRencontre.BROUILLON
    r.save()
    with pytest.raises(ValidationError, match="pas ouverte"):
        inscrire(r)


def test_une_adresse_une_inscription_active():
    r = rencontre()
    premiere = inscrire(r)
    with pytest.raises(ValidationError) as refus:
        inscrire(r, email="INTERNE1@exemple.fr")
    assert "email" in refus.value.message_dict
    services.annuler(inscription=premiere)
    assert inscrire(r).etat == EtatInscription.CONFIRMEE


def test_annuler_promeut_le_premier_foyer_qui_tient_et_le_delai_passe_au_suivant():
    r = rencontre(capacites=(2,))
    a = inscrire(r, 1, foyer=1)  # 2 places : complet
    grand = inscrire(r, 2, foyer=2)  # 3 personnes : attend
    seul = inscrire(r, 3)  # 1 personne : attend
    assert (grand.etat, seul.etat) == (EtatInscription.LISTE_D_ATTENTE,) * 2
    services.annuler(inscription=a)
    grand.refresh_from_db()
    seul.refresh_from_db()
    # Le foyer de trois ne tient pas dans deux places : il garde son rang ; la personne seule passe.
    assert grand.etat == EtatInscription.LISTE_D_ATTENTE
    assert seul.etat == EtatInscription.PLACE_PROPOSEE
    assert seul.place_a_confirmer_avant is not None
    # Sans confirmation à temps, la place est rendue et passe au suivant qui tient.
    apres = seul.place_a_confirmer_avant + timedelta(minutes=1)
    with pytest.raises(ValidationError, match="délai"):
        services.confirmer_place(inscription=seul, maintenant=apres)
    assert services.expirer_les_places_proposees(maintenant=apres) == 1
    assert services.expirer_les_places_proposees(maintenant=apres) == 0
    seul.refresh_from_db()
    assert seul.etat == EtatInscription.ANNULEE
    grand.refresh_from_db()
    assert grand.etat == EtatInscription.LISTE_D_ATTENTE


def test_confirmer_une_place_proposee():
    r = rencontre(capacites=(1,))
    a = inscrire(r, 1)
    b = inscrire(r, 2)
    services.annuler(inscription=a)
    b.refresh_from_db()
    b = services.confirmer_place(inscription=b)
    assert b.etat == EtatInscription.CONFIRMEE and b.place_a_confirmer_avant is None


def test_quitter_la_liste_d_attente_soi_meme():
    r = rencontre(capacites=(1,))
    inscrire(r, 1)
    b = inscrire(r, 2)
    b = services.annuler(inscription=b)
    assert b.etat == EtatInscription.ANNULEE and b.sequence == 1


def test_valider_une_inscription_moderee():
    r = rencontre(moderee=True)
    inscription = inscrire(r)
    assert services.valider(inscription=inscription, acteur=None).etat == EtatInscription.CONFIRMEE
    with pytest.raises(ValidationError):
        services.valider(inscription=inscription, acteur=None)


def test_pointer_a_l_accueil_une_seule_fois():
    r = rencontre()
    inscription = inscrire(r)
    pointee = services.pointer(rencontre=r, code=inscription.code.lower(), acteur=None)
    assert pointee.arrivee_le is not None
    with pytest.raises(ValidationError, match="déjà été pointé"):
        services.pointer(rencontre=r, code=inscription.code, acteur=None)
    with pytest.raises(ValidationError, match="Aucune inscription"):
        services.pointer(rencontre=r, code="ZZZZZZZZZZ", acteur=None)


def test_le_courriel_porte_le_code_et_l_agenda(mailoutbox, django_capture_on_commit_callbacks):
    r = rencontre()
    with django_capture_on_commit_callbacks(execute=True):
        inscription = inscrire(r)
    [courriel] = mailoutbox
    assert "Inscription confirmée" in courriel.subject
    assert inscription.code in courriel.body
    [(nom, contenu, type_mime)] = courriel.attachments
    assert nom == "rencontre.ics" and type_mime.startswith("text/calendar")
    assert "BEGIN:VEVENT" in (contenu if isinstance(contenu, str) else contenu.decode())


def test_saisie_par_defaut_choisit_toutes_les_activites():
    r = rencontre(capacites=(5, 5))
    assert len(saisie(r).activites) == 2
    assert timezone.now() < r.inscriptions_au
