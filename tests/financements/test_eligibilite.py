"""Les règles d'éligibilité : une fonction pure sur un `Dossier`, une ligne par règle ; puis le
dossier chargé de la base, en un nombre fixe de requêtes."""

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from financements.eligibilite import Dossier, MembreDuDossier, manquements_de, regles
from financements.models import PIECES_EXIGEES, Financeur, NaturePiece
from territoire.models import ModeExercice
from tests.financements import factories as f

MEDECIN, INFIRMIER = 1, 2


def _membre(
    nom: str, profession: int, mode: str = ModeExercice.LIBERAL, porteur: bool = False
) -> MembreDuDossier:
    return MembreDuDossier(nom=nom, profession_id=profession, mode_exercice=mode, porteur=porteur)


def dossier(**champs: Any) -> Dossier:
    """Un dossier éligible : deux professions, un besoin, 25 000 € de dépenses couverts par le plan."""
    valeurs: dict[str, Any] = {
        "description": "Une maison de santé à Valognes.",
        "commune": True,
        "porteur_dans_l_annuaire": True,
        "equipe": (_membre("Anne Lecoq", MEDECIN, porteur=True), _membre("Paul Hamel", INFIRMIER)),
        "besoins": 1,
        "depenses": Decimal("25000.00"),
        "financements": {
            Financeur.AGGLOMERATION: Decimal("12000.00"),
            Financeur.ARS: Decimal("8000.00"),
            Financeur.AUTOFINANCEMENT: Decimal("5000.00"),
        },
        "pieces": frozenset(PIECES_EXIGEES),
        "plafond": Decimal("30000.00"),
    }
    valeurs.update(champs)
    return Dossier(**valeurs)


def _espaces(texte: str) -> str:
    """number_format met des espaces insécables (fines) entre les milliers."""
    return texte.replace("\u202f", " ").replace("\xa0", " ")


BON = dossier()

CAS = [
    ("description vide", replace(BON, description="   "), "description", "Décrivez le projet."),
    ("sans commune", replace(BON, commune=False), "commune", "Indiquez la commune"),
    ("porteur hors annuaire", replace(BON, porteur_dans_l_annuaire=False), "annuaire", "numéro RPPS"),
    (
        "porteur salarié",
        replace(
            BON,
            equipe=(
                _membre("Anne Lecoq", MEDECIN, ModeExercice.SALARIE, porteur=True),
                _membre("Paul Hamel", INFIRMIER),
            ),
        ),
        "liberal",
        "ce n'est pas le cas de : Anne Lecoq.",
    ),
    (
        "deux porteurs salariés, nommés dans l'ordre",
        replace(
            BON,
            equipe=(
                _membre("Zoé Roux", MEDECIN, ModeExercice.SALARIE, porteur=True),
                _membre("Anne Lecoq", INFIRMIER, ModeExercice.SALARIE, porteur=True),
            ),
        ),
        "liberal",
        "Anne Lecoq, Zoé Roux.",
    ),
    (
        "même profession deux fois",
        replace(BON, equipe=(_membre("Anne Lecoq", MEDECIN, porteur=True), _membre("Marc Guérin", MEDECIN))),
        "pluriprofessionnel",
        "au moins deux professions",
    ),
    (
        "porteur seul",
        replace(BON, equipe=(_membre("Anne Lecoq", MEDECIN, porteur=True),)),
        "pluriprofessionnel",
        "",
    ),
    ("sans besoin", replace(BON, besoins=0), "besoins", "au moins un besoin"),
    (
        "sans dépenses",
        replace(BON, depenses=Decimal("0.00")),
        "depenses",
        "Indiquez les dépenses du projet.",
    ),
    (
        "plan déséquilibré",
        replace(BON, depenses=Decimal("26000.00")),
        "equilibre",
        "Le plan de financement (25 000,00 €) doit être égal aux dépenses (26 000,00 €) : "
        "l'écart est de 1 000,00 €.",
    ),
    (
        "plan trop financé",
        replace(BON, depenses=Decimal("24999.50")),
        "equilibre",
        "l'écart est de 0,50 €.",
    ),
    (
        "rien demandé à l'agglomération",
        replace(
            BON,
            financements={Financeur.ARS: Decimal("20000.00"), Financeur.AUTOFINANCEMENT: Decimal("5000.00")},
        ),
        "agglomeration",
        "Indiquez le montant demandé à l'agglomération.",
    ),
    (
        "au-delà du plafond",
        replace(BON, plafond=Decimal("10000.00")),
        "plafond",
        "Le montant demandé à l'agglomération (12 000,00 €) dépasse le plafond de 10 000,00 €.",
    ),
    (
        "pièces manquantes",
        replace(BON, pieces=frozenset(PIECES_EXIGEES) - {NaturePiece.RIB, NaturePiece.DEVIS}),
        "pieces",
        "Pièces manquantes : Devis, Relevé d'identité bancaire.",
    ),
    (
        "une pièce « autre » ne remplace pas une pièce exigée",
        replace(BON, pieces=frozenset({NaturePiece.AUTRE})),
        "pieces",
        "Projet de santé",
    ),
    (
        "co-porteurs en attente",
        replace(BON, coporteurs_en_attente=("a@exemple.fr", "b@exemple.fr")),
        "coporteurs",
        "Ces co-porteurs n'ont pas encore confirmé : a@exemple.fr, b@exemple.fr.",
    ),
]


