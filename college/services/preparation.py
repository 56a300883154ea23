"""La préparation d'un scrutin : création, candidatures, déclarations d'intérêts, procurations de
vote, modifications tant qu'il n'est pas ouvert."""

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from college.models import (
    Candidature,
    DeclarationInteret,
    Emargement,
    ProcurationVote,
    Scrutin,
    StatutScrutin,
    TypeScrutin,
)
from college.services._commun import Acteur, en_preparation
from conseil.models import ROLES_DELIBERATIFS, Instance, Reunion
from conseil.permissions import est_gestionnaire
from socle.services import evenement_enregistrer, modele_modifier
from socle.verbes import Verbe

# Les actions que ce module écrit au journal d'audit.
CANDIDATURE_DECLAREE = Verbe("college.candidature.declaree", gettext_lazy("Candidature déclarée"))
CANDIDATURE_RETIREE = Verbe("college.candidature.retiree", gettext_lazy("Candidature retirée"))
INTERET_DECLARE = Verbe("college.interet.declare", gettext_lazy("Intérêt déclaré"))
PROCURATION_DONNEE = Verbe("college.procuration.donnee", gettext_lazy("Procuration de vote donnée"))
SCRUTIN_CREE = Verbe("college.scrutin.cree", gettext_lazy("Scrutin préparé"))
SCRUTIN_MODIFIE = Verbe("college.scrutin.modifie", gettext_lazy("Scrutin modifié"))

# --- Préparation -----------------------------------------------------------------------


def scrutin_creer(
    *,
    acteur: Acteur,
    instance: Instance,
    type_scrutin: str,
    titre: str,
    ouverture: datetime,
    cloture: datetime,
    question: str = "",
    sieges: int = 1,
    secret: bool | None = None,
    reunion: Reunion | None = None,
    objet: Model | None = None,
) -> Scrutin:
    if cloture <= ouverture:
        raise ValidationError({"cloture": _("La clôture du vote doit suivre son ouverture.")})
    if type_scrutin != TypeScrutin.ELECTION and sieges != 1:
        raise ValidationError({"sieges": _("Seule une élection pourvoit plusieurs sièges.")})
    if sieges < 1:
        raise ValidationError({"sieges": _("Au moins un siège est à pourvoir.")})
    if reunion is not None and reunion.instance_id != instance.pk:
        raise ValidationError({"reunion": _("La séance doit être une séance de la même instance.")})
    with transaction.atomic():
        scrutin = Scrutin.objects.create(
            instance=instance,
            type_scrutin=type_scrutin,
            titre=titre,
            question=question,
            ouverture=ouverture,
            cloture=cloture,
            sieges=sieges,
            secret=instance.vote_secret if secret is None else secret,
            reunion=reunion,
            objet_type=ContentType.objects.get_for_model(objet) if objet is not None else None,
            objet_id=str(objet.pk) if objet is not None else "",
            cree_par=acteur,
        )
        evenement_enregistrer(
            verbe=SCRUTIN_CREE,
            acteur=acteur,
            cible=scrutin,
            etat_apres=StatutScrutin.PREPARATION,
            donnees={"type": type_scrutin, "secret": scrutin.secret},
        )
    return scrutin


def membres_votants(instance: Instance, jour: Any) -> list[Any]:
    """Les mandats à voix délibérative en cours le `jour` : le corps électoral possible."""
    return list(
        instance.mandats.en_cours(jour).filter(role__in=ROLES_DELIBERATIFS).select_related("personne")
    )


def candidature_declarer(
    *, scrutin: Scrutin, personne: Any, acteur: Acteur, date_naissance: Any = None, presentation: str = ""
) -> Candidature:
    """Un membre se présente (ou le secrétariat enregistre sa candidature) avant l'ouverture."""
    if acteur.pk != personne.pk and not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le membre lui-même ou le secrétariat déclare une candidature."))
    with transaction.atomic():
        verrouille = Scrutin.objects.select_for_update().get(pk=scrutin.pk)
        if verrouille.type_scrutin != TypeScrutin.ELECTION:
            raise ValidationError(_("On ne se porte candidat qu'à une élection."))
        en_preparation(verrouille)
        if personne.pk not in {
            m.personne_id for m in membres_votants(verrouille.instance, timezone.localdate())
        }:
            raise ValidationError(
                _("%(personne)s n'est pas membre de %(instance)s : pas de candidature possible.")
                % {"personne": personne, "instance": verrouille.instance}
            )
        if Candidature.objects.filter(scrutin=verrouille, personne=personne).exists():
            raise ValidationError(_("%(personne)s est déjà candidat.") % {"personne": personne})
        candidature = Candidature.objects.create(
            scrutin=verrouille, personne=personne, date_naissance=date_naissance, presentation=presentation
        )
        evenement_enregistrer(
            verbe=CANDIDATURE_DECLAREE,
            acteur=acteur,
            cible=verrouille,
            donnees={"candidat": personne.pk},
        )
    return candidature


