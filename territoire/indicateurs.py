"""Les indicateurs de l'offre de santé du territoire : densité, évolution entre imports, fuites.

Ils nourrissent le diagnostic local de santé (DLS) et les règles de financement. Lectures
seulement, en un nombre de requêtes fixe quel que soit le nombre de lignes : les comptes sont
agrégés par PostgreSQL (GROUP BY … COUNT(DISTINCT …)), jamais professionnel par professionnel.

La seconde moitié du module met ces chiffres en tableaux et en graphiques (socle.graphiques),
les mêmes pour la page et pour les exports CSV.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, FloatField, Max, Q, Sum
from django.db.models.functions import Cast, NullIf
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socle.carte import Carte, ValeurCommune, carte, cle_alphabetique
from socle.francais import POUR_CENT, date_longue, nombre, variation
from socle.graphiques import (
    Cellule,
    Entete,
    GraphiqueBarres,
    GraphiqueCourbes,
    Ligne,
    Tableau,
    graphique_barres,
    graphique_courbes,
)
from territoire import ATTRIBUTION_COMMUNES, ATTRIBUTION_CONTOURS, ATTRIBUTION_POLES
from territoire.models import Commune, Fuite, LieuExercice, PoleDeProximite, ReleveEffectifs

CODE_MEDECIN = "10"
# Savoir-faire de l'Annuaire Santé (RPPS, nomenclature des spécialités ordinales) qui font un
# médecin généraliste : SM54 « Médecine générale », SM53 « Spécialiste en médecine générale »
# (le DES de médecine générale), SM26 « Qualifié en médecine générale » (qualification
# ordinale des généralistes formés avant le DES). La profession « Médecin » (code 10) compte
# tous les médecins, spécialistes compris : le DLS suit les généralistes à part.
SPECIALITES_MEDECINE_GENERALE = frozenset({"SM26", "SM53", "SM54"})
# La valeur du choix « Médecins généralistes » dans le formulaire (les autres sont des codes RPPS).
GENERALISTES = "generalistes"
POUR_HABITANTS = 10_000
TABLEAUX = ("densite", "evolution", "fuites")

_GENERALISTE = Q(
    professionnel__profession__code=CODE_MEDECIN,
    professionnel__specialite__code__in=SPECIALITES_MEDECINE_GENERALE,
)
# Les données de démonstration de `make run` : un relevé vient d'un import de démonstration.
_RELEVE_DE_DEMO = Q(import_fichier__demo=True)


@dataclass(frozen=True)
class ProfessionSuivie:
    """Une ligne des tableaux : une profession du RPPS, ou les médecins généralistes."""

    cle: str  # code RPPS de la profession, ou GENERALISTES
    libelle: str


def _generalistes() -> ProfessionSuivie:
    return ProfessionSuivie(cle=GENERALISTES, libelle=_("Médecins généralistes"))


# --- Densité ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Perimetre:
    nom: str
    # None quand une commune du périmètre n'a pas de population : une densité calculée sur
    # une population incomplète serait fausse, on écrit « — ».
    population: int | None


@dataclass(frozen=True)
class Densite:
    effectif: int
    population: int | None

    @property
    def pour_10000(self) -> float | None:
        if not self.population:
            return None
        return self.effectif * POUR_HABITANTS / self.population


@dataclass(frozen=True)
class LigneDensite:
    profession: ProfessionSuivie
    poles: tuple[Densite, ...]  # dans l'ordre de Densites.poles
    territoire: Densite


@dataclass(frozen=True)
class Densites:
    poles: tuple[Perimetre, ...]
    territoire: Perimetre
    lignes: tuple[LigneDensite, ...]
    demo: bool

    @property
    def professions(self) -> tuple[ProfessionSuivie, ...]:
        return tuple(ligne.profession for ligne in self.lignes)

    def ligne(self, cle: str) -> LigneDensite | None:
        return next((ligne for ligne in self.lignes if ligne.profession.cle == cle), None)


def _population(habitants: int | None, communes: int, sans_population: int) -> int | None:
    if not communes or sans_population:
        return None
    return habitants or 0


def densites() -> Densites:
    """Professionnels en activité pour 10 000 habitants, par profession et par pôle, et pour
    tout le territoire. Un professionnel compte dans un pôle s'il a au moins un lieu
    d'exercice dans une commune du pôle ; une fois par pôle et une fois pour le territoire,
    quel que soit son nombre de lieux. Les communes sans pôle ne comptent que pour le
    territoire. Quatre requêtes."""
    poles = list(
        PoleDeProximite.objects.order_by("ordre", "nom")
        .annotate(
            habitants=Sum("communes__population"),
            nombre_communes=Count("communes"),
            sans_population=Count("communes", filter=Q(communes__population__isnull=True)),
        )
        .values("id", "nom", "demo", "habitants", "nombre_communes", "sans_population")
    )
    territoire = Commune.objects.aggregate(
        habitants=Sum("population"),
        nombre_communes=Count("id"),
        sans_population=Count("id", filter=Q(population__isnull=True)),
        communes_demo=Count("id", filter=Q(demo=True)),
    )
    lieux = LieuExercice.objects.filter(professionnel__actif=True)
    # (pôle, code de la profession) → (effectif, dont généralistes)
    par_pole = {
        (rang["commune__pole_id"], rang["professionnel__profession__code"]): (
            rang["effectif"],
            rang["generalistes"],
        )
        for rang in lieux.filter(commune__pole__isnull=False)
        .values("commune__pole_id", "professionnel__profession__code")
        .annotate(
            effectif=Count("professionnel", distinct=True),
            generalistes=Count("professionnel", distinct=True, filter=_GENERALISTE),
        )
        .order_by()
    }
    par_profession = list(
        lieux.values("professionnel__profession__code", "professionnel__profession__libelle")
        .annotate(
            effectif=Count("professionnel", distinct=True),
            generalistes=Count("professionnel", distinct=True, filter=_GENERALISTE),
            professionnels_demo=Count("professionnel", filter=Q(professionnel__demo=True)),
        )
        .order_by("professionnel__profession__libelle", "professionnel__profession__code")
    )

    perimetres = tuple(
        Perimetre(
            nom=pole["nom"],
            population=_population(pole["habitants"], pole["nombre_communes"], pole["sans_population"]),
        )
        for pole in poles
    )
    tout = Perimetre(
        nom=_("Territoire"),
        population=_population(
            territoire["habitants"], territoire["nombre_communes"], territoire["sans_population"]
        ),
    )

    def ligne(profession: ProfessionSuivie, code: str, rang: int, effectif: int) -> LigneDensite:
        """`rang` : 0 pour toute la profession, 1 pour ses seuls généralistes."""
        return LigneDensite(
            profession=profession,
            poles=tuple(
                Densite(
                    effectif=par_pole.get((pole["id"], code), (0, 0))[rang],
                    population=perimetre.population,
                )
                for pole, perimetre in zip(poles, perimetres, strict=True)
            ),
            territoire=Densite(effectif=effectif, population=tout.population),
        )

    lignes = []
    for rang in par_profession:
        code = rang["professionnel__profession__code"]
        profession = ProfessionSuivie(cle=code, libelle=rang["professionnel__profession__libelle"])
        lignes.append(ligne(profession, code, 0, rang["effectif"]))
        if code == CODE_MEDECIN and rang["generalistes"]:
            lignes.append(ligne(_generalistes(), code, 1, rang["generalistes"]))
    return Densites(
        poles=perimetres,
        territoire=tout,
        lignes=tuple(lignes),
        demo=bool(
            territoire["communes_demo"]
            or any(pole["demo"] for pole in poles)
            or any(rang["professionnels_demo"] for rang in par_profession)
        ),
    )


def choisir_profession(professions: tuple[ProfessionSuivie, ...], cle: str | None) -> ProfessionSuivie | None:
    """La profession demandée si elle existe ; sinon les médecins généralistes, sinon la première."""
    for profession in professions:
        if profession.cle == cle:
            return profession
    for profession in professions:
        if profession.cle == GENERALISTES:
            return profession
    return professions[0] if professions else None


@dataclass(frozen=True)
class CommuneSuivie:
    """Une commune de la carte : son contour, son pôle et la densité de la profession choisie."""

    pk: int
    code_insee: str
    nom: str
    pole_id: int | None
    pole: str
    contour: Mapping[str, Any] | None
    densite: Densite


def communes_de_la_carte(profession: ProfessionSuivie | None) -> tuple[CommuneSuivie, ...]:
    """Chaque commune, son contour et son pôle, et les professionnels en activité de la
    profession choisie qui y ont au moins un lieu d'exercice, comptés comme pour les pôles
    (`densites`) : une fois par commune, quel que soit leur nombre de lieux. Une requête,
    la seule des indicateurs qui lise les contours."""
    if profession is None:
        condition = Q(pk__in=[])
    elif profession.cle == GENERALISTES:
        condition = Q(
            lieux_exercice__professionnel__profession__code=CODE_MEDECIN,
            lieux_exercice__professionnel__specialite__code__in=SPECIALITES_MEDECINE_GENERALE,
        )
    else:
        condition = Q(lieux_exercice__professionnel__profession__code=profession.cle)
    lignes = (
        Commune.objects.annotate(
            effectif=Count(
                "lieux_exercice__professionnel",
                distinct=True,
                filter=condition & Q(lieux_exercice__professionnel__actif=True),
            )
        )
        .values("pk", "code_insee", "nom", "population", "contour", "pole_id", "pole__nom", "effectif")
        .order_by("nom", "code_insee")
    )
    return tuple(
        CommuneSuivie(
            pk=ligne["pk"],
            code_insee=ligne["code_insee"],
            nom=ligne["nom"],
            pole_id=ligne["pole_id"],
            pole=ligne["pole__nom"] or "",
            contour=ligne["contour"],
            densite=Densite(effectif=ligne["effectif"], population=ligne["population"]),
        )
        for ligne in lignes
    )


# --- Évolution entre imports ----------------------------------------------------------------


@dataclass(frozen=True)
class LigneEvolution:
    perimetre: str
    profession: ProfessionSuivie
    effectifs: tuple[int, ...]  # un par date de relevé

    @property
    def variation(self) -> int | None:
        """Entre les deux derniers relevés."""
        if len(self.effectifs) < 2:
            return None
        return self.effectifs[-1] - self.effectifs[-2]

    @property
    def variation_relative(self) -> float | None:
        """La variation rapportée à l'avant-dernier relevé (0,1 pour +10 %) ; rien depuis zéro."""
        if self.variation is None or not self.effectifs[-2]:
            return None
        return self.variation / self.effectifs[-2]


