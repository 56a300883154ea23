"""Le territoire réel : les 129 communes de la CA du Cotentin, leurs contours et leurs pôles.

Trois fichiers de données ouvertes, livrés avec le code dans `territoire/donnees_cotentin/`
(provenance et licences : `SOURCES.md`, `LISEZMOI.md`) et chargés par `manage.py charger_cotentin` :

- `cotentin_communes.csv` : `code_insee,nom,population[,codes_postaux,…]` (UTF-8, virgules) ;
  la population est la population municipale légale de `ANNEE_POPULATION` ;
- `cotentin_communes.geojson` : une FeatureCollection, un objet par commune, propriété
  `code_insee`, géométrie Polygon ou MultiPolygon en WGS84 ;
- `cotentin_poles.csv` : `code_insee,pole` (pôle de proximité de chaque commune).

Le fichier des communes dit lesquelles existent : une ligne des pôles ou un contour d'un code qui
n'y est pas est rejeté, une commune sans contour ou sans pôle est signalée ; rien n'est écarté
sans le dire. Les codes INSEE restent du texte (« 01001 », « 2A004 »). Recharger les mêmes
fichiers ne change rien. Une commune n'est jamais supprimée, un pôle jamais renommé ni supprimé
(la liste des pôles est modifiable dans l'administration) ; il est créé s'il manque.
"""

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from territoire import DOSSIER_COTENTIN
from territoire.importeurs.base import (
    ETAPE_ECRITURE,
    FichierRefuse,
    Fichiers,
    Flux,
    Suivi,
    debut_en_texte,
    decoder,
    enregistrer,
)
from territoire.importeurs.communes import (
    VERROU_IMPORT_COMMUNES,
    _code_cellule,
    communes_enregistrer,
    entete_csv,
)
from territoire.models import Commune, ImportFichier, PoleDeProximite, TypeImport
from territoire.rapport import Rapport
from territoire.validateurs import code_insee_valide

# Les populations légales millésimées 2023, en vigueur au 1er janvier 2026 (SOURCES.md).
ANNEE_POPULATION = 2023
FICHIER_COMMUNES = "cotentin_communes.csv"
FICHIER_CONTOURS = "cotentin_communes.geojson"
FICHIER_POLES = "cotentin_poles.csv"
COLONNES_COMMUNES = ("code_insee", "nom", "population")
COLONNES_POLES = ("code_insee", "pole")
GEOMETRIES = ("Polygon", "MultiPolygon")

_ESPACES = re.compile(r"[\s\u00a0\u202f]")


def chemins_cotentin(dossier: Path | None = None) -> dict[str, Path]:
    """Les trois fichiers du dossier (par défaut, ceux livrés avec le code), par champ d'import."""
    dossier = dossier or DOSSIER_COTENTIN
    return {
        "fichier": dossier / FICHIER_COMMUNES,
        "fichier_contours": dossier / FICHIER_CONTOURS,
        "fichier_poles": dossier / FICHIER_POLES,
    }


def _attendu(colonnes: tuple[str, ...]) -> str:
    return _(
        "un tableau CSV en UTF-8, séparé par des virgules, dont la première ligne contient « %(entete)s »"
    ) % {"entete": ",".join(colonnes)}


def _attendu_contours() -> str:
    return _(
        "un fichier GeoJSON (FeatureCollection) en UTF-8 dont chaque objet a une propriété « code_insee » "
        "et une géométrie Polygon ou MultiPolygon en WGS84"
    )


@dataclass
class _Lecture:
    rapport: Rapport = field(default_factory=Rapport)
    # Code → (nom, population), dans l'ordre du fichier.
    communes: dict[str, tuple[str, int]] = field(default_factory=dict)
    poles: dict[str, str] = field(default_factory=dict)
    contours: dict[str, dict[str, Any]] = field(default_factory=dict)


