"""Les messages des notifications écrits avant le moteur « texte » ont été échappés pour le
HTML au rendu de leur gabarit (`l&#x27;état`, `&amp;`) puis l'étaient une seconde fois à
l'affichage. On leur rend leur texte brut, comme ceux écrits depuis.

`html.unescape` défait exactement `django.utils.html.escape` (qui commence par `&` → `&amp;`).
Les gabarits qui étaient déjà en `{% autoescape off %}` ont produit du texte brut : leurs
notifications restent telles quelles (un « &amp; » tapé par quelqu'un y est voulu)."""

import html

from django.db import migrations

DEJA_EN_TEXTE_BRUT = (
    "college.commentaire.mention",
    "college.commentaire.publie",
    "bilan.version.adoptee",
    "bilan.version.echouee",
    "bilan.version.prete",
)


def desechapper(apps, schema_editor):
    Notification = apps.get_model("socle", "Notification")
    a_corriger = []
    echappees = Notification.objects.filter(message__contains="&").exclude(verbe__in=DEJA_EN_TEXTE_BRUT)
    for notification in echappees.only("pk", "message").iterator(chunk_size=2000):
        brut = html.unescape(notification.message)
        if brut != notification.message:
            notification.message = brut
            a_corriger.append(notification)
    Notification.objects.bulk_update(a_corriger, ["message"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("socle", "0002_boite_d_envoi_et_cache_de_secours"),
    ]

    operations = [
        migrations.RunPython(desechapper, migrations.RunPython.noop, elidable=True),
    ]
