"""Les services du Conseil, appelés directement : quorum, mandats, convocations,
procurations, présences, procès-verbaux, programme de travail, livrables, rôles et données
personnelles."""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from comptes.donnees import donnees_de
from comptes.models import Utilisateur
from comptes.roles import Role, mfa_requise, roles_de
from conseil import services, tasks
from conseil.models import (
    CategorieCollege,
    Instance,
    Livrable,
    Mandat,
    NaturePoint,
    Participation,
    Presence,
    ProcesVerbal,
    Procuration,
    ProgrammeDeTravail,
    Reponse,
    Reunion,
    RoleMandat,
    StatutProcesVerbal,
    StatutProgramme,
    StatutReunion,
)
from conseil.permissions import MEMBRE_D_UNE_INSTANCE
from conseil.quorum import Quorum, quorum_calculer, quorum_de, quorum_requis
from socle.courriels import lien_absolu
from socle.models import Document, Evenement, Notification
from socle.services import document_deposer
from socle.workflows import TransitionRefusee
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import (
    CollegeFactory,
    ConseilFactory,
    InstanceFactory,
    LivrableFactory,
    MandatFactory,
    ObjectifFactory,
    ParticipationFactory,
    PointFactory,
    ProgrammeFactory,
    ReunionFactory,
)
from tests.socle import fichiers

pytestmark = pytest.mark.django_db

PRESENT, EXCUSE, ABSENT, REPRESENTE = Presence.PRESENT, Presence.EXCUSE, Presence.ABSENT, Presence.REPRESENTE


def a_18h(jours: int) -> dt.datetime:
    """Une séance à 18 h (heure de Paris), dans `jours` jours (négatif : passée)."""
    jour = timezone.localdate() + dt.timedelta(days=jours)
    return timezone.make_aware(dt.datetime.combine(jour, dt.time(18)))


def message(erreur: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(erreur.value.messages)


def personne(prenom: str, nom: str = "Martin") -> Utilisateur:
    return UtilisateurFactory(prenom=prenom, nom=nom)


def convoquer(reunion: Reunion, mandat: Mandat, presence: str = "") -> Participation:
    return ParticipationFactory(reunion=reunion, personne=mandat.personne, mandat=mandat, presence=presence)


def reunion_close(instance: Instance, jours: int) -> Reunion:
    """Une séance close (le quorum figé est exigé par la base)."""
    return ReunionFactory(
        instance=instance,
        statut=StatutReunion.CLOSE,
        debut=a_18h(jours),
        quorum_membres=0,
        quorum_presents=0,
        quorum_representes=0,
        quorum_requis=0,
        quorum_atteint=True,
        quorum_compte_procurations=True,
    )


# --- Quorum ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("membres", "part", "requis"),
    [
        pytest.param(9, "0.50", 5, id="la moitié de 9 s'arrondit à 5"),
        pytest.param(10, "0.50", 5, id="la moitié de 10 : 5"),
        pytest.param(1, "0.50", 1, id="la moitié de 1 : 1"),
        pytest.param(0, "0.50", 0, id="aucun membre"),
        pytest.param(10, "0.67", 7, id="deux tiers de 10 : 6,7 arrondi à 7"),
        pytest.param(3, "0.34", 2, id="un tiers de 3 à peine dépassé : 2"),
        pytest.param(10, "0", 0, id="part nulle : pas de quorum"),
        pytest.param(10, "1", 10, id="tous les membres"),
    ],
)
def test_quorum_requis_arrondi_vers_le_haut(membres, part, requis):
    assert quorum_requis(membres=membres, part=Decimal(part)) == requis


@pytest.mark.parametrize(
    ("membres", "presents", "representes", "part", "compte", "requis", "atteint"),
    [
        pytest.param(9, 5, 0, "0.50", True, 5, True, id="5 présents sur 9 : atteint"),
        pytest.param(9, 4, 0, "0.50", True, 5, False, id="4 présents sur 9 : pas atteint"),
        pytest.param(10, 5, 0, "0.50", True, 5, True, id="5 présents sur 10 : atteint"),
        pytest.param(10, 4, 0, "0.50", True, 5, False, id="4 présents sur 10 : pas atteint"),
        pytest.param(4, 0, 0, "0", True, 0, True, id="part nulle : atteint sans personne"),
        pytest.param(10, 3, 2, "0.50", True, 5, True, id="les représentés comptent"),
        pytest.param(10, 3, 2, "0.50", False, 5, False, id="les représentés ne comptent pas"),
        pytest.param(10, 5, 2, "0.50", False, 5, True, id="atteint par les seuls présents"),
    ],
)
def test_quorum_selon_la_regle_de_l_instance(membres, presents, representes, part, compte, requis, atteint):
    instance = InstanceFactory(
        quorum_part=Decimal(part), quorum_compte_procurations=compte, procurations_max_par_membre=2
    )
    reunion = ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-1))
    mandats = [MandatFactory(instance=instance) for _ in range(membres)]
    for rang, mandat in enumerate(mandats):
        if rang < presents:
            convoquer(reunion, mandat, PRESENT)
        elif rang < presents + representes:
            convoquer(reunion, mandat, REPRESENTE)
            Procuration.objects.create(
                reunion=reunion, mandant=mandat.personne, mandataire=mandats[rang % presents].personne
            )
        else:
            convoquer(reunion, mandat, ABSENT)

    quorum = quorum_calculer(reunion=reunion)

    assert (quorum.membres, quorum.presents, quorum.representes, quorum.requis) == (
        membres,
        presents,
        representes,
        requis,
    )
    assert quorum.comptes == presents + (representes if compte else 0)
    assert quorum.atteint is atteint


def test_une_procuration_ne_compte_que_si_son_detenteur_est_present():
    instance = InstanceFactory()
    reunion = ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-1))
    alice, bruno, chloe, david = (MandatFactory(instance=instance) for _ in range(4))
    convoquer(reunion, alice, PRESENT)
    convoquer(reunion, bruno, REPRESENTE)
    convoquer(reunion, chloe, ABSENT)
    convoquer(reunion, david, REPRESENTE)
    Procuration.objects.create(reunion=reunion, mandant=bruno.personne, mandataire=alice.personne)
    # Chloé, détentrice de la procuration de David, n'est pas venue.
    Procuration.objects.create(reunion=reunion, mandant=david.personne, mandataire=chloe.personne)

    quorum = quorum_calculer(reunion=reunion)

    assert (quorum.membres, quorum.presents, quorum.representes, quorum.requis) == (4, 1, 1, 2)
    assert quorum.atteint


def test_le_suppleant_present_remplace_le_titulaire_absent_de_son_siege():
    instance = InstanceFactory()
    reunion = ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-1))
    titulaires = {siege: MandatFactory(instance=instance, siege=siege) for siege in (1, 2, 3)}
    suppleants = {
        siege: MandatFactory(instance=instance, siege=siege, role=RoleMandat.SUPPLEANT) for siege in (1, 2)
    }
    # Siège 1 : titulaire absent, suppléant présent. Siège 2 : les deux présents (une voix).
    # Siège 3 : titulaire absent, sans suppléant de ce siège.
    convoquer(reunion, titulaires[1], ABSENT)
    convoquer(reunion, suppleants[1], PRESENT)
    convoquer(reunion, titulaires[2], PRESENT)
    convoquer(reunion, suppleants[2], PRESENT)
    convoquer(reunion, titulaires[3], ABSENT)

    quorum = quorum_calculer(reunion=reunion)

    assert (quorum.membres, quorum.presents, quorum.representes) == (3, 2, 0)


def test_seuls_les_co_presidents_et_titulaires_comptent():
    instance = InstanceFactory()
    reunion = ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-1))
    for role in RoleMandat.values:
        siege = 1 if role == RoleMandat.SUPPLEANT else None
        convoquer(reunion, MandatFactory(instance=instance, role=role, siege=siege), PRESENT)

    quorum = quorum_calculer(reunion=reunion)

    # Co-président et titulaire ; ni l'animateur, ni le secrétariat, ni le suppléant sans
    # titulaire sur son siège.
    assert (quorum.membres, quorum.presents) == (2, 2)


def test_seuls_les_mandats_en_cours_le_jour_de_la_seance_comptent():
    instance = InstanceFactory()
    reunion = ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-10))
    jour = timezone.localdate(reunion.debut)
    un_jour = dt.timedelta(days=1)
    a_compter = [
        MandatFactory(instance=instance, fin=jour),  # finit le jour même
        MandatFactory(instance=instance, debut=jour),  # commence le jour même
        MandatFactory(instance=instance),  # sans terme
    ]
    hors_periode = [
        MandatFactory(instance=instance, fin=jour - un_jour),  # fini la veille
        MandatFactory(instance=instance, debut=jour + un_jour),  # commence le lendemain
    ]
    for mandat in [*a_compter, *hors_periode]:
        convoquer(reunion, mandat, PRESENT)

    quorum = quorum_calculer(reunion=reunion)

    assert (quorum.membres, quorum.presents) == (3, 3)


def test_la_cloture_fige_le_quorum(secretariat):
    instance = InstanceFactory()
    reunion = ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-1))
    mandats = [MandatFactory(instance=instance) for _ in range(4)]
    for mandat, presence in zip(mandats, (PRESENT, PRESENT, EXCUSE, ABSENT), strict=True):
        convoquer(reunion, mandat, presence)

    services.reunion_changer_statut(reunion=reunion, acteur=secretariat, vers=StatutReunion.CLOSE)

    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.CLOSE
    assert (
        reunion.quorum_membres,
        reunion.quorum_presents,
        reunion.quorum_representes,
        reunion.quorum_requis,
        reunion.quorum_atteint,
    ) == (4, 2, 0, 2, True)
    assert Evenement.objects.filter(verbe="conseil.reunion.close", etat_apres=StatutReunion.CLOSE).exists()
    fige = quorum_de(reunion)

    # Le registre est corrigé ensuite : un mandat se termine avant la séance, trois membres
    # de plus sont inscrits à la date de la séance.
    Mandat.objects.filter(pk=mandats[0].pk).update(
        fin=timezone.localdate(reunion.debut) - dt.timedelta(days=1)
    )
    for _ in range(3):
        MandatFactory(instance=instance)

    assert quorum_calculer(reunion=reunion).membres == 6
    assert not quorum_calculer(reunion=reunion).atteint
    assert quorum_de(reunion) == fige == Quorum(4, 2, 0, 2, True)
    assert quorum_de(Reunion.objects.get(pk=reunion.pk)).atteint


