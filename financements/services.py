"""Écritures sur les demandes de financement. Chaque service vérifie ce qu'il écrit, lève
`ValidationError` avec un message en français sans rien écrire, et trace son action."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from financements.eligibilite import euros
from financements.models import (
    PIECES_EXIGEES,
    STATUTS_AVANT_DECISION,
    ConditionTranche,
    CoPorteur,
    DemandeFinancement,
    Financeur,
    LigneDepense,
    LigneFinancement,
    MembreEquipe,
    Message,
    NaturePiece,
    NoteInstruction,
    PieceJustificative,
    StatutCoPorteur,
    StatutDemande,
    StatutEngagement,
    StatutTranche,
    Tranche,
    TypeDemande,
)
from financements.permissions import est_instructeur, est_porteur, est_porteur_principal
from socle.models import Document
from socle.services import apres_validation, document_deposer, evenement_enregistrer, notifier
from socle.workflows import TransitionRefusee, transition
from territoire.models import Axe, BesoinTerritoire, Commune, Professionnel, Projet

Acteur = Any
CENTIME = Decimal("0.01")
ZERO = Decimal("0.00")
MONTANT_MAX = Decimal("9999999999.99")


def montant_lu(valeur: Any, *, champ: str = "montant", zero_permis: bool = False) -> Decimal:
    """Un montant en euros saisi à la française (« 12 500,50 ») ou déjà décimal ; jamais un
    flottant, au centime près."""
    if isinstance(valeur, float):
        raise TypeError("Un montant ne se passe jamais en flottant.")
    if isinstance(valeur, Decimal):
        montant = valeur
    else:
        texte = str(valeur or "").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        texte = texte.replace("€", "").replace(",", ".")
        try:
            montant = Decimal(texte)
        except InvalidOperation:
            raise ValidationError(
                {champ: _("« %(valeur)s » n'est pas un montant en euros.") % {"valeur": valeur}}
            ) from None
    if not montant.is_finite():
        raise ValidationError({champ: _("Ce montant n'est pas un nombre.")})
    # Avant quantize, qui lève InvalidOperation au-delà de 28 chiffres (« 1e400 »).
    if abs(montant) > MONTANT_MAX:
        raise ValidationError({champ: _("Ce montant est trop grand.")})
    if montant != montant.quantize(CENTIME, rounding=ROUND_HALF_UP):
        raise ValidationError({champ: _("Un montant s'écrit au centime près (deux décimales au plus).")})
    if montant < 0 or (montant == 0 and not zero_permis):
        raise ValidationError({champ: _("Le montant doit être positif.")})
    if montant > MONTANT_MAX:
        raise ValidationError({champ: _("Ce montant est trop grand.")})
    return montant.quantize(CENTIME)


# --- Le brouillon ---------------------------------------------------------------------


def _modifiable(demande: DemandeFinancement, acteur: Acteur) -> DemandeFinancement:
    """Verrouille la demande : seuls ses porteurs modifient un brouillon."""
    verrouillee = (
        DemandeFinancement.objects.select_for_update().prefetch_related("coporteurs").get(pk=demande.pk)
    )
    if verrouillee.statut != StatutDemande.BROUILLON:
        raise ValidationError(_("La demande est déposée : son contenu ne change plus."))
    if not est_porteur(acteur, verrouillee):
        raise ValidationError(_("Seuls les porteurs de la demande la modifient."))
    return verrouillee


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
            verbe="financements.demande.creee",
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
    with transaction.atomic():
        verrouillee = _modifiable(demande, acteur)
        for nom, valeur in champs.items():
            setattr(verrouillee, nom, valeur)
        verrouillee.save(update_fields=[*champs, "modifiee_le"])
        if besoins is not None:
            verrouillee.besoins.set(besoins)
        projet_champs = {}
        if "intitule" in champs:
            projet_champs["nom"] = verrouillee.intitule
        if "description" in champs:
            projet_champs["description"] = verrouillee.description
        if projet_champs:
            Projet.objects.filter(pk=verrouillee.projet_id).update(**projet_champs)
        if "commune" in champs and verrouillee.commune is not None:
            verrouillee.projet.communes.set([verrouillee.commune])
    for nom in champs:
        setattr(demande, nom, getattr(verrouillee, nom))
    return verrouillee


def depenses_enregistrer(
    *, demande: DemandeFinancement, acteur: Acteur, lignes: Sequence[tuple[str, Any]]
) -> list[LigneDepense]:
    """Remplace les lignes de dépenses par celles saisies (libellé, montant)."""
    propres = []
    for rang, (libelle, montant) in enumerate(lignes):
        libelle = (libelle or "").strip()
        if not libelle and (montant in (None, "") or str(montant).strip() == ""):
            continue
        if not libelle:
            raise ValidationError({"depenses": _("Ligne %(n)s : nommez la dépense.") % {"n": rang + 1}})
        try:
            valeur = montant_lu(montant, champ="depenses")
        except ValidationError:
            raise ValidationError(
                {
                    "depenses": _("Ligne %(n)s (« %(l)s ») : indiquez un montant positif en euros.")
                    % {"n": rang + 1, "l": libelle}
                }
            ) from None
        propres.append(LigneDepense(libelle=libelle[:255], montant=valeur, ordre=rang))
    with transaction.atomic():
        verrouillee = _modifiable(demande, acteur)
        verrouillee.depenses.all().delete()
        for ligne in propres:
            ligne.demande = verrouillee
        creees = LigneDepense.objects.bulk_create(propres)
        DemandeFinancement.objects.filter(pk=demande.pk).update(modifiee_le=timezone.now())
    return creees


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
        verrouillee = _modifiable(demande, acteur)
        verrouillee.financements.exclude(financeur__in=propres).delete()
        lignes = []
        for financeur, valeur in propres.items():
            ligne, _cree = LigneFinancement.objects.update_or_create(
                demande=verrouillee, financeur=financeur, defaults={"montant": valeur}
            )
            lignes.append(ligne)
        DemandeFinancement.objects.filter(pk=demande.pk).update(modifiee_le=timezone.now())
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
        verrouillee = _modifiable(demande, acteur)
        if verrouillee.equipe.filter(professionnel=professionnel).exists():
            raise ValidationError(
                {"professionnel": _("%(p)s est déjà dans l'équipe.") % {"p": professionnel}}
            )
        membre = MembreEquipe.objects.create(demande=verrouillee, professionnel=professionnel)
        evenement_enregistrer(
            verbe="financements.equipe.ajoute",
            acteur=acteur,
            cible=verrouillee,
            donnees={"professionnel": professionnel.pk},
        )
    return membre


def equipe_retirer(*, membre: MembreEquipe, acteur: Acteur) -> None:
    with transaction.atomic():
        verrouillee = _modifiable(membre.demande, acteur)
        if membre.porteur:
            raise ValidationError(_("Un porteur ne se retire pas de l'équipe ainsi."))
        MembreEquipe.objects.filter(pk=membre.pk, demande=verrouillee).delete()
        evenement_enregistrer(
            verbe="financements.equipe.retire",
            acteur=acteur,
            cible=verrouillee,
            donnees={"professionnel": membre.professionnel_id},
        )


# --- Co-porteurs ------------------------------------------------------------------------


def coporteur_inviter(*, demande: DemandeFinancement, acteur: Acteur, email: str) -> CoPorteur:
    from financements.tasks import envoyer_invitation_coporteur

    email = email.strip().lower()
    if not email or "@" not in email:
        raise ValidationError({"email": _("Saisissez une adresse électronique valide.")})
    if not est_porteur_principal(acteur, demande):
        raise ValidationError(_("Seul le porteur principal invite des co-porteurs."))
    if email == acteur.email.lower():
        raise ValidationError({"email": _("Vous portez déjà cette demande.")})
    with transaction.atomic():
        verrouillee = _modifiable(demande, acteur)
        if verrouillee.coporteurs.filter(email__iexact=email).exists():
            raise ValidationError({"email": _("Cette personne est déjà invitée.")})
        coporteur = CoPorteur.objects.create(demande=verrouillee, email=email)
        evenement_enregistrer(
            verbe="financements.coporteur.invite", acteur=acteur, cible=verrouillee, donnees={"email": email}
        )
        apres_validation(envoyer_invitation_coporteur, coporteur.pk)
    return coporteur


def coporteur_repondre(*, coporteur: CoPorteur, acteur: Acteur, accepte: bool) -> CoPorteur:
    """Le co-porteur invité confirme (ou décline) depuis son compte, dont l'adresse est celle de
    l'invitation ; sa fiche de l'annuaire entre alors dans l'équipe comme porteur."""
    with transaction.atomic():
        verrouille = CoPorteur.objects.select_for_update().select_related("demande").get(pk=coporteur.pk)
        if verrouille.email.lower() != acteur.email.lower():
            raise ValidationError(_("Cette invitation est adressée à une autre adresse électronique."))
        if verrouille.statut != StatutCoPorteur.INVITE:
            raise ValidationError(_("Vous avez déjà répondu à cette invitation."))
        demande = DemandeFinancement.objects.select_for_update().get(pk=verrouille.demande_id)
        if demande.statut != StatutDemande.BROUILLON:
            raise ValidationError(_("La demande est déjà déposée."))
        verrouille.statut = StatutCoPorteur.CONFIRME if accepte else StatutCoPorteur.DECLINE
        verrouille.compte = acteur
        verrouille.repondu_le = timezone.now()
        verrouille.save(update_fields=["statut", "compte", "repondu_le"])
        if accepte:
            fiche = Professionnel.objects.filter(compte=acteur).first()
            if fiche is not None:
                MembreEquipe.objects.update_or_create(
                    demande=demande, professionnel=fiche, defaults={"porteur": True}
                )
                demande.projet.porteurs.add(fiche)
        evenement_enregistrer(
            verbe="financements.coporteur.confirme" if accepte else "financements.coporteur.decline",
            acteur=acteur,
            cible=demande,
            donnees={"email": verrouille.email},
        )
        notifier(
            destinataires=[demande.porteur],
            verbe="financements.coporteur.reponse",
            titre=(
                _("%(p)s confirme porter « %(d)s » avec vous")
                if accepte
                else _("%(p)s décline l'invitation à porter « %(d)s »")
            )
            % {"p": acteur, "d": demande},
            gabarit="financements/notifications/coporteur_reponse.txt",
            contexte={"coporteur": verrouille, "demande": demande, "accepte": accepte},
            url=demande.get_absolute_url(),
        )
    return verrouille


