"""La page d'une demande de financement, une seule pour tous ceux qui la lisent : ses porteurs,
l'agglomération qui l'instruit, les membres du Collège appelés à rendre leur avis.

`contexte_de_la_demande` la construit ; les vues du porteur (porteur.py) et celles de
l'instruction (instruction.py) s'en servent toutes deux, y compris pour réafficher une saisie
refusée. Ce que l'agglomération peut y faire vient du workflow (`DEMANDE.possibles`) : un
formulaire n'est montré que si la transition qu'il demande part de l'état de la demande et
que la personne y a droit ; la garde (instructeur désigné, avis rendu…) est vérifiée à
l'envoi, qui dit en français ce qui manque.
"""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.http import HttpRequest
from django.utils import timezone

from college.models import Choix, StatutScrutin
from college.permissions import est_membre_du_college
from financements import services
from financements.forms import MessageForm, PieceForm, RetraitForm
from financements.forms_instruction import (
    AvisForm,
    ClassementForm,
    ComplementsForm,
    ConventionSigneeForm,
    DecisionForm,
    EngagementForm,
    InstructeurForm,
    NoteForm,
    TranchesFormSet,
    VersementForm,
    cloture_par_defaut,
    engagement_initial,
    tranches_initiales,
)
from financements.models import (
    PIECES_POUR_L_AVIS,
    DemandeFinancement,
    Financeur,
    LigneDepense,
    LigneFinancement,
    NaturePiece,
    StatutDemande,
    StatutTranche,
)
from financements.permissions import (
    est_instructeur,
    est_porteur,
    invitation_en_attente,
    voit_le_dossier_complet,
    voit_toutes_les_demandes,
)
from financements.workflows import DEMANDE, DEMANDE_COMPLEMENTS_DEMANDES
from socle.selectors import evenements_de

ZERO = Decimal("0.00")
DECIDEE = (
    StatutDemande.ACCORDEE,
    StatutDemande.REFUSEE,
    StatutDemande.CONVENTIONNEE,
    StatutDemande.EN_PAIEMENT,
    StatutDemande.SOLDEE,
)


def totaux(depenses: list[LigneDepense], financements: list[LigneFinancement]) -> dict[str, Any]:
    """Ce qui est enregistré : total des dépenses, du plan, et l'écart."""
    total_depenses = sum((ligne.montant for ligne in depenses), ZERO)
    total_plan = sum((ligne.montant for ligne in financements), ZERO)
    return {"total_depenses": total_depenses, "total_plan": total_plan, "ecart": total_depenses - total_plan}


def contexte_de_la_demande(
    request: HttpRequest,
    demande: DemandeFinancement,
    *,
    piece: PieceForm | None = None,
    message: MessageForm | None = None,
    **formulaires_instruction: Any,
) -> dict[str, Any]:
    """Le contexte de `financements/demande_detail.html`. `piece`, `message` et
    `formulaires_instruction` : les formulaires d'une saisie refusée, réaffichés tels que tapés
    (ceux de l'instruction par leur nom : « decision », ou (« versement », pk de la tranche))."""
    utilisateur = request.user
    complet = voit_le_dossier_complet(utilisateur, demande)
    porteur = est_porteur(utilisateur, demande)
    depose = demande.statut != StatutDemande.BROUILLON
    pieces = demande.pieces.select_related("document")
    if not complet:
        pieces = pieces.filter(nature__in=PIECES_POUR_L_AVIS, remplacee=False)
    natures = services.natures_deposables(demande) if porteur and depose else ()
    form_piece = piece or PieceForm()
    champ_nature = cast(forms.ChoiceField, form_piece.fields["nature"])
    champ_nature.choices = [(n, NaturePiece(n).label) for n in natures]
    financements = list(demande.financements.all())
    depenses = list(demande.depenses.all())
    offertes = _transitions_offertes(demande, utilisateur)
    contexte: dict[str, Any] = {
        "demande": demande,
        "complet": complet,
        "porteur": porteur,
        "equipe": list(demande.equipe.select_related("professionnel__profession")),
        "besoins": list(demande.besoins.prefetch_related("poles")),
        "depenses": depenses,
        "financements": financements,
        **totaux(depenses, financements),
        "pieces": list(pieces),
        "tranches": list(demande.tranches.all()),
        "voit_l_avis": demande.scrutin_id is not None
        and (est_membre_du_college(utilisateur) or voit_toutes_les_demandes(utilisateur)),
        "messages_demande": list(demande.messages.select_related("auteur")) if complet and depose else [],
        "peut_ecrire": depose and (porteur or est_instructeur(utilisateur)),
        "form_message": message or MessageForm(),
        "form_piece": form_piece,
        "natures_deposables": natures,
        "peut_retirer": porteur and StatutDemande.RETIREE in offertes,
        "form_retrait": RetraitForm(initial={"version": demande.version}),
        "attend_complements": porteur and demande.statut == StatutDemande.COMPLEMENTS,
        # Ce que l'instructeur a demandé, là où le porteur agit (le motif de la transition).
        "complements_demandes": (
            evenements_de(demande).filter(verbe=DEMANDE_COMPLEMENTS_DEMANDES.code).first()
            if demande.statut == StatutDemande.COMPLEMENTS
            else None
        ),
        "invitation": invitation_en_attente(utilisateur, demande),
        "decidee": demande.statut in DECIDEE,
    }
    if est_instructeur(utilisateur):
        contexte.update(_contexte_instruction(demande, offertes, formulaires_instruction))
    return contexte


def _transitions_offertes(demande: DemandeFinancement, utilisateur: Any) -> dict[str, Any]:
    """Les transitions que `utilisateur` peut demander depuis l'état de la demande, par état
    d'arrivée (depuis un état donné, l'arrivée désigne la transition)."""
    return {str(t.vers): t for t in DEMANDE.possibles(demande, utilisateur)}


