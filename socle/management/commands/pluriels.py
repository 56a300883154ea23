"""Le catalogue des pluriels français : `locale/fr/LC_MESSAGES/django.po` et `.mo`.

Le portail est écrit en français : ses chaînes n'ont pas à être traduites. Mais sans catalogue,
`ngettext` et `{% blocktranslate count %}` suivent la règle de l'anglais (le singulier pour 1
seulement) : « 0 demandes classées ». Ce catalogue ne contient que les chaînes à pluriel,
chacune « traduite » par elle-même, sous la règle du français (le singulier pour 0 et 1).

    python manage.py pluriels           # après avoir ajouté ou changé une chaîne à pluriel
    python manage.py pluriels --check   # make lint : le catalogue est-il à jour ?

Il faut les outils GNU gettext (xgettext, msgfmt), comme pour `makemessages`.

Le même catalogue tient le vocabulaire du portail face à ses dépendances : allauth dit
« adresse e-mail », « un e-mail » ; le portail dit « adresse électronique » et « courriel »
(`au_vocabulaire`). Les traductions françaises d'allauth qui emploient « e-mail » y sont
reprises, réécrites ; le catalogue du projet passe avant celui de l'application.
"""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

LANGUE = "fr"
IGNORES = [".venv/*", "staticfiles/*", "var/*", "tests/*", "bench/*", "node_modules/*"]
ENTETE = """# Pluriels français du portail du Conseil de santé du Cotentin, et son vocabulaire
# (« adresse électronique », « courriel ») dans les textes d'allauth.
# Écrit par `python manage.py pluriels` : ne pas modifier à la main.
msgid ""
msgstr ""
"Project-Id-Version: cotentin-sante\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"""


def dossier_du_catalogue() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / LANGUE / "LC_MESSAGES"


def _champs(entree: list[str]) -> dict[str, list[str]]:
    """Les lignes d'une entrée du .po, rangées par mot-clé (msgid, msgid_plural, #…) ; une
    chaîne sur plusieurs lignes garde ses lignes de suite."""
    champs: dict[str, list[str]] = {}
    courant = ""
    for ligne in entree:
        if ligne.startswith('"'):
            champs[courant].append(ligne)
            continue
        if ligne.startswith("#"):
            courant = "#"
            champs.setdefault("#", []).append(ligne)
            continue
        cle, _espace, reste = ligne.partition(" ")
        courant = cle
        champs[cle] = [reste]
    return champs


def catalogue_des_pluriels(po_complet: str) -> str:
    """Du .po de makemessages, les seules entrées à pluriel, chaque forme remplie par la
    chaîne source : msgstr[0] le singulier, msgstr[1] le pluriel."""
    entrees = [bloc.splitlines() for bloc in po_complet.strip().split("\n\n")]
    sorties: list[tuple[str, str]] = []
    for entree in entrees[1:]:  # la première est l'en-tête de makemessages
        if entree and all(ligne.startswith("#~") for ligne in entree):
            continue  # entrée obsolète
        champs = _champs(entree)
        if "msgid_plural" not in champs:
            continue
        lignes = [ligne for ligne in champs.get("#", []) if ligne.startswith("#,")]
        lignes += _chaine("msgid", champs["msgid"])
        lignes += _chaine("msgid_plural", champs["msgid_plural"])
        lignes += _chaine("msgstr[0]", champs["msgid"])
        lignes += _chaine("msgstr[1]", champs["msgid_plural"])
        texte = "".join(partie.strip('"') for partie in champs["msgid"])
        sorties.append((texte, "\n".join(lignes)))
    sorties.sort()  # par chaîne source : un ordre qui ne dépend pas des fichiers
    return ENTETE + "\n" + "\n\n".join(bloc for _texte, bloc in sorties) + "\n"


def avec_le_vocabulaire(catalogue: str) -> str:
    """Le catalogue des pluriels, suivi des textes des dépendances réécrits au vocabulaire du
    portail (sauf ceux que le portail écrit lui-même)."""
    vocabulaire = [
        bloc
        for (contexte, source), bloc in catalogue_du_vocabulaire()
        if contexte or f"msgid {source}" not in catalogue
    ]
    return catalogue.rstrip("\n") + "\n\n" + "\n\n".join(vocabulaire) + "\n" if vocabulaire else catalogue


# Le vocabulaire du portail, appliqué aux traductions de ses dépendances (l'ordre compte).
VOCABULAIRE: tuple[tuple[str, str], ...] = (
    (r"\b([Aa])dresses e-mail\b", r"\1dresses électroniques"),
    (r"\b([Aa])dresse e-mail\b", r"\1dresse électronique"),
    (r"\bl['’]e-mail\b", "le courriel"),
    (r"\bL['’]e-mail\b", "Le courriel"),
    (r"\bd['’]e-mail\b", "de courriel"),
    (r"\bcet e-mail\b", "ce courriel"),
    (r"\bE-mails\b", "Courriels"),
    (r"\be-mails\b", "courriels"),
    (r"\bE-mail\b", "Courriel"),
    (r"\be-mail\b", "courriel"),
)
DEPENDANCES = ("allauth",)


