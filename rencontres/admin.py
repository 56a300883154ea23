from django.contrib import admin

from rencontres.models import Activite, Inscription, Participant, Question, Rencontre


class ActiviteInline(admin.TabularInline):
    model = Activite
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Rencontre)
class RencontreAdmin(admin.ModelAdmin):
    """Les rencontres, leur programme et leurs questions, saisis par l'organisation en attendant
    les pages de l'issue 19 ; la version de l'agenda (SEQUENCE) se lit seulement."""

    list_display = ["titre", "type", "debut", "statut", "moderee", "foyer_max"]
    list_filter = ["type", "statut"]
    search_fields = ["titre"]
    readonly_fields = ["sequence"]
    autocomplete_fields = ["commune", "organisateur", "cree_par"]
    inlines = [ActiviteInline, QuestionInline]


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0


@admin.register(Inscription)
class InscriptionAdmin(admin.ModelAdmin):
    """Lecture : les changements d'état passent par les services (places, liste d'attente)."""

    list_display = ["nom", "prenom", "rencontre", "etat", "cree_le", "arrivee_le"]
    list_filter = ["etat", "rencontre"]
    list_select_related = ["rencontre"]
    search_fields = ["nom", "prenom", "email", "code"]
    readonly_fields = [
        "etat",
        "etat_le",
        "cree_le",
        "place_a_confirmer_avant",
        "code",
        "arrivee_le",
        "sequence",
        # L'accord pour le vivier ne se donne ou ne se retire que par la personne elle-même.
        "accord_vivier_le",
        "accord_vivier_texte",
        "accord_vivier_retire_le",
    ]
    inlines = [ParticipantInline]
