"""Dépôt de bulletins sous charge, par HTTP, contre un vrai serveur (gunicorn).

200 membres du Collège, chacun connecté (une session en base, comme après la connexion),
votent à une délibération ouverte depuis 50 clients simultanés : chaque client charge la
page du scrutin (jeton CSRF du formulaire et du cookie, comme un navigateur), puis poste son
bulletin à `college:voter` (champs `choix` et `csrfmiddlewaretoken`). Seul le POST est
chronométré. Dans la même exécution et sur le même serveur, les mêmes 50 clients chargent
une page simple d'un membre connecté (`/mon-compte/`), avant et après le vote.

Imprime une mesure par ligne :

- `bulletins_par_seconde` : bulletins acceptés par seconde pendant le dépôt (débit absolu,
  demandé par l'issue) ;
- `depot_p95_ms`, `page_connectee_p95_ms` : 95e centiles des durées, en millisecondes ;
- `depot_p95_sur_page_p95` : le rapport des deux, comparable d'une machine à l'autre ;
- `debit_depots_sur_debit_pages` : débit du dépôt rapporté à celui de la page simple sous la
  même charge.

Le script vérifie à la fin que l'urne contient exactement un bulletin par électeur (et que
chaque réponse a montré un reçu) ; sinon il échoue.
"""

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

from _outils import RACINE, base_de_mesure, url_de_la_base
from django.conf import settings

ELECTEURS = 200
CLIENTS = 50
PAGE_SIMPLE = "/mon-compte/"
RECU = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")
JETON = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- Le serveur -------------------------------------------------------------------------


def port_libre() -> int:
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return int(prise.getsockname()[1])


@contextmanager
def serveur(nom_base: str) -> Iterator[int]:
    """gunicorn (travailleurs synchrones, 2 × cœurs + 1) sur un port libre, contre la base de
    mesure ; arrêté à la sortie. Rend le port."""
    port = port_libre()
    travailleurs = 2 * (os.cpu_count() or 1) + 1
    env = os.environ | {
        "DATABASE_URL": url_de_la_base(nom_base),
        "DJANGO_SETTINGS_MODULE": "cotentin_sante.settings_test",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    journal = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    processus = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cotentin_sante.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(travailleurs),
            "--backlog",
            "256",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=RACINE,
        env=env,
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    try:
        limite = time.monotonic() + 60
        statut = None
        while statut != 200:
            if processus.poll() is not None or time.monotonic() > limite:
                journal.flush()
                with open(journal.name, encoding="utf-8", errors="replace") as lu:
                    fin = lu.read()[-3000:]
                raise RuntimeError(f"gunicorn ne répond pas (GET /accessibilite/ : {statut}) :\n{fin}")
            try:
                statut, _corps, _cookies = requete(port, "GET", "/accessibilite/")
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=15)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()
        journal.close()
        os.unlink(journal.name)


# --- Les clients ------------------------------------------------------------------------


