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

Vingt-cinq candidatures de candidats inventés, déposées par le vrai service avec un CV en PDF
(et parfois une lettre) pendant que leur offre est en ligne : confiées à l'employeur de l'offre
seulement ou aussi au GCS (ses membres les voient alors), des candidats au vivier, deux
demandes d'aide à l'installation (emploi du conjoint, logement), un doublon (la même personne,
deux adresses, le même téléphone) à fusionner, des recrutements finis par la clôture de leur
offre (pourvue, expirée), une candidate qui a effacé ses données (ses chiffres restent). Les
étapes restent à « reçue » : le service qui les change (le tableau partagé des recruteurs)
n'existe pas encore.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from html import escape
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from comptes.models import Utilisateur
from recrutement import services, tasks
from recrutement.models import (
    Candidat,
    Candidature,
    EtapeCandidature,
    ModePart,
    NaturePiece,
    Offre,
    PorteeNote,
    RoleRecruteur,
    SourceCandidature,
    StatutOffre,
    TypeContrat,
)
from recrutement.selectors import candidatures_visibles_par, employeurs_a_choisir
from recrutement.services import Motif, Part, SaisieCandidature, SaisieOffre
from socle.pdf import pdf_simple
from territoire.demo import finess
from territoire.models import Commune, PoleDeProximite, Profession, Specialite, Structure

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


# --- Candidats et candidatures --------------------------------------------------------------

# Des personnes inventées : prénom, nom, adresse, téléphone. Julien Marchand écrit de deux
# adresses avec le même téléphone : un doublon que les recruteurs fusionneront.
PERSONNES: dict[str, tuple[str, str, str, str]] = {
    "camille": ("Camille", "Lefèvre", "camille.lefevre@exemple.fr", "06 12 34 56 78"),
    "julien": ("Julien", "Marchand", "julien.marchand@exemple.fr", "06 71 22 33 44"),
    "julien-bis": ("Julien", "Marchand", "j.marchand.med@exemple.fr", "06 71 22 33 44"),
    "amina": ("Amina", "Benali", "amina.benali@exemple.fr", "06 45 18 72 90"),
    "pierre": ("Pierre", "Hamel", "pierre.hamel@exemple.fr", "07 61 03 44 12"),
    "lea": ("Léa", "Quesnel", "lea.quesnel@exemple.fr", "06 22 87 15 40"),
    "thomas": ("Thomas", "Guérin", "thomas.guerin@exemple.fr", ""),
    "sophie": ("Sophie", "Lecoeur", "sophie.lecoeur@exemple.fr", "06 09 55 21 67"),
    "hugo": ("Hugo", "Delacour", "hugo.delacour@exemple.fr", "06 84 40 12 33"),
    "ines": ("Inès", "Moreau", "ines.moreau@exemple.fr", "07 52 98 61 04"),
    "marc": ("Marc", "Lebrun", "marc.lebrun@exemple.fr", "06 33 71 08 26"),
    "claire": ("Claire", "Vautier", "claire.vautier@exemple.fr", "06 58 13 90 47"),
    "yann": ("Yann", "Le Gall", "yann.legall@exemple.fr", "06 27 64 39 85"),
    "nora": ("Nora", "Fontaine", "nora.fontaine@exemple.fr", "07 81 45 26 90"),
    "olivier": ("Olivier", "Leroux", "olivier.leroux@exemple.fr", "06 90 17 52 38"),
    "manon": ("Manon", "Picot", "manon.picot@exemple.fr", "06 14 82 67 03"),
    "antoine": ("Antoine", "Roger", "antoine.roger@exemple.fr", "06 75 30 48 16"),
    "elise": ("Élise", "Gosselin", "elise.gosselin@exemple.fr", "07 43 62 17 95"),
}


@dataclass(frozen=True)
class CandidatureDemo:
    offre: str  # début de l'intitulé de l'offre
    personne: str
    au_gcs: bool = False  # confiée aussi au GCS (ses membres la voient)
    source: str = SourceCandidature.PORTAIL
    vivier: bool = False
    poles: tuple[str, ...] = ()
    lettre: bool = False
    aide_conjoint: bool = False
    aide_logement: bool = False
    aide: str = ""
    message: str = ""


