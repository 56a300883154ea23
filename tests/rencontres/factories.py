"""Fabriques des rencontres : une rencontre publiée, inscriptions ouvertes, et son programme."""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from rencontres import services
from rencontres.models import Activite, Inscription, Rencontre, StatutRencontre, TypeRencontre
from rencontres.services import Membre, SaisieInscription


def rencontre(*, capacites: tuple[int | None, ...] = (10,), **champs: Any) -> Rencontre:
    """« Les Paradis du Cotentin », dans trois semaines, une activité par capacité donnée."""
    maintenant = timezone.now()
    debut = champs.pop("debut", maintenant + timedelta(days=21))
    valeurs: dict[str, Any] = {
        "titre": "Les Paradis du Cotentin",
        "type": TypeRencontre.PROMOTION,
        "description": "Un week-end pour découvrir le Cotentin : visites, sortie en mer, dîner.",
        "public": "Internes et jeunes professionnels de santé",
        "debut": debut,
        "fin": debut + timedelta(days=2),
        "lieu": "Cité de la Mer",
        "inscriptions_du": maintenant - timedelta(days=7),
        "inscriptions_au": debut - timedelta(days=2),
        "statut": StatutRencontre.PUBLIEE,
        "foyer_max": 4,
    }
    valeurs.update(champs)
    r = Rencontre.objects.create(**valeurs)
    titres = ["Dîner", "Sortie en mer", "Visite du CHPC", "Atelier"]
    for rang, capacite in enumerate(capacites):
        Activite.objects.create(
            rencontre=r,
            titre=titres[rang % len(titres)],
            debut=debut + timedelta(hours=rang * 3),
            fin=debut + timedelta(hours=rang * 3 + 2),
            capacite=capacite,
            ordre=rang,
        )
    return r


def saisie(r: Rencontre, numero: int = 1, *, foyer: int = 0, **champs: Any) -> SaisieInscription:
    valeurs: dict[str, Any] = {
        "nom": f"Interne{numero}",
        "prenom": "Camille",
        "email": f"interne{numero}@exemple.fr",
        "activites": list(r.activites.all()),
        "foyer": [Membre(nom=f"Interne{numero}", prenom=f"Enfant{k}", lien="enfant") for k in range(foyer)],
    }
    valeurs.update(champs)
    return SaisieInscription(**valeurs)


def inscrire(
    r: Rencontre, numero: int = 1, *, maintenant: datetime | None = None, **champs: Any
) -> Inscription:
    return services.inscrire(rencontre=r, saisie=saisie(r, numero, **champs), maintenant=maintenant)