def coporteur_retirer(*, coporteur: CoPorteur, acteur: Acteur) -> None:
    with transaction.atomic():
        verrouillee = _modifiable(coporteur.demande, acteur)
        if not est_porteur_principal(acteur, verrouillee):
            raise ValidationError(_("Seul le porteur principal retire un co-porteur."))
        if coporteur.compte_id is not None:
            MembreEquipe.objects.filter(
                demande=verrouillee, professionnel__compte_id=coporteur.compte_id
            ).delete()
        CoPorteur.objects.filter(pk=coporteur.pk).delete()
        evenement_enregistrer(
            verbe="financements.coporteur.retire",
            acteur=acteur,
            cible=verrouillee,
            donnees={"email": coporteur.email},
        )


# --- Pièces -----------------------------------------------------------------------------

# Ce que les porteurs peuvent déposer, selon l'état de la demande.
PIECES_PAR_STATUT: dict[str, tuple[str, ...]] = {
    StatutDemande.BROUILLON: (*PIECES_EXIGEES, NaturePiece.AUTRE),
    StatutDemande.DEPOSEE: (NaturePiece.COMPLEMENT, NaturePiece.AUTRE),
    StatutDemande.EN_INSTRUCTION: (NaturePiece.COMPLEMENT, NaturePiece.AUTRE),
    StatutDemande.COMPLEMENTS: (*PIECES_EXIGEES, NaturePiece.COMPLEMENT, NaturePiece.AUTRE),
    StatutDemande.ACCORDEE: (NaturePiece.AUTRE,),
    StatutDemande.CONVENTIONNEE: (NaturePiece.RAPPORT_FINAL, NaturePiece.JUSTIFICATIF, NaturePiece.AUTRE),
    StatutDemande.EN_PAIEMENT: (NaturePiece.RAPPORT_FINAL, NaturePiece.JUSTIFICATIF, NaturePiece.AUTRE),
}


