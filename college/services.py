"""Écritures du Collège : scrutins, candidatures, intérêts déclarés, procurations de vote,
bulletins, dépouillement.

Le choix d'un votant n'apparaît dans aucun journal, aucune notification, aucun message
d'erreur : seuls l'urne (sans votant, pour un scrutin secret) et le reçu affiché une fois
au votant le portent.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from college import decompte, rendu
from college.models import (
    CHOIX_PAR_TYPE,
    Bulletin,
    Candidature,
    Choix,
    Commentaire,
    DeclarationInteret,
    Discussion,
    Electeur,
    Emargement,
    ProcurationVote,
    Scrutin,
    StatutScrutin,
    SuiviDiscussion,
    TypeScrutin,
    VersionCommentaire,
)
from college.selectors import regles_figees
from college.workflows import SCRUTIN
from conseil.models import ROLES_DELIBERATIFS, Instance, Mandat, PointOrdreDuJour, Procuration, Reunion
from conseil.permissions import est_gestionnaire, voit_tout_le_conseil
from socle.services import evenement_enregistrer, notifier
from socle.workflows import transition

Acteur = Any


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
            verbe="college.scrutin.cree",
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


def _en_preparation(scrutin: Scrutin) -> None:
    if scrutin.statut != StatutScrutin.PREPARATION:
        raise ValidationError(_("Le scrutin est ouvert : sa préparation ne peut plus changer."))


def candidature_declarer(
    *, scrutin: Scrutin, personne: Any, acteur: Acteur, date_naissance: Any = None, presentation: str = ""
) -> Candidature:
    """Un membre se présente (ou le secrétariat enregistre sa candidature) avant l'ouverture."""
    from conseil.permissions import est_gestionnaire

    if acteur.pk != personne.pk and not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le membre lui-même ou le secrétariat déclare une candidature."))
    with transaction.atomic():
        verrouille = Scrutin.objects.select_for_update().get(pk=scrutin.pk)
        if verrouille.type_scrutin != TypeScrutin.ELECTION:
            raise ValidationError(_("On ne se porte candidat qu'à une élection."))
        _en_preparation(verrouille)
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
            verbe="college.candidature.declaree",
            acteur=acteur,
            cible=verrouille,
            donnees={"candidat": personne.pk},
        )
    return candidature


def candidature_retirer(*, candidature: Candidature, acteur: Acteur) -> None:
    from conseil.permissions import est_gestionnaire

    if acteur.pk != candidature.personne_id and not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le candidat ou le secrétariat retire une candidature."))
    with transaction.atomic():
        verrouille = Scrutin.objects.select_for_update().get(pk=candidature.scrutin_id)
        _en_preparation(verrouille)
        candidature.delete()
        evenement_enregistrer(
            verbe="college.candidature.retiree",
            acteur=acteur,
            cible=verrouille,
            donnees={"candidat": candidature.personne_id},
        )


def interet_declarer(*, personne: Any, objet: Model, nature: str, acteur: Acteur) -> DeclarationInteret:
    """Le membre (ou le secrétariat pour lui) déclare un intérêt dans un sujet : il sera écarté
    des scrutins qui portent sur ce sujet. Déclaré après l'ouverture, il ne change pas le
    corps électoral déjà photographié : le secrétariat annule et rouvre si nécessaire."""
    from conseil.permissions import est_gestionnaire

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
            verbe="college.interet.declare", acteur=acteur, cible=objet, donnees={"personne": personne.pk}
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
    from conseil.permissions import est_gestionnaire

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
            verbe="college.procuration.donnee",
            acteur=acteur,
            cible=verrouille,
            donnees={"mandant": mandant.pk, "mandataire": mandataire.pk},
        )
    return procuration


# --- Ouverture ------------------------------------------------------------------------


