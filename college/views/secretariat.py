"""Les pages du secrétariat pour un scrutin : le préparer, l'ouvrir, suivre la participation
(combien ont voté, jamais quoi), le clore plus tôt ou l'annuler avec un motif, et publier le
résultat en CSV et en PDF.

Chaque vue passe par `get_scrutin_pour` (404 pour un scrutin absent ou invisible) puis
réserve l'action aux gestionnaires (403). Les règles sont dans `college.services` : leurs
refus (`ValidationError`) reviennent sur la page, en français.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from college import services
from college.chiffrement import UrneIllisible
from college.forms import ScrutinCreationForm, ScrutinForm, prochaine_heure
from college.models import Choix, Scrutin, StatutScrutin, TypeScrutin
from college.proces_verbal import ISSUES
from college.selectors import get_scrutin_pour, urne_de
from conseil.models import Instance, PointOrdreDuJour, Reunion
from conseil.permissions import est_gestionnaire
from socle.exports import export, reponse_csv
from socle.formulaires import erreurs_du_service
from socle.francais import date_et_heure, pourcentage
from socle.graphiques import Cellule, Entete, Ligne, Tableau
from socle.pdf import pdf_d_archive
from socle.types import RequetePortail

DEPARTAGES = {
    "age": gettext_lazy("égalité départagée au bénéfice de l'âge"),
    "tirage": gettext_lazy("égalité départagée par tirage au sort"),
}
LIGNES_D_ELECTION = {
    "exprimes": gettext_lazy("Bulletins exprimés"),
    "blancs": gettext_lazy("Bulletins blancs"),
}

journal = logging.getLogger(__name__)


def _scrutin_du_secretariat(request: RequetePortail, pk: int) -> Scrutin:
    scrutin = get_scrutin_pour(request.user, pk)
    if not est_gestionnaire(request.user):
        raise PermissionDenied
    return scrutin


def _scrutin_clos(request: RequetePortail, pk: int) -> Scrutin:
    """Le résultat est scellé jusqu'à la clôture : avant, il n'existe pas (404)."""
    scrutin = get_scrutin_pour(request.user, pk)
    if scrutin.statut != StatutScrutin.CLOS or scrutin.resultat is None:
        raise Http404
    return scrutin


def _message_d_erreur(request: RequetePortail, erreur: ValidationError) -> None:
    messages.error(request, " ".join(erreur.messages))


def _entier(valeur: str | None) -> int | None:
    return int(valeur) if valeur and valeur.isdigit() else None


# --- Préparer ----------------------------------------------------------------------------


def _preselection(request: RequetePortail) -> tuple[Instance | None, dict[str, Any]]:
    """L'instance et les valeurs de départ données par ?instance=, ?reunion= ou ?point=."""
    initial: dict[str, Any] = {"ouverture": prochaine_heure()}
    initial["cloture"] = initial["ouverture"] + timedelta(days=7)
    instance = None
    if point_id := _entier(request.GET.get("point")):
        point = (
            PointOrdreDuJour.objects.filter(pk=point_id, reunion__instance__active=True)
            .select_related("reunion__instance")
            .first()
        )
        if point is not None:
            instance = point.reunion.instance
            initial |= {"reunion": point.reunion_id, "objet": f"point-{point.pk}", "titre": point.titre}
    elif reunion_id := _entier(request.GET.get("reunion")):
        reunion = (
            Reunion.objects.filter(pk=reunion_id, instance__active=True).select_related("instance").first()
        )
        if reunion is not None:
            instance = reunion.instance
            initial["reunion"] = reunion.pk
    elif instance_id := _entier(request.GET.get("instance")):
        instance = Instance.objects.filter(pk=instance_id, active=True).first()
    if instance is not None:
        initial["instance"] = instance.pk
    return instance, initial