def test_la_cloture_est_refusee_tant_qu_une_presence_manque(secretariat):
    instance = InstanceFactory()
    reunion = ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-1))
    convoquer(reunion, MandatFactory(instance=instance), PRESENT)
    convoquer(reunion, MandatFactory(instance=instance))

    with pytest.raises(TransitionRefusee) as erreur:
        services.reunion_changer_statut(reunion=reunion, acteur=secretariat, vers=StatutReunion.CLOSE)

    assert message(erreur) == (
        "Relevez la présence de chaque membre convoqué avant de clore la séance (1 sans présence)."
    )
    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.TENUE
    assert reunion.quorum_atteint is None and reunion.quorum_membres is None
    assert not Evenement.objects.filter(verbe="conseil.reunion.close").exists()


def test_une_seance_ne_se_tient_pas_avant_son_debut(secretariat):
    reunion = ReunionFactory(statut=StatutReunion.CONVOQUEE, debut=a_18h(2))
    with pytest.raises(TransitionRefusee, match="n'a pas encore commencé"):
        services.reunion_changer_statut(reunion=reunion, acteur=secretariat, vers=StatutReunion.TENUE)
    with pytest.raises(ValueError, match="convocation_envoyer"):
        services.reunion_changer_statut(reunion=reunion, acteur=secretariat, vers=StatutReunion.CONVOQUEE)
    assert Reunion.objects.get(pk=reunion.pk).statut == StatutReunion.CONVOQUEE


# --- Mandats ---------------------------------------------------------------------------

ORIGINE = dt.date(2026, 1, 1)


def periode(debut: int, fin: int | None) -> tuple[dt.date, dt.date | None]:
    """Une période en jours depuis ORIGINE ; fin None : sans terme."""
    return ORIGINE + dt.timedelta(days=debut), None if fin is None else ORIGINE + dt.timedelta(days=fin)


CHEVAUCHEMENTS = [
    # (période existante, nouvelle période, se chevauchent)
    pytest.param((0, None), (100, None), True, id="deux mandats sans terme"),
    pytest.param((0, None), (-100, 0), True, id="fin le jour où l'autre commence"),
    pytest.param((0, None), (-100, -1), False, id="fin la veille d'un mandat sans terme"),
    pytest.param((0, 100), (50, None), True, id="sans terme ouvert pendant un autre"),
    pytest.param((0, 100), (100, 200), True, id="début le jour où l'autre finit"),
    pytest.param((0, 100), (101, None), False, id="mandats consécutifs"),
    pytest.param((0, 100), (-50, 150), True, id="l'un couvre l'autre"),
    pytest.param((0, 100), (20, 30), True, id="l'un dans l'autre"),
    pytest.param((0, 100), (-50, -1), False, id="clos avant le début de l'autre"),
]


@pytest.mark.parametrize(("existante", "nouvelle", "chevauche"), CHEVAUCHEMENTS)
def test_une_personne_n_a_qu_un_mandat_a_la_fois_dans_une_instance(
    secretariat, existante, nouvelle, chevauche
):
    instance = InstanceFactory(nom="Groupe Prévention")
    alice = personne("Alice")
    debut, fin = periode(*existante)
    services.mandat_enregistrer(
        mandat=Mandat(instance=instance, personne=alice, role=RoleMandat.TITULAIRE, debut=debut, fin=fin),
        acteur=secretariat,
    )
    debut, fin = periode(*nouvelle)
    # Un autre rôle, sans siège : seule la règle « une personne, un mandat » s'applique.
    nouveau = Mandat(instance=instance, personne=alice, role=RoleMandat.ANIMATEUR, debut=debut, fin=fin)

    if chevauche:
        with pytest.raises(ValidationError) as erreur:
            services.mandat_enregistrer(mandat=nouveau, acteur=secretariat)
        [texte] = erreur.value.message_dict["debut"]
        assert texte.startswith("Alice Martin a déjà un mandat dans Groupe Prévention ")
        assert "(Membre titulaire) : les deux mandats se chevauchent." in texte
        assert Mandat.objects.count() == 1
        assert Evenement.objects.filter(verbe="conseil.mandat.cree").count() == 1
    else:
        services.mandat_enregistrer(mandat=nouveau, acteur=secretariat)
        assert Mandat.objects.filter(personne=alice).count() == 2


def test_le_message_de_chevauchement_dit_la_periode_en_francais(secretariat):
    instance = InstanceFactory(nom="Groupe Prévention")
    alice = personne("Alice")
    services.mandat_enregistrer(
        mandat=Mandat(
            instance=instance, personne=alice, role=RoleMandat.TITULAIRE, debut=dt.date(2026, 1, 15)
        ),
        acteur=secretariat,
    )
    with pytest.raises(ValidationError) as erreur:
        services.mandat_enregistrer(
            mandat=Mandat(
                instance=instance, personne=alice, role=RoleMandat.ANIMATEUR, debut=dt.date(2026, 6, 1)
            ),
            acteur=secretariat,
        )
    assert erreur.value.message_dict == {
        "debut": [
            "Alice Martin a déjà un mandat dans Groupe Prévention depuis le 15 janvier 2026 "
            "(Membre titulaire) : "
            "les deux mandats se chevauchent. Terminez le premier avant d'en ouvrir un autre."
        ]
    }


@pytest.mark.parametrize(("existante", "nouvelle", "chevauche"), CHEVAUCHEMENTS)
def test_un_siege_n_a_qu_un_titulaire_a_la_fois(secretariat, existante, nouvelle, chevauche):
    instance = InstanceFactory()
    debut, fin = periode(*existante)
    services.mandat_enregistrer(
        mandat=Mandat(
            instance=instance,
            personne=personne("Alice"),
            role=RoleMandat.TITULAIRE,
            siege=3,
            debut=debut,
            fin=fin,
        ),
        acteur=secretariat,
    )
    debut, fin = periode(*nouvelle)
    nouveau = Mandat(
        instance=instance,
        personne=personne("Bruno"),
        role=RoleMandat.TITULAIRE,
        siege=3,
        debut=debut,
        fin=fin,
    )

    if chevauche:
        with pytest.raises(ValidationError) as erreur:
            services.mandat_enregistrer(mandat=nouveau, acteur=secretariat)
        [texte] = erreur.value.message_dict["siege"]
        assert texte.startswith("Le siège n°3 a déjà un membre titulaire ")
        assert texte.endswith(": Alice Martin. Les deux mandats se chevauchent sur le même siège.")
        assert Mandat.objects.count() == 1
    else:
        services.mandat_enregistrer(mandat=nouveau, acteur=secretariat)
        assert Mandat.objects.filter(siege=3).count() == 2


def test_titulaire_et_suppleant_d_un_meme_siege(secretariat):
    college = CollegeFactory()
    for prenom, role in (("Alice", RoleMandat.TITULAIRE), ("Bruno", RoleMandat.SUPPLEANT)):
        services.mandat_enregistrer(
            mandat=Mandat(
                instance=college,
                personne=personne(prenom),
                role=role,
                siege=1,
                categorie=CategorieCollege.MEDICO_SOCIAL,
                debut=ORIGINE,
            ),
            acteur=secretariat,
        )
    assert Mandat.objects.filter(instance=college, siege=1).count() == 2
    # Le même numéro de siège dans une autre instance est un autre siège.
    services.mandat_enregistrer(
        mandat=Mandat(
            instance=InstanceFactory(),
            personne=personne("Chloé"),
            role=RoleMandat.TITULAIRE,
            siege=1,
            debut=ORIGINE,
        ),
        acteur=secretariat,
    )
    assert Evenement.objects.filter(verbe="conseil.mandat.cree").count() == 3


def test_modifier_un_mandat_ne_le_compare_pas_a_lui_meme(secretariat):
    instance = InstanceFactory()
    mandat = services.mandat_enregistrer(
        mandat=Mandat(
            instance=instance, personne=personne("Alice"), role=RoleMandat.TITULAIRE, siege=2, debut=ORIGINE
        ),
        acteur=secretariat,
    )
    mandat.fin = dt.date(2026, 12, 31)
    services.mandat_enregistrer(mandat=mandat, acteur=secretariat)

    assert Mandat.objects.get(pk=mandat.pk).fin == dt.date(2026, 12, 31)
    evenement = Evenement.objects.get(verbe="conseil.mandat.modifie")
    assert evenement.donnees["fin"] == "2026-12-31"
    assert evenement.acteur == secretariat


