"""Ce que le recrutement met sur la page d'accueil (registre du socle, socle/a_faire.py).

À faire : pour les recruteurs, les offres de leurs structures dont le poste est à confirmer
(demande restée sans réponse : l'offre expire à l'échéance), celles revenues de la modération
avec un motif, les brouillons à soumettre, et les candidatures reçues qu'ils voient et que
personne n'a encore mises à l'étude (une requête, un compte) ; pour les modérateurs (GCS,
agglomération), les offres soumises ; pour les agents qui suivent le recrutement, les demandes
d'aide à l'installation des candidats à prendre en charge (une tâche, avec leur nombre).
Nouveautés : les offres des structures du recruteur publiées depuis la visite précédente.
Une requête de plus par sorte, aucune pour qui n'est ni recruteur, ni modérateur, ni agent
(`recrutements_de` lit ses rôles une fois par requête).
"""

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from recrutement.models import Candidature, EtapeCandidature, Offre, StatutOffre
from recrutement.permissions import est_moderateur, recrutements_de, suit_le_recrutement
from recrutement.selectors import candidatures_visibles_par
from recrutement.tasks import DELAI_DE_REPONSE
from socle.a_faire import NOUVEAUTES_PAR_APPLICATION, Nouveaute, Tache, fournisseur, nouveautes

CATEGORIE = gettext_lazy("Offres d'emploi")
CATEGORIE_CANDIDATURES = gettext_lazy("Candidatures")


@fournisseur("recrutement")
def offres_a_traiter(utilisateur: Any, maintenant: datetime) -> list[Tache]:
    taches: list[Tache] = []
    structures = recrutements_de(utilisateur).au_nom_de
    if structures:
        a_confirmer = Q(statut=StatutOffre.PUBLIEE, confirmation_demandee_le__isnull=False)
        for offre in (
            Offre.objects.filter(employeur__in=structures)
            .filter(a_confirmer | Q(statut=StatutOffre.BROUILLON))
            .only("pk", "titre", "statut", "motif_refus", "date_limite", "confirmation_demandee_le")
            .order_by("date_limite", "pk")
        ):
            if offre.statut == StatutOffre.PUBLIEE and offre.confirmation_demandee_le:
                taches.append(
                    Tache(
                        titre=_("Dire si le poste est toujours ouvert : %(titre)s") % {"titre": offre.titre},
                        lien=offre.get_absolute_url(),
                        echeance=offre.confirmation_demandee_le + DELAI_DE_REPONSE,
                        detail=_("Sans réponse à l'échéance, l'offre expire et quitte la liste publique."),
                        categorie=CATEGORIE,
                    )
                )
            elif offre.motif_refus:
                taches.append(
                    Tache(
                        titre=_("Reprendre l'offre refusée : %(titre)s") % {"titre": offre.titre},
                        lien=offre.get_absolute_url(),
                        echeance=offre.date_limite,
                        detail=_("Motif de la modération : %(motif)s") % {"motif": offre.motif_refus},
                        categorie=CATEGORIE,
                    )
                )
            else:
                taches.append(
                    Tache(
                        titre=_("Soumettre l'offre à la modération : %(titre)s") % {"titre": offre.titre},
                        lien=offre.get_absolute_url(),
                        echeance=offre.date_limite,
                        detail=_("Brouillon : il n'est publié qu'après la modération."),
                        categorie=CATEGORIE,
                    )
                )
        recues = candidatures_visibles_par(utilisateur).filter(etape=EtapeCandidature.RECUE).count()
        if recues:
            taches.append(
                Tache(
                    titre=ngettext(
                        "%(n)s candidature reçue à étudier", "%(n)s candidatures reçues à étudier", recues
                    )
                    % {"n": recues},
                    lien=f"{reverse('recrutement:tableau')}?etape={EtapeCandidature.RECUE.value}",
                    detail=_("Sur le tableau partagé avec les autres employeurs choisis par les candidats."),
                    categorie=CATEGORIE_CANDIDATURES,
                )
            )
    if est_moderateur(utilisateur):
        for offre in (
            Offre.objects.filter(statut=StatutOffre.SOUMISE)
            .select_related("employeur")
            .only("pk", "titre", "date_limite", "employeur__nom")
            .order_by("soumise_le", "pk")
        ):
            taches.append(
                Tache(
                    titre=_("Modérer l'offre : %(titre)s") % {"titre": offre.titre},
                    lien=offre.get_absolute_url(),
                    echeance=offre.date_limite,
                    detail=_("Proposée par %(employeur)s.") % {"employeur": offre.employeur.nom},
                    categorie=CATEGORIE,
                )
            )
    if suit_le_recrutement(utilisateur):
        demandes = Candidature.objects.filter(
            Q(aide_emploi_conjoint=True) | Q(aide_logement=True),
            anonymisee_le__isnull=True,
            aide_prise_en_charge_le__isnull=True,
        ).count()
        if demandes:
            taches.append(
                Tache(
                    titre=ngettext(
                        "%(n)s demande d'aide à l'installation à traiter",
                        "%(n)s demandes d'aide à l'installation à traiter",
                        demandes,
                    )
                    % {"n": demandes},
                    lien=reverse("recrutement:demandes_d_aide"),
                    detail=_(
                        "Des candidats demandent de l'aide pour l'emploi de leur conjoint ou pour se loger."
                    ),
                    categorie=CATEGORIE,
                )
            )
    return taches


@nouveautes("recrutement")
def offres_publiees(utilisateur: Any, depuis: datetime, maintenant: datetime) -> list[Nouveaute]:
    structures = recrutements_de(utilisateur).au_nom_de
    if not structures:
        return []
    return [
        Nouveaute(
            titre=_("Offre publiée : %(titre)s") % {"titre": offre.titre},
            lien=offre.url_publique(),
            quand=offre.publiee_le or maintenant,
            categorie=CATEGORIE,
        )
        for offre in Offre.objects.filter(
            employeur__in=structures, publiee_le__gt=depuis, publiee_le__lte=maintenant
        )
        .only("pk", "titre", "publiee_le")
        .order_by("-publiee_le", "-pk")[:NOUVEAUTES_PAR_APPLICATION]
    ]