@require_http_methods(["GET", "HEAD", "POST"])
def scrutin_creer(request: RequetePortail) -> HttpResponse:
    if not est_gestionnaire(request.user):
        raise PermissionDenied
    if request.method == "POST":
        # Les séances et les sujets proposés sont ceux de l'instance envoyée.
        instance_id = _entier(request.POST.get("instance"))
        instance = Instance.objects.filter(pk=instance_id, active=True).first() if instance_id else None
        form = ScrutinCreationForm(request.POST, instance=instance)
        if form.is_valid():
            donnees = form.cleaned_data
            try:
                scrutin = services.scrutin_creer(
                    acteur=request.user,
                    instance=donnees["instance"],
                    type_scrutin=donnees["type_scrutin"],
                    titre=donnees["titre"],
                    question=donnees["question"],
                    ouverture=donnees["ouverture"],
                    cloture=donnees["cloture"],
                    sieges=donnees["sieges"],
                    secret=donnees["secret"],
                    reunion=donnees["reunion"],
                    objet=donnees["objet"],
                )
            except ValidationError as erreur:
                erreurs_du_service(form, erreur)
            else:
                suite = (
                    _("Enregistrez les candidatures, puis ouvrez le scrutin.")
                    if scrutin.type_scrutin == TypeScrutin.ELECTION
                    else _("Relisez-le, puis ouvrez-le.")
                )
                messages.success(request, _("Le scrutin est en préparation.") + " " + suite)
                return redirect(scrutin)
    else:
        instance, initial = _preselection(request)
        form = ScrutinCreationForm(instance=instance, initial=initial)
    return render(request, "college/scrutin_form.html", {"form": form, "scrutin": None})


@require_http_methods(["GET", "HEAD", "POST"])
def scrutin_modifier(request: RequetePortail, pk: int) -> HttpResponse:
    scrutin = _scrutin_du_secretariat(request, pk)
    if scrutin.statut != StatutScrutin.PREPARATION:
        messages.error(
            request,
            _("Le scrutin est %(statut)s : il ne se modifie plus.")
            % {"statut": scrutin.get_statut_display().lower()},
        )
        return redirect(scrutin)
    form = ScrutinForm(
        request.POST if request.method == "POST" else None,
        instance=scrutin.instance,
        scrutin=scrutin,
        initial=ScrutinForm.initial_de(scrutin),
    )
    if request.method == "POST" and form.is_valid():
        champs = {nom: form.cleaned_data[nom] for nom in form.changed_data}
        try:
            if champs:
                services.scrutin_modifier(scrutin=scrutin, acteur=request.user, **champs)
        except ValidationError as erreur:
            erreurs_du_service(form, erreur)
        else:
            if champs:
                messages.success(request, _("Le scrutin est modifié."))
            else:
                messages.info(request, _("Rien n'a changé."))
            return redirect(scrutin)
    return render(request, "college/scrutin_form.html", {"form": form, "scrutin": scrutin})


# --- Ouvrir, clore, annuler -----------------------------------------------------------------


@require_POST
def ouvrir(request: RequetePortail, pk: int) -> HttpResponse:
    scrutin = _scrutin_du_secretariat(request, pk)
    try:
        services.scrutin_ouvrir(scrutin=scrutin, acteur=request.user)
    except ValidationError as erreur:
        _message_d_erreur(request, erreur)
    else:
        electeurs = services.participation_en_direct(scrutin)["electeurs"]
        messages.success(
            request,
            ngettext(
                "Le scrutin est ouvert : %(n)s électeur est prévenu.",
                "Le scrutin est ouvert : %(n)s électeurs sont prévenus.",
                electeurs,
            )
            % {"n": electeurs},
        )
    return redirect(scrutin)


@require_POST
def clore(request: RequetePortail, pk: int) -> HttpResponse:
    scrutin = _scrutin_du_secretariat(request, pk)
    try:
        services.scrutin_clore(scrutin=scrutin, acteur=request.user, motif=request.POST.get("motif", ""))
    except ValidationError as erreur:
        _message_d_erreur(request, erreur)
    except UrneIllisible:
        journal.exception("Urne du scrutin %s illisible à la clôture", scrutin.pk)
        messages.error(
            request,
            _(
                "L'urne ne peut pas être dépouillée : ses bulletins ne s'ouvrent pas avec la clé "
                "du scrutin. Rien n'a été publié ; les exploitants sont prévenus."
            ),
        )
    else:
        messages.success(request, _("Le scrutin est clos et dépouillé : le résultat est publié."))
    return redirect(scrutin)


@require_POST
def annuler(request: RequetePortail, pk: int) -> HttpResponse:
    scrutin = _scrutin_du_secretariat(request, pk)
    try:
        services.scrutin_annuler(
            scrutin=scrutin, acteur=request.user, motif=request.POST.get("motif", "").strip()
        )
    except ValidationError as erreur:
        _message_d_erreur(request, erreur)
    else:
        messages.success(request, _("Le scrutin est annulé."))
    return redirect(scrutin)


