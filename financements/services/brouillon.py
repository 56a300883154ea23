"""Le brouillon du porteur : création, saisie enregistrée pendant la frappe, dépenses, plan de
financement, équipe."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from financements.models import (
    DemandeFinancement,
    Financeur,
    LigneDepense,
    LigneFinancement,
    MembreEquipe,
    StatutDemande,
    TypeDemande,
)
from financements.services._commun import Acteur, brouillon_modifiable, montant_lu
from socle.services import evenement_enregistrer, journal_des_modifications, modele_modifier
from socle.verbes import Verbe
from territoire.models import Axe, Commune, Professionnel, Projet

# Les actions que ce module écrit au journal d'audit.
DEMANDE_CREEE = Verbe("financements.demande.creee", gettext_lazy("Demande de financement commencée"))
EQUIPE_AJOUTE = Verbe("financements.equipe.ajoute", gettext_lazy("Professionnel ajouté à l'équipe"))
EQUIPE_RETIRE = Verbe("financements.equipe.retire", gettext_lazy("Professionnel retiré de l'équipe"))
BROUILLON_MODIFIE = Verbe("financements.demande.modifiee", gettext_lazy("Brouillon modifié"))
DEPENSES_MODIFIEES = Verbe("financements.demande.depenses_modifiees", gettext_lazy("Dépenses modifiées"))
PLAN_MODIFIE = Verbe("financements.demande.plan_modifie", gettext_lazy("Plan de financement modifié"))

# Le brouillon s'enregistre à chaque pause de la frappe : une ligne du journal par séance de
# saisie (valeur d'avant la séance, dernière valeur), pas une par pause.
SEANCE_DE_SAISIE = timedelta(minutes=30)

# --- Le brouillon ---------------------------------------------------------------------


def demande_creer(
    *,
    porteur: Acteur,
    intitule: str,
    type_demande: str,
    description: str = "",
    commune: Commune | None = None,
) -> DemandeFinancement:
    """Ouvre un brouillon et le projet qu'il finance ; le porteur y entre avec sa fiche de
    l'annuaire quand son compte y est relié."""
    intitule = intitule.strip()
    if not intitule:
        raise ValidationError({"intitule": _("Donnez un intitulé au projet.")})
    if type_demande not in TypeDemande.values:
        raise ValidationError({"type_demande": _("Choisissez le type de la demande.")})
    fiche = Professionnel.objects.filter(compte=porteur).first()
    with transaction.atomic():
        projet = Projet.objects.create(
            nom=intitule[:255], description=description, axe=Axe.DEMOGRAPHIE, nature=Projet.Nature.PSLA
        )
        if commune is not None:
            projet.communes.add(commune)
        demande = DemandeFinancement.objects.create(
            projet=projet,
            intitule=intitule[:255],
            type_demande=type_demande,
            description=description,
            commune=commune,
            porteur=porteur,
        )
        if fiche is not None:
            MembreEquipe.objects.create(demande=demande, professionnel=fiche, porteur=True)
            projet.porteurs.add(fiche)
        evenement_enregistrer(
            verbe=DEMANDE_CREEE,
            acteur=porteur,
            cible=demande,
            etat_apres=StatutDemande.BROUILLON,
        )
    return demande


CHAMPS_DU_BROUILLON = (
    "intitule",
    "type_demande",
    "description",
    "commune",
    "engagement_stages",
    "engagement_stages_detail",
)


