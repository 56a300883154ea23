"""Les offres d'emploi de démonstration, construites par les vrais services.

Hélène Dubost (recruteur.chpc@demo.cotentin.fr) recrute pour le centre hospitalier public du
Cotentin, Thomas Lepetit (recruteur.polyclinique@demo.cotentin.fr) pour la Polyclinique ; tous
deux publient aussi au nom du GCS « Partenaires Santé du Cotentin », dont leurs établissements
sont membres ; Nathalie Roussel (moderation.gcs@demo.cotentin.fr) modère pour le GCS, comme
les agents de l'agglomération. Une recruteuse figurante (sans mot de passe) tient les offres de
la MSP de la Hague et du PSLA des Pieux.

Quatorze offres, à chaque état : publiées (dont une d'exercice mixte CHPC + MSP, une du GCS
partagée entre ses deux membres, un remplacement daté, une succession), une soumise qui attend
la modération, une retirée, un brouillon, un brouillon renvoyé par la modération avec son motif, une pourvue,
une expirée par la tâche après sa date limite, une dont la reconfirmation est demandée.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from comptes.models import Utilisateur
from recrutement import services, tasks
from recrutement.models import ModePart, Offre, RoleRecruteur, StatutOffre, TypeContrat
from recrutement.services import Part, SaisieOffre
from territoire.demo import finess
from territoire.models import Commune, Profession, Specialite, Structure

CHPC, CHPC_VALOGNES, POLYCLINIQUE, GCS, MSP_HAGUE, PSLA_PIEUX = 1, 2, 3, 4, 5, 6
RECRUTEUSE_MSP = "recrutement.msp-hague@demo.cotentin.fr"


@dataclass(frozen=True)
class OffreDemo:
    titre: str
    employeur: int  # rang FINESS de l'établissement de démonstration (territoire/demo.py)
    recruteur: str
    profession: str
    specialite: str | None
    statut: str
    type_contrat: str = TypeContrat.SALARIE
    quotite: int = 100
    lieux: tuple[int, ...] = ()
    communes: tuple[str, ...] = ()
    parts: tuple[tuple[int, str, int], ...] = ()
    dans_jours: int = 45  # date limite, en jours après aujourd'hui
    debut_dans: int | None = None
    duree: int | None = None  # remplacement : sa durée en jours
    remuneration: tuple[int, int] | None = None
    periode: str = "mois"
    description: str = ""
    motif: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


H, T, N = (
    "recruteur.chpc@demo.cotentin.fr",
    "recruteur.polyclinique@demo.cotentin.fr",
    "moderation.gcs@demo.cotentin.fr",
)

OFFRES: tuple[OffreDemo, ...] = (
    OffreDemo(
        "Médecin urgentiste — temps plein",
        CHPC,
        H,
        "10",
        "SM28",
        StatutOffre.PUBLIEE,
        lieux=(CHPC,),
        debut_dans=60,
        remuneration=(5800, 7600),
        description="Le service des urgences du site de Cherbourg (45 000 passages par an) "
        "renforce son équipe.\n"
        "SMUR, UHCD ; temps de travail en 39 heures, astreintes rémunérées.",
    ),
    OffreDemo(
        "Anesthésiste-réanimateur — sites de Cherbourg et Valognes",
        CHPC,
        H,
        "10",
        "SM02",
        StatutOffre.PUBLIEE,
        lieux=(CHPC, CHPC_VALOGNES),
        dans_jours=75,
        description="Bloc opératoire de Cherbourg et consultations d'anesthésie à Valognes.\n"
        "Praticien hospitalier ou contractuel, plateau technique partagé avec la Polyclinique.",
    ),
    OffreDemo(
        "Médecin généraliste — exercice mixte hôpital et maison de santé",
        CHPC,
        H,
        "10",
        "SM54",
        StatutOffre.PUBLIEE,
        type_contrat=TypeContrat.MIXTE,
        lieux=(CHPC, MSP_HAGUE),
        parts=((CHPC, ModePart.SALARIE, 50), (MSP_HAGUE, ModePart.LIBERAL, 50)),
        debut_dans=90,
        description="Mi-temps salarié au service de médecine polyvalente du CHPC, mi-temps libéral à la "
        "maison de santé de la Hague.\nAccompagnement à l'installation par l'agglomération.",
    ),
    OffreDemo(
        "Pédiatre",
        CHPC,
        H,
        "10",
        "SM40",
        StatutOffre.SOUMISE,
        lieux=(CHPC,),
        description="Service de pédiatrie et néonatologie (maternité de niveau 2).",
    ),
    OffreDemo(
        "Infirmier de bloc opératoire (IBODE)",
        CHPC,
        H,
        "60",
        None,
        StatutOffre.BROUILLON,
        lieux=(CHPC,),
        description="Brouillon en cours de rédaction.",
    ),
    OffreDemo(
        "Psychiatre — secteur adulte",
        CHPC,
        H,
        "10",
        "SM42",
        StatutOffre.POURVUE,
        lieux=(CHPC,),
        description="Centre médico-psychologique et unité d'hospitalisation.",
    ),
    OffreDemo(
        "Gynécologue-obstétricien",
        CHPC,
        H,
        "10",
        "SM20",
        StatutOffre.EXPIREE,
        lieux=(CHPC,),
        description="Maternité du site de Cherbourg.",
        extra={"passee": True},
    ),
    OffreDemo(
        "Sage-femme coordinatrice",
        CHPC,
        H,
        "50",
        None,
        StatutOffre.RETIREE,
        lieux=(CHPC,),
        description="Poste retiré : la réorganisation de la maternité l'a rendu sans objet.",
    ),
    OffreDemo(
        "Chirurgien orthopédiste — activité libérale",
        POLYCLINIQUE,
        T,
        "10",
        "SM12",
        StatutOffre.PUBLIEE,
        type_contrat=TypeContrat.LIBERAL,
        lieux=(POLYCLINIQUE,),
        dans_jours=90,
        description="Activité libérale au sein du plateau technique de la Polyclinique du Cotentin.\n"
        "Prothèse, traumatologie du sport, chirurgie de la main.",
    ),
    OffreDemo(
        "Ophtalmologue — association",
        POLYCLINIQUE,
        T,
        "10",
        "SM38",
        StatutOffre.PUBLIEE,
        type_contrat=TypeContrat.ASSOCIATION,
        lieux=(POLYCLINIQUE,),
        dans_jours=120,
        description="Cabinet de trois ophtalmologues cherchant un associé ; "
        "bloc de chirurgie de la cataracte.",
    ),
    OffreDemo(
        "Cardiologue",
        POLYCLINIQUE,
        T,
        "10",
        "SM04",
        StatutOffre.BROUILLON,
        lieux=(POLYCLINIQUE,),
        description="Unité de soins intensifs cardiologiques.",
        motif="Précisez le statut (salarié ou libéral) et la rémunération proposée.",
    ),
    OffreDemo(
        "Radiologue — temps partagé CHPC et Polyclinique",
        GCS,
        H,
        "10",
        "SM44",
        StatutOffre.PUBLIEE,
        type_contrat=TypeContrat.MIXTE,
        lieux=(CHPC, POLYCLINIQUE),
        parts=((CHPC, ModePart.SALARIE, 50), (POLYCLINIQUE, ModePart.LIBERAL, 50)),
        dans_jours=60,
        description="Un poste partagé par le GCS : imagerie en coupe au CHPC, "
        "radiologie interventionnelle à la Polyclinique.",
    ),
    OffreDemo(
        "Remplacement en médecine générale — été",
        MSP_HAGUE,
        RECRUTEUSE_MSP,
        "10",
        "SM54",
        StatutOffre.PUBLIEE,
        type_contrat=TypeContrat.REMPLACEMENT,
        lieux=(MSP_HAGUE,),
        debut_dans=40,
        duree=27,
        remuneration=(250, 350),
        periode="jour",
        dans_jours=30,
        description="Remplacement de quatre semaines, logement proposé par la commune.",
    ),
    OffreDemo(
        "Masseur-kinésithérapeute — succession",
        PSLA_PIEUX,
        RECRUTEUSE_MSP,
        "70",
        None,
        StatutOffre.PUBLIEE,
        type_contrat=TypeContrat.SUCCESSION,
        communes=("50402",),
        dans_jours=150,
        description="Départ en retraite : patientèle et locaux au pôle de santé des Pieux.",
    ),
)


def _compte_figurant(email: str, prenom: str, nom: str) -> Utilisateur:
    compte, _cree = Utilisateur.objects.get_or_create(email=email, defaults={"prenom": prenom, "nom": nom})
    if _cree:
        compte.set_unusable_password()
        compte.save(update_fields=["password"])
    return compte


def charger(*, afficher: Any = print) -> bool:
    """Charge les recruteurs et les offres de démonstration ; ne fait rien s'ils sont là."""
    if Offre.objects.filter(demo=True).exists():
        return False
    structures = {s.finess: s for s in Structure.objects.filter(finess__isnull=False)}
    etablissements = {rang: structures[finess(rang)] for rang in range(1, 7) if finess(rang) in structures}
    comptes = {c.email: c for c in Utilisateur.objects.filter(email__in=[H, T, N])}
    if len(etablissements) < 6 or len(comptes) < 3:
        afficher("Recrutement : il faut d'abord les comptes et le territoire de démonstration.")
        return False
    aujourd_hui = timezone.localdate()
    professions = {p.code: p for p in Profession.objects.all()}
    specialites = {s.code: s for s in Specialite.objects.all()}
    communes = {c.code_insee: c for c in Commune.objects.all()}
    with transaction.atomic():
        comptes[RECRUTEUSE_MSP] = _compte_figurant(RECRUTEUSE_MSP, "Camille", "Le Goff")
        rattachements = [
            (CHPC, H, RoleRecruteur.RECRUTEUR),
            (POLYCLINIQUE, T, RoleRecruteur.RECRUTEUR),
            (GCS, N, RoleRecruteur.MODERATEUR),
            (MSP_HAGUE, RECRUTEUSE_MSP, RoleRecruteur.RECRUTEUR),
            (PSLA_PIEUX, RECRUTEUSE_MSP, RoleRecruteur.RECRUTEUR),
        ]
        for rang, email, role in rattachements:
            services.recruteur_ajouter(
                structure=etablissements[rang], compte=comptes[email], role=role, acteur=None
            )
        moderatrice = comptes[N]
        for modele in OFFRES:
            offre = _offre(modele, etablissements, comptes, professions, specialites, communes, aujourd_hui)
            _mener(offre, modele, comptes[modele.recruteur], moderatrice)
        Offre.objects.update(demo=True)
        # La reconfirmation de l'urgentiste, publiée il y a cinq semaines, est demandée.
        urgentiste = Offre.objects.get(titre=OFFRES[0].titre)
        il_y_a = timezone.now() - timedelta(weeks=5)
        Offre.objects.filter(pk=urgentiste.pk).update(cree_le=il_y_a, publiee_le=il_y_a, confirmee_le=il_y_a)
        tasks.demander_confirmations()
    afficher(f"Recrutement de démonstration chargé : {Offre.objects.count()} offres, 5 recruteurs.")
    return True