def _sujets(scrutin: Scrutin) -> list[tuple[int, str]]:
    """Les sujets dont un intérêt déclaré écarte du vote : l'objet du scrutin et le scrutin."""
    sujets = [(ContentType.objects.get_for_model(Scrutin).pk, str(scrutin.pk))]
    if scrutin.objet_type_id:
        sujets.append((scrutin.objet_type_id, scrutin.objet_id))
    return sujets


def scrutin_ouvrir(*, scrutin: Scrutin, acteur: Acteur) -> Scrutin:
    """Fige les règles de l'instance, photographie le corps électoral (membres à voix
    délibérative en cours), écarte ceux qui ont déclaré un intérêt dans le sujet, reprend les
    procurations de la séance et vérifie celles données pour le scrutin."""
    with transaction.atomic():
        verrouille = Scrutin.objects.select_for_update().select_related("instance").get(pk=scrutin.pk)
        _en_preparation(verrouille)
        maintenant = timezone.now()
        if verrouille.cloture <= maintenant:
            raise ValidationError(_("La clôture du vote est passée : changez-la avant d'ouvrir le scrutin."))
        if verrouille.type_scrutin == TypeScrutin.ELECTION:
            candidats = verrouille.candidatures.count()
            if candidats == 0:
                raise ValidationError(_("Aucun candidat ne s'est déclaré : l'élection ne peut pas s'ouvrir."))
        instance = verrouille.instance
        mandats = membres_votants(instance, timezone.localdate())
        if not mandats:
            raise ValidationError(_("%(instance)s n'a aucun membre votant.") % {"instance": instance})
        interesses: set[int] = set()
        for type_id, objet_id in _sujets(verrouille):
            interesses |= set(
                DeclarationInteret.objects.filter(objet_type_id=type_id, objet_id=objet_id).values_list(
                    "personne_id", flat=True
                )
            )
        Electeur.objects.bulk_create(
            [
                Electeur(
                    scrutin=verrouille,
                    personne=m.personne,
                    mandat=m,
                    exclu_pour_interet=m.personne_id in interesses,
                )
                for m in mandats
            ]
        )
        electeurs = {m.personne_id for m in mandats} - interesses
        # Les procurations données pendant la préparation qui ne tiennent plus (un intérêt
        # déclaré depuis, un mandat terminé) tombent, et le journal le dit.
        tombees = [
            p
            for p in verrouille.procurations.all()
            if p.mandant_id not in electeurs
            or p.mandataire_id not in electeurs
            or not instance.procurations_autorisees
        ]
        for procuration in tombees:
            procuration.delete()
        # La procuration donnée pour la séance vaut pour ses scrutins.
        reprises = 0
        if verrouille.reunion_id and instance.procurations_autorisees:
            deja = set(verrouille.procurations.values_list("mandant_id", flat=True))
            for de_seance in Procuration.objects.filter(reunion_id=verrouille.reunion_id):
                if (
                    de_seance.mandant_id in electeurs
                    and de_seance.mandataire_id in electeurs
                    and de_seance.mandant_id not in deja
                ):
                    ProcurationVote.objects.create(
                        scrutin=verrouille,
                        mandant_id=de_seance.mandant_id,
                        mandataire_id=de_seance.mandataire_id,
                        de_la_seance=True,
                    )
                    reprises += 1
        Scrutin.objects.filter(pk=verrouille.pk).update(
            quorum_part=instance.quorum_part,
            quorum_compte_procurations=instance.quorum_compte_procurations,
            base_majorite=instance.vote_base_majorite,
            abstentions_exprimees=instance.vote_abstentions_exprimees,
            procurations_autorisees=instance.procurations_autorisees,
            procurations_max_par_membre=instance.procurations_max_par_membre,
            departage=instance.vote_departage,
            ouvert_le=maintenant,
        )
        transition(
            verrouille,
            vers=StatutScrutin.OUVERT,
            acteur=acteur,
            donnees={
                "electeurs": len(electeurs),
                "exclus_pour_interet": len(interesses & {m.personne_id for m in mandats}),
                "procurations_reprises": reprises,
                "procurations_tombees": len(tombees),
            },
            workflow=SCRUTIN,
        )
        notifier(
            destinataires=[m.personne for m in mandats if m.personne_id in electeurs],
            verbe="college.scrutin.ouvert",
            titre=_("Scrutin ouvert : %(titre)s") % {"titre": verrouille.titre},
            gabarit="college/notifications/scrutin_ouvert.txt",
            contexte={"scrutin": verrouille},
            url=verrouille.get_absolute_url(),
        )
    scrutin.refresh_from_db()
    return scrutin


