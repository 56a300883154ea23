"""Les discussions du Collège entre les séances : ouvrir une discussion sur un sujet,
commenter, répondre (un niveau), corriger son commentaire, suivre ; le secrétariat masque
un commentaire avec un motif.

Les formulaires, propres à ces pages, vivent ici : ils ne font que lire la saisie, les
règles sont dans `college.services`."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from college import rendu, selectors, services
from college.models import Commentaire, Discussion
from conseil.models import Instance
from conseil.permissions import est_gestionnaire, peut_voir_espace_conseil
from socle.formulaires import erreurs_du_service
from socle.types import RequetePortail

DISCUSSIONS_PAR_PAGE = 20
AIDE_MISE_EN_FORME = gettext_lazy(
    "Mise en forme : **gras**, *italique*, listes (- …), citation (> …), `code`, "
    "liens [texte](https://…). Aucun HTML n'est accepté."
)


# --- Formulaires ----------------------------------------------------------------------


class CommentaireForm(forms.Form):
    texte = forms.CharField(
        label=gettext_lazy("Votre commentaire"),
        max_length=services.COMMENTAIRE_LONGUEUR_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=AIDE_MISE_EN_FORME,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DiscussionForm(forms.Form):
    instance = forms.ModelChoiceField(label=gettext_lazy("Instance"), queryset=Instance.objects.none())
    titre = forms.CharField(label=gettext_lazy("Titre de la discussion"), max_length=255)
    texte = forms.CharField(
        label=gettext_lazy("Premier message"),
        max_length=services.COMMENTAIRE_LONGUEUR_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=AIDE_MISE_EN_FORME,
    )
    objet = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, instances: QuerySet[Instance], une_seule: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champ = cast(forms.ModelChoiceField, self.fields["instance"])
        champ.queryset = instances
        if une_seule:
            champ.empty_label = None
        else:
            champ.empty_label = _("Choisissez l'instance dont les membres discutent")


class MasquageForm(forms.Form):
    motif = forms.CharField(
        label=gettext_lazy("Motif du masquage"),
        max_length=1000,
        help_text=gettext_lazy("Affiché à la place du commentaire et gardé au journal."),
    )


# --- Liste ----------------------------------------------------------------------------


def _filtre_du_sujet(request: RequetePortail) -> tuple[str, str] | None:
    objet_type = request.GET.get("objet_type", "")
    objet_id = request.GET.get("objet_id", "")
    if not objet_type or not objet_id:
        return None
    return objet_type, objet_id


@require_safe
def discussion_liste(request: RequetePortail) -> HttpResponse:
    # Les anciens membres d'une instance, sans mandat en cours, lisent encore ses discussions.
    if (
        not peut_voir_espace_conseil(request.user)
        and not selectors.instances_de_discussion(request.user).exists()
    ):
        raise PermissionDenied
    discussions = selectors.discussions_pour_liste(request.user)
    filtre = _filtre_du_sujet(request)
    sujet = None
    if filtre is not None:
        objet_type, objet_id = filtre
        app_label, _point, modele = objet_type.partition(".")
        try:
            type_sujet = ContentType.objects.get_by_natural_key(app_label, modele)
        except ContentType.DoesNotExist:
            discussions = discussions.none()
        else:
            discussions = discussions.filter(objet_type=type_sujet, objet_id=objet_id)
        try:
            sujet = selectors.sujet_pour(request.user, f"{objet_type}:{objet_id}")
        except Http404:
            sujet = None
    page = Paginator(discussions, DISCUSSIONS_PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "college/discussion_liste.html",
        {
            "page": page,
            "filtre": filtre,
            "sujet": sujet,
            "reference_sujet": selectors.reference_du_sujet(sujet) if sujet is not None else "",
            "peut_ouvrir": selectors.instances_de_discussion(request.user).exists(),
        },
    )


# --- Ouvrir une discussion --------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def discussion_creer(request: RequetePortail) -> HttpResponse:
    donnees = request.POST if request.method == "POST" else request.GET
    reference = donnees.get("objet", "")
    sujet = selectors.sujet_pour(request.user, reference) if reference else None
    instances = selectors.instances_de_discussion(request.user)
    if sujet is not None:
        instance_id = services.instance_du_sujet(sujet)
        if instance_id is None:
            raise Http404
        instances = instances.filter(pk=instance_id)
    nombre = len(instances)
    if not nombre:
        raise PermissionDenied
    if request.method == "POST":
        form = DiscussionForm(request.POST, instances=instances, une_seule=nombre == 1)
        if form.is_valid():
            try:
                discussion = services.discussion_ouvrir(
                    instance=form.cleaned_data["instance"],
                    titre=form.cleaned_data["titre"],
                    objet=sujet,
                    acteur=request.user,
                    texte=form.cleaned_data["texte"],
                )
            except ValidationError as erreur:
                erreurs_du_service(form, erreur)
            else:
                messages.success(request, _("La discussion est ouverte."))
                return redirect(discussion)
    else:
        initial = {"objet": reference, "instance": instances[0].pk if nombre == 1 else None}
        form = DiscussionForm(instances=instances, une_seule=nombre == 1, initial=initial)
    return render(request, "college/discussion_form.html", {"form": form, "sujet": sujet})


# --- Une discussion ---------------------------------------------------------------------


def _ancre(commentaire: Commentaire) -> str:
    return reverse("college:discussion_detail", kwargs={"pk": commentaire.discussion_id}) + (
        f"#commentaire-{commentaire.pk}"
    )


def _contexte_discussion(
    request: RequetePortail, discussion: Discussion, form: CommentaireForm | None = None
) -> dict[str, Any]:
    membres = list(services.participants_possibles(discussion.instance))
    mentions = rendu.annuaire_des_mentions(membres)
    form = form or CommentaireForm()
    parent_en_erreur = form.data.get("parent") if form.is_bound and form.errors else None
    commentaires = selectors.commentaires_de(discussion)
    return {
        "discussion": discussion,
        "commentaires": commentaires,
        "nb_commentaires": sum(1 + len(c.reponses.all()) for c in commentaires),
        "mentions": mentions,
        "identifiants": sorted(mentions.items(), key=lambda item: (item[1].nom, item[1].prenom, item[0])),
        "suit": discussion.suivis.filter(utilisateur=request.user).exists(),
        "gestionnaire": est_gestionnaire(request.user),
        "form": form if not parent_en_erreur else CommentaireForm(),
        "form_reponse": form if parent_en_erreur else None,
        "parent_en_erreur": int(parent_en_erreur)
        if parent_en_erreur and parent_en_erreur.isdigit()
        else None,
        "aide_mise_en_forme": AIDE_MISE_EN_FORME,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def discussion_detail(request: RequetePortail, pk: int) -> HttpResponse:
    """La discussion ; en POST, un nouveau commentaire ou une réponse (`parent`)."""
    discussion = selectors.get_discussion_pour(request.user, pk)
    form = None
    if request.method == "POST":
        form = CommentaireForm(request.POST)
        if form.is_valid():
            parent = None
            if form.cleaned_data["parent"]:
                parent = discussion.commentaires.filter(pk=form.cleaned_data["parent"]).first()
                if parent is None:
                    raise Http404
            try:
                commentaire = services.commentaire_publier(
                    discussion=discussion,
                    auteur=request.user,
                    texte=form.cleaned_data["texte"],
                    parent=parent,
                )
            except ValidationError as erreur:
                erreurs_du_service(form, erreur)
            else:
                messages.success(request, _("Votre commentaire est publié."))
                return redirect(_ancre(commentaire))
    return render(request, "college/discussion_detail.html", _contexte_discussion(request, discussion, form))


@require_POST
def suivre(request: RequetePortail, pk: int) -> HttpResponse:
    discussion = selectors.get_discussion_pour(request.user, pk)
    choix = request.POST.get("suivre") == "1"
    services.discussion_suivre(discussion=discussion, utilisateur=request.user, suivre=choix)
    if choix:
        messages.success(
            request, _("Vous suivez cette discussion : chaque nouveau commentaire vous sera notifié.")
        )
    else:
        messages.success(request, _("Vous ne suivez plus cette discussion."))
    return redirect(discussion)


# --- Un commentaire ---------------------------------------------------------------------


def _lit_le_masque(utilisateur: Any, commentaire: Commentaire) -> bool:
    """Un commentaire masqué reste lisible de son auteur et du secrétariat."""
    return commentaire.auteur_id == utilisateur.pk or est_gestionnaire(utilisateur)


@require_http_methods(["GET", "HEAD", "POST"])
def commentaire_modifier(request: RequetePortail, pk: int) -> HttpResponse:
    commentaire = selectors.get_commentaire_pour(request.user, pk)
    if commentaire.auteur_id != request.user.pk:
        raise PermissionDenied
    if commentaire.masque:
        messages.error(request, _("Ce commentaire a été masqué par le secrétariat : il ne change plus."))
        return redirect(_ancre(commentaire))
    if request.method == "POST":
        form = CommentaireForm(request.POST)
        if form.is_valid():
            try:
                services.commentaire_modifier(
                    commentaire=commentaire, acteur=request.user, texte=form.cleaned_data["texte"]
                )
            except ValidationError as erreur:
                erreurs_du_service(form, erreur)
            else:
                messages.success(
                    request, _("Votre commentaire est modifié ; la version précédente est gardée.")
                )
                return redirect(_ancre(commentaire))
    else:
        form = CommentaireForm(initial={"texte": commentaire.texte})
    form.fields["texte"].label = _("Texte du commentaire")
    return render(
        request,
        "college/commentaire_form.html",
        {"commentaire": commentaire, "discussion": commentaire.discussion, "form": form},
    )


@require_POST
def commentaire_masquer(request: RequetePortail, pk: int) -> HttpResponse:
    commentaire = selectors.get_commentaire_pour(request.user, pk)
    if not est_gestionnaire(request.user):
        raise PermissionDenied
    form = MasquageForm(request.POST)
    if form.is_valid():
        try:
            services.commentaire_masquer(
                commentaire=commentaire, acteur=request.user, motif=form.cleaned_data["motif"]
            )
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, _("Le commentaire est masqué ; le motif est affiché à sa place."))
    else:
        messages.error(request, _("Le commentaire n'est pas masqué : indiquez le motif du masquage."))
    return redirect(_ancre(commentaire))


@require_safe
def commentaire_historique(request: RequetePortail, pk: int) -> HttpResponse:
    commentaire = selectors.get_commentaire_pour(request.user, pk)
    lisible = not commentaire.masque or _lit_le_masque(request.user, commentaire)
    discussion = commentaire.discussion
    membres = list(services.participants_possibles(discussion.instance))
    return render(
        request,
        "college/commentaire_historique.html",
        {
            "commentaire": commentaire,
            "discussion": discussion,
            "lisible": lisible,
            "versions": list(commentaire.versions.order_by("-remplace_le", "-id")) if lisible else [],
            "mentions": rendu.annuaire_des_mentions(membres),
        },
    )