class ImporteurCotentin:
    """Les communes, leurs contours et leurs pôles, lus dans les trois fichiers du dossier."""

    def verifier(self, fichiers: Fichiers) -> None:
        self._entete(
            fichiers.principal, COLONNES_COMMUNES, champ="fichier", quel=_("Le fichier des communes")
        )
        self._entete(
            self._requis(fichiers.poles, "fichier_poles", FICHIER_POLES),
            COLONNES_POLES,
            champ="fichier_poles",
            quel=_("Le fichier des pôles"),
        )
        self._objets_geojson(self._requis(fichiers.contours, "fichier_contours", FICHIER_CONTOURS))

    def importer(self, fichiers: Fichiers, *, import_fichier: ImportFichier, suivi: Suivi) -> Rapport:
        lecture = _Lecture()
        self._lire_communes(fichiers.principal, lecture)
        self._lire_poles(self._requis(fichiers.poles, "fichier_poles", FICHIER_POLES), lecture)
        self._lire_contours(self._requis(fichiers.contours, "fichier_contours", FICHIER_CONTOURS), lecture)
        suivi(etape=ETAPE_ECRITURE, fait=0, total=len(lecture.communes), lignes=lecture.rapport.lignes)
        self._ecrire(lecture)
        return lecture.rapport

    # --- Vérifications --------------------------------------------------------------------

    def _requis(self, flux: Flux | None, champ: str, nom: str) -> Flux:
        if flux is None:
            raise FichierRefuse(
                _("Le fichier %(nom)s manque : les trois fichiers du territoire se chargent ensemble.")
                % {"nom": nom},
                champ=champ,
            )
        return flux

    def _entete(self, flux: Flux, colonnes: tuple[str, ...], *, champ: str, quel: str) -> dict[str, int]:
        attendu = _attendu(colonnes)
        texte = debut_en_texte(flux, champ=champ, quel=quel, attendu=attendu)
        return entete_csv(
            texte, colonnes_lues=colonnes, majuscules=False, champ=champ, quel=quel, attendu=attendu
        )

    def _objets_geojson(self, flux: Flux) -> list[Any]:
        quel = _("Le fichier des contours")
        debut_en_texte(flux, champ="fichier_contours", quel=quel, attendu=_attendu_contours())
        try:
            donnees = json.loads(flux.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as erreur:
            raise FichierRefuse(
                _("%(quel)s n'est pas du JSON lisible : %(attendu)s est attendu.")
                % {"quel": quel, "attendu": _attendu_contours()},
                champ="fichier_contours",
            ) from erreur
        finally:
            flux.seek(0)
        objets = donnees.get("features") if isinstance(donnees, dict) else None
        if not (
            isinstance(donnees, dict)
            and donnees.get("type") == "FeatureCollection"
            and isinstance(objets, list)
        ):
            raise FichierRefuse(
                _("%(quel)s n'est pas une FeatureCollection GeoJSON : %(attendu)s est attendu.")
                % {"quel": quel, "attendu": _attendu_contours()},
                champ="fichier_contours",
            )
        return objets

    # --- Lecture --------------------------------------------------------------------------

    def _lignes(self, flux: Flux, colonnes: tuple[str, ...], *, champ: str, quel: str) -> Any:
        """(numéro, positions, valeurs) de chaque ligne non vide ; valeurs vides si la ligne n'a
        pas le nombre de colonnes de l'en-tête."""
        positions = self._entete(flux, colonnes, champ=champ, quel=quel)
        attendu = _attendu(colonnes)
        lecteur = csv.reader(
            decoder(ligne, encodage="utf-8", numero=numero, attendu=attendu).removeprefix("\ufeff")
            for numero, ligne in enumerate(flux, start=1)
        )
        entete = next(lecteur)
        for valeurs in lecteur:
            if not any(v.strip() for v in valeurs):
                continue
            yield lecteur.line_num, positions, valeurs if len(valeurs) == len(entete) else []
        flux.seek(0)

    def _lire_communes(self, flux: Flux, lecture: _Lecture) -> None:
        rapport = lecture.rapport
        quel = _("Le fichier des communes")
        for numero, positions, valeurs in self._lignes(flux, COLONNES_COMMUNES, champ="fichier", quel=quel):
            rapport.lignes += 1
            if not valeurs:
                rapport.rejeter(
                    numero, _("Fichier des communes : la ligne n'a pas le nombre de colonnes de l'en-tête.")
                )
                continue
            code = _code_cellule(valeurs[positions["code_insee"]])
            nom = " ".join(valeurs[positions["nom"]].split())
            brute = valeurs[positions["population"]]
            population = _ESPACES.sub("", brute)
            if not code_insee_valide(code):
                motif = _("Fichier des communes : code commune « %(code)s » invalide.") % {"code": code}
            elif code in lecture.communes:
                motif = _("Fichier des communes : la commune %(code)s y est deux fois.") % {"code": code}
            elif not nom:
                motif = _("Fichier des communes : la commune %(code)s n'a pas de nom.") % {"code": code}
            elif not population.isdigit():
                motif = _(
                    "Fichier des communes : la population « %(valeur)s » de la commune %(code)s "
                    "n'est pas un nombre entier."
                ) % {"valeur": brute.strip(), "code": code}
            else:
                lecture.communes[code] = (nom[: Commune._meta.get_field("nom").max_length], int(population))
                continue
            rapport.rejeter(numero, motif)
        if not lecture.communes:
            raise FichierRefuse(
                _("Le fichier des communes n'a aucune commune lisible : %(attendu)s est attendu.")
                % {"attendu": _attendu(COLONNES_COMMUNES)},
                rapport=rapport,
            )

    def _lire_poles(self, flux: Flux, lecture: _Lecture) -> None:
        rapport = lecture.rapport
        longueur = PoleDeProximite._meta.get_field("nom").max_length
        lignes = self._lignes(flux, COLONNES_POLES, champ="fichier_poles", quel=_("Le fichier des pôles"))
        for numero, positions, valeurs in lignes:
            if not valeurs:
                rapport.rejeter(
                    numero, _("Fichier des pôles : la ligne n'a pas le nombre de colonnes de l'en-tête.")
                )
                continue
            code = _code_cellule(valeurs[positions["code_insee"]])
            pole = " ".join(valeurs[positions["pole"]].split())
            if code not in lecture.communes:
                motif = _(
                    "Fichier des pôles, ligne %(numero)s : la commune %(code)s n'est pas dans le fichier "
                    "des communes."
                ) % {"numero": numero, "code": code}
            elif code in lecture.poles:
                motif = _("Fichier des pôles : la commune %(code)s y est deux fois.") % {"code": code}
            elif not pole:
                motif = _("Fichier des pôles : la commune %(code)s n'a pas de pôle.") % {"code": code}
            else:
                lecture.poles[code] = pole[:longueur]
                continue
            rapport.rejeter(numero, motif)

    def _lire_contours(self, flux: Flux, lecture: _Lecture) -> None:
        rapport = lecture.rapport
        for numero, objet in enumerate(self._objets_geojson(flux), start=1):
            proprietes = objet.get("properties") if isinstance(objet, dict) else None
            geometrie = objet.get("geometry") if isinstance(objet, dict) else None
            code = _code_cellule((proprietes or {}).get("code_insee"))
            if not code:
                motif = _("Fichier des contours, objet n° %(numero)s : pas de propriété « code_insee ».") % {
                    "numero": numero
                }
            elif code not in lecture.communes:
                motif = _(
                    "Fichier des contours, objet n° %(numero)s : la commune %(code)s n'est pas dans le "
                    "fichier des communes."
                ) % {"numero": numero, "code": code}
            elif code in lecture.contours:
                motif = _("Fichier des contours : la commune %(code)s a deux contours.") % {"code": code}
            elif not (
                isinstance(geometrie, dict)
                and geometrie.get("type") in GEOMETRIES
                and isinstance(geometrie.get("coordinates"), list)
                and geometrie["coordinates"]
            ):
                motif = _(
                    "Fichier des contours, objet n° %(numero)s : la commune %(code)s n'a pas de géométrie "
                    "Polygon ou MultiPolygon."
                ) % {"numero": numero, "code": code}
            else:
                lecture.contours[code] = {"type": geometrie["type"], "coordinates": geometrie["coordinates"]}
                continue
            rapport.rejeter(numero, motif)

    # --- Écriture -------------------------------------------------------------------------

    def _ecrire(self, lecture: _Lecture) -> None:
        rapport = lecture.rapport
        with transaction.atomic():
            with connection.cursor() as curseur:
                # Le même verrou que l'import des communes de l'INSEE : ils écrivent les mêmes lignes.
                curseur.execute("SELECT pg_advisory_xact_lock(%s)", [VERROU_IMPORT_COMMUNES])
            existantes = {c.code_insee: c for c in Commune.objects.select_for_update().order_by("code_insee")}
            pole_ids = self._poles(lecture)
            valeurs_par_code: dict[str, dict[str, Any]] = {}
            for code, (nom, population) in lecture.communes.items():
                valeurs: dict[str, Any] = {
                    "nom": nom,
                    "population": population,
                    "annee_population": ANNEE_POPULATION,
                }
                # Sans pôle ni contour dans les fichiers, la commune garde les siens (signalé plus bas).
                if code in lecture.poles:
                    valeurs["pole_id"] = pole_ids[lecture.poles[code]]
                if code in lecture.contours:
                    valeurs["contour"] = lecture.contours[code]
                valeurs_par_code[code] = valeurs
            communes_enregistrer(valeurs_par_code, existantes, rapport)
        self._remarques(lecture, existantes)

    def _poles(self, lecture: _Lecture) -> dict[str, int]:
        """Les pôles du fichier, créés s'ils manquent : du plus peuplé au moins peuplé. Un pôle
        existant (nom, ordre) n'est pas touché."""
        habitants: dict[str, int] = {}
        for code, nom_pole in lecture.poles.items():
            habitants[nom_pole] = habitants.get(nom_pole, 0) + lecture.communes[code][1]
        noms = sorted(habitants, key=lambda nom: (-habitants[nom], nom))
        existants = dict(PoleDeProximite.objects.filter(nom__in=noms).values_list("nom", "pk"))
        nouveaux = [
            PoleDeProximite(nom=nom, ordre=rang)
            for rang, nom in enumerate(noms, start=1)
            if nom not in existants
        ]
        for cree in PoleDeProximite.objects.bulk_create(nouveaux):
            existants[cree.nom] = cree.pk
        if nouveaux:
            lecture.rapport.remarques.append(
                ngettext(
                    "%(n)s pôle de proximité créé : %(noms)s.",
                    "%(n)s pôles de proximité créés : %(noms)s.",
                    len(nouveaux),
                )
                % {"n": len(nouveaux), "noms": ", ".join(p.nom for p in nouveaux)}
            )
        return existants

    def _remarques(self, lecture: _Lecture, existantes: dict[str, Commune]) -> None:
        remarques = lecture.rapport.remarques
        codes = list(lecture.communes)
        absentes = [c for code, c in existantes.items() if code not in lecture.communes]
        if absentes:
            remarques.append(
                ngettext(
                    "%(n)s commune de la base n'est pas dans le fichier des communes : elle est gardée "
                    "(des structures ou des lieux d'exercice peuvent y renvoyer), à vérifier dans "
                    "l'administration : %(communes)s.",
                    "%(n)s communes de la base ne sont pas dans le fichier des communes : elles sont gardées "
                    "(des structures ou des lieux d'exercice peuvent y renvoyer), à vérifier dans "
                    "l'administration : %(communes)s.",
                    len(absentes),
                )
                % {"n": len(absentes), "communes": ", ".join(f"{c.nom} ({c.code_insee})" for c in absentes)}
            )
        sans_contour = [code for code in codes if code not in lecture.contours]
        if sans_contour:
            remarques.append(
                ngettext(
                    "%(n)s commune n'a pas de contour dans le fichier des contours : %(codes)s.",
                    "%(n)s communes n'ont pas de contour dans le fichier des contours : %(codes)s.",
                    len(sans_contour),
                )
                % {"n": len(sans_contour), "codes": ", ".join(sans_contour)}
            )
        hors_poles = [code for code in codes if code not in lecture.poles]
        if hors_poles:
            remarques.append(
                ngettext(
                    "%(n)s commune n'a pas de pôle dans le fichier des pôles : %(codes)s.",
                    "%(n)s communes n'ont pas de pôle dans le fichier des pôles : %(codes)s.",
                    len(hors_poles),
                )
                % {"n": len(hors_poles), "codes": ", ".join(hors_poles)}
            )
        sans_pole = Commune.objects.filter(code_insee__in=codes, pole__isnull=True).count()
        if sans_pole:
            remarques.append(
                ngettext(
                    "%(n)s commune n'est rattachée à aucun pôle de proximité : à rattacher dans "
                    "l'administration.",
                    "%(n)s communes ne sont rattachées à aucun pôle de proximité : à rattacher dans "
                    "l'administration.",
                    sans_pole,
                )
                % {"n": sans_pole}
            )


enregistrer(TypeImport.COTENTIN, ImporteurCotentin())
