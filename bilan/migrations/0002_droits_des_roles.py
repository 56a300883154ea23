"""Droits du bilan annuel : le secrétariat du Conseil le génère, le fait adopter et le
transmet. Les co-présidents lisent les brouillons par leur rôle (bilan/permissions.py) ;
les agents, comme le public, lisent les versions publiées.

Les noms de groupes sont recopiés (et non importés de comptes.roles) : une migration ne doit
pas changer quand le code évolue.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DROITS = {
    "Secrétariat du Conseil": [
        "bilan.generer_bilanannuel",
        "bilan.view_bilanannuel",
        "bilan.view_versionbilan",
    ],
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
        groupe.permissions.remove(*Permission.objects.filter(content_type__app_label="bilan"))


class Migration(migrations.Migration):
    dependencies = [
        ("bilan", "0001_initial"),
        ("comptes", "0002_groupes_des_roles"),
    ]

    operations = [migrations.RunPython(donner_droits, retirer_droits)]
