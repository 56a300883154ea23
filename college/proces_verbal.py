"""Le résultat des scrutins d'une séance, repris au procès-verbal (après le point qu'ils
tranchent, ou en fin d'ordre du jour pour ceux qui n'en ont pas)."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from college.models import Scrutin, StatutScrutin, TypeScrutin
from conseil.models import PointOrdreDuJour, Reunion

# L'issue d'un scrutin en mots, en bas de casse pour s'insérer dans une phrase (capfirst en
# tête de ligne) : le procès-verbal, la page du scrutin, le CSV et le PDF disent les mêmes.
ISSUES = {
    "adopte": gettext_lazy("adopté"),
    "rejete": gettext_lazy("rejeté"),
    "quorum_non_atteint": gettext_lazy("quorum non atteint"),
    "favorable": gettext_lazy("avis favorable"),
    "reserve": gettext_lazy("avis réservé"),
    "defavorable": gettext_lazy("avis défavorable"),
    "sans_majorite": gettext_lazy("aucun avis n'a recueilli la majorité requise"),
    "elus": gettext_lazy("sièges pourvus"),
}


def issue_en_mots(scrutin: Scrutin) -> str:
    """L'issue publiée, en toutes lettres : adopté, rejeté, avis favorable, élus…"""
    if scrutin.statut == StatutScrutin.ANNULE:
        return _("Scrutin annulé")
    r: dict[str, Any] = scrutin.resultat or {}
    issue = r.get("issue", "")
    if scrutin.type_scrutin == TypeScrutin.ELECTION:
        if issue == "quorum_non_atteint":
            return _("Quorum non atteint : personne n'est élu")
        noms = r.get("noms", {})
        elus = [noms.get(str(cid), str(cid)) for cid in r.get("elus", [])]
        if not elus:
            return _("Personne n'est élu")
        return (
            _("Élu : %(noms)s") % {"noms": elus[0]}
            if len(elus) == 1
            else _("Élus : %(noms)s") % {"noms": ", ".join(elus)}
        )
    return capfirst(str(ISSUES.get(issue, issue)))


def lignes_du_resultat(scrutin: Scrutin) -> list[str]:
    r: dict[str, Any] = scrutin.resultat or {}
    lignes = [
        _(
            "Scrutin « %(titre)s » (%(type)s, %(mode)s) : %(votants)s votants sur %(electeurs)s "
            "électeurs, dont %(procurations)s par procuration."
        )
        % {
            "titre": scrutin.titre,
            "type": scrutin.get_type_scrutin_display().lower(),
            "mode": _("secret") if scrutin.secret else _("nominatif"),
            "votants": r.get("votants", 0),
            "electeurs": r.get("electeurs", 0),
            "procurations": r.get("procurations", 0),
        }
    ]
    if r.get("exclus_pour_interet"):
        lignes.append(
            _("Ne prennent pas part au vote, pour intérêt déclaré : %(noms)s.")
            % {"noms": ", ".join(r["exclus_pour_interet"])}
        )
    if scrutin.type_scrutin == TypeScrutin.ELECTION:
        noms = r.get("noms", {})
        voix = ", ".join(f"{noms.get(cid, cid)} {n}" for cid, n in r.get("voix_par_candidat", {}).items())
        lignes.append(
            _("Voix : %(voix)s ; bulletins blancs : %(blancs)s.")
            % {"voix": voix, "blancs": r.get("decompte", {}).get("blancs", 0)}
        )
        if r.get("issue") == "quorum_non_atteint":
            lignes.append(_("Résultat : quorum non atteint, personne n'est élu."))
        else:
            elus = ", ".join(noms.get(str(cid), str(cid)) for cid in r.get("elus", []))
            lignes.append(_("Élus : %(elus)s.") % {"elus": elus or _("aucun")})
    else:
        decompte = ", ".join(f"{k} {v}" for k, v in r.get("decompte", {}).items())
        lignes.append(
            _(
                "Décompte : %(decompte)s ; suffrages exprimés : %(exprimes)s ; "
                "majorité requise : %(majorite)s. Résultat : %(issue)s."
            )
            % {
                "decompte": decompte,
                "exprimes": r.get("exprimes", 0),
                "majorite": r.get("majorite_requise", 0),
                "issue": ISSUES.get(r.get("issue", ""), r.get("issue", "")),
            }
        )
    return lignes


def section(reunion: Reunion, point: PointOrdreDuJour | None) -> list[str]:
    scrutins = Scrutin.objects.filter(reunion=reunion, statut=StatutScrutin.CLOS).order_by("clos_le", "pk")
    type_point = ContentType.objects.get_for_model(PointOrdreDuJour)
    if point is not None:
        scrutins = scrutins.filter(objet_type=type_point, objet_id=str(point.pk))
    else:
        scrutins = scrutins.exclude(objet_type=type_point)
    return [ligne for scrutin in scrutins for ligne in lignes_du_resultat(scrutin)]
