import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from comptes.models import Invitation, Utilisateur
from comptes.roles import GROUPES

MOT_DE_PASSE = "Un-mot-de-passe-de-test-42"
GRAINE_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UtilisateurFactory(factory.django.DjangoModelFactory[Utilisateur]):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(MOT_DE_PASSE)

    @factory.post_generation
    def email_verifie(self, create: bool, valeur: bool | None, **kwargs: object) -> None:
        if create and valeur is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create: bool, roles: tuple[str, ...] | None, **kwargs: object) -> None:
        if create and roles:
            self.groups.set(Group.objects.filter(name__in=[GROUPES[r] for r in roles]))

    @factory.post_generation
    def totp(self, create: bool, valeur: bool | None, **kwargs: object) -> None:
        if create and valeur:
            TOTP.activate(self, GRAINE_TOTP)


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invite{n}@exemple.fr")
    prenom = "Camille"
    nom = "Leblond"
    invite_par = factory.SubFactory(UtilisateurFactory)
