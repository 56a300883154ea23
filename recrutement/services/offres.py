"""Les écritures du recrutement : recruteurs, offres et leur reconfirmation.

Chaque service est typé, à arguments nommés, prend son `acteur`, tient dans une transaction et
écrit au journal. Les refus sont des `ValidationError` en français, rangés par champ : la vue
les replace sur le formulaire sans rien perdre de la saisie.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recrutement.models import Offre, PartOffre, Recruteur, RoleRecruteur, StatutOffre, TypeContrat
from recrutement.permissions import gere_l_offre, peut_recruter_pour
from recrutement.workflows import recruteurs_de
from socle.services import evenement_enregistrer, modele_modifier, notifier
from socle.verbes import Verbe
from socle.workflows import transition
from territoire.models import Commune, Profession, Specialite, Structure

# Les actions que ce module écrit au journal d'audit.
RECRUTEUR_AJOUTE = Verbe("recrutement.recruteur.ajoute", gettext_lazy("Recruteur rattaché à une structure"))
OFFRE_CREEE = Verbe("recrutement.offre.creee", gettext_lazy("Offre créée"))
OFFRE_MODIFIEE = Verbe("recrutement.offre.modifiee", gettext_lazy("Offre modifiée"))
OFFRE_CONFIRMEE = Verbe("recrutement.offre.confirmee", gettext_lazy("Poste confirmé ouvert"))
OFFRE_CONFIRMATION_DEMANDEE = Verbe(
    "recrutement.offre.confirmation_demandee", gettext_lazy("Confirmation demandée au recruteur")
)


@dataclass(frozen=True)
class Part:
    """Une part d'une offre mixte telle que saisie."""

    employeur: Structure
    mode: str
    quotite: int


@dataclass(frozen=True)
class SaisieOffre:
    """Ce qu'un recruteur écrit d'une offre (création ou modification du brouillon)."""

    titre: str
    profession: Profession
    specialite: Specialite | None
    employeur: Structure
    type_contrat: str
    quotite: int
    date_limite: date
    description: str
    debut: date | None = None
    fin: date | None = None
    remuneration_min: Decimal | None = None
    remuneration_max: Decimal | None = None
    remuneration_periode: str = "mois"
    structures: Sequence[Structure] = ()
    communes: Sequence[Commune] = ()
    parts: Sequence[Part] = ()

    def champs(self) -> dict[str, Any]:
        return {
            "titre": self.titre.strip(),
            "profession": self.profession,
            "specialite": self.specialite,
            "employeur": self.employeur,
            "type_contrat": self.type_contrat,
            "quotite": self.quotite,
            "date_limite": self.date_limite,
            "description": self.description.strip(),
            "debut": self.debut,
            "fin": self.fin,
            "remuneration_min": self.remuneration_min,
            "remuneration_max": self.remuneration_max,
            "remuneration_periode": self.remuneration_periode,
        }