def candidature_retirer(*, candidature: Candidature, acteur: Acteur) -> None:
    if acteur.pk != candidature.personne_id and not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le candidat ou le secrétariat retire une candidature."))
    with transaction.atomic():
        verrouille = Scrutin.objects.select_for_update().get(pk=candidature.scrutin_id)
        en_preparation(verrouille)
        candidature.delete()
        evenement_enregistrer(
            verbe=CANDIDATURE_RETIREE,
            acteur=acteur,
            cible=verrouille,
            donnees={"candidat": candidature.personne_id},
        )


def interet_declarer(*, personne: Any, objet: Model, nature: str, acteur: Acteur) -> DeclarationInteret:
    """Le membre (ou le secrétariat pour lui) déclare un intérêt dans un sujet : il sera écarté
    des scrutins qui portent sur ce sujet. Déclaré après l'ouverture, il ne change pas le
    corps électoral déjà photographié : le secrétariat annule et rouvre si nécessaire."""
    if acteur.pk != personne.pk and not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le membre lui-même ou le secrétariat déclare un intérêt."))
    if not nature.strip():
        raise ValidationError({"nature": _("Dites en quelques mots la nature de l'intérêt.")})
    type_objet = ContentType.objects.get_for_model(objet)
    with transaction.atomic():
        declaration, cree = DeclarationInteret.objects.get_or_create(
            personne=personne,
            objet_type=type_objet,
            objet_id=str(objet.pk),
            defaults={"nature": nature.strip(), "declaree_par": acteur},
        )
        if not cree:
            raise ValidationError(_("Cet intérêt est déjà déclaré."))
        evenement_enregistrer(
            verbe=INTERET_DECLARE, acteur=acteur, cible=objet, donnees={"personne": personne.pk}
        )
    return declaration


# --- Procurations de vote --------------------------------------------------------------


def _electeurs_valides(scrutin: Scrutin) -> set[int]:
    if scrutin.statut == StatutScrutin.PREPARATION:
        return {m.personne_id for m in membres_votants(scrutin.instance, timezone.localdate())}
    return set(scrutin.electeurs.filter(exclu_pour_interet=False).values_list("personne_id", flat=True))


