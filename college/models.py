"""Le Collège des professionnels : scrutins (élections, délibérations, avis), déclarations
d'intérêts, procurations de vote, et discussions entre les séances.

Le secret du vote (docs/scrutin-secret.md) : l'émargement (`Emargement` : qui a voté) et
l'urne ne partagent aucune clé, aucun identifiant ordonné, aucune date. Mais qui lit la base
elle-même rapproche les lignes écrites par une même transaction : pendant le vote, un
bulletin secret n'est donc écrit que chiffré (`BulletinScelle`), illisible sans la clé
maîtresse qui n'est pas dans la base ; l'urne publiée (`Bulletin` : son choix et un code de
reçu aléatoire que seul le votant connaît) n'est écrite qu'à la clôture, d'un bloc.
"""

import secrets
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from conseil.models import BaseMajorite, Departage


class TypeScrutin(models.TextChoices):
    ELECTION = "election", _("Élection")
    DELIBERATION = "deliberation", _("Délibération")
    AVIS = "avis", _("Avis")


class StatutScrutin(models.TextChoices):
    PREPARATION = "preparation", _("En préparation")
    OUVERT = "ouvert", _("Ouvert")
    CLOS = "clos", _("Clos")
    ANNULE = "annule", _("Annulé")


class Choix(models.TextChoices):
    POUR = "pour", _("Pour")
    CONTRE = "contre", _("Contre")
    ABSTENTION = "abstention", _("Abstention")
    FAVORABLE = "favorable", _("Favorable")
    RESERVE = "reserve", _("Réservé")
    DEFAVORABLE = "defavorable", _("Défavorable")
    # Une élection : les candidats choisis, ou un bulletin blanc.
    CANDIDATS = "candidats", _("Candidats choisis")
    BLANC = "blanc", _("Bulletin blanc")


CHOIX_PAR_TYPE: dict[str, tuple[str, ...]] = {
    TypeScrutin.DELIBERATION: (Choix.POUR, Choix.CONTRE, Choix.ABSTENTION),
    TypeScrutin.AVIS: (Choix.FAVORABLE, Choix.RESERVE, Choix.DEFAVORABLE, Choix.ABSTENTION),
    TypeScrutin.ELECTION: (Choix.CANDIDATS, Choix.BLANC),
}


