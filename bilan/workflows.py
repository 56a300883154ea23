"""La vie d'une version du bilan, après sa génération.

brouillon → adopté en séance (la séance et sa délibération) → transmis au Conseil
communautaire (date, numéro de délibération, « prend acte ») → transmis au Conseil de
développement. Seul le secrétariat fait avancer une version ; une version adoptée est figée.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from bilan.models import EtatGeneration, StatutBilan, VersionBilan
from bilan.permissions import peut_generer
from comptes.roles import GROUPES, Role
from conseil.models import Mandat, RoleMandat, TypeInstance
from socle.verbes import Verbe
from socle.workflows import Transition, Workflow

# Les actions que ce module écrit au journal d'audit.
VERSION_ADOPTEE = Verbe("bilan.version.adoptee", gettext_lazy("Bilan adopté en séance"))
VERSION_TRANSMISE_CC = Verbe(
    "bilan.version.transmise_cc", gettext_lazy("Bilan transmis au Conseil communautaire")
)
VERSION_TRANSMISE_CD = Verbe(
    "bilan.version.transmise_cd", gettext_lazy("Bilan transmis au Conseil de développement")
)


def _secretariat(acteur: Any, version: Any) -> bool:
    return peut_generer(acteur)


def lecteurs_des_brouillons(version: VersionBilan, acteur: Any) -> Iterable[Any]:
    """Le secrétariat et les co-présidents (par leur groupe ou leur mandat en cours)."""
    aujourd_hui = timezone.localdate()
    droit = Q(
        groups__permissions__codename="generer_bilanannuel",
        groups__permissions__content_type__app_label="bilan",
    )
    copresidents = (
        Mandat.objects.filter(instance__type_instance=TypeInstance.CONSEIL, role=RoleMandat.COPRESIDENT)
        .en_cours(aujourd_hui)
        .values("personne")
    )
    return (
        get_user_model()
        .objects.filter(droit | Q(groups__name=GROUPES[Role.COPRESIDENT]) | Q(pk__in=copresidents))
        .filter(is_active=True)
        .distinct()
    )


def _garde_adoption(version: VersionBilan) -> str | None:
    if version.etat != EtatGeneration.PRETE:
        return _g("Seule une version prête (PDF écrit) peut être adoptée.")
    if version.reunion_id is None or version.adopte_le is None:
        return _g("Indiquez la séance qui a adopté le bilan et sa date.")
    return None


def _garde_conseil_communautaire(version: VersionBilan) -> str | None:
    if version.transmis_cc_le is None or not version.deliberation_cc.strip():
        return _g("Indiquez la date du Conseil communautaire et le numéro de sa délibération.")
    if not version.pris_acte:
        return _g("Le Conseil communautaire doit avoir pris acte du bilan.")
    return None


def _garde_conseil_developpement(version: VersionBilan) -> str | None:
    if version.transmis_cd_le is None:
        return _g("Indiquez la date de transmission au Conseil de développement.")
    return None


VERSION = Workflow(
    modele="bilan.VersionBilan",
    transitions=(
        Transition(
            depuis=(StatutBilan.BROUILLON,),
            vers=StatutBilan.ADOPTE,
            verbe=VERSION_ADOPTEE,
            libelle=_("Adopté en séance"),
            autorise=_secretariat,
            garde=_garde_adoption,
            destinataires=lecteurs_des_brouillons,
            titre_notification=_("%(objet)s adopté en séance"),
            gabarit_notification="bilan/notifications/adopte.txt",
        ),
        Transition(
            depuis=(StatutBilan.ADOPTE,),
            vers=StatutBilan.TRANSMIS_CC,
            verbe=VERSION_TRANSMISE_CC,
            libelle=_("Transmis au Conseil communautaire"),
            autorise=_secretariat,
            garde=_garde_conseil_communautaire,
        ),
        Transition(
            depuis=(StatutBilan.TRANSMIS_CC,),
            vers=StatutBilan.TRANSMIS_CD,
            verbe=VERSION_TRANSMISE_CD,
            libelle=_("Transmis au Conseil de développement"),
            autorise=_secretariat,
            garde=_garde_conseil_developpement,
        ),
    ),
)
