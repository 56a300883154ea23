"""Les scrutins et discussions d'un point de l'ordre du jour, sur la page de la séance."""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from college.models import Discussion, StatutScrutin
from college.selectors import scrutins_visibles_par
from conseil.extensions import Lien
from conseil.models import PointOrdreDuJour
from conseil.permissions import est_gestionnaire


def liens_des_points(utilisateur: Any, points: Sequence[PointOrdreDuJour]) -> dict[int, list[Lien]]:
    """Deux requêtes pour tous les points : leurs scrutins visibles, leurs discussions."""
    type_point = ContentType.objects.get_for_model(PointOrdreDuJour)
    ids = [str(p.pk) for p in points]
    liens: dict[int, list[Lien]] = {}
    for scrutin in (
        scrutins_visibles_par(utilisateur)
        .filter(objet_type=type_point, objet_id__in=ids)
        .exclude(statut=StatutScrutin.ANNULE)
        .order_by("ouverture", "pk")
    ):
        liens.setdefault(int(scrutin.objet_id), []).append(
            Lien(
                _("%(type)s : %(titre)s (%(statut)s)")
                % {
                    "type": scrutin.get_type_scrutin_display(),
                    "titre": scrutin.titre,
                    "statut": scrutin.get_statut_display().lower(),
                },
                scrutin.get_absolute_url(),
            )
        )
    for discussion in Discussion.objects.filter(objet_type=type_point, objet_id__in=ids).order_by(
        "cree_le", "pk"
    ):
        liens.setdefault(int(discussion.objet_id), []).append(
            Lien(_("Discussion : %(titre)s") % {"titre": discussion.titre}, discussion.get_absolute_url())
        )
    gestionnaire = est_gestionnaire(utilisateur)
    for point in points:
        if gestionnaire:
            liens.setdefault(point.pk, []).append(
                Lien(
                    _("Soumettre ce point à un scrutin"),
                    f"{reverse('college:scrutin_creer')}?{urlencode({'point': point.pk})}",
                    action=True,
                )
            )
        sujet = urlencode({"objet": f"conseil.pointordredujour:{point.pk}"})
        liens.setdefault(point.pk, []).append(
            Lien(
                _("Ouvrir une discussion sur ce point"),
                f"{reverse('college:discussion_creer')}?{sujet}",
                action=True,
            )
        )
    return liens
