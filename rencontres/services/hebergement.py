"""Les chambres et les navettes d'une rencontre : l'organisation les crée, y place les
participants, puis les gèle une fois réservées auprès de l'hôtel ou du transporteur. Gelée, une
ressource ne change plus que par une demande de changement (de la personne inscrite, depuis sa
page, ou d'un organisateur) qu'un agent de l'agglomération accepte ou refuse.

Les places se comptent sous le verrou de la ligne de la rencontre, le même que celui des
inscriptions (`inscriptions._verrouiller`) : deux organisateurs qui donnent le dernier lit au
même instant passent l'un après l'autre, et le second trouve la chambre complète ; geler et
attribuer ne se croisent pas non plus.

Une inscription annulée (`liberer_l_hebergement`, appelée par `annuler`) libère ses places des
ressources non gelées ; dans une ressource gelée, la place reste attribuée : le lit ou le siège
est payé, l'organisation le voit signalé (« inscription annulée ») et décide d'y mettre quelqu'un
d'autre, en dégelant ou par une demande de changement.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencontres.models import (
    ETATS_QUI_TIENNENT_DES_PLACES,
    Attribution,
    DemandeDeChangement,
    EtatInscription,
    GenreRessource,
    Inscription,
    Participant,
    Rencontre,
    Ressource,
    StatutDemandeDeChangement,
)
from rencontres.permissions import est_agent_organisateur
from rencontres.services.inscriptions import _verrouiller
from socle.services import apres_validation, evenement_enregistrer
from socle.verbes import Verbe

RESSOURCE_CREEE = Verbe(
    "rencontres.hebergement.ressource_creee", gettext_lazy("Chambre ou navette ajoutée"), precision="libelle"
)
RESSOURCE_MODIFIEE = Verbe(
    "rencontres.hebergement.ressource_modifiee",
    gettext_lazy("Chambre ou navette modifiée"),
    precision="libelle",
)
RESSOURCE_SUPPRIMEE = Verbe(
    "rencontres.hebergement.ressource_supprimee",
    gettext_lazy("Chambre ou navette supprimée"),
    precision="libelle",
)
PLACE_ATTRIBUEE = Verbe(
    "rencontres.hebergement.attribuee", gettext_lazy("Chambre ou navette attribuée"), precision="ressource"
)
PLACE_RETIREE = Verbe(
    "rencontres.hebergement.retiree", gettext_lazy("Chambre ou navette retirée"), precision="ressource"
)
RESSOURCE_GELEE = Verbe(
    "rencontres.hebergement.gelee", gettext_lazy("Chambre ou navette réservée (gelée)"), precision="libelle"
)
RESSOURCE_DEGELEE = Verbe(
    "rencontres.hebergement.degelee", gettext_lazy("Chambre ou navette dégelée"), precision="libelle"
)
CHANGEMENT_DEMANDE = Verbe(
    "rencontres.hebergement.changement_demande", gettext_lazy("Changement de chambre ou de navette demandé")
)
CHANGEMENT_ACCEPTE = Verbe(
    "rencontres.hebergement.changement_accepte", gettext_lazy("Changement de chambre ou de navette accepté")
)
CHANGEMENT_REFUSE = Verbe(
    "rencontres.hebergement.changement_refuse", gettext_lazy("Changement de chambre ou de navette refusé")
)
HEBERGEMENT_LIBERE = Verbe(
    "rencontres.hebergement.libere", gettext_lazy("Chambres et navettes libérées (inscription annulée)")
)


def _message_gelee(ressource: Ressource) -> str:
    return _(
        "« %(r)s » est réservée auprès de l'hôtel ou du transporteur (gelée) : ses places ne "
        "changent plus que par une demande de changement, qu'un agent de l'agglomération accepte."
    ) % {"r": ressource.libelle}


def occupation(ressource: Ressource) -> int:
    return Attribution.objects.filter(ressource=ressource).count()


def _relire(ressource: Ressource) -> Ressource:
    return Ressource.objects.select_for_update().get(pk=ressource.pk)


def ressource_creer(
    *, rencontre: Rencontre, genre: str, libelle: str, capacite: int, acteur: Any
) -> Ressource:
    """Ajoute une chambre ou une navette à la rencontre (non gelée)."""
    erreurs: dict[str, list[str]] = {}
    if genre not in GenreRessource.values:
        erreurs["genre"] = [_("Choisissez une chambre ou une navette.")]
    if not libelle.strip():
        erreurs["libelle"] = [_("Donnez un libellé (par exemple : Hôtel de la Plage, chambre 12).")]
    if capacite < 1:
        erreurs["capacite"] = [_("Une chambre ou une navette compte au moins une place.")]
    if erreurs:
        raise ValidationError(erreurs)
    with transaction.atomic():
        ressource = Ressource.objects.create(
            rencontre=rencontre,
            genre=genre,
            libelle=libelle.strip(),
            capacite=capacite,
            ordre=Ressource.objects.filter(rencontre=rencontre, genre=genre).count(),
        )
        evenement_enregistrer(
            verbe=RESSOURCE_CREEE,
            acteur=acteur,
            cible=ressource,
            donnees={"libelle": ressource.libelle, "genre": genre, "capacite": capacite},
        )
    return ressource


def ressource_modifier(*, ressource: Ressource, libelle: str, capacite: int, acteur: Any) -> Ressource:
    """Change le libellé ou le nombre de places : jamais moins que les places déjà attribuées ;
    le nombre de places d'une ressource gelée (réservée) ne change plus."""
    if not libelle.strip():
        raise ValidationError({"libelle": [_("Donnez un libellé.")]})
    with transaction.atomic():
        _verrouiller(ressource.rencontre)
        ressource = _relire(ressource)
        if capacite != ressource.capacite and ressource.gelee:
            raise ValidationError({"capacite": [_message_gelee(ressource)]})
        occupees = occupation(ressource)
        if capacite < max(occupees, 1):
            raise ValidationError(
                {
                    "capacite": [
                        _("« %(r)s » a déjà %(n)s places attribuées : pas moins de places que cela.")
                        % {"r": ressource.libelle, "n": occupees}
                    ]
                }
            )
        avant = {"libelle": ressource.libelle, "capacite": ressource.capacite}
        ressource.libelle = libelle.strip()
        ressource.capacite = capacite
        ressource.save(update_fields=["libelle", "capacite"])
        evenement_enregistrer(
            verbe=RESSOURCE_MODIFIEE,
            acteur=acteur,
            cible=ressource,
            donnees={"libelle": ressource.libelle, "avant": avant, "capacite": capacite},
        )
    return ressource