def requete(
    port: int, methode: str, chemin: str, cookies: dict[str, str] | None = None, corps: bytes | None = None
) -> tuple[int, str, dict[str, str]]:
    """Une requête sur une connexion neuve (les travailleurs synchrones de gunicorn ferment
    la connexion après chaque réponse) ; rend le statut, le corps et les cookies posés."""
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    entetes = {"Host": f"127.0.0.1:{port}"}
    if cookies:
        entetes["Cookie"] = "; ".join(f"{nom}={valeur}" for nom, valeur in cookies.items())
    if corps is not None:
        entetes["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connexion.request(methode, chemin, body=corps, headers=entetes)
        reponse = connexion.getresponse()
        texte = reponse.read().decode("utf-8", "replace")
        poses = SimpleCookie()
        for ligne in reponse.headers.get_all("Set-Cookie") or []:
            poses.load(ligne)
        return reponse.status, texte, {nom: morceau.value for nom, morceau in poses.items()}
    finally:
        connexion.close()


@dataclass
class Votant:
    cookies: dict[str, str]
    jeton: str = ""
    recu: bool = False
    erreurs: list[str] = field(default_factory=list)


def chronometrer(action: Callable[[], Any]) -> float:
    debut = time.perf_counter()
    action()
    return time.perf_counter() - debut


def en_parallele(taches: list[Callable[[], float]]) -> tuple[list[float], float]:
    """Lance les tâches sur CLIENTS clients simultanés ; rend leurs durées et la durée totale."""
    debut = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as clients:
        durees = list(clients.map(lambda tache: tache(), taches))
    return durees, time.perf_counter() - debut


def p95(durees: list[float]) -> float:
    return statistics.quantiles(durees, n=20, method="inclusive")[-1]


# --- Les données ------------------------------------------------------------------------


def preparer() -> tuple[int, list[Votant]]:
    """Le Collège, ses 200 membres connectés, une délibération ouverte."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from college import services
    from college.models import TypeScrutin
    from comptes.models import Utilisateur
    from comptes.roles import GROUPES, Role
    from conseil.models import CategorieCollege, Instance, Mandat, RoleMandat, TypeInstance
    from socle.models import FrequenceNotifications

    college = Instance.objects.create(nom="Collège des professionnels", type_instance=TypeInstance.COLLEGE)
    secretariat = Utilisateur.objects.create_user("secretariat-bench@exemple.fr", "x", is_staff=True)
    secretariat.groups.add(Group.objects.get(name=GROUPES[Role.SECRETARIAT]))
    membres = Utilisateur.objects.bulk_create(
        Utilisateur(
            email=f"membre{rang}@exemple.fr",
            prenom="Membre",
            nom=f"n°{rang}",
            password=make_password(None),  # inutilisable : la session suffit
            # Ni courriel immédiat ni tâche Celery à l'ouverture du scrutin.
            frequence_notifications=FrequenceNotifications.AUCUNE,
        )
        for rang in range(ELECTEURS)
    )
    debut = timezone.localdate() - timedelta(days=30)
    Mandat.objects.bulk_create(
        Mandat(
            instance=college,
            personne=membre,
            role=RoleMandat.TITULAIRE,
            categorie=CategorieCollege.LIBERAUX_PSLA,
            debut=debut,
        )
        for membre in membres
    )
    maintenant = timezone.now()
    scrutin = services.scrutin_creer(
        acteur=secretariat,
        instance=college,
        type_scrutin=TypeScrutin.DELIBERATION,
        titre="Adoption du règlement intérieur",
        question="Le Collège adopte-t-il son règlement intérieur ?",
        ouverture=maintenant - timedelta(minutes=1),
        cloture=maintenant + timedelta(hours=2),
        secret=True,
    )
    services.scrutin_ouvrir(scrutin=scrutin, acteur=secretariat)

    votants = []
    for membre in membres:
        # La session qu'ouvre la connexion (comme tests/e2e/conftest.py, `connecter`).
        session = SessionStore()
        session[SESSION_KEY] = str(membre.pk)
        session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
        session[HASH_SESSION_KEY] = membre.get_session_auth_hash()
        session.save()
        votants.append(Votant(cookies={settings.SESSION_COOKIE_NAME: session.session_key or ""}))
    return scrutin.pk, votants


# --- La mesure --------------------------------------------------------------------------


def main() -> None:
    with base_de_mesure() as nom_base:
        from college.models import Bulletin, BulletinScelle, Emargement

        scrutin_id, votants = preparer()
        page_scrutin = f"/college/scrutins/{scrutin_id}/"
        voter = f"/college/scrutins/{scrutin_id}/voter/"
        choix = ("pour", "pour", "contre", "abstention")

        with serveur(nom_base) as port:

            def page_simple(votant: Votant) -> Callable[[], float]:
                def charger() -> None:
                    statut, _corps, _cookies = requete(port, "GET", PAGE_SIMPLE, votant.cookies)
                    if statut != 200:
                        votant.erreurs.append(f"{PAGE_SIMPLE} : {statut}")

                return lambda: chronometrer(charger)

            def jeton(votant: Votant) -> Callable[[], float]:
                def charger() -> None:
                    statut, corps, cookies = requete(port, "GET", page_scrutin, votant.cookies)
                    trouve = JETON.search(corps)
                    if statut != 200 or trouve is None:
                        votant.erreurs.append(f"{page_scrutin} : {statut}, formulaire de vote absent")
                        return
                    votant.cookies.update(cookies)
                    votant.jeton = trouve.group(1)

                return lambda: chronometrer(charger)

            def deposer(votant: Votant, rang: int) -> Callable[[], float]:
                corps = urllib.parse.urlencode(
                    {"csrfmiddlewaretoken": votant.jeton, "choix": choix[rang % len(choix)]}
                ).encode()

                def poster() -> None:
                    statut, reponse, _cookies = requete(port, "POST", voter, votant.cookies, corps)
                    votant.recu = statut == 200 and RECU.search(reponse) is not None
                    if not votant.recu:
                        votant.erreurs.append(f"{voter} : {statut}, pas de reçu")

                return lambda: chronometrer(poster)

            # Chauffe : chaque travailleur ouvre sa connexion et compile ses gabarits.
            en_parallele([page_simple(v) for v in votants[:CLIENTS]])
            pages_avant, duree_pages_avant = en_parallele([page_simple(v) for v in votants])
            en_parallele([jeton(v) for v in votants])
            depots, duree_depots = en_parallele([deposer(v, rang) for rang, v in enumerate(votants)])
            pages_apres, duree_pages_apres = en_parallele([page_simple(v) for v in votants])

        erreurs = [e for v in votants for e in v.erreurs]
        # Un scrutin secret garde ses bulletins scellés jusqu'à la clôture (college.chiffrement) ;
        # un scrutin nominatif les met dans l'urne au dépôt.
        bulletins = (
            Bulletin.objects.filter(scrutin_id=scrutin_id).count()
            + BulletinScelle.objects.filter(scrutin_id=scrutin_id).count()
        )
        emargements = Emargement.objects.filter(scrutin_id=scrutin_id).count()
        if erreurs or bulletins != ELECTEURS or emargements != ELECTEURS:
            sys.exit(
                f"Échec : {bulletins} bulletins, {emargements} émargements pour {ELECTEURS} électeurs ; "
                f"{len(erreurs)} erreurs, dont : {erreurs[:5]}"
            )

        pages = pages_avant + pages_apres
        debit_depots = ELECTEURS / duree_depots
        debit_pages = len(pages) / (duree_pages_avant + duree_pages_apres)
        print(f"bulletins_par_seconde {debit_depots:.1f}")
        print(f"depot_p95_ms {p95(depots) * 1000:.0f}")
        print(f"page_connectee_p95_ms {p95(pages) * 1000:.0f}")
        print(f"depot_p95_sur_page_p95 {p95(depots) / p95(pages):.2f}")
        print(f"debit_depots_sur_debit_pages {debit_depots / debit_pages:.2f}")


if __name__ == "__main__":
    main()
