"""Chaque export du portail (CSV et XLSX), téléchargé avec des formules dans tous les textes
libres qu'il montre : aucune case ne doit en ressortir comme une formule (issue 16 §4).

`EXPORTS` liste les exports du portail ; `test_chaque_export_est_couvert` échoue quand une vue
déclarée par `@export` (socle.exports) manque à la liste, et
`test_aucun_export_hors_de_l_ecrivain` quand un module écrit un CSV ou un classeur sans passer
par l'écrivain (qui, lui, refuse de servir une vue non déclarée)."""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from college.models import Scrutin, StatutScrutin
from comptes.models import Utilisateur
from conseil.models import Instance
from financements.models import DemandeFinancement
from rencontres.models import Activite, Inscription, Participant, Rencontre, Reponse
from socle.exports import DEBUTS_DE_FORMULE, TYPE_CSV, TYPE_XLSX, est_un_export, reponse_csv
from territoire.indicateurs import TABLEAUX
from territoire.models import Commune, Fuite, PoleDeProximite, Profession

RACINE = Path(__file__).resolve().parent.parent
FORMULES = ('=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1")
SECRETARIAT = "secretariat@demo.cotentin.fr"
AGENT = "agent@demo.cotentin.fr"
# Un nombre du CSV (« -9 », « +1,9 » d'une variation) : le tableur en fait un nombre, jamais
# une formule. Les formules semées ont toujours du texte après elles.
NOMBRE_A_LA_FRANCAISE = re.compile(r"[+-]?\d+(,\d+)?")


def formule(rang: int) -> str:
    """Une formule, distincte pour chaque rang (certains noms sont uniques)."""
    return f"{FORMULES[rang % len(FORMULES)]} {rang}"


@dataclass(frozen=True)
class Export:
    compte: str  # qui le télécharge
    urls: Callable[[], list[str]]


def _resultats() -> list[str]:
    clos = Scrutin.objects.filter(statut=StatutScrutin.CLOS).order_by("pk")
    return [reverse("college:resultat_csv", kwargs={"pk": pk}) for pk in clos.values_list("pk", flat=True)]


def _rencontres(vue: str) -> list[str]:
    return [reverse(vue, args=[pk]) for pk in Rencontre.objects.order_by("pk").values_list("pk", flat=True)]


EXPORTS: dict[str, Export] = {
    "college:resultat_csv": Export(SECRETARIAT, _resultats),
    "territoire:indicateurs_csv": Export(
        AGENT, lambda: [reverse("territoire:indicateurs_csv", kwargs={"tableau": t}) for t in TABLEAUX]
    ),
    "financements:demande_export_csv": Export(AGENT, lambda: [reverse("financements:demande_export_csv")]),
    "financements:demande_export_xlsx": Export(AGENT, lambda: [reverse("financements:demande_export_xlsx")]),
    "rencontres:inscriptions_csv": Export(AGENT, lambda: _rencontres("rencontres:inscriptions_csv")),
    "rencontres:inscriptions_xlsx": Export(AGENT, lambda: _rencontres("rencontres:inscriptions_xlsx")),
    # Les tableaux du recrutement qui écrivent un texte libre (profession, pôle, spécialité des
    # fuites) ; les sources et les offres mixtes n'ont que des libellés du code.
    "recrutement:tableau_export": Export(
        AGENT,
        lambda: [
            reverse("recrutement:tableau_export", kwargs={"tableau": tableau, "format": format})
            for tableau in ("professions", "poles", "delais", "fuites")
            for format in ("csv", "xlsx")
        ],
    ),
}


def _vues_exportees(motifs: list[URLPattern | URLResolver], espace: str = "") -> set[str]:
    noms: set[str] = set()
    for motif in motifs:
        if isinstance(motif, URLResolver):
            sous_espace = f"{espace}{motif.namespace}:" if motif.namespace else espace
            noms |= _vues_exportees(motif.url_patterns, sous_espace)
        elif est_un_export(motif.callback):
            noms.add(f"{espace}{motif.name}")
    return noms


def test_chaque_export_est_couvert():
    """Une vue déclarée par @export et absente d'EXPORTS fait échouer ce test : ajoutez-la,
    avec le compte qui la télécharge, et mettez des formules dans les textes qu'elle montre."""
    assert _vues_exportees(get_resolver().url_patterns) == set(EXPORTS)


# Ce qui écrit un CSV ou un classeur pour le navigateur ; les importeurs et la démonstration
# (qui écrit les fichiers qu'elle importe) n'envoient rien à un navigateur.
ECRIRE_UN_EXPORT = re.compile(r"text/csv|spreadsheetml|csv\.writer\(|Workbook\(")
# Ceux qui citent ces formats sans rien exporter : l'écrivain lui-même, le contrôle des dépôts
# (types acceptés, inspection des classeurs déposés), les fichiers d'entrée de la démonstration,
# la compression des réponses (qui nomme les types qu'elle compresse).
HORS_DU_NAVIGATEUR = {
    "socle/exports.py",
    "socle/documents.py",
    "socle/inspection.py",
    "socle/middleware.py",
    "territoire/demo.py",
}


def test_aucun_export_hors_de_l_ecrivain():
    fautifs = [
        chemin.relative_to(RACINE).as_posix()
        for application in (
            "socle",
            "comptes",
            "territoire",
            "conseil",
            "college",
            "financements",
            "recrutement",
            "rencontres",
            "bilan",
        )
        for chemin in (RACINE / application).rglob("*.py")
        if "migrations" not in chemin.parts
        and chemin.relative_to(RACINE).as_posix() not in HORS_DU_NAVIGATEUR
        and ECRIRE_UN_EXPORT.search(chemin.read_text(encoding="utf-8"))
    ]
    assert fautifs == [], "Un export passe par socle.exports (reponse_csv, reponse_xlsx)."


def _semer_des_formules() -> None:
    """Des formules dans chaque texte libre que montrent les exports de la démonstration."""
    for rang, utilisateur in enumerate(Utilisateur.objects.order_by("pk")):
        utilisateur.prenom = formule(rang)
        utilisateur.save(update_fields=["prenom"])
    for rang, instance in enumerate(Instance.objects.order_by("pk")):
        instance.nom = formule(rang)
        instance.save(update_fields=["nom"])
    for rang, scrutin in enumerate(Scrutin.objects.order_by("pk")):
        scrutin.titre = formule(rang)
        scrutin.motif_cloture_anticipee = formule(rang + 1)
        if scrutin.resultat:
            # Les noms des candidats et des écartés sont figés dans le résultat au dépouillement.
            noms = scrutin.resultat.get("noms", {})
            scrutin.resultat["noms"] = {cle: formule(i) for i, cle in enumerate(noms)}
            scrutin.resultat["exclus_pour_interet"] = [formule(rang), formule(rang + 2)]
        scrutin.save(update_fields=["titre", "motif_cloture_anticipee", "resultat"])
    for rang, demande in enumerate(DemandeFinancement.objects.order_by("pk")):
        demande.intitule = formule(rang)
        demande.save(update_fields=["intitule"])
    for modele, champs in [
        (Inscription, ["nom", "prenom"]),
        (Participant, ["prenom"]),
        (Activite, ["titre"]),
        (Reponse, ["valeur"]),
        (Commune, ["nom"]),
        (PoleDeProximite, ["nom"]),
        (Profession, ["libelle"]),
        (Fuite, ["specialite", "destination_principale"]),
    ]:
        for rang, objet in enumerate(modele.objects.order_by("pk")):
            for decalage, champ in enumerate(champs):
                setattr(objet, champ, formule(rang + decalage))
            objet.save(update_fields=champs)


def _cases(reponse) -> list[tuple[str, object]]:
    """(adresse, valeur) de chaque case non vide, telle qu'un tableur la lirait : dans le
    classeur, une case texte marquée « préfixe apostrophe » s'affiche comme le CSV l'écrit,
    avec l'apostrophe devant."""
    if reponse["Content-Type"] == TYPE_CSV:
        contenu = reponse.content.decode("utf-8")
        assert contenu.startswith("\ufeff")
        lignes = csv.reader(io.StringIO(contenu[1:], newline=""), delimiter=";")
        return [(f"L{i}C{j}", case) for i, ligne in enumerate(lignes, 1) for j, case in enumerate(ligne, 1)]
    assert reponse["Content-Type"] == TYPE_XLSX
    cases: list[tuple[str, object]] = []
    for feuille in load_workbook(io.BytesIO(reponse.content)).worksheets:
        for ligne in feuille.iter_rows():
            for case in ligne:
                if case.value is None:
                    continue
                assert case.data_type != "f", f"{case.coordinate} : formule {case.value!r}"
                valeur = f"'{case.value}" if case.data_type == "s" and case.quotePrefix else case.value
                cases.append((case.coordinate, valeur))
    return cases


def test_aucun_export_ne_rend_une_formule(demonstration):
    _semer_des_formules()
    clients: dict[str, Client] = {}
    fautes: list[str] = []
    telecharges = 0
    for nom, export in EXPORTS.items():
        if export.compte not in clients:
            clients[export.compte] = Client()
            clients[export.compte].force_login(Utilisateur.objects.get(email=export.compte))
        urls = export.urls()
        assert urls, f"{nom} : rien à télécharger dans la démonstration"
        for url in urls:
            reponse = clients[export.compte].get(url)
            assert reponse.status_code == 200, f"{url} : {reponse.status_code}"
            assert "attachment" in reponse["Content-Disposition"]
            cases = _cases(reponse)
            telecharges += 1
            # Les formules semées arrivent bien jusqu'à l'export (sinon le test ne prouve rien).
            assert any(str(valeur).lstrip("'").startswith(FORMULES) for _adresse, valeur in cases), url
            fautes += [
                f"{url} {adresse} : {valeur!r}"
                for adresse, valeur in cases
                if isinstance(valeur, str)
                and valeur.startswith(DEBUTS_DE_FORMULE)
                and not NOMBRE_A_LA_FRANCAISE.fullmatch(valeur)
            ]
    assert fautes == []
    assert telecharges >= len(EXPORTS)


@pytest.mark.django_db
def test_une_vue_non_declaree_ne_peut_pas_exporter(rf):
    """L'écrivain refuse une vue qui ne s'est pas déclarée par @export (le test ci-dessus ne la
    verrait pas)."""
    requete = rf.get("/")
    with pytest.raises(ImproperlyConfigured):
        reponse_csv(requete, "x.csv", ["a"], [["b"]])
