"""Ce que les demandes de financement mettent sur la page d'accueil (registre du socle,
socle/a_faire.py).

À faire :
- l'instructeur (agent, secrétariat) : désigner l'instructeur des demandes déposées qui n'en
  ont pas ; pour les siennes, commencer l'instruction, instruire, décider une fois l'avis du
  Collège rendu, faire signer la convention d'une aide accordée ;
- le porteur : fournir les compléments demandés, terminer et déposer ses brouillons, répondre
  aux invitations à co-porter un projet.
Les demandes n'ont pas d'échéance : ces tâches viennent après celles qui en ont. Une requête
pour l'instructeur, deux pour le porteur.

Nouveautés : ce qui est arrivé aux demandes de la personne (changement d'état, message) par
le fait d'un autre, et, pour l'instructeur, les demandes déposées et les compléments fournis ;
lus au journal d'audit, une requête chacun.
"""

from datetime import datetime
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _

from college.models import StatutScrutin
from financements.models import DemandeFinancement, StatutDemande
from financements.permissions import est_instructeur
from financements.selectors import demandes_portees_par, invitations_en_attente_de
from financements.services.messages import MESSAGE_ENVOYE
from financements.workflows import DEMANDE_COMPLEMENTS_FOURNIS, DEMANDE_DEPOSEE
from socle.a_faire import NOUVEAUTES_PAR_APPLICATION, Nouveaute, Tache, fournisseur, nouveautes
from socle.francais import date_longue
from socle.models import Evenement

CATEGORIE = "financements"


def _categorie() -> str:
    return _("Demandes de financement")


def _ce_qu_il_faut_faire(demande: DemandeFinancement, utilisateur: Any) -> str | None:
    if demande.instructeur_id is None:
        return _("Désigner l'instructeur : %(demande)s")
    if demande.instructeur_id != utilisateur.pk:
        return None
    if demande.statut == StatutDemande.DEPOSEE:
        return _("Commencer l'instruction : %(demande)s")
    if demande.statut == StatutDemande.EN_INSTRUCTION:
        return _("Instruire : %(demande)s")
    avis_rendu = demande.scrutin is not None and demande.scrutin.statut == StatutScrutin.CLOS
    if demande.statut == StatutDemande.AVIS and avis_rendu:
        return _("Décider, l'avis du Collège rendu : %(demande)s")
    if demande.statut == StatutDemande.ACCORDEE:
        return _("Faire signer la convention : %(demande)s")
    return None


def _a_instruire(utilisateur: Any) -> list[Tache]:
    demandes = (
        DemandeFinancement.objects.filter(
            Q(statut=StatutDemande.DEPOSEE, instructeur__isnull=True)
            | Q(
                instructeur=utilisateur,
                statut__in=(
                    StatutDemande.DEPOSEE,
                    StatutDemande.EN_INSTRUCTION,
                    StatutDemande.AVIS,
                    StatutDemande.ACCORDEE,
                ),
            )
        )
        .select_related("scrutin")
        .order_by("deposee_le", "pk")
    )
    taches = []
    for demande in demandes:
        titre = _ce_qu_il_faut_faire(demande, utilisateur)
        if titre is not None:
            taches.append(
                Tache(
                    titre=titre % {"demande": demande},
                    lien=demande.get_absolute_url() + "#instruction",
                    detail=_("Déposée le %(date)s.") % {"date": date_longue(demande.deposee_le)},
                    categorie=_categorie(),
                )
            )
    return taches


def _a_porter(utilisateur: Any) -> list[Tache]:
    demandes = demandes_portees_par(utilisateur).filter(
        statut__in=(StatutDemande.BROUILLON, StatutDemande.COMPLEMENTS)
    )
    taches = []
    for demande in demandes.order_by("cree_le", "pk"):
        if demande.statut == StatutDemande.COMPLEMENTS:
            taches.append(
                Tache(
                    titre=_("Fournir les compléments demandés : %(demande)s") % {"demande": demande},
                    lien=demande.get_absolute_url() + "#complements-demandes",
                    detail=_("L'instructeur attend des pièces ou des précisions avant de poursuivre."),
                    categorie=_categorie(),
                )
            )
        else:
            taches.append(
                Tache(
                    titre=_("Terminer et déposer votre brouillon : %(demande)s") % {"demande": demande},
                    lien=reverse("financements:brouillon", kwargs={"pk": demande.pk}),
                    detail=_("Commencé le %(date)s.") % {"date": date_longue(demande.cree_le)},
                    categorie=_categorie(),
                )
            )
    for invitation in invitations_en_attente_de(utilisateur).order_by("invite_le", "pk"):
        taches.append(
            Tache(
                titre=_("Répondre à l'invitation à co-porter : %(demande)s")
                % {"demande": invitation.demande},
                lien=invitation.demande.get_absolute_url(),
                detail=_("%(porteur)s vous invite à porter ce projet avec lui.")
                % {"porteur": invitation.demande.porteur},
                categorie=_categorie(),
            )
        )
    return taches


@fournisseur(CATEGORIE)
def demandes_a_traiter(utilisateur: Any, maintenant: datetime) -> list[Tache]:
    taches = _a_instruire(utilisateur) if est_instructeur(utilisateur) else []
    return taches + _a_porter(utilisateur)


def _ids_texte(demandes: QuerySet[DemandeFinancement]) -> QuerySet[Any, Any]:
    """Les identifiants des demandes comme le journal les écrit (`cible_id`, en texte)."""
    return demandes.annotate(cle=Cast("pk", CharField())).values("cle")


@nouveautes(CATEGORIE)
def evenements_des_demandes(utilisateur: Any, depuis: datetime, maintenant: datetime) -> list[Nouveaute]:
    siennes = Q(cible_id__in=_ids_texte(demandes_portees_par(utilisateur))) & (
        ~Q(etat_apres="") | Q(verbe=MESSAGE_ENVOYE.code)
    )
    filtre = siennes
    if est_instructeur(utilisateur):
        a_instruire = DemandeFinancement.objects.filter(
            Q(instructeur__isnull=True) | Q(instructeur=utilisateur)
        )
        filtre |= Q(verbe=DEMANDE_DEPOSEE.code) | Q(
            verbe__in=(DEMANDE_COMPLEMENTS_FOURNIS.code, MESSAGE_ENVOYE.code),
            cible_id__in=_ids_texte(a_instruire),
        )
    evenements = (
        Evenement.objects.filter(
            filtre,
            cible_type__app_label="financements",
            cible_type__model="demandefinancement",
            cree_le__gt=depuis,
            cree_le__lte=maintenant,
        )
        .exclude(acteur=utilisateur)
        .order_by("-cree_le", "-pk")[:NOUVEAUTES_PAR_APPLICATION]
    )
    return [
        Nouveaute(
            titre=f"{evenement.libelle} : {evenement.cible_libelle}",
            lien=reverse("financements:demande", kwargs={"pk": int(evenement.cible_id)})
            + ("#messages" if evenement.verbe == MESSAGE_ENVOYE.code else ""),
            quand=evenement.cree_le,
            categorie=_categorie(),
        )
        for evenement in evenements
    ]
