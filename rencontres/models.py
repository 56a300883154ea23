"""Les rencontres auxquelles on s'inscrit (DESIGN.md §4 « rencontres ») : week-ends de promotion
du territoire et soirées des internes, congrès soutenus, formations continues, formations à la
télésanté dans les pôles, sessions du service sanitaire. Un seul moteur d'inscription pour toutes.

Une `Rencontre` a un programme d'`Activite`s (chacune sa capacité : dîner, sortie en mer, visite
du CHPC, atelier), des `Question`s posées à l'inscription ; une `Inscription` est celle d'une
personne et de son foyer (`Participant`s : elle-même, son conjoint, ses enfants), pour les
activités choisies (`Place`s), tout ou rien. Le mot `Evenement` est pris par le journal d'audit
du socle : d'où `Rencontre`.
"""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territoire.models import Commune, Structure


class TypeRencontre(models.TextChoices):
    PROMOTION = "promotion", _("Promotion du territoire")
    CONGRES = "congres", _("Congrès ou séminaire soutenu")
    FORMATION = "formation", _("Formation continue")
    FORMATION_TELESANTE = "formation_telesante", _("Formation à la télésanté")
    SERVICE_SANITAIRE = "service_sanitaire", _("Service sanitaire")


class StatutRencontre(models.TextChoices):
    BROUILLON = "brouillon", _("Brouillon")
    PUBLIEE = "publiee", _("Publiée")
    ANNULEE = "annulee", _("Annulée")


class Rencontre(models.Model):
    titre = models.CharField(_("titre"), max_length=200)
    type = models.CharField(_("genre de rencontre"), max_length=30, choices=TypeRencontre)
    description = models.TextField(_("présentation publique"))
    public = models.CharField(
        _("public visé"),
        max_length=255,
        help_text=_("Par exemple : internes en médecine générale, IDE, tous."),
    )
    debut = models.DateTimeField(_("début"))
    fin = models.DateTimeField(_("fin"))
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rencontres",
    )
    lieu = models.CharField(_("lieu"), max_length=255, blank=True)
    organisateur = models.ForeignKey(
        Structure,
        verbose_name=_("organisateur partenaire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rencontres_organisees",
        help_text=_("Aucun : l'agglomération organise elle-même."),
    )
    inscriptions_du = models.DateTimeField(_("inscriptions ouvertes du"))
    inscriptions_au = models.DateTimeField(_("inscriptions closes le"))
    moderee = models.BooleanField(
        _("inscriptions validées une à une"),
        default=False,
        help_text=_(
            "Chaque inscription attend la validation de l'organisation ; elle tient sa place en attendant."
        ),
    )
    foyer_max = models.PositiveSmallIntegerField(
        _("personnes par inscription"),
        default=1,
        help_text=_("1 : chacun s'inscrit seul ; 4 : une personne et jusqu'à trois membres de son foyer."),
    )
    delai_de_confirmation = models.DurationField(
        _("délai pour confirmer une place libérée"),
        default=timedelta(hours=48),
    )
    rappel_dans_l_agenda = models.DurationField(
        _("alarme du fichier d'agenda, avant le début"), default=timedelta(days=1)
    )
    # Une rencontre de promotion propose aux personnes inscrites de rejoindre le vivier du
    # recrutement commun : un accord daté, au texte gardé, que l'on retire.
    propose_le_vivier = models.BooleanField(
        _("proposer de rejoindre le vivier du recrutement"),
        default=False,
        help_text=_(
            "Les inscrits qui l'acceptent sont suivis jusqu'à leur candidature et leur installation."
        ),
    )
    # Les heures de formation comptées pour une demi-journée émargée (attestation, bilan).
    heures_par_demi_journee = models.DecimalField(
        _("heures de formation par demi-journée"), max_digits=3, decimal_places=1, default=Decimal("3.5")
    )
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutRencontre, default=StatutRencontre.BROUILLON
    )
    # Le numéro de version des fichiers d'agenda (SEQUENCE, RFC 5545) : il monte à chaque
    # changement de date, de lieu ou d'état, pour que les agendas remplacent l'ancienne version.
    sequence = models.PositiveIntegerField(_("version de l'agenda"), default=0)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="rencontres_creees",
    )
    cree_le = models.DateTimeField(_("créée le"), db_default=Now())
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")
        ordering = ["debut", "id"]
        permissions = [
            ("organiser_rencontre", _("Organiser les rencontres (inscriptions, accueil, badges)")),
            # Donné au compte d'un partenaire avec sa première rencontre confiée, retiré avec la
            # dernière : le menu de chaque page le lit dans les droits déjà chargés.
            ("organiser_rencontre_confiee", _("Organiser les rencontres confiées par l'agglomération")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fin__gte=models.F("debut")), name="rencontre_fin_apres_debut"
            ),
            models.CheckConstraint(
                condition=models.Q(inscriptions_au__gte=models.F("inscriptions_du")),
                name="rencontre_inscriptions_ordonnees",
            ),
            models.CheckConstraint(condition=models.Q(foyer_max__gte=1), name="rencontre_foyer_au_moins_un"),
            models.CheckConstraint(
                condition=models.Q(type__in=TypeRencontre.values), name="rencontre_type_valide"
            ),
            models.CheckConstraint(
                condition=models.Q(statut__in=StatutRencontre.values), name="rencontre_statut_valide"
            ),
        ]

    def __str__(self) -> str:
        return self.titre

    def get_absolute_url(self) -> str:
        return reverse("rencontres:rencontre", kwargs={"pk": self.pk})


