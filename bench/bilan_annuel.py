"""Le bilan annuel à dix fois le territoire, sur une année chargée.

Données : le territoire de démonstration à ×10 (20 000 professionnels, trois relevés RPPS
annuels chargés par les vrais importeurs, comme `territoire_annuaire.py`, et les fuites),
puis, par `bulk_create`, l'année 2025 : 2 000 demandes de financement déposées, à tous les
états, avec leurs dépenses, leurs plans de financement (plusieurs financeurs) et leurs
tranches versées ; 100 séances tenues (30 plénières du Conseil, 30 du Collège, 40 réunions
des 8 groupes de travail) avec convocations, présences, procurations, ordres du jour et
procès-verbaux ; 300 scrutins clos (avis sur des demandes, délibérations, élections) avec
leur corps électoral, leur registre d'émargement, leur urne et le résultat calculé par
`college/decompte.py` ; les mandats du Collège, le programme de travail et ses livrables.
Le même générateur écrit une année calme (2024 : 10 demandes, 4 séances, 5 scrutins).

Mesures (une par ligne, `nom valeur`) :

- `bilan_total_s` : le travail de la tâche, `bilan.services.version_generer` sur une version
  demandée, dans un processus à part (celui d'un worker : Django chargé, rien en cache) ;
- `bilan_weasyprint_seul_s` : `pdf_du_bilan` seul sur le MÊME HTML (celui que le travail a
  produit, écrit dans un fichier), dans un autre processus, dans la même exécution ;
- `bilan_rapport_total_weasyprint` : médiane des rapports des paires (cible ≤ 1,25) ;
- `bilan_memoire_pic_mo` : mémoire résidente maximale du processus du travail (cible ≤ 400) ;
- `bilan_requetes` : requêtes SQL de `rassembler(2025)`, et `bilan_requetes_annee_calme`
  celles de `rassembler(2024)` : elles doivent être égales ;
- `bilan_pages`, et le détail des étapes (rassemblement, HTML, PDF, reste).

Les durées sont absolues (l'issue les demande) ; c'est le rapport qui se compare d'une
machine à l'autre. `BENCH_BILAN_REPETITIONS` (3 par défaut) : nombre de paires mesurées ;
`BENCH_BILAN_HTML=chemin` garde le HTML du dernier travail (pour profiler ensuite).
"""

import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

from _outils import RACINE, base_de_mesure
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

ANNEE = 2025
ANNEE_CALME = 2024
PROFESSIONNELS = 20_000  # ×10 : le Cotentin en compte de l'ordre de 2 000
REPETITIONS = int(os.environ.get("BENCH_BILAN_REPETITIONS", "3"))
CIBLE_RAPPORT = 1.25
CIBLE_MEMOIRE_MO = 400
# Les étapes chronométrées du travail (le contrôle du PDF est compris dans l'enregistrement).
ETAPES = ("rassembler", "html", "pdf", "enregistrement")

NOMS = (
    "Lefebvre", "Marie", "Lecoq", "Guérin", "Leroux", "Hamel", "Lemarchand", "Duval", "Lebrun",
    "Fontaine", "Levallois", "Lesage", "Jourdan", "Postel", "Hébert", "Lecanu", "Gosselin",
    "Le Gall", "Marguerite", "Osmont", "Quesnel", "Renouf", "Sanson", "Tostain", "Vautier",
)  # fmt: skip
PRENOMS = (
    "Anne", "Marc", "Sophie", "Claire", "Jean", "Hélène", "Paul", "Camille", "Louis", "Julie",
    "Thomas", "Nathalie", "Pierre", "Élodie", "François", "Inès", "Yves", "Manon",
)  # fmt: skip
INTITULES = (
    "Étude de faisabilité d'un pôle de santé libéral et ambulatoire à {commune}",
    "Ingénierie du projet de santé de la maison de santé de {commune}",
    "Coordination des soins non programmés du secteur de {commune}",
    "Accueil des internes et des étudiants en santé à {commune}",
    "Télé-expertise ville–hôpital depuis {commune}",
    "Prévention bucco-dentaire dans les écoles de {commune}",
)


def _log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def _paris(jour: date, heure: int = 18) -> datetime:
    from django.utils import timezone

    return datetime(jour.year, jour.month, jour.day, heure, tzinfo=timezone.get_default_timezone())


def _jour(hasard: random.Random, annee: int, premier: int = 0, dernier: int = 364) -> date:
    return date(annee, 1, 1) + timedelta(days=hasard.randint(premier, dernier))


