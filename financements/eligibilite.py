"""Les règles d'éligibilité d'une demande, vérifiées avant le dépôt.

`regles` est une fonction pure sur un `Dossier` (ce que la base dit de la demande) : elle se
teste en tableau, sans base. `manquements_de` charge le dossier en quelques requêtes.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from financements.models import (
    PIECES_EXIGEES,
    DemandeFinancement,
    Financeur,
    NaturePiece,
    StatutCoPorteur,
)
from socle.francais import euros
from territoire.models import ModeExercice

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MembreDuDossier:
    nom: str
    profession_id: int
    mode_exercice: str
    porteur: bool


@dataclass(frozen=True)
class Dossier:
    description: str
    commune: bool
    porteur_dans_l_annuaire: bool
    equipe: tuple[MembreDuDossier, ...]
    besoins: int
    depenses: Decimal
    financements: dict[str, Decimal]
    pieces: frozenset[str]
    coporteurs_en_attente: tuple[str, ...] = ()
    depenses_a_corriger: int = 0
    plafond: Decimal = field(default_factory=lambda: Decimal(settings.FINANCEMENTS_PLAFOND_AGGLOMERATION))


@dataclass(frozen=True)
class Manquement:
    code: str
    message: str


def regles(dossier: Dossier) -> list[Manquement]:
    """Chaque règle qui échoue, dite en clair, dans l'ordre du formulaire."""
    manquements: list[Manquement] = []

    def manque(code: str, message: str) -> None:
        manquements.append(Manquement(code, message))

    if not dossier.description.strip():
        manque("description", _("Décrivez le projet."))
    if not dossier.commune:
        manque("commune", _("Indiquez la commune où le projet s'implante."))
    if not dossier.porteur_dans_l_annuaire:
        manque(
            "annuaire",
            _(
                "Votre compte n'est relié à aucune fiche de l'annuaire des professionnels : "
                "demandez à la Direction de la Santé de le relier à votre numéro RPPS."
            ),
        )
    porteurs_salaries = sorted(
        m.nom for m in dossier.equipe if m.porteur and m.mode_exercice == ModeExercice.SALARIE
    )
    if porteurs_salaries:
        manque(
            "liberal",
            _("Les porteurs doivent exercer en libéral ; ce n'est pas le cas de : %(noms)s.")
            % {"noms": ", ".join(porteurs_salaries)},
        )
    if len({m.profession_id for m in dossier.equipe}) < 2:
        manque(
            "pluriprofessionnel",
            _("Le projet doit réunir au moins deux professions de santé différentes dans son équipe."),
        )
    if dossier.besoins == 0:
        manque("besoins", _("Choisissez au moins un besoin du territoire auquel le projet répond."))
    total_financements = sum(dossier.financements.values(), ZERO)
    if dossier.depenses_a_corriger:
        manque(
            "depenses_a_corriger",
            _(
                "Des lignes de dépenses sont à corriger : elles ne comptent pas tant "
                "qu'elles ne sont pas valides."
            ),
        )
    if dossier.depenses <= 0:
        manque("depenses", _("Indiquez les dépenses du projet."))
    elif total_financements != dossier.depenses:
        manque(
            "equilibre",
            _(
                "Le plan de financement (%(financements)s) doit être égal aux dépenses "
                "(%(depenses)s) : l'écart est de %(ecart)s."
            )
            % {
                "financements": euros(total_financements),
                "depenses": euros(dossier.depenses),
                "ecart": euros(abs(dossier.depenses - total_financements)),
            },
        )
    agglomeration = dossier.financements.get(Financeur.AGGLOMERATION, ZERO)
    if agglomeration <= 0:
        manque("agglomeration", _("Indiquez le montant demandé à l'agglomération."))
    elif agglomeration > dossier.plafond:
        manque(
            "plafond",
            _("Le montant demandé à l'agglomération (%(montant)s) dépasse le plafond de %(plafond)s.")
            % {"montant": euros(agglomeration), "plafond": euros(dossier.plafond)},
        )
    manquantes = [NaturePiece(n).label for n in PIECES_EXIGEES if n not in dossier.pieces]
    if manquantes:
        manque(
            "pieces",
            _("Pièces manquantes : %(pieces)s.") % {"pieces": ", ".join(str(p) for p in manquantes)},
        )
    if dossier.coporteurs_en_attente:
        manque(
            "coporteurs",
            _("Ces co-porteurs n'ont pas encore confirmé : %(emails)s.")
            % {"emails": ", ".join(dossier.coporteurs_en_attente)},
        )
    return manquements


def dossier_de(demande: DemandeFinancement) -> Dossier:
    """Cinq requêtes, quelle que soit la taille de l'équipe ou du budget."""
    equipe = tuple(
        MembreDuDossier(
            nom=f"{prenom} {nom}".strip(), profession_id=profession_id, mode_exercice=mode, porteur=porteur
        )
        for prenom, nom, profession_id, mode, porteur in demande.equipe.values_list(
            "professionnel__prenom",
            "professionnel__nom",
            "professionnel__profession_id",
            "professionnel__mode_exercice",
            "porteur",
        )
    )
    financements: dict[str, Decimal] = dict(demande.financements.values_list("financeur", "montant"))
    depenses = demande.depenses.aggregate(total=Sum("montant"))["total"] or ZERO
    pieces = frozenset(demande.pieces.filter(remplacee=False).values_list("nature", flat=True))
    en_attente = tuple(
        demande.coporteurs.filter(statut=StatutCoPorteur.INVITE).values_list("email", flat=True)
    )
    return Dossier(
        description=demande.description,
        commune=demande.commune_id is not None,
        porteur_dans_l_annuaire=demande.equipe.filter(
            porteur=True, professionnel__compte_id=demande.porteur_id
        ).exists(),
        equipe=equipe,
        besoins=demande.besoins.count(),
        depenses=depenses,
        financements=financements,
        pieces=pieces,
        coporteurs_en_attente=en_attente,
        depenses_a_corriger=len(demande.depenses_a_corriger),
    )


def manquements_de(demande: DemandeFinancement) -> list[Manquement]:
    return regles(dossier_de(demande))


def codes(manquements: Iterable[Manquement]) -> set[str]:
    return {m.code for m in manquements}
