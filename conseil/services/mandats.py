"""Les mandats : qui siège, à quel titre, de quand à quand (sans chevauchement)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conseil.models import (
    Instance,
    Mandat,
    RoleMandat,
    TypeInstance,
)
from conseil.services._commun import Acteur
from socle.francais import date_longue
from socle.services import evenement_enregistrer
from socle.verbes import Verbe

# Les actions que ce module écrit au journal d'audit.
MANDAT_CREE = Verbe("conseil.mandat.cree", gettext_lazy("Mandat créé"))
MANDAT_MODIFIE = Verbe("conseil.mandat.modifie", gettext_lazy("Mandat modifié"))

# --- Mandats ----------------------------------------------------------------------


def _chevauche(debut: date, fin: date | None) -> Q:
    """Les mandats dont la période [debut, fin] croise celle donnée (fin vide : sans terme)."""
    q = Q(fin__isnull=True) | Q(fin__gte=debut)
    if fin is not None:
        q &= Q(debut__lte=fin)
    return q


def _periode(mandat: Mandat) -> str:
    debut = date_longue(mandat.debut)
    if mandat.fin is None:
        return _("depuis le %(debut)s") % {"debut": debut}
    return _("du %(debut)s au %(fin)s") % {
        "debut": debut,
        "fin": date_longue(mandat.fin),
    }


def mandat_verifier(mandat: Mandat) -> None:
    """Les règles d'un mandat avant enregistrement ; lève `ValidationError` par champ.

    Les contraintes d'exclusion de la base gardent les mêmes règles contre les écritures
    concurrentes ; ici, on les dit en français.
    """
    erreurs: dict[str, str] = {}
    if mandat.fin is not None and mandat.fin < mandat.debut:
        erreurs["fin"] = _("La fin du mandat précède son début.")
    instance = mandat.instance
    if mandat.categorie and instance.type_instance != TypeInstance.COLLEGE:
        erreurs["categorie"] = _("La catégorie ne s'applique qu'aux membres du Collège des professionnels.")
    if (
        instance.type_instance == TypeInstance.COLLEGE
        and mandat.role in (RoleMandat.TITULAIRE, RoleMandat.SUPPLEANT)
        and not mandat.categorie
    ):
        erreurs["categorie"] = _("Indiquez la catégorie du Collège que ce membre représente.")
    if mandat.role == RoleMandat.SUPPLEANT and mandat.siege is None:
        erreurs["siege"] = _("Un suppléant remplace le titulaire d'un siège : indiquez le numéro du siège.")
    if erreurs:
        raise ValidationError(erreurs)

    autres = Mandat.objects.filter(instance=instance).filter(_chevauche(mandat.debut, mandat.fin))
    if mandat.pk:
        autres = autres.exclude(pk=mandat.pk)
    meme_personne = autres.filter(personne=mandat.personne_id).first()
    if meme_personne is not None:
        raise ValidationError(
            {
                "debut": _(
                    "%(personne)s a déjà un mandat dans %(instance)s %(periode)s (%(role)s) : "
                    "les deux mandats se chevauchent. Terminez le premier avant d'en ouvrir un autre."
                )
                % {
                    "personne": mandat.personne,
                    "instance": instance,
                    "periode": _periode(meme_personne),
                    "role": meme_personne.get_role_display(),
                }
            }
        )
    if mandat.siege is not None:
        meme_siege = autres.filter(siege=mandat.siege, role=mandat.role).select_related("personne").first()
        if meme_siege is not None:
            raise ValidationError(
                {
                    "siege": _(
                        "Le siège n°%(siege)s a déjà un %(role)s %(periode)s : %(personne)s. "
                        "Les deux mandats se chevauchent sur le même siège."
                    )
                    % {
                        "siege": mandat.siege,
                        "role": meme_siege.get_role_display().lower(),
                        "periode": _periode(meme_siege),
                        "personne": meme_siege.personne,
                    }
                }
            )


def mandat_enregistrer(*, mandat: Mandat, acteur: Acteur) -> Mandat:
    """Crée ou modifie un mandat après vérification ; trace le changement."""
    creation = mandat.pk is None
    with transaction.atomic():
        # Deux créations simultanées sur la même instance attendent l'une l'autre.
        Instance.objects.select_for_update().get(pk=mandat.instance_id)
        mandat_verifier(mandat)
        mandat.save()
        evenement_enregistrer(
            verbe=MANDAT_CREE if creation else MANDAT_MODIFIE,
            acteur=acteur,
            cible=mandat.instance,
            donnees={
                "mandat": mandat.pk,
                "personne": mandat.personne_id,
                "role": mandat.role,
                "siege": mandat.siege,
                "debut": mandat.debut.isoformat(),
                "fin": mandat.fin.isoformat() if mandat.fin else None,
            },
        )
    return mandat