def _valider(saisie: SaisieOffre, *, acteur: Any, aujourd_hui: date) -> None:
    """Les refus d'une saisie, tous à la fois, chacun sur son champ."""
    erreurs: dict[str, list[str]] = {}

    def refus(champ: str, message: str) -> None:
        erreurs.setdefault(champ, []).append(message)

    if not peut_recruter_pour(acteur, saisie.employeur.pk):
        refus(
            "employeur",
            _("Vous ne recrutez pas pour « %(s)s » : choisissez votre structure.") % {"s": saisie.employeur},
        )
    if saisie.date_limite < aujourd_hui:
        refus("date_limite", _("La date limite de candidature est déjà passée."))
    if not 1 <= saisie.quotite <= 100:
        refus("quotite", _("Le temps de travail est un pourcentage entre 1 et 100."))
    if saisie.debut and saisie.fin and saisie.fin < saisie.debut:
        refus("fin", _("La fin du remplacement précède son début."))
    if saisie.type_contrat == TypeContrat.REMPLACEMENT and not (saisie.debut and saisie.fin):
        refus("fin", _("Un remplacement a une date de début et une date de fin."))
    if (
        saisie.remuneration_min is not None
        and saisie.remuneration_max is not None
        and saisie.remuneration_min > saisie.remuneration_max
    ):
        refus("remuneration_max", _("La rémunération maximale est inférieure à la minimale."))
    for montant in (saisie.remuneration_min, saisie.remuneration_max):
        if montant is not None and montant <= 0:
            refus("remuneration_min", _("Une rémunération est un montant positif."))
            break
    if saisie.type_contrat == TypeContrat.MIXTE:
        if len(saisie.parts) < 2:
            refus("parts", _("Un exercice mixte a au moins deux parts (par exemple salarié et libéral)."))
        elif sum(p.quotite for p in saisie.parts) != saisie.quotite:
            refus(
                "parts",
                _(
                    "Les parts font %(somme)s %% en tout ; "
                    "elles doivent faire le temps de travail de l'offre (%(q)s %%)."
                )
                % {"somme": sum(p.quotite for p in saisie.parts), "q": saisie.quotite},
            )
        if any(p.quotite <= 0 for p in saisie.parts):
            refus("parts", _("Chaque part est un pourcentage positif."))
        # Un groupement recrute pour ses membres : ses parts sont les leurs.
        if (
            saisie.parts
            and not saisie.employeur.est_groupement
            and saisie.employeur.pk not in {p.employeur.pk for p in saisie.parts}
        ):
            refus("parts", _("L'une des parts est celle de l'employeur de l'offre."))
    elif saisie.parts:
        refus("parts", _("Seule une offre d'exercice mixte se partage entre plusieurs employeurs."))
    if erreurs:
        raise ValidationError(erreurs)


def _poser_parts(offre: Offre, parts: Sequence[Part]) -> None:
    offre.parts.all().delete()
    PartOffre.objects.bulk_create(
        PartOffre(offre=offre, employeur=p.employeur, mode=p.mode, quotite=p.quotite) for p in parts
    )


def recruteur_ajouter(
    *, structure: Structure, compte: Any, role: str = RoleRecruteur.RECRUTEUR, acteur: Any
) -> Recruteur:
    """Rattache un compte à une structure comme recruteur (ou modérateur, pour un GCS)."""
    if role == RoleRecruteur.MODERATEUR and not structure.est_groupement:
        raise ValidationError({"role": _("Seul un groupement (GCS) a des modérateurs.")})
    with transaction.atomic():
        recruteur, cree = Recruteur.objects.get_or_create(
            structure=structure, compte=compte, defaults={"role": role}
        )
        if cree:
            evenement_enregistrer(
                verbe=RECRUTEUR_AJOUTE,
                acteur=acteur,
                cible=structure,
                donnees={"compte": compte.pk, "role": role},
            )
    return recruteur


def offre_creer(*, acteur: Any, saisie: SaisieOffre, aujourd_hui: date | None = None) -> Offre:
    """Ouvre le brouillon d'une offre pour une structure dont `acteur` est recruteur."""
    _valider(saisie, acteur=acteur, aujourd_hui=aujourd_hui or timezone.localdate())
    with transaction.atomic():
        offre = Offre.objects.create(cree_par=acteur, **saisie.champs())
        offre.structures.set(saisie.structures)
        offre.communes.set(saisie.communes)
        _poser_parts(offre, saisie.parts)
        evenement_enregistrer(verbe=OFFRE_CREEE, acteur=acteur, cible=offre, etat_apres=offre.statut)
    return offre


