"""Ce que le Collège met sur la page d'accueil (registre du socle, socle/a_faire.py).

À faire : les votes qu'un électeur peut encore déposer, pour lui-même et pour ceux qui lui ont
donné procuration, avant la clôture. Deux requêtes, quel que soit le nombre de scrutins.
Nouveautés : les scrutins ouverts et les résultats publiés depuis la visite précédente, une
requête.
"""

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from college.models import Electeur, Emargement, ProcurationVote, Scrutin, StatutScrutin
from college.selectors import scrutins_visibles_par
from conseil.permissions import peut_voir_espace_conseil
from socle.a_faire import NOUVEAUTES_PAR_APPLICATION, Nouveaute, Tache, fournisseur, nouveautes


def _en_cours(maintenant: datetime, prefixe: str = "") -> Q:
    return Q(
        **{
            f"{prefixe}statut": StatutScrutin.OUVERT,
            f"{prefixe}ouverture__lte": maintenant,
            f"{prefixe}cloture__gt": maintenant,
        }
    )


@fournisseur("college")
def votes_a_deposer(utilisateur: Any, maintenant: datetime) -> list[Tache]:
    if not peut_voir_espace_conseil(utilisateur):
        return []
    # Les procurations détenues dont le mandant n'a pas encore voté (ni lui, ni personne pour lui).
    detenues = list(
        ProcurationVote.objects.filter(_en_cours(maintenant, "scrutin__"), mandataire=utilisateur)
        .exclude(Exists(Emargement.objects.filter(scrutin=OuterRef("scrutin"), personne=OuterRef("mandant"))))
        .select_related("scrutin__instance", "mandant")
        .order_by("scrutin__cloture", "mandant__nom", "mandant__prenom")
    )
    # Les scrutins où l'électeur n'a pas voté et n'a pas donné procuration.
    siens = list(
        Scrutin.objects.filter(_en_cours(maintenant))
        .filter(
            Exists(
                Electeur.objects.filter(
                    scrutin=OuterRef("pk"), personne=utilisateur, exclu_pour_interet=False
                )
            )
        )
        .exclude(Exists(Emargement.objects.filter(scrutin=OuterRef("pk"), personne=utilisateur)))
        .exclude(Exists(ProcurationVote.objects.filter(scrutin=OuterRef("pk"), mandant=utilisateur)))
        .select_related("instance")
        .order_by("cloture", "pk")
    )
    mandants: dict[int, list[str]] = {}
    les_siens = {s.pk for s in siens}
    scrutins = {s.pk: s for s in siens}
    for procuration in detenues:
        mandants.setdefault(procuration.scrutin_id, []).append(str(procuration.mandant))
        scrutins.setdefault(procuration.scrutin_id, procuration.scrutin)
    taches = []
    for scrutin in scrutins.values():
        pour = mandants.get(scrutin.pk, [])
        if scrutin.pk in les_siens:
            titre = _("Voter : %(titre)s") % {"titre": scrutin.titre}
            detail = (
                _("Vous votez aussi pour %(noms)s (procuration).") % {"noms": ", ".join(pour)} if pour else ""
            )
        else:
            titre = _("Voter pour %(noms)s (procuration) : %(titre)s") % {
                "noms": ", ".join(pour),
                "titre": scrutin.titre,
            }
            detail = ""
        if scrutin.secret:
            detail = " ".join(filter(None, [_("Scrutin secret."), detail]))
        taches.append(
            Tache(
                titre=titre,
                lien=f"{scrutin.get_absolute_url()}#votre-vote",
                echeance=scrutin.cloture,
                detail=detail,
                categorie=scrutin.instance.nom,
            )
        )
    return taches


@nouveautes("college")
def scrutins_ouverts_ou_clos(utilisateur: Any, depuis: datetime, maintenant: datetime) -> list[Nouveaute]:
    if not peut_voir_espace_conseil(utilisateur):
        return []
    ouverts = Q(ouvert_le__gt=depuis, ouvert_le__lte=maintenant)
    clos = Q(statut=StatutScrutin.CLOS, clos_le__gt=depuis, clos_le__lte=maintenant)
    scrutins = (
        scrutins_visibles_par(utilisateur)
        .filter(ouverts | clos)
        .select_related("instance")
        .annotate(quand=Greatest("ouvert_le", Coalesce("clos_le", "ouvert_le")))
        .order_by("-quand", "-pk")[:NOUVEAUTES_PAR_APPLICATION]
    )
    trouvees = []
    for scrutin in scrutins:
        if scrutin.statut == StatutScrutin.CLOS and scrutin.clos_le and scrutin.clos_le > depuis:
            trouvees.append(
                Nouveaute(
                    titre=_("Résultat publié : %(titre)s") % {"titre": scrutin.titre},
                    lien=f"{scrutin.get_absolute_url()}#resultat",
                    quand=scrutin.clos_le,
                    categorie=scrutin.instance.nom,
                )
            )
        elif scrutin.ouvert_le:
            trouvees.append(
                Nouveaute(
                    titre=_("Vote ouvert : %(titre)s") % {"titre": scrutin.titre},
                    lien=scrutin.get_absolute_url(),
                    quand=scrutin.ouvert_le,
                    categorie=scrutin.instance.nom,
                )
            )
    return trouvees