@pytest.mark.parametrize(("dossier_", "code", "message"), [c[1:] for c in CAS], ids=[c[0] for c in CAS])
def test_chaque_regle_dit_ce_qui_manque(dossier_: Dossier, code: str, message: str) -> None:
    manquements = regles(dossier_)
    assert [m.code for m in manquements] == [code]
    assert message in _espaces(manquements[0].message)


def test_un_dossier_complet_est_eligible() -> None:
    assert regles(BON) == []


@pytest.mark.parametrize("mode", [ModeExercice.LIBERAL, ModeExercice.MIXTE])
def test_un_porteur_liberal_ou_mixte_passe(mode: str) -> None:
    equipe = (_membre("Anne Lecoq", MEDECIN, mode, porteur=True), _membre("Paul Hamel", INFIRMIER))
    assert regles(replace(BON, equipe=equipe)) == []


def test_un_membre_salarie_qui_ne_porte_pas_passe() -> None:
    equipe = (
        _membre("Anne Lecoq", MEDECIN, porteur=True),
        _membre("Paul Hamel", INFIRMIER, ModeExercice.SALARIE),
    )
    assert regles(replace(BON, equipe=equipe)) == []


def test_le_plafond_juste_atteint_passe() -> None:
    assert regles(replace(BON, plafond=Decimal("12000.00"))) == []


def test_le_plafond_par_defaut_vient_des_reglages(settings) -> None:
    settings.FINANCEMENTS_PLAFOND_AGGLOMERATION = "11999.99"
    # Le plafond par défaut se lit à la construction du dossier.
    sans_plafond = {k: v for k, v in vars(BON).items() if k != "plafond"}
    manquements = regles(Dossier(**sans_plafond))
    assert [m.code for m in manquements] == ["plafond"]
    assert "dépasse le plafond de 11 999,99 €." in _espaces(manquements[0].message)


def test_un_dossier_vide_dit_tout_dans_l_ordre_du_formulaire() -> None:
    vide = Dossier(
        description="",
        commune=False,
        porteur_dans_l_annuaire=False,
        equipe=(),
        besoins=0,
        depenses=Decimal("0.00"),
        financements={},
        pieces=frozenset(),
        coporteurs_en_attente=("x@exemple.fr",),
    )
    assert [m.code for m in regles(vide)] == [
        "description",
        "commune",
        "annuaire",
        "pluriprofessionnel",
        "besoins",
        "depenses",
        "agglomeration",
        "pieces",
        "coporteurs",
    ]


@pytest.mark.django_db
def test_un_brouillon_complet_est_eligible_en_un_nombre_fixe_de_requetes(django_assert_num_queries) -> None:
    demande = f.brouillon_complet()
    with django_assert_num_queries(7):
        assert manquements_de(demande) == []


@pytest.mark.django_db
def test_le_nombre_de_requetes_ne_grandit_pas_avec_le_dossier(django_assert_num_queries) -> None:
    from financements import services
    from tests.territoire.factories import ProfessionnelFactory

    demande = f.brouillon_complet()
    for _ in range(3):
        services.equipe_ajouter(demande=demande, acteur=demande.porteur, professionnel=ProfessionnelFactory())
    services.depenses_enregistrer(
        demande=demande,
        acteur=demande.porteur,
        lignes=[(f"Poste {n}", "1 000,00") for n in range(26)],  # 26 000 € pour un plan de 25 000 €
    )
    with django_assert_num_queries(7):
        manquements = manquements_de(demande)
    assert [m.code for m in manquements] == ["equilibre"]