@pytest.mark.parametrize(
    ("type_instance", "role", "categorie", "siege", "fin", "champ", "texte"),
    [
        pytest.param(
            "college", RoleMandat.TITULAIRE, "", 1, None, "categorie", "Indiquez la catégorie du Collège",
            id="titulaire du Collège sans catégorie",
        ),
        pytest.param(
            "college", RoleMandat.SUPPLEANT, "", 1, None, "categorie", "Indiquez la catégorie du Collège",
            id="suppléant du Collège sans catégorie",
        ),
        pytest.param(
            "groupe", RoleMandat.TITULAIRE, CategorieCollege.COORDINATION, None, None, "categorie",
            "ne s'applique qu'aux membres du Collège", id="catégorie dans un groupe de travail",
        ),
        pytest.param(
            "conseil", RoleMandat.TITULAIRE, CategorieCollege.LIBERAUX_PSLA, 1, None, "categorie",
            "ne s'applique qu'aux membres du Collège", id="catégorie au Conseil",
        ),
        pytest.param(
            "groupe", RoleMandat.SUPPLEANT, "", None, None, "siege", "indiquez le numéro du siège",
            id="suppléant sans siège",
        ),
        pytest.param(
            "groupe", RoleMandat.TITULAIRE, "", None, dt.date(2025, 12, 31), "fin", "précède son début",
            id="fin avant le début",
        ),
    ],
)  # fmt: skip
def test_les_regles_d_un_mandat(secretariat, type_instance, role, categorie, siege, fin, champ, texte):
    instance = {"college": CollegeFactory, "conseil": ConseilFactory, "groupe": InstanceFactory}[
        type_instance
    ]()
    mandat = Mandat(
        instance=instance,
        personne=personne("Alice"),
        role=role,
        categorie=categorie,
        siege=siege,
        debut=ORIGINE,
        fin=fin,
    )
    with pytest.raises(ValidationError) as erreur:
        services.mandat_enregistrer(mandat=mandat, acteur=secretariat)
    assert texte in " ".join(erreur.value.message_dict[champ])
    assert not Mandat.objects.exists()
    assert not Evenement.objects.exists()


@pytest.mark.parametrize(
    ("role", "categorie"),
    [
        (RoleMandat.COPRESIDENT, ""),
        (RoleMandat.ANIMATEUR, ""),
        (RoleMandat.SECRETARIAT, ""),
        (RoleMandat.TITULAIRE, CategorieCollege.ETABLISSEMENTS_HOSPITALIERS),
    ],
)
def test_la_categorie_n_est_exigee_que_des_membres_du_college(secretariat, role, categorie):
    mandat = Mandat(
        instance=CollegeFactory(), personne=personne("Alice"), role=role, categorie=categorie, debut=ORIGINE
    )
    services.mandat_enregistrer(mandat=mandat, acteur=secretariat)
    assert mandat.pk is not None


@pytest.mark.parametrize(
    "contrainte", ["mandat_personne_sans_chevauchement", "mandat_siege_sans_chevauchement"]
)
@pytest.mark.parametrize(("existante", "nouvelle", "chevauche"), CHEVAUCHEMENTS)
def test_la_base_refuse_les_mandats_qui_se_chevauchent(contrainte, existante, nouvelle, chevauche):
    """Sans passer par le service (deux écritures concurrentes) : les contraintes
    d'exclusion de PostgreSQL gardent les mêmes règles."""
    instance = InstanceFactory()
    alice = personne("Alice")
    debut, fin = periode(*existante)
    Mandat.objects.create(
        instance=instance, personne=alice, role=RoleMandat.TITULAIRE, siege=4, debut=debut, fin=fin
    )
    debut, fin = periode(*nouvelle)
    if contrainte == "mandat_personne_sans_chevauchement":
        champs = {"personne": alice, "role": RoleMandat.ANIMATEUR, "siege": None}
    else:
        champs = {"personne": personne("Bruno"), "role": RoleMandat.TITULAIRE, "siege": 4}

    if chevauche:
        with pytest.raises(IntegrityError, match=contrainte), transaction.atomic():
            Mandat.objects.create(instance=instance, debut=debut, fin=fin, **champs)
        assert Mandat.objects.count() == 1
    else:
        Mandat.objects.create(instance=instance, debut=debut, fin=fin, **champs)
        assert Mandat.objects.count() == 2


def test_la_base_accepte_titulaire_et_suppleant_du_meme_siege_et_les_mandats_sans_siege():
    instance = InstanceFactory()
    Mandat.objects.create(
        instance=instance, personne=personne("Alice"), role=RoleMandat.TITULAIRE, siege=1, debut=ORIGINE
    )
    Mandat.objects.create(
        instance=instance, personne=personne("Bruno"), role=RoleMandat.SUPPLEANT, siege=1, debut=ORIGINE
    )
    Mandat.objects.create(
        instance=instance, personne=personne("Chloé"), role=RoleMandat.TITULAIRE, debut=ORIGINE
    )
    Mandat.objects.create(
        instance=instance, personne=personne("David"), role=RoleMandat.TITULAIRE, debut=ORIGINE
    )
    assert Mandat.objects.count() == 4


# --- Convocations -----------------------------------------------------------------------


@dataclass
class SeanceAConvoquer:
    reunion: Reunion
    convoques: list[Utilisateur]
    non_convoques: list[Utilisateur]


@pytest.fixture
def a_convoquer(settings, secretariat) -> Callable[..., SeanceAConvoquer]:
    """Une séance planifiée du Conseil, avec un point, dans `jours` jours."""
    settings.CONSEIL_DELAI_CONVOCATION_JOURS = 5

    def fabriquer(jours: int = 10, *, points: int = 1) -> SeanceAConvoquer:
        conseil = ConseilFactory()
        reunion = services.reunion_planifier(
            acteur=secretariat,
            instance=conseil,
            titre="Séance plénière de printemps",
            debut=a_18h(jours),
            lieu="Hôtel communautaire, Cherbourg-en-Cotentin",
        )
        for rang in range(points):
            services.point_ajouter(
                reunion=reunion,
                acteur=secretariat,
                titre=f"Programme de travail, volet {rang + 1}",
                nature=NaturePoint.DECISION,
            )
        jour = timezone.localdate(reunion.debut)
        un_jour = dt.timedelta(days=1)
        convoques = [
            MandatFactory(instance=conseil, role=RoleMandat.COPRESIDENT),
            MandatFactory(instance=conseil, role=RoleMandat.TITULAIRE, siege=1),
            MandatFactory(instance=conseil, role=RoleMandat.SUPPLEANT, siege=1),
            MandatFactory(instance=conseil, role=RoleMandat.ANIMATEUR),
            MandatFactory(instance=conseil, role=RoleMandat.TITULAIRE, siege=2, fin=jour),
        ]
        non_convoques = [
            MandatFactory(instance=conseil, role=RoleMandat.SECRETARIAT),
            MandatFactory(instance=conseil, role=RoleMandat.TITULAIRE, siege=3, fin=jour - un_jour),
            MandatFactory(instance=conseil, role=RoleMandat.TITULAIRE, siege=3, debut=jour + un_jour),
            MandatFactory(instance=InstanceFactory()),  # membre d'une autre instance
        ]
        return SeanceAConvoquer(reunion, [m.personne for m in convoques], [m.personne for m in non_convoques])

    return fabriquer


def test_convocation_dans_les_delais(a_convoquer, secretariat, django_capture_on_commit_callbacks):
    seance = a_convoquer(10)

    with django_capture_on_commit_callbacks(execute=True):
        reunion = services.convocation_envoyer(reunion=seance.reunion, acteur=secretariat)

    assert reunion.statut == StatutReunion.CONVOQUEE
    assert reunion.convoquee_le is not None
    assert reunion.convocation_motif_retard == ""
    participations = Participation.objects.filter(reunion=reunion)
    assert {p.personne for p in participations} == set(seance.convoques)
    assert all(p.mandat.personne_id == p.personne_id for p in participations)
    assert all(p.convoque_le is not None for p in participations)
    evenement = Evenement.objects.get(verbe="conseil.reunion.convoquee")
    assert (evenement.etat_avant, evenement.etat_apres, evenement.motif) == ("planifiee", "convoquee", "")
    assert evenement.acteur == secretariat
    assert evenement.donnees == {"convoques": 5, "jours_avant": 10, "tardive": False}
    assert sorted(c.to[0] for c in mail.outbox) == sorted(p.email for p in seance.convoques)


@pytest.mark.parametrize(
    ("jours", "tardive"),
    [(30, False), (5, False), (4, True), (1, True)],
)
def test_une_convocation_est_tardive_sous_le_delai(a_convoquer, jours, tardive):
    reunion = a_convoquer(jours).reunion
    assert services.jours_avant(reunion) == jours
    assert services.convocation_est_tardive(reunion) is tardive


@pytest.mark.parametrize(
    ("jours", "motif", "texte"),
    [
        pytest.param(3, "", "La séance a lieu dans 3 jours ;", id="3 jours"),
        pytest.param(1, "  ", "La séance a lieu dans 1 jour ;", id="1 jour"),
    ],
)
def test_convocation_tardive_sans_motif_refusee_et_rien_n_est_ecrit(
    a_convoquer, secretariat, django_capture_on_commit_callbacks, jours, motif, texte
):
    seance = a_convoquer(jours)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as erreur:
        services.convocation_envoyer(reunion=seance.reunion, acteur=secretariat, motif_retard=motif)

    assert erreur.value.message_dict == {
        "motif_retard": [
            f"{texte} une convocation part au moins 5 jours avant. "
            "Indiquez le motif de cette convocation tardive."
        ]
    }
    reunion = Reunion.objects.get(pk=seance.reunion.pk)
    assert reunion.statut == StatutReunion.PLANIFIEE
    assert reunion.convoquee_le is None and reunion.convocation_motif_retard == ""
    assert not Participation.objects.exists()
    assert not Evenement.objects.filter(verbe="conseil.reunion.convoquee").exists()
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_convocation_tardive_avec_son_motif(a_convoquer, secretariat, django_capture_on_commit_callbacks):
    seance = a_convoquer(3)
    motif = "Séance extraordinaire : avis urgent demandé par l'ARS."

    with django_capture_on_commit_callbacks(execute=True):
        reunion = services.convocation_envoyer(
            reunion=seance.reunion, acteur=secretariat, motif_retard=f"  {motif}  "
        )

    assert reunion.statut == StatutReunion.CONVOQUEE
    assert reunion.convocation_motif_retard == motif
    evenement = Evenement.objects.get(verbe="conseil.reunion.convoquee")
    assert evenement.motif == motif
    assert evenement.donnees["tardive"] is True and evenement.donnees["jours_avant"] == 3
    assert len(mail.outbox) == len(seance.convoques)
    assert f"Convocation tardive : {motif}" in mail.outbox[0].body