class Activite(models.Model):
    """Un moment du programme, avec sa capacité (aucune : sans limite)."""

    rencontre = models.ForeignKey(
        Rencontre, verbose_name=_("rencontre"), on_delete=models.CASCADE, related_name="activites"
    )
    titre = models.CharField(_("titre"), max_length=200)
    debut = models.DateTimeField(_("début"))
    fin = models.DateTimeField(_("fin"))
    lieu = models.CharField(_("lieu"), max_length=255, blank=True)
    capacite = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("Laissez vide pour une activité sans limite de places."),
    )
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["rencontre", "debut", "ordre", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fin__gte=models.F("debut")), name="activite_fin_apres_debut"
            ),
            models.CheckConstraint(
                condition=models.Q(capacite__isnull=True) | models.Q(capacite__gte=1),
                name="activite_capacite_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.titre


class TypeQuestion(models.TextChoices):
    TEXTE = "texte", _("Texte libre")
    CHOIX = "choix", _("Un choix dans une liste")
    OUI_NON = "oui_non", _("Oui ou non")
    NOMBRE = "nombre", _("Nombre")


class Question(models.Model):
    """Une question posée à l'inscription : profession, année d'internat, faculté, régime
    alimentaire…"""

    rencontre = models.ForeignKey(
        Rencontre, verbose_name=_("rencontre"), on_delete=models.CASCADE, related_name="questions"
    )
    libelle = models.CharField(_("question"), max_length=255)
    type = models.CharField(
        _("type de réponse"), max_length=10, choices=TypeQuestion, default=TypeQuestion.TEXTE
    )
    choix = models.JSONField(_("choix proposés"), default=list, blank=True)
    obligatoire = models.BooleanField(_("réponse obligatoire"), default=True)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["rencontre", "ordre", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=TypeQuestion.values), name="question_type_valide"
            ),
        ]

    def __str__(self) -> str:
        return self.libelle


class EtatInscription(models.TextChoices):
    EN_ATTENTE_DE_VALIDATION = "a_valider", _("En attente de validation")
    CONFIRMEE = "confirmee", _("Confirmée")
    LISTE_D_ATTENTE = "liste_attente", _("Sur liste d'attente")
    PLACE_PROPOSEE = "place_proposee", _("Place proposée, à confirmer")
    ANNULEE = "annulee", _("Annulée")


# Les états qui tiennent des places : une inscription à valider garde la sienne (la validation
# ne peut pas surbooker), une place proposée aussi jusqu'à son échéance.
ETATS_QUI_TIENNENT_DES_PLACES = (
    EtatInscription.CONFIRMEE,
    EtatInscription.EN_ATTENTE_DE_VALIDATION,
    EtatInscription.PLACE_PROPOSEE,
)
ETATS_ACTIFS = (*ETATS_QUI_TIENNENT_DES_PLACES, EtatInscription.LISTE_D_ATTENTE)