# --- Participation en direct ------------------------------------------------------------------


def etat_participation(participation: dict[str, int]) -> str:
    """Ce qui change quand quelqu'un vote : le bloc n'est renvoyé que s'il a changé."""
    return "-".join(str(participation[cle]) for cle in ("electeurs", "exclus", "votants", "procurations"))


@require_safe
def participation(request: RequetePortail, pk: int) -> HttpResponse:
    """Le bloc de la participation seul, que la page du scrutin redemande toutes les 10 s
    tant que le vote est ouvert ; rien (204) s'il n'a pas changé, pour que le lecteur
    d'écran n'annonce que du nouveau. Des nombres, jamais un choix."""
    scrutin = _scrutin_du_secretariat(request, pk)
    chiffres = services.participation_en_direct(scrutin)
    if (
        request.htmx
        and scrutin.statut == StatutScrutin.OUVERT
        and request.GET.get("etat") == etat_participation(chiffres)
    ):
        return HttpResponse(status=204)
    reponse = render(
        request, "college/partials/participation.html", {"scrutin": scrutin, "participation": chiffres}
    )
    patch_vary_headers(reponse, ("HX-Request",))
    return reponse


# --- Le résultat, en CSV et en PDF ------------------------------------------------------------


def _horodatage(moment: datetime | None) -> str:
    return date_et_heure(moment)


def _libelle_decompte(scrutin: Scrutin, cle: str) -> str:
    if scrutin.type_scrutin == TypeScrutin.ELECTION:
        return str(LIGNES_D_ELECTION.get(cle, cle))
    return str(Choix(cle).label) if cle in Choix.values else cle


def _noms_des_elus(resultat: dict[str, Any]) -> list[str]:
    noms = resultat.get("noms", {})
    return [noms.get(str(cid), str(cid)) for cid in resultat.get("elus", [])]


def lignes_du_resultat(scrutin: Scrutin) -> dict[str, Any]:
    """Le résultat figé à la clôture, mis en mots une fois pour le CSV et pour le PDF."""
    r: dict[str, Any] = scrutin.resultat or {}
    noms = r.get("noms", {})
    electeurs = r.get("electeurs", 0)
    return {
        "electeurs": electeurs,
        "votants": r.get("votants", 0),
        "participation": pourcentage(r.get("votants", 0) / electeurs if electeurs else None),
        "procurations": r.get("procurations", 0),
        "exclus": r.get("exclus_pour_interet", []),
        "quorum_requis": r.get("quorum_requis", 0),
        "quorum_atteint": r.get("quorum_atteint", False),
        "exprimes": r.get("exprimes", 0),
        "majorite_requise": r.get("majorite_requise", 0),
        "decompte": [(_libelle_decompte(scrutin, cle), n) for cle, n in r.get("decompte", {}).items()],
        "voix": sorted(
            ((noms.get(cid, cid), n) for cid, n in r.get("voix_par_candidat", {}).items()),
            key=lambda ligne: (-ligne[1], ligne[0]),
        ),
        "issue": capfirst(ISSUES.get(r.get("issue", ""), r.get("issue", ""))),
        "elus": _noms_des_elus(r),
        "departage": str(DEPARTAGES.get(r.get("departage", ""), "")),
        "graine": r.get("graine", ""),
    }


