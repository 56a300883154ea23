"""Les écritures du programme d'une rencontre : la créer, la modifier (ses activités et ses
questions avec elle), la publier, l'annuler, la confier à des organisateurs partenaires.

Modifier une rencontre publiée se fait sous le verrou de sa ligne, comme une inscription : une
capacité ne descend pas sous les places déjà prises, une activité ou une question qui a des
inscrits ou des réponses ne se supprime pas, une capacité qui monte propose aussitôt les places
à la liste d'attente. Un changement de date, d'horaire ou de lieu fait monter la version de
l'agenda (SEQUENCE) et part aux personnes inscrites avec le fichier d'agenda à jour.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencontres.models import Activite, Organisateur, Question, Rencontre, StatutRencontre
from rencontres.permissions import est_agent_organisateur, peut_modifier_le_programme
from rencontres.services.inscriptions import _verrouiller, places_occupees, promouvoir
from socle.services import apres_validation, evenement_enregistrer, notifier
from socle.verbes import Verbe
from socle.workflows import transition

RENCONTRE_CREEE = Verbe("rencontres.rencontre.creee", gettext_lazy("Rencontre créée"))
RENCONTRE_MODIFIEE = Verbe("rencontres.rencontre.modifiee", gettext_lazy("Programme de la rencontre modifié"))
ORGANISATEUR_AJOUTE = Verbe(
    "rencontres.organisateur.ajoute", gettext_lazy("Rencontre confiée à un organisateur partenaire")
)
ORGANISATEUR_RETIRE = Verbe("rencontres.organisateur.retire", gettext_lazy("Organisateur partenaire retiré"))

# Les champs dont le changement touche l'agenda des personnes inscrites.
CHAMPS_DE_L_AGENDA = ("titre", "debut", "fin", "lieu", "commune_id", "description")

CHAMPS_DE_LA_RENCONTRE = (
    "titre",
    "type",
    "description",
    "public",
    "debut",
    "fin",
    "commune",
    "lieu",
    "organisateur",
    "inscriptions_du",
    "inscriptions_au",
    "moderee",
    "foyer_max",
    "delai_de_confirmation",
    "rappel_dans_l_agenda",
    "propose_le_vivier",
    "heures_par_demi_journee",
)


@dataclass(frozen=True)
class SaisieActivite:
    titre: str
    debut: datetime
    fin: datetime
    lieu: str = ""
    capacite: int | None = None
    pk: int | None = None  # une activité existante, ou None pour une nouvelle
    supprimer: bool = False


@dataclass(frozen=True)
class SaisieQuestion:
    libelle: str
    type: str
    choix: Sequence[str] = ()
    obligatoire: bool = True
    pk: int | None = None
    supprimer: bool = False


def _verifier_dates(champs: Mapping[str, Any]) -> None:
    erreurs: dict[str, str] = {}
    if champs["fin"] < champs["debut"]:
        erreurs["fin"] = _("La fin de la rencontre doit suivre son début.")
    if champs["inscriptions_au"] < champs["inscriptions_du"]:
        erreurs["inscriptions_au"] = _("La clôture des inscriptions doit suivre leur ouverture.")
    if erreurs:
        raise ValidationError(erreurs)


def rencontre_creer(
    *,
    acteur: Any,
    champs: Mapping[str, Any],
    activites: Sequence[SaisieActivite] = (),
    questions: Sequence[SaisieQuestion] = (),
) -> Rencontre:
    """Une rencontre en brouillon, avec son programme : seul un agent de l'agglomération en crée
    (un partenaire passe par une demande de soutien)."""
    if not est_agent_organisateur(acteur):
        raise ValidationError(_("Vous n'avez pas le droit de créer une rencontre."), code="non_autorise")
    _verifier_dates(champs)
    with transaction.atomic():
        rencontre = Rencontre.objects.create(
            **{nom: champs[nom] for nom in CHAMPS_DE_LA_RENCONTRE if nom in champs},
            statut=StatutRencontre.BROUILLON,
            cree_par=acteur,
        )
        _enregistrer_programme(rencontre, activites, questions)
        evenement_enregistrer(verbe=RENCONTRE_CREEE, acteur=acteur, cible=rencontre)
    return rencontre


def _enregistrer_programme(
    rencontre: Rencontre, activites: Sequence[SaisieActivite], questions: Sequence[SaisieQuestion]
) -> bool:
    """Écrit les activités et les questions ; rend vrai si une capacité a monté (des places
    s'ouvrent à la liste d'attente). Les refus sont rangés sous `activites` et `questions`."""
    existantes = {a.pk: a for a in Activite.objects.filter(rencontre=rencontre)}
    occupees = places_occupees(list(existantes))
    erreurs: list[str] = []
    for saisie in activites:
        activite = existantes.get(saisie.pk) if saisie.pk else None
        if saisie.pk and activite is None:
            erreurs.append(_("Une activité n'appartient pas à cette rencontre."))
        elif activite is not None and saisie.supprimer and occupees[activite.pk]:
            erreurs.append(
                _("« %(a)s » a des personnes inscrites : elle ne peut pas être supprimée.")
                % {"a": activite.titre}
            )
        elif activite is not None and saisie.capacite is not None and saisie.capacite < occupees[activite.pk]:
            erreurs.append(
                _("« %(a)s » a déjà %(n)s places prises : sa capacité ne peut pas descendre à %(c)s.")
                % {"a": activite.titre, "n": occupees[activite.pk], "c": saisie.capacite}
            )
        if saisie.fin < saisie.debut:
            erreurs.append(_("« %(a)s » finit avant de commencer.") % {"a": saisie.titre})
    if erreurs:
        raise ValidationError({"activites": erreurs})

    places_ouvertes = False
    for ordre, saisie in enumerate(activites):
        activite = existantes.get(saisie.pk) if saisie.pk else None
        if saisie.supprimer:
            if activite is not None:
                activite.delete()
            continue
        if activite is None:
            activite = Activite(rencontre=rencontre)
        elif activite.capacite is not None and (
            saisie.capacite is None or saisie.capacite > activite.capacite
        ):
            places_ouvertes = True
        activite.titre = saisie.titre
        activite.debut = saisie.debut
        activite.fin = saisie.fin
        activite.lieu = saisie.lieu
        activite.capacite = saisie.capacite
        activite.ordre = ordre
        activite.save()

    posees = dict(
        Question.objects.filter(rencontre=rencontre).annotate(n=Count("reponses")).values_list("pk", "n")
    )
    erreurs = []
    for question_saisie in questions:
        if question_saisie.pk and question_saisie.pk not in posees:
            erreurs.append(_("Une question n'appartient pas à cette rencontre."))
        elif question_saisie.pk and question_saisie.supprimer and posees[question_saisie.pk]:
            erreurs.append(
                _("« %(q)s » a déjà des réponses : elle ne peut pas être supprimée.")
                % {"q": question_saisie.libelle}
            )
    if erreurs:
        raise ValidationError({"questions": erreurs})
    for ordre, question_saisie in enumerate(questions):
        if question_saisie.supprimer:
            if question_saisie.pk:
                Question.objects.filter(pk=question_saisie.pk).delete()
            continue
        valeurs = {
            "libelle": question_saisie.libelle,
            "type": question_saisie.type,
            "choix": list(question_saisie.choix),
            "obligatoire": question_saisie.obligatoire,
            "ordre": ordre,
        }
        if question_saisie.pk:
            Question.objects.filter(pk=question_saisie.pk, rencontre=rencontre).update(**valeurs)
        else:
            Question.objects.create(rencontre=rencontre, **valeurs)
    return places_ouvertes


def _horaires(rencontre: Rencontre) -> list[tuple[Any, ...]]:
    return list(
        Activite.objects.filter(rencontre=rencontre).order_by("pk").values_list("pk", "debut", "fin", "lieu")
    )


def rencontre_modifier(
    *,
    rencontre: Rencontre,
    acteur: Any,
    champs: Mapping[str, Any],
    activites: Sequence[SaisieActivite],
    questions: Sequence[SaisieQuestion],
) -> Rencontre:
    """Modifie la rencontre et son programme, tout ou rien. Publiée, un changement qui touche
    l'agenda (date, horaire, lieu, titre) en fait monter la version et part aux inscrits."""
    _verifier_dates(champs)
    with transaction.atomic():
        verrouillee = _verrouiller(rencontre)
        if not peut_modifier_le_programme(acteur, verrouillee):
            raise ValidationError(
                _("Le programme de cette rencontre ne peut plus être modifié par vous."), code="non_autorise"
            )
        avant = {nom: getattr(verrouillee, nom) for nom in CHAMPS_DE_L_AGENDA}
        horaires_avant = _horaires(verrouillee)
        for nom in CHAMPS_DE_LA_RENCONTRE:
            if nom in champs and (nom != "organisateur" or est_agent_organisateur(acteur)):
                setattr(verrouillee, nom, champs[nom])
        places_ouvertes = _enregistrer_programme(verrouillee, activites, questions)
        change = [nom for nom in CHAMPS_DE_L_AGENDA if getattr(verrouillee, nom) != avant[nom]]
        if _horaires(verrouillee) != horaires_avant:
            change.append("activites")
        publiee = verrouillee.statut == StatutRencontre.PUBLIEE
        if publiee and change:
            verrouillee.sequence += 1
        verrouillee.save()
        evenement_enregistrer(
            verbe=RENCONTRE_MODIFIEE,
            acteur=acteur,
            cible=verrouillee,
            donnees={"agenda": change, "version": verrouillee.sequence},
        )
        if publiee and change:
            _prevenir_les_inscrits(verrouillee)
        if publiee and places_ouvertes:
            promouvoir(rencontre=verrouillee)
    return verrouillee