@dataclass(frozen=True)
class Evolution:
    dates: tuple[date, ...]
    territoire: tuple[LigneEvolution, ...]  # une ligne par profession (et les généralistes)
    poles: tuple[LigneEvolution, ...]  # la profession choisie, pôle par pôle
    profession: ProfessionSuivie | None
    demo: bool


def evolution(profession: ProfessionSuivie | None, jusqu_au: date | None = None) -> Evolution:
    """Les effectifs relevés à chaque import RPPS (ReleveEffectifs) : sur tout le territoire
    par profession, plus les généralistes (somme des relevés des médecins dont la spécialité
    est de médecine générale), et par pôle pour la profession choisie ; avec `jusqu_au`, les
    seuls relevés datés de ce jour ou d'avant (le bilan d'une année). Deux requêtes."""
    # Deux imports du même jour (un import relancé) : le dernier fait foi pour cette date.
    retenus = (
        ReleveEffectifs.objects.values("date").annotate(dernier=Max("import_fichier_id")).values("dernier")
    ).order_by()
    releves = ReleveEffectifs.objects.filter(import_fichier_id__in=retenus)
    if jusqu_au is not None:
        releves = releves.filter(date__lte=jusqu_au)
    territoire = list(
        releves.filter(pole__isnull=True)
        .filter(
            Q(specialite__isnull=True)
            | Q(profession__code=CODE_MEDECIN, specialite__code__in=SPECIALITES_MEDECINE_GENERALE)
        )
        .values("date", "profession__code", "profession__libelle")
        .annotate(
            total=Sum("effectif", filter=Q(specialite__isnull=True)),
            generalistes=Sum("effectif", filter=Q(specialite__isnull=False)),
            demo=Count("id", filter=_RELEVE_DE_DEMO),
        )
        .order_by("profession__libelle", "profession__code", "date")
    )
    par_pole: list[Mapping[str, Any]] = []
    if profession is not None:
        releves_poles = releves.filter(pole__isnull=False)
        if profession.cle == GENERALISTES:
            releves_poles = releves_poles.filter(
                profession__code=CODE_MEDECIN, specialite__code__in=SPECIALITES_MEDECINE_GENERALE
            )
        else:
            releves_poles = releves_poles.filter(profession__code=profession.cle, specialite__isnull=True)
        par_pole = list(
            releves_poles.values("date", "pole_id", "pole__nom", "pole__ordre")
            .annotate(effectif=Sum("effectif"), demo=Count("id", filter=_RELEVE_DE_DEMO | Q(pole__demo=True)))
            .order_by("pole__ordre", "pole__nom", "date")
        )

    dates = tuple(sorted({ligne["date"] for ligne in territoire} | {ligne["date"] for ligne in par_pole}))

    def effectifs(valeurs: Mapping[date, int]) -> tuple[int, ...]:
        # Un relevé absent vaut zéro : l'import n'écrit que les effectifs qu'il a trouvés.
        return tuple(valeurs.get(jour, 0) for jour in dates)

    totaux: dict[tuple[str, str], dict[date, int]] = defaultdict(dict)
    generalistes: dict[date, int] = {}
    for releve in territoire:
        valeurs = totaux[(releve["profession__code"], releve["profession__libelle"])]
        if releve["total"] is not None:
            valeurs[releve["date"]] = releve["total"]
        if releve["generalistes"] is not None:
            generalistes[releve["date"]] = releve["generalistes"]
    lignes = []
    for (code, libelle), valeurs in totaux.items():
        lignes.append(LigneEvolution(_("Territoire"), ProfessionSuivie(code, libelle), effectifs(valeurs)))
        if code == CODE_MEDECIN and generalistes:
            lignes.append(LigneEvolution(_("Territoire"), _generalistes(), effectifs(generalistes)))

    poles: dict[str, dict[date, int]] = defaultdict(dict)
    for releve_pole in par_pole:
        poles[releve_pole["pole__nom"]][releve_pole["date"]] = releve_pole["effectif"]
    return Evolution(
        dates=dates,
        territoire=tuple(lignes),
        poles=tuple(
            LigneEvolution(nom, profession, effectifs(valeurs))
            for nom, valeurs in poles.items()
            if profession is not None
        ),
        profession=profession,
        demo=any(ligne["demo"] for ligne in (*territoire, *par_pole)),
    )