def natures_deposables(demande: DemandeFinancement) -> tuple[str, ...]:
    return PIECES_PAR_STATUT.get(demande.statut, ())


def piece_deposer(
    *, demande: DemandeFinancement, acteur: Acteur, nature: str, fichier: UploadedFile
) -> PieceJustificative:
    """Contrôle le fichier par son contenu (socle) ; une pièce exigée remplace la précédente de
    même nature, qui reste au dossier. En cas d'erreur, rien n'est écrit."""
    if nature not in NaturePiece.values:
        raise ValidationError({"nature": _("Choisissez la nature de la pièce.")})
    with transaction.atomic():
        verrouillee = (
            DemandeFinancement.objects.select_for_update().prefetch_related("coporteurs").get(pk=demande.pk)
        )
        if not (est_porteur(acteur, verrouillee) or est_instructeur(acteur)):
            raise ValidationError(_("Seuls les porteurs et l'instructeur déposent des pièces."))
        if not est_instructeur(acteur) and nature not in natures_deposables(verrouillee):
            raise ValidationError(
                {
                    "nature": _("Dans l'état « %(statut)s », cette pièce ne peut pas être déposée.")
                    % {"statut": verrouillee.get_statut_display()}
                }
            )
        titre = f"{NaturePiece(nature).label} — {verrouillee.intitule}"
        document = document_deposer(fichier=fichier, acteur=acteur, titre=titre, objet=verrouillee)
        if nature in PIECES_EXIGEES:
            verrouillee.pieces.filter(nature=nature, remplacee=False).update(remplacee=True)
        piece = PieceJustificative.objects.create(demande=verrouillee, nature=nature, document=document)
        # Le document suit la règle d'accès de sa pièce (un membre du Collège lit le projet de
        # santé pour son avis, jamais le RIB).
        Document.objects.filter(pk=document.pk).update(
            objet_type=ContentType.objects.get_for_model(PieceJustificative), objet_id=str(piece.pk)
        )
        DemandeFinancement.objects.filter(pk=demande.pk).update(modifiee_le=timezone.now())
    return piece


# --- Transitions --------------------------------------------------------------------------


def _version_a_jour(demande_id: int, version: int | None) -> DemandeFinancement:
    verrouillee = DemandeFinancement.objects.select_for_update().get(pk=demande_id)
    if version is not None and verrouillee.version != version:
        raise TransitionRefusee(
            _(
                "La demande a changé depuis que vous avez ouvert la page (quelqu'un d'autre a agi) : "
                "rechargez-la et vérifiez avant de recommencer."
            ),
            code="page_perimee",
        )
    return verrouillee


def demande_transition(
    *,
    demande: DemandeFinancement,
    vers: str,
    acteur: Acteur,
    version: int | None,
    motif: str = "",
    donnees: dict[str, Any] | None = None,
) -> DemandeFinancement:
    """Une transition du workflow, refusée si la page était périmée (`version` lue à
    l'affichage ; None pour les tâches du portail)."""
    with transaction.atomic():
        _version_a_jour(demande.pk, version)
        return transition(demande, vers=vers, acteur=acteur, motif=motif, donnees=donnees)


