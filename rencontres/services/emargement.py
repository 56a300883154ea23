"""L'émargement par demi-journée : la personne signe à l'écran (le téléphone ou la tablette de
l'organisation) pour chaque demi-journée où elle est là. C'est la feuille d'émargement des
formations (formation continue, télésanté, service sanitaire) : les heures de l'attestation et
du bilan s'en comptent.

Les demi-journées d'une rencontre se lisent à l'heure de Paris, jour après jour du début à la
fin : le matin avant 13 h, l'après-midi à partir de 13 h (la soirée compte avec l'après-midi).
Une demi-journée existe quand une activité de la rencontre la recouvre ; une rencontre sans
activité compte sa propre durée. Une soirée de 19 h à 22 h n'a donc qu'un après-midi ; une
journée de formation de 9 h à 17 h, un matin et un après-midi.

Une signature par personne et par demi-journée : la contrainte de la base le garantit (c'est
elle qui refuse la seconde), et la ligne de l'inscription est verrouillée pendant l'écriture, si
bien que deux appuis au même instant donnent une signature et un refus qui dit l'heure de la
première.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencontres.models import (
    DemiJournee,
    Emargement,
    EtatInscription,
    Inscription,
    Participant,
    Rencontre,
    StatutRencontre,
)
from rencontres.services.inscriptions import ARRIVEE_POINTEE
from socle.francais import heure, jour_et_date
from socle.services import evenement_enregistrer
from socle.verbes import Verbe

EMARGEMENT_SIGNE = Verbe("rencontres.emargement.signe", gettext_lazy("Émargement signé à l'écran"))
EMARGEMENT_ANNULE = Verbe(
    "rencontres.emargement.annule", gettext_lazy("Émargement annulé par l'organisation")
)

# Le matin finit à 13 h ; l'après-midi (et la soirée) court jusqu'à minuit.
MIDI = time(13, 0)


def _a_paris(moment: datetime) -> datetime:
    return timezone.make_aware(moment, timezone.get_default_timezone())


@dataclass(frozen=True)
class DemiJourneeDeRencontre:
    """Une demi-journée d'une rencontre : un jour (à Paris) et « matin » ou « après-midi »."""

    jour: date
    demi_journee: str

    @property
    def debut(self) -> datetime:
        return _a_paris(
            datetime.combine(self.jour, time(0) if self.demi_journee == DemiJournee.MATIN else MIDI)
        )

    @property
    def fin(self) -> datetime:
        if self.demi_journee == DemiJournee.MATIN:
            return _a_paris(datetime.combine(self.jour, MIDI))
        return _a_paris(datetime.combine(self.jour + timedelta(days=1), time(0)))

    @property
    def libelle(self) -> str:
        """« lundi 7 décembre 2026, matin »."""
        return _("%(jour)s, %(moment)s") % {
            "jour": jour_et_date(self.jour),
            "moment": DemiJournee(self.demi_journee).label.lower(),
        }

    @property
    def parametres(self) -> str:
        """Pour une adresse : `jour=2026-12-07&demi_journee=matin`."""
        return f"jour={self.jour.isoformat()}&demi_journee={self.demi_journee}"

    def contient(self, moment: datetime) -> bool:
        return self.debut <= moment < self.fin


def demi_journees(rencontre: Rencontre) -> list[DemiJourneeDeRencontre]:
    """Les demi-journées de la rencontre, dans l'ordre (voir la règle en tête du module). Lit les
    activités préchargées de la rencontre si elles le sont (`get_rencontre_a_organiser`)."""
    periodes = [(a.debut, a.fin) for a in rencontre.activites.all()] or [(rencontre.debut, rencontre.fin)]
    paris = timezone.get_default_timezone()
    premier = timezone.localdate(min(debut for debut, _fin in periodes), paris)
    dernier = timezone.localdate(max(fin for _debut, fin in periodes), paris)
    trouvees = []
    jour = premier
    while jour <= dernier:
        for moment in (DemiJournee.MATIN, DemiJournee.APRES_MIDI):
            demi = DemiJourneeDeRencontre(jour, moment)
            # Une activité ponctuelle (début = fin) compte pour la demi-journée où elle tombe.
            if any(
                debut < demi.fin and (fin > demi.debut or (fin == debut and demi.contient(debut)))
                for debut, fin in periodes
            ):
                trouvees.append(demi)
        jour += timedelta(days=1)
    return trouvees


def demi_journee_en_cours(
    rencontre: Rencontre, maintenant: datetime | None = None
) -> DemiJourneeDeRencontre | None:
    """La demi-journée de la rencontre en train de se tenir, s'il y en a une."""
    maintenant = maintenant or timezone.now()
    return next((d for d in demi_journees(rencontre) if d.contient(maintenant)), None)


