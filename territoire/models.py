"""Le territoire de l'agglomération et ses acteurs de santé (DESIGN.md §4 « territoire »).

Ces modèles sont partagés par toutes les applications : une commune, un pôle de
proximité, une structure ou un professionnel n'existent qu'une fois ici.
Les colonnes de recherche (`recherche`, `nom_normalise`) sont calculées par PostgreSQL
(colonnes générées) : aucun chemin d'écriture, import en masse compris, ne peut les oublier.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.files.storage import storages
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce, Concat, Lower, Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territoire import geometrie
from territoire.rapport import Rapport
from territoire.validateurs import (
    valider_code_insee,
    valider_finess,
    valider_rpps,
    valider_siret,
)

# Configuration de recherche plein texte créée par la migration 0001 : le français de
# PostgreSQL, accents retirés (« Hôpital » et « hopital » se trouvent l'un l'autre).
CONFIG_RECHERCHE = "francais"

# SIREN de la Communauté d'agglomération du Cotentin (EPCI).
SIREN_AGGLOMERATION = "200067205"


class SansAccents(models.Func):
    """`immutable_unaccent(texte)` : unaccent() utilisable dans une colonne générée et un index
    (fonction IMMUTABLE créée par la migration 0001)."""

    function = "immutable_unaccent"
    output_field = models.TextField()


def _normalise(*champs: str) -> models.Func:
    """Texte en minuscules sans accents, pour la similarité de trigrammes (fautes de frappe)."""
    if len(champs) == 1:
        return SansAccents(Lower(champs[0]))
    morceaux: list[models.Expression | Value] = []
    for champ in champs:
        if morceaux:
            morceaux.append(Value(" "))
        morceaux.append(Coalesce(models.F(champ), Value("")))
    return SansAccents(Lower(Concat(*morceaux, output_field=models.TextField())))


class Axe(models.TextChoices):
    """Les quatre axes du plan d'action."""

    GOUVERNANCE = "I", _("Axe I — Gouvernance communautaire")
    DEMOGRAPHIE = "II", _("Axe II — Démographie et attractivité")
    COOPERATION = "III", _("Axe III — Coopération et télésanté")
    PREVENTION = "IV", _("Axe IV — Approche globale et prévention")


class PoleDeProximite(models.Model):
    """Un pôle de proximité de l'agglomération (en général une ancienne communauté de communes)."""

    nom = models.CharField(_("nom"), max_length=120, unique=True)
    ordre = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("pôle de proximité")
        verbose_name_plural = _("pôles de proximité")
        ordering = ["ordre", "nom"]

    def __str__(self) -> str:
        return self.nom


