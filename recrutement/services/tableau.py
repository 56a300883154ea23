"""Les écritures du tableau partagé des recruteurs : l'étape d'une candidature, les notes, les
pièces ouvertes, la fusion de deux fiches d'un même candidat, les offres proposées au vivier.

Chaque service prend son `acteur`, vérifie qu'il voit ce qu'il touche (les mêmes prédicats
que les pages : `recrutement.permissions`), tient dans une transaction et écrit au journal.
Les courriels aux candidats partent de tâches (`recrutement.tasks`) demandées dans la
transaction (boîte d'envoi du socle).
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recrutement.models import (
    Candidat,
    Candidature,
    Consentement,
    EtapeCandidature,
    NaturePiece,
    NoteCandidature,
    ObjetConsentement,
    Offre,
    PieceCandidature,
    PorteeNote,
    PropositionVivier,
)
from recrutement.permissions import gere_l_offre, peut_voir_la_candidature, structures_pour_la_candidature
from recrutement.selectors import candidats_du_vivier_pour, candidats_visibles_par
from recrutement.services.conservation import Motif, candidat_anonymiser
from recrutement.workflows import CANDIDATURE
from socle.models import Document
from socle.services import apres_validation, evenement_enregistrer
from socle.taches import demander_en_lot
from socle.verbes import Verbe
from socle.workflows import transition

NOTE_ECRITE = Verbe(
    "recrutement.note.ecrite", gettext_lazy("Note écrite sur la candidature"), precision="portee"
)
CANDIDATS_FUSIONNES = Verbe(
    "recrutement.candidat.fusionne", gettext_lazy("Fiches d'un même candidat fusionnées"), precision="absorbe"
)
VIVIER_PROPOSE = Verbe("recrutement.offre.proposee_au_vivier", gettext_lazy("Offre proposée au vivier"))
# Écrits par les tâches, une fois le courriel parti : ils les rendent idempotentes.
CLOTURE_ANNONCEE = Verbe(
    "recrutement.candidature.cloture_annoncee", gettext_lazy("Décision annoncée au candidat par courriel")
)
PROPOSITION_ENVOYEE = Verbe(
    "recrutement.proposition.envoyee", gettext_lazy("Offre du vivier envoyée au candidat par courriel")
)

# Les étapes dont le candidat est prévenu par courriel (la décision des employeurs).
ETAPES_ANNONCEES = (EtapeCandidature.RETENUE, EtapeCandidature.NON_RETENUE)


def candidature_etape_changer(
    *, candidature: Candidature, vers: str, acteur: Any, motif: str = ""
) -> Candidature:
    """Fait passer la candidature à l'étape `vers` selon `recrutement.workflows.CANDIDATURE`
    (verrou, droit, journal) ; une décision (retenue, non retenue) est annoncée au candidat par
    courriel, une fois la transaction validée."""
    if vers not in EtapeCandidature.values:
        raise ValidationError({"vers": _("Étape inconnue.")})
    with transaction.atomic():
        candidature = transition(candidature, vers=vers, acteur=acteur, motif=motif, workflow=CANDIDATURE)
        if vers in ETAPES_ANNONCEES:
            # Import tardif : recrutement.tasks importe ce paquet de services.
            from recrutement.tasks import annoncer_la_decision

            apres_validation(annoncer_la_decision, candidature.pk)
    return candidature


def note_ecrire(
    *,
    candidature: Candidature,
    auteur: Any,
    texte: str,
    portee: str = PorteeNote.EMPLOYEUR,
    structure_id: int | None = None,
) -> NoteCandidature:
    """Écrit une note d'`auteur` pour sa structure : réservée aux recruteurs de cette structure,
    ou partagée avec tous ceux qui voient la candidature. Un recruteur de plusieurs structures
    dit pour laquelle il écrit (`structure_id`)."""
    erreurs: dict[str, str] = {}
    if not peut_voir_la_candidature(auteur, candidature):
        raise ValidationError(_("Cette candidature ne vous est pas confiée."), code="non_autorise")
    structures = structures_pour_la_candidature(auteur, candidature)
    if structure_id is None and len(structures) == 1:
        structure_id = structures[0]
    if structure_id is None:
        erreurs["structure"] = _("Dites pour quelle structure vous écrivez cette note.")
    elif structure_id not in structures:
        erreurs["structure"] = _("Vous n'écrivez pas pour cette structure sur cette candidature.")
    if not texte.strip():
        erreurs["texte"] = _("La note est vide.")
    if portee not in PorteeNote.values:
        erreurs["portee"] = _("Choisissez qui lit la note.")
    if erreurs or structure_id is None:
        raise ValidationError(erreurs)
    with transaction.atomic():
        note = NoteCandidature.objects.create(
            candidature=candidature,
            auteur=auteur,
            structure_id=structure_id,
            portee=portee,
            texte=texte.strip(),
        )
        # Le journal dit qu'une note est écrite et pour qui, jamais ce qu'elle dit.
        evenement_enregistrer(
            verbe=NOTE_ECRITE,
            acteur=auteur,
            cible=candidature,
            donnees={"note": note.pk, "portee": portee, "structure": structure_id},
        )
    return note


def piece_consulter(*, piece: PieceCandidature, acteur: Any) -> None:
    """Retient qu'`acteur` ouvre la pièce, pour quelle structure et quand (ce que montrent la
    page de la candidature et l'espace du candidat)."""
    candidature = piece.candidature
    if not peut_voir_la_candidature(acteur, candidature):
        raise ValidationError(_("Cette candidature ne vous est pas confiée."), code="non_autorise")
    structures = structures_pour_la_candidature(acteur, candidature)
    piece.consultations.create(compte=acteur, structure_id=structures[0] if structures else None)


