"""Importeur des fuites : la part des patients du territoire soignés hors du territoire.

Les chiffres viennent de l'étude des séjours hospitaliers (PMSI) du GCS ; le tableau est le
nôtre, en ce format :

- texte UTF-8 (la marque BOM qu'ajoute un tableur est acceptée) ;
- une ligne d'en-tête, puis une ligne par spécialité et par année ;
- champs séparés par des points-virgules ou par des virgules (le séparateur est celui de
  l'en-tête) ; un champ qui contient le séparateur s'écrit entre guillemets ;
- colonnes (dans n'importe quel ordre, accents et majuscules sans importance) :
  ``annee;specialite;patients;patients_hors_territoire;destination_principale`` ;
  `destination_principale` (premier lieu de soins hors du territoire) est facultative.

Exemple ::

    annee;specialite;patients;patients_hors_territoire;destination_principale
    2024;Cardiologie;4210;1180;CHU de Caen

Une ligne est rejetée (avec son numéro et le motif) si l'année n'est pas une année de
quatre chiffres entre 2000 et l'an prochain, si un effectif n'est pas un entier positif ou
nul, si les patients hors du territoire dépassent les patients, si la spécialité est vide,
ou si le couple (année, spécialité) est déjà donné plus haut dans le fichier. Un nouvel
import met à jour les chiffres d'une année et d'une spécialité déjà connues.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from territoire.importeurs.base import (
    ETAPE_ECRITURE,
    FichierRefuse,
    Fichiers,
    Suivi,
    decoder,
    enregistrer,
    lignes_suivies,
    lire_debut,
    taille,
)
from territoire.models import Fuite, ImportFichier, TypeImport
from territoire.rapport import Rapport

COLONNES_REQUISES = ("annee", "specialite", "patients", "patients_hors_territoire")
COLONNE_FACULTATIVE = "destination_principale"
ENTETE_ATTENDUE = "annee;specialite;patients;patients_hors_territoire;destination_principale"
ANNEE_MIN = 2000
LONGUEUR_SPECIALITE = 150
LONGUEUR_DESTINATION = 255
TAILLE_LOT = 500
BOM = "\ufeff"

_ANNEE = re.compile(r"^\d{4}$")
_ENTIER = re.compile(r"^-?\d+$")
# Séparateurs de milliers qu'écrit un tableur français : espace, espace insécable (fine ou non).
_ESPACES = re.compile(r"[\s\u00a0\u202f]")


def _nom_de_colonne(valeur: str) -> str:
    decompose = unicodedata.normalize("NFKD", valeur.strip().lower())
    return "".join(c for c in decompose if not unicodedata.combining(c)).replace(" ", "_")


def _separateur(entete: str) -> str:
    if ";" in entete:
        return ";"
    if "," in entete:
        return ","
    raise FichierRefuse(
        _(
            "L'en-tête de ce fichier n'a ni point-virgule ni virgule : l'en-tête attendu est "
            "« %(entete)s », colonnes séparées par des points-virgules ou des virgules."
        )
        % {"entete": ENTETE_ATTENDUE}
    )


def _colonnes(entete: str) -> tuple[str, dict[str, int]]:
    """Le séparateur et la position de chaque colonne ; refuse un en-tête incomplet."""
    separateur = _separateur(entete)
    noms = next(csv.reader([entete], delimiter=separateur))
    positions: dict[str, int] = {}
    for position, nom in enumerate(noms):
        positions.setdefault(_nom_de_colonne(nom), position)
    manquantes = [nom for nom in COLONNES_REQUISES if nom not in positions]
    if manquantes:
        raise FichierRefuse(
            _(
                "Colonnes manquantes : %(manquantes)s. L'en-tête attendu est « %(entete)s » "
                "(destination_principale facultative), colonnes séparées par des points-virgules "
                "ou des virgules."
            )
            % {"manquantes": ", ".join(manquantes), "entete": ENTETE_ATTENDUE}
        )
    return separateur, positions


def _entier(valeur: str) -> int | None:
    valeur = _ESPACES.sub("", valeur)
    return int(valeur) if _ENTIER.match(valeur) else None


@dataclass
class _Ligne:
    ligne: int
    patients: int
    patients_hors_territoire: int
    # None quand le fichier n'a pas la colonne : la destination déjà connue est gardée.
    destination_principale: str | None


class ImporteurFuites:
    def verifier(self, fichiers: Fichiers) -> None:
        debut = lire_debut(fichiers.principal)
        if not debut.strip().removeprefix(BOM.encode()).strip():
            raise FichierRefuse(
                _("Le fichier est vide : un tableau dont la première ligne est « %(entete)s » est attendu.")
                % {"entete": ENTETE_ATTENDUE}
            )
        # Le morceau lu peut couper une ligne, et une lettre accentuée, en deux.
        complet = debut if len(debut) < 65536 else debut[: debut.rfind(b"\n") + 1] or debut
        try:
            texte = complet.decode("utf-8")
        except UnicodeDecodeError as erreur:
            raise FichierRefuse(
                _(
                    "Ce fichier n'est pas en UTF-8 (sans doute en Windows-1252 ou Latin-1) : "
                    "enregistrez-le depuis le tableur au format « CSV UTF-8 », puis importez-le."
                )
            ) from erreur
        entete = next(ligne for ligne in texte.removeprefix(BOM).splitlines() if ligne.strip())
        _colonnes(entete)

    def importer(self, fichiers: Fichiers, *, import_fichier: ImportFichier, suivi: Suivi) -> Rapport:
        rapport = Rapport()
        lignes: dict[tuple[int, str], _Ligne] = {}
        annee_max = timezone.localdate().year + 1
        separateur = ";"
        positions: dict[str, int] = {}
        entete_lue = False
        flux = fichiers.principal
        for numero, octets in lignes_suivies(flux, suivi=suivi, total=taille(flux)):
            texte = decoder(octets, encodage="utf-8", numero=numero, attendu=_("le tableau des fuites"))
            texte = texte.removeprefix(BOM).rstrip("\r\n")
            if not texte.strip():
                continue
            if not entete_lue:
                separateur, positions = _colonnes(texte)
                entete_lue = True
                continue
            champs = next(csv.reader([texte], delimiter=separateur))
            if not any(champ.strip() for champ in champs):
                continue  # ligne vide laissée par un tableur (« ;;;; »)
            # Les lignes de données lues : ni l'en-tête ni les lignes vides.
            rapport.lignes += 1
            valeurs = {
                nom: " ".join(champs[position].split()) if position < len(champs) else ""
                for nom, position in positions.items()
            }
            lue = _lire_ligne(valeurs, numero, annee_max=annee_max, deja_lues=lignes)
            if isinstance(lue, str):
                rapport.rejeter(numero, lue)
            else:
                cle, ligne = lue
                lignes[cle] = ligne
        suivi(etape=ETAPE_ECRITURE, fait=0, total=len(lignes), lignes=rapport.lignes)
        with transaction.atomic():
            _ecrire(lignes, rapport)
        suivi(etape=ETAPE_ECRITURE, fait=len(lignes), total=len(lignes), lignes=rapport.lignes)
        return rapport


def _lire_ligne(
    valeurs: dict[str, str], numero: int, *, annee_max: int, deja_lues: dict[tuple[int, str], _Ligne]
) -> tuple[tuple[int, str], _Ligne] | str:
    """La clé (année, spécialité) et les chiffres d'une ligne, ou le motif de son rejet."""
    annee = valeurs["annee"]
    if not _ANNEE.match(annee) or not ANNEE_MIN <= int(annee) <= annee_max:
        return _(
            "année « %(annee)s » : une année de quatre chiffres entre %(min)s et %(max)s est attendue"
        ) % {
            "annee": annee,
            "min": ANNEE_MIN,
            "max": annee_max,
        }
    specialite = valeurs["specialite"]
    if not specialite:
        return _("spécialité vide")
    if len(specialite) > LONGUEUR_SPECIALITE:
        return _("spécialité de plus de %(n)s caractères") % {"n": LONGUEUR_SPECIALITE}
    effectifs = {}
    for colonne in ("patients", "patients_hors_territoire"):
        effectif = _entier(valeurs[colonne])
        if effectif is None:
            return _("%(colonne)s « %(valeur)s » : un nombre entier est attendu") % {
                "colonne": colonne,
                "valeur": valeurs[colonne],
            }
        if effectif < 0:
            return _("%(colonne)s « %(valeur)s » : un nombre positif ou nul est attendu") % {
                "colonne": colonne,
                "valeur": valeurs[colonne],
            }
        effectifs[colonne] = effectif
    if effectifs["patients_hors_territoire"] > effectifs["patients"]:
        return _(
            "patients_hors_territoire (%(hors)s) dépasse patients (%(patients)s), dont ils sont une partie"
        ) % {"hors": effectifs["patients_hors_territoire"], "patients": effectifs["patients"]}
    destination = valeurs.get(COLONNE_FACULTATIVE)
    if destination and len(destination) > LONGUEUR_DESTINATION:
        return _("destination_principale de plus de %(n)s caractères") % {"n": LONGUEUR_DESTINATION}
    cle = (int(annee), specialite)
    if cle in deja_lues:
        return _("%(specialite)s en %(annee)s déjà donnée ligne %(ligne)s") % {
            "specialite": specialite,
            "annee": annee,
            "ligne": deja_lues[cle].ligne,
        }
    return cle, _Ligne(
        ligne=numero,
        patients=effectifs["patients"],
        patients_hors_territoire=effectifs["patients_hors_territoire"],
        destination_principale=destination,
    )