def ressource_supprimer(*, ressource: Ressource, acteur: Any) -> None:
    """Supprime une chambre ou une navette où personne n'est placé."""
    with transaction.atomic():
        _verrouiller(ressource.rencontre)
        ressource = _relire(ressource)
        if occupation(ressource):
            raise ValidationError(
                _("Retirez d'abord les personnes placées dans « %(r)s ».") % {"r": ressource.libelle},
                code="occupee",
            )
        evenement_enregistrer(
            verbe=RESSOURCE_SUPPRIMEE,
            acteur=acteur,
            cible=ressource.rencontre,
            donnees={"libelle": ressource.libelle, "genre": ressource.genre},
        )
        ressource.delete()


def _verifier_complete(ressource: Ressource) -> None:
    if occupation(ressource) >= ressource.capacite:
        raise ValidationError(
            {
                "ressource": [
                    _("« %(r)s » est complète (%(c)s places).")
                    % {"r": ressource.libelle, "c": ressource.capacite}
                ]
            }
        )


def _placer(
    participant: Participant, ressource: Ressource, actuelle: Attribution | None, acteur: Any
) -> None:
    """Écrit la place (ou déplace l'actuelle, du même genre) et le journal ; sous le verrou."""
    if actuelle is not None:
        actuelle.ressource = ressource
        actuelle.attribuee_par = acteur if acteur is not None and acteur.is_authenticated else None
        actuelle.save(update_fields=["ressource", "attribuee_par"])
    else:
        Attribution.objects.create(
            ressource=ressource,
            participant=participant,
            genre=ressource.genre,
            attribuee_par=acteur if acteur is not None and acteur.is_authenticated else None,
        )


