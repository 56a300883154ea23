"""Les procès-verbaux : rédaction d'après le registre, modification, adoption, archivage en PDF/A."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conseil.models import (
    PointOrdreDuJour,
    Presence,
    ProcesVerbal,
    Reunion,
    StatutProcesVerbal,
    StatutReunion,
)
from conseil.quorum import quorum_de
from conseil.services._commun import Acteur, reunion_verrouillee
from conseil.tasks import archiver_proces_verbal
from conseil.workflows import PROCES_VERBAL
from socle.francais import date_longue, heure
from socle.services import apres_validation, evenement_enregistrer, modele_modifier
from socle.verbes import Verbe
from socle.workflows import transition

# Les actions que ce module écrit au journal d'audit.
PROCES_VERBAL_MODIFIE = Verbe("conseil.proces_verbal.modifie", gettext_lazy("Procès-verbal modifié"))
PROCES_VERBAL_REDIGE = Verbe("conseil.proces_verbal.redige", gettext_lazy("Procès-verbal rédigé"))

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
        _("Procès-verbal de la séance du %(date)s") % {"date": date_longue(debut)},
        f"{reunion.instance} — {reunion.titre}",
        "",
        _("Séance ouverte le %(date)s à %(heure)s, %(lieu)s.")
        % {
            "date": date_longue(debut),
            "heure": heure(debut),
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
        verrouillee = reunion_verrouillee(reunion)
        if verrouillee.statut not in (StatutReunion.TENUE, StatutReunion.CLOSE):
            raise ValidationError(_("Le procès-verbal se rédige une fois la séance tenue."))
        if ProcesVerbal.objects.filter(reunion=verrouillee).exists():
            raise ValidationError(_("Cette séance a déjà son procès-verbal."))
        pv = ProcesVerbal.objects.create(
            reunion=verrouillee, texte=proces_verbal_texte_initial(verrouillee), redige_par=acteur
        )
        evenement_enregistrer(verbe=PROCES_VERBAL_REDIGE, acteur=acteur, cible=pv)
    return pv


def proces_verbal_modifier(*, pv: ProcesVerbal, acteur: Acteur, texte: str) -> ProcesVerbal:
    if not texte.strip():
        raise ValidationError({"texte": _("Le procès-verbal ne peut pas être vide.")})
    with transaction.atomic():
        verrouille = ProcesVerbal.objects.select_for_update().get(pk=pv.pk)
        if not verrouille.modifiable:
            raise ValidationError(_("Le procès-verbal est adopté : il ne change plus."))
        if texte != verrouille.texte:
            verrouille.modifie_le = timezone.now()
        modele_modifier(
            objet=verrouille,
            champs={"texte": texte},
            acteur=acteur,
            verbe=PROCES_VERBAL_MODIFIE,
            aussi=["modifie_le"],
        )
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
    if pv.statut != StatutProcesVerbal.ADOPTE:
        raise ValidationError(_("Seul un procès-verbal adopté et pas encore archivé peut être archivé."))
    ProcesVerbal.objects.filter(pk=pv.pk).update(erreur_archivage="")
    apres_validation(archiver_proces_verbal, pv.pk)