def demande_modifier(*, demande: DemandeFinancement, acteur: Acteur, **champs: Any) -> DemandeFinancement:
    """Enregistre ce que le porteur a saisi (aussi à chaque pause de la frappe)."""
    inconnus = set(champs) - set(CHAMPS_DU_BROUILLON) - {"besoins"}
    if inconnus:
        raise ValueError(f"Champs non modifiables : {sorted(inconnus)}")
    if "intitule" in champs and not str(champs["intitule"]).strip():
        raise ValidationError({"intitule": _("Donnez un intitulé au projet.")})
    if "type_demande" in champs and champs["type_demande"] not in TypeDemande.values:
        raise ValidationError({"type_demande": _("Choisissez le type de la demande.")})
    besoins = champs.pop("besoins", None)
    if besoins is not None:
        besoins = list(besoins)
        inactifs = [b for b in besoins if not b.actif]
        if inactifs:
            raise ValidationError(
                {"besoins": _("Ce besoin n'est plus proposé : %(b)s.") % {"b": inactifs[0]}}
            )
    if besoins is not None:
        champs["besoins"] = besoins
    with transaction.atomic():
        verrouillee = brouillon_modifiable(demande, acteur)
        modifications = modele_modifier(
            objet=verrouillee,
            champs=champs,
            acteur=acteur,
            verbe=BROUILLON_MODIFIE,
            aussi=["modifiee_le"],
            regrouper_pendant=SEANCE_DE_SAISIE,
        )
        projet_champs = {}
        if "intitule" in modifications:
            projet_champs["nom"] = verrouillee.intitule
        if "description" in modifications:
            projet_champs["description"] = verrouillee.description
        if projet_champs:
            Projet.objects.filter(pk=verrouillee.projet_id).update(**projet_champs)
        if "commune" in modifications and verrouillee.commune is not None:
            verrouillee.projet.communes.set([verrouillee.commune])
    champs.pop("besoins", None)
    for nom in champs:
        setattr(demande, nom, getattr(verrouillee, nom))
    return verrouillee


@dataclass(frozen=True)
class DepenseRefusee:
    """Une ligne de dépense telle que tapée, et pourquoi elle n'est pas enregistrée."""

    rang: int
    libelle: str
    montant: str
    message: str

    def __str__(self) -> str:
        if self.libelle:
            return _("Ligne %(n)s (« %(libelle)s ») : %(message)s") % {
                "n": self.rang + 1,
                "libelle": self.libelle,
                "message": self.message,
            }
        return _("Ligne %(n)s : %(message)s") % {"n": self.rang + 1, "message": self.message}


@dataclass(frozen=True)
class DepensesEnregistrees:
    enregistrees: list[LigneDepense]
    refusees: list[DepenseRefusee]


def depense_lue(libelle: str, montant: Any) -> Decimal:
    """Le montant d'une ligne de dépense ; `ValidationError` dit ce qui ne va pas sur cette ligne."""
    if not libelle:
        raise ValidationError(_("Nommez la dépense."))
    try:
        return montant_lu(montant, champ="montant")
    except ValidationError as erreur:
        raise ValidationError(erreur.message_dict["montant"]) from None


def depenses_a_corriger(demande: DemandeFinancement) -> list[DepenseRefusee]:
    """Les lignes gardées telles que tapées au dernier enregistrement, avec leur message."""
    refusees = []
    for ligne in demande.depenses_a_corriger:
        libelle, montant = ligne.get("libelle", ""), ligne.get("montant", "")
        try:
            depense_lue(libelle, montant)
        except ValidationError as erreur:
            message = " ".join(erreur.messages)
        else:
            message = ""
        refusees.append(
            DepenseRefusee(rang=ligne.get("rang", 0), libelle=libelle, montant=montant, message=message)
        )
    return refusees


def depenses_enregistrer(
    *, demande: DemandeFinancement, acteur: Acteur, lignes: Sequence[tuple[str, Any]]
) -> DepensesEnregistrees:
    """Remplace les lignes de dépenses par celles saisies (libellé, montant), dans l'ordre de
    la page (le rang d'une ligne est sa place, lignes vides comprises).

    Une ligne invalide n'empêche pas d'enregistrer les autres : elle est gardée telle que
    tapée dans `depenses_a_corriger` (hors des totaux), et rendue avec ce qui ne va pas. Lève
    `ValidationError` seulement si le brouillon ne se modifie plus."""
    propres = []
    refusees = []
    for rang, (libelle, montant) in enumerate(lignes):
        libelle = (libelle or "").strip()
        montant = montant if isinstance(montant, Decimal) else str(montant or "").strip()
        if not libelle and montant == "":
            continue
        try:
            valeur = depense_lue(libelle, montant)
        except ValidationError as erreur:
            refusees.append(
                DepenseRefusee(
                    rang=rang, libelle=libelle, montant=str(montant), message=" ".join(erreur.messages)
                )
            )
            continue
        propres.append(LigneDepense(libelle=libelle[:255], montant=valeur, ordre=rang))
    with transaction.atomic():
        verrouillee = brouillon_modifiable(demande, acteur)
        avant = [[ligne.libelle, str(ligne.montant)] for ligne in verrouillee.depenses.order_by("ordre")]
        verrouillee.depenses.all().delete()
        for ligne in propres:
            ligne.demande = verrouillee
        creees = LigneDepense.objects.bulk_create(propres)
        # Une saisie en cours, pas encore une dépense : elle n'entre pas au journal, qui ne
        # trace que les lignes enregistrées.
        a_corriger = [
            {"rang": r.rang, "libelle": r.libelle[:255], "montant": r.montant[:50]} for r in refusees
        ]
        DemandeFinancement.objects.filter(pk=demande.pk).update(
            modifiee_le=timezone.now(), depenses_a_corriger=a_corriger
        )
        demande.depenses_a_corriger = a_corriger
        apres = [[ligne.libelle, str(ligne.montant)] for ligne in propres]
        if apres != avant:
            journal_des_modifications(
                verbe=DEPENSES_MODIFIEES,
                acteur=acteur,
                cible=verrouillee,
                modifications={"depenses": [avant, apres]},
                regrouper_pendant=SEANCE_DE_SAISIE,
            )
    return DepensesEnregistrees(enregistrees=creees, refusees=refusees)