def demande_deposer(
    *, demande: DemandeFinancement, acteur: Acteur, version: int | None
) -> DemandeFinancement:
    """Dépose la demande si elle est éligible ; le récépissé (PDF) est écrit par un worker puis
    envoyé aux porteurs."""
    from financements.tasks import produire_recepisse

    with transaction.atomic():
        deposee = demande_transition(
            demande=demande, vers=StatutDemande.DEPOSEE, acteur=acteur, version=version
        )
        apres_validation(produire_recepisse, deposee.pk)
    return deposee


def demande_retirer(
    *, demande: DemandeFinancement, acteur: Acteur, version: int | None, motif: str = ""
) -> DemandeFinancement:
    """Le porteur retire sa demande avant la décision ; un scrutin d'avis en cours est annulé."""
    from college.models import StatutScrutin
    from college.workflows import SCRUTIN

    with transaction.atomic():
        retiree = demande_transition(
            demande=demande, vers=StatutDemande.RETIREE, acteur=acteur, version=version, motif=motif
        )
        scrutin = retiree.scrutin
        if scrutin is not None and scrutin.statut in (StatutScrutin.PREPARATION, StatutScrutin.OUVERT):
            transition(
                scrutin,
                vers=StatutScrutin.ANNULE,
                acteur=None,
                motif=_("La demande a été retirée par son porteur."),
                workflow=_workflow_systeme(SCRUTIN),
            )
    return retiree


@cache
def _workflow_systeme(workflow: Any) -> Any:
    """Le même workflow, où le portail lui-même peut annuler (retrait d'une demande)."""
    from dataclasses import replace

    from socle.workflows import Workflow

    return Workflow(
        modele=f"{workflow.modele}#systeme",
        transitions=tuple(replace(t, autorise=lambda acteur, objet: True) for t in workflow.transitions),
    )


def instructeur_designer(
    *, demande: DemandeFinancement, acteur: Acteur, instructeur: Any, version: int | None
) -> DemandeFinancement:
    """Désigne (ou change) l'instructeur ; une demande déposée passe alors en instruction."""
    if not est_instructeur(acteur):
        raise TransitionRefusee(_("Vous n'avez pas le droit de faire cette action."), code="non_autorise")
    if not est_instructeur(instructeur):
        raise ValidationError({"instructeur": _("Cette personne n'instruit pas les demandes.")})
    with transaction.atomic():
        verrouillee = _version_a_jour(demande.pk, version)
        if verrouillee.statut in (StatutDemande.BROUILLON, *_STATUTS_CLOS):
            raise ValidationError(_("Cette demande n'est pas à instruire."))
        DemandeFinancement.objects.filter(pk=demande.pk).update(
            instructeur=instructeur, version=F("version") + 1, modifiee_le=timezone.now()
        )
        evenement_enregistrer(
            verbe="financements.demande.instructeur",
            acteur=acteur,
            cible=verrouillee,
            donnees={"instructeur": instructeur.pk},
        )
        notifier(
            destinataires=[instructeur] if instructeur.pk != acteur.pk else [],
            verbe="financements.demande.instructeur",
            titre=_("Vous instruisez la demande %(d)s") % {"d": verrouillee},
            gabarit="financements/notifications/instructeur.txt",
            contexte={"objet": verrouillee, "acteur": acteur},
            url=verrouillee.get_absolute_url(),
        )
        if verrouillee.statut == StatutDemande.DEPOSEE:
            return transition(verrouillee, vers=StatutDemande.EN_INSTRUCTION, acteur=acteur)
    verrouillee.refresh_from_db()
    return verrouillee


_STATUTS_CLOS = (StatutDemande.REFUSEE, StatutDemande.CLASSEE, StatutDemande.RETIREE, StatutDemande.SOLDEE)