# --- Vote ---------------------------------------------------------------------------------


def _verrou_partage(scrutin_id: int) -> tuple[str, datetime, datetime]:
    """Verrou partagé sur le scrutin (FOR KEY SHARE) : les votants ne s'attendent pas entre
    eux, mais la clôture (FOR UPDATE) attend les bulletins en cours, et un bulletin qui
    arrive après elle voit le scrutin clos. Sans ce verrou pris *avant* de lire le statut, un
    bulletin lu « ouvert » pourrait entrer dans l'urne après le dépouillement."""
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT statut, ouverture, cloture FROM college_scrutin WHERE id = %s FOR KEY SHARE", [scrutin_id]
        )
        ligne = curseur.fetchone()
    if ligne is None:
        raise ValidationError(_("Ce scrutin n'existe pas."))
    return ligne[0], ligne[1], ligne[2]


def bulletin_deposer(
    *,
    scrutin: Scrutin,
    votant: Any,
    choix: str = "",
    candidats: Sequence[int] = (),
    motivation: str = "",
    pour: Any = None,
) -> str:
    """Dépose un bulletin de `votant`, pour lui-même ou pour `pour` (son mandant). Renvoie le
    code de reçu, que le votant est seul à connaître. Un bulletin ne se remplace pas."""
    electeur_id = pour.pk if pour is not None else votant.pk
    with transaction.atomic():
        statut, ouverture, cloture = _verrou_partage(scrutin.pk)
        maintenant = timezone.now()
        if statut != StatutScrutin.OUVERT:
            raise ValidationError(_("Le scrutin n'est pas ouvert : aucun bulletin n'est accepté."))
        if maintenant < ouverture:
            raise ValidationError(
                _("Le vote ouvre le %(date)s.")
                % {"date": timezone.localtime(ouverture).strftime("%d/%m/%Y à %H:%M")}
            )
        if maintenant >= cloture:
            raise ValidationError(
                _("Le vote est clos depuis le %(date)s.")
                % {"date": timezone.localtime(cloture).strftime("%d/%m/%Y à %H:%M")}
            )
        electeur = Electeur.objects.filter(scrutin_id=scrutin.pk, personne_id=electeur_id).first()
        if electeur is None:
            raise ValidationError(_("Vous ne faites pas partie du corps électoral de ce scrutin."))
        if electeur.exclu_pour_interet:
            raise ValidationError(
                _("Un intérêt déclaré dans ce sujet écarte %(personne)s de ce vote.")
                % {"personne": pour or votant}
            )
        if pour is not None:
            if not ProcurationVote.objects.filter(
                scrutin_id=scrutin.pk, mandant=pour, mandataire=votant
            ).exists():
                raise ValidationError(
                    _("Vous ne détenez pas la procuration de %(personne)s.") % {"personne": pour}
                )
        else:
            donnee = (
                ProcurationVote.objects.filter(scrutin_id=scrutin.pk, mandant=votant)
                .select_related("mandataire")
                .first()
            )
            if donnee is not None:
                raise ValidationError(
                    _("Vous avez donné procuration à %(personne)s : c'est lui qui vote pour vous.")
                    % {"personne": donnee.mandataire}
                )
        type_scrutin, sieges, secret = (
            Scrutin.objects.filter(pk=scrutin.pk).values_list("type_scrutin", "sieges", "secret").get()
        )
        if type_scrutin == TypeScrutin.ELECTION:
            choisis = list(dict.fromkeys(int(c) for c in candidats))
            valides = set(Candidature.objects.filter(scrutin_id=scrutin.pk).values_list("pk", flat=True))
            if not set(choisis) <= valides:
                raise ValidationError(_("Ce bulletin cite une personne qui n'est pas candidate."))
            if len(choisis) > sieges:
                raise ValidationError(
                    ngettext(
                        "Choisissez au plus %(n)s candidat.", "Choisissez au plus %(n)s candidats.", sieges
                    )
                    % {"n": sieges}
                )
            choix = Choix.CANDIDATS if choisis else Choix.BLANC
        else:
            choisis = []
            if choix not in CHOIX_PAR_TYPE[type_scrutin]:
                raise ValidationError({"choix": _("Choisissez l'une des réponses proposées.")})
            if type_scrutin != TypeScrutin.AVIS:
                motivation = ""
        try:
            with transaction.atomic():
                Emargement.objects.create(
                    scrutin_id=scrutin.pk, personne_id=electeur_id, vote_par=votant if pour else None
                )
        except IntegrityError:
            raise ValidationError(
                _(
                    "Un bulletin a déjà été déposé pour %(personne)s dans ce scrutin : "
                    "il ne peut être ni remplacé ni modifié."
                )
                % {"personne": pour or votant},
                code="deja_vote",
            ) from None
        bulletin = Bulletin.objects.create(
            scrutin_id=scrutin.pk,
            choix=choix,
            candidats=choisis,
            motivation=motivation.strip(),
            personne_id=None if secret else electeur_id,
            vote_par=None if secret or pour is None else votant,
        )
        # Le journal dit qui a voté (comme l'émargement), jamais quoi.
        evenement_enregistrer(
            verbe="college.bulletin.depose",
            acteur=votant,
            cible=scrutin,
            donnees={"par_procuration_pour": pour.pk} if pour is not None else {},
        )
    return bulletin.recu