class Commune(models.Model):
    """Une commune de l'agglomération (code officiel géographique de l'INSEE)."""

    code_insee = models.CharField(_("code INSEE"), max_length=5, unique=True, validators=[valider_code_insee])
    nom = models.CharField(_("nom"), max_length=120)
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    annee_population = models.PositiveSmallIntegerField(_("année de la population"), null=True, blank=True)
    pole = models.ForeignKey(
        PoleDeProximite,
        verbose_name=_("pôle de proximité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="communes",
    )
    # Codes des communes déléguées ou associées (COG : COMD, COMA) : les registres
    # nationaux citent encore souvent l'ancienne commune.
    codes_anciens = models.JSONField(_("codes des communes déléguées ou associées"), default=list, blank=True)
    # La géométrie GeoJSON du contour (Polygon ou MultiPolygon, WGS84), telle que dans
    # donnees_cotentin/cotentin_communes.geojson : la carte des communes la dessine.
    contour = models.JSONField(_("contour (GeoJSON, WGS84)"), null=True, blank=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom

    @property
    def centre(self) -> tuple[float, float] | None:
        """(latitude, longitude) d'un point dans la commune, pour y placer ce qui n'a pas de
        coordonnées ; `None` sans contour."""
        return geometrie.centre(self.contour)


class Profession(models.Model):
    """Une profession de santé, avec son code de l'Annuaire Santé (RPPS) : 10 médecin, 60 infirmier…"""

    code = models.CharField(_("code RPPS"), max_length=10, unique=True)
    libelle = models.CharField(_("libellé"), max_length=120)

    class Meta:
        verbose_name = _("profession")
        verbose_name_plural = _("professions")
        ordering = ["libelle"]

    def __str__(self) -> str:
        return self.libelle


class Specialite(models.Model):
    """Un savoir-faire de l'Annuaire Santé (spécialité ordinale, DES…) : SM54 médecine générale…"""

    code = models.CharField(_("code RPPS"), max_length=10, unique=True)
    libelle = models.CharField(_("libellé"), max_length=200)

    class Meta:
        verbose_name = _("spécialité")
        verbose_name_plural = _("spécialités")
        ordering = ["libelle"]

    def __str__(self) -> str:
        return self.libelle


class TypeStructure(models.TextChoices):
    CENTRE_HOSPITALIER = "centre_hospitalier", _("Centre hospitalier")
    CLINIQUE = "clinique", _("Clinique")
    GCS = "gcs", _("Groupement de coopération sanitaire (GCS)")
    MSP = "msp", _("Maison de santé pluriprofessionnelle (MSP / PSLA)")
    CENTRE_DE_SANTE = "centre_de_sante", _("Centre de santé")
    MEDICO_SOCIAL = "medico_social", _("EHPAD / établissement médico-social")
    DAC = "dac", _("Dispositif d'appui à la coordination (DAC / PTA)")
    MAIA = "maia", _("MAIA")
    CLIC = "clic", _("CLIC")
    CPTS = "cpts", _("Communauté professionnelle territoriale de santé (CPTS)")
    OFFICINE = "officine", _("Pharmacie d'officine")
    INSTITUTION = "institution", _("Institution (ARS, CPAM, Département, Région, URML…)")
    FORMATION = "formation", _("Faculté, institut de formation (IFSI…)")
    ETABLISSEMENT_SCOLAIRE = "etablissement_scolaire", _("Établissement scolaire")
    AUTRE = "autre", _("Autre structure")


class Structure(models.Model):
    """Un établissement ou une organisation : hôpital, MSP, EHPAD, CPTS, institution…

    Une structure FINESS est un établissement (numéro FINESS « ET ») ; son entité
    juridique est gardée à côté, ce qui relie les établissements d'un même gestionnaire.
    L'adresse est celle du site principal ; les autres sites sont des `Site`.
    """

    nom = models.CharField(_("nom"), max_length=255)
    nom_long = models.CharField(_("raison sociale complète"), max_length=255, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=TypeStructure, default=TypeStructure.AUTRE)
    finess = models.CharField(
        _("FINESS établissement"),
        max_length=9,
        null=True,
        blank=True,
        unique=True,
        validators=[valider_finess],
    )
    finess_juridique = models.CharField(
        _("FINESS entité juridique"), max_length=9, blank=True, validators=[valider_finess]
    )
    categorie_finess = models.CharField(_("catégorie FINESS (code)"), max_length=4, blank=True)
    libelle_categorie_finess = models.CharField(_("catégorie FINESS"), max_length=120, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[valider_siret])
    adresse = models.CharField(_("adresse"), max_length=255, blank=True)
    complement_adresse = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="structures",
    )
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    courriel = models.EmailField(_("adresse électronique"), blank=True)
    site_web = models.URLField(_("site web"), blank=True)
    # Coordonnées du registre FINESS (Lambert-93, EPSG:2154) et leur conversion en WGS 84.
    x_lambert93 = models.FloatField(_("X Lambert-93"), null=True, blank=True)
    y_lambert93 = models.FloatField(_("Y Lambert-93"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    date_ouverture = models.DateField(_("date d'ouverture"), null=True, blank=True)
    groupements = models.ManyToManyField(
        "self",
        verbose_name=_("membre des groupements"),
        through="Appartenance",
        through_fields=("membre", "groupement"),
        symmetrical=False,
        related_name="membres",
        blank=True,
    )
    demo = models.BooleanField(_("donnée de démonstration"), default=False)
    cree_le = models.DateTimeField(_("créée le"), db_default=Now())
    modifie_le = models.DateTimeField(_("modifiée le"), auto_now=True)
    recherche = models.GeneratedField(
        expression=SearchVector("nom", weight="A", config=CONFIG_RECHERCHE)
        + SearchVector("nom_long", weight="B", config=CONFIG_RECHERCHE),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    nom_normalise = models.GeneratedField(
        expression=_normalise("nom"), output_field=models.TextField(), db_persist=True
    )

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["nom"]
        indexes = [
            GinIndex(fields=["recherche"], name="structure_recherche"),
            GinIndex(fields=["nom_normalise"], name="structure_trigrammes", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["type"], name="structure_type"),
            models.Index(fields=["siret"], name="structure_siret"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=TypeStructure.values), name="structure_type_valide"
            ),
            models.CheckConstraint(condition=~models.Q(nom=""), name="structure_nom_requis"),
        ]

    def __str__(self) -> str:
        return self.nom

    def get_absolute_url(self) -> str:
        return reverse("territoire:structure_detail", kwargs={"pk": self.pk})

    @property
    def est_groupement(self) -> bool:
        return self.type == TypeStructure.GCS


class Appartenance(models.Model):
    """Une structure membre d'un groupement (un GCS et ses établissements), avec ses dates."""

    groupement = models.ForeignKey(
        Structure,
        verbose_name=_("groupement"),
        on_delete=models.CASCADE,
        related_name="appartenances_membres",
    )
    membre = models.ForeignKey(
        Structure, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="appartenances"
    )
    debut = models.DateField(_("membre depuis le"))
    fin = models.DateField(_("jusqu'au"), null=True, blank=True)
    role = models.CharField(
        _("rôle dans le groupement"),
        max_length=255,
        blank=True,
        help_text=_("Par exemple : membre fondateur."),
    )

    class Meta:
        verbose_name = _("appartenance à un groupement")
        verbose_name_plural = _("appartenances à un groupement")
        ordering = ["groupement", "debut"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(groupement=models.F("membre")), name="appartenance_pas_a_soi_meme"
            ),
            models.CheckConstraint(
                condition=models.Q(fin__isnull=True) | models.Q(fin__gte=models.F("debut")),
                name="appartenance_fin_apres_debut",
            ),
            models.UniqueConstraint(fields=["groupement", "membre", "debut"], name="appartenance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.membre} — {self.groupement}"


class Site(models.Model):
    """Un autre lieu d'une structure (site secondaire, antenne, permanence)."""

    structure = models.ForeignKey(
        Structure, verbose_name=_("structure"), on_delete=models.CASCADE, related_name="sites"
    )
    nom = models.CharField(_("nom du site"), max_length=255)
    adresse = models.CharField(_("adresse"), max_length=255, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
    )
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["structure", "nom"]

    def __str__(self) -> str:
        return f"{self.structure} — {self.nom}"


class ModeExercice(models.TextChoices):
    LIBERAL = "liberal", _("Libéral")
    SALARIE = "salarie", _("Salarié")
    MIXTE = "mixte", _("Mixte (libéral et salarié)")


class Professionnel(models.Model):
    """Un professionnel de santé, identifié par son numéro RPPS."""

    rpps = models.CharField(_("numéro RPPS"), max_length=11, unique=True, validators=[valider_rpps])
    civilite = models.CharField(_("civilité"), max_length=30, blank=True)
    nom = models.CharField(_("nom d'exercice"), max_length=150)
    prenom = models.CharField(_("prénom d'exercice"), max_length=150, blank=True)
    profession = models.ForeignKey(
        Profession, verbose_name=_("profession"), on_delete=models.PROTECT, related_name="professionnels"
    )
    specialite = models.ForeignKey(
        Specialite,
        verbose_name=_("spécialité"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="professionnels",
    )
    # Déduit des activités : libéral seulement, salarié seulement (ou bénévole), ou les deux.
    mode_exercice = models.CharField(_("mode d'exercice"), max_length=10, choices=ModeExercice)
    compte = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte sur le portail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="professionnel",
    )
    # Faux quand le dernier import RPPS ne le cite plus sur le territoire.
    actif = models.BooleanField(_("exerce sur le territoire"), default=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)
    cree_le = models.DateTimeField(_("créé le"), db_default=Now())
    modifie_le = models.DateTimeField(_("modifié le"), auto_now=True)
    recherche = models.GeneratedField(
        expression=SearchVector("nom", weight="A", config=CONFIG_RECHERCHE)
        + SearchVector("prenom", weight="B", config=CONFIG_RECHERCHE),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    nom_normalise = models.GeneratedField(
        expression=_normalise("prenom", "nom"), output_field=models.TextField(), db_persist=True
    )

    class Meta:
        verbose_name = _("professionnel de santé")
        verbose_name_plural = _("professionnels de santé")
        ordering = ["nom", "prenom"]
        indexes = [
            GinIndex(fields=["recherche"], name="professionnel_recherche"),
            GinIndex(fields=["nom_normalise"], name="professionnel_trigrammes", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["profession", "actif"], name="professionnel_profession"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode_exercice__in=ModeExercice.values), name="professionnel_mode_valide"
            ),
            models.CheckConstraint(
                condition=models.Q(rpps__regex=r"^\d{11}$"), name="professionnel_rpps_11_chiffres"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom}".strip()

    def get_absolute_url(self) -> str:
        return reverse("territoire:professionnel_detail", kwargs={"pk": self.pk})


class LieuExercice(models.Model):
    """Une activité d'un professionnel en un lieu : une ligne de l'extraction RPPS."""

    class Mode(models.TextChoices):
        # Codes « mode exercice » de l'Annuaire Santé.
        LIBERAL = "L", _("Libéral")
        SALARIE = "S", _("Salarié")
        BENEVOLE = "B", _("Bénévole")

    professionnel = models.ForeignKey(
        Professionnel, verbose_name=_("professionnel"), on_delete=models.CASCADE, related_name="lieux"
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lieux_exercice",
    )
    # « Identifiant technique de la structure » du RPPS : la clé de l'activité avec le mode.
    identifiant_structure = models.CharField(_("identifiant RPPS de la structure"), max_length=40, blank=True)
    mode = models.CharField(_("mode d'exercice"), max_length=1, choices=Mode)
    code_secteur = models.CharField(_("secteur d'activité (code)"), max_length=10, blank=True)
    secteur = models.CharField(_("secteur d'activité"), max_length=150, blank=True)
    raison_sociale = models.CharField(_("raison sociale du site"), max_length=255, blank=True)
    enseigne = models.CharField(_("enseigne"), max_length=255, blank=True)
    adresse = models.CharField(_("adresse"), max_length=255, blank=True)
    complement_adresse = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="lieux_exercice"
    )
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    courriel = models.EmailField(_("adresse électronique"), blank=True, max_length=254)
    finess_site = models.CharField(_("FINESS du site"), max_length=9, blank=True)
    siret_site = models.CharField(_("SIRET du site"), max_length=14, blank=True)

    class Meta:
        verbose_name = _("lieu d'exercice")
        verbose_name_plural = _("lieux d'exercice")
        ordering = ["professionnel", "commune__nom"]
        indexes = [models.Index(fields=["commune", "professionnel"], name="lieu_exercice_commune")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode__in=["L", "S", "B"]), name="lieu_exercice_mode_valide"
            ),
            models.UniqueConstraint(
                fields=["professionnel", "identifiant_structure", "mode", "code_secteur"],
                name="lieu_exercice_une_activite",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professionnel} — {self.raison_sociale or self.commune}"

    @property
    def nom_du_lieu(self) -> str:
        return self.enseigne or self.raison_sociale or (self.structure.nom if self.structure else "")


class Projet(models.Model):
    """Un projet porté sur le territoire : projet de PSLA, action de prévention, projet prioritaire."""

    class Nature(models.TextChoices):
        PSLA = "psla", _("Projet d'exercice coordonné (MSP / PSLA)")
        PREVENTION = "prevention", _("Action de prévention")
        COOPERATION = "cooperation", _("Projet prioritaire de coopération")
        ATTRACTIVITE = "attractivite", _("Action d'attractivité")
        AUTRE = "autre", _("Autre projet")

    nom = models.CharField(_("nom"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    axe = models.CharField(_("axe du plan d'action"), max_length=3, choices=Axe)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature, default=Nature.AUTRE)
    porteurs = models.ManyToManyField(
        Professionnel, verbose_name=_("professionnels porteurs"), blank=True, related_name="projets"
    )
    structures_porteuses = models.ManyToManyField(
        Structure, verbose_name=_("structures porteuses"), blank=True, related_name="projets"
    )
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes concernées"), blank=True, related_name="projets"
    )
    debut = models.DateField(_("début"), null=True, blank=True)
    fin = models.DateField(_("fin"), null=True, blank=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)
    cree_le = models.DateTimeField(_("créé le"), db_default=Now())

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(condition=models.Q(axe__in=Axe.values), name="projet_axe_valide"),
            models.CheckConstraint(
                condition=models.Q(fin__isnull=True)
                | models.Q(debut__isnull=True)
                | models.Q(fin__gte=models.F("debut")),
                name="projet_fin_apres_debut",
            ),
        ]

    def __str__(self) -> str:
        return self.nom


class Fuite(models.Model):
    """Patients du territoire soignés hors du territoire, pour une spécialité et une année."""

    annee = models.PositiveSmallIntegerField(_("année"))
    specialite = models.CharField(_("spécialité"), max_length=150)
    patients = models.PositiveIntegerField(_("patients du territoire"))
    patients_hors_territoire = models.PositiveIntegerField(_("dont soignés hors du territoire"))
    destination_principale = models.CharField(
        _("premier lieu de soins hors territoire"), max_length=255, blank=True
    )
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("fuite de patients")
        verbose_name_plural = _("fuites de patients")
        ordering = ["-annee", "specialite"]
        constraints = [
            models.UniqueConstraint(fields=["annee", "specialite"], name="fuite_une_par_specialite_et_annee"),
            models.CheckConstraint(
                condition=models.Q(patients_hors_territoire__lte=models.F("patients")),
                name="fuite_au_plus_tous_les_patients",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.specialite} ({self.annee})"

    @property
    def part(self) -> float:
        """Part des patients soignés hors du territoire, entre 0 et 1."""
        return self.patients_hors_territoire / self.patients if self.patients else 0.0


def _stockage_imports():  # type: ignore[no-untyped-def]
    return storages["documents"]


class TypeImport(models.TextChoices):
    COMMUNES = "communes", _("Communes (INSEE : COG et composition des EPCI)")
    RPPS = "rpps", _("Professionnels de santé (Annuaire Santé, RPPS)")
    FINESS = "finess", _("Établissements (FINESS, extraction etalab)")
    FUITES = "fuites", _("Fuites de patients hors du territoire")
    # Par la commande `charger_cotentin` seulement (trois fichiers, livrés avec le code).
    COTENTIN = "cotentin", _("Communes, contours et pôles du Cotentin (données ouvertes)")


class StatutImport(models.TextChoices):
    EN_ATTENTE = "en_attente", _("En attente")
    EN_COURS = "en_cours", _("En cours")
    TERMINE = "termine", _("Terminé")
    ECHOUE = "echoue", _("Échoué")


class ImportFichier(models.Model):
    """Un import d'un fichier des registres nationaux : son avancement et son rapport.

    Lancé depuis l'administration (le fichier est gardé dans le stockage privé et lu par
    Celery) ou par une commande `importer_*` (le fichier reste où il est).
    """

    type = models.CharField(_("type d'import"), max_length=20, choices=TypeImport)
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutImport, default=StatutImport.EN_ATTENTE
    )
    fichier = models.FileField(
        _("fichier"), storage=_stockage_imports, upload_to="imports/%Y/%m/", max_length=255, blank=True
    )
    fichier_epci = models.FileField(
        _("composition des EPCI (INSEE, .xlsx)"),
        storage=_stockage_imports,
        upload_to="imports/%Y/%m/",
        max_length=255,
        blank=True,
    )
    fichier_populations = models.FileField(
        _("populations (code_insee,population)"),
        storage=_stockage_imports,
        upload_to="imports/%Y/%m/",
        max_length=255,
        blank=True,
    )
    nom_fichier = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    date_extraction = models.DateField(
        _("date de l'extraction"),
        null=True,
        blank=True,
        help_text=_("Date des données du fichier ; pour le RPPS, date du relevé des effectifs."),
    )
    lance_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports_territoire",
    )
    cree_le = models.DateTimeField(_("demandé le"), db_default=Now())
    debute_le = models.DateTimeField(_("commencé le"), null=True, blank=True)
    termine_le = models.DateTimeField(_("terminé le"), null=True, blank=True)
    etape = models.CharField(_("étape"), max_length=120, blank=True)
    progression = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    lignes_lues = models.PositiveIntegerField(_("lignes lues"), default=0)
    rapport = models.JSONField(_("rapport"), default=dict, blank=True)
    erreur = models.TextField(_("erreur"), blank=True)
    # Les imports de `manage.py demo` : leurs relevés d'effectifs sont des données de démonstration.
    demo = models.BooleanField(_("import de démonstration"), default=False)

    class Meta:
        verbose_name = _("import de fichier")
        verbose_name_plural = _("imports de fichiers")
        ordering = ["-cree_le", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(type__in=TypeImport.values), name="import_type_valide"),
            models.CheckConstraint(
                condition=models.Q(statut__in=StatutImport.values), name="import_statut_valide"
            ),
            models.CheckConstraint(
                condition=models.Q(progression__lte=100), name="import_progression_pourcentage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} — {self.nom_fichier or format(self.cree_le, '%d/%m/%Y')}"

    def get_absolute_url(self) -> str:
        return reverse("admin:territoire_importfichier_change", args=[self.pk])

    @property
    def est_fini(self) -> bool:
        return self.statut in {StatutImport.TERMINE, StatutImport.ECHOUE}

    @property
    def resume(self) -> str:
        """Le rapport en une phrase (vide tant que l'import n'est pas terminé)."""
        return Rapport.depuis_json(self.rapport).resume() if self.rapport else ""


class ReleveEffectifs(models.Model):
    """Effectifs relevés à un import RPPS : par profession (et spécialité), par pôle et sur
    tout le territoire (`pole` vide). Un professionnel qui exerce dans deux pôles compte
    dans chacun, mais une seule fois pour le territoire."""

    import_fichier = models.ForeignKey(
        ImportFichier, verbose_name=_("import"), on_delete=models.CASCADE, related_name="releves"
    )
    date = models.DateField(_("date du relevé"), db_index=True)
    profession = models.ForeignKey(
        Profession, verbose_name=_("profession"), on_delete=models.PROTECT, related_name="+"
    )
    # Vide : toutes spécialités confondues.
    specialite = models.ForeignKey(
        Specialite,
        verbose_name=_("spécialité"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Vide : tout le territoire.
    pole = models.ForeignKey(
        PoleDeProximite,
        verbose_name=_("pôle de proximité"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="releves",
    )
    effectif = models.PositiveIntegerField(_("effectif"))

    class Meta:
        verbose_name = _("relevé des effectifs")
        verbose_name_plural = _("relevés des effectifs")
        ordering = ["-date", "profession"]
        constraints = [
            models.UniqueConstraint(
                fields=["import_fichier", "profession", "specialite", "pole"],
                name="releve_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profession} — {self.pole or _('territoire')} — {self.date:%d/%m/%Y}"


class BesoinTerritoire(models.Model):
    """Un besoin relevé par le diagnostic local de santé, sur des communes ou des pôles et pour
    des professions : les demandes de financement disent lesquels elles servent."""

    libelle = models.CharField(_("besoin"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    annee_diagnostic = models.PositiveSmallIntegerField(_("année du diagnostic"))
    poles = models.ManyToManyField(
        PoleDeProximite, verbose_name=_("pôles de proximité"), blank=True, related_name="besoins"
    )
    communes = models.ManyToManyField(Commune, verbose_name=_("communes"), blank=True, related_name="besoins")
    professions = models.ManyToManyField(
        Profession, verbose_name=_("professions"), blank=True, related_name="besoins"
    )
    actif = models.BooleanField(
        _("proposé aux demandes"),
        default=True,
        help_text=_("Décochez un besoin satisfait ou remplacé par un diagnostic plus récent."),
    )
    ordre = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("besoin du territoire")
        verbose_name_plural = _("besoins du territoire (diagnostic local de santé)")
        ordering = ["ordre", "libelle"]

    def __str__(self) -> str:
        return self.libelle
