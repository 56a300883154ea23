"""Inscriptions sous charge, par HTTP, contre un vrai serveur (gunicorn) : la course aux places.

Une rencontre publiée, une activité de 300 places ; 500 personnes sans compte s'inscrivent
depuis 50 clients simultanés par le formulaire public : chacune charge le formulaire (jeton
CSRF du formulaire et du cookie, comme un navigateur), puis le poste (liste d'attente acceptée).
Seul le POST est chronométré. Dans la même exécution et sur le même serveur, 50 personnes
connectées chargent une page simple (`/mon-compte/`), avant et après les inscriptions.

Imprime une mesure par ligne :

- `inscriptions_par_seconde` : inscriptions enregistrées par seconde (débit absolu) ;
- `inscription_p95_ms`, `page_connectee_p95_ms` : 95e centiles des durées, en millisecondes ;
- `inscription_p95_sur_page_p95` : leur rapport, comparable d'une machine à l'autre (cible de
  l'issue 19 : ≤ 2) ;
- `debit_inscriptions_sur_debit_pages` : débit des inscriptions rapporté à celui de la page
  simple sous la même charge.

Le script vérifie à la fin qu'il y a **exactement 300 inscriptions confirmées et 200 sur liste
d'attente** (aucune place donnée deux fois, aucune perdue) ; sinon il échoue. Le serveur, les
clients et les outils de mesure sont ceux de `college_vote.py`.
"""

import re
import sys
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from _outils import base_de_mesure
from college_vote import CLIENTS, PAGE_SIMPLE, chronometrer, en_parallele, p95, requete, serveur
from django.conf import settings

PERSONNES = 500
PLACES = 300
JETON = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Personne:
    rang: int
    cookies: dict[str, str] = field(default_factory=dict)
    jeton: str = ""
    erreurs: list[str] = field(default_factory=list)