def attribuer(*, participant: Participant, ressource: Ressource, acteur: Any) -> Attribution:
    """Place un participant dans une chambre ou une navette. S'il en avait une autre du même
    genre, il en change. Refusé si l'une ou l'autre est gelée (demande de changement), si la
    ressource est complète, ou si son inscription ne tient pas de place à cette rencontre."""
    with transaction.atomic():
        rencontre = _verrouiller(ressource.rencontre)
        ressource = _relire(ressource)
        inscription = Inscription.objects.get(pk=participant.inscription_id)
        if ressource.rencontre_id != rencontre.pk or inscription.rencontre_id != rencontre.pk:
            raise ValidationError(
                {"participant": [_("Cette personne n'est pas inscrite à cette rencontre.")]}
            )
        if inscription.etat not in ETATS_QUI_TIENNENT_DES_PLACES:
            raise ValidationError(
                {
                    "participant": [
                        _("L'inscription de %(p)s n'a pas de place à cette rencontre (%(etat)s).")
                        % {"p": participant, "etat": inscription.get_etat_display()}
                    ]
                }
            )
        if ressource.gelee:
            raise ValidationError({"ressource": [_message_gelee(ressource)]})
        actuelle = (
            Attribution.objects.select_related("ressource")
            .filter(participant=participant, genre=ressource.genre)
            .first()
        )
        if actuelle is not None and actuelle.ressource_id == ressource.pk:
            raise ValidationError(
                {
                    "participant": [
                        _("%(p)s est déjà dans « %(r)s ».") % {"p": participant, "r": ressource.libelle}
                    ]
                }
            )
        if actuelle is not None and actuelle.ressource.gelee:
            raise ValidationError({"participant": [_message_gelee(actuelle.ressource)]})
        _verifier_complete(ressource)
        depuis = actuelle.ressource.libelle if actuelle is not None else ""
        _placer(participant, ressource, actuelle, acteur)
        evenement_enregistrer(
            verbe=PLACE_ATTRIBUEE,
            acteur=acteur,
            cible=inscription,
            donnees={
                "participant": participant.pk,
                "ressource": ressource.libelle,
                "genre": ressource.genre,
                "depuis": depuis,
            },
        )
    return Attribution.objects.get(participant=participant, genre=ressource.genre)


def retirer(*, attribution: Attribution, acteur: Any) -> None:
    """Retire un participant de sa chambre ou de sa navette (non gelée)."""
    with transaction.atomic():
        _verrouiller(attribution.ressource.rencontre)
        relue = (
            Attribution.objects.select_for_update()
            .select_related("ressource", "participant__inscription")
            .filter(pk=attribution.pk)
            .first()
        )
        if relue is None:
            return
        attribution = relue
        if attribution.ressource.gelee:
            raise ValidationError(_message_gelee(attribution.ressource), code="gelee")
        evenement_enregistrer(
            verbe=PLACE_RETIREE,
            acteur=acteur,
            cible=attribution.participant.inscription,
            donnees={
                "participant": attribution.participant_id,
                "ressource": attribution.ressource.libelle,
                "genre": attribution.genre,
            },
        )
        attribution.delete()


def geler(*, ressource: Ressource, acteur: Any, maintenant: datetime | None = None) -> Ressource:
    """La ressource est réservée auprès de l'hôtel ou du transporteur : ses places ne changent
    plus que par une demande de changement."""
    with transaction.atomic():
        _verrouiller(ressource.rencontre)
        ressource = _relire(ressource)
        if ressource.gelee:
            raise ValidationError(_("« %(r)s » est déjà gelée.") % {"r": ressource.libelle}, code="deja")
        ressource.reservee_le = maintenant or timezone.now()
        ressource.save(update_fields=["reservee_le"])
        evenement_enregistrer(
            verbe=RESSOURCE_GELEE,
            acteur=acteur,
            cible=ressource,
            donnees={"libelle": ressource.libelle, "occupation": occupation(ressource)},
        )
    return ressource


