"""Fabriques du recrutement : le GCS et ses membres, leurs recruteurs, des offres à chaque
état, construites par les services (chaque étape passe les mêmes contrôles que sur le portail)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from comptes.models import Utilisateur
from comptes.roles import Role
from recrutement import services
from recrutement.models import (
    Candidature,
    ModePart,
    Offre,
    RoleRecruteur,
    SourceCandidature,
    StatutOffre,
    TypeContrat,
)
from recrutement.services import Part, SaisieCandidature, SaisieOffre
from territoire.models import Appartenance, Structure, TypeStructure
from tests.comptes.factories import UtilisateurFactory
from tests.socle import fichiers
from tests.territoire.factories import CommuneFactory, ProfessionFactory, SpecialiteFactory, StructureFactory


@dataclass
class Gcs:
    """Le GCS « Partenaires Santé du Cotentin », ses deux membres, une MSP, et leurs recruteurs."""

    gcs: Structure
    chpc: Structure
    pcc: Structure
    msp: Structure
    recruteur_chpc: Utilisateur
    recruteur_pcc: Utilisateur
    moderateur: Utilisateur
    agent: Utilisateur
    autres: dict[str, Any] = field(default_factory=dict)


def gcs_et_recruteurs(**comptes: Utilisateur) -> Gcs:
    cherbourg = CommuneFactory(code_insee="50129", nom="Cherbourg-en-Cotentin")
    beaumont = CommuneFactory(code_insee="50041", nom="La Hague")
    chpc = StructureFactory(
        nom="CH public du Cotentin",
        type=TypeStructure.CENTRE_HOSPITALIER,
        commune=cherbourg,
        adresse="46 rue du Val de Saire",
        code_postal="50100",
    )
    pcc = StructureFactory(
        nom="Polyclinique du Cotentin", type=TypeStructure.CLINIQUE, commune=cherbourg, code_postal="50100"
    )
    gcs = StructureFactory(nom="GCS Partenaires Santé du Cotentin", type=TypeStructure.GCS, commune=cherbourg)
    msp = StructureFactory(
        nom="MSP de la Hague", type=TypeStructure.MSP, commune=beaumont, code_postal="50440"
    )
    for membre in (chpc, pcc):
        Appartenance.objects.create(groupement=gcs, membre=membre, debut=date(2017, 10, 12))
    recruteur_chpc = comptes.get("recruteur_chpc") or UtilisateurFactory(
        email="recrutement@chpc.exemple.fr", totp=True
    )
    recruteur_pcc = comptes.get("recruteur_pcc") or UtilisateurFactory(
        email="recrutement@pcc.exemple.fr", totp=True
    )
    moderateur = comptes.get("moderateur") or UtilisateurFactory(email="moderation@gcs.exemple.fr", totp=True)
    agent = comptes.get("agent") or UtilisateurFactory(
        email="agent.recr@exemple.fr", roles=(Role.AGENT,), is_staff=True, totp=True
    )
    services.recruteur_ajouter(structure=chpc, compte=recruteur_chpc, acteur=None)
    services.recruteur_ajouter(structure=pcc, compte=recruteur_pcc, acteur=None)
    services.recruteur_ajouter(structure=gcs, compte=moderateur, role=RoleRecruteur.MODERATEUR, acteur=None)
    return Gcs(gcs, chpc, pcc, msp, recruteur_chpc, recruteur_pcc, moderateur, agent)


def saisie(employeur: Structure, **champs: Any) -> SaisieOffre:
    valeurs: dict[str, Any] = {
        "titre": "Médecin urgentiste",
        "profession": ProfessionFactory(),
        "specialite": None,
        "employeur": employeur,
        "type_contrat": TypeContrat.SALARIE,
        "quotite": 100,
        "date_limite": timezone.localdate() + timedelta(days=60),
        "description": "Service des urgences du site de Cherbourg.\nÉquipe de 20 praticiens.",
        "structures": [employeur],
    }
    valeurs.update(champs)
    return SaisieOffre(**valeurs)


def saisie_mixte(g: Gcs, **champs: Any) -> SaisieOffre:
    return saisie(
        g.chpc,
        titre="Médecin généraliste — exercice mixte",
        type_contrat=TypeContrat.MIXTE,
        specialite=SpecialiteFactory(),
        parts=[Part(g.chpc, ModePart.SALARIE, 50), Part(g.msp, ModePart.LIBERAL, 50)],
        structures=[g.chpc, g.msp],
        **champs,
    )


def offre(
    g: Gcs, statut: str = StatutOffre.BROUILLON, *, acteur: Utilisateur | None = None, **champs: Any
) -> Offre:
    """Une offre du CHPC (par défaut), menée jusqu'à `statut` par ses recruteurs et le modérateur."""
    employeur = champs.pop("employeur", g.chpc)
    recruteur = acteur or (g.recruteur_pcc if employeur == g.pcc else g.recruteur_chpc)
    o = services.offre_creer(acteur=recruteur, saisie=saisie(employeur, **champs))
    chemin = {
        StatutOffre.BROUILLON: [],
        StatutOffre.SOUMISE: [(StatutOffre.SOUMISE, recruteur)],
        StatutOffre.PUBLIEE: [(StatutOffre.SOUMISE, recruteur), (StatutOffre.PUBLIEE, g.moderateur)],
        StatutOffre.POURVUE: [
            (StatutOffre.SOUMISE, recruteur),
            (StatutOffre.PUBLIEE, g.moderateur),
            (StatutOffre.POURVUE, recruteur),
        ],
        StatutOffre.RETIREE: [(StatutOffre.RETIREE, recruteur)],
        StatutOffre.EXPIREE: [
            (StatutOffre.SOUMISE, recruteur),
            (StatutOffre.PUBLIEE, g.moderateur),
            (StatutOffre.EXPIREE, None),
        ],
    }[StatutOffre(statut)]
    for vers, qui in chemin:
        o = services.offre_transition(offre=o, vers=vers, acteur=qui)
    return o


# --- Candidatures ------------------------------------------------------------------------


def cv(nom: str = "cv.pdf") -> SimpleUploadedFile:
    """Un CV en PDF qui passe les contrôles du socle."""
    return SimpleUploadedFile(nom, fichiers.pdf(), content_type="application/pdf")


def saisie_candidature(employeurs: list[Structure], **champs: Any) -> SaisieCandidature:
    valeurs: dict[str, Any] = {
        "nom": "Lefèvre",
        "prenom": "Camille",
        "email": "camille.lefevre@exemple.fr",
        "telephone": "06 12 34 56 78",
        "cv": cv(),
        "employeurs": employeurs,
        "message": "Interne en fin de cursus à Caen, je souhaite m'installer dans le Cotentin.",
        "source": SourceCandidature.PORTAIL,
    }
    valeurs.update(champs)
    return SaisieCandidature(**valeurs)


def candidature(
    offre: Offre,
    employeurs: list[Structure] | None = None,
    *,
    compte: Utilisateur | None = None,
    email: str = "camille.lefevre@exemple.fr",
    **champs: Any,
) -> Candidature:
    """Une candidature déposée par le service (visiteuse à `email` confirmée, ou `compte`),
    confiée à l'employeur de l'offre, ou à `employeurs`."""
    employeurs = employeurs if employeurs is not None else [offre.employeur]
    if compte is not None:
        champs.setdefault("email", compte.email)
    else:
        champs.setdefault("email", email)
    return services.candidature_deposer(
        offre=offre,
        saisie=saisie_candidature(employeurs, **champs),
        compte=compte,
        email_confirme="" if compte is not None else champs["email"],
    )
