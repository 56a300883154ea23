"""Les règles du projet que ni ruff ni mypy ne savent dire, vérifiées par `make lint`.

    python -m cotentin_sante.regles            # tout le code des applications
    python -m cotentin_sante.regles conseil/   # seulement ces fichiers ou dossiers

Chaque règle lit l'arbre syntaxique (`ast`) plutôt que le texte : une chaîne ou un commentaire
qui ressemble à du code ne la déclenche pas. Une violation s'écrit
`chemin:ligne: [règle] message` ; le code de sortie est 1 s'il y en a une. Les exemples bons
et mauvais de chaque règle sont dans tests/test_regles.py (à la manière des `good_lines` et
`bad_lines` de tools/linter_lib/custom_check.py chez Zulip).

- `get-nu-dans-vue` : pas de `Modele.objects.get(…)` dans une vue ; un objet protégé se lit
  par le sélecteur qui vérifie l'accès (`get_demande_pour(utilisateur, pk)`…).
- `on-commit-lambda` : `transaction.on_commit` reçoit une fonction nommée ou un
  `functools.partial`, jamais une lambda.
- `verbe-non-declare` : une action du journal s'écrit par le `Verbe` déclaré dans
  socle/verbes.py, jamais par son code en toutes lettres.
- `import-local-sans-raison` : un import dans une fonction dit pourquoi en commentaire.
- `pluriel-entre-parentheses` : pas de « procuration(s) » dans un texte montré : le pluriel
  se choisit par le nombre (`ngettext`, `{% blocktranslate count %}`), « 0 » et « 1 » au
  singulier comme le veut le français.

Ce module n'importe ni Django ni les applications : il tourne avant elles, et vite.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
# Le code vérifié : les applications et le projet (DESIGN.md §3), hors migrations générées.
APPLICATIONS = (
    "socle",
    "comptes",
    "territoire",
    "conseil",
    "college",
    "financements",
    "recrutement",
    "rencontres",
    "bilan",
    "cotentin_sante",
)
DOSSIERS_IGNORES = {"migrations", "__pycache__", ".venv"}


@dataclass(frozen=True, order=True)
class Violation:
    chemin: str
    ligne: int
    regle: str
    message: str

    def __str__(self) -> str:
        return f"{self.chemin}:{self.ligne}: [{self.regle}] {self.message}"


@dataclass
class Fichier:
    chemin: str  # relatif à la racine, avec des « / »
    arbre: ast.Module
    lignes: list[str]
    # ligne → texte du commentaire (sans « # »), lus par tokenize : jamais un « # » de chaîne.
    commentaires: dict[int, str] = field(default_factory=dict)

    @classmethod
    def lire(cls, fichier: Path, racine: Path) -> Fichier:
        source = fichier.read_text(encoding="utf-8")
        commentaires = {
            jeton.start[0]: jeton.string.lstrip("#").strip()
            for jeton in tokenize.generate_tokens(io.StringIO(source).readline)
            if jeton.type == tokenize.COMMENT
        }
        return cls(
            chemin=fichier.resolve().relative_to(racine.resolve()).as_posix(),
            arbre=ast.parse(source, filename=str(fichier)),
            lignes=source.splitlines(),
            commentaires=commentaires,
        )

    def violation(self, noeud: ast.AST | int, regle: str, message: str) -> Violation:
        ligne = noeud if isinstance(noeud, int) else getattr(noeud, "lineno", 1)
        return Violation(self.chemin, ligne, regle, message)


@dataclass
class Projet:
    """Ce que les règles savent de tout le code vérifié : les verbes déclarés."""

    verbes: dict[str, str] = field(default_factory=dict)  # code → « CONSTANTE (chemin) »


Regle = Callable[[Fichier, Projet], Iterator[Violation]]


def _nom_appele(appel: ast.Call) -> str:
    """`on_commit` pour `transaction.on_commit(…)` comme pour `on_commit(…)`."""
    if isinstance(appel.func, ast.Attribute):
        return appel.func.attr
    if isinstance(appel.func, ast.Name):
        return appel.func.id
    return ""


# --- get-nu-dans-vue ---------------------------------------------------------------------

GESTIONNAIRES = {"objects", "_default_manager"}


def _est_module_de_vues(chemin: str) -> bool:
    parties = chemin.split("/")
    return parties[-1] == "views.py" or "views" in parties[:-1]


def _lit_un_gestionnaire(expression: ast.expr) -> bool:
    """`Modele.objects`, ou une chaîne qui en part (`Modele.objects.select_related(…)`)."""
    while True:
        if isinstance(expression, ast.Attribute):
            if expression.attr in GESTIONNAIRES:
                return True
            expression = expression.value
        elif isinstance(expression, ast.Call):
            expression = expression.func
        else:
            return False


def get_nu_dans_vue(fichier: Fichier, projet: Projet) -> Iterator[Violation]:
    if not _est_module_de_vues(fichier.chemin):
        return
    for noeud in ast.walk(fichier.arbre):
        if (
            isinstance(noeud, ast.Call)
            and isinstance(noeud.func, ast.Attribute)
            and noeud.func.attr == "get"
            and _lit_un_gestionnaire(noeud.func.value)
        ):
            yield fichier.violation(
                noeud,
                "get-nu-dans-vue",
                "objets.get(…) dans une vue : lisez l'objet par le sélecteur qui vérifie l'accès "
                "(get_<objet>_pour(request.user, pk) de selectors.py, 404 pour un objet absent comme "
                "pour un objet interdit) ou get_object_or_404 sur un QuerySet des objets visibles.",
            )


# --- on-commit-lambda --------------------------------------------------------------------


def on_commit_lambda(fichier: Fichier, projet: Projet) -> Iterator[Violation]:
    for noeud in ast.walk(fichier.arbre):
        if not isinstance(noeud, ast.Call) or _nom_appele(noeud) != "on_commit":
            continue
        arguments = [*noeud.args, *(mot.value for mot in noeud.keywords)]
        if any(isinstance(argument, ast.Lambda) for argument in arguments):
            yield fichier.violation(
                noeud,
                "on-commit-lambda",
                "on_commit(lambda …) : passez une fonction nommée ou functools.partial(fonction, "
                "arguments) ; la lambda lit ses variables au moment de la validation, non de "
                "l'appel, et ne dit pas son nom dans une trace.",
            )


# --- verbe-non-declare -------------------------------------------------------------------

# Mots-clés qui reçoivent le code d'une action (écriture, ou recherche dans le journal).
MOTS_DU_VERBE = {"verbe", "verbe__exact", "verbe__in"}


def _code_litteral(expression: ast.expr) -> str | None:
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return expression.value
    return None


def verbes_declares(fichier: Fichier) -> Iterator[tuple[str, str, ast.Call]]:
    """(code, constante, appel) de chaque `Verbe("code", libellé)` du fichier."""
    constantes = {}
    for noeud in ast.walk(fichier.arbre):
        if isinstance(noeud, ast.Assign) and isinstance(noeud.value, ast.Call):
            constantes[id(noeud.value)] = ", ".join(
                cible.id for cible in noeud.targets if isinstance(cible, ast.Name)
            )
    for noeud in ast.walk(fichier.arbre):
        if isinstance(noeud, ast.Call) and _nom_appele(noeud) == "Verbe":
            code_argument = noeud.args[0] if noeud.args else None
            for mot in noeud.keywords:
                if mot.arg == "code":
                    code_argument = mot.value
            code = _code_litteral(code_argument) if code_argument is not None else None
            yield code or "", constantes.get(id(noeud), ""), noeud


def verbe_non_declare(fichier: Fichier, projet: Projet) -> Iterator[Violation]:
    for code_declare, _constante, appel in verbes_declares(fichier):
        if not code_declare:
            yield fichier.violation(
                appel,
                "verbe-non-declare",
                'Verbe(…) se déclare avec son code en toutes lettres (Verbe("app.objet.action", '
                "libellé)) : les règles et les lecteurs le retrouvent par grep.",
            )
    for noeud in ast.walk(fichier.arbre):
        if not isinstance(noeud, ast.Call):
            continue
        for mot in noeud.keywords:
            if mot.arg not in MOTS_DU_VERBE:
                continue
            valeurs = mot.value.elts if isinstance(mot.value, (ast.List, ast.Tuple, ast.Set)) else [mot.value]
            for valeur in valeurs:
                if isinstance(valeur, ast.JoinedStr):
                    yield fichier.violation(
                        valeur,
                        "verbe-non-declare",
                        f'{mot.arg}=f"…" : une action ne se compose pas, elle se déclare '
                        "(Verbe(code, libellé), socle/verbes.py) et se passe telle quelle.",
                    )
                    continue
                code = _code_litteral(valeur)
                if code is None:
                    continue
                declaration = projet.verbes.get(code)
                if declaration is None:
                    message = (
                        f"{mot.arg}=« {code} » : action non déclarée ; déclarez-la avec son libellé "
                        "(CONSTANTE = Verbe(code, gettext_lazy(…)), socle/verbes.py) dans le module "
                        "qui l'écrit, et passez la constante."
                    )
                else:
                    message = (
                        f"{mot.arg}=« {code} » : action écrite par son code ; passez le Verbe déclaré, "
                        f"{declaration} (ou sa propriété .code dans une recherche)."
                    )
                yield fichier.violation(valeur, "verbe-non-declare", message)


# --- import-local-sans-raison ------------------------------------------------------------

# Ce qu'un commentaire peut porter sans rien expliquer.
PRAGMAS = re.compile(
    r"noqa(:\s*[A-Z]+[0-9]+(\s*,\s*[A-Z]+[0-9]+)*)?|type:\s*ignore(\[[^\]]*\])?|pragma:.*|fmt:.*"
)


def _commentaire_explique(texte: str | None) -> bool:
    return texte is not None and re.search(r"\w", PRAGMAS.sub("", texte)) is not None


def _import_justifie(fichier: Fichier, instruction: ast.stmt) -> bool:
    """Un commentaire explicatif au bout d'une de ses lignes, ou seul sur la ligne du dessus."""
    fin = instruction.end_lineno or instruction.lineno
    if any(_commentaire_explique(fichier.commentaires.get(n)) for n in range(instruction.lineno, fin + 1)):
        return True
    dessus = instruction.lineno - 1
    return (
        dessus >= 1
        and fichier.lignes[dessus - 1].lstrip().startswith("#")
        and _commentaire_explique(fichier.commentaires.get(dessus))
    )


