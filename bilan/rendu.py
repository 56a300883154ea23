"""Le bilan d'une année : les sections rassemblées, le HTML d'impression, le PDF/A balisé.

`rassembler` appelle chaque section du registre (chacune en un nombre fixe de requêtes) ;
`html_du_bilan` rend la page d'impression (couverture, sommaire paginé, synthèse des chiffres
clés, sections) sans plus toucher la base ; `pdf_du_bilan` la donne à WeasyPrint.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from socle.bilan import ChiffreCle, ContenuSection, Section, sections
from socle.francais import date_longue
from socle.pdf import document_html

# PDF/A-3a : archivable (PDF/A) et balisé pour les lecteurs d'écran (niveau « a », accessible).
VARIANTE_PDF = "pdf/a-3a"

Avancement = Callable[[str, int], None]


@dataclass(frozen=True)
class SectionRendue:
    section: Section
    contenu: ContenuSection
    html: str

    @property
    def cle(self) -> str:
        return self.section.cle

    @property
    def titre(self) -> str:
        return str(self.section.titre)


@dataclass(frozen=True)
class Bilan:
    annee: int
    sections: tuple[SectionRendue, ...]

    @property
    def chiffres_cles(self) -> list[tuple[str, ChiffreCle]]:
        return [(s.titre, chiffre) for s in self.sections for chiffre in s.contenu.chiffres_cles]


def rassembler(annee: int, avancement: Avancement | None = None) -> Bilan:
    """Les chiffres de chaque section, et son fragment HTML. Rien n'est écrit en base."""
    rendues = []
    toutes = sections()
    for rang, section in enumerate(toutes):
        if avancement is not None:
            avancement(
                _("Rassemblement : %(section)s") % {"section": section.titre},
                10 + 50 * rang // max(len(toutes), 1),
            )
        contenu = section.donnees(annee)
        html = render_to_string(section.gabarit, {**contenu.contexte, "annee": annee, "section": section})
        rendues.append(SectionRendue(section=section, contenu=contenu, html=html))
    return Bilan(annee=annee, sections=tuple(rendues))


def html_du_bilan(bilan: Bilan, *, numero: int | None = None, genere_le: datetime | None = None) -> str:
    genere_le = timezone.localtime(genere_le or timezone.now())
    return render_to_string(
        "bilan/pdf/bilan.html",
        {
            "bilan": bilan,
            "annee": bilan.annee,
            "numero": numero,
            "genere_le": genere_le,
            "jour": date_longue(genere_le.date()),  # « 1er mars 2026 »
            "titre": _("Bilan annuel %(annee)s du Conseil de santé du Cotentin") % {"annee": bilan.annee},
        },
    )


@dataclass(frozen=True)
class PDF:
    contenu: bytes
    pages: int


def pdf_du_bilan(html: str) -> PDF:
    """WeasyPrint : mise en page puis écriture en PDF/A-3a (balises, langue, titre, métadonnées
    tirées de <html lang>, <title> et des <meta> du gabarit)."""
    document = document_html(html).render(pdf_variant=VARIANTE_PDF)
    contenu = document.write_pdf(pdf_variant=VARIANTE_PDF)
    if contenu is None:  # sans cible, write_pdf rend toujours des octets
        raise ValueError("WeasyPrint n'a rien écrit")
    return PDF(contenu=bytes(contenu), pages=len(document.pages))


def chiffres_a_garder(bilan: Bilan) -> list[dict[str, Any]]:
    """Les chiffres clés en JSON, gardés sur la version pour sa page web."""
    return [
        {"section": titre, "libelle": str(c.libelle), "valeur": c.valeur, "precision": str(c.precision)}
        for titre, c in bilan.chiffres_cles
    ]
