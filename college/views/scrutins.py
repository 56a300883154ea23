"""Les pages des membres du Collège : les scrutins de leurs instances, leur bulletin (et ceux
de leurs mandants), leur candidature, leurs intérêts déclarés, leur procuration, le résultat
et l'urne publiée après la clôture."""

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from college import recu_de_secours, selectors, services
from college.forms import BulletinForm, CandidatureForm, InteretForm, ProcurationVoteForm
from college.models import (
    Bulletin,
    Candidature,
    Choix,
    Electeur,
    ProcurationVote,
    Scrutin,
    StatutScrutin,
    TypeScrutin,
)
from college.permissions import (
    peut_declarer_interet,
    peut_donner_procuration,
    peut_se_porter_candidat,
    peut_voter,
    preparation_ou_vote,
    procurations_a_exercer,
    urne_publiee,
    vote_en_cours,
)
from college.proces_verbal import ISSUES, issue_en_mots
from college.selectors import Situation
from comptes.models import Utilisateur
from conseil.models import Departage
from conseil.permissions import est_gestionnaire, peut_voir_espace_conseil
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail

SCRUTINS_CLOS_PAR_PAGE = 20
FORMAT_RECU = re.compile(r"^[A-Z0-9]{12}$")


# --- Présentation ------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneScrutin:
    """Un scrutin d'une liste, avec la situation de la personne qui la lit."""

    scrutin: Scrutin
    situation: Situation


@dataclass(frozen=True)
class LigneDecompte:
    libelle: str
    voix: int
    elu: bool = False


@dataclass(frozen=True)
class Regle:
    libelle: str
    valeur: str


def _pourcentage(partie: int, tout: int) -> int:
    return round(100 * partie / tout) if tout else 0


def _resultat_presente(scrutin: Scrutin) -> dict[str, Any] | None:
    r: dict[str, Any] | None = scrutin.resultat
    if scrutin.statut != StatutScrutin.CLOS or not r:
        return None
    elus = {str(cid) for cid in r.get("elus", [])}
    if scrutin.type_scrutin == TypeScrutin.ELECTION:
        noms = r.get("noms", {})
        lignes = sorted(
            (
                LigneDecompte(noms.get(cid, cid), voix, cid in elus)
                for cid, voix in r.get("voix_par_candidat", {}).items()
            ),
            key=lambda ligne: (-ligne.voix, ligne.libelle),
        )
        lignes.append(LigneDecompte(_("Bulletins blancs"), r.get("decompte", {}).get("blancs", 0)))
    else:
        lignes = [
            LigneDecompte(str(Choix(choix).label), voix) for choix, voix in r.get("decompte", {}).items()
        ]
    departage = r.get("departage", "")
    return {
        "lignes": lignes,
        "issue": issue_en_mots(scrutin),
        "electeurs": r.get("electeurs", 0),
        "votants": r.get("votants", 0),
        "taux": _pourcentage(r.get("votants", 0), r.get("electeurs", 0)),
        "procurations": r.get("procurations", 0),
        "exprimes": r.get("exprimes", 0),
        "quorum_requis": r.get("quorum_requis", 0),
        "quorum_atteint": r.get("quorum_atteint", False),
        "majorite_requise": r.get("majorite_requise", 0),
        "exclus": r.get("exclus_pour_interet", []),
        "departage": departage,
        "graine": r.get("graine", "") if departage == Departage.TIRAGE else "",
    }


