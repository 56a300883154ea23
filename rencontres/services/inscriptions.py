"""Les écritures des rencontres : s'inscrire avec son foyer (tout ou rien), la liste d'attente
et ses promotions, annuler, valider une inscription modérée, pointer à l'accueil.

Les places : une décision sur la capacité d'une rencontre (inscrire, annuler, promouvoir,
expirer une place proposée) se prend sous le verrou de la ligne de la rencontre
(`SELECT … FOR UPDATE`) : deux personnes qui prennent la dernière place au même instant
passent l'une après l'autre, et la seconde trouve l'activité complète. Un seul verrou par
rencontre, pris toujours de la même façon : pas d'interblocage entre activités.

Chaque service est typé, à arguments nommés, tient dans une transaction et écrit au journal ;
les refus sont des `ValidationError` en français rangées par champ. Les courriels (confirmation
avec son fichier d'agenda, place proposée, annulation) partent par la boîte d'envoi.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencontres.models import (
    ETATS_ACTIFS,
    ETATS_QUI_TIENNENT_DES_PLACES,
    Activite,
    DemandeDeChangement,
    EtatInscription,
    Inscription,
    LienFoyer,
    MessageAuxInscrits,
    Participant,
    Place,
    Question,
    Rencontre,
    Reponse,
    StatutRencontre,
    TypeQuestion,
)
from rencontres.services.vivier import ACCORD_VIVIER_DONNE, DUREE_ACCORD_VIVIER_ANS, texte_accord_vivier
from socle.francais import date_et_heure, heure
from socle.services import apres_validation, evenement_enregistrer
from socle.verbes import Verbe

INSCRIPTION_CREEE = Verbe("rencontres.inscription.creee", gettext_lazy("Inscription à une rencontre"))
INSCRIPTION_ANNULEE = Verbe("rencontres.inscription.annulee", gettext_lazy("Inscription annulée"))
INSCRIPTION_VALIDEE = Verbe("rencontres.inscription.validee", gettext_lazy("Inscription validée"))
PLACE_PROPOSEE = Verbe("rencontres.inscription.place_proposee", gettext_lazy("Place libérée proposée"))
PLACE_CONFIRMEE = Verbe("rencontres.inscription.place_confirmee", gettext_lazy("Place confirmée"))
PLACE_EXPIREE = Verbe(
    "rencontres.inscription.place_expiree", gettext_lazy("Place proposée non confirmée à temps")
)
ARRIVEE_POINTEE = Verbe("rencontres.inscription.arrivee", gettext_lazy("Arrivée pointée à l'accueil"))


@dataclass(frozen=True)
class Membre:
    """Un membre du foyer inscrit avec la personne."""

    nom: str
    prenom: str
    lien: str = LienFoyer.AUTRE


@dataclass(frozen=True)
class SaisieInscription:
    nom: str
    prenom: str
    email: str
    activites: Sequence[Activite]
    telephone: str = ""
    profession: str = ""
    structure: str = ""
    foyer: Sequence[Membre] = ()
    reponses: Mapping[int, str] = field(default_factory=dict)
    # Si une activité est complète : la liste d'attente (vrai) ou un refus (faux).
    liste_d_attente_acceptee: bool = True
    # La case de l'accord pour le vivier du recrutement, cochée (rencontres qui le proposent).
    accord_vivier: bool = False


def _verrouiller(rencontre: Rencontre) -> Rencontre:
    return Rencontre.objects.select_for_update().get(pk=rencontre.pk)


def places_occupees(activites: Sequence[int]) -> dict[int, int]:
    """Les places tenues de chaque activité (celles des inscriptions qui en tiennent)."""
    lignes = (
        Place.objects.filter(activite__in=activites, inscription__etat__in=ETATS_QUI_TIENNENT_DES_PLACES)
        .values("activite")
        .annotate(n=Count("id"))
    )
    occupees = {activite: 0 for activite in activites}
    occupees.update({ligne["activite"]: ligne["n"] for ligne in lignes})
    return occupees


def _completes(activites: Sequence[Activite], personnes: int) -> list[Activite]:
    """Les activités où `personnes` places de plus ne tiennent pas."""
    occupees = places_occupees([a.pk for a in activites])
    return [a for a in activites if a.capacite is not None and occupees[a.pk] + personnes > a.capacite]


def _verifier_reponses(
    rencontre: Rencontre, reponses: Mapping[int, str], refus: Any
) -> list[tuple[Question, str]]:
    retenues = []
    for question in Question.objects.filter(rencontre=rencontre):
        valeur = str(reponses.get(question.pk, "")).strip()
        if not valeur:
            if question.obligatoire:
                refus(
                    f"question_{question.pk}",
                    _("Répondez à cette question : « %(q)s ».") % {"q": question.libelle},
                )
            continue
        if question.type == TypeQuestion.CHOIX and valeur not in question.choix:
            refus(f"question_{question.pk}", _("Choisissez une réponse de la liste."))
        elif question.type == TypeQuestion.OUI_NON and valeur not in ("oui", "non"):
            refus(f"question_{question.pk}", _("Répondez par oui ou par non."))
        elif question.type == TypeQuestion.NOMBRE and not valeur.isdigit():
            refus(f"question_{question.pk}", _("Répondez par un nombre entier."))
        retenues.append((question, valeur))
    return retenues


def inscrire(
    *,
    rencontre: Rencontre,
    saisie: SaisieInscription,
    compte: Any = None,
    maintenant: datetime | None = None,
    sur_place: bool = False,
    acteur: Any = None,
) -> Inscription:
    """Inscrit la personne et son foyer aux activités choisies, tout ou rien : toutes les places
    sont données, ou aucune (liste d'attente si la personne l'accepte, sinon refus).

    `sur_place` : à l'entrée, par l'accueil (`inscrire_sur_place`) ; ni fenêtre d'inscription,
    ni limite de foyer, ni adresse obligatoire, ni modération."""
    maintenant = maintenant or timezone.now()
    erreurs: dict[str, list[str]] = {}

    def refus(champ: str, message: str) -> None:
        erreurs.setdefault(champ, []).append(message)

    with transaction.atomic():
        # Ce qui ne dépend pas des places se vérifie avant le verrou : celui-ci ne tient que le
        # temps de compter les places et d'écrire (la course à la dernière place, bench/).
        _verifier_ouverture(rencontre, maintenant=maintenant, sur_place=sur_place)
        if not saisie.nom.strip():
            refus("nom", _("Indiquez votre nom."))
        if not saisie.prenom.strip():
            refus("prenom", _("Indiquez votre prénom."))
        if not saisie.email.strip() and not sur_place:
            refus("email", _("Indiquez votre adresse électronique."))
        personnes = 1 + len(saisie.foyer)
        if personnes > rencontre.foyer_max and not sur_place:
            refus(
                "foyer",
                _(
                    "Une inscription compte au plus %(n)s personnes pour cette rencontre ; "
                    "vous en inscrivez %(p)s."
                )
                % {"n": rencontre.foyer_max, "p": personnes},
            )
        for membre in saisie.foyer:
            if not (membre.nom.strip() and membre.prenom.strip()):
                refus("foyer", _("Indiquez le nom et le prénom de chaque membre du foyer."))
                break
        activites = list(dict.fromkeys(saisie.activites))
        if not activites:
            refus("activites", _("Choisissez au moins une activité."))
        elif any(a.rencontre_id != rencontre.pk for a in activites):
            refus("activites", _("Ces activités ne sont pas celles de cette rencontre."))
        reponses = _verifier_reponses(rencontre, saisie.reponses, refus)
        if (
            saisie.email.strip()
            and Inscription.objects.filter(
                rencontre=rencontre, email__iexact=saisie.email.strip(), etat__in=ETATS_ACTIFS
            ).exists()
        ):
            refus("email", _("Une inscription à cette adresse existe déjà pour cette rencontre."))
        if erreurs:
            raise ValidationError(erreurs)
        rencontre = _verrouiller(rencontre)
        _verifier_ouverture(rencontre, maintenant=maintenant, sur_place=sur_place)
        completes = _completes(activites, personnes)
        if completes and not saisie.liste_d_attente_acceptee:
            raise ValidationError(
                {
                    "activites": [
                        _("Complet : il ne reste pas %(p)s places pour « %(a)s ».")
                        % {"p": personnes, "a": ", ".join(a.titre for a in completes)}
                    ]
                }
            )
        if completes:
            etat = EtatInscription.LISTE_D_ATTENTE
        elif rencontre.moderee and not sur_place:
            etat = EtatInscription.EN_ATTENTE_DE_VALIDATION
        else:
            etat = EtatInscription.CONFIRMEE
        # L'accord pour le vivier : seulement si la rencontre le propose et que la case est
        # cochée ; daté, avec le texte exact que la personne a lu.
        accord = bool(saisie.accord_vivier and rencontre.propose_le_vivier and saisie.email.strip())
        try:
            with transaction.atomic():
                inscription = Inscription.objects.create(
                    rencontre=rencontre,
                    compte=compte,
                    nom=saisie.nom.strip(),
                    prenom=saisie.prenom.strip(),
                    email=saisie.email.strip(),
                    telephone=saisie.telephone.strip(),
                    profession=saisie.profession.strip(),
                    structure=saisie.structure.strip(),
                    etat=etat,
                    cree_le=maintenant,
                    etat_le=maintenant,
                    arrivee_le=maintenant if sur_place else None,
                    accord_vivier_le=maintenant if accord else None,
                    accord_vivier_texte=texte_accord_vivier() if accord else "",
                )
        except IntegrityError as erreur:
            # Deux inscriptions de la même adresse au même instant : la base n'en garde qu'une.
            raise ValidationError(
                {"email": [_("Une inscription à cette adresse existe déjà pour cette rencontre.")]}
            ) from erreur
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    inscription=inscription,
                    nom=inscription.nom,
                    prenom=inscription.prenom,
                    lien=LienFoyer.TITULAIRE,
                    ordre=0,
                ),
                *(
                    Participant(
                        inscription=inscription,
                        nom=m.nom.strip(),
                        prenom=m.prenom.strip(),
                        lien=m.lien if m.lien != LienFoyer.TITULAIRE else LienFoyer.AUTRE,
                        ordre=rang,
                    )
                    for rang, m in enumerate(saisie.foyer, start=1)
                ),
            ]
        )
        Place.objects.bulk_create(
            Place(participant=p, activite=a, inscription=inscription) for p in participants for a in activites
        )
        Reponse.objects.bulk_create(
            Reponse(inscription=inscription, question=q, valeur=v) for q, v in reponses
        )
        evenement_enregistrer(
            verbe=INSCRIPTION_CREEE,
            acteur=acteur or compte,
            cible=inscription,
            etat_apres=etat,
            donnees={"personnes": personnes, "activites": [a.pk for a in activites], "sur_place": sur_place},
        )
        if accord:
            evenement_enregistrer(verbe=ACCORD_VIVIER_DONNE, acteur=acteur or compte, cible=inscription)
        if inscription.email:
            _prevenir(inscription)
    return inscription


def inscrire_sur_place(*, rencontre: Rencontre, saisie: SaisieInscription, acteur: Any) -> Inscription:
    """Une personne venue sans inscription, inscrite et pointée à l'entrée d'un seul geste, si
    les activités ont de la place pour elle et ses accompagnants (sinon refus : pas de liste
    d'attente à la porte)."""
    return inscrire(rencontre=rencontre, saisie=saisie, compte=None, sur_place=True, acteur=acteur)


def _prevenir(inscription: Inscription) -> None:
    """Le courriel de l'état où l'inscription vient de passer (avec son fichier d'agenda), par la
    boîte d'envoi, après validation."""
    # Import local : rencontres.tasks importe ce module (cercle tasks ↔ services).
    from rencontres.tasks import envoyer_courriel_inscription

    apres_validation(envoyer_courriel_inscription, inscription.pk, inscription.etat)


def _verifier_ouverture(rencontre: Rencontre, *, maintenant: datetime, sur_place: bool) -> None:
    if rencontre.statut != StatutRencontre.PUBLIEE:
        raise ValidationError(_("Cette rencontre n'est pas ouverte aux inscriptions."), code="fermee")
    if not sur_place and not rencontre.inscriptions_du <= maintenant <= rencontre.inscriptions_au:
        raise ValidationError(
            _("Les inscriptions sont closes depuis le %(date)s.")
            % {"date": date_et_heure(rencontre.inscriptions_au)}
            if maintenant > rencontre.inscriptions_au
            else _("Les inscriptions ouvriront le %(date)s.")
            % {"date": date_et_heure(rencontre.inscriptions_du)},
            code="hors_periode",
        )


def _changer(inscription: Inscription, etat: str, maintenant: datetime, **champs: Any) -> None:
    inscription.etat = etat
    inscription.etat_le = maintenant
    for nom, valeur in champs.items():
        setattr(inscription, nom, valeur)
    inscription.save(update_fields=["etat", "etat_le", *champs])


def promouvoir(*, rencontre: Rencontre, maintenant: datetime | None = None) -> list[Inscription]:
    """Propose les places libérées à la liste d'attente, dans l'ordre d'inscription : chaque
    foyer dont toutes les places tiennent reçoit une place à confirmer avant l'échéance ; un
    foyer qui ne tient pas encore garde son rang, et le suivant, plus petit ou qui demande
    d'autres activités, peut passer. Rend les inscriptions promues."""
    maintenant = maintenant or timezone.now()
    promues = []
    with transaction.atomic():
        rencontre = _verrouiller(rencontre)
        if rencontre.statut != StatutRencontre.PUBLIEE or rencontre.debut <= maintenant:
            return []
        attente = (
            Inscription.objects.filter(rencontre=rencontre, etat=EtatInscription.LISTE_D_ATTENTE)
            .order_by("cree_le", "pk")
            .prefetch_related("places")
        )
        # Les places se comptent une fois, puis au fil des promotions : trois requêtes de
        # lecture quelle que soit la longueur de la liste d'attente.
        capacites = dict(Activite.objects.filter(rencontre=rencontre).values_list("pk", "capacite"))
        occupees = places_occupees(list(capacites))
        for inscription in attente:
            demandees = Counter(p.activite_id for p in inscription.places.all())
            if any(
                (capacite := capacites[activite]) is not None and occupees[activite] + n > capacite
                for activite, n in demandees.items()
            ):
                continue
            for activite, n in demandees.items():
                occupees[activite] += n
            _changer(
                inscription,
                EtatInscription.PLACE_PROPOSEE,
                maintenant,
                place_a_confirmer_avant=maintenant + rencontre.delai_de_confirmation,
            )
            evenement_enregistrer(
                verbe=PLACE_PROPOSEE,
                cible=inscription,
                etat_avant=EtatInscription.LISTE_D_ATTENTE,
                etat_apres=EtatInscription.PLACE_PROPOSEE,
            )
            _prevenir(inscription)
            promues.append(inscription)
    return promues


def annuler(
    *, inscription: Inscription, acteur: Any = None, motif: str = "", maintenant: datetime | None = None
) -> Inscription:
    """Annule une inscription (la personne elle-même, qui quitte aussi ainsi la liste
    d'attente, ou l'organisation) ; les places libérées vont à la liste d'attente."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        _verrouiller(inscription.rencontre)
        inscription = Inscription.objects.select_for_update().get(pk=inscription.pk)
        if inscription.etat == EtatInscription.ANNULEE:
            return inscription
        avant = inscription.etat
        _changer(inscription, EtatInscription.ANNULEE, maintenant, sequence=inscription.sequence + 1)
        evenement_enregistrer(
            verbe=INSCRIPTION_ANNULEE,
            acteur=acteur,
            cible=inscription,
            etat_avant=avant,
            etat_apres=EtatInscription.ANNULEE,
            motif=motif,
        )
        # Import local : hebergement prend le verrou de la rencontre de ce module (cercle).
        from rencontres.services.hebergement import liberer_l_hebergement

        liberer_l_hebergement(inscription=inscription, acteur=acteur)
        _prevenir(inscription)
        if avant in ETATS_QUI_TIENNENT_DES_PLACES:
            promouvoir(rencontre=inscription.rencontre, maintenant=maintenant)
    return inscription


def confirmer_place(*, inscription: Inscription, maintenant: datetime | None = None) -> Inscription:
    """La personne accepte la place libérée qu'on lui propose, avant l'échéance."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        _verrouiller(inscription.rencontre)
        inscription = Inscription.objects.select_for_update().get(pk=inscription.pk)
        if inscription.etat != EtatInscription.PLACE_PROPOSEE:
            raise ValidationError(
                _("Aucune place ne vous est proposée pour cette rencontre."), code="pas_de_place"
            )
        if inscription.place_a_confirmer_avant is None or inscription.place_a_confirmer_avant < maintenant:
            raise ValidationError(
                _(
                    "Le délai pour confirmer cette place est passé : "
                    "elle a été proposée à la personne suivante."
                ),
                code="trop_tard",
            )
        etat = (
            EtatInscription.EN_ATTENTE_DE_VALIDATION
            if inscription.rencontre.moderee
            else EtatInscription.CONFIRMEE
        )
        _changer(inscription, etat, maintenant, place_a_confirmer_avant=None)
        evenement_enregistrer(
            verbe=PLACE_CONFIRMEE,
            acteur=inscription.compte,
            cible=inscription,
            etat_avant=EtatInscription.PLACE_PROPOSEE,
            etat_apres=etat,
        )
        _prevenir(inscription)
    return inscription


def expirer_les_places_proposees(*, maintenant: datetime | None = None) -> int:
    """Les places proposées et pas confirmées à l'échéance : l'inscription est annulée et la
    place passe au suivant. Rejouée, ne fait rien de plus."""
    maintenant = maintenant or timezone.now()
    echues = Inscription.objects.filter(
        etat=EtatInscription.PLACE_PROPOSEE, place_a_confirmer_avant__lt=maintenant
    ).select_related("rencontre")
    nombre = 0
    for inscription in echues:
        with transaction.atomic():
            _verrouiller(inscription.rencontre)
            relue = Inscription.objects.select_for_update().get(pk=inscription.pk)
            if (
                relue.etat != EtatInscription.PLACE_PROPOSEE
                or (relue.place_a_confirmer_avant or maintenant) >= maintenant
            ):
                continue
            _changer(relue, EtatInscription.ANNULEE, maintenant, sequence=relue.sequence + 1)
            evenement_enregistrer(
                verbe=PLACE_EXPIREE,
                cible=relue,
                etat_avant=EtatInscription.PLACE_PROPOSEE,
                etat_apres=EtatInscription.ANNULEE,
            )
            nombre += 1
            promouvoir(rencontre=inscription.rencontre, maintenant=maintenant)
    return nombre


def valider(*, inscription: Inscription, acteur: Any, maintenant: datetime | None = None) -> Inscription:
    """L'organisation valide une inscription modérée (elle tenait déjà ses places)."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        inscription = Inscription.objects.select_for_update().get(pk=inscription.pk)
        if inscription.etat != EtatInscription.EN_ATTENTE_DE_VALIDATION:
            raise ValidationError(_("Cette inscription n'attend pas de validation."), code="etat")
        _changer(inscription, EtatInscription.CONFIRMEE, maintenant)
        evenement_enregistrer(
            verbe=INSCRIPTION_VALIDEE,
            acteur=acteur,
            cible=inscription,
            etat_avant=EtatInscription.EN_ATTENTE_DE_VALIDATION,
            etat_apres=EtatInscription.CONFIRMEE,
        )
        _prevenir(inscription)
    return inscription


def pointer(
    *, rencontre: Rencontre, code: str, acteur: Any, maintenant: datetime | None = None
) -> Inscription:
    """Pointe l'arrivée d'une inscription confirmée par son code (QR de la confirmation, ou
    saisi à la main). Un code déjà pointé est refusé, et le message dit quand."""
    maintenant = maintenant or timezone.now()
    code = code.strip().upper().replace(" ", "")
    with transaction.atomic():
        inscription = Inscription.objects.select_for_update().filter(rencontre=rencontre, code=code).first()
        if inscription is None:
            raise ValidationError({"code": [_("Aucune inscription à cette rencontre ne porte ce code.")]})
        if inscription.arrivee_le is not None:
            raise ValidationError(
                {
                    "code": [
                        _("Ce code a déjà été pointé à %(heure)s : %(personne)s est déjà arrivée.")
                        % {
                            "heure": heure(inscription.arrivee_le),
                            "personne": f"{inscription.prenom} {inscription.nom}",
                        }
                    ]
                }
            )
        if inscription.etat != EtatInscription.CONFIRMEE:
            raise ValidationError(
                {
                    "code": [
                        _("Cette inscription n'est pas confirmée (%(etat)s).")
                        % {"etat": inscription.get_etat_display()}
                    ]
                }
            )
        inscription.arrivee_le = maintenant
        inscription.save(update_fields=["arrivee_le"])
        evenement_enregistrer(verbe=ARRIVEE_POINTEE, acteur=acteur, cible=inscription)
    return inscription


# --- Conservation ----------------------------------------------------------------------------

INSCRITS_NON_VENUS = timedelta(days=365)
PRESENTS = timedelta(days=3 * 365)
INSCRIPTIONS_ANONYMISEES = Verbe(
    "rencontres.inscriptions.anonymisees", gettext_lazy("Inscriptions anonymisées (durée de conservation)")
)


def anonymiser_les_inscriptions(*, maintenant: datetime | None = None) -> int:
    """Efface les personnes des inscriptions dont la durée de conservation est passée (un an
    après la fin de la rencontre ; trois ans pour qui était présent, dont l'attestation reste
    vérifiable jusque-là) : noms, adresses, téléphones, membres du foyer, réponses, motifs des
    demandes de changement de chambre ou de navette. Une personne qui a donné son accord pour
    le vivier (et ne l'a pas retiré) est gardée pendant les deux ans de l'accord, que son texte
    promet. Les nombres (inscriptions, présences, foyers, accords) restent pour le bilan.
    Rejouée, ne fait rien de plus."""
    maintenant = maintenant or timezone.now()
    accord_en_cours = Q(
        accord_vivier_le__gte=maintenant - timedelta(days=365 * DUREE_ACCORD_VIVIER_ANS),
        accord_vivier_retire_le__isnull=True,
    )
    echues = (
        Inscription.objects.filter(
            Q(arrivee_le__isnull=True, rencontre__fin__lt=maintenant - INSCRITS_NON_VENUS)
            | Q(arrivee_le__isnull=False, rencontre__fin__lt=maintenant - PRESENTS)
        )
        .exclude(accord_en_cours)
        .exclude(nom="", prenom="", email="")
    )
    with transaction.atomic():
        pks = list(echues.select_for_update().values_list("pk", flat=True))
        if not pks:
            return 0
        Participant.objects.filter(inscription__in=pks).update(nom="", prenom="")
        Reponse.objects.filter(inscription__in=pks).delete()
        DemandeDeChangement.objects.filter(participant__inscription__in=pks).update(motif="", reponse="")
        Inscription.objects.filter(pk__in=pks).update(
            nom="", prenom="", email="", telephone="", profession="", structure="", compte=None
        )
        evenement_enregistrer(verbe=INSCRIPTIONS_ANONYMISEES, donnees={"inscriptions": len(pks)})
    return len(pks)


# --- Messages aux inscrits -------------------------------------------------------------------

MESSAGE_ENVOYE = Verbe("rencontres.message.envoye", gettext_lazy("Message aux inscrits"), precision="sujet")


def destinataires_du_message(
    rencontre: Rencontre, *, etat: str = "", activite: Activite | None = None
) -> Any:
    """Les inscriptions visées : toutes celles qui ne sont pas annulées, ou celles d'un état,
    ou celles qui ont une place à une activité ; seulement celles qui ont une adresse."""
    inscriptions = Inscription.objects.filter(rencontre=rencontre).exclude(email="")
    inscriptions = (
        inscriptions.filter(etat=etat) if etat else inscriptions.exclude(etat=EtatInscription.ANNULEE)
    )
    if activite is not None:
        inscriptions = inscriptions.filter(places__activite=activite).distinct()
    return inscriptions


def message_envoyer(
    *,
    rencontre: Rencontre,
    sujet: str,
    texte: str,
    acteur: Any,
    etat: str = "",
    activite: Activite | None = None,
) -> MessageAuxInscrits:
    """Écrit le message et le confie au worker (un courriel par inscription visée, à la date
    de l'envoi : une personne inscrite ensuite ne le reçoit pas)."""
    erreurs: dict[str, list[str]] = {}
    if not sujet.strip():
        erreurs["sujet"] = [_("Donnez un sujet au message.")]
    if not texte.strip():
        erreurs["texte"] = [_("Écrivez le message.")]
    if activite is not None and activite.rencontre_id != rencontre.pk:
        erreurs["activite"] = [_("Cette activité n'est pas celle de cette rencontre.")]
    if erreurs:
        raise ValidationError(erreurs)
    with transaction.atomic():
        nombre = destinataires_du_message(rencontre, etat=etat, activite=activite).count()
        if nombre == 0:
            raise ValidationError(
                _("Aucune inscription ne correspond : le message n'est pas envoyé."), code="personne"
            )
        message = MessageAuxInscrits.objects.create(
            rencontre=rencontre,
            sujet=sujet.strip(),
            texte=texte.strip(),
            etat=etat,
            activite=activite,
            destinataires=nombre,
            envoye_par=acteur,
        )
        evenement_enregistrer(
            verbe=MESSAGE_ENVOYE,
            acteur=acteur,
            cible=rencontre,
            donnees={"sujet": message.sujet, "destinataires": nombre},
        )
        from rencontres.tasks import envoyer_message_aux_inscrits  # import local : cercle tasks ↔ services

        apres_validation(envoyer_message_aux_inscrits, message.pk)
    return message
