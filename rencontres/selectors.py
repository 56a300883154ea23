"""Lectures des rencontres, à travers le contrôle d'accès."""

from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from rencontres.models import (
    ETATS_QUI_TIENNENT_DES_PLACES,
    Activite,
    Attribution,
    DemandeDeChangement,
    DemandeDeSoutien,
    Emargement,
    EtatInscription,
    GenreRessource,
    Inscription,
    Organisateur,
    Participant,
    Rencontre,
    Ressource,
    StatutDemandeDeChangement,
    StatutRencontre,
)
from rencontres.permissions import (
    est_agent_organisateur,
    organise,
    peut_organiser,
    peut_voir_la_demande_de_soutien,
    rencontres_confiees,
)
from rencontres.services import places_occupees
from territoire.models import Commune


def rencontres_publiques() -> QuerySet[Rencontre]:
    return (
        Rencontre.objects.filter(statut__in=[StatutRencontre.PUBLIEE, StatutRencontre.ANNULEE])
        .select_related("commune", "organisateur")
        .defer("commune__contour")
    )


def rencontre_publique(pk: int) -> Rencontre:
    """Une rencontre publiée (ou annulée, qui le dit) ; 404 pour un brouillon."""
    rencontre = (
        rencontres_publiques()
        .prefetch_related(Prefetch("activites", queryset=Activite.objects.order_by("debut", "ordre", "pk")))
        .filter(pk=pk)
        .first()
    )
    if rencontre is None:
        raise Http404
    return rencontre


def places_restantes(rencontre: Rencontre) -> dict[int, int | None]:
    """Par activité : les places restantes (None : sans limite)."""
    activites = list(rencontre.activites.all())
    occupees = places_occupees([a.pk for a in activites])
    return {a.pk: (None if a.capacite is None else max(a.capacite - occupees[a.pk], 0)) for a in activites}


def rencontres_a_venir(maintenant: Any) -> QuerySet[Rencontre]:
    """Les rencontres publiées qui ne sont pas finies, les plus proches d'abord."""
    return (
        rencontres_publiques()
        .filter(statut=StatutRencontre.PUBLIEE, fin__gte=maintenant)
        .order_by("debut", "pk")
    )


def get_rencontre_a_organiser(utilisateur: Any, pk: int) -> Rencontre:
    """Une rencontre, pour qui l'organise ; 404 pour les autres, comme si elle n'existait pas."""
    if not peut_organiser(utilisateur):
        raise Http404
    rencontre = (
        Rencontre.objects.select_related("commune", "organisateur")
        .defer("commune__contour")
        .prefetch_related(Prefetch("activites", queryset=Activite.objects.order_by("debut", "ordre", "pk")))
        .filter(pk=pk)
        .first()
    )
    if rencontre is None or not organise(utilisateur, rencontre):
        raise Http404
    return rencontre


def rencontres_a_organiser(utilisateur: Any) -> QuerySet[Rencontre]:
    if not peut_organiser(utilisateur):
        return Rencontre.objects.none()
    rencontres = Rencontre.objects.all()
    if not est_agent_organisateur(utilisateur):
        rencontres = rencontres.filter(pk__in=rencontres_confiees(utilisateur))
    return (
        rencontres.select_related("commune")
        .defer("commune__contour")
        .annotate(
            confirmees=Count("inscriptions", filter=Q(inscriptions__etat=EtatInscription.CONFIRMEE)),
            en_attente=Count("inscriptions", filter=Q(inscriptions__etat=EtatInscription.LISTE_D_ATTENTE)),
            a_valider=Count(
                "inscriptions", filter=Q(inscriptions__etat=EtatInscription.EN_ATTENTE_DE_VALIDATION)
            ),
        )
        .order_by("-debut", "-pk")
    )


