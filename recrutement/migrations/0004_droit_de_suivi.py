"""Les agents de la Direction de la Santé suivent le recrutement (tableau de bord, demandes
d'aide des candidats) sans voir les candidatures : aucun droit sur les candidats, leurs pièces
ni leurs consentements, pas même en lecture dans l'administration.

Le nom du groupe est recopié (et non importé de comptes.roles) : une migration ne doit pas
changer quand le code évolue.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPE = "Agents de la Direction de la Santé"
DROIT = "suivre_recrutement"


def donner_droit(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groupe, _cree = Group.objects.get_or_create(name=GROUPE)
    groupe.permissions.add(Permission.objects.get(content_type__app_label="recrutement", codename=DROIT))


def retirer_droit(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for groupe in apps.get_model("auth", "Group").objects.filter(name=GROUPE):
        groupe.permissions.remove(*Permission.objects.filter(content_type__app_label="recrutement", codename=DROIT))


class Migration(migrations.Migration):
    dependencies = [
        ("comptes", "0002_groupes_des_roles"),
        ("recrutement", "0003_candidatures"),
    ]

    operations = [migrations.RunPython(donner_droit, retirer_droit)]
