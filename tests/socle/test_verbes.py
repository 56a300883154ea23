"""Les actions du journal : déclarées avec leur libellé là où elles s'écrivent (socle/verbes.py).

La chronologie d'un objet affiche le libellé de chaque action ; une action écrite sans
déclaration s'afficherait par son code brut (« college.scrutin.modifie »)."""

import pytest

from cotentin_sante.regles import verifier
from socle.models import Evenement, Notification
from socle.verbes import Verbe, libelle, verbes_declares


def test_chaque_action_declaree_a_un_libelle_francais():
    declares = verbes_declares()
    assert len(declares) >= 90
    for verbe in declares:
        texte = str(verbe.libelle)
        assert texte and texte != verbe.code and texte[0].isupper(), verbe.code
        assert libelle(verbe.code) == texte


def test_une_action_se_declare_une_fois_et_bien_formee():
    with pytest.raises(ValueError, match="deux fois"):
        Verbe("financements.demande.deposee", "Autre libellé")
    for code in ("deposee", "Financements.Demande", "financements.", "financements demande.x"):
        with pytest.raises(ValueError, match="mal formé"):
            Verbe(code, "Libellé")


def test_aucune_action_ecrite_par_son_code_seul():
    """`verbe=` ne reçoit jamais une chaîne dans le code des applications : toujours un Verbe
    déclaré (mypy le vérifie pour evenement_enregistrer, notifier et les transitions). La règle
    `verbe-non-declare` de make lint (cotentin_sante/regles.py) couvre aussi les écritures
    directes et les recherches dans le journal, démonstration comprise."""
    assert [str(v) for v in verifier() if v.regle == "verbe-non-declare"] == []


def test_chaque_action_ecrite_par_la_demonstration_a_son_libelle(demonstration):
    """Toutes les actions que les services écrivent en construisant la démonstration (séances,
    scrutins, demandes à chaque étape, bilan) : aucune ne s'affiche par son code."""
    codes = set(Evenement.objects.values_list("verbe", flat=True).distinct())
    codes |= set(Notification.objects.values_list("verbe", flat=True).distinct())
    assert len(codes) >= 50
    assert {code for code in codes if libelle(code) == code} == set()