def _code() -> str:
    # 10 caractères sans ambiguïté (ni 0/O ni 1/I) : lisibles à voix haute à l'accueil.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Inscription(models.Model):
    """L'inscription d'une personne (et de son foyer) à une rencontre."""

    rencontre = models.ForeignKey(
        Rencontre, verbose_name=_("rencontre"), on_delete=models.PROTECT, related_name="inscriptions"
    )
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inscriptions_rencontres",
    )
    nom = models.CharField(_("nom"), max_length=150)
    prenom = models.CharField(_("prénom"), max_length=150)
    # Vide pour une personne venue sans inscription, inscrite à l'entrée.
    email = models.EmailField(_("adresse électronique"), blank=True)
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    # Pour le badge : « Interne en médecine générale », « CHPC ».
    profession = models.CharField(_("profession ou année d'études"), max_length=150, blank=True)
    structure = models.CharField(_("structure, faculté ou école"), max_length=150, blank=True)
    etat = models.CharField(_("état"), max_length=20, choices=EtatInscription)
    cree_le = models.DateTimeField(_("inscrite le"))
    etat_le = models.DateTimeField(_("état depuis le"))
    place_a_confirmer_avant = models.DateTimeField(_("place à confirmer avant le"), null=True, blank=True)
    # Le code du QR de la confirmation, que l'accueil pointe, et celui de l'attestation.
    code = models.CharField(_("code"), max_length=10, unique=True, default=_code)
    arrivee_le = models.DateTimeField(_("arrivée pointée le"), null=True, blank=True)
    # Monte à chaque changement qui touche l'agenda de la personne (annulation…).
    sequence = models.PositiveIntegerField(_("version de son agenda"), default=0)
    # L'accord donné à l'inscription pour rejoindre le vivier du recrutement (rencontres de
    # promotion) : sa date et le texte exact accepté ; retiré, la date du retrait.
    accord_vivier_le = models.DateTimeField(_("accord pour le vivier donné le"), null=True, blank=True)
    accord_vivier_texte = models.TextField(_("texte de l'accord accepté"), blank=True)
    accord_vivier_retire_le = models.DateTimeField(_("accord retiré le"), null=True, blank=True)
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["rencontre", "cree_le", "id"]
        indexes = [models.Index(fields=["rencontre", "etat", "cree_le"], name="inscription_file")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(etat__in=EtatInscription.values), name="inscription_etat_valide"
            ),
            models.UniqueConstraint(
                "rencontre",
                Lower("email"),
                condition=~models.Q(etat="annulee") & ~models.Q(email=""),
                name="inscription_une_active_par_adresse",
            ),
            models.CheckConstraint(
                condition=~models.Q(etat="place_proposee") | models.Q(place_a_confirmer_avant__isnull=False),
                name="inscription_place_proposee_datee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom} — {self.rencontre}"

    @property
    def tient_des_places(self) -> bool:
        return self.etat in ETATS_QUI_TIENNENT_DES_PLACES


class LienFoyer(models.TextChoices):
    TITULAIRE = "titulaire", _("La personne inscrite")
    CONJOINT = "conjoint", _("Conjoint ou conjointe")
    ENFANT = "enfant", _("Enfant")
    AUTRE = "autre", _("Autre membre du foyer")


class Participant(models.Model):
    """Une personne d'une inscription : la titulaire elle-même, ou un membre de son foyer."""

    inscription = models.ForeignKey(
        Inscription, verbose_name=_("inscription"), on_delete=models.CASCADE, related_name="participants"
    )
    nom = models.CharField(_("nom"), max_length=150)
    prenom = models.CharField(_("prénom"), max_length=150)
    lien = models.CharField(_("lien"), max_length=10, choices=LienFoyer, default=LienFoyer.TITULAIRE)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["inscription", "ordre", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lien__in=LienFoyer.values), name="participant_lien_valide"
            ),
            models.UniqueConstraint(
                fields=["inscription"], condition=models.Q(lien="titulaire"), name="participant_un_titulaire"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom}"