def _prevenir_les_inscrits(rencontre: Rencontre) -> None:
    # Import local : rencontres.tasks importe ce paquet (cercle tasks ↔ services).
    from rencontres.tasks import envoyer_changement_de_rencontre

    apres_validation(envoyer_changement_de_rencontre, rencontre.pk, rencontre.sequence)


def rencontre_publier(*, rencontre: Rencontre, acteur: Any) -> Rencontre:
    return transition(rencontre, vers=StatutRencontre.PUBLIEE, acteur=acteur)


def rencontre_annuler(*, rencontre: Rencontre, acteur: Any, motif: str) -> Rencontre:
    """Annule la rencontre ; si elle était publiée, chaque personne inscrite reçoit l'annulation
    (le motif et le fichier d'agenda qui la retire)."""
    with transaction.atomic():
        etait_publiee = rencontre.statut == StatutRencontre.PUBLIEE
        annulee = transition(rencontre, vers=StatutRencontre.ANNULEE, acteur=acteur, motif=motif)
        if etait_publiee:
            _prevenir_les_inscrits(annulee)
    return annulee


def organisateur_ajouter(*, rencontre: Rencontre, email: str, acteur: Any) -> Organisateur:
    """Confie la rencontre au compte actif qui a cette adresse (un agent de l'agglomération
    décide) ; le compte en est prévenu sur le portail et par courriel."""
    if not est_agent_organisateur(acteur):
        raise ValidationError(_("Seule l'agglomération confie une rencontre."), code="non_autorise")
    compte = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if compte is None:
        raise ValidationError(
            {
                "email": _(
                    "Aucun compte actif n'a cette adresse : invitez d'abord la personne sur le portail, "
                    "puis confiez-lui la rencontre."
                )
            }
        )
    with transaction.atomic():
        organisateur, cree = confier(rencontre=rencontre, compte=compte, acteur=acteur)
        if not cree:
            raise ValidationError({"email": _("Cette personne organise déjà la rencontre.")})
        evenement_enregistrer(
            verbe=ORGANISATEUR_AJOUTE, acteur=acteur, cible=rencontre, donnees={"compte": compte.pk}
        )
        notifier(
            destinataires=[compte],
            verbe=ORGANISATEUR_AJOUTE,
            titre=_("La rencontre « %(r)s » vous est confiée") % {"r": rencontre.titre},
            gabarit="rencontres/notifications/organisateur.txt",
            contexte={"rencontre": rencontre, "acteur": acteur},
            url=reverse("rencontres:inscriptions", args=[rencontre.pk]),
        )
    return organisateur