def avis_demander(
    *,
    demande: DemandeFinancement,
    acteur: Acteur,
    version: int | None,
    cloture: datetime | None = None,
    question: str = "",
) -> DemandeFinancement:
    """Soumet la demande à l'avis du Conseil : un scrutin d'avis du Collège s'ouvre sur elle,
    avec une discussion ; les membres du Collège qui la portent ou sont dans son équipe
    déclarent d'office leur intérêt et sont écartés du vote."""
    from college.models import DeclarationInteret, TypeScrutin
    from college.services import discussion_ouvrir, scrutin_creer, scrutin_ouvrir
    from conseil.models import Instance, TypeInstance

    maintenant = timezone.now()
    cloture = cloture or maintenant + timedelta(days=settings.FINANCEMENTS_DUREE_AVIS_JOURS)
    if cloture <= maintenant:
        raise ValidationError({"cloture": _("La clôture du vote doit être dans le futur.")})
    college = Instance.objects.filter(type_instance=TypeInstance.COLLEGE, active=True).first()
    if college is None:
        raise ValidationError(_("Aucun Collège des professionnels actif ne peut rendre l'avis."))
    with transaction.atomic():
        verrouillee = _version_a_jour(demande.pk, version)
        if verrouillee.statut != StatutDemande.EN_INSTRUCTION:
            raise TransitionRefusee(
                _("Seule une demande en instruction est soumise à l'avis du Conseil."),
                code="transition_inconnue",
            )
        if not est_instructeur(acteur):
            raise TransitionRefusee(_("Vous n'avez pas le droit de faire cette action."), code="non_autorise")
        titre = _("Avis sur la demande de financement %(d)s") % {"d": verrouillee}
        scrutin = scrutin_creer(
            acteur=acteur,
            instance=college,
            type_scrutin=TypeScrutin.AVIS,
            titre=titre[:255],
            question=question
            or _("Quel avis le Collège rend-il sur la demande « %(i)s » (%(t)s) ?")
            % {"i": verrouillee.intitule, "t": verrouillee.get_type_demande_display()},
            ouverture=maintenant,
            cloture=cloture,
            objet=verrouillee,
        )
        type_demande = ContentType.objects.get_for_model(DemandeFinancement)
        deja = set(
            DeclarationInteret.objects.filter(
                objet_type=type_demande, objet_id=str(verrouillee.pk)
            ).values_list("personne_id", flat=True)
        )
        for personne, nature in _interets_d_office(verrouillee):
            if personne.pk not in deja:
                DeclarationInteret.objects.create(
                    personne=personne,
                    objet_type=type_demande,
                    objet_id=str(verrouillee.pk),
                    nature=nature,
                    declaree_par=acteur,
                )
                evenement_enregistrer(
                    verbe="college.interet.declare",
                    acteur=acteur,
                    cible=verrouillee,
                    donnees={"personne": personne.pk, "d_office": True},
                )
                deja.add(personne.pk)
        discussion = discussion_ouvrir(
            instance=college,
            titre=titre[:255],
            objet=verrouillee,
            acteur=acteur,
            texte=_("Questions et remarques des membres du Collège sur la demande « %(i)s », avant l'avis.")
            % {"i": verrouillee.intitule},
        )
        DemandeFinancement.objects.filter(pk=demande.pk).update(scrutin=scrutin, discussion=discussion)
        scrutin_ouvrir(scrutin=scrutin, acteur=acteur)
        return transition(
            verrouillee, vers=StatutDemande.AVIS, acteur=acteur, donnees={"scrutin": scrutin.pk}
        )


def _interets_d_office(demande: DemandeFinancement) -> Iterable[tuple[Any, str]]:
    """Les comptes qui portent la demande ou sont dans son équipe."""
    from django.contrib.auth import get_user_model

    Utilisateur = get_user_model()
    yield demande.porteur, _("Porteur principal de la demande")
    for compte in Utilisateur.objects.filter(
        coportages__demande=demande, coportages__statut=StatutCoPorteur.CONFIRME
    ):
        yield compte, _("Co-porteur de la demande")
    for compte in Utilisateur.objects.filter(professionnel__equipes_financees__demande=demande).distinct():
        yield compte, _("Membre de l'équipe du projet")


def demande_decider(
    *,
    demande: DemandeFinancement,
    acteur: Acteur,
    version: int | None,
    decision: str,
    montant_accorde: Any = None,
    conditions: str = "",
    motifs_refus: str = "",
    voies_recours: str = "",
    motif: str = "",
) -> DemandeFinancement:
    """Accorde (montant, conditions), refuse (motifs, voies de recours) ou classe sans suite ;
    le courrier de décision est écrit par un worker."""
    from financements.tasks import produire_courrier_decision

    if decision not in (StatutDemande.ACCORDEE, StatutDemande.REFUSEE, StatutDemande.CLASSEE):
        raise ValidationError({"decision": _("Choisissez la décision.")})
    champs: dict[str, Any] = {}
    if decision == StatutDemande.ACCORDEE:
        montant = montant_lu(montant_accorde, champ="montant_accorde")
        plafond = Decimal(settings.FINANCEMENTS_PLAFOND_AGGLOMERATION)
        if montant > plafond:
            raise ValidationError(
                {
                    "montant_accorde": _("Le montant accordé dépasse le plafond de %(p)s.")
                    % {"p": euros(plafond)}
                }
            )
        demande_agglo = (
            LigneFinancement.objects.filter(demande=demande, financeur=Financeur.AGGLOMERATION)
            .values_list("montant", flat=True)
            .first()
        )
        if demande_agglo is not None and montant > demande_agglo:
            raise ValidationError(
                {
                    "montant_accorde": _("Le montant accordé dépasse le montant demandé (%(m)s).")
                    % {"m": euros(demande_agglo)}
                }
            )
        champs = {"montant_accorde": montant, "conditions": conditions.strip()}
    elif decision == StatutDemande.REFUSEE:
        champs = {"motifs_refus": motifs_refus.strip(), "voies_recours": voies_recours.strip()}
    with transaction.atomic():
        verrouillee = _version_a_jour(demande.pk, version)
        if verrouillee.statut not in STATUTS_AVANT_DECISION:
            raise TransitionRefusee(_("Cette demande est déjà décidée."), code="transition_inconnue")
        if champs:
            DemandeFinancement.objects.filter(pk=demande.pk).update(**champs)
        decidee = transition(
            verrouillee,
            vers=decision,
            acteur=acteur,
            motif=motif,
            donnees={k: str(v) for k, v in champs.items() if k == "montant_accorde"},
        )
        if decision == StatutDemande.ACCORDEE:
            LigneFinancement.objects.filter(demande=decidee, financeur=Financeur.AGGLOMERATION).update(
                statut_engagement=StatutEngagement.ACCORDE,
                montant_decide=champs["montant_accorde"],
                decide_le=timezone.localdate(),
            )
        apres_validation(produire_courrier_decision, decidee.pk)
    decidee.refresh_from_db()
    return decidee


