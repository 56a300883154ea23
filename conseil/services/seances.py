"""Les séances : planification, ordre du jour, convocation, changements d'état."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from conseil.models import (
    Instance,
    NaturePoint,
    Participation,
    PointOrdreDuJour,
    Reunion,
    RoleMandat,
    StatutReunion,
)
from conseil.services._commun import Acteur, reunion_verrouillee
from conseil.tasks import envoyer_convocations
from conseil.workflows import REUNION
from socle.services import apres_validation, evenement_enregistrer, modele_modifier
from socle.verbes import Verbe
from socle.workflows import transition

# Les actions que ce module écrit au journal d'audit.
POINT_AJOUTE = Verbe("conseil.point.ajoute", gettext_lazy("Point ajouté à l'ordre du jour"))
POINT_DEPLACE = Verbe("conseil.point.deplace", gettext_lazy("Ordre du jour réordonné"))
POINT_MODIFIE = Verbe("conseil.point.modifie", gettext_lazy("Point de l'ordre du jour modifié"))
POINT_SUPPRIME = Verbe("conseil.point.supprime", gettext_lazy("Point retiré de l'ordre du jour"))
REUNION_MODIFIEE = Verbe("conseil.reunion.modifiee", gettext_lazy("Séance modifiée"))
REUNION_PLANIFIEE = Verbe("conseil.reunion.planifiee", gettext_lazy("Séance planifiée"))

# --- Séances et ordre du jour ----------------------------------------------------------


def _modifiable(reunion: Reunion) -> None:
    if reunion.statut not in (StatutReunion.PLANIFIEE, StatutReunion.CONVOQUEE):
        raise ValidationError(
            _("La séance est %(statut)s : sa préparation ne peut plus changer.")
            % {"statut": reunion.get_statut_display().lower()}
        )


def reunion_planifier(
    *,
    acteur: Acteur,
    instance: Instance,
    titre: str,
    debut: datetime,
    fin: datetime | None = None,
    lieu: str = "",
    lien_visio: str = "",
) -> Reunion:
    if not lieu.strip() and not lien_visio.strip():
        raise ValidationError({"lieu": _("Indiquez un lieu ou un lien de visioconférence.")})
    if fin is not None and fin <= debut:
        raise ValidationError({"fin": _("La fin de la séance doit suivre son début.")})
    with transaction.atomic():
        reunion = Reunion.objects.create(
            instance=instance,
            titre=titre,
            debut=debut,
            fin=fin,
            lieu=lieu.strip(),
            lien_visio=lien_visio.strip(),
            cree_par=acteur,
        )
        evenement_enregistrer(
            verbe=REUNION_PLANIFIEE,
            acteur=acteur,
            cible=reunion,
            etat_apres=StatutReunion.PLANIFIEE,
            donnees={"debut": reunion.debut.isoformat()},
        )
    return reunion


CHAMPS_REUNION = ("titre", "debut", "fin", "lieu", "lien_visio")


def _lieu_et_horaires(reunion: Reunion) -> None:
    if not reunion.lieu.strip() and not reunion.lien_visio.strip():
        raise ValidationError({"lieu": _("Indiquez un lieu ou un lien de visioconférence.")})
    if reunion.fin is not None and reunion.fin <= reunion.debut:
        raise ValidationError({"fin": _("La fin de la séance doit suivre son début.")})


def reunion_modifier(*, reunion: Reunion, acteur: Acteur, **champs: Any) -> Reunion:
    """Modifie la date, le lieu ou le titre d'une séance qui n'est pas encore tenue."""
    inconnus = set(champs) - set(CHAMPS_REUNION)
    if inconnus:
        raise TypeError(f"Champs inconnus : {sorted(inconnus)}")
    with transaction.atomic():
        verrouillee = reunion_verrouillee(reunion)
        _modifiable(verrouillee)
        modele_modifier(
            objet=verrouillee, champs=champs, acteur=acteur, verbe=REUNION_MODIFIEE, valider=_lieu_et_horaires
        )
    for nom in champs:
        setattr(reunion, nom, getattr(verrouillee, nom))
    return reunion


def point_ajouter(
    *,
    reunion: Reunion,
    acteur: Acteur,
    titre: str,
    expose: str = "",
    nature: str = NaturePoint.INFORMATION,
) -> PointOrdreDuJour:
    with transaction.atomic():
        verrouillee = reunion_verrouillee(reunion)
        _modifiable(verrouillee)
        dernier = verrouillee.points.aggregate(dernier=Max("ordre"))["dernier"] or 0
        point = PointOrdreDuJour.objects.create(
            reunion=verrouillee, ordre=dernier + 1, titre=titre, expose=expose, nature=nature
        )
        evenement_enregistrer(
            verbe=POINT_AJOUTE,
            acteur=acteur,
            cible=verrouillee,
            donnees={"point": point.pk, "titre": titre},
        )
    return point


def point_modifier(*, point: PointOrdreDuJour, acteur: Acteur, **champs: Any) -> PointOrdreDuJour:
    """Titre, exposé et nature tant que la séance se prépare ; la suite donnée, jusqu'à la clôture."""
    autorises = {"titre", "expose", "nature", "resultat"}
    if set(champs) - autorises:
        raise TypeError(f"Champs inconnus : {sorted(set(champs) - autorises)}")
    with transaction.atomic():
        verrouillee = reunion_verrouillee(point.reunion)
        if set(champs) - {"resultat"}:
            _modifiable(verrouillee)
        elif verrouillee.statut in (StatutReunion.CLOSE, StatutReunion.ANNULEE):
            raise ValidationError(_("La séance est close : la suite donnée aux points ne change plus."))
        modele_modifier(
            objet=point,
            champs=champs,
            acteur=acteur,
            verbe=POINT_MODIFIE,
            cible=verrouillee,
            donnees={"point": point.pk},
        )
    return point


