"""Les demandes de soutien à un congrès : un organisme (ordre, URPS, société savante,
association) demande à l'agglomération une salle, de la logistique, de l'argent pour son congrès,
son séminaire ou sa journée ; un agent l'instruit ; au-delà du seuil
(`RENCONTRES_SEUIL_AVIS_SOUTIEN`), le Collège rend son avis par un scrutin ; accordée, la demande
devient une rencontre en brouillon, confiée au compte qui l'a déposée. Les transitions sont
dans `rencontres.workflows.SOUTIEN`."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from college.models import StatutScrutin, TypeScrutin
from college.services import discussion_ouvrir, scrutin_annuler, scrutin_creer, scrutin_ouvrir
from college.workflows import SCRUTIN
from conseil.models import Instance, TypeInstance
from rencontres.models import (
    DemandeDeSoutien,
    Rencontre,
    StatutDemandeDeSoutien,
    StatutRencontre,
    TypeRencontre,
)
from rencontres.permissions import instruit_les_soutiens
from rencontres.services.programme import confier
from socle.services import evenement_enregistrer, notifier
from socle.verbes import Verbe
from socle.workflows import TransitionRefusee, par_le_portail, transition

SOUTIEN_DEPOSE = Verbe("rencontres.soutien.depose", gettext_lazy("Demande de soutien à un congrès déposée"))

CHAMPS_DE_LA_DEMANDE = (
    "structure",
    "titre",
    "description",
    "public",
    "debut",
    "fin",
    "commune",
    "participants_attendus",
    "besoin_salle",
    "besoin_logistique",
    "montant_demande",
)


def _agents() -> Any:
    droit = Q(
        groups__permissions__codename="organiser_rencontre",
        groups__permissions__content_type__app_label="rencontres",
    )
    return get_user_model().objects.filter(droit, is_active=True).distinct()


def soutien_deposer(
    *, acteur: Any, champs: dict[str, Any], maintenant: datetime | None = None
) -> DemandeDeSoutien:
    """Dépose la demande ; les agents qui organisent les rencontres en sont prévenus."""
    maintenant = maintenant or timezone.now()
    if acteur is None or not acteur.is_authenticated:
        raise ValidationError(_("Connectez-vous pour déposer une demande."), code="non_autorise")
    erreurs: dict[str, str] = {}
    if champs["fin"] < champs["debut"]:
        erreurs["fin"] = _("La fin doit suivre le début.")
    if champs["debut"] <= maintenant:
        erreurs["debut"] = _("Le congrès doit être à venir.")
    if not (
        champs.get("besoin_salle")
        or (champs.get("besoin_logistique") or "").strip()
        or champs["montant_demande"] > 0
    ):
        erreurs["besoin_logistique"] = _(
            "Dites ce qu'il vous faut : une salle, de la logistique ou un montant."
        )
    if erreurs:
        raise ValidationError(erreurs)
    with transaction.atomic():
        demande = DemandeDeSoutien.objects.create(
            **{nom: champs[nom] for nom in CHAMPS_DE_LA_DEMANDE if nom in champs}, deposee_par=acteur
        )
        evenement_enregistrer(verbe=SOUTIEN_DEPOSE, acteur=acteur, cible=demande, etat_apres=demande.statut)
        notifier(
            destinataires=_agents(),
            verbe=SOUTIEN_DEPOSE,
            titre=_("Demande de soutien à instruire : %(t)s") % {"t": demande.titre},
            gabarit="rencontres/notifications/soutien.txt",
            contexte={"objet": demande},
            url=demande.get_absolute_url(),
        )
    return demande


def soutien_prendre_en_charge(*, demande: DemandeDeSoutien, acteur: Any) -> DemandeDeSoutien:
    return transition(demande, vers=StatutDemandeDeSoutien.EN_INSTRUCTION, acteur=acteur)


def soutien_soumettre_a_l_avis(
    *, demande: DemandeDeSoutien, acteur: Any, cloture: datetime | None = None
) -> DemandeDeSoutien:
    """Un scrutin d'avis du Collège s'ouvre sur la demande, avec une discussion où ses membres
    posent leurs questions."""
    maintenant = timezone.now()
    cloture = cloture or maintenant + timedelta(days=settings.RENCONTRES_DUREE_AVIS_JOURS)
    if cloture <= maintenant:
        raise ValidationError({"cloture": _("La clôture du vote doit être dans le futur.")})
    college = Instance.objects.filter(type_instance=TypeInstance.COLLEGE, active=True).first()
    if college is None:
        raise ValidationError(_("Aucun Collège des professionnels actif ne peut rendre l'avis."))
    with transaction.atomic():
        verrouillee = DemandeDeSoutien.objects.select_for_update().get(pk=demande.pk)
        if verrouillee.statut != StatutDemandeDeSoutien.EN_INSTRUCTION:
            raise TransitionRefusee(
                _("Seule une demande en instruction est soumise à l'avis du Collège."),
                code="transition_inconnue",
            )
        if not instruit_les_soutiens(acteur):
            raise TransitionRefusee(_("Vous n'avez pas le droit de faire cette action."), code="non_autorise")
        titre = _("Avis sur le soutien au congrès « %(t)s »") % {"t": verrouillee.titre}
        scrutin = scrutin_creer(
            acteur=acteur,
            instance=college,
            type_scrutin=TypeScrutin.AVIS,
            titre=titre[:255],
            question=_(
                "Quel avis le Collège rend-il sur le soutien demandé par %(s)s pour « %(t)s » (%(m)s €) ?"
            )
            % {"s": verrouillee.structure, "t": verrouillee.titre, "m": verrouillee.montant_demande},
            ouverture=maintenant,
            cloture=cloture,
            objet=verrouillee,
        )
        discussion_ouvrir(
            instance=college,
            titre=titre[:255],
            objet=verrouillee,
            acteur=acteur,
            texte=_("Questions et remarques des membres du Collège sur la demande, avant l'avis."),
        )
        DemandeDeSoutien.objects.filter(pk=verrouillee.pk).update(scrutin=scrutin)
        scrutin_ouvrir(scrutin=scrutin, acteur=acteur)
        return transition(
            verrouillee, vers=StatutDemandeDeSoutien.AVIS, acteur=acteur, donnees={"scrutin": scrutin.pk}
        )


def soutien_accorder(
    *, demande: DemandeDeSoutien, acteur: Any, montant_accorde: Decimal, motif: str = ""
) -> DemandeDeSoutien:
    """Accorde le soutien : une rencontre naît de la demande (brouillon, genre « congrès
    soutenu », l'organisme pour organisateur), confiée au compte qui l'a déposée, qui en
    prépare le programme ; l'agglomération la publiera."""
    if montant_accorde < 0 or montant_accorde > demande.montant_demande:
        raise ValidationError(
            {
                "montant_accorde": _("Le montant accordé va de 0 au montant demandé (%(m)s €).")
                % {"m": demande.montant_demande}
            }
        )
    with transaction.atomic():
        accordee = transition(demande, vers=StatutDemandeDeSoutien.ACCORDEE, acteur=acteur, motif=motif)
        maintenant = timezone.now()
        rencontre = Rencontre.objects.create(
            titre=accordee.titre,
            type=TypeRencontre.CONGRES,
            description=accordee.description,
            public=accordee.public,
            debut=accordee.debut,
            fin=accordee.fin,
            commune=accordee.commune,
            organisateur=accordee.structure,
            inscriptions_du=min(maintenant, accordee.debut),
            inscriptions_au=accordee.debut,
            statut=StatutRencontre.BROUILLON,
            cree_par=acteur,
        )
        if accordee.deposee_par is not None:
            confier(rencontre=rencontre, compte=accordee.deposee_par, acteur=acteur)
        DemandeDeSoutien.objects.filter(pk=accordee.pk).update(
            montant_accorde=montant_accorde, rencontre=rencontre
        )
        accordee.montant_accorde, accordee.rencontre = montant_accorde, rencontre
    return accordee


def soutien_refuser(*, demande: DemandeDeSoutien, acteur: Any, motif: str) -> DemandeDeSoutien:
    return transition(demande, vers=StatutDemandeDeSoutien.REFUSEE, acteur=acteur, motif=motif)


def soutien_retirer(*, demande: DemandeDeSoutien, acteur: Any) -> DemandeDeSoutien:
    """Le demandeur retire sa demande avant la décision ; un scrutin d'avis en cours est annulé."""
    with transaction.atomic():
        retiree = transition(demande, vers=StatutDemandeDeSoutien.RETIREE, acteur=acteur)
        scrutin = retiree.scrutin
        if scrutin is not None and scrutin.statut in (StatutScrutin.PREPARATION, StatutScrutin.OUVERT):
            scrutin_annuler(
                scrutin=scrutin,
                acteur=acteur,
                motif=_("La demande de soutien a été retirée par l'organisme."),
                workflow=par_le_portail(SCRUTIN),
            )
    return retiree