def _offre(
    modele: OffreDemo,
    etablissements: dict[int, Any],
    comptes: dict[str, Any],
    professions: dict[str, Any],
    specialites: dict[str, Any],
    communes: dict[str, Any],
    aujourd_hui: date,
) -> Offre:
    debut = aujourd_hui + timedelta(days=modele.debut_dans) if modele.debut_dans is not None else None
    saisie = SaisieOffre(
        titre=modele.titre,
        profession=professions[modele.profession],
        specialite=specialites[modele.specialite] if modele.specialite else None,
        employeur=etablissements[modele.employeur],
        type_contrat=modele.type_contrat,
        quotite=modele.quotite,
        date_limite=aujourd_hui + timedelta(days=modele.dans_jours),
        description=modele.description,
        debut=debut,
        fin=debut + timedelta(days=modele.duree) if debut and modele.duree else None,
        remuneration_min=modele.remuneration[0] if modele.remuneration else None,  # type: ignore[arg-type]
        remuneration_max=modele.remuneration[1] if modele.remuneration else None,  # type: ignore[arg-type]
        remuneration_periode=modele.periode,
        structures=[etablissements[rang] for rang in modele.lieux],
        communes=[communes[code] for code in modele.communes if code in communes],
        parts=[Part(etablissements[rang], mode, quotite) for rang, mode, quotite in modele.parts],
    )
    return services.offre_creer(acteur=comptes[modele.recruteur], saisie=saisie)


