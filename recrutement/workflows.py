"""La vie d'une offre, transition par transition.

Puis les étapes d'une candidature sur le tableau partagé des recruteurs (`CANDIDATURE`).

brouillon → soumise → publiée (par un modérateur du GCS ou un agent de l'agglomération ; un
refus motivé la rend au brouillon) → pourvue | expirée | retirée. Une offre qui n'est pas encore
publiée peut être retirée par ses recruteurs. L'expiration est l'affaire de la tâche
(`recrutement.tasks`) : date limite passée, ou reconfirmation restée sans réponse.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from recrutement.models import (
    ETAPES_CLOSES,
    EtapeCandidature,
    Offre,
    RoleRecruteur,
    StatutOffre,
    TypeContrat,
)
from recrutement.permissions import est_moderateur, gere_l_offre, peut_voir_la_candidature
from recrutement.tasks import envoyer_les_alertes
from socle.services import apres_validation
from socle.verbes import Verbe
from socle.workflows import Transition, Workflow, systeme

# Les actions que ce module écrit au journal d'audit.
OFFRE_SOUMISE = Verbe("recrutement.offre.soumise", gettext_lazy("Offre soumise à la modération"))
OFFRE_PUBLIEE = Verbe("recrutement.offre.publiee", gettext_lazy("Offre publiée"))
OFFRE_REFUSEE = Verbe("recrutement.offre.refusee", gettext_lazy("Offre refusée par la modération"))
OFFRE_POURVUE = Verbe("recrutement.offre.pourvue", gettext_lazy("Poste pourvu"))
OFFRE_RETIREE = Verbe("recrutement.offre.retiree", gettext_lazy("Offre retirée"))
OFFRE_EXPIREE = Verbe("recrutement.offre.expiree", gettext_lazy("Offre expirée"))


def _recruteur(acteur: Any, offre: Any) -> bool:
    return gere_l_offre(acteur, offre)


def _moderateur(acteur: Any, offre: Any) -> bool:
    return est_moderateur(acteur)


def _recruteur_ou_moderateur(acteur: Any, offre: Any) -> bool:
    return gere_l_offre(acteur, offre) or est_moderateur(acteur)


def _moderateur_ou_systeme(acteur: Any, offre: Any) -> bool:
    return systeme(acteur, offre) or est_moderateur(acteur)


# --- Destinataires des notifications ------------------------------------------------------


def recruteurs_de(offre: Offre, acteur: Any = None) -> Iterable[Any]:
    """Les recruteurs de l'employeur, ceux de ses membres s'il est un groupement, et l'auteur."""
    aujourd_hui = timezone.localdate()
    membres = Q(
        recrutements__structure__appartenances__groupement=offre.employeur_id,
        recrutements__structure__appartenances__debut__lte=aujourd_hui,
    ) & (
        Q(recrutements__structure__appartenances__fin__isnull=True)
        | Q(recrutements__structure__appartenances__fin__gte=aujourd_hui)
    )
    return (
        get_user_model()
        .objects.filter(
            Q(recrutements__structure=offre.employeur_id) | membres | Q(pk=offre.cree_par_id), is_active=True
        )
        .distinct()
    )


def recruteurs_des_employeurs(employeurs: Iterable[int]) -> Iterable[Any]:
    """Ceux qui voient une candidature confiée à `employeurs` : leurs recruteurs et, pour un
    groupement, ceux de ses membres d'aujourd'hui (la règle de `peut_voir_la_candidature`)."""
    employeurs = list(employeurs)
    aujourd_hui = timezone.localdate()
    membres = Q(
        recrutements__structure__appartenances__groupement__in=employeurs,
        recrutements__structure__appartenances__debut__lte=aujourd_hui,
    ) & (
        Q(recrutements__structure__appartenances__fin__isnull=True)
        | Q(recrutements__structure__appartenances__fin__gte=aujourd_hui)
    )
    return (
        get_user_model()
        .objects.filter(Q(recrutements__structure__in=employeurs) | membres, is_active=True)
        .distinct()
    )


