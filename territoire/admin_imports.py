"""Administration des imports : lancement par dépôt du fichier, avancement, rapport.

L'ajout d'un import ne passe pas par `ModelAdmin.save_model` : le formulaire appelle le
service `import_demander`, qui vérifie les fichiers (un mauvais fichier est refusé sur son
champ, rien n'est gardé), crée l'import, range les fichiers dans le stockage privé et met la
tâche Celery en file après validation. La page de l'import est en lecture seule ; son bloc
d'état se rafraîchit tout seul (htmx) tant que l'import n'est pas fini.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

# Les importeurs s'enregistrent dans IMPORTEURS en s'important.
import territoire.importeurs  # noqa: F401
from territoire.importeurs.base import ETAPES, IMPORTEURS
from territoire.models import ImportFichier, StatutImport, TypeImport
from territoire.rapport import Rapport
from territoire.services import import_demander

GABARIT = "admin/territoire/importfichier/change_form.html"
CHAMPS_AJOUT = ["type", "fichier", "fichier_epci", "fichier_populations", "date_extraction"]
# Le statut est dans le bloc d'état, au-dessus.
CHAMPS_LECTURE = [
    "type",
    "nom_fichier",
    "date_extraction",
    "lance_par",
    "cree_le",
    "debute_le",
    "termine_le",
]
SEULEMENT_COMMUNES = ("fichier_epci", "fichier_populations")
# Les imports qui ne se lancent que par une commande : ici, pas de champ pour leurs fichiers.
PAR_COMMANDE_SEULEMENT = (TypeImport.COTENTIN,)


class ImportAjoutForm(forms.ModelForm):
    """Le dépôt d'un fichier à importer ; `clean()` fait demander l'import au service."""

    # Posé par l'administration (ImportFichierAdmin.get_form) : la personne qui dépose.
    acteur: Any = None

    class Meta:
        model = ImportFichier
        fields = CHAMPS_AJOUT
        # Le widget de fichier de l'administration met le champ seul dans un fieldset sans
        # étiquette (signalé par axe) ; le champ simple garde son <label>. Date : le
        # sélecteur natif du navigateur, accessible, plutôt que le calendrier de l'administration.
        widgets = {
            "fichier": forms.FileInput,
            "fichier_epci": forms.FileInput(attrs={"accept": ".xlsx"}),
            "fichier_populations": forms.FileInput(attrs={"accept": ".csv,.txt"}),
            "date_extraction": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "fichier": _(
                "Le fichier du registre national, tel que téléchargé : pour les communes, le code officiel "
                "géographique de l'INSEE (v_commune_AAAA.csv) ; pour le RPPS, l'extraction "
                "PS_LibreAcces_Personne_activite_AAAAMMJJhhmm.txt de l'Annuaire Santé ; pour le FINESS, "
                "l'extraction etalab (.csv) ; pour les fuites, le tableau CSV."
            ),
            "fichier_epci": _(
                "Import des communes seulement, obligatoire : le classeur de l'INSEE sur la composition "
                "communale des EPCI (Intercommunalite_Metropole_au_01-01-AAAA.xlsx)."
            ),
            "fichier_populations": _(
                "Import des communes seulement, facultatif : un tableau CSV « code_insee,population » "
                "(troisième colonne « annee » facultative)."
            ),
            "date_extraction": _(
                "Facultative : par défaut, la date que porte le nom du fichier. Pour le RPPS, c'est la date "
                "du relevé des effectifs."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fichier"].required = True
        champ_type: Any = self.fields["type"]
        champ_type.choices = [choix for choix in champ_type.choices if choix[0] not in PAR_COMMANDE_SEULEMENT]
        self.import_fichier: ImportFichier | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        donnees = self.cleaned_data
        if self.errors:
            return donnees
        type_import = donnees["type"]
        if type_import != TypeImport.COMMUNES:
            for champ in SEULEMENT_COMMUNES:
                if donnees.get(champ):
                    self.add_error(champ, _("Ce fichier ne sert qu'à l'import des communes."))
        if type_import not in IMPORTEURS:
            self.add_error("type", _("Cet import n'est pas encore disponible."))
        if self.errors:
            return donnees
        try:
            self.import_fichier = import_demander(
                acteur=self.acteur,
                type_import=type_import,
                fichier=donnees["fichier"],
                fichier_epci=donnees.get("fichier_epci"),
                fichier_populations=donnees.get("fichier_populations"),
                date_extraction=donnees.get("date_extraction"),
            )
        except ValidationError as refus:
            # Le refus nomme le fichier en cause : l'erreur s'affiche sous son champ.
            self.add_error(None, refus)
        return donnees


@admin.register(ImportFichier)
class ImportFichierAdmin(admin.ModelAdmin):
    list_display = ["nom_fichier", "type", "statut", "lance_par", "cree_le", "termine_le", "resume_court"]
    list_display_links = ["nom_fichier"]
    list_filter = ["type", "statut", "demo"]
    search_fields = ["nom_fichier"]
    form = ImportAjoutForm
    change_form_template = GABARIT
    # La page d'un import est dans l'administration : pas de lien « Voir sur le site ».
    view_on_site = False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("lance_par")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return CHAMPS_AJOUT if obj is None else CHAMPS_LECTURE

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else CHAMPS_LECTURE

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        # Ajout : le dépôt, au nom de la personne connectée ; sinon, une page sans champ modifiable.
        if obj is None:
            kwargs["form"] = type("ImportAjoutFormDe", (ImportAjoutForm,), {"acteur": request.user})
        else:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change=change, **kwargs)

    # Un import ne se modifie pas : il se suit, puis se lit. Un import fini peut être supprimé
    # (son rapport et ses relevés avec lui), pas un import qui tourne.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.est_fini)

    def get_actions(
        self, request: HttpRequest, action_location: admin.ActionLocation = admin.ActionLocation.CHANGE_LIST
    ) -> Any:
        # La suppression en masse ne regarderait pas si l'import tourne encore.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request: HttpRequest, obj: ImportFichier, form: Any, change: bool) -> None:
        # L'import est déjà créé par le service (ImportAjoutForm.clean) : on n'enregistre rien ici.
        obj.pk = form.import_fichier.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def response_add(self, request: HttpRequest, obj: ImportFichier, post_url_continue: Any = None) -> Any:
        messages.success(
            request,
            _("Le fichier est accepté : l'import « %(import)s » est lancé, cette page suit son avancement.")
            % {"import": obj},
        )
        return HttpResponseRedirect(reverse("admin:territoire_importfichier_change", args=[obj.pk]))

    @admin.display(description=_("résumé"))
    def resume_court(self, obj: ImportFichier) -> str:
        if obj.statut == StatutImport.ECHOUE:
            return Truncator(obj.erreur).chars(120)
        if obj.statut == StatutImport.TERMINE:
            return obj.resume
        if obj.statut == StatutImport.EN_COURS:
            return _("%(etape)s : %(progression)s %%") % {
                "etape": ETAPES.get(obj.etape, obj.etape) or _("en cours"),
                "progression": obj.progression,
            }
        return ""

    # --- Bloc d'état (rendu dans la page de l'import, et seul pour htmx) ------------------

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/etat/",
                self.admin_site.admin_view(self.etat_view),
                name="territoire_importfichier_etat",
            ),
            *super().get_urls(),
        ]

    def contexte_etat(self, import_fichier: ImportFichier) -> dict[str, Any]:
        rapport = Rapport.depuis_json(import_fichier.rapport) if import_fichier.rapport else None
        return {
            "import_fichier": import_fichier,
            "etape": ETAPES.get(import_fichier.etape, import_fichier.etape),
            "rapport": rapport,
            "termine": import_fichier.statut == StatutImport.TERMINE,
            "echoue": import_fichier.statut == StatutImport.ECHOUE,
            "url_etat": reverse("admin:territoire_importfichier_etat", args=[import_fichier.pk]),
        }

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> Any:
        if obj is not None:
            context.update(self.contexte_etat(obj))
        if add:
            # Un dépôt lance un import et mène à sa page : pas de « enregistrer et continuer ».
            context.update(
                title=_("Lancer un import"),
                show_save_and_add_another=False,
                show_save_and_continue=False,
            )
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def etat_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Le bloc d'état seul, que la page de l'import redemande toutes les deux secondes."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        import_fichier = self.get_object(request, unquote(object_id))
        if import_fichier is None:
            raise Http404
        return TemplateResponse(request, f"{GABARIT}#etat", self.contexte_etat(import_fichier))
