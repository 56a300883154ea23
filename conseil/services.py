"""Écritures du Conseil : mandats, séances, convocations, réponses, procurations,
présences, quorum, procès-verbaux, programme de travail et livrables.

Chaque service prend `acteur=`, tourne dans une transaction, verrouille la séance qu'il
modifie (deux secrétaires ou un membre et le secrétariat agissent en même temps : l'un
attend l'autre, aucun n'écrase l'autre) et écrit le journal d'audit. Une règle enfreinte
lève `ValidationError` avec un message en français, avant toute écriture.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conseil.models import (
    ROLES_DELIBERATIFS,
    Instance,
    JetonCalendrier,
    Livrable,
    Mandat,
    NaturePoint,
    Participation,
    PointOrdreDuJour,
    Presence,
    ProcesVerbal,
    Procuration,
    ProgrammeDeTravail,
    Reponse,
    Reunion,
    RoleMandat,
    StatutProcesVerbal,
    StatutProgramme,
    StatutReunion,
    TypeInstance,
    nouveau_jeton,
)
from conseil.quorum import Quorum, quorum_calculer, quorum_de
from conseil.workflows import PROCES_VERBAL, PROGRAMME, REUNION
from socle.services import apres_validation, evenement_enregistrer
from socle.workflows import transition

Acteur = Any

# --- Mandats ----------------------------------------------------------------------


def _chevauche(debut: date, fin: date | None) -> Q:
    """Les mandats dont la période [debut, fin] croise celle donnée (fin vide : sans terme)."""
    q = Q(fin__isnull=True) | Q(fin__gte=debut)
    if fin is not None:
        q &= Q(debut__lte=fin)
    return q


def _periode(mandat: Mandat) -> str:
    debut = date_format(mandat.debut, "SHORT_DATE_FORMAT")
    if mandat.fin is None:
        return _("depuis le %(debut)s") % {"debut": debut}
    return _("du %(debut)s au %(fin)s") % {
        "debut": debut,
        "fin": date_format(mandat.fin, "SHORT_DATE_FORMAT"),
    }


def mandat_verifier(mandat: Mandat) -> None:
    """Les règles d'un mandat avant enregistrement ; lève `ValidationError` par champ.

    Les contraintes d'exclusion de la base gardent les mêmes règles contre les écritures
    concurrentes ; ici, on les dit en français.
    """
    erreurs: dict[str, str] = {}
    if mandat.fin is not None and mandat.fin < mandat.debut:
        erreurs["fin"] = _("La fin du mandat précède son début.")
    instance = mandat.instance
    if mandat.categorie and instance.type_instance != TypeInstance.COLLEGE:
        erreurs["categorie"] = _("La catégorie ne s'applique qu'aux membres du Collège des professionnels.")
    if (
        instance.type_instance == TypeInstance.COLLEGE
        and mandat.role in (RoleMandat.TITULAIRE, RoleMandat.SUPPLEANT)
        and not mandat.categorie
    ):
        erreurs["categorie"] = _("Indiquez la catégorie du Collège que ce membre représente.")
    if mandat.role == RoleMandat.SUPPLEANT and mandat.siege is None:
        erreurs["siege"] = _("Un suppléant remplace le titulaire d'un siège : indiquez le numéro du siège.")
    if erreurs:
        raise ValidationError(erreurs)

    autres = Mandat.objects.filter(instance=instance).filter(_chevauche(mandat.debut, mandat.fin))
    if mandat.pk:
        autres = autres.exclude(pk=mandat.pk)
    meme_personne = autres.filter(personne=mandat.personne_id).first()
    if meme_personne is not None:
        raise ValidationError(
            {
                "debut": _(
                    "%(personne)s a déjà un mandat dans %(instance)s %(periode)s (%(role)s) : "
                    "les deux mandats se chevauchent. Terminez le premier avant d'en ouvrir un autre."
                )
                % {
                    "personne": mandat.personne,
                    "instance": instance,
                    "periode": _periode(meme_personne),
                    "role": meme_personne.get_role_display(),
                }
            }
        )
    if mandat.siege is not None:
        meme_siege = autres.filter(siege=mandat.siege, role=mandat.role).select_related("personne").first()
        if meme_siege is not None:
            raise ValidationError(
                {
                    "siege": _(
                        "Le siège n°%(siege)s a déjà un %(role)s %(periode)s : %(personne)s. "
                        "Les deux mandats se chevauchent sur le même siège."
                    )
                    % {
                        "siege": mandat.siege,
                        "role": meme_siege.get_role_display().lower(),
                        "periode": _periode(meme_siege),
                        "personne": meme_siege.personne,
                    }
                }
            )


def mandat_enregistrer(*, mandat: Mandat, acteur: Acteur) -> Mandat:
    """Crée ou modifie un mandat après vérification ; trace le changement."""
    creation = mandat.pk is None
    with transaction.atomic():
        # Deux créations simultanées sur la même instance attendent l'une l'autre.
        Instance.objects.select_for_update().get(pk=mandat.instance_id)
        mandat_verifier(mandat)
        mandat.save()
        evenement_enregistrer(
            verbe="conseil.mandat.cree" if creation else "conseil.mandat.modifie",
            acteur=acteur,
            cible=mandat.instance,
            donnees={
                "mandat": mandat.pk,
                "personne": mandat.personne_id,
                "role": mandat.role,
                "siege": mandat.siege,
                "debut": mandat.debut.isoformat(),
                "fin": mandat.fin.isoformat() if mandat.fin else None,
            },
        )
    return mandat


# --- Séances et ordre du jour ----------------------------------------------------------


def _verrouiller(reunion: Reunion) -> Reunion:
    return Reunion.objects.select_for_update().select_related("instance").get(pk=reunion.pk)


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
            verbe="conseil.reunion.planifiee",
            acteur=acteur,
            cible=reunion,
            etat_apres=StatutReunion.PLANIFIEE,
            donnees={"debut": reunion.debut.isoformat()},
        )
    return reunion


CHAMPS_REUNION = ("titre", "debut", "fin", "lieu", "lien_visio")


def reunion_modifier(*, reunion: Reunion, acteur: Acteur, **champs: Any) -> Reunion:
    """Modifie la date, le lieu ou le titre d'une séance qui n'est pas encore tenue."""
    inconnus = set(champs) - set(CHAMPS_REUNION)
    if inconnus:
        raise TypeError(f"Champs inconnus : {sorted(inconnus)}")
    with transaction.atomic():
        verrouillee = _verrouiller(reunion)
        _modifiable(verrouillee)
        avant = {nom: str(getattr(verrouillee, nom)) for nom in champs}
        for nom, valeur in champs.items():
            setattr(verrouillee, nom, valeur)
        if not verrouillee.lieu.strip() and not verrouillee.lien_visio.strip():
            raise ValidationError({"lieu": _("Indiquez un lieu ou un lien de visioconférence.")})
        if verrouillee.fin is not None and verrouillee.fin <= verrouillee.debut:
            raise ValidationError({"fin": _("La fin de la séance doit suivre son début.")})
        verrouillee.save(update_fields=list(champs))
        changes = {nom: [avant[nom], str(getattr(verrouillee, nom))] for nom in champs}
        evenement_enregistrer(
            verbe="conseil.reunion.modifiee",
            acteur=acteur,
            cible=verrouillee,
            donnees={nom: v for nom, v in changes.items() if v[0] != v[1]},
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
        verrouillee = _verrouiller(reunion)
        _modifiable(verrouillee)
        dernier = verrouillee.points.aggregate(dernier=Max("ordre"))["dernier"] or 0
        point = PointOrdreDuJour.objects.create(
            reunion=verrouillee, ordre=dernier + 1, titre=titre, expose=expose, nature=nature
        )
        evenement_enregistrer(
            verbe="conseil.point.ajoute",
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
        verrouillee = _verrouiller(point.reunion)
        if set(champs) - {"resultat"}:
            _modifiable(verrouillee)
        elif verrouillee.statut in (StatutReunion.CLOSE, StatutReunion.ANNULEE):
            raise ValidationError(_("La séance est close : la suite donnée aux points ne change plus."))
        for nom, valeur in champs.items():
            setattr(point, nom, valeur)
        point.save(update_fields=list(champs))
        evenement_enregistrer(
            verbe="conseil.point.modifie",
            acteur=acteur,
            cible=verrouillee,
            donnees={"point": point.pk, "champs": sorted(champs)},
        )
    return point


def point_supprimer(*, point: PointOrdreDuJour, acteur: Acteur) -> None:
    with transaction.atomic():
        verrouillee = _verrouiller(point.reunion)
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
            verbe="conseil.point.supprime", acteur=acteur, cible=verrouillee, donnees={"titre": titre}
        )


def point_deplacer(*, point: PointOrdreDuJour, acteur: Acteur, vers_le_haut: bool) -> None:
    """Échange le point avec son voisin (la contrainte d'unicité est différée)."""
    with transaction.atomic():
        verrouillee = _verrouiller(point.reunion)
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
            verbe="conseil.point.deplace", acteur=acteur, cible=verrouillee, donnees={"point": point.pk}
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
    from conseil.tasks import envoyer_convocations

    with transaction.atomic():
        verrouillee = _verrouiller(reunion)
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


# --- Réponses, procurations, présences -------------------------------------------------


def _participation(reunion: Reunion, personne: Any) -> Participation:
    try:
        return reunion.participations.select_related("mandat").get(personne=personne)
    except Participation.DoesNotExist:
        raise ValidationError(_("Vous n'êtes pas convoqué à cette séance.")) from None


def _ouverte_aux_reponses(reunion: Reunion) -> None:
    if reunion.statut != StatutReunion.CONVOQUEE:
        raise ValidationError(
            _("La séance est %(statut)s : les réponses à la convocation sont closes.")
            % {"statut": reunion.get_statut_display().lower()}
        )


def reponse_enregistrer(*, reunion: Reunion, acteur: Acteur, reponse: str) -> Participation:
    """Le membre dit à l'avance s'il sera présent ou excusé. Donner procuration passe par
    `procuration_donner` ; répondre autrement retire la procuration donnée."""
    if reponse not in (Reponse.PRESENT, Reponse.EXCUSE):
        raise ValidationError(_("Réponse inconnue."))
    with transaction.atomic():
        verrouillee = _verrouiller(reunion)
        _ouverte_aux_reponses(verrouillee)
        participation = _participation(verrouillee, acteur)
        retiree = verrouillee.procurations.filter(mandant=acteur).delete()[0]
        participation.reponse = reponse
        participation.repondu_le = timezone.now()
        participation.save(update_fields=["reponse", "repondu_le"])
        evenement_enregistrer(
            verbe="conseil.reponse.enregistree",
            acteur=acteur,
            cible=verrouillee,
            donnees={"reponse": reponse, "procuration_retiree": bool(retiree)},
        )
    return participation


def mandataires_possibles(reunion: Reunion, mandant: Any) -> list[Any]:
    """Les membres de l'instance à qui `mandant` peut donner procuration pour cette séance."""
    jour = timezone.localdate(reunion.debut)
    mandats = [
        m
        for m in reunion.instance.mandats.en_cours(jour).select_related("personne")
        if m.role in (*ROLES_DELIBERATIFS, RoleMandat.SUPPLEANT)
        and m.personne_id != getattr(mandant, "pk", None)
    ]
    ont_donne = set(reunion.procurations.values_list("mandant_id", flat=True))
    detenues = dict(
        reunion.procurations.values("mandataire_id").annotate(n=Count("id")).values_list("mandataire_id", "n")
    )
    plafond = reunion.instance.procurations_max_par_membre
    return sorted(
        (
            m.personne
            for m in mandats
            if m.personne_id not in ont_donne and detenues.get(m.personne_id, 0) < plafond
        ),
        key=lambda p: (p.nom, p.prenom),
    )


def _verifier_procuration(reunion: Reunion, mandant: Any, mandataire: Any) -> Participation:
    instance = reunion.instance
    if not instance.procurations_autorisees:
        raise ValidationError(
            _("Les procurations ne sont pas admises dans %(instance)s.") % {"instance": instance}
        )
    if mandataire is None:
        raise ValidationError({"mandataire": _("Choisissez le membre qui vous représentera.")})
    if mandant.pk == mandataire.pk:
        raise ValidationError({"mandataire": _("On ne se donne pas procuration à soi-même.")})
    jour = timezone.localdate(reunion.debut)
    mandats = {m.personne_id: m for m in instance.mandats.en_cours(jour).select_related("personne")}
    mandat_du_mandant = mandats.get(mandant.pk)
    if mandat_du_mandant is None or mandat_du_mandant.role not in ROLES_DELIBERATIFS:
        raise ValidationError(
            _("%(personne)s n'a pas voix délibérative dans %(instance)s : pas de procuration à donner.")
            % {"personne": mandant, "instance": instance}
        )
    mandat_du_mandataire = mandats.get(mandataire.pk)
    if mandat_du_mandataire is None or mandat_du_mandataire.role not in (
        *ROLES_DELIBERATIFS,
        RoleMandat.SUPPLEANT,
    ):
        raise ValidationError(
            {
                "mandataire": _(
                    "%(personne)s n'est pas membre de %(instance)s à la date de la séance : "
                    "la procuration ne peut lui être donnée."
                )
                % {"personne": mandataire, "instance": instance}
            }
        )
    participation = _participation(reunion, mandant)
    presence_du_mandataire = (
        reunion.participations.filter(personne=mandataire).values_list("presence", flat=True).first()
    )
    if presence_du_mandataire in (Presence.ABSENT, Presence.EXCUSE, Presence.REPRESENTE):
        raise ValidationError(
            {
                "mandataire": _(
                    "%(personne)s est noté %(presence)s à la séance : "
                    "il ne peut pas représenter un autre membre."
                )
                % {"personne": mandataire, "presence": Presence(presence_du_mandataire).label.lower()}
            }
        )
    if participation.presence == Presence.PRESENT:
        raise ValidationError(
            _("%(personne)s est présent à la séance : un membre présent ne donne pas procuration.")
            % {"personne": mandant}
        )
    if reunion.procurations.filter(mandant=mandataire).exists():
        raise ValidationError(
            {
                "mandataire": _(
                    "%(personne)s a lui-même donné procuration pour cette séance : "
                    "il ne peut pas en recevoir."
                )
                % {"personne": mandataire}
            }
        )
    # Pas de chaîne de procurations : le registre des présences la refuserait ensuite.
    representes = [
        str(p.mandant) for p in reunion.procurations.filter(mandataire=mandant).select_related("mandant")
    ]
    if representes:
        raise ValidationError(
            _(
                "%(personne)s détient la procuration de %(mandants)s pour cette séance : "
                "un membre qui en représente un autre ne donne pas procuration à son tour."
            )
            % {"personne": mandant, "mandants": ", ".join(representes)}
        )
    detenues = reunion.procurations.filter(mandataire=mandataire).exclude(mandant=mandant).count()
    plafond = instance.procurations_max_par_membre
    if detenues >= plafond:
        raise ValidationError(
            {
                "mandataire": ngettext(
                    "%(personne)s détient déjà %(n)s procuration pour cette séance "
                    "(au plus %(plafond)s par membre).",
                    "%(personne)s détient déjà %(n)s procurations pour cette séance "
                    "(au plus %(plafond)s par membre).",
                    detenues,
                )
                % {"personne": mandataire, "n": detenues, "plafond": plafond}
            }
        )
    return participation


def procuration_donner(*, reunion: Reunion, mandant: Any, mandataire: Any, acteur: Acteur) -> Procuration:
    """`mandant` charge `mandataire` de le représenter. Un membre la donne pour lui-même
    avant la séance ; le secrétariat l'enregistre aussi pendant la séance."""
    from conseil.permissions import est_gestionnaire

    if acteur.pk != mandant.pk and not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le membre lui-même ou le secrétariat enregistre sa procuration."))
    with transaction.atomic():
        # La séance verrouillée : deux procurations vers le même membre ne passent pas ensemble.
        verrouillee = _verrouiller(reunion)
        if verrouillee.statut not in (StatutReunion.CONVOQUEE, StatutReunion.TENUE):
            raise ValidationError(
                _("La séance est %(statut)s : les procurations ne se donnent plus.")
                % {"statut": verrouillee.get_statut_display().lower()}
            )
        participation = _verifier_procuration(verrouillee, mandant, mandataire)
        ancienne = verrouillee.procurations.filter(mandant=mandant).first()
        if ancienne is not None:
            ancienne.mandataire = mandataire
            ancienne.enregistree_par = acteur
            ancienne.donnee_le = timezone.now()
            ancienne.save(update_fields=["mandataire", "enregistree_par", "donnee_le"])
            procuration = ancienne
        else:
            procuration = Procuration.objects.create(
                reunion=verrouillee, mandant=mandant, mandataire=mandataire, enregistree_par=acteur
            )
        participation.reponse = Reponse.PROCURATION
        participation.repondu_le = timezone.now()
        champs = ["reponse", "repondu_le"]
        if participation.presence:
            participation.presence = Presence.REPRESENTE
            champs.append("presence")
        participation.save(update_fields=champs)
        evenement_enregistrer(
            verbe="conseil.procuration.donnee",
            acteur=acteur,
            cible=verrouillee,
            donnees={"mandant": mandant.pk, "mandataire": mandataire.pk},
        )
    return procuration


def procuration_retirer(*, reunion: Reunion, mandant: Any, acteur: Acteur) -> None:
    from conseil.permissions import est_gestionnaire

    if acteur.pk != mandant.pk and not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le membre lui-même ou le secrétariat retire sa procuration."))
    with transaction.atomic():
        verrouillee = _verrouiller(reunion)
        if verrouillee.statut not in (StatutReunion.CONVOQUEE, StatutReunion.TENUE):
            raise ValidationError(_("La séance est close : ses procurations ne changent plus."))
        procuration = verrouillee.procurations.filter(mandant=mandant).first()
        if procuration is None:
            return
        procuration.delete()
        verrouillee.participations.filter(personne=mandant, reponse=Reponse.PROCURATION).update(
            reponse=Reponse.SANS_REPONSE, repondu_le=None
        )
        evenement_enregistrer(
            verbe="conseil.procuration.retiree",
            acteur=acteur,
            cible=verrouillee,
            donnees={"mandant": mandant.pk, "mandataire": procuration.mandataire_id},
        )


@dataclass(frozen=True)
class LignePresence:
    participation_id: int
    presence: str
    mandataire_id: int | None = None


def presences_enregistrer(*, reunion: Reunion, acteur: Acteur, lignes: list[LignePresence]) -> Quorum:
    """Le relevé des présences, tout ou rien. « Représenté » demande le mandataire, présent
    à la séance, et suit les règles des procurations ; un membre noté présent reprend sa
    voix (sa procuration tombe). Renvoie le quorum recalculé.

    Les erreurs sont rendues par ligne : `ValidationError({participation_id: message})`.
    """
    with transaction.atomic():
        verrouillee = _verrouiller(reunion)
        if verrouillee.statut not in (StatutReunion.CONVOQUEE, StatutReunion.TENUE):
            raise ValidationError(
                _("La séance est %(statut)s : les présences ne se relèvent plus.")
                % {"statut": verrouillee.get_statut_display().lower()}
            )
        participations = {p.pk: p for p in verrouillee.participations.select_related("personne", "mandat")}
        par_personne = {p.personne_id: p for p in participations.values()}
        erreurs: dict[str, str] = {}
        nouvelles = {}
        for ligne in lignes:
            if ligne.participation_id not in participations:
                raise ValidationError(_("Ce membre n'est pas convoqué à cette séance."))
            if ligne.presence not in Presence.values:
                erreurs[str(ligne.participation_id)] = _("Présence inconnue.")
            nouvelles[ligne.participation_id] = ligne
        # Présences après relevé (celles non transmises restent telles quelles).
        presence_finale = {
            pk: (nouvelles[pk].presence if pk in nouvelles else p.presence)
            for pk, p in participations.items()
        }
        presents = {
            participations[pk].personne_id for pk, pr in presence_finale.items() if pr == Presence.PRESENT
        }
        procurations: dict[int, int] = {}
        for pk, ligne in nouvelles.items():
            if ligne.presence != Presence.REPRESENTE or str(pk) in erreurs:
                continue
            personne = participations[pk].personne
            mandataire_participation = par_personne.get(ligne.mandataire_id or -1)
            if ligne.mandataire_id is None or mandataire_participation is None:
                erreurs[str(pk)] = _("Indiquez le membre présent qui représente %(personne)s.") % {
                    "personne": personne
                }
                continue
            if ligne.mandataire_id not in presents:
                erreurs[str(pk)] = _(
                    "%(mandataire)s n'est pas noté présent : il ne peut pas représenter %(personne)s."
                ) % {"mandataire": mandataire_participation.personne, "personne": personne}
                continue
            procurations[personne.pk] = ligne.mandataire_id
        # Les procurations existantes qui restent valables (mandant ni présent ni re-noté).
        for procuration in verrouillee.procurations.select_related("mandant", "mandataire"):
            pk_mandant = (
                par_personne[procuration.mandant_id].pk if procuration.mandant_id in par_personne else None
            )
            if pk_mandant is None or procuration.mandant_id in procurations:
                continue
            presence_du_mandant = presence_finale.get(pk_mandant)
            if presence_du_mandant == Presence.REPRESENTE and procuration.mandataire_id not in presents:
                erreurs[str(pk_mandant)] = _(
                    "%(mandataire)s n'est pas noté présent : il ne peut pas représenter %(personne)s."
                ) % {"mandataire": procuration.mandataire, "personne": procuration.mandant}
            elif presence_du_mandant in (Presence.REPRESENTE, Presence.NON_RELEVEE):
                procurations[procuration.mandant_id] = procuration.mandataire_id
        plafond = verrouillee.instance.procurations_max_par_membre
        detenues: dict[int, list[int]] = {}
        for mandant_id, mandataire_id in procurations.items():
            detenues.setdefault(mandataire_id, []).append(mandant_id)
        for mandataire_id, mandants in detenues.items():
            if mandataire_id in procurations:
                for mandant_id in mandants:
                    erreurs[str(par_personne[mandant_id].pk)] = _(
                        "%(mandataire)s est lui-même représenté : il ne peut pas détenir de procuration."
                    ) % {"mandataire": par_personne[mandataire_id].personne}
            if len(mandants) > plafond:
                for mandant_id in mandants:
                    if par_personne[mandant_id].pk in nouvelles:
                        erreurs[str(par_personne[mandant_id].pk)] = _(
                            "%(mandataire)s ne peut détenir que %(plafond)s procuration(s)."
                        ) % {"mandataire": par_personne[mandataire_id].personne, "plafond": plafond}
        if procurations and not verrouillee.instance.procurations_autorisees:
            raise ValidationError(_("Les procurations ne sont pas admises dans cette instance."))
        if erreurs:
            raise ValidationError(erreurs)

        for pk, ligne in nouvelles.items():
            participation = participations[pk]
            if participation.presence != ligne.presence:
                participation.presence = ligne.presence
                participation.save(update_fields=["presence"])
        actuelles = dict(verrouillee.procurations.values_list("mandant_id", "mandataire_id"))
        for mandant_id in set(actuelles) - set(procurations):
            verrouillee.procurations.filter(mandant_id=mandant_id).delete()
        for mandant_id, mandataire_id in procurations.items():
            if actuelles.get(mandant_id) != mandataire_id:
                Procuration.objects.update_or_create(
                    reunion=verrouillee,
                    mandant_id=mandant_id,
                    defaults={"mandataire_id": mandataire_id, "enregistree_par": acteur},
                )
        quorum = quorum_calculer(reunion=verrouillee)
        evenement_enregistrer(
            verbe="conseil.presences.enregistrees",
            acteur=acteur,
            cible=verrouillee,
            donnees={
                "presents": quorum.presents,
                "representes": quorum.representes,
                "membres": quorum.membres,
                "quorum_atteint": quorum.atteint,
            },
        )
    return quorum


# --- Procès-verbal ----------------------------------------------------------------------


def _noms(personnes: list[Any]) -> str:
    return ", ".join(str(p) for p in personnes) or _("aucun")


# Les applications qui enregistrent autre chose pendant une séance (les scrutins du Collège)
# ajoutent ici une fonction séance → lignes du procès-verbal, reprises après chaque point.
_SECTIONS_DU_PROCES_VERBAL: list[Callable[[Reunion, PointOrdreDuJour | None], list[str]]] = []


def ajouter_section_du_proces_verbal(
    section: Callable[[Reunion, PointOrdreDuJour | None], list[str]],
) -> None:
    if section not in _SECTIONS_DU_PROCES_VERBAL:
        _SECTIONS_DU_PROCES_VERBAL.append(section)


def proces_verbal_texte_initial(reunion: Reunion) -> str:
    """Le projet de procès-verbal d'après ce qui a été enregistré : présences, procurations,
    quorum, ordre du jour et suite donnée à chaque point."""
    participations = list(reunion.participations.select_related("personne").order_by("personne__nom"))
    procurations = {p.mandant_id: p.mandataire for p in reunion.procurations.select_related("mandataire")}
    par_presence: dict[str, list[Any]] = {}
    for participation in participations:
        par_presence.setdefault(participation.presence, []).append(participation.personne)
    quorum = quorum_de(reunion)
    debut = timezone.localtime(reunion.debut)
    lignes = [
        _("Procès-verbal de la séance du %(date)s") % {"date": date_format(debut, "DATE_FORMAT")},
        f"{reunion.instance} — {reunion.titre}",
        "",
        _("Séance ouverte le %(date)s à %(heure)s, %(lieu)s.")
        % {
            "date": date_format(debut, "DATE_FORMAT"),
            "heure": date_format(debut, "TIME_FORMAT"),
            "lieu": reunion.lieu or _("en visioconférence"),
        },
        "",
        _("Présents : %(noms)s.") % {"noms": _noms(par_presence.get(Presence.PRESENT, []))},
        _("Représentés : %(noms)s.")
        % {
            "noms": ", ".join(
                _("%(mandant)s (procuration à %(mandataire)s)")
                % {"mandant": p, "mandataire": procurations[p.pk]}
                for p in par_presence.get(Presence.REPRESENTE, [])
                if p.pk in procurations
            )
            or _("aucun")
        },
        _("Excusés : %(noms)s.") % {"noms": _noms(par_presence.get(Presence.EXCUSE, []))},
        _("Absents : %(noms)s.") % {"noms": _noms(par_presence.get(Presence.ABSENT, []))},
        "",
        _(
            "Quorum : %(comptes)s membres à voix délibérative présents ou représentés sur %(membres)s ; "
            "quorum requis : %(requis)s. %(verdict)s"
        )
        % {
            "comptes": quorum.comptes,
            "membres": quorum.membres,
            "requis": quorum.requis,
            "verdict": _("Le quorum est atteint.") if quorum.atteint else _("Le quorum n'est pas atteint."),
        },
        "",
        _("Ordre du jour"),
    ]
    for point in reunion.points.order_by("ordre"):
        lignes.append("")
        lignes.append(f"{point.ordre}. {point.titre} ({point.get_nature_display().lower()})")
        lignes.append(point.resultat.strip() or _("Suite donnée : à compléter."))
        for section in _SECTIONS_DU_PROCES_VERBAL:
            lignes.extend(section(reunion, point))
    autres = [ligne for section in _SECTIONS_DU_PROCES_VERBAL for ligne in section(reunion, None)]
    if autres:
        lignes.extend(["", *autres])
    return "\n".join(lignes)


def proces_verbal_rediger(*, reunion: Reunion, acteur: Acteur) -> ProcesVerbal:
    """Crée le projet de procès-verbal d'une séance tenue ou close, prérempli."""
    with transaction.atomic():
        verrouillee = _verrouiller(reunion)
        if verrouillee.statut not in (StatutReunion.TENUE, StatutReunion.CLOSE):
            raise ValidationError(_("Le procès-verbal se rédige une fois la séance tenue."))
        if ProcesVerbal.objects.filter(reunion=verrouillee).exists():
            raise ValidationError(_("Cette séance a déjà son procès-verbal."))
        pv = ProcesVerbal.objects.create(
            reunion=verrouillee, texte=proces_verbal_texte_initial(verrouillee), redige_par=acteur
        )
        evenement_enregistrer(verbe="conseil.proces_verbal.redige", acteur=acteur, cible=pv)
    return pv


def proces_verbal_modifier(*, pv: ProcesVerbal, acteur: Acteur, texte: str) -> ProcesVerbal:
    if not texte.strip():
        raise ValidationError({"texte": _("Le procès-verbal ne peut pas être vide.")})
    with transaction.atomic():
        verrouille = ProcesVerbal.objects.select_for_update().get(pk=pv.pk)
        if not verrouille.modifiable:
            raise ValidationError(_("Le procès-verbal est adopté : il ne change plus."))
        verrouille.texte = texte
        verrouille.modifie_le = timezone.now()
        verrouille.save(update_fields=["texte", "modifie_le"])
        evenement_enregistrer(verbe="conseil.proces_verbal.modifie", acteur=acteur, cible=verrouille)
    pv.texte, pv.modifie_le = verrouille.texte, verrouille.modifie_le
    return pv


def seances_pouvant_adopter(pv: ProcesVerbal) -> list[Reunion]:
    """Les séances suivantes de la même instance, convoquées ou tenues."""
    return list(
        Reunion.objects.filter(instance=pv.reunion.instance_id, debut__gt=pv.reunion.debut)
        .exclude(statut__in=(StatutReunion.PLANIFIEE, StatutReunion.ANNULEE))
        .order_by("debut")
    )


def proces_verbal_adopter(*, pv: ProcesVerbal, adopte_en: Reunion, acteur: Acteur) -> ProcesVerbal:
    """Enregistre l'adoption par une séance suivante, puis met en file l'archivage en PDF."""
    from conseil.tasks import archiver_proces_verbal

    with transaction.atomic():
        ProcesVerbal.objects.select_for_update().filter(pk=pv.pk, statut=StatutProcesVerbal.BROUILLON).update(
            adopte_en=adopte_en
        )
        transition(
            pv,
            vers=StatutProcesVerbal.ADOPTE,
            acteur=acteur,
            donnees={"adopte_en": adopte_en.pk},
            workflow=PROCES_VERBAL,
        )
        apres_validation(archiver_proces_verbal, pv.pk)
    pv.refresh_from_db()
    return pv


def proces_verbal_relancer_archivage(*, pv: ProcesVerbal, acteur: Acteur) -> None:
    from conseil.tasks import archiver_proces_verbal

    if pv.statut != StatutProcesVerbal.ADOPTE:
        raise ValidationError(_("Seul un procès-verbal adopté et pas encore archivé peut être archivé."))
    ProcesVerbal.objects.filter(pk=pv.pk).update(erreur_archivage="")
    apres_validation(archiver_proces_verbal, pv.pk)


# --- Programme de travail et livrables ---------------------------------------------------


def programme_adopter(
    *, programme: ProgrammeDeTravail, adopte_en: Reunion, acteur: Acteur
) -> ProgrammeDeTravail:
    with transaction.atomic():
        ProgrammeDeTravail.objects.select_for_update().filter(
            pk=programme.pk, statut=StatutProgramme.BROUILLON
        ).update(adopte_en=adopte_en)
        transition(
            programme,
            vers=StatutProgramme.ADOPTE,
            acteur=acteur,
            donnees={"adopte_en": adopte_en.pk},
            workflow=PROGRAMME,
        )
    programme.refresh_from_db()
    return programme


def livrable_mettre_a_jour(*, livrable: Livrable, acteur: Acteur, avancement: int) -> Livrable:
    if not 0 <= avancement <= 100:
        raise ValidationError({"avancement": _("L'avancement est un pourcentage, de 0 à 100.")})
    with transaction.atomic():
        verrouille = Livrable.objects.select_for_update().get(pk=livrable.pk)
        avant = verrouille.avancement
        verrouille.avancement = avancement
        verrouille.livre_le = (verrouille.livre_le or timezone.localdate()) if avancement == 100 else None
        verrouille.save(update_fields=["avancement", "livre_le"])
        evenement_enregistrer(
            verbe="conseil.livrable.avancement",
            acteur=acteur,
            cible=verrouille.groupe,
            donnees={"livrable": verrouille.pk, "avant": avant, "apres": avancement},
        )
    livrable.avancement, livrable.livre_le = verrouille.avancement, verrouille.livre_le
    return livrable


# --- Calendrier ------------------------------------------------------------------------


def jeton_calendrier_de(*, utilisateur: Any) -> JetonCalendrier:
    jeton, _cree = JetonCalendrier.objects.get_or_create(utilisateur=utilisateur)
    return jeton


def jeton_calendrier_renouveler(*, utilisateur: Any) -> JetonCalendrier:
    """Une nouvelle adresse privée ; l'ancienne cesse aussitôt de répondre."""
    with transaction.atomic():
        jeton, _cree = JetonCalendrier.objects.select_for_update().get_or_create(utilisateur=utilisateur)
        jeton.jeton = nouveau_jeton()
        jeton.save(update_fields=["jeton"])
        evenement_enregistrer(verbe="conseil.calendrier.jeton_renouvele", acteur=utilisateur, cible=None)
    return jeton