def plan_enregistrer(
    *, demande: DemandeFinancement, acteur: Acteur, montants: dict[str, Any]
) -> list[LigneFinancement]:
    """Le plan de financement : un montant par financeur (vide ou zéro : pas sollicité)."""
    propres: dict[str, Decimal] = {}
    for financeur, montant in montants.items():
        if financeur not in Financeur.values:
            raise ValidationError({"financements": _("Financeur inconnu : %(f)s.") % {"f": financeur}})
        if montant in (None, "") or str(montant).strip() == "":
            continue
        valeur = montant_lu(montant, champ=f"financement_{financeur}", zero_permis=True)
        if valeur > 0:
            propres[financeur] = valeur
    with transaction.atomic():
        verrouillee = brouillon_modifiable(demande, acteur)
        avant = {ligne.financeur: str(ligne.montant) for ligne in verrouillee.financements.all()}
        verrouillee.financements.exclude(financeur__in=propres).delete()
        lignes = []
        for financeur, valeur in propres.items():
            ligne, _cree = LigneFinancement.objects.update_or_create(
                demande=verrouillee, financeur=financeur, defaults={"montant": valeur}
            )
            lignes.append(ligne)
        DemandeFinancement.objects.filter(pk=demande.pk).update(modifiee_le=timezone.now())
        apres = {financeur: str(valeur) for financeur, valeur in propres.items()}
        if apres != avant:
            journal_des_modifications(
                verbe=PLAN_MODIFIE,
                acteur=acteur,
                cible=verrouillee,
                modifications={"plan": [avant, apres]},
                regrouper_pendant=SEANCE_DE_SAISIE,
            )
    return lignes


def equipe_ajouter(
    *, demande: DemandeFinancement, acteur: Acteur, professionnel: Professionnel
) -> MembreEquipe:
    if not professionnel.actif:
        raise ValidationError(
            {
                "professionnel": _("%(p)s n'exerce plus sur le territoire selon l'annuaire.")
                % {"p": professionnel}
            }
        )
    with transaction.atomic():
        verrouillee = brouillon_modifiable(demande, acteur)
        if verrouillee.equipe.filter(professionnel=professionnel).exists():
            raise ValidationError(
                {"professionnel": _("%(p)s est déjà dans l'équipe.") % {"p": professionnel}}
            )
        membre = MembreEquipe.objects.create(demande=verrouillee, professionnel=professionnel)
        evenement_enregistrer(
            verbe=EQUIPE_AJOUTE,
            acteur=acteur,
            cible=verrouillee,
            donnees={"professionnel": professionnel.pk},
        )
    return membre


def equipe_retirer(*, membre: MembreEquipe, acteur: Acteur) -> None:
    with transaction.atomic():
        verrouillee = brouillon_modifiable(membre.demande, acteur)
        if membre.porteur:
            raise ValidationError(_("Un porteur ne se retire pas de l'équipe ainsi."))
        MembreEquipe.objects.filter(pk=membre.pk, demande=verrouillee).delete()
        evenement_enregistrer(
            verbe=EQUIPE_RETIRE,
            acteur=acteur,
            cible=verrouillee,
            donnees={"professionnel": membre.professionnel_id},
        )