def test_le_courriel_de_convocation(a_convoquer, secretariat, django_capture_on_commit_callbacks):
    seance = a_convoquer(10, points=2)
    reunion = seance.reunion
    premier = reunion.points.get(ordre=1)
    document = document_deposer(
        fichier=fichiers.fichier("note.pdf", fichiers.pdf(), "application/pdf"),
        acteur=secretariat,
        titre="Note de présentation du programme",
        objet=premier,
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.convocation_envoyer(reunion=reunion, acteur=secretariat)

    assert len(mail.outbox) == len(seance.convoques)
    destinataire = seance.convoques[1]
    [courriel] = [c for c in mail.outbox if c.to == [destinataire.email]]
    assert courriel.subject == f"[Conseil de santé du Cotentin] Convocation : {reunion}"
    assert f"Bonjour {destinataire.get_full_name()}," in courriel.body
    assert "1. Programme de travail, volet 1 (décision)" in courriel.body
    assert "2. Programme de travail, volet 2 (décision)" in courriel.body
    lien_document = lien_absolu(document.get_absolute_url())
    assert f"Note de présentation du programme : {lien_document}" in courriel.body
    assert lien_absolu(reunion.get_absolute_url()) in courriel.body
    html, type_html = courriel.alternatives[0]
    assert type_html == "text/html"
    assert "Programme de travail, volet 2" in html
    # La séance en pièce jointe, pour l'agenda du membre.
    [piece] = courriel.attachments
    nom, contenu, type_mime = piece
    assert (nom, type_mime) == ("seance.ics", "text/calendar")
    [evenement] = Calendar.from_ical(contenu).walk("VEVENT")
    assert str(evenement["summary"]) == f"Conseil de santé du Cotentin — {reunion.titre}"
    assert evenement.decoded("dtstart") == reunion.debut
    # Une notification sur le portail pour chaque convoqué.
    notifications = Notification.objects.filter(verbe="conseil.reunion.convoquee")
    assert {n.destinataire for n in notifications} == set(seance.convoques)
    assert {n.url for n in notifications} == {reunion.get_absolute_url()}
    assert not Notification.objects.filter(destinataire__in=seance.non_convoques).exists()


def test_la_convocation_ne_part_qu_une_fois_meme_si_la_tache_est_rejouee(
    a_convoquer, secretariat, django_capture_on_commit_callbacks
):
    seance = a_convoquer(10)
    with django_capture_on_commit_callbacks(execute=True):
        services.convocation_envoyer(reunion=seance.reunion, acteur=secretariat)
    envoyes = len(mail.outbox)
    participation = Participation.objects.filter(reunion=seance.reunion).first()

    tasks.envoyer_convocation(participation.pk)
    tasks.envoyer_convocation(participation.pk)

    assert tasks.envoyer_convocations(seance.reunion.pk) == 0
    assert len(mail.outbox) == envoyes == len(seance.convoques)
    assert Notification.objects.filter(destinataire=participation.personne).count() == 1


def test_une_seance_ne_se_convoque_qu_une_fois(a_convoquer, secretariat, django_capture_on_commit_callbacks):
    seance = a_convoquer(10)
    with django_capture_on_commit_callbacks(execute=True):
        services.convocation_envoyer(reunion=seance.reunion, acteur=secretariat)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as erreur:
        services.convocation_envoyer(reunion=seance.reunion, acteur=secretariat)
    assert message(erreur) == "La séance est déjà convoquée : la convocation ne part qu'une fois."
    assert len(mail.outbox) == len(seance.convoques)
    assert Evenement.objects.filter(verbe="conseil.reunion.convoquee").count() == 1


@pytest.mark.parametrize(
    ("jours", "points", "texte"),
    [
        pytest.param(10, 0, "Une convocation sans ordre du jour ne peut pas partir", id="sans ordre du jour"),
        pytest.param(-1, 1, "La séance est passée : elle ne peut plus être convoquée.", id="séance passée"),
    ],
)
def test_convocations_refusees(a_convoquer, secretariat, jours, points, texte):
    seance = a_convoquer(jours, points=points)
    with pytest.raises(ValidationError) as erreur:
        services.convocation_envoyer(reunion=seance.reunion, acteur=secretariat, motif_retard="Urgence")
    assert texte in message(erreur)
    assert Reunion.objects.get(pk=seance.reunion.pk).statut == StatutReunion.PLANIFIEE
    assert not Participation.objects.exists()


def test_un_membre_ne_convoque_pas(a_convoquer, membre_college):
    seance = a_convoquer(10)
    with pytest.raises(TransitionRefusee, match="pas le droit"):
        services.convocation_envoyer(reunion=seance.reunion, acteur=membre_college)
    # Les participations créées avant le refus du workflow sont annulées avec lui.
    assert not Participation.objects.exists()
    assert Reunion.objects.get(pk=seance.reunion.pk).statut == StatutReunion.PLANIFIEE


# --- Procurations -----------------------------------------------------------------------


@dataclass
class SeanceConvoquee:
    reunion: Reunion
    membres: dict[str, Utilisateur]

    def participation(self, prenom: str) -> Participation:
        return Participation.objects.get(reunion=self.reunion, personne=self.membres[prenom])

    def etat(self) -> tuple[set[tuple[int, int]], list[tuple[str, str]]]:
        """Les procurations et les réponses : ce qu'un refus ne doit pas changer."""
        return (
            set(Procuration.objects.values_list("mandant_id", "mandataire_id")),
            list(Participation.objects.order_by("pk").values_list("reponse", "presence")),
        )


PRENOMS = ("Alice", "Bruno", "Chloé", "David", "Emma")


@pytest.fixture
def seance_convoquee(db) -> Callable[..., SeanceConvoquee]:
    def fabriquer(statut: str = StatutReunion.CONVOQUEE, **regles: Any) -> SeanceConvoquee:
        instance = InstanceFactory(**regles)
        jours = 10 if statut == StatutReunion.CONVOQUEE else -1
        reunion = ReunionFactory(instance=instance, statut=statut, debut=a_18h(jours))
        membres = {}
        for prenom in PRENOMS:
            mandat = MandatFactory(instance=instance, personne=personne(prenom))
            convoquer(reunion, mandat)
            membres[prenom] = mandat.personne
        return SeanceConvoquee(reunion, membres)

    return fabriquer


def test_un_membre_donne_procuration(seance_convoquee):
    seance = seance_convoquee()
    alice, bruno = seance.membres["Alice"], seance.membres["Bruno"]

    procuration = services.procuration_donner(
        reunion=seance.reunion, mandant=alice, mandataire=bruno, acteur=alice
    )

    assert (procuration.mandant, procuration.mandataire, procuration.enregistree_par) == (alice, bruno, alice)
    participation = seance.participation("Alice")
    assert participation.reponse == Reponse.PROCURATION
    assert participation.repondu_le is not None
    assert participation.presence == ""
    evenement = Evenement.objects.get(verbe="conseil.procuration.donnee")
    assert evenement.donnees == {"mandant": alice.pk, "mandataire": bruno.pk}


def test_le_secretariat_enregistre_une_procuration_pendant_la_seance(seance_convoquee, secretariat):
    seance = seance_convoquee(statut=StatutReunion.TENUE)
    alice, bruno = seance.membres["Alice"], seance.membres["Bruno"]
    Participation.objects.filter(reunion=seance.reunion, personne=alice).update(presence=ABSENT)

    procuration = services.procuration_donner(
        reunion=seance.reunion, mandant=alice, mandataire=bruno, acteur=secretariat
    )

    assert procuration.enregistree_par == secretariat
    assert seance.participation("Alice").presence == REPRESENTE


def _donner(seance: SeanceConvoquee, mandant: str, mandataire: str, *autres_mandants: str) -> None:
    """`mandant` (puis chacun de `autres_mandants`) donne procuration à `mandataire`."""
    for prenom in (mandant, *autres_mandants):
        services.procuration_donner(
            reunion=seance.reunion,
            mandant=seance.membres[prenom],
            mandataire=seance.membres[mandataire],
            acteur=seance.membres[prenom],
        )


@dataclass(frozen=True)
class CasRefus:
    regles: dict[str, Any]
    preparer: Callable[[SeanceConvoquee], Any]
    mandataire: str | None  # None : une personne hors de l'instance
    acteur: str  # prénom, ou « secrétariat »
    texte: str
    statut: str = StatutReunion.CONVOQUEE


def _rien(seance: SeanceConvoquee) -> None:
    return None


def _present(seance: SeanceConvoquee) -> None:
    Participation.objects.filter(reunion=seance.reunion, personne=seance.membres["Alice"]).update(
        presence=PRESENT
    )


REFUS_DE_PROCURATION = {
    "à une personne hors de l'instance": CasRefus(
        {}, _rien, None, "Alice", "n'est pas membre de Groupe Test à la date de la séance"
    ),
    "à soi-même": CasRefus({}, _rien, "Alice", "Alice", "On ne se donne pas procuration à soi-même."),
    "à qui en détient déjà une (au plus 1)": CasRefus(
        {"procurations_max_par_membre": 1},
        lambda s: _donner(s, "Bruno", "Chloé"),
        "Chloé",
        "Alice",
        "Chloé Martin détient déjà 1 procuration pour cette séance (au plus 1 par membre).",
    ),
    "à qui en détient déjà deux (au plus 2)": CasRefus(
        {"procurations_max_par_membre": 2},
        lambda s: _donner(s, "Bruno", "Chloé", "David"),
        "Chloé",
        "Alice",
        "Chloé Martin détient déjà 2 procurations pour cette séance (au plus 2 par membre).",
    ),
    "à qui a donné la sienne": CasRefus(
        {},
        lambda s: _donner(s, "Bruno", "Chloé"),
        "Bruno",
        "Alice",
        "Bruno Martin a lui-même donné procuration pour cette séance : il ne peut pas en recevoir.",
    ),
    "par qui détient celle d'un autre": CasRefus(
        {},
        lambda s: _donner(s, "Bruno", "Alice"),
        "Chloé",
        "Alice",
        "Alice Martin détient la procuration de Bruno Martin pour cette séance : "
        "un membre qui en représente un autre ne donne pas procuration à son tour.",
    ),
    "par un membre noté présent": CasRefus(
        {},
        _present,
        "Bruno",
        "secrétariat",
        "Alice Martin est présent à la séance : un membre présent ne donne pas procuration.",
        StatutReunion.TENUE,
    ),
    "quand l'instance n'admet pas de procuration": CasRefus(
        {"procurations_autorisees": False},
        _rien,
        "Bruno",
        "Alice",
        "Les procurations ne sont pas admises dans Groupe Test.",
    ),
    "par un autre membre que le mandant": CasRefus(
        {}, _rien, "Chloé", "Bruno", "Seul le membre lui-même ou le secrétariat enregistre sa procuration."
    ),
    "une fois la séance annulée": CasRefus(
        {},
        _rien,
        "Bruno",
        "secrétariat",
        "La séance est annulée : les procurations ne se donnent plus.",
        StatutReunion.ANNULEE,
    ),
}


@pytest.mark.parametrize("cas", REFUS_DE_PROCURATION.values(), ids=REFUS_DE_PROCURATION.keys())
def test_procurations_refusees_et_rien_n_est_ecrit(seance_convoquee, secretariat, cas):
    seance = seance_convoquee(statut=cas.statut, nom="Groupe Test", **cas.regles)
    cas.preparer(seance)
    avant = seance.etat()
    evenements = Evenement.objects.count()
    alice = seance.membres["Alice"]
    mandataire = seance.membres[cas.mandataire] if cas.mandataire else personne("Xavier", "Dehors")
    acteur = secretariat if cas.acteur == "secrétariat" else seance.membres[cas.acteur]

    with pytest.raises(ValidationError) as erreur:
        services.procuration_donner(
            reunion=seance.reunion, mandant=alice, mandataire=mandataire, acteur=acteur
        )

    assert cas.texte in message(erreur)
    assert seance.etat() == avant
    assert Evenement.objects.count() == evenements


def test_un_suppleant_ne_donne_pas_procuration(seance_convoquee):
    seance = seance_convoquee()
    suppleant = MandatFactory(instance=seance.reunion.instance, role=RoleMandat.SUPPLEANT, siege=1)
    convoquer(seance.reunion, suppleant)
    with pytest.raises(ValidationError, match="n'a pas voix délibérative"):
        services.procuration_donner(
            reunion=seance.reunion,
            mandant=suppleant.personne,
            mandataire=seance.membres["Alice"],
            acteur=suppleant.personne,
        )
    assert not Procuration.objects.exists()


def test_changer_de_mandataire_remplace_la_procuration(seance_convoquee):
    seance = seance_convoquee(procurations_max_par_membre=1)
    _donner(seance, "Alice", "Bruno")
    # Redonner au même mandataire ne compte pas contre le plafond.
    _donner(seance, "Alice", "Bruno")
    _donner(seance, "Alice", "Chloé")

    [procuration] = Procuration.objects.all()
    assert (procuration.mandant, procuration.mandataire) == (seance.membres["Alice"], seance.membres["Chloé"])
    # Bruno est libre de recevoir une autre procuration.
    _donner(seance, "David", "Bruno")
    assert Procuration.objects.count() == 2


def test_au_plus_deux_procurations_quand_l_instance_le_permet(seance_convoquee):
    seance = seance_convoquee(procurations_max_par_membre=2)
    _donner(seance, "Alice", "Chloé")
    _donner(seance, "Bruno", "Chloé")
    assert Procuration.objects.filter(mandataire=seance.membres["Chloé"]).count() == 2


def test_deux_membres_donnent_procuration_au_meme_membre_le_second_est_refuse(seance_convoquee):
    seance = seance_convoquee(procurations_max_par_membre=1)
    # Deux pages ouvertes en même temps : chacune a chargé la séance avant l'autre envoi.
    vue_d_alice = Reunion.objects.get(pk=seance.reunion.pk)
    vue_de_bruno = Reunion.objects.get(pk=seance.reunion.pk)
    chloe = seance.membres["Chloé"]

    services.procuration_donner(
        reunion=vue_d_alice, mandant=seance.membres["Alice"], mandataire=chloe, acteur=seance.membres["Alice"]
    )
    with pytest.raises(ValidationError, match="détient déjà 1 procuration"):
        services.procuration_donner(
            reunion=vue_de_bruno,
            mandant=seance.membres["Bruno"],
            mandataire=chloe,
            acteur=seance.membres["Bruno"],
        )

    assert list(Procuration.objects.values_list("mandant", flat=True)) == [seance.membres["Alice"].pk]
    assert seance.participation("Bruno").reponse == ""


def test_retirer_sa_procuration(seance_convoquee, secretariat):
    seance = seance_convoquee()
    _donner(seance, "Alice", "Bruno")
    alice = seance.membres["Alice"]

    with pytest.raises(ValidationError, match="Seul le membre lui-même ou le secrétariat retire"):
        services.procuration_retirer(reunion=seance.reunion, mandant=alice, acteur=seance.membres["Bruno"])
    assert Procuration.objects.exists()

    services.procuration_retirer(reunion=seance.reunion, mandant=alice, acteur=alice)
    assert not Procuration.objects.exists()
    participation = seance.participation("Alice")
    assert (participation.reponse, participation.repondu_le) == ("", None)
    assert Evenement.objects.filter(verbe="conseil.procuration.retiree").count() == 1
    # Retirer ce qui n'existe plus ne fait rien.
    services.procuration_retirer(reunion=seance.reunion, mandant=alice, acteur=secretariat)
    assert Evenement.objects.filter(verbe="conseil.procuration.retiree").count() == 1


def test_repondre_present_retire_la_procuration_donnee(seance_convoquee):
    seance = seance_convoquee()
    _donner(seance, "Alice", "Bruno")
    alice = seance.membres["Alice"]
    services.reponse_enregistrer(reunion=seance.reunion, acteur=alice, reponse=Reponse.PRESENT)
    assert not Procuration.objects.exists()
    assert seance.participation("Alice").reponse == Reponse.PRESENT


# --- Relevé des présences ---------------------------------------------------------------


def _ligne(
    seance: SeanceConvoquee, prenom: str, presence: str, mandataire: str | None = None
) -> services.LignePresence:
    return services.LignePresence(
        participation_id=seance.participation(prenom).pk,
        presence=presence,
        mandataire_id=seance.membres[mandataire].pk if mandataire else None,
    )


def test_releve_des_presences_et_quorum(seance_convoquee, secretariat):
    seance = seance_convoquee(statut=StatutReunion.TENUE)
    lignes = [
        _ligne(seance, "Alice", PRESENT),
        _ligne(seance, "Bruno", REPRESENTE, "Alice"),
        _ligne(seance, "Chloé", PRESENT),
        _ligne(seance, "David", EXCUSE),
        _ligne(seance, "Emma", ABSENT),
    ]

    quorum = services.presences_enregistrer(reunion=seance.reunion, acteur=secretariat, lignes=lignes)

    assert quorum == Quorum(membres=5, presents=2, representes=1, requis=3, compte_procurations=True)
    assert quorum.atteint
    assert dict(Participation.objects.values_list("personne__prenom", "presence")) == {
        "Alice": PRESENT,
        "Bruno": REPRESENTE,
        "Chloé": PRESENT,
        "David": EXCUSE,
        "Emma": ABSENT,
    }
    procuration = Procuration.objects.get()
    assert (procuration.mandant, procuration.mandataire, procuration.enregistree_par) == (
        seance.membres["Bruno"],
        seance.membres["Alice"],
        secretariat,
    )
    evenement = Evenement.objects.get(verbe="conseil.presences.enregistrees")
    assert evenement.donnees == {"presents": 2, "representes": 1, "membres": 5, "quorum_atteint": True}


@pytest.mark.parametrize(
    ("lignes", "erreurs"),
    [
        pytest.param(
            [("Alice", PRESENT, None), ("Bruno", REPRESENTE, None)],
            {"Bruno": "Indiquez le membre présent qui représente Bruno Martin."},
            id="représenté sans mandataire",
        ),
        pytest.param(
            [("Alice", PRESENT, None), ("Chloé", ABSENT, None), ("Bruno", REPRESENTE, "Chloé")],
            {"Bruno": "Chloé Martin n'est pas noté présent : il ne peut pas représenter Bruno Martin."},
            id="représenté par un absent",
        ),
        pytest.param(
            [("Alice", PRESENT, None), ("Bruno", "en retard", None)],
            {"Bruno": "Présence inconnue."},
            id="présence inconnue",
        ),
        pytest.param(
            [("Alice", PRESENT, None), ("Bruno", REPRESENTE, "Alice"), ("Chloé", REPRESENTE, "Alice")],
            {
                "Bruno": "Alice Martin ne peut détenir qu'une procuration.",
                "Chloé": "Alice Martin ne peut détenir qu'une procuration.",
            },
            id="plus de procurations que le plafond",
        ),
        pytest.param(
            [("Alice", REPRESENTE, "Bruno"), ("Bruno", REPRESENTE, "Alice")],
            {
                "Alice": "Bruno Martin n'est pas noté présent : il ne peut pas représenter Alice Martin.",
                "Bruno": "Alice Martin n'est pas noté présent : il ne peut pas représenter Bruno Martin.",
            },
            id="représentés l'un par l'autre",
        ),
    ],
)
def test_releve_des_presences_tout_ou_rien(seance_convoquee, secretariat, lignes, erreurs):
    seance = seance_convoquee(statut=StatutReunion.TENUE)
    avant = seance.etat()

    with pytest.raises(ValidationError) as erreur:
        services.presences_enregistrer(
            reunion=seance.reunion,
            acteur=secretariat,
            lignes=[_ligne(seance, *ligne) for ligne in lignes],
        )

    assert erreur.value.message_dict == {
        str(seance.participation(prenom).pk): [texte] for prenom, texte in erreurs.items()
    }
    assert seance.etat() == avant
    assert not Evenement.objects.filter(verbe="conseil.presences.enregistrees").exists()


def test_le_membre_note_present_reprend_sa_voix(seance_convoquee, secretariat):
    seance = seance_convoquee(statut=StatutReunion.TENUE)
    Participation.objects.filter(reunion=seance.reunion).update(presence=ABSENT)
    Procuration.objects.create(
        reunion=seance.reunion, mandant=seance.membres["Alice"], mandataire=seance.membres["Bruno"]
    )

    quorum = services.presences_enregistrer(
        reunion=seance.reunion,
        acteur=secretariat,
        lignes=[_ligne(seance, "Alice", PRESENT), _ligne(seance, "Bruno", PRESENT)],
    )

    assert not Procuration.objects.exists()
    assert (quorum.presents, quorum.representes) == (2, 0)


def test_une_procuration_donnee_avant_la_seance_reste_si_le_mandant_n_est_pas_releve(
    seance_convoquee, secretariat
):
    seance = seance_convoquee(statut=StatutReunion.TENUE)
    Procuration.objects.create(
        reunion=seance.reunion, mandant=seance.membres["Alice"], mandataire=seance.membres["Bruno"]
    )

    quorum = services.presences_enregistrer(
        reunion=seance.reunion, acteur=secretariat, lignes=[_ligne(seance, "Bruno", PRESENT)]
    )

    assert Procuration.objects.count() == 1
    assert (quorum.presents, quorum.representes) == (1, 1)


def test_releve_refuse_hors_de_la_seance(seance_convoquee, secretariat):
    seance = seance_convoquee(statut=StatutReunion.TENUE)
    autre = ParticipationFactory(reunion=ReunionFactory(statut=StatutReunion.TENUE, debut=a_18h(-1)))
    with pytest.raises(ValidationError, match="n'est pas convoqué à cette séance"):
        services.presences_enregistrer(
            reunion=seance.reunion,
            acteur=secretariat,
            lignes=[services.LignePresence(participation_id=autre.pk, presence=PRESENT)],
        )

    planifiee = seance_convoquee(statut=StatutReunion.PLANIFIEE)
    with pytest.raises(ValidationError, match="La séance est planifiée : les présences ne se relèvent plus."):
        services.presences_enregistrer(
            reunion=planifiee.reunion, acteur=secretariat, lignes=[_ligne(planifiee, "Alice", PRESENT)]
        )


def test_releve_refuse_les_representes_quand_l_instance_n_admet_pas_de_procuration(
    seance_convoquee, secretariat
):
    seance = seance_convoquee(statut=StatutReunion.TENUE, procurations_autorisees=False)
    with pytest.raises(ValidationError, match="ne sont pas admises"):
        services.presences_enregistrer(
            reunion=seance.reunion,
            acteur=secretariat,
            lignes=[_ligne(seance, "Alice", PRESENT), _ligne(seance, "Bruno", REPRESENTE, "Alice")],
        )
    assert seance.participation("Alice").presence == ""


# --- Procès-verbal ----------------------------------------------------------------------


@pytest.fixture
def seance_tenue(db) -> Reunion:
    """Une séance plénière tenue hier : une présente, un représenté, une excusée, un absent."""
    instance = InstanceFactory(nom="Conseil de test")
    reunion = ReunionFactory(
        instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-1), titre="Séance plénière d'automne"
    )
    alice, bruno, chloe, david = (MandatFactory(instance=instance, personne=personne(p)) for p in PRENOMS[:4])
    convoquer(reunion, alice, PRESENT)
    convoquer(reunion, bruno, REPRESENTE)
    convoquer(reunion, chloe, EXCUSE)
    convoquer(reunion, david, ABSENT)
    Procuration.objects.create(reunion=reunion, mandant=bruno.personne, mandataire=alice.personne)
    PointFactory(
        reunion=reunion,
        ordre=1,
        titre="Adoption du programme de travail",
        nature=NaturePoint.DECISION,
        resultat="Le programme est adopté à l'unanimité.",
    )
    PointFactory(reunion=reunion, ordre=2, titre="Tour de table", nature=NaturePoint.INFORMATION)
    return reunion


