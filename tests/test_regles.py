"""Les règles du projet (cotentin_sante/regles.py, lancées par make lint) : pour chacune, un
exemple bon et un mauvais, puis le code du portail, qui doit les suivre toutes.

Ni base de données ni Django : les règles ne lisent que l'arbre syntaxique."""

import textwrap
from pathlib import Path

from cotentin_sante import regles
from cotentin_sante.regles import RACINE, Violation, verifier


def _verifier(racine: Path, fichiers: dict[str, str]) -> list[Violation]:
    for chemin, source in fichiers.items():
        fichier = racine / chemin
        fichier.parent.mkdir(parents=True, exist_ok=True)
        fichier.write_text(textwrap.dedent(source), encoding="utf-8")
    return verifier(racine)


def _regles_et_lignes(violations: list[Violation]) -> list[tuple[str, str, int]]:
    return [(v.chemin, v.regle, v.ligne) for v in violations]


# --- get-nu-dans-vue -------------------------------------------------------------------


def test_get_nu_dans_vue_bon(tmp_path):
    violations = _verifier(
        tmp_path,
        {
            "financements/views/page.py": """\
                from django.shortcuts import get_object_or_404

                from financements.selectors import demandes_visibles_par, get_demande_pour


                def page(request, pk):
                    demande = get_demande_pour(request.user, pk)
                    autre = get_object_or_404(demandes_visibles_par(request.user), pk=pk)
                    return request.GET.get("onglet"), demande, autre
            """,
            # Hors des vues, un service relit ce qu'il verrouille.
            "financements/services.py": """\
                def demande_lire(pk):
                    return DemandeFinancement.objects.get(pk=pk)
            """,
        },
    )
    assert violations == []


def test_get_nu_dans_vue_mauvais(tmp_path):
    violations = _verifier(
        tmp_path,
        {
            "conseil/views.py": """\
                def seance(request, pk):
                    return Reunion.objects.get(pk=pk)
            """,
            "college/views/scrutins.py": """\
                def scrutin(request, pk):
                    scrutin = (
                        Scrutin.objects.select_related("instance")
                        .get(pk=pk)
                    )
                    return scrutin
            """,
        },
    )
    assert _regles_et_lignes(violations) == [
        ("college/views/scrutins.py", "get-nu-dans-vue", 3),
        ("conseil/views.py", "get-nu-dans-vue", 2),
    ]
    assert "get_<objet>_pour" in violations[0].message


# --- on-commit-lambda ------------------------------------------------------------------


def test_on_commit_lambda_bon(tmp_path):
    violations = _verifier(
        tmp_path,
        {
            "socle/services.py": """\
                from functools import partial

                from django.db import transaction


                def envoyer(courriels):
                    for courriel in courriels:
                        courriel.send()


                def apres(tache, courriels):
                    transaction.on_commit(partial(tache.delay, 1))
                    transaction.on_commit(partial(envoyer, courriels))
                    transaction.on_commit(envoyer)
                    trier = sorted(courriels, key=lambda c: c.subject)
                    return trier
            """,
        },
    )
    assert violations == []


def test_on_commit_lambda_mauvais(tmp_path):
    violations = _verifier(
        tmp_path,
        {
            "financements/tasks.py": """\
                from django.db import transaction
                from django.db.transaction import on_commit


                def produire(courriels, tache, pk):
                    transaction.on_commit(lambda: [c.send() for c in courriels])
                    on_commit(lambda: tache.delay(pk))
                    transaction.on_commit(func=lambda: tache.apply_async((pk,)))
            """,
        },
    )
    assert _regles_et_lignes(violations) == [
        ("financements/tasks.py", "on-commit-lambda", 6),
        ("financements/tasks.py", "on-commit-lambda", 7),
        ("financements/tasks.py", "on-commit-lambda", 8),
    ]


# --- verbe-non-declare -----------------------------------------------------------------

VERBES = """\
    from django.utils.translation import gettext_lazy

    from socle.verbes import Verbe

    DEPOSEE = Verbe("financements.demande.deposee", gettext_lazy("Demande déposée"))
    CLOSE = Verbe(
        "conseil.reunion.close",
        gettext_lazy("Séance close"),
    )
"""


def test_verbe_non_declare_bon(tmp_path):
    violations = _verifier(
        tmp_path,
        {
            "financements/workflows.py": VERBES,
            "financements/services.py": """\
                from financements.workflows import CLOSE, DEPOSEE


                def deposer(demande, acteur, verbe):
                    evenement_enregistrer(verbe=DEPOSEE, acteur=acteur, cible=demande)
                    evenement_enregistrer(verbe=verbe, acteur=acteur, cible=demande)
                    Notification.objects.filter(verbe=CLOSE.code).update(lue_le=None)
                    Evenement.objects.filter(verbe__in=[DEPOSEE.code, CLOSE.code]).count()
                    Evenement.objects.filter(verbe__startswith="financements.").count()
            """,
        },
    )
    assert violations == []