class Texte(models.Model):
    """Un texte soumis au Collège (charte, règlement, contribution) : objet d'un scrutin ou
    d'une discussion."""

    instance = models.ForeignKey(
        "conseil.Instance", verbose_name=_("instance"), on_delete=models.PROTECT, related_name="textes"
    )
    titre = models.CharField(_("titre"), max_length=255)
    corps = models.TextField(_("texte"), blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cree_le = models.DateTimeField(_("proposé le"), db_default=Now())

    class Meta:
        verbose_name = _("texte")
        verbose_name_plural = _("textes")
        ordering = ["-cree_le", "-id"]

    def __str__(self) -> str:
        return self.titre

    def get_absolute_url(self) -> str:
        return reverse("college:texte_detail", kwargs={"pk": self.pk})


class Scrutin(models.Model):
    """Un vote d'une instance : ses règles sont celles de l'instance, figées à l'ouverture."""

    instance = models.ForeignKey(
        "conseil.Instance", verbose_name=_("instance"), on_delete=models.PROTECT, related_name="scrutins"
    )
    type_scrutin = models.CharField(_("type"), max_length=20, choices=TypeScrutin)
    titre = models.CharField(_("titre"), max_length=255)
    question = models.TextField(_("question posée"), blank=True)
    reunion = models.ForeignKey(
        "conseil.Reunion",
        verbose_name=_("séance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scrutins",
        help_text=_(
            "La séance dont le procès-verbal reprend le résultat ; vide pour une consultation écrite."
        ),
    )
    # Le sujet : un point de l'ordre du jour, un texte, plus tard une demande de financement.
    objet_type = models.ForeignKey(
        ContentType,
        verbose_name=_("sujet (type)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    objet_id = models.CharField(_("sujet (identifiant)"), max_length=64, blank=True)
    objet = GenericForeignKey("objet_type", "objet_id")
    sieges = models.PositiveSmallIntegerField(_("sièges à pourvoir"), default=1)
    secret = models.BooleanField(_("scrutin secret"), default=True)
    ouverture = models.DateTimeField(_("ouverture du vote"))
    cloture = models.DateTimeField(_("clôture du vote"))
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutScrutin, default=StatutScrutin.PREPARATION
    )
    # Les règles, figées à l'ouverture (vides tant que le scrutin se prépare).
    quorum_part = models.DecimalField(
        _("quorum (part du corps électoral)"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    quorum_compte_procurations = models.BooleanField(
        _("les procurations comptent pour le quorum"), null=True, blank=True
    )
    base_majorite = models.CharField(_("majorité requise"), max_length=20, choices=BaseMajorite, blank=True)
    abstentions_exprimees = models.BooleanField(
        _("abstentions comptées comme exprimées"), null=True, blank=True
    )
    procurations_autorisees = models.BooleanField(_("procurations autorisées"), null=True, blank=True)
    procurations_max_par_membre = models.PositiveSmallIntegerField(
        _("procurations détenues au plus"), null=True, blank=True
    )
    departage = models.CharField(_("départage"), max_length=20, choices=Departage, blank=True)
    ouvert_le = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    clos_le = models.DateTimeField(_("clos le"), null=True, blank=True)
    motif_cloture_anticipee = models.TextField(_("motif de la clôture anticipée"), blank=True)
    # Scrutin secret : la paire de clés tirée à l'ouverture (college/chiffrement.py). La clé
    # privée n'est jamais en clair en base : enveloppée par la clé maîtresse, hors de la base,
    # elle est effacée à la clôture (et à l'annulation) ; la clé publique reste.
    cle_publique = models.BinaryField(_("clé publique de l'urne"), null=True, blank=True, editable=False)
    cle_privee_enveloppee = models.BinaryField(
        _("clé privée de l'urne, enveloppée"), null=True, blank=True, editable=False
    )
    # Le dépouillement, figé à la clôture (voir services.resultat_calculer).
    resultat = models.JSONField(_("résultat"), null=True, blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cree_le = models.DateTimeField(_("créé le"), db_default=Now())

    class Meta:
        verbose_name = _("scrutin")
        verbose_name_plural = _("scrutins")
        ordering = ["-ouverture", "-id"]
        indexes = [
            models.Index(fields=["statut", "cloture"]),
            models.Index(fields=["objet_type", "objet_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(type_scrutin__in=TypeScrutin.values), name="scrutin_type_valide"
            ),
            models.CheckConstraint(
                condition=Q(statut__in=StatutScrutin.values), name="scrutin_statut_valide"
            ),
            models.CheckConstraint(
                condition=Q(cloture__gt=models.F("ouverture")), name="scrutin_cloture_apres_ouverture"
            ),
            models.CheckConstraint(condition=Q(sieges__gte=1), name="scrutin_au_moins_un_siege"),
            models.CheckConstraint(
                condition=Q(statut=StatutScrutin.PREPARATION)
                | Q(statut=StatutScrutin.ANNULE)
                | Q(ouvert_le__isnull=False, quorum_part__isnull=False),
                name="scrutin_regles_figees_a_l_ouverture",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutScrutin.CLOS) | Q(resultat__isnull=False, clos_le__isnull=False),
                name="scrutin_clos_avec_resultat",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutScrutin.OUVERT) | Q(secret=False) | Q(cle_publique__isnull=False),
                name="scrutin_secret_ouvert_avec_sa_cle",
            ),
            models.CheckConstraint(
                condition=~Q(statut__in=(StatutScrutin.CLOS, StatutScrutin.ANNULE))
                | Q(cle_privee_enveloppee__isnull=True),
                name="scrutin_cle_privee_effacee_apres_le_vote",
            ),
        ]

    def __str__(self) -> str:
        return self.titre

    def get_absolute_url(self) -> str:
        return reverse("college:scrutin_detail", kwargs={"pk": self.pk})

    @property
    def choix_possibles(self) -> tuple[str, ...]:
        return CHOIX_PAR_TYPE[self.type_scrutin]


class Candidature(models.Model):
    """Un membre se présente à une élection."""

    scrutin = models.ForeignKey(
        Scrutin, verbose_name=_("scrutin"), on_delete=models.CASCADE, related_name="candidatures"
    )
    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("candidat"),
        on_delete=models.PROTECT,
        related_name="candidatures",
    )
    date_naissance = models.DateField(
        _("date de naissance"),
        null=True,
        blank=True,
        help_text=_("Sert seulement à départager une égalité de voix."),
    )
    presentation = models.TextField(_("présentation"), blank=True)
    declaree_le = models.DateTimeField(_("déclarée le"), db_default=Now())

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["scrutin", "personne__nom", "personne__prenom"]
        constraints = [models.UniqueConstraint(fields=["scrutin", "personne"], name="candidature_unique")]

    def __str__(self) -> str:
        return str(self.personne)


class DeclarationInteret(models.Model):
    """Un membre a un intérêt dans un sujet (une demande de financement qu'il porte, un texte
    qui le concerne) : il ne vote pas sur ce sujet, et le résultat le dit."""

    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.PROTECT,
        related_name="declarations_interet",
    )
    objet_type = models.ForeignKey(
        ContentType, verbose_name=_("sujet (type)"), on_delete=models.PROTECT, related_name="+"
    )
    objet_id = models.CharField(_("sujet (identifiant)"), max_length=64)
    objet = GenericForeignKey("objet_type", "objet_id")
    nature = models.TextField(_("nature de l'intérêt"))
    declaree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déclarée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declaree_le = models.DateTimeField(_("déclarée le"), db_default=Now())

    class Meta:
        verbose_name = _("déclaration d'intérêt")
        verbose_name_plural = _("déclarations d'intérêt")
        ordering = ["-declaree_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["personne", "objet_type", "objet_id"], name="interet_un_par_sujet"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.personne} — {self.nature[:60]}"


class Electeur(models.Model):
    """Le corps électoral d'un scrutin, photographié à l'ouverture."""

    scrutin = models.ForeignKey(
        Scrutin, verbose_name=_("scrutin"), on_delete=models.CASCADE, related_name="electeurs"
    )
    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("membre"), on_delete=models.PROTECT, related_name="+"
    )
    mandat = models.ForeignKey(
        "conseil.Mandat", verbose_name=_("mandat"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    exclu_pour_interet = models.BooleanField(_("écarté pour intérêt déclaré"), default=False)
    rappele_le = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("électeur")
        verbose_name_plural = _("corps électoral")
        ordering = ["scrutin", "personne__nom", "personne__prenom"]
        constraints = [models.UniqueConstraint(fields=["scrutin", "personne"], name="electeur_unique")]

    def __str__(self) -> str:
        return str(self.personne)


class ProcurationVote(models.Model):
    """Un électeur charge un autre électeur de voter pour lui à ce scrutin (donnée pour le
    scrutin, ou reprise de la procuration de la séance à l'ouverture)."""

    scrutin = models.ForeignKey(
        Scrutin, verbose_name=_("scrutin"), on_delete=models.CASCADE, related_name="procurations"
    )
    mandant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("mandant"), on_delete=models.PROTECT, related_name="+"
    )
    mandataire = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("mandataire"), on_delete=models.PROTECT, related_name="+"
    )
    de_la_seance = models.BooleanField(_("reprise de la procuration de la séance"), default=False)
    donnee_le = models.DateTimeField(_("donnée le"), db_default=Now())

    class Meta:
        verbose_name = _("procuration de vote")
        verbose_name_plural = _("procurations de vote")
        constraints = [
            models.UniqueConstraint(fields=["scrutin", "mandant"], name="procuration_vote_une_par_mandant"),
            models.CheckConstraint(
                condition=~Q(mandant=models.F("mandataire")), name="procuration_vote_pas_a_soi"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mandant} → {self.mandataire}"


class Emargement(models.Model):
    """Le registre : tel électeur a voté (lui-même ou par son mandataire). Aucune date, aucun
    lien vers son bulletin. L'unicité (scrutin, personne) garantit, en base, un seul bulletin
    par électeur et par procuration, même sous des envois simultanés."""

    scrutin = models.ForeignKey(
        Scrutin, verbose_name=_("scrutin"), on_delete=models.CASCADE, related_name="emargements"
    )
    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("électeur"), on_delete=models.PROTECT, related_name="+"
    )
    vote_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voté par (mandataire)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("émargement")
        verbose_name_plural = _("registre d'émargement")
        constraints = [
            models.UniqueConstraint(fields=["scrutin", "personne"], name="emargement_un_par_electeur")
        ]

    def __str__(self) -> str:
        return str(self.personne)


def nouveau_recu() -> str:
    """Un code de reçu lisible (sans 0/O, 1/I) : 12 caractères, 60 bits d'aléa."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    brut = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{brut[:4]}-{brut[4:8]}-{brut[8:]}"


# La motivation d'un avis : publiée dans l'urne, elle reste courte (le formulaire et le
# service la bornent).
MOTIVATION_MAX = 2000


class Bulletin(models.Model):
    """Un bulletin dans l'urne. Clé aléatoire (aucun ordre d'arrivée), aucune date ; dans un
    scrutin secret, rien ne dit qui l'a déposé."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scrutin = models.ForeignKey(
        Scrutin, verbose_name=_("scrutin"), on_delete=models.CASCADE, related_name="bulletins"
    )
    choix = models.CharField(_("choix"), max_length=20, choices=Choix)
    candidats = ArrayField(
        models.PositiveIntegerField(), verbose_name=_("candidatures choisies"), default=list, blank=True
    )
    motivation = models.TextField(_("motivation"), blank=True)
    recu = models.CharField(_("code de reçu"), max_length=14, default=nouveau_recu)
    # Scrutin nominatif seulement : le votant (et s'il votait par procuration).
    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("électeur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    vote_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voté par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("urne")
        ordering = ["recu"]
        constraints = [
            models.UniqueConstraint(fields=["scrutin", "recu"], name="bulletin_recu_unique"),
            models.UniqueConstraint(
                fields=["scrutin", "personne"],
                condition=Q(personne__isnull=False),
                name="bulletin_nominatif_unique",
            ),
            models.CheckConstraint(condition=Q(choix__in=Choix.values), name="bulletin_choix_valide"),
            models.CheckConstraint(
                condition=Q(personne__isnull=False) | Q(vote_par__isnull=True),
                name="bulletin_secret_sans_votant",
            ),
        ]

    def __str__(self) -> str:
        return self.recu


class BulletinScelle(models.Model):
    """Un bulletin secret tel qu'il est déposé : chiffré pour la clé publique du scrutin
    (reçu, choix, candidats et motivation ensemble, toujours de la même longueur). Rien d'autre
    que son scrutin ; ouvert et effacé à la clôture, quand l'urne (`Bulletin`) est publiée."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scrutin = models.ForeignKey(
        Scrutin, verbose_name=_("scrutin"), on_delete=models.CASCADE, related_name="bulletins_scelles"
    )
    chiffre = models.BinaryField(_("bulletin chiffré"))

    class Meta:
        verbose_name = _("bulletin scellé")
        verbose_name_plural = _("bulletins scellés")

    def __str__(self) -> str:
        return str(self.pk)


class Discussion(models.Model):
    """Un fil de discussion sur un sujet (point de l'ordre du jour, texte, demande), réservé
    aux membres de l'instance."""

    instance = models.ForeignKey(
        "conseil.Instance", verbose_name=_("instance"), on_delete=models.PROTECT, related_name="discussions"
    )
    titre = models.CharField(_("titre"), max_length=255)
    objet_type = models.ForeignKey(
        ContentType,
        verbose_name=_("sujet (type)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    objet_id = models.CharField(_("sujet (identifiant)"), max_length=64, blank=True)
    objet = GenericForeignKey("objet_type", "objet_id")
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ouverte par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cree_le = models.DateTimeField(_("ouverte le"), db_default=Now())

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        ordering = ["-cree_le", "-id"]
        indexes = [models.Index(fields=["objet_type", "objet_id"])]

    def __str__(self) -> str:
        return self.titre

    def get_absolute_url(self) -> str:
        return reverse("college:discussion_detail", kwargs={"pk": self.pk})


class Commentaire(models.Model):
    """Un commentaire, en réponse à la discussion ou à un commentaire (un seul niveau)."""

    discussion = models.ForeignKey(
        Discussion, verbose_name=_("discussion"), on_delete=models.CASCADE, related_name="commentaires"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("en réponse à"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reponses",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.PROTECT, related_name="+"
    )
    texte = models.TextField(_("texte"))
    cree_le = models.DateTimeField(_("publié le"), db_default=Now())
    modifie_le = models.DateTimeField(_("modifié le"), null=True, blank=True)
    masque_le = models.DateTimeField(_("masqué le"), null=True, blank=True)
    masque_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("masqué par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    motif_masquage = models.TextField(_("motif du masquage"), blank=True)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["discussion", "cree_le", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(masque_le__isnull=True) | ~Q(motif_masquage=""),
                name="commentaire_masque_avec_motif",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="commentaire_pas_son_propre_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.auteur} — {self.texte[:60]}"

    def get_absolute_url(self) -> str:
        return f"{self.discussion.get_absolute_url()}#commentaire-{self.pk}"

    @property
    def masque(self) -> bool:
        return self.masque_le is not None


class VersionCommentaire(models.Model):
    """L'historique des modifications : le texte tel qu'il était avant chaque modification."""

    commentaire = models.ForeignKey(
        Commentaire, verbose_name=_("commentaire"), on_delete=models.CASCADE, related_name="versions"
    )
    texte = models.TextField(_("texte précédent"))
    remplace_le = models.DateTimeField(_("remplacé le"), db_default=Now())

    class Meta:
        verbose_name = _("version d'un commentaire")
        verbose_name_plural = _("versions des commentaires")
        ordering = ["commentaire", "-remplace_le"]

    def __str__(self) -> str:
        return self.texte[:60]


class SuiviDiscussion(models.Model):
    """Qui suit une discussion (notifié de chaque nouveau commentaire)."""

    discussion = models.ForeignKey(
        Discussion, verbose_name=_("discussion"), on_delete=models.CASCADE, related_name="suivis"
    )
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("suivi d'une discussion")
        verbose_name_plural = _("suivis des discussions")
        constraints = [models.UniqueConstraint(fields=["discussion", "utilisateur"], name="suivi_unique")]

    def __str__(self) -> str:
        return f"{self.utilisateur} suit {self.discussion}"
