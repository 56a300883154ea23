"""Le bilan annuel à dix fois le territoire, sur une année chargée.

Données : le territoire de démonstration à ×10 (20 000 professionnels, trois relevés RPPS
annuels chargés par les vrais importeurs, comme `territoire_annuaire.py`, et les fuites),
puis l'année 2025 construite par les services du domaine (`tests/fabriques_annee.py`, les
mêmes fabriques que les tests) : 2 000 demandes de financement déposées, à tous les états, avec
leurs dépenses, leurs plans de financement (plusieurs financeurs), l'avis du Collège avant
chaque décision et leurs tranches versées ; 100 séances tenues (30 plénières du Conseil, 30 du
Collège, 40 réunions des 8 groupes de travail) convoquées, présences et quorum relevés,
procès-verbaux adoptés ; les scrutins dépouillés par `scrutin_clore` (150 avis avec bulletins,
les autres sans votant, 110 délibérations, 40 élections) ; les mandats du Collège, le
programme de travail et ses livrables. Les mêmes fabriques écrivent une année calme (2024 :
10 demandes, 4 séances, 5 scrutins). Ces volumes sont ceux de `BENCH_BILAN_DEMANDES=2000`
(une quinzaine de minutes de construction par les services sur 2 cœurs) ; par défaut, 500
demandes (séances et scrutins en proportion, environ 4 minutes) : les rapports et les nombres
de requêtes, qui sont ce que le bench juge, n'en dépendent pas.

Mesures (une par ligne, `nom valeur`) :

- `bilan_total_s` : le travail de la tâche, `bilan.services.version_generer` sur une version
  demandée, dans un processus à part (celui d'un worker : Django chargé, rien en cache) ;
- `bilan_weasyprint_seul_s` : `pdf_du_bilan` seul sur le MÊME HTML (celui que le travail a
  produit, écrit dans un fichier), dans un autre processus, dans la même exécution ;
- `bilan_rapport_total_weasyprint` : médiane des rapports des paires (cible ≤ 1,25) ;
- `bilan_memoire_pic_mo` : mémoire résidente maximale du processus du travail (cible ≤ 400) ;
- `bilan_requetes` : requêtes SQL de `rassembler(2025)`, et `bilan_requetes_annee_calme`
  celles de `rassembler(2024)` : elles doivent être égales ;
- `bilan_pages`, et le détail des étapes (rassemblement, HTML, PDF, reste).

Les durées sont absolues (l'issue les demande) ; c'est le rapport qui se compare d'une
machine à l'autre. `BENCH_BILAN_REPETITIONS` (3 par défaut) : nombre de paires mesurées ;
`BENCH_BILAN_HTML=chemin` garde le HTML du dernier travail (pour profiler ensuite).
"""

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

from _outils import RACINE, base_de_mesure, url_de_la_base
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import fabriques_annee as fabriques

ANNEE = 2025
ANNEE_CALME = 2024
PROFESSIONNELS = 20_000  # ×10 : le Cotentin en compte de l'ordre de 2 000
REPETITIONS = int(os.environ.get("BENCH_BILAN_REPETITIONS", "3"))
# L'année chargée : demandes déposées, séances (plénières du Conseil, du Collège, réunions
# des groupes), scrutins (avis qui reçoivent des bulletins, délibérations, élections).
# BENCH_BILAN_DEMANDES réduit l'année pour un essai rapide (les séances et scrutins suivent).
DEMANDES = int(os.environ.get("BENCH_BILAN_DEMANDES", "500"))
_PART = DEMANDES / 2000
SEANCES = (max(2, round(30 * _PART)), max(2, round(30 * _PART)), max(2, round(40 * _PART)))
SCRUTINS = (max(1, round(150 * _PART)), max(1, round(110 * _PART)), max(1, round(40 * _PART)))
CIBLE_RAPPORT = 1.25
CIBLE_MEMOIRE_MO = 400
# Les étapes chronométrées du travail (le contrôle du PDF est compris dans l'enregistrement).
ETAPES = ("rassembler", "html", "pdf", "enregistrement")


def _log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


# --- Le territoire ×10 (les vrais importeurs, comme territoire_annuaire.py) ---------------


