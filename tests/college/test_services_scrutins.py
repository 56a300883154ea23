"""Les services des scrutins, appelés directement sur le vrai PostgreSQL : préparation,
candidatures, intérêts déclarés, procurations, ouverture (règles figées, corps électoral
photographié, exclusions), bulletins, clôture, tâches périodiques et procès-verbal."""

import ast
import datetime as dt
import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from college import decompte, services, tasks
from college.chiffrement import TAILLE_SCELLEE
from college.models import (
    Bulletin,
    BulletinScelle,
    Choix,
    DeclarationInteret,
    Electeur,
    Emargement,
    ProcurationVote,
    Scrutin,
    StatutScrutin,
    TypeScrutin,
)
from comptes.models import Utilisateur
from conseil.models import BaseMajorite, Departage, Instance, Procuration, RoleMandat
from conseil.services import proces_verbal_texte_initial
from socle.francais import date_et_heure
from socle.models import Evenement, FrequenceNotifications, Notification
from tests.college.factories import ScrutinFactory, TexteFactory, urne_ouverte
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import (
    CollegeFactory,
    ConseilFactory,
    InstanceFactory,
    MandatFactory,
    PointFactory,
    ReunionFactory,
)

pytestmark = pytest.mark.django_db

POUR, CONTRE, ABSTENTION = Choix.POUR, Choix.CONTRE, Choix.ABSTENTION


