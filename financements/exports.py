"""Les demandes pour la direction des finances, en CSV ou en XLSX.

`lignes` écrit une fois la ligne de chaque demande, en valeurs typées (texte, `Decimal`,
`date`) ; le CSV les met au format d'un tableur français (socle.graphiques.ecrire_csv), le
XLSX en vraies cellules numériques et dates. Le nombre de requêtes ne dépend pas du nombre de
demandes : sommes en sous-requêtes, plans de financement préchargés."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any, Protocol

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from financements.models import DemandeFinancement, Financeur, StatutTranche, Tranche
from financements.selectors import avec_montants
from socle.graphiques import Cellule, Entete, Ligne, Tableau, ecrire_csv

TEXTE, MONTANT, DATE = "texte", "montant", "date"
FORMAT_EUROS = '#,##0.00 "€"'
FORMAT_DATE = "DD/MM/YYYY"
# Un tableur prend pour une formule une case qui commence ainsi (injection de formules).
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")

AUTRES_FINANCEURS = [f for f in Financeur if f != Financeur.AGGLOMERATION]

type Valeur = str | Decimal | date | None


class Ecrivable(Protocol):
    def write(self, texte: str, /) -> object: ...


@dataclass(frozen=True)
class Colonne:
    titre: str
    nature: str = TEXTE
    largeur: int = 16


def colonnes() -> list[Colonne]:
    fixes = [
        Colonne(_("Numéro"), largeur=16),
        Colonne(_("Intitulé"), largeur=40),
        Colonne(_("Type"), largeur=22),
        Colonne(_("État"), largeur=22),
        Colonne(_("Porteur"), largeur=24),
        Colonne(_("Commune"), largeur=22),
        Colonne(_("Pôle de proximité"), largeur=22),
        Colonne(_("Instructeur"), largeur=24),
        Colonne(_("Déposée le"), DATE, 12),
        Colonne(_("Décidée le"), DATE, 12),
        Colonne(_("Dépenses totales (€)"), MONTANT),
        Colonne(_("Demandé à l'agglomération (€)"), MONTANT),
        Colonne(_("Accordé par l'agglomération (€)"), MONTANT),
        Colonne(_("Versé par l'agglomération (€)"), MONTANT),
    ]
    for financeur in AUTRES_FINANCEURS:
        fixes.append(Colonne(_("%(f)s : sollicité (€)") % {"f": financeur.label}, MONTANT))
        fixes.append(Colonne(_("%(f)s : engagé (€)") % {"f": financeur.label}, MONTANT))
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
        .prefetch_related("financements")
        .order_by("-deposee_le", "-pk")
    )


def _jour(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


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
            getattr(demande, "total_depenses", None),
            getattr(demande, "montant_demande", None),
            demande.montant_accorde,
            getattr(demande, "montant_verse", None) or Decimal("0.00"),
        ]
        for financeur in AUTRES_FINANCEURS:
            ligne = plan.get(financeur)
            valeurs.append(ligne.montant if ligne else None)
            valeurs.append(ligne.montant_decide if ligne else None)
        yield tuple(valeurs)


def _texte_sur(valeur: str) -> str:
    valeur = ILLEGAL_CHARACTERS_RE.sub("", valeur)
    return "'" + valeur if valeur.startswith(DEBUTS_DE_FORMULE) else valeur


def _cellule_csv(valeur: Valeur) -> Cellule:
    if isinstance(valeur, Decimal):
        texte = f"{valeur:.2f}".replace(".", ",")
        return Cellule(texte=texte, csv=texte, numerique=True)
    if isinstance(valeur, date):
        texte = valeur.strftime("%d/%m/%Y")
        return Cellule.libelle(texte)
    return Cellule.libelle(_texte_sur(valeur or ""))


def tableau(demandes: Iterable[DemandeFinancement]) -> Tableau:
    return Tableau(
        identifiant="demandes-financement",
        legende=_("Demandes de financement"),
        entetes=tuple(Entete(c.titre, numerique=c.nature == MONTANT) for c in colonnes()),
        lignes=tuple(Ligne(tuple(_cellule_csv(v) for v in ligne)) for ligne in lignes(demandes)),
    )


def ecrire_csv_des_demandes(demandes: Iterable[DemandeFinancement], sortie: Ecrivable) -> None:
    """Point-virgule, virgule décimale, UTF-8 avec BOM : ce qu'un tableur français ouvre."""
    ecrire_csv(tableau(demandes), sortie)


def classeur(demandes: Iterable[DemandeFinancement]) -> bytes:
    """Le classeur XLSX : montants en nombres au format euros, dates en dates."""
    cols = colonnes()
    livre = Workbook()
    feuille: Any = livre.active
    feuille.title = _("Demandes")[:31]
    gras = Font(bold=True)
    for numero, colonne in enumerate(cols, start=1):
        case = feuille.cell(row=1, column=numero, value=colonne.titre)
        case.font = gras
        feuille.column_dimensions[get_column_letter(numero)].width = colonne.largeur
    rang = 1
    for rang, ligne in enumerate(lignes(demandes), start=2):
        for numero, (colonne, valeur) in enumerate(zip(cols, ligne, strict=True), start=1):
            case = feuille.cell(row=rang, column=numero)
            if colonne.nature == MONTANT:
                case.value = valeur
                case.number_format = FORMAT_EUROS
            elif colonne.nature == DATE:
                case.value = valeur
                case.number_format = FORMAT_DATE
            else:
                # Jamais une formule : la valeur est écrite comme texte, telle quelle.
                case.value = ILLEGAL_CHARACTERS_RE.sub("", str(valeur or ""))
                case.data_type = "s"
    feuille.freeze_panes = "A2"
    feuille.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{rang}"
    sortie = BytesIO()
    livre.save(sortie)
    return sortie.getvalue()
