"""Les demandes pour la direction des finances, en CSV ou en XLSX.

`lignes` écrit une fois la ligne de chaque demande, en valeurs typées (texte, montant en
`Nombre`, `date`) ; l'écrivain des exports du portail (socle.exports) en fait le CSV d'un
tableur français ou le classeur, montants en nombres au format euros et dates en dates, sans
jamais laisser passer une formule. Le nombre de requêtes ne dépend pas du nombre de demandes :
sommes en sous-requêtes, plans de financement préchargés."""

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from financements.models import DemandeFinancement, Financeur, StatutTranche, Tranche
from financements.selectors import avec_montants
from socle.exports import Colonne, Nombre, Valeur

FORMAT_EUROS = '#,##0.00 "€"'

AUTRES_FINANCEURS = [f for f in Financeur if f != Financeur.AGGLOMERATION]


def colonnes() -> list[Colonne]:
    fixes = [
        Colonne(_("Numéro"), 16),
        Colonne(_("Intitulé"), 40),
        Colonne(_("Type"), 22),
        Colonne(_("État"), 22),
        Colonne(_("Porteur"), 24),
        Colonne(_("Commune"), 22),
        Colonne(_("Pôle de proximité"), 22),
        Colonne(_("Instructeur"), 24),
        Colonne(_("Déposée le"), 12),
        Colonne(_("Décidée le"), 12),
        Colonne(_("Dépenses totales (€)")),
        Colonne(_("Demandé à l'agglomération (€)")),
        Colonne(_("Accordé par l'agglomération (€)")),
        Colonne(_("Versé par l'agglomération (€)")),
    ]
    for financeur in AUTRES_FINANCEURS:
        fixes.append(Colonne(_("%(f)s : sollicité (€)") % {"f": financeur.label}))
        fixes.append(Colonne(_("%(f)s : engagé (€)") % {"f": financeur.label}))
    return fixes


def demandes_a_exporter(demandes: QuerySet[DemandeFinancement]) -> QuerySet[DemandeFinancement]:
    """Les demandes filtrées, avec leurs montants et ce qui a été versé, en trois requêtes."""
    verse = (
        Tranche.objects.filter(demande=OuterRef("pk"), statut=StatutTranche.VERSEE)
        .values("demande")
        .annotate(total=Sum("montant"))
        .values("total")[:1]
    )
    return (
        avec_montants(demandes)
        .annotate(montant_verse=Subquery(verse))
        .select_related("porteur", "instructeur", "commune__pole")
        .defer("commune__contour")
        .prefetch_related("financements")
        .order_by("-deposee_le", "-pk")
    )


def _jour(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _montant(valeur: Decimal | None) -> Nombre:
    return Nombre(valeur, 2, format_xlsx=FORMAT_EUROS)


def lignes(demandes: Iterable[DemandeFinancement]) -> Iterator[tuple[Valeur, ...]]:
    """Une ligne par demande (`demandes` passées par `demandes_a_exporter`), dans l'ordre des
    `colonnes()`."""
    for demande in demandes:
        plan = {ligne.financeur: ligne for ligne in demande.financements.all()}
        commune = demande.commune
        valeurs: list[Valeur] = [
            demande.numero or "",
            demande.intitule,
            demande.get_type_demande_display(),
            demande.get_statut_display(),
            str(demande.porteur),
            commune.nom if commune else "",
            commune.pole.nom if commune and commune.pole else "",
            str(demande.instructeur) if demande.instructeur else "",
            _jour(demande.deposee_le),
            _jour(demande.decidee_le),
            _montant(getattr(demande, "total_depenses", None)),
            _montant(getattr(demande, "montant_demande", None)),
            _montant(demande.montant_accorde),
            _montant(getattr(demande, "montant_verse", None) or Decimal("0.00")),
        ]
        for financeur in AUTRES_FINANCEURS:
            ligne = plan.get(financeur)
            valeurs.append(_montant(ligne.montant if ligne else None))
            valeurs.append(_montant(ligne.montant_decide if ligne else None))
        yield tuple(valeurs)