def message(erreur: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(erreur.value.messages)


@pytest.fixture
def college() -> Instance:
    return CollegeFactory()


@pytest.fixture
def membres(college: Instance) -> list[Utilisateur]:
    """Cinq membres titulaires du Collège : Alice, Bruno, Chloé, David, Emma."""
    return [
        MandatFactory(instance=college, personne=UtilisateurFactory(prenom=prenom, nom="Collège")).personne
        for prenom in ("Alice", "Bruno", "Chloé", "David", "Emma")
    ]


def personne(prenom: str, nom: str) -> Utilisateur:
    return UtilisateurFactory(prenom=prenom, nom=nom)


def preparer(**champs: Any) -> Scrutin:
    """Un scrutin en préparation (typé comme le modèle, non comme la fabrique)."""
    return ScrutinFactory(**champs)


def ouvrir(scrutin: Scrutin, acteur: Utilisateur) -> Scrutin:
    return services.scrutin_ouvrir(scrutin=scrutin, acteur=acteur)


def passer_la_cloture(scrutin: Scrutin) -> None:
    """Comme si l'heure de clôture était passée (le temps avance par l'ORM)."""
    maintenant = timezone.now()
    Scrutin.objects.filter(pk=scrutin.pk).update(
        ouverture=maintenant - dt.timedelta(days=2), cloture=maintenant - dt.timedelta(minutes=1)
    )
    scrutin.refresh_from_db()


def voter(scrutin: Scrutin, votant: Utilisateur, choix: str = POUR, **champs: Any) -> str:
    return services.bulletin_deposer(scrutin=scrutin, votant=votant, choix=choix, **champs)


def clore(scrutin: Scrutin, secretariat: Utilisateur) -> Scrutin:
    return services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Tous les membres ont voté.")


# --- Préparation ------------------------------------------------------------------------


def creer(college: Instance, acteur: Utilisateur, **champs: Any) -> Scrutin:
    maintenant = timezone.now()
    valeurs: dict[str, Any] = {
        "type_scrutin": TypeScrutin.DELIBERATION,
        "titre": "Adoption de la charte",
        "ouverture": maintenant,
        "cloture": maintenant + dt.timedelta(days=7),
    }
    return services.scrutin_creer(acteur=acteur, instance=college, **(valeurs | champs))


def test_scrutin_creer(college, secretariat):
    texte = TexteFactory(instance=college)
    scrutin = creer(college, secretariat, objet=texte, question="Adoptez-vous la charte ?")
    assert scrutin.statut == StatutScrutin.PREPARATION
    assert scrutin.objet == texte
    assert scrutin.cree_par == secretariat
    # Les règles ne sont figées qu'à l'ouverture.
    assert (scrutin.quorum_part, scrutin.base_majorite, scrutin.resultat) == (None, "", None)
    evenement = Evenement.objects.get(verbe="college.scrutin.cree")
    assert (evenement.acteur, evenement.cible_id, evenement.etat_apres) == (
        secretariat,
        str(scrutin.pk),
        StatutScrutin.PREPARATION,
    )


@pytest.mark.parametrize(
    ("vote_secret", "secret", "attendu"),
    [(True, None, True), (False, None, False), (True, False, False), (False, True, True)],
)
def test_scrutin_creer_secret_par_defaut_celui_de_l_instance(
    college, secretariat, vote_secret, secret, attendu
):
    Instance.objects.filter(pk=college.pk).update(vote_secret=vote_secret)
    college.refresh_from_db()
    assert creer(college, secretariat, secret=secret).secret is attendu


@pytest.mark.parametrize(
    ("champs", "cle", "attendu"),
    [
        pytest.param(
            {"cloture_decalage": dt.timedelta(0)},
            "cloture",
            "doit suivre son ouverture",
            id="clôture = ouverture",
        ),
        pytest.param(
            {"cloture_decalage": -dt.timedelta(hours=1)},
            "cloture",
            "doit suivre son ouverture",
            id="clôture avant",
        ),
        pytest.param(
            {"sieges": 2},
            "sieges",
            "Seule une élection pourvoit plusieurs sièges",
            id="délibération à 2 sièges",
        ),
        pytest.param(
            {"sieges": 0, "type_scrutin": TypeScrutin.ELECTION},
            "sieges",
            "Au moins un siège",
            id="élection sans siège",
        ),
    ],
)
def test_scrutin_creer_refuse(college, secretariat, champs, cle, attendu):
    if "cloture_decalage" in champs:
        ouverture = timezone.now()
        champs = {"ouverture": ouverture, "cloture": ouverture + champs.pop("cloture_decalage")}
    with pytest.raises(ValidationError) as erreur:
        creer(college, secretariat, **champs)
    assert cle in erreur.value.message_dict
    assert attendu in message(erreur)
    assert not Scrutin.objects.exists()


def test_scrutin_creer_refuse_une_seance_d_une_autre_instance(college, secretariat):
    seance_du_conseil = ReunionFactory(instance=ConseilFactory())
    with pytest.raises(ValidationError, match="même instance"):
        creer(college, secretariat, reunion=seance_du_conseil)
    assert creer(college, secretariat, reunion=ReunionFactory(instance=college)).reunion is not None


def election(college: Instance, **champs: Any) -> Scrutin:
    return preparer(instance=college, type_scrutin=TypeScrutin.ELECTION, titre="Représentant", **champs)


def test_candidature_declarer(college, membres, secretariat):
    scrutin = election(college)
    alice, bruno = membres[:2]
    candidature = services.candidature_declarer(
        scrutin=scrutin, personne=alice, acteur=alice, date_naissance=dt.date(1970, 3, 1)
    )
    assert (candidature.personne, candidature.date_naissance) == (alice, dt.date(1970, 3, 1))
    # Le secrétariat enregistre la candidature d'un membre.
    services.candidature_declarer(scrutin=scrutin, personne=bruno, acteur=secretariat)
    assert scrutin.candidatures.count() == 2
    assert Evenement.objects.filter(verbe="college.candidature.declaree").count() == 2


def test_candidature_refusee(college, membres, secretariat):
    scrutin = election(college)
    alice, bruno = membres[:2]
    with pytest.raises(ValidationError, match="Seul le membre lui-même ou le secrétariat"):
        services.candidature_declarer(scrutin=scrutin, personne=bruno, acteur=alice)
    etranger = UtilisateurFactory(prenom="Xavier", nom="Dehors")
    with pytest.raises(ValidationError, match="Xavier Dehors n'est pas membre"):
        services.candidature_declarer(scrutin=scrutin, personne=etranger, acteur=etranger)
    services.candidature_declarer(scrutin=scrutin, personne=alice, acteur=alice)
    with pytest.raises(ValidationError, match="est déjà candidat"):
        services.candidature_declarer(scrutin=scrutin, personne=alice, acteur=secretariat)
    deliberation = preparer(instance=college)
    with pytest.raises(ValidationError, match="qu'à une élection"):
        services.candidature_declarer(scrutin=deliberation, personne=alice, acteur=alice)
    ouvrir(scrutin, secretariat)
    with pytest.raises(ValidationError, match="Le scrutin est ouvert"):
        services.candidature_declarer(scrutin=scrutin, personne=bruno, acteur=bruno)
    with pytest.raises(ValidationError, match="Le scrutin est ouvert"):
        services.candidature_retirer(candidature=scrutin.candidatures.get(), acteur=alice)
    assert list(scrutin.candidatures.values_list("personne", flat=True)) == [alice.pk]


def test_candidature_d_un_suppleant_ou_d_un_mandat_termine_refusee(college, membres, secretariat):
    scrutin = election(college)
    suppleant = MandatFactory(instance=college, role=RoleMandat.SUPPLEANT).personne
    ancien = MandatFactory(
        instance=college,
        debut=timezone.localdate() - dt.timedelta(days=400),
        fin=timezone.localdate() - dt.timedelta(days=1),
    ).personne
    for personne in (suppleant, ancien):
        with pytest.raises(ValidationError, match="pas de candidature possible"):
            services.candidature_declarer(scrutin=scrutin, personne=personne, acteur=secretariat)


def test_interet_declarer(college, membres, secretariat):
    alice, bruno, chloe = membres[:3]
    texte = TexteFactory(instance=college)
    declaration = services.interet_declarer(
        personne=alice, objet=texte, nature="J'en suis l'auteure.", acteur=alice
    )
    assert (declaration.objet, declaration.declaree_par) == (texte, alice)
    services.interet_declarer(personne=bruno, objet=texte, nature="Mon employeur.", acteur=secretariat)
    with pytest.raises(ValidationError, match="Seul le membre lui-même ou le secrétariat"):
        services.interet_declarer(personne=chloe, objet=texte, nature="Parce que.", acteur=alice)
    with pytest.raises(ValidationError) as erreur:
        services.interet_declarer(personne=chloe, objet=texte, nature="   ", acteur=chloe)
    assert "nature" in erreur.value.message_dict
    with pytest.raises(ValidationError, match="déjà déclaré"):
        services.interet_declarer(personne=alice, objet=texte, nature="Encore.", acteur=alice)
    assert DeclarationInteret.objects.count() == 2
    assert Evenement.objects.filter(verbe="college.interet.declare", cible_id=str(texte.pk)).count() == 2


# --- Procurations de vote ---------------------------------------------------------------


def donner(
    scrutin: Scrutin, mandant: Utilisateur, mandataire: Utilisateur, acteur: Utilisateur | None = None
):
    return services.procuration_vote_donner(
        scrutin=scrutin, mandant=mandant, mandataire=mandataire, acteur=acteur or mandant
    )


def test_procuration_vote_donner(college, membres, secretariat):
    scrutin = preparer(instance=college)
    alice, bruno, chloe, david = membres[:4]
    procuration = donner(scrutin, alice, bruno)
    assert (procuration.mandant, procuration.mandataire, procuration.de_la_seance) == (alice, bruno, False)
    # Le secrétariat l'enregistre pour un membre.
    donner(scrutin, chloe, david, acteur=secretariat)
    assert ProcurationVote.objects.filter(scrutin=scrutin).count() == 2
    journal = Evenement.objects.filter(verbe="college.procuration.donnee")
    assert {(e.acteur, e.donnees["mandant"], e.donnees["mandataire"]) for e in journal} == {
        (alice, alice.pk, bruno.pk),
        (secretariat, chloe.pk, david.pk),
    }


def test_le_mandant_change_de_mandataire(college, membres):
    scrutin = preparer(instance=college)
    alice, bruno, chloe = membres[:3]
    donner(scrutin, alice, bruno)
    donner(scrutin, alice, chloe)
    assert list(ProcurationVote.objects.values_list("mandant", "mandataire")) == [(alice.pk, chloe.pk)]


def test_procuration_refusee(college, membres, secretariat):
    scrutin = preparer(instance=college)
    alice, bruno, chloe, david, emma = membres
    etranger = personne("Xavier", "Dehors")
    cas: list[tuple[Utilisateur, Utilisateur, Utilisateur, str]] = [
        (etranger, alice, etranger, "Xavier Dehors ne vote pas à ce scrutin"),
        (
            alice,
            etranger,
            alice,
            "Xavier Dehors ne vote pas à ce scrutin : la procuration ne peut lui être donnée",
        ),
        (alice, alice, alice, "Choisissez un autre membre du corps électoral"),
        (alice, bruno, chloe, "Seul le membre lui-même ou le secrétariat"),
    ]
    for mandant, mandataire, acteur, attendu in cas:
        with pytest.raises(ValidationError) as erreur:
            donner(scrutin, mandant, mandataire, acteur=acteur)
        assert attendu in message(erreur)
    # Bruno détient la procuration d'Alice : il a atteint le plafond de l'instance (1).
    donner(scrutin, alice, bruno)
    with pytest.raises(ValidationError) as erreur:
        donner(scrutin, chloe, bruno)
    assert "détient déjà le nombre maximal de procurations (1)" in message(erreur)
    assert "mandataire" in erreur.value.message_dict
    # Alice a donné la sienne : elle ne peut pas en recevoir.
    with pytest.raises(ValidationError, match="a lui-même donné procuration"):
        donner(scrutin, david, alice)
    # Bruno en détient une : il ne peut pas donner la sienne.
    with pytest.raises(ValidationError, match="Vous détenez une procuration"):
        donner(scrutin, bruno, emma)
    assert ProcurationVote.objects.count() == 1


def test_plafond_des_procurations_selon_l_instance(college, membres):
    Instance.objects.filter(pk=college.pk).update(procurations_max_par_membre=2)
    scrutin = preparer(instance=college)
    alice, bruno, chloe, david = membres[:4]
    donner(scrutin, alice, bruno)
    donner(scrutin, chloe, bruno)
    with pytest.raises(ValidationError, match=r"maximal de procurations \(2\)"):
        donner(scrutin, david, bruno)


def test_procuration_refusee_quand_l_instance_ne_les_admet_pas(college, membres, secretariat):
    Instance.objects.filter(pk=college.pk).update(procurations_autorisees=False)
    scrutin = preparer(instance=college)
    with pytest.raises(ValidationError, match="n'admet pas de procuration"):
        donner(scrutin, membres[0], membres[1])
    ouvrir(scrutin, secretariat)
    with pytest.raises(ValidationError, match="n'admet pas de procuration"):
        donner(scrutin, membres[0], membres[1])


def test_procuration_refusee_au_mandant_qui_a_deja_vote(college, membres, secretariat):
    scrutin = ouvrir(preparer(instance=college), secretariat)
    alice, bruno = membres[:2]
    voter(scrutin, alice)
    with pytest.raises(ValidationError, match="Le bulletin de Alice Collège est déjà dans l'urne"):
        donner(scrutin, alice, bruno)
    # Pendant le vote, une procuration se donne encore à qui n'a pas voté.
    assert donner(scrutin, bruno, alice).mandataire == alice


def test_procuration_refusee_une_fois_le_scrutin_clos(college, membres, secretariat):
    scrutin = clore(ouvrir(preparer(instance=college), secretariat), secretariat)
    with pytest.raises(ValidationError, match="Le scrutin est clos"):
        donner(scrutin, membres[0], membres[1])


# --- Ouverture --------------------------------------------------------------------------


def test_ouvrir_fige_les_regles_de_l_instance(college, membres, secretariat):
    Instance.objects.filter(pk=college.pk).update(
        quorum_part=Decimal("0.60"),
        vote_base_majorite=BaseMajorite.SUFFRAGES_EXPRIMES,
        vote_abstentions_exprimees=False,
        procurations_max_par_membre=2,
        vote_departage=Departage.TIRAGE,
    )
    scrutin = ouvrir(preparer(instance=college), secretariat)
    assert scrutin.statut == StatutScrutin.OUVERT
    assert scrutin.ouvert_le is not None
    figees = (
        scrutin.quorum_part,
        scrutin.quorum_compte_procurations,
        scrutin.base_majorite,
        scrutin.abstentions_exprimees,
        scrutin.procurations_autorisees,
        scrutin.procurations_max_par_membre,
        scrutin.departage,
    )
    assert figees == (
        Decimal("0.60"),
        True,
        BaseMajorite.SUFFRAGES_EXPRIMES,
        False,
        True,
        2,
        Departage.TIRAGE,
    )
    # L'instance change ses règles pendant le vote : le scrutin garde les siennes…
    Instance.objects.filter(pk=college.pk).update(
        quorum_part=Decimal("1"),
        quorum_compte_procurations=False,
        vote_base_majorite=BaseMajorite.DEUX_TIERS,
        vote_abstentions_exprimees=True,
        procurations_autorisees=False,
        procurations_max_par_membre=1,
        vote_departage=Departage.AGE,
    )
    scrutin.refresh_from_db()
    assert (
        scrutin.quorum_part,
        scrutin.quorum_compte_procurations,
        scrutin.base_majorite,
        scrutin.abstentions_exprimees,
        scrutin.procurations_autorisees,
        scrutin.procurations_max_par_membre,
        scrutin.departage,
    ) == figees
    # … les procurations restent possibles (plafond 2, figé) …
    alice, bruno, chloe, david, emma = membres
    donner(scrutin, david, alice)
    donner(scrutin, emma, alice)
    # … et le dépouillement les applique : 3 votants sur 5 (quorum 0,60 → 3), 2 pour, 1 contre,
    # 2 abstentions non exprimées. Avec les règles nouvelles (quorum 1, deux tiers, abstentions
    # exprimées), le quorum manquerait.
    voter(scrutin, alice, POUR)
    voter(scrutin, alice, ABSTENTION, pour=david)
    voter(scrutin, bruno, CONTRE)
    voter(scrutin, chloe, POUR)
    voter(scrutin, alice, ABSTENTION, pour=emma)
    resultat = clore(scrutin, secretariat).resultat
    assert resultat is not None
    assert (resultat["quorum_requis"], resultat["exprimes"], resultat["majorite_requise"]) == (3, 3, 2)
    assert resultat["issue"] == decompte.Issue.ADOPTE


def test_corps_electoral_photographie_a_l_ouverture(college, membres, secretariat):
    hier = timezone.localdate() - dt.timedelta(days=1)
    parti = MandatFactory(instance=college, debut=hier - dt.timedelta(days=300), fin=hier).personne
    suppleant = MandatFactory(instance=college, role=RoleMandat.SUPPLEANT).personne
    copresident = MandatFactory(instance=college, role=RoleMandat.COPRESIDENT).personne
    d_ailleurs = MandatFactory(instance=ConseilFactory()).personne
    scrutin = ouvrir(preparer(instance=college), secretariat)
    arrive_apres = MandatFactory(instance=college).personne
    electeurs = set(scrutin.electeurs.values_list("personne", flat=True))
    assert electeurs == {m.pk for m in membres} | {copresident.pk}
    assert all(e.mandat is not None for e in scrutin.electeurs.all())
    for absent in (parti, suppleant, d_ailleurs, arrive_apres):
        with pytest.raises(
            ValidationError, match="Vous ne faites pas partie du corps électoral de ce scrutin"
        ):
            voter(scrutin, absent)
    assert not Bulletin.objects.exists()
    assert not Emargement.objects.exists()
    # Les électeurs (et eux seuls) sont avertis de l'ouverture.
    avertis = set(
        Notification.objects.filter(verbe="college.scrutin.ouvert").values_list("destinataire", flat=True)
    )
    assert avertis == electeurs


@pytest.mark.parametrize("sujet", ["point", "texte", "scrutin"])
def test_interet_declare_ecarte_du_vote_et_le_resultat_le_dit(college, membres, secretariat, sujet):
    alice, bruno, chloe = membres[:3]
    if sujet == "scrutin":
        scrutin = preparer(instance=college)
        objet: Any = scrutin
    else:
        objet = PointFactory(reunion=ReunionFactory(instance=college)) if sujet == "point" else TexteFactory()
        scrutin = preparer(
            instance=college, objet_type=ContentType.objects.get_for_model(objet), objet_id=str(objet.pk)
        )
    services.interet_declarer(personne=alice, objet=objet, nature="J'en suis partie prenante.", acteur=alice)
    # Un intérêt sur un autre sujet n'écarte pas.
    services.interet_declarer(personne=bruno, objet=TexteFactory(), nature="Autre sujet.", acteur=bruno)
    scrutin = ouvrir(scrutin, secretariat)
    exclus = list(scrutin.electeurs.filter(exclu_pour_interet=True).values_list("personne", flat=True))
    assert exclus == [alice.pk]
    with pytest.raises(
        ValidationError, match="Un intérêt déclaré dans ce sujet écarte Alice Collège de ce vote"
    ):
        voter(scrutin, alice)
    # On ne vote pas non plus pour lui par procuration, ni ne lui en donne.
    with pytest.raises(ValidationError, match="Alice Collège ne vote pas à ce scrutin"):
        donner(scrutin, alice, chloe)
    with pytest.raises(ValidationError, match="ne peut lui être donnée"):
        donner(scrutin, chloe, alice)
    voter(scrutin, bruno)
    resultat = clore(scrutin, secretariat).resultat
    assert resultat is not None
    assert resultat["exclus_pour_interet"] == ["Alice Collège"]
    assert resultat["electeurs"] == 4
    assert resultat["votants"] == 1
    assert not Notification.objects.filter(verbe="college.scrutin.ouvert", destinataire=alice).exists()


def test_procuration_de_la_seance_reprise_a_l_ouverture(college, membres, secretariat):
    alice, bruno, chloe, david, emma = membres
    seance = ReunionFactory(instance=college)
    Procuration.objects.create(reunion=seance, mandant=alice, mandataire=bruno)
    Procuration.objects.create(reunion=seance, mandant=chloe, mandataire=david)
    # Une procuration d'une autre séance ne vaut pas pour ce scrutin.
    Procuration.objects.create(reunion=ReunionFactory(instance=college), mandant=emma, mandataire=bruno)
    scrutin = preparer(instance=college, reunion=seance, secret=False)
    # Chloé a donné pour ce scrutin une procuration à Emma : elle prime sur celle de la séance.
    donner(scrutin, chloe, emma)
    scrutin = ouvrir(scrutin, secretariat)
    procurations = set(scrutin.procurations.values_list("mandant", "mandataire", "de_la_seance"))
    assert procurations == {(alice.pk, bruno.pk, True), (chloe.pk, emma.pk, False)}
    ouverture = Evenement.objects.get(verbe="college.scrutin.ouvert")
    assert ouverture.donnees["procurations_reprises"] == 1
    # Bruno vote pour Alice et pour lui ; Alice ne vote plus elle-même.
    voter(scrutin, bruno, CONTRE, pour=alice)
    voter(scrutin, bruno, POUR)
    with pytest.raises(ValidationError, match="Vous avez donné procuration à Bruno Collège"):
        voter(scrutin, alice)
    with pytest.raises(ValidationError, match="Vous ne détenez pas la procuration de Chloé Collège"):
        voter(scrutin, david, pour=chloe)
    assert set(Emargement.objects.values_list("personne", "vote_par")) == {
        (alice.pk, bruno.pk),
        (bruno.pk, None),
    }
    resultat = clore(scrutin, secretariat).resultat
    assert resultat is not None
    assert resultat["procurations"] == 1


def test_procurations_tombees_a_l_ouverture(college, membres, secretariat):
    alice, bruno = membres[:2]
    scrutin = preparer(instance=college)
    donner(scrutin, alice, bruno)
    # Bruno déclare ensuite un intérêt dans le scrutin : la procuration d'Alice tombe.
    services.interet_declarer(personne=bruno, objet=scrutin, nature="Je suis concerné.", acteur=bruno)
    scrutin = ouvrir(scrutin, secretariat)
    assert not scrutin.procurations.exists()
    assert Evenement.objects.get(verbe="college.scrutin.ouvert").donnees["procurations_tombees"] == 1
    voter(scrutin, alice)


def test_ouvrir_refuse(college, membres, secretariat):
    with pytest.raises(ValidationError, match="Aucun candidat"):
        ouvrir(election(college), secretariat)
    passe = preparer(
        instance=college,
        ouverture=timezone.now() - dt.timedelta(days=2),
        cloture=timezone.now() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="La clôture du vote est passée"):
        ouvrir(passe, secretariat)
    vide = preparer(instance=InstanceFactory())
    with pytest.raises(ValidationError, match="n'a aucun membre votant"):
        ouvrir(vide, secretariat)
    ouvert = ouvrir(preparer(instance=college), secretariat)
    with pytest.raises(ValidationError, match="Le scrutin est ouvert"):
        ouvrir(ouvert, secretariat)
    assert Electeur.objects.filter(scrutin=ouvert).count() == len(membres)
    assert not Electeur.objects.exclude(scrutin=ouvert).exists()


# --- Bulletins --------------------------------------------------------------------------


def test_bulletin_deposer_renvoie_le_recu(college, membres, secretariat):
    scrutin = ouvrir(preparer(instance=college), secretariat)
    recu = voter(scrutin, membres[0], CONTRE)
    # Scrutin secret : rien en clair dans l'urne avant la clôture, un bulletin scellé.
    assert not Bulletin.objects.exists()
    assert BulletinScelle.objects.get().scrutin_id == scrutin.pk
    [bulletin] = urne_ouverte(scrutin)
    assert (bulletin.recu, bulletin.choix) == (recu, CONTRE)
    assert len(recu) == 14
    assert Emargement.objects.filter(scrutin=scrutin, personne=membres[0], vote_par=None).exists()
    evenement = Evenement.objects.get(verbe="college.bulletin.depose")
    assert (evenement.acteur, evenement.donnees) == (membres[0], {})


def test_bulletin_refuse_hors_de_la_fenetre(college, membres, secretariat):
    a_venir = preparer(
        instance=college,
        ouverture=timezone.now() + dt.timedelta(hours=2),
        cloture=timezone.now() + dt.timedelta(days=2),
    )
    with pytest.raises(ValidationError, match="n'est pas ouvert : aucun bulletin n'est accepté"):
        voter(a_venir, membres[0])
    # Ouvert (corps électoral photographié) avant l'heure : le vote attend l'heure dite.
    ouvrir(a_venir, secretariat)
    with pytest.raises(ValidationError) as refus:
        voter(a_venir, membres[0])
    assert refus.value.messages == [f"Le vote ouvre le {date_et_heure(a_venir.ouverture)}."]
    echu = ouvrir(preparer(instance=college), secretariat)
    passer_la_cloture(echu)
    with pytest.raises(ValidationError, match=r"Le vote est clos depuis le (1er|\d\d?) \w+ \d{4}"):
        voter(echu, membres[0])
    clos = clore(ouvrir(preparer(instance=college), secretariat), secretariat)
    with pytest.raises(ValidationError, match="n'est pas ouvert"):
        voter(clos, membres[0])
    assert not Bulletin.objects.exists() and not BulletinScelle.objects.exists()
    assert not Emargement.objects.exists()


def test_un_seul_bulletin_par_electeur(college, membres, secretariat):
    scrutin = ouvrir(preparer(instance=college), secretariat)
    alice = membres[0]
    recu = voter(scrutin, alice, POUR)
    with pytest.raises(ValidationError) as erreur:
        voter(scrutin, alice, CONTRE)
    assert erreur.value.code == "deja_vote"
    assert message(erreur) == (
        "Un bulletin a déjà été déposé pour Alice Collège dans ce scrutin : "
        "il ne peut être ni remplacé ni modifié."
    )
    [bulletin] = urne_ouverte(scrutin)
    assert (bulletin.recu, bulletin.choix) == (recu, POUR)
    assert Emargement.objects.count() == 1
    assert Evenement.objects.filter(verbe="college.bulletin.depose").count() == 1


def test_un_seul_bulletin_par_procuration(college, membres, secretariat):
    scrutin = ouvrir(preparer(instance=college), secretariat)
    alice, bruno = membres[:2]
    donner(scrutin, alice, bruno)
    voter(scrutin, bruno, POUR, pour=alice)
    with pytest.raises(ValidationError, match="déjà été déposé pour Alice Collège") as erreur:
        voter(scrutin, bruno, CONTRE, pour=alice)
    assert erreur.value.code == "deja_vote"
    assert len(urne_ouverte(scrutin)) == 1


def test_scrutin_nominatif_garde_le_votant(college, membres, secretariat):
    scrutin = ouvrir(preparer(instance=college, secret=False), secretariat)
    alice, bruno = membres[:2]
    donner(scrutin, alice, bruno)
    voter(scrutin, bruno, CONTRE, pour=alice)
    voter(scrutin, bruno, POUR)
    assert set(Bulletin.objects.values_list("personne", "vote_par", "choix")) == {
        (alice.pk, bruno.pk, CONTRE),
        (bruno.pk, None, POUR),
    }


def test_scrutin_secret_ne_garde_pas_le_votant(college, membres, secretariat):
    scrutin = ouvrir(preparer(instance=college, secret=True), secretariat)
    alice, bruno = membres[:2]
    donner(scrutin, alice, bruno)
    voter(scrutin, bruno, CONTRE, pour=alice)
    voter(scrutin, bruno, POUR)
    # Pendant le vote, rien en clair : deux bulletins scellés, qui ne portent que leur scrutin.
    assert not Bulletin.objects.exists()
    assert BulletinScelle.objects.filter(scrutin=scrutin).count() == 2
    clore(scrutin, secretariat)
    assert not Bulletin.objects.filter(Q(personne__isnull=False) | Q(vote_par__isnull=False)).exists()
    assert Bulletin.objects.count() == 2
    # L'émargement, lui, dit qui a voté et par qui.
    assert set(Emargement.objects.values_list("personne", "vote_par")) == {
        (alice.pk, bruno.pk),
        (bruno.pk, None),
    }


def test_bulletin_refuse_un_choix_hors_liste(college, membres, secretariat):
    deliberation = ouvrir(preparer(instance=college), secretariat)
    for choix in ("favorable", "blanc", "", "POUR"):
        with pytest.raises(ValidationError, match="Choisissez l'une des réponses proposées"):
            voter(deliberation, membres[0], choix)
    assert not Emargement.objects.exists()


def test_motivation_gardee_pour_un_avis_seulement(college, membres, secretariat):
    avis = ouvrir(preparer(instance=college, type_scrutin=TypeScrutin.AVIS), secretariat)
    deliberation = ouvrir(preparer(instance=college), secretariat)
    voter(avis, membres[0], Choix.RESERVE, motivation="  Le budget manque de précision.  ")
    voter(deliberation, membres[0], POUR, motivation="Ignorée.")
    assert [b.motivation for b in urne_ouverte(avis)] == ["Le budget manque de précision."]
    assert [b.motivation for b in urne_ouverte(deliberation)] == [""]


def test_motivation_trop_longue_refusee_sans_rien_ecrire(college, membres, secretariat):
    from college.forms import BulletinForm
    from college.models import MOTIVATION_MAX

    avis = ouvrir(preparer(instance=college, type_scrutin=TypeScrutin.AVIS), secretariat)
    trop_longue = "m" * (MOTIVATION_MAX + 1)
    with pytest.raises(ValidationError) as refus:
        voter(avis, membres[0], Choix.RESERVE, motivation=trop_longue)
    assert refus.value.message_dict["motivation"] == [
        "La motivation compte 2\xa0001 caractères : 2\xa0000 au plus. "
        "Raccourcissez-la, rien n'a été enregistré."
    ]
    assert not Emargement.objects.exists() and not BulletinScelle.objects.exists()
    # Le formulaire le dit avant le service, et garde ce qui a été tapé.
    form = BulletinForm({"choix": Choix.RESERVE, "motivation": trop_longue}, scrutin=avis, candidatures=[])
    assert not form.is_valid()
    assert form.errors["motivation"] == ["La motivation compte 2001 caractères : 2000 au plus."]
    assert form["motivation"].value() == trop_longue
    voter(avis, membres[0], Choix.RESERVE, motivation="m" * MOTIVATION_MAX)
    [bulletin] = urne_ouverte(avis)
    assert len(bulletin.motivation) == MOTIVATION_MAX
    # La motivation la plus longue tient dans le bulletin scellé, de la même longueur que tous.
    assert len(BulletinScelle.objects.get(scrutin=avis).chiffre) == TAILLE_SCELLEE


def test_bulletin_d_election(college, membres, secretariat):
    alice, bruno, chloe = membres[:3]
    scrutin = election(college, sieges=2)
    a = services.candidature_declarer(scrutin=scrutin, personne=alice, acteur=alice)
    b = services.candidature_declarer(scrutin=scrutin, personne=bruno, acteur=bruno)
    c = services.candidature_declarer(scrutin=scrutin, personne=chloe, acteur=chloe)
    scrutin = ouvrir(scrutin, secretariat)
    with pytest.raises(ValidationError, match="Choisissez au plus 2 candidats"):
        services.bulletin_deposer(scrutin=scrutin, votant=alice, candidats=[a.pk, b.pk, c.pk])
    with pytest.raises(ValidationError, match="n'est pas candidate"):
        services.bulletin_deposer(scrutin=scrutin, votant=alice, candidats=[a.pk, 999_999])
    services.bulletin_deposer(scrutin=scrutin, votant=alice, candidats=[a.pk, b.pk, a.pk])
    services.bulletin_deposer(scrutin=scrutin, votant=bruno, candidats=[])
    services.bulletin_deposer(scrutin=scrutin, votant=chloe, candidats=[str(b.pk)])  # type: ignore[list-item]
    assert sorted((b.choix, sorted(b.candidats)) for b in urne_ouverte(scrutin)) == sorted(
        [(Choix.CANDIDATS, sorted([a.pk, b.pk])), (Choix.BLANC, []), (Choix.CANDIDATS, [b.pk])]
    )
    resultat = clore(scrutin, secretariat).resultat
    assert resultat is not None
    assert resultat["voix_par_candidat"] == {str(a.pk): 1, str(b.pk): 2, str(c.pk): 0}
    assert resultat["decompte"] == {"exprimes": 2, "blancs": 1}
    assert sorted(resultat["elus"]) == sorted([a.pk, b.pk])
    assert resultat["noms"][str(b.pk)] == "Bruno Collège"


# --- Clôture et dépouillement -----------------------------------------------------------


def test_resultat_scelle_jusqu_a_la_cloture(college, membres, secretariat):
    scrutin = ouvrir(preparer(instance=college), secretariat)
    for membre in membres[:3]:
        voter(scrutin, membre)
    scrutin.refresh_from_db()
    assert scrutin.resultat is None
    assert Scrutin.objects.filter(pk=scrutin.pk, resultat__isnull=True).exists()
    # Le secrétariat voit la participation, jamais les choix.
    assert services.participation_en_direct(scrutin) == {
        "electeurs": 5,
        "exclus": 0,
        "votants": 3,
        "procurations": 0,
    }


RACINE = Path(settings.BASE_DIR)
APPLICATIONS = ("college", "conseil", "socle", "comptes", "territoire", "cotentin_sante")


@functools.cache
def _sources() -> list[tuple[Path, ast.Module]]:
    return [
        (fichier, ast.parse(fichier.read_text(encoding="utf-8")))
        for application in APPLICATIONS
        for fichier in (RACINE / application).rglob("*.py")
    ]


def _appels(nom: str, module: str | None = None) -> list[tuple[str, str]]:
    """(fichier, fonction englobante) de chaque appel à `nom` (ou à `module.nom`) dans le code
    des applications."""
    trouves = []
    for fichier, arbre in _sources():
        for fonction in ast.walk(arbre):
            if not isinstance(fonction, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for noeud in ast.walk(fonction):
                if not isinstance(noeud, ast.Call):
                    continue
                appele = noeud.func
                if isinstance(appele, ast.Attribute):
                    if appele.attr != nom:
                        continue
                    if module is not None and getattr(appele.value, "id", None) != module:
                        continue
                elif not (isinstance(appele, ast.Name) and appele.id == nom and module is None):
                    continue
                trouves.append((str(fichier.relative_to(RACINE)), fonction.name))
    return trouves


def test_seule_la_cloture_calcule_le_resultat():
    """Grep structuré : le dépouillement (`resultat_calculer`) n'est appelé que par la
    clôture ; le recomptage public (`selectors.recompter`) ne lit que le résultat publié."""
    assert set(_appels("resultat_calculer")) == {("college/services/vote.py", "scrutin_clore")}
    for fonction in ("deliberation", "avis", "election"):
        appelants = set(_appels(fonction, module="decompte"))
        assert appelants <= {
            ("college/services/vote.py", "resultat_calculer"),
            ("college/selectors.py", "recompter"),
        }
    source = (RACINE / "college/selectors.py").read_text(encoding="utf-8")
    assert "scrutin.resultat or {}" in source  # recompter ne connaît le corps électoral que publié


def test_clore_avant_l_heure_demande_un_motif(college, membres, secretariat):
    scrutin = ouvrir(preparer(instance=college), secretariat)
    voter(scrutin, membres[0])
    with pytest.raises(ValidationError, match="L'heure de clôture n'est pas venue"):
        services.scrutin_clore(scrutin=scrutin, acteur=None)
    with pytest.raises(ValidationError) as erreur:
        services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="  ")
    assert "motif" in erreur.value.message_dict
    # Un simple membre ne clôt pas.
    with pytest.raises(ValidationError, match="Vous n'avez pas le droit"):
        services.scrutin_clore(scrutin=scrutin, acteur=membres[0], motif="Je suis pressé.")
    scrutin.refresh_from_db()
    assert (scrutin.statut, scrutin.resultat, scrutin.clos_le) == (StatutScrutin.OUVERT, None, None)
    scrutin = services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif=" Séance levée plus tôt. ")
    assert scrutin.statut == StatutScrutin.CLOS
    assert scrutin.motif_cloture_anticipee == "Séance levée plus tôt."
    evenement = Evenement.objects.get(verbe="college.scrutin.clos")
    assert (evenement.acteur, evenement.motif, evenement.etat_avant) == (
        secretariat,
        "Séance levée plus tôt.",
        StatutScrutin.OUVERT,
    )
    assert evenement.donnees["anticipee"] is True
    with pytest.raises(ValidationError, match="Seul un scrutin ouvert peut être clos"):
        services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Encore.")