C = CandidatureDemo
CANDIDATURES: tuple[CandidatureDemo, ...] = (
    C("Médecin urgentiste", "camille", au_gcs=True, source=SourceCandidature.EVENEMENT, vivier=True,
      poles=("Cherbourg-en-Cotentin", "La Hague"), lettre=True,
      message="Interne en fin de cursus à Caen, je souhaite m'installer dans le Cotentin."),
    C("Médecin urgentiste", "julien", source=SourceCandidature.ANNONCE),
    C("Médecin urgentiste", "pierre", au_gcs=True, source=SourceCandidature.RESEAU),
    C("Médecin urgentiste", "amina", source=SourceCandidature.FACULTE, aide_conjoint=True,
      aide="Mon conjoint est ingénieur en informatique et cherche un poste dans le Nord-Cotentin."),
    C("Anesthésiste-réanimateur", "julien-bis", au_gcs=True, source=SourceCandidature.PORTAIL),
    C("Anesthésiste-réanimateur", "lea", source=SourceCandidature.EVENEMENT, vivier=True,
      poles=("Cœur du Cotentin",)),
    C("Anesthésiste-réanimateur", "hugo", au_gcs=True, source=SourceCandidature.ALERTE, lettre=True),
    C("Médecin généraliste — exercice mixte", "sophie", source=SourceCandidature.EVENEMENT, vivier=True,
      poles=("La Hague", "Les Pieux"), aide_logement=True,
      aide="Un logement pour nous quatre près de Beaumont-Hague, le temps de trouver une maison."),
    C("Médecin généraliste — exercice mixte", "thomas", source=SourceCandidature.FACULTE),
    C("Médecin généraliste — exercice mixte", "ines", au_gcs=True, source=SourceCandidature.RESEAU),
    C("Psychiatre", "marc", au_gcs=True, source=SourceCandidature.ANNONCE),
    C("Psychiatre", "claire", source=SourceCandidature.PORTAIL),
    C("Psychiatre", "camille", source=SourceCandidature.PORTAIL),
    C("Gynécologue-obstétricien", "nora", source=SourceCandidature.RESEAU),
    C("Gynécologue-obstétricien", "elise", au_gcs=True, source=SourceCandidature.PORTAIL),
    C("Chirurgien orthopédiste", "yann", source=SourceCandidature.ANNONCE, lettre=True),
    C("Chirurgien orthopédiste", "olivier", au_gcs=True, source=SourceCandidature.RESEAU, vivier=True),
    C("Chirurgien orthopédiste", "pierre", source=SourceCandidature.PORTAIL),
    C("Ophtalmologue", "manon", source=SourceCandidature.EVENEMENT),
    C("Ophtalmologue", "antoine", au_gcs=True, source=SourceCandidature.ALERTE),
    C("Radiologue", "hugo", source=SourceCandidature.ALERTE),
    C("Radiologue", "elise", source=SourceCandidature.VIVIER),
    C("Remplacement en médecine générale", "thomas", source=SourceCandidature.FACULTE),
    C("Remplacement en médecine générale", "ines", source=SourceCandidature.RESEAU, vivier=True,
      poles=("La Hague",)),
    C("Masseur-kinésithérapeute", "lea", source=SourceCandidature.AUTRE),
)  # fmt: skip
# Elle efface ses données depuis son espace : ses candidatures restent comptées, sans elle.
EFFACEE = "claire"


@cache
@cache
def _pdf_de_la_piece(nature: str) -> bytes:
    """Un PDF par nature de pièce, mis en page une fois (WeasyPrint est lent)."""
    return pdf_simple(
        f"<h1>{escape(str(NaturePiece(nature).label))}</h1>"
        "<p>Document de démonstration du portail du Conseil de santé du Cotentin.</p>"
    )


def _piece(nature: str, personne: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        f"{nature}-{personne}.pdf", _pdf_de_la_piece(nature), content_type="application/pdf"
    )