# --- Fuites ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneFuite:
    specialite: str
    patients: int
    hors_territoire: int
    destination: str
    demo: bool

    @property
    def part(self) -> float | None:
        return self.hors_territoire / self.patients if self.patients else None


@dataclass(frozen=True)
class Fuites:
    annee: int | None
    annees: tuple[int, ...]  # les années disponibles, la plus récente d'abord
    lignes: tuple[LigneFuite, ...]  # part hors territoire décroissante

    @property
    def patients(self) -> int:
        return sum(ligne.patients for ligne in self.lignes)

    @property
    def hors_territoire(self) -> int:
        return sum(ligne.hors_territoire for ligne in self.lignes)

    @property
    def part(self) -> float | None:
        """La part d'ensemble : patients soignés dehors sur patients, toutes spécialités."""
        return self.hors_territoire / self.patients if self.patients else None

    @property
    def demo(self) -> bool:
        return any(ligne.demo for ligne in self.lignes)


def fuites(annee: int | None) -> Fuites:
    """Les fuites d'une année (par défaut, ou si elle n'existe pas : la plus récente), par
    spécialité, de la plus forte part à la plus faible. Deux requêtes."""
    annees = tuple(Fuite.objects.order_by("-annee").values_list("annee", flat=True).distinct())
    if not annees:
        return Fuites(annee=None, annees=(), lignes=())
    choisie = annee if annee in annees else annees[0]
    part = Cast("patients_hors_territoire", FloatField()) / NullIf(Cast("patients", FloatField()), 0.0)
    lignes = (
        Fuite.objects.filter(annee=choisie)
        .annotate(part_calculee=part)
        .order_by(F("part_calculee").desc(nulls_last=True), "specialite")
        .values_list("specialite", "patients", "patients_hors_territoire", "destination_principale", "demo")
    )
    return Fuites(annee=choisie, annees=annees, lignes=tuple(LigneFuite(*ligne) for ligne in lignes))