def _blocs_d_imports(corps: Sequence[ast.stmt]) -> Iterator[list[ast.stmt]]:
    """Les suites d'imports qui se suivent dans un corps (lignes vides permises, comme ruff les
    range : bibliothèque standard, paquets, projet)."""
    bloc: list[ast.stmt] = []
    for instruction in corps:
        if isinstance(instruction, (ast.Import, ast.ImportFrom)):
            bloc.append(instruction)
            continue
        if bloc:
            yield bloc
        bloc = []
    if bloc:
        yield bloc


def _corps_dans_des_fonctions(arbre: ast.Module) -> Iterator[list[ast.stmt]]:
    fonctions = (ast.FunctionDef, ast.AsyncFunctionDef)
    vus: set[int] = set()
    for fonction in ast.walk(arbre):
        if not isinstance(fonction, fonctions):
            continue
        for noeud in ast.walk(fonction):
            for nom in ("body", "orelse", "finalbody"):
                corps = getattr(noeud, nom, None)
                if isinstance(corps, list) and corps and id(corps) not in vus:
                    vus.add(id(corps))
                    yield corps


def import_local_sans_raison(fichier: Fichier, projet: Projet) -> Iterator[Violation]:
    for corps in _corps_dans_des_fonctions(fichier.arbre):
        for bloc in _blocs_d_imports(corps):
            # Un commentaire au-dessus du premier import vaut pour le bloc entier.
            if _import_justifie(fichier, bloc[0]):
                continue
            for instruction in bloc:
                if not _import_justifie(fichier, instruction):
                    yield fichier.violation(
                        instruction,
                        "import-local-sans-raison",
                        "import dans une fonction sans sa raison : dites-la en commentaire au-dessus "
                        "ou au bout de la ligne (# import local : cercle conseil ↔ college ; module "
                        "lourd chargé à la demande ; registre des applications pas encore prêt…), "
                        "ou remontez l'import en tête du module.",
                    )


