"""Réponses aux convocations, procurations et présences relevées."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from conseil.models import (
    ROLES_DELIBERATIFS,
    Participation,
    Presence,
    Procuration,
    Reponse,
    Reunion,
    RoleMandat,
    StatutReunion,
)
from conseil.permissions import est_gestionnaire
from conseil.quorum import Quorum, quorum_calculer
from conseil.services._commun import Acteur, reunion_verrouillee
from socle.services import evenement_enregistrer
from socle.verbes import Verbe

# Les actions que ce module écrit au journal d'audit.
PRESENCES_ENREGISTREES = Verbe("conseil.presences.enregistrees", gettext_lazy("Présences enregistrées"))
PROCURATION_DONNEE = Verbe("conseil.procuration.donnee", gettext_lazy("Procuration donnée"))
PROCURATION_RETIREE = Verbe("conseil.procuration.retiree", gettext_lazy("Procuration retirée"))
REPONSE_ENREGISTREE = Verbe("conseil.reponse.enregistree", gettext_lazy("Réponse à la convocation"))

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
        verrouillee = reunion_verrouillee(reunion)
        _ouverte_aux_reponses(verrouillee)
        participation = _participation(verrouillee, acteur)
        retiree = verrouillee.procurations.filter(mandant=acteur).delete()[0]
        participation.reponse = reponse
        participation.repondu_le = timezone.now()
        participation.save(update_fields=["reponse", "repondu_le"])
        evenement_enregistrer(
            verbe=REPONSE_ENREGISTREE,
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
    if acteur.pk != mandant.pk and not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le membre lui-même ou le secrétariat enregistre sa procuration."))
    with transaction.atomic():
        # La séance verrouillée : deux procurations vers le même membre ne passent pas ensemble.
        verrouillee = reunion_verrouillee(reunion)
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
            verbe=PROCURATION_DONNEE,
            acteur=acteur,
            cible=verrouillee,
            donnees={"mandant": mandant.pk, "mandataire": mandataire.pk},
        )
    return procuration


def procuration_retirer(*, reunion: Reunion, mandant: Any, acteur: Acteur) -> None:
    if acteur.pk != mandant.pk and not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le membre lui-même ou le secrétariat retire sa procuration."))
    with transaction.atomic():
        verrouillee = reunion_verrouillee(reunion)
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
            verbe=PROCURATION_RETIREE,
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
        verrouillee = reunion_verrouillee(reunion)
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
                        erreurs[str(par_personne[mandant_id].pk)] = ngettext(
                            "%(mandataire)s ne peut détenir qu'une procuration.",
                            "%(mandataire)s ne peut détenir que %(plafond)s procurations.",
                            plafond,
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
            verbe=PRESENCES_ENREGISTREES,
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