def moderateurs(offre: Offre | None = None, acteur: Any = None) -> Iterable[Any]:
    droit = Q(
        groups__permissions__codename="moderer_offre",
        groups__permissions__content_type__app_label="recrutement",
    )
    gcs = Q(recrutements__role=RoleRecruteur.MODERATEUR, recrutements__structure__type="gcs")
    return get_user_model().objects.filter(droit | gcs, is_active=True).distinct()


# --- Gardes -----------------------------------------------------------------------------


def manquements(offre: Offre) -> list[str]:
    """Ce qui empêche de soumettre ou de publier l'offre (vide si elle est complète)."""
    erreurs = []
    if offre.date_limite < timezone.localdate():
        erreurs.append(_g("La date limite de candidature est passée : reportez-la."))
    if not offre.structures.exists() and not offre.communes.exists():
        erreurs.append(_g("Indiquez au moins un lieu d'exercice (établissement ou commune)."))
    if offre.type_contrat == TypeContrat.MIXTE:
        parts = list(offre.parts.all())
        if len(parts) < 2:
            erreurs.append(_g("Une offre d'exercice mixte a au moins deux parts."))
        elif sum(p.quotite for p in parts) != offre.quotite:
            erreurs.append(_g("Les parts de l'exercice mixte ne font pas le temps de travail de l'offre."))
    return erreurs


def _complete(offre: Offre) -> str | None:
    return " ".join(manquements(offre)) or None


def _soumise_le(offre: Offre, acteur: Any) -> list[str]:
    offre.soumise_le = timezone.now()
    return ["soumise_le"]


def _publiee_le(offre: Offre, acteur: Any) -> list[str]:
    offre.publiee_le = offre.confirmee_le = timezone.now()
    offre.confirmation_demandee_le = None
    offre.motif_refus = ""
    # Les alertes aux nouvelles offres : demandées dans la transaction de la publication, la
    # tâche part après validation (boîte d'envoi).
    apres_validation(envoyer_les_alertes, offre.pk)
    return ["publiee_le", "confirmee_le", "confirmation_demandee_le", "motif_refus"]


def _cloturee_le(offre: Offre, acteur: Any) -> list[str]:
    offre.cloturee_le = timezone.now()
    return ["cloturee_le"]


OFFRE = Workflow(
    modele="recrutement.Offre",
    transitions=(
        Transition(
            depuis=(StatutOffre.BROUILLON,),
            vers=StatutOffre.SOUMISE,
            verbe=OFFRE_SOUMISE,
            libelle=_("Soumettre à la modération"),
            autorise=_recruteur,
            garde=_complete,
            effet=_soumise_le,
            destinataires=moderateurs,
            titre_notification=_("Offre à modérer : %(objet)s"),
            gabarit_notification="recrutement/notifications/soumise.txt",
        ),
        Transition(
            depuis=(StatutOffre.SOUMISE,),
            vers=StatutOffre.PUBLIEE,
            verbe=OFFRE_PUBLIEE,
            libelle=_("Publier"),
            autorise=_moderateur,
            garde=_complete,
            effet=_publiee_le,
            destinataires=recruteurs_de,
            titre_notification=_("Offre publiée : %(objet)s"),
            gabarit_notification="recrutement/notifications/publiee.txt",
        ),
        Transition(
            depuis=(StatutOffre.SOUMISE,),
            vers=StatutOffre.BROUILLON,
            verbe=OFFRE_REFUSEE,
            libelle=_("Refuser et renvoyer au brouillon"),
            autorise=_moderateur,
            motif_requis=True,
            destinataires=recruteurs_de,
            titre_notification=_("Offre à revoir : %(objet)s"),
            gabarit_notification="recrutement/notifications/refusee.txt",
        ),
        Transition(
            depuis=(StatutOffre.PUBLIEE,),
            vers=StatutOffre.POURVUE,
            verbe=OFFRE_POURVUE,
            libelle=_("Le poste est pourvu"),
            autorise=_recruteur_ou_moderateur,
            effet=_cloturee_le,
        ),
        Transition(
            depuis=(StatutOffre.BROUILLON, StatutOffre.SOUMISE, StatutOffre.PUBLIEE),
            vers=StatutOffre.RETIREE,
            verbe=OFFRE_RETIREE,
            libelle=_("Retirer l'offre"),
            autorise=_recruteur_ou_moderateur,
            effet=_cloturee_le,
        ),
        Transition(
            depuis=(StatutOffre.PUBLIEE,),
            vers=StatutOffre.EXPIREE,
            verbe=OFFRE_EXPIREE,
            libelle=_("Expirer"),
            autorise=_moderateur_ou_systeme,
            effet=_cloturee_le,
            destinataires=recruteurs_de,
            titre_notification=_("Offre expirée : %(objet)s"),
            gabarit_notification="recrutement/notifications/expiree.txt",
        ),
    ),
)