# --- pluriel-entre-parentheses ------------------------------------------------------------

# « membre(s) », « réservé(s) », « blanc(s) » ; pas « http(s) » ni « (s) » seul.
PLURIEL_ENTRE_PARENTHESES = re.compile(r"[a-zàâçéèêëîïôûùüÿœ]\(s\)")


def a_un_pluriel_entre_parentheses(texte: str) -> bool:
    return bool(PLURIEL_ENTRE_PARENTHESES.search(texte.replace("http(s)", "")))


def _chaines(noeud: ast.AST) -> Iterator[tuple[ast.Constant, str]]:
    for enfant in ast.walk(noeud):
        if isinstance(enfant, ast.Constant) and isinstance(enfant.value, str):
            yield enfant, enfant.value


def pluriel_entre_parentheses(fichier: Fichier, projet: Projet) -> Iterator[Violation]:
    documentees = {
        id(corps.value)
        for corps in ast.walk(fichier.arbre)
        if isinstance(corps, ast.Expr) and isinstance(corps.value, ast.Constant)
    }
    for chaine, texte in _chaines(fichier.arbre):
        if id(chaine) not in documentees and a_un_pluriel_entre_parentheses(texte):
            yield fichier.violation(
                chaine,
                "pluriel-entre-parentheses",
                "pluriel entre parenthèses dans un texte : choisissez-le par le nombre avec "
                "ngettext(« %(n)s procuration », « %(n)s procurations », n) ; en français, 0 et 1 "
                "sont au singulier.",
            )