def _tableau_du_resultat(scrutin: Scrutin) -> Tableau:
    resultat = lignes_du_resultat(scrutin)
    oui, non = _("oui"), _("non")

    def texte(rubrique: str, libelle: str, valeur: str) -> Ligne:
        return Ligne((Cellule.libelle(rubrique), Cellule.libelle(libelle), Cellule.libelle(valeur)))

    def nombre(rubrique: str, libelle: str, valeur: int) -> Ligne:
        return Ligne((Cellule.libelle(rubrique), Cellule.libelle(libelle), Cellule.nombre(valeur)))

    s, p, d, res = _("Scrutin"), _("Participation"), _("Décompte"), _("Résultat")
    lignes = [
        texte(s, _("Titre"), scrutin.titre),
        texte(s, _("Instance"), str(scrutin.instance)),
        texte(s, _("Type"), scrutin.get_type_scrutin_display()),
        texte(s, _("Mode"), _("secret") if scrutin.secret else _("nominatif")),
        texte(s, _("Ouvert le"), _horodatage(scrutin.ouvert_le)),
        texte(s, _("Clos le"), _horodatage(scrutin.clos_le)),
    ]
    if scrutin.motif_cloture_anticipee:
        lignes.append(texte(s, _("Motif de la clôture anticipée"), scrutin.motif_cloture_anticipee))
    lignes += [
        nombre(p, _("Corps électoral"), resultat["electeurs"]),
        nombre(p, _("Votants"), resultat["votants"]),
        nombre(p, _("Dont par procuration"), resultat["procurations"]),
        nombre(p, _("Écartés pour intérêt déclaré"), len(resultat["exclus"])),
    ]
    lignes += [texte(p, _("Écarté pour intérêt déclaré"), nom) for nom in resultat["exclus"]]
    lignes += [
        nombre(_("Règles"), _("Quorum requis"), resultat["quorum_requis"]),
        texte(_("Règles"), _("Quorum atteint"), oui if resultat["quorum_atteint"] else non),
    ]
    if scrutin.type_scrutin != TypeScrutin.ELECTION:
        lignes.append(nombre(_("Règles"), _("Majorité requise"), resultat["majorite_requise"]))
        lignes.append(nombre(d, _("Suffrages exprimés"), resultat["exprimes"]))
    lignes += [nombre(d, libelle, n) for libelle, n in resultat["decompte"]]
    lignes += [nombre(_("Voix"), nom, n) for nom, n in resultat["voix"]]
    lignes.append(texte(res, _("Issue"), resultat["issue"]))
    lignes += [texte(res, _("Élu"), nom) for nom in resultat["elus"]]
    if resultat["departage"]:
        lignes.append(texte(res, _("Départage"), resultat["departage"]))
        lignes.append(texte(res, _("Graine du tirage"), resultat["graine"]))
    return Tableau(
        identifiant=f"resultat-{scrutin.pk}",
        legende=_("Résultat du scrutin « %(titre)s »") % {"titre": scrutin.titre},
        entetes=(Entete(_("Rubrique")), Entete(_("Libellé")), Entete(_("Valeur"))),
        lignes=tuple(lignes),
    )


@require_safe
@export
def resultat_csv(request: RequetePortail, pk: int) -> HttpResponse:
    scrutin = _scrutin_clos(request, pk)
    nom = f"scrutin-{scrutin.pk}-resultat-{timezone.localdate(scrutin.clos_le):%Y-%m-%d}.csv"
    tableau = _tableau_du_resultat(scrutin)
    return reponse_csv(request, nom, tableau.entetes_csv(), tableau.lignes_csv())


def _urne_publiee(scrutin: Scrutin) -> list[tuple[str, str]]:
    """L'urne telle qu'elle est publiée : reçu (scrutin secret) ou nom (nominatif) → choix."""
    noms = (scrutin.resultat or {}).get("noms", {})
    lignes = []
    for bulletin in urne_de(scrutin):
        if bulletin.choix == Choix.CANDIDATS:
            choix = ", ".join(noms.get(str(c), str(c)) for c in bulletin.candidats)
        else:
            choix = str(Choix(bulletin.choix).label)
        cle = bulletin.recu if scrutin.secret or bulletin.personne is None else str(bulletin.personne)
        lignes.append((cle, choix))
    if not scrutin.secret:
        lignes.sort()
    return lignes


def resultat_en_pdf(scrutin: Scrutin) -> bytes:
    titre = _("Résultat du scrutin — %(titre)s") % {"titre": scrutin.titre}
    html = render_to_string(
        "college/resultat_pdf.html",
        {
            "scrutin": scrutin,
            "titre": titre,
            "resultat": lignes_du_resultat(scrutin),
            "urne": _urne_publiee(scrutin),
            "genere_le": timezone.localtime(),
        },
    )
    return pdf_d_archive(html)


@require_safe
def resultat_pdf(request: RequetePortail, pk: int) -> HttpResponse:
    scrutin = _scrutin_clos(request, pk)
    nom = f"scrutin-{scrutin.pk}-resultat-{timezone.localdate(scrutin.clos_le):%Y-%m-%d}.pdf"
    return HttpResponse(
        resultat_en_pdf(scrutin),
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(as_attachment=True, filename=nom)},
    )