# --- Convention et versements ------------------------------------------------------------


def tranches_par_defaut(demande: DemandeFinancement) -> list[Tranche]:
    """Une avance à la signature (FINANCEMENTS_PART_AVANCE) et le solde sur le rapport final."""
    if demande.montant_accorde is None:
        return []
    part = Decimal(settings.FINANCEMENTS_PART_AVANCE)
    avance = (demande.montant_accorde * part).quantize(CENTIME, rounding=ROUND_HALF_UP)
    solde = demande.montant_accorde - avance
    tranches = []
    if avance > 0:
        tranches.append(
            Tranche(
                demande=demande,
                ordre=1,
                libelle=_("Avance"),
                montant=avance,
                condition=ConditionTranche.SIGNATURE,
            )
        )
    if solde > 0:
        tranches.append(
            Tranche(
                demande=demande,
                ordre=len(tranches) + 1,
                libelle=_("Solde"),
                montant=solde,
                condition=ConditionTranche.RAPPORT_FINAL,
            )
        )
    return tranches


def tranches_enregistrer(
    *, demande: DemandeFinancement, acteur: Acteur, lignes: Sequence[dict[str, Any]], version: int | None
) -> list[Tranche]:
    """L'échéancier des versements, tant que rien n'est versé ; la somme est l'aide accordée."""
    if not est_instructeur(acteur):
        raise ValidationError(_("Seul l'instructeur fixe les versements."))
    tranches = []
    for rang, ligne in enumerate(lignes, start=1):
        condition = ligne.get("condition") or ""
        if condition not in ConditionTranche.values:
            raise ValidationError({"tranches": _("Tranche %(n)s : choisissez sa condition.") % {"n": rang}})
        if condition == ConditionTranche.AUTRE and not (ligne.get("condition_detail") or "").strip():
            raise ValidationError({"tranches": _("Tranche %(n)s : précisez la condition.") % {"n": rang}})
        tranches.append(
            Tranche(
                ordre=rang,
                libelle=(ligne.get("libelle") or _("Tranche %(n)s") % {"n": rang}).strip()[:120],
                montant=montant_lu(ligne.get("montant"), champ="tranches"),
                condition=condition,
                condition_detail=(ligne.get("condition_detail") or "").strip()[:255],
            )
        )
    with transaction.atomic():
        verrouillee = _version_a_jour(demande.pk, version)
        if verrouillee.statut not in (StatutDemande.ACCORDEE, StatutDemande.CONVENTIONNEE):
            raise ValidationError(_("Les versements se fixent entre l'accord et le premier versement."))
        if verrouillee.tranches.filter(statut=StatutTranche.VERSEE).exists():
            raise ValidationError(_("Un versement a déjà eu lieu : l'échéancier ne change plus."))
        total = sum((t.montant for t in tranches), ZERO)
        if total != verrouillee.montant_accorde:
            raise ValidationError(
                {
                    "tranches": _("Les tranches (%(t)s) doivent faire le montant accordé (%(m)s).")
                    % {"t": euros(total), "m": euros(verrouillee.montant_accorde or ZERO)}
                }
            )
        verrouillee.tranches.all().delete()
        for tranche in tranches:
            tranche.demande = verrouillee
        creees = Tranche.objects.bulk_create(tranches)
        DemandeFinancement.objects.filter(pk=demande.pk).update(version=F("version") + 1)
        evenement_enregistrer(
            verbe="financements.tranches.fixees",
            acteur=acteur,
            cible=verrouillee,
            donnees={"tranches": [str(t.montant) for t in creees]},
        )
    return creees


def convention_generer(
    *, demande: DemandeFinancement, acteur: Acteur, version: int | None = None
) -> Document:
    """Écrit la convention (PDF) depuis la décision et le modèle de l'administration ; pose
    l'échéancier par défaut s'il n'y en a pas encore. `version` : celle de la page d'où vient
    la demande (refusée si la demande a changé)."""
    from financements.pdf import convention_pdf

    if not est_instructeur(acteur):
        raise ValidationError(_("Seul l'instructeur prépare la convention."))
    with transaction.atomic():
        verrouillee = _version_a_jour(demande.pk, version)
        if verrouillee.statut != StatutDemande.ACCORDEE:
            raise ValidationError(_("La convention se prépare pour une aide accordée, avant sa signature."))
        if not verrouillee.tranches.exists():
            Tranche.objects.bulk_create(tranches_par_defaut(verrouillee))
        document = _document_pdf(
            contenu=convention_pdf(verrouillee),
            nom=f"convention-{verrouillee.numero}.pdf",
            titre=_("Convention de financement %(n)s") % {"n": verrouillee.numero},
            acteur=acteur,
            objet=verrouillee,
        )
        DemandeFinancement.objects.filter(pk=demande.pk).update(
            convention=document, version=F("version") + 1, modifiee_le=timezone.now()
        )
        evenement_enregistrer(verbe="financements.convention.generee", acteur=acteur, cible=verrouillee)
    return document


