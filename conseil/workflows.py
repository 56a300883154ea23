"""Les états d'une séance, d'un procès-verbal et d'un programme de travail."""

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from conseil.models import (
    ProcesVerbal,
    ProgrammeDeTravail,
    Reunion,
    StatutProcesVerbal,
    StatutProgramme,
    StatutReunion,
    TypeInstance,
)
from conseil.permissions import est_gestionnaire
from conseil.quorum import quorum_calculer
from socle.verbes import Verbe
from socle.workflows import Transition, Workflow, systeme

# Les actions que ce module écrit au journal d'audit.
PROCES_VERBAL_ADOPTE = Verbe("conseil.proces_verbal.adopte", gettext_lazy("Procès-verbal adopté"))
PROCES_VERBAL_ARCHIVE = Verbe("conseil.proces_verbal.archive", gettext_lazy("Procès-verbal archivé en PDF"))
PROGRAMME_ADOPTE = Verbe("conseil.programme.adopte", gettext_lazy("Programme de travail adopté"))
REUNION_ANNULEE = Verbe("conseil.reunion.annulee", gettext_lazy("Séance annulée"))
REUNION_CLOSE = Verbe("conseil.reunion.close", gettext_lazy("Séance close, quorum figé"))
REUNION_CONVOQUEE = Verbe("conseil.reunion.convoquee", gettext_lazy("Convocation envoyée"))
REUNION_TENUE = Verbe("conseil.reunion.tenue", gettext_lazy("Séance tenue"))


def _gestionnaire(acteur: Any, objet: Any) -> bool:
    return est_gestionnaire(acteur)


# --- Séance -----------------------------------------------------------------------


def _a_un_ordre_du_jour(reunion: Reunion) -> str | None:
    if not reunion.points.exists():
        return str(_("Une convocation sans ordre du jour ne peut pas partir : ajoutez au moins un point."))
    return None


def _convoquee(reunion: Reunion, acteur: Any) -> Iterable[str]:
    reunion.convoquee_le = timezone.now()
    return ["convoquee_le"]


def _a_commence(reunion: Reunion) -> str | None:
    if reunion.debut > timezone.now():
        return str(_("La séance n'a pas encore commencé : elle ne peut pas être marquée comme tenue."))
    return None


def _presences_relevees(reunion: Reunion) -> str | None:
    manquantes = reunion.participations.filter(presence="").count()
    if manquantes:
        return str(
            _("Relevez la présence de chaque membre convoqué avant de clore la séance (%(n)s sans présence).")
            % {"n": manquantes}
        )
    return None


def _figer_quorum(reunion: Reunion, acteur: Any) -> Iterable[str]:
    quorum = quorum_calculer(reunion=reunion)
    reunion.quorum_membres = quorum.membres
    reunion.quorum_presents = quorum.presents
    reunion.quorum_representes = quorum.representes
    reunion.quorum_requis = quorum.requis
    reunion.quorum_atteint = quorum.atteint
    reunion.quorum_compte_procurations = quorum.compte_procurations
    return [
        "quorum_membres",
        "quorum_presents",
        "quorum_representes",
        "quorum_requis",
        "quorum_atteint",
        "quorum_compte_procurations",
    ]


def _convoques(reunion: Reunion, acteur: Any) -> Iterable[Any]:
    return [p.personne for p in reunion.participations.select_related("personne")]


REUNION = Workflow(
    modele="conseil.Reunion",
    transitions=(
        Transition(
            depuis=(StatutReunion.PLANIFIEE,),
            vers=StatutReunion.CONVOQUEE,
            verbe=REUNION_CONVOQUEE,
            libelle=_("Envoyer la convocation"),
            autorise=_gestionnaire,
            garde=_a_un_ordre_du_jour,
            effet=_convoquee,
        ),
        Transition(
            depuis=(StatutReunion.CONVOQUEE,),
            vers=StatutReunion.TENUE,
            verbe=REUNION_TENUE,
            libelle=_("Marquer la séance comme tenue"),
            autorise=_gestionnaire,
            garde=_a_commence,
        ),
        Transition(
            depuis=(StatutReunion.TENUE,),
            vers=StatutReunion.CLOSE,
            verbe=REUNION_CLOSE,
            libelle=_("Clore la séance et figer le quorum"),
            autorise=_gestionnaire,
            garde=_presences_relevees,
            effet=_figer_quorum,
            destinataires=_convoques,
            titre_notification=_("Séance close : %(objet)s"),
            gabarit_notification="conseil/notifications/reunion_close.txt",
        ),
        Transition(
            depuis=(StatutReunion.PLANIFIEE, StatutReunion.CONVOQUEE),
            vers=StatutReunion.ANNULEE,
            verbe=REUNION_ANNULEE,
            libelle=_("Annuler la séance"),
            autorise=_gestionnaire,
            motif_requis=True,
            destinataires=_convoques,
            titre_notification=_("Séance annulée : %(objet)s"),
            gabarit_notification="conseil/notifications/reunion_annulee.txt",
        ),
    ),
)