def test_cloture_automatique_a_l_heure(college, membres, secretariat):
    scrutin = ouvrir(preparer(instance=college), secretariat)
    voter(scrutin, membres[0])
    passer_la_cloture(scrutin)
    scrutin = services.scrutin_clore(scrutin=scrutin, acteur=None, motif="ignoré à l'heure dite")
    assert scrutin.statut == StatutScrutin.CLOS
    assert scrutin.motif_cloture_anticipee == ""
    evenement = Evenement.objects.get(verbe="college.scrutin.clos")
    assert (evenement.acteur, evenement.donnees["anticipee"]) == (None, False)
    assert set(
        Notification.objects.filter(verbe="college.scrutin.clos").values_list("destinataire", flat=True)
    ) == {m.pk for m in membres}


@pytest.mark.parametrize("type_scrutin", [TypeScrutin.DELIBERATION, TypeScrutin.AVIS])
def test_resultat_fige_egal_au_recomptage_de_l_urne(college, membres, secretariat, type_scrutin):
    scrutin = ouvrir(preparer(instance=college, type_scrutin=type_scrutin), secretariat)
    choix = (
        [POUR, POUR, CONTRE, ABSTENTION]
        if type_scrutin == TypeScrutin.DELIBERATION
        else [Choix.FAVORABLE, Choix.FAVORABLE, Choix.FAVORABLE, Choix.DEFAVORABLE]
    )
    for membre, un_choix in zip(membres, choix, strict=False):
        voter(scrutin, membre, un_choix)
    scrutin = clore(scrutin, secretariat)
    assert scrutin.clos_le is not None
    resultat = scrutin.resultat
    assert resultat is not None
    regles = decompte.Regles(
        quorum_part=Decimal("0.50"),
        base_majorite=BaseMajorite.SUFFRAGES_EXPRIMES,
        abstentions_exprimees=False,
    )
    compter = decompte.deliberation if type_scrutin == TypeScrutin.DELIBERATION else decompte.avis
    recompte = compter(regles, electeurs=5, choix=list(Bulletin.objects.values_list("choix", flat=True)))
    assert resultat == recompte.en_json() | {"exclus_pour_interet": [], "procurations": 0}
    assert resultat == services.resultat_calculer(scrutin)
    assert resultat["votants"] == Bulletin.objects.filter(scrutin=scrutin).count() == 4
    assert resultat["issue"] == (
        decompte.Issue.ADOPTE if type_scrutin == TypeScrutin.DELIBERATION else "favorable"
    )
    # Le résultat est figé : changer l'instance ensuite ne le réécrit pas.
    Instance.objects.filter(pk=college.pk).update(quorum_part=Decimal("1"))
    scrutin.refresh_from_db()
    assert scrutin.resultat == resultat


