"""Les inscriptions d'une rencontre en CSV et en classeur, par l'écrivain commun du socle
(séparateurs français, formules neutralisées) : une ligne par inscription, une colonne par
question de la rencontre ; l'accord pour le vivier ; la chambre et la navette de chacun (le
prénom devant quand le foyer compte plusieurs personnes)."""

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from rencontres.models import (
    GenreRessource,
    Inscription,
    Participant,
    Place,
    Question,
    Rencontre,
)
from socle.exports import Colonne, Valeur
from socle.francais import date_et_heure


def colonnes(questions: Sequence[Question]) -> list[str | Colonne]:
    return [
        Colonne(_("Nom"), 20),
        Colonne(_("Prénom"), 18),
        Colonne(_("Adresse électronique"), 30),
        Colonne(_("Téléphone"), 16),
        Colonne(_("État"), 22),
        Colonne(_("Inscrite le"), 22),
        Colonne(_("Personnes"), 10),
        Colonne(_("Membres du foyer"), 36),
        Colonne(_("Activités"), 40),
        Colonne(_("Chambre"), 30),
        Colonne(_("Navette"), 30),
        *(Colonne(q.libelle, 24) for q in questions),
        Colonne(_("Arrivée pointée"), 22),
        Colonne(_("Code d'accueil"), 14),
        Colonne(_("Accord pour le vivier"), 30),
    ]


def avec_tout(inscriptions: QuerySet[Inscription]) -> QuerySet[Inscription]:
    return inscriptions.prefetch_related(
        "participants",
        "participants__attributions__ressource",
        "reponses",
        Prefetch("places", queryset=Place.objects.select_related("activite").order_by("activite__debut")),
    )


def lignes(
    rencontre: Rencontre, inscriptions: QuerySet[Inscription], questions: Sequence[Question]
) -> Iterator[list[Valeur]]:
    for inscription in avec_tout(inscriptions):
        participants = list(inscription.participants.all())
        reponses: dict[Any, str] = {r.question_id: r.valeur for r in inscription.reponses.all()}
        activites = list(dict.fromkeys(p.activite.titre for p in inscription.places.all()))
        yield [
            inscription.nom,
            inscription.prenom,
            inscription.email,
            inscription.telephone,
            inscription.get_etat_display(),
            date_et_heure(inscription.cree_le),
            len(participants),
            ", ".join(
                f"{p.prenom} {p.nom} ({p.get_lien_display()})" for p in participants if p.lien != "titulaire"
            ),
            ", ".join(activites),
            _hebergement(participants, GenreRessource.CHAMBRE),
            _hebergement(participants, GenreRessource.NAVETTE),
            *(reponses.get(q.pk, "") for q in questions),
            date_et_heure(inscription.arrivee_le) if inscription.arrivee_le else "",
            inscription.code,
            _accord(inscription),
        ]


def _accord(inscription: Inscription) -> str:
    if inscription.accord_vivier_le is None:
        return ""
    if inscription.accord_vivier_retire_le is not None:
        return _("donné le %(d)s, retiré le %(r)s") % {
            "d": date_et_heure(inscription.accord_vivier_le),
            "r": date_et_heure(inscription.accord_vivier_retire_le),
        }
    return _("donné le %(d)s") % {"d": date_et_heure(inscription.accord_vivier_le)}


def _hebergement(participants: Sequence[Participant], genre: str) -> str:
    places = [
        (p, a.ressource.libelle) for p in participants for a in p.attributions.all() if a.genre == genre
    ]
    if len(participants) == 1:
        return ", ".join(libelle for _p, libelle in places)
    return ", ".join(f"{p.prenom} : {libelle}" for p, libelle in places)