# --- Procès-verbal ------------------------------------------------------------------


def _adoptable(pv: ProcesVerbal) -> str | None:
    seance = pv.adopte_en
    if seance is None:
        return str(_("Indiquez la séance qui adopte le procès-verbal."))
    if seance.instance_id != pv.reunion.instance_id:
        return str(_("Le procès-verbal est adopté par une séance de la même instance."))
    if seance.debut <= pv.reunion.debut:
        return str(
            _(
                "Le procès-verbal d'une séance est adopté à une séance suivante : "
                "« %(seance)s » n'est pas postérieure à « %(reunion)s »."
            )
            % {"seance": seance, "reunion": pv.reunion}
        )
    if seance.statut in (StatutReunion.PLANIFIEE, StatutReunion.ANNULEE):
        return str(_("La séance qui adopte le procès-verbal doit avoir été convoquée."))
    if pv.reunion.statut != StatutReunion.CLOSE:
        return str(_("Le procès-verbal n'est adopté qu'une fois sa séance close."))
    return None


def _adopte(pv: ProcesVerbal, acteur: Any) -> Iterable[str]:
    pv.adopte_le = timezone.now()
    return ["adopte_le"]


def _membres_de_la_seance(pv: ProcesVerbal, acteur: Any) -> Iterable[Any]:
    return [p.personne for p in pv.reunion.participations.select_related("personne")]


PROCES_VERBAL = Workflow(
    modele="conseil.ProcesVerbal",
    transitions=(
        Transition(
            depuis=(StatutProcesVerbal.BROUILLON,),
            vers=StatutProcesVerbal.ADOPTE,
            verbe=PROCES_VERBAL_ADOPTE,
            libelle=_("Enregistrer l'adoption"),
            autorise=_gestionnaire,
            garde=_adoptable,
            effet=_adopte,
            destinataires=_membres_de_la_seance,
            titre_notification=_("Procès-verbal adopté : %(objet)s"),
            gabarit_notification="conseil/notifications/proces_verbal_adopte.txt",
        ),
        Transition(
            depuis=(StatutProcesVerbal.ADOPTE,),
            vers=StatutProcesVerbal.ARCHIVE,
            verbe=PROCES_VERBAL_ARCHIVE,
            libelle=_("Archiver en PDF"),
            autorise=systeme,
        ),
    ),
)


# --- Programme de travail -------------------------------------------------------------


def _programme_adoptable(programme: ProgrammeDeTravail) -> str | None:
    seance = programme.adopte_en
    if seance is None:
        return str(_("Indiquez la séance plénière qui adopte le programme."))
    if seance.instance.type_instance != TypeInstance.CONSEIL:
        return str(_("Le programme de travail est adopté par le Conseil de santé en séance plénière."))
    if seance.statut not in (StatutReunion.CONVOQUEE, StatutReunion.TENUE, StatutReunion.CLOSE):
        return str(_("La séance qui adopte le programme doit avoir été convoquée."))
    if not programme.objectifs.exists():
        return str(_("Un programme sans objectif ne peut pas être adopté."))
    return None


def _programme_adopte(programme: ProgrammeDeTravail, acteur: Any) -> Iterable[str]:
    programme.adopte_le = timezone.now()
    return ["adopte_le"]


PROGRAMME = Workflow(
    modele="conseil.ProgrammeDeTravail",
    transitions=(
        Transition(
            depuis=(StatutProgramme.BROUILLON,),
            vers=StatutProgramme.ADOPTE,
            verbe=PROGRAMME_ADOPTE,
            libelle=_("Enregistrer l'adoption"),
            autorise=_gestionnaire,
            garde=_programme_adoptable,
            effet=_programme_adopte,
        ),
    ),
)
