"""Qui organise quelle rencontre.

Les agents de l'agglomération (droit `rencontres.organiser_rencontre`, donné à leur groupe)
organisent toutes les rencontres : ils les créent, les publient, les annulent, confient une
rencontre à des partenaires et décident des demandes de soutien. Un organisateur partenaire
(`Organisateur` : un compte de l'ordre, de l'URPS, de l'association qui tient le congrès) gère
les rencontres qui lui sont confiées, et celles-là seulement : programme tant qu'elle n'est pas
publiée, inscriptions, messages, accueil, badges, émargement, chambres et navettes. Ce qu'il faut
savoir d'un compte se lit une fois par objet utilisateur (donc par requête), en une requête.
"""

from typing import Any

from college.permissions import est_membre_du_college
from rencontres.models import Organisateur, StatutRencontre


def _connecte(utilisateur: Any) -> bool:
    return bool(utilisateur is not None and utilisateur.is_authenticated and utilisateur.is_active)


def est_agent_organisateur(utilisateur: Any) -> bool:
    """Un agent de l'agglomération : toutes les rencontres, et ce que seule l'agglomération décide."""
    return _connecte(utilisateur) and utilisateur.has_perm("rencontres.organiser_rencontre")


def rencontres_confiees(utilisateur: Any) -> frozenset[int]:
    """Les rencontres confiées au compte comme organisateur partenaire. Le droit
    `organiser_rencontre_confiee` (lu avec les autres droits du compte) dit s'il y en a : les
    autres comptes n'en font pas la requête."""
    if not _connecte(utilisateur) or not utilisateur.has_perm("rencontres.organiser_rencontre_confiee"):
        return frozenset()
    cache = getattr(utilisateur, "_rencontres_confiees", None)
    if cache is None:
        cache = frozenset(
            Organisateur.objects.filter(compte=utilisateur).values_list("rencontre_id", flat=True)
        )
        utilisateur._rencontres_confiees = cache
    return cache


def peut_organiser(utilisateur: Any) -> bool:
    """A une page « Organiser les rencontres » : un agent, ou un partenaire à qui l'on en a confié."""
    return est_agent_organisateur(utilisateur) or bool(rencontres_confiees(utilisateur))


def organise(utilisateur: Any, rencontre: Any) -> bool:
    return est_agent_organisateur(utilisateur) or rencontre.pk in rencontres_confiees(utilisateur)


def peut_modifier_le_programme(utilisateur: Any, rencontre: Any) -> bool:
    """Le programme (activités, questions, dates) : un agent tant que la rencontre n'est pas
    annulée ; un partenaire tant qu'elle est en brouillon (publiée, elle engage l'agglomération)."""
    if rencontre.statut == StatutRencontre.ANNULEE:
        return False
    if est_agent_organisateur(utilisateur):
        return True
    return rencontre.statut == StatutRencontre.BROUILLON and organise(utilisateur, rencontre)


def peut_publier(utilisateur: Any, rencontre: Any) -> bool:
    return est_agent_organisateur(utilisateur)


# --- Demandes de soutien à un congrès -------------------------------------------------------
#
# Un organisme la dépose (le compte qui la dépose la suit) ; les agents de l'agglomération
# l'instruisent et décident ; les membres du Collège la lisent quand elle est soumise à leur avis.


def peut_voir_la_demande_de_soutien(utilisateur: Any, demande: Any) -> bool:
    return bool(
        est_agent_organisateur(utilisateur)
        or (_connecte(utilisateur) and demande.deposee_par_id == utilisateur.pk)
        or (demande.scrutin_id is not None and est_membre_du_college(utilisateur))
    )


def instruit_les_soutiens(utilisateur: Any, demande: Any = None) -> bool:
    return est_agent_organisateur(utilisateur)


def a_depose(utilisateur: Any, demande: Any) -> bool:
    return _connecte(utilisateur) and demande.deposee_par_id == utilisateur.pk
