from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bilan.demo import charger as charger_bilan
from college.demo import charger as charger_college
from comptes.demo import COMPTES_DEMO, GRAINE_TOTP_DEMO, MOT_DE_PASSE_DEMO, tableau_des_comptes
from comptes.models import Utilisateur
from comptes.roles import GROUPES
from conseil.demo import charger as charger_conseil
from financements.demo import charger as charger_financements
from territoire.demo import charger as charger_territoire


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent ; refusé quand DEBUG est éteint)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Refusé : les données de démonstration (mots de passe connus) ne se chargent "
                "que sur un poste de développement, avec DJANGO_DEBUG=1."
            )
        with transaction.atomic():
            crees = sum(self._compte(compte) for compte in COMPTES_DEMO)
        if crees:
            self.stdout.write(self.style.SUCCESS(f"{crees} compte(s) de démonstration créé(s)."))
        else:
            self.stdout.write("Comptes de démonstration déjà présents.")
        # Le territoire passe par les vrais importeurs, à partir de fichiers aux formats officiels.
        if not charger_territoire(afficher=self.stdout.write):
            self.stdout.write("Territoire de démonstration déjà présent.")
        # Le Conseil passe par ses services : mandats, séances, convocations, procès-verbaux.
        if not charger_conseil(afficher=self.stdout.write):
            self.stdout.write("Conseil de santé de démonstration déjà présent.")
        # Le Collège aussi : élection et délibération closes, avis ouvert, discussion.
        if not charger_college(afficher=self.stdout.write):
            self.stdout.write("Scrutins de démonstration déjà présents.")
        # Les demandes de financement aussi : une à chaque étape, du brouillon au solde.
        if not charger_financements(afficher=self.stdout.write):
            self.stdout.write("Demandes de financement de démonstration déjà présentes.")
        # Le bilan de l'année passée, généré ici (pas de worker), adopté en séance et transmis.
        if not charger_bilan(afficher=self.stdout.write):
            self.stdout.write("Bilan annuel de démonstration déjà présent.")
        self.stdout.write(tableau_des_comptes())

    def _compte(self, compte: Any) -> bool:
        utilisateur, cree = Utilisateur.objects.get_or_create(
            email=compte.email,
            defaults={"prenom": compte.prenom, "nom": compte.nom, "is_staff": compte.personnel},
        )
        if not cree:
            return False
        utilisateur.set_password(MOT_DE_PASSE_DEMO)
        utilisateur.save(update_fields=["password"])
        utilisateur.groups.set(Group.objects.filter(name__in=[GROUPES[r] for r in compte.roles]))
        EmailAddress.objects.create(user=utilisateur, email=utilisateur.email, verified=True, primary=True)
        if compte.avec_mfa and not Authenticator.objects.filter(user=utilisateur).exists():
            TOTP.activate(utilisateur, GRAINE_TOTP_DEMO)
            RecoveryCodes.activate(utilisateur)
        return True
