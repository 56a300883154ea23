from django.urls import path

from recrutement.views import agglomeration, candidatures, offres, vivier

app_name = "recrutement"

urlpatterns = [
    # Offres : pages publiques, recruteurs et modération (recrutement/views/offres.py)
    path("offres/", offres.offre_liste, name="offre_liste"),
    path("offres/carte/", offres.offres_carte, name="offres_carte"),
    path("offres/flux.atom", offres.flux_des_offres, name="flux"),
    path("offres/remplacements.ics", offres.remplacements_ics, name="remplacements_ics"),
    path("offres/<int:pk>/", offres.offre_detail, name="offre"),
    path("recrutement/mes-offres/", offres.mes_offres, name="mes_offres"),
    path("recrutement/offres/nouvelle/", offres.offre_creer, name="offre_creer"),
    path("recrutement/offres/<int:pk>/", offres.gestion, name="gestion"),
    path("recrutement/offres/<int:pk>/modifier/", offres.offre_modifier, name="offre_modifier"),
    path("recrutement/offres/<int:pk>/confirmer/", offres.offre_confirmer, name="offre_confirmer"),
    path("recrutement/offres/<int:pk>/<str:vers>/", offres.offre_transition, name="offre_transition"),
    path("recrutement/moderation/", offres.moderation, name="moderation"),
    # Candidatures : le tableau partagé des recruteurs (recrutement/views/candidatures.py)
    path("recrutement/candidatures/<int:pk>/", candidatures.candidature_detail, name="candidature"),
    # Le renouvellement au vivier, par le lien signé du courriel (recrutement/views/vivier.py)
    path("recrutement/vivier/<str:jeton>/", vivier.vivier_renouveler, name="vivier"),
    # L'agglomération : tableau de bord et demandes d'aide (recrutement/views/agglomeration.py)
    path("recrutement/tableau-de-bord/", agglomeration.tableau_de_bord, name="tableau_de_bord"),
    path(
        "recrutement/tableau-de-bord/<slug:tableau>.<slug:format>",
        agglomeration.tableau_export,
        name="tableau_export",
    ),
    path("recrutement/demandes-d-aide/", agglomeration.demandes_d_aide, name="demandes_d_aide"),
    path(
        "recrutement/demandes-d-aide/<int:pk>/prise-en-charge/",
        agglomeration.aide_prendre_en_charge,
        name="aide_prendre_en_charge",
    ),
]
