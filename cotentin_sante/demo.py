"""La démonstration du portail, application par application, dans l'ordre des étages.

Chaque application écrit sa démonstration dans son module `demo.py` (une fonction
`charger(afficher=…)` qui rend vrai si elle a chargé quelque chose, faux si c'était déjà fait),
par ses propres services. Seul le projet les connaît toutes (DESIGN.md §3) : ce module les
enchaîne, pour `manage.py demo` comme pour la base de démonstration des tests
(tests/demonstration.py), qui passe ainsi par le même chemin que `make run`.

Une application qui arrive ajoute sa ligne à `ETAPES`, après celles dont elle se sert.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.db.models.functions import Now

from bilan import demo as bilan_demo
from college import demo as college_demo
from comptes import demo as comptes_demo
from conseil import demo as conseil_demo
from financements import demo as financements_demo
from recrutement import demo as recrutement_demo
from rencontres import demo as rencontres_demo
from socle.models import Notification, TacheDemandee
from socle.taches import envois_retenus, envoyer_toutes
from socle.tasks import envoyer_notification
from territoire import demo as territoire_demo

Afficher = Callable[[str], Any]


@dataclass(frozen=True)
class Etape:
    cle: str
    charger: Callable[..., bool]  # charger(afficher=…)
    deja_faite: str  # ce que dit la commande quand l'étape trouve ses données déjà là


ETAPES: tuple[Etape, ...] = (
    Etape("comptes", comptes_demo.charger, "Comptes de démonstration déjà présents."),
    # Le territoire passe par les vrais importeurs, à partir de fichiers aux formats officiels.
    Etape("territoire", territoire_demo.charger, "Territoire de démonstration déjà présent."),
    # Le Conseil passe par ses services : mandats, séances, convocations, procès-verbaux.
    Etape("conseil", conseil_demo.charger, "Conseil de santé de démonstration déjà présent."),
    # Le Collège aussi : élection et délibération closes, avis ouvert, discussion.
    Etape("college", college_demo.charger, "Scrutins de démonstration déjà présents."),
    # Les demandes de financement aussi : une à chaque étape, du brouillon au solde.
    Etape(
        "financements",
        financements_demo.charger,
        "Demandes de financement de démonstration déjà présentes.",
    ),
    # Le recrutement du GCS : ses recruteurs et des offres à chaque état, par les services.
    Etape("recrutement", recrutement_demo.charger, "Offres d'emploi de démonstration déjà présentes."),
    # Les rencontres : inscriptions, liste d'attente, promotion, validation, accueil, par les services.
    Etape("rencontres", rencontres_demo.charger, "Rencontres de démonstration déjà présentes."),
    # Le bilan de l'année passée, généré ici (pas de worker), adopté en séance et transmis.
    Etape("bilan", bilan_demo.charger, "Bilan annuel de démonstration déjà présent."),
)


def charger_etape(etape: Etape, *, afficher: Afficher = print) -> bool:
    """Une étape : vrai si elle a chargé ses données, faux (et le dit) si elles étaient là.

    Les tâches que l'étape demande sont retenues puis soldées (`solder_les_taches`)."""
    with envois_retenus() as retenues:
        chargee = etape.charger(afficher=afficher)
    solder_les_taches(retenues)
    if chargee:
        return True
    afficher(etape.deja_faite)
    return False


def solder_les_taches(pks: list[Any]) -> None:
    """Les notifications de la démonstration racontent un passé (séances tenues, demandes
    décidées il y a des mois) : leurs courriels sont marqués partis à leur date, sans être
    écrits — sinon le worker du premier `make run` en imprime des centaines dans la console et
    occupe un cœur à le faire. Les autres tâches (récépissés, courriers, convocations des
    séances à venir, procès-verbaux archivés) partent au worker comme d'habitude."""
    notifications = TacheDemandee.objects.filter(pk__in=pks, nom=envoyer_notification.name)
    ids = [arguments[0] for arguments in notifications.values_list("arguments", flat=True)]
    Notification.objects.filter(pk__in=ids, envoyee_le__isnull=True).update(envoyee_le=F("creee_le"))
    notifications.update(faite_le=Now())
    envoyer_toutes(
        list(TacheDemandee.objects.filter(pk__in=pks, faite_le__isnull=True).values_list("pk", flat=True))
    )


def charger(*, afficher: Afficher = print) -> None:
    """Charge ce qui manque de la démonstration, étape par étape, puis montre les comptes."""
    for etape in ETAPES:
        charger_etape(etape, afficher=afficher)
    afficher(comptes_demo.tableau_des_comptes())