def inscriptions_de(
    rencontre: Rencontre, *, etat: str = "", activite: int | None = None, q: str = ""
) -> QuerySet[Inscription]:
    """Les inscriptions d'une rencontre, filtrées ; leurs participants préchargés."""
    inscriptions = Inscription.objects.filter(rencontre=rencontre)
    if etat:
        inscriptions = inscriptions.filter(etat=etat)
    if activite:
        inscriptions = inscriptions.filter(places__activite=activite).distinct()
    if q.strip():
        mots = q.strip()
        inscriptions = inscriptions.filter(
            Q(nom__unaccent__icontains=mots)
            | Q(prenom__unaccent__icontains=mots)
            | Q(email__icontains=mots)
            | Q(code__iexact=mots.replace(" ", ""))
            | Q(participants__nom__unaccent__icontains=mots)
            | Q(participants__prenom__unaccent__icontains=mots)
        ).distinct()
    return inscriptions.prefetch_related("participants").order_by("nom", "prenom", "pk")


# --- Émargement ------------------------------------------------------------------------------


def participants_a_emarger(
    rencontre: Rencontre, *, jour: date, demi_journee: str, q: str = ""
) -> QuerySet[Participant]:
    """Les personnes des inscriptions confirmées (titulaires et membres du foyer), par nom, avec
    leur signature de la demi-journée (`signe_le`, `emargement_pk` ; None sans signature) :
    une requête, quel que soit leur nombre."""
    signature = Emargement.objects.filter(participant=OuterRef("pk"), jour=jour, demi_journee=demi_journee)
    participants = Participant.objects.filter(
        inscription__rencontre=rencontre, inscription__etat=EtatInscription.CONFIRMEE
    )
    if q.strip():
        mots = q.strip()
        participants = participants.filter(
            Q(nom__unaccent__icontains=mots)
            | Q(prenom__unaccent__icontains=mots)
            | Q(inscription__nom__unaccent__icontains=mots)
            | Q(inscription__code__iexact=mots.replace(" ", ""))
        )
    return (
        participants.select_related("inscription")
        .annotate(
            signe_le=Subquery(signature.values("signe_le")[:1]),
            emargement_pk=Subquery(signature.values("pk")[:1]),
        )
        .order_by("nom", "prenom", "pk")
    )


def get_participant_a_emarger(rencontre: Rencontre, pk: int) -> Participant:
    """Une personne d'une inscription de la rencontre (déjà lue à travers le contrôle d'accès) ;
    404 pour une personne d'une autre rencontre."""
    participant = Participant.objects.filter(pk=pk, inscription__rencontre=rencontre).first()
    if participant is None:
        raise Http404
    return participant


def get_emargement_de(rencontre: Rencontre, pk: int) -> Emargement:
    emargement = (
        Emargement.objects.filter(pk=pk, inscription__rencontre=rencontre)
        .select_related("participant")
        .first()
    )
    if emargement is None:
        raise Http404
    return emargement


def compte_des_signatures(rencontre: Rencontre, *, jour: date, demi_journee: str) -> dict[str, int]:
    """Pour la demi-journée : les personnes des inscriptions confirmées et celles qui ont signé."""
    return Participant.objects.filter(
        inscription__rencontre=rencontre, inscription__etat=EtatInscription.CONFIRMEE
    ).aggregate(
        personnes=Count("pk", distinct=True),
        signes=Count(
            "emargements",
            filter=Q(emargements__jour=jour, emargements__demi_journee=demi_journee),
            distinct=True,
        ),
    )


def demandes_de_soutien_de(utilisateur: Any) -> QuerySet[DemandeDeSoutien]:
    """Les demandes de soutien que le compte voit : toutes pour un agent, les siennes sinon."""
    demandes = DemandeDeSoutien.objects.select_related("structure", "instructeur", "rencontre")
    if est_agent_organisateur(utilisateur):
        return demandes
    if not (utilisateur.is_authenticated and utilisateur.is_active):
        return demandes.none()
    return demandes.filter(deposee_par=utilisateur)


def get_demande_de_soutien_pour(utilisateur: Any, pk: int) -> DemandeDeSoutien:
    """Une demande de soutien pour qui peut la voir (404 sinon, comme si elle n'existait pas)."""
    demande = (
        DemandeDeSoutien.objects.select_related(
            "structure", "commune", "deposee_par", "instructeur", "rencontre", "scrutin"
        )
        .defer("commune__contour")
        .filter(pk=pk)
        .first()
    )
    if demande is None or not peut_voir_la_demande_de_soutien(utilisateur, demande):
        raise Http404
    return demande