def degeler(*, ressource: Ressource, acteur: Any) -> Ressource:
    """Rouvre une ressource gelée (la réservation a été changée auprès de l'hôtel ou du
    transporteur) : un agent de l'agglomération seulement."""
    if not est_agent_organisateur(acteur):
        raise PermissionDenied(_("Seul un agent de l'agglomération dégèle une chambre ou une navette."))
    with transaction.atomic():
        _verrouiller(ressource.rencontre)
        ressource = _relire(ressource)
        if not ressource.gelee:
            raise ValidationError(
                _("« %(r)s » n'est pas gelée.") % {"r": ressource.libelle}, code="pas_gelee"
            )
        ressource.reservee_le = None
        ressource.save(update_fields=["reservee_le"])
        evenement_enregistrer(
            verbe=RESSOURCE_DEGELEE, acteur=acteur, cible=ressource, donnees={"libelle": ressource.libelle}
        )
    return ressource


def demander_changement(
    *, participant: Participant, genre: str, souhait: Ressource | None, motif: str, acteur: Any
) -> DemandeDeChangement:
    """Demande de changer de chambre ou de navette quand l'actuelle ou la souhaitée est gelée :
    la personne inscrite depuis sa page (`acteur` None : lien signé), ou un organisateur.
    `souhait` None : ne plus en avoir. Une demande en attente au plus par personne et par genre."""
    erreurs: dict[str, list[str]] = {}
    if genre not in GenreRessource.values:
        raise ValidationError({"genre": [_("Choisissez une chambre ou une navette.")]})
    if not motif.strip():
        erreurs["motif"] = [_("Dites pourquoi vous demandez ce changement.")]
    inscription = participant.inscription
    if inscription.etat == EtatInscription.ANNULEE:
        raise ValidationError(_("Cette inscription est annulée."), code="annulee")
    if souhait is not None and souhait.rencontre_id != inscription.rencontre_id:
        erreurs["souhait"] = [_("Choisissez une chambre ou une navette de cette rencontre.")]
    elif souhait is not None and souhait.genre != genre:
        erreurs["souhait"] = [
            _("« %(r)s » n'est pas une %(g)s.")
            % {"r": souhait.libelle, "g": GenreRessource(genre).label.lower()}
        ]
    actuelle = (
        Attribution.objects.select_related("ressource").filter(participant=participant, genre=genre).first()
    )
    if "souhait" not in erreurs:
        if actuelle is None and souhait is None:
            erreurs["souhait"] = [_("%(p)s n'en a pas : choisissez celle souhaitée.") % {"p": participant}]
        elif actuelle is not None and souhait is not None and actuelle.ressource_id == souhait.pk:
            erreurs["souhait"] = [
                _("« %(r)s » est déjà celle de %(p)s : choisissez-en une autre, ou aucune.")
                % {"r": souhait.libelle, "p": participant}
            ]
        elif not (
            (actuelle is not None and actuelle.ressource.gelee) or (souhait is not None and souhait.gelee)
        ):
            erreurs["souhait"] = [
                _(
                    "Ni l'actuelle ni la souhaitée n'est encore réservée : l'organisation la change "
                    "directement, écrivez-lui."
                )
            ]
    if erreurs:
        raise ValidationError(erreurs)
    try:
        with transaction.atomic():
            demande = DemandeDeChangement.objects.create(
                participant=participant,
                genre=genre,
                souhait=souhait,
                motif=motif.strip(),
                demandee_par=acteur if acteur is not None and acteur.is_authenticated else None,
            )
            evenement_enregistrer(
                verbe=CHANGEMENT_DEMANDE,
                acteur=acteur,
                cible=inscription,
                donnees={
                    "demande": demande.pk,
                    "participant": participant.pk,
                    "genre": genre,
                    "depuis": actuelle.ressource.libelle if actuelle is not None else "",
                    "souhait": souhait.libelle if souhait is not None else "",
                },
            )
    except IntegrityError as erreur:
        raise ValidationError(
            {"genre": [_("Une demande de changement attend déjà une réponse pour cette personne.")]}
        ) from erreur
    return demande


