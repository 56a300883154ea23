"""Écritures du territoire : les imports des registres nationaux, les pôles de proximité.

Un import se demande (dépôt dans l'administration, ou commande `importer_*`), puis
s'exécute (tâche Celery, ou directement pour une commande). Le fichier est vérifié avant
d'être accepté : un mauvais fichier est refusé tout de suite, avec un message qui dit ce
qui était attendu, et rien n'est gardé.
"""

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socle.francais import nombre
from socle.services import apres_validation, evenement_enregistrer
from socle.verbes import Verbe
from socle.workflows import transition
from territoire.importeurs.base import (
    ETAPES,
    FichierRefuse,
    Fichiers,
    date_dans_le_nom,
    importeur_pour,
    refuser_l_utf16,
)
from territoire.models import Commune, ImportFichier, PoleDeProximite, StatutImport
from territoire.rapport import Rapport

# Les actions que ce module écrit au journal d'audit.
IMPORT_DEMANDE = Verbe("territoire.import.demande", gettext_lazy("Import demandé"))
POLE_COMMUNES_MODIFIEES = Verbe(
    "territoire.pole.communes_modifiees", gettext_lazy("Communes du pôle modifiées")
)

logger = logging.getLogger(__name__)

# Les fichiers d'un import, par nom de champ de ImportFichier.
CHAMPS_FICHIERS = ("fichier", "fichier_epci", "fichier_populations")
# Clés de Fichiers pour chaque champ (les pôles et les contours n'existent qu'en commande).
_CLES = {
    "fichier": "principal",
    "fichier_epci": "epci",
    "fichier_populations": "populations",
    "fichier_poles": "poles",
    "fichier_contours": "contours",
}


def _fichiers(flux: dict[str, Any], nom: str) -> Fichiers:
    return Fichiers(nom=nom, **{_CLES[champ]: f for champ, f in flux.items() if f is not None})


def import_demander(
    *,
    acteur: Any,
    type_import: str,
    fichier: UploadedFile,
    fichier_epci: UploadedFile | None = None,
    fichier_populations: UploadedFile | None = None,
    date_extraction: date | None = None,
) -> ImportFichier:
    """Vérifie les fichiers déposés, les garde dans le stockage privé et met l'import en file.

    Lève `ValidationError` (par champ, en français) si un fichier n'est pas celui attendu :
    rien n'est alors enregistré.
    """
    deposes = {"fichier": fichier, "fichier_epci": fichier_epci, "fichier_populations": fichier_populations}
    nom = fichier.name or ""
    try:
        fichiers = _fichiers(deposes, nom)
        refuser_l_utf16(fichiers)
        importeur_pour(type_import).verifier(fichiers)
    except FichierRefuse as refus:
        raise ValidationError({refus.champ: refus.message}) from refus
    with transaction.atomic():
        import_fichier = ImportFichier(
            type=type_import,
            lance_par=acteur,
            nom_fichier=nom[:255],
            date_extraction=date_extraction or date_dans_le_nom(nom),
        )
        try:
            for champ, depose in deposes.items():
                if depose is not None:
                    depose.seek(0)
                    getattr(import_fichier, champ).save(depose.name or champ, depose, save=False)
            import_fichier.save()
        except Exception:
            _supprimer_fichiers(import_fichier)
            raise
        evenement_enregistrer(
            verbe=IMPORT_DEMANDE,
            acteur=acteur,
            cible=import_fichier,
            etat_apres=StatutImport.EN_ATTENTE,
            donnees={"type": type_import, "fichier": import_fichier.nom_fichier},
        )
        # Import local : territoire.tasks importe ce module.
        from territoire.tasks import executer_import

        apres_validation(executer_import, import_fichier.pk)
    return import_fichier


def import_depuis_commande(
    *,
    type_import: str,
    chemins: dict[str, Path],
    date_extraction: date | None = None,
    afficher: Callable[[str], None] | None = None,
) -> ImportFichier:
    """L'import d'une commande `importer_*` : les fichiers restent où ils sont, l'import
    s'exécute tout de suite dans le processus de la commande et laisse la même trace
    (ImportFichier, journal) qu'un import lancé depuis l'administration.

    Lève `FichierRefuse` si un fichier n'est pas celui attendu.
    """
    nom = chemins["fichier"].name
    with _ouvrir_chemins(chemins) as fichiers:
        refuser_l_utf16(fichiers)
        importeur_pour(type_import).verifier(fichiers)
    import_fichier = ImportFichier.objects.create(
        type=type_import, nom_fichier=nom[:255], date_extraction=date_extraction or date_dans_le_nom(nom)
    )
    evenement_enregistrer(
        verbe=IMPORT_DEMANDE,
        cible=import_fichier,
        etat_apres=StatutImport.EN_ATTENTE,
        donnees={"type": type_import, "fichier": nom, "source": "commande"},
    )
    return import_executer(import_id=import_fichier.pk, chemins=chemins, afficher=afficher)