def offre_modifier(
    *, offre: Offre, acteur: Any, saisie: SaisieOffre, aujourd_hui: date | None = None
) -> Offre:
    """Modifie un brouillon ; trace l'ancienne et la nouvelle valeur de chaque champ."""
    _valider(saisie, acteur=acteur, aujourd_hui=aujourd_hui or timezone.localdate())
    with transaction.atomic():
        verrouillee = Offre.objects.select_for_update().get(pk=offre.pk)
        if verrouillee.statut != StatutOffre.BROUILLON or not peut_recruter_pour(
            acteur, verrouillee.employeur_id
        ):
            raise ValidationError(_("Seul un brouillon de votre structure se modifie."))
        parts_avant = sorted([p.employeur_id, p.mode, p.quotite] for p in verrouillee.parts.all())
        parts_apres = sorted([p.employeur.pk, p.mode, p.quotite] for p in saisie.parts)
        # Les parts ne sont pas des champs de l'offre : leur changement va au journal à côté de
        # ceux des champs, sur la même ligne (ou seul, si rien d'autre n'a changé).
        parts = {"parts": [parts_avant, parts_apres]} if parts_avant != parts_apres else None
        modifications = modele_modifier(
            objet=verrouillee,
            champs={
                **saisie.champs(),
                "structures": list(saisie.structures),
                "communes": list(saisie.communes),
            },
            acteur=acteur,
            verbe=OFFRE_MODIFIEE,
            aussi=["modifiee_le"],
            donnees=parts,
        )
        if parts is not None:
            _poser_parts(verrouillee, saisie.parts)
            if not modifications:
                evenement_enregistrer(verbe=OFFRE_MODIFIEE, acteur=acteur, cible=verrouillee, donnees=parts)
    return verrouillee


def offre_transition(*, offre: Offre, vers: str, acteur: Any, motif: str = "") -> Offre:
    """Applique une transition du workflow ; un refus garde son motif sur l'offre (montré au
    recruteur sur son brouillon)."""
    with transaction.atomic():
        apres = transition(offre, vers=vers, acteur=acteur, motif=motif)
        if apres.statut == StatutOffre.BROUILLON and motif:
            Offre.objects.filter(pk=offre.pk).update(motif_refus=motif.strip())
            offre.motif_refus = apres.motif_refus = motif.strip()
    return apres


def offre_confirmer(*, offre: Offre, acteur: Any) -> Offre:
    """Le recruteur dit que le poste est toujours ouvert : la prochaine question viendra dans
    `RECONFIRMATION` (recrutement/tasks.py)."""
    with transaction.atomic():
        verrouillee = Offre.objects.select_for_update().get(pk=offre.pk)
        if verrouillee.statut != StatutOffre.PUBLIEE or not gere_l_offre(acteur, verrouillee):
            raise ValidationError(_("Seule une offre publiée de votre structure se confirme."))
        verrouillee.confirmee_le = timezone.now()
        verrouillee.confirmation_demandee_le = None
        verrouillee.save(update_fields=["confirmee_le", "confirmation_demandee_le"])
        evenement_enregistrer(verbe=OFFRE_CONFIRMEE, acteur=acteur, cible=verrouillee)
    return verrouillee


def offre_demander_confirmation(*, offre_id: int, maintenant: datetime) -> bool:
    """Demande aux recruteurs de l'offre si le poste est toujours ouvert ; faux si c'était déjà
    fait (tâche rejouée) ou si l'offre n'est plus publiée."""
    with transaction.atomic():
        offre = (
            Offre.objects.select_for_update()
            .filter(pk=offre_id, statut=StatutOffre.PUBLIEE, confirmation_demandee_le__isnull=True)
            .first()
        )
        if offre is None:
            return False
        offre.confirmation_demandee_le = maintenant
        offre.save(update_fields=["confirmation_demandee_le"])
        evenement_enregistrer(verbe=OFFRE_CONFIRMATION_DEMANDEE, cible=offre)
        notifier(
            destinataires=recruteurs_de(offre),
            verbe=OFFRE_CONFIRMATION_DEMANDEE,
            titre=_("Le poste « %(offre)s » est-il toujours ouvert ?") % {"offre": offre},
            gabarit="recrutement/notifications/confirmation.txt",
            contexte={"objet": offre},
            url=offre.get_absolute_url() + "#confirmer",
        )
    return True