def preparer() -> tuple[int, int, list[dict[str, str]]]:
    """La rencontre, son activité de 300 places, et 50 personnes connectées pour la page simple."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from comptes.models import Utilisateur
    from rencontres.models import Activite, Rencontre, StatutRencontre, TypeRencontre
    from socle.models import FrequenceNotifications

    maintenant = timezone.now()
    debut = maintenant + timedelta(days=30)
    rencontre = Rencontre.objects.create(
        titre="Les Paradis du Cotentin",
        type=TypeRencontre.PROMOTION,
        description="Un week-end pour découvrir le Cotentin.",
        public="Internes",
        debut=debut,
        fin=debut + timedelta(days=1),
        inscriptions_du=maintenant - timedelta(days=1),
        inscriptions_au=debut - timedelta(days=1),
        statut=StatutRencontre.PUBLIEE,
    )
    activite = Activite.objects.create(
        rencontre=rencontre,
        titre="Sortie en mer",
        debut=debut,
        fin=debut + timedelta(hours=3),
        capacite=PLACES,
    )
    connectes = Utilisateur.objects.bulk_create(
        Utilisateur(
            email=f"connecte{rang}@exemple.fr",
            prenom="Connecté",
            nom=f"n°{rang}",
            password=make_password(None),
            frequence_notifications=FrequenceNotifications.AUCUNE,
        )
        for rang in range(CLIENTS)
    )
    sessions = []
    for personne in connectes:
        session = SessionStore()
        session[SESSION_KEY] = str(personne.pk)
        session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
        session[HASH_SESSION_KEY] = personne.get_session_auth_hash()
        session.save()
        sessions.append({settings.SESSION_COOKIE_NAME: session.session_key or ""})
    return rencontre.pk, activite.pk, sessions


def main() -> None:
    with base_de_mesure() as nom_base:
        from rencontres.models import EtatInscription, Inscription

        rencontre_id, activite_id, sessions = preparer()
        formulaire = f"/rencontres/{rencontre_id}/inscription/"
        personnes = [Personne(rang) for rang in range(PERSONNES)]

        with serveur(nom_base) as port:

            def page_simple(cookies: dict[str, str], erreurs: list[str]) -> Callable[[], float]:
                def charger() -> None:
                    statut, _corps, _cookies = requete(port, "GET", PAGE_SIMPLE, cookies)
                    if statut != 200:
                        erreurs.append(f"{PAGE_SIMPLE} : {statut}")

                return lambda: chronometrer(charger)

            def jeton(personne: Personne) -> Callable[[], float]:
                def charger() -> None:
                    statut, corps, cookies = requete(port, "GET", formulaire, personne.cookies)
                    trouve = JETON.search(corps)
                    if statut != 200 or trouve is None:
                        personne.erreurs.append(f"{formulaire} : {statut}, formulaire absent")
                        return
                    personne.cookies.update(cookies)
                    personne.jeton = trouve.group(1)

                return lambda: chronometrer(charger)

            def inscrire(personne: Personne) -> Callable[[], float]:
                corps = urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": personne.jeton,
                        "nom": f"Interne{personne.rang}",
                        "prenom": "Camille",
                        "email": f"interne{personne.rang}@exemple.fr",
                        "activites": str(activite_id),
                        "liste_d_attente_acceptee": "on",
                        "foyer-TOTAL_FORMS": "0",
                        "foyer-INITIAL_FORMS": "0",
                        "foyer-MIN_NUM_FORMS": "0",
                        "foyer-MAX_NUM_FORMS": "0",
                    }
                ).encode()

                def poster() -> None:
                    statut, reponse, _cookies = requete(port, "POST", formulaire, personne.cookies, corps)
                    if statut != 302:
                        personne.erreurs.append(f"{formulaire} : {statut} {reponse[:200]!r}")

                return lambda: chronometrer(poster)

            erreurs_pages: list[str] = []
            clients_connectes = sessions * (PERSONNES // CLIENTS)
            # Chauffe : chaque travailleur ouvre sa connexion et compile ses gabarits.
            en_parallele([page_simple(c, erreurs_pages) for c in sessions])
            pages_avant, duree_pages_avant = en_parallele(
                [page_simple(c, erreurs_pages) for c in clients_connectes]
            )
            en_parallele([jeton(p) for p in personnes])
            inscriptions, duree_inscriptions = en_parallele([inscrire(p) for p in personnes])
            pages_apres, duree_pages_apres = en_parallele(
                [page_simple(c, erreurs_pages) for c in clients_connectes]
            )

        erreurs = erreurs_pages + [e for p in personnes for e in p.erreurs]
        confirmees = Inscription.objects.filter(
            rencontre=rencontre_id, etat=EtatInscription.CONFIRMEE
        ).count()
        en_attente = Inscription.objects.filter(
            rencontre=rencontre_id, etat=EtatInscription.LISTE_D_ATTENTE
        ).count()
        if erreurs or confirmees != PLACES or en_attente != PERSONNES - PLACES:
            sys.exit(
                f"Échec : {confirmees} confirmées et {en_attente} en attente pour {PLACES} places ; "
                f"{len(erreurs)} erreurs, dont : {erreurs[:5]}"
            )

        pages = pages_avant + pages_apres
        debit_inscriptions = PERSONNES / duree_inscriptions
        debit_pages = len(pages) / (duree_pages_avant + duree_pages_apres)
        print(f"inscriptions_par_seconde {debit_inscriptions:.1f}")
        print(f"inscription_p95_ms {p95(inscriptions) * 1000:.0f}")
        print(f"page_connectee_p95_ms {p95(pages) * 1000:.0f}")
        print(f"inscription_p95_sur_page_p95 {p95(inscriptions) / p95(pages):.2f}")
        print(f"debit_inscriptions_sur_debit_pages {debit_inscriptions / debit_pages:.2f}")
        print(f"confirmees {confirmees}")
        print(f"liste_d_attente {en_attente}")


if __name__ == "__main__":
    main()