def test_quorum_non_atteint(college, membres, secretariat):
    scrutin = ouvrir(preparer(instance=college), secretariat)
    voter(scrutin, membres[0])
    voter(scrutin, membres[1])
    resultat = clore(scrutin, secretariat).resultat
    assert resultat is not None
    assert (resultat["quorum_requis"], resultat["votants"], resultat["issue"]) == (3, 2, "quorum_non_atteint")


# --- Tâches périodiques -----------------------------------------------------------------


def test_tache_clore_les_scrutins_echus(college, membres, secretariat):
    echu = ouvrir(preparer(instance=college, titre="Échu"), secretariat)
    en_cours = ouvrir(preparer(instance=college, titre="En cours"), secretariat)
    en_preparation = preparer(instance=college, titre="En préparation")
    voter(echu, membres[0])
    passer_la_cloture(echu)
    Scrutin.objects.filter(pk=en_preparation.pk).update(
        ouverture=timezone.now() - dt.timedelta(days=2), cloture=timezone.now() - dt.timedelta(days=1)
    )
    assert tasks.clore_scrutins_echus.delay().get() == 1
    statuts = dict(Scrutin.objects.values_list("titre", "statut"))
    assert statuts == {
        "Échu": StatutScrutin.CLOS,
        "En cours": StatutScrutin.OUVERT,
        "En préparation": StatutScrutin.PREPARATION,
    }
    echu.refresh_from_db()
    assert echu.resultat is not None and echu.resultat["votants"] == 1
    assert Scrutin.objects.get(pk=en_cours.pk).resultat is None
    assert Evenement.objects.get(verbe="college.scrutin.clos").acteur is None
    # Rejouée, la tâche ne refait rien.
    assert tasks.clore_scrutins_echus.delay().get() == 0


