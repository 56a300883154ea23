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
        permissions = [("organiser_rencontre", _("Organiser les rencontres (inscriptions, accueil, badges)"))]
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