# --- Dépouillement ----------------------------------------------------------------------


def resultat_calculer(scrutin: Scrutin) -> dict[str, Any]:
    """Le résultat à partir de l'urne et des règles figées. Quatre requêtes."""
    bulletins = list(Bulletin.objects.filter(scrutin=scrutin).only("recu", "choix", "candidats"))
    electeurs = list(scrutin.electeurs.select_related("personne"))
    votants = [e for e in electeurs if not e.exclu_pour_interet]
    exclus = [str(e.personne) for e in electeurs if e.exclu_pour_interet]
    procurations = scrutin.emargements.filter(vote_par__isnull=False).count()
    regles = regles_figees(scrutin)
    if scrutin.type_scrutin == TypeScrutin.ELECTION:
        candidatures = list(scrutin.candidatures.select_related("personne"))
        graine = decompte.graine_du_tirage(bulletins)
        resultat = decompte.election(
            regles,
            electeurs=len(votants),
            bulletins=[b.candidats for b in bulletins],
            candidats=[decompte.Candidat(c.pk, str(c.personne), c.date_naissance) for c in candidatures],
            graine=graine,
            procurations=procurations,
        )
        noms = {c.pk: str(c.personne) for c in candidatures}
        donnees = resultat.en_json() | {"graine": graine, "noms": {str(k): v for k, v in noms.items()}}
    elif scrutin.type_scrutin == TypeScrutin.AVIS:
        donnees = decompte.avis(
            regles, electeurs=len(votants), choix=[b.choix for b in bulletins], procurations=procurations
        ).en_json()
    else:
        donnees = decompte.deliberation(
            regles, electeurs=len(votants), choix=[b.choix for b in bulletins], procurations=procurations
        ).en_json()
    return donnees | {"exclus_pour_interet": exclus, "procurations": procurations}