REGLES: dict[str, Regle] = {
    "get-nu-dans-vue": get_nu_dans_vue,
    "on-commit-lambda": on_commit_lambda,
    "verbe-non-declare": verbe_non_declare,
    "import-local-sans-raison": import_local_sans_raison,
    "pluriel-entre-parentheses": pluriel_entre_parentheses,
}


def fichiers_du_projet(racine: Path, chemins: Iterable[Path] = ()) -> list[Path]:
    """Les fichiers Python de `chemins` (par défaut les applications sous `racine`)."""
    depart = list(chemins) or [racine / application for application in APPLICATIONS]
    fichiers: set[Path] = set()
    for chemin in depart:
        candidats = [chemin] if chemin.is_file() else chemin.rglob("*.py")
        for fichier in candidats:
            if not DOSSIERS_IGNORES.intersection(fichier.relative_to(chemin).parts[:-1]):
                fichiers.add(fichier)
    return sorted(fichiers)


def verifier(racine: Path = RACINE, chemins: Iterable[Path] = ()) -> list[Violation]:
    """Les violations des règles dans le code sous `racine` (ou dans `chemins` seulement).

    Les verbes déclarés se cherchent toujours dans toutes les applications : un module peut
    écrire une action qu'un autre déclare."""
    lus = {f.resolve(): Fichier.lire(f, racine) for f in fichiers_du_projet(racine)}
    projet = Projet()
    for fichier in lus.values():
        for code, constante, appel in verbes_declares(fichier):
            if code:
                projet.verbes[code] = f"{constante or 'Verbe'} ({fichier.chemin}:{appel.lineno})"
    a_verifier = [
        lus.get(f.resolve()) or Fichier.lire(f, racine) for f in fichiers_du_projet(racine, chemins)
    ]
    return sorted(
        violation
        for fichier in a_verifier
        for regle in REGLES.values()
        for violation in regle(fichier, projet)
    )


def main(arguments: Sequence[str] | None = None) -> int:
    analyseur = argparse.ArgumentParser(description="Règles du projet (make lint).")
    analyseur.add_argument("chemins", nargs="*", type=Path, help="fichiers ou dossiers (défaut : tout)")
    options = analyseur.parse_args(arguments)
    violations = verifier(RACINE, [chemin.resolve() for chemin in options.chemins])
    for violation in violations:
        print(violation)
    if violations:
        entorses = "entorse" if len(violations) == 1 else "entorses"
        print(
            f"{len(violations)} {entorses} aux règles du projet (cotentin_sante/regles.py).", file=sys.stderr
        )
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