def procuration_vote_donner(
    *, scrutin: Scrutin, mandant: Any, mandataire: Any, acteur: Acteur
) -> ProcurationVote:
    """`mandant` charge `mandataire` de voter pour lui à ce scrutin."""
    if acteur.pk != mandant.pk and not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le membre lui-même ou le secrétariat enregistre sa procuration."))
    with transaction.atomic():
        verrouille = Scrutin.objects.select_for_update().select_related("instance").get(pk=scrutin.pk)
        if verrouille.statut not in (StatutScrutin.PREPARATION, StatutScrutin.OUVERT):
            raise ValidationError(_("Le scrutin est clos : les procurations ne se donnent plus."))
        autorisees = (
            verrouille.procurations_autorisees
            if verrouille.statut == StatutScrutin.OUVERT
            else verrouille.instance.procurations_autorisees
        )
        if not autorisees:
            raise ValidationError(_("Ce scrutin n'admet pas de procuration."))
        if mandataire is None or mandant.pk == mandataire.pk:
            raise ValidationError({"mandataire": _("Choisissez un autre membre du corps électoral.")})
        electeurs = _electeurs_valides(verrouille)
        if mandant.pk not in electeurs:
            raise ValidationError(_("%(personne)s ne vote pas à ce scrutin.") % {"personne": mandant})
        if mandataire.pk not in electeurs:
            raise ValidationError(
                {
                    "mandataire": _(
                        "%(personne)s ne vote pas à ce scrutin : la procuration ne peut lui être donnée."
                    )
                    % {"personne": mandataire}
                }
            )
        if Emargement.objects.filter(scrutin=verrouille, personne=mandant).exists():
            raise ValidationError(
                _("Le bulletin de %(personne)s est déjà dans l'urne.") % {"personne": mandant}
            )
        if ProcurationVote.objects.filter(scrutin=verrouille, mandant=mandataire).exists():
            raise ValidationError(
                {
                    "mandataire": _("%(personne)s a lui-même donné procuration : il ne peut pas en recevoir.")
                    % {"personne": mandataire}
                }
            )
        if ProcurationVote.objects.filter(scrutin=verrouille, mandataire=mandant).exists():
            raise ValidationError(_("Vous détenez une procuration : vous ne pouvez pas donner la vôtre."))
        plafond = (
            verrouille.procurations_max_par_membre
            if verrouille.statut == StatutScrutin.OUVERT
            else verrouille.instance.procurations_max_par_membre
        ) or 1
        detenues = (
            ProcurationVote.objects.filter(scrutin=verrouille, mandataire=mandataire)
            .exclude(mandant=mandant)
            .count()
        )
        if detenues >= plafond:
            raise ValidationError(
                {
                    "mandataire": _(
                        "%(personne)s détient déjà le nombre maximal de procurations (%(plafond)s)."
                    )
                    % {"personne": mandataire, "plafond": plafond}
                }
            )
        procuration, _cree = ProcurationVote.objects.update_or_create(
            scrutin=verrouille, mandant=mandant, defaults={"mandataire": mandataire, "de_la_seance": False}
        )
        evenement_enregistrer(
            verbe=PROCURATION_DONNEE,
            acteur=acteur,
            cible=verrouille,
            donnees={"mandant": mandant.pk, "mandataire": mandataire.pk},
        )
    return procuration


# --- Modification pendant la préparation ----------------------------------------------------

CHAMPS_SCRUTIN = (
    "type_scrutin",
    "titre",
    "question",
    "ouverture",
    "cloture",
    "sieges",
    "secret",
    "reunion",
    "objet",
)


def scrutin_modifier(*, scrutin: Scrutin, acteur: Acteur, **champs: Any) -> Scrutin:
    """Modifie un scrutin tant qu'il se prépare : ses règles et son corps électoral ne sont
    pas encore figés. Le journal garde l'ancienne et la nouvelle valeur de chaque champ."""
    inconnus = set(champs) - set(CHAMPS_SCRUTIN)
    if inconnus:
        raise TypeError(f"Champs inconnus : {sorted(inconnus)}")
    with transaction.atomic():
        verrouille = Scrutin.objects.select_for_update().get(pk=scrutin.pk)
        if verrouille.statut != StatutScrutin.PREPARATION:
            raise ValidationError(
                _("Le scrutin est %(statut)s : il ne se modifie plus.")
                % {"statut": verrouille.get_statut_display().lower()}
            )
        a_poser = {nom: valeur for nom, valeur in champs.items() if nom != "objet"}
        if "objet" in champs:
            objet = champs["objet"]
            a_poser["objet_type"] = ContentType.objects.get_for_model(objet) if objet is not None else None
            a_poser["objet_id"] = str(objet.pk) if objet is not None else ""
        modele_modifier(
            objet=verrouille,
            champs=a_poser,
            acteur=acteur,
            verbe=SCRUTIN_MODIFIE,
            valider=_preparation_coherente,
        )
    scrutin.refresh_from_db()
    return scrutin


def _preparation_coherente(verrouille: Scrutin) -> None:
    """Les règles d'un scrutin qui se prépare, une fois la saisie posée."""
    if verrouille.cloture <= verrouille.ouverture:
        raise ValidationError({"cloture": _("La clôture du vote doit suivre son ouverture.")})
    if verrouille.sieges < 1:
        raise ValidationError({"sieges": _("Au moins un siège est à pourvoir.")})
    if verrouille.type_scrutin != TypeScrutin.ELECTION:
        if verrouille.sieges != 1:
            raise ValidationError({"sieges": _("Seule une élection pourvoit plusieurs sièges.")})
        if verrouille.candidatures.exists():
            raise ValidationError(
                {
                    "type_scrutin": _(
                        "Des candidats sont déclarés : retirez leurs candidatures avant de changer "
                        "le type du scrutin."
                    )
                }
            )
    if verrouille.reunion is not None and verrouille.reunion.instance_id != verrouille.instance_id:
        raise ValidationError({"reunion": _("La séance doit être une séance de la même instance.")})