def _mener(offre: Offre, modele: OffreDemo, recruteur: Any, moderatrice: Any) -> None:
    """Mène l'offre à son état par les transitions du workflow, comme sur le portail."""
    if modele.statut == StatutOffre.BROUILLON and not modele.motif:
        return
    services.offre_transition(offre=offre, vers=StatutOffre.SOUMISE, acteur=recruteur)
    if modele.statut == StatutOffre.SOUMISE:
        return
    if modele.motif:
        services.offre_transition(
            offre=offre, vers=StatutOffre.BROUILLON, acteur=moderatrice, motif=modele.motif
        )
        return
    services.offre_transition(offre=offre, vers=StatutOffre.PUBLIEE, acteur=moderatrice)
    if modele.statut in (StatutOffre.POURVUE, StatutOffre.RETIREE):
        services.offre_transition(offre=offre, vers=modele.statut, acteur=recruteur)
    elif modele.extra.get("passee"):
        # Publiée il y a deux mois, close il y a trois jours : la tâche l'expire, comme la nuit.
        il_y_a = timezone.now() - timedelta(days=60)
        Offre.objects.filter(pk=offre.pk).update(
            cree_le=il_y_a,
            soumise_le=il_y_a,
            publiee_le=il_y_a,
            date_limite=timezone.localdate() - timedelta(days=3),
        )
        tasks.expirer()