class Place(models.Model):
    """La place d'un participant à une activité. Elle compte dans la capacité tant que son
    inscription tient des places (`ETATS_QUI_TIENNENT_DES_PLACES`) ; sur liste d'attente, elle
    dit ce que le foyer demande."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="places"
    )
    activite = models.ForeignKey(
        Activite, verbose_name=_("activité"), on_delete=models.PROTECT, related_name="places"
    )
    # Dénormalisé pour compter les places d'une activité en une requête indexée.
    inscription = models.ForeignKey(
        Inscription, verbose_name=_("inscription"), on_delete=models.CASCADE, related_name="places"
    )

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(fields=["participant", "activite"], name="place_une_par_activite"),
        ]
        indexes = [models.Index(fields=["activite", "inscription"], name="place_activite")]

    def __str__(self) -> str:
        return f"{self.participant} — {self.activite}"


class Reponse(models.Model):
    inscription = models.ForeignKey(
        Inscription, verbose_name=_("inscription"), on_delete=models.CASCADE, related_name="reponses"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="reponses"
    )
    valeur = models.TextField(_("réponse"), blank=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(fields=["inscription", "question"], name="reponse_une_par_question")
        ]

    def __str__(self) -> str:
        return f"{self.question} : {self.valeur}"


class GenreRappel(models.TextChoices):
    J_MOINS_7 = "j7", _("Rappel à sept jours")
    J_MOINS_1 = "j1", _("Rappel la veille")


class RappelEnvoye(models.Model):
    """Un rappel parti à une inscription : une fois, même si la tâche est rejouée."""

    inscription = models.ForeignKey(
        Inscription, verbose_name=_("inscription"), on_delete=models.CASCADE, related_name="rappels"
    )
    genre = models.CharField(_("rappel"), max_length=2, choices=GenreRappel)
    envoye_le = models.DateTimeField(_("envoyé le"), db_default=Now())

    class Meta:
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")
        constraints = [models.UniqueConstraint(fields=["inscription", "genre"], name="rappel_un_par_genre")]

    def __str__(self) -> str:
        return f"{self.inscription} — {self.get_genre_display()}"


class MessageAuxInscrits(models.Model):
    """Un message de l'organisation à toutes les personnes inscrites, ou à une partie (un état,
    une activité) : gardé avec son filtre et le nombre de destinataires."""

    rencontre = models.ForeignKey(
        Rencontre, verbose_name=_("rencontre"), on_delete=models.CASCADE, related_name="messages"
    )
    sujet = models.CharField(_("sujet"), max_length=200)
    texte = models.TextField(_("message"))
    etat = models.CharField(
        _("aux inscriptions à l'état"), max_length=20, choices=EtatInscription, blank=True
    )
    activite = models.ForeignKey(
        Activite,
        verbose_name=_("aux inscrits de l'activité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    destinataires = models.PositiveIntegerField(_("destinataires"), default=0)
    envoye_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("envoyé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    envoye_le = models.DateTimeField(_("envoyé le"), db_default=Now())

    class Meta:
        verbose_name = _("message aux inscrits")
        verbose_name_plural = _("messages aux inscrits")
        ordering = ["rencontre", "-envoye_le", "-id"]

    def __str__(self) -> str:
        return self.sujet


class Organisateur(models.Model):
    """Un compte d'un partenaire (l'ordre, l'URPS, l'association qui tient le congrès) à qui
    l'agglomération confie l'organisation d'une rencontre : il en voit et gère les inscriptions,
    l'accueil, les badges et l'émargement, et rien des autres rencontres."""

    rencontre = models.ForeignKey(
        Rencontre, verbose_name=_("rencontre"), on_delete=models.CASCADE, related_name="organisateurs"
    )
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="rencontres_confiees",
    )
    ajoute_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ajouté par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ajoute_le = models.DateTimeField(_("ajouté le"), db_default=Now())

    class Meta:
        verbose_name = _("organisateur partenaire")
        verbose_name_plural = _("organisateurs partenaires")
        ordering = ["rencontre", "ajoute_le", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rencontre", "compte"], name="organisateur_un_par_compte")
        ]

    def __str__(self) -> str:
        return f"{self.compte} — {self.rencontre}"


class DemiJournee(models.TextChoices):
    MATIN = "matin", _("Matin")
    APRES_MIDI = "apres_midi", _("Après-midi")


class Emargement(models.Model):
    """La signature d'un participant pour une demi-journée, à l'écran (le téléphone ou la
    tablette de l'accueil) : la feuille d'émargement d'une formation."""

    inscription = models.ForeignKey(
        Inscription, verbose_name=_("inscription"), on_delete=models.CASCADE, related_name="emargements"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="emargements"
    )
    jour = models.DateField(_("jour"))
    demi_journee = models.CharField(_("demi-journée"), max_length=10, choices=DemiJournee)
    signe_le = models.DateTimeField(_("signé le"))
    recueilli_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recueilli par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("émargement")
        verbose_name_plural = _("émargements")
        # Le matin avant l'après-midi (l'ordre alphabétique des valeurs dirait l'inverse).
        ordering = [
            "jour",
            models.Case(models.When(demi_journee="matin", then=models.Value(0)), default=models.Value(1)),
            "id",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "jour", "demi_journee"], name="emargement_un_par_demi_journee"
            ),
            models.CheckConstraint(
                condition=models.Q(demi_journee__in=DemiJournee.values), name="emargement_demi_journee_valide"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.jour} {self.get_demi_journee_display()}"


