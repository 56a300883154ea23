"""La section des rencontres du bilan : ce qui a été tenu dans l'année, compté en un nombre de
requêtes fixe, avec l'attractivité des rencontres de promotion ; les heures de formation suivies
d'après l'émargement."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rencontres import services
from rencontres.bilan import lire_rencontres
from rencontres.models import TypeRencontre
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db


def test_section_de_l_annee(django_assert_num_queries):
    maintenant = timezone.now()
    annee = timezone.localdate().year
    debut = maintenant.replace(month=6, day=10, hour=9, minute=0)
    paradis = rencontre(debut=debut, inscriptions_du=debut - timedelta(days=60), inscriptions_au=debut)
    formation = rencontre(
        titre="Formation télésanté",
        type=TypeRencontre.FORMATION_TELESANTE,
        debut=debut + timedelta(days=30),
        inscriptions_du=debut - timedelta(days=60),
        inscriptions_au=debut + timedelta(days=30),
    )
    formation.fin = formation.debut + timedelta(hours=3, minutes=30)
    formation.save()
    avant = debut - timedelta(days=1)
    couple = inscrire(paradis, 1, foyer=1, maintenant=avant)
    seul = inscrire(paradis, 2, maintenant=avant)
    inscrire(paradis, 3, maintenant=avant)  # confirmée, pas venue
    stagiaire = inscrire(formation, 4, maintenant=avant)
    for r, i in ((paradis, couple), (paradis, seul), (formation, stagiaire)):
        services.pointer(rencontre=r, code=i.code, acteur=None)
    # La stagiaire et une seconde, venue sans pointer, émargent la demi-journée de la formation
    # (3,5 heures chacune) ; un émargement aux Paradis (une promotion) ne compte pas.
    seconde = inscrire(formation, 5, maintenant=avant)
    for r, i in ((formation, stagiaire), (formation, seconde), (paradis, couple)):
        demi = services.demi_journees(r)[0]
        services.emarger(
            participant=i.participants.get(lien="titulaire"),
            jour=demi.jour,
            demi_journee=demi.demi_journee,
            acteur=None,
            maintenant=demi.fin - timedelta(minutes=1),
        )
    with django_assert_num_queries(3):  # les rencontres, les foyers, l'attractivité
        donnees = lire_rencontres(annee)
    assert donnees.tenues == 2
    assert [(ligne.confirmees, ligne.presentes) for ligne in donnees.lignes] == [(3, 2), (2, 2)]
    assert donnees.personnes == 5 and donnees.foyers == 1
    assert donnees.heures_de_formation == 3.5 and donnees.attestations == 4
    assert [ligne.heures_suivies for ligne in donnees.lignes] == [3.5, 7.0]
    assert donnees.heures_suivies == 7.0
    # L'attractivité : la seule rencontre de promotion, personne n'y a donné d'accord.
    assert donnees.rencontres_suivies == 1
    assert (donnees.attractivite.inscrits, donnees.attractivite.presents) == (3, 2)
    assert donnees.attractivite.accords == 0
    assert lire_rencontres(annee - 1).tenues == 0