def hebergement_de(rencontre: Rencontre) -> dict[str, Any]:
    """Les chambres et navettes d'une rencontre avec leurs occupants (et leur inscription, pour
    signaler une place gardée par une inscription annulée), et les demandes de changement en
    attente ; un nombre de requêtes qui ne dépend pas du nombre de lignes."""
    ressources = list(
        Ressource.objects.filter(rencontre=rencontre).prefetch_related(
            Prefetch(
                "attributions",
                queryset=Attribution.objects.select_related("participant__inscription").order_by(
                    "participant__nom", "participant__prenom", "pk"
                ),
            )
        )
    )
    demandes = list(
        DemandeDeChangement.objects.filter(
            participant__inscription__rencontre=rencontre, statut=StatutDemandeDeChangement.EN_ATTENTE
        )
        .select_related("participant__inscription", "souhait")
        .order_by("demandee_le", "pk")
    )
    actuelles = {(a.participant_id, a.genre): a.ressource for r in ressources for a in r.attributions.all()}
    for demande in demandes:
        demande.actuelle = actuelles.get((demande.participant_id, demande.genre))  # type: ignore[attr-defined]
    return {
        "par_genre": [
            (valeur, libelle, [r for r in ressources if r.genre == valeur])
            for valeur, libelle in GenreRessource.choices
        ],
        "demandes": demandes,
    }


def participants_sans(rencontre: Rencontre, genre: str) -> QuerySet[Participant]:
    """Les participants des inscriptions qui tiennent des places, sans ressource de ce genre."""
    return (
        Participant.objects.filter(
            inscription__rencontre=rencontre, inscription__etat__in=ETATS_QUI_TIENNENT_DES_PLACES
        )
        .exclude(attributions__genre=genre)
        .order_by("nom", "prenom", "pk")
    )


def participants_actifs(rencontre: Rencontre) -> QuerySet[Participant]:
    """Les participants des inscriptions non annulées d'une rencontre."""
    return (
        Participant.objects.filter(inscription__rencontre=rencontre)
        .exclude(inscription__etat=EtatInscription.ANNULEE)
        .order_by("nom", "prenom", "pk")
    )


def hebergement_d_une_inscription(inscription: Inscription) -> dict[str, Any]:
    """Pour la page de la personne : ses chambres et navettes, ses demandes de changement."""
    return {
        "attributions": list(
            Attribution.objects.filter(participant__inscription=inscription)
            .select_related("ressource", "participant")
            .order_by("participant__ordre", "genre")
        ),
        "demandes": list(
            DemandeDeChangement.objects.filter(participant__inscription=inscription)
            .select_related("participant", "souhait")
            .order_by("-demandee_le", "-pk")
        ),
    }


def rencontres_a_venir_par_commune(maintenant: Any) -> dict[int, int]:
    """Commune → nombre de rencontres publiées à venir qui s'y tiennent (une requête)."""
    return dict(
        Rencontre.objects.filter(statut=StatutRencontre.PUBLIEE, fin__gte=maintenant, commune__isnull=False)
        .values("commune")
        .annotate(n=Count("pk"))
        .values_list("commune", "n")
    )


def commune_choisie(valeur: str) -> Commune | None:
    """La commune d'un filtre de la liste (le lien de la carte) ; rien pour une valeur inconnue."""
    if not valeur.isdigit():
        return None
    return Commune.objects.defer("contour").filter(pk=int(valeur)).first()


def inscriptions_de_l_adresse(email: str) -> list[Inscription]:
    """Les inscriptions d'une adresse (les anonymisées n'en ont plus), avec leur rencontre : une
    requête, quel que soit leur nombre."""
    return list(
        Inscription.objects.filter(email__iexact=email)
        .exclude(email="")
        .select_related("rencontre__commune")
        .defer("rencontre__commune__contour")
        .order_by("rencontre__debut", "cree_le", "pk")
    )


def organisateurs_de(rencontre: Rencontre) -> QuerySet[Organisateur]:
    """Les comptes à qui la rencontre est confiée (la rencontre lue par le contrôle d'accès)."""
    return Organisateur.objects.filter(rencontre=rencontre).select_related("compte", "ajoute_par")
