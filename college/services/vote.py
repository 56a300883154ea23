"""Le vote : ouverture (corps électoral et règles figés), dépôt des bulletins, clôture,
dépouillement et urne publiée."""

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from college import chiffrement, decompte
from college.models import (
    CHOIX_PAR_TYPE,
    MOTIVATION_MAX,
    Bulletin,
    BulletinScelle,
    Candidature,
    Choix,
    DeclarationInteret,
    Electeur,
    Emargement,
    ProcurationVote,
    Scrutin,
    StatutScrutin,
    TypeScrutin,
    nouveau_recu,
)
from college.selectors import regles_figees
from college.services._commun import Acteur, en_preparation
from college.services.preparation import membres_votants
from college.workflows import SCRUTIN, SCRUTIN_CLOS, SCRUTIN_OUVERT
from conseil.models import Procuration
from socle.francais import date_et_heure, nombre
from socle.services import evenement_enregistrer, notifier
from socle.verbes import Verbe
from socle.workflows import Workflow, transition

# Les actions que ce module écrit au journal d'audit.
BULLETIN_DEPOSE = Verbe("college.bulletin.depose", gettext_lazy("Bulletin déposé"))

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
        en_preparation(verrouille)
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
        # Scrutin secret : la paire de clés de l'urne. La clé privée n'est écrite qu'enveloppée
        # par la clé maîtresse, qui n'est pas dans la base (college/chiffrement.py).
        cles: dict[str, bytes | None] = {}
        if verrouille.secret:
            cles["cle_publique"], cles["cle_privee_enveloppee"] = chiffrement.paire_tirer(verrouille.pk)
        Scrutin.objects.filter(pk=verrouille.pk).update(
            **cles,
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
            verbe=SCRUTIN_OUVERT,
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
            raise ValidationError(_("Le vote ouvre le %(date)s.") % {"date": date_et_heure(ouverture)})
        if maintenant >= cloture:
            raise ValidationError(
                _("Le vote est clos depuis le %(date)s.") % {"date": date_et_heure(cloture)}
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
        type_scrutin, sieges, secret, cle_publique = (
            Scrutin.objects.filter(pk=scrutin.pk)
            .values_list("type_scrutin", "sieges", "secret", "cle_publique")
            .get()
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
            if len(motivation.strip()) > MOTIVATION_MAX:
                raise ValidationError(
                    {
                        "motivation": _(
                            "La motivation compte %(longueur)s caractères : %(max)s au plus. "
                            "Raccourcissez-la, rien n'a été enregistré."
                        )
                        % {"longueur": nombre(len(motivation.strip())), "max": nombre(MOTIVATION_MAX)}
                    },
                    code="motivation_trop_longue",
                )
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
        recu = nouveau_recu()
        if secret and cle_publique is None:
            raise chiffrement.UrneIllisible(f"Le scrutin secret {scrutin.pk} n'a pas de clé publique.")
        if cle_publique is not None:
            # Scellé pour la clé publique du scrutin : le reçu, le choix et la motivation
            # n'existent en clair que dans ce chiffré jusqu'à la clôture. Qui rapprocherait
            # cette ligne de l'émargement écrit par la même transaction (xmin, ordre
            # physique) ne lirait qu'un chiffré de longueur fixe.
            BulletinScelle.objects.create(
                scrutin_id=scrutin.pk,
                chiffre=chiffrement.sceller(
                    cle_publique,
                    chiffrement.BulletinEnClair(
                        recu=recu, choix=choix, candidats=choisis, motivation=motivation.strip()
                    ),
                ),
            )
        else:
            Bulletin.objects.create(
                scrutin_id=scrutin.pk,
                choix=choix,
                candidats=choisis,
                motivation=motivation.strip(),
                recu=recu,
                personne_id=electeur_id,
                vote_par=votant if pour is not None else None,
            )
        # Le journal dit qui a voté (comme l'émargement), jamais quoi.
        evenement_enregistrer(
            verbe=BULLETIN_DEPOSE,
            acteur=votant,
            cible=scrutin,
            donnees={"par_procuration_pour": pour.pk} if pour is not None else {},
        )
    return recu


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


def _urne_publier(scrutin: Scrutin) -> None:
    """Écrit l'urne publiée, d'un bloc, dans la transaction de la clôture.

    Scrutin secret : la clé privée est désenveloppée en mémoire, chaque bulletin scellé
    ouvert ; les bulletins scellés et la clé enveloppée sont effacés : plus rien ne s'ouvrira.
    Dans tous les cas, l'urne est réécrite en entier (nouvelles clés, ordre tiré au hasard,
    une seule instruction INSERT) : toutes ses lignes portent la même transaction (xmin) et
    leur ordre physique ne dit rien de l'ordre des dépôts."""
    en_clair = list(
        Bulletin.objects.filter(scrutin=scrutin).values_list(
            "recu", "choix", "candidats", "motivation", "personne_id", "vote_par_id"
        )
    )
    # Scrutin nominatif : le votant reste attaché à son bulletin (par son reçu).
    votants = {recu: (personne, vote_par) for recu, _c, _k, _m, personne, vote_par in en_clair}
    contenus = [
        chiffrement.BulletinEnClair(recu, choix, list(k), m) for recu, choix, k, m, _p, _v in en_clair
    ]
    scelles = list(BulletinScelle.objects.filter(scrutin=scrutin).values_list("chiffre", flat=True))
    if scrutin.cle_privee_enveloppee is not None:
        privee = chiffrement.cle_privee(scrutin.pk, scrutin.cle_privee_enveloppee)
        contenus += [chiffrement.ouvrir(privee, chiffre) for chiffre in scelles]
        del privee
    elif scelles:
        raise chiffrement.UrneIllisible(f"Le scrutin {scrutin.pk} a des bulletins scellés mais plus de clé.")
    emargements = Emargement.objects.filter(scrutin=scrutin).count()
    if len(contenus) != emargements:
        # Un bulletin perdu, ajouté ou recopié en base : on ne publie pas une urne fausse.
        raise chiffrement.UrneIllisible(
            f"L'urne du scrutin {scrutin.pk} compte {len(contenus)} bulletins pour {emargements} émargements."
        )
    secrets.SystemRandom().shuffle(contenus)
    Scrutin.objects.filter(pk=scrutin.pk).update(cle_privee_enveloppee=None)
    BulletinScelle.objects.filter(scrutin=scrutin).delete()
    Bulletin.objects.filter(scrutin=scrutin).delete()
    Bulletin.objects.bulk_create(
        Bulletin(
            scrutin=scrutin,
            recu=c.recu,
            choix=c.choix,
            candidats=c.candidats,
            motivation=c.motivation,
            personne_id=None if scrutin.secret else votants[c.recu][0],
            vote_par_id=None if scrutin.secret else votants[c.recu][1],
        )
        for c in contenus
    )


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
        _urne_publier(verrouille)
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
            verbe=SCRUTIN_CLOS,
            titre=_("Résultat publié : %(titre)s") % {"titre": verrouille.titre},
            gabarit="college/notifications/scrutin_clos.txt",
            contexte={"scrutin": verrouille},
            url=verrouille.get_absolute_url(),
        )
    scrutin.refresh_from_db()
    return scrutin


def scrutin_annuler(*, scrutin: Scrutin, acteur: Acteur, motif: str, workflow: Workflow = SCRUTIN) -> Scrutin:
    """Annule un scrutin en préparation ou ouvert. Ses bulletins ne seront jamais dépouillés :
    la clé enveloppée et les bulletins scellés sont effacés avec l'annulation, plus personne
    ne peut les ouvrir (pas même avec la clé maîtresse)."""
    with transaction.atomic():
        Scrutin.objects.filter(pk=scrutin.pk).update(cle_privee_enveloppee=None)
        BulletinScelle.objects.filter(scrutin_id=scrutin.pk).delete()
        transition(scrutin, vers=StatutScrutin.ANNULE, acteur=acteur, motif=motif, workflow=workflow)
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