# Réécrit l'urne d'un scrutin à sa clôture : mêmes bulletins, nouvelles clés, ordre aléatoire,
# tous écrits par la même transaction. Pendant le vote, chaque bulletin porte dans les colonnes
# cachées de PostgreSQL (xmin, position dans la table) la trace de la transaction qui l'a
# déposé, voisine de celle de son émargement : quiconque lit la base pourrait rapprocher les
# deux. Après la réécriture, plus rien ne distingue un bulletin d'un autre. (Les anciennes
# versions des lignes restent sur le disque jusqu'au VACUUM automatique.)
MELANGER_L_URNE = """
CREATE TEMPORARY TABLE urne_melangee ON COMMIT DROP AS
    SELECT scrutin_id, choix, candidats, motivation, recu, personne_id, vote_par_id
    FROM college_bulletin WHERE scrutin_id = %s;
DELETE FROM college_bulletin WHERE scrutin_id = %s;
INSERT INTO college_bulletin (id, scrutin_id, choix, candidats, motivation, recu, personne_id, vote_par_id)
    SELECT gen_random_uuid(), scrutin_id, choix, candidats, motivation, recu, personne_id, vote_par_id
    FROM urne_melangee ORDER BY random();
DROP TABLE urne_melangee;
"""


def _melanger_l_urne(scrutin_id: int) -> None:
    with connection.cursor() as curseur:
        curseur.execute(MELANGER_L_URNE, [scrutin_id, scrutin_id])


def scrutin_clore(*, scrutin: Scrutin, acteur: Acteur = None, motif: str = "") -> Scrutin:
    """Dépouille et publie. À l'heure de clôture, par la tâche périodique (acteur None) ; plus
    tôt, par le secrétariat avec un motif gardé au registre."""
    with transaction.atomic():
        verrouille = Scrutin.objects.select_for_update().select_related("instance").get(pk=scrutin.pk)
        if verrouille.statut != StatutScrutin.OUVERT:
            raise ValidationError(_("Seul un scrutin ouvert peut être clos."))
        maintenant = timezone.now()
        anticipee = maintenant < verrouille.cloture
        if anticipee and acteur is None:
            raise ValidationError(_("L'heure de clôture n'est pas venue."))
        if anticipee and not motif.strip():
            raise ValidationError({"motif": _("Indiquez le motif de la clôture anticipée.")})
        _melanger_l_urne(verrouille.pk)
        resultat = resultat_calculer(verrouille)
        Scrutin.objects.filter(pk=verrouille.pk).update(
            resultat=resultat, clos_le=maintenant, motif_cloture_anticipee=motif.strip() if anticipee else ""
        )
        transition(
            verrouille,
            vers=StatutScrutin.CLOS,
            acteur=acteur,
            motif=motif.strip() if anticipee else "",
            donnees={"issue": resultat["issue"], "votants": resultat["votants"], "anticipee": anticipee},
            workflow=SCRUTIN,
        )
        notifier(
            destinataires=[e.personne for e in verrouille.electeurs.select_related("personne")],
            verbe="college.scrutin.clos",
            titre=_("Résultat publié : %(titre)s") % {"titre": verrouille.titre},
            gabarit="college/notifications/scrutin_clos.txt",
            contexte={"scrutin": verrouille},
            url=verrouille.get_absolute_url(),
        )
    scrutin.refresh_from_db()
    return scrutin


def participation_en_direct(scrutin: Scrutin) -> dict[str, int]:
    """Ce que le secrétariat voit pendant le vote : combien ont voté, jamais quoi."""
    electeurs = scrutin.electeurs.aggregate(
        total=Count("id"), exclus=Count("id", filter=Q(exclu_pour_interet=True))
    )
    votants = scrutin.emargements.count()
    return {
        "electeurs": electeurs["total"] - electeurs["exclus"],
        "exclus": electeurs["exclus"],
        "votants": votants,
        "procurations": scrutin.procurations.count(),
    }


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