def _regles(scrutin: Scrutin) -> list[Regle]:
    """Les règles figées à l'ouverture ; avant, celles de l'instance, qui peuvent encore changer."""
    instance = scrutin.instance
    figees = scrutin.ouvert_le is not None
    quorum_part = scrutin.quorum_part if figees else instance.quorum_part
    avec_procurations = scrutin.quorum_compte_procurations if figees else instance.quorum_compte_procurations
    base = scrutin.get_base_majorite_display() if figees else instance.get_vote_base_majorite_display()
    abstentions = scrutin.abstentions_exprimees if figees else instance.vote_abstentions_exprimees
    procurations = scrutin.procurations_autorisees if figees else instance.procurations_autorisees
    plafond = (scrutin.procurations_max_par_membre if figees else instance.procurations_max_par_membre) or 1
    regles = [
        Regle(
            _("Quorum"),
            _("%(part)s %% du corps électoral, %(procurations)s")
            % {
                "part": int((quorum_part or 0) * 100),
                "procurations": _("procurations comprises")
                if avec_procurations
                else _("sans compter les procurations"),
            },
        ),
        Regle(_("Majorité requise"), str(base)),
        Regle(
            _("Abstentions"),
            _("comptées comme suffrages exprimés")
            if abstentions
            else _("non comptées dans les suffrages exprimés"),
        ),
        Regle(
            _("Procurations"),
            _("autorisées, %(n)s au plus par membre") % {"n": plafond}
            if procurations
            else _("non autorisées"),
        ),
    ]
    if scrutin.type_scrutin == TypeScrutin.ELECTION:
        departage = scrutin.get_departage_display() if figees else instance.get_vote_departage_display()
        regles.append(Regle(_("En cas d'égalité"), str(departage)))
    return regles


def _erreurs(form: Form | None) -> list[str]:
    if form is None or not form.is_bound:
        return []
    return [str(message) for erreurs in form.errors.values() for message in erreurs]


# --- Liste --------------------------------------------------------------------------------


@require_safe
def scrutin_liste(request: RequetePortail) -> HttpResponse:
    utilisateur = request.user
    if not peut_voir_espace_conseil(utilisateur):
        raise PermissionDenied
    visibles = selectors.scrutins_visibles_par(utilisateur).select_related("instance")
    ouverts = list(visibles.filter(statut=StatutScrutin.OUVERT).order_by("cloture", "id"))
    situations = selectors.situations_de(utilisateur, ouverts)
    clos = visibles.filter(statut__in=(StatutScrutin.CLOS, StatutScrutin.ANNULE)).order_by("-cloture", "-id")
    page = Paginator(clos, SCRUTINS_CLOS_PAR_PAGE).get_page(request.GET.get("page"))
    for scrutin in page:
        scrutin.issue = issue_en_mots(scrutin)  # type: ignore[attr-defined]
    return render(
        request,
        "college/scrutin_liste.html",
        {
            "ouverts": [LigneScrutin(s, situations.get(s.pk, Situation())) for s in ouverts],
            "a_venir": list(visibles.filter(statut=StatutScrutin.PREPARATION).order_by("ouverture", "id")),
            "page": page,
            "gestionnaire": est_gestionnaire(utilisateur),
            "maintenant": timezone.now(),
        },
    )


# --- Détail -------------------------------------------------------------------------------


def _votants_en_preparation(scrutin: Scrutin) -> list[Any]:
    return [m.personne for m in services.membres_votants(scrutin.instance, timezone.localdate())]


def _mandataires_possibles(scrutin: Scrutin, utilisateur: Any) -> list[Any]:
    """Les électeurs (en préparation : les membres votants) à qui l'on peut confier son vote :
    ni soi-même, ni qui a donné sa propre procuration."""
    ont_donne = set(ProcurationVote.objects.filter(scrutin=scrutin).values_list("mandant_id", flat=True))
    if scrutin.statut == StatutScrutin.PREPARATION:
        personnes = _votants_en_preparation(scrutin)
    else:
        personnes = [
            e.personne
            for e in Electeur.objects.filter(scrutin=scrutin, exclu_pour_interet=False).select_related(
                "personne"
            )
        ]
    return [p for p in personnes if p.pk != utilisateur.pk and p.pk not in ont_donne]


