import datetime as dt

import factory
from django.utils import timezone

from conseil.models import (
    CategorieCollege,
    GroupeDeTravail,
    Instance,
    Livrable,
    Mandat,
    ObjectifProgramme,
    Participation,
    PointOrdreDuJour,
    ProgrammeDeTravail,
    Reunion,
    RoleMandat,
    TypeInstance,
)
from territoire.models import Axe
from tests.comptes.factories import UtilisateurFactory


class InstanceFactory(factory.django.DjangoModelFactory[Instance]):
    class Meta:
        model = Instance

    nom = factory.Sequence(lambda n: f"Groupe de travail n°{n}")
    type_instance = TypeInstance.GROUPE


class ConseilFactory(factory.django.DjangoModelFactory[Instance]):
    class Meta:
        model = Instance
        django_get_or_create = ("type_instance",)

    nom = "Conseil de santé du Cotentin"
    type_instance = TypeInstance.CONSEIL
    calendrier_public = True


class CollegeFactory(factory.django.DjangoModelFactory[Instance]):
    class Meta:
        model = Instance
        django_get_or_create = ("type_instance",)

    nom = "Collège des professionnels"
    type_instance = TypeInstance.COLLEGE


class MandatFactory(factory.django.DjangoModelFactory[Mandat]):
    class Meta:
        model = Mandat

    instance = factory.SubFactory(InstanceFactory)
    personne = factory.SubFactory(UtilisateurFactory)
    role = RoleMandat.TITULAIRE
    debut = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    categorie = factory.LazyAttribute(
        lambda o: (
            CategorieCollege.LIBERAUX_PSLA
            if o.instance.type_instance == TypeInstance.COLLEGE
            and o.role in (RoleMandat.TITULAIRE, RoleMandat.SUPPLEANT)
            else ""
        )
    )


class ReunionFactory(factory.django.DjangoModelFactory[Reunion]):
    class Meta:
        model = Reunion

    instance = factory.SubFactory(ConseilFactory)
    titre = factory.Sequence(lambda n: f"Séance plénière n°{n}")
    debut = factory.LazyFunction(
        lambda: (timezone.localtime() + dt.timedelta(days=30)).replace(
            hour=18, minute=0, second=0, microsecond=0
        )
    )
    lieu = "Hôtel communautaire, Cherbourg-en-Cotentin"


class PointFactory(factory.django.DjangoModelFactory[PointOrdreDuJour]):
    class Meta:
        model = PointOrdreDuJour

    reunion = factory.SubFactory(ReunionFactory)
    ordre = factory.Sequence(lambda n: n + 1)
    titre = factory.Sequence(lambda n: f"Point n°{n}")


class ParticipationFactory(factory.django.DjangoModelFactory[Participation]):
    class Meta:
        model = Participation

    reunion = factory.SubFactory(ReunionFactory)
    personne = factory.SubFactory(UtilisateurFactory)


class GroupeFactory(factory.django.DjangoModelFactory[GroupeDeTravail]):
    class Meta:
        model = GroupeDeTravail

    instance = factory.SubFactory(InstanceFactory)
    axe = Axe.DEMOGRAPHIE
    mission = "Attirer et installer des professionnels de santé."


class LivrableFactory(factory.django.DjangoModelFactory[Livrable]):
    class Meta:
        model = Livrable

    groupe = factory.SubFactory(GroupeFactory)
    titre = factory.Sequence(lambda n: f"Livrable n°{n}")
    echeance = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))


class ProgrammeFactory(factory.django.DjangoModelFactory[ProgrammeDeTravail]):
    class Meta:
        model = ProgrammeDeTravail

    annee = factory.LazyFunction(lambda: timezone.localdate().year)


class ObjectifFactory(factory.django.DjangoModelFactory[ObjectifProgramme]):
    class Meta:
        model = ObjectifProgramme

    programme = factory.SubFactory(ProgrammeFactory)
    ordre = factory.Sequence(lambda n: n + 1)
    intitule = factory.Sequence(lambda n: f"Objectif n°{n}")
    groupe = factory.SubFactory(GroupeFactory)


def seance_convoquee(
    *, instance: Instance, acteur: object, points: int = 1, motif_retard: str = "", **champs: object
) -> Reunion:
    """Une séance de `instance` avec `points` points à l'ordre du jour, convoquée par les
    services (participations créées ; les courriels partent au commit, s'il est exécuté)."""
    from conseil import services

    reunion = ReunionFactory(instance=instance, **champs)
    for numero in range(1, points + 1):
        services.point_ajouter(reunion=reunion, acteur=acteur, titre=f"Point n°{numero} de {reunion.titre}")
    return services.convocation_envoyer(reunion=reunion, acteur=acteur, motif_retard=motif_retard)


def seance_tenue(
    *, instance: Instance, acteur: object, points: int = 1, il_y_a: dt.timedelta | None = None
) -> Reunion:
    """Une séance convoquée puis tenue. Une convocation ne part que pour une séance à venir
    et une séance n'est tenue qu'une fois commencée : on la convoque dans un mois, puis on
    avance son début dans le passé (par l'ORM, comme si le temps avait passé)."""
    from conseil import services

    reunion = seance_convoquee(instance=instance, acteur=acteur, points=points)
    debut = (timezone.localtime() - (il_y_a or dt.timedelta(hours=2))).replace(second=0, microsecond=0)
    Reunion.objects.filter(pk=reunion.pk).update(debut=debut, fin=None)
    reunion.refresh_from_db()
    return services.reunion_changer_statut(reunion=reunion, acteur=acteur, vers="tenue")