def _document_pdf(*, contenu: bytes, nom: str, titre: str, acteur: Acteur, objet: Any) -> Document:
    from django.core.files.uploadedfile import SimpleUploadedFile

    fichier = SimpleUploadedFile(nom, contenu, content_type="application/pdf")
    return document_deposer(fichier=fichier, acteur=acteur, titre=titre, objet=objet)


def convention_signee_deposer(
    *,
    demande: DemandeFinancement,
    acteur: Acteur,
    fichier: UploadedFile,
    signee_le: date,
    version: int | None,
) -> DemandeFinancement:
    """La convention revenue signée : elle est contrôlée, gardée, et la demande est conventionnée."""
    if signee_le > timezone.localdate():
        raise ValidationError({"signee_le": _("La date de signature ne peut pas être dans le futur.")})
    with transaction.atomic():
        verrouillee = _version_a_jour(demande.pk, version)
        if verrouillee.statut != StatutDemande.ACCORDEE:
            raise TransitionRefusee(
                _("Seule une aide accordée attend sa convention signée."), code="transition_inconnue"
            )
        if not est_instructeur(acteur):
            raise TransitionRefusee(_("Vous n'avez pas le droit de faire cette action."), code="non_autorise")
        document = document_deposer(
            fichier=fichier,
            acteur=acteur,
            titre=_("Convention signée %(n)s") % {"n": verrouillee.numero},
            objet=verrouillee,
        )
        if not verrouillee.tranches.exists():
            Tranche.objects.bulk_create(tranches_par_defaut(verrouillee))
        DemandeFinancement.objects.filter(pk=demande.pk).update(
            convention_signee=document, conventionnee_le=signee_le
        )
        return transition(verrouillee, vers=StatutDemande.CONVENTIONNEE, acteur=acteur)


def condition_remplie(tranche: Tranche, demande: DemandeFinancement, natures: Iterable[str]) -> str | None:
    """Message si la condition de la tranche n'est pas remplie ; `natures` : pièces au dossier."""
    if tranche.condition == ConditionTranche.SIGNATURE and demande.convention_signee_id is None:
        return _("La convention n'est pas encore signée.")
    if tranche.condition == ConditionTranche.RAPPORT_FINAL and NaturePiece.RAPPORT_FINAL not in set(natures):
        return _("Le rapport final n'est pas encore déposé par le porteur.")
    return None


def tranche_verser(
    *,
    tranche: Tranche,
    acteur: Acteur,
    versee_le: date,
    reference_mandat: str = "",
    version: int | None,
) -> Tranche:
    """Enregistre le versement d'une tranche dont la condition est remplie ; la demande passe en
    paiement au premier, et est soldée au dernier."""
    if not est_instructeur(acteur):
        raise TransitionRefusee(_("Vous n'avez pas le droit de faire cette action."), code="non_autorise")
    if versee_le > timezone.localdate():
        raise ValidationError({"versee_le": _("La date du versement ne peut pas être dans le futur.")})
    with transaction.atomic():
        demande = _version_a_jour(tranche.demande_id, version)
        verrouillee = Tranche.objects.select_for_update().get(pk=tranche.pk)
        if demande.statut not in (StatutDemande.CONVENTIONNEE, StatutDemande.EN_PAIEMENT):
            raise ValidationError(_("Les versements commencent après la signature de la convention."))
        if verrouillee.statut == StatutTranche.VERSEE:
            raise ValidationError(_("Cette tranche est déjà versée."))
        natures = demande.pieces.filter(remplacee=False).values_list("nature", flat=True)
        if message := condition_remplie(verrouillee, demande, natures):
            raise ValidationError(message)
        verrouillee.statut = StatutTranche.VERSEE
        verrouillee.versee_le = versee_le
        verrouillee.reference_mandat = reference_mandat.strip()[:60]
        verrouillee.save(update_fields=["statut", "versee_le", "reference_mandat"])
        evenement_enregistrer(
            verbe="financements.tranche.versee",
            acteur=acteur,
            cible=demande,
            donnees={"tranche": verrouillee.pk, "montant": str(verrouillee.montant)},
        )
        if demande.statut == StatutDemande.CONVENTIONNEE:
            demande = transition(demande, vers=StatutDemande.EN_PAIEMENT, acteur=acteur)
        if not demande.tranches.filter(statut=StatutTranche.PREVUE).exists():
            demande = transition(demande, vers=StatutDemande.SOLDEE, acteur=acteur)
            LigneFinancement.objects.filter(demande=demande, financeur=Financeur.AGGLOMERATION).update(
                statut_engagement=StatutEngagement.VERSE
            )
        else:
            DemandeFinancement.objects.filter(pk=demande.pk).update(version=F("version") + 1)
    return verrouillee