def lire_annee(texte: str | None) -> int | None:
    try:
        return int(texte) if texte else None
    except ValueError:
        return None


# --- Tableaux et graphiques -----------------------------------------------------------------


def tableau_densite(donnees: Densites, profession: ProfessionSuivie | None) -> Tableau:
    """Professions × pôles (+ territoire), et la population de chaque périmètre en pied."""
    notes = [
        _(
            "Professionnels en activité pour 10 000 habitants. Un professionnel qui exerce dans "
            "plusieurs pôles compte dans chacun, mais une seule fois pour le territoire ; les "
            "communes sans pôle ne comptent que pour le territoire."
        )
    ]
    if any(p.population is None for p in (*donnees.poles, donnees.territoire)):
        notes.append(_("— : population inconnue pour au moins une commune du périmètre."))
    return Tableau(
        identifiant="tableau-densite",
        legende=_("Densité de professionnels pour 10 000 habitants, par profession et par pôle de proximité"),
        entetes=(
            Entete(_("Profession")),
            *(Entete(pole.nom, numerique=True) for pole in donnees.poles),
            Entete(_("Territoire"), numerique=True),
        ),
        lignes=tuple(
            Ligne(
                cellules=(
                    Cellule.libelle(ligne.profession.libelle, entete=True),
                    *(Cellule.nombre(densite.pour_10000, 1) for densite in (*ligne.poles, ligne.territoire)),
                ),
                mise_en_avant=profession is not None and ligne.profession.cle == profession.cle,
            )
            for ligne in donnees.lignes
        ),
        pied=(
            Ligne(
                cellules=(
                    Cellule.libelle(_("Population municipale"), entete=True),
                    *(Cellule.nombre(p.population) for p in (*donnees.poles, donnees.territoire)),
                )
            ),
        ),
        notes=tuple(notes),
        message_vide=_("Aucun professionnel en activité n'est enregistré."),
        note_mise_en_avant=_("profession du graphique"),
    )