def _valeur_au_journal(valeur: Any) -> str:
    if isinstance(valeur, datetime):
        return timezone.localtime(valeur).isoformat()
    return "" if valeur is None else str(valeur)


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
        avant = {nom: _valeur_au_journal(getattr(verrouille, nom)) for nom in champs}
        modifies = [nom for nom in champs if nom != "objet"]
        for nom in modifies:
            setattr(verrouille, nom, champs[nom])
        if "objet" in champs:
            objet = champs["objet"]
            verrouille.objet_type = ContentType.objects.get_for_model(objet) if objet is not None else None
            verrouille.objet_id = str(objet.pk) if objet is not None else ""
            modifies += ["objet_type", "objet_id"]
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
        verrouille.save(update_fields=modifies)
        apres = {nom: _valeur_au_journal(getattr(verrouille, nom)) for nom in champs}
        evenement_enregistrer(
            verbe="college.scrutin.modifie",
            acteur=acteur,
            cible=verrouille,
            donnees={nom: [avant[nom], apres[nom]] for nom in champs if avant[nom] != apres[nom]},
        )
    scrutin.refresh_from_db()
    return scrutin


# --- Discussions --------------------------------------------------------------------------

COMMENTAIRE_LONGUEUR_MAX = 20_000


def participants_possibles(instance: Instance) -> QuerySet[Any]:
    """Les personnes qui ont (ou ont eu) un mandat dans l'instance : ceux qu'on peut mentionner."""
    aujourd_hui = timezone.localdate()
    return (
        get_user_model()
        .objects.filter(is_active=True, mandats__instance=instance, mandats__debut__lte=aujourd_hui)
        .distinct()
        .order_by("nom", "prenom", "pk")
    )


def peut_participer(utilisateur: Any, instance_id: int) -> bool:
    """Lire et écrire dans les discussions d'une instance : ses membres (mandat en cours ou
    passé), le secrétariat et les co-présidents."""
    if voit_tout_le_conseil(utilisateur):
        return True
    if not (utilisateur is not None and utilisateur.is_authenticated and utilisateur.is_active):
        return False
    return (
        Mandat.objects.filter(instance_id=instance_id, personne=utilisateur)
        .commences(timezone.localdate())
        .exists()
    )


def _verifier_participant(utilisateur: Any, instance_id: int) -> None:
    if not peut_participer(utilisateur, instance_id):
        raise ValidationError(_("Seuls les membres de l'instance participent à ses discussions."))


def _texte_valide(texte: str) -> str:
    texte = texte.strip()
    if not texte:
        raise ValidationError({"texte": _("Écrivez votre commentaire.")})
    if len(texte) > COMMENTAIRE_LONGUEUR_MAX:
        raise ValidationError(
            {
                "texte": _("Un commentaire tient en %(max)s caractères au plus.")
                % {"max": COMMENTAIRE_LONGUEUR_MAX}
            }
        )
    return texte


def instance_du_sujet(objet: Model) -> int | None:
    """L'instance d'un sujet de discussion : celle de la séance pour un point de l'ordre du
    jour, la sienne pour un texte ou un scrutin."""
    if isinstance(objet, PointOrdreDuJour):
        return objet.reunion.instance_id
    instance_id = getattr(objet, "instance_id", None)
    return instance_id if isinstance(instance_id, int) else None