def organisateur_retirer(*, organisateur: Organisateur, acteur: Any) -> None:
    if not est_agent_organisateur(acteur):
        raise ValidationError(_("Seule l'agglomération retire un organisateur."), code="non_autorise")
    with transaction.atomic():
        evenement_enregistrer(
            verbe=ORGANISATEUR_RETIRE,
            acteur=acteur,
            cible=organisateur.rencontre,
            donnees={"compte": organisateur.compte_id},
        )
        organisateur.delete()
        if not Organisateur.objects.filter(compte_id=organisateur.compte_id).exists():
            organisateur.compte.user_permissions.remove(_droit_des_partenaires())


def _droit_des_partenaires() -> Permission:
    return Permission.objects.get(
        codename="organiser_rencontre_confiee", content_type__app_label="rencontres"
    )


def confier(*, rencontre: Rencontre, compte: Any, acteur: Any) -> tuple[Organisateur, bool]:
    """Le compte organise la rencontre (et a le droit des partenaires) ; rend (ligne, créée)."""
    organisateur, cree = Organisateur.objects.get_or_create(
        rencontre=rencontre, compte=compte, defaults={"ajoute_par": acteur}
    )
    if cree:
        compte.user_permissions.add(_droit_des_partenaires())
    return organisateur, cree