# --- Les étapes d'une candidature (tableau partagé) -----------------------------------------
#
# reçue → en étude → entretien → retenue | non retenue ; une candidature peut être écartée ou
# retenue sans entretien, et rouverte (motif requis) après une décision prise par erreur. Le
# retrait est l'affaire du candidat (son espace), non des recruteurs : aucune transition ici.
# Décident les recruteurs qui voient la candidature (les employeurs auxquels elle est confiée).

CANDIDATURE_ETAPE = Verbe("recrutement.candidature.etape", gettext_lazy("Étape de la candidature changée"))
CANDIDATURE_ROUVERTE = Verbe("recrutement.candidature.rouverte", gettext_lazy("Candidature rouverte"))


def _recruteur_de_la_candidature(acteur: Any, candidature: Any) -> bool:
    return peut_voir_la_candidature(acteur, candidature)


def _etape_datee(candidature: Any, acteur: Any) -> list[str]:
    candidature.etape_le = timezone.now()
    candidature.close_le = candidature.etape_le if candidature.etape in ETAPES_CLOSES else None
    return ["etape_le", "close_le"]


E = EtapeCandidature
CANDIDATURE = Workflow(
    modele="recrutement.Candidature",
    champ="etape",
    transitions=(
        Transition(
            depuis=(E.RECUE,),
            vers=E.EN_ETUDE,
            verbe=CANDIDATURE_ETAPE,
            libelle=_("Mettre à l'étude"),
            autorise=_recruteur_de_la_candidature,
            effet=_etape_datee,
        ),
        Transition(
            depuis=(E.RECUE, E.EN_ETUDE),
            vers=E.ENTRETIEN,
            verbe=CANDIDATURE_ETAPE,
            libelle=_("Proposer un entretien"),
            autorise=_recruteur_de_la_candidature,
            effet=_etape_datee,
        ),
        Transition(
            depuis=(E.EN_ETUDE, E.ENTRETIEN),
            vers=E.RETENUE,
            verbe=CANDIDATURE_ETAPE,
            libelle=_("Retenir la candidature"),
            autorise=_recruteur_de_la_candidature,
            effet=_etape_datee,
        ),
        Transition(
            depuis=(E.RECUE, E.EN_ETUDE, E.ENTRETIEN),
            vers=E.NON_RETENUE,
            verbe=CANDIDATURE_ETAPE,
            libelle=_("Ne pas retenir la candidature"),
            autorise=_recruteur_de_la_candidature,
            effet=_etape_datee,
        ),
        Transition(
            depuis=(E.RETENUE, E.NON_RETENUE),
            vers=E.EN_ETUDE,
            verbe=CANDIDATURE_ROUVERTE,
            libelle=_("Rouvrir la candidature"),
            autorise=_recruteur_de_la_candidature,
            effet=_etape_datee,
            motif_requis=True,
        ),
    ),
)