class GenreRessource(models.TextChoices):
    CHAMBRE = "chambre", _("Chambre")
    NAVETTE = "navette", _("Place de navette")


class Ressource(models.Model):
    """Une chambre (d'hôtel, de gîte) ou une navette d'une rencontre, avec ses places. Réservée
    auprès de l'hôtel ou du transporteur, elle est gelée : ses attributions ne changent plus que
    par une demande que l'organisation accepte ou refuse."""

    rencontre = models.ForeignKey(
        Rencontre, verbose_name=_("rencontre"), on_delete=models.CASCADE, related_name="ressources"
    )
    genre = models.CharField(_("genre"), max_length=10, choices=GenreRessource)
    libelle = models.CharField(
        _("libellé"),
        max_length=150,
        help_text=_("Par exemple : Hôtel de la Plage, chambre 12 ; navette de 18 h."),
    )
    capacite = models.PositiveSmallIntegerField(_("places"))
    reservee_le = models.DateTimeField(_("réservée (gelée) le"), null=True, blank=True)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("chambre ou navette")
        verbose_name_plural = _("chambres et navettes")
        ordering = ["rencontre", "genre", "ordre", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(genre__in=GenreRessource.values), name="ressource_genre_valide"
            ),
            models.CheckConstraint(condition=models.Q(capacite__gte=1), name="ressource_au_moins_une_place"),
        ]

    def __str__(self) -> str:
        return self.libelle

    @property
    def gelee(self) -> bool:
        return self.reservee_le is not None