def test_tache_rappeler_les_non_votants(college, secretariat, django_capture_on_commit_callbacks, mailoutbox):
    frequences = {
        "Alice": FrequenceNotifications.IMMEDIATE,  # a voté
        "Bruno": FrequenceNotifications.IMMEDIATE,  # écarté pour intérêt
        "Chloé": FrequenceNotifications.IMMEDIATE,
        "David": FrequenceNotifications.QUOTIDIENNE,
        "Emma": FrequenceNotifications.AUCUNE,
    }
    personnes = {
        prenom: MandatFactory(
            instance=college,
            personne=UtilisateurFactory(prenom=prenom, nom="Collège", frequence_notifications=frequence),
        ).personne
        for prenom, frequence in frequences.items()
    }
    bientot = preparer(instance=college, titre="Bientôt clos", cloture=timezone.now() + dt.timedelta(hours=3))
    plus_tard = preparer(instance=college, titre="Plus tard", cloture=timezone.now() + dt.timedelta(days=5))
    services.interet_declarer(
        personne=personnes["Bruno"], objet=bientot, nature="Concerné.", acteur=secretariat
    )
    ouvrir(bientot, secretariat)
    ouvrir(plus_tard, secretariat)
    voter(bientot, personnes["Alice"])
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.rappeler_les_non_votants.delay().get() == 3

    rappels = Notification.objects.filter(verbe="college.rappel.envoye")
    rappeles = {"Chloé", "David", "Emma"}
    assert {n.destinataire.prenom for n in rappels} == rappeles
    assert all(n.url == bientot.get_absolute_url() for n in rappels)
    assert all("vous n'avez pas encore voté" in n.message for n in rappels)
    electeurs = Electeur.objects.filter(scrutin=bientot).select_related("personne")
    assert {e.personne.prenom for e in electeurs if e.rappele_le is not None} == rappeles
    assert not Electeur.objects.filter(scrutin=plus_tard, rappele_le__isnull=False).exists()
    # Le courriel part selon la préférence : tout de suite pour Chloé ; le résumé du jour
    # pour David ; jamais pour Emma.
    assert [m.to for m in mailoutbox] == [[personnes["Chloé"].email]]
    assert "Bientôt clos" in mailoutbox[0].subject
    assert (
        Notification.objects.get(verbe="college.rappel.envoye", destinataire=personnes["David"]).envoyee_le
        is None
    )
    assert Evenement.objects.get(verbe="college.rappel.envoye").donnees == {"electeurs": 3}

    # Un seul rappel par électeur, même si la tâche repasse.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.rappeler_les_non_votants.delay().get() == 0
    assert rappels.count() == 3
    assert len(mailoutbox) == 1


