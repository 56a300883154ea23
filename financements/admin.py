"""L'administration des financements : les demandes (consultation et corrections) et les
modèles de courriers.

Une demande change d'état, d'instructeur, d'échéancier ou d'engagement sur les pages du
portail, par les services qui appliquent les règles (éligibilité, équilibre du plan, somme des
tranches) et écrivent le journal : ici, ces champs et les sous-formulaires sont en lecture
seule. Seules des corrections de rédaction (intitulé, description, commune, besoins…) s'y
enregistrent ; chacune est tracée au journal avec les valeurs avant et après, et augmente la
version de la demande, pour qu'une page du portail restée ouverte soit refusée plutôt que
d'écraser la correction.

Comme pour le Conseil et le Collège : ni listes à recherche (select2) ni sous-formulaires en
tableau, qui ne passent pas axe ; des identifiants avec loupe et des sous-formulaires empilés.
"""

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from conseil.admin import LectureSeule, _lien_portail
from financements.courriers import DEFAUTS
from financements.models import (
    CoPorteur,
    DemandeFinancement,
    LigneDepense,
    LigneFinancement,
    MembreEquipe,
    Message,
    ModeleCourrier,
    NatureModele,
    NoteInstruction,
    PieceJustificative,
    Tranche,
)
from socle.services import evenement_enregistrer
from socle.verbes import Verbe

# Les actions que ce module écrit au journal d'audit.
DEMANDE_CORRIGEE = Verbe(
    "financements.demande.corrigee", gettext_lazy("Demande corrigée dans l'administration")
)
MODELE_MODIFIE = Verbe("financements.modele.modifie", gettext_lazy("Modèle de courrier modifié"))

# --- Demandes -----------------------------------------------------------------------------


class EquipeEnLigne(LectureSeule, admin.StackedInline):
    model = MembreEquipe
    fields = readonly_fields = ("professionnel", "porteur", "ajoute_le")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[MembreEquipe]:
        return super().get_queryset(request).select_related("professionnel")


class CoPorteurEnLigne(LectureSeule, admin.StackedInline):
    model = CoPorteur
    # Le jeton d'invitation est un secret : il n'est pas montré.
    fields = readonly_fields = ("email", "compte", "statut", "invite_le", "repondu_le")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[CoPorteur]:
        return super().get_queryset(request).select_related("compte")


class DepenseEnLigne(LectureSeule, admin.StackedInline):
    model = LigneDepense
    fields = readonly_fields = ("libelle", "montant")
    extra = 0


class FinancementEnLigne(LectureSeule, admin.StackedInline):
    model = LigneFinancement
    fields = readonly_fields = (
        "financeur",
        "montant",
        "statut_engagement",
        "montant_decide",
        "decide_le",
        "commentaire",
    )
    extra = 0


class PieceEnLigne(LectureSeule, admin.StackedInline):
    model = PieceJustificative
    fields = readonly_fields = ("nature", "document", "deposee_le", "remplacee")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[PieceJustificative]:
        return super().get_queryset(request).select_related("document")


class TrancheEnLigne(LectureSeule, admin.StackedInline):
    model = Tranche
    fields = readonly_fields = (
        "ordre",
        "libelle",
        "montant",
        "condition",
        "condition_detail",
        "statut",
        "versee_le",
        "reference_mandat",
    )
    extra = 0


class MessageEnLigne(LectureSeule, admin.StackedInline):
    model = Message
    fields = readonly_fields = ("auteur", "envoye_le", "texte")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return super().get_queryset(request).select_related("auteur")


class NoteEnLigne(LectureSeule, admin.StackedInline):
    model = NoteInstruction
    fields = readonly_fields = ("auteur", "ecrite_le", "texte")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[NoteInstruction]:
        return super().get_queryset(request).select_related("auteur")


# Ce qui se corrige dans l'administration ; tout le reste suit le workflow et ses services.
CHAMPS_CORRIGEABLES = [
    "intitule",
    "type_demande",
    "description",
    "commune",
    "besoins",
    "engagement_stages",
    "engagement_stages_detail",
    "porteur",
    "projet",
    "demo",
]
CHAMPS_DU_WORKFLOW = [
    "numero",
    "statut",
    "version",
    "instructeur",
    "deposee_le",
    "recepisse",
    "scrutin",
    "discussion",
    "decidee_le",
    "montant_accorde",
    "conditions",
    "motifs_refus",
    "voies_recours",
    "courrier_decision",
    "convention",
    "convention_signee",
    "conventionnee_le",
    "soldee_le",
    "cree_le",
    "modifiee_le",
]


