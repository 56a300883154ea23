"""Fabriques du Collège : textes, scrutins, candidatures, et des corps électoraux tout faits."""

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from college import chiffrement
from college.chiffrement import BulletinEnClair
from college.models import (
    Bulletin,
    BulletinScelle,
    Candidature,
    Commentaire,
    Discussion,
    Scrutin,
    StatutScrutin,
    Texte,
    TypeScrutin,
)
from comptes.models import Utilisateur
from conseil.models import Instance, RoleMandat
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory, MandatFactory


class TexteFactory(factory.django.DjangoModelFactory[Texte]):
    class Meta:
        model = Texte

    instance = factory.SubFactory(CollegeFactory)
    titre = factory.Sequence(lambda n: f"Charte du Collège, version {n}")
    corps = "Les membres du Collège s'engagent à…"


class ScrutinFactory(factory.django.DjangoModelFactory[Scrutin]):
    """Un scrutin en préparation, dont la fenêtre de vote est déjà commencée (ouvert par
    `services.scrutin_ouvrir`, il reçoit aussitôt des bulletins)."""

    class Meta:
        model = Scrutin

    instance = factory.SubFactory(CollegeFactory)
    type_scrutin = TypeScrutin.DELIBERATION
    titre = factory.Sequence(lambda n: f"Délibération n°{n}")
    question = "Le Collège adopte-t-il la charte ?"
    ouverture = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=5))
    cloture = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    statut = StatutScrutin.PREPARATION
    secret = True


class CandidatureFactory(factory.django.DjangoModelFactory[Candidature]):
    class Meta:
        model = Candidature

    scrutin = factory.SubFactory(ScrutinFactory, type_scrutin=TypeScrutin.ELECTION)
    personne = factory.SubFactory(UtilisateurFactory)


def membres_votants(instance: Instance, nombre: int, **champs: Any) -> list[Utilisateur]:
    """`nombre` membres titulaires en cours de `instance` (le futur corps électoral)."""
    return [
        MandatFactory(instance=instance, role=RoleMandat.TITULAIRE, **champs).personne for _ in range(nombre)
    ]


class DiscussionFactory(factory.django.DjangoModelFactory[Discussion]):
    class Meta:
        model = Discussion

    instance = factory.SubFactory(CollegeFactory)
    titre = factory.Sequence(lambda n: f"Discussion n°{n}")


class CommentaireFactory(factory.django.DjangoModelFactory[Commentaire]):
    """Un commentaire écrit directement en base (sans notification) ; les tests des règles
    passent par `services.commentaire_publier`."""

    class Meta:
        model = Commentaire

    discussion = factory.SubFactory(DiscussionFactory)
    auteur = factory.SubFactory(UtilisateurFactory)
    texte = factory.Sequence(lambda n: f"Commentaire n°{n}")


def urne_ouverte(scrutin: Scrutin) -> list[BulletinEnClair]:
    """Les bulletins d'un scrutin ouvert, lus comme le ferait la clôture : ouverts avec la clé
    maîtresse pour un scrutin secret (ils ne sont en base que scellés), tels quels sinon."""
    scrutin.refresh_from_db()
    en_clair = [
        BulletinEnClair(b.recu, b.choix, list(b.candidats), b.motivation)
        for b in Bulletin.objects.filter(scrutin=scrutin)
    ]
    if scrutin.cle_privee_enveloppee is None:
        return en_clair
    privee = chiffrement.cle_privee(scrutin.pk, scrutin.cle_privee_enveloppee)
    return en_clair + [
        chiffrement.ouvrir(privee, chiffre)
        for chiffre in BulletinScelle.objects.filter(scrutin=scrutin).values_list("chiffre", flat=True)
    ]