def charger_territoire(dossier: Path) -> None:
    from territoire import demo

    demo.importer_les_communes(dossier)
    finess = dossier / "etalab-cs1100507-stock-20261102-0337.csv"
    demo.ecrire_finess(finess, date(2026, 11, 2))
    call_command("importer_finess", str(finess), stdout=StringIO())
    for jour, presents in zip(demo.RELEVES, demo.releves(PROFESSIONNELS), strict=True):
        fichier = dossier / f"PS_LibreAcces_Personne_activite_{jour:%Y%m%d}0845.txt"
        demo.ecrire_rpps(fichier, demo.lignes_territoire(presents))
        call_command("importer_rpps", str(fichier), stdout=StringIO())
    fuites = dossier / "fuites_gcs_2022_2025.csv"
    demo.ecrire_fuites(fuites, annees=(2022, 2023, 2024, ANNEE))
    call_command("importer_fuites", str(fuites), stdout=StringIO())
    demo.charger_besoins(annee=ANNEE_CALME)


# --- Les mesures ---------------------------------------------------------------------------


def enfant(argument: str, *valeurs: str, env: dict[str, str]) -> dict[str, Any]:
    """Lance ce script dans un processus neuf (`--travail` ou `--weasyprint`) ; rend le JSON
    qu'il imprime sur sa dernière ligne."""
    resultat = subprocess.run(
        [sys.executable, __file__, argument, *valeurs],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if resultat.returncode != 0:
        raise RuntimeError(f"{argument} a échoué ({resultat.returncode}) :\n{resultat.stderr[-4000:]}")
    retour: dict[str, Any] = json.loads(resultat.stdout.strip().splitlines()[-1])
    return retour


def memoire_ko() -> int:
    """Le pic de mémoire résidente du processus (ru_maxrss : en kilo-octets sous Linux)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def rss_actuelle_ko() -> int:
    for ligne in Path("/proc/self/status").read_text().splitlines():
        if ligne.startswith("VmRSS:"):
            return int(ligne.split()[1])
    return 0


def processus_travail(version_id: int, chemin_html: str) -> None:
    """Le travail de la tâche Celery, dans ce processus : `version_generer`, tel quel. Les
    trois étapes sont chronométrées en enveloppant leurs noms dans bilan.services, et le HTML
    qu'il met en page est écrit dans `chemin_html` (hors chronomètre) pour WeasyPrint seul."""
    from bilan import services
    from bilan.models import EtatGeneration, VersionBilan
    from socle import services as socle_services

    etapes: dict[str, float] = {}

    def chronometre(nom: str, fonction: Callable[..., Any]) -> Callable[..., Any]:
        def enveloppe(*args: Any, **kwargs: Any) -> Any:
            debut = time.perf_counter()
            try:
                return fonction(*args, **kwargs)
            finally:
                etapes[nom] = time.perf_counter() - debut

        return enveloppe

    html_du_bilan = chronometre("html", services.html_du_bilan)

    def html_et_fichier(*args: Any, **kwargs: Any) -> str:
        html: str = html_du_bilan(*args, **kwargs)
        debut = time.perf_counter()
        Path(chemin_html).write_text(html, encoding="utf-8")
        etapes["ecriture_du_fichier_html"] = time.perf_counter() - debut
        return html

    services.rassembler = chronometre("rassembler", services.rassembler)
    # L'enregistrement (document_deposer) relit le PDF avec pypdf pour le contrôler.
    services.document_deposer = chronometre("enregistrement", services.document_deposer)
    socle_services.verifier_fichier = chronometre("controle_du_pdf", socle_services.verifier_fichier)
    services.html_du_bilan = html_et_fichier
    services.pdf_du_bilan = chronometre("pdf", services.pdf_du_bilan)
    avant = rss_actuelle_ko()
    debut = time.perf_counter()
    services.version_generer(version_id)
    total = time.perf_counter() - debut - etapes.get("ecriture_du_fichier_html", 0.0)
    version = VersionBilan.objects.get(pk=version_id)
    if version.etat != EtatGeneration.PRETE:
        raise RuntimeError(f"La version n'est pas prête : {version.etat} {version.erreur}")
    print(
        json.dumps(
            {
                "total": total,
                "etapes": etapes,
                "memoire_pic_ko": memoire_ko(),
                "memoire_avant_ko": avant,
                "pages": version.pages,
                "octets_html": Path(chemin_html).stat().st_size,
            }
        )
    )


def processus_weasyprint(chemin_html: str) -> None:
    """WeasyPrint seul (`pdf_du_bilan`, même variante PDF/A-3a) sur le HTML du travail."""
    from bilan.rendu import pdf_du_bilan

    html = Path(chemin_html).read_text(encoding="utf-8")
    avant = rss_actuelle_ko()
    debut = time.perf_counter()
    pdf = pdf_du_bilan(html)
    duree = time.perf_counter() - debut
    print(
        json.dumps(
            {"duree": duree, "pages": pdf.pages, "memoire_pic_ko": memoire_ko(), "memoire_avant_ko": avant}
        )
    )


def compter_requetes(annee: int) -> tuple[int, dict[str, int]]:
    """Les requêtes de `rassembler(annee)`, et celles de chaque section."""
    from bilan.rendu import rassembler
    from socle.bilan import sections

    rassembler(annee)  # chauffe : types de contenu, traductions mis en cache
    with CaptureQueriesContext(connection) as requetes:
        rassembler(annee)
    par_section = {}
    for section in sections():
        with CaptureQueriesContext(connection) as lues:
            section.donnees(annee)
        par_section[section.cle] = len(lues)
    return len(requetes), par_section


def compter_lignes() -> str:
    """Ce que contient la base de mesure, pour vérifier l'échelle."""
    from college.models import Bulletin, Scrutin
    from conseil.models import Participation, Reunion
    from financements.models import DemandeFinancement, LigneFinancement, Tranche
    from socle.models import Evenement
    from territoire.models import LieuExercice, Professionnel, ReleveEffectifs

    comptes = {
        "professionnels actifs": Professionnel.objects.filter(actif=True).count(),
        "lieux d'exercice": LieuExercice.objects.count(),
        "relevés d'effectifs": ReleveEffectifs.objects.count(),
        f"demandes déposées en {ANNEE}": DemandeFinancement.objects.filter(deposee_le__year=ANNEE).count(),
        "lignes de financement": LigneFinancement.objects.count(),
        "tranches versées": Tranche.objects.filter(statut="versee").count(),
        f"séances tenues en {ANNEE}": Reunion.objects.filter(debut__year=ANNEE).count(),
        "participations": Participation.objects.count(),
        f"scrutins clos en {ANNEE}": Scrutin.objects.filter(statut="clos", clos_le__year=ANNEE).count(),
        "bulletins": Bulletin.objects.count(),
        "lignes du journal": Evenement.objects.count(),
    }
    return ", ".join(f"{nom} {nombre}" for nom, nombre in comptes.items())


def demander_version(numero: int) -> int:
    """Une version demandée (en attente du worker), comme après `bilan_demander`, sans mettre
    de tâche en file : le travail est lancé à la main dans un processus à part."""
    from bilan.models import BilanAnnuel, VersionBilan

    bilan, _cree = BilanAnnuel.objects.get_or_create(annee=ANNEE)
    return VersionBilan.objects.create(bilan=bilan, numero=numero, etape="En attente du worker").pk


def mediane(valeurs: Sequence[float]) -> float:
    return statistics.median(valeurs)


def main() -> None:
    from socle.bilan import sections

    with base_de_mesure() as nom_base, tempfile.TemporaryDirectory(prefix="bench-bilan-") as nom_dossier:
        dossier = Path(nom_dossier)
        debut = time.perf_counter()
        charger_territoire(dossier)
        _log(f"territoire ×10 chargé en {time.perf_counter() - debut:.0f} s")
        debut = time.perf_counter()
        hasard = random.Random(2025)
        with fabriques.sans_taches_en_file():
            gouvernance = fabriques.gouvernance(hasard=hasard, annee=ANNEE)
            fabriques.annee_chargee(
                gouvernance, ANNEE, demandes=DEMANDES, seances=SEANCES, scrutins=SCRUTINS, hasard=hasard
            )
            fabriques.annee_chargee(
                gouvernance, ANNEE_CALME, demandes=10, seances=(2, 1, 1), scrutins=(2, 2, 1), hasard=hasard
            )
        with connection.cursor() as curseur:
            curseur.execute("ANALYZE")
        _log(f"années {ANNEE} et {ANNEE_CALME} générées en {time.perf_counter() - debut:.0f} s")
        _log(f"sections : {', '.join(s.cle for s in sections())}")
        _log(compter_lignes())

        requetes, par_section = compter_requetes(ANNEE)
        requetes_calme, par_section_calme = compter_requetes(ANNEE_CALME)

        env = os.environ | {
            "DATABASE_URL": url_de_la_base(nom_base),
            "DJANGO_SETTINGS_MODULE": "cotentin_sante.settings_test",
            # Les documents des réglages de test vont dans un mkdtemp : ici, sous notre dossier.
            "TMPDIR": str(dossier),
        }
        travaux, seuls = [], []
        for rang in range(REPETITIONS):
            chemin_html = str(dossier / f"bilan-{rang + 1}.html")
            travaux.append(enfant("--travail", str(demander_version(rang + 1)), chemin_html, env=env))
            seuls.append(enfant("--weasyprint", chemin_html, env=env))
            _log(
                f"paire {rang + 1} : travail {travaux[-1]['total']:.1f} s "
                f"({', '.join(f'{k} {v:.1f} s' for k, v in travaux[-1]['etapes'].items())}), "
                f"WeasyPrint seul {seuls[-1]['duree']:.1f} s"
            )

        if os.environ.get("BENCH_BILAN_HTML"):  # pour profiler ensuite les gabarits, WeasyPrint
            Path(os.environ["BENCH_BILAN_HTML"]).write_bytes(Path(chemin_html).read_bytes())

        total = mediane([t["total"] for t in travaux])
        seul = mediane([s["duree"] for s in seuls])
        rapport = mediane([t["total"] / s["duree"] for t, s in zip(travaux, seuls, strict=True)])
        memoire = max(t["memoire_pic_ko"] for t in travaux) / 1024
        print(f"bilan_total_s {total:.2f}")
        print(f"bilan_weasyprint_seul_s {seul:.2f}")
        print(f"bilan_rapport_total_weasyprint {rapport:.2f}")
        # Le même rapport, au PDF mesuré dans le processus du travail : moins sensible à la
        # charge de la machine entre deux processus.
        interne = mediane([t["total"] / t["etapes"]["pdf"] for t in travaux])
        print(f"bilan_rapport_total_pdf_du_travail {interne:.2f}")
        print(f"bilan_memoire_pic_mo {memoire:.0f}")
        print(f"bilan_memoire_avant_travail_mo {max(t['memoire_avant_ko'] for t in travaux) / 1024:.0f}")
        print(f"bilan_weasyprint_seul_memoire_pic_mo {max(s['memoire_pic_ko'] for s in seuls) / 1024:.0f}")
        print(f"bilan_requetes {requetes}")
        print(f"bilan_requetes_annee_calme {requetes_calme}")
        for cle, nombre in par_section.items():
            print(f"bilan_requetes_{cle} {nombre}")
            if par_section_calme.get(cle) != nombre:
                print(f"bilan_requetes_{cle}_annee_calme {par_section_calme.get(cle)}")
        print(f"bilan_pages {travaux[-1]['pages']}")
        print(f"bilan_html_ko {travaux[-1]['octets_html'] / 1024:.0f}")
        for etape in (*ETAPES, "controle_du_pdf"):
            print(f"bilan_etape_{etape}_s {mediane([t['etapes'].get(etape, 0.0) for t in travaux]):.2f}")
        reste = mediane([t["total"] - sum(t["etapes"].get(k, 0.0) for k in ETAPES) for t in travaux])
        print(f"bilan_etape_reste_s {reste:.2f}")
        if rapport > CIBLE_RAPPORT or memoire > CIBLE_MEMOIRE_MO or requetes != requetes_calme:
            _log(
                f"hors cible : rapport {rapport:.2f} (≤ {CIBLE_RAPPORT}), mémoire {memoire:.0f} Mo "
                f"(≤ {CIBLE_MEMOIRE_MO}), requêtes {requetes} contre {requetes_calme} pour l'année calme"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--travail":
        processus_travail(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--weasyprint":
        processus_weasyprint(sys.argv[2])
    else:
        main()