def point_supprimer(*, point: PointOrdreDuJour, acteur: Acteur) -> None:
    with transaction.atomic():
        verrouillee = reunion_verrouillee(point.reunion)
        _modifiable(verrouillee)
        if verrouillee.statut == StatutReunion.CONVOQUEE and verrouillee.points.count() == 1:
            raise ValidationError(_("Une séance convoquée garde au moins un point à son ordre du jour."))
        titre = point.titre
        point.delete()
        for ordre, autre in enumerate(verrouillee.points.order_by("ordre"), start=1):
            if autre.ordre != ordre:
                autre.ordre = ordre
                autre.save(update_fields=["ordre"])
        evenement_enregistrer(
            verbe=POINT_SUPPRIME, acteur=acteur, cible=verrouillee, donnees={"titre": titre}
        )


def point_deplacer(*, point: PointOrdreDuJour, acteur: Acteur, vers_le_haut: bool) -> None:
    """Échange le point avec son voisin (la contrainte d'unicité est différée)."""
    with transaction.atomic():
        verrouillee = reunion_verrouillee(point.reunion)
        _modifiable(verrouillee)
        point.refresh_from_db()
        voisins = verrouillee.points.exclude(pk=point.pk)
        voisin = (
            voisins.filter(ordre__lt=point.ordre).order_by("-ordre").first()
            if vers_le_haut
            else voisins.filter(ordre__gt=point.ordre).order_by("ordre").first()
        )
        if voisin is None:
            return
        point.ordre, voisin.ordre = voisin.ordre, point.ordre
        point.save(update_fields=["ordre"])
        voisin.save(update_fields=["ordre"])
        evenement_enregistrer(
            verbe=POINT_DEPLACE, acteur=acteur, cible=verrouillee, donnees={"point": point.pk}
        )


# --- Convocation ----------------------------------------------------------------------


def delai_convocation_jours() -> int:
    return int(settings.CONSEIL_DELAI_CONVOCATION_JOURS)


