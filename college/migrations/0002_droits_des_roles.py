"""Droits des groupes de rôles au Collège : le secrétariat et les agents préparent les
scrutins et modèrent les discussions. L'urne (Bulletin) n'a de droit pour personne :
elle ne se lit que par les pages du scrutin, une fois clos.

Les noms de groupes sont recopiés (et non importés de comptes.roles) : une migration ne doit
pas changer quand le code évolue.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELES = [
    "texte",
    "scrutin",
    "candidature",
    "declarationinteret",
    "electeur",
    "procurationvote",
    "emargement",
    "discussion",
    "commentaire",
]
TOUT = [f"college.{action}_{modele}" for modele in MODELES for action in ("view", "add", "change", "delete")]
DROITS = {
    "Agents de la Direction de la Santé": TOUT,
    "Secrétariat du Conseil": TOUT,
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
        groupe.permissions.remove(*Permission.objects.filter(content_type__app_label="college"))


class Migration(migrations.Migration):
    dependencies = [
        ("comptes", "0002_groupes_des_roles"),
        ("college", "0001_initial"),
    ]

    operations = [migrations.RunPython(donner_droits, retirer_droits)]