def au_vocabulaire(texte: str) -> str:
    for motif, remplacement in VOCABULAIRE:
        texte = re.sub(motif, remplacement, texte)
    return texte


def catalogue_du_vocabulaire() -> list[tuple[tuple[str, str], str]]:
    """Les entrées françaises des dépendances qui emploient « e-mail », réécrites."""
    import importlib.util  # import local : ne sert qu'à situer les dépendances, à la demande

    sorties: dict[tuple[str, str], str] = {}
    for module in DEPENDANCES:
        origine = importlib.util.find_spec(module)
        if origine is None or origine.origin is None:
            continue
        po = Path(origine.origin).parent / "locale" / LANGUE / "LC_MESSAGES" / "django.po"
        for bloc in po.read_text(encoding="utf-8").strip().split("\n\n")[1:]:
            entree = [ligne for ligne in bloc.splitlines() if not ligne.startswith("#~")]
            champs = _champs(entree)
            if "msgid" not in champs or "#" in champs and any("fuzzy" in ligne for ligne in champs["#"]):
                continue
            formes = [cle for cle in champs if cle.startswith("msgstr")]
            traductions = {cle: "".join(partie.strip('"') for partie in champs[cle]) for cle in formes}
            if not any("e-mail" in texte.lower() for texte in traductions.values()):
                continue
            lignes = []
            for cle in ("msgctxt", "msgid", "msgid_plural"):
                if cle in champs:
                    lignes += _chaine(cle, champs[cle])
            lignes += [f'{cle} "{au_vocabulaire(texte)}"' for cle, texte in traductions.items()]
            cle_entree = ("".join(champs.get("msgctxt", [])), "".join(champs["msgid"]))
            sorties.setdefault(cle_entree, "\n".join(lignes))
    return sorted(sorties.items())


def _chaine(cle: str, valeur: list[str]) -> list[str]:
    return [f"{cle} {valeur[0]}", *valeur[1:]]


def _outil(nom: str) -> str:
    chemin = shutil.which(nom)
    if chemin is None:
        raise CommandError(f"{nom} est introuvable : installez GNU gettext (paquet Debian « gettext »).")
    return chemin


def compiler(po: Path, mo: Path) -> None:
    subprocess.run([_outil("msgfmt"), "--check-format", "-o", str(mo), str(po)], check=True)  # noqa: S603


class Command(BaseCommand):
    help = "Écrit (ou, avec --check, vérifie) le catalogue des pluriels français du portail."
    requires_system_checks: list[str] = []  # comme makemessages : ni base ni modèles

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Échoue si le catalogue n'est pas à jour.")

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        _outil("xgettext")  # pour makemessages
        dossier = dossier_du_catalogue()
        po, mo = dossier / "django.po", dossier / "django.mo"
        avant_po = po.read_bytes() if po.exists() else None
        avant_mo = mo.read_bytes() if mo.exists() else None
        dossier.mkdir(parents=True, exist_ok=True)
        try:
            # makemessages écrit django.po au complet : on le lit, puis on remet l'ancien.
            if po.exists():
                po.unlink()  # pas de fusion avec l'ancien catalogue : le code seul fait foi
            call_command(
                "makemessages", locale=[LANGUE], ignore_patterns=IGNORES, no_location=True, verbosity=0
            )
            nouveau = avec_le_vocabulaire(catalogue_des_pluriels(po.read_text(encoding="utf-8")))
        finally:
            if avant_po is None:
                po.unlink(missing_ok=True)
            else:
                po.write_bytes(avant_po)
        with tempfile.TemporaryDirectory() as temporaire:
            po_neuf, mo_neuf = Path(temporaire) / "django.po", Path(temporaire) / "django.mo"
            po_neuf.write_text(nouveau, encoding="utf-8")
            compiler(po_neuf, mo_neuf)
            nombre = nouveau.count("\nmsgid_plural ")
            if check:
                if avant_po != po_neuf.read_bytes() or avant_mo != mo_neuf.read_bytes():
                    raise CommandError(
                        f"Le catalogue des pluriels ({po}) n'est pas à jour : "
                        "lancez « python manage.py pluriels » et enregistrez-le."
                    )
                self.stdout.write(f"Catalogue des pluriels à jour : {nombre} chaînes.")
                return
            shutil.copyfile(po_neuf, po)
            shutil.copyfile(mo_neuf, mo)
        self.stdout.write(f"Catalogue des pluriels écrit : {nombre} chaînes ({po}).")