def test_verbe_non_declare_mauvais(tmp_path):
    violations = _verifier(
        tmp_path,
        {
            "financements/workflows.py": VERBES,
            "conseil/demo.py": """\
                def clore(reunion, acteur, action):
                    Notification.objects.filter(verbe="conseil.reunion.close").update(lue_le=None)
                    evenement_enregistrer(verbe="conseil.reunion.ouverte", acteur=acteur, cible=reunion)
                    Evenement.objects.filter(verbe__in=("financements.demande.deposee", "x.y")).count()
                    notifier(destinataires=[acteur], verbe=f"conseil.reunion.{action}", titre="", gabarit="")
                    return Verbe(f"conseil.reunion.{action}", "Libellé")
            """,
        },
    )
    assert _regles_et_lignes(violations) == [
        ("conseil/demo.py", "verbe-non-declare", 2),
        ("conseil/demo.py", "verbe-non-declare", 3),
        ("conseil/demo.py", "verbe-non-declare", 4),
        ("conseil/demo.py", "verbe-non-declare", 4),
        ("conseil/demo.py", "verbe-non-declare", 5),
        ("conseil/demo.py", "verbe-non-declare", 6),
    ]
    messages = {v.message for v in violations}
    # Déclarée : la règle nomme la constante et où elle est déclarée.
    assert any("CLOSE (financements/workflows.py:6)" in m for m in messages)
    assert any("« conseil.reunion.ouverte » : action non déclarée" in m for m in messages)
    assert any("« x.y » : action non déclarée" in m for m in messages)


# --- import-local-sans-raison ----------------------------------------------------------


def test_import_local_sans_raison_bon(tmp_path):
    violations = _verifier(
        tmp_path,
        {
            "conseil/apps.py": """\
                from django.apps import AppConfig


                class ConseilConfig(AppConfig):
                    name = "conseil"

                    def ready(self) -> None:
                        # Import local : les modules des applications se chargent une fois le registre prêt.
                        from comptes.roles import ajouter_fournisseur

                        from conseil import services  # noqa: F401
                        from conseil.permissions import roles_des_mandats

                        ajouter_fournisseur(roles_des_mandats)
            """,
            "bilan/services.py": """\
                import logging


                def lancer(version):
                    from bilan.tasks import generer_version  # import local : bilan.tasks importe ce module

                    if version:
                        # import local : cercle conseil ↔ college
                        from college.models import Scrutin
                    generer_version.delay(version.pk)
            """,
        },
    )
    assert violations == []


def test_import_local_sans_raison_mauvais(tmp_path):
    violations = _verifier(
        tmp_path,
        {
            "bilan/services.py": """\
                def lancer(version):
                    \"\"\"Met la génération en file.\"\"\"
                    from bilan.tasks import generer_version

                    generer_version.delay(version.pk)


                class Rendu:
                    def pdf(self):
                        import weasyprint  # noqa: F401

                        def page():
                            from socle.pdf import (
                                document_html,
                            )

                            return document_html
                        # Un commentaire qui ne touche pas l'import ne compte pas.

                        import json
                        return page, json
            """,
        },
    )
    assert _regles_et_lignes(violations) == [
        ("bilan/services.py", "import-local-sans-raison", 3),
        ("bilan/services.py", "import-local-sans-raison", 10),
        ("bilan/services.py", "import-local-sans-raison", 13),
        ("bilan/services.py", "import-local-sans-raison", 20),
    ]


# --- Le portail ------------------------------------------------------------------------


def test_le_code_du_portail_suit_les_regles():
    violations = verifier(RACINE)
    assert [str(v) for v in violations] == []


def test_la_commande_ecrit_chaque_violation_et_sort_en_erreur(tmp_path, monkeypatch, capsys):
    vue = tmp_path / "conseil" / "views.py"
    _verifier(tmp_path, {"conseil/views.py": "def page(request, pk):\n    return Lieu.objects.get(pk=pk)\n"})
    monkeypatch.setattr(regles, "RACINE", tmp_path)
    assert regles.main([]) == 1
    sortie = capsys.readouterr()
    assert sortie.out.startswith("conseil/views.py:2: [get-nu-dans-vue] objets.get(…) dans une vue")
    assert "1 entorse aux règles" in sortie.err
    vue.write_text("def page(request, pk):\n    return pk\n", encoding="utf-8")
    assert regles.main([str(tmp_path / "conseil")]) == 0


# --- pluriel-entre-parentheses ----------------------------------------------------------


def test_pluriel_entre_parentheses_bon(tmp_path):
    violations = _verifier(
        tmp_path,
        {
            "college/bilan.py": '''\
                """Décompte : pas de « procuration(s) » dans un texte montré (docstring : permise)."""
                from django.utils.translation import ngettext


                def detail(n):
                    lien = "http(s)://"
                    return ngettext("%(n)s abstention", "%(n)s abstentions", n) % {"n": n}, lien
            ''',
        },
    )
    assert violations == []


def test_pluriel_entre_parentheses_mauvais(tmp_path):
    violations = _verifier(
        tmp_path,
        {
            "conseil/services.py": """\
                from django.utils.translation import gettext as _


                def message(n, plafond):
                    a = _("%(n)s abstention(s)") % {"n": n}
                    b = f"{n} compte(s) créé(s)."
                    return a, b, _("ne peut détenir que %(p)s procuration(s)") % {"p": plafond}
            """,
        },
    )
    assert _regles_et_lignes(violations) == [
        ("conseil/services.py", "pluriel-entre-parentheses", 5),
        ("conseil/services.py", "pluriel-entre-parentheses", 6),
        ("conseil/services.py", "pluriel-entre-parentheses", 7),
    ]


def test_aucun_gabarit_n_ecrit_un_pluriel_entre_parentheses():
    """Le pendant de la règle pour les gabarits : « {{ n }} membre(s) » n'y a pas sa place."""
    fautifs = [
        f"{gabarit.relative_to(RACINE)}:{numero}"
        for gabarit in sorted(RACINE.glob("**/templates/**/*.*"))
        if ".venv" not in gabarit.parts
        for numero, ligne in enumerate(gabarit.read_text(encoding="utf-8").splitlines(), 1)
        if regles.a_un_pluriel_entre_parentheses(ligne)
    ]
    assert fautifs == []