class SuiviEnBase:
    """Écrit l'avancement dans la ligne de l'import (au plus une fois par seconde), hors de la
    transaction d'écriture : la page de l'import le lit pendant que le fichier est lu."""

    INTERVALLE = 1.0

    def __init__(self, import_id: int, afficher: Callable[[str], None] | None = None) -> None:
        self.import_id = import_id
        self.afficher = afficher
        self._etape = ""
        self._dernier = 0.0

    def __call__(self, *, etape: str, fait: int = 0, total: int = 0, lignes: int = 0) -> None:
        maintenant = time.monotonic()
        fini = bool(total) and fait >= total
        if etape == self._etape and not fini and maintenant - self._dernier < self.INTERVALLE:
            return
        self._etape, self._dernier = etape, maintenant
        # 100 % n'est affiché qu'une fois le rapport écrit.
        pourcentage = min(99, fait * 100 // total) if total else 0
        ImportFichier.objects.filter(pk=self.import_id).update(
            etape=etape, progression=pourcentage, lignes_lues=lignes
        )
        if self.afficher:
            self.afficher(
                _("%(etape)s : %(pourcentage)s %% (%(lignes)s lignes)")
                % {
                    "etape": ETAPES.get(etape, etape),
                    "pourcentage": pourcentage,
                    "lignes": nombre(lignes),
                }
            )


def import_executer(
    *,
    import_id: int,
    chemins: dict[str, Path] | None = None,
    afficher: Callable[[str], None] | None = None,
) -> ImportFichier:
    """Fait tourner un import demandé et écrit son rapport ; idempotent.

    Un import déjà terminé ou échoué n'est pas refait (tâche rejouée). Un import trouvé
    « en cours » est celui d'un worker mort en route : ses écritures, faites en une seule
    transaction, ont été annulées ; il est recommencé depuis le début.
    """
    import_fichier = ImportFichier.objects.get(pk=import_id)
    if import_fichier.est_fini:
        return import_fichier
    if import_fichier.statut == StatutImport.EN_ATTENTE:
        transition(import_fichier, vers=StatutImport.EN_COURS, acteur=None)
    else:
        ImportFichier.objects.filter(pk=import_id).update(progression=0, etape="", lignes_lues=0)
    suivi = SuiviEnBase(import_id, afficher)
    try:
        ouverture = _ouvrir_chemins(chemins) if chemins is not None else _ouvrir_depots(import_fichier)
        with ouverture as fichiers:
            rapport = importeur_pour(import_fichier.type).importer(
                fichiers, import_fichier=import_fichier, suivi=suivi
            )
    except FichierRefuse as refus:
        return _echouer(import_fichier, refus.message, refus.rapport)
    except Exception:
        # Le détail technique va au journal du serveur ; la page dit ce qu'il faut savoir.
        logger.exception("L'import %s s'est arrêté sur une erreur inattendue.", import_id)
        return _echouer(
            import_fichier,
            _(
                "L'import s'est arrêté sur une erreur inattendue : rien n'a été enregistré. "
                "Le détail est dans le journal du serveur (import n° %(numero)s)."
            )
            % {"numero": import_id},
        )
    return _terminer(import_fichier, rapport)


def _terminer(import_fichier: ImportFichier, rapport: Rapport) -> ImportFichier:
    # Terminé et sans fichiers dans la même transaction : qui lit « terminé » ne voit plus de
    # fichier déposé (la page de l'import, le registre RGPD).
    with transaction.atomic():
        ImportFichier.objects.filter(pk=import_fichier.pk).update(
            rapport=rapport.en_json(), progression=100, etape=""
        )
        import_fichier.refresh_from_db()
        transition(
            import_fichier,
            vers=StatutImport.TERMINE,
            acteur=None,
            donnees={
                "crees": rapport.crees,
                "mis_a_jour": rapport.mis_a_jour,
                "inchanges": rapport.inchanges,
                "ignores": rapport.ignores,
                "rejetes": rapport.rejetes,
                "retires": rapport.retires,
            },
        )
        deposes = _oublier_fichiers(import_fichier)
    _effacer(deposes)
    _rafraichir_les_statistiques()
    return import_fichier


# Les tables qu'un import réécrit en masse.
TABLES_IMPORTEES = (
    "territoire_commune",
    "territoire_structure",
    "territoire_professionnel",
    "territoire_lieuexercice",
    "territoire_releveeffectifs",
    "territoire_fuite",
)


def _rafraichir_les_statistiques() -> None:
    """Un import vient de changer des milliers de lignes : sans statistiques à jour (l'autovacuum
    passe plus tard), le planificateur choisit mal entre les index de recherche et la lecture
    de la table. ANALYZE lit un échantillon : quelques millisecondes."""
    with connection.cursor() as curseur:
        curseur.execute(f"ANALYZE {', '.join(TABLES_IMPORTEES)}")  # noqa: S608  (noms constants)


def _echouer(import_fichier: ImportFichier, message: str, rapport: Rapport | None = None) -> ImportFichier:
    with transaction.atomic():
        ImportFichier.objects.filter(pk=import_fichier.pk).update(
            erreur=message, etape="", rapport=rapport.en_json() if rapport is not None else {}
        )
        import_fichier.refresh_from_db()
        transition(import_fichier, vers=StatutImport.ECHOUE, acteur=None, motif=message)
        deposes = _oublier_fichiers(import_fichier)
    _effacer(deposes)
    return import_fichier


def _supprimer_fichiers(import_fichier: ImportFichier) -> None:
    """Les fichiers déposés ne servent qu'à l'import : ils ne sont pas gardés ensuite
    (docs/rgpd.md) ; le rapport et le nom du fichier restent."""
    _effacer(_oublier_fichiers(import_fichier))


def _oublier_fichiers(import_fichier: ImportFichier) -> list[Any]:
    """Vide les champs des fichiers déposés ; rend les fichiers, à effacer du stockage une fois
    la transaction validée (un fichier effacé ne revient pas si elle est annulée)."""
    deposes = [getattr(import_fichier, champ) for champ in CHAMPS_FICHIERS]
    deposes = [fichier for fichier in deposes if fichier]
    champs = [fichier.field.name for fichier in deposes]
    if champs and import_fichier.pk:
        ImportFichier.objects.filter(pk=import_fichier.pk).update(**dict.fromkeys(champs, ""))
    return deposes


def _effacer(fichiers: list[Any]) -> None:
    for fichier in fichiers:
        fichier.delete(save=False)


@contextmanager
def _ouvrir_chemins(chemins: dict[str, Path]) -> Iterator[Fichiers]:
    with ExitStack() as pile:
        flux = {champ: pile.enter_context(chemin.open("rb")) for champ, chemin in chemins.items()}
        yield _fichiers(flux, chemins["fichier"].name)


@contextmanager
def _ouvrir_depots(import_fichier: ImportFichier) -> Iterator[Fichiers]:
    with ExitStack() as pile:
        flux = {}
        for champ in CHAMPS_FICHIERS:
            fichier = getattr(import_fichier, champ)
            if fichier:
                flux[champ] = pile.enter_context(fichier.open("rb"))
        if "fichier" not in flux:
            raise FichierRefuse(
                _("Le fichier déposé pour cet import n'est plus disponible : déposez-le à nouveau.")
            )
        yield _fichiers(flux, import_fichier.nom_fichier)


def pole_definir_communes(*, pole: PoleDeProximite, communes: Iterable[Commune], acteur: Any) -> None:
    """Les communes du pôle deviennent exactement `communes` : celles qui viennent d'un autre
    pôle le quittent, celles qu'on retire n'ont plus de pôle. Trace les changements."""
    voulues = {commune.pk for commune in communes}
    with transaction.atomic():
        concernees = list(
            Commune.objects.select_for_update().filter(Q(pole=pole) | Q(pk__in=voulues)).order_by("pk")
        )
        ajoutees = [c.code_insee for c in concernees if c.pk in voulues and c.pole_id != pole.pk]
        retirees = [c.code_insee for c in concernees if c.pk not in voulues]
        if not ajoutees and not retirees:
            return
        Commune.objects.filter(pole=pole).exclude(pk__in=voulues).update(pole=None)
        Commune.objects.filter(pk__in=voulues).update(pole=pole)
        evenement_enregistrer(
            verbe=POLE_COMMUNES_MODIFIEES,
            acteur=acteur,
            cible=pole,
            donnees={"ajoutees": ajoutees, "retirees": retirees},
        )
