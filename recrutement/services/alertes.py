"""Les alertes par courriel : les nouvelles offres d'une profession, dans un pôle ou partout.

Une alerte se confirme par un lien avant le premier envoi (sauf pour un compte connecté à sa
propre adresse, déjà vérifiée) ; chaque courriel porte le lien qui la supprime, sans connexion.
Une offre publiée part une fois vers chaque alerte qui la demande (`EnvoiAlerte`, unique) :
la tâche rejouée n'envoie rien deux fois. Le journal ne garde ni l'adresse ni la clé.
"""

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recrutement.models import Alerte, EnvoiAlerte, Offre
from recrutement.tasks import envoyer_confirmation_d_alerte
from socle.courriels import courriel_construire, lien_absolu
from socle.services import apres_validation, evenement_enregistrer
from socle.verbes import Verbe
from territoire.models import Commune, PoleDeProximite, Profession, Structure

ALERTE_CREEE = Verbe("recrutement.alerte.creee", gettext_lazy("Alerte aux nouvelles offres demandée"))
ALERTE_CONFIRMEE = Verbe(
    "recrutement.alerte.confirmee", gettext_lazy("Alerte aux nouvelles offres confirmée")
)
ALERTE_SUPPRIMEE = Verbe(
    "recrutement.alerte.supprimee", gettext_lazy("Alerte aux nouvelles offres supprimée")
)
OFFRE_ENVOYEE_AUX_ALERTES = Verbe(
    "recrutement.offre.envoyee_aux_alertes", gettext_lazy("Offre envoyée aux alertes"), precision="envois"
)


def _meme_adresse(compte: Any, email: str) -> bool:
    return bool(compte is not None and compte.is_authenticated and compte.email.lower() == email.lower())


def alerte_creer(
    *, email: str, profession: Profession, pole: PoleDeProximite | None, compte: Any = None
) -> Alerte:
    """Demande une alerte ; confirmée d'emblée pour un compte à sa propre adresse, sinon un
    lien de confirmation part à l'adresse. Redemandée, l'alerte existante est rendue (et son
    lien renvoyé si elle attend encore sa confirmation)."""
    email = email.strip()
    confirmee = _meme_adresse(compte, email)
    maintenant = timezone.now()
    with transaction.atomic():
        alerte = (
            Alerte.objects.select_for_update()
            .filter(email__iexact=email, profession=profession, pole=pole)
            .first()
        )
        if alerte is None:
            try:
                with transaction.atomic():
                    alerte = Alerte.objects.create(
                        email=email,
                        profession=profession,
                        pole=pole,
                        compte=compte if confirmee else None,
                        confirmee_le=maintenant if confirmee else None,
                    )
            except IntegrityError:
                # La même demande, au même instant, par un autre onglet : elle existe.
                alerte = Alerte.objects.get(email__iexact=email, profession=profession, pole=pole)
            else:
                evenement_enregistrer(
                    verbe=ALERTE_CREEE,
                    acteur=compte,
                    donnees={
                        "alerte": alerte.pk,
                        "profession": profession.pk,
                        "pole": pole.pk if pole else None,
                    },
                )
        if alerte.confirmee_le is None:
            if confirmee:
                alerte.confirmee_le = maintenant
                alerte.compte = compte
                alerte.save(update_fields=["confirmee_le", "compte"])
                evenement_enregistrer(verbe=ALERTE_CONFIRMEE, acteur=compte, donnees={"alerte": alerte.pk})
            else:
                apres_validation(envoyer_confirmation_d_alerte, alerte.pk)
    return alerte


def alerte_confirmer(*, alerte: Alerte) -> Alerte:
    """Le lien reçu est ouvert : l'alerte est active. Rejouée, ne fait rien."""
    with transaction.atomic():
        verrouillee = Alerte.objects.select_for_update().get(pk=alerte.pk)
        if verrouillee.confirmee_le is None:
            verrouillee.confirmee_le = timezone.now()
            verrouillee.save(update_fields=["confirmee_le"])
            evenement_enregistrer(verbe=ALERTE_CONFIRMEE, donnees={"alerte": verrouillee.pk})
    return verrouillee


def alerte_supprimer(*, alerte: Alerte) -> None:
    """Supprime l'alerte (et ce qu'on lui a envoyé)."""
    with transaction.atomic():
        pk = alerte.pk
        supprimees, _detail = Alerte.objects.filter(pk=pk).delete()
        if supprimees:
            evenement_enregistrer(verbe=ALERTE_SUPPRIMEE, donnees={"alerte": pk})


def poles_de_l_offre(offre: Offre) -> set[int]:
    """Les pôles où l'offre s'exerce : celui de la commune de son employeur, de ses communes
    et des communes de ses établissements."""
    poles = set(Structure.objects.filter(pk=offre.employeur_id).values_list("commune__pole_id", flat=True))
    poles |= set(Commune.objects.filter(offres=offre).values_list("pole_id", flat=True))
    poles |= set(Structure.objects.filter(offres_lieux=offre).values_list("commune__pole_id", flat=True))
    return {p for p in poles if p is not None}


def alertes_pour(offre: Offre) -> list[Alerte]:
    """Les alertes confirmées qui demandent cette offre et ne l'ont pas encore reçue."""
    return list(
        Alerte.objects.filter(confirmee_le__isnull=False, profession=offre.profession_id)
        .filter(Q(pole__isnull=True) | Q(pole__in=poles_de_l_offre(offre)))
        .exclude(envois__offre=offre)
        .select_related("pole")
        .order_by("pk")
    )


def offre_envoyer_aux_alertes(*, offre_id: int, maintenant: datetime | None = None) -> int:
    """Envoie l'offre en ligne à chaque alerte qui la demande, une fois : l'envoi est écrit avec
    le courriel, dans la même transaction (un courriel qui ne part pas n'est pas compté, la
    tâche le refera). Rend le nombre de courriels envoyés."""
    maintenant = maintenant or timezone.now()
    offre = Offre.objects.select_related("employeur", "profession").filter(pk=offre_id).first()
    if offre is None or not offre.est_en_ligne(timezone.localdate(maintenant)):
        return 0
    envoyes = 0
    for alerte in alertes_pour(offre):
        with transaction.atomic():
            _envoi, cree = EnvoiAlerte.objects.get_or_create(alerte=alerte, offre=offre)
            if not cree:
                continue
            courriel_construire(
                gabarit="recrutement/courriels/alerte_offre",
                sujet=_("Nouvelle offre : %(o)s") % {"o": offre.titre},
                destinataire=alerte.email,
                contexte={
                    "offre": offre,
                    "alerte": alerte,
                    "lien": lien_absolu(offre.url_publique()),
                    "suppression": lien_absolu(
                        reverse("recrutement:alerte_supprimer", kwargs={"cle": alerte.cle})
                    ),
                },
            ).send()
            envoyes += 1
    if envoyes:
        evenement_enregistrer(verbe=OFFRE_ENVOYEE_AUX_ALERTES, cible=offre, donnees={"envois": envoyes})
    return envoyes