@pytest.mark.parametrize("statut", [StatutReunion.PLANIFIEE, StatutReunion.CONVOQUEE, StatutReunion.ANNULEE])
def test_le_proces_verbal_attend_que_la_seance_soit_tenue(secretariat, seance_tenue, statut):
    Reunion.objects.filter(pk=seance_tenue.pk).update(statut=statut)
    with pytest.raises(ValidationError, match="Le procès-verbal se rédige une fois la séance tenue."):
        services.proces_verbal_rediger(reunion=seance_tenue, acteur=secretariat)
    assert not ProcesVerbal.objects.exists()


def test_le_proces_verbal_est_prerempli(secretariat, seance_tenue):
    pv = services.proces_verbal_rediger(reunion=seance_tenue, acteur=secretariat)

    assert pv.statut == StatutProcesVerbal.BROUILLON
    assert pv.redige_par == secretariat
    lignes = pv.texte.splitlines()
    assert lignes[0].startswith("Procès-verbal de la séance du ")
    assert lignes[1] == "Conseil de test — Séance plénière d'automne"
    for attendue in (
        "Présents : Alice Martin.",
        "Représentés : Bruno Martin (procuration à Alice Martin).",
        "Excusés : Chloé Martin.",
        "Absents : David Martin.",
        "Quorum : 2 membres à voix délibérative présents ou représentés sur 4 ; quorum requis : 2. "
        "Le quorum est atteint.",
        "1. Adoption du programme de travail (décision)",
        "Le programme est adopté à l'unanimité.",
        "2. Tour de table (information)",
        "Suite donnée : à compléter.",
    ):
        assert attendue in lignes
    assert (
        lignes.index("Le programme est adopté à l'unanimité.")
        == lignes.index("1. Adoption du programme de travail (décision)") + 1
    )
    assert Evenement.objects.filter(verbe="conseil.proces_verbal.redige").count() == 1
    with pytest.raises(ValidationError, match="a déjà son procès-verbal"):
        services.proces_verbal_rediger(reunion=seance_tenue, acteur=secretariat)