def _contexte(
    request: RequetePortail,
    scrutin: Scrutin,
    *,
    form_bulletin: BulletinForm | None = None,
    form_interet: InteretForm | None = None,
    form_procuration: ProcurationVoteForm | None = None,
    form_candidature: CandidatureForm | None = None,
) -> dict[str, Any]:
    utilisateur = request.user
    gestionnaire = est_gestionnaire(utilisateur)
    situation = selectors.situation_de(utilisateur, scrutin)
    election = scrutin.type_scrutin == TypeScrutin.ELECTION
    candidatures: list[Candidature] = (
        list(scrutin.candidatures.select_related("personne")) if election else []
    )
    ma_candidature = next((c for c in candidatures if c.personne_id == utilisateur.pk), None)
    en_preparation = scrutin.statut == StatutScrutin.PREPARATION
    votant_en_preparation = en_preparation and utilisateur.pk in {
        p.pk for p in _votants_en_preparation(scrutin)
    }
    membre = selectors.est_membre_de_l_instance(utilisateur, scrutin) or situation.electeur is not None

    # Les bulletins proposés : le sien, puis un par procuration détenue. Un bulletin refusé
    # revient à sa place, avec ce qui avait été choisi.
    bulletin_envoye_pour = form_bulletin.mandant.pk if form_bulletin and form_bulletin.mandant else None
    form_moi = None
    if peut_voter(utilisateur, scrutin, situation):
        form_moi = (
            form_bulletin
            if form_bulletin is not None and form_bulletin.mandant is None
            else BulletinForm(scrutin=scrutin, candidatures=candidatures)
        )
    forms_procurations = []
    for detenue in procurations_a_exercer(scrutin, situation):
        if form_bulletin is not None and bulletin_envoye_pour == detenue.mandant.pk:
            forms_procurations.append((detenue, form_bulletin))
        else:
            forms_procurations.append(
                (detenue, BulletinForm(scrutin=scrutin, candidatures=candidatures, mandant=detenue.mandant))
            )

    offre_interet = peut_declarer_interet(utilisateur, scrutin, situation, membre=membre)
    offre_procuration = peut_donner_procuration(scrutin, situation, votant=votant_en_preparation)
    mandataires = _mandataires_possibles(scrutin, utilisateur) if offre_procuration else []
    offre_candidature = peut_se_porter_candidat(scrutin, votant=votant_en_preparation)
    objet = scrutin.objet if scrutin.objet_type_id else None

    refus = [
        *_erreurs(form_bulletin),
        *_erreurs(form_interet),
        *_erreurs(form_procuration),
        *_erreurs(form_candidature),
    ]
    return {
        "scrutin": scrutin,
        "objet": objet,
        "objet_url": getattr(objet, "get_absolute_url", lambda: "")() if objet is not None else "",
        "election": election,
        "candidatures": candidatures,
        "ma_candidature": ma_candidature,
        "regles": _regles(scrutin),
        "regles_figees": scrutin.ouvert_le is not None,
        "vote_en_cours": vote_en_cours(scrutin),
        "situation": situation,
        "membre": membre,
        "form_bulletin": form_moi,
        "forms_procurations": forms_procurations,
        "form_interet": (form_interet or InteretForm()) if offre_interet else None,
        "form_procuration": (form_procuration or ProcurationVoteForm(mandataires=mandataires))
        if offre_procuration
        else None,
        "mandataires": mandataires,
        "form_candidature": (form_candidature or CandidatureForm())
        if offre_candidature and not ma_candidature
        else None,
        "peut_retirer_candidature": ma_candidature is not None and en_preparation,
        "refus": refus,
        "gestionnaire": gestionnaire,
        "participation": services.participation_en_direct(scrutin)
        if gestionnaire and scrutin.statut == StatutScrutin.OUVERT
        else None,
        "resultat": scrutin.resultat or None,
        "resultat_presente": _resultat_presente(scrutin),
        "urne_publiee": urne_publiee(scrutin),
    }


def _page_scrutin(request: RequetePortail, scrutin: Scrutin, **forms: Any) -> HttpResponse:
    contexte = _contexte(request, scrutin, **forms)
    contexte["recus_de_secours"] = recu_de_secours.relire(request, scrutin.pk)
    reponse = render(request, "college/scrutin_detail.html", contexte)
    # La clé du reçu de secours est dans le navigateur avant le vote : la réponse au dépôt
    # pourrait ne jamais arriver (college/recu_de_secours.py).
    return recu_de_secours.cle_poser(request, reponse)