# --- Fusion de deux fiches -------------------------------------------------------------------


def _fusionner_candidature(gardee: Candidature, doublon: Candidature, maintenant: datetime) -> None:
    """Deux candidatures à la même offre : les pièces, les consentements et les notes de
    `doublon` passent sur `gardee`, puis `doublon` est supprimée (vide)."""
    a_un_cv = gardee.pieces.filter(nature=NaturePiece.CV).exists()
    for piece in doublon.pieces.all():
        if piece.nature == NaturePiece.CV and a_un_cv:
            # Un seul CV par candidature (contrainte) : le second reste, comme autre document.
            piece.nature = NaturePiece.AUTRE
        piece.candidature = gardee
        piece.save(update_fields=["candidature", "nature"])
    # Les documents restent rattachés à une candidature qui existe.
    Document.objects.filter(pk__in=gardee.pieces.values("document_id")).update(objet_id=str(gardee.pk))
    deja = set(gardee.consentements.filter(retire_le__isnull=True).values_list("employeur_id", flat=True))
    for consentement in doublon.consentements.all():
        if consentement.retire_le is None and consentement.employeur_id in deja:
            # La candidature gardée est déjà confiée à cet employeur : ce consentement-ci est
            # gardé comme preuve de ce qui a été accepté, clos à la fusion.
            consentement.retire_le = maintenant
        consentement.candidature = gardee
        consentement.save(update_fields=["candidature", "retire_le"])
    doublon.notes.update(candidature=gardee)
    champs = []
    if doublon.aide_emploi_conjoint and not gardee.aide_emploi_conjoint:
        gardee.aide_emploi_conjoint = True
        champs.append("aide_emploi_conjoint")
    if doublon.aide_logement and not gardee.aide_logement:
        gardee.aide_logement = True
        champs.append("aide_logement")
    for champ in ("message", "aide_precisions"):
        texte = getattr(doublon, champ)
        if texte and texte not in getattr(gardee, champ):
            setattr(gardee, champ, "\n\n".join(t for t in (getattr(gardee, champ), texte) if t))
            champs.append(champ)
    if champs:
        gardee.save(update_fields=champs)
    doublon.delete()


