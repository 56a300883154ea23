"""Droits des groupes de rôles sur les rencontres : les agents de la Direction de la Santé les
organisent (programme, inscriptions, accueil, badges, attestations) et les tiennent dans
l'administration.

Le nom du groupe est recopié (et non importé de comptes.roles) : une migration ne doit pas
changer quand le code évolue.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELES = ["rencontre", "activite", "question", "inscription", "participant"]
TOUT = [f"rencontres.{action}_{modele}" for modele in MODELES for action in ("view", "add", "change", "delete")]
DROITS = {"Agents de la Direction de la Santé": [*TOUT, "rencontres.organiser_rencontre"]}


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
            groupe.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def retirer_droits(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for groupe in apps.get_model("auth", "Group").objects.filter(name__in=DROITS):
        groupe.permissions.remove(*Permission.objects.filter(content_type__app_label="rencontres"))


class Migration(migrations.Migration):
    dependencies = [
        ("comptes", "0002_groupes_des_roles"),
        ("rencontres", "0001_initial"),
    ]

    operations = [migrations.RunPython(donner_droits, retirer_droits)]