def _euros(valeur: float) -> Decimal:
    return Decimal(max(100, int(valeur) // 100 * 100)).quantize(Decimal("0.01"))


# --- Le territoire ×10 (les vrais importeurs, comme territoire_annuaire.py) ---------------


def charger_territoire(dossier: Path) -> None:
    from territoire import demo

    demo.importer_les_communes(dossier)
    finess = dossier / "etalab-cs1100507-stock-20261102-0337.csv"
    demo.ecrire_finess(finess, date(2026, 11, 2))
    call_command("importer_finess", str(finess), stdout=StringIO())
    for jour, presents in zip(demo.RELEVES, demo.releves(PROFESSIONNELS), strict=True):
        fichier = dossier / f"PS_LibreAcces_Personne_activite_{jour:%Y%m%d}0845.txt"
        demo.ecrire_rpps(fichier, demo.lignes_territoire(presents))
        call_command("importer_rpps", str(fichier), stdout=StringIO())
    fuites = dossier / "fuites_gcs_2022_2025.csv"
    demo.ecrire_fuites(fuites, annees=(2022, 2023, 2024, ANNEE))
    call_command("importer_fuites", str(fuites), stdout=StringIO())
    demo.charger_besoins(annee=ANNEE_CALME)


# --- Les instances, leurs membres ----------------------------------------------------------


class Gouvernance:
    """Le Conseil (40 sièges), le Collège (80 membres), 8 groupes de travail (10 membres)."""

    def __init__(self, hasard: random.Random) -> None:
        from django.contrib.auth.hashers import make_password

        from comptes.models import Utilisateur
        from conseil.models import (
            CategorieCollege,
            GroupeDeTravail,
            Instance,
            Mandat,
            RoleMandat,
            TypeInstance,
        )
        from socle.models import FrequenceNotifications
        from territoire.models import Axe

        mot_de_passe = make_password(None)

        def comptes(prefixe: str, nombre: int) -> list[Any]:
            return Utilisateur.objects.bulk_create(
                Utilisateur(
                    email=f"{prefixe}{rang}@bench.cotentin.fr",
                    prenom=hasard.choice(PRENOMS),
                    nom=hasard.choice(NOMS),
                    password=mot_de_passe,
                    frequence_notifications=FrequenceNotifications.AUCUNE,
                )
                for rang in range(nombre)
            )

        self.membres_college = comptes("college", 80)
        self.institutionnels = comptes("institution", 20)
        self.porteurs = comptes("porteur", 500)
        self.agents = comptes("agent", 6)
        self.conseil = Instance.objects.create(
            nom="Conseil de santé du Cotentin", type_instance=TypeInstance.CONSEIL
        )
        self.college = Instance.objects.create(
            nom="Collège des professionnels", type_instance=TypeInstance.COLLEGE
        )
        axes = list(Axe.values)
        self.groupes = []
        for rang in range(8):
            instance = Instance.objects.create(
                nom=f"Groupe de travail n° {rang + 1} — {Axe(axes[rang % 4]).label.split('— ')[-1]}",
                type_instance=TypeInstance.GROUPE,
            )
            self.groupes.append(
                GroupeDeTravail.objects.create(
                    instance=instance,
                    axe=axes[rang % 4],
                    mission="Préparer les actions de l'axe pour le programme de travail.",
                    copilote_agglomeration=self.agents[rang % len(self.agents)],
                    copilote_professionnel=self.membres_college[rang],
                )
            )
        categories = list(CategorieCollege.values)
        anciens = date(2023, 9, 1)
        mandats = []
        for rang, membre in enumerate(self.membres_college):
            titulaire = rang < 50
            mandats.append(
                Mandat(
                    instance=self.college,
                    personne=membre,
                    role=RoleMandat.TITULAIRE if titulaire else RoleMandat.SUPPLEANT,
                    categorie=categories[rang % len(categories)],
                    siege=rang + 1 if titulaire else rang - 49,
                    # Une quinzaine de membres désignés dans l'année.
                    debut=anciens if rang % 5 else date(ANNEE, 1 + rang % 12, 10),
                    designation="Élu par les professionnels de sa catégorie",
                )
            )
        siegent_au_conseil = self.membres_college[:20] + self.institutionnels
        for rang, membre in enumerate(siegent_au_conseil):
            mandats.append(
                Mandat(
                    instance=self.conseil,
                    personne=membre,
                    role=RoleMandat.COPRESIDENT if rang < 2 else RoleMandat.TITULAIRE,
                    siege=None if rang < 2 else rang + 1,
                    debut=anciens,
                )
            )
        for rang, groupe in enumerate(self.groupes):
            for place in range(10):
                mandats.append(
                    Mandat(
                        instance=groupe.instance,
                        personne=self.membres_college[(rang * 10 + place) % 80],
                        role=RoleMandat.ANIMATEUR if place == 0 else RoleMandat.TITULAIRE,
                        debut=date(ANNEE, 2, 1),
                        designation=f"Désigné par le Collège le 20 janvier {ANNEE}",
                    )
                )
        Mandat.objects.bulk_create(mandats)
        self.mandats: dict[int, list[Any]] = {}
        for mandat in Mandat.objects.all():
            self.mandats.setdefault(mandat.instance_id, []).append(mandat)


# --- Une année ----------------------------------------------------------------------------


def generer_annee(
    g: Gouvernance,
    annee: int,
    *,
    demandes: int,
    seances: tuple[int, int, int],  # plénières du Conseil, du Collège, réunions de groupe
    scrutins: tuple[int, int, int],  # avis, délibérations, élections
    hasard: random.Random,
) -> None:
    reunions = generer_seances(g, annee, seances, hasard)
    generer_programme(g, annee, reunions, hasard)
    decidees = generer_demandes(g, annee, demandes, hasard)
    generer_scrutins(g, annee, reunions, decidees, scrutins, hasard)
    generer_discussions(g, annee, max(2, demandes // 40), hasard)


def generer_seances(
    g: Gouvernance, annee: int, nombres: tuple[int, int, int], hasard: random.Random
) -> dict[int, list[Any]]:
    """Les séances tenues de l'année, rendues par instance (dans l'ordre des dates)."""
    from conseil.models import (
        NaturePoint,
        Participation,
        PointOrdreDuJour,
        Presence,
        ProcesVerbal,
        Procuration,
        Reponse,
        Reunion,
        StatutProcesVerbal,
        StatutReunion,
    )

    conseil, college, groupes = nombres
    plan: list[tuple[Any, int]] = [(g.conseil, conseil), (g.college, college)]
    plan += [
        (groupe.instance, groupes // len(g.groupes) + (rang < groupes % len(g.groupes)))
        for rang, groupe in enumerate(g.groupes)
    ]
    a_creer = []
    for instance, nombre in plan:
        for rang in range(nombre):
            jour = date(annee, 1, 8) + timedelta(days=int(rang * 350 / max(nombre, 1)) + hasard.randint(0, 3))
            groupe = instance.type_instance == "groupe"
            debut = _paris(jour, 14 if groupe else 18)
            close = rang < nombre - 1 or nombre == 1  # la dernière est tenue, pas encore close
            a_creer.append(
                Reunion(
                    instance=instance,
                    titre=f"{'Réunion' if groupe else 'Séance plénière'} n° {rang + 1}",
                    debut=debut,
                    fin=debut + timedelta(hours=2),
                    lieu="Hôtel de ville de Cherbourg-en-Cotentin, salle du conseil",
                    statut=StatutReunion.CLOSE if close else StatutReunion.TENUE,
                    convoquee_le=debut - timedelta(days=15),
                    quorum_atteint=True if close else None,
                    quorum_compte_procurations=True if close else None,
                )
            )
    reunions = Reunion.objects.bulk_create(a_creer)
    par_instance: dict[int, list[Any]] = {}
    for reunion in reunions:
        par_instance.setdefault(reunion.instance_id, []).append(reunion)

    participations, procurations, points, a_mettre_a_jour = [], [], [], []
    tirage = (
        (Presence.PRESENT,) * 14 + (Presence.EXCUSE,) * 3 + (Presence.REPRESENTE,) * 2 + (Presence.ABSENT,)
    )
    reponse_de = {
        Presence.PRESENT: Reponse.PRESENT,
        Presence.EXCUSE: Reponse.EXCUSE,
        Presence.REPRESENTE: Reponse.PROCURATION,
        Presence.ABSENT: Reponse.SANS_REPONSE,
    }
    for reunion in reunions:
        mandats = g.mandats[reunion.instance_id]
        convocation = reunion.debut - timedelta(days=15)
        presences = {m.personne_id: hasard.choice(tirage) for m in mandats}
        presents = [p for p, presence in presences.items() if presence == Presence.PRESENT]
        for mandat in mandats:
            presence = presences[mandat.personne_id]
            participations.append(
                Participation(
                    reunion=reunion,
                    personne_id=mandat.personne_id,
                    mandat=mandat,
                    convoque_le=convocation,
                    reponse=reponse_de[presence],
                    repondu_le=convocation + timedelta(days=2) if presence != Presence.ABSENT else None,
                    presence=presence if reunion.statut == StatutReunion.CLOSE else "",
                )
            )
            if presence == Presence.REPRESENTE and presents:
                mandataire = hasard.choice([p for p in presents if p != mandat.personne_id] or presents)
                procurations.append(
                    Procuration(reunion=reunion, mandant_id=mandat.personne_id, mandataire_id=mandataire)
                )
        if reunion.statut == StatutReunion.CLOSE:
            deliberatifs = [m for m in mandats if m.role in ("copresident", "titulaire")]
            reunion.quorum_membres = len(deliberatifs)
            reunion.quorum_presents = sum(presences[m.personne_id] == Presence.PRESENT for m in deliberatifs)
            reunion.quorum_representes = sum(
                presences[m.personne_id] == Presence.REPRESENTE for m in deliberatifs
            )
            reunion.quorum_requis = math.ceil(len(deliberatifs) / 2)
            reunion.quorum_atteint = (
                reunion.quorum_presents + reunion.quorum_representes >= reunion.quorum_requis
            )
            a_mettre_a_jour.append(reunion)
        pleniere = reunion.instance.type_instance != "groupe"
        natures = (
            (
                NaturePoint.INFORMATION,
                NaturePoint.DECISION,
                NaturePoint.DEBAT,
                NaturePoint.DECISION,
                NaturePoint.INFORMATION,
            )
            if pleniere
            else (NaturePoint.INFORMATION, NaturePoint.DEBAT)
        )
        for ordre, nature in enumerate(natures, start=1):
            points.append(
                PointOrdreDuJour(
                    reunion=reunion,
                    ordre=ordre,
                    titre={
                        NaturePoint.INFORMATION: "Point d'étape des groupes de travail",
                        NaturePoint.DEBAT: "Démographie médicale : les départs annoncés",
                        NaturePoint.DECISION: f"Délibération n° {annee}-{reunion.pk}-{ordre}",
                    }[nature],
                    nature=nature,
                    resultat="Adopté à la majorité des membres présents ou représentés."
                    if nature == NaturePoint.DECISION
                    else "",
                )
            )
    Participation.objects.bulk_create(participations)
    Procuration.objects.bulk_create(procurations)
    PointOrdreDuJour.objects.bulk_create(points)
    Reunion.objects.bulk_update(
        a_mettre_a_jour,
        ["quorum_membres", "quorum_presents", "quorum_representes", "quorum_requis", "quorum_atteint"],
    )
    # Le procès-verbal de chaque plénière, adopté à la suivante.
    pvs = []
    for instance in (g.conseil, g.college):
        seances = par_instance.get(instance.pk, [])
        for seance, suivante in zip(seances, seances[1:], strict=False):
            pvs.append(
                ProcesVerbal(
                    reunion=seance,
                    texte="Procès-verbal de la séance : présences, délibérations, points d'information.",
                    statut=StatutProcesVerbal.ADOPTE,
                    adopte_en=suivante,
                    adopte_le=suivante.debut + timedelta(hours=1),
                )
            )
    ProcesVerbal.objects.bulk_create(pvs)
    return par_instance


def generer_programme(
    g: Gouvernance, annee: int, reunions: dict[int, list[Any]], hasard: random.Random
) -> None:
    from conseil.models import Livrable, ObjectifProgramme, ProgrammeDeTravail, StatutProgramme

    seances_du_conseil = reunions.get(g.conseil.pk)
    if not seances_du_conseil:
        return
    programme = ProgrammeDeTravail.objects.create(
        annee=annee,
        titre=f"Programme de travail {annee}",
        statut=StatutProgramme.ADOPTE,
        adopte_en=seances_du_conseil[0],
        adopte_le=seances_du_conseil[0].debut + timedelta(hours=1),
    )
    objectifs = ObjectifProgramme.objects.bulk_create(
        ObjectifProgramme(
            programme=programme,
            ordre=rang + 1,
            intitule=f"Objectif {rang + 1} : renforcer l'offre de premier recours dans les pôles ruraux",
            groupe=g.groupes[rang % len(g.groupes)],
        )
        for rang in range(12)
    )
    livrables = []
    for rang, groupe in enumerate(g.groupes):
        for place in range(6):
            avancement = hasard.choice((0, 25, 50, 75, 100, 100))
            echeance = _jour(hasard, annee, 30, 360)
            livrables.append(
                Livrable(
                    groupe=groupe,
                    objectif=objectifs[(rang + 8 * (place % 2)) % len(objectifs)] if place < 4 else None,
                    titre=f"Livrable {place + 1} du groupe {rang + 1} : note de cadrage et plan d'actions",
                    echeance=echeance,
                    avancement=avancement,
                    livre_le=echeance - timedelta(days=3) if avancement == 100 else None,
                )
            )
    Livrable.objects.bulk_create(livrables)


# Le chemin de chaque état dans le workflow, tel que le journal d'audit l'enregistre.
AVANT_DECISION = ("deposee", "instruction", "avis")
CHEMINS = {
    "deposee": ("deposee",),
    "instruction": ("deposee", "instruction"),
    "complements": ("deposee", "instruction", "complements"),
    "avis": AVANT_DECISION,
    "accordee": (*AVANT_DECISION, "accordee"),
    "refusee": (*AVANT_DECISION, "refusee"),
    "classee": (*AVANT_DECISION, "classee"),
    "retiree": ("deposee", "retiree"),
    "conventionnee": (*AVANT_DECISION, "accordee", "conventionnee"),
    "paiement": (*AVANT_DECISION, "accordee", "conventionnee", "paiement"),
    "soldee": (*AVANT_DECISION, "accordee", "conventionnee", "paiement", "soldee"),
}
VERBES = {
    "instruction": "instruction",
    "complements": "complements_demandes",
    "avis": "avis_demande",
    "paiement": "en_paiement",
}

# Les états d'une demande déposée, avec leur part sur 2 000 et le nombre d'étapes franchies
# après le dépôt (instruction, décision, convention, versements, solde).
ETATS = (
    ("deposee", 100, 0),
    ("instruction", 150, 1),
    ("complements", 80, 2),
    ("avis", 120, 2),
    ("accordee", 250, 3),
    ("refusee", 180, 3),
    ("classee", 70, 3),
    ("retiree", 50, 1),
    ("conventionnee", 300, 4),
    ("paiement", 400, 5),
    ("soldee", 300, 6),
)


def generer_demandes(g: Gouvernance, annee: int, nombre: int, hasard: random.Random) -> list[Any]:
    """Les demandes déposées dans l'année ; rend celles qui sont décidées (pour leurs avis)."""
    from django.contrib.contenttypes.models import ContentType

    from financements.models import (
        ConditionTranche,
        DemandeFinancement,
        Financeur,
        LigneDepense,
        LigneFinancement,
        MembreEquipe,
        StatutEngagement,
        StatutTranche,
        Tranche,
        TypeDemande,
    )
    from socle.models import Evenement
    from territoire.models import Axe, BesoinTerritoire, Commune, Professionnel, Projet

    communes = list(Commune.objects.filter(pole__isnull=False).only("pk", "nom"))
    professionnels = list(Professionnel.objects.filter(actif=True).values_list("pk", flat=True)[:5000])
    besoins = list(BesoinTerritoire.objects.values_list("pk", flat=True))
    total = sum(part for _etat, part, _etapes in ETATS)
    etats: list[tuple[str, int]] = []
    for etat, part, etapes in ETATS:
        etats += [(etat, etapes)] * max(1, round(part * nombre / total))
    hasard.shuffle(etats)
    etats = etats[:nombre]

    projets = Projet.objects.bulk_create(
        Projet(
            nom=f"Projet {annee}-{rang + 1} du territoire",
            axe=hasard.choice((Axe.DEMOGRAPHIE, Axe.DEMOGRAPHIE, Axe.COOPERATION, Axe.PREVENTION)),
            nature=hasard.choice(list(Projet.Nature.values)),
            debut=date(annee, 1, 1),
        )
        for rang in range(max(1, nombre * 3 // 4))
    )
    Projet.communes.through.objects.bulk_create(
        Projet.communes.through(projet_id=projet.pk, commune_id=hasard.choice(communes).pk)
        for projet in projets
    )
    a_creer = []
    details = []
    for rang, (etat, etapes) in enumerate(etats):
        # Assez tôt dans l'année pour que chaque étape (10 à 35 jours) y tienne.
        depot = _jour(hasard, annee, 1, 360 - 36 * etapes)
        pas = [timedelta(days=hasard.randint(10, 35)) for _ in range(etapes)]
        jalons = [depot]
        for ecart in pas:
            jalons.append(jalons[-1] + ecart)
        commune = hasard.choice(communes)
        type_demande = hasard.choice(
            (TypeDemande.ETUDE,) * 9 + (TypeDemande.INGENIERIE,) * 8 + (TypeDemande.AUTRE,) * 3
        )
        budget = _euros(hasard.uniform(15_000, 220_000))
        part_agglo = _euros(float(budget) * hasard.uniform(0.25, 0.5))
        decidee = etat in ("accordee", "refusee", "classee", "conventionnee", "paiement", "soldee")
        accordee = etat in ("accordee", "conventionnee", "paiement", "soldee")
        montant_accorde = _euros(float(part_agglo) * hasard.uniform(0.8, 1.0)) if accordee else None
        demande = DemandeFinancement(
            projet=hasard.choice(projets),
            numero=f"FIN-{annee}-{rang + 1:05d}",
            type_demande=type_demande,
            intitule=hasard.choice(INTITULES).format(commune=commune.nom),
            commune=commune,
            porteur=hasard.choice(g.porteurs),
            statut=etat,
            instructeur=hasard.choice(g.agents) if etapes else None,
            deposee_le=_paris(depot, 11),
            decidee_le=_paris(jalons[3], 15) if decidee else None,
            montant_accorde=montant_accorde,
            motifs_refus="Le projet ne répond pas aux besoins du diagnostic local."
            if etat == "refusee"
            else "",
            voies_recours="Recours gracieux ou contentieux dans un délai de deux mois."
            if etat == "refusee"
            else "",
            conventionnee_le=jalons[4] if etapes >= 4 else None,
            soldee_le=_paris(jalons[6], 16) if etat == "soldee" else None,
        )
        a_creer.append(demande)
        details.append((etat, etapes, jalons, budget, part_agglo, montant_accorde))
    demandes = DemandeFinancement.objects.bulk_create(a_creer)

    depenses, lignes, tranches, equipes, liens_besoins = [], [], [], [], []
    autres_financeurs = [Financeur.ARS, Financeur.DEPARTEMENT, Financeur.URML, Financeur.REGION]
    for demande, (etat, etapes, jalons, budget, part_agglo, montant_accorde) in zip(
        demandes, details, strict=True
    ):
        tiers = budget // 3
        for ordre, (libelle, montant) in enumerate(
            (
                ("Prestation du cabinet d'études", tiers),
                ("Temps de coordination", tiers),
                ("Frais divers", budget - 2 * tiers),
            ),
            start=1,
        ):
            depenses.append(LigneDepense(demande=demande, libelle=libelle, montant=montant, ordre=ordre))
        # Le plan de financement équilibré : l'agglomération, un à trois autres financeurs,
        # l'autofinancement pour le reste.
        decide_le = jalons[3] if len(jalons) > 3 else None
        agglo = LigneFinancement(demande=demande, financeur=Financeur.AGGLOMERATION, montant=part_agglo)
        if montant_accorde is not None:
            agglo.statut_engagement = StatutEngagement.VERSE if etat == "soldee" else StatutEngagement.ACCORDE
            agglo.montant_decide, agglo.decide_le = montant_accorde, decide_le
        elif etat in ("refusee", "classee"):
            agglo.statut_engagement, agglo.montant_decide, agglo.decide_le = (
                StatutEngagement.REFUSE,
                Decimal("0.00"),
                decide_le,
            )
        else:
            agglo.statut_engagement = StatutEngagement.SOLLICITE
        lignes.append(agglo)
        reste = budget - part_agglo
        for financeur in hasard.sample(autres_financeurs, hasard.randint(1, 3)):
            montant = min(reste, _euros(float(budget) * hasard.uniform(0.1, 0.25)))
            if montant <= 0:
                break
            reste -= montant
            engagement = hasard.choice(
                (StatutEngagement.PREVU, StatutEngagement.SOLLICITE, StatutEngagement.ACCORDE,
                 StatutEngagement.ACCORDE, StatutEngagement.REFUSE, StatutEngagement.VERSE)
            )  # fmt: skip
            decide = engagement in (StatutEngagement.ACCORDE, StatutEngagement.VERSE, StatutEngagement.REFUSE)
            lignes.append(
                LigneFinancement(
                    demande=demande,
                    financeur=financeur,
                    montant=montant,
                    statut_engagement=engagement,
                    montant_decide=(Decimal("0.00") if engagement == StatutEngagement.REFUSE else montant)
                    if decide
                    else None,
                    decide_le=_jour(hasard, annee, 60, 330) if decide else None,
                )
            )
        if reste > 0:
            lignes.append(
                LigneFinancement(
                    demande=demande,
                    financeur=Financeur.AUTOFINANCEMENT,
                    montant=reste,
                    statut_engagement=StatutEngagement.ACCORDE,
                    montant_decide=reste,
                )
            )
        if etapes >= 4 and montant_accorde is not None:
            avance = (montant_accorde / 2).quantize(Decimal("0.01"))
            for ordre, (libelle, montant, condition) in enumerate(
                (
                    ("Avance à la signature", avance, ConditionTranche.SIGNATURE),
                    ("Solde sur le rapport final", montant_accorde - avance, ConditionTranche.RAPPORT_FINAL),
                ),
                start=1,
            ):
                versee = etapes >= 4 + ordre
                tranches.append(
                    Tranche(
                        demande=demande,
                        ordre=ordre,
                        libelle=libelle,
                        montant=montant,
                        condition=condition,
                        statut=StatutTranche.VERSEE if versee else StatutTranche.PREVUE,
                        versee_le=jalons[4 + ordre] if versee else None,
                        reference_mandat=f"M-{annee}-{demande.pk}-{ordre}" if versee else "",
                    )
                )
        for place, professionnel in enumerate(hasard.sample(professionnels, 3)):
            equipes.append(MembreEquipe(demande=demande, professionnel_id=professionnel, porteur=place == 0))
        for besoin in hasard.sample(besoins, min(len(besoins), hasard.randint(1, 2))):
            liens_besoins.append(
                DemandeFinancement.besoins.through(
                    demandefinancement_id=demande.pk, besointerritoire_id=besoin
                )
            )
    # Le journal d'audit : une ligne par transition, à sa date.
    contenu_demande = ContentType.objects.get_for_model(DemandeFinancement)
    Evenement.objects.bulk_create(
        Evenement(
            acteur=demande.instructeur or demande.porteur,
            verbe=f"financements.demande.{VERBES.get(etat, etat)}",
            cible_type=contenu_demande,
            cible_id=str(demande.pk),
            cible_libelle=str(demande)[:255],
            etat_avant=chemin[rang - 1] if rang else "brouillon",
            etat_apres=etat,
            cree_le=_paris(jalons[rang], 11),
        )
        for demande, (final, _etapes, jalons, *_montants) in zip(demandes, details, strict=True)
        for chemin in (CHEMINS[final],)
        for rang, etat in enumerate(chemin)
    )
    LigneDepense.objects.bulk_create(depenses)
    LigneFinancement.objects.bulk_create(lignes)
    Tranche.objects.bulk_create(tranches)
    MembreEquipe.objects.bulk_create(equipes)
    DemandeFinancement.besoins.through.objects.bulk_create(liens_besoins)
    # Quelques brouillons de l'année, qui ne comptent pas comme déposés.
    DemandeFinancement.objects.bulk_create(
        DemandeFinancement(
            projet=hasard.choice(projets),
            type_demande=TypeDemande.ETUDE,
            intitule="Brouillon en préparation",
            porteur=hasard.choice(g.porteurs),
        )
        for _ in range(max(1, nombre // 50))
    )
    return [
        d
        for d, detail in zip(demandes, details, strict=True)
        if detail[0] in ("accordee", "refusee", "classee", "conventionnee", "paiement", "soldee")
    ]


def generer_scrutins(
    g: Gouvernance,
    annee: int,
    reunions: dict[int, list[Any]],
    decidees: list[Any],
    nombres: tuple[int, int, int],
    hasard: random.Random,
) -> None:
    from django.contrib.contenttypes.models import ContentType

    from college import decompte
    from college.models import (
        Bulletin,
        Candidature,
        Electeur,
        Emargement,
        ProcurationVote,
        Scrutin,
        StatutScrutin,
        TypeScrutin,
    )
    from conseil.models import BaseMajorite, Departage, NaturePoint, PointOrdreDuJour
    from financements.models import DemandeFinancement
    from socle.models import Evenement

    type_demande = ContentType.objects.get_for_model(DemandeFinancement)
    type_point = ContentType.objects.get_for_model(PointOrdreDuJour)
    avis, deliberations, elections = nombres
    points = list(
        PointOrdreDuJour.objects.filter(
            nature=NaturePoint.DECISION,
            reunion__debut__year=annee,
            reunion__instance__in=(g.conseil, g.college),
        ).select_related("reunion")
    )
    hasard.shuffle(points)
    sujets: list[tuple[str, Any, Any]] = []  # type, instance, sujet
    sujets += [(TypeScrutin.AVIS, g.college, d) for d in hasard.sample(decidees, min(avis, len(decidees)))]
    sujets += [(TypeScrutin.DELIBERATION, p.reunion.instance, p) for p in points[:deliberations]]
    sujets += [(TypeScrutin.ELECTION, g.college, None)] * elections

    a_creer = []
    for rang, (type_scrutin, instance, sujet) in enumerate(sujets):
        if type_scrutin == TypeScrutin.DELIBERATION:
            ouverture = sujet.reunion.debut
            cloture = ouverture + timedelta(hours=1)
        elif type_scrutin == TypeScrutin.AVIS:
            cloture = sujet.decidee_le - timedelta(days=2)
            ouverture = cloture - timedelta(days=7)
        else:
            ouverture = _paris(_jour(hasard, annee, 5, 350), 9)
            cloture = ouverture + timedelta(days=7)
        if type_scrutin == TypeScrutin.AVIS:
            titre = f"Avis du Collège sur la demande {sujet.numero}"
        elif type_scrutin == TypeScrutin.DELIBERATION:
            titre = sujet.titre
        else:
            titre = f"Élection au groupe de travail n° {rang % 8 + 1}"
        a_creer.append(
            Scrutin(
                instance=instance,
                type_scrutin=type_scrutin,
                titre=titre,
                question="Le Collège rend-il un avis favorable ?" if type_scrutin == TypeScrutin.AVIS else "",
                reunion=sujet.reunion if type_scrutin == TypeScrutin.DELIBERATION else None,
                objet_type=type_demande
                if type_scrutin == TypeScrutin.AVIS
                else type_point
                if sujet is not None
                else None,
                objet_id=str(sujet.pk) if sujet is not None else "",
                sieges=1 + rang % 3 if type_scrutin == TypeScrutin.ELECTION else 1,
                secret=rang % 5 != 0,
                ouverture=ouverture,
                cloture=cloture,
                statut=StatutScrutin.CLOS,
                quorum_part=Decimal("0.50"),
                quorum_compte_procurations=True,
                base_majorite=BaseMajorite.SUFFRAGES_EXPRIMES,
                abstentions_exprimees=False,
                procurations_autorisees=True,
                procurations_max_par_membre=1,
                departage=Departage.AGE,
                ouvert_le=ouverture,
                clos_le=cloture,
                resultat={},  # calculé plus bas, une fois l'urne remplie
            )
        )
    scrutins = Scrutin.objects.bulk_create(a_creer)
    for scrutin, (type_scrutin, _instance, sujet) in zip(scrutins, sujets, strict=True):
        if type_scrutin == TypeScrutin.AVIS:
            sujet.scrutin = scrutin
    DemandeFinancement.objects.bulk_update([s for t, _i, s in sujets if t == TypeScrutin.AVIS], ["scrutin"])

    candidatures = Candidature.objects.bulk_create(
        Candidature(
            scrutin=scrutin, personne=personne, date_naissance=date(1960 + hasard.randint(0, 30), 5, 1)
        )
        for scrutin in scrutins
        if scrutin.type_scrutin == TypeScrutin.ELECTION
        for personne in hasard.sample(g.membres_college, scrutin.sieges + hasard.randint(1, 3))
    )
    par_scrutin: dict[int, list[Any]] = {}
    for candidature in candidatures:
        par_scrutin.setdefault(candidature.scrutin_id, []).append(candidature)
    noms = {u.pk: f"{u.prenom} {u.nom}" for u in g.membres_college}

    electeurs, emargements, bulletins, procurations = [], [], [], []
    regles = decompte.Regles(
        quorum_part=Decimal("0.50"),
        base_majorite=BaseMajorite.SUFFRAGES_EXPRIMES,
        abstentions_exprimees=False,
    )
    for scrutin in scrutins:
        mandats = [
            m for m in g.mandats[scrutin.instance_id] if m.role in ("copresident", "titulaire", "suppleant")
        ]
        exclu = (
            mandats[hasard.randrange(len(mandats))].personne_id
            if scrutin.type_scrutin == TypeScrutin.AVIS
            else None
        )
        for mandat in mandats:
            electeurs.append(
                Electeur(
                    scrutin=scrutin,
                    personne_id=mandat.personne_id,
                    mandat=mandat,
                    exclu_pour_interet=mandat.personne_id == exclu,
                )
            )
        inscrits = [m.personne_id for m in mandats if m.personne_id != exclu]
        votants = hasard.sample(inscrits, round(len(inscrits) * hasard.uniform(0.45, 0.95)))
        mandataires: dict[int, int] = {}
        if len(votants) > 4:
            mandant, mandataire = votants[0], votants[1]
            mandataires[mandant] = mandataire
            procurations.append(
                ProcurationVote(scrutin=scrutin, mandant_id=mandant, mandataire_id=mandataire)
            )
        choix_possibles: tuple[str, ...] = {
            str(TypeScrutin.DELIBERATION): ("pour",) * 6 + ("contre",) * 2 + ("abstention",),
            str(TypeScrutin.AVIS): ("favorable",) * 5
            + ("reserve",) * 2
            + ("defavorable",) * 2
            + ("abstention",),
            str(TypeScrutin.ELECTION): ("candidats",) * 9 + ("blanc",),
        }[scrutin.type_scrutin]
        candidats = [c.pk for c in par_scrutin.get(scrutin.pk, [])]
        choix_faits, choix_candidats = [], []
        for personne in votants:
            choix = hasard.choice(choix_possibles)
            choisis = (
                sorted(hasard.sample(candidats, hasard.randint(1, scrutin.sieges)))
                if choix == "candidats"
                else []
            )
            choix_faits.append(choix)
            choix_candidats.append(choisis)
            emargements.append(
                Emargement(scrutin=scrutin, personne_id=personne, vote_par_id=mandataires.get(personne))
            )
            bulletins.append(
                Bulletin(
                    scrutin=scrutin,
                    choix=choix,
                    candidats=choisis,
                    personne_id=None if scrutin.secret else personne,
                    vote_par_id=None if scrutin.secret else mandataires.get(personne),
                )
            )
        procurations_comptees = len(mandataires)
        if scrutin.type_scrutin == TypeScrutin.ELECTION:
            graine = f"{scrutin.pk:064x}"
            resultat = decompte.election(
                regles,
                electeurs=len(inscrits),
                bulletins=choix_candidats,
                candidats=[
                    decompte.Candidat(c.pk, noms[c.personne_id], c.date_naissance)
                    for c in par_scrutin[scrutin.pk]
                ],
                graine=graine,
                procurations=procurations_comptees,
            ).en_json() | {
                "graine": graine,
                "noms": {str(c.pk): noms[c.personne_id] for c in par_scrutin[scrutin.pk]},
            }
        else:
            calcul = decompte.avis if scrutin.type_scrutin == TypeScrutin.AVIS else decompte.deliberation
            resultat = calcul(
                regles, electeurs=len(inscrits), choix=choix_faits, procurations=procurations_comptees
            ).en_json()
        scrutin.resultat = resultat | {
            "exclus_pour_interet": [noms.get(exclu, "")] if exclu else [],
            "procurations": procurations_comptees,
        }
    Electeur.objects.bulk_create(electeurs)
    ProcurationVote.objects.bulk_create(procurations)
    Emargement.objects.bulk_create(emargements)
    Bulletin.objects.bulk_create(bulletins)
    Scrutin.objects.bulk_update(scrutins, ["resultat"])
    # Le journal dit qui a voté (comme l'émargement), jamais quoi : du volume dans le journal.
    contenu_scrutin = ContentType.objects.get_for_model(Scrutin)
    par_pk = {s.pk: s for s in scrutins}
    Evenement.objects.bulk_create(
        Evenement(
            acteur_id=emargement.vote_par_id or emargement.personne_id,
            verbe="college.bulletin.depose",
            cible_type=contenu_scrutin,
            cible_id=str(emargement.scrutin_id),
            cible_libelle=par_pk[emargement.scrutin_id].titre[:255],
            cree_le=par_pk[emargement.scrutin_id].ouverture + timedelta(minutes=1),
        )
        for emargement in emargements
    )


def generer_discussions(g: Gouvernance, annee: int, nombre: int, hasard: random.Random) -> None:
    from college.models import Commentaire, Discussion

    discussions = Discussion.objects.bulk_create(
        Discussion(
            instance=g.college,
            titre=f"Préparation de l'avis n° {rang + 1} : organisation des soins non programmés",
            cree_par=hasard.choice(g.membres_college),
            cree_le=_paris(_jour(hasard, annee, 0, 350), 10),
        )
        for rang in range(nombre)
    )
    Commentaire.objects.bulk_create(
        Commentaire(
            discussion=discussion,
            auteur=hasard.choice(g.membres_college),
            texte="Je partage l'analyse ; il faudrait associer la CPTS au pilotage.",
            cree_le=discussion.cree_le + timedelta(hours=rang + 1),
        )
        for discussion in discussions
        for rang in range(hasard.randint(2, 8))
    )


# --- Les mesures ---------------------------------------------------------------------------


def url_de_la_base(nom_base: str) -> str:
    """La DATABASE_URL de la base de mesure : celle du script, avec le nom de la base changé
    (socket Unix du PostgreSQL embarqué de `make bench` comprise)."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cotentin_sante")
    return urllib.parse.urlsplit(url)._replace(path=f"/{nom_base}").geturl()


def enfant(argument: str, *valeurs: str, env: dict[str, str]) -> dict[str, Any]:
    """Lance ce script dans un processus neuf (`--travail` ou `--weasyprint`) ; rend le JSON
    qu'il imprime sur sa dernière ligne."""
    resultat = subprocess.run(
        [sys.executable, __file__, argument, *valeurs],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if resultat.returncode != 0:
        raise RuntimeError(f"{argument} a échoué ({resultat.returncode}) :\n{resultat.stderr[-4000:]}")
    retour: dict[str, Any] = json.loads(resultat.stdout.strip().splitlines()[-1])
    return retour


def memoire_ko() -> int:
    """Le pic de mémoire résidente du processus (ru_maxrss : en kilo-octets sous Linux)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def rss_actuelle_ko() -> int:
    for ligne in Path("/proc/self/status").read_text().splitlines():
        if ligne.startswith("VmRSS:"):
            return int(ligne.split()[1])
    return 0


def processus_travail(version_id: int, chemin_html: str) -> None:
    """Le travail de la tâche Celery, dans ce processus : `version_generer`, tel quel. Les
    trois étapes sont chronométrées en enveloppant leurs noms dans bilan.services, et le HTML
    qu'il met en page est écrit dans `chemin_html` (hors chronomètre) pour WeasyPrint seul."""
    from bilan import services
    from bilan.models import EtatGeneration, VersionBilan
    from socle import services as socle_services

    etapes: dict[str, float] = {}

    def chronometre(nom: str, fonction: Callable[..., Any]) -> Callable[..., Any]:
        def enveloppe(*args: Any, **kwargs: Any) -> Any:
            debut = time.perf_counter()
            try:
                return fonction(*args, **kwargs)
            finally:
                etapes[nom] = time.perf_counter() - debut

        return enveloppe

    html_du_bilan = chronometre("html", services.html_du_bilan)

    def html_et_fichier(*args: Any, **kwargs: Any) -> str:
        html: str = html_du_bilan(*args, **kwargs)
        debut = time.perf_counter()
        Path(chemin_html).write_text(html, encoding="utf-8")
        etapes["ecriture_du_fichier_html"] = time.perf_counter() - debut
        return html

    services.rassembler = chronometre("rassembler", services.rassembler)
    # L'enregistrement (document_deposer) relit le PDF avec pypdf pour le contrôler.
    services.document_deposer = chronometre("enregistrement", services.document_deposer)
    socle_services.verifier_fichier = chronometre("controle_du_pdf", socle_services.verifier_fichier)
    services.html_du_bilan = html_et_fichier
    services.pdf_du_bilan = chronometre("pdf", services.pdf_du_bilan)
    avant = rss_actuelle_ko()
    debut = time.perf_counter()
    services.version_generer(version_id)
    total = time.perf_counter() - debut - etapes.get("ecriture_du_fichier_html", 0.0)
    version = VersionBilan.objects.get(pk=version_id)
    if version.etat != EtatGeneration.PRETE:
        raise RuntimeError(f"La version n'est pas prête : {version.etat} {version.erreur}")
    print(
        json.dumps(
            {
                "total": total,
                "etapes": etapes,
                "memoire_pic_ko": memoire_ko(),
                "memoire_avant_ko": avant,
                "pages": version.pages,
                "octets_html": Path(chemin_html).stat().st_size,
            }
        )
    )


def processus_weasyprint(chemin_html: str) -> None:
    """WeasyPrint seul (`pdf_du_bilan`, même variante PDF/A-3a) sur le HTML du travail."""
    from bilan.rendu import pdf_du_bilan

    html = Path(chemin_html).read_text(encoding="utf-8")
    avant = rss_actuelle_ko()
    debut = time.perf_counter()
    pdf = pdf_du_bilan(html)
    duree = time.perf_counter() - debut
    print(
        json.dumps(
            {"duree": duree, "pages": pdf.pages, "memoire_pic_ko": memoire_ko(), "memoire_avant_ko": avant}
        )
    )


def compter_requetes(annee: int) -> tuple[int, dict[str, int]]:
    """Les requêtes de `rassembler(annee)`, et celles de chaque section."""
    from bilan.rendu import rassembler
    from socle.bilan import sections

    rassembler(annee)  # chauffe : types de contenu, traductions mis en cache
    with CaptureQueriesContext(connection) as requetes:
        rassembler(annee)
    par_section = {}
    for section in sections():
        with CaptureQueriesContext(connection) as lues:
            section.donnees(annee)
        par_section[section.cle] = len(lues)
    return len(requetes), par_section


def compter_lignes() -> str:
    """Ce que contient la base de mesure, pour vérifier l'échelle."""
    from college.models import Bulletin, Scrutin
    from conseil.models import Participation, Reunion
    from financements.models import DemandeFinancement, LigneFinancement, Tranche
    from socle.models import Evenement
    from territoire.models import LieuExercice, Professionnel, ReleveEffectifs

    comptes = {
        "professionnels actifs": Professionnel.objects.filter(actif=True).count(),
        "lieux d'exercice": LieuExercice.objects.count(),
        "relevés d'effectifs": ReleveEffectifs.objects.count(),
        f"demandes déposées en {ANNEE}": DemandeFinancement.objects.filter(deposee_le__year=ANNEE).count(),
        "lignes de financement": LigneFinancement.objects.count(),
        "tranches versées": Tranche.objects.filter(statut="versee").count(),
        f"séances tenues en {ANNEE}": Reunion.objects.filter(debut__year=ANNEE).count(),
        "participations": Participation.objects.count(),
        f"scrutins clos en {ANNEE}": Scrutin.objects.filter(statut="clos", clos_le__year=ANNEE).count(),
        "bulletins": Bulletin.objects.count(),
        "lignes du journal": Evenement.objects.count(),
    }
    return ", ".join(f"{nom} {nombre}" for nom, nombre in comptes.items())


def demander_version(numero: int) -> int:
    """Une version demandée (en attente du worker), comme après `bilan_demander`, sans mettre
    de tâche en file : le travail est lancé à la main dans un processus à part."""
    from bilan.models import BilanAnnuel, VersionBilan

    bilan, _cree = BilanAnnuel.objects.get_or_create(annee=ANNEE)
    return VersionBilan.objects.create(bilan=bilan, numero=numero, etape="En attente du worker").pk


def mediane(valeurs: Sequence[float]) -> float:
    return statistics.median(valeurs)


def main() -> None:
    from socle.bilan import sections

    with base_de_mesure() as nom_base, tempfile.TemporaryDirectory(prefix="bench-bilan-") as nom_dossier:
        dossier = Path(nom_dossier)
        debut = time.perf_counter()
        charger_territoire(dossier)
        _log(f"territoire ×10 chargé en {time.perf_counter() - debut:.0f} s")
        debut = time.perf_counter()
        hasard = random.Random(2025)
        gouvernance = Gouvernance(hasard)
        generer_annee(
            gouvernance, ANNEE, demandes=2_000, seances=(30, 30, 40), scrutins=(150, 110, 40), hasard=hasard
        )
        generer_annee(
            gouvernance, ANNEE_CALME, demandes=10, seances=(2, 1, 1), scrutins=(2, 2, 1), hasard=hasard
        )
        with connection.cursor() as curseur:
            curseur.execute("ANALYZE")
        _log(f"années {ANNEE} et {ANNEE_CALME} générées en {time.perf_counter() - debut:.0f} s")
        _log(f"sections : {', '.join(s.cle for s in sections())}")
        _log(compter_lignes())

        requetes, par_section = compter_requetes(ANNEE)
        requetes_calme, par_section_calme = compter_requetes(ANNEE_CALME)

        env = os.environ | {
            "DATABASE_URL": url_de_la_base(nom_base),
            "DJANGO_SETTINGS_MODULE": "cotentin_sante.settings_test",
            # Les documents des réglages de test vont dans un mkdtemp : ici, sous notre dossier.
            "TMPDIR": str(dossier),
        }
        travaux, seuls = [], []
        for rang in range(REPETITIONS):
            chemin_html = str(dossier / f"bilan-{rang + 1}.html")
            travaux.append(enfant("--travail", str(demander_version(rang + 1)), chemin_html, env=env))
            seuls.append(enfant("--weasyprint", chemin_html, env=env))
            _log(
                f"paire {rang + 1} : travail {travaux[-1]['total']:.1f} s "
                f"({', '.join(f'{k} {v:.1f} s' for k, v in travaux[-1]['etapes'].items())}), "
                f"WeasyPrint seul {seuls[-1]['duree']:.1f} s"
            )

        if os.environ.get("BENCH_BILAN_HTML"):  # pour profiler ensuite les gabarits, WeasyPrint
            Path(os.environ["BENCH_BILAN_HTML"]).write_bytes(Path(chemin_html).read_bytes())

        total = mediane([t["total"] for t in travaux])
        seul = mediane([s["duree"] for s in seuls])
        rapport = mediane([t["total"] / s["duree"] for t, s in zip(travaux, seuls, strict=True)])
        memoire = max(t["memoire_pic_ko"] for t in travaux) / 1024
        print(f"bilan_total_s {total:.2f}")
        print(f"bilan_weasyprint_seul_s {seul:.2f}")
        print(f"bilan_rapport_total_weasyprint {rapport:.2f}")
        # Le même rapport, au PDF mesuré dans le processus du travail : moins sensible à la
        # charge de la machine entre deux processus.
        interne = mediane([t["total"] / t["etapes"]["pdf"] for t in travaux])
        print(f"bilan_rapport_total_pdf_du_travail {interne:.2f}")
        print(f"bilan_memoire_pic_mo {memoire:.0f}")
        print(f"bilan_memoire_avant_travail_mo {max(t['memoire_avant_ko'] for t in travaux) / 1024:.0f}")
        print(f"bilan_weasyprint_seul_memoire_pic_mo {max(s['memoire_pic_ko'] for s in seuls) / 1024:.0f}")
        print(f"bilan_requetes {requetes}")
        print(f"bilan_requetes_annee_calme {requetes_calme}")
        for cle, nombre in par_section.items():
            print(f"bilan_requetes_{cle} {nombre}")
            if par_section_calme.get(cle) != nombre:
                print(f"bilan_requetes_{cle}_annee_calme {par_section_calme.get(cle)}")
        print(f"bilan_pages {travaux[-1]['pages']}")
        print(f"bilan_html_ko {travaux[-1]['octets_html'] / 1024:.0f}")
        for etape in (*ETAPES, "controle_du_pdf"):
            print(f"bilan_etape_{etape}_s {mediane([t['etapes'].get(etape, 0.0) for t in travaux]):.2f}")
        reste = mediane([t["total"] - sum(t["etapes"].get(k, 0.0) for k in ETAPES) for t in travaux])
        print(f"bilan_etape_reste_s {reste:.2f}")
        if rapport > CIBLE_RAPPORT or memoire > CIBLE_MEMOIRE_MO or requetes != requetes_calme:
            _log(
                f"hors cible : rapport {rapport:.2f} (≤ {CIBLE_RAPPORT}), mémoire {memoire:.0f} Mo "
                f"(≤ {CIBLE_MEMOIRE_MO}), requêtes {requetes} contre {requetes_calme} pour l'année calme"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--travail":
        processus_travail(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--weasyprint":
        processus_weasyprint(sys.argv[2])
    else:
        main()
