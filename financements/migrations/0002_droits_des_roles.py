"""Droits des groupes de rôles sur les financements : les agents de la Direction de la Santé
instruisent les demandes et tiennent les besoins du territoire ; le secrétariat du Conseil
instruit aussi (il prépare l'avis du Collège) et tient les modèles de courriers.

Les noms de groupes sont recopiés (et non importés de comptes.roles) : une migration ne doit
pas changer quand le code évolue.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELES = [
    "demandefinancement",
    "membreequipe",
    "coporteur",
    "lignedepense",
    "lignefinancement",
    "piecejustificative",
    "message",
    "noteinstruction",
    "tranche",
    "modelecourrier",
]
TOUT = [f"financements.{action}_{modele}" for modele in MODELES for action in ("view", "add", "change", "delete")]
INSTRUIRE = ["financements.instruire_demandefinancement"]
BESOINS = [f"territoire.{action}_besointerritoire" for action in ("view", "add", "change", "delete")]
DROITS = {
    "Agents de la Direction de la Santé": [*TOUT, *INSTRUIRE, *BESOINS],
    "Secrétariat du Conseil": [*TOUT, *INSTRUIRE, "territoire.view_besointerritoire"],
}


def donner_droits(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for nom, droits in DROITS.items():
        groupe, _cree = Group.objects.get_or_create(name=nom)
        for droit in droits:
            app_label, codename = droit.split(".")
            groupe.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def retirer_droits(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for groupe in apps.get_model("auth", "Group").objects.filter(name__in=DROITS):
        groupe.permissions.remove(
            *Permission.objects.filter(content_type__app_label="financements"),
            *Permission.objects.filter(content_type__app_label="territoire", codename__endswith="_besointerritoire"),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comptes", "0002_groupes_des_roles"),
        ("territoire", "0003_besointerritoire"),
        ("financements", "0001_initial"),
    ]

    operations = [migrations.RunPython(donner_droits, retirer_droits)]