def _ecrire(lignes: dict[tuple[int, str], _Ligne], rapport: Rapport) -> None:
    """Crée ou met à jour les fuites, en quelques requêtes quel que soit leur nombre."""
    annees = {annee for annee, _specialite in lignes}
    existantes = {(f.annee, f.specialite): f for f in Fuite.objects.filter(annee__in=annees)}
    a_creer: list[Fuite] = []
    a_modifier: list[Fuite] = []
    for (annee, specialite), ligne in lignes.items():
        valeurs: dict[str, object] = {
            "patients": ligne.patients,
            "patients_hors_territoire": ligne.patients_hors_territoire,
            "demo": False,
        }
        if ligne.destination_principale is not None:
            valeurs["destination_principale"] = ligne.destination_principale
        fuite = existantes.get((annee, specialite))
        if fuite is None:
            a_creer.append(Fuite(annee=annee, specialite=specialite, **valeurs))
        elif any(getattr(fuite, nom) != valeur for nom, valeur in valeurs.items()):
            for nom, valeur in valeurs.items():
                setattr(fuite, nom, valeur)
            a_modifier.append(fuite)
        else:
            rapport.inchanges += 1
    Fuite.objects.bulk_create(a_creer, batch_size=TAILLE_LOT)
    if a_modifier:
        Fuite.objects.bulk_update(
            a_modifier,
            ["patients", "patients_hors_territoire", "destination_principale", "demo"],
            batch_size=TAILLE_LOT,
        )
    rapport.crees += len(a_creer)
    rapport.mis_a_jour += len(a_modifier)


enregistrer(TypeImport.FUITES, ImporteurFuites())
