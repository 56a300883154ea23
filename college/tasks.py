"""Tâches du Collège : clôture à l'heure dite, rappels aux électeurs qui n'ont pas voté."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from college.chiffrement import UrneIllisible
from college.models import Electeur, Emargement, Scrutin, StatutScrutin
from college.services import scrutin_clore
from socle.services import evenement_enregistrer, notifier
from socle.verbes import Verbe

journal = logging.getLogger(__name__)

# Les actions que ce module écrit au journal d'audit.
RAPPEL_ENVOYE = Verbe("college.rappel.envoye", gettext_lazy("Rappel aux électeurs qui n'ont pas voté"))


@shared_task
def clore_scrutins_echus() -> int:
    """Clôt et dépouille les scrutins dont l'heure de clôture est passée (chaque minute).
    Un scrutin déjà clos par le secrétariat entre-temps est simplement ignoré."""
    clos = 0
    for scrutin_id in Scrutin.objects.filter(
        statut=StatutScrutin.OUVERT, cloture__lte=timezone.now()
    ).values_list("pk", flat=True):
        try:
            scrutin_clore(scrutin=Scrutin.objects.get(pk=scrutin_id), acteur=None)
            clos += 1
        except ValidationError:
            continue
        except UrneIllisible:
            # Les exploitants sont prévenus (journal d'erreur) ; les autres scrutins se closent.
            journal.exception("Urne du scrutin %s illisible à la clôture", scrutin_id)
    return clos


@shared_task
def rappeler_les_non_votants() -> int:
    """Rappelle une fois, avant la clôture, chaque électeur qui n'a pas voté (courriel
    immédiat ou résumé du jour, selon sa préférence)."""
    limite = timezone.now() + timedelta(hours=settings.COLLEGE_RAPPEL_HEURES)
    rappeles = 0
    for scrutin in Scrutin.objects.filter(
        statut=StatutScrutin.OUVERT, cloture__gt=timezone.now(), cloture__lte=limite
    ):
        a_rappeler = list(
            Electeur.objects.filter(scrutin=scrutin, exclu_pour_interet=False, rappele_le__isnull=True)
            .exclude(Exists(Emargement.objects.filter(scrutin=scrutin, personne=OuterRef("personne"))))
            .select_related("personne")
        )
        if not a_rappeler:
            continue
        notifier(
            destinataires=[e.personne for e in a_rappeler],
            verbe=RAPPEL_ENVOYE,
            titre=_("Vous n'avez pas encore voté : %(titre)s") % {"titre": scrutin.titre},
            gabarit="college/notifications/rappel.txt",
            contexte={"scrutin": scrutin},
            url=scrutin.get_absolute_url(),
        )
        Electeur.objects.filter(pk__in=[e.pk for e in a_rappeler]).update(rappele_le=timezone.now())
        evenement_enregistrer(verbe=RAPPEL_ENVOYE, cible=scrutin, donnees={"electeurs": len(a_rappeler)})
        rappeles += len(a_rappeler)
    return rappeles