def jours_avant(reunion: Reunion, maintenant: datetime | None = None) -> int:
    """Jours pleins entre aujourd'hui et le jour de la séance (heure de Paris)."""
    aujourd_hui = timezone.localdate(maintenant or timezone.now())
    return (timezone.localdate(reunion.debut) - aujourd_hui).days


def convocation_est_tardive(reunion: Reunion, maintenant: datetime | None = None) -> bool:
    return jours_avant(reunion, maintenant) < delai_convocation_jours()


# Les mandats convoqués : tous sauf le secrétariat, qui organise la séance.
ROLES_CONVOQUES = tuple(r for r in RoleMandat.values if r != RoleMandat.SECRETARIAT)


def convocation_envoyer(*, reunion: Reunion, acteur: Acteur, motif_retard: str = "") -> Reunion:
    """Convoque tous les membres en cours le jour de la séance et met en file l'envoi des
    courriels (ordre du jour, liens vers les documents, invitation au calendrier).

    Moins de `CONSEIL_DELAI_CONVOCATION_JOURS` jours avant la séance, la convocation exige
    un motif, gardé dans le registre de la séance et dans le journal.
    """
    with transaction.atomic():
        verrouillee = reunion_verrouillee(reunion)
        if verrouillee.statut != StatutReunion.PLANIFIEE:
            raise ValidationError(
                _("La séance est déjà %(statut)s : la convocation ne part qu'une fois.")
                % {"statut": verrouillee.get_statut_display().lower()}
            )
        if not verrouillee.points.exists():
            raise ValidationError(
                _("Une convocation sans ordre du jour ne peut pas partir : ajoutez au moins un point.")
            )
        if verrouillee.debut <= timezone.now():
            raise ValidationError(_("La séance est passée : elle ne peut plus être convoquée."))
        jours = jours_avant(verrouillee)
        tardive = jours < delai_convocation_jours()
        motif_retard = motif_retard.strip()
        if tardive and not motif_retard:
            raise ValidationError(
                {
                    "motif_retard": ngettext(
                        "La séance a lieu dans %(jours)s jour ; une convocation part au moins "
                        "%(delai)s jours avant. Indiquez le motif de cette convocation tardive.",
                        "La séance a lieu dans %(jours)s jours ; une convocation part au moins "
                        "%(delai)s jours avant. Indiquez le motif de cette convocation tardive.",
                        jours,
                    )
                    % {"jours": jours, "delai": delai_convocation_jours()}
                }
            )
        mandats = [
            m
            for m in verrouillee.instance.mandats.en_cours(
                timezone.localdate(verrouillee.debut)
            ).select_related("personne")
            if m.role in ROLES_CONVOQUES
        ]
        if not mandats:
            raise ValidationError(
                _("%(instance)s n'a aucun membre en cours le jour de la séance : personne à convoquer.")
                % {"instance": verrouillee.instance}
            )
        deja = set(verrouillee.participations.values_list("personne_id", flat=True))
        Participation.objects.bulk_create(
            [
                Participation(reunion=verrouillee, personne=m.personne, mandat=m)
                for m in mandats
                if m.personne_id not in deja
            ]
        )
        if tardive:
            verrouillee.convocation_motif_retard = motif_retard
            verrouillee.save(update_fields=["convocation_motif_retard"])
        transition(
            verrouillee,
            vers=StatutReunion.CONVOQUEE,
            acteur=acteur,
            motif=motif_retard if tardive else "",
            donnees={"convoques": len(mandats), "jours_avant": jours, "tardive": tardive},
            workflow=REUNION,
        )
        apres_validation(envoyer_convocations, verrouillee.pk)
    reunion.refresh_from_db()
    return reunion


def reunion_changer_statut(*, reunion: Reunion, acteur: Acteur, vers: str, motif: str = "") -> Reunion:
    """Tenue, close (quorum figé), annulée : par le workflow de la séance."""
    if vers == StatutReunion.CONVOQUEE:
        raise ValueError("La convocation passe par convocation_envoyer().")
    return transition(reunion, vers=vers, acteur=acteur, motif=motif, workflow=REUNION)