def test_le_proces_verbal_d_une_seance_close_reprend_le_quorum_fige(secretariat, seance_tenue):
    services.reunion_changer_statut(reunion=seance_tenue, acteur=secretariat, vers=StatutReunion.CLOSE)
    # Deux membres de plus inscrits après coup : le procès-verbal s'en tient au registre.
    for _ in range(2):
        MandatFactory(instance=seance_tenue.instance)

    pv = services.proces_verbal_rediger(reunion=seance_tenue, acteur=secretariat)

    assert "sur 4 ; quorum requis : 2. Le quorum est atteint." in pv.texte


def test_le_proces_verbal_se_modifie_tant_qu_il_est_un_projet(secretariat, seance_tenue):
    pv = services.proces_verbal_rediger(reunion=seance_tenue, acteur=secretariat)
    services.proces_verbal_modifier(pv=pv, acteur=secretariat, texte="Texte relu.")
    assert ProcesVerbal.objects.get(pk=pv.pk).texte == "Texte relu."
    with pytest.raises(ValidationError) as erreur:
        services.proces_verbal_modifier(pv=pv, acteur=secretariat, texte="   ")
    assert erreur.value.message_dict == {"texte": ["Le procès-verbal ne peut pas être vide."]}

    services.reunion_changer_statut(reunion=seance_tenue, acteur=secretariat, vers=StatutReunion.CLOSE)
    suivante = ReunionFactory(instance=seance_tenue.instance, statut=StatutReunion.CONVOQUEE, debut=a_18h(20))
    services.proces_verbal_adopter(pv=pv, adopte_en=suivante, acteur=secretariat)  # archivage non exécuté

    with pytest.raises(ValidationError, match="Le procès-verbal est adopté : il ne change plus."):
        services.proces_verbal_modifier(pv=pv, acteur=secretariat, texte="Une retouche.")
    assert ProcesVerbal.objects.get(pk=pv.pk).texte == "Texte relu."
    assert Evenement.objects.filter(verbe="conseil.proces_verbal.modifie").count() == 1


CAS_D_ADOPTION_REFUSEE = {
    "par une séance antérieure": (-40, StatutReunion.TENUE, True, True, "n'est pas postérieure"),
    "par une séance du même jour": (-30, StatutReunion.TENUE, True, True, "n'est pas postérieure"),
    "par une séance d'une autre instance": (-2, StatutReunion.TENUE, False, True, "de la même instance"),
    "par une séance planifiée": (10, StatutReunion.PLANIFIEE, True, True, "doit avoir été convoquée"),
    "par une séance annulée": (10, StatutReunion.ANNULEE, True, True, "doit avoir été convoquée"),
    "avant la clôture de sa séance": (10, StatutReunion.CONVOQUEE, True, False, "une fois sa séance close"),
}


