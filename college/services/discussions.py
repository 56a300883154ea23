"""Les discussions des instances : commentaires, mentions, modification avec historique, modération."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from college import rendu
from college.models import (
    Commentaire,
    Discussion,
    SuiviDiscussion,
    VersionCommentaire,
)
from college.services._commun import Acteur
from conseil.models import Instance, Mandat, PointOrdreDuJour
from conseil.permissions import est_gestionnaire, voit_tout_le_conseil
from socle.services import evenement_enregistrer, notifier
from socle.verbes import Verbe

# Les actions que ce module écrit au journal d'audit.
COMMENTAIRE_MASQUE = Verbe(
    "college.commentaire.masque", gettext_lazy("Commentaire masqué par le secrétariat")
)
COMMENTAIRE_MENTION = Verbe("college.commentaire.mention", gettext_lazy("Mention dans un commentaire"))
COMMENTAIRE_MODIFIE = Verbe("college.commentaire.modifie", gettext_lazy("Commentaire modifié"))
COMMENTAIRE_PUBLIE = Verbe("college.commentaire.publie", gettext_lazy("Commentaire publié"))
DISCUSSION_OUVERTE = Verbe("college.discussion.ouverte", gettext_lazy("Discussion ouverte"))

# --- Discussions --------------------------------------------------------------------------

COMMENTAIRE_LONGUEUR_MAX = 20_000


def participants_possibles(instance: Instance) -> QuerySet[Any]:
    """Les personnes qui ont (ou ont eu) un mandat dans l'instance : ceux qu'on peut mentionner."""
    aujourd_hui = timezone.localdate()
    return (
        get_user_model()
        .objects.filter(is_active=True, mandats__instance=instance, mandats__debut__lte=aujourd_hui)
        .distinct()
        .order_by("nom", "prenom", "pk")
    )


def peut_participer(utilisateur: Any, instance_id: int) -> bool:
    """Lire et écrire dans les discussions d'une instance : ses membres (mandat en cours ou
    passé), le secrétariat et les co-présidents."""
    if voit_tout_le_conseil(utilisateur):
        return True
    if not (utilisateur is not None and utilisateur.is_authenticated and utilisateur.is_active):
        return False
    return (
        Mandat.objects.filter(instance_id=instance_id, personne=utilisateur)
        .commences(timezone.localdate())
        .exists()
    )


def _verifier_participant(utilisateur: Any, instance_id: int) -> None:
    if not peut_participer(utilisateur, instance_id):
        raise ValidationError(_("Seuls les membres de l'instance participent à ses discussions."))


def _texte_valide(texte: str) -> str:
    texte = texte.strip()
    if not texte:
        raise ValidationError({"texte": _("Écrivez votre commentaire.")})
    if len(texte) > COMMENTAIRE_LONGUEUR_MAX:
        raise ValidationError(
            {
                "texte": _("Un commentaire tient en %(max)s caractères au plus.")
                % {"max": COMMENTAIRE_LONGUEUR_MAX}
            }
        )
    return texte


def instance_du_sujet(objet: Model) -> int | None:
    """L'instance d'un sujet de discussion : celle de la séance pour un point de l'ordre du
    jour, la sienne pour un texte ou un scrutin."""
    if isinstance(objet, PointOrdreDuJour):
        return objet.reunion.instance_id
    instance_id = getattr(objet, "instance_id", None)
    return instance_id if isinstance(instance_id, int) else None


def discussion_ouvrir(
    *, instance: Instance, titre: str, objet: Model | None = None, acteur: Acteur, texte: str = ""
) -> Discussion:
    """Ouvre une discussion dans l'instance, sur un sujet ou non ; celui qui l'ouvre la suit.
    Avec `texte`, le premier commentaire est publié dans la même transaction."""
    _verifier_participant(acteur, instance.pk)
    titre = titre.strip()
    if not titre:
        raise ValidationError({"titre": _("Donnez un titre à la discussion.")})
    if objet is not None and instance_du_sujet(objet) not in (None, instance.pk):
        raise ValidationError({"instance": _("Le sujet appartient à une autre instance.")})
    with transaction.atomic():
        discussion = Discussion.objects.create(
            instance=instance,
            titre=titre[:255],
            objet_type=ContentType.objects.get_for_model(objet) if objet is not None else None,
            objet_id=str(objet.pk) if objet is not None else "",
            cree_par=acteur,
        )
        SuiviDiscussion.objects.create(discussion=discussion, utilisateur=acteur)
        evenement_enregistrer(
            verbe=DISCUSSION_OUVERTE,
            acteur=acteur,
            cible=discussion,
            donnees={"instance": instance.pk, "objet": str(objet) if objet is not None else ""},
        )
        if texte.strip():
            commentaire_publier(discussion=discussion, auteur=acteur, texte=texte)
    return discussion


def _notifier_mentions(
    *, commentaire: Commentaire, auteur: Any, mentionnes: Iterable[Any], discussion: Discussion
) -> None:
    notifier(
        destinataires=[p for p in mentionnes if p.pk != auteur.pk],
        verbe=COMMENTAIRE_MENTION,
        titre=_("%(auteur)s vous mentionne : %(titre)s") % {"auteur": auteur, "titre": discussion.titre},
        gabarit="college/notifications/commentaire_mention.txt",
        contexte={"commentaire": commentaire, "discussion": discussion, "auteur": auteur},
        url=commentaire.get_absolute_url(),
    )


def commentaire_publier(
    *, discussion: Discussion, auteur: Any, texte: str, parent: Commentaire | None = None
) -> Commentaire:
    """Publie un commentaire, ou une réponse (un seul niveau : répondre à une réponse, c'est
    répondre au commentaire qu'elle suit). L'auteur suit désormais la discussion ; les
    membres mentionnés sont notifiés, les autres personnes qui la suivent aussi, chacun une
    seule fois, jamais l'auteur."""
    _verifier_participant(auteur, discussion.instance_id)
    texte = _texte_valide(texte)
    if parent is not None:
        if parent.discussion_id != discussion.pk:
            raise ValidationError(_("On répond à un commentaire de la même discussion."))
        if parent.parent_id is not None:
            parent = Commentaire.objects.get(pk=parent.parent_id)
        if parent.masque:
            raise ValidationError(_("Ce commentaire est masqué : on n'y répond plus."))
    with transaction.atomic():
        commentaire = Commentaire.objects.create(
            discussion=discussion, parent=parent, auteur=auteur, texte=texte
        )
        # ON CONFLICT DO NOTHING : l'auteur qui suit déjà (ou qui publie deux fois à la
        # fois) ne bute pas sur la contrainte d'unicité.
        SuiviDiscussion.objects.bulk_create(
            [SuiviDiscussion(discussion=discussion, utilisateur=auteur)], ignore_conflicts=True
        )
        mentions = rendu.mentionnes(texte, list(participants_possibles(discussion.instance)))
        deja = {p.pk for p in mentions} | {auteur.pk}
        suiveurs = [
            s.utilisateur
            for s in discussion.suivis.select_related("utilisateur")
            if s.utilisateur_id not in deja
        ]
        evenement_enregistrer(
            verbe=COMMENTAIRE_PUBLIE,
            acteur=auteur,
            cible=commentaire,
            donnees={
                "discussion": discussion.pk,
                "parent": parent.pk if parent is not None else None,
                "mentions": sorted(p.pk for p in mentions),
            },
        )
        _notifier_mentions(commentaire=commentaire, auteur=auteur, mentionnes=mentions, discussion=discussion)
        notifier(
            destinataires=suiveurs,
            verbe=COMMENTAIRE_PUBLIE,
            titre=_("Nouveau commentaire : %(titre)s") % {"titre": discussion.titre},
            gabarit="college/notifications/commentaire_publie.txt",
            contexte={"commentaire": commentaire, "discussion": discussion, "auteur": auteur},
            url=commentaire.get_absolute_url(),
        )
    return commentaire


def commentaire_modifier(*, commentaire: Commentaire, acteur: Acteur, texte: str) -> Commentaire:
    """L'auteur corrige son commentaire : le texte précédent est gardé dans l'historique. Les
    membres mentionnés pour la première fois sont notifiés ; les autres ne le sont pas deux fois."""
    texte = _texte_valide(texte)
    with transaction.atomic():
        verrouille = (
            Commentaire.objects.select_for_update(of=("self",))
            .select_related("discussion__instance")
            .get(pk=commentaire.pk)
        )
        if verrouille.auteur_id != getattr(acteur, "pk", None):
            raise ValidationError(_("Seul son auteur modifie un commentaire."))
        _verifier_participant(acteur, verrouille.discussion.instance_id)
        if verrouille.masque:
            raise ValidationError(_("Ce commentaire a été masqué par le secrétariat : il ne change plus."))
        if texte == verrouille.texte:
            return verrouille
        precedent = verrouille.texte
        version = VersionCommentaire.objects.create(commentaire=verrouille, texte=precedent)
        verrouille.texte = texte
        verrouille.modifie_le = timezone.now()
        verrouille.save(update_fields=["texte", "modifie_le"])
        membres = list(participants_possibles(verrouille.discussion.instance))
        avant = {p.pk for p in rendu.mentionnes(precedent, membres)}
        nouveaux = [p for p in rendu.mentionnes(texte, membres) if p.pk not in avant]
        evenement_enregistrer(
            verbe=COMMENTAIRE_MODIFIE,
            acteur=acteur,
            cible=verrouille,
            donnees={"version": version.pk, "mentions_ajoutees": sorted(p.pk for p in nouveaux)},
        )
        _notifier_mentions(
            commentaire=verrouille, auteur=acteur, mentionnes=nouveaux, discussion=verrouille.discussion
        )
    commentaire.refresh_from_db()
    return commentaire


def commentaire_masquer(*, commentaire: Commentaire, acteur: Acteur, motif: str) -> Commentaire:
    """Le secrétariat masque un commentaire, avec un motif affiché à sa place et gardé au
    journal. L'auteur et le secrétariat en lisent encore le texte."""
    if not est_gestionnaire(acteur):
        raise ValidationError(_("Seul le secrétariat masque un commentaire."))
    motif = motif.strip()
    if not motif:
        raise ValidationError({"motif": _("Indiquez le motif du masquage : il est affiché à sa place.")})
    with transaction.atomic():
        verrouille = Commentaire.objects.select_for_update().get(pk=commentaire.pk)
        if verrouille.masque:
            raise ValidationError(_("Ce commentaire est déjà masqué."))
        verrouille.masque_le = timezone.now()
        verrouille.masque_par = acteur
        verrouille.motif_masquage = motif
        verrouille.save(update_fields=["masque_le", "masque_par", "motif_masquage"])
        evenement_enregistrer(
            verbe=COMMENTAIRE_MASQUE,
            acteur=acteur,
            cible=verrouille,
            etat_avant="visible",
            etat_apres="masque",
            motif=motif,
            donnees={"discussion": verrouille.discussion_id, "auteur": verrouille.auteur_id},
        )
    commentaire.refresh_from_db()
    return commentaire


def discussion_suivre(*, discussion: Discussion, utilisateur: Any, suivre: bool) -> bool:
    """Suivre (être notifié de chaque nouveau commentaire) ou ne plus suivre ; rend l'état
    obtenu. Sans effet si c'était déjà le cas."""
    _verifier_participant(utilisateur, discussion.instance_id)
    if suivre:
        SuiviDiscussion.objects.bulk_create(
            [SuiviDiscussion(discussion=discussion, utilisateur=utilisateur)], ignore_conflicts=True
        )
    else:
        SuiviDiscussion.objects.filter(discussion=discussion, utilisateur=utilisateur).delete()
    return suivre