def discussion_ouvrir(
    *, instance: Instance, titre: str, objet: Model | None = None, acteur: Acteur, texte: str = ""
) -> Discussion:
    """Ouvre une discussion dans l'instance, sur un sujet ou non ; celui qui l'ouvre la suit.
    Avec `texte`, le premier commentaire est publié dans la même transaction."""
    _verifier_participant(acteur, instance.pk)
    titre = titre.strip()
    if not titre:
        raise ValidationError({"titre": _("Donnez un titre à la discussion.")})
    if objet is not None and instance_du_sujet(objet) not in (None, instance.pk):
        raise ValidationError({"instance": _("Le sujet appartient à une autre instance.")})
    with transaction.atomic():
        discussion = Discussion.objects.create(
            instance=instance,
            titre=titre[:255],
            objet_type=ContentType.objects.get_for_model(objet) if objet is not None else None,
            objet_id=str(objet.pk) if objet is not None else "",
            cree_par=acteur,
        )
        SuiviDiscussion.objects.create(discussion=discussion, utilisateur=acteur)
        evenement_enregistrer(
            verbe="college.discussion.ouverte",
            acteur=acteur,
            cible=discussion,
            donnees={"instance": instance.pk, "objet": str(objet) if objet is not None else ""},
        )
        if texte.strip():
            commentaire_publier(discussion=discussion, auteur=acteur, texte=texte)
    return discussion


def _notifier_mentions(
    *, commentaire: Commentaire, auteur: Any, mentionnes: Iterable[Any], discussion: Discussion
) -> None:
    notifier(
        destinataires=[p for p in mentionnes if p.pk != auteur.pk],
        verbe="college.commentaire.mention",
        titre=_("%(auteur)s vous mentionne : %(titre)s") % {"auteur": auteur, "titre": discussion.titre},
        gabarit="college/notifications/commentaire_mention.txt",
        contexte={"commentaire": commentaire, "discussion": discussion, "auteur": auteur},
        url=commentaire.get_absolute_url(),
    )


def commentaire_publier(
    *, discussion: Discussion, auteur: Any, texte: str, parent: Commentaire | None = None
) -> Commentaire:
    """Publie un commentaire, ou une réponse (un seul niveau : répondre à une réponse, c'est
    répondre au commentaire qu'elle suit). L'auteur suit désormais la discussion ; les
    membres mentionnés sont notifiés, les autres personnes qui la suivent aussi, chacun une
    seule fois, jamais l'auteur."""
    _verifier_participant(auteur, discussion.instance_id)
    texte = _texte_valide(texte)
    if parent is not None:
        if parent.discussion_id != discussion.pk:
            raise ValidationError(_("On répond à un commentaire de la même discussion."))
        if parent.parent_id is not None:
            parent = Commentaire.objects.get(pk=parent.parent_id)
        if parent.masque:
            raise ValidationError(_("Ce commentaire est masqué : on n'y répond plus."))
    with transaction.atomic():
        commentaire = Commentaire.objects.create(
            discussion=discussion, parent=parent, auteur=auteur, texte=texte
        )
        # ON CONFLICT DO NOTHING : l'auteur qui suit déjà (ou qui publie deux fois à la
        # fois) ne bute pas sur la contrainte d'unicité.
        SuiviDiscussion.objects.bulk_create(
            [SuiviDiscussion(discussion=discussion, utilisateur=auteur)], ignore_conflicts=True
        )
        mentions = rendu.mentionnes(texte, list(participants_possibles(discussion.instance)))
        deja = {p.pk for p in mentions} | {auteur.pk}
        suiveurs = [
            s.utilisateur
            for s in discussion.suivis.select_related("utilisateur")
            if s.utilisateur_id not in deja
        ]
        evenement_enregistrer(
            verbe="college.commentaire.publie",
            acteur=auteur,
            cible=commentaire,
            donnees={
                "discussion": discussion.pk,
                "parent": parent.pk if parent is not None else None,
                "mentions": sorted(p.pk for p in mentions),
            },
        )
        _notifier_mentions(commentaire=commentaire, auteur=auteur, mentionnes=mentions, discussion=discussion)
        notifier(
            destinataires=suiveurs,
            verbe="college.commentaire.publie",
            titre=_("Nouveau commentaire : %(titre)s") % {"titre": discussion.titre},
            gabarit="college/notifications/commentaire_publie.txt",
            contexte={"commentaire": commentaire, "discussion": discussion, "auteur": auteur},
            url=commentaire.get_absolute_url(),
        )
    return commentaire