@never_cache
@require_safe
def scrutin_detail(request: RequetePortail, pk: int) -> HttpResponse:
    return _page_scrutin(request, selectors.get_scrutin_pour(request.user, pk))


# --- Voter ---------------------------------------------------------------------------------


def _mandant(scrutin: Scrutin, utilisateur: Any, pour: str) -> Any:
    """Le mandant désigné par `pour` : celui dont on détient la procuration, sinon le compte
    nommé (le service refuse alors avec un message clair), sinon None (compte inconnu)."""
    try:
        pk = int(pour)
    except ValueError:
        return None
    procuration = (
        ProcurationVote.objects.filter(scrutin=scrutin, mandataire=utilisateur, mandant_id=pk)
        .select_related("mandant")
        .first()
    )
    return procuration.mandant if procuration else Utilisateur.objects.filter(pk=pk).first()


@never_cache
@require_POST
def voter(request: RequetePortail, pk: int) -> HttpResponse:
    scrutin = selectors.get_scrutin_pour(request.user, pk)
    candidatures = (
        list(scrutin.candidatures.select_related("personne"))
        if scrutin.type_scrutin == TypeScrutin.ELECTION
        else []
    )
    pour = request.POST.get("pour", "").strip()
    mandant = _mandant(scrutin, request.user, pour) if pour else None
    form = BulletinForm(request.POST, scrutin=scrutin, candidatures=candidatures, mandant=mandant)
    if pour and mandant is None:
        form.add_error(None, _("Vous ne détenez pas cette procuration."))
    elif form.is_valid():
        donnees = form.cleaned_data
        try:
            recu = services.bulletin_deposer(
                scrutin=scrutin,
                votant=request.user,
                choix=donnees.get("choix", ""),
                candidats=donnees.get("candidats", []),
                motivation=donnees.get("motivation", ""),
                pour=mandant,
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            # Le code de reçu est montré ici : pas de redirection qui le porterait dans une
            # adresse (historique, journaux du serveur), pas de courriel, rien en clair qui le
            # relie au membre en base. Le secret du vote en dépend : qui tiendrait le lien
            # entre un membre et son reçu lirait son choix dans l'urne publiée. La page n'est
            # pas mise en cache (never_cache). Si elle n'arrive pas, la page du scrutin le
            # redonne un quart d'heure, déchiffré par une clé que seul le navigateur détient.
            garde = recu_de_secours.garder(request, scrutin.pk, recu, mandant)
            return render(
                request,
                "college/recu.html",
                {
                    "scrutin": scrutin,
                    "recu": recu,
                    "mandant": mandant,
                    "reste_a_voter": _reste_a_voter(request.user, scrutin),
                    "garde_jusqu_a": timezone.now() + recu_de_secours.DUREE if garde else None,
                },
            )
    return _page_scrutin(request, scrutin, form_bulletin=form)


@require_POST
def recu_oublier(request: RequetePortail, pk: int) -> HttpResponse:
    """« J'ai noté mon code » : le reçu de secours de ce scrutin est effacé de la session."""
    scrutin = selectors.get_scrutin_pour(request.user, pk)
    recu_de_secours.oublier(request, scrutin.pk)
    messages.success(request, _("Le code de reçu n'est plus gardé sur cet appareil."))
    return redirect(scrutin)


def _reste_a_voter(utilisateur: Any, scrutin: Scrutin) -> bool:
    situation = selectors.situation_de(utilisateur, scrutin)
    return peut_voter(utilisateur, scrutin, situation) or bool(procurations_a_exercer(scrutin, situation))


# --- Candidature, intérêt, procuration ---------------------------------------------------


@require_POST
def candidature(request: RequetePortail, pk: int) -> HttpResponse:
    scrutin = selectors.get_scrutin_pour(request.user, pk)
    if request.POST.get("retirer"):
        la_mienne = scrutin.candidatures.filter(personne=request.user).first()
        if la_mienne is None:
            messages.error(request, _("Vous n'êtes pas candidat à cette élection."))
            return redirect(scrutin)
        try:
            services.candidature_retirer(candidature=la_mienne, acteur=request.user)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, _("Votre candidature est retirée."))
        return redirect(scrutin)
    form = CandidatureForm(request.POST)
    if form.is_valid():
        try:
            services.candidature_declarer(
                scrutin=scrutin,
                personne=request.user,
                acteur=request.user,
                date_naissance=form.cleaned_data["date_naissance"],
                presentation=form.cleaned_data["presentation"].strip(),
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(request, _("Votre candidature est enregistrée."))
            return redirect(scrutin)
    return _page_scrutin(request, scrutin, form_candidature=form)


@require_POST
def interet(request: RequetePortail, pk: int) -> HttpResponse:
    scrutin = selectors.get_scrutin_pour(request.user, pk)
    form = InteretForm(request.POST)
    if not preparation_ou_vote(scrutin):
        form.add_error(
            None,
            _("Le scrutin est %(statut)s : un intérêt ne se déclare plus ici.")
            % {"statut": scrutin.get_statut_display().lower()},
        )
    elif not (
        selectors.est_membre_de_l_instance(request.user, scrutin)
        or scrutin.electeurs.filter(personne=request.user).exists()
    ):
        form.add_error(
            None,
            _("Seuls les membres de %(instance)s déclarent un intérêt ici.") % {"instance": scrutin.instance},
        )
    elif form.is_valid():
        objet = (scrutin.objet if scrutin.objet_type_id else None) or scrutin
        try:
            services.interet_declarer(
                personne=request.user, objet=objet, nature=form.cleaned_data["nature"], acteur=request.user
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            if scrutin.statut == StatutScrutin.PREPARATION:
                messages.success(
                    request, _("Votre intérêt est déclaré : vous ne prendrez pas part à ce vote.")
                )
            else:
                messages.warning(
                    request,
                    _(
                        "Votre intérêt est déclaré. Le corps électoral a été arrêté à l'ouverture du "
                        "vote : ne votez pas, et prévenez le secrétariat, qui peut annuler et rouvrir "
                        "le scrutin."
                    ),
                )
            return redirect(scrutin)
    return _page_scrutin(request, scrutin, form_interet=form)


@require_POST
def procuration(request: RequetePortail, pk: int) -> HttpResponse:
    scrutin = selectors.get_scrutin_pour(request.user, pk)
    form = ProcurationVoteForm(request.POST, mandataires=_mandataires_possibles(scrutin, request.user))
    if form.is_valid():
        mandataire = form.cleaned_data["mandataire"]
        try:
            services.procuration_vote_donner(
                scrutin=scrutin, mandant=request.user, mandataire=mandataire, acteur=request.user
            )
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            messages.success(
                request,
                _("Vous avez confié votre vote à %(mandataire)s pour ce scrutin.")
                % {"mandataire": mandataire},
            )
            return redirect(scrutin)
    return _page_scrutin(request, scrutin, form_procuration=form)


# --- L'urne publiée -------------------------------------------------------------------------


def normaliser_recu(saisie: str) -> str:
    """« abcd efgh-ijkl » → « ABCD-EFGH-IJKL » ; une saisie d'une autre forme reste telle quelle."""
    brut = re.sub(r"[\s-]", "", saisie).upper()
    if FORMAT_RECU.match(brut):
        return f"{brut[:4]}-{brut[4:8]}-{brut[8:]}"
    return saisie.strip().upper()


@dataclass(frozen=True)
class LigneUrne:
    bulletin: Bulletin
    choix: str
    candidats: list[str]


@dataclass(frozen=True)
class LigneRecompte:
    libelle: str
    publie: Any
    recompte: Any

    @property
    def concorde(self) -> bool:
        return bool(self.publie == self.recompte)


def _recompte(scrutin: Scrutin, bulletins: list[Bulletin]) -> list[LigneRecompte]:
    publie: dict[str, Any] = scrutin.resultat or {}
    refait = selectors.recompter(scrutin, bulletins)
    lignes = [LigneRecompte(_("Bulletins dans l'urne"), publie.get("votants"), refait["votants"])]
    if scrutin.type_scrutin == TypeScrutin.ELECTION:
        noms = publie.get("noms", {})
        for cid, nom in noms.items():
            lignes.append(
                LigneRecompte(
                    _("Voix pour %(nom)s") % {"nom": nom},
                    publie.get("voix_par_candidat", {}).get(cid),
                    refait["voix_par_candidat"].get(cid),
                )
            )
        lignes.append(
            LigneRecompte(
                _("Bulletins blancs"),
                publie.get("decompte", {}).get("blancs"),
                refait["decompte"].get("blancs"),
            )
        )
        lignes.append(
            LigneRecompte(
                _("Élus"),
                ", ".join(noms.get(str(c), str(c)) for c in publie.get("elus", [])) or "—",
                ", ".join(noms.get(str(c), str(c)) for c in refait["elus"]) or "—",
            )
        )
    else:
        for choix, voix in publie.get("decompte", {}).items():
            lignes.append(LigneRecompte(str(Choix(choix).label), voix, refait["decompte"].get(choix)))
        lignes.append(LigneRecompte(_("Suffrages exprimés"), publie.get("exprimes"), refait["exprimes"]))
        lignes.append(
            LigneRecompte(
                _("Issue"),
                str(ISSUES.get(publie.get("issue", ""), publie.get("issue", ""))),
                str(ISSUES.get(refait["issue"], refait["issue"])),
            )
        )
    return lignes


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def urne(request: RequetePortail, pk: int) -> HttpResponse:
    """L'urne publiée, son recomptage, et la vérification d'un reçu. Le reçu se vérifie par un
    formulaire POST, et la réponse vient sur la même page : dans une adresse (`?recu=`), il
    resterait dans l'historique du navigateur et les journaux d'accès, à côté de qui l'a
    saisi. Une adresse qui en porterait un est ignorée."""
    scrutin = selectors.get_scrutin_pour(request.user, pk)
    if not urne_publiee(scrutin):
        # Scellée jusqu'à la clôture, pour tout le monde, secrétariat compris : on ne lit
        # même pas les bulletins.
        return render(request, "college/urne.html", {"scrutin": scrutin, "scellee": True})
    bulletins = selectors.urne_de(scrutin)
    noms = (scrutin.resultat or {}).get("noms", {})
    lignes = [
        LigneUrne(
            bulletin=b,
            choix=str(Choix(b.choix).label),
            candidats=[noms.get(str(c), str(c)) for c in b.candidats],
        )
        for b in bulletins
    ]
    saisie = request.POST.get("recu", "").strip() if request.method == "POST" else ""
    recu = normaliser_recu(saisie) if saisie else ""
    trouve = next((ligne for ligne in lignes if ligne.bulletin.recu == recu), None) if recu else None
    recompte = _recompte(scrutin, bulletins)
    return render(
        request,
        "college/urne.html",
        {
            "scrutin": scrutin,
            "scellee": False,
            "lignes": lignes,
            "recu": recu,
            "trouve": trouve,
            "recompte": recompte,
            "concorde": all(ligne.concorde for ligne in recompte),
            "resultat_presente": _resultat_presente(scrutin),
            "election": scrutin.type_scrutin == TypeScrutin.ELECTION,
            "avis": scrutin.type_scrutin == TypeScrutin.AVIS,
        },
    )


# --- Texte --------------------------------------------------------------------------------


@require_safe
def texte_detail(request: RequetePortail, pk: int) -> HttpResponse:
    texte = selectors.get_texte_pour(request.user, pk)
    scrutins = list(selectors.scrutins_de_l_objet(request.user, texte).order_by("-ouverture", "-id"))
    termines = (StatutScrutin.CLOS, StatutScrutin.ANNULE)
    for scrutin in scrutins:
        issue = issue_en_mots(scrutin) if scrutin.statut in termines else ""
        scrutin.issue = issue  # type: ignore[attr-defined]
    return render(
        request,
        "college/texte_detail.html",
        {
            "texte": texte,
            "scrutins": scrutins,
            "discussions": list(selectors.discussions_de_l_objet(texte).order_by("-cree_le", "-id")),
            "gestionnaire": est_gestionnaire(request.user),
        },
    )