@pytest.mark.parametrize(
    ("jours", "statut", "meme_instance", "close", "texte"),
    CAS_D_ADOPTION_REFUSEE.values(),
    ids=CAS_D_ADOPTION_REFUSEE.keys(),
)
def test_adoption_du_proces_verbal_refusee(
    secretariat, django_capture_on_commit_callbacks, jours, statut, meme_instance, close, texte
):
    instance = InstanceFactory()
    seance: Any = (
        reunion_close(instance, -30)
        if close
        else ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-30))
    )
    convoquer(seance, MandatFactory(instance=instance), PRESENT)
    pv = services.proces_verbal_rediger(reunion=seance, acteur=secretariat)
    adoptante = ReunionFactory(
        instance=instance if meme_instance else InstanceFactory(), statut=statut, debut=a_18h(jours)
    )

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionRefusee) as erreur:
        services.proces_verbal_adopter(pv=pv, adopte_en=adoptante, acteur=secretariat)

    assert texte in message(erreur)
    pv.refresh_from_db()
    assert (pv.statut, pv.adopte_en, pv.adopte_le, pv.document) == (
        StatutProcesVerbal.BROUILLON,
        None,
        None,
        None,
    )
    assert not Evenement.objects.filter(verbe__startswith="conseil.proces_verbal.a").exists()
    assert not Notification.objects.exists()


def test_un_membre_n_enregistre_pas_l_adoption(secretariat, membre_college):
    instance = InstanceFactory()
    pv = services.proces_verbal_rediger(reunion=reunion_close(instance, -30), acteur=secretariat)
    suivante = ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-1))
    with pytest.raises(TransitionRefusee, match="pas le droit"):
        services.proces_verbal_adopter(pv=pv, adopte_en=suivante, acteur=membre_college)
    assert ProcesVerbal.objects.get(pk=pv.pk).adopte_en is None


def test_adoption_puis_archivage_en_pdf(secretariat, seance_tenue, django_capture_on_commit_callbacks):
    services.reunion_changer_statut(reunion=seance_tenue, acteur=secretariat, vers=StatutReunion.CLOSE)
    pv = services.proces_verbal_rediger(reunion=seance_tenue, acteur=secretariat)
    suivante = ReunionFactory(
        instance=seance_tenue.instance, statut=StatutReunion.TENUE, debut=a_18h(0) - dt.timedelta(hours=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        adopte = services.proces_verbal_adopter(pv=pv, adopte_en=suivante, acteur=secretariat)
        assert adopte.statut == StatutProcesVerbal.ADOPTE
        assert adopte.adopte_en_id == suivante.pk and adopte.adopte_le is not None

    pv = ProcesVerbal.objects.get(pk=pv.pk)
    assert pv.statut == StatutProcesVerbal.ARCHIVE
    assert pv.erreur_archivage == ""
    document = Document.objects.get(pk=pv.document_id)
    assert document.objet == seance_tenue
    assert document.type_mime == "application/pdf"
    assert document.nom_fichier.startswith("proces-verbal-") and document.nom_fichier.endswith(".pdf")
    with document.fichier.open("rb") as fichier:
        assert fichier.read(5) == b"%PDF-"
    verbes = list(
        Evenement.objects.filter(verbe__startswith="conseil.proces_verbal.a")
        .order_by("id")
        .values_list("verbe", "etat_avant", "etat_apres")
    )
    assert verbes == [
        ("conseil.proces_verbal.adopte", "brouillon", "adopte"),
        ("conseil.proces_verbal.archive", "adopte", "archive"),
    ]
    participants = set(seance_tenue.participations.values_list("personne", flat=True))
    notifications = Notification.objects.filter(verbe="conseil.proces_verbal.adopte")
    assert set(notifications.values_list("destinataire", flat=True)) == participants
    assert "a été adopté en séance" in notifications.first().message
    # Rejouée, la tâche ne refait rien.
    tasks.archiver_proces_verbal(pv.pk)
    assert Document.objects.count() == 1


def test_un_echec_d_archivage_se_relance(
    secretariat, seance_tenue, monkeypatch, django_capture_on_commit_callbacks
):
    services.reunion_changer_statut(reunion=seance_tenue, acteur=secretariat, vers=StatutReunion.CLOSE)
    pv = services.proces_verbal_rediger(reunion=seance_tenue, acteur=secretariat)
    suivante = ReunionFactory(instance=seance_tenue.instance, statut=StatutReunion.CONVOQUEE, debut=a_18h(15))
    with pytest.raises(ValidationError, match="Seul un procès-verbal adopté"):
        services.proces_verbal_relancer_archivage(pv=pv, acteur=secretariat)

    def disque_plein(pv: ProcesVerbal) -> bytes:
        raise OSError("No space left on device")

    monkeypatch.setattr("conseil.pdf.proces_verbal_pdf", disque_plein)
    with django_capture_on_commit_callbacks(execute=True):
        services.proces_verbal_adopter(pv=pv, adopte_en=suivante, acteur=secretariat)

    pv.refresh_from_db()
    assert pv.statut == StatutProcesVerbal.ADOPTE
    assert pv.document is None
    assert pv.erreur_archivage == "Le PDF n'a pas pu être écrit : OSError"
    echec = Evenement.objects.get(verbe="conseil.proces_verbal.archivage_echoue")
    assert echec.motif == pv.erreur_archivage
    assert not Document.objects.exists()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.proces_verbal_relancer_archivage(pv=pv, acteur=secretariat)

    pv = ProcesVerbal.objects.get(pk=pv.pk)
    assert pv.statut == StatutProcesVerbal.ARCHIVE
    assert pv.erreur_archivage == ""
    assert pv.document is not None
    assert Evenement.objects.filter(verbe="conseil.proces_verbal.archive").count() == 1


# --- Programme de travail et livrables --------------------------------------------------


@pytest.mark.parametrize(
    ("instance", "statut", "objectifs", "texte"),
    [
        pytest.param(
            "groupe", StatutReunion.TENUE, 1, "adopté par le Conseil de santé", id="séance d'un groupe"
        ),
        pytest.param(
            "college", StatutReunion.TENUE, 1, "adopté par le Conseil de santé", id="séance du Collège"
        ),
        pytest.param(
            "conseil", StatutReunion.PLANIFIEE, 1, "doit avoir été convoquée", id="séance planifiée"
        ),
        pytest.param("conseil", StatutReunion.ANNULEE, 1, "doit avoir été convoquée", id="séance annulée"),
        pytest.param("conseil", StatutReunion.TENUE, 0, "sans objectif", id="programme sans objectif"),
    ],
)
def test_adoption_du_programme_refusee(secretariat, instance, statut, objectifs, texte):
    fabrique = {"groupe": InstanceFactory, "college": CollegeFactory, "conseil": ConseilFactory}[instance]
    seance = ReunionFactory(instance=fabrique(), statut=statut, debut=a_18h(-1))
    programme = ProgrammeFactory()
    ObjectifFactory.create_batch(objectifs, programme=programme)

    with pytest.raises(TransitionRefusee) as erreur:
        services.programme_adopter(programme=programme, adopte_en=seance, acteur=secretariat)

    assert texte in message(erreur)
    programme.refresh_from_db()
    assert (programme.statut, programme.adopte_en, programme.adopte_le) == (
        StatutProgramme.BROUILLON,
        None,
        None,
    )
    assert not Evenement.objects.filter(verbe="conseil.programme.adopte").exists()


@pytest.mark.parametrize("statut", [StatutReunion.CONVOQUEE, StatutReunion.TENUE])
def test_le_conseil_adopte_le_programme_en_pleniere(secretariat, membre_college, statut):
    seance = ReunionFactory(instance=ConseilFactory(), statut=statut, debut=a_18h(-1))
    programme = ProgrammeFactory()
    ObjectifFactory.create_batch(2, programme=programme)

    with pytest.raises(TransitionRefusee, match="pas le droit"):
        services.programme_adopter(programme=programme, adopte_en=seance, acteur=membre_college)
    adopte = services.programme_adopter(programme=programme, adopte_en=seance, acteur=secretariat)

    assert adopte.statut == StatutProgramme.ADOPTE
    assert adopte.adopte_en_id == seance.pk and adopte.adopte_le is not None
    evenement = Evenement.objects.get(verbe="conseil.programme.adopte")
    assert evenement.donnees == {"adopte_en": seance.pk}
    with pytest.raises(TransitionRefusee, match="Impossible de passer de « Adopté » à « Adopté »"):
        services.programme_adopter(programme=programme, adopte_en=seance, acteur=secretariat)
    assert ProgrammeDeTravail.objects.get().adopte_en_id == seance.pk


LIVRE_LE = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("avant", "livre_avant", "apres", "livre_apres"),
    [
        pytest.param(0, None, 40, None, id="en cours"),
        pytest.param(40, None, 100, "aujourd'hui", id="livré aujourd'hui"),
        pytest.param(100, LIVRE_LE, 100, LIVRE_LE, id="déjà livré : la date reste"),
        pytest.param(100, LIVRE_LE, 90, None, id="rouvert : plus livré"),
        pytest.param(30, None, 0, None, id="remis à zéro"),
    ],
)
def test_avancement_d_un_livrable(agent, avant, livre_avant, apres, livre_apres):
    livrable = LivrableFactory(avancement=avant, livre_le=livre_avant)
    services.livrable_mettre_a_jour(livrable=livrable, acteur=agent, avancement=apres)

    attendu = timezone.localdate() if livre_apres == "aujourd'hui" else livre_apres
    assert (livrable.avancement, livrable.livre_le) == (apres, attendu)
    livrable.refresh_from_db()
    assert (livrable.avancement, livrable.livre_le) == (apres, attendu)
    evenements = Evenement.objects.filter(verbe="conseil.livrable.avancement")
    if (avant, livre_avant) == (apres, attendu):
        assert not evenements.exists()  # rien ne change : rien n'est enregistré ni tracé
        return
    evenement = evenements.get()
    assert evenement.donnees["livrable"] == livrable.pk
    assert evenement.donnees["modifications"]["avancement"] == [avant, apres]
    assert evenement.cible == livrable.groupe


@pytest.mark.parametrize("avancement", [-1, 101, 250])
def test_l_avancement_est_un_pourcentage(agent, avancement):
    livrable = LivrableFactory(avancement=30)
    with pytest.raises(ValidationError) as erreur:
        services.livrable_mettre_a_jour(livrable=livrable, acteur=agent, avancement=avancement)
    assert erreur.value.message_dict == {"avancement": ["L'avancement est un pourcentage, de 0 à 100."]}
    assert Livrable.objects.get(pk=livrable.pk).avancement == 30
    assert not Evenement.objects.exists()


# --- Rôles donnés par les mandats --------------------------------------------------------


@pytest.mark.parametrize(
    ("instance", "role", "debut", "fin", "roles", "mfa"),
    [
        pytest.param("conseil", RoleMandat.COPRESIDENT, -30, None, {Role.COPRESIDENT}, True, id="présidence"),
        pytest.param("conseil", RoleMandat.COPRESIDENT, -30, 0, {Role.COPRESIDENT}, True, id="fin ce jour"),
        pytest.param("conseil", RoleMandat.TITULAIRE, -30, None, set(), False, id="titulaire du Conseil"),
        pytest.param("college", RoleMandat.TITULAIRE, -30, None, {Role.MEMBRE_COLLEGE}, False, id="Collège"),
        pytest.param("college", RoleMandat.SUPPLEANT, 0, None, {Role.MEMBRE_COLLEGE}, False, id="suppléant"),
        pytest.param("groupe", RoleMandat.ANIMATEUR, -30, None, set(), False, id="groupe de travail"),
    ],
)  # fmt: skip
def test_un_mandat_en_cours_donne_son_role(instance, role, debut, fin, roles, mfa):
    titulaire = UtilisateurFactory()
    fabrique = {"groupe": InstanceFactory, "college": CollegeFactory, "conseil": ConseilFactory}[instance]
    aujourd_hui = timezone.localdate()
    MandatFactory(
        instance=fabrique(),
        personne=titulaire,
        role=role,
        siege=1 if role == RoleMandat.SUPPLEANT else None,
        debut=aujourd_hui + dt.timedelta(days=debut),
        fin=None if fin is None else aujourd_hui + dt.timedelta(days=fin),
    )

    # Un objet neuf : les rôles sont mis en cache sur l'utilisateur chargé.
    utilisateur = Utilisateur.objects.get(pk=titulaire.pk)
    assert roles_de(utilisateur) == {MEMBRE_D_UNE_INSTANCE, *roles}
    assert mfa_requise(utilisateur) is mfa


@pytest.mark.parametrize(
    ("debut", "fin", "active"),
    [
        pytest.param(-400, -1, True, id="mandat terminé hier"),
        pytest.param(1, None, True, id="mandat qui commence demain"),
        pytest.param(-30, None, False, id="instance dissoute"),
    ],
)
def test_pas_de_role_hors_d_un_mandat_en_cours(debut, fin, active):
    titulaire = UtilisateurFactory()
    aujourd_hui = timezone.localdate()
    for fabrique, role in ((ConseilFactory, RoleMandat.COPRESIDENT), (CollegeFactory, RoleMandat.TITULAIRE)):
        MandatFactory(
            instance=fabrique(active=active),
            personne=titulaire,
            role=role,
            debut=aujourd_hui + dt.timedelta(days=debut),
            fin=None if fin is None else aujourd_hui + dt.timedelta(days=fin),
        )

    utilisateur = Utilisateur.objects.get(pk=titulaire.pk)
    assert roles_de(utilisateur) == frozenset()
    assert not mfa_requise(utilisateur)


# --- Mes données ------------------------------------------------------------------------


def test_mes_donnees_reprennent_mandats_participations_et_procurations():
    college = CollegeFactory()
    moi, bruno, chloe = personne("Alice"), personne("Bruno"), personne("Chloé")
    debut = dt.date(2025, 3, 1)
    MandatFactory(
        instance=college, personne=moi, siege=3, categorie=CategorieCollege.MEDICO_SOCIAL, debut=debut
    )
    MandatFactory(
        instance=ConseilFactory(),
        personne=moi,
        role=RoleMandat.COPRESIDENT,
        debut=debut,
        fin=dt.date(2025, 12, 31),
    )
    for autre in (bruno, chloe):
        MandatFactory(instance=college, personne=autre)
    premiere = ReunionFactory(
        instance=college, statut=StatutReunion.CONVOQUEE, titre="Séance du Collège", debut=a_18h(10)
    )
    seconde = ReunionFactory(
        instance=college, statut=StatutReunion.CONVOQUEE, titre="Séance suivante", debut=a_18h(40)
    )
    ParticipationFactory(reunion=premiere, personne=moi, reponse=Reponse.PROCURATION)
    ParticipationFactory(reunion=seconde, personne=moi, reponse=Reponse.PRESENT, presence=PRESENT)
    Procuration.objects.create(reunion=premiere, mandant=moi, mandataire=bruno)
    Procuration.objects.create(reunion=seconde, mandant=chloe, mandataire=moi)
    # Ce qui ne me concerne pas n'y figure pas.
    ParticipationFactory(reunion=premiere, personne=bruno)

    donnees = donnees_de(moi)
    conseil = donnees["conseil"]

    assert sorted(conseil["mandats"], key=lambda m: m["instance"]) == [
        {
            "instance": "Collège des professionnels",
            "role": "Membre titulaire",
            "categorie": "Opérateurs médico-sociaux",
            "siege": 3,
            "debut": "2025-03-01",
            "fin": None,
        },
        {
            "instance": "Conseil de santé du Cotentin",
            "role": "Co-président",
            "categorie": "",
            "siege": None,
            "debut": "2025-03-01",
            "fin": "2025-12-31",
        },
    ]
    assert sorted(conseil["participations"], key=lambda p: p["seance"]) == [
        {"seance": str(premiere), "reponse": "Je donne procuration", "presence": "Non relevée"},
        {"seance": str(seconde), "reponse": "Je serai présent", "presence": "Présent"},
    ]
    assert conseil["procurations_donnees"] == [{"seance": str(premiere), "mandataire": "Bruno Martin"}]
    assert conseil["procurations_recues"] == [{"seance": str(seconde), "mandant": "Chloé Martin"}]
    json.dumps(donnees)  # l'export est du JSON
    assert donnees_de(chloe)["conseil"]["procurations_donnees"] == [
        {"seance": str(seconde), "mandataire": "Alice Martin"}
    ]


def test_le_verdict_fige_ne_change_pas_quand_l_instance_change_sa_regle(secretariat):
    instance = InstanceFactory(quorum_compte_procurations=True)
    reunion = ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-1))
    mandats = [MandatFactory(instance=instance) for _ in range(4)]
    for mandat, presence in zip(mandats, (PRESENT, REPRESENTE, ABSENT, ABSENT), strict=True):
        convoquer(reunion, mandat, presence)
    Procuration.objects.create(reunion=reunion, mandant=mandats[1].personne, mandataire=mandats[0].personne)
    services.reunion_changer_statut(reunion=reunion, acteur=secretariat, vers=StatutReunion.CLOSE)
    assert quorum_de(Reunion.objects.get(pk=reunion.pk)).atteint

    # Le règlement intérieur change l'année suivante : la séance close garde le sien.
    instance.quorum_compte_procurations = False
    instance.save()

    relue = Reunion.objects.select_related("instance").get(pk=reunion.pk)
    assert relue.quorum_compte_procurations is True
    assert quorum_de(relue).atteint
    assert "Le quorum est atteint." in services.proces_verbal_texte_initial(relue)