def graphique_densite(donnees: Densites, profession: ProfessionSuivie | None) -> GraphiqueBarres:
    ligne = donnees.ligne(profession.cle) if profession else None
    libelle = profession.libelle if profession else ""
    reference = ligne.territoire.pour_10000 if ligne else None
    description = _(
        "Barres horizontales : pour chaque pôle de proximité, le nombre de « %(profession)s » en "
        "activité pour 10 000 habitants."
    ) % {"profession": libelle}
    if reference is not None:
        description += " " + _("La ligne en tirets marque la valeur du territoire entier, %(valeur)s.") % {
            "valeur": nombre(reference, 1)
        }
    description += " " + _("Les chiffres sont dans le tableau qui suit.")
    return graphique_barres(
        identifiant="graphique-densite",
        titre=_("%(profession)s pour 10 000 habitants, par pôle de proximité") % {"profession": libelle},
        description=description,
        valeurs=[
            (pole.nom, densite.pour_10000)
            for pole, densite in zip(donnees.poles, ligne.poles if ligne else (), strict=False)
        ],
        decimales=1,
        reference=(_("Territoire"), reference) if ligne else None,
        message_vide=_("Pas de densité à représenter : aucun pôle avec une population connue."),
    )


def _annuaire(**filtres: int) -> str:
    return f"{reverse('territoire:annuaire')}?{urlencode(filtres)}"


def carte_densite(
    communes: tuple[CommuneSuivie, ...], profession: ProfessionSuivie | None, *, liens: bool = True
) -> Carte:
    """La densité de la profession choisie, commune par commune ; chaque commune mène à
    l'annuaire de ses professionnels (sans liens : pour un PDF)."""
    libelle = profession.libelle if profession else ""
    return carte(
        identifiant="carte-densite",
        titre=_("%(profession)s pour 10 000 habitants, par commune") % {"profession": libelle},
        contours={c.code_insee: c.contour for c in communes},
        valeurs={
            c.code_insee: ValeurCommune(
                nom=c.nom,
                valeur=c.densite.pour_10000,
                lien=_annuaire(commune=c.pk) if liens else None,
                pole=c.pole,
            )
            for c in communes
        },
        unite=_("pour 10 000 habitants"),
        libelle_valeur=_("%(profession)s pour 10 000 habitants") % {"profession": libelle},
        # Dans la plupart des communes, aucun professionnel d'une profession donnée : zéro à
        # part, sans quoi les quantiles se confondraient en une seule classe.
        zero_a_part=True,
        description=_(
            "Carte des %(n)s communes du territoire, coloriées selon le nombre de « %(profession)s » "
            "en activité pour 10 000 habitants (un professionnel compte dans chaque commune où il "
            "exerce) ; les limites des pôles de proximité en trait épais. Les chiffres sont dans le "
            "tableau qui suit la carte."
        )
        % {"n": nombre(len(communes)), "profession": libelle},
    )


def sources_des_cartes() -> tuple[str, ...]:
    """Ce que les licences des populations, des contours et des pôles demandent de citer sous
    une carte des communes."""
    return (str(ATTRIBUTION_COMMUNES), str(ATTRIBUTION_CONTOURS), str(ATTRIBUTION_POLES))


@dataclass(frozen=True)
class CarteDesPoles:
    """Une carte où chaque commune prend la valeur de son pôle : ce qui n'y a pas de valeur se
    dit par pôle (« pas de relevé dans le pôle X »), non commune par commune."""

    carte: Carte
    poles_sans_donnee: tuple[str, ...]  # leurs communes sont hachurées
    communes_sans_pole: tuple[str, ...]  # hachurées aussi

    @property
    def sans_contour(self) -> tuple[str, ...]:
        return self.carte.sans_contour


def _carte_des_poles(
    communes: tuple[CommuneSuivie, ...], par_pole: Mapping[str, float | None], **parametres: Any
) -> CarteDesPoles:
    return CarteDesPoles(
        carte=carte(contours={c.code_insee: c.contour for c in communes}, **parametres),
        poles_sans_donnee=tuple(
            sorted(
                {c.pole for c in communes if c.pole and par_pole.get(c.pole) is None}, key=cle_alphabetique
            )
        ),
        communes_sans_pole=tuple(c.nom for c in communes if not c.pole),
    )


def _commune_du_pole(commune: CommuneSuivie) -> str:
    if not commune.pole:
        return commune.nom
    return _("%(commune)s, pôle %(pole)s") % {"commune": commune.nom, "pole": commune.pole}


