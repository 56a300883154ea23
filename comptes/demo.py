"""Les comptes de démonstration : un par profil d'utilisateur du portail (DESIGN.md §2)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from comptes.roles import ROLES_AVEC_MFA, Role

MOT_DE_PASSE_DEMO = "Cotentin-Demo-2026"
# Graine TOTP commune aux comptes de démonstration qui exigent la double authentification :
# à saisir dans une application d'authentification, ou `python manage.py code_totp EMAIL`.
GRAINE_TOTP_DEMO = "JBSWY3DPEHPK3PXPCOTENTINDEMOAAAA"


@dataclass(frozen=True)
class CompteDemo:
    email: str
    prenom: str
    nom: str
    profil: str
    roles: tuple[str, ...] = ()
    personnel: bool = False
    # Double authentification exigée hors des rôles du portail (les recruteurs : leur
    # rattachement à une structure est une donnée du recrutement).
    mfa: bool = False

    @property
    def avec_mfa(self) -> bool:
        return self.mfa or self.personnel or bool(set(self.roles) & ROLES_AVEC_MFA)


COMPTES_DEMO = (
    CompteDemo(
        "agent@demo.cotentin.fr",
        "Claire",
        "Lemarchand",
        "Agent de la Direction de la Santé et de l'Accès aux soins",
        (Role.AGENT,),
        personnel=True,
    ),
    CompteDemo(
        "secretariat@demo.cotentin.fr",
        "Julien",
        "Hamel",
        "Secrétariat du Conseil",
        (Role.SECRETARIAT,),
        personnel=True,
    ),
    CompteDemo(
        "copresident@demo.cotentin.fr",
        "Anne",
        "Lecoq",
        "Co-présidente du Conseil (représentante du Collège)",
        (Role.COPRESIDENT, Role.MEMBRE_COLLEGE),
    ),
    CompteDemo(
        "membre.college@demo.cotentin.fr",
        "Marc",
        "Guérin",
        "Membre du Collège des professionnels",
        (Role.MEMBRE_COLLEGE,),
    ),
    CompteDemo(
        "professionnel@demo.cotentin.fr",
        "Sophie",
        "Marie",
        "Professionnelle de santé, porteuse de projet",
    ),
    # Les recruteurs : leur rattachement à une structure est une donnée du recrutement
    # (recrutement/demo.py), non un groupe.
    CompteDemo(
        "recruteur.chpc@demo.cotentin.fr",
        "Hélène",
        "Dubost",
        "Recruteuse du CHPC (affaires médicales)",
        mfa=True,
    ),
    CompteDemo(
        "recruteur.polyclinique@demo.cotentin.fr",
        "Thomas",
        "Lepetit",
        "Recruteur de la Polyclinique du Cotentin",
        mfa=True,
    ),
    CompteDemo(
        "moderation.gcs@demo.cotentin.fr",
        "Nathalie",
        "Roussel",
        "Modératrice des offres du GCS Partenaires Santé du Cotentin",
        mfa=True,
    ),
)


def tableau_des_comptes() -> str:
    """Le texte affiché par `make run` et repris dans le README."""
    lignes = [f"Comptes de démonstration (mot de passe commun : {MOT_DE_PASSE_DEMO})"]
    for compte in COMPTES_DEMO:
        mfa = "  [double authentification : code TOTP]" if compte.avec_mfa else ""
        lignes.append(f"  {compte.email:<34} {compte.profil}{mfa}")
    lignes.append(
        f"Graine TOTP des comptes marqués : {GRAINE_TOTP_DEMO}\n"
        "  (ou le code du moment : DJANGO_DEBUG=1 uv run python manage.py code_totp EMAIL)"
    )
    return "\n".join(lignes)


def charger(afficher: Callable[[str], Any] = print) -> bool:
    """Crée les comptes de démonstration absents ; faux si tous existent déjà.

    Le mot de passe commun est haché une seule fois (PBKDF2 : un tiers de seconde par hachage)
    et son empreinte donnée à chaque compte : ces comptes de démonstration partagent de toute
    façon leur mot de passe, publié dans le README."""
    # Import local : le lanceur lit ce module hors de Django (tableau_des_comptes, sans
    # django.setup()) ; les modèles ne se chargent qu'au chargement des comptes.
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction

    from comptes.models import Utilisateur
    from comptes.roles import GROUPES

    empreinte: str | None = None
    crees = 0
    with transaction.atomic():
        for compte in COMPTES_DEMO:
            utilisateur, cree = Utilisateur.objects.get_or_create(
                email=compte.email,
                defaults={"prenom": compte.prenom, "nom": compte.nom, "is_staff": compte.personnel},
            )
            if not cree:
                continue
            crees += 1
            empreinte = empreinte or make_password(MOT_DE_PASSE_DEMO)
            utilisateur.password = empreinte
            utilisateur.save(update_fields=["password"])
            utilisateur.groups.set(Group.objects.filter(name__in=[GROUPES[r] for r in compte.roles]))
            EmailAddress.objects.create(
                user=utilisateur, email=utilisateur.email, verified=True, primary=True
            )
            if compte.avec_mfa and not Authenticator.objects.filter(user=utilisateur).exists():
                TOTP.activate(utilisateur, GRAINE_TOTP_DEMO)
                RecoveryCodes.activate(utilisateur)
    if crees:
        afficher(
            f"{crees} {'compte de démonstration créé' if crees == 1 else 'comptes de démonstration créés'}."
        )
    return bool(crees)