def _candidater(offre: Offre, etablissements: dict[int, Any], poles: dict[str, Any]) -> int:
    """Dépose les candidatures de démonstration de `offre` (en ligne), par le service."""
    deposees = 0
    obligatoires, facultatifs = employeurs_a_choisir(offre, timezone.localdate())
    gcs = [s for s in facultatifs if s.pk == etablissements[GCS].pk]
    for modele in CANDIDATURES:
        if not offre.titre.startswith(modele.offre):
            continue
        prenom, nom, email, telephone = PERSONNES[modele.personne]
        saisie = SaisieCandidature(
            nom=nom,
            prenom=prenom,
            email=email,
            telephone=telephone,
            cv=_piece(NaturePiece.CV, modele.personne),
            employeurs=[*obligatoires, *(gcs if modele.au_gcs else [])],
            message=modele.message,
            source=modele.source,
            autres_pieces=[(NaturePiece.LETTRE, _piece(NaturePiece.LETTRE, modele.personne))]
            if modele.lettre
            else (),
            vivier=modele.vivier,
            poles_souhaites=[poles[p] for p in modele.poles if p in poles],
            aide_emploi_conjoint=modele.aide_conjoint,
            aide_logement=modele.aide_logement,
            aide_precisions=modele.aide,
        )
        services.candidature_deposer(offre=offre, saisie=saisie, email_confirme=email)
        deposees += 1
    return deposees


def _etudier(recruteuse: Utilisateur) -> None:
    """La recruteuse du CHPC a commencé d'étudier ses candidatures, par les services du tableau
    partagé : une en étude avec une note partagée, une en entretien avec une note réservée au
    CHPC, une non retenue (le candidat en est prévenu), les autres reçues."""
    a_etudier = list(
        candidatures_visibles_par(recruteuse)
        .filter(offre__statut=StatutOffre.PUBLIEE, etape=EtapeCandidature.RECUE)
        .order_by("pk")[:4]
    )
    if len(a_etudier) < 4:
        return
    etude, entretien, ecartee, seconde = a_etudier
    services.candidature_etape_changer(candidature=etude, vers=EtapeCandidature.EN_ETUDE, acteur=recruteuse)
    services.note_ecrire(
        candidature=etude,
        auteur=recruteuse,
        texte="Profil intéressant : à voir avec la Polyclinique pour un exercice partagé.",
        portee=PorteeNote.PARTAGEE,
    )
    services.candidature_etape_changer(
        candidature=entretien, vers=EtapeCandidature.EN_ETUDE, acteur=recruteuse
    )
    services.candidature_etape_changer(
        candidature=entretien, vers=EtapeCandidature.ENTRETIEN, acteur=recruteuse
    )
    services.note_ecrire(
        candidature=entretien,
        auteur=recruteuse,
        texte="Entretien avec le chef de service la semaine prochaine ; logement à prévoir.",
        portee=PorteeNote.EMPLOYEUR,
    )
    services.candidature_etape_changer(
        candidature=ecartee,
        vers=EtapeCandidature.NON_RETENUE,
        acteur=recruteuse,
        motif="Poste à temps plein seulement.",
    )
    services.candidature_etape_changer(candidature=seconde, vers=EtapeCandidature.EN_ETUDE, acteur=recruteuse)


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
        poles = {p.nom: p for p in PoleDeProximite.objects.all()}

        def candidater(offre: Offre) -> None:
            _candidater(offre, etablissements, poles)

        for modele in OFFRES:
            offre = _offre(modele, etablissements, comptes, professions, specialites, communes, aujourd_hui)
            _mener(offre, modele, comptes[modele.recruteur], moderatrice, candidater)
        Offre.objects.update(demo=True)
        Candidat.objects.update(demo=True)
        Candidature.objects.update(demo=True)
        _etudier(comptes[H])
        effacee = Candidat.objects.get(email=PERSONNES[EFFACEE][2])
        services.candidat_anonymiser(candidat=effacee, motif=Motif.DEMANDE)
        # La reconfirmation de l'urgentiste, publiée il y a cinq semaines, est demandée.
        urgentiste = Offre.objects.get(titre=OFFRES[0].titre)
        il_y_a = timezone.now() - timedelta(weeks=5)
        Offre.objects.filter(pk=urgentiste.pk).update(cree_le=il_y_a, publiee_le=il_y_a, confirmee_le=il_y_a)
        tasks.demander_confirmations()
    afficher(
        f"Recrutement de démonstration chargé : {Offre.objects.count()} offres, 5 recruteurs, "
        f"{Candidature.objects.count()} candidatures de {Candidat.objects.count()} candidats."
    )
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


def _mener(
    offre: Offre, modele: OffreDemo, recruteur: Any, moderatrice: Any, candidater: Callable[[Offre], None]
) -> None:
    """Mène l'offre à son état par les transitions du workflow, comme sur le portail ; les
    candidatures arrivent pendant qu'elle est en ligne, avant qu'elle ne soit close."""
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
    candidater(offre)
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
