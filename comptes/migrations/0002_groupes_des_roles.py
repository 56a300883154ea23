"""Crée les groupes qui portent les rôles du portail, avec leurs droits.

Les noms sont recopiés ici (et non importés de comptes.roles) : une migration ne doit
pas changer quand le code évolue.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DROITS = {
    "Agents de la Direction de la Santé": [
        "comptes.view_utilisateur",
        "comptes.change_utilisateur",
        "comptes.add_invitation",
        "comptes.view_invitation",
        "comptes.change_invitation",
        "comptes.attribuer_roles_personnel",
        "auth.view_group",
        "socle.view_evenement",
        "socle.view_notification",
        "socle.add_document",
        "socle.view_document",
        "socle.change_document",
    ],
    "Secrétariat du Conseil": [
        "comptes.view_utilisateur",
        "comptes.add_invitation",
        "comptes.view_invitation",
        "comptes.change_invitation",
        "socle.view_evenement",
        "socle.add_document",
        "socle.view_document",
    ],
    "Co-présidents du Conseil": [],
    "Membres du Collège des professionnels": [],
}


def creer_groupes(apps, schema_editor):
    # Les droits ne sont créés qu'après toutes les migrations : on les crée ici d'avance.
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


def supprimer_groupes(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=DROITS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("comptes", "0001_initial"),
        ("socle", "0001_initial"),
    ]

    operations = [migrations.RunPython(creer_groupes, supprimer_groupes)]
