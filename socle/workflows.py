"""Les workflows sont des données : un tableau de transitions par modèle, lisible avec grep.

Chaque application déclare dans son `workflows.py` un `Workflow(modele=..., transitions=...)` ;
le service unique `transition()` vérifie, verrouille, enregistre, trace et notifie.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from socle.services import evenement_enregistrer, notifier
from socle.verbes import Verbe

Acteur = Any  # un Utilisateur, ou None pour une action du système (tâche périodique)


def systeme(acteur: Acteur, objet: models.Model) -> bool:
    """Transition réservée aux tâches du portail (aucun utilisateur derrière)."""
    return acteur is None


@dataclass(frozen=True)
class Transition:
    depuis: tuple[str, ...]
    vers: str
    verbe: Verbe  # l'action écrite au journal (et le type des notifications)
    libelle: str | Promise  # le bouton qui la propose
    autorise: Callable[[Acteur, Any], bool]
    # Renvoie un message d'erreur en français si l'objet ne peut pas passer.
    garde: Callable[[Any], str | None] | None = None
    # Ce que l'état du dossier doit permettre avant même de proposer la transition (l'avis du
    # Collège rendu avant « Accorder ») : un message si elle n'est pas encore possible. Vérifié
    # aussi au passage, avant la garde ; `possibles()` ne propose pas une transition qui n'y
    # satisfait pas.
    prealable: Callable[[Any], str | None] | None = None
    # Pose les champs qui accompagnent le changement d'état ; renvoie leurs noms.
    effet: Callable[[Any, Acteur], Iterable[str]] | None = None
    motif_requis: bool = False
    destinataires: Callable[[Any, Acteur], Iterable[Any]] | None = None
    # Peut citer %(objet)s et %(acteur)s.
    titre_notification: Any = ""
    gabarit_notification: str = ""
    # L'endroit de la page où le destinataire agit (« #complements-demandes ») : le lien de la
    # notification y mène directement.
    ancre_notification: str = ""


class TransitionRefusee(ValidationError):
    pass


@dataclass(frozen=True)
class Workflow:
    modele: str  # « app.Modele »
    transitions: tuple[Transition, ...]
    champ: str = "statut"
    _index: dict[tuple[str, str], Transition] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for t in self.transitions:
            for source in t.depuis:
                if (source, t.vers) in self._index:
                    raise ValueError(f"Transition en double dans {self.modele} : {source} → {t.vers}")
                self._index[(source, t.vers)] = t
        _REGISTRE[self.modele] = self

    def trouver(self, depuis: str, vers: str) -> Transition | None:
        return self._index.get((depuis, vers))

    def possibles(self, objet: models.Model, acteur: Acteur) -> list[Transition]:
        """Les transitions que `acteur` peut proposer maintenant (pour afficher des boutons)."""
        courant = getattr(objet, self.champ)
        return [
            t
            for t in self.transitions
            if courant in t.depuis
            and t.autorise(acteur, objet)
            and (t.prealable is None or t.prealable(objet) is None)
        ]


_REGISTRE: dict[str, Workflow] = {}


@cache
def par_le_portail(workflow: Workflow) -> Workflow:
    """Le même workflow, où le portail lui-même passe toute transition : ce qu'un service fait
    d'office à la suite d'un acte permis (annuler le scrutin d'avis d'une demande retirée)."""
    return Workflow(
        modele=f"{workflow.modele}#portail",
        transitions=tuple(replace(t, autorise=lambda acteur, objet: True) for t in workflow.transitions),
    )


def workflow_de(objet: models.Model) -> Workflow:
    return _REGISTRE[objet._meta.label]


def workflow_ou_rien(objet: models.Model) -> Workflow | None:
    return _REGISTRE.get(objet._meta.label)


def _libelle_statut(objet: models.Model, champ: str, valeur: str) -> str:
    choix = dict(getattr(objet._meta.get_field(champ), "choices", None) or [])
    return str(choix.get(valeur, valeur))


def transition[M: models.Model](
    objet: M,
    *,
    vers: str,
    acteur: Acteur,
    motif: str = "",
    donnees: dict[str, Any] | None = None,
    workflow: Workflow | None = None,
) -> M:
    """Fait passer `objet` à l'état `vers`.

    Verrouille la ligne (deux agents qui cliquent en même temps ne font pas deux
    transitions), vérifie que la transition existe depuis l'état *relu sous verrou*, que
    l'acteur y a droit et que la garde passe, enregistre, écrit l'événement d'audit et
    crée les notifications, dont les courriels partent après validation.
    Lève `TransitionRefusee` avec un message en français. `workflow` ne sert qu'à
    remplacer celui déclaré pour le modèle (tests, reprises de données).
    """
    workflow = workflow or workflow_de(objet)
    champ = workflow.champ
    with transaction.atomic():
        verrouille = type(objet)._default_manager.select_for_update().get(pk=objet.pk)
        courant = getattr(verrouille, champ)
        regle = workflow.trouver(courant, vers)
        if regle is None:
            raise TransitionRefusee(
                _("Impossible de passer de « %(depuis)s » à « %(vers)s ».")
                % {
                    "depuis": _libelle_statut(verrouille, champ, courant),
                    "vers": _libelle_statut(verrouille, champ, vers),
                },
                code="transition_inconnue",
            )
        if not regle.autorise(acteur, verrouille):
            raise TransitionRefusee(_("Vous n'avez pas le droit de faire cette action."), code="non_autorise")
        if regle.motif_requis and not motif.strip():
            raise TransitionRefusee(_("Indiquez le motif de cette action."), code="motif_requis")
        if regle.prealable is not None and (message := regle.prealable(verrouille)):
            raise TransitionRefusee(message, code="prealable")
        if regle.garde is not None and (message := regle.garde(verrouille)):
            raise TransitionRefusee(message, code="garde")

        setattr(verrouille, champ, vers)
        champs = [champ, *(regle.effet(verrouille, acteur) if regle.effet else ())]
        verrouille.save(update_fields=champs)
        evenement_enregistrer(
            verbe=regle.verbe,
            acteur=acteur,
            cible=verrouille,
            etat_avant=courant,
            etat_apres=vers,
            motif=motif,
            donnees=donnees,
        )
        if regle.destinataires is not None and regle.gabarit_notification:
            notifier(
                destinataires=regle.destinataires(verrouille, acteur),
                verbe=regle.verbe,
                titre=str(regle.titre_notification) % {"objet": verrouille, "acteur": acteur},
                gabarit=regle.gabarit_notification,
                contexte={"objet": verrouille, "acteur": acteur, "motif": motif},
                url=(
                    verrouille.get_absolute_url() + regle.ancre_notification
                    if hasattr(verrouille, "get_absolute_url")
                    else ""
                ),
            )
    for nom in champs:
        setattr(objet, nom, getattr(verrouille, nom))
    return verrouille
