"""Les pluriels suivent la règle du français (le singulier pour 0 et 1), grâce au catalogue
`locale/fr` écrit par `manage.py pluriels` (que `make lint` vérifie à jour)."""

import pytest
from django.template import Context, Template
from django.utils.translation import ngettext, override

from financements.bilan import jours
from socle.management.commands.pluriels import ENTETE, catalogue_des_pluriels


@pytest.mark.parametrize(
    ("n", "attendu"),
    [(0, "0 jour"), (1, "1 jour"), (2, "2 jours"), (1_000_000, "1\u00a0000\u00a0000 jours")],
)
def test_un_pluriel_du_code_suit_la_regle_du_francais(n, attendu):
    assert jours(n) == attendu


def test_un_pluriel_des_gabarits_suit_la_regle_du_francais():
    gabarit = Template(
        "{% load i18n %}{% blocktranslate count n=n with noms=noms trimmed %}Élu : {{ noms }}"
        "{% plural %}Élus : {{ noms }}{% endblocktranslate %}"
    )
    assert gabarit.render(Context({"n": 0, "noms": "personne"})) == "Élu : personne"
    assert gabarit.render(Context({"n": 2, "noms": "Anne Lecoq, Marc Guérin"})) == (
        "Élus : Anne Lecoq, Marc Guérin"
    )


def test_une_chaine_hors_du_catalogue_garde_la_regle_par_defaut():
    """Le témoin : une chaîne que le catalogue ne connaît pas (0 → pluriel). C'est ce que
    `make lint` empêche, en refusant un catalogue en retard sur le code."""
    with override("fr"):
        assert ngettext("%(n)s témoin", "%(n)s témoins", 0) == "%(n)s témoins"


def test_le_catalogue_ne_garde_que_les_pluriels_traduits_par_eux_memes():
    po = """# en-tête de makemessages
msgid ""
msgstr ""
"Plural-Forms: nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\\n"

msgid "Aucun"
msgstr ""

#, python-format
msgid ""
"Au %(jour)s, le Collège compte %(membres)s membre et une phrase qui "
"continue."
msgid_plural ""
"Au %(jour)s, le Collège compte %(membres)s membres et une phrase qui "
"continue."
msgstr[0] ""
msgstr[1] ""
msgstr[2] ""

#, python-format
msgid "%(n)s jour"
msgid_plural "%(n)s jours"
msgstr[0] ""
msgstr[1] ""
msgstr[2] ""

#~ msgid "Une chaîne disparue"
#~ msgid_plural "Des chaînes disparues"
#~ msgstr[0] ""
"""
    assert catalogue_des_pluriels(po) == (
        ENTETE
        + """
#, python-format
msgid "%(n)s jour"
msgid_plural "%(n)s jours"
msgstr[0] "%(n)s jour"
msgstr[1] "%(n)s jours"

#, python-format
msgid ""
"Au %(jour)s, le Collège compte %(membres)s membre et une phrase qui "
"continue."
msgid_plural ""
"Au %(jour)s, le Collège compte %(membres)s membres et une phrase qui "
"continue."
msgstr[0] ""
"Au %(jour)s, le Collège compte %(membres)s membre et une phrase qui "
"continue."
msgstr[1] ""
"Au %(jour)s, le Collège compte %(membres)s membres et une phrase qui "
"continue."
"""
    )