def carte_densite_poles(
    communes: tuple[CommuneSuivie, ...], donnees: Densites, profession: ProfessionSuivie | None
) -> CarteDesPoles:
    """La densité de chaque pôle (celle du tableau et du graphique par pôle), chaque commune
    coloriée comme son pôle et menant à l'annuaire du pôle."""
    ligne = donnees.ligne(profession.cle) if profession else None
    par_pole = {
        perimetre.nom: densite.pour_10000
        for perimetre, densite in zip(donnees.poles, ligne.poles if ligne else (), strict=False)
    }
    libelle = profession.libelle if profession else ""
    return _carte_des_poles(
        communes,
        par_pole,
        identifiant="carte-densite-poles",
        titre=_("Carte : %(profession)s pour 10 000 habitants dans chaque pôle de proximité")
        % {"profession": libelle},
        valeurs={
            c.code_insee: ValeurCommune(
                nom=_commune_du_pole(c),
                valeur=par_pole.get(c.pole),
                lien=_annuaire(pole=c.pole_id) if c.pole_id else None,
                pole=c.pole,
            )
            for c in communes
        },
        unite=_("pour 10 000 habitants"),
        libelle_valeur=_("%(profession)s pour 10 000 habitants dans le pôle") % {"profession": libelle},
        zero_a_part=True,  # comme la carte par commune : un pôle sans aucun professionnel à part
        description=_(
            "Carte des communes du territoire, chacune coloriée selon la densité de « %(profession)s » "
            "de son pôle de proximité. Les chiffres de chaque pôle sont dans le tableau de la densité."
        )
        % {"profession": libelle},
    )


def _variation_en_professionnels(valeur: int | None) -> str:
    if valeur is None:
        return ""
    return ngettext("%(variation)s professionnel", "%(variation)s professionnels", abs(valeur)) % {
        "variation": variation(valeur)
    }


def carte_evolution(communes: tuple[CommuneSuivie, ...], donnees: Evolution) -> CarteDesPoles | None:
    """La variation des effectifs de la profession choisie dans chaque pôle entre les deux
    derniers relevés (celle du tableau de l'évolution), chaque commune coloriée comme son
    pôle ; None sans deux relevés. Les relevés ne descendent pas à la commune, et une
    densité d'autrefois demanderait la population d'autrefois : c'est une variation en
    nombre, en classes de part et d'autre de zéro."""
    if len(donnees.dates) < 2 or donnees.profession is None:
        return None
    par_pole = {ligne.perimetre: ligne.variation for ligne in donnees.poles}
    avant, apres = date_longue(donnees.dates[-2]), date_longue(donnees.dates[-1])
    libelle = donnees.profession.libelle
    return _carte_des_poles(
        communes,
        par_pole,
        identifiant="carte-evolution",
        titre=_("%(profession)s : variation des effectifs par pôle du %(avant)s au %(apres)s")
        % {"profession": libelle, "avant": avant, "apres": apres},
        valeurs={
            c.code_insee: ValeurCommune(
                nom=_commune_du_pole(c),
                valeur=par_pole.get(c.pole),
                texte=_variation_en_professionnels(par_pole.get(c.pole)),
                lien=_annuaire(pole=c.pole_id) if c.pole_id else None,
                pole=c.pole,
            )
            for c in communes
        },
        libelle_valeur=_("Variation des effectifs du pôle (nombre)"),
        decimales=0,
        zero_a_part=True,
        description=_(
            "Carte des communes du territoire, chacune coloriée selon la variation du nombre de "
            "« %(profession)s » relevé dans son pôle de proximité entre le %(avant)s et le %(apres)s : "
            "en rouge les baisses, en bleu les hausses, en gris clair aucun changement. Les chiffres "
            "de chaque pôle sont dans le tableau de l'évolution."
        )
        % {"profession": libelle, "avant": avant, "apres": apres},
    )


