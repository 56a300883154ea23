"""Un tableau d'une page du portail défile dans son propre cadre (`.table-responsive` de
Bootstrap) : trop large pour un téléphone, il ne fait pas défiler toute la page de côté
(RGAA 10.11 ; tests/e2e/test_largeur_des_pages.py le mesure dans le navigateur).

Sont exemptés, et seulement eux, les gabarits où ce cadre ne veut rien dire : les PDF mis en
page par WeasyPrint (une page A4 ne défile pas), les courriels (ni Bootstrap ni défilement
dans un client de messagerie) et les pages de l'administration de Django (sa propre feuille
de style, sans Bootstrap)."""

from fnmatch import fnmatch
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

RACINE = Path(settings.BASE_DIR)

EXEMPTES = {
    "*/templates/*/*_pdf.html": "PDF (WeasyPrint)",
    "*/templates/*/pdf/*.html": "PDF (WeasyPrint)",
    # Les sections du bilan annuel ne s'affichent que dans son PDF (bilan/rendu.py).
    "*/templates/*/bilan_section.html": "PDF du bilan (WeasyPrint)",
    "templates/courriels/*": "courriels",
    "*/templates/*/courriels/*": "courriels",
    "*/templates/admin/*": "administration de Django",
}

# Les éléments sans balise de fin : ils ne contiennent rien.
VIDES = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Lecteur(HTMLParser):
    """Lit le gabarit comme du HTML (les balises de gabarit ne sont que du texte pour lui) et
    note chaque <table> qu'aucun élément de classe `table-responsive` n'englobe."""

    def __init__(self) -> None:
        super().__init__()
        self.ouverts: list[tuple[str, str]] = []  # (balise, classes)
        self.hors_cadre: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and not any("table-responsive" in classes.split() for _, classes in self.ouverts):
            self.hors_cadre.append(self.getpos()[0])
        if tag not in VIDES:
            self.ouverts.append((tag, dict(attrs).get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        # Une balise de fin ferme aussi ce qui est resté ouvert dedans (<p>, <li> implicites).
        for rang in range(len(self.ouverts) - 1, -1, -1):
            if self.ouverts[rang][0] == tag:
                del self.ouverts[rang:]
                return


def tableaux_hors_cadre(source: str) -> list[int]:
    """Les lignes des <table> qui ne sont dans aucun `.table-responsive`."""
    lecteur = _Lecteur()
    lecteur.feed(source)
    lecteur.close()
    return lecteur.hors_cadre


def _gabarits_des_pages() -> list[Path]:
    return [
        chemin
        for chemin in sorted(RACINE.glob("**/templates/**/*.html"))
        if ".venv" not in chemin.parts
        and not any(fnmatch(str(chemin.relative_to(RACINE)), motif) for motif in EXEMPTES)
    ]


def test_chaque_tableau_des_pages_defile_dans_son_cadre() -> None:
    fautifs = [
        f"{chemin.relative_to(RACINE)}:{ligne}"
        for chemin in _gabarits_des_pages()
        for ligne in tableaux_hors_cadre(chemin.read_text(encoding="utf-8"))
    ]
    assert fautifs == []


def test_les_exemptions_ne_couvrent_que_pdf_courriels_et_administration() -> None:
    exemptes = {
        str(chemin.relative_to(RACINE))
        for chemin in RACINE.glob("**/templates/**/*.html")
        if ".venv" not in chemin.parts
    } - {str(chemin.relative_to(RACINE)) for chemin in _gabarits_des_pages()}
    assert "financements/templates/financements/demande_detail.html" not in exemptes
    assert {
        "college/templates/college/resultat_pdf.html",
        "bilan/templates/bilan/pdf/bilan.html",
        "templates/courriels/base.html",
        "territoire/templates/admin/territoire/importfichier/change_form.html",
    } <= exemptes


def test_le_lecteur_trouve_un_tableau_hors_cadre() -> None:
    bon = """{% if lignes %}
    <div class="table-responsive mb-3"><table class="table">
      <tr><td><p>une cellule<br>{{ ligne }}</td></tr></table></div>{% endif %}"""
    mauvais = """<div class="table-responsive"><table><tr><td>1</td></tr></table></div>
    <section class="mb-4">
      <table class="table"><tr><td>2</td></tr></table>
    </section>"""
    assert tableaux_hors_cadre(bon) == []
    assert tableaux_hors_cadre(mauvais) == [3]