class Attribution(models.Model):
    """La place d'un participant dans une chambre ou une navette : une de chaque genre au plus."""

    ressource = models.ForeignKey(
        Ressource, verbose_name=_("chambre ou navette"), on_delete=models.CASCADE, related_name="attributions"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="attributions"
    )
    # Recopié de la ressource : la base garde une chambre et une navette au plus par personne.
    genre = models.CharField(_("genre"), max_length=10, choices=GenreRessource)
    attribuee_le = models.DateTimeField(_("attribuée le"), db_default=Now())
    attribuee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attribuée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")
        ordering = ["ressource", "id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "genre"], name="attribution_une_par_genre"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.ressource}"


class StatutDemandeDeChangement(models.TextChoices):
    EN_ATTENTE = "en_attente", _("En attente")
    ACCEPTEE = "acceptee", _("Acceptée")
    REFUSEE = "refusee", _("Refusée")


class DemandeDeChangement(models.Model):
    """Une demande de changer de chambre ou de navette gelée : de la personne inscrite (depuis
    sa page) ou d'un organisateur partenaire ; l'agglomération l'accepte ou la refuse."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="demandes_de_changement",
    )
    genre = models.CharField(_("genre"), max_length=10, choices=GenreRessource)
    souhait = models.ForeignKey(
        Ressource,
        verbose_name=_("chambre ou navette souhaitée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Aucune : ne plus en avoir."),
    )
    motif = models.TextField(_("motif"))
    statut = models.CharField(
        _("statut"),
        max_length=12,
        choices=StatutDemandeDeChangement,
        default=StatutDemandeDeChangement.EN_ATTENTE,
    )
    demandee_le = models.DateTimeField(_("demandée le"), db_default=Now())
    demandee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decidee_le = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reponse = models.TextField(_("réponse"), blank=True)

    class Meta:
        verbose_name = _("demande de changement")
        verbose_name_plural = _("demandes de changement")
        ordering = ["-demandee_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statut__in=StatutDemandeDeChangement.values),
                name="changement_statut_valide",
            ),
            models.UniqueConstraint(
                fields=["participant", "genre"],
                condition=models.Q(statut="en_attente"),
                name="changement_un_en_attente_par_genre",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.get_genre_display()}"


class StatutDemandeDeSoutien(models.TextChoices):
    DEPOSEE = "deposee", _("Déposée")
    EN_INSTRUCTION = "en_instruction", _("En instruction")
    AVIS = "avis", _("Soumise à l'avis du Collège")
    ACCORDEE = "accordee", _("Accordée")
    REFUSEE = "refusee", _("Refusée")
    RETIREE = "retiree", _("Retirée")


class DemandeDeSoutien(models.Model):
    """La demande d'un organisme (ordre, URPS, société savante, association) que l'agglomération
    soutienne son congrès, séminaire ou journée : ce qu'il lui faut (salle, logistique, argent).
    Instruite par un agent, soumise à l'avis du Collège quand le montant l'exige, puis, accordée,
    elle devient une rencontre."""

    structure = models.ForeignKey(
        Structure,
        verbose_name=_("organisme demandeur"),
        on_delete=models.PROTECT,
        related_name="demandes_de_soutien",
    )
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="demandes_de_soutien",
    )
    titre = models.CharField(_("titre du congrès ou de la journée"), max_length=200)
    description = models.TextField(_("présentation"))
    public = models.CharField(_("public visé"), max_length=255)
    debut = models.DateTimeField(_("début"))
    fin = models.DateTimeField(_("fin"))
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    participants_attendus = models.PositiveIntegerField(_("participants attendus"))
    besoin_salle = models.BooleanField(_("une salle"), default=False)
    besoin_logistique = models.TextField(
        _("logistique demandée"),
        blank=True,
        help_text=_("Accueil, navettes, hébergement, impression, repas…"),
    )
    montant_demande = models.DecimalField(
        _("montant demandé (€)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutDemandeDeSoutien, default=StatutDemandeDeSoutien.DEPOSEE
    )
    instructeur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructeur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    montant_accorde = models.DecimalField(
        _("montant accordé (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    motif = models.TextField(_("motif de la décision"), blank=True)
    scrutin = models.ForeignKey(
        "college.Scrutin",
        verbose_name=_("scrutin d'avis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deposee_le = models.DateTimeField(_("déposée le"), db_default=Now())
    decidee_le = models.DateTimeField(_("décidée le"), null=True, blank=True)
    rencontre = models.OneToOneField(
        Rencontre,
        verbose_name=_("rencontre créée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demande_de_soutien",
    )
    demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("demande de soutien à un congrès")
        verbose_name_plural = _("demandes de soutien à un congrès")
        ordering = ["-deposee_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statut__in=StatutDemandeDeSoutien.values), name="soutien_statut_valide"
            ),
            models.CheckConstraint(
                condition=models.Q(fin__gte=models.F("debut")), name="soutien_fin_apres_debut"
            ),
            models.CheckConstraint(
                condition=models.Q(montant_demande__gte=0), name="soutien_montant_positif"
            ),
        ]

    def __str__(self) -> str:
        return self.titre

    def get_absolute_url(self) -> str:
        return reverse("rencontres:soutien", args=[self.pk])
