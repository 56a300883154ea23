"""L'import RPPS sur un fichier national, en rapport à un passage d'awk qui choisit les mêmes lignes.

Un fichier au format de l'extraction « PS_LibreAcces_Personne_activite » est généré (2 millions
de lignes par défaut, environ 1 % sur le territoire ; BENCH_RPPS_LIGNES pour en changer). La
référence, mesurée dans la même exécution, est `awk -F'|'` qui garde les lignes dont le code
commune (colonne 37) est un code du territoire. Imprime :

- import_rpps_premier_sur_awk : premier import (tout est créé) / awk ;
- import_rpps_second_sur_awk : second import du même fichier (tout est inchangé) / awk ;
- import_rpps_memoire_max_mo : mémoire résidente maximale de la commande d'import, en Mo.

Cibles (issue 3) : rapport ≤ 3, mémoire ≤ 250 Mo.
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from _outils import RACINE, base_de_mesure
from django.db import connection

LIGNES = int(os.environ.get("BENCH_RPPS_LIGNES", "2000000"))
REPETITIONS_AWK = 3


def _url_base() -> str:
    reglages = connection.settings_dict
    identite = quote(reglages["USER"] or "postgres", safe="")
    if reglages["PASSWORD"]:
        identite += ":" + quote(reglages["PASSWORD"], safe="")
    hote = quote(reglages["HOST"] or "", safe="")
    port = f":{reglages['PORT']}" if reglages["PORT"] else ""
    return f"postgres://{identite}@{hote}{port}/{reglages['NAME']}"


def _duree(commande: list[str], **kwargs: Any) -> float:
    debut = time.perf_counter()
    subprocess.run(commande, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - debut


def main() -> None:
    from territoire import demo
    from territoire.importeurs.base import communes_du_territoire
    from territoire.models import LieuExercice, Professionnel

    awk = shutil.which("awk")
    assert awk, "awk est introuvable"
    with base_de_mesure():
        with tempfile.TemporaryDirectory(prefix="bench-rpps-") as nom_dossier:
            dossier = Path(nom_dossier)
            demo.importer_les_communes(dossier)

            fichier = dossier / "PS_LibreAcces_Personne_activite_202611020845.txt"
            with fichier.open("w", encoding="utf-8") as sortie:
                dans_le_territoire = demo.ecrire_rpps_national(sortie, lignes=LIGNES)
            codes = dossier / "codes.txt"
            codes.write_text("\n".join(communes_du_territoire()) + "\n", encoding="utf-8")

            programme = "NR==FNR { k[$1]; next } ($37 in k)"
            commande_awk = [awk, "-F", "|", programme, str(codes), str(fichier)]
            commande_import = [sys.executable, str(RACINE / "manage.py"), "importer_rpps", str(fichier)]
            env = {**os.environ, "DATABASE_URL": _url_base()}

            _duree(commande_awk)  # chauffe : le fichier passe dans le cache du système
            durees_awk = [_duree(commande_awk) for _ in range(REPETITIONS_AWK)]
            premier = _duree(commande_import, env=env, cwd=RACINE)
            durees_awk += [_duree(commande_awk) for _ in range(REPETITIONS_AWK)]
            second = _duree(commande_import, env=env, cwd=RACINE)
            # ru_maxrss : le maximum des processus enfants attendus (Ko sous Linux) ; awk en
            # garde très peu, c'est donc celui de la commande d'import.
            memoire = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            reference = statistics.median(durees_awk)

            kept = LieuExercice.objects.count()
            assert kept >= dans_le_territoire * 0.9, (kept, dans_le_territoire)
            assert Professionnel.objects.exists()
        print(f"import_rpps_premier_sur_awk {premier / reference:.2f}")
        print(f"import_rpps_second_sur_awk {second / reference:.2f}")
        print(f"import_rpps_memoire_max_mo {memoire:.0f}")
        print(
            f"# {LIGNES} lignes dont {dans_le_territoire} du territoire ; awk {reference:.2f} s, "
            f"import {premier:.2f} s puis {second:.2f} s",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