def commentaire_modifier(*, commentaire: Commentaire, acteur: Acteur, texte: str) -> Commentaire:
    """L'auteur corrige son commentaire : le texte précédent est gardé dans l'historique. Les
    membres mentionnés pour la première fois sont notifiés ; les autres ne le sont pas deux fois."""
    texte = _texte_valide(texte)
    with transaction.atomic():
        verrouille = (
            Commentaire.objects.select_for_update(of=("self",))
            .select_related("discussion__instance")
            .get(pk=commentaire.pk)
        )
        if verrouille.auteur_id != getattr(acteur, "pk", None):
            raise ValidationError(_("Seul son auteur modifie un commentaire."))
        _verifier_participant(acteur, verrouille.discussion.instance_id)
        if verrouille.masque:
            raise ValidationError(_("Ce commentaire a été masqué par le secrétariat : il ne change plus."))
        if texte == verrouille.texte:
            return verrouille
        precedent = verrouille.texte
        version = VersionCommentaire.objects.create(commentaire=verrouille, texte=precedent)
        verrouille.texte = texte
        verrouille.modifie_le = timezone.now()
        verrouille.save(update_fields=["texte", "modifie_le"])
        membres = list(participants_possibles(verrouille.discussion.instance))
        avant = {p.pk for p in rendu.mentionnes(precedent, membres)}
        nouveaux = [p for p in rendu.mentionnes(texte, membres) if p.pk not in avant]
        evenement_enregistrer(
            verbe="college.commentaire.modifie",
            acteur=acteur,
            cible=verrouille,
            donnees={"version": version.pk, "mentions_ajoutees": sorted(p.pk for p in nouveaux)},
        )
        _notifier_mentions(
            commentaire=verrouille, auteur=acteur, mentionnes=nouveaux, discussion=verrouille.discussion
        )
    commentaire.refresh_from_db()
    return commentaire


def commentaire_masquer(*, commentaire: Commentaire, acteur: Acteur, motif: str) -> Commentaire:
    """Le secrétariat masque un commentaire, avec un motif affiché à sa place et gardé au
    journal. L'auteur et le secrétariat en lisent encore le texte."""
    if not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le secrétariat masque un commentaire."))
    motif = motif.strip()
    if not motif:
        raise ValidationError({"motif": _("Indiquez le motif du masquage : il est affiché à sa place.")})
    with transaction.atomic():
        verrouille = Commentaire.objects.select_for_update().get(pk=commentaire.pk)
        if verrouille.masque:
            raise ValidationError(_("Ce commentaire est déjà masqué."))
        verrouille.masque_le = timezone.now()
        verrouille.masque_par = acteur
        verrouille.motif_masquage = motif
        verrouille.save(update_fields=["masque_le", "masque_par", "motif_masquage"])
        evenement_enregistrer(
            verbe="college.commentaire.masque",
            acteur=acteur,
            cible=verrouille,
            etat_avant="visible",
            etat_apres="masque",
            motif=motif,
            donnees={"discussion": verrouille.discussion_id, "auteur": verrouille.auteur_id},
        )
    commentaire.refresh_from_db()
    return commentaire


def discussion_suivre(*, discussion: Discussion, utilisateur: Any, suivre: bool) -> bool:
    """Suivre (être notifié de chaque nouveau commentaire) ou ne plus suivre ; rend l'état
    obtenu. Sans effet si c'était déjà le cas."""
    _verifier_participant(utilisateur, discussion.instance_id)
    if suivre:
        SuiviDiscussion.objects.bulk_create(
            [SuiviDiscussion(discussion=discussion, utilisateur=utilisateur)], ignore_conflicts=True
        )
    else:
        SuiviDiscussion.objects.filter(discussion=discussion, utilisateur=utilisateur).delete()
    return suivre