def tableau_evolution(donnees: Evolution) -> Tableau:
    """Une ligne par profession sur le territoire, puis une par pôle pour la profession choisie."""
    notes = []
    if len(donnees.dates) >= 2:
        notes.append(
            _("Variation entre les relevés du %(avant)s et du %(apres)s.")
            % {"avant": date_longue(donnees.dates[-2]), "apres": date_longue(donnees.dates[-1])}
        )

    def ligne(evolution: LigneEvolution, premiere: bool = False) -> Ligne:
        return Ligne(
            cellules=(
                Cellule.libelle(evolution.perimetre, entete=True),
                Cellule.libelle(evolution.profession.libelle, entete=True),
                *(Cellule.nombre(effectif) for effectif in evolution.effectifs),
                Cellule.variation(evolution.variation),
                Cellule.variation(
                    None if evolution.variation_relative is None else evolution.variation_relative * 100,
                    1,
                ),
            ),
            premiere_du_groupe=premiere,
        )

    return Tableau(
        identifiant="tableau-evolution",
        legende=_("Effectifs relevés à chaque import de l'Annuaire Santé (RPPS)"),
        entetes=(
            Entete(_("Périmètre")),
            Entete(_("Profession")),
            *(Entete(date_longue(jour), numerique=True) for jour in donnees.dates),
            Entete(_("Variation (nombre)"), numerique=True),
            Entete(_("Variation (%)"), numerique=True),
        ),
        lignes=(
            *(ligne(evolution) for evolution in donnees.territoire),
            *(ligne(evolution, premiere=i == 0) for i, evolution in enumerate(donnees.poles)),
        ),
        notes=tuple(notes),
        message_vide=_("Aucun relevé des effectifs : ils s'enregistrent à chaque import RPPS."),
    )


def graphique_evolution(donnees: Evolution) -> GraphiqueCourbes:
    """La profession choisie, sur tout le territoire, à chaque relevé. Une seule profession par
    graphique : les infirmiers, dix fois plus nombreux que les autres, écraseraient leurs
    courbes contre l'axe ; le tableau qui suit donne toutes les professions et tous les pôles."""
    choisie = donnees.profession
    lignes = [ligne for ligne in donnees.territoire if choisie is not None and ligne.profession == choisie]
    titre = (
        _("%(profession)s sur le territoire, à chaque relevé") % {"profession": choisie.libelle}
        if choisie is not None
        else _("Effectifs sur le territoire, à chaque relevé")
    )
    description = ""
    if donnees.dates and lignes:
        description = _(
            "Courbe des effectifs relevés sur le territoire du %(debut)s au %(fin)s : "
            "de %(premier)s à %(dernier)s."
        ) % {
            "debut": date_longue(donnees.dates[0]),
            "fin": date_longue(donnees.dates[-1]),
            "premier": nombre(lignes[0].effectifs[0]),
            "dernier": nombre(lignes[0].effectifs[-1]),
        }
    return graphique_courbes(
        identifiant="graphique-evolution",
        titre=titre,
        description=description + " " + _("Les chiffres sont dans le tableau qui suit."),
        dates=donnees.dates,
        series=[(ligne.profession.libelle, ligne.effectifs) for ligne in lignes],
        message_vide=_("Aucun relevé des effectifs : ils s'enregistrent à chaque import RPPS."),
    )


def tableau_fuites(donnees: Fuites) -> Tableau:
    return Tableau(
        identifiant="tableau-fuites",
        legende=_("Patients du territoire soignés hors du territoire en %(annee)s, par spécialité")
        % {"annee": donnees.annee},
        entetes=(
            Entete(_("Spécialité")),
            Entete(_("Patients du territoire"), numerique=True),
            Entete(_("Soignés hors du territoire"), numerique=True),
            Entete(_("Part hors territoire (%)"), numerique=True),
            Entete(_("Premier lieu de soins hors territoire")),
        ),
        lignes=tuple(
            Ligne(
                cellules=(
                    Cellule.libelle(ligne.specialite, entete=True),
                    Cellule.nombre(ligne.patients),
                    Cellule.nombre(ligne.hors_territoire),
                    Cellule.pourcentage(ligne.part),
                    Cellule.libelle(ligne.destination),
                )
            )
            for ligne in donnees.lignes
        ),
        pied=(
            Ligne(
                cellules=(
                    Cellule.libelle(_("Toutes spécialités"), entete=True),
                    Cellule.nombre(donnees.patients),
                    Cellule.nombre(donnees.hors_territoire),
                    Cellule.pourcentage(donnees.part),
                    Cellule.libelle(""),
                )
            ),
        )
        if donnees.lignes
        else (),
        message_vide=_("Aucune donnée de fuites n'est importée."),
    )


def graphique_fuites(donnees: Fuites) -> GraphiqueBarres:
    description = _(
        "Barres horizontales : pour chaque spécialité, la part des patients du territoire soignés "
        "hors du territoire en %(annee)s, de la plus forte à la plus faible."
    ) % {"annee": donnees.annee}
    if donnees.part is not None:
        description += " " + _("La ligne en tirets marque la part toutes spécialités, %(part)s.") % {
            "part": nombre(donnees.part * 100, 1) + POUR_CENT
        }
    description += " " + _("Les chiffres sont dans le tableau qui suit.")
    return graphique_barres(
        identifiant="graphique-fuites",
        titre=_("Part des patients soignés hors du territoire par spécialité, %(annee)s")
        % {"annee": donnees.annee},
        description=description,
        valeurs=[
            (ligne.specialite, None if ligne.part is None else ligne.part * 100) for ligne in donnees.lignes
        ],
        decimales=1,
        suffixe=POUR_CENT,
        reference=(_("Ensemble"), donnees.part * 100) if donnees.part is not None else None,
        message_vide=_("Aucune donnée de fuites n'est importée."),
    )