# --- Les autres financeurs --------------------------------------------------------------


def engagement_enregistrer(
    *,
    ligne: LigneFinancement,
    acteur: Acteur,
    statut_engagement: str,
    montant_decide: Any = None,
    decide_le: date | None = None,
    commentaire: str = "",
    version: int | None = None,
) -> LigneFinancement:
    """Ce qu'un autre financeur a décidé (ARS, Département, URML, Région, autofinancement) ;
    `version` : celle de la page d'où vient la saisie (refusée si la demande a changé)."""
    if not est_instructeur(acteur):
        raise ValidationError(_("Seule l'agglomération tient les engagements des financeurs."))
    if statut_engagement not in StatutEngagement.values:
        raise ValidationError({"statut_engagement": _("Choisissez l'état de l'engagement.")})
    montant = None
    if montant_decide not in (None, ""):
        montant = montant_lu(montant_decide, champ="montant_decide", zero_permis=True)
    if statut_engagement in (StatutEngagement.ACCORDE, StatutEngagement.VERSE):
        if montant is None or montant <= 0:
            raise ValidationError({"montant_decide": _("Indiquez le montant engagé par ce financeur.")})
        if decide_le is None:
            raise ValidationError({"decide_le": _("Indiquez la date de la décision du financeur.")})
    if decide_le is not None and decide_le > timezone.localdate():
        raise ValidationError({"decide_le": _("La date de décision ne peut pas être dans le futur.")})
    with transaction.atomic():
        _version_a_jour(ligne.demande_id, version)
        verrouillee = LigneFinancement.objects.select_for_update().get(pk=ligne.pk)
        if verrouillee.financeur == Financeur.AGGLOMERATION:
            raise ValidationError(_("L'engagement de l'agglomération suit sa décision et ses versements."))
        verrouillee.statut_engagement = statut_engagement
        verrouillee.montant_decide = montant
        verrouillee.decide_le = decide_le
        verrouillee.commentaire = commentaire.strip()[:255]
        verrouillee.save(update_fields=["statut_engagement", "montant_decide", "decide_le", "commentaire"])
        DemandeFinancement.objects.filter(pk=ligne.demande_id).update(version=F("version") + 1)
        evenement_enregistrer(
            verbe="financements.engagement.enregistre",
            acteur=acteur,
            cible=verrouillee.demande,
            donnees={
                "financeur": verrouillee.financeur,
                "statut": statut_engagement,
                "montant": str(montant) if montant is not None else "",
            },
        )
    return verrouillee


# --- Messages et notes -------------------------------------------------------------------


def message_envoyer(*, demande: DemandeFinancement, acteur: Acteur, texte: str) -> Message:
    """Un message entre porteurs et instructeur ; l'autre partie est notifiée."""
    from financements.workflows import instructeurs_de, porteurs_de

    texte = texte.strip()
    if not texte:
        raise ValidationError({"texte": _("Écrivez votre message.")})
    if len(texte) > 5000:
        raise ValidationError({"texte": _("Un message tient en 5 000 caractères au plus.")})
    avec_porteurs = DemandeFinancement.objects.prefetch_related("coporteurs").get(pk=demande.pk)
    porteur = est_porteur(acteur, avec_porteurs)
    if not (porteur or est_instructeur(acteur)):
        raise ValidationError(_("Seuls les porteurs et l'instructeur échangent des messages."))
    if avec_porteurs.statut == StatutDemande.BROUILLON:
        raise ValidationError(_("Les messages s'échangent une fois la demande déposée."))
    with transaction.atomic():
        message = Message.objects.create(demande=avec_porteurs, auteur=acteur, texte=texte)
        destinataires = (
            instructeurs_de(avec_porteurs, acteur) if porteur else porteurs_de(avec_porteurs, acteur)
        )
        notifier(
            destinataires=[d for d in destinataires if d.pk != acteur.pk],
            verbe="financements.message.envoye",
            titre=_("Message de %(a)s sur %(d)s") % {"a": acteur, "d": avec_porteurs},
            gabarit="financements/notifications/message.txt",
            contexte={"message": message, "demande": avec_porteurs, "acteur": acteur},
            url=avec_porteurs.get_absolute_url() + "#messages",
        )
        evenement_enregistrer(verbe="financements.message.envoye", acteur=acteur, cible=avec_porteurs)
    return message


def note_ecrire(*, demande: DemandeFinancement, acteur: Acteur, texte: str) -> NoteInstruction:
    """Une note privée de l'instruction : jamais montrée aux porteurs ni au Collège."""
    if not est_instructeur(acteur):
        raise ValidationError(_("Seule l'agglomération écrit des notes d'instruction."))
    texte = texte.strip()
    if not texte:
        raise ValidationError({"texte": _("Écrivez la note.")})
    return NoteInstruction.objects.create(demande=demande, auteur=acteur, texte=texte)


def besoins_proposes() -> Any:
    return BesoinTerritoire.objects.filter(actif=True).prefetch_related("poles", "professions")