def decider_changement(
    *,
    demande: DemandeDeChangement,
    accepter: bool,
    reponse: str,
    acteur: Any,
    maintenant: datetime | None = None,
) -> DemandeDeChangement:
    """Un agent de l'agglomération accepte (le changement s'applique, même dans une ressource
    gelée, s'il y a la place) ou refuse (avec sa raison) ; la personne en est prévenue."""
    if not est_agent_organisateur(acteur):
        raise PermissionDenied(_("Seul un agent de l'agglomération décide d'une demande de changement."))
    if not accepter and not reponse.strip():
        raise ValidationError({"reponse": [_("Donnez la raison du refus : la personne la recevra.")]})
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        participant = Participant.objects.select_related("inscription__rencontre").get(
            pk=demande.participant_id
        )
        _verrouiller(participant.inscription.rencontre)
        demande = (
            DemandeDeChangement.objects.select_for_update(of=("self",))
            .select_related("souhait")
            .get(pk=demande.pk)
        )
        if demande.statut != StatutDemandeDeChangement.EN_ATTENTE:
            raise ValidationError(_("Cette demande a déjà reçu une réponse."), code="decidee")
        actuelle = (
            Attribution.objects.select_related("ressource")
            .filter(participant=participant, genre=demande.genre)
            .first()
        )
        if accepter:
            inscription = Inscription.objects.get(pk=participant.inscription_id)
            if inscription.etat not in ETATS_QUI_TIENNENT_DES_PLACES and demande.souhait is not None:
                raise ValidationError(
                    _("L'inscription n'a plus de place à cette rencontre : refusez la demande."),
                    code="inactive",
                )
            if demande.souhait is None:
                if actuelle is not None:
                    actuelle.delete()
            elif actuelle is None or actuelle.ressource_id != demande.souhait.pk:
                _verifier_complete(_relire(demande.souhait))
                _placer(participant, demande.souhait, actuelle, acteur)
        demande.statut = StatutDemandeDeChangement.ACCEPTEE if accepter else StatutDemandeDeChangement.REFUSEE
        demande.decidee_le = maintenant
        demande.decidee_par = acteur
        demande.reponse = reponse.strip()
        demande.save(update_fields=["statut", "decidee_le", "decidee_par", "reponse"])
        evenement_enregistrer(
            verbe=CHANGEMENT_ACCEPTE if accepter else CHANGEMENT_REFUSE,
            acteur=acteur,
            cible=participant.inscription,
            etat_avant=StatutDemandeDeChangement.EN_ATTENTE,
            etat_apres=demande.statut,
            motif=demande.reponse,
            donnees={
                "demande": demande.pk,
                "participant": participant.pk,
                "genre": demande.genre,
                "depuis": actuelle.ressource.libelle if actuelle is not None else "",
                "souhait": demande.souhait.libelle if demande.souhait is not None else "",
            },
        )
        if participant.inscription.email:
            # Import local : rencontres.tasks importe le paquet des services (cercle tasks ↔ services).
            from rencontres.tasks import envoyer_courriel_changement

            apres_validation(envoyer_courriel_changement, demande.pk)
    return demande


def liberer_l_hebergement(*, inscription: Inscription, acteur: Any = None) -> None:
    """Une inscription annulée : ses places dans les ressources non gelées sont libérées ; dans
    les gelées (lit ou siège payé), elles restent, signalées à l'organisation. Ses demandes de
    changement en attente sont closes. À appeler sous le verrou de la rencontre."""
    liberees = Attribution.objects.filter(
        participant__inscription=inscription, ressource__reservee_le__isnull=True
    ).select_related("ressource")
    libelles = [a.ressource.libelle for a in liberees]
    gardees = Attribution.objects.filter(
        participant__inscription=inscription, ressource__reservee_le__isnull=False
    ).count()
    closes = DemandeDeChangement.objects.filter(
        participant__inscription=inscription, statut=StatutDemandeDeChangement.EN_ATTENTE
    ).update(
        statut=StatutDemandeDeChangement.REFUSEE,
        decidee_le=timezone.now(),
        reponse=_("Inscription annulée."),
    )
    if not (libelles or gardees or closes):
        return
    Attribution.objects.filter(pk__in=[a.pk for a in liberees]).delete()
    evenement_enregistrer(
        verbe=HEBERGEMENT_LIBERE,
        acteur=acteur,
        cible=inscription,
        donnees={"liberees": libelles, "gardees_gelees": gardees, "demandes_closes": closes},
    )