# --- La page et les exports ------------------------------------------------------------------


@dataclass(frozen=True)
class PageIndicateurs:
    densites: Densites
    evolution: Evolution
    fuites: Fuites
    profession: ProfessionSuivie | None
    graphique_densite: GraphiqueBarres
    tableau_densite: Tableau
    graphique_evolution: GraphiqueCourbes
    tableau_evolution: Tableau
    graphique_fuites: GraphiqueBarres
    tableau_fuites: Tableau
    carte_densite: Carte
    carte_densite_poles: CarteDesPoles
    carte_evolution: CarteDesPoles | None  # sans deux relevés, rien à comparer

    @property
    def demo(self) -> bool:
        return self.densites.demo or self.evolution.demo or self.fuites.demo

    @property
    def sources(self) -> tuple[str, ...]:
        return sources_des_cartes()

    @property
    def requete(self) -> str:
        """Les choix de la page, pour que les liens CSV exportent ce qu'elle montre."""
        return _parametres(self.profession, self.fuites.annee)


def _parametres(profession: ProfessionSuivie | None, annee: int | None) -> str:
    parametres: dict[str, str | int] = {}
    if profession is not None:
        parametres["profession"] = profession.cle
    if annee is not None:
        parametres["annee"] = annee
    return urlencode(parametres)


def page_indicateurs(*, profession: str | None, annee: str | None) -> PageIndicateurs:
    """Tout ce que montre la page, pour la profession (code RPPS ou GENERALISTES) et l'année
    de fuites demandées. Neuf requêtes."""
    donnees_densite = densites()
    choisie = choisir_profession(donnees_densite.professions, profession)
    donnees_evolution = evolution(choisie)
    donnees_fuites = fuites(lire_annee(annee))
    communes = communes_de_la_carte(choisie)
    return PageIndicateurs(
        densites=donnees_densite,
        evolution=donnees_evolution,
        fuites=donnees_fuites,
        profession=choisie,
        graphique_densite=graphique_densite(donnees_densite, choisie),
        tableau_densite=tableau_densite(donnees_densite, choisie),
        graphique_evolution=graphique_evolution(donnees_evolution),
        tableau_evolution=tableau_evolution(donnees_evolution),
        graphique_fuites=graphique_fuites(donnees_fuites),
        tableau_fuites=tableau_fuites(donnees_fuites),
        carte_densite=carte_densite(communes, choisie),
        carte_densite_poles=carte_densite_poles(communes, donnees_densite, choisie),
        carte_evolution=carte_evolution(communes, donnees_evolution),
    )


def tableau_a_exporter(nom: str, *, profession: str | None, annee: str | None) -> Tableau:
    """Le tableau `nom` (un de TABLEAUX) tel que la page le montre avec les mêmes choix."""
    if nom == "fuites":
        return tableau_fuites(fuites(lire_annee(annee)))
    donnees_densite = densites()
    choisie = choisir_profession(donnees_densite.professions, profession)
    if nom == "densite":
        return tableau_densite(donnees_densite, choisie)
    if nom == "evolution":
        return tableau_evolution(evolution(choisie))
    raise ValueError(nom)


@dataclass(frozen=True)
class PageCartePublique:
    """La carte de l'offre de soins, publique : des chiffres agrégés (densités par commune et
    par pôle), aucun nom de professionnel. Les communes ne mènent à l'annuaire que pour qui
    peut l'ouvrir."""

    densites: Densites
    profession: ProfessionSuivie | None
    carte: Carte
    tableau_poles: Tableau

    @property
    def demo(self) -> bool:
        return self.densites.demo

    @property
    def sources(self) -> tuple[str, ...]:
        return sources_des_cartes()


def page_carte_publique(*, profession: str | None, liens: bool) -> PageCartePublique:
    """La page publique « La carte de l'offre de soins » : la densité commune par commune de la
    profession choisie et le tableau par pôle, les mêmes chiffres que les indicateurs."""
    donnees_densite = densites()
    choisie = choisir_profession(donnees_densite.professions, profession)
    return PageCartePublique(
        densites=donnees_densite,
        profession=choisie,
        carte=carte_densite(communes_de_la_carte(choisie), choisie, liens=liens),
        tableau_poles=tableau_densite(donnees_densite, choisie),
    )
