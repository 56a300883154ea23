"""Ce que le Conseil met sur la page d'accueil (registre du socle, socle/a_faire.py).

À faire :
- un membre : répondre aux convocations des séances à venir (avant la séance), représenter à
  une séance ceux qui lui ont donné procuration ;
- le secrétariat : convoquer les séances planifiées (avant le délai de convocation, au-delà
  duquel un motif de retard est exigé), rédiger et faire adopter les procès-verbaux des
  séances plénières tenues.
Une requête par sorte de tâche. Nouveautés : les convocations reçues et les procès-verbaux
adoptés depuis la visite précédente, deux requêtes.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conseil.models import (
    Participation,
    ProcesVerbal,
    Procuration,
    Reponse,
    Reunion,
    StatutProcesVerbal,
    StatutReunion,
    TypeInstance,
)
from conseil.permissions import est_gestionnaire, peut_voir_espace_conseil
from conseil.selectors import reunions_visibles_par
from conseil.services import delai_convocation_jours
from socle.a_faire import NOUVEAUTES_PAR_APPLICATION, Nouveaute, Tache, fournisseur, nouveautes
from socle.francais import jour_date_et_heure


def _lieu(reunion: Reunion) -> str:
    return reunion.lieu or _("en visioconférence")


@fournisseur("conseil")
def seances_a_preparer(utilisateur: Any, maintenant: datetime) -> list[Tache]:
    if not peut_voir_espace_conseil(utilisateur):
        return []
    a_venir = Q(reunion__statut=StatutReunion.CONVOQUEE, reunion__debut__gt=maintenant)
    taches = [
        Tache(
            titre=_("Répondre à la convocation : %(titre)s") % {"titre": p.reunion.titre},
            lien=f"{p.reunion.get_absolute_url()}#votre-reponse",
            # L'échéance est le début de la séance : le détail n'en redit que le lieu.
            echeance=p.reunion.debut,
            detail=_("Lieu : %(lieu)s.") % {"lieu": _lieu(p.reunion)},
            categorie=p.reunion.instance.nom,
        )
        for p in Participation.objects.filter(a_venir, personne=utilisateur, reponse=Reponse.SANS_REPONSE)
        .select_related("reunion__instance")
        .order_by("reunion__debut", "pk")
    ]
    taches += [
        Tache(
            titre=_("Représenter %(mandant)s : %(titre)s") % {"mandant": p.mandant, "titre": p.reunion.titre},
            lien=p.reunion.get_absolute_url(),
            echeance=p.reunion.debut,
            detail=_("%(mandant)s vous a donné procuration. Lieu : %(lieu)s.")
            % {"mandant": p.mandant, "lieu": _lieu(p.reunion)},
            categorie=p.reunion.instance.nom,
        )
        for p in Procuration.objects.filter(a_venir, mandataire=utilisateur)
        .select_related("reunion__instance", "mandant")
        .order_by("reunion__debut", "mandant__nom", "mandant__prenom")
    ]
    if est_gestionnaire(utilisateur):
        taches += _taches_du_secretariat(maintenant)
    return taches


def _taches_du_secretariat(maintenant: datetime) -> list[Tache]:
    delai = timedelta(days=delai_convocation_jours())
    taches = [
        Tache(
            titre=_("Convoquer : %(titre)s") % {"titre": r.titre},
            lien=r.get_absolute_url(),
            # Le dernier jour où la convocation part sans motif de retard (services.convocation_envoyer).
            echeance=timezone.localdate(r.debut) - delai,
            detail=_("Séance du %(quand)s, %(lieu)s.")
            % {"quand": jour_date_et_heure(r.debut), "lieu": _lieu(r)},
            categorie=r.instance.nom,
        )
        for r in Reunion.objects.filter(statut=StatutReunion.PLANIFIEE, debut__gt=maintenant)
        .select_related("instance")
        .order_by("debut", "pk")
    ]
    # Les plénières seulement : un groupe de travail ne délibère pas et n'a pas toujours de
    # procès-verbal.
    tenues = (
        Reunion.objects.filter(statut__in=(StatutReunion.TENUE, StatutReunion.CLOSE), debut__lte=maintenant)
        .exclude(instance__type_instance=TypeInstance.GROUPE)
        .filter(Q(proces_verbal__isnull=True) | Q(proces_verbal__statut=StatutProcesVerbal.BROUILLON))
        .select_related("instance", "proces_verbal")
        .order_by("debut", "pk")
    )
    for reunion in tenues:
        pv = getattr(reunion, "proces_verbal", None)
        taches.append(
            Tache(
                titre=(
                    _("Faire adopter le procès-verbal : %(titre)s")
                    if pv is not None
                    else _("Rédiger le procès-verbal : %(titre)s")
                )
                % {"titre": reunion.titre},
                lien=reverse("conseil:proces_verbal", kwargs={"pk": reunion.pk}),
                detail=_("Séance du %(quand)s.") % {"quand": jour_date_et_heure(reunion.debut)},
                categorie=reunion.instance.nom,
            )
        )
    return taches


@nouveautes("conseil")
def convocations_et_proces_verbaux(
    utilisateur: Any, depuis: datetime, maintenant: datetime
) -> list[Nouveaute]:
    if not peut_voir_espace_conseil(utilisateur):
        return []
    trouvees = [
        Nouveaute(
            titre=_("Convocation : %(titre)s") % {"titre": p.reunion.titre},
            lien=p.reunion.get_absolute_url(),
            quand=p.convoque_le,
            detail=_("Séance du %(quand)s, %(lieu)s.")
            % {"quand": jour_date_et_heure(p.reunion.debut), "lieu": _lieu(p.reunion)},
            categorie=p.reunion.instance.nom,
        )
        for p in Participation.objects.filter(
            personne=utilisateur, convoque_le__gt=depuis, convoque_le__lte=maintenant
        )
        .select_related("reunion__instance")
        .order_by("-convoque_le", "-pk")[:NOUVEAUTES_PAR_APPLICATION]
        if p.convoque_le is not None
    ]
    trouvees += [
        Nouveaute(
            titre=_("Procès-verbal adopté : %(titre)s") % {"titre": pv.reunion.titre},
            lien=reverse("conseil:proces_verbal", kwargs={"pk": pv.reunion_id}),
            quand=pv.adopte_le,
            categorie=pv.reunion.instance.nom,
        )
        for pv in ProcesVerbal.objects.filter(
            reunion__in=reunions_visibles_par(utilisateur), adopte_le__gt=depuis, adopte_le__lte=maintenant
        )
        .select_related("reunion__instance")
        .order_by("-adopte_le", "-pk")[:NOUVEAUTES_PAR_APPLICATION]
        if pv.adopte_le is not None
    ]
    return trouvees