def candidats_fusionner(*, garde: Candidat, absorbe: Candidat, acteur: Any) -> Candidat:
    """Fusionne la fiche `absorbe` dans `garde` (deux fiches d'une même personne), à la demande
    d'un recruteur qui voit les deux, jamais d'office.

    Passent sur `garde` : les candidatures (deux candidatures à la même offre n'en font plus
    qu'une : celle de `garde`, qui reçoit les pièces, consentements et notes de l'autre), les
    consentements (au vivier, la plus lointaine échéance reste), les offres proposées, le
    compte et les coordonnées qui manquent à `garde`. Ensuite seulement, `absorbe` garde
    `fusionne_dans` et perd tout le reste (`candidat_anonymiser`, motif « fusion ») : rien de
    ce qui a été déplacé n'est effacé."""
    maintenant = timezone.now()
    if garde.pk == absorbe.pk:
        raise ValidationError(_("Une fiche ne se fusionne pas avec elle-même."), code="meme_fiche")
    visibles = set(
        candidats_visibles_par(acteur).filter(pk__in=[garde.pk, absorbe.pk]).values_list("pk", flat=True)
    )
    if visibles != {garde.pk, absorbe.pk}:
        raise ValidationError(
            _("Vous ne pouvez fusionner que deux fiches dont vous voyez les candidatures."),
            code="non_autorise",
        )
    with transaction.atomic():
        fiches = {c.pk: c for c in Candidat.objects.select_for_update().filter(pk__in=[garde.pk, absorbe.pk])}
        garde, absorbe = fiches[garde.pk], fiches[absorbe.pk]
        if garde.anonymise_le or absorbe.anonymise_le or garde.fusionne_dans_id or absorbe.fusionne_dans_id:
            raise ValidationError(
                _("L'une des deux fiches a déjà été effacée ou fusionnée."), code="deja_fusionne"
            )
        deplacees, reunies = [], []
        a_garde = {c.offre_id: c for c in Candidature.objects.select_for_update().filter(candidat=garde)}
        for candidature in Candidature.objects.select_for_update().filter(candidat=absorbe).order_by("pk"):
            gardee = a_garde.get(candidature.offre_id)
            if gardee is None:
                candidature.candidat = garde
                candidature.save(update_fields=["candidat"])
                deplacees.append(candidature.pk)
            else:
                _fusionner_candidature(gardee, candidature, maintenant)
                reunies.append(gardee.pk)
        # Les consentements (ceux des candidatures suivent la candidature ; le candidat aussi).
        vivier_garde = Consentement.objects.filter(
            candidat=garde, objet=ObjetConsentement.VIVIER, retire_le__isnull=True
        ).first()
        for consentement in Consentement.objects.filter(candidat=absorbe).order_by("pk"):
            consentement.candidat = garde
            if (
                consentement.objet == ObjetConsentement.VIVIER
                and consentement.retire_le is None
                and vivier_garde
            ):
                # Un seul consentement au vivier actif : celui de `garde` prend l'échéance la
                # plus lointaine, l'autre est gardé comme preuve, clos à la fusion.
                if (
                    consentement.echeance
                    and vivier_garde.echeance
                    and consentement.echeance > vivier_garde.echeance
                ):
                    vivier_garde.echeance = consentement.echeance
                    vivier_garde.renouvellement_demande_le = consentement.renouvellement_demande_le
                    vivier_garde.save(update_fields=["echeance", "renouvellement_demande_le"])
                consentement.retire_le = maintenant
            consentement.save(update_fields=["candidat", "retire_le"])
        proposees = set(PropositionVivier.objects.filter(candidat=garde).values_list("offre_id", flat=True))
        PropositionVivier.objects.filter(candidat=absorbe, offre_id__in=proposees).delete()
        PropositionVivier.objects.filter(candidat=absorbe).update(candidat=garde)
        # Ce qui manque à la fiche gardée.
        champs = ["dernier_contact_le"]
        garde.dernier_contact_le = max(garde.dernier_contact_le, absorbe.dernier_contact_le)
        for champ in ("telephone", "rpps", "profession_id", "specialite_id"):
            if not getattr(garde, champ) and getattr(absorbe, champ):
                setattr(garde, champ, getattr(absorbe, champ))
                champs.append(champ.removesuffix("_id"))
        compte_deplace = garde.compte_id is None and absorbe.compte_id is not None
        compte = absorbe.compte_id
        # La fiche absorbée lâche son compte et son adresse avant d'être effacée : l'effacement
        # supprime les alertes de son adresse et de son compte, qui sont aussi celles de la
        # personne gardée.
        Candidat.objects.filter(pk=absorbe.pk).update(
            compte=None, email=f"fusionne-{absorbe.pk}@invalid", fusionne_dans=garde
        )
        if compte_deplace:
            garde.compte_id = compte
            champs.append("compte")
        garde.save(update_fields=champs)
        poles = list(absorbe.poles_souhaites.all())
        if poles and garde.poles_souhaites.exists():
            # Aucun pôle voulait dire « tout le Cotentin » : on ne restreint pas la fiche gardée.
            garde.poles_souhaites.add(*poles)
        candidat_anonymiser(candidat=absorbe, motif=Motif.FUSION, acteur=acteur, maintenant=maintenant)
        evenement_enregistrer(
            verbe=CANDIDATS_FUSIONNES,
            acteur=acteur,
            cible=garde,
            donnees={
                "absorbe": absorbe.pk,
                "candidatures_deplacees": deplacees,
                "candidatures_reunies": reunies,
                "compte_deplace": compte_deplace,
            },
        )
    garde.refresh_from_db()
    return garde


# --- Le vivier -------------------------------------------------------------------------------


def vivier_proposer(*, offre: Offre, acteur: Any, maintenant: datetime | None = None) -> int:
    """Propose l'offre, par courriel, aux candidats du vivier qui y correspondent et ne l'ont
    pas encore reçue (`PropositionVivier`, une par offre et par candidat) ; le recruteur ne
    voit pas qui. Rend le nombre de candidats à qui elle part ; rejoué, n'en ajoute aucun."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        offre = Offre.objects.select_for_update().get(pk=offre.pk)
        if not gere_l_offre(acteur, offre):
            raise ValidationError(
                _("Seuls les recruteurs de l'offre la proposent au vivier."), code="non_autorise"
            )
        if not offre.est_en_ligne(timezone.localdate(maintenant)):
            raise ValidationError(
                _("Seule une offre en ligne se propose au vivier : celle-ci est close ou échue."),
                code="offre_close",
            )
        candidats = list(
            candidats_du_vivier_pour(offre, maintenant)
            .exclude(pk__in=PropositionVivier.objects.filter(offre=offre).values("candidat_id"))
            .values_list("pk", flat=True)
        )
        propositions = PropositionVivier.objects.bulk_create(
            PropositionVivier(offre=offre, candidat_id=pk, proposee_par=acteur, proposee_le=maintenant)
            for pk in candidats
        )
        if propositions:
            from recrutement.tasks import envoyer_la_proposition  # import tardif : voir plus haut

            demander_en_lot(envoyer_la_proposition, [(p.pk,) for p in propositions])
        evenement_enregistrer(
            verbe=VIVIER_PROPOSE, acteur=acteur, cible=offre, donnees={"candidats": len(propositions)}
        )
    return len(propositions)