@admin.register(DemandeFinancement)
class DemandeFinancementAdmin(admin.ModelAdmin):
    list_display = ["numero", "intitule", "porteur", "statut", "instructeur", "deposee_le"]
    list_filter = ["statut", "type_demande", "demo"]
    list_select_related = ["porteur", "instructeur"]
    search_fields = ["numero", "intitule"]
    raw_id_fields = ["porteur", "projet", "commune", "besoins"]
    readonly_fields = ["lien_portail", *CHAMPS_DU_WORKFLOW]
    fieldsets = [
        (None, {"fields": ["lien_portail", "numero", "statut", "version", *CHAMPS_CORRIGEABLES]}),
        (
            _("Instruction"),
            {
                "fields": ["instructeur", "deposee_le", "recepisse", "scrutin", "discussion"],
                "description": _(
                    "L'instructeur se désigne, et la demande avance, sur le portail : chaque étape y "
                    "est vérifiée et tracée."
                ),
            },
        ),
        (
            _("Décision et convention"),
            {
                "fields": [
                    "decidee_le",
                    "montant_accorde",
                    "conditions",
                    "motifs_refus",
                    "voies_recours",
                    "courrier_decision",
                    "convention",
                    "convention_signee",
                    "conventionnee_le",
                    "soldee_le",
                ]
            },
        ),
        (_("Suivi"), {"fields": ["cree_le", "modifiee_le"]}),
    ]
    inlines = [
        EquipeEnLigne,
        CoPorteurEnLigne,
        DepenseEnLigne,
        FinancementEnLigne,
        PieceEnLigne,
        TrancheEnLigne,
        MessageEnLigne,
        NoteEnLigne,
    ]
    date_hierarchy = "deposee_le"
    list_per_page = 50

    @admin.display(description=_("sur le portail"))
    def lien_portail(self, obj: DemandeFinancement | None) -> SafeString | str:
        return _lien_portail(obj, _("Ouvrir la demande sur le portail"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[DemandeFinancement]:
        return super().get_queryset(request).select_related("porteur", "instructeur")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Une demande s'ouvre sur le portail par son porteur (elle crée son projet avec elle).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Une demande, même abandonnée, reste au dossier : elle se retire ou se classe.
        return False

    def save_model(self, request: HttpRequest, obj: DemandeFinancement, form: Any, change: bool) -> None:
        avant = DemandeFinancement.objects.select_for_update().get(pk=obj.pk)
        changes = [nom for nom in form.changed_data if nom != "besoins"]
        donnees: dict[str, Any] = {nom: [str(getattr(avant, nom)), str(getattr(obj, nom))] for nom in changes}
        if "besoins" in form.changed_data:
            donnees["besoins"] = [
                sorted(str(b) for b in avant.besoins.all()),
                sorted(str(b) for b in form.cleaned_data["besoins"]),
            ]
        super().save_model(request, obj, form, change)
        if donnees:
            DemandeFinancement.objects.filter(pk=obj.pk).update(
                version=F("version") + 1, modifiee_le=timezone.now()
            )
            evenement_enregistrer(verbe=DEMANDE_CORRIGEE, acteur=request.user, cible=obj, donnees=donnees)


# --- Modèles de courriers ---------------------------------------------------------------

# Des balises qui iraient chercher autre chose que les valeurs préparées pour le courrier.
BALISES_INTERDITES = re.compile(r"{%-?\s*(load|include|extends|debug|ssi)\b")


def contexte_d_essai() -> dict[str, Any]:
    """Des valeurs de la forme de `pdf.contexte_du_courrier`, pour essayer un modèle."""
    return {
        "demande": {
            "numero": "FIN-2026-00001",
            "intitule": "Maison de santé",
            "type": "Étude de faisabilité",
            "deposee_le": timezone.localtime(),
            "decidee_le": timezone.localtime(),
            "commune": "Valognes",
        },
        "porteur": "Sophie Marie",
        "montant_demande": "12 000,00 €",
        "montant_accorde": "10 000,00 €",
        "conditions": "",
        "motifs_refus": "",
        "voies_recours": "",
        "motif": "",
        "date": timezone.localdate(),
        "tranches": [
            {
                "libelle": "Avance",
                "montant": "3 000,00 €",
                "condition": "À la signature",
                "condition_detail": "",
            }
        ],
    }


class ModeleCourrierForm(forms.ModelForm):
    class Meta:
        model = ModeleCourrier
        fields = ["nature", "titre", "corps", "signataire"]

    def clean_corps(self) -> str:
        corps: str = self.cleaned_data["corps"]
        if interdite := BALISES_INTERDITES.search(corps):
            raise forms.ValidationError(
                gettext("La balise « %(balise)s » n'est pas permise dans un courrier.")
                % {"balise": interdite.group(1)}
            )
        try:
            Template(corps).render(Context(contexte_d_essai()))
        except TemplateSyntaxError as erreur:
            raise forms.ValidationError(
                gettext(
                    "Le texte contient une erreur de syntaxe de gabarit : vérifiez les balises "
                    "{%% … %%} (chaque {%% if %%} ou {%% for %%} a sa fin) et les variables {{ … }}. "
                    "Détail technique : %(detail)s"
                )
                % {"detail": erreur}
            ) from None
        return corps


@admin.register(ModeleCourrier)
class ModeleCourrierAdmin(admin.ModelAdmin):
    form = ModeleCourrierForm
    list_display = ["nature", "titre", "signataire", "modifie_le"]
    search_fields = ["titre", "corps"]
    fields = ["nature", "titre", "corps", "signataire", "texte_par_defaut", "modifie_le"]
    readonly_fields = ["texte_par_defaut", "modifie_le"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # La nature d'un modèle existant ne change pas : le portail le retrouve par elle.
        return [*self.readonly_fields, *(["nature"] if obj is not None else [])]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "nature":
            existants = set(ModeleCourrier.objects.values_list("nature", flat=True))
            kwargs["choices"] = [("", "---------")] + [
                (valeur, libelle) for valeur, libelle in NatureModele.choices if valeur not in existants
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description=_("texte par défaut"))
    def texte_par_defaut(self, obj: ModeleCourrier | None) -> SafeString | str:
        if obj is None or obj.nature not in DEFAUTS:
            return "—"
        titre, corps = DEFAUTS[obj.nature]
        # linebreaks échappe le texte lui-même (autoescape) avant d'ajouter ses paragraphes.
        return format_html(
            "<p><strong>{}</strong></p>{}",
            titre,
            mark_safe(linebreaks(corps, autoescape=True)),  # noqa: S308
        )

    def save_model(self, request: HttpRequest, obj: ModeleCourrier, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        evenement_enregistrer(
            verbe=MODELE_MODIFIE,
            acteur=request.user,
            cible=obj,
            donnees={"champs": form.changed_data},
        )
