"""Fabriques du territoire : des identifiants toujours valides (clé de Luhn comprise)."""

import factory
from stdnum import luhn

from territoire.models import (
    Appartenance,
    Commune,
    Fuite,
    LieuExercice,
    ModeExercice,
    PoleDeProximite,
    Profession,
    Professionnel,
    Specialite,
    Structure,
    TypeStructure,
)


def rpps(n: int) -> str:
    """Le n-ième numéro RPPS valide de la série 10 (11 chiffres, clé de Luhn)."""
    corps = f"1{n:09d}"
    return corps + luhn.calc_check_digit(corps)


def finess(n: int, departement: str = "50") -> str:
    corps = f"{departement}{n:06d}"
    return corps + luhn.calc_check_digit(corps)


class PoleFactory(factory.django.DjangoModelFactory[PoleDeProximite]):
    class Meta:
        model = PoleDeProximite
        django_get_or_create = ["nom"]

    nom = factory.Sequence(lambda n: f"Pôle {n}")


class CommuneFactory(factory.django.DjangoModelFactory[Commune]):
    class Meta:
        model = Commune
        django_get_or_create = ["code_insee"]

    code_insee = factory.Sequence(lambda n: f"50{n % 1000:03d}")
    nom = factory.Sequence(lambda n: f"Commune {n}")
    population = 2000
    annee_population = 2023
    pole = factory.SubFactory(PoleFactory)


class ProfessionFactory(factory.django.DjangoModelFactory[Profession]):
    class Meta:
        model = Profession
        django_get_or_create = ["code"]

    code = "10"
    libelle = "Médecin"


class SpecialiteFactory(factory.django.DjangoModelFactory[Specialite]):
    class Meta:
        model = Specialite
        django_get_or_create = ["code"]

    code = "SM54"
    libelle = "Médecine générale"


class StructureFactory(factory.django.DjangoModelFactory[Structure]):
    class Meta:
        model = Structure

    nom = factory.Sequence(lambda n: f"Maison de santé n° {n}")
    type = TypeStructure.MSP
    finess = factory.Sequence(lambda n: finess(n + 1))
    commune = factory.SubFactory(CommuneFactory)
    adresse = "1 rue de la Paix"
    code_postal = "50100"
    telephone = "02 33 00 00 00"
    courriel = factory.Sequence(lambda n: f"accueil{n}@structure.exemple.fr")


class ProfessionnelFactory(factory.django.DjangoModelFactory[Professionnel]):
    class Meta:
        model = Professionnel

    rpps = factory.Sequence(lambda n: rpps(n + 1))
    civilite = "Docteur"
    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name", locale="fr_FR")
    profession = factory.SubFactory(ProfessionFactory)
    mode_exercice = ModeExercice.LIBERAL


class LieuExerciceFactory(factory.django.DjangoModelFactory[LieuExercice]):
    class Meta:
        model = LieuExercice

    professionnel = factory.SubFactory(ProfessionnelFactory)
    identifiant_structure = factory.Sequence(lambda n: f"C{n:012d}")
    mode = LieuExercice.Mode.LIBERAL
    raison_sociale = "Cabinet médical"
    adresse = "12 rue du Port"
    code_postal = "50100"
    commune = factory.SubFactory(CommuneFactory)
    telephone = "02 33 11 22 33"
    courriel = factory.Sequence(lambda n: f"cabinet{n}@exemple.fr")


class AppartenanceFactory(factory.django.DjangoModelFactory[Appartenance]):
    class Meta:
        model = Appartenance

    groupement = factory.SubFactory(StructureFactory, type=TypeStructure.GCS)
    membre = factory.SubFactory(StructureFactory)
    debut = factory.Faker("date_between", start_date="-5y", end_date="-1y")


class FuiteFactory(factory.django.DjangoModelFactory[Fuite]):
    class Meta:
        model = Fuite

    annee = 2024
    specialite = factory.Sequence(lambda n: f"Spécialité {n}")
    patients = 1000
    patients_hors_territoire = 250