def test_pas_de_procuration_a_un_membre_note_absent(seance_convoquee, secretariat):
    seance = seance_convoquee(statut=StatutReunion.TENUE)
    Participation.objects.filter(pk=seance.participation("Bruno").pk).update(presence=ABSENT)
    avant = seance.etat()

    with pytest.raises(ValidationError, match="Bruno Martin est noté absent à la séance"):
        services.procuration_donner(
            reunion=seance.reunion,
            mandant=seance.membres["Alice"],
            mandataire=seance.membres["Bruno"],
            acteur=secretariat,
        )
    assert seance.etat() == avant


def test_une_procuration_ancienne_ne_tient_plus_si_son_detenteur_est_note_absent(
    seance_convoquee, secretariat
):
    seance = seance_convoquee(statut=StatutReunion.TENUE)
    services.presences_enregistrer(
        reunion=seance.reunion,
        acteur=secretariat,
        lignes=[_ligne(seance, "Bruno", PRESENT), _ligne(seance, "Alice", REPRESENTE, "Bruno")],
    )
    avant = seance.etat()

    # Bruno est en fait parti avant le début : Alice ne peut plus être notée représentée par lui.
    with pytest.raises(ValidationError) as erreur:
        services.presences_enregistrer(
            reunion=seance.reunion, acteur=secretariat, lignes=[_ligne(seance, "Bruno", ABSENT)]
        )
    assert erreur.value.message_dict == {
        str(seance.participation("Alice").pk): [
            "Bruno Martin n'est pas noté présent : il ne peut pas représenter Alice Martin."
        ]
    }
    assert seance.etat() == avant


def test_la_cloture_previent_les_membres_convoques(secretariat):
    instance = InstanceFactory()
    reunion = ReunionFactory(instance=instance, statut=StatutReunion.TENUE, debut=a_18h(-1))
    mandats = [MandatFactory(instance=instance) for _ in range(3)]
    for mandat, presence in zip(mandats, (PRESENT, PRESENT, ABSENT), strict=True):
        convoquer(reunion, mandat, presence)

    services.reunion_changer_statut(reunion=reunion, acteur=secretariat, vers=StatutReunion.CLOSE)

    notifications = Notification.objects.filter(verbe="conseil.reunion.close")
    assert {n.destinataire_id for n in notifications} == {m.personne_id for m in mandats}
    assert "Quorum atteint : 2 présents et 0 représentés sur 3 membres" in notifications[0].message