# --- Procès-verbal ----------------------------------------------------------------------


def test_le_proces_verbal_reprend_le_scrutin_apres_son_point(college, membres, secretariat):
    seance = ReunionFactory(instance=college)
    point = PointFactory(reunion=seance, ordre=1, titre="Adoption de la charte")
    PointFactory(reunion=seance, ordre=2, titre="Questions diverses")
    alice, bruno, chloe, david = membres[:4]
    services.interet_declarer(personne=alice, objet=point, nature="Rédactrice de la charte.", acteur=alice)
    scrutin = preparer(
        instance=college,
        reunion=seance,
        titre="Charte du Collège",
        objet_type=ContentType.objects.get_for_model(point),
        objet_id=str(point.pk),
    )
    sans_point = preparer(instance=college, reunion=seance, titre="Consultation", secret=False)
    scrutin = ouvrir(scrutin, secretariat)
    donner(scrutin, david, chloe)
    voter(scrutin, bruno, POUR)
    voter(scrutin, chloe, POUR)
    voter(scrutin, chloe, CONTRE, pour=david)
    clore(scrutin, secretariat)
    sans_point = ouvrir(sans_point, secretariat)
    for membre in membres[:3]:
        voter(sans_point, membre, CONTRE)
    clore(sans_point, secretariat)

    texte = proces_verbal_texte_initial(seance)
    lignes = texte.splitlines()
    debut = lignes.index("1. Adoption de la charte (information)")
    fin = next(i for i, ligne in enumerate(lignes) if ligne.startswith("2. Questions diverses"))
    du_point = "\n".join(lignes[debut:fin])
    assert (
        "Scrutin « Charte du Collège » (délibération, secret) : 3 votants sur 4 électeurs, "
        "dont 1 par procuration."
    ) in du_point
    assert "Ne prennent pas part au vote, pour intérêt déclaré : Alice Collège." in du_point
    assert (
        "Décompte : pour 2, contre 1, abstention 0 ; suffrages exprimés : 3 ; majorité requise : 2. "
        "Résultat : adopté."
    ) in du_point
    assert "Consultation" not in du_point
    # Le scrutin sans point vient en fin d'ordre du jour.
    apres = "\n".join(lignes[fin:])
    assert "Scrutin « Consultation » (délibération, nominatif) : 3 votants sur 5 électeurs" in apres
    assert "Résultat : rejeté." in apres
    assert "Charte du Collège" not in apres


def test_le_proces_verbal_ignore_les_scrutins_non_clos(college, membres, secretariat):
    seance = ReunionFactory(instance=college)
    ouvrir(preparer(instance=college, reunion=seance, titre="Toujours ouvert"), secretariat)
    assert "Toujours ouvert" not in proces_verbal_texte_initial(seance)