def _avis_du_college(demande: DemandeFinancement) -> dict[str, Any] | None:
    """L'avis du Collège tel que le scrutin l'a publié, ou l'attente de sa clôture."""
    from college.proces_verbal import issue_en_mots  # college/proces_verbal importe le Conseil : à la demande

    scrutin = demande.scrutin
    if scrutin is None:
        return None
    resultat: dict[str, Any] = scrutin.resultat or {}
    rendu = scrutin.statut == StatutScrutin.CLOS and bool(resultat)
    return {
        "scrutin": scrutin,
        "rendu": rendu,
        "annule": scrutin.statut == StatutScrutin.ANNULE,
        "issue": issue_en_mots(scrutin) if rendu or scrutin.statut == StatutScrutin.ANNULE else "",
        "decompte": [
            (str(Choix(choix).label) if choix in Choix.values else choix, voix)
            for choix, voix in resultat.get("decompte", {}).items()
        ]
        if rendu
        else [],
        "electeurs": resultat.get("electeurs", 0),
        "votants": resultat.get("votants", 0),
        "quorum_atteint": resultat.get("quorum_atteint", False),
    }


def auto_id(prefixe: str, pk: int) -> str:
    """Des id uniques dans la page pour les formulaires répétés (un par tranche, par financeur)."""
    return f"id_{prefixe}{pk}_%s"


def _contexte_instruction(
    demande: DemandeFinancement, offertes: dict[str, Any], formulaires: dict[str, Any]
) -> dict[str, Any]:
    """Ce que la page montre à l'agglomération : les actions que le workflow lui ouvre, les
    versements, les engagements des autres financeurs, les notes."""
    S = StatutDemande
    tranches = list(demande.tranches.all())
    une_tranche_versee = any(t.statut == StatutTranche.VERSEE for t in tranches)

    versements = []
    # Verser une tranche fait passer la demande en paiement, puis la solde.
    if S.EN_PAIEMENT in offertes or S.SOLDEE in offertes:
        natures = set(demande.pieces.filter(remplacee=False).values_list("nature", flat=True))
        bound_pk, bound_form = formulaires.get("versement", (None, None))
        for tranche in tranches:
            if tranche.statut != StatutTranche.PREVUE:
                continue
            form = (
                bound_form
                if tranche.pk == bound_pk
                else VersementForm(
                    initial={"versee_le": timezone.localdate()}, auto_id=auto_id("tranche", tranche.pk)
                )
            )
            versements.append(
                {
                    "tranche": tranche,
                    "form": form,
                    "condition": services.condition_remplie(tranche, demande, natures),
                }
            )

    bound_pk, bound_form = formulaires.get("engagement", (None, None))
    engagements = [
        {
            "ligne": ligne,
            "form": bound_form
            if ligne.pk == bound_pk
            else EngagementForm(initial=engagement_initial(ligne), auto_id=auto_id("financeur", ligne.pk)),
        }
        for ligne in demande.financements.all()
        if ligne.financeur != Financeur.AGGLOMERATION
    ]

    # L'échéancier se fixe à l'accord et se corrige jusqu'au premier versement.
    peut_fixer_tranches = (
        S.CONVENTIONNEE in offertes or S.EN_PAIEMENT in offertes
    ) and not une_tranche_versee
    return {
        "instruction": True,
        "transitions_possibles": list(offertes.values()),
        # Un instructeur se désigne tant qu'il reste à la demande une étape d'instruction (toute
        # transition autre que le dépôt et le retrait, qui sont celles du porteur).
        "peut_designer": any(vers not in (S.DEPOSEE, S.RETIREE) for vers in offertes),
        "form_instructeur": formulaires.get("instructeur")
        or InstructeurForm(initial={"instructeur": demande.instructeur_id}),
        "form_complements": (formulaires.get("complements") or ComplementsForm())
        if S.COMPLEMENTS in offertes
        else None,
        "peut_reprendre": demande.statut == S.COMPLEMENTS and S.EN_INSTRUCTION in offertes,
        "form_avis": (formulaires.get("avis") or AvisForm(initial={"cloture": cloture_par_defaut()}))
        if S.AVIS in offertes
        else None,
        "avis_college": _avis_du_college(demande),
        "form_decision": (formulaires.get("decision") or DecisionForm())
        if S.ACCORDEE in offertes or S.REFUSEE in offertes
        else None,
        # Soumise à l'avis, vote pas encore clos : ni « Accorder » ni « Refuser » (la table du
        # workflow ne les propose pas avant l'avis), mais la page dit ce qu'on attend.
        "decision_attendue": demande.statut == S.AVIS,
        "form_classement": (formulaires.get("classement") or ClassementForm())
        if S.CLASSEE in offertes
        else None,
        "peut_generer_convention": S.CONVENTIONNEE in offertes,
        "form_convention_signee": (formulaires.get("convention_signee") or ConventionSigneeForm())
        if S.CONVENTIONNEE in offertes
        else None,
        "tranches_instruction": tranches,
        "formset_tranches": (
            formulaires.get("tranches")
            or TranchesFormSet(
                # Sans échéancier encore, celui que la convention poserait par défaut.
                initial=tranches_initiales(tranches or services.tranches_par_defaut(demande)),
                prefix="tranches",
            )
        )
        if peut_fixer_tranches
        else None,
        "form_echeancier": formulaires.get("echeancier") or forms.Form(),
        "versements": versements,
        "engagements": engagements,
        "notes_instruction": list(demande.notes.select_related("auteur")),
        "form_note": formulaires.get("note") or NoteForm(),
    }