def demi_journee_de(rencontre: Rencontre, jour: date, demi_journee: str) -> DemiJourneeDeRencontre | None:
    """La demi-journée demandée si elle est de la rencontre ; None sinon."""
    demandee = DemiJourneeDeRencontre(jour, demi_journee)
    return demandee if demandee in demi_journees(rencontre) else None


def _refus_deja_signe(participant: Participant, signe_le: datetime) -> ValidationError:
    return ValidationError(
        {
            "participant": [
                _("%(personne)s a déjà signé pour cette demi-journée, à %(heure)s.")
                % {"personne": f"{participant.prenom} {participant.nom}", "heure": heure(signe_le)}
            ]
        }
    )


def emarger(
    *,
    participant: Participant,
    jour: date,
    demi_journee: str,
    acteur: Any,
    maintenant: datetime | None = None,
) -> Emargement:
    """La signature d'une personne (titulaire ou membre du foyer d'une inscription confirmée)
    pour une demi-journée de la rencontre, recueillie par `acteur`. Une seconde signature pour
    la même demi-journée est refusée, avec l'heure de la première ; une demi-journée qui n'a pas
    commencé aussi (on signe sur place). La première signature pointe l'arrivée de l'inscription
    si l'accueil ne l'a pas fait."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        # Le verrou de l'inscription fait passer l'un après l'autre deux appuis simultanés
        # pour la même personne (ou le même foyer).
        inscription = (
            Inscription.objects.select_for_update(of=("self",))
            .select_related("rencontre")
            .get(pk=participant.inscription_id)
        )
        rencontre = inscription.rencontre
        if inscription.etat != EtatInscription.CONFIRMEE:
            raise ValidationError(
                {
                    "participant": [
                        _("Cette inscription n'est pas confirmée (%(etat)s) : pas d'émargement.")
                        % {"etat": inscription.get_etat_display()}
                    ]
                }
            )
        if rencontre.statut != StatutRencontre.PUBLIEE:
            raise ValidationError(
                {
                    "participant": [
                        _("Cette rencontre n'est pas ouverte à l'émargement (%(s)s).")
                        % {"s": rencontre.get_statut_display()}
                    ]
                }
            )
        demi = demi_journee_de(rencontre, jour, demi_journee)
        if demi is None:
            raise ValidationError(
                {"demi_journee": [_("Cette demi-journée n'est pas une demi-journée de la rencontre.")]}
            )
        if maintenant < demi.debut:
            raise ValidationError(
                {
                    "demi_journee": [
                        _("La demi-journée (%(d)s) n'a pas commencé : on signe sur place, le moment venu.")
                        % {"d": demi.libelle}
                    ]
                }
            )
        # La contrainte unique dit s'il y a déjà une signature : le verrou ci-dessus fait
        # attendre le second appui jusqu'à ce que le premier soit écrit, puis la base le refuse.
        try:
            with transaction.atomic():
                emargement = Emargement.objects.create(
                    inscription=inscription,
                    participant=participant,
                    jour=jour,
                    demi_journee=demi_journee,
                    signe_le=maintenant,
                    recueilli_par=acteur if acteur is not None and acteur.is_authenticated else None,
                )
        except IntegrityError:
            premiere = Emargement.objects.filter(
                participant=participant, jour=jour, demi_journee=demi_journee
            ).first()
            if premiere is None:
                raise
            raise _refus_deja_signe(participant, premiere.signe_le) from None
        evenement_enregistrer(
            verbe=EMARGEMENT_SIGNE,
            acteur=acteur,
            cible=inscription,
            donnees={"participant": participant.pk, "jour": jour.isoformat(), "demi_journee": demi_journee},
        )
        if inscription.arrivee_le is None:
            # Comme `pointer` à l'accueil : la personne est là.
            inscription.arrivee_le = maintenant
            inscription.save(update_fields=["arrivee_le"])
            evenement_enregistrer(verbe=ARRIVEE_POINTEE, acteur=acteur, cible=inscription)
    return emargement


def annuler_emargement(*, emargement: Emargement, acteur: Any, motif: str = "") -> None:
    """Efface une signature recueillie par erreur (la mauvaise personne a signé, la mauvaise
    demi-journée). L'arrivée pointée reste : la personne est bien venue à la rencontre."""
    with transaction.atomic():
        inscription = Inscription.objects.select_for_update(of=("self",)).get(pk=emargement.inscription_id)
        supprimees, _detail = Emargement.objects.filter(pk=emargement.pk).delete()
        if not supprimees:
            return
        evenement_enregistrer(
            verbe=EMARGEMENT_ANNULE,
            acteur=acteur,
            cible=inscription,
            motif=motif,
            donnees={
                "participant": emargement.participant_id,
                "jour": emargement.jour.isoformat(),
                "demi_journee": emargement.demi_journee,
                "signe_le": emargement.signe_le.isoformat(),
            },
        )
